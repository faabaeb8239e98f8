package vm

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	rio "github.com/felixlet/felixlet/runtime/io"
)

// Waiting for the outside world.
//
// A builtin that cannot finish at once (a read with no data, a sleep) returns a Wait. The
// machine parks the fibre, with the poller for a descriptor or on the timer heap for a
// deadline, and runs the same builtin again when it is woken; the builtin keeps what it has
// done so far with SetPending. A parked fibre is held by these tables, so it is not
// collected, and it keeps the program alive: the program ends only when nothing is active
// and nothing waits for the outside world.

// Wait is what a builtin returns to wait; make one with WaitRead, WaitWrite or WaitUntil.
type Wait struct {
	fd    int       // the descriptor to wait on
	write bool      // wait until it is writable, not readable
	timer bool      // wait until a deadline instead
	until time.Time // the deadline
}

func (w *Wait) Error() string {
	if w.timer {
		return "waiting until " + w.until.String()
	}
	return fmt.Sprintf("waiting for descriptor %d", w.fd)
}

// WaitRead asks to run the builtin again once fd may be readable.
func WaitRead(fd int) error { return &Wait{fd: fd} }

// WaitWrite asks to run the builtin again once fd may be writable.
func WaitWrite(fd int) error { return &Wait{fd: fd, write: true} }

// WaitUntil asks to run the builtin again at t.
func WaitUntil(t time.Time) error { return &Wait{timer: true, until: t} }

// Output is output a library has taken from the program but not yet written out, such as
// a socket's coalesced writes.
type Output interface {
	// Flush writes what it can without blocking and reports whether nothing is left
	// (all written, or dropped after an error). When something is left, its descriptor
	// must be watched, so that the poller says when to try again.
	Flush() bool
}

// ioState is the machine's poller and the fibres waiting on it, made at the first I/O.
type ioState struct {
	poller    *rio.Poller
	timers    rio.Timers[*Fibre]
	readers   map[int]*Fibre // fd -> the fibres waiting to read it, linked through next
	writers   map[int]*Fibre // fd -> the fibres waiting to write it
	watched   map[int]bool   // descriptors registered with the poller
	pending   map[uint32]any // the state of unfinished operations, by fibre id
	waiting   int            // fibres parked on descriptors or timers
	holds     int            // Holds not yet released: the program waits for the outside world
	fed       []*Chan        // channels the outside world writes to (Feed): fibres reading them wait for it
	failing   []failOnRead   // failures that end the run once a fibre waits to read their channel (FailOnRead)
	unflushed []Output       // output not yet written out; the program does not end before it is
	events    []rio.Event    // reused for each poll
}

func (m *Machine) ioState() (*ioState, error) {
	if m.io != nil {
		return m.io, nil
	}
	p, err := rio.NewPoller()
	if err != nil {
		return nil, err
	}
	m.io = &ioState{poller: p, readers: map[int]*Fibre{}, writers: map[int]*Fibre{},
		watched: map[int]bool{}, pending: map[uint32]any{}}
	m.poller.Store(p)
	m.AtExit(func() {
		m.poller.Store(nil)
		p.Close()
	})
	return m.io, nil
}

// Watch registers a non-blocking descriptor with the poller; a builtin calls it once for
// each descriptor it makes.
func (m *Machine) Watch(fd int) error {
	st, err := m.ioState()
	if err != nil {
		return err
	}
	if st.watched[fd] {
		return nil
	}
	if err := st.poller.Add(fd); err != nil {
		return err
	}
	st.watched[fd] = true
	return nil
}

// Unwatch stops watching fd before it is closed, and wakes the fibres waiting on it: run
// again, their builtins find it closed.
func (m *Machine) Unwatch(fd int) {
	st := m.io
	if st == nil || !st.watched[fd] {
		return
	}
	st.poller.Remove(fd)
	delete(st.watched, fd)
	m.wakeList(st.readers, fd)
	m.wakeList(st.writers, fd)
}

// Pending returns what the running fibre's unfinished operation kept with SetPending, or nil.
func (m *Machine) Pending() any {
	if m.io == nil || m.cur == nil {
		return nil
	}
	return m.io.pending[m.cur.id]
}

