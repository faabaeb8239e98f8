package vm

import "github.com/felixlet/felixlet/runtime/schan"

// The outside world's side of channels: Go code that is not a fibre (a Go program
// embedding the machine, the client of a net channel) writing to and reading from a
// channel the program uses. Such code runs on other goroutines; it hands its operations
// to the machine's goroutine with Do, and an Outside, there, carries them out. An outside
// operation never blocks the machine: it completes now, or it waits on the channel
// without a fibre and its callback runs (on the machine's goroutine) when it completes. A fibre an outside operation releases goes to the back of the active list,
// as one the poller releases does.
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
// the others wait here, and the next starts once the one before has completed.
//
// Use it only on the machine's goroutine: in a builtin, or in work handed over with Do.
type Outside struct {
	m       *Machine
	ch      *Chan
	writes  []outsideWrite // writes not yet started, oldest first
	writing bool           // a write has started and not completed
	cur     outsideWrite   // the write that has started, while writing
	ack     *Ack           // its ack, made once and used again by each write that waits
	taken   bool           // how it ended, once its ack has completed
	ended   func()         // o.wroteCur, made once: what the ack's completion hands to later
	reads   []outsideRead  // reads not yet started, oldest first
	reading bool           // a read has started and not completed
}

// outsideWrite is a write from outside the machine: the value (its scalar part s, its
// reference part r) and who to tell how it ended.
type outsideWrite struct {
	s    uint64
	r    Value
	done func(taken bool)
}

// Outside makes the outside world's end of ch.
func (m *Machine) Outside(ch *Chan) *Outside { return &Outside{m: m, ch: ch} }

// Write writes a value to the channel, as a send does: to a waiting reader, into the
// buffer, or else it waits among the writers, without a fibre. done runs once a reader has
// taken the value (true), or once a close has refused it (false).
func (o *Outside) Write(s uint64, r Value, done func(taken bool)) {
	o.writes = append(o.writes, outsideWrite{s, r, done})
	if !o.writing {
		o.startWrite()
	}
}

// startWrite starts the oldest write not yet started.
func (o *Outside) startWrite() {
	w := o.writes[0]
	o.writes[0] = outsideWrite{}
	o.writes = o.writes[1:]
	if o.ch.Closed() {
		o.wrote(w.done, false)
		return
	}
	o.writing = true
	m := o.m
	// Only one write is under way at a time, so one ack serves them all, each after the
	// one before has completed.
	if o.ack == nil {
		o.ended = o.wroteCur
		o.ack = &Ack{}
		o.ack.done = func(taken bool) {
			o.taken = taken
			m.later(o.ended)
		}
	}
	a := o.ack
	o.cur = w
	a.state, a.sent = ackPending, nil
	if _, delivered := m.offer(nil, o.ch, item{s: w.s, r: w.r, ack: a}); delivered {
		return
	}
	a.s, a.r = w.s, w.r
	a.w.T = wait{ack: a, arm: -1}
	o.ch.Wait(&a.w, true)
	if m.trace != nil {
		m.traceEvent("a write from outside the machine waits")
	}
}

// wroteCur reports how the write that waited ended, and starts the next.
func (o *Outside) wroteCur() {
	done := o.cur.done
	o.cur = outsideWrite{}
	o.wrote(done, o.taken)
}

// wrote reports how a write ended, and starts the next.
func (o *Outside) wrote(done func(bool), taken bool) {
	o.writing = false
	done(taken)
	if len(o.writes) > 0 && !o.writing {
		o.startWrite()
	}
}

// Read reads a value from the channel: the value there is now, or else it waits among the
// readers, without a fibre. got runs with the value once there is one (ok), or without
// (not ok) once the channel is closed and drained.
func (o *Outside) Read(got func(s uint64, r Value, ok bool)) {
	o.read(outsideRead{plain: got})
}

// ReadSends reads as Read does, except that a value sent with an ack (send) does not
// complete it: got receives the ack (nil for a value written without one), which stays
// pending until Settle says how it ended. A net channel's reader uses it to pass the ack
// on to a reader in another process.
func (o *Outside) ReadSends(got func(s uint64, r Value, sent *Ack, ok bool)) {
	o.read(outsideRead{sends: got})
}

// Settle completes an ack that a read made with ReadSends left pending: taken says
// whether a reader took the value. Fibres awaiting it go to the back of the active list.
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

// outsideRead is a read from outside the machine: who to give the value to, made by Read
// (plain) or by ReadSends (sends).
type outsideRead struct {
	plain func(s uint64, r Value, ok bool)
	sends func(s uint64, r Value, sent *Ack, ok bool)
}

// read queues a read, and starts it if none waits.
func (o *Outside) read(rd outsideRead) {
	o.reads = append(o.reads, rd)
	if !o.reading {
		o.startRead()
	}
}

// startRead starts the oldest read not yet started.
func (o *Outside) startRead() {
	rd := o.reads[0]
	o.reads[0] = outsideRead{}
	o.reads = o.reads[1:]
	m := o.m
	keep := rd.sends != nil
	if v, ok := m.take(nil, o.ch); ok {
		if v.ack != nil && !keep {
			m.complete(v.ack, ackTaken, !o.ch.Buffered())
			v.ack = nil
		}
		o.readDone(rd, v, true)
		return
	}
	if o.ch.Closed() {
		o.readDone(rd, item{}, false)
		return
	}
	o.reading = true
	a := &Ack{state: ackReading, keep: keep}
	a.done = func(ok bool) {
		v := item{s: a.s, r: a.r, ack: a.sent}
		a.r, a.sent = nil, nil
		m.later(func() { o.readDone(rd, v, ok) })
	}
	a.w.T = wait{ack: a, arm: -1}
	o.ch.Wait(&a.w, false)
	if m.trace != nil {
		m.traceEvent("a read from outside the machine waits")
	}
}

// readDone hands a read its value, and starts the next.
func (o *Outside) readDone(rd outsideRead, v item, ok bool) {
	o.reading = false
	if rd.sends != nil {
		rd.sends(v.s, v.r, v.ack, ok)
	} else {
		rd.plain(v.s, v.r, ok)
	}
	if len(o.reads) > 0 && !o.reading {
		o.startRead()
	}
}

// handOut gives v to a read from outside the machine that waited on a channel (w): it
// completes.
func (m *Machine) handOut(w *waiter, v item) {
	a := w.T.ack
	a.s, a.r, a.state = v.s, v.r, ackTaken
	if a.keep {
		a.sent = v.ack
	}
	if m.trace != nil {
		m.traceEvent("a read from outside the machine takes a value")
	}
	a.done(true)
}
