package check

import (
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// invalid is the expression standing for one that had an error.
func invalid(pos ast.Pos) ir.Expr {
	return &ir.Const{P: pos, T: types.InvalidType}
}

// valueExpr checks an expression that must produce a value.
func (c *Checker) valueExpr(e ast.Expr) ir.Expr {
	x := c.expr(e)
	if types.IsVoid(x.Type()) {
		c.errorf(e.Position(), "%s returns no value", describeExpr(e))
		return invalid(e.Position())
	}
	return x
}

// typedExpr checks an expression that must have type want (or be assignable to it).
func (c *Checker) typedExpr(e ast.Expr, want types.Type, what string) ir.Expr {
	x := c.valueExpr(e)
	if !types.AssignableTo(x.Type(), want) {
		c.errorf(e.Position(), "%s must be %s, not %s", what, want, x.Type())
		return invalid(e.Position())
	}
	return x
}

// describeExpr names an expression in messages.
func describeExpr(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Name:
		return strings.Join(e.Path, "::")
	case *ast.Apply:
		if n, ok := e.Fn.(*ast.Name); ok {
			return "this call of " + strings.Join(n.Path, "::")
		}
	case *ast.Dot:
		return "this call of " + strings.Join(e.Name.Path, "::")
	}
	return "this expression"
}

