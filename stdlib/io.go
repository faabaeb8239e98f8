package stdlib

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
	"unsafe"

	rio "github.com/felixlet/felixlet/runtime/io"
	"github.com/felixlet/felixlet/vm"
	"golang.org/x/sys/unix"
)

// The builtins of Level 3: time, standard streams, files and TCP. Each one that can block
// tries its operation without blocking; when it cannot finish it returns a vm.Wait, and the
// machine calls it again when the descriptor is ready or the time has come. What it has done
// meanwhile it keeps with SetPending.

func init() {
	for name, b := range map[string]vm.Builtin{
		"mk_alarm_clock": func(m *vm.Machine, s []uint64, r []vm.Value) error { r[0] = &alarmClock{}; return nil },
		"sleep":          func(m *vm.Machine, s []uint64, r []vm.Value) error { return sleep(m, s[0]) },
		"sleep_clock":    func(m *vm.Machine, s []uint64, r []vm.Value) error { return sleep(m, s[0]) },
		"time": func(m *vm.Machine, s []uint64, r []vm.Value) error {
			s[0] = math.Float64bits(float64(time.Now().UnixNano()) / 1e9)
			return nil
		},
		"stdin":         func(m *vm.Machine, s []uint64, r []vm.Value) error { r[0] = stdinStream(m); return nil },
		"readln":        readln,
		"load":          load,
		"save":          save,
		"tcp_listen":    tcpListen,
		"tcp_accept":    tcpAccept,
		"tcp_connect":   tcpConnect,
		"listener_port": readField("a listener", func(l *listener, s []uint64, r []vm.Value) { s[0] = uint64(l.port) }),
		"sock_read":     sockRead,
		"sock_readln":   sockReadln,
		"sock_write":    sockWrite,
		"sock_close":    sockClose,
		"sock_error":    readField("a socket", func(sk *socket, s []uint64, r []vm.Value) { r[0] = sk.err }),
		"accept_error":  readField("a listener", func(l *listener, s []uint64, r []vm.Value) { r[0] = l.err }),
	} {
		Builtins[name] = b
	}
}

// readField makes a builtin that reads, with get, a field of its argument of type T into
// its result; what names the argument in the error when it was never given a value.
func readField[T any](what string, get func(v T, s []uint64, r []vm.Value)) vm.Builtin {
	return func(m *vm.Machine, s []uint64, r []vm.Value) error {
		v, err := ref[T](r, 0, what)
		if err == nil {
			get(v, s, r)
		}
		return err
	}
}

// maxSleep bounds a sleep (in seconds, about 30 years) so that its deadline is a time.
const maxSleep = 1e9

// alarmClock is Faio's clock; sleeping needs nothing from it.
type alarmClock struct{}

// sleep suspends the calling fibre for a number of seconds (a double); the others run.
func sleep(m *vm.Machine, secs uint64) error {
	if m.Pending() != nil {
		m.SetPending(nil) // woken: the time has come
		return nil
	}
	d := time.Duration(0) // for a negative or NaN time: the other fibres go first
	if x := math.Float64frombits(secs); x > 0 {
		d = time.Duration(min(x, maxSleep) * float64(time.Second))
	}
	m.SetPending(true)
	return vm.WaitUntil(time.Now().Add(d))
}

// lineReader reads lines from a descriptor (or a plain reader). What one read brings
// becomes one string, and the lines and pieces it hands out are substrings of it: a line
// costs no copy, and an idle reader holds no buffer.
type lineReader struct {
	fd      int       // the descriptor, or -1 when reading r
	r       io.Reader // when there is no descriptor to poll
	buf     string    // read but not yet taken
	scanned int       // the length of buf's start known to hold no newline
	eof     bool      // the end of the stream was seen
	err     string    // the last error, for sock_error
	closed  bool      // sock_close was called
}

// line returns the next line with its "\n" (the rest at the end of the stream, then "").
func (lr *lineReader) line(m *vm.Machine) (string, error) {
	for {
		if i := strings.IndexByte(lr.buf[lr.scanned:], '\n'); i >= 0 {
			return lr.take(lr.scanned + i + 1), nil
		}
		lr.scanned = len(lr.buf)
		if lr.eof || lr.closed {
			return lr.take(len(lr.buf)), nil
		}
		if err := lr.fill(m); err != nil {
			return "", err
		}
	}
}

