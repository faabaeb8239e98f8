package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"sync"
	"time"
)

// The echo workload measures examples/echo.flx, a fibre per connection on one poller,
// against the same server in Go, a goroutine per connection, started one after the other
// and driven by the same clients from this process: echoConns connections at once, first
// each making echoRequests round trips of a short line (requests per second), then each
// streaming echoStream bytes of longer lines while it reads the echo back (MB/s).
const (
	echoConns    = 100
	echoRequests = 1000
	echoLine     = "a request line of forty-eight bytes, give or ta\n"
	echoStream   = 2 << 20
)

// echoFigures are a server's medians.
type echoFigures struct {
	requests float64 // round trips per second
	mbytes   float64 // echoed megabytes (1e6 bytes) per second
}

func benchEcho(runs int, felixlet, peer, root string) {
	f := measureEcho(runs, felixlet, "run", root+"/examples/echo.flx")
	g := measureEcho(runs, peer, "echo")
	label := fmt.Sprintf("W7 echo, %d conns", echoConns)
	fmt.Printf("%-24s %-30s %-30s %.2fx\n", label,
		fmt.Sprintf("%.0f req/s", f.requests), fmt.Sprintf("%.0f req/s", g.requests), f.requests/g.requests)
	fmt.Printf("%-24s %-30s %-30s %.2fx\n", "",
		fmt.Sprintf("%.0f MB/s", f.mbytes), fmt.Sprintf("%.0f MB/s", g.mbytes), f.mbytes/g.mbytes)
	fmt.Printf("%-24s (for echo the ratio is felixlet's rate over Go's: higher is better)\n", "")
}

// measureEcho starts a server (the command and its arguments, then the port) and takes
// the median of several rounds of both measurements.
func measureEcho(runs int, command ...string) echoFigures {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(command[0], append(command[1:], strconv.Itoa(port))...)
	cmd.Stderr = os.Stderr
	check(cmd.Start())
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			check(fmt.Errorf("%s did not start: %v", command[0], err))
		}
	}
	var reqs, mbs []float64
	for i := 0; i < runs; i++ {
		reqs = append(reqs, requestRate(addr))
		mbs = append(mbs, streamRate(addr))
	}
	return echoFigures{median(reqs), median(mbs)}
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

// eachConnection connects echoConns clients, runs work on each at once, and returns how
// long they took from the moment all were connected.
func eachConnection(addr string, work func(c net.Conn) error) time.Duration {
	conns := make([]net.Conn, echoConns)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		check(err)
		c.SetDeadline(time.Now().Add(2 * time.Minute))
		conns[i] = c
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, echoConns)
	for _, c := range conns {
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			defer c.Close()
			if err := work(c); err != nil {
				errs <- err
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		check(err)
	}
	return elapsed
}

// requestRate makes echoRequests round trips on each connection.
func requestRate(addr string) float64 {
	elapsed := eachConnection(addr, func(c net.Conn) error {
		in := bufio.NewReader(c)
		for k := 0; k < echoRequests; k++ {
			if _, err := io.WriteString(c, echoLine); err != nil {
				return err
			}
			got, err := in.ReadString('\n')
			if err != nil || got != echoLine {
				return fmt.Errorf("echo: got %q, %v", got, err)
			}
		}
		return nil
	})
	return echoConns * echoRequests / elapsed.Seconds()
}

// streamRate writes echoStream bytes of 1 KiB lines on each connection while reading the
// echo back.
func streamRate(addr string) float64 {
	line := append(bytes.Repeat([]byte("0123456789abcdef"), 64)[:1023], '\n')
	data := bytes.Repeat(line, echoStream/len(line))
	elapsed := eachConnection(addr, func(c net.Conn) error {
		werr := make(chan error, 1)
		go func() {
			_, err := c.Write(data)
			werr <- err
		}()
		got := make([]byte, len(data))
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if !bytes.Equal(got, data) {
			return fmt.Errorf("the echo differs from what was sent")
		}
		return <-werr
	})
	return float64(echoConns*len(data)) / 1e6 / elapsed.Seconds()
}
