// Package cli is the felixlet command: what cmd/felixlet runs, and cmd/felixlet-net,
// which is the same command with NATS inside it (see netserve.go).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/felixlet/felixlet"
	"github.com/felixlet/felixlet/lang/compile"
	"github.com/felixlet/felixlet/stdlib"
	"github.com/felixlet/felixlet/stdlib/netchan"
	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// Exit statuses.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2 // also compile errors
	exitHalt    = 3
	// exitTimeout is the status of a program stopped by a time limit, which only golden
	// tests have: the status timeout(1) gives, so that a test can tell it from others.
	exitTimeout = 124
)

const version = "felixlet 0.1.0"

const usage = `usage:
  felixlet run [flags] prog.flx [args...]  run a program (args reach it as System::argv 1, ...); - reads it from stdin
  felixlet [flags] prog.flx [args...]      the same
  felixlet                                 a REPL when stdin is a terminal; otherwise run the program read from stdin
  felixlet repl                            the REPL; on lines read from stdin, without prompts, when it is not a terminal
  felixlet check prog.flx ...              parse and type-check only; report every error
  felixlet test [flags] [dir|file ...]     golden tests (default: ./testdata)
  felixlet disasm [--all] prog.flx         the bytecode of the program's functions (--all: the library's it uses too), with source lines
  felixlet graph [--svg] prog.flx          the program's circuits and |-> pipelines as Graphviz DOT (--svg: drawn by Graphviz's dot)
  felixlet net-serve [-listen HOST:PORT] [-cluster HOST:PORT -routes URL,...]
                                           a NATS server for the net channels of other felixlet processes
  felixlet version                         print the version (also --version)
  felixlet help                            the flags, golden tests and exit statuses
`

// help is what `felixlet help` prints: the usage, then the flags and the rest.
const help = usage + `
Flags of run and the bare form, before the program's name:
  --stats   at exit, print on stderr the fibres spawned, ended, left waiting and
            collected, the channel transfers, the peak of live fibres and the run time
  --trace   print each scheduling event on stderr
  --timeline FILE
            write a picture of the schedule to FILE: one HTML page, with an SVG
            timeline of every fibre (when it ran, what it waited on, each value
            passed between fibres, how it ended), to open in a browser
  --trace-json FILE
            write the schedule to FILE in Chrome's trace-event format, for
            Perfetto (ui.perfetto.dev) or chrome://tracing
  --timeline-events N
            draw at most the first N scheduling events in either (default 2000)
  --cpuprofile FILE
            write a CPU profile of the whole command (compiling and running) to FILE,
            for go tool pprof
  --max-depth N
            let calls nest at most N deep in a fibre (default 1000000): a call
            deeper is a runtime error naming the function
  --max-memory SIZE
            let the program's values take at most SIZE bytes of memory (512M, 2G;
            default half the machine's memory; 0 for no limit): a program that
            needs more stops with a runtime error saying what holds the memory
  --net nats://HOST:PORT
            the NATS server (or servers, comma-separated) of the program's net channels;
            default $FELIXLET_NET, else a server in the process that only it reaches.
            NATS is in felixlet-net, beside felixlet or on PATH, which runs the programs
            that make net channels

Golden tests: a test is NAME.flx with NAME.expect (its exact stdout) and, if needed,
NAME.stdin (its input), NAME.stderr (its exact stderr) and NAME.exit (its exit status,
otherwise 0); or NAME.fdoc, a Felix literate file with an @felix section (the program)
and an @expect section (its stdout), each ended by a line holding @. Directories are
searched recursively, except those named script or starting with _. Each test runs in a
scratch directory of its own; they run in parallel, and report in the order of their paths.
Flags of test, anywhere among the paths, as -flag or --flag:
  -run PATTERN       run the tests whose name matches the Go regexp; a test's name is its
                     path from the directory given, without extension (loops/while_ends)
  -timeout DURATION  fail a test that runs longer (default 10s; 0 for no limit)
  -update            rewrite NAME.expect, or the @expect section, from what each program
                     prints; NAME.stderr if it exists; NAME.exit if it exists or the
                     status is not 0. A test that times out is not rewritten.

Exit status: 0 when the program ran to its end (fibres left waiting are normal), 1 for a
runtime error, 2 for a compile error or bad usage, 3 for halt, 130 when stopped by SIGINT
(Ctrl-C) and 143 by SIGTERM. test: 0 when every test passed, 1 when any failed, 2 for bad
usage.
`

// Main is the felixlet command with the arguments after its name; it returns the exit
// status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, stdin, stdout, stderr)
}

