package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run examples/echo.flx as a real felixlet process and drive it with real TCP
// clients on 127.0.0.1. Every wait has a deadline, and every loop a bound.

// felixletBinary builds the command once for the tests that run it as a process, with
// felixlet-net beside it as an installation has it.
var felixletBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "felixlet-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "felixlet")
	out, err := exec.Command("go", "build", "-o", dir, "../../cmd/felixlet", "../../cmd/felixlet-net").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// syncBuffer collects a process's stderr for the test to read while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// echoServer is a running examples/echo.flx.
type echoServer struct {
	addr   string
	cmd    *exec.Cmd
	stderr *syncBuffer
}

func startEcho(t *testing.T) *echoServer { return startEchoLimited(t, 0) }

// startEchoLimited starts the echo server with at most files open descriptors (0: the
// usual limit).
func startEchoLimited(t *testing.T, files int) *echoServer {
	t.Helper()
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &echoServer{addr: fmt.Sprintf("127.0.0.1:%d", port), stderr: &syncBuffer{}}
	s.cmd = exec.Command(bin, "run", "../../examples/echo.flx", fmt.Sprint(port))
	if files > 0 {
		s.cmd = exec.Command("sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, files), bin, "run", "../../examples/echo.flx", fmt.Sprint(port))
	}
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	})
	for deadline := time.Now().Add(patience); ; {
		c, err := net.Dial("tcp", s.addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the echo server did not start: %v; stderr: %s", err, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.waitIdle(t)
	return s
}

// statsLine is the line a running program prints on SIGUSR1; it gives the live fibres.
var statsLine = regexp.MustCompile(`^felixlet: \d+ fibres? spawned, \d+ ended, (\d+) live; \d+ channel transfers?$`)

// liveFibres asks the server for its counts (SIGUSR1) and returns how many fibres live.
func (s *echoServer) liveFibres(t *testing.T) int {
	t.Helper()
	before := strings.Count(s.stderr.String(), "\n")
	if err := s.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		out := s.stderr.String()
		if strings.Count(out, "\n") > before {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			m := statsLine.FindStringSubmatch(lines[len(lines)-1])
			if m == nil {
				t.Fatalf("unexpected stats line %q", lines[len(lines)-1])
			}
			live, _ := strconv.Atoi(m[1])
			return live
		}
	}
	t.Fatalf("no stats from the server; stderr: %s", s.stderr)
	return -1
}

// waitIdle waits until the server has only its mainline, waiting in tcp_accept.
func (s *echoServer) waitIdle(t *testing.T) {
	t.Helper()
	live := -1
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if live = s.liveFibres(t); live == 1 {
			return
		}
	}
	t.Fatalf("the server still has %d live fibres, want 1 (the mainline)", live)
}

func dial(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, patience)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(patience))
	return c.(*net.TCPConn)
}

// randomLine is a line of 1 to 200 printable bytes and its newline.
func randomLine(r *rand.Rand) []byte {
	b := make([]byte, 1+r.Intn(200))
	for i := range b {
		b[i] = byte(' ' + r.Intn(95))
	}
	return append(b, '\n')
}

