// Package types represents felixlet's static types: scalars, strings, tuples, records,
// functions, channel ends, opaque library types and generic type variables. Types are
// structural and compared with Identical; String gives the form used in messages.
//
// It imports nothing of felixlet's.
package types

import (
	"sort"
	"strings"
)

// Type is a felixlet type.
type Type interface {
	String() string
	isType()
}

// BasicKind enumerates the built-in non-composite types.
type BasicKind int

const (
	Int     BasicKind = iota // 64-bit signed integer
	Double                   // IEEE binary64
	Bool                     // true / false
	Char                     // one byte, signed when converted with ord
	String                   // immutable bytes
	Void                     // 0: the codomain of a procedure; no values
	Invalid                  // the type of an expression that had an error; matches anything
)

// Basic is a built-in type.
type Basic struct{ Kind BasicKind }

var basicNames = [...]string{Int: "int", Double: "double", Bool: "bool", Char: "char", String: "string", Void: "0", Invalid: "invalid"}

func (b *Basic) String() string { return basicNames[b.Kind] }

// The basic types, one instance each.
var (
	IntType    = &Basic{Int}
	DoubleType = &Basic{Double}
	BoolType   = &Basic{Bool}
	CharType   = &Basic{Char}
	StringType = &Basic{String}
	VoidType   = &Basic{Void}
	// InvalidType stands for the type of an erroneous expression, so that one mistake
	// gives one message.
	InvalidType = &Basic{Invalid}
	UnitType    = &Tuple{} // 1, also written unit: the empty tuple
)

// Tuple is a product `A * B * C`; the empty tuple is unit. A one-element tuple never exists:
// it is its element.
type Tuple struct{ Elems []Type }

func (t *Tuple) String() string {
	if len(t.Elems) == 0 {
		return "unit"
	}
	parts := make([]string, len(t.Elems))
	for i, e := range t.Elems {
		parts[i] = wrap(e, precAtom)
	}
	return strings.Join(parts, " * ")
}

// NewTuple makes the tuple of elems: unit for none, the element itself for one.
func NewTuple(elems ...Type) Type {
	switch len(elems) {
	case 0:
		return UnitType
	case 1:
		return elems[0]
	}
	return &Tuple{Elems: elems}
}

// Field is one field of a record type.
type Field struct {
	Name string
	Type Type
}

// Record is `(x:A, y:B)`. Fields are kept sorted by name, so field order in the source does
// not matter, as in Felix.
type Record struct{ Fields []Field }

