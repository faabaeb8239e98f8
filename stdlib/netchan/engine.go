package netchan

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/felixlet/felixlet/runtime/netwire"
	"github.com/felixlet/felixlet/vm"
)

// engine is a machine's link to felixlet-net and what rides on it. Its fields are the
// machine goroutine's, but for those the comments give to the link's goroutines.
type engine struct {
	m       *vm.Machine
	helper  *helper                // the felixlet-net that carries the link
	out     *netwire.Queue         // frames to the helper, which takes them a batch at a time
	chans   map[*vm.Chan]*netChan  // the net channels, for net_error
	ids     map[uint64]*netChan    // the net channels by number, for a Pub the helper refused
	acks    map[uint64]*pendingAck // acknowledged sends awaiting their reader's answer, by token
	nextTok uint64                 // the last token given to an acknowledged send
	nextID  uint64                 // the last number given to a net channel or subscription
	replies string                 // the subject prefix of the answers to acknowledged sends
	waiting []*outEnd              // net_out bridges waiting for room in the queue
	roomFor atomic.Bool            // waiting is not empty: the queue's goroutine tells the machine after each batch

	mu  sync.Mutex        // guards ins, which the reading goroutine reads
	ins map[uint64]*inEnd // the readers' subscriptions, by number

	answered uint64 // on the reading goroutine: answers read and not yet credited

	subbed chan subbed   // the helper's answers to subscriptions, from the reading goroutine
	closed chan struct{} // closed by the reading goroutine when the link has ended
	quit   chan struct{} // closed when the program ends
}

// subbed is the helper's answer to a subscription: "" when the server knows it.
type subbed struct {
	sid     uint64
	failure string
}

// answersSID is the subscription of the answers to acknowledged sends.
const answersSID = 1

// engineKey keys the engine among the machine's library state.
type engineKey struct{}

// engineSlot holds a machine's engine once its first net channel made it.
type engineSlot struct{ e *engine }

// runningEngine returns the machine's engine, or nil if no net channel was made.
func runningEngine(m *vm.Machine) *engine {
	return m.Library(engineKey{}, func() any { return &engineSlot{} }).(*engineSlot).e
}

// engineOf returns the machine's engine, connecting it first if need be. Connecting makes
// the whole machine wait, once, as a host name lookup does.
func engineOf(m *vm.Machine) (*engine, error) {
	slot := m.Library(engineKey{}, func() any { return &engineSlot{} }).(*engineSlot)
	if slot.e != nil {
		return slot.e, nil
	}
	servers := *m.Library(configKey{}, func() any { return new(string) }).(*string)
	// Make the machine's poller now, which the link's goroutines wake: so the engine's
	// later Holds cannot fail.
	if err := m.Hold(); err != nil {
		return nil, err
	}
	m.Release()
	e, err := connect(m, servers)
	if err != nil {
		return nil, err
	}
	slot.e = e
	m.AtExit(e.close)
	return e, nil
}

// connect starts felixlet-net and connects it to the servers named (or "" for one it
// starts), then starts the goroutines that write and read the link.
func connect(m *vm.Machine, servers string) (*engine, error) {
	e := &engine{m: m, out: netwire.NewQueue(),
		chans: map[*vm.Chan]*netChan{}, ids: map[uint64]*netChan{}, acks: map[uint64]*pendingAck{},
		nextID: answersSID, ins: map[uint64]*inEnd{},
		subbed: make(chan subbed, 1), closed: make(chan struct{}), quit: make(chan struct{})}
	e.out.Put(func(b *netwire.Builder) { b.Begin(netwire.Connect); b.String(servers); b.End() })
	h, err := startHelper(e.out, e.written, func(err error) { m.Do(func() { e.broke(err) }) })
	if err != nil {
		return nil, err
	}
	e.helper = h
	rd := netwire.NewReader(h.out)
	op, err := rd.Next()
	switch {
	case err == nil && op == netwire.Ready:
		e.replies = rd.String() + "."
	case err == nil && op == netwire.Failed:
		err = fmt.Errorf("%s", rd.String())
	case err == nil:
		err = netwire.ErrBadFrame
	default:
		err = h.failure(err)
	}
	if err == nil {
		err = rd.Err()
	}
	if err != nil {
		e.out.Finish()
		h.stop()
		return nil, err
	}
	go e.read(rd)
	if failure := e.sub(answersSID, e.replies+"*", ""); failure != "" {
		e.close()
		return nil, fmt.Errorf("net: %s", failure)
	}
	return e, nil
}

