// Package netwire is the protocol between a felixlet program and felixlet-net, the
// process that carries its net channels to NATS: frames over a pair of pipes (the
// helper's standard input and output), or over in-memory pipes when the helper runs in
// the same process.
//
// Keeping NATS in a process of its own is what lets a program without net channels pay
// nothing for them: the NATS client and server, linked into felixlet, would cost every
// run their package initialisation and a binary four times the size.
//
// A frame is a 4-byte little-endian length, then an operation byte and its fields, each
// an unsigned varint or a byte string (a varint length, then the bytes). Both ends are
// felixlet's own, built from the same source; a frame that does not parse ends the link.
//
// It imports nothing of felixlet's.
package netwire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"sync"
)

// Op is what a frame says.
type Op byte

// From the program to the helper.
const (
	Connect Op = iota + 1 // url: the servers to use, "" to start one in the helper's process
	Pub                   // subject, reply, data, channel, token: publish (a channel and token to name in PubFailed; 0 when none)
	Sub                   // sid, subject, queue: subscribe (queue "" for every value); answered by Subbed
	Unsub                 // sid: unsubscribe
	Credit                // sid, n: the program has taken n more of the subscription's messages
	Close                 // (none): publish what is left, close, answer Closed and end
)

// From the helper to the program.
const (
	Ready       Op = iota + 64 // inbox: connected; inbox is a subject prefix that only this program reads
	Failed                     // message: could not connect; the helper ends
	Msg                        // sid, subject, reply, data, flags: a message for a subscription
	Subbed                     // sid, error: the server knows the subscription ("" error), or why not
	PubFailed                  // channel, token, error: a Pub was refused
	Lost                       // error: the connection to the server broke; the helper reconnects
	ClientError                // sid, slow, error: the client's error on a subscription (sid 0: on none); slow is 1 when messages were dropped
	Closed                     // (none): the helper has published everything and closed
)

// NoResponders is the Msg flag of the server's answer to a request that nobody reads.
const NoResponders = 1

// Room is how many messages of one subscription the helper sends before the program has
// given Credit for them: a slow program leaves the rest with the NATS client, whose own
// limits (and report of a slow consumer) take over.
const Room = 1024

// maxFrame bounds a frame: NATS's largest message (64 MiB at most) with its fields.
const maxFrame = 80 << 20

// Builder writes frames into a buffer.
type Builder struct {
	buf   []byte // the frames written
	start int    // where the frame being written begins
}

// Begin starts a frame of op.
func (b *Builder) Begin(op Op) {
	b.start = len(b.buf)
	b.buf = append(b.buf, 0, 0, 0, 0, byte(op))
}

// Uint writes an unsigned field.
func (b *Builder) Uint(v uint64) { b.buf = binary.AppendUvarint(b.buf, v) }

// Bytes writes a byte string field.
func (b *Builder) Bytes(p []byte) {
	b.Uint(uint64(len(p)))
	b.buf = append(b.buf, p...)
}

// String writes a string field.
func (b *Builder) String(s string) {
	b.Uint(uint64(len(s)))
	b.buf = append(b.buf, s...)
}

// End ends the frame Begin started.
func (b *Builder) End() {
	binary.LittleEndian.PutUint32(b.buf[b.start:], uint32(len(b.buf)-b.start-4))
}

// Queue is frames that any goroutine adds and one goroutine (Run) writes, all that
// have piled up at a time: adding never waits for the writing.
type Queue struct {
	mu      sync.Mutex
	b       Builder       // the frames waiting
	frames  int           // how many
	ending  bool          // Finish was called: write what is left, then stop
	broken  bool          // a write failed: frames put are dropped
	wake    chan struct{} // tells Run that frames arrived, or ending
	stopped chan struct{} // closed when Run returns (or Reader reaches the end)
}

// NewQueue makes an empty queue.
func NewQueue() *Queue {
	return &Queue{wake: make(chan struct{}, 1), stopped: make(chan struct{})}
}

// Put adds the frames write writes, and returns how many frames wait now. Once a write
// has failed, what is put is dropped.
func (q *Queue) Put(write func(b *Builder)) int {
	q.mu.Lock()
	if q.broken {
		q.mu.Unlock()
		return 0
	}
	write(&q.b)
	q.frames++
	n := q.frames
	q.mu.Unlock()
	if n == 1 {
		q.signal()
	}
	return n
}

// Waiting is how many frames wait to be written.
func (q *Queue) Waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.frames
}

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default: // told already
	}
}

