package vm

import (
	"math"
	"time"
	"unsafe"

	rio "github.com/felixlet/felixlet/runtime/io"
	"github.com/felixlet/felixlet/runtime/schan"
	"github.com/felixlet/felixlet/vm/code"
)

// Channels: synchronous and buffered, polling, close, acknowledged sends and select. The
// loop hands every channel instruction to read, write or otherChannel, below, with the
// running fibre's position saved. The order of LANGUAGE.md 1.9 and 4.1-4.5, which these
// functions keep:
//
//	synchronous, partner waiting    the value moves; the reader runs, the writer goes to the front
//	buffered, partner waiting       the value moves; the woken fibre goes to the back, the actor carries on
//	nobody to meet, no room         the fibre waits; sync: served last in, first out; buffered: first in, first out
//	close                           waiting writers fail, read_opt readers get None, plain readers
//	                                starve; the woken go to the back in the order they waited
//	an ack completes                its awaiters go where a waiting writer would: the front
//	                                (sync), the back (buffered, or refused by a close)
//	select                          the first arm that can complete now; else waits on all, and
//	                                the arm a partner (or the timer) completes wins
//
// A waiting fibre is held only by the channel (or ack) it waits on, through its waiter: the
// one embedded in it (Fibre.wait) for a plain read, write, close or await, or one per arm
// for a select (selection.arms). An ack pending without a fibre is held by its channel
// through the waiter embedded in it. So a channel nobody can reach takes its waiters, their
// fibres and their acks with it to the collector; and a select that wins withdraws its
// other waits at once, leaving nothing behind.

// Chan is a channel, synchronous or buffered; every end of it is the same *Chan.
type Chan = schan.Chan[wait, item]

// waiter is one wait on a channel or an ack.
type waiter = schan.Waiter[wait]

// wait is what the machine keeps about one wait.
type wait struct {
	f    *Fibre   // the waiting fibre; nil for a send, or an operation from outside, without a fibre
	ack  *Ack     // that send's or operation's ack, which holds its value
	arm  int32    // for a select, which arm this is; -1 for a fibre's own wait
	kind WaitKind // what the fibre waits for, for the counts of waiting fibres
	// Where the fibre's read puts its value, or where the value its write offers is: the
	// kind of register and register A of the fibre's top frame, as the read's or write's
	// instruction says (noted when it waits, so that its partner need not decode it).
	val operand
	a   uint16
}

// item is a value in transit: its scalar or reference part (unit has neither), and the
// ack of the send that made it, or nil.
type item struct {
	s   uint64
	r   Value
	ack *Ack
}

// WaitKind says what a fibre waiting on channels waits for.
type WaitKind uint8

const (
	ToRead       WaitKind = iota // a read or read_opt
	ToWrite                      // a write
	InSelect                     // a select, on each of its arms
	OnAck                        // an await
	ToClose                      // a close, for the buffer to empty
	NumWaitKinds                 // how many kinds there are
)

// String says what a fibre of the kind waits for, as --stats reports it.
func (k WaitKind) String() string {
	return [...]string{"to read", "to write", "in a select", "on an ack", "to close"}[k]
}

// Ack is the acknowledgement of a send: pending while its value waits on the channel (in
// the writers' queue, or in the buffer), then taken by a reader, or refused by a close.
type Ack struct {
	w        waiter            // its wait in the channel's writers' queue, while its value is there
	s        uint64            // the value, while it waits there: its scalar part
	r        Value             // and its reference part
	state    ackState          // pending, taken or refused
	keep     bool              // a read from outside that leaves the ack of a send pending (ReadSends)
	awaiters schan.Queue[wait] // the fibres awaiting it, oldest first
	done     func(ok bool)     // for an operation from outside the machine: told how it ended
	sent     *Ack              // for a read from outside that keeps acks: the ack of the send it took
}

type ackState uint8

