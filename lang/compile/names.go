package compile

import (
	"strconv"
	"strings"

	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
	"github.com/felixlet/felixlet/vm/code"
)

// A variable used before it is given a value holds nothing: a pointer, a channel, a socket
// or a declared variant never assigned. The instruction that finds nothing fails, and its
// error names the variable: the compiler records, beside each instruction that may meet
// such a register, the source name of what the register holds (code.Func.Names).

// describe returns how the source names the place e reads: a variable (p), an element or
// field of one (t.1, r.x), what a pointer points to (*p); "" for other expressions. A
// hidden temporary is named by what it was given (a match's scrutinee, for instance).
func (fc *fnCompiler) describe(e ir.Expr) string {
	switch e := e.(type) {
	case *ir.Local:
		if strings.HasPrefix(e.Var.Name, "$") {
			return fc.aliases[e.Var]
		}
		return e.Var.Name
	case *ir.Proj:
		x := fc.describe(e.X)
		if x == "" {
			return ""
		}
		if r, ok := fc.typ(e.X.Type()).(*types.Record); ok && e.Index < len(r.Fields) {
			return x + "." + r.Fields[e.Index].Name
		}
		return x + "." + strconv.Itoa(e.Index)
	case *ir.Deref:
		if p := fc.describe(e.Ptr); p != "" {
			return "*" + p
		}
	}
	return ""
}

// alias remembers what a hidden temporary is given, so that describe names it by that.
func (fc *fnCompiler) alias(v *ir.Var, init ir.Expr) {
	if !strings.HasPrefix(v.Name, "$") {
		return
	}
	if name := fc.describe(init); name != "" {
		fc.aliases[v] = name
	} else {
		delete(fc.aliases, v)
	}
}

// name records that the instruction emitted last reads the reference register r, which
// holds the value of e, when a register of e's type may hold nothing.
func (fc *fnCompiler) name(r reg, e ir.Expr) {
	if r.k != kR || !mayBeUnset(fc.typ(e.Type())) {
		return
	}
	if name := fc.describe(e); name != "" {
		fc.out.Names = append(fc.out.Names, code.Name{PC: int32(fc.pc() - 1), Reg: uint16(r.i), Name: name})
	}
}

// mayBeUnset reports whether a register of type t may hold nothing, which is no value of
// t: false for the types whose nil is a value (the empty string, list or array, None).
func mayBeUnset(t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		return false
	case *types.Array:
		return false
	case *types.Variant:
		return t.Def.Kind == types.UserVariant
	}
	return true
}
