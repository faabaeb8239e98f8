package cli

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// With standard input a pipe, a fibre waiting in readln waits alone: the others go on
// (here, the mainline ticks three times and ends) before a line is written to the pipe.
func TestReadlnOnAPipeDoesNotBlockOtherFibres(t *testing.T) {
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(t.TempDir(), "reader.flx")
	src := `spawn_fthread { print$ "read " + readln stdin; print$ "read " + readln stdin; };
for i in 1..3 do sleep 0.01; println$ "tick " + str i; done
`
	if err := os.WriteFile(prog, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", prog)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	timer := time.AfterFunc(patience, func() { cmd.Process.Kill() })
	defer timer.Stop()

	out := bufio.NewReader(stdout)
	expectLines := func(want ...string) {
		t.Helper()
		for _, w := range want {
			got, err := out.ReadString('\n')
			if err != nil || got != w+"\n" {
				t.Fatalf("got %q (%v), want %q", got, err, w)
			}
		}
	}
	expectLines("tick 1", "tick 2", "tick 3") // while nothing has been written to stdin
	if _, err := stdin.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	expectLines("read hello")
	stdin.Close()
	rest, _ := io.ReadAll(out)
	if err := cmd.Wait(); err != nil || string(rest) != "read " { // end of input: readln returns ""
		t.Fatalf("exit: %v; the rest of the output %q, want %q", err, rest, "read ")
	}
}
