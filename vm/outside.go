package vm

import (
	"slices"

	"github.com/felixlet/felixlet/runtime/schan"
)

// The outside world's side of channels: Go code that is not a fibre (a Go program
// embedding the machine, the client of a net channel) writing to and reading from a
// channel the program uses. Such code runs on other goroutines; it hands its operations
// to the machine's goroutine with Do, and an Outside, there, carries them out. An outside
// operation never blocks the machine: it completes now, or it waits on the channel
// without a fibre and its callback runs (on the machine's goroutine) when it completes. A
// fibre an outside operation releases goes to the back of the active list, as one the
// poller releases does.
//
// The program does not end while the outside world holds it (Hold): a fibre waiting on a
// channel that only the outside world writes would otherwise be starved, and the program
// would end, before the outside world had its say.

// NewChan makes a channel: synchronous with 0 slots, buffered with more.
func NewChan(slots int) *Chan { return schan.New[wait, item](slots) }

// Hold keeps the program from ending until Release: the outside world may still write
// to or read from its channels. Call it on the machine's goroutine (in a builtin, or in
// work handed over with Do), once for each Release.
func (m *Machine) Hold() error {
	st, err := m.ioState()
	if err != nil {
		return err
	}
	st.holds++
	return nil
}

// Release undoes a Hold. Once nothing holds it, the program ends when its fibres have
// nothing left to do.
func (m *Machine) Release() {
	if m.io != nil && m.io.holds > 0 {
		m.io.holds--
	}
}

// Outside is the outside world's end of a channel: Go code's writes to it and reads from
// it, each carried out in the order they were made. One write and one read at a time wait
// on the channel (whose waiting writers a synchronous channel serves last in, first out);
// the others wait here, and the next starts once the one before has completed. An
// operation that has not completed can be withdrawn (the Go code waiting for it gave up).
//
// Use it only on the machine's goroutine: in a builtin, or in work handed over with Do.
type Outside struct {
	m        *Machine
	ch       *Chan
	writes   []*outsideOp // writes not yet started, oldest first
	writing  *outsideOp   // the write started and not completed, or nil
	writeAck *Ack         // the ack of the write under way: made once, used by each write in turn
	taken    bool         // how the write under way ended, once writeAck has completed
	ended    func()       // reports that the write under way ended (made once, for later)
	reads    []*outsideOp // reads not yet started, oldest first
	reading  *outsideOp   // the read started and not completed, or nil
}

// outsideOp is a write or a read from outside the machine.
type outsideOp struct {
	s    uint64                           // a write's value: its scalar part
	r    Value                            // and its reference part
	done func(taken bool)                 // a write's: told how it ended
	got  func(s uint64, r Value, ok bool) // a read's: given the value, or told of the close
	// a read made by ReadSends, instead of got: given the ack of a send too
	sends func(s uint64, r Value, sent *Ack, ok bool)
	ack   *Ack // once it has started: its wait on the channel
}

// Outside makes the outside world's end of ch.
func (m *Machine) Outside(ch *Chan) *Outside { return &Outside{m: m, ch: ch} }

// Write writes a value to the channel, as a send does: to a waiting reader, into the
// buffer, or else it waits among the writers, without a fibre. done runs once a reader has
// taken the value (true), or once a close has refused it (false). Write returns the
// function that withdraws the write, which reports whether it did: it does unless the
// write has completed or its value is in the buffer, and then done never runs.
func (o *Outside) Write(s uint64, r Value, done func(taken bool)) (withdraw func() bool) {
	op := &outsideOp{s: s, r: r, done: done}
	o.writes = append(o.writes, op)
	o.startWrites()
	return func() bool { return o.withdraw(op, true) }
}

// startWrites starts the oldest write not yet started, unless one is under way; a closed
// channel refuses writes at once.
func (o *Outside) startWrites() {
	for o.writing == nil && len(o.writes) > 0 {
		op := o.writes[0]
		o.writes[0] = nil
		o.writes = o.writes[1:]
		if o.ch.Closed() {
			op.done(false)
			continue
		}
		o.writing = op
		m := o.m
		// One write is under way at a time, so one ack serves them all, each once the one
		// before has completed or been withdrawn: a value arriving costs no allocation here.
		if o.writeAck == nil {
			o.writeAck = &Ack{done: func(taken bool) {
				o.taken = taken
				m.later(o.ended)
			}}
			o.ended = func() { o.wrote(o.writing, o.taken) }
		}
		op.ack = o.writeAck
		op.ack.state, op.ack.sent = ackPending, nil
		if _, delivered := m.offer(nil, o.ch, item{s: op.s, r: op.r, ack: op.ack}); delivered {
			return
		}
		a := op.ack
		a.s, a.r = op.s, op.r
		a.w.T = wait{ack: a, arm: -1}
		o.ch.Wait(&a.w, true)
		if m.obs != nil {
			m.emit(nil, Event{Kind: EvOutsideWaits, Wait: ToWrite, Chan: m.chanID(o.ch)})
		}
	}
}

