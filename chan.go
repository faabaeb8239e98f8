package felixlet

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/felixlet/felixlet/vm"
)

// Channels between Go and a program. A Library declares each under a name, with the Go
// type of its values: an Input is a channel the program reads (an ischannel, %<T) and Go
// writes; an Output one the program writes (an oschannel, %>T) and Go reads. Each machine
// has a channel of its own for each declaration: synchronous, as mk_schannel makes them.
// Go's end of it on a machine (Input.On, Output.On) may be used from any goroutine; its
// operations reach the machine through Machine.Do of package vm, wake it if it sleeps,
// and never block it.

// ErrClosed is returned by an operation on an end of a channel that is closed: by Close,
// or, for a Sender, by the program.
var ErrClosed = errors.New("felixlet: the channel is closed")

// ErrEnded is returned by an operation on an end of a channel whose machine has stopped
// running.
var ErrEnded = errors.New("felixlet: the program has ended")

// chanDecl is a channel a Library declares.
type chanDecl struct {
	name  string
	t     *goType
	input bool // the program reads it, Go writes it
}

// Input is a channel into the program: the program reads it under its name, as a %<T,
// and Go writes it with the Sender that On gives.
type Input[T any] struct{ d *chanDecl }

// Output is a channel out of the program: the program writes it under its name, as a %>T,
// and Go reads it with the Receiver that On gives.
type Output[T any] struct{ d *chanDecl }

// NewInput declares to the programs compiled with lib a channel named name that they read
// and Go writes, carrying values of the Go type T (which must have a felixlet type).
func NewInput[T any](lib *Library, name string) (*Input[T], error) {
	d, err := lib.channel(name, reflect.TypeFor[T](), true)
	if err != nil {
		return nil, err
	}
	return &Input[T]{d}, nil
}

// NewOutput declares to the programs compiled with lib a channel named name that they
// write and Go reads, carrying values of the Go type T (which must have a felixlet type).
func NewOutput[T any](lib *Library, name string) (*Output[T], error) {
	d, err := lib.channel(name, reflect.TypeFor[T](), false)
	if err != nil {
		return nil, err
	}
	return &Output[T]{d}, nil
}

// channel declares a channel: a constant of the program, whose primitive gives each
// machine's channel.
func (l *Library) channel(name string, rt reflect.Type, input bool) (*chanDecl, error) {
	t, err := typeOf(rt)
	if err != nil {
		return nil, fmt.Errorf("felixlet: channel %s: %v", name, err)
	}
	cd := &chanDecl{name: name, t: t, input: input}
	d := &decl{name: name, prim: l.prim(name), channel: cd}
	dir := "%>"
	if input {
		dir = "%<"
	}
	d.text = fmt.Sprintf("const %s : %s%s = %q;", name, dir, t, d.prim)
	d.builtin = func(m *vm.Machine, s []uint64, r []vm.Value) error {
		r[0] = m.Library(cd, func() any { return vm.NewChan(0) })
		return nil
	}
	if err := l.add(d); err != nil {
		return nil, err
	}
	return cd, nil
}

// On returns Go's end of the channel on machine m, from which any goroutine may write to
// it. The first call for a machine opens the end: from then on, until Close, the program
// does not end when its fibres have nothing to do, for Go may still write. Call it before
// Run, so that the program cannot end before it. It panics if m's program was not compiled
// with the Library that declared the channel.
func (in *Input[T]) On(m *Machine) *Sender[T] { return &Sender[T]{m.end(in.d)} }

// On returns Go's end of the channel on machine m, from which any goroutine may read it.
// The first call for a machine opens the end: from then on, until Close, the program does
// not end when its fibres have nothing to do, for Go may still read. Call it before Run,
// so that the program cannot end before it. It panics if m's program was not compiled with
// the Library that declared the channel.
func (out *Output[T]) On(m *Machine) *Receiver[T] { return &Receiver[T]{m.end(out.d)} }

// Sender is Go's end of an Input on one machine. Its methods may be called from any
// goroutine; writes made one after another arrive in that order.
type Sender[T any] struct{ e *end }

// Send writes v to the channel, and returns once a fibre has read it. It returns ErrClosed
// if the channel is closed first (by Close, or by the program), ErrEnded if the program
// ends first, and ctx's error if ctx is done first; then no fibre reads v.
func (s *Sender[T]) Send(ctx context.Context, v T) error {
	sv, rv := s.e.d.t.fromGo(reflect.ValueOf(&v).Elem())
	e := s.e
	refused, err := operate(ctx, e, func(done func(error)) func() bool {
		return e.out.Write(sv, rv, func(taken bool) {
			if !taken {
				e.shutDown() // the channel is closed: Go can give the program nothing more
				done(errShut)
				return
			}
			done(nil)
		})
	})
	if err == nil {
		err = refused
	}
	if err == errShut {
		return ErrClosed
	}
	return err
}

// Close closes the channel: fibres that read it with read_opt get None, and those that read
// it plainly starve. Sends waiting, or made afterwards, return ErrClosed. The program may
// end once its fibres have nothing to do.
func (s *Sender[T]) Close() {
	e := s.e
	e.close(func() {
		e.out.Close()
		e.release()
	})
}

