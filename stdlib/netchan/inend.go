package netchan

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/felixlet/felixlet/vm"
	"github.com/nats-io/nats.go"
)

// inEnd is the bridge of a net_in or a net_tap: the client's goroutine for its
// subscription decodes each message that arrives and hands it to the machine, which
// writes it into the channel (vm.Outside.Write) for a fibre to take; the reader then
// answers an acknowledged send. Messages reach the machine in batches: the client's
// goroutine appends to arrived and asks the machine to take them only when arrived was
// empty, so a busy stream wakes the machine once per batch, not per message.
//
// What bounds the values handed to the machine and not yet taken is held: once inRoom
// values are held, the client's goroutine waits until the program has taken half of them
// (so that the two take turns by the batch, not by the value), and a slow program leaves
// the rest with the client, whose own limits (and slow-consumer report, which net_error
// gives) take over. The machine never waits for the client.
type inEnd struct {
	e       *engine
	nch     *netChan
	ch      *vm.Chan
	end     *vm.Outside
	sub     *nats.Subscription
	made    *vm.Error     // the error at the net_in that made the channel, for a message that does not decode
	held    atomic.Int32  // values handed to the machine and not yet taken by a fibre (or refused)
	room    chan struct{} // tells the client's goroutine that held has fallen to half of inRoom
	stopped atomic.Bool   // the channel was closed: messages are refused, the subscription ends

	mu      sync.Mutex
	arrived []arrival // handed over, not yet taken by the machine
	spare   []arrival // the slice the machine took last, for the next arrivals
	posted  bool      // the machine has been asked to take arrived

	writtenQueued func(taken bool) // written for a value sent without an ack, made once
	writing       int              // on the machine: values written into the channel and not yet taken (or refused)
	bad           error            // on the machine: the error for a message that did not decode, kept until writing is 0
}

// inRoom is how many values a reader hands to the machine before they are taken.
const inRoom = 1024

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
	in := &inEnd{e: e, nch: nch, ch: ch, end: e.m.Outside(ch), made: e.m.ErrorHere(""),
		room: make(chan struct{}, 1)}
	in.writtenQueued = func(taken bool) { in.written("", taken) }
	var err error
	if nch.role == sharing {
		in.sub, err = e.nc.QueueSubscribe(nch.subject, nch.subject, in.deliver)
	} else {
		in.sub, err = e.nc.Subscribe(nch.subject, in.deliver)
	}
	if err != nil {
		return err
	}
	// Once the channel is made, the server knows its reader: a program may tell another
	// that it is ready to read. (While the connection is down this waits a while, then
	// goes on: the subscription is sent when it is back.)
	e.nc.FlushTimeout(subscribeWithin)
	e.subs[in.sub] = nch
	return e.m.Feed(ch)
}

// subscribeWithin bounds how long making a reader waits for the server to know it.
const subscribeWithin = 2 * time.Second

// deliver runs on the client's goroutine for each message on the subject.
func (in *inEnd) deliver(msg *nats.Msg) {
	if in.stopped.Load() {
		in.answer(msg.Reply, false)
		return
	}
	for in.held.Load() >= inRoom {
		select {
		case <-in.room:
		case <-in.e.quit:
			return
		}
	}
	in.held.Add(1)
	s, r, err := in.nch.codec.decode(msg.Data)
	in.mu.Lock()
	in.arrived = append(in.arrived, arrival{s: s, r: r, reply: msg.Reply, err: err})
	post := !in.posted
	in.posted = true
	in.mu.Unlock()
	if post {
		in.e.m.Do(in.take)
	}
}

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
// acknowledged send learns which. A refusal means the channel was closed: the bridge
// stops.
func (in *inEnd) written(reply string, taken bool) {
	if in.writing--; in.bad != nil {
		in.failWhenRead()
	}
	if in.held.Add(-1) == inRoom/2 {
		select {
		case in.room <- struct{}{}:
		default: // told already
		}
	}
	in.answer(reply, taken)
	if !taken && !in.stopped.Swap(true) {
		in.e.m.Unfeed(in.ch)
		sub := in.sub
		in.e.out.push(outMsg{op: func() { sub.Unsubscribe() }})
	}
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
	in.e.out.push(outMsg{subject: reply, data: data})
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
