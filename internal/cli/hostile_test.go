package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The hostile programs of testdata/hostile, and those made here, run as real processes
// with a memory limit. Whatever they do, felixlet must end with a positioned error (exit 1
// or 2), run them correctly (exit 0 or 3), or be stopped by a signal (130, 143) when the
// program is one that runs until stopped; never with a Go panic, a Go stack trace, a fatal
// error, an internal error, a position of 0:0, a kill by the kernel, or a hang.

// crashSign finds the signs of a felixlet bug in what it printed on stderr.
var crashSign = regexp.MustCompile(`panic:|goroutine \d+|fatal error:|internal error|:0:0:|runtime\.|\.go:\d+`)

// untilStopped marks, in a hostile program's first line, one that runs until it is
// stopped (in bounded memory): the test stops it with SIGTERM after a while.
const untilStopped = "// hostile: runs until stopped"

// hostileMemory is the memory limit the hostile programs run with.
const hostileMemory = "256MiB"

// hostilePrograms returns the hostile programs, by name: testdata/hostile's and those made
// in dir (too big to keep, or needing a path of their own).
func hostilePrograms(t *testing.T, dir string) map[string][]byte {
	progs := map[string][]byte{}
	files, err := filepath.Glob("../../testdata/hostile/*.flx")
	if err != nil || len(files) == 0 {
		t.Fatalf("no hostile programs: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		progs[strings.TrimSuffix(filepath.Base(f), ".flx")] = src
	}
	pipe := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	// A pipe nobody writes: loading it must not stop the other fibres (load refuses it).
	progs["loading_a_pipe_nobody_writes"] = []byte(fmt.Sprintf(untilStopped+"\nspawn_fthread { println$ load %q; };\nwhile true do sleep 0.01; done\n", pipe))
	nest := func(open, mid, close string, n int) []byte {
		return []byte(strings.Repeat(open, n) + mid + strings.Repeat(close, n))
	}
	progs["a_hundred_thousand_parentheses"] = nest("println (", "1", ")", 100000)
	progs["a_hundred_thousand_unclosed_parentheses"] = []byte("println " + strings.Repeat("(", 100000) + "1;")
	progs["a_hundred_thousand_begins"] = nest("begin ", "println 1; ", "end ", 100000)
	progs["a_hundred_thousand_braces"] = []byte("var p = " + string(nest("{ ", "", "}", 100000)) + ";")
	progs["a_hundred_thousand_ifs"] = []byte("val x = " + string(nest("if true then ", "1", " else 2 endif", 100000)) + ";")
	progs["a_hundred_thousand_lambdas"] = []byte("val f = " + strings.Repeat("fun (x: int) => ", 100000) + "1;")
	progs["a_hundred_thousand_nested_procs"] = nest("proc p () { ", "", "}", 100000)
	progs["a_hundred_thousand_matches"] = []byte("val x = " + string(nest("match 1 with | _ => ", "1", " endmatch", 100000)) + ";")
	progs["an_integer_literal_out_of_range"] = []byte("println 9223372036854775808;")
	return progs
}

func TestHostileProgramsEndCleanly(t *testing.T) {
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, src := range hostilePrograms(t, dir) {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, name+".flx")
			if err := os.WriteFile(file, src, 0o644); err != nil {
				t.Fatal(err)
			}
			status, stderr, timedOut := runHostile(bin, file, bytes.HasPrefix(src, []byte(untilStopped)))
			switch {
			case timedOut:
				t.Fatalf("still running after %v", patience)
			case crashSign.MatchString(stderr):
				t.Fatalf("exit %d with a crash: %s", status, clip(stderr))
			case !map[int]bool{0: true, 1: true, 2: true, 3: true, 130: true, 143: true}[status]:
				t.Fatalf("exit %d: %s", status, clip(stderr))
			case (status == 1 || status == 2) && !regexp.MustCompile(`(?m)^\S+\.flx:\d+:\d+: `).MatchString(stderr):
				t.Fatalf("exit %d without a positioned error: %s", status, clip(stderr))
			}
		})
	}
}

// runHostile runs a hostile program with the memory limit; one that runs until stopped is
// sent SIGTERM after two seconds. It returns the exit status and stderr, and whether the
// program outlived the test's patience.
func runHostile(bin, file string, stop bool) (status int, stderr string, timedOut bool) {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "run", "--max-memory", hostileMemory, file)
	cmd.Dir = filepath.Dir(file)
	var errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &errs
	if err := cmd.Start(); err != nil {
		return -1, err.Error(), false
	}
	if stop {
		timer := time.AfterFunc(2*time.Second, func() { cmd.Process.Signal(syscall.SIGTERM) })
		defer timer.Stop()
	}
	cmd.Wait()
	if ctx.Err() != nil {
		return -1, errs.String(), true
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), errs.String() + fmt.Sprintf("\n(killed by %v)", ws.Signal()), false
	}
	return cmd.ProcessState.ExitCode(), errs.String(), false
}

// clip shortens a report for a failure message.
func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "..."
	}
	return s
}
