// Package schan holds the state of a channel: who waits on it, on which side, and, for a
// buffered channel, the values it holds. A synchronous channel holds no value: one moves
// only when a reader meets a writer. A buffered channel holds up to its capacity (at least
// one). Which fibre runs when, and what a value is, are the machine's business; this
// package keeps the queues in the order the language serves them:
//
//   - on a synchronous channel the waiters of a side are a stack: the most recent is served
//     first, as in Felix;
//   - on a buffered channel they are a queue: the oldest is served first;
//   - either way, close wakes them oldest first.
//
// A waiter is one wait: a fibre's read or write, one arm of a fibre's select (a fibre in a
// select waits on several channels at once, with a waiter on each), or a send waiting
// without a fibre. The machine embeds waiters in what waits; queues are intrusive, linked
// through the waiters, so a channel costs a few words however many wait on it, and a
// waiter withdrawn from its queue (a select arm that lost) is unlinked at once and leaves
// no reference behind. A waiter that becomes unreachable with its channel is garbage with
// it: nothing else in this package refers to a waiter.
//
// The package is generic over what the machine keeps in a waiter (T) and over a value in
// transit (V), and imports nothing of felixlet's.
package schan

// Waiter is one wait in a queue. The machine keeps what it needs in T: the fibre that
// waits, and for what. A waiter is in one queue at a time, and whoever queued it knows
// which.
type Waiter[T any] struct {
	prev, next *Waiter[T] // neighbours in the queue: prev is older, next more recent
	T          T
}

// Queue is a doubly linked list of waiters, oldest first. The zero value is empty.
type Queue[T any] struct {
	oldest, newest *Waiter[T]
}

// Empty reports whether nobody waits.
func (q *Queue[T]) Empty() bool { return q.oldest == nil }

// Push adds w, which must not be queued, as the most recent waiter.
func (q *Queue[T]) Push(w *Waiter[T]) {
	w.prev, w.next = q.newest, nil
	if q.newest == nil {
		q.oldest = w
	} else {
		q.newest.next = w
	}
	q.newest = w
}

// PopOldest takes the oldest waiter, or returns nil.
func (q *Queue[T]) PopOldest() *Waiter[T] {
	w := q.oldest
	if w != nil {
		q.remove(w)
	}
	return w
}

// PopNewest takes the most recent waiter, or returns nil.
func (q *Queue[T]) PopNewest() *Waiter[T] {
	w := q.newest
	if w != nil {
		q.remove(w)
	}
	return w
}

// holds reports whether w waits in q.
func (q *Queue[T]) holds(w *Waiter[T]) bool { return w.prev != nil || q.oldest == w }

// Remove takes w out of q if it waits there, and reports whether it did.
func (q *Queue[T]) Remove(w *Waiter[T]) bool {
	if !q.holds(w) {
		return false
	}
	q.remove(w)
	return true
}

