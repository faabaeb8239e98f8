package schan

import "testing"

// waiter is a minimal waiter for the tests: its Link comes first.
type waiter struct {
	Link
	name string
}

func TestWaitersAreServedLastInFirstOut(t *testing.T) {
	c := New()
	a, b, d := &waiter{name: "a"}, &waiter{name: "b"}, &waiter{name: "d"}
	c.Push(&a.Link, false)
	c.Push(&b.Link, false)
	c.Push(&d.Link, false)
	if n, writers := c.Waiting(); n != 3 || writers {
		t.Fatalf("Waiting() = %d, %v; want 3 readers", n, writers)
	}
	for _, want := range []*waiter{d, b, a} {
		got := c.Pop(false)
		if got != &want.Link {
			t.Fatalf("Pop = %v; want %s", got, want.name)
		}
		if got.Below != nil {
			t.Errorf("%s still links to a waiter after leaving the stack", want.name)
		}
	}
	if got := c.Pop(false); got != nil {
		t.Error("Pop on an empty channel returned a waiter")
	}
}

func TestPopTakesOnlyTheWaitingSide(t *testing.T) {
	c := New()
	w := &waiter{name: "writer"}
	c.Push(&w.Link, true)
	if got := c.Pop(false); got != nil {
		t.Error("a reader was popped from a channel where a writer waits")
	}
	if got := c.Pop(true); got != &w.Link {
		t.Errorf("Pop(true) = %v; want the writer", got)
	}
}
