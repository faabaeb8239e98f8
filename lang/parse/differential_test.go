package parse

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
)

// corpus returns the felixlet sources of the repository: the tests, examples, benchmarks
// and library.
func corpus(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	root := filepath.Join("..", "..")
	for _, dir := range []string{"testdata", "lang/parse/testdata", "examples", "bench", "stdlib"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".flx") {
				return err
			}
			src, err := os.ReadFile(path)
			out[path] = src
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d sources found", len(out))
	}
	return out
}

// lowered is the dump of a file's lowered tree and its errors, its includes not followed.
func lowered(name string, cst *cstFile, err *diag.Error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	p := &fileParser{sources: diag.Sources{}, seen: map[string]bool{}}
	l := &lowerer{p: p, file: name}
	stmts := l.stmts(cst.Stmts)
	p.errs.Sort()
	var b strings.Builder
	for _, e := range p.errs {
		b.WriteString("lowering error: " + e.Error() + "\n")
	}
	return b.String() + ast.Dump(stmts)
}

// newParse runs the hand-written parser and returns the file's tree.
func newParse(name string, src []byte) (*cstFile, *diag.Error) {
	f := &cstFile{}
	if err := parseCST(name, src, func(s *cstStmt) { f.Stmts = append(f.Stmts, s) }); err != nil {
		return nil, err
	}
	return f, nil
}

// oldParse runs the participle parser, which panics on some inputs.
func oldParse(name string, src []byte) (cst *cstFile, err *diag.Error, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	cst, err = oldParseCST(name, src)
	return cst, err, false
}

// The hand-written parser builds the same tree as the participle parser for every source
// in the repository, and reports the same syntax errors.
func TestParsersAgree(t *testing.T) {
	for path, src := range corpus(t) {
		oldCST, oldErr, _ := oldParse(path, src)
		newCST, newErr := newParse(path, src)
		if oldErr != nil && newErr != nil && movedToStatementEnd(oldErr, newErr) {
			continue
		}
		want, got := lowered(path, oldCST, oldErr), lowered(path, newCST, newErr)
		if want != got {
			t.Errorf("%s: the parsers differ:\n%s", path, firstDifference(want, got))
		}
	}
}

// movedToStatementEnd reports whether the new parser reports a missing ; at the end of
// the statement that lacks it where the old one reported the token on the next line, the
// one deliberate difference between them.
func movedToStatementEnd(old, new *diag.Error) bool {
	return strings.HasPrefix(old.Msg, "syntax error: unexpected") &&
		strings.HasPrefix(new.Msg, "syntax error: missing ; at the end of the statement") &&
		new.Pos.Line < old.Pos.Line
}

// firstDifference shows the first line where two dumps differ.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  old: " + w[i] + "\n  new: " + g[i]
		}
	}
	return "lengths differ: old " + strconv.Itoa(len(w)) + " lines, new " + strconv.Itoa(len(g))
}

// FuzzParsersAgree mutates sources and requires the hand-written parser never to panic,
// and to build the participle parser's tree wherever that one succeeds.
func FuzzParsersAgree(f *testing.F) {
	for _, src := range corpus(f) {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		newCST, newErr := newParse("fuzz.flx", src)
		got := lowered("fuzz.flx", newCST, newErr)
		oldCST, oldErr, panicked := oldParse("fuzz.flx", src)
		if panicked || oldErr != nil {
			return
		}
		if want := lowered("fuzz.flx", oldCST, nil); want != got {
			t.Fatalf("the parsers differ on %q:\n%s", src, firstDifference(want, got))
		}
	})
}