// sub subscribes and waits for the helper to say that the server knows it (or that the
// connection is down, after a while); it returns why not, or "".
func (e *engine) sub(sid uint64, subject, queue string) string {
	e.out.Put(func(b *netwire.Builder) {
		b.Begin(netwire.Sub)
		b.Uint(sid)
		b.String(subject)
		b.String(queue)
		b.End()
	})
	for {
		select {
		case a := <-e.subbed:
			if a.sid == sid {
				return a.failure
			}
		case <-e.closed:
			return "the felixlet-net process ended"
		}
	}
}

// read is the goroutine that reads the helper's frames until the link ends. What
// arrives for readers is handed to the machine once the frames at hand are read.
func (e *engine) read(rd *netwire.Reader) {
	defer close(e.closed)
	var arrived []*inEnd // the readers that have messages for the machine to take
	for {
		if rd.Buffered() == 0 {
			for _, in := range arrived {
				in.post()
			}
			clear(arrived)
			arrived = arrived[:0]
		}
		op, err := rd.Next()
		if err != nil {
			if err = e.helper.failure(err); err != nil {
				e.m.Do(func() { e.broke(err) })
			}
			return
		}
		switch op {
		case netwire.Msg:
			sid, subject, reply, data, flags := rd.Uint(), rd.Bytes(), rd.String(), rd.Bytes(), rd.Uint()
			if rd.Err() != nil {
				break
			}
			if sid == answersSID {
				e.answer(subject, data, flags)
				break
			}
			e.mu.Lock()
			in := e.ins[sid]
			e.mu.Unlock()
			if in != nil && in.deliver(reply, data) {
				arrived = append(arrived, in)
			}
		case netwire.Subbed:
			e.subbed <- subbed{sid: rd.Uint(), failure: rd.String()}
		case netwire.PubFailed:
			id, tok, failure := rd.Uint(), rd.Uint(), rd.String()
			e.m.Do(func() { e.pubFailed(id, tok, failure) })
		case netwire.Lost:
			failure := fmt.Sprintf("the connection to the NATS server was lost (%s); reconnecting", rd.String())
			e.m.Do(func() { e.failAll(failure) })
		case netwire.ClientError:
			sid, slow, failure := rd.Uint(), rd.Uint() == 1, rd.String()
			e.m.Do(func() { e.clientError(sid, slow, failure) })
		case netwire.Closed:
			return
		default:
			// An operation this side does not know: the helper is not felixlet's.
			e.m.Do(func() { e.broke(netwire.ErrBadFrame) })
			return
		}
		if err := rd.Err(); err != nil {
			e.m.Do(func() { e.broke(err) })
			return
		}
	}
}

// close ends the engine when the program ends: what is queued goes to the helper, which
// publishes it and makes sure the server has it before it says Closed and ends.
func (e *engine) close() {
	close(e.quit)
	e.out.Put(func(b *netwire.Builder) { b.Begin(netwire.Close); b.End() })
	e.out.Finish()
	select {
	case <-e.closed:
	case <-time.After(flushWithin + time.Second):
	}
	e.helper.stop()
}

// flushWithin bounds how long the end of a program waits for the server to have what it
// published (felixlet-net's own bound, which it keeps).
const flushWithin = 5 * time.Second

// written runs after the helper has taken each batch of frames (on the goroutine that
// writes them to it, or on its own in this process): net_out bridges waiting for room go
// on.
func (e *engine) written() {
	if e.roomFor.Load() {
		e.m.Do(e.published)
	}
}

// published lets net_out bridges waiting for room go on, as long as there is room.
func (e *engine) published() {
	for len(e.waiting) > 0 && e.out.Waiting() < queueRoom {
		w := e.waiting[0]
		e.waiting = e.waiting[1:]
		e.m.Release()
		w.read()
	}
	e.roomFor.Store(len(e.waiting) > 0)
}

// queueRoom is how many frames wait for the helper before net_out bridges wait.
const queueRoom = 4096

// broke notes that the link to felixlet-net broke: every net channel says so, sends that
// wait for an answer complete false, bridges waiting for room go on (what they write is
// lost, as net_error says), and nothing more will arrive: readers that wait starve, and a
// program that waits for nothing else ends.
func (e *engine) broke(err error) {
	failure := fmt.Sprintf("the link to felixlet-net broke: %v", err)
	e.failAll(failure)
	for tok := range e.acks {
		e.settle(tok, false, failure)
	}
	e.mu.Lock()
	ins := slices.Collect(maps.Values(e.ins))
	e.mu.Unlock()
	for _, in := range ins {
		in.stop()
	}
	for _, w := range e.waiting {
		e.m.Release()
		w.read()
	}
	e.waiting = nil
	e.roomFor.Store(false)
}

