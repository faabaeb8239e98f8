package natslink

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/felixlet/felixlet/runtime/natsd"
	"github.com/felixlet/felixlet/runtime/netwire"
	"github.com/felixlet/felixlet/stdlib/netchan"
)

// Exit statuses, as felixlet's.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// Command is felixlet-net, with the arguments after its name: `felixlet-net link` serves
// a program's net channels on its standard input and output (felixlet starts it so for
// the REPL and for programs it cannot hand over), `felixlet-net net-serve ...` is what
// `felixlet net-serve` runs, and anything else is felixlet itself (the command felixlet
// gives), with NATS in the process: felixlet hands it the runs of programs that make net
// channels.
func Command(args []string, stdin io.Reader, stdout, stderr io.Writer, felixlet func(args []string, stdin io.Reader, stdout, stderr io.Writer) int) int {
	switch {
	case len(args) == 1 && args[0] == "link":
		signal.Ignore(os.Interrupt) // the program ends the link, after its own Ctrl-C
		events := netwire.NewQueue()
		writing := make(chan error, 1)
		go func() { writing <- events.Run(stdout, nil) }()
		err := Serve(stdin, events)
		if werr := <-writing; err == nil && !errors.Is(werr, syscall.EPIPE) {
			err = werr // (a program that ended reads no Closed)
		}
		if err != nil {
			fmt.Fprintf(stderr, "felixlet-net: %v\n", err)
			return exitRuntime
		}
		return exitOK
	case len(args) >= 1 && args[0] == "net-serve":
		return netServe(args[1:], stdout, stderr)
	}
	netchan.ServeInProcess(Serve)
	return felixlet(args, stdin, stdout, stderr)
}

// netServeUsage is the usage of `felixlet net-serve`.
const netServeUsage = `usage: felixlet net-serve [-listen HOST:PORT] [-cluster HOST:PORT -routes URL,...]
  -listen HOST:PORT   where felixlet programs (felixlet run --net nats://HOST:PORT) and NATS
                      tools connect (default 127.0.0.1:4222; port 0 picks a free one)
  -cluster HOST:PORT  where the other servers of a cluster connect to this one
  -routes URL,...     the -cluster addresses of other servers to join (nats-route://HOST:PORT)
`

// netServe is `felixlet net-serve`: a NATS server (the one felixlet embeds) that serves
// net channels to other felixlet processes until SIGINT or SIGTERM. It prints where it
// listens once it accepts connections.
func netServe(args []string, stdout, stderr io.Writer) int {
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