// expr checks an expression.
func (c *Checker) expr(e ast.Expr) ir.Expr {
	switch e := e.(type) {
	case *ast.IntLit:
		x := &ir.Const{P: e.P, T: types.IntType, Value: e.Value}
		if e.Size {
			c.sizeLits[x] = true
		}
		return x
	case *ast.FloatLit:
		return &ir.Const{P: e.P, T: types.DoubleType, Value: e.Value}
	case *ast.StringLit:
		return &ir.Const{P: e.P, T: types.StringType, Value: e.Value}
	case *ast.BoolLit:
		return &ir.Const{P: e.P, T: types.BoolType, Value: e.Value}
	case *ast.UnitLit:
		return &ir.Const{P: e.P, T: types.UnitType}
	case *ast.Name:
		return c.nameValue(e)
	case *ast.TupleLit:
		elems := make([]ir.Expr, len(e.Elems))
		ts := make([]types.Type, len(e.Elems))
		for i, x := range e.Elems {
			elems[i] = c.valueExpr(x)
			ts[i] = elems[i].Type()
		}
		return &ir.Tuple{P: e.P, T: &types.Tuple{Elems: ts}, Elems: elems}
	case *ast.RecordLit:
		return c.record(e)
	case *ast.Apply:
		// The spine f a b c: a named function is resolved with all its arguments.
		var spine []*ast.Apply
		var head ast.Expr = e
		for {
			ap, ok := head.(*ast.Apply)
			if !ok {
				break
			}
			spine = append([]*ast.Apply{ap}, spine...)
			head = ap.Fn
		}
		if n, ok := head.(*ast.Name); ok {
			poss := make([]ast.Pos, len(spine))
			args := make([]ir.Expr, len(spine))
			for i, ap := range spine {
				poss[i], args[i] = ap.P, c.valueExpr(ap.Arg)
			}
			return c.resolveCall(poss, n, "", args, false)
		}
		arg := c.valueExpr(e.Arg)
		return c.applyValue(e.P, c.valueExpr(e.Fn), arg)
	case *ast.Dot:
		x := c.valueExpr(e.X)
		if rec, ok := x.Type().(*types.Record); ok && len(e.Name.Path) == 1 {
			name := e.Name.Path[0]
			if i := rec.FieldIndex(name); i >= 0 {
				return &ir.Proj{P: e.Name.P, T: rec.Fields[i].Type, X: x, Index: i}
			}
			if ents, _ := c.sc.lookupValue(name); len(ents) == 0 {
				var fields []string
				for _, f := range rec.Fields {
					fields = append(fields, f.Name)
				}
				c.errorf(e.Name.P, "%s has no field %s%s", rec, name, suggest(name, fields))
				return invalid(e.Name.P)
			}
		}
		return c.applyName(e.Name.P, e.Name, x, false)
	case *ast.Proj:
		x := c.valueExpr(e.X)
		if types.IsInvalid(x.Type()) {
			return invalid(e.P)
		}
		if _, ok := x.Type().(*types.Array); ok {
			return c.index(e.P, x, intConst(e.P, int64(e.Index)))
		}
		t, ok := x.Type().(*types.Tuple)
		if !ok || len(t.Elems) == 0 {
			c.errorf(e.P, "cannot take .%d of %s: it is not a tuple", e.Index, x.Type())
			return invalid(e.P)
		}
		if e.Index < 0 || e.Index >= len(t.Elems) {
			c.errorf(e.P, "tuple index %d out of range: %s has %d elements", e.Index, x.Type(), len(t.Elems))
			return invalid(e.P)
		}
		return &ir.Proj{P: e.P, T: t.Elems[e.Index], X: x, Index: e.Index}
	case *ast.Index:
		arg := c.pair(e.P, c.valueExpr(e.X), c.valueExpr(e.I))
		return c.applyOperator(e.P, "subscript", ".[]", arg)
	case *ast.Slice:
		args := []ir.Expr{c.valueExpr(e.X), c.valueExpr(e.From), c.valueExpr(e.To)}
		arg := &ir.Tuple{P: e.P, T: &types.Tuple{Elems: []types.Type{args[0].Type(), args[1].Type(), args[2].Type()}}, Elems: args}
		return c.applyOperator(e.P, "substring", ".[ to ]", arg)
	case *ast.Binary:
		if n, ok := e.L.(*ast.Name); ok && e.Op == "-" && len(n.Path) == 1 && c.namesNoValue(n.Path[0]) {
			c.errorf(e.P, "%s -%s is %s - %s, a subtraction: to apply %s to a negative number, write %s (-%s)",
				n.Path[0], exprText(e.R), n.Path[0], exprText(e.R), n.Path[0], n.Path[0], exprText(e.R))
			return invalid(e.P)
		}
		l, r := c.valueExpr(e.L), c.valueExpr(e.R)
		arg := c.pair(e.P, l, r)
		if e.Op == "|->" {
			x := c.applyOperator(e.P, e.Func, e.Op, arg)
			c.pipeNetwork(e, l, r, x)
			return x
		}
		if e.Op == "!=" {
			// As in Felix's Eq class, a != b is not (a == b) when the program defines eq.
			errs := len(c.errs)
			if eq, ok := c.applyOperator(e.P, "eq", "==", arg).(*ir.CallFunc); ok {
				return &ir.CallPrim{P: e.P, T: types.BoolType, Prim: "lnot", Args: []ir.Expr{eq}}
			}
			c.errs = c.errs[:errs]
		}
		return c.applyOperator(e.P, e.Func, e.Op, arg)
	case *ast.Unary:
		return c.applyOperator(e.P, e.Func, e.Op, c.valueExpr(e.X))
	case *ast.Logic:
		l := c.typedExpr(e.L, types.BoolType, "an operand of "+logicName(e.And))
		r := c.typedExpr(e.R, types.BoolType, "an operand of "+logicName(e.And))
		return &ir.Logic{P: e.P, And: e.And, L: l, R: r}
	case *ast.Cond:
		return c.cond(e)
	case *ast.Lambda:
		return c.lambda(e)
	case *ast.ListLit:
		elems := make([]ir.Expr, len(e.Elems))
		for i, x := range e.Elems {
			elems[i] = c.valueExpr(x)
		}
		return c.makeList(e.P, elems)
	case *ast.Match:
		return c.matchExpr(e)
	case *ast.Deref:
		return c.deref(e)
	case *ast.AddrOf:
		return c.addrOf(e)
	case *ast.Coerce:
		t := c.resolveType(e.Type)
		x := c.expecting(t, e.X)
		if !types.AssignableTo(x.Type(), t) {
			c.errorf(e.P, "cannot coerce a value of type %s to %s", x.Type(), t)
			return invalid(e.P)
		}
		return c.asType(e.P, x, t)
	case *ast.LabelAddr:
		l := c.ctx.labels[e.Name]
		if l == nil {
			c.errorf(e.P, "undefined label %s%s", e.Name, suggest(e.Name, sortedKeys(c.ctx.labels)))
			return invalid(e.P)
		}
		return &ir.LabelAddr{P: e.P, Label: l}
	}
	c.errorf(e.Position(), "unsupported expression")
	return invalid(e.Position())
}

// namesNoValue reports whether name, here, denotes functions that cannot stand alone as a
// value (overloaded, or generic), as in println -1.
func (c *Checker) namesNoValue(name string) bool {
	ents, _ := c.sc.lookupValue(name)
	fes := funcEnts(ents)
	if len(ents) == 0 || len(fes) < len(ents) {
		return false
	}
	c.funcDom(fes[0])
	return len(fes) > 1 || len(fes[0].tparams) > 0
}

// exprText is a short text of a simple expression, for messages: a literal or a name.
func exprText(e ast.Expr) string {
	switch e.(type) {
	case *ast.IntLit, *ast.FloatLit, *ast.Name:
		return ast.Text(e)
	}
	return "x"
}

func logicName(and bool) string {
	if and {
		return "and"
	}
	return "or"
}

func (c *Checker) pair(pos ast.Pos, a, b ir.Expr) *ir.Tuple {
	return &ir.Tuple{P: pos, T: &types.Tuple{Elems: []types.Type{a.Type(), b.Type()}}, Elems: []ir.Expr{a, b}}
}

