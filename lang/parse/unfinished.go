package parse

import "strings"

// Unfinished reports whether src ends inside a construct it has opened and not closed (a
// brace, a bracket, `do` without `done`, `match` without `endmatch`, `select` without
// `endselect`, `begin` without `end`, ...), so that more lines could finish it: what a REPL asks before it runs an input.
// An input with a closer that does not match is finished (and wrong).
func Unfinished(src []byte) bool {
	_, ok := innermostOpen(src)
	return ok
}

// OpenBracket returns the position (1-based line and column, in bytes) of the parenthesis
// or bracket src leaves open, when that is the innermost construct it leaves open.
func OpenBracket(src []byte) (line, col int, ok bool) {
	o, ok := innermostOpen(src)
	if !ok || o.closer != ")" && o.closer != "]" {
		return 0, 0, false
	}
	line = 1 + strings.Count(string(src[:o.off]), "\n")
	return line, o.off - strings.LastIndexByte(string(src[:o.off]), '\n'), true
}

// opener is a construct open at some point of a scan: what closes it, and where it began.
type opener struct {
	closer string
	off    int
}

// innermostOpen returns the innermost construct src leaves open, if any.
func innermostOpen(src []byte) (opener, bool) {
	text := string(src)
	toks, err := lex("", text)
	if err != nil {
		return opener{}, false // an unterminated string: the parser says what to do
	}
	// What closes each open construct, innermost last; "if" and "match" stand for one whose
	// closer the next do, then or with decides.
	var open []opener
	elif := false  // an elif's condition is being read: its do or then opens nothing
	selectAt := -1 // the offset of the word select when it is the last token: a | next opens a select
	top := func() string {
		if len(open) == 0 {
			return ""
		}
		return open[len(open)-1].closer
	}
	for i := range toks {
		t := &toks[i]
		v := text[t.off : t.off+t.n]
		if t.cls == cEOF {
			if selectAt >= 0 {
				open = append(open, opener{"endselect", selectAt})
			}
			break
		}
		if selectAt >= 0 && t.id == pBar {
			open = append(open, opener{"endselect", selectAt})
		}
		selectAt = -1
		if t.cls == cIdent && v == "select" {
			selectAt = int(t.off)
		}
		if t.cls != cKeyword && t.cls != cPunct && !(t.cls == cIdent && (v == "circuit" || v == "endcircuit")) {
			continue
		}
		switch {
		case v == "if" || v == "match":
			open = append(open, opener{v, int(t.off)})
		case (v == "do" || v == "then" || v == "with") && elif:
			elif = false
		case (v == "do" || v == "then") && top() == "if":
			open[len(open)-1].closer = map[string]string{"do": "done", "then": "endif"}[v]
		case (v == "do" || v == "with") && top() == "match":
			open[len(open)-1].closer = map[string]string{"do": "done", "with": "endmatch"}[v]
		case v == "do":
			open = append(open, opener{"done", int(t.off)})
		case v == "elif":
			elif = true
		case v == ";":
			elif = false
			if t := top(); t == "if" || t == "match" {
				open = open[:len(open)-1] // a short conditional, such as `if c goto l;`
			}
		case closers[v] != "":
			open = append(open, opener{closers[v], int(t.off)})
		case v == "done" || v == "endif" || v == "endmatch" || v == "end" || v == "endcircuit" || v == "endselect" ||
			v == "}" || v == ")" || v == "]":
			if top() != v {
				return opener{}, false
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) == 0 {
		return opener{}, false
	}
	return open[len(open)-1], true
}

// closers are the openers that decide their closer at once.
var closers = map[string]string{"{": "}", "(": ")", "[": "]", "begin": "end", "circuit": "endcircuit"}
