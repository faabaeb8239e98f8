package netchan

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/felixlet/felixlet/runtime/natsd"
	"github.com/felixlet/felixlet/vm"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// engine is a machine's connection to NATS and what rides on it. Its fields are the
// machine goroutine's, but for those of the outbox and the connection itself.
type engine struct {
	m       *vm.Machine
	nc      *nats.Conn
	srv     *server.Server                  // the server in the process, or nil
	out     *outbox                         // what waits to be published
	chans   map[*vm.Chan]*netChan           // the net channels, for net_error
	subs    map[*nats.Subscription]*netChan // the readers' subscriptions, for the client's errors
	acks    map[uint64]*pendingAck          // acknowledged sends awaiting their reader's answer, by token
	nextTok uint64                          // the last token given to an acknowledged send
	replies string                          // the subject prefix of the answers to acknowledged sends
	waiting []*outEnd                       // net_out bridges waiting for room in the outbox
	quit    chan struct{}                   // closed when the program ends: deliveries stop waiting
}

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
	// Make the machine's poller now, which the client's goroutines wake: so the engine's
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

// connect starts an engine on the servers named (or "" for one in the process).
func connect(m *vm.Machine, servers string) (*engine, error) {
	e := &engine{m: m, chans: map[*vm.Chan]*netChan{}, subs: map[*nats.Subscription]*netChan{},
		acks: map[uint64]*pendingAck{}, quit: make(chan struct{})}
	opts := []nats.Option{
		nats.Name("felixlet"),
		nats.MaxReconnects(-1), // a net channel outlives a server's restart
		nats.ReconnectWait(100 * time.Millisecond),
		nats.Timeout(connectWithin),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				m.Do(func() { e.failAll(fmt.Sprintf("the connection to the NATS server was lost (%v); reconnecting", err)) })
			}
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			m.Do(func() { e.clientError(sub, err) })
		}),
	}
	if servers == "" {
		srv, err := natsd.InProcess()
		if err != nil {
			return nil, fmt.Errorf("net: cannot start a NATS server in the process: %v", err)
		}
		e.srv = srv
		// Nothing can be unreachable in the process: a slow handshake is a loaded machine.
		opts = append(opts, nats.InProcessServer(srv), nats.Timeout(inProcessWithin))
	}
	nc, err := nats.Connect(servers, opts...)
	if err != nil {
		if e.srv != nil {
			e.srv.Shutdown()
			return nil, fmt.Errorf("net: cannot connect to the NATS server in the process: %v", err)
		}
		return nil, fmt.Errorf("net: cannot reach the NATS server at %s: %v", servers, err)
	}
	e.nc = nc
	e.replies = nc.NewInbox() + "."
	if _, err := nc.Subscribe(e.replies+"*", e.answer); err != nil {
		e.close()
		return nil, fmt.Errorf("net: %v", err)
	}
	e.out = startOutbox(e)
	return e, nil
}

// close ends the engine when the program ends: what is queued is published, and the
// server has it, before the connection closes.
func (e *engine) close() {
	close(e.quit)
	if e.out != nil {
		e.out.finish()
		e.nc.FlushTimeout(flushWithin)
	}
	e.nc.Close()
	if e.srv != nil {
		e.srv.Shutdown()
	}
}

// connectWithin bounds the connection and handshake with a server the command line names:
// past it, the server is taken as not reachable. A busy machine (or -race) can take seconds
// over a handshake on loopback; nats.go's default of 2 s is too little for it.
const connectWithin = 10 * time.Second

// inProcessWithin bounds the handshake with the server in the process.
const inProcessWithin = 60 * time.Second

// flushWithin bounds how long the end of a program waits for the server to have what it
// published.
const flushWithin = 5 * time.Second

// failAll notes a failure on every net channel.
func (e *engine) failAll(failure string) {
	for _, nch := range e.chans {
		nch.failure = failure
	}
}

// clientError notes an error the client reports: on a subscription, it is that reader's.
func (e *engine) clientError(sub *nats.Subscription, err error) {
	nch := e.subs[sub]
	if nch == nil {
		e.failAll(fmt.Sprintf("NATS: %v", err))
		return
	}
	if err == nats.ErrSlowConsumer {
		nch.failure = fmt.Sprintf("values published on %q were dropped: this program's readers were too slow", nch.subject)
		return
	}
	nch.failure = fmt.Sprintf("NATS: %v", err)
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

// answer receives, on the client's goroutine, a reader's answer to an acknowledged send,
// or the server's word that nobody reads its subject.
func (e *engine) answer(msg *nats.Msg) {
	tok, err := strconv.ParseUint(msg.Subject[strings.LastIndexByte(msg.Subject, '.')+1:], 10, 64)
	if err != nil {
		return
	}
	noReaders := len(msg.Data) == 0 && msg.Header.Get("Status") == "503"
	taken := string(msg.Data) == string(answerTaken)
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
