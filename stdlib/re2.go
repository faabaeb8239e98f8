package stdlib

import (
	"fmt"
	"regexp"

	"github.com/felixlet/felixlet/vm"
)

// Regular expressions for the recogniser library. Felix's RE2 and Go's regexp share the RE2
// syntax and its leftmost-first matching, so a pattern means the same in both.

func init() {
	Builtins["re2_compile"] = re2Compile
	Builtins["re2_match_at"] = re2MatchAt
}

// re2Compile makes the RE2 value of the pattern r[0], anchored so that it only matches
// where a match is tried.
func re2Compile(m *vm.Machine, s []uint64, r []vm.Value) error {
	pattern := stringArg(r, 0)
	re, err := regexp.Compile(`^(?:` + pattern + `)`)
	if err != nil {
		return fmt.Errorf("RE2 %q: %v", pattern, err)
	}
	r[0] = re
	return nil
}

// re2MatchAt gives the length of the match of the RE2 r[0] in the varray[char] r[1] at
// position s[0], or -1.
func re2MatchAt(m *vm.Machine, s []uint64, r []vm.Value) error {
	re, err := ref[*regexp.Regexp](r, 0, "an RE2")
	if err != nil {
		return err
	}
	a, _ := r[1].(*vm.Array)
	pos, n := int(int64(s[0])), a.Len()
	if pos < 0 || pos > n {
		s[0] = ^uint64(0)
		return nil
	}
	text := make([]byte, n-pos)
	for i := range text {
		text[i] = byte(a.S[pos+i])
	}
	if loc := re.FindIndex(text); loc != nil {
		s[0] = uint64(loc[1])
	} else {
		s[0] = ^uint64(0)
	}
	return nil
}