// A thousand clients connect at once, then each sends forty lines, some one at a time
// and some all at once, and gets every byte back.
func TestEchoServerServesAThousandConnectionsAtOnce(t *testing.T) {
	s := startEcho(t)
	const clients, lines = 1000, 40
	conns := make([]*net.TCPConn, clients)
	for i := range conns {
		conns[i] = dial(t, s.addr)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i, c := range conns {
		wg.Add(1)
		go func(i int, c *net.TCPConn) {
			defer wg.Done()
			defer c.Close()
			r := rand.New(rand.NewSource(int64(i)))
			in := bufio.NewReader(c)
			var sent bytes.Buffer
			got := make([]byte, 0, 8192)
			for k := 0; k < lines; k++ {
				line := randomLine(r)
				sent.Write(line)
				if i%2 == 0 { // a line at a time, each echoed before the next
					if _, err := c.Write(line); err != nil {
						errs <- err
						return
					}
					echo, err := in.ReadBytes('\n')
					if err != nil {
						errs <- fmt.Errorf("client %d line %d: %v", i, k, err)
						return
					}
					got = append(got, echo...)
				}
			}
			if i%2 == 1 { // everything at once
				if _, err := c.Write(sent.Bytes()); err != nil {
					errs <- err
					return
				}
				rest := make([]byte, sent.Len())
				if _, err := io.ReadFull(in, rest); err != nil {
					errs <- fmt.Errorf("client %d: %v", i, err)
					return
				}
				got = append(got, rest...)
			}
			if !bytes.Equal(got, sent.Bytes()) {
				errs <- fmt.Errorf("client %d: the echo differs from what it sent", i)
			}
		}(i, c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s.waitIdle(t)
}

// Clients that vanish mid-line, or reset the connection, end their fibres without
// disturbing the server, which still serves the next client.
func TestEchoServerSurvivesClientsThatDisconnectOrReset(t *testing.T) {
	s := startEcho(t)
	for i := 0; i < 50; i++ {
		c := dial(t, s.addr)
		switch i % 3 {
		case 0: // half a line, then a close
			c.Write([]byte("half a li"))
			c.Close()
		case 1: // a line, then a reset without reading the echo
			c.Write([]byte("a full line\nand half"))
			c.SetLinger(0)
			c.Close()
		case 2: // a reset before anything
			c.SetLinger(0)
			c.Close()
		}
	}
	c := dial(t, s.addr)
	defer c.Close()
	c.Write([]byte("still there?\n"))
	echo, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || echo != "still there?\n" {
		t.Fatalf("after the broken clients: echo %q, %v", echo, err)
	}
	c.Close()
	s.waitIdle(t)
}

// A client that sends much more than it reads fills the socket buffers, so the server's
// writes to it are partial and its fibre waits; meanwhile other clients are served at once,
// and in the end the slow client gets every byte back.
func TestEchoServerWaitsForASlowReaderWithoutStoppingOthers(t *testing.T) {
	s := startEcho(t)
	slow := dial(t, s.addr)
	defer slow.Close()
	// A small receive buffer (not too small: a few KiB on loopback stalls any server, since
	// the window then never opens by a full segment).
	slow.SetReadBuffer(64 << 10)
	var sent bytes.Buffer
	r := rand.New(rand.NewSource(1))
	for sent.Len() < 16<<20 {
		sent.Write(randomLine(r))
	}
	written := make(chan error, 1)
	go func() { // it cannot all go through until the slow client reads
		_, err := slow.Write(sent.Bytes())
		written <- err
	}()
	time.Sleep(500 * time.Millisecond)
	select {
	case err := <-written:
		t.Fatalf("16 MiB went through a client that reads nothing (%v): the test proves nothing", err)
	default: // every buffer is full, so the server is waiting to write to the slow client
	}

	// The server is stuck writing to the slow client, yet answers another at once.
	for k := 0; k < 20; k++ {
		c := dial(t, s.addr)
		fmt.Fprintf(c, "quick %d\n", k)
		echo, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || echo != fmt.Sprintf("quick %d\n", k) {
			t.Fatalf("quick client %d: %q, %v", k, echo, err)
		}
	}

	// Now read slowly, in small pieces, until everything has come back.
	got := make([]byte, 0, sent.Len())
	buf := make([]byte, 64<<10)
	for len(got) < sent.Len() {
		n, err := slow.Read(buf)
		if err != nil {
			t.Fatalf("slow client after %d of %d bytes: %v", len(got), sent.Len(), err)
		}
		got = append(got, buf[:n]...)
		if len(got) < 1<<20 {
			time.Sleep(time.Millisecond)
		}
	}
	if !bytes.Equal(got, sent.Bytes()) {
		t.Fatal("the slow client's echo differs from what it sent")
	}
	if err := <-written; err != nil {
		t.Fatalf("the slow client's write: %v", err)
	}
	slow.Close()
	s.waitIdle(t)
}

// With too few descriptors for its clients, the server does not give up: accept waits until
// a connection closes, and in the end every client is served byte for byte.
func TestEchoServerOutOfDescriptorsServesEveryClientInTheEnd(t *testing.T) {
	s := startEchoLimited(t, 40)
	const clients = 200
	errs := make(chan error, clients)
	for k := 0; k < clients; k++ {
		go func() {
			c, err := net.DialTimeout("tcp", s.addr, patience)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(patience))
			r := rand.New(rand.NewSource(int64(k)))
			var sent bytes.Buffer
			for i := 0; i < 20; i++ {
				sent.Write(randomLine(r))
			}
			if _, err := c.Write(sent.Bytes()); err != nil {
				errs <- err
				return
			}
			c.(*net.TCPConn).CloseWrite()
			got, err := io.ReadAll(c)
			switch {
			case err != nil:
				errs <- err
			case !bytes.Equal(got, sent.Bytes()):
				errs <- fmt.Errorf("client %d got %d bytes back, sent %d", k, len(got), sent.Len())
			default:
				errs <- nil
			}
		}()
	}
	for k := 0; k < clients; k++ {
		if err := <-errs; err != nil {
			t.Fatalf("%v; server stderr: %s", err, s.stderr)
		}
	}
	if s.cmd.ProcessState != nil {
		t.Fatalf("the server exited: %s", s.stderr)
	}
}
