package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"
)

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
