package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The net channel workloads (bench/net) run two processes of each system against one
// felixlet net-serve, in the same run, interleaved:
//
//	W10 queued sends: one process writes small strings to a net_out, the other reads
//	    them from a net_in; the reader times first to last message.
//	W11 acknowledged sends: one process sends and awaits each value in turn, the other
//	    takes them; the sender times the round trips.
//
// The Go peer (peers/gonats) does the same directly on nats.go: Publish and a queue
// subscription, Request and Respond. The first-cut bar of issue 12: felixlet's queued
// throughput is at least half of Go's.
const (
	netQueued = 200000 // messages per W10 run
	netAcked  = 2000   // round trips per W11 run
)

// netSide is how one system runs each process of the net workloads.
type netSide struct {
	name             string
	consume, produce func(subject string) *exec.Cmd
	respond, request func(subject string) *exec.Cmd
}

func benchNet(runs int, felixlet, root, dir string) {
	gonats := filepath.Join(dir, "gonats")
	build(root, gonats, "./bench/peers/gonats")
	server := exec.Command(felixlet, "net-serve", "-listen", "127.0.0.1:0")
	out, err := server.StdoutPipe()
	check(err)
	check(server.Start())
	defer server.Process.Kill()
	url := strings.TrimPrefix(firstLine(out, "felixlet net-serve: serving "), "felixlet net-serve: serving ")
	prog := func(name string) string { return filepath.Join(root, "bench", "net", name+".flx") }
	n, m := strconv.Itoa(netQueued), strconv.Itoa(netAcked)
	sides := []netSide{
		{name: "felixlet",
			consume: func(s string) *exec.Cmd { return exec.Command(felixlet, "run", "--net", url, prog("consumer"), s, n) },
			produce: func(s string) *exec.Cmd { return exec.Command(felixlet, "run", "--net", url, prog("producer"), s, n) },
			respond: func(s string) *exec.Cmd { return exec.Command(felixlet, "run", "--net", url, prog("responder"), s) },
			request: func(s string) *exec.Cmd { return exec.Command(felixlet, "run", "--net", url, prog("requester"), s, m) }},
		{name: "Go (nats.go)",
			consume: func(s string) *exec.Cmd { return exec.Command(gonats, url, "consume", s, n) },
			produce: func(s string) *exec.Cmd { return exec.Command(gonats, url, "produce", s, n) },
			respond: func(s string) *exec.Cmd { return exec.Command(gonats, url, "respond", s) },
			request: func(s string) *exec.Cmd { return exec.Command(gonats, url, "request", s, m) }},
	}
	best := make([]struct{ rate, trip float64 }, len(sides))
	for round := range runs {
		for i, side := range sides {
			subject := fmt.Sprintf("w10.%d.%d", round, i)
			consumer := side.consume(subject)
			micros := timedPair(consumer, side.produce(subject))
			best[i].rate = max(best[i].rate, float64(netQueued-1)/micros*1e6)
			subject = fmt.Sprintf("w11.%d.%d", round, i)
			micros = timedPair(side.request(subject), nil, side.respond(subject))
			if trip := micros / netAcked; best[i].trip == 0 || trip < best[i].trip {
				best[i].trip = trip
			}
		}
	}
	fmt.Printf("\n| workload (%d rounds, best) | felixlet | Go (nats.go) | felixlet / Go |\n|---|---|---|---|\n", runs)
	fmt.Printf("| W10 queued sends of small strings, 2 processes | %.0f msg/s | %.0f msg/s | %.2fx |\n",
		best[0].rate, best[1].rate, best[0].rate/best[1].rate)
	fmt.Printf("| W11 acknowledged send, round trip | %.1f µs | %.1f µs | %.2fx |\n",
		best[0].trip, best[1].trip, best[0].trip/best[1].trip)
	verdict := "within"
	if best[0].rate < best[1].rate/2 {
		verdict = "UNDER"
	}
	fmt.Printf("  bar: W10 felixlet at %.2fx of Go's message rate (at least 0.5x): %s\n", best[0].rate/best[1].rate, verdict)
}

// timedPair runs a process that prints "elapsed MICROS" (timer) beside another (other,
// started once timer is running; nil for none), each after a helper that prints "ready"
// (nil for none) and is killed at the end, and returns the microseconds timer printed.
func timedPair(timer, other *exec.Cmd, helpers ...*exec.Cmd) float64 {
	for _, h := range helpers {
		out, err := h.StdoutPipe()
		check(err)
		h.Stderr = os.Stderr
		check(h.Start())
		defer h.Process.Kill()
		firstLine(out, "ready")
	}
	var stdout strings.Builder
	timer.Stderr = os.Stderr
	pipe := io.Reader(nil)
	if other != nil {
		out, err := timer.StdoutPipe()
		check(err)
		pipe = out
	} else {
		timer.Stdout = &stdout
	}
	check(timer.Start())
	if other != nil {
		r := bufio.NewReader(pipe)
		line, err := r.ReadString('\n')
		check(err)
		if strings.TrimSpace(line) != "ready" {
			check(fmt.Errorf("the reading process printed %q, want ready", line))
		}
		other.Stderr = os.Stderr
		check(other.Run())
		rest, err := io.ReadAll(r)
		check(err)
		stdout.Write(rest)
	}
	done := make(chan error, 1)
	go func() { done <- timer.Wait() }()
	select {
	case err := <-done:
		check(err)
	case <-time.After(5 * time.Minute):
		timer.Process.Kill()
		check(fmt.Errorf("%s did not finish within 5 minutes", timer.Path))
	}
	f := strings.Fields(stdout.String())
	if len(f) != 2 || f[0] != "elapsed" {
		check(fmt.Errorf("%s printed %q, want elapsed MICROSECONDS", timer.Path, stdout.String()))
	}
	micros, err := strconv.ParseFloat(f[1], 64)
	check(err)
	return max(micros, 1)
}

// firstLine reads lines from r until one begins with prefix, and returns it.
func firstLine(r io.Reader, prefix string) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			return sc.Text()
		}
	}
	check(fmt.Errorf("no line beginning %q", prefix))
	return ""
}
