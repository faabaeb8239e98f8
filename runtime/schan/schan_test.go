package schan

import "testing"

// waiter is a minimal Waiter for the tests.
type waiter struct {
	name string
	next *waiter
}

func (w *waiter) NextWaiter() *waiter     { return w.next }
func (w *waiter) SetNextWaiter(n *waiter) { w.next = n }

func TestWaitersAreServedLastInFirstOut(t *testing.T) {
	c := New[*waiter]()
	a, b, d := &waiter{name: "a"}, &waiter{name: "b"}, &waiter{name: "d"}
	c.Push(a, false)
	c.Push(b, false)
	c.Push(d, false)
	if n, writers := c.Waiting(); n != 3 || writers {
		t.Fatalf("Waiting() = %d, %v; want 3 readers", n, writers)
	}
	for _, want := range []*waiter{d, b, a} {
		got, ok := c.Pop(false)
		if !ok || got != want {
			t.Fatalf("Pop = %v, %v; want %s", got, ok, want.name)
		}
		if got.next != nil {
			t.Errorf("%s still links to %s after leaving the stack", got.name, got.next.name)
		}
	}
	if _, ok := c.Pop(false); ok {
		t.Error("Pop on an empty channel succeeded")
	}
}

func TestPopTakesOnlyTheWaitingSide(t *testing.T) {
	c := New[*waiter]()
	w := &waiter{name: "writer"}
	c.Push(w, true)
	if _, ok := c.Pop(false); ok {
		t.Error("a reader was popped from a channel where a writer waits")
	}
	if got, ok := c.Pop(true); !ok || got != w {
		t.Errorf("Pop(true) = %v, %v; want the writer", got, ok)
	}
}
