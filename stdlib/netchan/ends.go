package netchan

import (
	"fmt"
	"sync"

	"github.com/felixlet/felixlet/runtime/netwire"
	"github.com/felixlet/felixlet/vm"
)

// inEnd is the bridge of a net_in or a net_tap: the reading goroutine decodes each
// message of its subscription and hands it to the machine, which writes it into the
// channel (vm.Outside.Push) for a fibre to take; the reader then answers an acknowledged
// send. Messages reach the machine in batches: the reading goroutine appends to arrived,
// and asks the machine to take them only once it has read every frame at hand, and only
// when arrived was empty: a busy stream wakes the machine once per batch, not per message.
//
// What bounds the messages handed over and not yet taken is felixlet-net's credit: it
// sends netwire.Room messages, then waits until the program has taken some (Credit,
// half of Room at a time), leaving the rest with the NATS client, whose own limits (and
// slow-consumer report, which net_error gives) take over. Nothing here ever waits.
type inEnd struct {
	e    *engine
	nch  *netChan
	ch   *vm.Chan
	end  *vm.Outside
	sid  uint64    // the subscription's number
	made *vm.Error // the error at the net_in that made the channel, for a message that does not decode

	mu      sync.Mutex
	arrived []arrival // handed over, not yet taken by the machine
	spare   []arrival // the slice the machine took last, for the next arrivals
	posted  bool      // the machine has been asked to take arrived
	stopped bool      // the channel was closed: messages are refused, the subscription ends

	writtenQueued func(taken bool) // written for a value sent without an ack, made once
	taking        func()           // take, made once
	writing       int              // on the machine: values written into the channel and not yet taken (or refused)
	taken         uint64           // on the machine: values taken (or refused) and not yet credited
	bad           error            // on the machine: the error for a message that did not decode, kept until writing is 0
}

// arrival is a message decoded: its value, the subject to answer an acknowledged send
// on, or why it does not decode.
type arrival struct {
	s     uint64
	r     vm.Value
	reply string
	err   error
}

// subscribe makes the bridge of a net_in or net_tap and subscribes it: a net_in joins the
// queue group named after its subject, so each value reaches one member in any process.
func (e *engine) subscribe(ch *vm.Chan, nch *netChan) error {
	e.nextID++
	in := &inEnd{e: e, nch: nch, ch: ch, end: e.m.Outside(ch), sid: e.nextID, made: e.m.ErrorHere("")}
	in.writtenQueued = func(taken bool) { in.written("", taken) }
	in.taking = in.take
	queue := ""
	if nch.role == sharing {
		queue = nch.subject
	}
	e.mu.Lock()
	e.ins[in.sid] = in
	e.mu.Unlock()
	// Once the channel is made, the server knows its reader: a program may tell another
	// that it is ready to read.
	if failure := e.sub(in.sid, nch.subject, queue); failure != "" {
		e.mu.Lock()
		delete(e.ins, in.sid)
		e.mu.Unlock()
		return fmt.Errorf("%s", failure)
	}
	return e.m.Feed(ch)
}

// deliver runs on the reading goroutine for each message of the subscription. It
// reports whether the machine must be asked to take what arrived (post).
func (in *inEnd) deliver(reply string, data []byte) bool {
	s, r, err := in.nch.codec.decode(data)
	in.mu.Lock()
	if in.stopped {
		in.mu.Unlock()
		in.answer(reply, false)
		return false
	}
	in.arrived = append(in.arrived, arrival{s: s, r: r, reply: reply, err: err})
	post := !in.posted
	in.posted = true
	in.mu.Unlock()
	return post
}

// post asks the machine to take what arrived.
func (in *inEnd) post() { in.e.m.Do(in.taking) }

// take runs on the machine: it writes what arrived into the channel.
func (in *inEnd) take() {
	in.mu.Lock()
	batch := in.arrived
	clear(in.spare)
	in.arrived, in.spare, in.posted = in.spare[:0], batch, false
	in.mu.Unlock()
	for _, a := range batch {
		if in.bad != nil {
			return // the run ends at the message before: the rest are never read
		}
		if a.err != nil {
			in.bad = in.undecodable(a.err)
			in.failWhenRead()
			continue
		}
		in.writing++
		if a.reply == "" {
			in.end.Push(a.s, a.r, in.writtenQueued)
			continue
		}
		reply := a.reply
		in.end.Push(a.s, a.r, func(taken bool) { in.written(reply, taken) })
	}
}

