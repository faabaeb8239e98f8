package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A golden test is a program NAME.flx with the files that say what it must do:
//
//	NAME.expect  its exact standard output (required)
//	NAME.stdin   fed to its standard input (optional)
//	NAME.stderr  its exact standard error (optional; otherwise not compared)
//	NAME.exit    its exit status (optional; otherwise 0)
//
// Each runs with a fresh empty directory of its own for the relative file names it loads
// and saves, removed afterwards.
type goldenTest struct {
	Name string // the base name, without .flx
	Dir  string // the directory holding its files
}

func (t goldenTest) path(ext string) string { return filepath.Join(t.Dir, t.Name+ext) }

// findGolden lists the golden tests in the given files and directories (recursively),
// sorted by path.
func findGolden(paths []string) ([]goldenTest, error) {
	var tests []goldenTest
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			tests = append(tests, goldenTest{Name: strings.TrimSuffix(filepath.Base(p), ".flx"), Dir: filepath.Dir(p)})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && (d.Name() == "script" || strings.HasPrefix(d.Name(), "_")) {
				return filepath.SkipDir // testscript scripts and helper files, not golden tests
			}
			if !d.IsDir() && strings.HasSuffix(path, ".flx") {
				if _, err := os.Stat(strings.TrimSuffix(path, ".flx") + ".expect"); err == nil {
					tests = append(tests, goldenTest{Name: strings.TrimSuffix(d.Name(), ".flx"), Dir: filepath.Dir(path)})
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(tests, func(i, j int) bool { return tests[i].path("") < tests[j].path("") })
	return tests, nil
}

// goldenResult is what running a golden test found: "" when it passed, else the first
// difference.
type goldenResult struct {
	Test goldenTest
	Diff string
}

// runGolden runs one golden test and compares what it did with what its files say.
func runGolden(t goldenTest, timeout time.Duration) goldenResult {
	res := goldenResult{Test: t}
	src, err := os.ReadFile(t.path(".flx"))
	if err != nil {
		res.Diff = err.Error()
		return res
	}
	want, err := os.ReadFile(t.path(".expect"))
	if err != nil {
		res.Diff = err.Error()
		return res
	}
	var stdin io.Reader = strings.NewReader("")
	if in, err := os.ReadFile(t.path(".stdin")); err == nil {
		stdin = bytes.NewReader(in)
	}
	wantExit := exitOK
	if e, err := os.ReadFile(t.path(".exit")); err == nil {
		if wantExit, err = strconv.Atoi(strings.TrimSpace(string(e))); err != nil {
			res.Diff = fmt.Sprintf("%s: not an exit status", t.path(".exit"))
			return res
		}
	}
	scratch, err := os.MkdirTemp("", "felixlet-"+t.Name)
	if err != nil {
		res.Diff = err.Error()
		return res
	}
	defer os.RemoveAll(scratch)
	var stdout, stderr bytes.Buffer
	status := runProgram(programSource{Name: t.Name + ".flx", Dir: t.Dir, Src: src}, nil, runFlags{dir: scratch}, stdin, &stdout, &stderr, timeout)
	if d := firstDiff("stdout", string(want), stdout.String()); d != "" {
		res.Diff = d
		return res
	}
	if wantErr, err := os.ReadFile(t.path(".stderr")); err == nil {
		if d := firstDiff("stderr", string(wantErr), stderr.String()); d != "" {
			res.Diff = d
			return res
		}
	}
	if status != wantExit {
		res.Diff = fmt.Sprintf("exit status %d, want %d", status, wantExit)
		if stderr.Len() > 0 {
			res.Diff += "; stderr: " + firstLine(stderr.String())
		}
	}
	return res
}

// firstDiff describes the first line where got differs from want, or returns "".
func firstDiff(what, want, got string) string {
	if want == got {
		return ""
	}
	wl, gl := strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")
	for i := 0; ; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("%s line %d: want %s, got %s", what, i+1, quoteLine(w, i < len(wl)), quoteLine(g, i < len(gl)))
		}
	}
}

func quoteLine(s string, present bool) string {
	if !present || s == "" {
		return "end of output"
	}
	return strconv.Quote(s)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
