// Package types represents felixlet's static types: scalars, strings, tuples, records,
// functions, channel ends, arrays, opaque library types and generic type variables. Types are
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
	Label                    // LABEL: a position in a procedure, for goto *p
	String                   // immutable bytes
	Void                     // 0: the codomain of a procedure; no values
	Invalid                  // the type of an expression that had an error; matches anything
)

// Basic is a built-in type.
type Basic struct{ Kind BasicKind }

var basicNames = [...]string{Int: "int", Double: "double", Bool: "bool", Char: "char", Label: "LABEL", String: "string", Void: "0", Invalid: "invalid"}

func (b *Basic) String() string { return basicNames[b.Kind] }

// The basic types, one instance each.
var (
	IntType    = &Basic{Int}
	DoubleType = &Basic{Double}
	BoolType   = &Basic{Bool}
	CharType   = &Basic{Char}
	LabelType  = &Basic{Label}
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
type Record struct {
	Fields []Field
	// Name, for a struct, is the struct's name: a struct is its own type, never identical
	// to a record or another struct with the same fields. Args are its type arguments.
	Name string
	Args []Type
}

func (r *Record) String() string {
	if r.Name != "" {
		if len(r.Args) == 0 {
			return r.Name
		}
		args := make([]string, len(r.Args))
		for i, a := range r.Args {
			args[i] = a.String()
		}
		return r.Name + "[" + strings.Join(args, ", ") + "]"
	}
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
	In       ChanDir = iota // %<T: read
	Out                     // %>T: write
	Both                    // schannel[T]: read and write; converts to either end
	Buffered                // bchannel[T]: a buffered channel; read and write; converts to either end
)

// BothEnds reports whether the channel type has both ends (schannel or bchannel), and so
// converts to either.
func (c *Chan) BothEnds() bool { return c.Dir == Both || c.Dir == Buffered }

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
	if c.Dir == Buffered {
		return "bchannel[" + c.Elem.String() + "]"
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
	case *Variant:
		for _, a := range t.Args {
			if ContainsInvalid(a) {
				return true
			}
		}
	case *Ptr:
		return ContainsInvalid(t.Elem)
	case *Duplex:
		return ContainsInvalid(t.Read) || ContainsInvalid(t.Write)
	case *Array:
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
	return ok && b.Kind <= Label
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
		if !ok || a.Name != b.Name || len(a.Fields) != len(b.Fields) {
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
	case *Variant:
		b, ok := b.(*Variant)
		return ok && a.Def == b.Def && identicalList(a.Args, b.Args)
	case *Ptr:
		b, ok := b.(*Ptr)
		return ok && Identical(a.Elem, b.Elem)
	case *Duplex:
		b, ok := b.(*Duplex)
		return ok && Identical(a.Read, b.Read) && Identical(a.Write, b.Write)
	case *Array:
		b, ok := b.(*Array)
		return ok && a.Growable == b.Growable && Identical(a.Elem, b.Elem)
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
// types are identical, or they differ only where from has an schannel[T] or a bchannel[T]
// and to has one of its ends. The conversion costs nothing at run time: every end is the
// same channel.
func AssignableTo(from, to Type) bool {
	if Identical(from, to) || IsInvalid(from) || IsInvalid(to) {
		return true
	}
	switch f := from.(type) {
	case *Chan:
		t, ok := to.(*Chan)
		return ok && f.BothEnds() && (t.Dir == In || t.Dir == Out) && Identical(f.Elem, t.Elem)
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
		if !ok || f.Name != t.Name || len(f.Fields) != len(t.Fields) {
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

// VariantKind says how a variant is represented: list and opt have layouts of their own.
type VariantKind int

const (
	UserVariant VariantKind = iota // declared with `variant`
	ListVariant                    // list[T]: Empty | Cons of T * list[T]
	OptVariant                     // opt[T]: None | Some of T
)

// VariantDef declares a variant type: its parameters and its constructors.
type VariantDef struct {
	Name   string
	Params []*Var // generic parameters, which the constructors' payloads may mention
	Cases  []Case
	Kind   VariantKind
}

// Case is one constructor of a variant.
type Case struct {
	Name    string
	Payload Type // nil for a constant constructor
}

// Variant is an instance of a variant type: list[int], opt[string], shape.
type Variant struct {
	Def  *VariantDef
	Args []Type // one per parameter of Def
}

func (v *Variant) String() string {
	if len(v.Args) == 0 {
		return v.Def.Name
	}
	args := make([]string, len(v.Args))
	for i, a := range v.Args {
		args[i] = a.String()
	}
	return v.Def.Name + "[" + strings.Join(args, ", ") + "]"
}

// CaseIndex returns the index of the named constructor, or -1.
func (v *Variant) CaseIndex(name string) int {
	for i, c := range v.Def.Cases {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Payload returns the payload type of constructor i in this instance (nil if constant).
func (v *Variant) Payload(i int) Type {
	p := v.Def.Cases[i].Payload
	if p == nil {
		return nil
	}
	return Substitute(p, v.Def.Params, v.Args)
}

// PayloadElems lists the elements constructor i's payload is stored as: the elements of a
// payload declared as a tuple, else the payload as one element (even when a type
// parameter stands for a tuple), else none.
func (v *Variant) PayloadElems(i int) []Type {
	p := v.Def.Cases[i].Payload
	if p == nil {
		return nil
	}
	if tt, ok := p.(*Tuple); ok && len(tt.Elems) > 0 {
		elems := make([]Type, len(tt.Elems))
		for j, e := range tt.Elems {
			elems[j] = Substitute(e, v.Def.Params, v.Args)
		}
		return elems
	}
	return []Type{Substitute(p, v.Def.Params, v.Args)}
}

// Elem returns the element type of a list or opt.
func (v *Variant) Elem() Type { return v.Args[0] }

// Ptr is a pointer to a variable: &T.
type Ptr struct{ Elem Type }

func (p *Ptr) String() string { return "&" + wrap(p.Elem, precAtom) }

// Duplex is one end of a duplex channel: it reads Read and writes Write.
type Duplex struct{ Read, Write Type }

func (d *Duplex) String() string {
	return "duplex_schannel[" + d.Read.String() + ", " + d.Write.String() + "]"
}

// Array is Felix's varray[T], a bounded array, or darray[T], a growable one. Its values are
// references: copying one shares the elements.
type Array struct {
	Elem     Type
	Growable bool // darray rather than varray
}

func (a *Array) String() string {
	if a.Growable {
		return "darray[" + a.Elem.String() + "]"
	}
	return "varray[" + a.Elem.String() + "]"
}

func (*Variant) isType() {}
func (*Ptr) isType()     {}
func (*Duplex) isType()  {}
func (*Array) isType()   {}

// The built-in variants.
var (
	listParam = &Var{Name: "T", ID: -1}
	optParam  = &Var{Name: "T", ID: -2}
	// ListDef is list[T].
	ListDef = &VariantDef{Name: "list", Params: []*Var{listParam}, Kind: ListVariant}
	// OptDef is opt[T].
	OptDef = &VariantDef{Name: "opt", Params: []*Var{optParam}, Kind: OptVariant,
		Cases: []Case{{Name: "None"}, {Name: "Some", Payload: optParam}}}
)

func init() {
	ListDef.Cases = []Case{{Name: "Empty"}, {Name: "Cons", Payload: &Tuple{Elems: []Type{listParam, &Variant{Def: ListDef, Args: []Type{listParam}}}}}}
}

// List returns list[elem].
func List(elem Type) *Variant { return &Variant{Def: ListDef, Args: []Type{elem}} }

// Opt returns opt[elem].
func Opt(elem Type) *Variant { return &Variant{Def: OptDef, Args: []Type{elem}} }

// IsList reports whether t is a list, returning it.
func IsList(t Type) (*Variant, bool) {
	v, ok := t.(*Variant)
	return v, ok && v.Def.Kind == ListVariant
}

// IsOpt reports whether t is an opt, returning it.
func IsOpt(t Type) (*Variant, bool) {
	v, ok := t.(*Variant)
	return v, ok && v.Def.Kind == OptVariant
}

// Substitute replaces the variables params by args in t.
func Substitute(t Type, params []*Var, args []Type) Type {
	if len(params) == 0 {
		return t
	}
	return Map(t, func(v *Var) Type {
		for i, p := range params {
			if p.ID == v.ID {
				return args[i]
			}
		}
		return v
	})
}

// Map rebuilds t with every type variable replaced by f's answer.
func Map(t Type, f func(*Var) Type) Type {
	switch t := t.(type) {
	case *Var:
		return f(t)
	case *Tuple:
		if len(t.Elems) == 0 {
			return t
		}
		elems := make([]Type, len(t.Elems))
		for i, e := range t.Elems {
			elems[i] = Map(e, f)
		}
		return &Tuple{Elems: elems}
	case *Record:
		fields := make([]Field, len(t.Fields))
		for i, fd := range t.Fields {
			fields[i] = Field{Name: fd.Name, Type: Map(fd.Type, f)}
		}
		var args []Type
		for _, a := range t.Args {
			args = append(args, Map(a, f))
		}
		return &Record{Fields: fields, Name: t.Name, Args: args}
	case *Func:
		return &Func{Dom: Map(t.Dom, f), Cod: Map(t.Cod, f)}
	case *Chan:
		return &Chan{Dir: t.Dir, Elem: Map(t.Elem, f)}
	case *Variant:
		args := make([]Type, len(t.Args))
		for i, a := range t.Args {
			args[i] = Map(a, f)
		}
		return &Variant{Def: t.Def, Args: args}
	case *Ptr:
		return &Ptr{Elem: Map(t.Elem, f)}
	case *Duplex:
		return &Duplex{Read: Map(t.Read, f), Write: Map(t.Write, f)}
	case *Array:
		return &Array{Elem: Map(t.Elem, f), Growable: t.Growable}
	}
	return t
}
