package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A program whose net channels go through a felixlet-net process (here one read from
// stdin, which felixlet cannot hand over) does not hang when that process dies: its
// readers starve, and a program that waits for nothing else ends, exit 0, with no Go
// panic. (Linux: the helper is found among felixlet's children in /proc.)
func TestAProgramWhoseFelixletNetDiesEnds(t *testing.T) {
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "-")
	cmd.Env = append(os.Environ(), "FELIXLET_NET=")
	cmd.Stdin = strings.NewReader("var i = net_in[int] \"x\";\nspawn_fthread { println$ read i; };\nprintln \"waiting\";\n")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "waiting" {
		t.Fatalf("first line %q, want waiting (stderr %q)", lines.Text(), stderr.String())
	}
	// Each thread of felixlet lists the children it started.
	tasks, err := filepath.Glob("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/*/children")
	if err != nil {
		t.Fatal(err)
	}
	var helpers []string
	for _, task := range tasks {
		children, _ := os.ReadFile(task)
		helpers = append(helpers, strings.Fields(string(children))...)
	}
	if len(helpers) != 1 {
		t.Fatalf("felixlet's children: %q, want its felixlet-net", helpers)
	}
	helper, _ := strconv.Atoi(helpers[0])
	if err := syscall.Kill(helper, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var more []string
	done := make(chan error, 1)
	go func() {
		for lines.Scan() {
			more = append(more, lines.Text())
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil || stderr.String() != "" || len(more) > 0 {
			t.Errorf("ended with %v, stdout %q, stderr %q; want exit 0 and nothing more", err, more, stderr.String())
		}
	case <-time.After(netWait):
		t.Fatalf("still running %v after its felixlet-net died", netWait)
	}
}