// wrote reports how a write ended, and starts the next.
func (o *Outside) wrote(op *outsideOp, taken bool) {
	o.writing = nil
	op.done(taken)
	o.startWrites()
}

// Read reads a value from the channel: the value there is now, or else it waits among the
// readers, without a fibre. got runs with the value once there is one (ok), or without
// (not ok) once the channel is closed and drained. Read returns the function that
// withdraws the read, which reports whether it did: it does unless the read has
// completed, and then got never runs.
func (o *Outside) Read(got func(s uint64, r Value, ok bool)) (withdraw func() bool) {
	return o.startRead(&outsideOp{got: got})
}

// ReadSends reads as Read does, except that a value sent with an ack (send) does not
// complete it: got receives the ack (nil for a value written without one), which stays
// pending until Settle says how it ended. A net channel's reader uses it to pass the ack
// on to a reader in another process.
func (o *Outside) ReadSends(got func(s uint64, r Value, sent *Ack, ok bool)) (withdraw func() bool) {
	return o.startRead(&outsideOp{sends: got})
}

// startRead queues a read, starts it if none is under way, and returns its withdraw.
func (o *Outside) startRead(op *outsideOp) (withdraw func() bool) {
	o.reads = append(o.reads, op)
	o.startReads()
	return func() bool { return o.withdraw(op, false) }
}

// Settle completes an ack that a read made with ReadSends left pending: taken says
// whether a reader took the value. Fibres awaiting it go to the back of the active list.
// Settle each ack once: an Outside uses its writes' ack again once it has completed.
func (m *Machine) Settle(a *Ack, taken bool) {
	if a.state != ackPending {
		return
	}
	state := ackRefused
	if taken {
		state = ackTaken
	}
	m.complete(a, state, false)
}

// startReads starts the oldest read not yet started, unless one is under way; a read that
// finds a value, or a closed and drained channel, completes at once.
func (o *Outside) startReads() {
	m := o.m
	for o.reading == nil && len(o.reads) > 0 {
		op := o.reads[0]
		o.reads[0] = nil
		o.reads = o.reads[1:]
		keep := op.sends != nil
		if v, ok := m.take(nil, o.ch); ok {
			if v.ack != nil && !keep {
				m.complete(v.ack, ackTaken, !o.ch.Buffered())
				v.ack = nil
			}
			op.give(v.s, v.r, v.ack, true)
			continue
		}
		if o.ch.Closed() {
			op.give(0, nil, nil, false)
			continue
		}
		o.reading = op
		a := &Ack{state: ackReading, keep: keep}
		a.done = func(ok bool) {
			s, r, sent := a.s, a.r, a.sent
			a.r, a.sent = nil, nil
			m.later(func() { o.read(op, s, r, sent, ok) })
		}
		op.ack = a
		a.w.T = wait{ack: a, arm: -1}
		o.ch.Wait(&a.w, false)
		if m.obs != nil {
			m.emit(nil, Event{Kind: EvOutsideWaits, Wait: ToRead, Chan: m.chanID(o.ch)})
		}
	}
}

// read hands a read its value, and starts the next.
func (o *Outside) read(op *outsideOp, s uint64, r Value, sent *Ack, ok bool) {
	o.reading = nil
	op.give(s, r, sent, ok)
	o.startReads()
}

// give hands a read its value (and, to one made by ReadSends, the ack of the send it took).
func (op *outsideOp) give(s uint64, r Value, sent *Ack, ok bool) {
	if op.sends != nil {
		op.sends(s, r, sent, ok)
	} else {
		op.got(s, r, ok)
	}
}

// withdraw withdraws a write or a read that has not completed: one not yet started, or
// the one waiting on the channel (and then the next starts). It reports whether it did.
func (o *Outside) withdraw(op *outsideOp, writer bool) bool {
	queue, current, start := &o.reads, &o.reading, o.startReads
	if writer {
		queue, current, start = &o.writes, &o.writing, o.startWrites
	}
	if *current == op {
		if !o.ch.Withdraw(&op.ack.w, writer) {
			return false // it has completed (its callback is on its way), or its value is buffered
		}
		*current = nil
		start()
		return true
	}
	if i := slices.Index(*queue, op); i >= 0 {
		*queue = slices.Delete(*queue, i, i+1)
		return true
	}
	return false
}

// Close closes the channel, as a fibre's close does: waiting writers fail (or, from
// outside the machine, are refused), readers waiting with read_opt get None, and plain
// readers starve. Values still buffered stay for readers to take; nothing waits for them.
func (o *Outside) Close() { o.m.close(nil, o.ch) }

// handOut gives v to a read from outside the machine that waited on ch (w): it
// completes.
func (m *Machine) handOut(w *waiter, ch *Chan, v item) {
	a := w.T.ack
	a.s, a.r, a.state = v.s, v.r, ackTaken
	if a.keep {
		a.sent = v.ack
	}
	if m.obs != nil {
		m.emit(nil, Event{Kind: EvOutsideTakes, Chan: m.chanID(ch)})
	}
	a.done(true)
}