// run is the whole command, on explicit streams so that tests can drive it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return noArguments(stdin, stdout, stderr)
	}
	// -h or --help right after a command asks for the help, as it does after felixlet.
	if len(args) > 1 && isHelpFlag(args[1]) && slices.Contains([]string{"run", "check", "disasm", "graph", "repl"}, args[0]) {
		fmt.Fprint(stdout, help)
		return exitOK
	}
	switch args[0] {
	case "repl":
		if len(args) > 1 {
			fmt.Fprint(stderr, usage)
			return exitUsage
		}
		if isTerminal(stdin) {
			return replTerminal(stdout, stderr)
		}
		return replLines(stdin, stdout, stderr)
	case "run":
		return runCommand(args[1:], stdin, stdout, stderr)
	case "check":
		if len(args) < 2 {
			return noProgram("check", stderr)
		}
		status := exitOK
		for _, file := range args[1:] {
			if _, ok := buildFile(file, stderr); !ok {
				status = exitUsage
			}
		}
		return status
	case "disasm":
		return disasmCommand(args[1:], stdin, stdout, stderr)
	case "graph":
		return graphCommand(args[1:], stdin, stdout, stderr)
	case "test":
		return testCommand(args[1:], stdout, stderr)
	case "net-serve":
		return netServeCommand(args[1:], stderr)
	case childCommand:
		return childMain(args[1:], stdin, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, version)
		return exitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, help)
		return exitOK
	}
	// The bare form. A word without an extension that names no file is a mistyped command
	// more likely than a program.
	if name := args[0]; !strings.HasPrefix(name, "-") && filepath.Ext(name) == "" {
		if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "felixlet: unknown command %s (and no such file)\n%s", name, usage)
			return exitUsage
		}
	}
	return runCommand(args, stdin, stdout, stderr)
}

// isHelpFlag reports whether arg asks for the help.
func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// runFlags are the flags of run (and of the bare form).
type runFlags struct {
	stats   bool   // print the scheduler's counts on stderr at exit
	trace   bool   // print each scheduling event on stderr
	profile string // write a CPU profile here
	signals bool   // stop cleanly (printed output flushed) on SIGINT and SIGTERM
	dir     string // the directory relative file names resolve against ("": the working directory)
	depth   int    // the deepest calls may nest (0: vm.DefaultMaxDepth)
	memory  int64  // the most heap the program's values may take (0: defaultMaxMemory, negative: no limit)
	net     string // the NATS server(s) of net channels ("": one in the process)
	// pictures are the pictures of the schedule to draw: --timeline, --trace-json.
	pictures pictureFlags
}

// runCommand handles `felixlet [run] [flags] prog.flx [args...]`.
func runCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := runFlags{net: os.Getenv(netchan.EnvURL)}
	// valued takes the value of a flag that needs one (described by what, for the error).
	valued := func(into *string, what string) bool {
		if len(args) < 2 {
			fmt.Fprintf(stderr, "felixlet: %s needs %s\n%s", args[0], what, usage)
			return false
		}
		*into, args = args[1], args[1:]
		return true
	}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		rest, ok, err := fl.pictures.parse(args)
		if err != nil {
			fmt.Fprintf(stderr, "felixlet: %v\n%s", err, usage)
			return exitUsage
		}
		if ok {
			args = rest
			continue
		}
		if isHelpFlag(args[0]) {
			fmt.Fprint(stdout, help)
			return exitOK
		}
		switch args[0] {
		case "--net", "-net":
			if !valued(&fl.net, "a URL, such as nats://127.0.0.1:4222") {
				return exitUsage
			}
		case "--stats", "-stats":
			fl.stats = true
		case "--trace", "-trace":
			fl.trace = true
		case "--cpuprofile", "-cpuprofile":
			if !valued(&fl.profile, "a file name") {
				return exitUsage
			}
		case "--max-depth", "-max-depth":
			var v string
			if !valued(&v, "a number of calls, at least 1") {
				return exitUsage
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				fmt.Fprintf(stderr, "felixlet: --max-depth needs a number of calls, at least 1, not %q\n%s", v, usage)
				return exitUsage
			}
			fl.depth = n
		case "--max-memory", "-max-memory":
			var v string
			if !valued(&v, "a size, such as 512M") {
				return exitUsage
			}
			n, err := parseSize(v)
			if err != nil {
				fmt.Fprintf(stderr, "felixlet: --max-memory: %v\n%s", err, usage)
				return exitUsage
			}
			fl.memory = n
			if n == 0 {
				fl.memory = -1 // no limit
			}
		default:
			fmt.Fprintf(stderr, "felixlet: unknown flag %s\n%s", args[0], usage)
			return exitUsage
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return noProgram("run", stderr)
	}
	if fl.net != "" {
		if err := netchan.CheckURL(fl.net); err != nil {
			fmt.Fprintf(stderr, "felixlet: --net (or %s): %v\n", netchan.EnvURL, err)
			return exitRuntime
		}
	}
	if fl.profile != "" {
		stop, err := startProfile(fl.profile)
		if err != nil {
			fmt.Fprintf(stderr, "felixlet: %v\n", unwrap(err))
			return exitUsage
		}
		defer stop()
	}
	return runFile(args[0], args[1:], fl, stdin, stdout, stderr)
}

