package felixlet

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/felixlet/felixlet/vm"
)

// How values cross between Go and a program. Each Go type a function or a channel uses
// has one felixlet type, and its values one representation in the machine:
//
//	Go                                 felixlet   in the machine
//	int, int64 (or a type of them)     int        a scalar slot
//	float64                            double     a scalar slot, the float's bits
//	bool                               bool       a scalar slot, 0 or 1
//	string                             string     a reference slot holding a Go string
//	[]T                                list[T]    *vm.List cells, nil for the empty list
//	struct {A T1; B T2; ...}           T1 * T2    *vm.Tuple, the fields in order
//
// A struct needs two fields at least (felixlet has no tuple of one), all exported.

// goType is a Go type a program can see: its felixlet type and how its values cross.
type goType struct {
	rt     reflect.Type
	kind   goKind
	elem   *goType   // a list's element type
	fields []*goType // a tuple's element types: the struct's fields, in order
	ns, nr int       // a tuple's scalar and reference slots
}

// goKind is the felixlet type constructor a Go type maps to.
type goKind uint8

const (
	kInt goKind = iota
	kDouble
	kBool
	kString
	kList
	kTuple
)

// typeOf finds the felixlet type of a Go type, or says why it has none.
func typeOf(rt reflect.Type) (*goType, error) { return typeOfIn(rt, map[reflect.Type]bool{}) }

// typeOfIn is typeOf inside the types in outer, which a type may not contain again.
func typeOfIn(rt reflect.Type, outer map[reflect.Type]bool) (*goType, error) {
	t := &goType{rt: rt}
	switch rt.Kind() {
	case reflect.Int, reflect.Int64:
		t.kind = kInt
	case reflect.Float64:
		t.kind = kDouble
	case reflect.Bool:
		t.kind = kBool
	case reflect.String:
		t.kind = kString
	case reflect.Slice:
		if outer[rt] {
			return nil, fmt.Errorf("Go type %s contains itself, which no felixlet type does", rt)
		}
		outer[rt] = true
		defer delete(outer, rt)
		elem, err := typeOfIn(rt.Elem(), outer)
		if err != nil {
			return nil, err
		}
		t.kind, t.elem = kList, elem
	case reflect.Struct:
		if outer[rt] {
			return nil, fmt.Errorf("Go type %s contains itself, which no felixlet type does", rt)
		}
		outer[rt] = true
		defer delete(outer, rt)
		if rt.NumField() < 2 {
			return nil, fmt.Errorf("Go type %s has fewer than two fields: it is no felixlet tuple", rt)
		}
		var fields []*goType
		for i := range rt.NumField() {
			f := rt.Field(i)
			if !f.IsExported() {
				return nil, fmt.Errorf("Go type %s has the unexported field %s: a felixlet tuple's elements must all cross", rt, f.Name)
			}
			ft, err := typeOfIn(f.Type, outer)
			if err != nil {
				return nil, err
			}
			fields = append(fields, ft)
		}
		t = tupleOf(fields)
		t.rt = rt
	default:
		return nil, fmt.Errorf("Go type %s has no felixlet type (use int, int64, float64, bool, string, and slices and structs of them)", rt)
	}
	return t, nil
}

// tupleOf is the tuple type of these element types.
func tupleOf(fields []*goType) *goType {
	t := &goType{kind: kTuple, fields: fields}
	for _, ft := range fields {
		if ft.scalar() {
			t.ns++
		} else {
			t.nr++
		}
	}
	return t
}

// scalar reports whether the type's values live in a scalar slot.
func (t *goType) scalar() bool { return t.kind <= kBool }

// String is the felixlet type, as a declaration writes it.
func (t *goType) String() string {
	switch t.kind {
	case kInt:
		return "int"
	case kDouble:
		return "double"
	case kBool:
		return "bool"
	case kString:
		return "string"
	case kList:
		return "list[" + t.elem.String() + "]"
	}
	return "(" + product(t.fields) + ")"
}

// product writes types as the elements of a tuple: "int * string".
func product(ts []*goType) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, " * ")
}

// toGo makes the Go value of a value of the machine: its scalar part s or its reference
// part r.
func (t *goType) toGo(s uint64, r vm.Value) reflect.Value {
	v := reflect.New(t.rt).Elem()
	switch t.kind {
	case kInt:
		v.SetInt(int64(s))
	case kDouble:
		v.SetFloat(math.Float64frombits(s))
	case kBool:
		v.SetBool(s != 0)
	case kString:
		str, _ := r.(string) // a nil register is ""
		v.SetString(str)
	case kList:
		l, _ := r.(*vm.List)
		n := 0
		for c := l; c != nil; c = c.Tail {
			n++
		}
		if n == 0 {
			return v // nil, as Go's empty slices mostly are
		}
		v.Set(reflect.MakeSlice(t.rt, n, n))
		for i, c := 0, l; c != nil; i, c = i+1, c.Tail {
			v.Index(i).Set(t.elem.toGo(c.S, c.R))
		}
	case kTuple:
		tup := r.(*vm.Tuple)
		t.unslot(tup.S, tup.R, func(i int, f reflect.Value) { v.Field(i).Set(f) })
	}
	return v
}

// unslot calls set with each element of a value of the tuple type t, from slots laid out
// as a tuple's are: the scalar elements in order in s, the others in r.
func (t *goType) unslot(s []uint64, r []vm.Value, set func(i int, v reflect.Value)) {
	for i, ft := range t.fields {
		if ft.scalar() {
			set(i, ft.toGo(s[0], nil))
			s = s[1:]
		} else {
			set(i, ft.toGo(0, r[0]))
			r = r[1:]
		}
	}
}

// fromGo makes the machine's value of a Go value: its scalar part or its reference part.
func (t *goType) fromGo(v reflect.Value) (uint64, vm.Value) {
	switch t.kind {
	case kInt:
		return uint64(v.Int()), nil
	case kDouble:
		return math.Float64bits(v.Float()), nil
	case kBool:
		if v.Bool() {
			return 1, nil
		}
		return 0, nil
	case kString:
		return 0, v.String()
	case kList:
		var l *vm.List
		for i := v.Len() - 1; i >= 0; i-- {
			s, r := t.elem.fromGo(v.Index(i))
			l = &vm.List{S: s, R: r, Tail: l}
		}
		if l == nil {
			return 0, nil // the empty list is the nil Value, never a typed nil
		}
		return 0, l
	}
	return 0, t.slot(func(i int) reflect.Value { return v.Field(i) })
}

// slot makes a value of the tuple type t from its elements, which elem gives.
func (t *goType) slot(elem func(i int) reflect.Value) *vm.Tuple {
	tup := &vm.Tuple{}
	if t.ns > 0 {
		tup.S = make([]uint64, 0, t.ns)
	}
	if t.nr > 0 {
		tup.R = make([]vm.Value, 0, t.nr)
	}
	for i, ft := range t.fields {
		s, r := ft.fromGo(elem(i))
		if ft.scalar() {
			tup.S = append(tup.S, s)
		} else {
			tup.R = append(tup.R, r)
		}
	}
	return tup
}
