// Package io is felixlet's window on the outside world: one poller over every descriptor
// (epoll on Linux, kqueue on macOS), a timer heap, and non-blocking sockets.
//
// The machine's scheduler owns a Poller. Descriptors are made non-blocking and registered
// once, edge-triggered, for both reading and writing; an operation that would block reports
// ErrWouldBlock and its fibre waits until the poller says the descriptor changed. The
// scheduler goroutine sleeps in Wait only when no fibre is active, until the next timer or
// event, so nothing ever spins and no goroutine serves a fibre or a connection.
//
// The package imports nothing of felixlet's; the machine keeps the waiting fibres.
package io

import (
	"container/heap"
	"errors"
	"sync"
	"time"
)

// ErrWouldBlock reports that a non-blocking operation cannot proceed now.
var ErrWouldBlock = errors.New("operation would block")

// wakeGuard lets a poller's Wake, called from any goroutine, race with its Close: once
// closed, Wake does nothing (rather than write to a descriptor number reused since).
type wakeGuard struct {
	mu     sync.Mutex // held by wake and close
	closed bool       // close has run
}

// wake runs signal unless the poller is closed.
func (g *wakeGuard) wake(signal func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	return signal()
}

// close runs release once, and makes later wakes do nothing.
func (g *wakeGuard) close(release func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	g.closed = true
	return release()
}

// Event says that a descriptor may have become readable or writable (both, after an error
// or a hang-up, so that every waiter finds out).
type Event struct {
	FD    int  // the descriptor
	Read  bool // it may be readable
	Write bool // it may be writable
}

// Timers is a heap of deadlines, each with what waits for it; equal deadlines come out in
// the order they were added. W is the waiter type (the machine's fibre). A timer can be
// removed before its deadline (a select whose channel arm won): the heap then forgets its
// waiter at once.
type Timers[W any] struct{ h timerHeap[W] }

// Timer is one deadline in a Timers heap, as Add returns it, to Remove it.
type Timer[W any] struct {
	when  time.Time
	seq   uint64 // insertion order, to break ties
	w     W
	index int // its place in the heap, or -1 once it has left it
}

type timerHeap[W any] struct {
	items []*Timer[W]
	seq   uint64
}

func (h *timerHeap[W]) Len() int { return len(h.items) }
func (h *timerHeap[W]) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if a.when.Equal(b.when) {
		return a.seq < b.seq
	}
	return a.when.Before(b.when)
}
func (h *timerHeap[W]) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].index, h.items[j].index = i, j
}
func (h *timerHeap[W]) Push(x any) {
	t := x.(*Timer[W])
	t.index = len(h.items)
	h.items = append(h.items, t)
}
func (h *timerHeap[W]) Pop() any {
	n := len(h.items) - 1
	t := h.items[n]
	h.items[n] = nil
	h.items = h.items[:n]
	t.index = -1
	return t
}

// Add schedules w for when.
func (t *Timers[W]) Add(when time.Time, w W) *Timer[W] {
	t.h.seq++
	tm := &Timer[W]{when: when, seq: t.h.seq, w: w}
	heap.Push(&t.h, tm)
	return tm
}

// Remove takes tm out of the heap before its deadline, reporting whether it was there
// (not yet due, nor removed, nor dropped with a heap that was reset).
func (t *Timers[W]) Remove(tm *Timer[W]) bool {
	if tm.index < 0 || tm.index >= len(t.h.items) || t.h.items[tm.index] != tm {
		return false
	}
	heap.Remove(&t.h, tm.index)
	var zero W
	tm.w = zero // the timer must not keep its waiter alive
	return true
}

// Len is the number of pending timers.
func (t *Timers[W]) Len() int { return t.h.Len() }

// Next returns the earliest deadline.
func (t *Timers[W]) Next() (time.Time, bool) {
	if t.h.Len() == 0 {
		return time.Time{}, false
	}
	return t.h.items[0].when, true
}

// PopDue removes the waiters whose deadline is not after now, in deadline order, calling f
// for each.
func (t *Timers[W]) PopDue(now time.Time, f func(W)) {
	for t.h.Len() > 0 && !t.h.items[0].when.After(now) {
		tm := heap.Pop(&t.h).(*Timer[W])
		w := tm.w
		var zero W
		tm.w = zero // the timer must not keep its waiter alive
		f(w)
	}
}
