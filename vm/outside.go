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
// operation's callback runs inside whatever completes it (a fibre's read or write, a
// close), and the next operation starts there and then. An operation that has not
// completed can be withdrawn (the Go code waiting for it gave up).
//
// Use it only on the machine's goroutine: in a builtin, or in work handed over with Do.
type Outside struct {
	m        *Machine
	ch       *Chan
	writes   opQueue   // writes not yet started, oldest first
	writing  outsideOp // the write started and not completed, if writeBusy
	writeAck *Ack      // the ack of the write under way: made once, used by each write in turn
	reads    opQueue   // reads not yet started, oldest first
	reading  outsideOp // the read started and not completed, if readBusy
	readAck  *Ack      // the wait of the read under way: made once, used by each read in turn
	made     uint64    // how many operations were made: the last one's number
	// a write (a read) is under way
	writeBusy, readBusy bool
	// startWrites (startReads) is running: a write (read) that completes inside it leaves
	// the next to its loop, and one queued inside it waits for that loop
	startingWrites, startingReads bool
}

// opQueue is the writes or the reads of an Outside not yet started, oldest first: a slice
// consumed from its head, whose array serves again once it is empty.
type opQueue struct {
	ops  []outsideOp // the operations; those before head have started
	head int         // the oldest not yet started
}

// pop takes the oldest operation not yet started, and reports whether there was one.
func (q *opQueue) pop() (outsideOp, bool) {
	if q.head == len(q.ops) {
		return outsideOp{}, false
	}
	op := q.ops[q.head]
	q.ops[q.head] = outsideOp{}
	if q.head++; q.head == len(q.ops) {
		q.ops, q.head = q.ops[:0], 0
	}
	return op, true
}

// remove takes the operation numbered seq out of the queue, and reports whether it was
// there.
func (q *opQueue) remove(seq uint64) bool {
	i := slices.IndexFunc(q.ops[q.head:], func(op outsideOp) bool { return op.seq == seq })
	if i < 0 {
		return false
	}
	q.ops = slices.Delete(q.ops, q.head+i, q.head+i+1)
	return true
}

// outsideOp is a write or a read from outside the machine.
type outsideOp struct {
	seq  uint64                           // its number: the Outside's operations count from 1
	s    uint64                           // a write's value: its scalar part
	r    Value                            // and its reference part
	done func(taken bool)                 // a write's: told how it ended
	got  func(s uint64, r Value, ok bool) // a read's: given the value, or told of the close
	// a read made by ReadSends, instead of got: given the ack of a send too
	sends func(s uint64, r Value, sent *Ack, ok bool)
}

// queue numbers op and queues it on q; it returns op's number.
func (o *Outside) queue(q *opQueue, op outsideOp) uint64 {
	o.made++
	op.seq = o.made
	q.ops = append(q.ops, op)
	return op.seq
}

// Outside makes the outside world's end of ch.
func (m *Machine) Outside(ch *Chan) *Outside { return &Outside{m: m, ch: ch} }

// Write writes a value to the channel, as a send does: to a waiting reader, into the
// buffer, or else it waits among the writers, without a fibre. done runs once a reader has
// taken the value (true), or once a close has refused it (false). Write returns the
// function that withdraws the write, which reports whether it did: it does unless the
// write has completed or its value is in the buffer, and then done never runs.
func (o *Outside) Write(s uint64, r Value, done func(taken bool)) (withdraw func() bool) {
	seq := o.queue(&o.writes, outsideOp{s: s, r: r, done: done})
	o.startWrites()
	return func() bool { return o.withdraw(seq, true) }
}

// Push writes as Write does, for a writer that never withdraws: it costs no allocation
// (a net channel's reader writes each message that arrives so).
func (o *Outside) Push(s uint64, r Value, done func(taken bool)) {
	o.queue(&o.writes, outsideOp{s: s, r: r, done: done})
	o.startWrites()
}