const (
	ackPending ackState = iota // the value waits on its channel
	ackTaken                   // a reader took it
	ackRefused                 // the channel closed first
	ackReading                 // it is a read from outside the machine, waiting among the readers
)

// selection is what a fibre keeps for its select: a waiter per arm, each queued on its
// channel while the fibre waits, and the timer of its after arm. It is made at the
// fibre's first select that waits, and used again by the next.
type selection struct {
	pc     int32              // the OpSelect the fibre waits in
	arms   []armWait          // by arm (as many as the largest select the fibre ran)
	timer  *rio.Timer[*Fibre] // the timer of the after arm with the soonest deadline, or nil
	after  int32              // that arm
	failed bool               // a write arm's channel closed while the fibre waited: it fails
}

// armWait is the wait of one arm of a select.
type armWait struct {
	w      waiter // queued on ch
	ch     *Chan  // the channel it waits on; nil once the select is over
	writer bool   // it waits among the writers
}

// maxSlots bounds the capacity of a buffered channel, so that asking for an absurd one is
// an error rather than an exhausted memory.
const maxSlots = 1 << 26

// maxAfter bounds the time of an after arm (in seconds, about 30 years), so that its
// deadline is a time.
const maxAfter = 1e9

// The loop hands each channel instruction, with the running fibre f's position saved
// (f.pc just after the instruction), to read, write or otherChannel. Each returns the
// fibre to run next: f to carry on, nil when f waits, or another fibre, f having gone to
// the front of the active list.

// otherChannel runs the channel instructions other than read and write (and read_opt).
func (m *Machine) otherChannel(f *Fibre, in *code.Instr) (*Fibre, error) {
	switch in.Op {
	case code.OpSelect:
		if f.gen != nil {
			return nil, m.failAt(f, "a generator cannot select: it runs on the stack of whoever calls it")
		}
		return m.selectArm(f, in)
	case code.OpMkBufChan, code.OpCompleted, code.OpAwait:
		return m.nonChannel(f, in)
	}
	S, R := f.s[f.sbase:], f.r[f.rbase:]
	ch, err := m.chanArg(f, in, in.Op != code.OpReadyRead && in.Op != code.OpReadyWrite && in.Op != code.OpIsClosed)
	if err != nil {
		return nil, err
	}
	switch in.Op {
	case code.OpReadyRead:
		S[in.A] = b2u(ch.Len() > 0 || ch.Waiting(true))
	case code.OpReadyWrite:
		S[in.A] = b2u(!ch.Closed() && (ch.Room() || ch.Waiting(false)))
	case code.OpIsClosed:
		S[in.A] = b2u(ch.Closed())
	case code.OpTryRead:
		R[in.A] = nil
		if v, ok := m.receive(f, ch); ok {
			R[in.A] = &Opt{S: v.s, R: v.r}
		}
	case code.OpTryWrite, code.OpTryWriteS, code.OpTryWriteR:
		S[in.C] = 0
		if ch.Closed() {
			return f, nil
		}
		S[in.C] = 1 // set before a rendezvous runs the reader
		next, done := m.offer(f, ch, valueIn(f, in))
		if !done {
			S[in.C] = 0
		}
		return next, nil
	case code.OpSend, code.OpSendS, code.OpSendR:
		return m.send(f, in, ch), nil
	case code.OpClose:
		return m.close(f, ch), nil
	default:
		return nil, m.failAt(f, "internal error: %s is no channel instruction", in.Op)
	}
	return f, nil
}

