package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The fuzz targets feed the front end and the machine with arbitrary and mutated programs.
// Whatever the input, felixlet must answer with positioned diagnostics or run the program;
// a Go panic, an internal error or a diagnostic without a position fails the target. Their
// seeds are the golden programs, so `go test` runs each once as a test.

// seedPrograms adds every golden program and example to a fuzz target's corpus.
func seedPrograms(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/*/*.flx")
	examples, _ := filepath.Glob("../../examples/*.flx")
	for _, file := range append(files, examples...) {
		if filepath.Base(filepath.Dir(file)) == "hostile" {
			continue // made to exhaust what they run in: TestHostileProgramsEndCleanly runs them
		}
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
}

// badReport finds, in what felixlet wrote on stderr, the signs of a bug rather than of a
// bad program: an internal error, a Go panic or stack trace, or a position of 0:0.
var badReport = regexp.MustCompile(`internal error|panic:|goroutine \d+|fatal error:|:0:0:`)

// FuzzCompile parses, checks and compiles arbitrary source.
func FuzzCompile(f *testing.F) {
	seedPrograms(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		var errs bytes.Buffer
		build(programSource{Name: "fuzz.flx", Src: src}, &errs)
		if bad := badReport.FindString(errs.String()); bad != "" {
			t.Fatalf("%q in the diagnostics of %q:\n%s", bad, src, errs.String())
		}
	})
}

// fuzzMemory is the memory a program run by FuzzRun may take: a mutation that makes a
// program grow without end meets it soon.
const fuzzMemory = 64 << 20

// FuzzRun compiles and runs mutated programs, each for at most a tenth of a second of
// interpreting and fuzzMemory bytes of values.
func FuzzRun(f *testing.F) {
	seedPrograms(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		var errs bytes.Buffer
		done := make(chan bool)
		go func() {
			defer close(done)
			p, ok := build(programSource{Name: "fuzz.flx", Src: src}, &errs)
			if ok {
				execute(p, []string{"fuzz.flx"}, runFlags{dir: t.TempDir(), memory: fuzzMemory}, strings.NewReader(""), &bytes.Buffer{}, &errs, 100*time.Millisecond)
			}
		}()
		select {
		case <-done:
		case <-time.After(patience):
			t.Fatalf("no answer after %v for %q", patience, src)
		}
		if bad := badReport.FindString(errs.String()); bad != "" {
			t.Fatalf("%q in what felixlet reported for %q:\n%s", bad, src, errs.String())
		}
	})
}
