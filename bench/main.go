// Command bench measures felixlet on the benchmark workloads (the .flx programs beside
// this file) against the same workloads in other systems, all in one run on one machine:
// Go with goroutines and channels (peers/goroutines), and Lua 5.4 and LuaJIT with
// coroutines (peers/lua, run only if lua5.4 or luajit is installed).
//
//	go run ./bench [-runs 7] [-only fib,loop,channels,echo,net]
//	go run ./bench -pgo      write cmd/felixlet/default.pgo (pgo.go)
//
// The harness is meant to be fair on a noisy machine:
//   - runs are interleaved: every round runs each system once on the workload (A B C A B
//     C ...), so that a burst of load from elsewhere hits all of them alike;
//   - each system's own start-up is subtracted from its time before dividing by the
//     operation count: every run of a workload comes right after a run of the system's
//     start-up alone for it, its empty program, or for felixlet the command that reads,
//     checks and compiles the workload without running it (felixlet check);
//   - every figure is given from CPU time (user + system, from the kernel's accounting of
//     the child) as well as from wall time: the least each took over the rounds (minus
//     the least its empty program took), since on a shared machine other work only ever
//     adds time, and more to a short run than to a long one;
//   - the operation counts are those of PEERS.md for every system; the sieve's is the
//     2,042,625 values passed up to the answer;
//   - memory figures come from the peak resident set size, minus the empty program's.
//
// Compare the ratios of one run, not figures across runs. The echo workload (echo.go)
// drives two servers with TCP clients instead, and the net workloads (net.go) run pairs of
// processes that talk through a NATS server.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// workload is one benchmark: its program, how many operations it does, and what one is.
type workload struct {
	name   string  // the .flx file, the Go peer's argument, the Lua file
	label  string  // as PEERS.md names it
	ops    float64 // operations per run
	unit   string  // what one operation is
	memory bool    // report bytes per operation from peak RSS instead of time
	want   string  // the output every system must print
	lua    bool    // the Lua peers have it
}

var workloads = []workload{
	{"fib", "W1 fib(30)", 2692537, "call", false, "832040", true},
	{"loop", "W2 loop 10M", 10000000, "iter", false, "49999995000000", true},
	{"pingpong", "W3 pingpong 1M", 1000000, "round trip", false, "1000000", true},
	{"chain", "W4 chain 10k x 100", 1000000, "hop", false, "1000000", true},
	{"spawn", "W5 spawn 1M", 1000000, "spawn", false, "1000000", true},
	{"park", "W5b park 1M", 1000000, "parked fibre", true, "1000000", false},
	{"sieve", "W6 sieve 2000th prime", 2042625, "transfer", false, "17389", true},
}

// system is one implementation of the workloads.
type system struct {
	name    string
	cmd     func(w string) *exec.Cmd // the command running workload w ("empty": start-up only)
	startup func(w string) *exec.Cmd // the command doing all but running w (nil: the empty program)
	skips   func(w workload) bool    // workloads it has no program for
}