// nonChannel runs the instructions of the channel family that take no channel: making a
// buffered channel, and asking an ack.
func (m *Machine) nonChannel(f *Fibre, in *code.Instr) (*Fibre, error) {
	S, R := f.s[f.sbase:], f.r[f.rbase:]
	switch in.Op {
	case code.OpMkBufChan:
		switch n := int64(S[in.B]); {
		case n < 1:
			return nil, m.failAt(f, "a buffered channel needs at least 1 slot, not %d", n)
		case n > maxSlots:
			return nil, m.failAt(f, "a buffered channel has at most %d slots, not %d", maxSlots, n)
		}
		if err := m.Reserve(int64(S[in.B])*int64(unsafe.Sizeof(item{})), "a buffered channel's slots"); err != nil {
			return nil, m.refused(f, f.fn, int(f.pc), err)
		}
		ch := schan.New[wait, item](int(S[in.B]))
		R[in.A] = ch
		if m.obs != nil {
			m.emit(f, Event{Kind: EvMakeChan, Fibre: f.id, Chan: m.chanID(ch), Cap: ch.Cap()})
		}
		return f, nil
	case code.OpCompleted:
		a, err := m.ackOf(f, in)
		if err != nil {
			return nil, err
		}
		S[in.A] = b2u(a.state != ackPending)
		return f, nil
	}
	if f.gen != nil {
		return nil, m.failAt(f, "a generator cannot await an ack: it runs on the stack of whoever calls it")
	}
	return m.await(f, in)
}

// chanArg returns the channel in register B of a channel instruction, failing for a
// channel never made and, when the instruction may wait or give way (mayWait), in a
// generator.
func (m *Machine) chanArg(f *Fibre, in *code.Instr, mayWait bool) (*Chan, error) {
	ch, ok := f.r[int(f.rbase)+int(in.B)].(*Chan)
	if !ok || mayWait && f.gen != nil {
		return nil, m.chanFault(f, in, ok)
	}
	return ch, nil
}

// chanFault is the error of chanArg: the channel register holds nothing (not made), or a
// generator would wait on it.
func (m *Machine) chanFault(f *Fibre, in *code.Instr, made bool) error {
	if !made {
		return m.unset(f, f.fn, int(f.pc), int(in.B), "a channel")
	}
	return m.failAt(f, "a generator cannot %s a channel: it runs on the stack of whoever calls it", verbs[in.Op])
}

// verbs say what an instruction does to a channel, for the error about a generator using
// one.
var verbs = map[code.Op]string{
	code.OpRead: "read", code.OpReadS: "read", code.OpReadR: "read", code.OpReadOpt: "read",
	code.OpTryRead: "read", code.OpWrite: "write", code.OpWriteS: "write", code.OpWriteR: "write",
	code.OpTryWrite: "write", code.OpTryWriteS: "write", code.OpTryWriteR: "write",
	code.OpSend: "send to", code.OpSendS: "send to", code.OpSendR: "send to",
	code.OpReadyRead: "poll", code.OpReadyWrite: "poll", code.OpIsClosed: "poll", code.OpClose: "close",
}

// failAt is a runtime error at the instruction just before the saved position of f.
func (m *Machine) failAt(f *Fibre, format string, args ...any) error {
	return m.fail(f, f.fn, int(f.pc), format, args...)
}

// read runs a read or read_opt: the value if there is one now; None from read_opt on a
// channel closed and empty, where a plain read starves; otherwise f waits.
// It is an outOfLine itself, as write is: the commonest channel instructions are called
// without an adapter between.
func (m *Machine) read(f *Fibre, _ *code.Func, _ int, in *code.Instr) (*Fibre, error) {
	ch, ok := f.r[int(f.rbase)+int(in.B)].(*Chan)
	if !ok || f.gen != nil {
		return nil, m.chanFault(f, in, ok)
	}
	if ch.Buffered() || ch.Waiting(true) { // (else receive has nothing to give)
		if v, ok := m.receive(f, ch); ok {
			deliver(f, in, v)
			return f, nil
		}
	}
	if ch.Closed() {
		if in.Op == code.OpReadOpt {
			f.r[int(f.rbase)+int(in.A)] = nil
			return f, nil
		}
		// Nothing will ever come: the fibre waits on nothing, and nothing holds it.
		m.stats.Waiting[ToRead]++
		if m.obs != nil {
			m.emit(f, Event{Kind: EvStarve, Fibre: f.id, Chan: m.chanID(ch)})
		}
		return nil, nil
	}
	ch.Wait(m.own(f, ToRead, ch, in), false)
	return nil, nil
}

