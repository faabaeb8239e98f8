// Package vm is felixlet's machine: it runs compiled bytecode (package code) on fibres.
//
// A Machine runs on one goroutine. Its interpreter loop runs the current fibre until the
// fibre ends, fails, or needs the scheduler (a spawn, a read or write, a yield); switching
// fibres is saving one fibre's position and loading another's. Calls push frames on the
// fibre's own stacks and never recurse on the Go stack, so a fibre can wait on a channel at
// any depth of calls.
//
// Fibres are ordinary heap objects (see Fibre); the machine keeps no list of them, only the
// running fibre and the schedulers' active lists, so a fibre waiting forever on a channel
// nobody can reach is collected by Go's garbage collector while the program runs.
//
// The package knows nothing of the language's syntax or types: it must not import lang.
package vm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	rio "github.com/felixlet/felixlet/runtime/io"
	"github.com/felixlet/felixlet/vm/code"
)

// Builtin is a library function written in Go. Its arguments are in s and r (scalars and
// references in order, after any type descriptors); it leaves its result in s[0] or r[0].
// A builtin finishes at once: it never waits.
type Builtin func(m *Machine, s []uint64, r []Value) error

// Options configure a machine.
type Options struct {
	Stdin          io.Reader // the program's standard input
	Dir            string    // the directory relative file names resolve against ("": the working directory)
	Stdout, Stderr io.Writer
	Args           []string           // the program's argv: its file name, then its arguments
	Builtins       map[string]Builtin // the Go library, by name
	MaxDepth       int                // the deepest calls may nest in one fibre (0: DefaultMaxDepth)
	MaxMemory      int64              // the most bytes of heap the program's values may take (0: no limit)
	Trace          io.Writer          // if set, every scheduling event is written here, as text
	Observer       Observer           // if set, it sees every scheduling event and every fibre collected
	// CountCollected counts the fibres Go's collector reclaims (Stats.Collected), at the
	// cost of a cleanup registered per fibre.
	CountCollected bool
}

// DefaultMaxDepth is how deep calls may nest in a fibre unless Options say otherwise: a
// million, deep enough for any recursion over data that fits in memory, and shallow
// enough that runaway recursion fails in a fraction of a second.
const DefaultMaxDepth = 1_000_000

// Stats counts what the scheduler did.
type Stats struct {
	Spawned   uint64 // fibres created, the mainline included
	Ended     uint64 // fibres that ran to their end
	Transfers uint64 // values passed over channels
	PeakLive  uint64 // the most fibres alive (not ended) at once, collected or not
	Collected uint64 // fibres reclaimed by the collector (with Options.CountCollected)
	// CollectedWaiting is how many of those had not ended: left waiting on a channel
	// nothing could reach any more.
	CollectedWaiting uint64
	// Waiting counts the fibres waiting on channels and acks now, by what they wait for:
	// at the end, those left waiting (a fibre starved on a closed channel stays counted).
	Waiting [NumWaitKinds]uint64
	// Abandoned counts the fibres a channel released to a nested scheduler that had
	// finished: they never run again.
	Abandoned uint64
	Elapsed   time.Duration // the run time
	live      uint64
}

// Machine runs one program.
type Machine struct {
	funcs     []*code.Func               // the program's functions, by index
	builtins  []Builtin                  // the builtins the program calls, in the program's order
	out       *bufio.Writer              // buffered standard output, writing to sink
	sink      outputSink                 // standard output itself, which remembers a failed write
	errw      io.Writer                  // standard error
	args      []string                   // the program's argv
	maxDepth  int                        // the deepest calls may nest in a fibre
	obs       Observer                   // who sees the scheduling events, or nil
	lastChan  uint32                     // the last number chanID gave a channel
	sched     *Sched                     // the scheduler running now
	nextID    uint32                     // the id of the last fibre made
	stats     Stats                      // counts for --stats
	interrupt atomic.Bool                // set by Interrupt, from any goroutine
	outFile   *os.File                   // stdout, when it is a terminal, to flush after each line
	flushed   time.Time                  // when standard output was last written out
	cur       *Fibre                     // the fibre running when the loop last switched, for internal errors
	collect   *collectCounter            // counts reclaimed fibres, with Options.CountCollected
	stdin     io.Reader                  // standard input, for the library
	dir       string                     // Options.Dir
	io        *ioState                   // the poller and its waiting fibres, once used
	poller    atomic.Pointer[rio.Poller] // the poller, for Interrupt and Do from other goroutines
	inbox     rio.Inbox                  // work other goroutines handed the machine with Do
	atExit    []func()                   // run when Run returns
	lib       map[any]any                // state the library keeps per machine
	library   map[string]Builtin         // Options.Builtins, to link more code in a session
	root      *Sched                     // in a session, the scheduler every input runs on
	strings   builders                   // the buffers strings grow in when a program appends to them
	mem       *memoryLimit               // the memory limit, or nil for none
	failed    error                      // what Fail ended the run with, reported instead of the interrupt
}

