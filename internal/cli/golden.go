package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/felixlet/felixlet/internal/golden"
)

// A golden test is a program NAME.flx with the files that say what it must do:
//
//	NAME.expect  its exact standard output (required)
//	NAME.stdin   fed to its standard input (optional)
//	NAME.stderr  its exact standard error (optional; otherwise not compared)
//	NAME.exit    its exit status (optional; otherwise 0)
//
// or a Felix literate file NAME.fdoc holding the program and its expected output in
// sections (see fdoc), with the same optional files beside it.
//
// Each runs with a fresh empty directory of its own for the relative file names it loads
// and saves, removed afterwards.
type goldenTest struct {
	Name string // the base name, without .flx or .fdoc
	Dir  string // the directory holding its files
	// Rel names the test in reports and is what -run matches: its path from the directory
	// searched, without extension and with / separators (just Name for a file given alone).
	Rel  string
	Fdoc bool // the program and its expected output are sections of NAME.fdoc
}

func (t goldenTest) path(ext string) string { return filepath.Join(t.Dir, t.Name+ext) }

// file is the test's program file: NAME.flx or NAME.fdoc.
func (t goldenTest) file() string {
	if t.Fdoc {
		return t.path(".fdoc")
	}
	return t.path(".flx")
}

// findGolden lists the golden tests in the given files and directories, sorted by path.
// Directories are searched recursively, skipping those named script (testscript scripts)
// or starting with _ (helper files): there a test is NAME.flx with NAME.expect beside it,
// or NAME.fdoc with an @expect section. A file given by name is a test even without its
// expected output, which `felixlet test -update` then writes.
func findGolden(paths []string) ([]goldenTest, error) {
	var tests []goldenTest
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			return nil, unwrap(err)
		}
		if !st.IsDir() {
			t, ok := goldenFile(root)
			if !ok {
				return nil, fmt.Errorf("%s: not a .flx or .fdoc file", root)
			}
			t.Rel = t.Name
			tests = append(tests, t)
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != root && (d.Name() == "script" || strings.HasPrefix(d.Name(), "_")) {
					return filepath.SkipDir
				}
				return nil
			}
			t, ok := goldenFile(path)
			if !ok {
				return nil
			}
			if isTest, err := hasExpected(t); err != nil || !isTest {
				return err
			}
			rel, err := filepath.Rel(root, t.path(""))
			if err != nil {
				return err
			}
			t.Rel = filepath.ToSlash(rel)
			tests = append(tests, t)
			return nil
		})
		if err != nil {
			return nil, unwrap(err)
		}
	}
	slices.SortStableFunc(tests, func(a, b goldenTest) int { return strings.Compare(a.file(), b.file()) })
	// A file named twice (or named and inside a directory named) is one test, named as
	// where it was first found.
	return slices.CompactFunc(tests, func(a, b goldenTest) bool { return a.file() == b.file() }), nil
}

// goldenFile is the test whose program is the file at path, if its name is NAME.flx or
// NAME.fdoc.
func goldenFile(path string) (goldenTest, bool) {
	base := filepath.Base(path)
	for _, ext := range []string{".flx", ".fdoc"} {
		if name, ok := strings.CutSuffix(base, ext); ok && name != "" {
			return goldenTest{Name: name, Dir: filepath.Dir(path), Fdoc: ext == ".fdoc"}, true
		}
	}
	return goldenTest{}, false
}

// hasExpected reports whether a program found in a directory is a test: a .flx file has a
// NAME.expect beside it, an .fdoc file an @expect section.
func hasExpected(t goldenTest) (bool, error) {
	if !t.Fdoc {
		_, err := os.Stat(t.path(".expect"))
		return err == nil, nil
	}
	src, err := os.ReadFile(t.file())
	if err != nil {
		return false, err
	}
	doc, err := parseFdoc(src)
	// A malformed file is a test, so that the run reports what is wrong with it.
	return err != nil || doc.hasExpect, nil
}

// goldenOptions say how to run golden tests.
type goldenOptions struct {
	Timeout time.Duration // how long each test may run (0: no limit)
	Update  bool          // rewrite the expected files from what the programs do
	// Isolated runs each program in a process of its own, so that one that crashes, or
	// blocks where the machine cannot stop it, fails alone; the timeout then kills it.
	Isolated bool
}

// goldenResult is what running a golden test found.
type goldenResult struct {
	Test    goldenTest
	Diff    string   // "" when it passed, else what is wrong: the first difference
	Updated []string // the files -update rewrote, by base name
}

