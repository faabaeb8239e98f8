package vm

import (
	"github.com/felixlet/felixlet/runtime/schan"
	"github.com/felixlet/felixlet/vm/code"
)

// Value is what a reference register holds: a string, *Tuple, *Closure, *Env, *Chan, or
// a library value. A nil string register reads as "".
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

// Chan is a synchronous channel; every end of a channel is the same *Chan.
type Chan = schan.Chan[*Fibre]

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

// str reads a string register; nil is the empty string.
func str(v Value) string {
	s, _ := v.(string)
	return s
}
