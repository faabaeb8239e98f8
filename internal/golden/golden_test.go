package golden

import "testing"

// First finds the first differing line, and says when one text ends before the other.
func TestFirstFindsTheFirstDifferingLine(t *testing.T) {
	for _, tt := range []struct {
		want, got, diff string
	}{
		{"a\nb\nc\n", "a\nB\nc\n", `line 2: want "b\n", got "B\n"`},
		{"a\nb\n", "a\n", `line 2: want "b\n", got end of output`},
		{"a\n", "a\nextra", `line 2: want end of output, got "extra"`},
		{"a", "a\n", `line 1: want "a", got "a\n"`},
	} {
		d, ok := First(tt.want, tt.got)
		if !ok || d.String() != tt.diff {
			t.Errorf("First(%q, %q) = %s, %v; want %s", tt.want, tt.got, d, ok, tt.diff)
		}
	}
	if _, ok := First("same\n", "same\n"); ok {
		t.Error("equal texts differ")
	}
}