// take removes and returns the first n buffered bytes.
func (lr *lineReader) take(n int) string {
	s := lr.buf[:n]
	lr.buf = lr.buf[n:]
	lr.scanned = 0
	return s
}

// readChunk is the most one read takes.
const readChunk = 32 << 10

// readScratch is a machine's buffer for reads. A read that fills much of it keeps it, as
// the string it becomes (no copy); a smaller one is copied out and the buffer used again.
type readScratch struct{ buf []byte }

// get returns a buffer of at least n bytes.
func (rs *readScratch) get(n int) []byte {
	if cap(rs.buf) < n {
		rs.buf = make([]byte, max(n, readChunk))
	}
	return rs.buf[:n]
}

// keep turns the first n bytes of the buffer into a string.
func (rs *readScratch) keep(n int) string {
	if n < cap(rs.buf)/2 {
		return string(rs.buf[:n])
	}
	s := unsafe.String(&rs.buf[0], n)
	rs.buf = nil // the string owns it now: never write to it again
	return s
}

// fill reads what is there (up to readChunk bytes) after what the buffer holds; it returns
// a vm.Wait when nothing is. The read goes into the machine's scratch buffer, behind a copy
// of the buffered bytes (the start of a line, usually short), so that the new buffer is
// made in one piece.
func (lr *lineReader) fill(m *vm.Machine) error {
	rs := m.Library("read scratch", func() any { return &readScratch{} }).(*readScratch)
	held := len(lr.buf)
	chunk := rs.get(held + readChunk)
	copy(chunk, lr.buf)
	var got int
	var err error
	if lr.fd >= 0 {
		got, err = rio.Read(lr.fd, chunk[held:])
		if err == rio.ErrWouldBlock {
			return vm.WaitRead(lr.fd)
		}
	} else {
		got, err = lr.r.Read(chunk[held:])
		if err == io.EOF {
			err = nil
			if got == 0 {
				lr.eof = true
				return nil
			}
		}
	}
	switch {
	case err != nil:
		lr.err, lr.eof = err.Error(), true
	case got == 0:
		lr.eof = true
	default:
		lr.buf = rs.keep(held + got)
	}
	return nil
}

// stdinStream is the machine's standard input: watched by the poller when it is a pipe or
// a terminal, so that waiting for a line blocks only the fibre that reads it.
func stdinStream(m *vm.Machine) *lineReader {
	return m.Library("stdin", func() any {
		lr := &lineReader{fd: -1, r: m.Stdin()}
		if f, ok := m.Stdin().(*os.File); ok && f == os.Stdin && rio.Pollable(0) {
			if rio.SetNonblock(0, true) == nil {
				if m.Watch(0) == nil {
					lr.fd = 0
					m.AtExit(func() { rio.SetNonblock(0, false) })
				} else {
					rio.SetNonblock(0, false)
				}
			}
		}
		return lr
	}).(*lineReader)
}

func readln(m *vm.Machine, s []uint64, r []vm.Value) error {
	lr, err := ref[*lineReader](r, 0, "a stream")
	if err != nil {
		return err
	}
	line, err := lr.line(m)
	if err != nil {
		return err
	}
	r[0] = line
	return nil
}

// load returns a file's contents, or "" if it cannot be read. Only a regular file is
// loaded: a named pipe or a device (/dev/zero) could keep the whole machine waiting, or
// fill its memory, so load refuses them with a runtime error; the file is opened without
// waiting for a writer so that load can tell. A file bigger than the memory limit allows
// is a runtime error too.
func load(m *vm.Machine, s []uint64, r []vm.Value) error {
	name := stringArg(r, 0)
	r[0] = ""
	f, err := os.OpenFile(m.Path(name), os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		return nil
	}
	if err := regularFile("load", name, info); err != nil {
		return err
	}
	if err := m.Reserve(info.Size(), "the file "+name); err != nil {
		return err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil
	}
	r[0] = string(data)
	return nil
}

