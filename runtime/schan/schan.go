// Package schan holds the state of a synchronous channel: the stack of the fibres waiting
// on it. A synchronous channel never holds a value; a value moves only when a reader meets
// a writer, which is the scheduler's business. What the channel keeps is who is waiting,
// and on which side: all its waiters are readers, or all are writers. Waiters are served
// last in, first out, as in Felix.
//
// The stack is intrusive: a waiter embeds a Link, which holds the link to the waiter
// below it, so a channel costs one pointer and a flag however many fibres wait on it, and
// a waiter that becomes unreachable with its channel is garbage with it. A waiter embeds
// its Link as its first field, so that its owner can turn the *Link that Pop returns back
// into the waiter. The operations are plain functions of a few instructions, which the
// compiler inlines into the rendezvous.
//
// The package imports nothing of felixlet's.
package schan

// Link is a waiter's place on a channel's stack. A waiter is on at most one channel's
// stack at a time, so one link serves; while it waits on none, its owner may use Below
// for a list of its own.
type Link struct {
	Below *Link // the waiter below this one, or nil
}

// Chan is a synchronous channel. The zero value is an empty channel.
type Chan struct {
	top     *Link // the most recent waiter, or nil
	writers bool  // the waiters are writers; otherwise readers
}

// New returns an empty channel.
func New() *Chan { return &Chan{} }

// Push puts a waiter on top of the stack. Its side must match the side already waiting
// (the scheduler only pushes when no partner waits).
func (c *Chan) Push(w *Link, writer bool) {
	w.Below = c.top
	c.top = w
	c.writers = writer
}

// Pop takes the most recent waiter if it waits on the given side (writer or reader), or
// returns nil. The waiter it returns links to nothing.
func (c *Chan) Pop(writer bool) *Link {
	w := c.top
	if w == nil || c.writers != writer {
		return nil
	}
	c.top = w.Below
	w.Below = nil
	return w
}

// Waiting reports how many fibres wait on the channel and whether they are writers.
func (c *Chan) Waiting() (n int, writers bool) {
	for w := c.top; w != nil; w = w.Below {
		n++
	}
	return n, c.writers
}
