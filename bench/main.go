// Command bench measures felixlet on the benchmark workloads (the .flx programs beside
// this file) against the same workloads written in Go with goroutines and channels,
// measured in the same run on the same machine.
//
//	go run ./bench [-runs 5] [-only fib,loop,channels,echo]
//
// Each program runs as a whole process several times; the median wall time, minus the
// median start-up time of an empty program, divided by the workload's operation count
// gives the per-operation figure. Memory figures come from the peak resident set size
// reported by the kernel, minus the empty program's. The echo workload (echo.go) drives two
// servers with TCP clients instead.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// workload is one benchmark: its program, how many operations it does, and what one is.
type workload struct {
	name   string  // the .flx file and the Go peer's argument
	label  string  // as PEERS.md names it
	ops    float64 // operations per run
	unit   string  // what one operation is
	memory bool    // report bytes per operation from peak RSS instead of time
	want   string  // the output both must print
}

var workloads = []workload{
	{"fib", "W1 fib(30)", 2692537, "call", false, "832040"},
	{"loop", "W2 loop 10M", 10000000, "iter", false, "49999995000000"},
	{"pingpong", "W3 pingpong 1M", 1000000, "round trip", false, "1000000"},
	{"chain", "W4 chain 10k x 100", 1000000, "hop", false, "1000000"},
	{"spawn", "W5 spawn 1M", 1000000, "spawn", false, "1000000"},
	{"park", "W5b park 1M", 1000000, "parked fibre", true, "1000000"},
	{"sieve", "W6 sieve 2000th prime", 0, "transfer", false, "17389"},
}

func main() {
	runs := flag.Int("runs", 5, "runs of each program; the median counts")
	only := flag.String("only", "", "comma-separated workloads to run (default all)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "felixlet-bench")
	check(err)
	defer os.RemoveAll(dir)
	root := moduleRoot()
	felixlet := filepath.Join(dir, "felixlet")
	peer := filepath.Join(dir, "goroutines")
	build(root, felixlet, "./cmd/felixlet")
	build(root, peer, "./bench/peers/goroutines")
	empty := filepath.Join(dir, "empty.flx")
	check(os.WriteFile(empty, []byte("\n"), 0o644))

	fmt.Printf("felixlet benchmarks: %s/%s, %d CPUs, median of %d runs, %s\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), *runs, time.Now().Format("2006-01-02"))
	base := measure(*runs, felixlet, empty)
	peerBase := measure(*runs, peer, "empty")
	fmt.Printf("%-24s %-30s %-30s %s\n", "workload", "felixlet", "Go goroutines", "felixlet/Go")
	for _, w := range workloads {
		if *only != "" && !contains(strings.Split(*only, ","), w.name) {
			continue
		}
		prog := filepath.Join(root, "bench", w.name+".flx")
		f := measure(*runs, felixlet, prog)
		g := measure(*runs, peer, w.name)
		if f.out != w.want || g.out != w.want {
			fmt.Fprintf(os.Stderr, "%s: printed %q (felixlet) and %q (Go), want %q\n", w.name, f.out, g.out, w.want)
			os.Exit(1)
		}
		ops := w.ops
		if ops == 0 {
			ops = transfers(felixlet, prog)
		}
		var fs, gs string
		var ratio float64
		if w.memory {
			fb := float64(f.rss-base.rss) / ops
			gb := float64(g.rss-peerBase.rss) / ops
			fs = fmt.Sprintf("%.0f B/%s (%.2f s)", fb, w.unit, f.wall.Seconds())
			gs = fmt.Sprintf("%.0f B/%s (%.2f s)", gb, w.unit, g.wall.Seconds())
			ratio = fb / gb
		} else {
			fn := float64(f.wall-base.wall) / ops
			gn := float64(g.wall-peerBase.wall) / ops
			fs = fmt.Sprintf("%s/%s", nanos(fn), w.unit)
			gs = fmt.Sprintf("%s/%s", nanos(gn), w.unit)
			ratio = fn / gn
		}
		fmt.Printf("%-24s %-30s %-30s %.2fx\n", w.label, fs, gs, ratio)
		if w.name == "spawn" || w.name == "sieve" {
			fmt.Printf("%-24s %-30s %s\n", "", fmt.Sprintf("peak RSS %.1f MiB", mib(f.rss)), fmt.Sprintf("peak RSS %.1f MiB", mib(g.rss)))
		}
	}
	if *only == "" || contains(strings.Split(*only, ","), "channels") {
		benchChannels(*runs, felixlet, peer, root, base, peerBase)
	}
	if *only == "" || contains(strings.Split(*only, ","), "echo") {
		benchEcho(*runs, felixlet, peer, root)
	}
}

// result is the median of several runs of one program.
type result struct {
	wall time.Duration
	rss  int64 // peak resident set, bytes
	out  string
}

func measure(runs int, prog string, arg string) result {
	var walls []time.Duration
	var rsss []int64
	var out string
	for i := 0; i < runs; i++ {
		cmd := exec.Command(prog, arg)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		cmd.Stderr = os.Stderr
		start := time.Now()
		check(cmd.Run())
		walls = append(walls, time.Since(start))
		rsss = append(rsss, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss*1024)
		out = strings.TrimSpace(stdout.String())
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(rsss, func(i, j int) bool { return rsss[i] < rsss[j] })
	return result{wall: walls[len(walls)/2], rss: rsss[len(rsss)/2], out: out}
}

// transfers asks felixlet how many values a program passes over channels.
func transfers(felixlet, prog string) float64 {
	cmd := exec.Command(felixlet, "--stats", prog)
	var stderr bytes.Buffer
	cmd.Stdout = nil
	cmd.Stderr = &stderr
	check(cmd.Run())
	for _, line := range strings.Split(stderr.String(), "\n") {
		if n, ok := strings.CutPrefix(line, "channel transfers: "); ok {
			v, err := strconv.ParseFloat(n, 64)
			check(err)
			return v
		}
	}
	fmt.Fprintln(os.Stderr, "no transfer count from --stats")
	os.Exit(1)
	return 0
}

func build(root, out, pkg string) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	check(cmd.Run())
}

func moduleRoot() string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	check(err)
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func nanos(ns float64) string {
	if ns >= 1000 {
		return fmt.Sprintf("%.2f µs", ns/1000)
	}
	return fmt.Sprintf("%.1f ns", ns)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