// failWhenRead ends the run with the error of a message that did not decode once the
// values before it have been taken and a fibre waits to read the next.
func (in *inEnd) failWhenRead() {
	if in.writing == 0 {
		if err := in.e.m.FailOnRead(in.ch, in.bad); err != nil {
			in.e.m.Fail(err)
		}
	}
}

// written runs once a fibre took a value (or a close refused it): the sender of an
// acknowledged send learns which, and felixlet-net gets its credit back half a Room at a
// time. A refusal means the channel was closed: the bridge stops.
func (in *inEnd) written(reply string, taken bool) {
	if in.writing--; in.bad != nil {
		in.failWhenRead()
	}
	if in.taken++; in.taken == netwire.Room/2 {
		in.e.credit(in.sid, in.taken)
		in.taken = 0
	}
	in.answer(reply, taken)
	if !taken {
		in.stop()
	}
}

// stop ends the subscription once the channel is closed: what arrives after is refused.
func (in *inEnd) stop() {
	in.mu.Lock()
	was := in.stopped
	in.stopped = true
	in.mu.Unlock()
	if was {
		return
	}
	in.e.m.Unfeed(in.ch)
	in.e.mu.Lock()
	delete(in.e.ins, in.sid)
	in.e.mu.Unlock()
	in.e.out.Put(func(b *netwire.Builder) { b.Begin(netwire.Unsub); b.Uint(in.sid); b.End() })
}

// answer tells the sender of an acknowledged send whether a reader took the value.
func (in *inEnd) answer(reply string, taken bool) {
	if reply == "" {
		return
	}
	data := answerRefused
	if taken {
		data = answerTaken
	}
	in.e.publish(reply, "", data, 0, 0)
}

// undecodable is the runtime error for a message that does not decode as the reader's
// type, placed at the net_in (or net_tap) that made the channel.
func (in *inEnd) undecodable(err error) error {
	e := *in.made
	what := "a message that is not CBOR"
	if mm, ok := err.(mismatch); ok {
		what = mm.describe()
	}
	e.Msg = fmt.Sprintf("%s on %q does not decode as %s", what, in.nch.subject, in.nch.codec.t.Name)
	return &e
}

// outEnd is the bridge of a net_out: it reads what fibres write to the channel and
// queues it for felixlet-net to publish, one value at a time.
type outEnd struct {
	e       *engine
	nch     *netChan
	end     *vm.Outside
	id      uint64                                            // the channel's number, for a value the helper could not publish
	scratch []byte                                            // the message being encoded
	gotten  func(s uint64, r vm.Value, sent *vm.Ack, ok bool) // got, made once: a read allocates nothing
}

func (e *engine) publisher(ch *vm.Chan, nch *netChan) *outEnd {
	e.nextID++
	e.ids[e.nextID] = nch
	w := &outEnd{e: e, nch: nch, end: e.m.Outside(ch), id: e.nextID}
	w.gotten = w.got
	return w
}

// read waits for the next value a fibre writes.
func (w *outEnd) read() { w.end.ReadSends(w.gotten) }

// got publishes a value a fibre wrote (sent with an ack, or not). Once the channel is
// closed and drained, the bridge stops: what it queued is published in order.
func (w *outEnd) got(s uint64, r vm.Value, sent *vm.Ack, ok bool) {
	if !ok {
		return
	}
	var err error
	if w.scratch, err = w.nch.codec.appendEncode(w.scratch[:0], s, r); err != nil {
		w.nch.failure = fmt.Sprintf("a value written to %q could not be encoded: %v", w.nch.subject, err)
		if sent != nil {
			w.e.m.Settle(sent, false)
		}
		w.read()
		return
	}
	reply, tok := "", uint64(0)
	if sent != nil {
		reply, tok = w.e.expect(sent, w.nch)
	}
	if w.e.publish(w.nch.subject, reply, w.scratch, w.id, tok) {
		w.e.waiting = append(w.e.waiting, w)
		w.e.roomFor.Store(true)
		w.e.m.Hold() // the fibres waiting to write wait for the queue's goroutine
		if w.e.out.Waiting() < queueRoom {
			w.e.m.Do(w.e.published) // it wrote the batch before it could see roomFor
		}
		return
	}
	w.read()
}
