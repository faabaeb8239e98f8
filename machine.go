package felixlet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/felixlet/felixlet/vm"
)

// Config is what a machine gives its program: its standard streams, its arguments and
// where its file names start.
type Config struct {
	// Stdin is the program's standard input; nil is empty. The process's os.Stdin, when it
	// is a pipe or a terminal, is read without blocking, through the machine's poller: give
	// it to one machine at a time.
	Stdin  io.Reader
	Stdout io.Writer // its standard output, written in blocks as it fills; nil: discarded
	Stderr io.Writer // its standard error; nil: discarded
	// Args are the program's arguments: System::argv 1, 2 and on (System::argv 0 is the
	// program's name).
	Args []string
	// Dir is the directory the program's relative file names (load, save) start from;
	// "" is the process's working directory.
	Dir string
	// VM, if set, adjusts the options of the machine of package vm that runs the program,
	// before it is made: for tools that trace it or count its fibres.
	VM func(*vm.Options)
}

// Machine runs a program once, with its own scheduler: its fibres, its channels, its
// poller and its streams are its own. Go's ends of the program's channels (Input.On,
// Output.On) work with it from any goroutine.
type Machine struct {
	prog    *Program
	vm      *vm.Machine
	ends    map[*chanDecl]*end // Go's ends of the channels the Library declared
	started atomic.Bool        // Run was called
	ended   chan struct{}      // closed when Run returns
	failure error              // why the machine stopped itself (set on its goroutine)
}

// NewMachine makes a machine ready to run the program.
func (p *Program) NewMachine(cfg Config) (*Machine, error) {
	opts := vm.Options{Stdin: cfg.Stdin, Stdout: cfg.Stdout, Stderr: cfg.Stderr, Dir: cfg.Dir,
		Args: append([]string{p.name}, cfg.Args...), Builtins: p.builtins}
	if cfg.VM != nil {
		cfg.VM(&opts)
	}
	vmm, err := vm.New(p.code, opts)
	if err != nil {
		return nil, fmt.Errorf("felixlet: %v", err)
	}
	m := &Machine{prog: p, vm: vmm, ends: map[*chanDecl]*end{}, ended: make(chan struct{})}
	for _, d := range p.chans {
		ch := vm.NewChan(0)
		vmm.Library(d, func() any { return ch }) // what the channel's primitive gives
		m.ends[d] = &end{m: m, d: d, out: vmm.Outside(ch), closed: make(chan struct{}), shut: make(chan struct{})}
	}
	return m, nil
}

// end returns Go's end of a channel, opened.
func (m *Machine) end(d *chanDecl) *end {
	e := m.ends[d]
	if e == nil {
		panic(fmt.Sprintf("felixlet: the channel %s is not declared to the program %s: it was compiled with another Library, or before the channel was declared", d.name, m.prog.name))
	}
	e.open()
	return e
}

// RuntimeError is a program that failed while it ran: the message, the position and the
// backtrace of the fibre that failed. Halt is set when the program stopped itself with
// halt. Its Report method writes it as the felixlet command does.
type RuntimeError = vm.Error

// Frame is one frame of a RuntimeError's backtrace.
type Frame = vm.Frame

// OutputError is a program whose standard output could not be written (Config.Stdout
// returned an error): what it printed was lost, so the machine stopped it at its next
// checkpoint.
type OutputError = vm.OutputError

// Run runs the program on the calling goroutine until it ends: until its fibres have
// nothing left to do, and no open end of a channel (Input.On, Output.On) may give them
// more. It returns nil when the program ran to its end (fibres left waiting on channels
// are a normal end), a *RuntimeError when it failed or halted, an *OutputError when its
// standard output failed, and context.Cause(ctx) when ctx was done first: the machine then
// stops between two instructions. Standard output is written out before Run returns. A
// machine runs once.
func (m *Machine) Run(ctx context.Context) error {
	if !m.started.CompareAndSwap(false, true) {
		return errors.New("felixlet: a machine runs only once")
	}
	defer close(m.ended)
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	stop := context.AfterFunc(ctx, m.vm.Interrupt)
	err := m.vm.Run()
	stop()
	if errors.Is(err, vm.ErrInterrupted) {
		switch {
		case m.failure != nil:
			return m.failure
		case ctx.Err() != nil:
			return context.Cause(ctx)
		}
	}
	return err
}

// fail stops the machine, for a reason Run then returns. Call it on the machine's
// goroutine.
func (m *Machine) fail(err error) {
	if m.failure == nil {
		m.failure = err
	}
	m.vm.Interrupt()
}

// VM returns the machine of package vm that runs the program, for tools that look inside
// it (its statistics, for instance).
func (m *Machine) VM() *vm.Machine { return m.vm }
