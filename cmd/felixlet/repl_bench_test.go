package main

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkReplInput measures one REPL input (a declaration and a call that prints) typed
// after a session of 0, 1,000, 10,000 and 100,000 inputs: the cost of an input must not
// grow with the session.
//
//	go test ./cmd/felixlet -run X -bench ReplInput -benchtime 2000x
func BenchmarkReplInput(b *testing.B) {
	for _, before := range []int{0, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("after_%d", before), func(b *testing.B) {
			s := newReplSession(io.Discard, io.Discard)
			defer s.m.Close()
			for i := 0; i < before; i++ {
				s.line(fmt.Sprintf("var x%d = %d; println (x%d + 1);", i, i, i))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := before + i
				s.line(fmt.Sprintf("var x%d = %d; println (x%d + 1);", k, k, k))
			}
			b.StopTimer()
			if s.failed {
				b.Fatal("an input failed")
			}
		})
	}
}