// write runs a plain write: to a closed channel it is an error; it completes now if a
// reader waits or the buffer has room, and otherwise f waits.
func (m *Machine) write(f *Fibre, _ *code.Func, _ int, in *code.Instr) (*Fibre, error) {
	ch, ok := f.r[int(f.rbase)+int(in.B)].(*Chan)
	if !ok || f.gen != nil {
		return nil, m.chanFault(f, in, ok)
	}
	if ch.Closed() {
		return nil, m.failAt(f, "write to a closed channel")
	}
	if ch.Buffered() || ch.Waiting(false) { // (else offer has nobody to give to)
		if next, done := m.offer(f, ch, valueIn(f, in)); done {
			return next, nil
		}
	}
	ch.Wait(m.own(f, ToWrite, ch, in), true)
	return nil, nil
}

// own readies f's own waiter for a wait of the given kind on ch (nil for an ack), by the
// instruction in (nil for a wait that moves no value), and counts the wait.
func (m *Machine) own(f *Fibre, kind WaitKind, ch *Chan, in *code.Instr) *waiter {
	f.wait.T.kind = kind
	f.wait.T.val, f.wait.T.a = operandAt(in)
	m.stats.Waiting[kind]++
	if m.obs != nil {
		m.emit(f, Event{Kind: EvWait, Fibre: f.id, Wait: kind, Chan: m.chanID(ch)})
	}
	return &f.wait
}

// receive is the reading half of every operation: take, and a value sent with an ack
// completes it.
func (m *Machine) receive(f *Fibre, ch *Chan) (item, bool) {
	v, ok := m.take(f, ch)
	if ok && v.ack != nil {
		m.complete(v.ack, ackTaken, !ch.Buffered())
	}
	return v, ok
}

// take takes the value a read of ch gets
// now, if there is one. On a buffered channel that is the oldest buffered value, and a
// writer waiting for room puts its value in and goes to the back; on a synchronous one it
// is the value of the most recent waiting writer, which goes to the front (to the back
// for a read from outside the machine, where f is nil). The reader, f, carries on. The
// ack of a value sent with one is left to the caller.
func (m *Machine) take(f *Fibre, ch *Chan) (item, bool) {
	var v item
	if ch.Buffered() {
		var ok bool
		if v, ok = ch.Take(); !ok {
			return v, false
		}
		if m.obs != nil {
			m.emit(f, Event{Kind: EvTake, Fibre: idOf(f), Chan: m.chanID(ch), Len: ch.Len(), Cap: ch.Cap()})
		}
		if w := ch.Next(true); w != nil {
			ch.Put(offered(w))
			if m.obs != nil {
				m.emit(f, m.waiterEvent(EvMakeRoom, f, w, ch))
			}
			m.release(w, false)
		} else if c := ch.Emptied(); c != nil {
			if m.obs != nil {
				m.emit(f, Event{Kind: EvCloseDone, Fibre: idOf(f), Other: c.T.f.id, Chan: m.chanID(ch)})
			}
			m.release(c, false)
		}
	} else {
		w := ch.Next(true)
		if w == nil {
			return v, false
		}
		v = offered(w)
		if m.obs != nil {
			m.emit(f, m.waiterEvent(EvReadFrom, f, w, ch))
		}
		m.release(w, f != nil)
	}
	m.stats.Transfers++
	return v, true
}

