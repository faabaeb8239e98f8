package parse

// Unfinished reports whether src ends inside a construct it has opened and not closed (a
// brace, a bracket, `do` without `done`, `match` without `endmatch`, `select` without
// `endselect`, `begin` without `end`, ...), so that more lines could finish it: what a REPL asks before it runs an input.
// An input with a closer that does not match is finished (and wrong).
func Unfinished(src []byte) bool {
	text := string(src)
	toks, err := lex("", text)
	if err != nil {
		return false // an unterminated string: the parser says what to do
	}
	// What closes each open construct, innermost last; "if" and "match" stand for one whose
	// closer the next do, then or with decides.
	var open []string
	elif := false        // an elif's condition is being read: its do or then opens nothing
	afterSelect := false // the last token was the word select: a | next opens a select
	top := func() string {
		if len(open) == 0 {
			return ""
		}
		return open[len(open)-1]
	}
	for i := range toks {
		t := &toks[i]
		v := text[t.off : t.off+t.n]
		if t.cls == cEOF {
			return len(open) > 0 || afterSelect
		}
		if afterSelect && t.id == pBar {
			open = append(open, "endselect")
		}
		afterSelect = t.cls == cIdent && v == "select"
		if t.cls != cKeyword && t.cls != cPunct && !(t.cls == cIdent && (v == "circuit" || v == "endcircuit")) {
			continue
		}
		switch {
		case v == "if" || v == "match":
			open = append(open, v)
		case (v == "do" || v == "then" || v == "with") && elif:
			elif = false
		case (v == "do" || v == "then") && top() == "if":
			open[len(open)-1] = map[string]string{"do": "done", "then": "endif"}[v]
		case (v == "do" || v == "with") && top() == "match":
			open[len(open)-1] = map[string]string{"do": "done", "with": "endmatch"}[v]
		case v == "do":
			open = append(open, "done")
		case v == "elif":
			elif = true
		case v == ";":
			elif = false
			if t := top(); t == "if" || t == "match" {
				open = open[:len(open)-1] // a short conditional, such as `if c goto l;`
			}
		case closers[v] != "":
			open = append(open, closers[v])
		case v == "done" || v == "endif" || v == "endmatch" || v == "end" || v == "endcircuit" || v == "endselect" ||
			v == "}" || v == ")" || v == "]":
			if top() != v {
				return false
			}
			open = open[:len(open)-1]
		}
	}
	return len(open) > 0
}

// closers are the openers that decide their closer at once.
var closers = map[string]string{"{": "}", "(": ")", "[": "]", "begin": "end", "circuit": "endcircuit"}
