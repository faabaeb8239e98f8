// Package goldenfile compares a test's output with a golden file, which `go test -update`
// rewrites. It is for Go tests only: it imports package testing, which the command must not
// link.
package goldenfile

import (
	"os"
	"testing"

	"github.com/felixlet/felixlet/internal/golden"
)

// Compare compares got with the golden file at path; with update it writes got there instead.
func Compare(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := golden.First(string(want), got); ok {
		t.Errorf("the output differs from %s at %s", path, d)
	}
}