// Receiver is Go's end of an Output on one machine. Its methods may be called from any
// goroutine; reads made one after another get the values in the order fibres wrote them.
type Receiver[T any] struct{ e *end }

// received is what a read from Go got.
type received[T any] struct {
	v  T
	ok bool // false: the channel is closed and drained
}

// Recv reads a value a fibre writes to the channel, waiting for one. ok is false (and err
// nil) when the program has closed the channel and no value is left. It returns ErrClosed
// if Close was called first, ErrEnded if the program ends first, and ctx's error if ctx is
// done first; then it has taken no value from the program.
func (r *Receiver[T]) Recv(ctx context.Context) (v T, ok bool, err error) {
	e := r.e
	got, err := operate(ctx, e, func(done func(received[T])) func() bool {
		return e.out.Read(func(s uint64, rv vm.Value, ok bool) {
			if !ok {
				e.shutDown() // closed and drained: the program can give Go nothing more
				done(received[T]{})
				return
			}
			done(received[T]{e.d.t.toGo(s, rv).Interface().(T), true})
		})
	})
	if err == errShut {
		err = nil
	}
	return got.v, got.ok, err
}

// Close lets go of the channel: the program may end once its fibres have nothing to do,
// and fibres writing to it find no reader in Go any more. Recvs waiting, or made
// afterwards, return ErrClosed.
func (r *Receiver[T]) Close() { r.e.close(r.e.release) }

// errShut says that the program closed the channel, and Go can do nothing more with it:
// its Sends are refused, and its Recvs find nothing left.
var errShut = errors.New("felixlet: the program closed the channel")

// end is Go's end of a channel on one machine: what a Sender or a Receiver works with.
type end struct {
	m         *Machine
	d         *chanDecl
	out       *vm.Outside   // the channel's outside end (on the machine's goroutine only)
	opened    sync.Once     // the first On holds the program
	held      bool          // the end holds the program (on the machine's goroutine only)
	closed    chan struct{} // closed by Close
	closeOnce sync.Once
	shut      chan struct{} // closed once an operation finds that the program closed the channel
	shutOnce  sync.Once
}

// open holds the program, once.
func (e *end) open() {
	e.opened.Do(func() {
		e.m.vm.Do(func() {
			if err := e.m.vm.Hold(); err != nil {
				e.m.fail(fmt.Errorf("felixlet: channel %s: %v", e.d.name, err))
				return
			}
			e.held = true
		})
	})
}

// release undoes the hold, once; on the machine's goroutine.
func (e *end) release() {
	if e.held {
		e.held = false
		e.m.vm.Release()
	}
}

// shutDown notes that the program has closed the channel, and lets go of the program;
// on the machine's goroutine.
func (e *end) shutDown() {
	e.shutOnce.Do(func() { close(e.shut) })
	e.release()
}

// close marks the end closed, once, and runs last on the machine.
func (e *end) close(last func()) {
	e.closeOnce.Do(func() {
		close(e.closed)
		e.m.vm.Do(last)
	})
}

// operate carries out one operation on an end, from any goroutine, and returns its
// result: start, run on the machine's goroutine, begins it, and returns the function that
// withdraws it; the operation calls done with its result when it completes. If ctx is
// done, the end closed or the program ended first, the operation is withdrawn, and
// operate returns why, unless the operation completed meanwhile. Once the program has
// closed the channel, operate returns errShut.
func operate[R any](ctx context.Context, e *end, start func(done func(R)) (withdraw func() bool)) (R, error) {
	var zero R
	switch {
	case isClosed(e.closed):
		return zero, ErrClosed
	case isClosed(e.shut):
		return zero, errShut
	case isClosed(e.m.ended):
		return zero, ErrEnded
	case ctx.Err() != nil:
		return zero, ctx.Err()
	}
	res := make(chan R, 1)
	var state atomic.Int32 // 0 until it starts; 1 once started; 2 called off before it started
	var withdraw func() bool
	e.m.vm.Do(func() {
		if state.CompareAndSwap(0, 1) {
			withdraw = start(func(r R) { res <- r })
		}
	})
	var why error
	select {
	case r := <-res:
		return r, nil
	case <-ctx.Done():
		why = ctx.Err()
	case <-e.closed:
		why = ErrClosed
	case <-e.m.ended:
		why = e.endedErr()
	}
	if state.CompareAndSwap(0, 2) {
		return zero, why // it never started
	}
	if why != ErrEnded && why != errShut {
		withdrawn := make(chan bool, 1)
		e.m.vm.Do(func() { withdrawn <- withdraw() }) // after start: both come from here
		select {
		case ok := <-withdrawn:
			if ok {
				return zero, why
			}
		case <-e.m.ended:
		}
	}
	// The operation completed, and its result is on its way; or the program has ended.
	select {
	case r := <-res:
		return r, nil
	case <-e.m.ended:
	}
	select {
	case r := <-res:
		return r, nil
	default:
		return zero, e.endedErr()
	}
}

// endedErr is why an operation fails once the program has ended: it had closed the
// channel, or it simply ended.
func (e *end) endedErr() error {
	if isClosed(e.shut) {
		return errShut
	}
	return ErrEnded
}

// isClosed reports whether ch is closed.
func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
