package parse

import (
	"os"
	"strings"
	"testing"
)

// benchSources are the inputs of the parser benchmarks: programs of many simple statements,
// one of them all on one line, and the prelude.
func benchSources(b *testing.B) map[string][]byte {
	statements := func(n int, sep string) []byte {
		return []byte("var x = 0;" + sep + strings.Repeat("x = x + 1;"+sep, n))
	}
	prelude, err := os.ReadFile("../../stdlib/prelude.flx")
	if err != nil {
		b.Fatal(err)
	}
	return map[string][]byte{
		"statements=50000":  statements(50000, "\n"),
		"statements=100000": statements(100000, "\n"),
		"one_line_10MB":     statements(10<<20/len("x = x + 1; "), " "),
		"prelude":           prelude,
	}
}

// BenchmarkParse parses (lexes, parses and lowers) each benchmark source.
func BenchmarkParse(b *testing.B) {
	for name, src := range benchSources(b) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, errs, _ := File(name+".flx", src, Config{}); len(errs) > 0 {
					b.Fatal(errs)
				}
			}
		})
	}
}
