package parse

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/felixlet/felixlet/internal/golden/goldenfile"
	"github.com/felixlet/felixlet/lang/ast"
)

var update = flag.Bool("update", false, "rewrite the .ast files from the parser's output")

// TestParseGolden parses each testdata/NAME.flx and compares the dump of its syntax tree
// with NAME.ast: the tree shows the desugaring (operators as library calls, `$`, `#` and
// juxtaposition as Apply, loop and conditional forms, declarations).
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.flx")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, errs, _ := File(filepath.Base(file), src, Config{})
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			goldenfile.Compare(t, strings.TrimSuffix(file, ".flx")+".ast", ast.Dump(f.Stmts), *update)
		})
	}
}