// regularFile refuses, for the builtin op, a file that is not a regular file or a
// directory: reading or writing one may wait for another process or never end.
func regularFile(op, name string, info os.FileInfo) error {
	kind := ""
	switch mode := info.Mode(); {
	case mode&os.ModeNamedPipe != 0:
		kind = "a named pipe"
	case mode&os.ModeSocket != 0:
		kind = "a socket"
	case mode&os.ModeDevice != 0:
		kind = "a device"
	case !mode.IsRegular() && !mode.IsDir():
		kind = "not a regular file"
	}
	if kind == "" {
		return nil
	}
	return fmt.Errorf("cannot %s %s: it is %s, not a regular file", op, name, kind)
}

// save writes a string to a file, replacing what it held. A named pipe is refused, as load
// refuses it: opening one waits for a reader.
func save(m *vm.Machine, s []uint64, r []vm.Value) error {
	name := stringArg(r, 0)
	if info, err := os.Stat(m.Path(name)); err == nil && info.Mode()&(os.ModeNamedPipe|os.ModeSocket) != 0 {
		return regularFile("save", name, info)
	}
	if err := os.WriteFile(m.Path(name), []byte(stringArg(r, 1)), 0o644); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot save %s: %v", name, err)
	}
	return nil
}

// listener is a listening TCP socket.
type listener struct {
	fd   int    // the listening descriptor
	port int    // the port it got (the one asked for, or the system's pick for 0)
	err  string // why accepting waits, while it does, as sock_error says it
}

// Accepting with no descriptor left (EMFILE and its kind) waits and tries again, as Go's
// net/http does: first after minBackoff, each time twice as long, at most maxBackoff. The
// connection waits in the listen queue meanwhile; the server keeps serving the others.
const (
	minBackoff = 5 * time.Millisecond
	maxBackoff = time.Second
)

// socket is a TCP connection. A broken connection reads as "" and drops writes; err says
// why.
//
// Writes are coalesced, the way event loops such as Redis's do it: sock_write appends to
// the socket's output, and the machine flushes it before it next looks at the poller (as
// soon as no fibre is active, or within a few thousand instructions). A fibre that writes
// many lines between reads so makes one system call, not one per line; a fibre that
// writes a request and waits for the answer has it sent before it waits. Output beyond
// outLimit makes the writer wait for the peer to take some.
type socket struct {
	lineReader
	out     []byte      // written by the program; from sent on, not yet by the system
	sent    int         // how much of out the system has taken
	queued  bool        // the machine has it among its unflushed outputs
	buffers *outBuffers // the machine's spare output buffers
}

// openSocket makes the socket for a connected descriptor.
func openSocket(m *vm.Machine, fd int) *socket {
	buffers := m.Library("output buffers", func() any { return &outBuffers{} }).(*outBuffers)
	return &socket{lineReader: lineReader{fd: fd}, buffers: buffers}
}

// outLimit is how much output a socket holds before sock_write waits for the peer.
const outLimit = 64 << 10

// outBuffers are a machine's spare output buffers: a socket takes one when it has output
// and gives it back once all is written, so that an idle connection holds none and a busy
// one does not make garbage.
type outBuffers struct{ free [][]byte }

// spares is how many buffers outBuffers keeps.
const spares = 64

func (b *outBuffers) get() []byte {
	if n := len(b.free); n > 0 {
		buf := b.free[n-1]
		b.free = b.free[:n-1]
		return buf
	}
	return make([]byte, 0, outLimit)
}

func (b *outBuffers) put(buf []byte) {
	if cap(buf) == outLimit && len(b.free) < spares {
		b.free = append(b.free, buf[:0])
	}
}

// Flush writes what the peer takes now; after an error the rest is dropped.
func (sk *socket) Flush() bool {
	for sk.sent < len(sk.out) && sk.err == "" {
		n, err := rio.Write(sk.fd, sk.out[sk.sent:])
		if err == rio.ErrWouldBlock {
			return false
		}
		if err != nil {
			sk.err = err.Error()
		}
		sk.sent += n
	}
	sk.buffers.put(sk.out)
	sk.out, sk.sent, sk.queued = nil, 0, false
	return true
}

func tcpListen(m *vm.Machine, s []uint64, r []vm.Value) error {
	fd, port, err := rio.Listen(stringArg(r, 0), int(int64(s[0])))
	if err != nil {
		return err
	}
	if err := m.Watch(fd); err != nil {
		rio.Close(fd)
		return err
	}
	r[0] = &listener{fd: fd, port: port}
	return nil
}