// startWrites starts the oldest write not yet started, unless one is under way, and the
// next each time one completes at once; a closed channel refuses writes at once. A write
// that completes later (a fibre takes its value, a close refuses it) starts the next
// there and then: the reading fibre that took it finds the next value waiting, with no
// round trip through the scheduler.
func (o *Outside) startWrites() {
	if o.startingWrites {
		return
	}
	o.startingWrites = true
	defer func() { o.startingWrites = false }()
	for !o.writeBusy {
		op, ok := o.writes.pop()
		if !ok {
			return
		}
		if o.ch.Closed() {
			op.done(false)
			continue
		}
		o.writing, o.writeBusy = op, true
		m := o.m
		// One write is under way at a time, so one ack serves them all, each once the one
		// before has completed or been withdrawn: a value arriving costs no allocation here.
		if o.writeAck == nil {
			o.writeAck = &Ack{done: o.wrote}
		}
		a := o.writeAck
		a.state, a.sent = ackPending, nil
		if _, delivered := m.offer(nil, o.ch, item{s: op.s, r: op.r, ack: a}); delivered {
			continue // taken (and the next starts), or in the buffer (and it waits)
		}
		a.s, a.r = op.s, op.r
		a.w.T = wait{ack: a, arm: -1}
		o.ch.Wait(&a.w, true)
		if m.obs != nil {
			m.emit(nil, Event{Kind: EvOutsideWaits, Wait: ToWrite, Chan: m.chanID(o.ch)})
		}
	}
}

// wrote reports how the write under way ended, and starts the next.
func (o *Outside) wrote(taken bool) {
	op := o.writing
	o.writing, o.writeBusy = outsideOp{}, false
	op.done(taken)
	o.startWrites()
}

// Read reads a value from the channel: the value there is now, or else it waits among the
// readers, without a fibre. got runs with the value once there is one (ok), or without
// (not ok) once the channel is closed and drained. Read returns the function that
// withdraws the read, which reports whether it did: it does unless the read has
// completed, and then got never runs.
func (o *Outside) Read(got func(s uint64, r Value, ok bool)) (withdraw func() bool) {
	seq := o.queue(&o.reads, outsideOp{got: got})
	o.startReads()
	return func() bool { return o.withdraw(seq, false) }
}

// ReadSends reads as Read does, except that a value sent with an ack (send) does not
// complete it: got receives the ack (nil for a value written without one), which stays
// pending until Settle says how it ended. A net channel's reader uses it to pass the ack
// on to a reader in another process. It is not withdrawn, and costs no allocation.
func (o *Outside) ReadSends(got func(s uint64, r Value, sent *Ack, ok bool)) {
	o.queue(&o.reads, outsideOp{sends: got})
	o.startReads()
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
// finds a value, or a closed and drained channel, completes at once, and the next starts.
// A read that completes later (a fibre writes, a close comes) starts the next there and
// then: the writing fibre finds the next read waiting.
func (o *Outside) startReads() {
	if o.startingReads {
		return
	}
	o.startingReads = true
	defer func() { o.startingReads = false }()
	m := o.m
	for !o.readBusy {
		op, ok := o.reads.pop()
		if !ok {
			return
		}
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
		o.reading, o.readBusy = op, true
		// One read waits at a time, so one ack serves them all, each once the one before
		// has completed or been withdrawn: a value read costs no allocation here.
		if o.readAck == nil {
			o.readAck = &Ack{}
			o.readAck.done = func(ok bool) {
				a := o.readAck
				s, r, sent := a.s, a.r, a.sent
				a.r, a.sent = nil, nil
				if !ok {
					s = 0
				}
				o.read(s, r, sent, ok)
			}
		}
		a := o.readAck
		a.state, a.keep = ackReading, keep
		a.w.T = wait{ack: a, arm: -1}
		o.ch.Wait(&a.w, false)
		if m.obs != nil {
			m.emit(nil, Event{Kind: EvOutsideWaits, Wait: ToRead, Chan: m.chanID(o.ch)})
		}
	}
}

// read hands the read under way its value, and starts the next.
func (o *Outside) read(s uint64, r Value, sent *Ack, ok bool) {
	op := o.reading
	o.reading, o.readBusy = outsideOp{}, false
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

// withdraw withdraws a write or a read (the one numbered seq) that has not completed:
// one not yet started, or the one waiting on the channel (and then the next starts). It
// reports whether it did.
func (o *Outside) withdraw(seq uint64, writer bool) bool {
	queue, current, busy, a, start := &o.reads, &o.reading, &o.readBusy, o.readAck, o.startReads
	if writer {
		queue, current, busy, a, start = &o.writes, &o.writing, &o.writeBusy, o.writeAck, o.startWrites
	}
	if *busy && current.seq == seq {
		if !o.ch.Withdraw(&a.w, writer) {
			return false // it has completed, or its value is buffered
		}
		*current, *busy = outsideOp{}, false
		start()
		return true
	}
	return queue.remove(seq)
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