// next waits for frames and takes them all, leaving spare's room for the next ones; it
// reports false once Finish has been called and nothing is left.
func (q *Queue) next(spare []byte) ([]byte, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.frames == 0 && !q.ending {
		q.mu.Unlock()
		<-q.wake
		q.mu.Lock()
	}
	if q.frames == 0 {
		return nil, false
	}
	batch := q.b.buf
	q.b.buf, q.frames = spare[:0], 0
	return batch, true
}

// Run writes the frames as they come to w, calling written after each batch, until
// Finish has been called and nothing is left, or a write fails: then it returns the
// error, and the queue drops what is put from then on.
func (q *Queue) Run(w io.Writer, written func()) error {
	defer close(q.stopped)
	var spare []byte
	for {
		batch, ok := q.next(spare)
		if !ok {
			return nil
		}
		if _, err := w.Write(batch); err != nil {
			q.mu.Lock()
			q.broken, q.b.buf, q.frames = true, nil, 0
			q.mu.Unlock()
			return err
		}
		spare = batch
		if written != nil {
			written()
		}
	}
}

// Reader reads the frames as Run would write them, for a reader in the same process: no
// goroutine and no pipe between. It calls taken after taking each batch, and ends (EOF)
// once Finish has been called and nothing is left. Use either Reader or Run, once.
func (q *Queue) Reader(taken func()) io.Reader { return &queueReader{q: q, taken: taken} }

// queueReader is a Queue's Reader.
type queueReader struct {
	q     *Queue
	taken func()
	batch []byte // the batch being read
	left  []byte // what of it is not read yet
	ended bool   // the end was read
}

func (r *queueReader) Read(p []byte) (int, error) {
	if len(r.left) == 0 {
		if r.ended {
			return 0, io.EOF
		}
		batch, ok := r.q.next(r.batch)
		if !ok {
			r.ended = true
			close(r.q.stopped)
			return 0, io.EOF
		}
		r.batch, r.left = batch, batch
		if r.taken != nil {
			r.taken()
		}
	}
	n := copy(p, r.left)
	r.left = r.left[n:]
	return n, nil
}

// Finish asks Run (or Reader) to stop once what is queued has gone, and returns a
// channel closed when it has.
func (q *Queue) Finish() <-chan struct{} {
	q.mu.Lock()
	q.ending = true
	q.mu.Unlock()
	q.signal()
	return q.stopped
}

// Reader reads frames.
type Reader struct {
	r     *bufio.Reader
	head  [4]byte // where a frame's length is read
	buf   []byte  // where frames are read, kept for the next
	frame []byte  // what is left of the frame read last: its fields not yet read
	err   error   // the first field that did not parse
}

// NewReader reads frames from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReaderSize(r, 64<<10)} }

// ErrBadFrame is a frame that does not parse: the other end is not felixlet's.
var ErrBadFrame = errors.New("netwire: a frame that does not parse")

// Next reads the next frame and returns its operation; its fields follow.
func (r *Reader) Next() (Op, error) {
	if r.err != nil {
		return 0, r.err
	}
	if _, err := io.ReadFull(r.r, r.head[:]); err != nil {
		return 0, err
	}
	n := binary.LittleEndian.Uint32(r.head[:])
	if n == 0 || n > maxFrame {
		return 0, ErrBadFrame
	}
	if cap(r.buf) < int(n) {
		r.buf = make([]byte, n)
	}
	r.buf = r.buf[:n]
	if _, err := io.ReadFull(r.r, r.buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	r.frame = r.buf[1:]
	return Op(r.buf[0]), nil
}

// Buffered is how many bytes of frames have been read from the other end and wait: when
// none do, the next Next waits for the other end.
func (r *Reader) Buffered() int { return r.r.Buffered() }

// Uint reads an unsigned field.
func (r *Reader) Uint() uint64 {
	v, n := binary.Uvarint(r.frame)
	if n <= 0 {
		r.err = ErrBadFrame
		return 0
	}
	r.frame = r.frame[n:]
	return v
}

// Bytes reads a byte string field; it is good until the next frame is read.
func (r *Reader) Bytes() []byte {
	n := r.Uint()
	if n > uint64(len(r.frame)) {
		r.err = ErrBadFrame
		return nil
	}
	p := r.frame[:n:n]
	r.frame = r.frame[n:]
	return p
}

// String reads a string field.
func (r *Reader) String() string { return string(r.Bytes()) }

// Err is ErrBadFrame once a field has not parsed: the frame's fields are not to be used.
func (r *Reader) Err() error { return r.err }