func main() {
	runs := flag.Int("runs", 7, "rounds of each workload; the least time counts")
	only := flag.String("only", "", "comma-separated workloads to run (default all, and echo)")
	pgo := flag.Bool("pgo", false, "write cmd/felixlet/default.pgo from profiles of the workloads, and measure nothing")
	flag.Parse()

	dir, err := os.MkdirTemp("", "felixlet-bench")
	check(err)
	defer os.RemoveAll(dir)
	root := moduleRoot()
	felixlet := filepath.Join(dir, "felixlet")
	peer := filepath.Join(dir, "goroutines")
	build(root, felixlet, "./cmd/felixlet")
	if *pgo {
		writeProfile(felixlet, root, dir)
		return
	}
	build(root, filepath.Join(dir, "felixlet-net"), "./cmd/felixlet-net") // net channels' helper, beside felixlet
	build(root, peer, "./bench/peers/goroutines")
	check(os.WriteFile(filepath.Join(dir, "empty.flx"), []byte("\n"), 0o644))
	check(os.WriteFile(filepath.Join(dir, "hello.flx"), []byte("println \"hello\";\n"), 0o644))

	systems := []system{
		{name: "felixlet", cmd: func(w string) *exec.Cmd {
			switch w {
			case "empty", "hello":
				return exec.Command(felixlet, "run", filepath.Join(dir, w+".flx"))
			case "version":
				return exec.Command(felixlet, "version")
			}
			return exec.Command(felixlet, "run", filepath.Join(root, "bench", w+".flx"))
		}, startup: func(w string) *exec.Cmd {
			return exec.Command(felixlet, "check", filepath.Join(root, "bench", w+".flx"))
		}},
		{name: "Go", cmd: func(w string) *exec.Cmd { return exec.Command(peer, w) }},
	}
	for _, lua := range []string{"lua5.4", "luajit"} {
		path, err := exec.LookPath(lua)
		if err != nil {
			continue
		}
		systems = append(systems, system{name: lua, cmd: func(w string) *exec.Cmd {
			c := exec.Command(path, w+".lua")
			c.Dir = filepath.Join(root, "bench", "peers", "lua")
			return c
		}, skips: func(w workload) bool { return !w.lua }})
	}

	fmt.Printf("felixlet benchmarks: %s/%s, %d CPUs, %d interleaved rounds, least times, %s\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), *runs, time.Now().Format("2006-01-02"))
	empty := map[string]sample{}
	results := interleave(*runs, systems, "empty", "")
	for i, s := range systems {
		empty[s.name] = results[i]
	}
	startup(*runs, systems, empty, dir)

	fmt.Printf("| workload | system | per op (CPU) | per op (wall) | felixlet / it (CPU) | felixlet / it (wall) |\n")
	fmt.Printf("|---|---|---|---|---|---|\n")
	for _, w := range workloads {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), w.name) {
			continue
		}
		var active []system
		for _, s := range systems {
			if s.skips == nil || !s.skips(w) {
				active = append(active, s)
			}
		}
		per := interleavePaired(*runs, active, w.name, w.want, w.ops)
		for i, s := range active {
			if w.memory {
				fmt.Printf("| %s | %s | %.0f B/%s | peak RSS %.1f MiB | %s | |\n", w.label, s.name, per[i].bytes, w.unit,
					mib(per[i].rss), ratio(per[0].bytes, per[i].bytes, i))
				continue
			}
			fmt.Printf("| %s | %s | %s/%s | %s/%s | %s | %s |\n", w.label, s.name, nanos(per[i].cpu), w.unit,
				nanos(per[i].wall), w.unit, ratio(per[0].cpu, per[i].cpu, i), ratio(per[0].wall, per[i].wall, i))
		}
	}
	if *only == "" || slices.Contains(strings.Split(*only, ","), "channels") {
		benchChannels(*runs, systems[:2])
	}
	if *only == "" || slices.Contains(strings.Split(*only, ","), "echo") {
		fmt.Println()
		benchEcho(*runs, felixlet, peer, root)
	}
	if *only == "" || slices.Contains(strings.Split(*only, ","), "net") {
		benchNet(*runs, felixlet, root, dir)
	}
}

// startup prints each system's start-up, and felixlet's for hello world and for its
// version command.
func startup(runs int, systems []system, empty map[string]sample, dir string) {
	fmt.Printf("| start-up | CPU | wall | peak RSS |\n|---|---|---|---|\n")
	for _, s := range systems {
		e := empty[s.name]
		fmt.Printf("| %s, empty program | %s | %s | %.1f MiB |\n", s.name, millis(e.cpu), millis(e.wall), mib(e.rss))
	}
	f := systems[0]
	res := interleave(runs, []system{f, f}, "hello", "hello")
	fmt.Printf("| felixlet run hello.flx | %s | %s | %.1f MiB |\n", millis(res[0].cpu), millis(res[0].wall), mib(res[0].rss))
	res = interleave(runs, []system{f, f}, "version", "")
	fmt.Printf("| felixlet version | %s | %s | %.1f MiB |\n\n", millis(res[0].cpu), millis(res[0].wall), mib(res[0].rss))
}