// offer is the writing half of every operation: it gives v, which the running fibre f
// writes, to a waiting reader of ch, or puts it in the buffer, if it can now. It returns
// the fibre to run next: after a rendezvous on a synchronous channel the reader, with f at
// the front of the active list; otherwise f, the reader woken to the back. done is false
// when v could go nowhere. For a write from outside the machine f is nil, and a reader
// it meets goes to the back.
func (m *Machine) offer(f *Fibre, ch *Chan, v item) (next *Fibre, done bool) {
	r := ch.Next(false)
	if r == nil {
		if !ch.Put(v) {
			return f, false
		}
		if m.obs != nil {
			m.emit(f, Event{Kind: EvPut, Fibre: idOf(f), Chan: m.chanID(ch), Len: ch.Len(), Cap: ch.Cap()})
		}
		return f, true
	}
	g := r.T.f
	if g != nil {
		deliverTo(g, r.T.val, r.T.a, v)
	}
	m.stats.Transfers++
	if m.obs != nil {
		m.emit(f, m.waiterEvent(EvWriteTo, f, r, ch))
	}
	if v.ack != nil && (g != nil || !r.T.ack.keep) {
		m.complete(v.ack, ackTaken, false) // a fresh ack: nobody awaits it yet
	}
	switch {
	case g == nil:
		m.handOut(r, ch, v)
		return f, true
	case f == nil || ch.Buffered() || g.sched != m.sched:
		m.release(r, f != nil && !ch.Buffered())
		return f, true
	}
	m.unpark(r)
	m.sched.pushFront(f)
	return g, true
}

// offered is the value a waiting writer offers: in its fibre's register, or held by its
// ack for a send that waits without a fibre.
func offered(w *waiter) item {
	if w.T.f == nil {
		a := w.T.ack
		v := item{s: a.s, r: a.r, ack: a}
		a.r = nil // the ack no longer holds the value
		return v
	}
	return valueAt(w.T.f, w.T.val, w.T.a)
}

// operandAt says where the value of a reading or writing instruction is: the kind of
// register and its number. A wait that moves no value (nil) has none.
func operandAt(in *code.Instr) (operand, uint16) {
	if in == nil {
		return inNone, 0
	}
	return operandOf[in.Op], in.A
}

// valueIn reads the value a writing instruction of f names.
func valueIn(f *Fibre, in *code.Instr) item { return valueAt(f, operandOf[in.Op], in.A) }

// valueAt reads the value in register a, of the kind val says, of f's top frame.
func valueAt(f *Fibre, val operand, a uint16) item {
	switch val {
	case inS:
		return item{s: f.s[int(f.sbase)+int(a)]}
	case inR:
		return item{r: f.r[int(f.rbase)+int(a)]}
	}
	return item{}
}

// deliver puts a value read into the register a reading instruction of f names.
func deliver(f *Fibre, in *code.Instr, v item) { deliverTo(f, operandOf[in.Op], in.A, v) }

// deliverTo puts a value read into register a, of the kind val says, of f's top frame.
func deliverTo(f *Fibre, val operand, a uint16, v item) {
	switch val {
	case inS:
		f.s[int(f.sbase)+int(a)] = v.s
	case inR:
		f.r[int(f.rbase)+int(a)] = v.r
	case inOpt:
		f.r[int(f.rbase)+int(a)] = &Opt{S: v.s, R: v.r}
	}
}

// operand says where the value a reading or writing instruction moves is: nowhere (unit),
// in scalar register A, in reference register A, or (a read_opt) in reference register A
// as an option.
type operand uint8

const (
	inNone operand = iota
	inS
	inR
	inOpt
)

// operandOf gives, by opcode, where each reading or writing instruction's value is.
var operandOf = func() (t [256]operand) {
	for _, op := range []code.Op{code.OpReadS, code.OpArmReadS, code.OpWriteS, code.OpTryWriteS, code.OpSendS, code.OpArmWriteS} {
		t[op] = inS
	}
	for _, op := range []code.Op{code.OpReadR, code.OpArmReadR, code.OpWriteR, code.OpTryWriteR, code.OpSendR, code.OpArmWriteR} {
		t[op] = inR
	}
	t[code.OpReadOpt], t[code.OpArmReadOpt] = inOpt, inOpt
	return t
}()

