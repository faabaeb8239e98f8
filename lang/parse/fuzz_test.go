package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// FuzzParse parses mutated sources of the repository: the parser never panics, and every
// error it reports has a position in the file and is no internal error. (The participle
// parser this one replaced was checked against it the same way, requiring the same tree
// wherever it succeeded; the inputs that once told them apart are in
// testdata/fuzz/FuzzParse.)
func FuzzParse(f *testing.F) {
	for _, src := range corpus(f) {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, errs, _ := File("fuzz.flx", src, Config{})
		for _, e := range errs {
			if e.Pos.File != "fuzz.flx" || e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" {
				t.Fatalf("an error without a position in the file: %v", e)
			}
			if strings.Contains(e.Msg, "internal error") {
				t.Fatalf("an internal error: %v", e)
			}
		}
		Unfinished(src)
	})
}
