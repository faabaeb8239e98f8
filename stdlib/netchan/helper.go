package netchan

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/felixlet/felixlet/runtime/netwire"
)

// helper is the felixlet-net that carries a machine's net channels: a process that
// felixlet starts, or Serve of natslink in this process (ServeInProcess).
type helper struct {
	out   io.Reader     // where its frames come from
	in    io.Closer     // the process's standard input, closed to end it (nil in this process)
	cmd   *exec.Cmd     // the process, or nil
	ended chan struct{} // closed once it has ended
}

// inProcess serves the link in this process instead of in felixlet-net, when set.
var inProcess func(in io.Reader, events *netwire.Queue) error

// Carried reports whether NATS is in this process (ServeInProcess was called).
func Carried() bool { return inProcess != nil }

// Uses reports whether a program whose code calls the builtins named makes net channels.
func Uses(builtins []string) bool {
	for _, b := range builtins {
		if b == "net_out" || b == "net_in" || b == "net_tap" {
			return true
		}
	}
	return false
}

// ServeInProcess makes every machine's net channels use serve (Serve of
// stdlib/netchan/natslink) in this process, instead of a felixlet-net process: as
// felixlet-net itself does, and a Go program that embeds felixlet and links NATS anyway.
// Call it before any machine runs.
func ServeInProcess(serve func(in io.Reader, events *netwire.Queue) error) { inProcess = serve }

// helperName is the command that carries net channels.
const helperName = "felixlet-net"

// startHelper starts felixlet-net and hands it the frames of toIt as they come, calling
// taken after each batch; broke gets the error if they cannot reach it.
func startHelper(toIt *netwire.Queue, taken func(), broke func(error)) (*helper, error) {
	h := &helper{ended: make(chan struct{})}
	if inProcess != nil {
		// Frames go both ways through the queues themselves: no pipe, no goroutine between.
		events := netwire.NewQueue()
		h.out = events.Reader(nil)
		go func() {
			defer close(h.ended)
			if err := inProcess(toIt.Reader(taken), events); err != nil {
				broke(err)
			}
		}()
		return h, nil
	}
	path, err := HelperPath()
	if err != nil {
		return nil, fmt.Errorf("net: net channels need %v", err)
	}
	h.cmd = exec.Command(path, "link")
	h.cmd.Stderr = os.Stderr
	// Its output is a pipe of our own, not StdoutPipe: Wait would close that, and lose
	// what the helper wrote last (why it could not connect) if it ended first.
	out, w, err := os.Pipe()
	var in io.WriteCloser
	if err == nil {
		h.cmd.Stdout, h.out = w, out
		in, err = h.cmd.StdinPipe()
	}
	if err == nil {
		err = h.cmd.Start()
		w.Close()
	}
	if err != nil {
		if out != nil {
			out.Close()
		}
		return nil, fmt.Errorf("net: cannot start %s: %v", path, err)
	}
	h.in = in
	go func() {
		if err := toIt.Run(in, taken); err != nil {
			broke(err)
		}
	}()
	go func() {
		h.cmd.Wait()
		close(h.ended)
	}()
	return h, nil
}

// HelperPath finds felixlet-net: beside the running program (felixlet), else on PATH.
func HelperPath() (string, error) {
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			p := filepath.Join(filepath.Dir(exe), helperName)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return p, nil
			}
		}
	}
	if p, err := exec.LookPath(helperName); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s, which is neither beside felixlet nor on PATH "+
		"(go install github.com/felixlet/felixlet/cmd/%s@latest)", helperName, helperName)
}

// failure is the error of a link whose frames ended with err before the helper said
// Closed.
func (h *helper) failure(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) || errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("%s ended", helperName)
	}
	return err
}

// stop ends the helper, which has had Close (or broke): a process's standard input
// closes, and one that does not end within stopWithin is killed. Then its way out closes.
func (h *helper) stop() {
	if h.in != nil {
		h.in.Close()
	}
	select {
	case <-h.ended:
	case <-time.After(stopWithin):
		if h.cmd != nil {
			h.cmd.Process.Kill()
			<-h.ended
		}
	}
	if c, ok := h.out.(io.Closer); ok {
		c.Close()
	}
}

// stopWithin bounds how long a helper may take to end once told.
const stopWithin = 10 * time.Second
