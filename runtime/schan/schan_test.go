package schan

import (
	"runtime"
	"testing"
	"weak"
)

// named is what the tests keep in a waiter.
type named = Waiter[string]

func waiters(names ...string) []*named {
	ws := make([]*named, len(names))
	for i, n := range names {
		ws[i] = &named{T: n}
	}
	return ws
}

// order pops every waiter with pop and returns their names.
func order(t *testing.T, pop func() *named) []string {
	t.Helper()
	var got []string
	for w := pop(); w != nil; w = pop() {
		if w.prev != nil || w.next != nil {
			t.Errorf("%s is still linked after leaving its queue", w.T)
		}
		got = append(got, w.T)
	}
	return got
}

func same(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestASynchronousChannelServesItsWaitersLastInFirstOut(t *testing.T) {
	c := New[string, int](0)
	for _, w := range waiters("a", "b", "d") {
		c.Wait(w, false)
	}
	if !c.Waiting(false) || c.Waiting(true) {
		t.Fatalf("readers waiting %v, writers waiting %v; want readers only", c.Waiting(false), c.Waiting(true))
	}
	if got := order(t, func() *named { return c.Next(false) }); !same(got, []string{"d", "b", "a"}) {
		t.Errorf("served %v, want d b a", got)
	}
}

func TestABufferedChannelServesItsWaitersFirstInFirstOut(t *testing.T) {
	c := New[string, int](2)
	for _, w := range waiters("a", "b", "d") {
		c.Wait(w, true)
	}
	if got := order(t, func() *named { return c.Next(true) }); !same(got, []string{"a", "b", "d"}) {
		t.Errorf("served %v, want a b d", got)
	}
}

func TestCloseTakesTheWaitersOldestFirstOnEitherKind(t *testing.T) {
	for _, capacity := range []int{0, 3} {
		c := New[string, int](capacity)
		for _, w := range waiters("a", "b", "d") {
			c.Wait(w, false)
		}
		if !c.Close() || c.Close() || !c.Closed() {
			t.Fatalf("capacity %d: Close should succeed once and the channel stay closed", capacity)
		}
		if got := order(t, func() *named { return c.Oldest(false) }); !same(got, []string{"a", "b", "d"}) {
			t.Errorf("capacity %d: close took %v, want a b d", capacity, got)
		}
	}
}

func TestNextTakesOnlyTheSideAsked(t *testing.T) {
	c := New[string, int](0)
	w := &named{T: "writer"}
	c.Wait(w, true)
	if r := c.Next(false); r != nil {
		t.Errorf("a reader (%s) was taken from a channel where a writer waits", r.T)
	}
	if got := c.Next(true); got != w {
		t.Errorf("Next(writers) = %v; want the writer", got)
	}
}

func TestAWithdrawnWaiterLeavesItsQueueIntact(t *testing.T) {
	c := New[string, int](0)
	ws := waiters("a", "b", "d", "e")
	for _, w := range ws {
		c.Wait(w, false)
	}
	for _, i := range []int{1, 3, 0} { // from the middle, the newest, the oldest
		if !c.Withdraw(ws[i], false) {
			t.Fatalf("withdrawing %s, which waits, reports it did not wait", ws[i].T)
		}
	}
	if c.Withdraw(ws[0], false) { // twice does nothing
		t.Fatal("a waiter withdrawn twice was reported waiting the second time")
	}
	if c.Withdraw(ws[2], true) { // from the side it does not wait on: nothing
		t.Fatal("a reader was withdrawn from the writers")
	}
	for _, i := range []int{0, 1, 3} {
		if c.readers.holds(ws[i]) || ws[i].prev != nil || ws[i].next != nil {
			t.Fatalf("withdrawn waiter %s is still linked", ws[i].T)
		}
	}
	if !c.readers.holds(ws[2]) {
		t.Fatal("the waiter left alone is no longer queued")
	}
	if got := order(t, func() *named { return c.Next(false) }); !same(got, []string{"d"}) {
		t.Errorf("left %v, want d", got)
	}
	if c.Waiting(false) {
		t.Error("the queue is not empty")
	}
}

func TestTheBufferKeepsValuesInOrderRoundTheRing(t *testing.T) {
	c := New[string, int](3)
	var got []int
	next := 1
	for round := 0; round < 4; round++ {
		for c.Room() {
			c.Put(next)
			next++
		}
		if c.Len() != 3 || c.Put(99) {
			t.Fatalf("round %d: a full buffer of %d took another value", round, c.Len())
		}
		for i := 0; i < 2; i++ {
			v, _ := c.Take()
			got = append(got, v)
		}
	}
	for v, ok := c.Take(); ok; v, ok = c.Take() {
		got = append(got, v)
	}
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("took %v, want 1, 2, 3, ... in order", got)
		}
	}
	if len(got) != next-1 {
		t.Errorf("took %d values, put %d", len(got), next-1)
	}
}

func TestASynchronousChannelHasNoBuffer(t *testing.T) {
	c := New[string, int](0)
	if c.Buffered() || c.Cap() != 0 || c.Room() || c.Put(1) {
		t.Error("a synchronous channel accepted a value into a buffer")
	}
	if _, ok := c.Take(); ok {
		t.Error("a synchronous channel gave a buffered value")
	}
}

func TestACloserWaitsUntilTheBufferIsEmpty(t *testing.T) {
	c := New[string, int](2)
	c.Put(1)
	c.Put(2)
	c.Close()
	closer := &named{T: "closer"}
	c.WaitEmpty(closer)
	c.Take()
	if w := c.Emptied(); w != nil {
		t.Fatal("the closer was released with a value still buffered")
	}
	c.Take()
	if w := c.Emptied(); w != closer {
		t.Fatalf("Emptied() = %v, want the closer", w)
	}
	if w := c.Emptied(); w != nil {
		t.Error("the closer was released twice")
	}
}

// A value taken from the buffer is no longer referenced by it: the buffer does not keep
// garbage alive.
func TestTheBufferDropsWhatItGaveAway(t *testing.T) {
	c := New[string, *[64]byte](1)
	p := new([64]byte)
	wp := weak.Make(p)
	c.Put(p)
	if _, ok := c.Take(); !ok {
		t.Fatal("nothing to take")
	}
	p = nil
	runtime.GC()
	if wp.Value() != nil {
		t.Error("the buffer still holds a value it gave away")
	}
	runtime.KeepAlive(c)
}