// New verifies a program (code.Verify), links it with its builtins and makes a machine
// ready to run it.
func New(p *code.Program, opts Options) (*Machine, error) {
	m := &Machine{funcs: p.Funcs, args: opts.Args, maxDepth: opts.MaxDepth, obs: observerOf(opts), errw: opts.Stderr,
		stdin: opts.Stdin, dir: opts.Dir, lib: map[any]any{}}
	if m.stdin == nil {
		m.stdin = strings.NewReader("")
	}
	if m.maxDepth <= 0 {
		m.maxDepth = DefaultMaxDepth
	}
	if opts.MaxMemory > 0 {
		m.mem = newMemoryLimit(opts.MaxMemory)
	}
	if opts.CountCollected || m.obs != nil {
		m.collect = &collectCounter{ended: map[uint32]bool{}, obs: m.obs}
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if m.errw == nil {
		m.errw = io.Discard
	}
	m.sink.w = opts.Stdout
	m.out = bufio.NewWriterSize(&m.sink, 64<<10)
	if f, ok := opts.Stdout.(*os.File); ok && isTerminal(f) {
		m.outFile = f
	}
	m.library = opts.Builtins
	if err := code.Verify(p.Funcs, 0, len(p.Builtins)); err != nil {
		return nil, err
	}
	if err := m.link(p.Builtins); err != nil {
		return nil, err
	}
	return m, nil
}

// link finds the builtins named after those the machine has already linked.
func (m *Machine) link(names []string) error {
	for _, name := range names[len(m.builtins):] {
		b := m.library[name]
		if b == nil {
			return fmt.Errorf("the program needs the builtin %q, which this machine lacks", name)
		}
		m.builtins = append(m.builtins, b)
	}
	return nil
}

// Args returns the program's argv.
func (m *Machine) Args() []string { return m.args }

// Stdout returns the buffered standard output.
func (m *Machine) Stdout() *bufio.Writer { return m.out }

// Stats returns the scheduler's counts so far. Collected grows as the collector runs, so
// it can rise after Run has returned.
func (m *Machine) Stats() Stats {
	s := m.stats
	if m.collect != nil {
		s.Collected, s.CollectedWaiting = m.collect.counts()
	}
	return s
}

// Interrupt asks the running program to stop at its next backward jump or call, or at once
// if it is waiting for the outside world; Run then returns ErrInterrupted. It may be called
// from any goroutine.
func (m *Machine) Interrupt() {
	m.interrupt.Store(true)
	if p := m.poller.Load(); p != nil {
		p.Wake()
	}
}

// ErrInterrupted is returned by Run after Interrupt (and, when standard output failed,
// an OutputError in its place).
var ErrInterrupted = fmt.Errorf("interrupted")

// Run runs the mainline and every fibre it starts until nothing is active. Fibres left
// waiting on channels are normal at the end. It returns nil, ErrInterrupted, or an *Error.
func (m *Machine) Run() (err error) {
	start := time.Now()
	m.sched = &Sched{}
	main := m.newFibre(&Closure{Fn: m.funcs[0]}, m.sched)
	defer func() {
		if r := recover(); r != nil {
			err = m.internalError(r)
		}
		m.cur = nil // hold no fibre once the run is over
		m.stats.Elapsed = time.Since(start)
		m.out.Flush()
		m.Close()
		err = m.outputFailed(err)
	}()
	return m.failure(m.loop(main))
}

// failure is the error a run ended with: what Fail asked for, if it interrupted the run.
func (m *Machine) failure(err error) error {
	if err == ErrInterrupted && m.failed != nil {
		err, m.failed = m.failed, nil
	}
	return err
}

// outputSink is standard output under the machine's buffer. It remembers the first write
// that failed (a full disk, a closed descriptor), after which the buffer writes no more.
type outputSink struct {
	w   io.Writer // standard output
	err error     // the first write error, or nil
}

func (o *outputSink) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err != nil {
		o.err = err
	}
	return n, err
}

// OutputError reports that the program's standard output could not be written: the
// program was stopped at the next checkpoint, since what it printed was lost.
type OutputError struct {
	Err error // the write's error, without the file's name
}

func (e *OutputError) Error() string { return "writing standard output: " + e.Err.Error() }

// outputFailed turns the end of a run whose output failed into an OutputError, unless
// the run failed for a reason of its own.
func (m *Machine) outputFailed(err error) error {
	if m.sink.err == nil || err != nil && err != ErrInterrupted {
		return err
	}
	e := m.sink.err
	var pe *os.PathError
	if errors.As(e, &pe) {
		e = pe.Err
	}
	return &OutputError{Err: e}
}