// startProfile starts a CPU profile written to file; the function it returns ends it.
func startProfile(file string) (func(), error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// noProgram reports a command that needs a program file and was given none.
func noProgram(command string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "felixlet %s: no program file given (write felixlet %s prog.flx, or - for standard input)\n%s", command, command, usage)
	return exitUsage
}

// disasmCommand handles `felixlet disasm [--all] prog.flx`: the program's functions, or with
// --all the library's instances too, each instruction with the source line it comes from.
func disasmCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	all, ps, status := flagAndProgram("disasm", "all", args, stdin, stderr)
	if status >= 0 {
		return status
	}
	p, ok := build(ps, stderr)
	if !ok {
		return exitUsage
	}
	fmt.Fprint(stdout, code.DisasmSource(p.Code(), func(f *code.Func) bool { return all || f.File != stdlib.PreludeName }, sourceOf(ps)))
	return exitOK
}

// flagAndProgram reads the arguments of a command that takes one optional flag and a
// program (`felixlet disasm [--all] prog.flx`): whether the flag was given, and the
// program. status is the exit status when the command must stop at once, else -1.
func flagAndProgram(command, flag string, args []string, stdin io.Reader, stderr io.Writer) (set bool, ps programSource, status int) {
	set = len(args) > 0 && (args[0] == "--"+flag || args[0] == "-"+flag)
	if set {
		args = args[1:]
	}
	if len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		fmt.Fprintf(stderr, "felixlet %s: unknown flag %s\n%s", command, args[0], usage)
		return set, ps, exitUsage
	}
	if len(args) != 1 {
		return set, ps, noProgram(command, stderr)
	}
	ps, ok := readProgram(args[0], stdin, stderr)
	if !ok {
		return set, ps, exitUsage
	}
	return set, ps, -1
}

// programSource is a program's text with the name its messages use and the directory its
// relative includes are read from.
type programSource struct {
	Name string // the file name shown in messages
	Dir  string // where relative include paths start ("" for the current directory)
	Src  []byte
}

func (ps programSource) readFile(path string) ([]byte, error) {
	if ps.Dir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(ps.Dir, path)
	}
	return os.ReadFile(path)
}

// runFile compiles and runs a program file; "-" reads the program from stdin, which it then
// leaves empty for the program.
func runFile(file string, args []string, fl runFlags, stdin io.Reader, stdout, stderr io.Writer) int {
	ps, ok := readProgram(file, stdin, stderr)
	if !ok {
		return exitUsage
	}
	p, ok := compileSource(ps, stderr)
	if !ok {
		return exitUsage
	}
	if file == "-" {
		stdin = strings.NewReader("")
	} else if netchan.Uses(p.Code().Builtins) && !netchan.Carried() && stdin == os.Stdin && stdout == os.Stdout && stderr == os.Stderr {
		handOver() // which gives the warnings, if it can
	}
	p.Warnings().Print(stderr)
	fl.signals = true
	return execute(p, append([]string{ps.Name}, args...), fl, stdin, stdout, stderr, 0)
}

// handOver runs this command again as felixlet-net, which is felixlet with NATS in the
// process, in place of this process: for a program that makes net channels, which then
// reach NATS without a process between. It returns only if it cannot; then the program
// runs here, and its net channels go through a felixlet-net process (or, without one,
// fail with a message that says how to install it).
func handOver() {
	path, err := netchan.HelperPath()
	if err != nil {
		return
	}
	args := os.Args[1:]
	if len(args) == 0 || args[0] != "run" {
		args = append([]string{"run"}, args...)
	}
	syscall.Exec(path, append([]string{"felixlet-net"}, args...), os.Environ())
}