// release wakes the fibre of a waiter a channel has just let go: to the front of its
// scheduler's active list or to the back (a scheduler that has finished abandons it). A
// select's arm wins, and the select's other waits are withdrawn. A send that waits
// without a fibre has nothing to wake.
func (m *Machine) release(w *waiter, front bool) {
	f := w.T.f
	if f == nil {
		return
	}
	m.unpark(w)
	switch {
	case f.sched.done:
		m.stats.Abandoned++
	case front:
		f.sched.pushFront(f)
	default:
		f.sched.pushBack(f)
	}
}

// unpark notes that a waiter's fibre waits no more; for a select's arm, the arm wins.
func (m *Machine) unpark(w *waiter) {
	m.stats.Waiting[w.T.kind]--
	if w.T.arm >= 0 {
		m.win(w.T.f, w.T.arm)
	}
}

// win makes the select f waits in choose arm k: f will run the arm's statements, and the
// select's other waits are withdrawn.
func (m *Machine) win(f *Fibre, k int32) {
	sel := f.sel
	f.pc = f.fn.Code[sel.pc+1+k].K
	for i := range sel.arms {
		if a := &sel.arms[i]; a.ch != nil {
			a.ch.Withdraw(&a.w, a.writer)
			a.ch = nil
		}
	}
	if sel.timer != nil {
		if m.io.timers.Remove(sel.timer) {
			m.io.waiting--
			f.sched.waiting--
		}
		sel.timer = nil
	}
}

// send runs an acknowledged send: as a write that completes now if one can, otherwise
// the value waits on the channel, among the writers, with no fibre. A send to a closed
// channel gives an ack already refused.
func (m *Machine) send(f *Fibre, in *code.Instr, ch *Chan) *Fibre {
	a := &Ack{}
	f.r[int(f.rbase)+int(in.C)] = a // before a rendezvous runs the reader
	if ch.Closed() {
		a.state = ackRefused
		return f
	}
	v := valueIn(f, in)
	v.ack = a
	if next, done := m.offer(f, ch, v); done {
		return next
	}
	a.s, a.r = v.s, v.r
	a.w.T = wait{ack: a, arm: -1}
	ch.Wait(&a.w, true)
	if m.obs != nil {
		m.emit(f, Event{Kind: EvSendWaits, Fibre: f.id, Chan: m.chanID(ch)})
	}
	return f
}

// ackOf returns the ack in the register B of in, an instruction on an ack.
func (m *Machine) ackOf(f *Fibre, in *code.Instr) (*Ack, error) {
	a, ok := f.r[int(f.rbase)+int(in.B)].(*Ack)
	if !ok {
		return nil, m.unset(f, f.fn, int(f.pc), int(in.B), "an ack")
	}
	return a, nil
}

// await gives whether the ack's value was taken, waiting until the ack completes.
func (m *Machine) await(f *Fibre, in *code.Instr) (*Fibre, error) {
	a, err := m.ackOf(f, in)
	if err != nil {
		return nil, err
	}
	if a.state != ackPending {
		f.s[int(f.sbase)+int(in.A)] = b2u(a.state == ackTaken)
		return f, nil
	}
	a.awaiters.Push(m.own(f, OnAck, nil, nil))
	return nil, nil
}

// complete settles an ack, and wakes its awaiters with the result, oldest first: to the
// front of the active list (a synchronous channel's reader took the value, which is where
// a waiting writer would go) or to the back.
func (m *Machine) complete(a *Ack, state ackState, front bool) {
	a.state = state
	for {
		var w *waiter
		if front {
			w = a.awaiters.PopNewest() // the oldest is pushed last, to be first
		} else {
			w = a.awaiters.PopOldest()
		}
		if w == nil {
			break
		}
		f := w.T.f
		f.s[int(f.sbase)+int(f.fn.Code[f.pc-1].A)] = b2u(state == ackTaken)
		m.release(w, front)
	}
	if a.done != nil {
		a.done(state == ackTaken)
	}
}

