package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A program that never ends is stopped by the timeout, whatever its loops jump back with:
// an unconditional jump, a fused comparison, a call, or a tail call.
func TestEndlessProgramsAreInterrupted(t *testing.T) {
	programs := map[string]string{
		"repeat":     `var n = 0; repeat perform ++n;`,
		"while test": `var x = 1; while x > 0 do x = x + 1; if x > 100 do x = 1; done done`,
		"recursion":  `proc spin (k: int) { if k >= 0 do spin (k + 1); done } spin 0;`,
		"fibres": `var i, o = mk_ioschannel_pair[int]();
spawn_fthread { while true do write (o, 1); done };
var s = 0; while s >= 0 do s = s + read i; if s > 1000 do s = 0; done done`,
	}
	for name, src := range programs {
		t.Run(name, func(t *testing.T) {
			var out, errs bytes.Buffer
			status := runProgram(programSource{Name: "endless.flx", Src: []byte(src)}, nil, runFlags{}, strings.NewReader(""), &out, &errs, 200*time.Millisecond)
			if status != exitTimeout || !strings.Contains(errs.String(), "timed out") {
				t.Errorf("status %d, stderr %q; want a timeout", status, errs.String())
			}
		})
	}
}

// longConcats joins two 16 MiB strings over and over: a few thousand loops between two
// checkpoints copy hundreds of gigabytes, so only a check at each long operation lets
// Ctrl-C stop it. It saves "ready" first, so that the test interrupts the loop, not the
// start.
const longConcats = `var s = "x";
for k in 1..24 do s = s + s; done
save ("ready", "yes");
var t = "";
while true do t = s + s; done
`

// Ctrl-C stops a program busy with long string operations as it stops any other: exit 130,
// with the message, at once rather than after the next few thousand operations.
func TestInterruptStopsLongStringOperations(t *testing.T) {
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "long.flx"), []byte(longConcats), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--max-memory", "1G", "long.flx")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(patience); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			break
		}
		select {
		case <-done:
			t.Fatalf("ended before it was ready: %s", stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("not ready after %v", patience)
		}
	}
	time.Sleep(100 * time.Millisecond) // into the loop
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(patience):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running %v after SIGINT", patience)
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || !regexp.MustCompile(`stopped by SIGINT`).MatchString(stderr.String()) {
		t.Fatalf("exit %d after SIGINT, stderr: %s", code, stderr.String())
	}
}
