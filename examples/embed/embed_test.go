package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
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

// patience is how long a test waits for what takes moments: only a hang runs out of it,
// not a slow or loaded machine (or -race).
const patience = 5 * time.Minute

// The example built as a program and run: it prints where it listens, answers many
// requests at once over loopback, and ends cleanly on SIGTERM.
func TestTheBuiltServerAnswersConcurrentRequests(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "embed")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // should the test fail before the server stops
	lines := bufio.NewReader(stdout)
	first, err := lines.ReadString('\n')
	base, ok := strings.CutPrefix(strings.TrimSpace(first), "listening on ")
	if err != nil || !ok {
		t.Fatalf("the server said %q (%v); stderr: %s", first, err, stderr.String())
	}
	rest := make(chan string, 1)
	exited := make(chan error, 1)
	go func() {
		b, _ := io.ReadAll(lines)
		rest <- string(b)
		exited <- cmd.Wait()
	}()
	askConcurrently(t, base)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case out := <-rest:
		if err := <-exited; err != nil || out != "" || stderr.Len() > 0 {
			t.Errorf("the server ended with %v, printed %q and %q", err, out, stderr.String())
		}
	case <-time.After(patience):
		t.Fatal("the server did not stop on SIGTERM")
	}
}

// The server in this process, stopped through its context; the race detector watches
// its goroutines and the machine's.
func TestServeStopsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, ln) }()
	askConcurrently(t, "http://"+ln.Addr().String())
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(patience):
		t.Fatal("serve did not return once its context was done")
	}
}

// askConcurrently sends many requests at once to the server at base and checks every
// answer.
func askConcurrently(t *testing.T, base string) {
	t.Helper()
	type query struct {
		path   string
		status int
		body   string // the whole body, or for /hello/ a pattern
	}
	var queries []query
	for n := range 16 {
		queries = append(queries,
			query{fmt.Sprintf("/fib/%d", n+10), 200, fmt.Sprintf("fib(%d) = %d\n", n+10, fib(n+10))},
			query{fmt.Sprintf("/primes/%d", 5*n+1), 200, strings.Join(primes(5*n+1), " ") + "\n"},
			query{fmt.Sprintf("/hello/visitor%d", n), 200, fmt.Sprintf(`^hello, visitor%d; (\d+) requests came before yours\n$`, n)},
			query{fmt.Sprintf("/nothing/%d", n), 404, fmt.Sprintf("no page /nothing/%d\n", n)},
		)
	}
	queries = append(queries, query{"/fib/x", 400, "fib wants a number from 0 to 30\n"},
		query{"/primes/0", 400, "primes wants a number from 1 to 500\n"})
	client := &http.Client{Timeout: patience}
	var mu sync.Mutex
	before := map[int]bool{} // the counts /hello/ answered: each request saw a different one
	var wg sync.WaitGroup
	for _, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(base + q.path)
			if err != nil {
				t.Errorf("GET %s: %v", q.path, err)
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != q.status {
				t.Errorf("GET %s: %s (%v), want %d", q.path, resp.Status, err, q.status)
			}
			if !strings.HasPrefix(q.path, "/hello/") {
				if string(body) != q.body {
					t.Errorf("GET %s: %q, want %q", q.path, body, q.body)
				}
				return
			}
			m := regexp.MustCompile(q.body).FindSubmatch(body)
			if m == nil {
				t.Errorf("GET %s: %q, want it to match %s", q.path, body, q.body)
				return
			}
			n, _ := strconv.Atoi(string(m[1]))
			mu.Lock()
			defer mu.Unlock()
			if before[n] || n >= len(queries) {
				t.Errorf("GET %s: %d requests before it, which is impossible or another's count", q.path, n)
			}
			before[n] = true
		}()
	}
	wg.Wait()
}

func fib(n int) int {
	a, b := 0, 1
	for range n {
		a, b = b, a+b
	}
	return a
}

// primes gives the first n primes, as text.
func primes(n int) []string {
	var ps []string
	for i := 2; len(ps) < n; i++ {
		prime := true
		for d := 2; d*d <= i; d++ {
			if i%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			ps = append(ps, strconv.Itoa(i))
		}
	}
	return ps
}