func tcpAccept(m *vm.Machine, s []uint64, r []vm.Value) error {
	l, err := ref[*listener](r, 0, "a listener")
	if err != nil {
		return err
	}
	backoff, _ := m.Pending().(time.Duration)
	fd, err := rio.Accept(l.fd)
	var exhausted *rio.Exhausted
	switch {
	case err == rio.ErrWouldBlock:
		m.SetPending(nil)
		return vm.WaitRead(l.fd)
	case errors.As(err, &exhausted):
		backoff = min(max(2*backoff, minBackoff), maxBackoff)
		m.SetPending(backoff)
		l.err = exhausted.Error() + " (waiting to accept)"
		return vm.WaitUntil(time.Now().Add(backoff))
	case err != nil:
		return fmt.Errorf("accept: %v", err)
	}
	m.SetPending(nil)
	l.err = ""
	return newSocket(m, fd, r)
}

func newSocket(m *vm.Machine, fd int, r []vm.Value) error {
	if err := m.Watch(fd); err != nil {
		rio.Close(fd)
		return err
	}
	r[0] = openSocket(m, fd)
	return nil
}

func tcpConnect(m *vm.Machine, s []uint64, r []vm.Value) error {
	host, port := stringArg(r, 0), int(int64(s[0]))
	if fd, ok := m.Pending().(int); ok {
		m.SetPending(nil)
		if err := rio.ConnectResult(fd, host, port); err != nil {
			m.Unwatch(fd)
			rio.Close(fd)
			return err
		}
		r[0] = openSocket(m, fd)
		return nil
	}
	fd, err := rio.Connect(host, port)
	switch {
	case err == rio.ErrWouldBlock:
		if err := m.Watch(fd); err != nil {
			rio.Close(fd)
			return err
		}
		m.SetPending(fd)
		return vm.WaitWrite(fd)
	case err != nil:
		return err
	}
	return newSocket(m, fd, r)
}

// sockRead returns up to n bytes as they arrive, "" at the end of the stream.
func sockRead(m *vm.Machine, s []uint64, r []vm.Value) error {
	sk, err := ref[*socket](r, 0, "a socket")
	if err != nil {
		return err
	}
	n := int(int64(s[0]))
	if n <= 0 {
		r[0] = ""
		return nil
	}
	if len(sk.buf) == 0 && !sk.eof && !sk.closed {
		if err := sk.fill(m); err != nil {
			return err
		}
	}
	r[0] = sk.take(min(n, len(sk.buf)))
	return nil
}

func sockReadln(m *vm.Machine, s []uint64, r []vm.Value) error {
	sk, err := ref[*socket](r, 0, "a socket")
	if err != nil {
		return err
	}
	line, err := sk.line(m)
	if err != nil {
		return err
	}
	r[0] = line
	return nil
}

// sockWrite takes all of the data for the socket's output, waiting while the peer is slow;
// on a broken connection it is dropped and sock_error says why.
func sockWrite(m *vm.Machine, s []uint64, r []vm.Value) error {
	sk, err := ref[*socket](r, 0, "a socket")
	if err != nil {
		return err
	}
	if m.Pending() == nil { // not run again after a wait: the data is still to be taken
		if sk.closed || sk.err != "" {
			return nil
		}
		switch {
		case sk.out == nil:
			sk.out = sk.buffers.get()
		case sk.sent > 0: // move what is left to the front
			sk.out = sk.out[:copy(sk.out, sk.out[sk.sent:])]
			sk.sent = 0
		}
		sk.out = append(sk.out, stringArg(r, 1)...)
		if !sk.queued {
			sk.queued = true
			if err := m.Unflushed(sk); err != nil {
				return err
			}
		}
	}
	if len(sk.out)-sk.sent > outLimit && !sk.Flush() && len(sk.out)-sk.sent > outLimit {
		m.SetPending(true)
		return vm.WaitWrite(sk.fd)
	}
	m.SetPending(nil)
	return nil
}

// sockClose closes the socket once its output has gone out.
func sockClose(m *vm.Machine, s []uint64, r []vm.Value) error {
	sk, err := ref[*socket](r, 0, "a socket")
	if err != nil {
		return err
	}
	if sk.closed {
		return nil
	}
	if !sk.Flush() {
		return vm.WaitWrite(sk.fd)
	}
	sk.closed = true
	m.Unwatch(sk.fd)
	rio.Close(sk.fd)
	return nil
}
