package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestTestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		paths   []string
		run     string // the -run pattern, "" for none
		update  bool
		timeout time.Duration
	}{
		{nil, []string{"testdata"}, "", false, defaultTestTimeout},
		{[]string{"a", "-run", "x", "b", "--update", "--timeout=2s"}, []string{"a", "b"}, "x", true, 2 * time.Second},
		{[]string{"--run=^l/", "-timeout", "0", "-update=false", "dir"}, []string{"dir"}, "^l/", false, 0},
		{[]string{"-update", "--", "-odd", "--run"}, []string{"-odd", "--run"}, "", true, defaultTestTimeout},
	}
	for _, tt := range tests {
		fl, err := parseTestFlags(tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		run := ""
		if fl.run != nil {
			run = fl.run.String()
		}
		if !slices.Equal(fl.paths, tt.paths) || run != tt.run || fl.opts.Update != tt.update || fl.opts.Timeout != tt.timeout {
			t.Errorf("%q: paths %q, -run %q, -update %v, -timeout %v; want %q, %q, %v, %v",
				tt.args, fl.paths, run, fl.opts.Update, fl.opts.Timeout, tt.paths, tt.run, tt.update, tt.timeout)
		}
	}
}

func TestBadTestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-frob"},
		{"-run"},
		{"-run", "("},
		{"-timeout", "soon"},
		{"-timeout=-1s"},
		{"-update=maybe"},
	} {
		if _, err := parseTestFlags(args); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// felixlet test runs each program in a process of its own, which it kills after -timeout
// (the process has no timeout of its own): a program that never ends fails alone, and the
// other tests run on. (load of a pipe nobody writes once blocked the whole machine; it is
// refused now, and an endless loop stands for anything the machine might not stop.)
func TestTestKillsAProgramPastTheTimeoutAndRunsTheOthers(t *testing.T) {
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := filepath.Join(dir, "tests")
	files := map[string]string{
		"blocks.flx": "var n = 0;\nwhile true do ++n; done\n", "blocks.expect": "never\n",
		"quick.flx": "println \"quick\";\n", "quick.expect": "quick\n",
	}
	os.Mkdir(tests, 0o755)
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(tests, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(bin, "test", "-timeout", "5s", tests).CombinedOutput()
	want := "FAIL blocks: timed out after 5s\nok quick\n1 passed, 1 failed\n"
	if string(out) != want {
		t.Fatalf("felixlet test printed %q (%v), want %q", out, err, want)
	}
}
