package check

import (
	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// The primitives the checker itself uses to expand counted loops and string iteration.
const (
	primAdd       = "add"
	primSub       = "sub"
	primLe        = "le"
	primLt        = "lt"
	primGt        = "gt"
	primEq        = "eq"
	primLen       = "len"
	primSubscript = "subscript"
)

func (c *Checker) stmts(ss []ast.Stmt) []ir.Stmt {
	var out []ir.Stmt
	for _, s := range ss {
		out = append(out, c.stmt(s)...)
	}
	return out
}

func (c *Checker) stmt(s ast.Stmt) []ir.Stmt {
	switch s := s.(type) {
	case *ast.VarDecl:
		return c.varDecl(s)
	case *ast.Assign:
		return c.assign(s)
	case *ast.Incr:
		ve := c.assignable(s.Target)
		if ve == nil {
			return nil
		}
		fn, op := primAdd, "++"
		if s.Delta < 0 {
			fn, op = primSub, "--"
		}
		cur := &ir.Local{P: s.P, Var: ve.v}
		val := c.applyOperator(s.P, fn, op, c.pair(s.P, cur, intConst(s.P, 1)))
		return []ir.Stmt{c.store(s.P, ve, val)}
	case *ast.ExprStmt:
		return c.exprStmt(s)
	case *ast.FuncDecl, *ast.TypeDecl, *ast.Module, *ast.Open:
		return nil // entered by collect; bodies are checked after the scope
	case *ast.If:
		cond := c.typedExpr(s.Cond, types.BoolType, "the condition of if")
		return []ir.Stmt{&ir.If{P: s.P, Cond: cond, Then: c.stmts(s.Then), Else: c.stmts(s.Else)}}
	case *ast.While:
		loop := &ir.Loop{P: s.P}
		if b, ok := s.Cond.(*ast.BoolLit); !ok || b.Value == s.Until {
			loop.Cond = c.typedExpr(s.Cond, types.BoolType, "the condition of the loop")
			if s.Until {
				loop.Cond = &ir.CallPrim{P: s.Cond.Position(), T: types.BoolType, Prim: "lnot", Args: []ir.Expr{loop.Cond}}
			}
		}
		loop.Body = c.loopBody(s.Label, loop, s.Body)
		return []ir.Stmt{loop}
	case *ast.ForRange:
		return c.forRange(s)
	case *ast.ForIn:
		return c.forIn(s)
	case *ast.CFor:
		init := c.stmt(s.Init)
		loop := &ir.Loop{P: s.P, Cond: c.typedExpr(s.Cond, types.BoolType, "the condition of the loop")}
		loop.Body = c.loopBody("", loop, s.Body)
		loop.Step = c.stmt(s.Step)
		return append(init, loop)
	case *ast.Label:
		return []ir.Stmt{c.ctx.labels[s.Name]}
	case *ast.GotoLabel:
		return []ir.Stmt{&ir.GotoLabel{P: s.P, Target: c.typedExpr(s.Target, types.LabelType, "the target of goto *")}}
	case *ast.Goto:
		g := &ir.Goto{P: s.P}
		c.ctx.gotos = append(c.ctx.gotos, &pendingGoto{g: g, name: s.Name})
		return []ir.Stmt{g}
	case *ast.Break:
		if l := c.findLoop(s.P, s.Label); l != nil {
			return []ir.Stmt{&ir.Break{P: s.P, Loop: l}}
		}
		return nil
	case *ast.Continue:
		if l := c.findLoop(s.P, s.Label); l != nil {
			return []ir.Stmt{&ir.Continue{P: s.P, Loop: l}}
		}
		return nil
	case *ast.Return:
		return []ir.Stmt{c.ret(s)}
	case *ast.Halt:
		return []ir.Stmt{&ir.Halt{P: s.P, Msg: c.typedExpr(s.Msg, types.StringType, "the message of halt")}}
	case *ast.Begin:
		return []ir.Stmt{c.block(s)}
	case *ast.MatchStmt:
		return c.matchStmt(s)
	case *ast.Select:
		return c.selectStmt(s)
	case *ast.Yield:
		return []ir.Stmt{c.yield(s)}
	case *ast.Circuit:
		return c.circuit(s)
	case *ast.VariantDecl, *ast.StructDecl:
		return nil // entered by collect
	case *ast.ExportDecl:
		c.export(s)
		return nil
	}
	c.errorf(s.Position(), "unsupported statement")
	return nil
}

// export checks `export proc f of (T) as "c";`: f must be a procedure (or function) with
// domain T. Exporting gives it a C name and changes nothing else.
func (c *Checker) export(e *ast.ExportDecl) {
	n := *e.Name
	n.Of = e.Of
	ents, found := c.lookupName(&n)
	if !found {
		return
	}
	fes := c.overloadOf(&n, funcEnts(ents))
	if len(fes) == 0 {
		if len(funcEnts(ents)) == 0 {
			c.errorf(n.P, "%s is not a procedure or function, so it cannot be exported", displayName(&n))
		}
		return
	}
	if isProc := fes[0].decl.Kind == ast.Proc; isProc != (e.Kind == ast.Proc) {
		c.errorf(n.P, "export %s: %s is not a %s", displayName(&n), displayName(&n), map[bool]string{true: "proc", false: "fun"}[e.Kind == ast.Proc])
	}
}

func intConst(pos ast.Pos, v int64) ir.Expr {
	return &ir.Const{P: pos, T: types.IntType, Value: v}
}

// binder finds the variable collect made for a declaration's binder.
func (c *Checker) binder(b *ast.Binder) *varEnt {
	for s := c.sc; s != nil; s = s.parent {
		if ents := s.values[b.Name]; len(ents) > 0 {
			if ve, ok := ents[0].(*varEnt); ok && ve.v.Pos == b.P {
				return ve
			}
			return nil
		}
	}
	return nil
}

func (c *Checker) varDecl(d *ast.VarDecl) []ir.Stmt {
	ves := make([]*varEnt, len(d.Binders))
	for i, b := range d.Binders {
		ves[i] = c.binder(b)
	}
	var init ir.Expr
	if d.Init != nil {
		var want types.Type
		if len(ves) == 1 && ves[0] != nil && d.Binders[0].Type != nil {
			want = ves[0].v.Type
		}
		init = c.expecting(want, d.Init)
	}
	defer func() {
		for _, ve := range ves {
			if ve != nil {
				ve.declared, ve.typed = true, true
				if ve.v.Type == nil {
					ve.v.Type = types.InvalidType
				}
			}
		}
	}()
	if len(d.Binders) == 1 {
		ve := ves[0]
		if ve == nil {
			return nil
		}
		if init == nil {
			if ve.v.Type == nil {
				c.errorf(d.P, "%s needs a type or an initialiser", ve.v.Name)
			}
			return []ir.Stmt{&ir.Decl{P: d.P, Var: ve.v}}
		}
		c.bindType(d.Binders[0], ve, init.Type())
		if deviceConnectors(init.Type()) != nil {
			ve.chip = d.Init
		} else if d.Device && !types.ContainsInvalid(init.Type()) {
			c.errorf(d.Init.Position(), "device %s must be a chip (with its arguments but its connectors), not a value of type %s", ve.v.Name, init.Type())
		}
		return []ir.Stmt{&ir.Decl{P: d.P, Var: ve.v, Init: init}}
	}
	tt, ok := init.Type().(*types.Tuple)
	if !ok || len(tt.Elems) != len(d.Binders) {
		if !types.IsInvalid(init.Type()) {
			c.errorf(d.Init.Position(), "cannot destructure %s into %d names", init.Type(), len(d.Binders))
		}
		return nil
	}
	for i, b := range d.Binders {
		if ves[i] != nil {
			c.bindType(b, ves[i], tt.Elems[i])
		}
	}
	vars := make([]*ir.Var, len(ves))
	for i, ve := range ves {
		if ve == nil {
			return nil
		}
		vars[i] = ve.v
	}
	if lit, ok := init.(*ir.Tuple); ok {
		out := make([]ir.Stmt, len(vars))
		for i, v := range vars {
			out[i] = &ir.Decl{P: d.P, Var: v, Init: lit.Elems[i]}
		}
		return out
	}
	return []ir.Stmt{&ir.Destructure{P: d.P, Vars: vars, Init: init}}
}

// bindType gives a declared variable its type: the annotation, checked against the
// initialiser's type, or the initialiser's type.
func (c *Checker) bindType(b *ast.Binder, ve *varEnt, t types.Type) {
	if ve.v.Type == nil {
		ve.v.Type = t
		return
	}
	if !types.AssignableTo(t, ve.v.Type) {
		c.errorf(b.P, "cannot initialise %s of type %s with a value of type %s", b.Name, ve.v.Type, t)
	}
}

// assignable checks the target of an assignment and returns its variable.
func (c *Checker) assignable(target ast.Expr) *varEnt {
	n, ok := target.(*ast.Name)
	if !ok || len(n.Path) != 1 {
		c.errorf(target.Position(), "cannot assign to this expression; only a variable can be assigned")
		return nil
	}
	ents, found := c.lookupName(n)
	if !found {
		return nil
	}
	ve, ok := ents[0].(*varEnt)
	if !ok {
		what := "a function"
		if _, isCtor := ents[0].(*ctorEnt); isCtor {
			what = "a constructor"
		}
		c.errorf(n.P, "cannot assign to %s: it is %s", n.Path[0], what)
		return nil
	}
	if !ve.v.Mutable {
		what := "val"
		if isParam(ve.v) {
			what = "parameter"
		}
		c.errorf(n.P, "cannot assign to %s %s", what, n.Path[0])
		return nil
	}
	if c.varRef(n.P, ve).Type() == types.InvalidType {
		return nil
	}
	return ve
}

func isParam(v *ir.Var) bool {
	for _, p := range v.Owner.Params {
		if p == v {
			return true
		}
	}
	return false
}

// store assigns val to a variable, checking its type.
func (c *Checker) store(pos ast.Pos, ve *varEnt, val ir.Expr) ir.Stmt {
	if !types.AssignableTo(val.Type(), ve.v.Type) {
		c.errorf(pos, "cannot assign a value of type %s to %s of type %s", val.Type(), ve.v.Name, ve.v.Type)
	}
	return &ir.Assign{P: pos, Var: ve.v, Value: val}
}

// updateFuncs maps the update operators to the library functions they apply.
var updateFuncs = map[string][2]string{
	"+=": {"add", "+"}, "-=": {"sub", "-"}, "*=": {"mul", "*"}, "/=": {"div", "/"}, "%=": {"mod", "%"},
}

func (c *Checker) assign(s *ast.Assign) []ir.Stmt {
	if s.Op == "<-" {
		return c.storeThrough(s)
	}
	val := c.valueExpr(s.Value)
	if _, isField := s.Target.(*ast.Dot); isField {
		return c.assignField(s, val)
	}
	ve := c.assignable(s.Target)
	if ve == nil {
		return nil
	}
	if s.Op != "=" {
		f := updateFuncs[s.Op]
		cur := &ir.Local{P: s.P, Var: ve.v}
		if _, ok := ve.v.Type.(*types.Array); ok && s.Op == "+=" {
			// As in Felix, v += x pushes x onto the array.
			return []ir.Stmt{&ir.ExprStmt{P: s.P, X: c.applyOperator(s.P, "push_back", s.Op, c.pair(s.P, cur, val))}}
		}
		val = c.applyOperator(s.P, f[0], f[1], c.pair(s.P, cur, val))
	}
	return []ir.Stmt{c.store(s.P, ve, val)}
}

// assignField checks an assignment to a field of a struct or record variable, `p.x = e;`
// (also `p.a.b = e;`): the variable gets a copy of its value with that field replaced, so
// that other copies of the value do not change.
func (c *Checker) assignField(s *ast.Assign, val ir.Expr) []ir.Stmt {
	var path []*ast.Name // the fields, outermost first
	target := s.Target
	for {
		d, ok := target.(*ast.Dot)
		if !ok {
			break
		}
		path = append([]*ast.Name{d.Name}, path...)
		target = d.X
	}
	ve := c.assignable(target)
	if ve == nil {
		return nil
	}
	// values[i] is the record holding field path[i].
	values := []ir.Expr{&ir.Local{P: s.P, Var: ve.v}}
	var indices []int
	for _, f := range path {
		cur := values[len(values)-1]
		rt, ok := cur.Type().(*types.Record)
		i := -1
		if ok && len(f.Path) == 1 {
			i = rt.FieldIndex(f.Path[0])
		}
		if i < 0 {
			c.errorf(f.P, "cannot assign to .%s: %s has no field %s", displayName(f), cur.Type(), displayName(f))
			return nil
		}
		indices = append(indices, i)
		values = append(values, &ir.Proj{P: f.P, T: rt.Fields[i].Type, X: cur, Index: i})
	}
	if s.Op != "=" {
		f := updateFuncs[s.Op]
		val = c.applyOperator(s.P, f[0], f[1], c.pair(s.P, values[len(values)-1], val))
	}
	if want := values[len(values)-1].Type(); !types.AssignableTo(val.Type(), want) {
		c.errorf(s.P, "cannot assign a value of type %s to field %s of type %s", val.Type(), displayName(path[len(path)-1]), want)
		return nil
	}
	// Rebuild the records from the innermost out.
	for k := len(path) - 1; k >= 0; k-- {
		rt := values[k].Type().(*types.Record)
		r := &ir.Record{P: s.P, T: rt, Fields: make([]ir.Expr, len(rt.Fields))}
		for i, f := range rt.Fields {
			r.Fields[i] = &ir.Proj{P: s.P, T: f.Type, X: values[k], Index: i}
			r.Order = append(r.Order, i)
		}
		r.Fields[indices[k]] = val
		val = r
	}
	return []ir.Stmt{c.store(s.P, ve, val)}
}

// exprStmt checks an expression statement: a procedure call, or a procedure of no
// argument, which is called (`tick;`).
func (c *Checker) exprStmt(s *ast.ExprStmt) []ir.Stmt {
	var x ir.Expr
	if n, ok := s.X.(*ast.Name); ok && c.namesProcedure(n) {
		x = c.applyName(n.P, n, &ir.Const{P: n.P, T: types.UnitType}, false)
	} else {
		x = c.expr(s.X)
	}
	t := x.Type()
	if ft, ok := t.(*types.Func); ok && types.IsUnit(ft.Dom) && ft.IsProc() {
		x = c.applyValue(s.P, x, &ir.Const{P: s.P, T: types.UnitType})
		t = x.Type()
	}
	if !types.IsVoid(t) && !types.IsInvalid(t) {
		c.errorf(s.P, "the value of this expression, of type %s, is not used", t)
	}
	return []ir.Stmt{&ir.ExprStmt{P: s.P, X: x}}
}

// namesProcedure reports whether a bare name denotes functions, one of which is a
// procedure of no argument.
func (c *Checker) namesProcedure(n *ast.Name) bool {
	sc, only := c.qualified(n.P, n.Path)
	if sc == nil {
		return false
	}
	name := n.Path[len(n.Path)-1]
	var ents []entity
	if only {
		ents = sc.valuesAt(name)
	} else {
		ents, _ = sc.lookupValue(name)
	}
	for _, fe := range funcEnts(ents) {
		if fe.decl.Kind != ast.Const && types.IsUnit(c.funcDom(fe)) {
			return true
		}
	}
	return false
}

// loopBody checks a loop's body with the loop reachable by break and continue.
func (c *Checker) loopBody(label string, loop *ir.Loop, body []ast.Stmt) []ir.Stmt {
	c.ctx.loops = append(c.ctx.loops, loopCtx{label: label, loop: loop})
	out := c.stmts(body)
	c.ctx.loops = c.ctx.loops[:len(c.ctx.loops)-1]
	return out
}

func (c *Checker) findLoop(pos ast.Pos, label string) *ir.Loop {
	var labels []string
	for i := len(c.ctx.loops) - 1; i >= 0; i-- {
		if c.ctx.loops[i].label == label {
			return c.ctx.loops[i].loop
		}
		labels = append(labels, c.ctx.loops[i].label)
	}
	c.errorf(pos, "no enclosing loop is labelled %s%s", label, suggest(label, labels))
	return nil
}

// forRange expands a counted loop exactly as Felix does, which fixes the value the control
// variable has afterwards:
//
//	for i in a..b       declares i; while i <= b: body; if i == b break; ++i    (i ends at b)
//	for i in a..<b      declares i; while i < b: body; ++i                      (i ends at b)
//	for var i in a upto b  declares i; while i <= b: body; ++i                  (i ends at b+1)
//	for i in a upto b   assigns i, then as a..b                                  (i ends at b)
//	for [var] i in a downto b   i = a + 1; while i > b: --i; body                (i ends at b)
//
// As in Felix's expansion, the bound b is part of the tests, so it is evaluated each time
// they run.
func (c *Checker) forRange(s *ast.ForRange) []ir.Stmt {
	from := c.typedExpr(s.From, types.IntType, "the start of the range")
	bound := func() ir.Expr { return c.typedExpr(s.To, types.IntType, "the end of the range") }
	to := bound()
	var ve *varEnt
	if s.Declare {
		ve = c.binder(s.Var)
		if ve == nil {
			return nil
		}
		ve.declared = true
		if s.Var.Type != nil && !types.Identical(ve.v.Type, types.IntType) {
			c.errorf(s.Var.P, "the control variable of a counted loop must be int, not %s", ve.v.Type)
		}
		ve.v.Type = types.IntType
	} else {
		ve = c.assignable(&ast.Name{P: s.Var.P, Path: []string{s.Var.Name}})
		if ve == nil {
			return nil
		}
		if !types.Identical(ve.v.Type, types.IntType) {
			c.errorf(s.Var.P, "the control variable of a counted loop must be int, not %s", ve.v.Type)
			return nil
		}
	}
	pos := s.P
	i := ve.v
	local := func() ir.Expr { return &ir.Local{P: pos, Var: i} }
	prim := func(name string, t types.Type, a, b ir.Expr) ir.Expr {
		return &ir.CallPrim{P: pos, T: t, Prim: name, Args: []ir.Expr{a, b}}
	}
	step := func(name string) ir.Stmt {
		return &ir.Assign{P: pos, Var: i, Value: prim(name, types.IntType, local(), intConst(pos, 1))}
	}
	var out []ir.Stmt
	if s.Declare {
		out = append(out, &ir.Decl{P: pos, Var: i, Init: from})
	} else {
		out = append(out, &ir.Assign{P: pos, Var: i, Value: from})
	}
	loop := &ir.Loop{P: pos}
	body := c.loopBody(s.Label, loop, s.Body)
	switch {
	case s.Kind == ast.RangeDownto:
		out = append(out, step(primAdd))
		loop.Cond = prim(primGt, types.BoolType, local(), to)
		loop.Body = append([]ir.Stmt{step(primSub)}, body...)
	case s.Kind == ast.RangeExcl:
		loop.Cond = prim(primLt, types.BoolType, local(), to)
		loop.Body, loop.Step = body, []ir.Stmt{step(primAdd)}
	case s.Kind == ast.RangeUpto && s.Declare:
		loop.Cond = prim(primLe, types.BoolType, local(), to)
		loop.Body, loop.Step = body, []ir.Stmt{step(primAdd)}
	default: // a..b, and upto on an existing variable
		loop.Cond = prim(primLe, types.BoolType, local(), to)
		guard := &ir.If{P: pos, Cond: prim(primEq, types.BoolType, local(), bound()), Then: []ir.Stmt{&ir.Break{P: pos, Loop: loop}}}
		loop.Body, loop.Step = body, []ir.Stmt{guard, step(primAdd)}
	}
	return append(out, loop)
}

// forIn expands `for x in e`: over a string x takes each char, over a list (or a tuple of
// one type) each element, over a generator (a closure of type 1 -> opt[T]) each value it
// gives until None. The control variable is one variable for the whole loop, visible only
// in its body.
func (c *Checker) forIn(s *ast.ForIn) []ir.Stmt {
	iter := c.valueExpr(s.Iter)
	var (
		elem  types.Type
		init  []ir.Stmt
		loop  *ir.Loop
		start func(x *ir.Var) []ir.Stmt
	)
	if types.IsBasic(iter.Type(), types.String) {
		elem, init, loop, start = c.forInString(s, iter)
	} else if _, ok := iter.Type().(*types.Array); ok {
		elem, init, loop, start = c.forInArray(s, iter)
	} else {
		elem, init, loop, start = c.forInOther(s, iter)
	}
	if loop == nil {
		return nil
	}
	x := &ir.Var{Name: s.Var.Name, Pos: s.Var.P, Type: elem, Owner: c.ctx.fn, Mutable: true}
	if s.Var.Type != nil {
		if t := c.resolveType(s.Var.Type); !types.Identical(t, elem) {
			c.errorf(s.Var.P, "%s takes the elements of %s: its type is %s, not %s", s.Var.Name, iter.Type(), elem, t)
		}
	}
	c.ctx.fn.Vars = append(c.ctx.fn.Vars, x)
	loopScope := newScope(c.sc, c.ctx.fn, scopeLoopVar)
	loopScope.values[x.Name] = []entity{&varEnt{v: x, declared: true, typed: true}}
	saved := c.sc
	c.sc = loopScope
	body := c.loopBody(s.Label, loop, s.Body)
	c.sc = saved
	loop.Body = append(start(x), body...)
	return append(init, loop)
}

// forInString iterates over the chars of a string by index.
func (c *Checker) forInString(s *ast.ForIn, iter ir.Expr) (types.Type, []ir.Stmt, *ir.Loop, func(*ir.Var) []ir.Stmt) {
	return c.forInIndexed(s, iter, types.CharType, primLen, primSubscript)
}

// forInIndexed iterates by index over a value whose length the primitive lenPrim gives
// and whose elements, of type elem, getPrim gives.
func (c *Checker) forInIndexed(s *ast.ForIn, iter ir.Expr, elem types.Type, lenPrim, getPrim string) (types.Type, []ir.Stmt, *ir.Loop, func(*ir.Var) []ir.Stmt) {
	pos := s.P
	seq := c.newTemp(pos, iter.Type())
	idx := c.newTemp(pos, types.IntType)
	loc := func(v *ir.Var) ir.Expr { return &ir.Local{P: pos, Var: v} }
	n := &ir.CallPrim{P: pos, T: types.IntType, Prim: lenPrim, Args: []ir.Expr{loc(seq)}}
	loop := &ir.Loop{P: pos,
		Cond: &ir.CallPrim{P: pos, T: types.BoolType, Prim: primLt, Args: []ir.Expr{loc(idx), n}},
		Step: []ir.Stmt{&ir.Assign{P: pos, Var: idx, Value: &ir.CallPrim{P: pos, T: types.IntType, Prim: primAdd, Args: []ir.Expr{loc(idx), intConst(pos, 1)}}}},
	}
	init := []ir.Stmt{
		&ir.Decl{P: pos, Var: seq, Init: iter},
		&ir.Decl{P: pos, Var: idx, Init: intConst(pos, 0)},
	}
	start := func(x *ir.Var) []ir.Stmt {
		return []ir.Stmt{&ir.Decl{P: pos, Var: x, Init: &ir.CallPrim{P: pos, T: elem, Prim: getPrim, Args: []ir.Expr{loc(seq), loc(idx)}}}}
	}
	return elem, init, loop, start
}

// ret checks a return statement against the function's kind and return type.
func (c *Checker) ret(s *ast.Return) ir.Stmt {
	ctx := c.ctx
	if ctx.isProc || ctx.fn.Kind == ir.KindMain || ctx.fn.Kind == ir.KindBlock {
		if s.Value != nil {
			c.errorf(s.P, "a procedure cannot return a value")
		}
		return &ir.Return{P: s.P}
	}
	if s.Value == nil {
		c.errorf(s.P, "return needs a value in a function")
		return &ir.Return{P: s.P}
	}
	v := c.valueExpr(s.Value)
	ctx.returns++
	switch {
	case ctx.ret == nil:
		ctx.ret = v.Type()
	case !types.AssignableTo(v.Type(), ctx.ret):
		c.errorf(s.Value.Position(), "cannot return a value of type %s from a function returning %s", v.Type(), ctx.ret)
	}
	return &ir.Return{P: s.P, Value: v}
}
