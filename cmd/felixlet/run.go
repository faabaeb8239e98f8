package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

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
  felixlet run prog.flx [args...]   run a program
  felixlet prog.flx [args...]       the same
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
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
			return exitUsage
		}
		return runFile(args[1], args[2:], stdin, stdout, stderr)
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
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "felixlet: unknown flag %s\n%s", args[0], usage)
		return exitUsage
	}
	return runFile(args[0], args[1:], stdin, stdout, stderr)
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
func runFile(file string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", unwrap(err))
		return exitUsage
	}
	return runProgram(programSource{Name: file, Src: src}, args, stdin, stdout, stderr, 0)
}

// runProgram compiles and runs a program; a positive timeout stops it after that long.
func runProgram(ps programSource, args []string, stdin io.Reader, stdout, stderr io.Writer, timeout time.Duration) int {
	p, ok := build(ps, stderr)
	if !ok {
		return exitUsage
	}
	return execute(p, append([]string{ps.Name}, args...), stdout, stderr, timeout)
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

// build checks and compiles source text; diagnostics (warnings too) go to stderr.
func build(ps programSource, stderr io.Writer) (*code.Program, bool) {
	lib, errs, _ := parse.File(stdlib.PreludeName, stdlib.Prelude, parse.Config{})
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
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return nil, false
	}
	return p, true
}

func isBuiltin(name string) bool { return stdlib.Builtins[name] != nil }

func isPrim(name string) bool { return compile.HasEmitter(name) || isBuiltin(name) }

// execute runs a compiled program and returns the exit status.
func execute(p *code.Program, argv []string, stdout, stderr io.Writer, timeout time.Duration) int {
	m, err := vm.New(p, vm.Options{Stdout: stdout, Stderr: stderr, Args: argv, Builtins: stdlib.Builtins})
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return exitUsage
	}
	if timeout > 0 {
		t := time.AfterFunc(timeout, m.Interrupt)
		defer t.Stop()
	}
	err = m.Run()
	var rerr *vm.Error
	switch {
	case err == nil:
		return exitOK
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