// readProgram reads a program file, or standard input for "-".
func readProgram(file string, stdin io.Reader, stderr io.Writer) (programSource, bool) {
	var src []byte
	var err error
	name := file
	if file == "-" {
		name = "<stdin>"
		src, err = io.ReadAll(stdin)
	} else {
		src, err = os.ReadFile(file)
	}
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", unwrap(err))
		return programSource{}, false
	}
	return programSource{Name: name, Src: src}, true
}

// sourceOf returns a program's text by file name, for the disassembler: the program, the
// files it includes, and the library.
func sourceOf(ps programSource) func(file string) []byte {
	return func(file string) []byte {
		switch file {
		case ps.Name:
			return ps.Src
		case stdlib.PreludeName:
			return stdlib.Prelude
		}
		if _, src, ok := stdlib.Library(file); ok {
			return src
		}
		src, _ := ps.readFile(file)
		return src
	}
}

// runProgram compiles and runs a program; a positive timeout stops it after that long.
func runProgram(ps programSource, args []string, fl runFlags, stdin io.Reader, stdout, stderr io.Writer, timeout time.Duration) int {
	p, ok := build(ps, stderr)
	if !ok {
		return exitUsage
	}
	return execute(p, append([]string{ps.Name}, args...), fl, stdin, stdout, stderr, timeout)
}

// buildFile reads, checks and compiles a program, reporting errors on stderr.
func buildFile(file string, stderr io.Writer) (*felixlet.Program, bool) {
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", unwrap(err))
		return nil, false
	}
	return build(programSource{Name: file, Src: src}, stderr)
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}

// build checks and compiles source text; diagnostics (warnings too) go to stderr.
func build(ps programSource, stderr io.Writer) (*felixlet.Program, bool) {
	p, ok := compileSource(ps, stderr)
	if ok {
		p.Warnings().Print(stderr)
	}
	return p, ok
}

// compileSource checks and compiles source text; errors go to stderr, warnings stay with
// the program.
func compileSource(ps programSource, stderr io.Writer) (*felixlet.Program, bool) {
	p, err := felixlet.Compile(ps.Name, ps.Src, &felixlet.Library{ReadFile: ps.readFile})
	var cerr *felixlet.CompileError
	switch {
	case errors.As(err, &cerr):
		cerr.Diagnostics.Print(stderr)
		return nil, false
	case err != nil:
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return nil, false
	}
	return p, true
}

func isBuiltin(name string) bool { return stdlib.Builtins[name] != nil }

func isPrim(name string) bool { return compile.HasEmitter(name) || isBuiltin(name) }

// execute runs a compiled program and returns the exit status.
func execute(p *felixlet.Program, argv []string, fl runFlags, stdin io.Reader, stdout, stderr io.Writer, timeout time.Duration) int {
	var trace *traceWriter
	if fl.trace {
		trace = &traceWriter{w: stderr}
	}
	vm.RaiseHeapFloor(heapFloorSize)
	maxMemory := fl.memory
	switch {
	case maxMemory == 0:
		maxMemory = defaultMaxMemory()
	case maxMemory < 0:
		maxMemory = 0 // no limit
	}
	if fl.signals && maxMemory > 0 {
		// The collector works harder as the heap nears the limit, so that garbage does not
		// pass it; live values past it are the machine's to report.
		debug.SetMemoryLimit(maxMemory + maxMemory/8 + heapFloorSize + 32<<20)
	}
	pics, err := startPictures(fl.pictures, argv[0])
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", unwrap(err))
		return exitUsage
	}
	machine, err := p.NewMachine(felixlet.Config{Stdin: stdin, Dir: fl.dir, Stdout: stdout, Stderr: stderr, Args: argv[1:],
		VM: func(opts *vm.Options) {
			opts.CountCollected = fl.stats
			opts.MaxDepth = fl.depth
			opts.MaxMemory = maxMemory
			if trace != nil {
				opts.Trace = trace
			}
			if pics != nil {
				opts.Observer = pics.rec
			}
		}})
	if pics != nil {
		defer pics.close()
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	m := machine.VM()
	if trace != nil {
		trace.m = m
	}
	netchan.Configure(m, fl.net)
	ctx, stop := context.WithCancelCause(context.Background())
	defer stop(nil)
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	if fl.signals {
		sigs := make(chan os.Signal, 4)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGUSR1)
		defer signal.Stop(sigs)
		go func() {
			for s := range sigs {
				if s == syscall.SIGUSR1 {
					// The counts so far, for watching a long-running program.
					m.Do(func() { printLiveStats(stderr, m) })
					continue
				}
				stop(stoppedBy(s.(syscall.Signal)))
				return
			}
		}()
	}
	err = machine.Run(ctx)
	if fl.stats {
		defer printStats(stderr, m)
	}
	if pics != nil {
		if perr := pics.finish(err); perr != nil {
			fmt.Fprintf(stderr, "felixlet: cannot write the picture: %v\n", perr)
			if err == nil {
				return exitRuntime
			}
		}
	}
	var rerr *felixlet.RuntimeError
	var sig stoppedBy
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &sig):
		fmt.Fprintf(stderr, "felixlet: %s stopped by %s\n", argv[0], signalNames[syscall.Signal(sig)])
		return 128 + int(sig)
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(stderr, "felixlet: %s timed out after %v\n", argv[0], timeout)
		return exitTimeout
	case errors.As(err, &rerr):
		rerr.Report(stderr)
		if rerr.Halt {
			return exitHalt
		}
		return exitRuntime
	default:
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return exitRuntime
	}
}

