// Package natslink is felixlet-net's side of the link to a felixlet program: it reads the
// program's frames (runtime/netwire), does what they say with the NATS client
// (github.com/nats-io/nats.go), and sends back what the client delivers. With no
// servers named it starts the NATS server felixlet embeds (runtime/natsd) in its own
// process, listening on nothing.
//
// Only felixlet-net links it (and NATS with it).
package natslink

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/felixlet/felixlet/runtime/natsd"
	"github.com/felixlet/felixlet/runtime/netwire"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// link is one program's connection to NATS.
type link struct {
	nc       *nats.Conn
	srv      *server.Server                // the server in this process, or nil
	events   *netwire.Queue                // what goes back to the program
	quit     chan struct{}                 // closed when the link ends: deliveries stop waiting for credit
	mu       sync.Mutex                    // guards subs and sids, which the client's goroutines read
	subs     map[uint64]*sub               // the subscriptions, by the program's number
	sids     map[*nats.Subscription]uint64 // the program's numbers, by subscription, for the client's errors
	subjects map[string]string             // the subjects published to, by their bytes (serve's alone)
}

// sub is a subscription and the messages it has sent the program without credit.
type sub struct {
	ns    *nats.Subscription
	owed  atomic.Int64  // messages sent and not yet credited
	room  chan struct{} // tells the delivering goroutine that credit came
	sid   uint64        // the program's number for it
	owner *link         // the link it sends on
}

// Timeouts: a loaded machine (or -race) can take seconds over a handshake on loopback,
// more than nats.go's default of 2 s.
const (
	connectWithin   = 10 * time.Second // a server the command line names
	inProcessWithin = 60 * time.Second // the server in the process: nothing can be unreachable
	subscribeWithin = 2 * time.Second  // the server learning of a subscription (then it goes on)
	flushWithin     = 5 * time.Second  // at the end, the server having what was published
)

// Serve runs the link until the program says Close or its frames end (it ended): it
// reads frames from in and puts its own into events, which it finishes at the end (the
// caller writes them, or reads them: Queue.Run, Queue.Reader). Failing to connect is the
// program's to report, which Failed tells it; the error returned is a link that broke.
func Serve(in io.Reader, events *netwire.Queue) error {
	defer events.Finish()
	rd := netwire.NewReader(in)
	op, err := rd.Next()
	if err != nil {
		return err
	}
	if op != netwire.Connect {
		return netwire.ErrBadFrame
	}
	servers := rd.String()
	l := &link{events: events, quit: make(chan struct{}),
		subs: map[uint64]*sub{}, sids: map[*nats.Subscription]uint64{}, subjects: map[string]string{}}
	if err := l.connect(servers); err != nil {
		l.report(netwire.Failed, err.Error())
		return nil
	}
	l.report(netwire.Ready, l.nc.NewInbox())
	err = l.serve(rd)
	l.close()
	l.events.Put(func(b *netwire.Builder) { b.Begin(netwire.Closed); b.End() })
	return err
}

// connect connects the client to the servers, or to a server it starts.
func (l *link) connect(servers string) error {
	opts := []nats.Option{
		nats.Name("felixlet"),
		nats.MaxReconnects(-1), // a net channel outlives a server's restart
		nats.ReconnectWait(100 * time.Millisecond),
		nats.Timeout(connectWithin),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				l.report(netwire.Lost, err.Error())
			}
		}),
		nats.ErrorHandler(l.clientError),
	}
	if servers == "" {
		srv, err := natsd.InProcess()
		if err != nil {
			return fmt.Errorf("net: cannot start a NATS server in the process: %v", err)
		}
		l.srv = srv
		opts = append(opts, nats.InProcessServer(srv), nats.Timeout(inProcessWithin))
	}
	nc, err := nats.Connect(servers, opts...)
	if err != nil {
		if l.srv != nil {
			l.srv.Shutdown()
			return fmt.Errorf("net: cannot connect to the NATS server in the process: %v", err)
		}
		return fmt.Errorf("net: cannot reach the NATS server at %s: %v", servers, err)
	}
	l.nc = nc
	return nil
}