func (c *Checker) record(e *ast.RecordLit) ir.Expr {
	fields := make([]types.Field, len(e.Names))
	seen := map[string]bool{}
	vals := make([]ir.Expr, len(e.Names))
	for i, n := range e.Names {
		if seen[n] {
			c.errorf(e.Values[i].Position(), "field %s appears twice in the record", n)
		}
		seen[n] = true
		vals[i] = c.valueExpr(e.Values[i])
		fields[i] = types.Field{Name: n, Type: vals[i].Type()}
	}
	rt := types.NewRecord(fields)
	r := &ir.Record{P: e.P, T: rt, Fields: make([]ir.Expr, len(vals))}
	for i, n := range e.Names {
		j := rt.FieldIndex(n)
		r.Fields[j] = vals[i]
		r.Order = append(r.Order, j)
	}
	return r
}

func (c *Checker) cond(e *ast.Cond) ir.Expr {
	cond := c.typedExpr(e.Cond, types.BoolType, "the condition of if")
	then := c.valueExpr(e.Then)
	els := c.valueExpr(e.Else)
	t := then.Type()
	switch {
	case types.AssignableTo(els.Type(), t):
	case types.AssignableTo(t, els.Type()):
		t = els.Type()
	default:
		c.errorf(e.P, "the branches of this if have different types: %s and %s", then.Type(), els.Type())
		t = types.InvalidType
	}
	return &ir.Cond{P: e.P, T: t, Cond: cond, Then: then, Else: els}
}

// nameValue checks a name used as a value (not applied).
func (c *Checker) nameValue(n *ast.Name) ir.Expr {
	ents, found := c.lookupName(n)
	if !found {
		return invalid(n.P)
	}
	if ve, ok := ents[0].(*varEnt); ok {
		if len(n.TypeArgs) > 0 {
			c.errorf(n.P, "%s is a variable and takes no type arguments", n.Path[len(n.Path)-1])
		}
		return c.varRef(n.P, ve)
	}
	if ce, ok := ents[0].(*ctorEnt); ok {
		return c.ctorValue(n, ce)
	}
	if _, ok := ents[0].(*structEnt); ok {
		c.errorf(n.P, "%s is a struct: build one by applying it to its fields, as in %s (...)", displayName(n), displayName(n))
		return invalid(n.P)
	}
	fes := c.overloadOf(n, funcEnts(ents))
	if fes == nil {
		return invalid(n.P)
	}
	if len(fes) > 1 {
		var sigs []string
		for _, fe := range fes {
			sigs = append(sigs, c.funcDom(fe).String())
		}
		c.errorf(n.P, "%s is overloaded (for %s): apply it to choose one", displayName(n), strings.Join(sigs, ", "))
		return invalid(n.P)
	}
	return c.funcValue(n, fes[0])
}

// expecting checks e, a value expected to have type t.
func (c *Checker) expecting(t types.Type, e ast.Expr) ir.Expr {
	saved := c.expect
	c.expect = t
	defer func() { c.expect = saved }()
	return c.valueExpr(e)
}

// overloadOf keeps, for a name written `f of (T)`, the overloads whose domain is T; it
// reports an error and returns nil when there is none.
func (c *Checker) overloadOf(n *ast.Name, fes []*funcEnt) []*funcEnt {
	if n.Of == nil || len(fes) == 0 {
		return fes
	}
	dom := c.resolveType(n.Of)
	var out []*funcEnt
	var sigs []string
	for _, fe := range fes {
		d := c.funcDom(fe)
		if types.Identical(d, dom) {
			out = append(out, fe)
		}
		sigs = append(sigs, d.String())
	}
	if len(out) == 0 && !types.ContainsInvalid(dom) {
		c.errorf(n.P, "no %s is defined for %s (there is one for %s)", displayName(n), dom, strings.Join(sigs, "; "))
	}
	return out
}

// funcValue makes a function usable as a value: a closure, or for a library constant its
// value.
func (c *Checker) funcValue(n *ast.Name, fe *funcEnt) ir.Expr {
	ft := c.funcType(fe, n.P)
	if ft == nil {
		return invalid(n.P)
	}
	s, ok := c.explicitTypeArgs(n, fe)
	if !ok {
		return invalid(n.P)
	}
	if len(fe.tparams) > 0 && len(n.TypeArgs) == 0 {
		c.errorf(n.P, "generic %s needs type arguments to be used as a value, as in %s[int]", displayName(n), displayName(n))
		return invalid(n.P)
	}
	shape := ft.Dom
	ft = s.apply(ft).(*types.Func)
	if fe.decl.Kind == ast.Const {
		return &ir.CallPrim{P: n.P, T: ft.Cod, Prim: fe.decl.Prim}
	}
	if fe.isPrim() {
		return &ir.FuncValue{P: n.P, T: ft, Func: c.primWrapper(fe.decl.Prim, shape, ft, n.P)}
	}
	c.need(fe)
	return &ir.FuncValue{P: n.P, T: ft, Func: fe.fn, TypeArgs: typeArgs(fe, s)}
}

