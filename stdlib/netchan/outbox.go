package netchan

import (
	"fmt"
	"sync"
	"time"

	"github.com/felixlet/felixlet/vm"
)

// outbox is what the machine has given the engine to publish: messages (and the
// unsubscriptions of readers, which go out in order with them), taken by a publisher
// goroutine that hands them to the NATS client. The client may block a while when its
// buffer is full and the server slow to read; the machine never waits for it. What
// bounds the outbox is the machine's side: once it holds outboxRoom messages, the
// net_out bridges stop taking values from fibres (which then wait to write, as on a full
// buffered channel) until the publisher has caught up.
type outbox struct {
	e        *engine
	mu       sync.Mutex
	queue    []outMsg      // what waits to be published, oldest first
	ending   bool          // the program has ended: publish what is left, then stop
	wake     chan struct{} // tells the publisher that queue is no longer empty
	finished chan struct{} // closed when the publisher has stopped
}

// outboxRoom is how many messages the outbox holds before net_out bridges wait.
const outboxRoom = 4096

// outMsg is one thing to publish, or (op) to do, in order.
type outMsg struct {
	subject string
	reply   string   // the subject the reader answers on, for an acknowledged send
	tok     uint64   // that send's token
	data    []byte   // the encoded value, or an answer
	from    *netChan // the net channel publishing it, told if that fails
	op      func()   // instead of a message: something to do with the client, in order
}

func startOutbox(e *engine) *outbox {
	o := &outbox{e: e, wake: make(chan struct{}, 1), finished: make(chan struct{})}
	go o.run()
	return o
}

// push queues a message from any goroutine, and reports whether the outbox is now full.
func (o *outbox) push(msg outMsg) (full bool) {
	o.mu.Lock()
	o.queue = append(o.queue, msg)
	n := len(o.queue)
	o.mu.Unlock()
	if n == 1 {
		o.signal()
	}
	return n >= outboxRoom
}

// full reports whether the outbox holds outboxRoom messages or more.
func (o *outbox) full() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queue) >= outboxRoom
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default: // the publisher has been told already
	}
}

// run is the publisher goroutine: it publishes what is queued, a batch at a time, and
// after each batch tells the machine, which lets waiting net_out bridges go on.
func (o *outbox) run() {
	defer close(o.finished)
	var batch []outMsg
	for {
		o.mu.Lock()
		for len(o.queue) == 0 && !o.ending {
			o.mu.Unlock()
			<-o.wake
			o.mu.Lock()
		}
		if len(o.queue) == 0 {
			o.mu.Unlock()
			return
		}
		batch, o.queue = o.queue, batch[:0]
		o.mu.Unlock()
		for i := range batch {
			o.publish(&batch[i])
			batch[i] = outMsg{}
		}
		o.e.m.Do(o.e.published)
	}
}

// publish hands one message to the client; a failure is the net channel's.
func (o *outbox) publish(msg *outMsg) {
	if msg.op != nil {
		msg.op()
		return
	}
	nc := o.e.nc
	var err error
	if msg.reply != "" {
		err = nc.PublishRequest(msg.subject, msg.reply, msg.data)
	} else {
		err = nc.Publish(msg.subject, msg.data)
	}
	if err != nil && msg.from != nil {
		from, tok := msg.from, msg.tok
		failure := fmt.Sprintf("a value written to %q was lost: %v", from.subject, err)
		o.e.m.Do(func() {
			from.failure = failure
			if tok != 0 {
				o.e.settle(tok, false, failure)
			}
		})
	}
}

// finish publishes what is left and stops the publisher, waiting at most flushWithin.
func (o *outbox) finish() {
	o.mu.Lock()
	o.ending = true
	o.mu.Unlock()
	o.signal()
	select {
	case <-o.finished:
	case <-time.After(flushWithin):
	}
}

// published runs on the machine after the publisher has emptied a batch: bridges waiting
// for room go on.
func (e *engine) published() {
	for len(e.waiting) > 0 && !e.out.full() {
		w := e.waiting[0]
		e.waiting = e.waiting[1:]
		e.m.Release()
		w.read()
	}
}

// outEnd is the bridge of a net_out: it reads what fibres write to the channel and
// queues it for publishing, one value at a time.
type outEnd struct {
	e   *engine
	nch *netChan
	end *vm.Outside
}

func (e *engine) publisher(ch *vm.Chan, nch *netChan) *outEnd {
	return &outEnd{e: e, nch: nch, end: e.m.Outside(ch)}
}

// read waits for the next value a fibre writes.
func (w *outEnd) read() { w.end.ReadSends(w.got) }

// got publishes a value a fibre wrote (sent with an ack, or not). Once the channel is
// closed and drained, the bridge stops: what it queued is published in order.
func (w *outEnd) got(s uint64, r vm.Value, sent *vm.Ack, ok bool) {
	if !ok {
		return
	}
	msg := outMsg{subject: w.nch.subject, from: w.nch}
	var err error
	if msg.data, err = w.nch.codec.encode(s, r); err != nil {
		w.nch.failure = fmt.Sprintf("a value written to %q could not be encoded: %v", w.nch.subject, err)
		if sent != nil {
			w.e.m.Settle(sent, false)
		}
		w.read()
		return
	}
	if sent != nil {
		msg.reply, msg.tok = w.e.expect(sent, w.nch)
	}
	if w.e.out.push(msg) {
		w.e.waiting = append(w.e.waiting, w)
		w.e.m.Hold() // the fibres waiting to write wait for the publisher
		return
	}
	w.read()
}
