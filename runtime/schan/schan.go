// Package schan holds the state of a synchronous channel: the stack of the fibres waiting
// on it. A synchronous channel never holds a value; a value moves only when a reader meets
// a writer, which is the scheduler's business. What the channel keeps is who is waiting,
// and on which side: all its waiters are readers, or all are writers. Waiters are served
// last in, first out, as in Felix.
//
// The stack is intrusive: each waiter carries the link to the waiter below it, so a
// channel costs one pointer and a flag however many fibres wait on it, and a waiter that
// becomes unreachable with its channel is garbage with it.
//
// The package is generic over the waiter type and imports nothing of felixlet's.
package schan

// Waiter is what waits on a channel: the machine's fibre. A waiter is on at most one
// channel's stack at a time, so one link field serves.
type Waiter[W any] interface {
	comparable
	// NextWaiter returns the waiter below this one on its channel's stack.
	NextWaiter() W
	// SetNextWaiter sets it.
	SetNextWaiter(W)
}

// Chan is a synchronous channel. The zero value is an empty channel.
type Chan[W Waiter[W]] struct {
	top     W    // the most recent waiter, or the zero W
	writers bool // the waiters are writers; otherwise readers
}

// New returns an empty channel.
func New[W Waiter[W]]() *Chan[W] { return &Chan[W]{} }

// Push puts a waiter on top of the stack. Its side must match the side already waiting
// (the scheduler only pushes when no partner waits).
func (c *Chan[W]) Push(w W, writer bool) {
	w.SetNextWaiter(c.top)
	c.top = w
	c.writers = writer
}

// Pop takes the most recent waiter if it waits on the given side (writer or reader).
func (c *Chan[W]) Pop(writer bool) (W, bool) {
	var zero W
	w := c.top
	if w == zero || c.writers != writer {
		return zero, false
	}
	c.top = w.NextWaiter()
	w.SetNextWaiter(zero)
	return w, true
}

// Waiting reports how many fibres wait on the channel and whether they are writers.
func (c *Chan[W]) Waiting() (n int, writers bool) {
	var zero W
	for w := c.top; w != zero; w = w.NextWaiter() {
		n++
	}
	return n, c.writers
}