// goldenSpec is what a test's files say: the program, its input, and what it must do.
type goldenSpec struct {
	prog      programSource
	stdin     []byte
	stdout    string  // the expected standard output
	hasStdout bool    // whether there is one: NAME.expect, or an @expect section
	stderr    *string // the expected standard error, or nil when it is not compared
	exit      int     // the expected exit status (0 without NAME.exit)
	doc       *fdoc   // the parsed NAME.fdoc, for a test written in one
}

// maxTestOutput bounds what a test's program may print on stdout, and on stderr: an
// endless loop that prints must not fill the memory before its timeout.
const maxTestOutput = 64 << 20

// cappedBuffer keeps what a program writes, up to max bytes; it drops the rest.
type cappedBuffer struct {
	bytes.Buffer
	max  int
	over bool // whether it has dropped anything
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		b.over = true
		return len(p), nil // the program carries on, as with any output that works
	}
	return b.Buffer.Write(p)
}

// goldenOutcome is what a program did.
type goldenOutcome struct {
	stdout, stderr string
	status         int
}

// runGolden runs one golden test and compares what it did with what its files say; with
// opts.Update it first rewrites the files from what the program did (see update). This is
// the one runner behind both `felixlet test` and the project's own golden suite.
func runGolden(t goldenTest, opts goldenOptions) goldenResult {
	res := goldenResult{Test: t}
	spec, err := loadGolden(t)
	if err != nil {
		res.Diff = err.Error()
		return res
	}
	scratch, err := os.MkdirTemp("", "felixlet-"+t.Name)
	if err != nil {
		res.Diff = err.Error()
		return res
	}
	defer os.RemoveAll(scratch)
	stdout, stderr := cappedBuffer{max: maxTestOutput}, cappedBuffer{max: maxTestOutput}
	var status int
	if opts.Isolated {
		status = runChild(spec.prog, scratch, spec.stdin, &stdout, &stderr, opts.Timeout)
	} else {
		status = runProgram(spec.prog, nil, runFlags{dir: scratch}, bytes.NewReader(spec.stdin), &stdout, &stderr, opts.Timeout)
	}
	// In these cases the output is not all there, and must not become the expected one.
	switch {
	case status == exitTimeout:
		res.Diff = fmt.Sprintf("timed out after %v", opts.Timeout)
		return res
	case stdout.over || stderr.over:
		res.Diff = fmt.Sprintf("printed more than %d MiB", maxTestOutput>>20)
		return res
	}
	got := goldenOutcome{stdout: stdout.String(), stderr: stderr.String(), status: status}
	if opts.Update {
		if res.Updated, err = spec.update(t, got); err == nil {
			spec, err = loadGolden(t) // compare with what was written: it must read back
		}
		if err != nil {
			res.Diff = err.Error()
			return res
		}
	}
	res.Diff = spec.compare(t, got)
	return res
}

// childCommand is the hidden command that runs one golden test's program in a process of
// its own: felixlet childCommand NAME DIR SCRATCH, with the program's text on descriptor 3
// and its input on standard input.
const childCommand = "__run-test-program"

// runChild runs a test's program as a child process of this command (see childCommand),
// killing it after timeout; it returns the exit status, exitTimeout when it was killed.
func runChild(ps programSource, scratch string, stdin []byte, stdout, stderr io.Writer, timeout time.Duration) int {
	// The command as it was started (not os.Executable, which resolves links: a link named
	// felixlet may be how the command was started).
	self := os.Args[0]
	src, err := os.CreateTemp(scratch, ".program")
	if err == nil {
		_, err = src.Write(ps.Src)
	}
	if err == nil {
		_, err = src.Seek(0, 0)
	}
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return exitRuntime
	}
	defer src.Close()
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	cmd := exec.CommandContext(ctx, self, childCommand, ps.Name, ps.Dir, scratch)
	// Plain writers, so that copying the pipes goes through their Write (a bytes.Buffer's
	// ReadFrom would take everything, past any cap).
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), struct{ io.Writer }{stdout}, struct{ io.Writer }{stderr}
	cmd.ExtraFiles = []*os.File{src}
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return exitTimeout
	case errors.As(err, &exit):
		if exit.ExitCode() < 0 {
			fmt.Fprintf(stderr, "felixlet: the program's process ended with %v\n", exit)
			return exitRuntime
		}
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return exitRuntime
	}
	return exitOK
}

// childMain is the hidden command childCommand.
func childMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 3 {
		return exitUsage
	}
	src, err := io.ReadAll(os.NewFile(3, "program"))
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return exitUsage
	}
	return runProgram(programSource{Name: args[0], Dir: args[1], Src: src}, nil, runFlags{dir: args[2], signals: true}, stdin, stdout, stderr, 0)
}

