package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzCompile feeds arbitrary source to the front end and, when it compiles, runs it
// briefly: bad input must give diagnostics, never a panic. The seeds are the golden
// programs.
func FuzzCompile(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/*/*.flx")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		done := make(chan bool)
		go func() {
			defer close(done)
			p, ok := build(programSource{Name: "fuzz.flx", Src: src}, io.Discard)
			if ok {
				execute(p, []string{"fuzz.flx"}, runFlags{dir: t.TempDir()}, strings.NewReader(""), io.Discard, io.Discard, 100*time.Millisecond)
			}
		}()
		select {
		case <-done:
		case <-time.After(patience):
			t.Fatalf("no answer after %v for %q", patience, src)
		}
	})
}