// close closes ch. Waiting writers fail when they run again (a send without a fibre is
// refused); readers waiting with read_opt get None; plain readers starve, dropped by the
// channel; all in the order they waited, to the back. If values are still buffered, f
// waits until readers have taken them (a close from outside the machine, where f is nil,
// does not wait).
func (m *Machine) close(f *Fibre, ch *Chan) *Fibre {
	if !ch.Close() {
		return f
	}
	if m.obs != nil {
		m.emit(f, Event{Kind: EvClose, Fibre: idOf(f), Chan: m.chanID(ch)})
	}
	for w := ch.Oldest(true); w != nil; w = ch.Oldest(true) {
		g := w.T.f
		if g == nil {
			if m.obs != nil {
				m.emit(f, Event{Kind: EvRefuse, Fibre: idOf(f), Chan: m.chanID(ch)})
			}
			m.complete(w.T.ack, ackRefused, false)
			continue
		}
		if m.obs != nil {
			m.emit(f, m.waiterEvent(EvWriteFails, f, w, ch))
		}
		m.stats.Waiting[w.T.kind]--
		if w.T.arm >= 0 {
			// The select fails when it runs again: it runs its OpSelect, which says why.
			m.win(g, w.T.arm)
			g.sel.failed = true
			g.pc = g.sel.pc
		} else {
			g.pc-- // the write runs again, and fails
		}
		m.wakeBack(g)
	}
	for w := ch.Oldest(false); w != nil; w = ch.Oldest(false) {
		if w.T.f == nil {
			if m.obs != nil {
				m.emit(f, m.waiterEvent(EvReadNothing, f, w, ch))
			}
			w.T.ack.done(false)
			continue
		}
		if w.T.val != inOpt {
			// A plain read starves; a select waits on its other arms.
			if m.obs != nil {
				m.emit(f, m.waiterEvent(EvStarveWaiter, f, w, ch))
			}
			continue
		}
		if m.obs != nil {
			m.emit(f, m.waiterEvent(EvReadNone, f, w, ch))
		}
		g := w.T.f
		g.r[int(g.rbase)+int(w.T.a)] = nil // None
		m.release(w, false)
	}
	if ch.Len() > 0 && f != nil {
		ch.WaitEmpty(m.own(f, ToClose, ch, nil))
		return nil
	}
	return f
}

// wakeBack puts a fibre at the back of its scheduler's active list, unless that scheduler
// has finished, which abandons it.
func (m *Machine) wakeBack(f *Fibre) {
	if f.sched.done {
		m.stats.Abandoned++
		return
	}
	f.sched.pushBack(f)
}

