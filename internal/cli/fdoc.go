package cli

import (
	"errors"
	"strings"
)

// fdoc is a Felix literate file read as a golden test. Such a file is prose with sections,
// each starting at a line that begins with @word (@title, @h1, @felix, ...). Two kinds of
// section make the test: @felix, the program, and @expect, its standard output. A section
// ends at a line holding just "@", at the next @word line, or at the end of the file.
// Lines before the first section, and every other kind of section, are prose.
//
// The reading is liberal, as Felix's own fdoc files need: several @felix sections make one
// program; "@felix" may be followed by other words on its line; trailing blanks and a
// carriage return after a tag are ignored. A tag is an @ in the first column followed by a
// letter or by nothing, so an output line such as "@ 3" or "@@" stays output.
//
// Positions in the program's messages are those of the .fdoc file: the program keeps every
// line at its line number in the file, the lines outside @felix sections made blank.
//
// An @expect section holds whole lines: its last line ends with a newline even if the
// file's does not. When it is not ended by "@", its trailing blank lines are taken for
// spacing before the next section, not output; -update therefore ends the section it
// rewrites with "@", which keeps trailing blank lines exact.
type fdoc struct {
	lines     []string // the file's lines, each with its newline (the last may lack it)
	program   []byte   // the @felix sections at their line numbers; nil when there is none
	expect    string   // the @expect section's text
	hasExpect bool     // whether there is an @expect section
	body      [2]int   // the @expect section's text is lines[body[0]:body[1]]
	closed    bool     // whether a line holding "@" ends the @expect section
}

// parseFdoc splits an .fdoc file into its program and its expected output.
func parseFdoc(src []byte) (*fdoc, error) {
	d := &fdoc{lines: strings.SplitAfter(string(src), "\n")}
	if last := len(d.lines) - 1; d.lines[last] == "" {
		d.lines = d.lines[:last]
	}
	var prog strings.Builder
	hasFelix := false
	section := "" // the tag of the section being read; "" for prose
	for i, line := range d.lines {
		tag, ok := fdocTag(line)
		if !ok {
			if section == "felix" {
				prog.WriteString(strings.TrimSuffix(line, "\n"))
			}
			prog.WriteString("\n")
			continue
		}
		prog.WriteString("\n")
		if section == "expect" {
			d.endExpect(i, tag == "")
		}
		section = tag
		switch tag {
		case "felix":
			hasFelix = true
		case "expect":
			if d.hasExpect {
				return nil, errors.New("more than one @expect section")
			}
			d.hasExpect, d.body[0] = true, i+1
		}
	}
	if section == "expect" {
		d.endExpect(len(d.lines), false)
	}
	if hasFelix {
		d.program = []byte(prog.String())
	}
	return d, nil
}

// fdocTag returns the word of a tag line (@felix gives "felix", a lone @ gives ""), and
// whether line is one.
func fdocTag(line string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimRight(line, " \t\r\n"), "@")
	if !ok {
		return "", false
	}
	if rest == "" {
		return "", true
	}
	if c := rest[0]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return "", false
	}
	word, _, _ := strings.Cut(rest, " ")
	word, _, _ = strings.Cut(word, "\t")
	return word, true
}

// endExpect ends the @expect section before line end, closed when that line is "@", and
// records its text.
func (d *fdoc) endExpect(end int, closed bool) {
	if !closed {
		for end > d.body[0] && strings.TrimRight(d.lines[end-1], "\r\n") == "" {
			end--
		}
	}
	d.body[1], d.closed = end, closed
	var b strings.Builder
	for _, line := range d.lines[d.body[0]:end] {
		b.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			b.WriteString("\n")
		}
	}
	d.expect = b.String()
}

// withExpect is the file with out as the text of its @expect section, ended by "@"; a file
// without one gets one at its end.
func (d *fdoc) withExpect(out string) []byte {
	var b strings.Builder
	before, after := d.lines, []string(nil)
	if d.hasExpect {
		before, after = d.lines[:d.body[0]], d.lines[d.body[1]:]
		if d.closed {
			after = after[1:] // the "@", written again below
		}
	}
	for _, line := range before {
		b.WriteString(line)
	}
	if !d.hasExpect {
		if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
			b.WriteString("\n")
		}
		b.WriteString("@expect\n")
	}
	b.WriteString(out)
	if out != "" && !strings.HasSuffix(out, "\n") {
		b.WriteString("\n")
	}
	b.WriteString("@\n")
	for _, line := range after {
		b.WriteString(line)
	}
	return []byte(b.String())
}
