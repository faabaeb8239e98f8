package vm

import (
	"fmt"

	rio "github.com/felixlet/felixlet/runtime/io"
	"github.com/felixlet/felixlet/vm/code"
)

// A REPL runs a session on one machine: each input is compiled as a program whose
// functions are numbered after the machine's (see compile.Session), added with Extend, and
// its mainline is run with RunInput. Fibres that an input leaves waiting stay on the
// machine, and a later input can wake them.

// NewSession makes a machine with no code yet, for a REPL.
func NewSession(opts Options) (*Machine, error) { return New(&code.Program{}, opts) }

// Extend verifies and adds the code of one more input: p's functions must be numbered
// after the machine's, and its builtins must start with those the machine has.
func (m *Machine) Extend(p *code.Program) error {
	if len(p.Funcs) > 0 && p.Funcs[0].Index != len(m.funcs) {
		return fmt.Errorf("the input's functions start at %d, the machine has %d", p.Funcs[0].Index, len(m.funcs))
	}
	if len(p.Builtins) < len(m.builtins) {
		return fmt.Errorf("the input names %d builtins, the machine has %d", len(p.Builtins), len(m.builtins))
	}
	// The input's functions go after the machine's in place (amortised, so that an input
	// costs the same however long the session), and are taken back if they are refused.
	had := len(m.funcs)
	m.funcs = append(m.funcs, p.Funcs...)
	err := code.Verify(m.funcs, had, len(p.Builtins))
	if err == nil {
		err = m.link(p.Builtins)
	}
	if err != nil {
		clear(m.funcs[had:])
		m.funcs = m.funcs[:had]
	}
	return err
}

// RunInput runs an input's mainline, main, with env (the session's environment) as its
// own, and every fibre it wakes, until nothing is active and nothing waits for the outside
// world. It returns nil, ErrInterrupted or an *Error; after an error the fibres that were
// active are dropped, and those left waiting on channels stay.
func (m *Machine) RunInput(main *code.Func, env *Env) (err error) {
	if m.root == nil {
		m.root = &Sched{}
	}
	m.sched = m.root
	m.interrupt.Store(false) // an interrupt that came too late for the last input
	f := m.newFibre(&Closure{Fn: main, Env: env}, m.sched)
	defer func() {
		if r := recover(); r != nil {
			err = m.internalError(r)
		}
		m.cur = nil
		m.out.Flush()
		if err = m.outputFailed(err); err != nil {
			m.abandon()
		}
	}()
	return m.failure(m.loop(f))
}

// abandon drops what an input that failed or was interrupted left running: the fibres on
// the active lists, nested schedulers, and the waits for timers and descriptors.
func (m *Machine) abandon() {
	for s := m.sched; s != m.root; s = s.parent {
		s.done = true
	}
	m.sched = m.root
	m.root.head, m.root.tail, m.root.waiting = nil, nil, 0
	if st := m.io; st != nil {
		st.timers = rio.Timers[*Fibre]{}
		clear(st.readers)
		clear(st.writers)
		clear(st.pending)
		st.waiting = 0
	}
	m.interrupt.Store(false)
}

// Close runs what the library asked to run when the program ends (AtExit): Run calls it
// as it returns, a REPL when its session ends.
func (m *Machine) Close() {
	for i := len(m.atExit) - 1; i >= 0; i-- {
		m.atExit[i]()
	}
	m.atExit = nil
}

// Grow makes room in an environment for ns scalar and nr reference slots; the slots it
// has keep their values.
func (e *Env) Grow(ns, nr int) {
	if n := ns - len(e.S); n > 0 {
		e.S = append(e.S, make([]uint64, n)...)
	}
	if n := nr - len(e.R); n > 0 {
		e.R = append(e.R, make([]Value, n)...)
	}
}
