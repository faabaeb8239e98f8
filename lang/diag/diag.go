// Package diag holds compile-time diagnostics: an error or warning at a source position, and
// the one format every felixlet tool prints them in:
//
//	prog.flx:2:9: cannot read from a write end %>int
//	  var x = read o;
//	          ^
//
// It knows nothing of the language beyond positions.
package diag

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
)

// Error is one diagnostic.
type Error struct {
	Pos        ast.Pos
	Msg        string
	Warning    bool // a warning does not stop the program
	Incomplete bool // a syntax error at the end of the input: more lines could complete it
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// List is a set of diagnostics.
type List []*Error

// Add appends an error at pos.
func (l *List) Add(pos ast.Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Warn appends a warning at pos.
func (l *List) Warn(pos ast.Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// HasErrors reports whether any diagnostic is an error rather than a warning.
func (l List) HasErrors() bool {
	for _, e := range l {
		if !e.Warning {
			return true
		}
	}
	return false
}

// Sort orders the list by file, line and column, dropping exact duplicates.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i].Pos, s[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	out := s[:0]
	for i, e := range s {
		if i > 0 && *e == *s[i-1] {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sources maps a file name to its text, for quoting lines in reports.
type Sources map[string][]byte

// Print writes each diagnostic with the source line it points at and a caret under its column.
func Print(w io.Writer, l List, src Sources) {
	for _, e := range l {
		line, ok := SourceLine(src[e.Pos.File], e.Pos.Line)
		PrintQuoting(w, e, line, ok)
	}
}

// PrintQuoting writes one diagnostic and, if quote, the source line it points at (line)
// with a caret under its column.
func PrintQuoting(w io.Writer, e *Error, line string, quote bool) {
	msg := e.Msg
	if e.Warning {
		msg = "warning: " + msg
	}
	fmt.Fprintf(w, "%s: %s\n", e.Pos, msg)
	if !quote {
		return
	}
	line, col := window(line, e.Pos.Col)
	fmt.Fprintf(w, "  %s\n  %s^\n", line, caretPad(line, col))
}

// maxQuote is the most of a source line a report quotes.
const maxQuote = 120

// window cuts a long line to the part around column col, marking the cuts with "...", and
// returns it with the column the caret goes under in it.
func window(line string, col int) (string, int) {
	if len(line) <= maxQuote {
		return line, col
	}
	start := max(0, min(col-1-maxQuote/2, len(line)-maxQuote))
	end := min(len(line), start+maxQuote)
	cut := line[start:end]
	if start > 0 {
		cut, col = "..."+cut, col-start+3
	}
	if end < len(line) {
		cut += "..."
	}
	return cut, col
}

// SourceLine returns line n (1-based) of text without its newline; false if there is none.
func SourceLine(text []byte, n int) (string, bool) {
	if text == nil || n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		nl := bytes.IndexByte(text, '\n')
		if nl < 0 {
			return "", false
		}
		text = text[nl+1:]
	}
	if nl := bytes.IndexByte(text, '\n'); nl >= 0 {
		text = text[:nl]
	}
	return strings.TrimRight(string(text), "\r"), true
}

// caretPad is the whitespace that puts a caret under byte column col of line, keeping tabs.
func caretPad(line string, col int) string {
	var b strings.Builder
	for i := 0; i < col-1 && i < len(line); i++ {
		if line[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	for i := len(line); i < col-1; i++ {
		b.WriteByte(' ')
	}
	return b.String()
}
