package check

import (
	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// Arrays, varray[T] and darray[T], are library types: the prelude gives their constructors
// and operations. The checker adds what Felix's syntax gives them: `v.1`, `v.i` and
// `v.(e)` read an element (an int applied to an array indexes it), `v += x` pushes x,
// `for x in v` visits the elements in use, and in `varray[T] x` the type arguments name
// the type the constructor builds.

// The array primitives the checker itself uses.
const (
	primArrayGet = "array_get"
	primArrayLen = "array_len"
)

// index reads element i of an array.
func (c *Checker) index(pos ast.Pos, arr, i ir.Expr) ir.Expr {
	at := arr.Type().(*types.Array)
	if !types.AssignableTo(i.Type(), types.IntType) {
		c.errorf(pos, "an index of %s must be int, not %s", at, i.Type())
		return invalid(pos)
	}
	return &ir.CallPrim{P: pos, T: at.Elem, Prim: primArrayGet, Args: []ir.Expr{arr, i}}
}

// builtType is the type a constructor call with type arguments names: `varray[int] x`
// builds a varray[int], so only the overloads of varray that give one are candidates (as
// in Felix, where a constructor is chosen by the type it builds; varray[char] "abc" is
// not generic). It is nil for a name that is not an array type.
func (c *Checker) builtType(n *ast.Name) types.Type {
	if len(n.TypeArgs) == 0 || len(n.Path) != 1 {
		return nil
	}
	if te := c.sc.lookupType(n.Path[0]); te == nil || !te.isArray {
		return nil
	}
	return c.resolveType(&ast.NamedType{P: n.P, Path: n.Path, Args: n.TypeArgs})
}

// tupleAsArray names the functions to which a tuple of one type may be given as the list
// of its elements, when no overload takes the tuple itself: in Felix such a tuple is an
// array, which these accept.
var tupleAsArray = map[string]bool{"iterator": true, "varray": true, "darray": true}

// intPairIsArray reports whether an argument of an array constructor, a pair of ints, is
// the two-element array rather than a length and a default. In Felix only a size is a
// length; felixlet's size is int, so a plain integer literal first (3, not 3uz) marks the
// array, as it does in Felix.
func (c *Checker) intPairIsArray(arg ir.Expr) bool {
	t, ok := arg.(*ir.Tuple)
	if !ok || len(t.Elems) != 2 || !types.IsBasic(t.Elems[0].Type(), types.Int) || !types.IsBasic(t.Elems[1].Type(), types.Int) {
		return false
	}
	_, lit := t.Elems[0].(*ir.Const)
	return lit && !c.sizeLits[t.Elems[0]]
}

// forInArray visits the elements of an array by index. The length is read before each
// element, so the loop sees what its body pushes or erases.
func (c *Checker) forInArray(s *ast.ForIn, iter ir.Expr) (types.Type, []ir.Stmt, *ir.Loop, func(*ir.Var) []ir.Stmt) {
	at := iter.Type().(*types.Array)
	return c.forInIndexed(s, iter, at.Elem, primArrayLen, primArrayGet)
}
