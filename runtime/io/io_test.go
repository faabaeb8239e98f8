package io

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Timers come out in deadline order; equal deadlines in the order they were added; later
// ones stay.
func TestTimersPopDueInDeadlineOrder(t *testing.T) {
	var tm Timers[string]
	base := time.Now()
	tm.Add(base.Add(3*time.Millisecond), "c")
	tm.Add(base.Add(1*time.Millisecond), "a")
	tm.Add(base.Add(2*time.Millisecond), "b1")
	tm.Add(base.Add(2*time.Millisecond), "b2")
	tm.Add(base.Add(time.Hour), "later")
	if next, ok := tm.Next(); !ok || !next.Equal(base.Add(time.Millisecond)) {
		t.Fatalf("Next = %v, %v", next, ok)
	}
	var got []string
	tm.PopDue(base.Add(3*time.Millisecond), func(w string) { got = append(got, w) })
	if want := "a b1 b2 c"; strings.Join(got, " ") != want {
		t.Fatalf("popped %q, want %q", got, want)
	}
	if tm.Len() != 1 {
		t.Fatalf("%d timers left, want 1", tm.Len())
	}
}

// A removed timer never comes out, and the others keep their order; removing it again, or
// after it came out, does nothing.
func TestARemovedTimerNeverComesOut(t *testing.T) {
	var tm Timers[string]
	base := time.Now()
	var handles []*Timer[string]
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		handles = append(handles, tm.Add(base.Add(time.Duration(i)*time.Millisecond), name))
	}
	if !tm.Remove(handles[2]) || !tm.Remove(handles[0]) {
		t.Fatal("removing a pending timer failed")
	}
	if tm.Remove(handles[2]) {
		t.Error("a timer was removed twice")
	}
	if next, _ := tm.Next(); !next.Equal(base.Add(time.Millisecond)) {
		t.Errorf("Next = %v, want b's deadline", next)
	}
	var got []string
	tm.PopDue(base.Add(time.Hour), func(w string) { got = append(got, w) })
	if want := "b d e"; strings.Join(got, " ") != want {
		t.Fatalf("popped %q, want %q", got, want)
	}
	if tm.Remove(handles[1]) {
		t.Error("a timer that came out was removed")
	}
	// A timer of a heap that was reset is not found in the new one, even at its old place.
	old := tm.Add(base, "old")
	tm = Timers[string]{}
	tm.Add(base, "new")
	if tm.Remove(old) || tm.Len() != 1 {
		t.Error("a timer of a reset heap was removed from the new one")
	}
}

// A pipe registered with the poller reports its read end readable once data is written,
// and Wait returns no events when the timeout passes.
func TestPollerReportsAReadablePipe(t *testing.T) {
	p, err := NewPoller()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var fds [2]int
	if err := unix.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	if err := SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	if err := p.Add(fds[0]); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := Read(fds[0], buf); err != ErrWouldBlock {
		t.Fatalf("reading an empty pipe: %v, want ErrWouldBlock", err)
	}
	evs, err := p.Wait(10*time.Millisecond, nil)
	if err != nil || len(evs) != 0 {
		t.Fatalf("before a write: events %v, %v", evs, err)
	}
	unix.Write(fds[1], []byte("x"))
	evs, err = p.Wait(time.Minute, nil) // returns as soon as the write is seen
	if err != nil || len(evs) != 1 || evs[0].FD != fds[0] || !evs[0].Read {
		t.Fatalf("after a write: events %v, %v", evs, err)
	}
	if n, err := Read(fds[0], buf); n != 1 || err != nil {
		t.Fatalf("read %d, %v", n, err)
	}
}

// Wake, called from another goroutine, ends a Wait that has no timeout, with no events.
func TestWakeEndsAWait(t *testing.T) {
	p, err := NewPoller()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	go func() {
		time.Sleep(10 * time.Millisecond)
		p.Wake()
	}()
	done := make(chan error, 1)
	go func() {
		evs, err := p.Wait(-1, nil)
		if err == nil && len(evs) > 0 {
			err = unix.EINVAL
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // only a hang waits this long
		t.Fatal("Wait did not return after Wake")
	}
}