func (r *Record) String() string {
	parts := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		parts[i] = f.Name + ":" + f.Type.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// NewRecord makes a record type, sorting the fields by name.
func NewRecord(fields []Field) *Record {
	fs := append([]Field(nil), fields...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	return &Record{Fields: fs}
}

// FieldIndex returns the index of the named field, or -1.
func (r *Record) FieldIndex(name string) int {
	for i, f := range r.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Func is `Dom -> Cod`; a procedure has Cod Void.
type Func struct{ Dom, Cod Type }

func (f *Func) String() string {
	dom := wrap(f.Dom, precProduct)
	if IsUnit(f.Dom) {
		dom = "1" // procedures of no argument are written 1 -> 0
	}
	return dom + " -> " + wrap(f.Cod, precArrow)
}

// IsProc reports whether f returns nothing.
func (f *Func) IsProc() bool { return IsVoid(f.Cod) }

// ChanDir says which operations a channel type allows.
type ChanDir int

const (
	In   ChanDir = iota // %<T: read
	Out                 // %>T: write
	Both                // schannel[T]: read and write; converts to either end
)

// Chan is a channel end.
type Chan struct {
	Dir  ChanDir
	Elem Type
}

func (c *Chan) String() string {
	switch c.Dir {
	case In:
		return "%<" + wrap(c.Elem, precAtom)
	case Out:
		return "%>" + wrap(c.Elem, precAtom)
	}
	return "schannel[" + c.Elem.String() + "]"
}

// Opaque is a library type implemented in Go (`type svc_req = "svc_req";`).
type Opaque struct {
	Name string // as written in the library
	Prim string // the primitive representation it names
}

func (o *Opaque) String() string { return o.Name }

// Var is a type variable: a generic parameter, or an unknown being inferred.
type Var struct {
	Name    string
	ID      int      // distinguishes variables of the same name
	Classes []string // type classes it must belong to ("Str", "Eq", "Ord")
}

func (v *Var) String() string { return v.Name }

func (*Basic) isType()  {}
func (*Tuple) isType()  {}
func (*Record) isType() {}
func (*Func) isType()   {}
func (*Chan) isType()   {}
func (*Opaque) isType() {}
func (*Var) isType()    {}

// IsUnit reports whether t is the empty tuple.
func IsUnit(t Type) bool {
	tt, ok := t.(*Tuple)
	return ok && len(tt.Elems) == 0
}

// IsVoid reports whether t is 0.
func IsVoid(t Type) bool {
	b, ok := t.(*Basic)
	return ok && b.Kind == Void
}

// IsInvalid reports whether t is the type of an erroneous expression.
func IsInvalid(t Type) bool { return IsBasic(t, Invalid) }

// ContainsInvalid reports whether t is or contains the invalid type.
func ContainsInvalid(t Type) bool {
	switch t := t.(type) {
	case *Basic:
		return t.Kind == Invalid
	case *Tuple:
		for _, e := range t.Elems {
			if ContainsInvalid(e) {
				return true
			}
		}
	case *Record:
		for _, f := range t.Fields {
			if ContainsInvalid(f.Type) {
				return true
			}
		}
	case *Func:
		return ContainsInvalid(t.Dom) || ContainsInvalid(t.Cod)
	case *Chan:
		return ContainsInvalid(t.Elem)
	}
	return false
}

// IsBasic reports whether t is the basic type of kind k.
func IsBasic(t Type, k BasicKind) bool {
	b, ok := t.(*Basic)
	return ok && b.Kind == k
}

// IsScalar reports whether values of t are held unboxed: int, double, bool, char.
func IsScalar(t Type) bool {
	b, ok := t.(*Basic)
	return ok && b.Kind <= Char
}

// Identical reports whether a and b are the same type.
func Identical(a, b Type) bool {
	if a == b {
		return true
	}
	switch a := a.(type) {
	case *Basic:
		b, ok := b.(*Basic)
		return ok && a.Kind == b.Kind
	case *Tuple:
		b, ok := b.(*Tuple)
		return ok && identicalList(a.Elems, b.Elems)
	case *Record:
		b, ok := b.(*Record)
		if !ok || len(a.Fields) != len(b.Fields) {
			return false
		}
		for i := range a.Fields {
			if a.Fields[i].Name != b.Fields[i].Name || !Identical(a.Fields[i].Type, b.Fields[i].Type) {
				return false
			}
		}
		return true
	case *Func:
		b, ok := b.(*Func)
		return ok && Identical(a.Dom, b.Dom) && Identical(a.Cod, b.Cod)
	case *Chan:
		b, ok := b.(*Chan)
		return ok && a.Dir == b.Dir && Identical(a.Elem, b.Elem)
	case *Opaque:
		b, ok := b.(*Opaque)
		return ok && a.Prim == b.Prim
	case *Var:
		b, ok := b.(*Var)
		return ok && a.ID == b.ID
	}
	return false
}

func identicalList(a, b []Type) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Identical(a[i], b[i]) {
			return false
		}
	}
	return true
}

// AssignableTo reports whether a value of type from may be used where to is expected: the
// types are identical, or they differ only where from has an schannel[T] and to has one of
// its ends. The conversion costs nothing at run time: every end is the same channel.
func AssignableTo(from, to Type) bool {
	if Identical(from, to) || IsInvalid(from) || IsInvalid(to) {
		return true
	}
	switch f := from.(type) {
	case *Chan:
		t, ok := to.(*Chan)
		return ok && f.Dir == Both && Identical(f.Elem, t.Elem)
	case *Tuple:
		t, ok := to.(*Tuple)
		if !ok || len(f.Elems) != len(t.Elems) {
			return false
		}
		for i := range f.Elems {
			if !AssignableTo(f.Elems[i], t.Elems[i]) {
				return false
			}
		}
		return true
	case *Record:
		t, ok := to.(*Record)
		if !ok || len(f.Fields) != len(t.Fields) {
			return false
		}
		for i := range f.Fields {
			if f.Fields[i].Name != t.Fields[i].Name || !AssignableTo(f.Fields[i].Type, t.Fields[i].Type) {
				return false
			}
		}
		return true
	}
	return false
}

// Precedences for printing types with the fewest parentheses.
const (
	precArrow   = iota // A -> B
	precProduct        // A * B
	precAtom           // everything else
)

func prec(t Type) int {
	switch t := t.(type) {
	case *Func:
		return precArrow
	case *Tuple:
		if len(t.Elems) > 0 {
			return precProduct
		}
	}
	return precAtom
}

// wrap prints t, parenthesised if it binds more loosely than min.
func wrap(t Type, min int) string {
	if prec(t) < min {
		return "(" + t.String() + ")"
	}
	return t.String()
}
