package vm

import (
	"github.com/felixlet/felixlet/vm/code"
)

// Value is what a reference register holds: a string, *Tuple, *Closure, *Env, *Chan, *Ack,
// or a library value. A nil string register reads as "".
type Value = any

// Tuple is a tuple or record value: its scalar slots and its reference slots, in the order
// of the type's layout.
type Tuple struct {
	S []uint64 // the scalar elements
	R []Value  // the reference elements
}

// Closure is a function value: the function and the environment it was made over.
type Closure struct {
	Fn  *code.Func // the function
	Env *Env       // the environment of its enclosing function, or nil if it needs none
}

// Env holds the variables of one activation of a function that nested functions use, so
// that they outlive the frame and are shared by reference.
type Env struct {
	Up *Env     // the environment of the nearest enclosing function that has one
	S  []uint64 // scalar variables
	R  []Value  // reference variables
}

// newEnv makes an environment with ns scalar and nr reference slots below up. When it is
// small, as most are, its slots are in the same object.
func newEnv(up *Env, ns, nr int) *Env {
	var e *Env
	if ns < len(envMakers) && nr < len(envMakers[0]) {
		e = envMakers[ns][nr]()
	} else {
		e = &Env{S: make([]uint64, ns), R: make([]Value, nr)}
	}
	e.Up, e.S, e.R = up, e.S[:ns:ns], e.R[:nr:nr]
	return e
}

// envMakers[ns][nr] makes an environment with room for ns scalar and nr reference slots.
var envMakers = [...][5]func() *Env{
	{envWith[[0]uint64, [0]Value], envWith[[0]uint64, [1]Value], envWith[[0]uint64, [2]Value], envWith[[0]uint64, [3]Value], envWith[[0]uint64, [4]Value]},
	{envWith[[1]uint64, [0]Value], envWith[[1]uint64, [1]Value], envWith[[1]uint64, [2]Value], envWith[[1]uint64, [3]Value], envWith[[1]uint64, [4]Value]},
	{envWith[[2]uint64, [0]Value], envWith[[2]uint64, [1]Value], envWith[[2]uint64, [2]Value], envWith[[2]uint64, [3]Value], envWith[[2]uint64, [4]Value]},
}

// envRoom is an environment and room for its slots: S and R are arrays of scalars and of
// Values.
type envRoom[S, R any] struct {
	e Env
	s S
	r R
}

// envWith makes an environment whose slots are the room after it.
func envWith[S, R any]() *Env {
	b := &envRoom[S, R]{}
	b.e.S, b.e.R = room[uint64](&b.s), room[Value](&b.r)
	return &b.e
}

// newTuple makes a tuple of the given layout from the registers s and r.
func newTuple(l code.Layout, s []uint64, r []Value) *Tuple {
	t := &Tuple{}
	if l.NS > 0 {
		t.S = append(make([]uint64, 0, l.NS), s[:l.NS]...)
	}
	if l.NR > 0 {
		t.R = append(make([]Value, 0, l.NR), r[:l.NR]...)
	}
	return t
}

// newVariant makes a variant value of the given layout (its constructor and payload) from
// the registers s and r.
func newVariant(l code.Layout, s []uint64, r []Value) *Variant {
	v := &Variant{Tag: l.Tag}
	if l.NS > 0 {
		v.S = append(make([]uint64, 0, l.NS), s[:l.NS]...)
	}
	if l.NR > 0 {
		v.R = append(make([]Value, 0, l.NR), r[:l.NR]...)
	}
	return v
}

// newClosure makes a function value of fn over env; a generator that yields gets an
// instance of its own.
func newClosure(fn *code.Func, env *Env) Value {
	if fn.Gen {
		return &GenClosure{Closure: Closure{Fn: fn, Env: env}}
	}
	return &Closure{Fn: fn, Env: env}
}

// cons makes a list cell with the head s or r.
func cons(s uint64, r Value, tail *List) *List { return &List{S: s, R: r, Tail: tail} }

// concat joins two strings.
func concat(a, b string) string { return a + b }

// str reads a string register; nil is the empty string.
func str(v Value) string {
	s, _ := v.(string)
	return s
}

// List is a cell of a non-empty list; the empty list is nil. The head is in S or R, as the
// element type decides.
type List struct {
	S    uint64 // a scalar head
	R    Value  // a reference head
	Tail *List  // the rest of the list, nil at the end
}

// Opt is Some of a value; None is nil.
type Opt struct {
	S uint64 // a scalar payload
	R Value  // a reference payload
}

// Variant is a value of a declared variant: its constructor and the payload's elements,
// laid out like a tuple's.
type Variant struct {
	Tag int      // which constructor
	S   []uint64 // scalar elements of the payload
	R   []Value  // reference elements of the payload
}

// Array is a varray or a darray. Its used elements are unboxed in S when the element type
// is scalar, else in R (a unit element is a nil there), so at most one of S and R is
// non-empty.
type Array struct {
	S   []uint64 // the elements of a scalar element type
	R   []Value  // the elements of any other element type
	Max int      // a varray's capacity (its maxlen), or Growable
}

// Growable is the capacity of a darray, which has no bound.
const Growable = -1

// Len is the number of elements in use; a nil array (a variable never given one) has none.
func (a *Array) Len() int {
	if a == nil {
		return 0
	}
	return len(a.S) + len(a.R)
}

// At returns element i, which must be in use: a scalar or a reference.
func (a *Array) At(i int) (uint64, Value) {
	if len(a.S) > 0 {
		return a.S[i], nil
	}
	return 0, a.R[i]
}

// Pointer points to a variable in an environment.
type Pointer struct {
	Env  *Env // the environment holding the variable
	Slot int  // its slot among the scalar or reference slots, as the pointer's type says
}

// Duplex is one end of a duplex channel: a pair of channels, one read, one written.
type Duplex struct {
	In  *Chan // the channel this end reads
	Out *Chan // the channel this end writes
}

// GenClosure is a closure of a generator that yields: one resumable instance, whose state
// is a fibre of its own, made when it is first called.
type GenClosure struct {
	Closure
	gen *Fibre // the instance's stack and resume point, nil until the first call
}

// listValue puts a list in a register: the empty list is the nil Value, never a typed nil.
func listValue(l *List) Value {
	if l == nil {
		return nil
	}
	return l
}

// tag returns the constructor index of a variant value: Empty and None (nil) are 0, a
// list cell or a Some 1.
func tag(v Value) int {
	switch v := v.(type) {
	case *List, *Opt:
		return 1
	case *Variant:
		return v.Tag
	}
	return 0
}
