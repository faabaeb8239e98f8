package parse

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
			got := ast.Dump(f.Stmts)
			golden := strings.TrimSuffix(file, ".flx") + ".ast"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s: the tree differs from %s; first difference:\n%s", file, golden, firstDifference(string(want), got))
			}
		})
	}
}

func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}