// primWrapper makes (once per primitive and type) a function that applies a primitive, so
// that the primitive can be passed around as a closure. It passes its arguments as the
// primitive's declared shape says: a generic T is one argument even when it stands for a
// tuple.
func (c *Checker) primWrapper(prim string, shape types.Type, ft *types.Func, pos ast.Pos) *ir.Func {
	key := prim + " : " + shape.String() + " : " + ft.String()
	if fn := c.primWrappers[key]; fn != nil {
		return fn
	}
	fn := &ir.Func{Name: prim, Pos: pos, Kind: ir.KindFun, Type: ft}
	if ft.IsProc() {
		fn.Kind = ir.KindProc
	}
	// The wrapper's parameters are the primitive's arguments: the elements of a tuple
	// shape, else one parameter of the whole domain (which a tuple argument arrives packed in).
	params := []types.Type{ft.Dom}
	if _, ok := shape.(*types.Tuple); ok {
		params = ft.Dom.(*types.Tuple).Elems
	}
	var args []ir.Expr
	for i, t := range params {
		p := &ir.Var{Name: "$" + string(rune('a'+i)), Pos: pos, Type: t, Owner: fn}
		fn.Params = append(fn.Params, p)
		fn.Vars = append(fn.Vars, p)
		args = append(args, &ir.Local{P: pos, Var: p})
	}
	call := &ir.CallPrim{P: pos, T: ft.Cod, Prim: prim, Args: args}
	if ft.IsProc() {
		fn.Body = []ir.Stmt{&ir.ExprStmt{P: pos, X: call}}
	} else {
		fn.Body = []ir.Stmt{&ir.Return{P: pos, Value: call}}
	}
	c.funcs = append(c.funcs, fn)
	c.primWrappers[key] = fn
	c.primWrapperKeys = append(c.primWrapperKeys, key)
	return fn
}

// lookupName finds what a (possibly qualified) name denotes as a value, reporting an error
// when it denotes nothing.
func (c *Checker) lookupName(n *ast.Name) ([]entity, bool) {
	sc, only := c.qualified(n.P, n.Path)
	if sc == nil {
		return nil, false
	}
	name := n.Path[len(n.Path)-1]
	var ents []entity
	if only {
		ents = sc.valuesAt(name)
	} else {
		ents, _ = sc.lookupValue(name)
	}
	if len(ents) == 0 {
		c.undefined(n, sc)
		return nil, false
	}
	return ents, true
}

func (c *Checker) undefined(n *ast.Name, sc *scope) {
	name := n.Path[len(n.Path)-1]
	if sc.lookupType(name) != nil && len(n.Path) == 1 {
		c.errorf(n.P, "%s is a type, not a value", name)
		return
	}
	c.errorf(n.P, "undefined name %s%s", displayName(n), suggest(name, sc.visibleNames()))
}

// valuesAt returns the value entities a scope itself (with its opened modules) holds.
func (s *scope) valuesAt(name string) []entity {
	ents := s.own(name)
	for _, m := range s.opened {
		ents = append(ents[:len(ents):len(ents)], m.own(name)...)
	}
	return ents
}

func displayName(n *ast.Name) string { return strings.Join(n.Path, "::") }

func funcEnts(ents []entity) []*funcEnt {
	var out []*funcEnt
	for _, e := range ents {
		if fe, ok := e.(*funcEnt); ok {
			out = append(out, fe)
		}
	}
	return out
}

// varRef reads a variable, enforcing declaration before use and marking captures.
func (c *Checker) varRef(pos ast.Pos, ve *varEnt) ir.Expr {
	v := ve.v
	immediate := c.runsInOwner(v.Owner)
	switch {
	case !ve.declared && immediate:
		c.errorf(pos, "%s is used before its declaration at line %d", v.Name, v.Pos.Line)
		return invalid(pos)
	case !ve.typed:
		c.errorf(pos, "the type of %s is not known here: it comes from its declaration at line %d, which is checked later; write its type there", v.Name, v.Pos.Line)
		return invalid(pos)
	}
	if v.Owner != c.ctx.fn {
		v.Captured = true
	}
	return &ir.Local{P: pos, Var: v}
}

// runsInOwner reports whether code being checked now runs as part of owner's body when it
// is reached: it is in owner itself or in a begin block nested directly in it.
func (c *Checker) runsInOwner(owner *ir.Func) bool {
	for f := c.ctx.fn; f != nil; f = f.Parent {
		if f == owner {
			return true
		}
		if f.Kind != ir.KindBlock {
			return false
		}
	}
	return false
}
