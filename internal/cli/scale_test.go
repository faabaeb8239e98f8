package cli

import (
	"bytes"
	"strings"
	"testing"
)

// A chain of a hundred thousand terms needs a few registers, not one per term, so it
// compiles and runs (it used to fail with "too many registers").
func TestALongSumCompilesAndRuns(t *testing.T) {
	const n = 100000
	src := "val s = " + strings.Repeat("1 + ", n-1) + "1;\nprintln s;\nvar t = \"\"; t = t" + strings.Repeat(" + \"ab\"", n/2) + ";\nprintln t.len;\n"
	var out, errs bytes.Buffer
	status := runProgram(programSource{Name: "sum.flx", Src: []byte(src)}, nil, runFlags{dir: t.TempDir()}, strings.NewReader(""), &out, &errs, patience)
	if status != 0 || out.String() != "100000\n100000\n" {
		t.Fatalf("status %d, stdout %q, stderr %s", status, out.String(), errs.String())
	}
}
