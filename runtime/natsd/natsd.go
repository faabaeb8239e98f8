// Package natsd runs the NATS server felixlet embeds (github.com/nats-io/nats-server): in
// the process, listening on nothing, for a program whose net channels name no engine, and
// on TCP for `felixlet net-serve`, alone or in a cluster of servers.
//
// It imports nothing of felixlet's.
package natsd

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// readyWithin bounds how long a server may take to start accepting connections.
const readyWithin = 10 * time.Second

// InProcess starts a server that listens on no port: only this process reaches it,
// through its InProcessConn.
func InProcess() (*server.Server, error) {
	return start(&server.Options{DontListen: true, NoLog: true, NoSigs: true})
}

// Config is where a standalone server listens and which cluster it joins.
type Config struct {
	Listen  string   // host:port for clients; port 0 picks a free one
	Cluster string   // host:port for other servers of a cluster ("": no cluster); port 0 picks one
	Routes  []string // the cluster addresses of other servers (nats-route://host:port or host:port)
	Name    string   // the cluster's name
}

// Serve starts a standalone server as c says.
func Serve(c Config) (*server.Server, error) {
	opts := &server.Options{NoLog: true, NoSigs: true}
	var err error
	if opts.Host, opts.Port, err = hostPort(c.Listen); err != nil {
		return nil, fmt.Errorf("-listen %s: %v", c.Listen, err)
	}
	if c.Cluster != "" {
		opts.Cluster.Name = c.Name
		if opts.Cluster.Host, opts.Cluster.Port, err = hostPort(c.Cluster); err != nil {
			return nil, fmt.Errorf("-cluster %s: %v", c.Cluster, err)
		}
	}
	if len(c.Routes) > 0 && c.Cluster == "" {
		return nil, fmt.Errorf("-routes needs -cluster: the address where this server meets the others")
	}
	for _, r := range c.Routes {
		u, err := routeURL(r)
		if err != nil {
			return nil, fmt.Errorf("-routes %s: %v", r, err)
		}
		opts.Routes = append(opts.Routes, u)
	}
	return start(opts)
}

// start makes and starts a server, and waits until it accepts connections.
func start(opts *server.Options) (*server.Server, error) {
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, err
	}
	go s.Start()
	if !s.ReadyForConnections(readyWithin) {
		s.Shutdown()
		return nil, fmt.Errorf("the NATS server did not start within %v", readyWithin)
	}
	return s, nil
}

// hostPort splits host:port; port 0 is any free port (the server's RANDOM_PORT).
func hostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", p)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	if host == "" {
		host = "0.0.0.0"
	}
	return host, port, nil
}

// routeURL reads the address of another server of the cluster.
func routeURL(r string) (*url.URL, error) {
	u, err := url.Parse(r)
	if err != nil || u.Scheme == "" || u.Host == "" {
		if _, _, err := net.SplitHostPort(r); err != nil {
			return nil, fmt.Errorf("want nats-route://host:port or host:port")
		}
		return &url.URL{Scheme: "nats-route", Host: r}, nil
	}
	return u, nil
}
