package io

import (
	"sync"
	"testing"
)

// Work posted from 16 goroutines at once all reaches the goroutine that sleeps in the
// poller, each poster's in the order it posted: no post is lost, and no wake-up either
// (a lost one would leave the consumer asleep in Wait for ever).
func TestInboxDeliversEveryPostFromManyGoroutines(t *testing.T) {
	p, err := NewPoller()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const posters, each = 16, 2000
	var b Inbox
	var wg sync.WaitGroup
	got := make([][]int, posters)
	for g := range posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				b.Post(func() { got[g] = append(got[g], i) })
				p.Wake()
			}
		}()
	}
	for n := 0; n < posters*each; {
		for _, f := range b.Take() {
			f()
			n++
		}
		if b.Empty() && n < posters*each {
			if _, err := p.Wait(-1, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	wg.Wait()
	if !b.Empty() || b.Take() != nil {
		t.Error("the inbox is not empty after everything was taken")
	}
	for g, seq := range got {
		for i, v := range seq {
			if v != i {
				t.Fatalf("poster %d: post %d arrived as number %d", g, v, i)
			}
		}
		if len(seq) != each {
			t.Fatalf("poster %d: %d of %d posts arrived", g, len(seq), each)
		}
	}
}