// stoppedBy is why a program stopped early: the signal that stopped it.
type stoppedBy syscall.Signal

func (s stoppedBy) Error() string { return "stopped by " + signalNames[syscall.Signal(s)] }

// signalNames says which signal stopped a program (the status is 128 plus its number:
// 130 for SIGINT, 143 for SIGTERM).
var signalNames = map[syscall.Signal]string{syscall.SIGINT: "SIGINT (Ctrl-C)", syscall.SIGTERM: "SIGTERM"}

// heapFloorSize is the floor under the heap (vm.RaiseHeapFloor): collections come at most
// every 2 x 8 MiB of allocation.
//
// A higher floor is not better: until the first collection every allocation lands on
// fresh pages, each a page fault and a clear, where a smaller heap reuses warm ones. 8 MiB
// was best of 4, 8, 16 and 32 (least CPU of 7, interleaved): 1M spawns 407, 366, 386 and
// 436 ms; the net_in reader of 200,000 messages about a tenth faster than at 32 MiB; fib,
// pingpong, chain, sieve and a million parked fibres the same at every size.
const heapFloorSize = 8 << 20

// printLiveStats writes the scheduler's counts on one line, while the program runs.
func printLiveStats(w io.Writer, m *vm.Machine) {
	st := m.Stats()
	fmt.Fprintf(w, "felixlet: %s spawned, %d ended, %d live; %s\n",
		count(st.Spawned, "fibre"), st.Ended, st.Spawned-st.Ended, count(st.Transfers, "channel transfer"))
}

// count writes n things, as "1 fibre" or "2 fibres".
func count[N ~int | ~int64 | ~uint64](n N, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// printStats writes the scheduler's counts at exit, in the order of docs/COMMAND.md. The
// collector is run first so that the count of collected fibres includes those that became
// garbage at the end.
func printStats(w io.Writer, m *vm.Machine) {
	st := m.Stats()
	// Once the run is over nothing refers to the fibres left waiting: collect them, and
	// give the cleanups that count them a moment to run.
	for deadline := time.Now().Add(200 * time.Millisecond); st.CollectedWaiting < st.Spawned-st.Ended && time.Now().Before(deadline); st = m.Stats() {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Fprintf(w, "fibres: %d spawned, %d ended, %d left waiting (%d of them collected)\n",
		st.Spawned, st.Ended, st.Spawned-st.Ended, st.CollectedWaiting)
	if waits := describeWaits(st); waits != "" {
		fmt.Fprintf(w, "left waiting: %s\n", waits)
	}
	fmt.Fprintf(w, "channel transfers: %d\n", st.Transfers)
	fmt.Fprintf(w, "peak live fibres: %d\n", st.PeakLive)
	fmt.Fprintf(w, "run time: %v\n", st.Elapsed.Round(time.Microsecond))
}

// describeWaits says what the fibres left waiting wait for: "2 to read, 1 in a select".
func describeWaits(st vm.Stats) string {
	var parts []string
	for k, n := range st.Waiting {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, vm.WaitKind(k)))
		}
	}
	if st.Abandoned > 0 {
		parts = append(parts, fmt.Sprintf("%d abandoned by a finished run", st.Abandoned))
	}
	return strings.Join(parts, ", ")
}

// traceWriter takes the machine's scheduling events for --trace. It writes out the
// program's buffered output before each event, so that output and events appear in the
// order they happened when both go to one place. The machine writes events only from its
// own goroutine, the one that writes its output.
type traceWriter struct {
	m *vm.Machine // the machine whose output goes first; set once it is made
	w io.Writer   // where the events go: standard error
}

func (t *traceWriter) Write(p []byte) (int, error) {
	t.m.Stdout().Flush()
	return t.w.Write(p)
}
