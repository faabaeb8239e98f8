package vm

import "github.com/felixlet/felixlet/vm/code"

// The rendezvous. A read or write that finds a partner waiting on the channel (a fibre
// parked just after its write or read) passes the value at once: the reader runs on and
// the writer is next, at the front of the active list. One that finds none parks the
// running fibre on the channel's wait stack, and the front of the active list runs. The
// value moves between the two fibres' registers directly: the waiting partner's register
// is the A operand of the read or write it waits at.

// read runs a read, just before pc in fn, by the running fibre f; it returns f to go on,
// or nil when f waits.
func (m *Machine) read(f *Fibre, fn *code.Func, pc int, in *code.Instr) (*Fibre, error) {
	if f.gen != nil {
		return nil, m.fail(f, fn, pc, "a generator cannot read a channel: it runs on the stack of whoever calls it")
	}
	ch, ok := f.r[int(f.rbase)+int(in.B)].(*Chan)
	if !ok {
		return nil, m.fail(f, fn, pc, "read from an uninitialised channel")
	}
	w := fibreOf(ch.Pop(true))
	if w == nil {
		f.fn, f.pc = fn, int32(pc)
		ch.Push(&f.link, false)
		if m.trace != nil {
			m.traceEvent("%s waits to read", describe(f))
		}
		return nil, nil
	}
	switch in.Op {
	case code.OpReadS:
		f.s[int(f.sbase)+int(in.A)] = w.s[int(w.sbase)+w.waitingAt()]
	case code.OpReadR:
		f.r[int(f.rbase)+int(in.A)] = w.r[int(w.rbase)+w.waitingAt()]
	}
	m.stats.Transfers++
	if m.trace != nil {
		m.traceEvent("%s reads from %s", describe(f), describe(w))
	}
	m.wake(w)
	return f, nil
}

// write runs a write, just before pc in fn, by the running fibre f; it returns the fibre
// to run next (the reader it met, or f itself when that reader belongs to another
// scheduler), or nil when f waits.
func (m *Machine) write(f *Fibre, fn *code.Func, pc int, in *code.Instr) (*Fibre, error) {
	if f.gen != nil {
		return nil, m.fail(f, fn, pc, "a generator cannot write a channel: it runs on the stack of whoever calls it")
	}
	ch, ok := f.r[int(f.rbase)+int(in.B)].(*Chan)
	if !ok {
		return nil, m.fail(f, fn, pc, "write to an uninitialised channel")
	}
	r := fibreOf(ch.Pop(false))
	if r == nil {
		f.fn, f.pc = fn, int32(pc)
		ch.Push(&f.link, true)
		if m.trace != nil {
			m.traceEvent("%s waits to write", describe(f))
		}
		return nil, nil
	}
	switch in.Op {
	case code.OpWriteS:
		r.s[int(r.sbase)+r.waitingAt()] = f.s[int(f.sbase)+int(in.A)]
	case code.OpWriteR:
		r.r[int(r.rbase)+r.waitingAt()] = f.r[int(f.rbase)+int(in.A)]
	}
	m.stats.Transfers++
	if m.trace != nil {
		m.traceEvent("%s writes to %s", describe(f), describe(r))
	}
	if r.sched != m.sched {
		m.wake(r)
		return f, nil
	}
	f.fn, f.pc = fn, int32(pc)
	m.sched.pushFront(f)
	return r, nil
}

// waitingAt returns the register of a fibre waiting on a channel that the value comes
// from or goes to: the A operand of the read or write it waits at, just before its pc.
func (f *Fibre) waitingAt() int { return int(f.fn.Code[f.pc-1].A) }
