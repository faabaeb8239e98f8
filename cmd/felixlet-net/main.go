// Command felixlet-net is felixlet with NATS inside it: felixlet hands it the runs of
// programs that make net channels, starts it (felixlet-net link) to carry the net
// channels of its REPL, and runs it for `felixlet net-serve`. It is found beside felixlet,
// or on PATH. Keeping the NATS client and server out of felixlet keeps their start-up
// out of every program that does not use them.
package main

import (
	"os"

	"github.com/felixlet/felixlet/internal/cli"
	"github.com/felixlet/felixlet/stdlib/netchan/natslink"
)

func main() {
	os.Exit(natslink.Command(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, cli.Main))
}
