package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/felixlet/felixlet/runtime/natsd"
)

// netServeUsage is the usage of `felixlet net-serve`.
const netServeUsage = `usage: felixlet net-serve [-listen HOST:PORT] [-cluster HOST:PORT -routes URL,...]
  -listen HOST:PORT   where felixlet programs (felixlet run --net nats://HOST:PORT) and NATS
                      tools connect (default 127.0.0.1:4222; port 0 picks a free one)
  -cluster HOST:PORT  where the other servers of a cluster connect to this one
  -routes URL,...     the -cluster addresses of other servers to join (nats-route://HOST:PORT)
`

// netServeCommand handles `felixlet net-serve`: a NATS server (the one felixlet embeds)
// that serves net channels to other felixlet processes until SIGINT or SIGTERM. It prints
// where it listens once it accepts connections.
func netServeCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("net-serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := natsd.Config{Name: "felixlet"}
	var routes string
	fs.StringVar(&c.Listen, "listen", "127.0.0.1:4222", "")
	fs.StringVar(&c.Cluster, "cluster", "", "")
	fs.StringVar(&routes, "routes", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			err = fmt.Errorf("unexpected argument %s", fs.Arg(0))
		}
		fmt.Fprintf(stderr, "felixlet net-serve: %v\n%s", err, netServeUsage)
		return exitUsage
	}
	for _, r := range strings.Split(routes, ",") {
		if r = strings.TrimSpace(r); r != "" {
			c.Routes = append(c.Routes, r)
		}
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	s, err := natsd.Serve(c)
	if err != nil {
		fmt.Fprintf(stderr, "felixlet net-serve: %v\n", err)
		return exitRuntime
	}
	fmt.Fprintf(stdout, "felixlet net-serve: serving nats://%s\n", s.Addr())
	if a := s.ClusterAddr(); a != nil {
		fmt.Fprintf(stdout, "felixlet net-serve: cluster nats-route://%s\n", a)
	}
	<-sigs
	s.Shutdown()
	s.WaitForShutdown()
	return exitOK
}
