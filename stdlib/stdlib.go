// Package stdlib is felixlet's library: the prelude, written in felixlet and embedded,
// which declares every library function with its type, and the Go builtins that
// implement the primitives the compiler does not turn into instructions.
//
// It may import vm and runtime, never lang.
package stdlib

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// Prelude is the library's felixlet source.
//
//go:embed prelude.flx
var Prelude []byte

// PreludeName is the file name the prelude's positions carry.
const PreludeName = "<prelude>"

// Builtins are the Go builtins, by primitive name.
var Builtins = map[string]vm.Builtin{
	"str":   func(m *vm.Machine, s []uint64, r []vm.Value) error { return format(s, r, false) },
	"repr":  func(m *vm.Machine, s []uint64, r []vm.Value) error { return format(s, r, true) },
	"equal": equal,
	"fail": func(m *vm.Machine, s []uint64, r []vm.Value) error {
		return errors.New(stringArg(r, 0))
	},
	"int_of_string":    intOfString,
	"double_of_string": doubleOfString,
	"char_of_string":   charOfString,
	"substring":        substring,
	"argv":             argv,
	"argc": func(m *vm.Machine, s []uint64, r []vm.Value) error {
		s[0] = uint64(len(m.Args()))
		return nil
	},
	"abs_int": func(m *vm.Machine, s []uint64, r []vm.Value) error {
		if x := int64(s[0]); x < 0 {
			s[0] = uint64(-x)
		}
		return nil
	},
	"min_int": func(m *vm.Machine, s []uint64, r []vm.Value) error {
		s[0] = uint64(min(int64(s[0]), int64(s[1])))
		return nil
	},
	"max_int": func(m *vm.Machine, s []uint64, r []vm.Value) error {
		s[0] = uint64(max(int64(s[0]), int64(s[1])))
		return nil
	},
	"abs_double": double1(math.Abs),
	"sqrt":       double1(math.Sqrt),
	"exp":        double1(math.Exp),
	"log":        double1(math.Log),
	"sin":        double1(math.Sin),
	"cos":        double1(math.Cos),
	"tan":        double1(math.Tan),
	"floor":      double1(math.Floor),
	"ceil":       double1(math.Ceil),
	"min_double": double2(math.Min),
	"max_double": double2(math.Max),
	"atan2":      double2(math.Atan2),
	"pow":        double2(math.Pow),
}

func double1(f func(float64) float64) vm.Builtin {
	return func(m *vm.Machine, s []uint64, r []vm.Value) error {
		s[0] = math.Float64bits(f(math.Float64frombits(s[0])))
		return nil
	}
}

func double2(f func(float64, float64) float64) vm.Builtin {
	return func(m *vm.Machine, s []uint64, r []vm.Value) error {
		s[0] = math.Float64bits(f(math.Float64frombits(s[0]), math.Float64frombits(s[1])))
		return nil
	}
}

// format implements str and repr of any printable type: r[0] is the type, the value is
// in s[0] or r[1].
func format(s []uint64, r []vm.Value, repr bool) error {
	t := r[0].(*code.Type)
	var sv uint64
	var rv vm.Value
	if t.IsScalar() {
		sv = s[0]
	} else if t.IsRef() {
		rv = r[1]
	}
	r[0] = vm.Format(t, sv, rv, repr)
	return nil
}

// equal compares two values of the type r[0], held in s[0], s[1] or r[1], r[2].
func equal(m *vm.Machine, s []uint64, r []vm.Value) error {
	t := r[0].(*code.Type)
	var eq bool
	switch {
	case t.IsScalar():
		eq = vm.Equal(t, s[0], nil, s[1], nil)
	case t.IsRef():
		eq = vm.Equal(t, 0, r[1], 0, r[2])
	default:
		eq = true
	}
	s[0] = 0
	if eq {
		s[0] = 1
	}
	return nil
}

// ref returns the reference argument r[i] as a T. A variable never given a value holds
// nothing: then the error is a vm.Unset, which the machine reports naming the variable
// (what says what it should have held, for an argument the source gives no name).
func ref[T any](r []vm.Value, i int, what string) (T, error) {
	v, ok := r[i].(T)
	if !ok {
		return v, &vm.Unset{Arg: i, What: what}
	}
	return v, nil
}

func stringArg(r []vm.Value, i int) string {
	s, _ := r[i].(string)
	return s
}

func intOfString(m *vm.Machine, s []uint64, r []vm.Value) error {
	text := stringArg(r, 0)
	v, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err != nil {
		return fmt.Errorf("cannot convert %q to int", text)
	}
	s[0] = uint64(v)
	return nil
}

func doubleOfString(m *vm.Machine, s []uint64, r []vm.Value) error {
	text := stringArg(r, 0)
	v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return fmt.Errorf("cannot convert %q to double", text)
	}
	s[0] = math.Float64bits(v)
	return nil
}

// charOfString is char s: the first char of s, or NUL for "", as in Felix, where the string's
// terminating NUL is its first char.
func charOfString(m *vm.Machine, s []uint64, r []vm.Value) error {
	text := stringArg(r, 0)
	s[0] = 0
	if text != "" {
		s[0] = uint64(text[0])
	}
	return nil
}

// substring is s.[i to j]: the bytes from i up to, not including, j, with both bounds
// clamped to the string.
func substring(m *vm.Machine, s []uint64, r []vm.Value) error {
	text := stringArg(r, 0)
	clamp := func(v int64) int {
		return int(min(max(v, 0), int64(len(text))))
	}
	i, j := clamp(int64(s[0])), clamp(int64(s[1]))
	if j < i {
		j = i
	}
	r[0] = text[i:j]
	return nil
}

func argv(m *vm.Machine, s []uint64, r []vm.Value) error {
	i := int64(s[0])
	args := m.Args()
	if i < 0 || i >= int64(len(args)) {
		r[0] = ""
		return nil
	}
	r[0] = args[i]
	return nil
}