// selectArm runs a select: the first of its arms that can complete now (its statements run
// next), else its else, else it waits on every arm.
func (m *Machine) selectArm(f *Fibre, in *code.Instr) (*Fibre, error) {
	start := f.pc // the first arm
	arms := f.fn.Code[start : start+in.K]
	if sel := f.sel; sel != nil && sel.failed {
		sel.failed = false
		return nil, m.failAt(f, "write to a closed channel")
	}
	S, R := f.s[f.sbase:], f.r[f.rbase:]
	var now, soonest time.Time
	after := int32(-1)
	for k := range arms {
		a := &arms[k]
		if a.Op == code.OpArmAfter {
			d := math.Float64frombits(S[a.A])
			if !(d > 0) {
				return m.chose(f, a, k, start), nil
			}
			if now.IsZero() {
				now = time.Now()
			}
			if when := now.Add(time.Duration(min(d, maxAfter) * float64(time.Second))); after < 0 || when.Before(soonest) {
				after, soonest = int32(k), when
			}
			continue
		}
		ch, ok := R[a.B].(*Chan)
		if !ok {
			return nil, m.failAt(f, "%s", unsetMessage(f.fn, int(start)+k, int(a.B), "a channel"))
		}
		if writeArm(a.Op) {
			switch {
			case ch.Closed():
				return nil, m.failAt(f, "write to a closed channel")
			case ch.Waiting(false) || ch.Room():
				f.pc = a.K // before a rendezvous runs the reader
				next, _ := m.offer(f, ch, valueIn(f, a))
				m.chose(f, a, k, start)
				return next, nil
			}
			continue
		}
		if ch.Len() > 0 || ch.Waiting(true) {
			v, _ := m.receive(f, ch)
			deliver(f, a, v)
			return m.chose(f, a, k, start), nil
		}
		if a.Op == code.OpArmReadOpt && ch.Closed() {
			R[a.A] = nil
			return m.chose(f, a, k, start), nil
		}
	}
	if in.B != 0 {
		f.pc = start + in.K
		if m.obs != nil {
			m.emit(f, Event{Kind: EvSelectElse, Fibre: f.id})
		}
		return f, nil
	}
	sel := f.sel
	if sel == nil {
		sel = &selection{}
		f.sel = sel
	}
	if len(sel.arms) < len(arms) {
		sel.arms = make([]armWait, len(arms))
	}
	sel.pc = start - 1
	channels := 0
	for k := range arms {
		a := &arms[k]
		if a.Op == code.OpArmAfter {
			continue
		}
		ch := R[a.B].(*Chan)
		writer := writeArm(a.Op)
		if !writer && ch.Closed() {
			continue // a read of a closed, drained channel: it never completes
		}
		aw := &sel.arms[k]
		aw.w.T = wait{f: f, arm: int32(k), kind: InSelect}
		aw.w.T.val, aw.w.T.a = operandAt(a)
		aw.ch, aw.writer = ch, writer
		ch.Wait(&aw.w, writer)
		channels++
	}
	if after >= 0 {
		st, err := m.ioState()
		if err != nil {
			return nil, m.failAt(f, "%v", err)
		}
		st.waiting++
		f.sched.waiting++
		sel.timer, sel.after = st.timers.Add(soonest, f), after
	}
	m.stats.Waiting[InSelect]++
	if m.obs != nil {
		m.emit(f, Event{Kind: EvSelectWait, Fibre: f.id, Chans: m.chanIDs(sel.arms), Timer: after >= 0})
	}
	return nil, nil
}

// chose notes that a select chose arm k, at once: f goes on with its statements. The
// select's arms start at pc start.
func (m *Machine) chose(f *Fibre, a *code.Instr, k int, start int32) *Fibre {
	f.pc = a.K
	if m.obs != nil {
		e := Event{Kind: EvSelectArm, Fibre: f.id, Arm: k + 1, pc: start}
		if a.Op != code.OpArmAfter {
			e.Chan = m.chanID(f.r[int(f.rbase)+int(a.B)].(*Chan))
		}
		m.emit(f, e)
	}
	return f
}

// writeArm reports whether an arm writes.
func writeArm(op code.Op) bool {
	return op == code.OpArmWrite || op == code.OpArmWriteS || op == code.OpArmWriteR
}

// timeUp runs when the timer of f's select passes its deadline: the after arm wins.
func (m *Machine) timeUp(f *Fibre) {
	sel := f.sel
	sel.timer = nil // it has left the heap
	m.stats.Waiting[InSelect]--
	m.win(f, sel.after)
	if m.obs != nil {
		m.emit(f, Event{Kind: EvTimeUp, Fibre: f.id, Arm: int(sel.after) + 1, pc: sel.pc + 1})
	}
}

// waiterEvent is an event of the running fibre f (nil: the outside world) about w, which
// waits on ch: its fibre and its select's arm, or no fibre (for a send waiting without one,
// or a read from outside the machine).
func (m *Machine) waiterEvent(kind EventKind, f *Fibre, w *waiter, ch *Chan) Event {
	e := Event{Kind: kind, Fibre: idOf(f), Chan: m.chanID(ch)}
	switch g := w.T.f; {
	case g != nil:
		e.Other = g.id
		e.Arm = int(w.T.arm) + 1
	case w.T.ack.state == ackReading:
		e.OutsideRead = true
	}
	return e
}
