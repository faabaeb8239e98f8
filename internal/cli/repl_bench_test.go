package cli

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// BenchmarkReplInput measures one REPL input (a declaration and a call that prints) typed
// after a session of 0, 1,000, 10,000 and 100,000 inputs: the cost of an input must not
// grow with the session.
//
//	go test ./internal/cli -run X -bench ReplInput -benchtime 2000x
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

// BenchmarkBuildProgram measures parsing, checking and compiling a program of 1,000,
// 10,000 and 100,000 statements, per statement: the front end must be linear.
//
//	go test ./internal/cli -run X -bench BuildProgram
func BenchmarkBuildProgram(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("statements_%d", n), func(b *testing.B) {
			var src strings.Builder
			src.WriteString("var x = 0;\n")
			for i := 0; i < n; i++ {
				fmt.Fprintf(&src, "x = x + %d; if x > %d do println x; done\n", i, i*i)
			}
			prog := []byte(src.String())
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, ok := build(programSource{Name: "big.flx", Src: prog}, io.Discard); !ok {
					b.Fatal("the program does not build")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/statement")
		})
	}
}

// BenchmarkBuildHello measures parsing, checking and compiling a one-line program: what
// every run pays before the program starts, the library's share included.
//
//	go test ./internal/cli -run X -bench BuildHello -benchmem
func BenchmarkBuildHello(b *testing.B) {
	prog := programSource{Name: "hello.flx", Src: []byte("println \"hello\";")}
	for i := 0; i < b.N; i++ {
		if _, ok := build(prog, io.Discard); !ok {
			b.Fatal("the program does not build")
		}
	}
}
