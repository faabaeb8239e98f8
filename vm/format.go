package vm

import (
	"math"
	"strconv"
	"strings"

	"github.com/felixlet/felixlet/vm/code"
)

// FormatDouble prints a double as a C++ ostream does by default: six significant digits,
// the shorter of fixed and exponent notation, trailing zeros dropped (3.01666, 0.333333,
// 1.23457e+08, 1e+10, 1e-05, 2), and +inf, -inf, nan as Felix prints them.
func FormatDouble(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "+inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

// ReprString quotes a string as Felix's repr does: in single quotes, with ' and the
// control characters \t \n \r \f \v escaped; " and \ stay as they are.
func ReprString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		writeReprByte(&b, s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

func reprChar(c byte) string {
	var b strings.Builder
	writeReprByte(&b, c)
	return b.String()
}

func writeReprByte(b *strings.Builder, c byte) {
	switch c {
	case '\'':
		b.WriteString(`\'`)
	case '\t':
		b.WriteString(`\t`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\f':
		b.WriteString(`\f`)
	case '\v':
		b.WriteString(`\v`)
	default:
		b.WriteByte(c)
	}
}

// Format returns the text of a value of type t held in the scalar s or the reference r:
// str, or with repr set, repr.
//
// A tuple prints its elements with str, except a tuple of three or more elements of one
// type, which Felix treats as an array and prints with repr. A record prints as
// (x=1, y=a).
func Format(t *code.Type, s uint64, r Value, repr bool) string {
	var b strings.Builder
	format(&b, t, s, r, repr)
	return b.String()
}

func format(b *strings.Builder, t *code.Type, s uint64, r Value, repr bool) {
	switch t.Kind {
	case code.KInt:
		b.WriteString(strconv.FormatInt(int64(s), 10))
	case code.KDouble:
		b.WriteString(FormatDouble(math.Float64frombits(s)))
	case code.KBool:
		b.WriteString(strconv.FormatBool(s != 0))
	case code.KChar:
		if repr {
			writeReprByte(b, byte(s))
		} else {
			b.WriteByte(byte(s))
		}
	case code.KString:
		if repr {
			b.WriteString(ReprString(str(r)))
		} else {
			b.WriteString(str(r))
		}
	case code.KUnit:
		b.WriteString("()")
	case code.KList:
		// list(1, 2, 3): the elements with repr.
		b.WriteString("list(")
		et := t.Elems[0]
		l, _ := r.(*List)
		for first := true; l != nil; l, first = l.Tail, false {
			if !first {
				b.WriteString(", ")
			}
			format(b, et, l.S, l.R, true)
		}
		b.WriteByte(')')
	case code.KVarray, code.KDarray:
		// varray(1, 2, 3), for a darray too: the elements with repr.
		b.WriteString("varray(")
		et := t.Elems[0]
		a, _ := r.(*Array)
		for i := range a.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			es, er := a.At(i)
			format(b, et, es, er, true)
		}
		b.WriteByte(')')
	case code.KOpt:
		// Some 3 or None: the payload with str.
		o, _ := r.(*Opt)
		if o == nil {
			b.WriteString("None")
			return
		}
		b.WriteString("Some ")
		format(b, t.Elems[0], o.S, o.R, false)
	case code.KTuple, code.KRecord:
		tup, _ := r.(*Tuple)
		elemRepr := t.Kind == code.KTuple && isArray(t)
		b.WriteByte('(')
		for i, et := range t.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			if t.Kind == code.KRecord {
				b.WriteString(t.Names[i])
				b.WriteByte('=')
			}
			es, er := slot(tup, et, t.Slots[i])
			format(b, et, es, er, elemRepr)
		}
		b.WriteByte(')')
	default:
		b.WriteString("<" + t.Name + ">")
	}
}

// isArray reports whether a tuple type has three or more elements of one type.
func isArray(t *code.Type) bool {
	if len(t.Elems) < 3 {
		return false
	}
	for _, e := range t.Elems[1:] {
		if e.Name != t.Elems[0].Name {
			return false
		}
	}
	return true
}

// slot reads element slot i of a tuple, of type et.
func slot(tup *Tuple, et *code.Type, i int) (uint64, Value) {
	if tup == nil || i < 0 {
		return 0, nil
	}
	if et.IsScalar() {
		return tup.S[i], nil
	}
	return 0, tup.R[i]
}

// Equal reports whether two values of type t are equal.
func Equal(t *code.Type, as uint64, ar Value, bs uint64, br Value) bool {
	switch t.Kind {
	case code.KDouble:
		return math.Float64frombits(as) == math.Float64frombits(bs)
	case code.KInt, code.KBool, code.KChar:
		return as == bs
	case code.KString:
		return str(ar) == str(br)
	case code.KUnit:
		return true
	case code.KList:
		a, _ := ar.(*List)
		b, _ := br.(*List)
		for ; a != nil && b != nil; a, b = a.Tail, b.Tail {
			if !Equal(t.Elems[0], a.S, a.R, b.S, b.R) {
				return false
			}
		}
		return a == nil && b == nil
	case code.KOpt:
		a, _ := ar.(*Opt)
		b, _ := br.(*Opt)
		if a == nil || b == nil {
			return a == nil && b == nil
		}
		return Equal(t.Elems[0], a.S, a.R, b.S, b.R)
	case code.KTuple, code.KRecord:
		at, _ := ar.(*Tuple)
		bt, _ := br.(*Tuple)
		for i, et := range t.Elems {
			xs, xr := slot(at, et, t.Slots[i])
			ys, yr := slot(bt, et, t.Slots[i])
			if !Equal(et, xs, xr, ys, yr) {
				return false
			}
		}
		return true
	}
	return ar == br
}