// serve does what the program's frames say until Close, or their end when the program
// ended without one (nil), or a frame that does not parse (an error).
func (l *link) serve(rd *netwire.Reader) error {
	for {
		op, err := rd.Next()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		switch op {
		case netwire.Pub:
			subject, reply, data := l.subject(rd.Bytes()), rd.String(), rd.Bytes()
			ch, tok := rd.Uint(), rd.Uint()
			if rd.Err() != nil {
				break
			}
			if err := l.publish(subject, reply, data); err != nil {
				l.report(netwire.PubFailed, err.Error(), ch, tok)
			}
		case netwire.Sub:
			sid, subject, queue := rd.Uint(), rd.String(), rd.String()
			if rd.Err() == nil {
				l.subscribe(sid, subject, queue)
			}
		case netwire.Unsub:
			if s := l.take(rd.Uint()); s != nil {
				s.ns.Unsubscribe()
			}
		case netwire.Credit:
			sid, n := rd.Uint(), rd.Uint()
			l.mu.Lock()
			s := l.subs[sid]
			l.mu.Unlock()
			if s != nil && s.owed.Add(-int64(n)) < netwire.Room {
				select {
				case s.room <- struct{}{}:
				default: // told already
				}
			}
		case netwire.Close:
			return nil
		default:
			return netwire.ErrBadFrame
		}
		if rd.Err() != nil {
			return rd.Err()
		}
	}
}

// subject returns a subject as a string, the same string each time for the subjects of
// the program's net_outs: a message published costs no copy of its subject.
func (l *link) subject(b []byte) string {
	if s, ok := l.subjects[string(b)]; ok {
		return s
	}
	if len(l.subjects) >= maxSubjects {
		clear(l.subjects) // a program that publishes on ever new subjects
	}
	s := string(b)
	l.subjects[s] = s
	return s
}

// maxSubjects bounds the subjects a link keeps.
const maxSubjects = 1024

// publish publishes a message, with the subject of the answer when there is one.
func (l *link) publish(subject, reply string, data []byte) error {
	if reply == "" {
		return l.nc.Publish(subject, data)
	}
	return l.nc.PublishRequest(subject, reply, data)
}

// subscribe subscribes for the program and answers once the server knows it. (While the
// connection is down this waits a while, then answers: the subscription is sent when
// the connection is back.)
func (l *link) subscribe(sid uint64, subject, queue string) {
	s := &sub{room: make(chan struct{}, 1), sid: sid, owner: l}
	var err error
	if queue != "" {
		s.ns, err = l.nc.QueueSubscribe(subject, queue, s.deliver)
	} else {
		s.ns, err = l.nc.Subscribe(subject, s.deliver)
	}
	failure := ""
	if err != nil {
		failure = err.Error()
	} else {
		l.mu.Lock()
		l.subs[sid], l.sids[s.ns] = s, sid
		l.mu.Unlock()
		l.nc.FlushTimeout(subscribeWithin)
	}
	l.report(netwire.Subbed, failure, sid)
}

// take forgets a subscription and returns it.
func (l *link) take(sid uint64) *sub {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.subs[sid]
	if s != nil {
		delete(l.subs, sid)
		delete(l.sids, s.ns)
	}
	return s
}

// deliver runs on the client's goroutine for each message of the subscription: it sends
// it to the program once the program has credit for it.
func (s *sub) deliver(msg *nats.Msg) {
	for s.owed.Load() >= netwire.Room {
		select {
		case <-s.room:
		case <-s.owner.quit:
			return
		}
	}
	s.owed.Add(1)
	var flags uint64
	if len(msg.Data) == 0 && msg.Header.Get("Status") == "503" {
		flags = netwire.NoResponders
	}
	s.owner.events.Put(func(b *netwire.Builder) {
		b.Begin(netwire.Msg)
		b.Uint(s.sid)
		b.String(msg.Subject)
		b.String(msg.Reply)
		b.Bytes(msg.Data)
		b.Uint(flags)
		b.End()
	})
}

// clientError reports an error the client gives, on a subscription or on none.
func (l *link) clientError(_ *nats.Conn, ns *nats.Subscription, err error) {
	l.mu.Lock()
	sid := l.sids[ns]
	l.mu.Unlock()
	var slow uint64
	if errors.Is(err, nats.ErrSlowConsumer) {
		slow = 1
	}
	l.report(netwire.ClientError, err.Error(), sid, slow)
}

// report sends the program an event of op: its numbers, then its message.
func (l *link) report(op netwire.Op, message string, numbers ...uint64) {
	l.events.Put(func(b *netwire.Builder) {
		b.Begin(op)
		for _, n := range numbers {
			b.Uint(n)
		}
		b.String(message)
		b.End()
	})
}

// close publishes what the client holds, and closes it and the server in the process.
func (l *link) close() {
	close(l.quit)
	l.nc.FlushTimeout(flushWithin)
	l.nc.Close()
	if l.srv != nil {
		l.srv.Shutdown()
	}
}