// Error is a runtime error: the message, where it happened, and the backtrace of the fibre
// that failed.
type Error struct {
	Msg   string
	Fibre uint32  // the fibre that failed
	Trace []Frame // innermost first
	Halt  bool    // raised by halt: exit status 3 rather than 1
}

// maxFrames bounds the distinct frames of an error's backtrace.
const maxFrames = 100

// Frame is one frame of a backtrace.
type Frame struct {
	Func      string
	File      string
	Line, Col int
	Repeats   int  // how many more times the frame repeats below this one
	TailCalls bool // frames between this one and the next were replaced by tail calls
}

func (e *Error) Error() string {
	if len(e.Trace) == 0 {
		return e.Msg
	}
	t := e.Trace[0]
	return fmt.Sprintf("%s:%d:%d: %s", t.File, t.Line, t.Col, e.Msg)
}

// Report writes the error and its backtrace.
func (e *Error) Report(w io.Writer) {
	fmt.Fprintln(w, e.Error())
	fmt.Fprintf(w, "fibre %d:\n", e.Fibre)
	for _, fr := range e.Trace {
		fmt.Fprintf(w, "  %s:%d:%d in %s\n", fr.File, fr.Line, fr.Col, fr.Func)
		if fr.Repeats > 0 {
			fmt.Fprintf(w, "  ... the frame above, repeated many times\n")
		}
		if fr.TailCalls {
			fmt.Fprintf(w, "  ... (frames replaced by tail calls)\n")
		}
	}
}

// fail builds a runtime error at pc (the instruction after the failing one) of the running
// frame, with the fibre's backtrace.
func (m *Machine) fail(f *Fibre, fn *code.Func, pc int, format string, args ...any) *Error {
	e := &Error{Msg: fmt.Sprintf(format, args...), Fibre: f.id}
	for g := f; g.gen != nil && g.gen.caller != nil; g = g.gen.caller {
		e.Fibre = g.gen.caller.id // a generator fails on behalf of the fibre that called it
	}
	e.Trace = backtrace(m.funcs, f, fn, pc-1, int(f.sbase), maxFrames)
	return e
}

// backtrace rebuilds the frames of f from the running one (fn at pc) down, through the
// frame headers in the scalar stack, up to limit distinct frames. A run of identical
// frames (runaway recursion) is kept once.
func backtrace(funcs []*code.Func, f *Fibre, fn *code.Func, pc, sbase, limit int) []Frame {
	var out []Frame
	for {
		line, col := fn.Pos(pc)
		fr := Frame{Func: displayName(fn), File: fn.File, Line: line, Col: col}
		if n := len(out); n > 0 && sameFrame(out[n-1], fr) {
			out[n-1].Repeats++
		} else if n < limit {
			out = append(out, fr)
		} else if limit < maxFrames {
			return out // a short one, for an event: the rest is not wanted
		}
		if sbase < 2 {
			return out
		}
		h0, h1 := f.s[sbase-2], f.s[sbase-1]
		if h0&tailBit != 0 {
			out[len(out)-1].TailCalls = true
		}
		caller := uint32(h0 >> 32)
		if caller == bottom && f.gen != nil && f.gen.caller != nil {
			// A generator runs on behalf of its caller: go on with the caller's frames.
			f = f.gen.caller
			fn, pc, sbase = f.fn, int(f.pc)-1, int(f.sbase)
			continue
		}
		if caller == bottom {
			return out
		}
		fn = funcs[caller]
		pc = int(uint32(h0)&^tailBit) - 1
		sbase = int(uint32(h1))
	}
}

func sameFrame(a, b Frame) bool {
	return a.Func == b.Func && a.File == b.File && a.Line == b.Line && a.Col == b.Col && !a.TailCalls
}

func displayName(fn *code.Func) string {
	if fn.Name == "" {
		return "?"
	}
	return fn.Name
}

// internalError turns a Go panic in the machine into an error naming the felixlet
// position the running fibre last recorded.
func (m *Machine) internalError(r any) *Error {
	e := &Error{Msg: fmt.Sprintf("internal error: %v", r)}
	if f := m.cur; f != nil && f.fn != nil {
		e.Fibre = f.id
		e.Trace = backtrace(m.funcs, f, f.fn, int(f.pc)-1, int(f.sbase), maxFrames)
	}
	if os.Getenv("FELIXLET_DEBUG") != "" {
		panic(r)
	}
	return e
}

// printString writes s (and a newline) to stdout or stderr.
func (m *Machine) printString(s string, newline, toErr bool) {
	if toErr {
		m.out.Flush()
		if newline {
			s += "\n"
		}
		io.WriteString(m.errw, s)
		return
	}
	m.out.WriteString(s)
	if newline {
		m.out.WriteByte('\n')
		if m.outFile != nil {
			m.out.Flush()
		}
	}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