// sample is one run of a program, or the least of several.
type sample struct {
	wall, cpu time.Duration
	rss       int64 // peak resident set, bytes
}

// perOp is a workload's cost per operation, start-up subtracted.
type perOp struct {
	wall, cpu float64 // nanoseconds
	bytes     float64 // peak resident bytes
	rss       int64   // the workload's own peak resident set
}

// interleavePaired runs workload w on each system in turn, rounds times over, each run
// right after a run of the system's start-up for it, and returns each system's least
// times less its start-up's, per operation; memory is the median peak.
func interleavePaired(rounds int, systems []system, w, want string, ops float64) []perOp {
	type runs struct{ walls, cpus, ewalls, ecpus, rsss, erss []int64 }
	all := make([]runs, len(systems))
	for range rounds {
		for i, s := range systems {
			e := runOnce(s, "empty", "")
			if s.startup != nil {
				e = run(s.startup(w), s.name, w, "")
			}
			x := runOnce(s, w, want)
			r := &all[i]
			r.walls, r.cpus, r.rsss = append(r.walls, int64(x.wall)), append(r.cpus, int64(x.cpu)), append(r.rsss, x.rss)
			r.ewalls, r.ecpus, r.erss = append(r.ewalls, int64(e.wall)), append(r.ecpus, int64(e.cpu)), append(r.erss, e.rss)
		}
	}
	out := make([]perOp, len(systems))
	for i, r := range all {
		out[i] = perOp{
			wall:  float64(slices.Min(r.walls)-slices.Min(r.ewalls)) / ops,
			cpu:   float64(slices.Min(r.cpus)-slices.Min(r.ecpus)) / ops,
			bytes: float64(medianOf(r.rsss)-medianOf(r.erss)) / ops,
			rss:   medianOf(r.rsss),
		}
	}
	return out
}

// interleave runs workload w on each system in turn, rounds times over, and returns each
// system's least times and median peak memory.
func interleave(rounds int, systems []system, w, want string) []sample {
	walls := make([][]time.Duration, len(systems))
	cpus := make([][]time.Duration, len(systems))
	rsss := make([][]int64, len(systems))
	for range rounds {
		for i, s := range systems {
			x := runOnce(s, w, want)
			walls[i] = append(walls[i], x.wall)
			cpus[i] = append(cpus[i], x.cpu)
			rsss[i] = append(rsss[i], x.rss)
		}
	}
	out := make([]sample, len(systems))
	for i := range systems {
		out[i] = sample{wall: slices.Min(walls[i]), cpu: slices.Min(cpus[i]), rss: medianOf(rsss[i])}
	}
	return out
}

// runOnce runs workload w on a system once. A system that does not print want (unless
// want is empty) fails the harness.
func runOnce(s system, w, want string) sample { return run(s.cmd(w), s.name, w, want) }

// run runs a command for a system's workload w.
func run(cmd *exec.Cmd, system, w, want string) sample {
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = os.Stderr
	start := time.Now()
	check(cmd.Run())
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if out := strings.TrimSpace(stdout.String()); want != "" && out != want {
		fmt.Fprintf(os.Stderr, "bench: %s on %s printed %q, want %q\n", system, w, out, want)
		os.Exit(1)
	}
	return sample{wall: wall, cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), rss: ru.Maxrss * 1024}
}

func medianOf[T int64 | time.Duration](xs []T) T {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// ratio is felixlet's figure over the i-th system's, "—" for felixlet itself.
func ratio(felixlet, other float64, i int) string {
	if i == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2fx", felixlet/other)
}

func build(root, out, pkg string) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
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

func millis(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