// failAll notes a failure on every net channel.
func (e *engine) failAll(failure string) {
	for _, nch := range e.chans {
		nch.failure = failure
	}
}

// pubFailed notes a value the helper could not publish, and completes its acknowledged
// send false.
func (e *engine) pubFailed(id, tok uint64, err string) {
	nch := e.ids[id]
	if nch == nil {
		return
	}
	failure := fmt.Sprintf("a value written to %q was lost: %s", nch.subject, err)
	nch.failure = failure
	if tok != 0 {
		e.settle(tok, false, failure)
	}
}

// clientError notes an error the client reports: on a subscription, it is that reader's.
func (e *engine) clientError(sid uint64, slow bool, err string) {
	e.mu.Lock()
	in := e.ins[sid]
	e.mu.Unlock()
	switch {
	case in == nil:
		e.failAll("NATS: " + err)
	case slow:
		in.nch.failure = fmt.Sprintf("values published on %q were dropped: this program's readers were too slow", in.nch.subject)
	default:
		in.nch.failure = "NATS: " + err
	}
}

// pendingAck is an acknowledged send whose reader has not answered yet.
type pendingAck struct {
	ack   *vm.Ack
	from  *netChan
	timer *time.Timer // settles it false after ackTimeout
}

// The answers of a reader to an acknowledged send, on the send's reply subject.
var (
	answerTaken   = []byte("+") // a fibre took the value
	answerRefused = []byte("-") // the reader's channel closed first
)

// expect registers an acknowledged send and returns the subject its reader answers on,
// and its token. The program waits for the answer (Hold).
func (e *engine) expect(a *vm.Ack, from *netChan) (string, uint64) {
	e.nextTok++
	tok := e.nextTok
	p := &pendingAck{ack: a, from: from}
	p.timer = time.AfterFunc(ackTimeout, func() {
		e.m.Do(func() {
			e.settle(tok, false, fmt.Sprintf("no reader of %q said it took the value within %v", from.subject, ackTimeout))
		})
	})
	e.acks[tok] = p
	e.m.Hold()
	return e.replies + strconv.FormatUint(tok, 10), tok
}

// answer receives, on the reading goroutine, a reader's answer to an acknowledged send,
// or the server's word that nobody reads its subject. Answers are taken as they come:
// felixlet-net gets its credit for them back at once.
func (e *engine) answer(subject, data []byte, flags uint64) {
	if e.answered++; e.answered == netwire.Room/2 {
		e.credit(answersSID, e.answered)
		e.answered = 0
	}
	tok, err := strconv.ParseUint(string(subject[strings.LastIndexByte(string(subject), '.')+1:]), 10, 64)
	if err != nil {
		return
	}
	noReaders := flags&netwire.NoResponders != 0
	taken := string(data) == string(answerTaken)
	e.m.Do(func() {
		p := e.acks[tok]
		switch {
		case p == nil:
		case noReaders:
			e.settle(tok, false, fmt.Sprintf("nobody reads %q", p.from.subject))
		case taken:
			e.settle(tok, true, "")
		default:
			e.settle(tok, false, fmt.Sprintf("the reader of %q closed its channel before taking the value", p.from.subject))
		}
	})
}

// settle completes an acknowledged send, once: taken, or not, for the reason given.
func (e *engine) settle(tok uint64, taken bool, failure string) {
	p := e.acks[tok]
	if p == nil {
		return
	}
	delete(e.acks, tok)
	p.timer.Stop()
	if !taken {
		p.from.failure = failure
	}
	e.m.Settle(p.ack, taken)
	e.m.Release()
}

// credit tells felixlet-net that the program has taken n more messages of a
// subscription.
func (e *engine) credit(sid, n uint64) {
	e.out.Put(func(b *netwire.Builder) { b.Begin(netwire.Credit); b.Uint(sid); b.Uint(n); b.End() })
}

// publish queues a message for the helper to publish, and reports whether the queue is
// now full. id and tok name the channel and the acknowledged send (0: none) to tell if the
// helper cannot publish it.
func (e *engine) publish(subject, reply string, data []byte, id, tok uint64) (full bool) {
	return e.out.Put(func(b *netwire.Builder) {
		b.Begin(netwire.Pub)
		b.String(subject)
		b.String(reply)
		b.Bytes(data)
		b.Uint(id)
		b.Uint(tok)
		b.End()
	}) >= queueRoom
}
