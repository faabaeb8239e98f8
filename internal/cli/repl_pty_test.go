//go:build linux

package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// These tests run the REPL as a real process on a pseudo-terminal, the way a person uses
// it: readline owns the terminal at the prompt, and Ctrl-C while an input runs reaches the
// process as SIGINT.

// openPty returns the two ends of a new pseudo-terminal.
func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("cannot open a pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// ptySession is felixlet running on a pseudo-terminal, and everything it has shown.
type ptySession struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	mu     sync.Mutex
	screen bytes.Buffer // all the output so far
	seen   int          // how much of it expect has consumed
}

func startPtySession(t *testing.T) *ptySession {
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	master, slave := openPty(t)
	p := &ptySession{t: t, master: master}
	p.cmd = exec.Command(bin)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = slave, slave, slave
	p.cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "TERM=dumb")
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.mu.Lock()
			p.screen.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
		master.Close()
	})
	return p
}

// expect waits until the output shows want after what earlier expects consumed.
func (p *ptySession) expect(want string) {
	p.t.Helper()
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		p.mu.Lock()
		out := p.screen.String()
		p.mu.Unlock()
		if i := strings.Index(out[p.seen:], want); i >= 0 {
			p.seen += i + len(want)
			return
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.t.Fatalf("the terminal never showed %q; after the last match it shows:\n%q", want, p.screen.String()[p.seen:])
}

func (p *ptySession) send(keys string) {
	p.t.Helper()
	if _, err := p.master.Write([]byte(keys)); err != nil {
		p.t.Fatal(err)
	}
}

// On a terminal, felixlet with no arguments is the REPL: it shows a prompt, a continuation
// prompt for an unfinished input, the value and type of an expression, and it leaves on
// Ctrl-D.
func TestReplOnATerminalPromptsAndContinues(t *testing.T) {
	p := startPtySession(t)
	p.expect("> ")
	p.send("proc hello (n: int) {\r")
	p.expect("... ")
	p.send("println$ \"hello \" + str n; }\r")
	p.expect("> ")
	p.send("hello 7\r")
	p.expect("hello 7")
	p.send("6 * 7\r")
	p.expect("42 : int")
	p.send("\x04") // Ctrl-D
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(patience):
		t.Fatal("Ctrl-D did not end the REPL")
	}
}

// Ctrl-C while an input runs stops it; the session, with its variables and a fibre
// waiting on a channel, goes on. Ctrl-C at the prompt drops the line being typed.
func TestReplOnATerminalCtrlCInterruptsTheRunningInput(t *testing.T) {
	p := startPtySession(t)
	p.expect("> ")
	p.send("var ch = mk_schannel[int] ();\r")
	p.expect("> ")
	p.send("spawn_fthread { println$ \"the waiting fibre got \" + str (read ch); };\r")
	p.expect("> ")
	p.send("var n = 0; while true do ++n; done\r")
	time.Sleep(300 * time.Millisecond)
	p.send("\x03") // Ctrl-C: SIGINT, since the terminal is not in raw mode while an input runs
	p.expect("interrupted")
	p.expect("> ")
	p.send("n > 0\r")
	p.expect("true : bool")
	p.send("this line is abandoned\x03")
	p.expect("> ")
	p.send("write (ch, 5);\r")
	p.expect("the waiting fibre got 5")
	p.send(":quit\r")
}

// An input typed over several lines is one history entry: the up arrow brings back the
// whole of it, which runs again as one input.
func TestReplOnATerminalKeepsAnInputOfSeveralLinesAsOneHistoryEntry(t *testing.T) {
	p := startPtySession(t)
	p.expect("> ")
	p.send("proc twice (n: int) {\r")
	p.expect("... ")
	p.send("println$ \"twice \" + str (2 * n); }\r")
	p.expect("> ")
	p.send("\x1b[A") // the up arrow
	p.expect("proc twice (n: int) {")
	p.send("\r")
	p.expect("> ")
	p.send("twice 21\r")
	p.expect("twice 42")
	p.mu.Lock()
	screen := p.screen.String()
	p.mu.Unlock()
	if strings.Contains(screen, "error") {
		t.Errorf("the recalled input did not run as one:\n%s", screen)
	}
	p.send(":quit\r")
}
