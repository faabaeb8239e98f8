package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/check"
	"github.com/felixlet/felixlet/lang/compile"
	"github.com/felixlet/felixlet/lang/diag"
	"github.com/felixlet/felixlet/lang/parse"
	"github.com/felixlet/felixlet/stdlib"
	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// Exit statuses.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2 // also compile errors
	exitHalt    = 3
)

const version = "felixlet 0.1.0"

const usage = `usage:
  felixlet run [--stats] prog.flx [args...]   run a program
  felixlet [--stats] prog.flx [args...]       the same
  felixlet check prog.flx ...       parse and type-check only
  felixlet disasm prog.flx          print the bytecode
  felixlet version
`

// run is the whole command, on explicit streams so that tests can drive it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "run":
		return runCommand(args[1:], stdin, stdout, stderr)
	case "check":
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
			return exitUsage
		}
		status := exitOK
		for _, file := range args[1:] {
			if _, ok := buildFile(file, stderr); !ok {
				status = exitUsage
			}
		}
		return status
	case "disasm":
		if len(args) != 2 {
			fmt.Fprint(stderr, usage)
			return exitUsage
		}
		p, ok := buildFile(args[1], stderr)
		if !ok {
			return exitUsage
		}
		fmt.Fprint(stdout, code.Disasm(p))
		return exitOK
	case "version":
		fmt.Fprintln(stdout, version)
		return exitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	return runCommand(args, stdin, stdout, stderr)
}

// runFlags are the flags of run (and of the bare form).
type runFlags struct {
	stats   bool   // print the scheduler's counts on stderr at exit
	signals bool   // stop cleanly (printed output flushed) on SIGINT and SIGTERM
	dir     string // the directory relative file names resolve against ("": the working directory)
}

// runCommand handles `felixlet [run] [flags] prog.flx [args...]`.
func runCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var fl runFlags
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "--stats", "-stats":
			fl.stats = true
		default:
			fmt.Fprintf(stderr, "felixlet: unknown flag %s\n%s", args[0], usage)
			return exitUsage
		}
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	return runFile(args[0], args[1:], fl, stdin, stdout, stderr)
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

// runFile compiles and runs a program file.
func runFile(file string, args []string, fl runFlags, stdin io.Reader, stdout, stderr io.Writer) int {
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", unwrap(err))
		return exitUsage
	}
	p, ok := build(programSource{Name: file, Src: src}, stderr)
	if !ok {
		return exitUsage
	}
	fl.signals = true
	return execute(p, append([]string{file}, args...), fl, stdin, stdout, stderr, 0)
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
func buildFile(file string, stderr io.Writer) (*code.Program, bool) {
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

// build checks and compiles source text; diagnostics (warnings too) go to stderr. A panic
// in the compiler is a bug, reported as an internal error rather than a Go stack trace.
func build(ps programSource, stderr io.Writer) (p *code.Program, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv("FELIXLET_DEBUG") != "" {
				panic(r)
			}
			fmt.Fprintf(stderr, "felixlet: internal error while compiling %s: %v\n", ps.Name, r)
			p, ok = nil, false
		}
	}()
	lib, errs := parsePrelude()
	if len(errs) > 0 {
		fmt.Fprintf(stderr, "felixlet: the prelude does not parse: %v\n", errs)
		return nil, false
	}
	prog, errs, sources := parse.File(ps.Name, ps.Src, parse.Config{ReadFile: ps.readFile})
	sources[stdlib.PreludeName] = stdlib.Prelude
	if errs.HasErrors() {
		diag.Print(stderr, errs, sources)
		return nil, false
	}
	checked, errs := check.Check(lib, prog, check.Config{IsPrim: isPrim})
	diag.Print(stderr, errs, sources)
	if checked == nil {
		return nil, false
	}
	p, err := compile.Compile(checked, compile.Config{IsBuiltin: isBuiltin})
	var derr *diag.Error
	switch {
	case errors.As(err, &derr):
		diag.Print(stderr, diag.List{derr}, sources)
		return nil, false
	case err != nil:
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return nil, false
	}
	return p, true
}

// parsePrelude parses the library once per process: its tree is never modified, so every
// program built here (the golden suite builds hundreds) can share it.
var parsePrelude = sync.OnceValues(func() (*ast.File, diag.List) {
	lib, errs, _ := parse.File(stdlib.PreludeName, stdlib.Prelude, parse.Config{})
	return lib, errs
})

func isBuiltin(name string) bool { return stdlib.Builtins[name] != nil }

func isPrim(name string) bool { return compile.HasEmitter(name) || isBuiltin(name) }

// execute runs a compiled program and returns the exit status.
func execute(p *code.Program, argv []string, fl runFlags, stdin io.Reader, stdout, stderr io.Writer, timeout time.Duration) int {
	m, err := vm.New(p, vm.Options{Stdin: stdin, Dir: fl.dir, Stdout: stdout, Stderr: stderr, Args: argv, Builtins: stdlib.Builtins,
		CountCollected: fl.stats})
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return exitUsage
	}
	if timeout > 0 {
		t := time.AfterFunc(timeout, m.Interrupt)
		defer t.Stop()
	}
	var caught atomic.Value // the signal that stopped the program
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
				caught.Store(s)
				m.Interrupt()
				return
			}
		}()
	}
	err = m.Run()
	if fl.stats {
		defer printStats(stderr, m)
	}
	var rerr *vm.Error
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, vm.ErrInterrupted) && caught.Load() != nil:
		s := caught.Load().(os.Signal)
		fmt.Fprintf(stderr, "felixlet: %s stopped by %v\n", argv[0], s)
		return 128 + int(s.(syscall.Signal))
	case errors.Is(err, vm.ErrInterrupted) && timeout > 0:
		fmt.Fprintf(stderr, "felixlet: %s timed out after %v\n", argv[0], timeout)
		return exitRuntime
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

// printLiveStats writes the scheduler's counts on one line, while the program runs.
func printLiveStats(w io.Writer, m *vm.Machine) {
	st := m.Stats()
	fmt.Fprintf(w, "felixlet: %d fibres spawned, %d ended, %d live; %d channel transfers\n",
		st.Spawned, st.Ended, st.Spawned-st.Ended, st.Transfers)
}

// printStats writes the scheduler's counts at exit. The collector is run first so that the
// count of collected fibres includes those that became garbage at the end.
func printStats(w io.Writer, m *vm.Machine) {
	runtime.GC()
	time.Sleep(10 * time.Millisecond) // let the cleanups that counting relies on run
	st := m.Stats()
	fmt.Fprintf(w, "fibres: %d spawned, %d ended, %d waiting at exit, %d collected, %d peak live\n",
		st.Spawned, st.Ended, st.Spawned-st.Ended, st.Collected, st.PeakLive)
	fmt.Fprintf(w, "channel transfers: %d\n", st.Transfers)
	fmt.Fprintf(w, "time: %v\n", st.Elapsed.Round(time.Microsecond))
}