// SetPending keeps the state of the running fibre's unfinished operation, or with nil
// forgets it.
func (m *Machine) SetPending(v any) {
	st, err := m.ioState()
	if err != nil || m.cur == nil {
		return
	}
	if v == nil {
		delete(st.pending, m.cur.id)
		return
	}
	st.pending[m.cur.id] = v
}

// Stdin returns the program's standard input.
func (m *Machine) Stdin() io.Reader { return m.stdin }

// Path resolves a file name the program gave against Options.Dir.
func (m *Machine) Path(name string) string {
	if m.dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(m.dir, name)
}

// AtExit runs f when the program ends, for instance to put a descriptor back in blocking
// mode.
func (m *Machine) AtExit(f func()) { m.atExit = append(m.atExit, f) }

// Library returns the value a library keeps in this machine under key, making it with mk
// the first time.
func (m *Machine) Library(key any, mk func() any) any {
	if v, ok := m.lib[key]; ok {
		return v
	}
	v := mk()
	m.lib[key] = v
	return v
}

// Unflushed asks the machine to flush o before it next looks at the poller (when no fibre
// is active, and every few thousand instructions while some are), and again until o says
// nothing is left. Output left unflushed keeps the program alive.
func (m *Machine) Unflushed(o Output) error {
	st, err := m.ioState()
	if err != nil {
		return err
	}
	st.unflushed = append(st.unflushed, o)
	return nil
}

// flush tries every unflushed output, keeping the ones that still have something left.
func (st *ioState) flush() {
	left := st.unflushed[:0]
	for _, o := range st.unflushed {
		if !o.Flush() {
			left = append(left, o)
		}
	}
	clear(st.unflushed[len(left):])
	st.unflushed = left
}

// busy reports whether the outside world may still release a fibre or take output, so
// that the program (or, for fibres, a nested scheduler) must wait for it.
func (st *ioState) busy() bool {
	return st != nil && (st.waiting > 0 || len(st.unflushed) > 0 || st.held())
}

// held reports whether the outside world holds the program: a Hold not yet released, or
// a fibre waiting to read a channel the outside world feeds.
func (st *ioState) held() bool {
	if st.holds > 0 {
		return true
	}
	for _, ch := range st.fed {
		if ch.Waiting(false) {
			return true
		}
	}
	return false
}

// park makes f wait as w says.
func (m *Machine) park(f *Fibre, w *Wait) error {
	st, err := m.ioState()
	if err != nil {
		return err
	}
	st.waiting++
	f.sched.waiting++
	if m.obs != nil {
		m.emit(f, Event{Kind: EvPark, Fibre: f.id, Timer: w.timer, Write: w.write, FD: w.fd})
	}
	switch {
	case w.timer:
		st.timers.Add(w.until, f)
	case w.write:
		f.next = st.writers[w.fd]
		st.writers[w.fd] = f
	default:
		f.next = st.readers[w.fd]
		st.readers[w.fd] = f
	}
	return nil
}

// poll collects what the outside world did: fibres whose descriptors changed or whose
// deadline passed go to the back of their scheduler's active list. With block, it sleeps
// in the poller until something happens (or the next deadline, or Interrupt).
func (m *Machine) poll(block bool) error {
	st := m.io
	if len(st.failing) > 0 {
		if m.readFailures(); m.interrupt.Load() {
			return ErrInterrupted
		}
	}
	st.flush()
	if block && m.sched.waiting == 0 && len(st.unflushed) == 0 && (m.sched.parent != nil || !st.held()) {
		block = false // the flush finished what there was to wait for
	}
	timeout := time.Duration(0)
	// (A Do or an Interrupt from before the poller existed woke nobody.)
	if block && m.inbox.Empty() && !m.interrupt.Load() {
		timeout = -1
		if next, ok := st.timers.Next(); ok {
			timeout = max(time.Until(next), 0)
		}
		m.out.Flush() // whatever the program printed is shown while it waits
		if m.sink.err != nil {
			return ErrInterrupted // (Run says why)
		}
	}
	var err error
	st.events, err = st.poller.Wait(timeout, st.events[:0])
	if err != nil {
		return fmt.Errorf("poll: %v", err)
	}
	for _, ev := range st.events {
		if ev.Read {
			m.wakeList(st.readers, ev.FD)
		}
		if ev.Write {
			m.wakeList(st.writers, ev.FD)
		}
	}
	st.timers.PopDue(time.Now(), m.wakeOne)
	m.serve()
	if m.interrupt.Load() || m.sink.err != nil {
		return ErrInterrupted
	}
	return nil
}

