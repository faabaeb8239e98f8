package check

import (
	"fmt"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// ---- constructors ---------------------------------------------------------------------------

// ctorValue checks a constructor used without an argument: a constant constructor.
func (c *Checker) ctorValue(n *ast.Name, ce *ctorEnt) ir.Expr {
	def := c.variantDef(ce.te)
	cs := def.Cases[ce.index]
	if cs.Payload != nil {
		c.errorf(n.P, "constructor %s needs an argument, as in %s x", cs.Name, cs.Name)
		return invalid(n.P)
	}
	s, ok := c.ctorTypeArgs(n, def)
	if !ok {
		return invalid(n.P)
	}
	c.expected(def, s)
	args := make([]types.Type, len(def.Params))
	for i, p := range def.Params {
		b, bound := s[p.ID]
		if !bound {
			c.errorf(n.P, "cannot infer the type of %s: write %s[%s]", cs.Name, cs.Name, typeArgHint(def))
			return invalid(n.P)
		}
		args[i] = b
	}
	return &ir.MakeVariant{P: n.P, T: &types.Variant{Def: def, Args: args}, Case: ce.index}
}

// expected binds the type arguments of a constructor of def that its payload leaves open to
// those of the type the value is expected to have (e :>> T, or a declared variable's
// type), when that is a variant of the same definition.
func (c *Checker) expected(def *types.VariantDef, s subst) {
	v, ok := c.expect.(*types.Variant)
	if !ok || v.Def != def {
		return
	}
	for i, p := range def.Params {
		if _, bound := s[p.ID]; !bound {
			s[p.ID] = v.Args[i]
		}
	}
}

func typeArgHint(def *types.VariantDef) string {
	return strings.TrimSuffix(strings.Repeat("int, ", len(def.Params)), ", ")
}

// ctorTypeArgs binds the type arguments written on a constructor (None[int]).
func (c *Checker) ctorTypeArgs(n *ast.Name, def *types.VariantDef) (subst, bool) {
	s := subst{}
	if len(n.TypeArgs) == 0 {
		return s, true
	}
	if len(n.TypeArgs) != len(def.Params) {
		c.errorf(n.P, "%s takes %s, not %d", displayName(n), plural(len(def.Params), "type argument"), len(n.TypeArgs))
		return nil, false
	}
	for i, ta := range n.TypeArgs {
		s[def.Params[i].ID] = c.valueType(c.sc, ta, nil)
	}
	return s, true
}

// applyCtor checks a constructor applied to its payload: Some 3, Cons (h, t), Circle 1.0.
func (c *Checker) applyCtor(pos ast.Pos, n *ast.Name, ce *ctorEnt, arg ir.Expr) ir.Expr {
	def := c.variantDef(ce.te)
	cs := def.Cases[ce.index]
	if cs.Payload == nil {
		if types.IsUnit(arg.Type()) {
			return c.ctorValue(n, ce) // #C
		}
		c.errorf(pos, "constructor %s takes no argument", cs.Name)
		return invalid(pos)
	}
	s, ok := c.ctorTypeArgs(n, def)
	if !ok {
		return invalid(pos)
	}
	mt := newMatcher(s, def.Params)
	if !mt.match(cs.Payload, arg.Type()) {
		if !types.ContainsInvalid(arg.Type()) {
			why := ""
			if mt.why != "" {
				why = " (" + mt.why + ")"
			}
			c.errorf(pos, "%s expects %s, not %s%s", cs.Name, cs.Payload, arg.Type(), why)
		}
		return invalid(pos)
	}
	c.expected(def, s)
	args := make([]types.Type, len(def.Params))
	for i, p := range def.Params {
		b, bound := s[p.ID]
		if !bound {
			c.errorf(pos, "cannot infer the type arguments of %s: write %s[%s]", cs.Name, cs.Name, typeArgHint(def))
			return invalid(pos)
		}
		args[i] = b
	}
	t := &types.Variant{Def: def, Args: args}
	if _, isTuple := cs.Payload.(*types.Tuple); !isTuple {
		// One element, whatever its type: Some (1, "a") stores the pair.
		return &ir.MakeVariant{P: pos, T: t, Case: ce.index, Args: []ir.Expr{arg}}
	}
	return c.flatten(pos, types.NewTuple(t.PayloadElems(ce.index)...), arg, func(elems []ir.Expr) ir.Expr {
		return &ir.MakeVariant{P: pos, T: t, Case: ce.index, Args: elems}
	})
}

// makeList builds a list of the given elements, which must share one type. As in Felix,
// list of one option is the option as a list: list (Some x) is list(x), list (None) empty.
func (c *Checker) makeList(pos ast.Pos, elems []ir.Expr) ir.Expr {
	if len(elems) == 0 {
		c.errorf(pos, "an empty list needs its type: write Empty[int]")
		return invalid(pos)
	}
	if ot, ok := types.IsOpt(elems[0].Type()); ok && len(elems) == 1 {
		tmp := c.newTemp(pos, ot)
		x := func() ir.Expr { return &ir.Local{P: pos, Var: tmp} }
		lt := types.List(ot.Elem())
		empty := &ir.MakeVariant{P: pos, T: lt, Case: 0}
		one := &ir.MakeVariant{P: pos, T: lt, Case: 1, Args: []ir.Expr{
			&ir.VariantField{P: pos, T: ot.Elem(), X: x(), Case: 1, Index: 0}, empty}}
		return &ir.Let{P: pos, Var: tmp, Init: elems[0],
			Body: &ir.Cond{P: pos, T: lt, Cond: &ir.VariantTest{P: pos, X: x(), Case: 1}, Then: one, Else: empty}}
	}
	elem := elems[0].Type()
	for _, e := range elems[1:] {
		switch {
		case types.AssignableTo(e.Type(), elem):
		case types.AssignableTo(elem, e.Type()):
			elem = e.Type()
		default:
			c.errorf(e.Pos(), "the elements of a list must have one type: this one is %s, the first is %s", e.Type(), elem)
			return invalid(pos)
		}
	}
	t := types.List(elem)
	var l ir.Expr = &ir.MakeVariant{P: pos, T: t, Case: 0}
	for i := len(elems) - 1; i >= 0; i-- {
		l = &ir.MakeVariant{P: pos, T: t, Case: 1, Args: []ir.Expr{elems[i], l}}
	}
	return l
}

// tupleElems returns the elements of a value as a list's: the elements of a tuple of one
// type, or the value itself.
func tupleElems(arg ir.Expr) []ir.Expr {
	if t, ok := arg.(*ir.Tuple); ok {
		return t.Elems
	}
	return []ir.Expr{arg}
}

// homogeneous reports whether t is a tuple whose elements all have one type.
func homogeneous(t types.Type) bool {
	tt, ok := t.(*types.Tuple)
	if !ok || len(tt.Elems) < 2 {
		return false
	}
	for _, e := range tt.Elems[1:] {
		if !types.Identical(e, tt.Elems[0]) {
			return false
		}
	}
	return true
}

// tupleToList turns a tuple of one type into the list of its elements.
func (c *Checker) tupleToList(pos ast.Pos, arg ir.Expr) ir.Expr {
	if t, ok := arg.(*ir.Tuple); ok {
		return c.makeList(pos, t.Elems)
	}
	tt := arg.Type().(*types.Tuple)
	tmp := c.newTemp(pos, arg.Type())
	elems := make([]ir.Expr, len(tt.Elems))
	for i, et := range tt.Elems {
		elems[i] = &ir.Proj{P: pos, T: et, X: &ir.Local{P: pos, Var: tmp}, Index: i}
	}
	return &ir.Let{P: pos, Var: tmp, Init: arg, Body: c.makeList(pos, elems)}
}

// ---- match ----------------------------------------------------------------------------------

// armTest is what matching one arm's pattern needs: a test (nil: always) and the binders
// with the values they take.
type armTest struct {
	test  ir.Expr
	binds []binding
}

type binding struct {
	v   *ir.Var
	val ir.Expr
}

// matchArms checks the scrutinee and the patterns of a match, calling body for each arm in
// a scope holding its binders; it returns the hidden variable holding the scrutinee, its
// initial value, and per arm the condition under which the arm runs (binders assigned).
func (c *Checker) matchArms(scrut ast.Expr, arms []*ast.Arm, body func(*ast.Arm)) (*ir.Var, ir.Expr, []ir.Expr) {
	s := c.valueExpr(scrut)
	tmp := c.newTemp(scrut.Position(), s.Type())
	var conds []ir.Expr
	for _, a := range arms {
		armScope := newScope(c.sc, c.ctx.fn, scopeLoopVar)
		var at armTest
		c.pattern(a.Pat, func() ir.Expr { return &ir.Local{P: a.P, Var: tmp} }, s.Type(), armScope, &at)
		saved := c.sc
		c.sc = armScope
		var guard ir.Expr = &ir.Const{P: a.P, T: types.BoolType, Value: true}
		if a.Guard != nil {
			guard = c.typedExpr(a.Guard, types.BoolType, "a guard")
		}
		body(a)
		c.sc = saved
		// The binders are assigned once the pattern's tests pass, before the guard.
		for i := len(at.binds) - 1; i >= 0; i-- {
			guard = &ir.Let{P: a.P, Var: at.binds[i].v, Init: at.binds[i].val, Body: guard}
		}
		cond := guard
		if at.test != nil {
			cond = &ir.Logic{P: a.P, And: true, L: at.test, R: guard}
		}
		conds = append(conds, cond)
	}
	return tmp, s, conds
}

// matchExpr checks a match expression: a chain of conditionals over the arms, ending in a
// match failure.
func (c *Checker) matchExpr(m *ast.Match) ir.Expr {
	var values []ir.Expr
	tmp, init, conds := c.matchArms(m.Scrut, m.Arms, func(a *ast.Arm) {
		values = append(values, c.valueExpr(a.Value))
	})
	var t types.Type
	for _, v := range values {
		switch {
		case t == nil || types.AssignableTo(v.Type(), t):
			if t == nil {
				t = v.Type()
			}
		case types.AssignableTo(t, v.Type()):
			t = v.Type()
		default:
			c.errorf(m.P, "the arms of this match have different types: %s and %s", t, v.Type())
			t = types.InvalidType
		}
	}
	if t == nil {
		c.errorf(m.P, "a match expression needs at least one arm")
		return invalid(m.P)
	}
	var out ir.Expr = &ir.MatchFail{P: m.P, T: t}
	for i := len(values) - 1; i >= 0; i-- {
		out = &ir.Cond{P: values[i].Pos(), T: t, Cond: conds[i], Then: values[i], Else: out}
	}
	return &ir.Let{P: m.P, Var: tmp, Init: init, Body: out}
}

// matchStmt checks a match statement: nested conditionals over the arms.
func (c *Checker) matchStmt(m *ast.MatchStmt) []ir.Stmt {
	var bodies [][]ir.Stmt
	tmp, init, conds := c.matchArms(m.Scrut, m.Arms, func(a *ast.Arm) {
		bodies = append(bodies, c.stmts(a.Body))
	})
	out := []ir.Stmt{&ir.ExprStmt{P: m.P, X: &ir.MatchFail{P: m.P, T: types.VoidType}}}
	for i := len(bodies) - 1; i >= 0; i-- {
		out = []ir.Stmt{&ir.If{P: m.P, Cond: conds[i], Then: bodies[i], Else: out}}
	}
	return append([]ir.Stmt{&ir.Decl{P: m.P, Var: tmp, Init: init}}, out...)
}

// and joins two tests; nil means true.
func and(pos ast.Pos, a, b ir.Expr) ir.Expr {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	return &ir.Logic{P: pos, And: true, L: a, R: b}
}

// pattern checks pattern p against values of type t, which val produces (a projection of
// the scrutinee), adding its test and binders to at and its binders to sc.
func (c *Checker) pattern(p ast.Pattern, val func() ir.Expr, t types.Type, sc *scope, at *armTest) {
	if types.IsInvalid(t) {
		return
	}
	switch p := p.(type) {
	case *ast.PWild:
	case *ast.PName:
		name := p.Name.Path[len(p.Name.Path)-1]
		if v, ok := t.(*types.Variant); ok {
			if i := v.CaseIndex(name); i >= 0 {
				if v.Def.Cases[i].Payload != nil {
					c.errorf(p.P, "constructor %s needs an argument pattern, as in %s _", name, name)
					c.bindInvalid(p, sc, at)
					return
				}
				at.test = and(p.P, at.test, &ir.VariantTest{P: p.P, X: val(), Case: i})
				return
			}
		}
		if p.Const || len(p.Name.Path) > 1 || len(p.Name.TypeArgs) > 0 || c.isCtor(name) {
			c.errorf(p.P, "%s", noSuchCtor(t, displayName(p.Name)))
			c.bindInvalid(p, sc, at)
			return
		}
		c.bind(p.P, name, val(), t, sc, at)
	case *ast.PLit:
		lit := c.valueExpr(p.Value)
		if !types.AssignableTo(lit.Type(), t) {
			c.errorf(p.P, "this pattern has type %s, but the matched value has type %s", lit.Type(), t)
			c.bindInvalid(p, sc, at)
			return
		}
		if types.IsUnit(t) {
			return
		}
		at.test = and(p.P, at.test, &ir.CallPrim{P: p.P, T: types.BoolType, Prim: primEq, Args: []ir.Expr{val(), lit}})
	case *ast.PTuple:
		tt, ok := t.(*types.Tuple)
		if !ok || len(tt.Elems) != len(p.Elems) {
			c.errorf(p.P, "a tuple pattern of %d elements cannot match a value of type %s", len(p.Elems), t)
			c.bindInvalid(p, sc, at)
			return
		}
		for i, e := range p.Elems {
			i := i
			c.pattern(e, func() ir.Expr { return &ir.Proj{P: p.P, T: tt.Elems[i], X: val(), Index: i} }, tt.Elems[i], sc, at)
		}
	case *ast.PRecord:
		rt, ok := t.(*types.Record)
		if !ok {
			c.errorf(p.P, "a record pattern cannot match a value of type %s", t)
			c.bindInvalid(p, sc, at)
			return
		}
		for i, name := range p.Names {
			f := rt.FieldIndex(name)
			if f < 0 {
				c.errorf(p.P, "%s has no field %s", t, name)
				continue
			}
			c.pattern(p.Pats[i], func() ir.Expr { return &ir.Proj{P: p.P, T: rt.Fields[f].Type, X: val(), Index: f} }, rt.Fields[f].Type, sc, at)
		}
	case *ast.PCtor:
		name := p.Name.Path[len(p.Name.Path)-1]
		v, ok := t.(*types.Variant)
		i := -1
		if ok {
			i = v.CaseIndex(name)
		}
		if i < 0 {
			c.errorf(p.P, "%s", noSuchCtor(t, displayName(p.Name)))
			c.bindInvalid(p, sc, at)
			return
		}
		payload := v.Payload(i)
		if payload == nil {
			c.errorf(p.P, "constructor %s takes no argument", name)
			c.bindInvalid(p, sc, at)
			return
		}
		at.test = and(p.P, at.test, &ir.VariantTest{P: p.P, X: val(), Case: i})
		c.payloadPattern(p.Arg, p.P, val, v, i, sc, at)
	case *ast.PCons:
		v, ok := types.IsList(t)
		if !ok {
			c.errorf(p.P, "a list pattern cannot match a value of type %s", t)
			c.bindInvalid(p, sc, at)
			return
		}
		at.test = and(p.P, at.test, &ir.VariantTest{P: p.P, X: val(), Case: 1})
		c.pattern(p.Head, func() ir.Expr { return &ir.VariantField{P: p.P, T: v.Elem(), X: val(), Case: 1, Index: 0} }, v.Elem(), sc, at)
		c.pattern(p.Tail, func() ir.Expr { return &ir.VariantField{P: p.P, T: t, X: val(), Case: 1, Index: 1} }, t, sc, at)
	}
}

// bindInvalid binds the variables of a pattern that could not be checked, so that their
// uses give no further errors.
func (c *Checker) bindInvalid(p ast.Pattern, sc *scope, at *armTest) {
	switch p := p.(type) {
	case *ast.PName:
		if name := p.Name.Path[0]; len(p.Name.Path) == 1 && !c.isCtor(name) && len(sc.values[name]) == 0 {
			c.bind(p.P, name, invalid(p.P), types.InvalidType, sc, at)
		}
	case *ast.PTuple:
		for _, e := range p.Elems {
			c.bindInvalid(e, sc, at)
		}
	case *ast.PRecord:
		for _, e := range p.Pats {
			c.bindInvalid(e, sc, at)
		}
	case *ast.PCtor:
		c.bindInvalid(p.Arg, sc, at)
	case *ast.PCons:
		c.bindInvalid(p.Head, sc, at)
		c.bindInvalid(p.Tail, sc, at)
	}
}

// payloadPattern matches the payload of constructor i of v: element by element when the
// payload is a tuple written out as one, else as one value.
func (c *Checker) payloadPattern(p ast.Pattern, pos ast.Pos, val func() ir.Expr, v *types.Variant, i int, sc *scope, at *armTest) {
	payload := v.Payload(i)
	if _, declared := v.Def.Cases[i].Payload.(*types.Tuple); declared {
		tt := &types.Tuple{Elems: v.PayloadElems(i)}
		if tp, ok := p.(*ast.PTuple); ok && len(tp.Elems) == len(tt.Elems) {
			for j, e := range tp.Elems {
				j := j
				c.pattern(e, func() ir.Expr { return &ir.VariantField{P: pos, T: tt.Elems[j], X: val(), Case: i, Index: j} }, tt.Elems[j], sc, at)
			}
			return
		}
		whole := func() ir.Expr {
			elems := make([]ir.Expr, len(tt.Elems))
			for j, et := range tt.Elems {
				elems[j] = &ir.VariantField{P: pos, T: et, X: val(), Case: i, Index: j}
			}
			return &ir.Tuple{P: pos, T: tt, Elems: elems}
		}
		c.pattern(p, whole, payload, sc, at)
		return
	}
	c.pattern(p, func() ir.Expr { return &ir.VariantField{P: pos, T: payload, X: val(), Case: i, Index: 0} }, payload, sc, at)
}

// noSuchCtor says that a pattern names a constructor the matched type does not have.
func noSuchCtor(t types.Type, name string) string {
	v, ok := t.(*types.Variant)
	if !ok {
		return fmt.Sprintf("%s is not a constructor of %s", name, t)
	}
	var names []string
	for _, cs := range v.Def.Cases {
		names = append(names, cs.Name)
	}
	return fmt.Sprintf("%s has no constructor %s (its constructors: %s)", v, name, strings.Join(names, ", "))
}

// isCtor reports whether a name denotes a constructor here.
func (c *Checker) isCtor(name string) bool {
	ents, _ := c.sc.lookupValue(name)
	if len(ents) == 0 {
		return false
	}
	_, ok := ents[0].(*ctorEnt)
	return ok
}

// bind makes a pattern variable: a variable of the current function, visible in its arm.
func (c *Checker) bind(pos ast.Pos, name string, val ir.Expr, t types.Type, sc *scope, at *armTest) {
	if prev := sc.values[name]; len(prev) > 0 {
		c.errorf(pos, "%s is bound twice in this pattern", name)
		return
	}
	at.binds = append(at.binds, binding{v: c.armVar(pos, name, t, sc), val: val})
}

// armVar makes the variable an arm binds (a val), in the arm's scope sc.
func (c *Checker) armVar(pos ast.Pos, name string, t types.Type, sc *scope) *ir.Var {
	v := &ir.Var{Name: name, Pos: pos, Type: t, Owner: c.ctx.fn}
	c.ctx.fn.Vars = append(c.ctx.fn.Vars, v)
	sc.values[name] = []entity{&varEnt{v: v, declared: true, typed: true}}
	return v
}

// ---- pointers -------------------------------------------------------------------------------

// addrOf checks &x: x must be a variable, which then lives in its function's environment
// so that the pointer outlives the frame.
func (c *Checker) addrOf(e *ast.AddrOf) ir.Expr {
	n, ok := e.X.(*ast.Name)
	if !ok {
		c.errorf(e.P, "cannot take the address of this expression; only a variable has an address")
		return invalid(e.P)
	}
	ents, found := c.lookupName(n)
	if !found {
		return invalid(e.P)
	}
	ve, ok := ents[0].(*varEnt)
	if !ok {
		c.errorf(e.P, "& takes the address of a variable; %s is not one", displayName(n))
		return invalid(e.P)
	}
	if !ve.v.Mutable {
		c.errorf(e.P, "cannot take the address of %s: it is not a var", ve.v.Name)
		return invalid(e.P)
	}
	if c.varRef(n.P, ve).Type() == types.InvalidType {
		return invalid(e.P)
	}
	ve.v.Captured = true
	return &ir.AddrOf{P: e.P, T: &types.Ptr{Elem: ve.v.Type}, Var: ve.v}
}

func (c *Checker) deref(e *ast.Deref) ir.Expr {
	p := c.valueExpr(e.X)
	if types.IsInvalid(p.Type()) {
		return invalid(e.P)
	}
	if _, ok := p.Type().(*types.Ptr); !ok {
		c.errorf(e.P, "cannot dereference a value of type %s: it is not a pointer", p.Type())
		return invalid(e.P)
	}
	return &ir.Deref{P: e.P, Ptr: p}
}

// storeThrough checks `p <- v;`.
func (c *Checker) storeThrough(s *ast.Assign) []ir.Stmt {
	p := c.valueExpr(s.Target)
	v := c.valueExpr(s.Value)
	pt, ok := p.Type().(*types.Ptr)
	switch {
	case types.IsInvalid(p.Type()):
		return nil
	case !ok:
		c.errorf(s.P, "cannot store through a value of type %s: it is not a pointer", p.Type())
		return nil
	case !types.AssignableTo(v.Type(), pt.Elem):
		c.errorf(s.Value.Position(), "cannot store a value of type %s through a pointer of type %s", v.Type(), pt)
		return nil
	}
	return []ir.Stmt{&ir.Store{P: s.P, Ptr: p, Value: v}}
}

// ---- generators -----------------------------------------------------------------------------

// yieldsIn reports whether statements (not counting nested functions) contain a yield.
func yieldsIn(stmts []ast.Stmt) bool {
	return ast.AnyStmt(stmts, func(s ast.Stmt) bool { _, ok := s.(*ast.Yield); return ok })
}

func (c *Checker) yield(s *ast.Yield) ir.Stmt {
	if !c.ctx.fn.Yields {
		c.errorf(s.P, "yield outside a generator: only the body of a gen can yield")
		return &ir.ExprStmt{P: s.P, X: invalid(s.P)}
	}
	v := c.valueExpr(s.Value)
	switch {
	case c.ctx.ret == nil:
		c.ctx.ret = v.Type()
	case !types.AssignableTo(v.Type(), c.ctx.ret):
		c.errorf(s.Value.Position(), "cannot yield a value of type %s from a generator of %s", v.Type(), c.ctx.ret)
	}
	return &ir.Yield{P: s.P, Value: v}
}

// schedulingPrims are the primitives that talk to the scheduler, which a yielding
// generator may not use: it runs on the stack of whoever calls it.
var schedulingPrims = map[string]bool{"spawn": true, "schedule": true, "run": true, "svc": true}

// channelPrims are the channel primitives that may wait or give way to another fibre,
// which a yielding generator may not use either.
var channelPrims = map[string]bool{"read": true, "write": true, "read_opt": true, "try_read": true,
	"try_write": true, "close": true, "send": true, "await": true}

// noDirectGenerator reports, for a call whose result is a fresh generator instance called at
// once, that Felix requires binding it first.
func (c *Checker) noDirectGenerator(pos ast.Pos, f *ir.Func) bool {
	if f == nil || !f.Yields {
		return true
	}
	c.errorf(pos, "%s yields, so it cannot be called directly: bind an instance to a variable first", f.Name)
	return false
}

// ---- for loops over lists, tuples and generators ----------------------------------------------

// forInOther returns how a `for x in e` loop over a list, a tuple or a generator gets its
// elements: the element type, the statements that start the loop, the loop, and the
// statements that give x its value at the top of each iteration.
func (c *Checker) forInOther(s *ast.ForIn, iter ir.Expr) (types.Type, []ir.Stmt, *ir.Loop, func(x *ir.Var) []ir.Stmt) {
	pos := s.P
	t := iter.Type()
	if homogeneous(t) {
		iter = c.tupleToList(pos, iter)
		t = iter.Type()
	}
	loc := func(v *ir.Var) ir.Expr { return &ir.Local{P: pos, Var: v} }
	if lt, ok := types.IsList(t); ok {
		l := c.newTemp(pos, t)
		loop := &ir.Loop{P: pos, Cond: &ir.VariantTest{P: pos, X: loc(l), Case: 1},
			Step: []ir.Stmt{&ir.Assign{P: pos, Var: l, Value: &ir.VariantField{P: pos, T: t, X: loc(l), Case: 1, Index: 1}}}}
		start := func(x *ir.Var) []ir.Stmt {
			return []ir.Stmt{&ir.Decl{P: pos, Var: x, Init: &ir.VariantField{P: pos, T: lt.Elem(), X: loc(l), Case: 1, Index: 0}}}
		}
		return lt.Elem(), []ir.Stmt{&ir.Decl{P: pos, Var: l, Init: iter}}, loop, start
	}
	if ft, ok := t.(*types.Func); ok && types.IsUnit(ft.Dom) {
		if ot, ok := types.IsOpt(ft.Cod); ok {
			g := c.newTemp(pos, t)
			o := c.newTemp(pos, ft.Cod)
			loop := &ir.Loop{P: pos}
			start := func(x *ir.Var) []ir.Stmt {
				return []ir.Stmt{
					&ir.Assign{P: pos, Var: o, Value: &ir.Call{P: pos, T: ft.Cod, Fn: loc(g)}},
					&ir.If{P: pos, Cond: &ir.VariantTest{P: pos, X: loc(o), Case: 0}, Then: []ir.Stmt{&ir.Break{P: pos, Loop: loop}}},
					&ir.Decl{P: pos, Var: x, Init: &ir.VariantField{P: pos, T: ot.Elem(), X: loc(o), Case: 1, Index: 0}},
				}
			}
			return ot.Elem(), []ir.Stmt{&ir.Decl{P: pos, Var: g, Init: iter}}, loop, start
		}
	}
	if !types.IsInvalid(t) {
		c.errorf(s.Iter.Position(), "cannot iterate over a value of type %s", t)
	}
	return nil, nil, nil, nil
}

// ---- circuits -------------------------------------------------------------------------------

// pin is a pin of a device in a circuit.
type pin struct {
	device    *varEnt
	connector int    // which of the device's record arguments holds it
	field     int    // its field in that record
	name      string // d.p, for messages
	t         types.Type
	pos       ast.Pos
}

// circuit checks a circuit statement and lowers it: one channel per group of connected pins
// (or the wired channel), then each device spawned, in reverse order of first mention, with
// the records of its pins' channels.
func (c *Checker) circuit(s *ast.Circuit) []ir.Stmt {
	errs := len(c.errs)
	var devices []*varEnt   // in order of first mention
	var mentioned []ast.Pos // where each device was first mentioned
	connectors := map[*varEnt][]*types.Record{}
	pins := map[string]int{} // "d.p" -> index into all
	var all []*pin
	parent := []int{}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	var out []ir.Stmt             // the statements the circuit becomes
	named := map[string]*varEnt{} // device name -> its variable
	wires := map[int]ir.Expr{}    // group root -> wired channel
	wirePin := map[int]int{}      // group root -> the pin the wire named
	lookup := func(r *ast.PinRef) int {
		key := r.Device + "." + r.Pin
		if i, ok := pins[key]; ok {
			return i
		}
		ve := named[r.Device]
		if ve == nil {
			var init ir.Stmt
			ve, init = c.device(r)
			if ve == nil {
				return -1
			}
			named[r.Device] = ve
			if init != nil {
				out = append(out, init)
			}
		}
		recs, ok := connectors[ve]
		if !ok {
			recs = deviceConnectors(ve.v.Type)
			if recs == nil {
				c.errorf(r.P, "%s is not a device: its type %s is not a chip's", r.Device, ve.v.Type)
				return -1
			}
			connectors[ve] = recs
			devices = append(devices, ve)
			mentioned = append(mentioned, r.P)
		}
		for ci, rec := range recs {
			if fi := rec.FieldIndex(r.Pin); fi >= 0 {
				all = append(all, &pin{device: ve, connector: ci, field: fi, name: key, t: rec.Fields[fi].Type, pos: r.P})
				parent = append(parent, len(all)-1)
				pins[key] = len(all) - 1
				return len(all) - 1
			}
		}
		c.errorf(r.P, "device %s has no pin %s", r.Device, r.Pin)
		return -1
	}
	for _, cl := range s.Clauses {
		if cl.Wire != nil {
			w := c.valueExpr(cl.Wire)
			i := lookup(cl.To)
			if i < 0 {
				continue
			}
			root := find(i)
			if _, dup := wires[root]; dup {
				c.errorf(cl.To.P, "%s is already wired: a group of pins takes only one wire", all[i].name)
				continue
			}
			wires[root], wirePin[root] = w, i
			continue
		}
		first := -1
		for _, r := range cl.Pins {
			i := lookup(r)
			if i < 0 {
				continue
			}
			if first < 0 {
				first = i
				continue
			}
			a, b := find(first), find(i)
			if a == b {
				continue
			}
			if wires[a] != nil && wires[b] != nil {
				c.errorf(r.P, "%s is already wired: a group of pins takes only one wire", all[i].name)
				continue
			}
			parent[b] = a
			if w, ok := wires[b]; ok {
				wires[a], wirePin[a] = w, wirePin[b]
				delete(wires, b)
			}
		}
	}
	// Every pin of every mentioned device takes part: an unmentioned one gets a channel of
	// its own, with a warning.
	for _, d := range devices {
		for ci, rec := range connectors[d] {
			for fi, f := range rec.Fields {
				key := d.v.Name + "." + f.Name
				if _, ok := pins[key]; ok {
					continue
				}
				c.errs.Warn(s.P, "%s is not connected", key)
				all = append(all, &pin{device: d, connector: ci, field: fi, name: key, t: f.Type, pos: s.P})
				parent = append(parent, len(all)-1)
				pins[key] = len(all) - 1
			}
		}
	}
	// One channel per group, of the group's value type.
	chans := map[int]*ir.Var{}
	elem := map[int]*pin{}
	for i, p := range all {
		root := find(i)
		et, ok := pinElem(p.t)
		if !ok {
			c.errorf(p.pos, "pin %s has type %s, which is not a channel end", p.name, p.t)
			continue
		}
		if first, ok := elem[root]; ok {
			fe, _ := pinElem(first.t)
			if !types.Identical(fe, et) {
				c.errorf(p.pos, "%s carries %s but is connected to %s, which carries %s", p.name, et, first.name, fe)
			}
			continue
		}
		elem[root] = p
		ch := c.newTemp(s.P, &types.Chan{Dir: types.Both, Elem: et})
		chans[root] = ch
		init := ir.Expr(&ir.CallPrim{P: s.P, T: ch.Type, Prim: "mk_schannel"})
		if w, ok := wires[root]; ok {
			wp := all[wirePin[root]]
			if wt, ok := pinElem(w.Type()); !ok {
				c.errorf(wp.pos, "%s needs a channel of %s, but it is wired to a value of type %s, which is no channel", wp.name, et, w.Type())
			} else if !types.Identical(wt, et) {
				c.errorf(wp.pos, "%s carries %s but is wired to a channel of %s", wp.name, et, wt)
			} else if !types.AssignableTo(w.Type(), wp.t) {
				c.errorf(wp.pos, "%s is %s, but it is wired to %s, %s", wp.name, describeEnd(wp.t), w.Type(), describeEnd(w.Type()))
			} else {
				init = c.asType(s.P, w, ch.Type)
			}
		}
		out = append(out, &ir.Decl{P: s.P, Var: ch, Init: init})
	}
	if !c.errs[errs:].HasErrors() {
		c.circuitNetwork(s, devices, mentioned, connectors, all, find)
	}
	// Spawn each device with its records, the last mentioned first.
	for k := len(devices) - 1; k >= 0; k-- {
		d := devices[k]
		var fn ir.Expr = &ir.Local{P: s.P, Var: d.v}
		for _, rec := range connectors[d] {
			fields := make([]ir.Expr, len(rec.Fields))
			for fi := range rec.Fields {
				p := all[pins[d.v.Name+"."+rec.Fields[fi].Name]]
				ch, ok := chans[find(pins[p.name])]
				if !ok {
					return out
				}
				fields[fi] = c.asType(s.P, &ir.Local{P: s.P, Var: ch}, rec.Fields[fi].Type)
			}
			order := make([]int, len(fields))
			for i := range order {
				order[i] = i
			}
			r := &ir.Record{P: s.P, T: rec, Fields: fields, Order: order}
			ft := fn.Type().(*types.Func)
			fn = &ir.Call{P: s.P, T: ft.Cod, Fn: fn, Args: []ir.Expr{r}}
		}
		out = append(out, &ir.ExprStmt{P: s.P, X: &ir.CallPrim{P: s.P, T: types.VoidType, Prim: "spawn", Args: []ir.Expr{fn}}})
	}
	return out
}

// device finds the device a pin reference names: a device (any variable), or, as in Felix,
// a chip with no arguments but its connectors, which is its own device. For a chip it
// returns a hidden variable holding it, with the statement that declares it.
func (c *Checker) device(r *ast.PinRef) (*varEnt, ir.Stmt) {
	n := &ast.Name{P: r.P, Path: []string{r.Device}}
	ents, found := c.lookupName(n)
	if !found {
		return nil, nil
	}
	if fes := funcEnts(ents); len(fes) == 1 {
		chip := c.funcValue(n, fes[0])
		if types.IsInvalid(chip.Type()) {
			return nil, nil
		}
		if deviceConnectors(chip.Type()) == nil {
			c.errorf(r.P, "%s is not a device: it takes arguments before its connectors; name an instance with device d = %s ...;", r.Device, r.Device)
			return nil, nil
		}
		v := c.newTemp(r.P, chip.Type())
		v.Name = r.Device
		return &varEnt{v: v, declared: true, typed: true, chip: n}, &ir.Decl{P: r.P, Var: v, Init: chip}
	}
	ve, ok := ents[0].(*varEnt)
	if !ok {
		c.errorf(r.P, "%s is not a device: name a chip instance with device %s = ...;", r.Device, r.Device)
		return nil, nil
	}
	if c.varRef(r.P, ve).Type() == types.InvalidType {
		return nil, nil
	}
	return ve, nil
}

// deviceConnectors returns the connector records of a device's type R1 -> ... -> 1 -> 0, or
// nil if it is not of that shape.
func deviceConnectors(t types.Type) []*types.Record {
	var recs []*types.Record
	for {
		ft, ok := t.(*types.Func)
		if !ok {
			return nil
		}
		if types.IsUnit(ft.Dom) && ft.IsProc() {
			return recs
		}
		rec, ok := ft.Dom.(*types.Record)
		if !ok {
			return nil
		}
		recs = append(recs, rec)
		t = ft.Cod
	}
}

// describeEnd says which end of a channel a type is, for messages.
func describeEnd(t types.Type) string {
	if ch, ok := t.(*types.Chan); ok {
		switch ch.Dir {
		case types.In:
			return "a read end (an input)"
		case types.Out:
			return "a write end (an output)"
		}
	}
	return "a channel"
}

// pinElem returns the type of the values a pin's channel carries.
func pinElem(t types.Type) (types.Type, bool) {
	switch t := t.(type) {
	case *types.Chan:
		return t.Elem, true
	}
	return nil, false
}

// asType gives an expression a type it is assignable to (a free conversion of channel
// ends), through a hidden variable.
func (c *Checker) asType(pos ast.Pos, e ir.Expr, t types.Type) ir.Expr {
	if types.Identical(e.Type(), t) {
		return e
	}
	tmp := c.newTemp(pos, t)
	return &ir.Let{P: pos, Var: tmp, Init: e, Body: &ir.Local{P: pos, Var: tmp}}
}
