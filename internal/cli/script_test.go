package cli

import (
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/felixlet/felixlet/stdlib/netchan/natslink"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary stand in for the felixlet and felixlet-net commands in
// the scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"felixlet":     func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"felixlet-net": func() { os.Exit(natslink.Command(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, run)) },
	})
}

// TestScripts runs the command-line scripts in testdata/script, one behaviour of the
// felixlet command each. Besides testscript's own commands they have
//
//	exitcode N command [args...]
//
// which runs a command like exec and requires the exit status N, since exec can only
// tell success from failure, and
//
//	gzipped FILE
//
// which requires FILE to be a whole gzip stream (as pprof profiles are).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		Cmds:                map[string]func(ts *testscript.TestScript, neg bool, args []string){"exitcode": exitcode, "gzipped": gzipped},
	})
}

// exitcode is the scripts' exitcode command.
func exitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("! exitcode is meaningless: give the status")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode status command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a status", args[0])
	}
	got := 0
	var exit *exec.ExitError
	switch err := ts.Exec(args[1], args[2:]...); {
	case errors.As(err, &exit):
		got = exit.ExitCode()
	case err != nil:
		ts.Fatalf("%v", err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// gzipped is the scripts' gzipped command.
func gzipped(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: gzipped FILE")
	}
	f, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	n, err := io.Copy(io.Discard, z)
	if err != nil || n == 0 {
		ts.Fatalf("%s: %d bytes, %v", args[0], n, err)
	}
}
