package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
)

// replLines runs a REPL session on the lines of r, without prompts: a session replayed
// from a file or a pipe. The exit status is 1 if any input failed.
func replLines(r io.Reader, stdout, stderr io.Writer) int {
	s := newReplSession(stdout, stderr)
	defer s.m.Close()
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 64<<10), 16<<20)
	for !s.quit && lines.Scan() {
		s.line(lines.Text())
	}
	s.endOfInput()
	if s.failed {
		return exitRuntime
	}
	return exitOK
}

// replTerminal runs a REPL session on a terminal, with line editing, history and
// completion by readline.
func replTerminal(stdout, stderr io.Writer) int {
	s := newReplSession(stdout, stderr)
	defer s.m.Close()
	// History is saved by hand, so that an input of several lines is one entry.
	cfg := &readline.Config{Prompt: s.prompt(), AutoComplete: replCompleter{s}, InterruptPrompt: "^C",
		HistoryFile: historyFile(), DisableAutoSaveHistory: true, Stdout: stdout, Stderr: stderr}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: %v\n", err)
		return exitUsage
	}
	defer rl.Close()
	// Ctrl-C while the completions are listed drops the line, as it does otherwise; readline
	// would only close the list.
	rl.Config.FuncFilterInputRune = func(r rune) (rune, bool) {
		if r == readline.CharInterrupt && rl.Operation.IsInCompleteMode() {
			rl.Operation.ExitCompleteMode(false)
		}
		return r, true
	}
	fmt.Fprintf(stdout, "%s; :help for help, Ctrl-D to leave\n", version)
	var typed []string // the lines of the input being typed
	for !s.quit {
		rl.SetPrompt(s.prompt())
		line, err := rl.Readline()
		switch {
		case err == readline.ErrInterrupt:
			s.cancel()
			typed = nil
			continue
		case err == io.EOF:
			return exitOK
		case err != nil:
			fmt.Fprintf(stderr, "felixlet: %v\n", err)
			return exitRuntime
		}
		typed = append(typed, line)
		s.line(line)
		if len(s.pending) == 0 {
			if entry := strings.TrimSpace(strings.Join(typed, "\n")); entry != "" {
				rl.SaveHistory(entry)
			}
			typed = nil
		}
	}
	return exitOK
}

// historyFile is where the REPL keeps its history: in the user's configuration directory,
// or nowhere if there is none.
func historyFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	dir = filepath.Join(dir, "felixlet")
	if os.MkdirAll(dir, 0o755) != nil {
		return ""
	}
	return filepath.Join(dir, "history")
}

// replCompleter completes the name before the cursor from the names the session sees, and
// `:` commands at the start of a line.
type replCompleter struct{ s *replSession }

// replCommands are the `:` commands, for completion.
var replCommands = []string{":help", ":type", ":fibres", ":disasm", ":load", ":graph", ":reset", ":quit"}

func (c replCompleter) Do(line []rune, pos int) (suffixes [][]rune, length int) {
	head := strings.TrimLeft(string(line[:pos]), " \t")
	prefix, candidates := head, replCommands
	if !strings.HasPrefix(head, ":") || strings.ContainsAny(head, " \t") {
		start := pos
		for start > 0 && isNameRune(line[start-1]) {
			start--
		}
		prefix, candidates = string(line[start:pos]), c.s.checker.Names()
	}
	for _, n := range candidates {
		if strings.HasPrefix(n, prefix) {
			suffixes = append(suffixes, []rune(n[len(prefix):]))
		}
	}
	// A complete name is left alone: with longer names beside it, the empty suffix keeps
	// readline from jumping to one of them, and shows the choice instead.
	if len(suffixes) == 1 && len(suffixes[0]) == 0 {
		return nil, 0
	}
	return suffixes, len([]rune(prefix))
}

func isNameRune(r rune) bool {
	return r == '_' || r == '\'' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// noArguments is `felixlet` alone: the REPL on a terminal, or else the program that
// standard input holds (which then has nothing left to read).
func noArguments(stdin io.Reader, stdout, stderr io.Writer) int {
	if isTerminal(stdin) {
		return replTerminal(stdout, stderr)
	}
	src, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "felixlet: reading the program from stdin: %v\n", err)
		return exitUsage
	}
	p, ok := build(programSource{Name: "<stdin>", Src: src}, stderr)
	if !ok {
		return exitUsage
	}
	return execute(p, []string{"<stdin>"}, runFlags{signals: true}, strings.NewReader(""), stdout, stderr, 0)
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && readline.IsTerminal(int(f.Fd()))
}
