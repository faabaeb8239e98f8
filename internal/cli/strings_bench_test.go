package cli

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// String appends: a program appending b.N one-char strings to a variable, beside Go's
// strings.Builder doing the same, so that one run gives the ratio. ns/op is the cost of one
// append; the loop around it costs a few nanoseconds.
//
//	go test ./internal/cli -run '^$' -bench 'Append'

// appendProgram appends n pieces to s, each with the statement given, and prints the
// length.
const appendProgram = `
val n = int (System::argv 1);
var s = "";
for k in 1..n do %s done
println s.len;
`

func benchAppend(b *testing.B, stmt string) {
	p, ok := build(programSource{Name: "append.flx", Src: []byte(strings.Replace(appendProgram, "%s", stmt, 1))}, os.Stderr)
	if !ok {
		b.Fatal("does not compile")
	}
	b.ResetTimer()
	runBench(b, p.Code(), strconv.Itoa(b.N))
}

func BenchmarkAppendString(b *testing.B) { benchAppend(b, `s += "x";`) }

func BenchmarkAppendChar(b *testing.B) { benchAppend(b, `s = s + char 120;`) }

func BenchmarkGoAppendBuilder(b *testing.B) {
	var sb strings.Builder
	for range b.N {
		sb.WriteString("x")
	}
	if sb.Len() != b.N {
		b.Fatal("wrong length")
	}
}
