package ast

import (
	"strconv"
	"strings"
)

// Text is a short text of an expression in the language's syntax, for messages and
// pictures: `long_enough 4`, `counter &tally`. A function literal is `{...}`; the sugar the
// parser removed does not come back (`x.f` is printed as written only for a field).
func Text(e Expr) string {
	switch e := e.(type) {
	case *Name:
		return strings.Join(e.Path, "::")
	case *IntLit:
		return strconv.FormatInt(e.Value, 10)
	case *FloatLit:
		return strconv.FormatFloat(e.Value, 'g', -1, 64)
	case *StringLit:
		return strconv.Quote(e.Value)
	case *BoolLit:
		return strconv.FormatBool(e.Value)
	case *UnitLit:
		return "()"
	case *TupleLit:
		return "(" + texts(e.Elems) + ")"
	case *RecordLit:
		fields := make([]string, len(e.Names))
		for i, n := range e.Names {
			fields[i] = n + "=" + Text(e.Values[i])
		}
		return "(" + strings.Join(fields, ", ") + ")"
	case *ListLit:
		return "([" + texts(e.Elems) + "])"
	case *Apply:
		return operand(e.Fn) + " " + operand(e.Arg)
	case *Dot:
		return operand(e.X) + "." + Text(e.Name)
	case *Proj:
		return operand(e.X) + "." + strconv.Itoa(e.Index)
	case *Index:
		return operand(e.X) + ".[" + Text(e.I) + "]"
	case *Slice:
		return operand(e.X) + ".[" + Text(e.From) + " to " + Text(e.To) + "]"
	case *Binary:
		return operand(e.L) + " " + e.Op + " " + operand(e.R)
	case *Unary:
		if e.Op == "not" {
			return "not " + operand(e.X)
		}
		return e.Op + operand(e.X)
	case *Logic:
		op := " or "
		if e.And {
			op = " and "
		}
		return operand(e.L) + op + operand(e.R)
	case *Cond:
		return "if " + Text(e.Cond) + " then " + Text(e.Then) + " else " + Text(e.Else) + " endif"
	case *Deref:
		return "*" + operand(e.X)
	case *AddrOf:
		return "&" + operand(e.X)
	case *Coerce:
		return Text(e.X)
	case *Lambda:
		return "{...}"
	case *Match:
		return "match " + Text(e.Scrut) + " with ... endmatch"
	}
	return "..."
}

// operand is the text of an expression inside another: in parentheses unless it is a
// name, a literal or written in brackets of its own.
func operand(e Expr) string {
	switch e.(type) {
	case *Name, *IntLit, *FloatLit, *StringLit, *BoolLit, *UnitLit, *TupleLit, *RecordLit, *ListLit, *Lambda, *Proj, *Dot, *Index, *Slice, *AddrOf, *Deref:
		return Text(e)
	}
	return "(" + Text(e) + ")"
}

func texts(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = Text(e)
	}
	return strings.Join(parts, ", ")
}
