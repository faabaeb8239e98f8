package cli

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/felixlet/felixlet/stdlib/netchan"
)

// netServeCommand is `felixlet net-serve`: felixlet-net, which holds the NATS server,
// serves in place of this process (so that signals reach it), with the same arguments.
func netServeCommand(args []string, stderr io.Writer) int {
	path, err := netchan.HelperPath()
	if err == nil {
		err = syscall.Exec(path, append([]string{"felixlet-net", "net-serve"}, args...), os.Environ())
	}
	fmt.Fprintf(stderr, "felixlet net-serve: needs %v\n", err)
	return exitRuntime
}
