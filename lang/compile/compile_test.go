package compile

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/felixlet/felixlet/internal/golden/goldenfile"
	"github.com/felixlet/felixlet/lang/check"
	"github.com/felixlet/felixlet/lang/parse"
	"github.com/felixlet/felixlet/vm/code"
)

var update = flag.Bool("update", false, "rewrite the .dis files from the compiler's output")

// TestCodegenGolden compiles each testdata/NAME.flx against testdata/prelude.flx and
// compares the disassembly with NAME.dis.
func TestCodegenGolden(t *testing.T) {
	libSrc, err := os.ReadFile("testdata/prelude.flx")
	if err != nil {
		t.Fatal(err)
	}
	lib, errs, _ := parse.File("prelude.flx", libSrc, parse.Config{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	files, _ := filepath.Glob("testdata/*.flx")
	for _, file := range files {
		if filepath.Base(file) == "prelude.flx" {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, errs, _ := parse.File(filepath.Base(file), src, parse.Config{})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			prog, errs := check.Check(lib, f, check.Config{})
			if prog == nil {
				t.Fatal(errs)
			}
			p, err := Compile(prog, Config{})
			if err != nil {
				t.Fatal(err)
			}
			goldenfile.Compare(t, strings.TrimSuffix(file, ".flx")+".dis", code.Disasm(p), *update)
		})
	}
}