// runGoldenTests runs tests on a pool of runtime.NumCPU() workers and calls report with
// each result in the order of tests, each as soon as it and those before it are known.
func runGoldenTests(tests []goldenTest, opts goldenOptions, report func(goldenResult)) {
	results := make([]chan goldenResult, len(tests))
	for i := range results {
		results[i] = make(chan goldenResult, 1)
	}
	next := make(chan int)
	go func() {
		for i := range tests {
			next <- i
		}
		close(next)
	}()
	for range min(runtime.NumCPU(), len(tests)) {
		go func() {
			for i := range next {
				results[i] <- runGolden(tests[i], opts)
			}
		}()
	}
	for _, r := range results {
		report(<-r)
	}
}

// loadGolden reads a test's files.
func loadGolden(t goldenTest) (*goldenSpec, error) {
	s := &goldenSpec{}
	src, err := os.ReadFile(t.file())
	if err != nil {
		return nil, unwrap(err)
	}
	if t.Fdoc {
		if s.doc, err = parseFdoc(src); err != nil {
			return nil, fmt.Errorf("%s: %v", t.file(), err)
		}
		if s.doc.program == nil {
			return nil, fmt.Errorf("%s: no @felix section", t.file())
		}
		s.prog = programSource{Name: t.Name + ".fdoc", Dir: t.Dir, Src: s.doc.program}
		s.stdout, s.hasStdout = s.doc.expect, s.doc.hasExpect
	} else {
		s.prog = programSource{Name: t.Name + ".flx", Dir: t.Dir, Src: src}
		want, ok, err := readOptional(t.path(".expect"))
		if err != nil {
			return nil, err
		}
		s.stdout, s.hasStdout = string(want), ok
	}
	if s.stdin, _, err = readOptional(t.path(".stdin")); err != nil {
		return nil, err
	}
	wantErr, ok, err := readOptional(t.path(".stderr"))
	if err != nil {
		return nil, err
	}
	if ok {
		s.stderr = new(string(wantErr))
	}
	e, ok, err := readOptional(t.path(".exit"))
	if err != nil {
		return nil, err
	}
	if ok {
		if s.exit, err = strconv.Atoi(strings.TrimSpace(string(e))); err != nil {
			return nil, fmt.Errorf("%s: not an exit status: %q", t.path(".exit"), firstLine(string(e)))
		}
	}
	return s, nil
}

// readOptional reads a file that need not exist, and says whether it does.
func readOptional(path string) ([]byte, bool, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		return b, true, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	default:
		return nil, false, unwrap(err)
	}
}

// compare describes the first way in which what the program did differs from what the
// spec says, or returns "". An unexpected exit status comes first, with the first line of
// standard error, as it usually explains the rest.
func (s *goldenSpec) compare(t goldenTest, got goldenOutcome) string {
	if !s.hasStdout {
		if t.Fdoc {
			return fmt.Sprintf("%s: no @expect section (-update adds one)", t.file())
		}
		return fmt.Sprintf("%s: no such file (-update writes it)", t.path(".expect"))
	}
	if got.status != s.exit {
		d := fmt.Sprintf("exit status %d, want %d", got.status, s.exit)
		if got.stderr != "" {
			d += "; stderr: " + firstLine(got.stderr)
		}
		return d
	}
	if d := firstDiff("stdout", s.stdout, got.stdout); d != "" {
		return d
	}
	if s.stderr != nil {
		return firstDiff("stderr", *s.stderr, got.stderr)
	}
	return ""
}

// update rewrites a test's files from what its program did, and returns the base names of
// the files it changed. It writes the expected output (NAME.expect, or the @expect section
// of NAME.fdoc, added if missing), NAME.stderr only when it exists (stderr is compared only
// when it does), and NAME.exit when it exists or the status is not 0 (a missing NAME.exit
// means 0). A file that already says the right thing is left alone.
func (s *goldenSpec) update(t goldenTest, got goldenOutcome) ([]string, error) {
	var updated []string
	write := func(path, content string) error {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return unwrap(err)
		}
		updated = append(updated, filepath.Base(path))
		return nil
	}
	if !s.hasStdout || s.stdout != got.stdout {
		path, content := t.path(".expect"), got.stdout
		if t.Fdoc {
			path, content = t.file(), string(s.doc.withExpect(got.stdout))
		}
		if err := write(path, content); err != nil {
			return updated, err
		}
	}
	if s.stderr != nil && *s.stderr != got.stderr {
		if err := write(t.path(".stderr"), got.stderr); err != nil {
			return updated, err
		}
	}
	if s.exit != got.status {
		if err := write(t.path(".exit"), fmt.Sprintf("%d\n", got.status)); err != nil {
			return updated, err
		}
	}
	return updated, nil
}

// firstDiff describes the first line where got differs from want, or returns "".
func firstDiff(what, want, got string) string {
	if d, ok := golden.First(want, got); ok {
		return what + " " + d.String()
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