// wakeList wakes every fibre waiting in list on fd.
func (m *Machine) wakeList(list map[int]*Fibre, fd int) {
	f := list[fd]
	delete(list, fd)
	for f != nil {
		next := f.next
		f.next = nil
		m.wakeOne(f)
		f = next
	}
}

// wakeOne puts a fibre the outside world released at the back of its scheduler's active
// list (which has not finished: a scheduler waits for its parked fibres). A fibre whose
// select's timer this was goes on with its after arm.
func (m *Machine) wakeOne(f *Fibre) {
	m.io.waiting--
	f.sched.waiting--
	if f.sel != nil && f.sel.timer != nil {
		m.timeUp(f)
	}
	f.sched.pushBack(f)
}

// Do runs f on the machine's goroutine at its next chance (between fibres, or while it
// waits for the outside world), after whatever was handed over before it: the way for
// another goroutine to look at the machine, or to hand it an event (see Hold and
// Outside). Any goroutine may call it; it never blocks and never drops f. Work handed
// over after the program has ended never runs.
func (m *Machine) Do(f func()) {
	m.inbox.Post(f)
	if p := m.poller.Load(); p != nil {
		p.Wake()
	}
}

// Feed says that the outside world writes to ch (a net channel's messages arrive there):
// while a fibre waits to read it, the program waits for the outside world, as it does for
// a fibre waiting on a socket. Call it on the machine's goroutine; Unfeed undoes it.
func (m *Machine) Feed(ch *Chan) error {
	st, err := m.ioState()
	if err != nil {
		return err
	}
	st.fed = append(st.fed, ch)
	return nil
}

// Unfeed says that the outside world no longer writes to ch.
func (m *Machine) Unfeed(ch *Chan) {
	if st := m.io; st != nil {
		if i := slices.Index(st.fed, ch); i >= 0 {
			st.fed = slices.Delete(st.fed, i, i+1)
		}
	}
}

// Fail ends the run with err, as a failing fibre does: for work handed over with Do that
// finds something the program cannot go on with. The first failure is the one reported.
func (m *Machine) Fail(err error) {
	if m.failed == nil {
		m.failed = err
	}
	m.interrupt.Store(true)
}

// FailOnRead ends the run with err once a fibre waits to read ch: for a value the outside
// world cannot hand over (a net channel's message that does not decode), so that the values
// handed over before it are read first. Call it on the machine's goroutine, once the
// outside world's earlier writes to ch have completed.
func (m *Machine) FailOnRead(ch *Chan, err error) error {
	st, e := m.ioState()
	if e != nil {
		return e
	}
	st.failing = append(st.failing, failOnRead{ch, err})
	return nil
}

// failOnRead is a failure FailOnRead keeps: the channel and the error.
type failOnRead struct {
	ch  *Chan
	err error
}

// readFailures fails the run with the first failure whose channel a fibre waits to read.
func (m *Machine) readFailures() {
	st := m.io
	for i, f := range st.failing {
		if f.ch.Waiting(false) {
			st.failing = slices.Delete(st.failing, i, i+1)
			m.Fail(f.err)
			return
		}
	}
}

// ErrorHere makes the runtime error that the builtin running now would return, with its
// position and its fibre's backtrace, for a builtin that makes something (a net channel)
// to keep and raise later with Fail, on behalf of the call that made it.
func (m *Machine) ErrorHere(format string, args ...any) *Error {
	f := m.cur
	return m.fail(f, f.fn, int(f.pc), format, args...)
}

// serve runs the work Do handed over.
func (m *Machine) serve() {
	for !m.inbox.Empty() {
		for _, f := range m.inbox.Take() {
			f()
		}
	}
}
