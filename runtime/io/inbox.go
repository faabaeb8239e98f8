package io

import (
	"sync"
	"sync/atomic"
)

// Inbox is how other goroutines hand work to the scheduler's goroutine: an embedding Go
// program feeding a channel, a network client delivering a message. Post never blocks and
// never drops; the scheduler takes what was posted, in order, at its next chance (between
// fibres, or while it sleeps in the poller, which the poster wakes).
//
// Only the scheduler's goroutine calls Take; any goroutine may call Post.
type Inbox struct {
	mu     sync.Mutex
	posted []func()     // what was posted since the last Take, oldest first
	spare  []func()     // the slice the last Take returned, reused by the next Post
	count  atomic.Int32 // len(posted), read without the lock by Empty
}

// Post queues f to run on the scheduler's goroutine. The caller then wakes the poller.
func (b *Inbox) Post(f func()) {
	b.mu.Lock()
	b.posted = append(b.posted, f)
	b.count.Store(int32(len(b.posted)))
	b.mu.Unlock()
}

// Empty reports whether nothing waits to be taken; it costs one atomic load.
func (b *Inbox) Empty() bool { return b.count.Load() == 0 }

// Take returns what was posted, oldest first, and empties the inbox. The slice is valid
// until the next Take.
func (b *Inbox) Take() []func() {
	if b.Empty() {
		return nil
	}
	b.mu.Lock()
	taken := b.posted
	clear(b.spare)
	b.posted = b.spare[:0]
	b.spare = taken
	b.count.Store(0)
	b.mu.Unlock()
	return taken
}