func (q *Queue[T]) remove(w *Waiter[T]) {
	if w.prev == nil {
		q.oldest = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		q.newest = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
}

// Chan is a channel: its readers and writers, and for a buffered channel its buffer. While
// values are buffered no reader waits, and while the buffer has room no writer waits; on a
// synchronous channel the waiters are all readers or all writers, except that one fibre's
// select may wait on both sides of one channel.
type Chan[T, V any] struct {
	readers, writers Queue[T]
	buf              *ring[T, V] // the buffer of a buffered channel; nil for a synchronous one
	closed           bool        // close was called: no value enters any more
	// Number is free for the channel's user: felixlet's machine numbers the channels it
	// meets with it, for its scheduling events (0 until then).
	Number uint32
}

// ring is a buffer of values, oldest first, and the fibre that closed its channel and waits
// for it to empty.
type ring[T, V any] struct {
	slots  []V        // the buffer; its length is the channel's capacity
	first  int        // the slot of the oldest value
	n      int        // how many values it holds
	closer *Waiter[T] // the close waiting for the buffer to empty, or nil
}

// New returns an open channel that buffers capacity values; 0 makes it synchronous.
func New[T, V any](capacity int) *Chan[T, V] {
	c := &Chan[T, V]{}
	if capacity > 0 {
		c.buf = &ring[T, V]{slots: make([]V, capacity)}
	}
	return c
}

// Buffered reports whether the channel has a buffer.
func (c *Chan[T, V]) Buffered() bool { return c.buf != nil }

// Cap returns the capacity of the buffer (0 for a synchronous channel).
func (c *Chan[T, V]) Cap() int {
	if c.buf == nil {
		return 0
	}
	return len(c.buf.slots)
}

// Len returns how many values are buffered.
func (c *Chan[T, V]) Len() int {
	if c.buf == nil {
		return 0
	}
	return c.buf.n
}

// Put adds v as the newest buffered value, reporting false when there is no room.
func (c *Chan[T, V]) Put(v V) bool {
	b := c.buf
	if b == nil || b.n == len(b.slots) {
		return false
	}
	i := b.first + b.n
	if i >= len(b.slots) {
		i -= len(b.slots)
	}
	b.slots[i] = v
	b.n++
	return true
}

// Room reports whether Put would succeed.
func (c *Chan[T, V]) Room() bool { return c.buf != nil && c.buf.n < len(c.buf.slots) }

// Take removes the oldest buffered value, reporting false when there is none.
func (c *Chan[T, V]) Take() (V, bool) {
	var zero V
	b := c.buf
	if b == nil || b.n == 0 {
		return zero, false
	}
	v := b.slots[b.first]
	b.slots[b.first] = zero // the buffer must not keep what it gave away alive
	if b.first++; b.first == len(b.slots) {
		b.first = 0
	}
	b.n--
	return v, true
}

// Wait queues w as the most recent waiter on a side: a writer, or a reader.
func (c *Chan[T, V]) Wait(w *Waiter[T], writer bool) {
	if writer {
		c.writers.Push(w)
	} else {
		c.readers.Push(w)
	}
}

// Next takes the waiter on a side that an operation from the other side meets: the most
// recent on a synchronous channel, the oldest on a buffered one. It returns nil when
// nobody waits there.
func (c *Chan[T, V]) Next(writer bool) *Waiter[T] {
	q := &c.readers
	if writer {
		q = &c.writers
	}
	w := q.oldest
	if c.buf == nil {
		w = q.newest
	}
	if w != nil {
		q.remove(w)
	}
	return w
}

// Withdraw takes w out of the queue of a side if it waits there (a select arm that lost,
// an operation from outside called off), and reports whether it did.
func (c *Chan[T, V]) Withdraw(w *Waiter[T], writer bool) bool {
	if writer {
		return c.writers.Remove(w)
	}
	return c.readers.Remove(w)
}

// Waiting reports whether anybody waits on a side.
func (c *Chan[T, V]) Waiting(writer bool) bool {
	if writer {
		return !c.writers.Empty()
	}
	return !c.readers.Empty()
}

// Close marks the channel closed and reports whether it was open. The machine then wakes
// the waiters with Oldest.
func (c *Chan[T, V]) Close() bool {
	if c.closed {
		return false
	}
	c.closed = true
	return true
}

// Closed reports whether the channel was closed.
func (c *Chan[T, V]) Closed() bool { return c.closed }

// Oldest takes the waiter on a side that has waited longest, or returns nil: close wakes
// them in that order.
func (c *Chan[T, V]) Oldest(writer bool) *Waiter[T] {
	if writer {
		return c.writers.PopOldest()
	}
	return c.readers.PopOldest()
}

// WaitEmpty makes w the closer that waits for the buffer to empty; Emptied gives it back.
func (c *Chan[T, V]) WaitEmpty(w *Waiter[T]) { c.buf.closer = w }

// Emptied returns, once the buffer of a closed channel is empty, the closer that waited
// for it (nil if none), and forgets it.
func (c *Chan[T, V]) Emptied() *Waiter[T] {
	b := c.buf
	if b == nil || b.n > 0 || b.closer == nil {
		return nil
	}
	w := b.closer
	b.closer = nil
	return w
}
