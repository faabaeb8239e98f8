// Package golden compares a text with the one expected of it: where they first differ.
// The command uses it for `felixlet test`, so it must not import package testing; the
// golden files of Go tests are in golden/goldenfile.
package golden

import (
	"strconv"
	"strings"
)

// Diff is the first line at which two texts differ.
type Diff struct {
	Line      int    // counted from 1
	Want, Got string // the two lines, with their "\n"
	WantEnded bool   // the expected text has no such line
	GotEnded  bool   // the actual text has no such line
}

// First finds the first line at which got differs from want; ok is false when they are
// the same.
func First(want, got string) (d Diff, ok bool) {
	if want == got {
		return Diff{}, false
	}
	wl, gl := strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")
	for i := 0; ; i++ {
		d = Diff{Line: i + 1, WantEnded: i >= len(wl), GotEnded: i >= len(gl)}
		if !d.WantEnded {
			d.Want = wl[i]
		}
		if !d.GotEnded {
			d.Got = gl[i]
		}
		if d.Want != d.Got {
			return d, true
		}
	}
}

// String describes the difference: line N: want "...", got "...".
func (d Diff) String() string {
	return "line " + strconv.Itoa(d.Line) + ": want " + quote(d.Want, d.WantEnded) + ", got " + quote(d.Got, d.GotEnded)
}

// quote shows a line; a missing or empty last line is the end of the text.
func quote(line string, ended bool) string {
	if ended || line == "" {
		return "end of output"
	}
	return strconv.Quote(line)
}
