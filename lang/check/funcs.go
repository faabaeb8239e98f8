package check

import (
	"fmt"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// fnCtx is the state of the function body being checked.
type fnCtx struct {
	fn      *ir.Func
	parent  *fnCtx
	ret     types.Type // the declared or inferred return type; nil while still unknown
	isProc  bool       // returns nothing
	labels  map[string]*ir.Label
	loops   []loopCtx // enclosing loops, innermost last
	gotos   []*pendingGoto
	returns int // `return e` statements seen
}

type loopCtx struct {
	label string
	loop  *ir.Loop
}

type pendingGoto struct {
	g    *ir.Goto
	name string
}

// collect enters everything a scope's statements declare into sc. It looks inside loop
// bodies and conditionals, which are not scopes, but not into nested functions and blocks.
func (c *Checker) collect(sc *scope, stmts []ast.Stmt) {
	for _, s := range stmts {
		switch s := s.(type) {
		case *ast.VarDecl:
			for _, b := range s.Binders {
				if c.declareVar(sc, b, b.Type == nil) == nil && s.Short {
					c.errs[len(c.errs)-1].Msg += fmt.Sprintf(" (:= declares a new name; to assign, write %s = ...)", b.Name)
				}
			}
		case *ast.ForRange:
			if s.Declare {
				ve := c.declareVar(sc, s.Var, false)
				if ve != nil {
					ve.v.Type, ve.typed = types.IntType, true
				}
			}
			c.collect(sc, s.Body)
		case *ast.FuncDecl:
			c.declareFunc(sc, s)
		case *ast.TypeDecl:
			if prev := sc.types[s.Name]; prev != nil && prev.declared() {
				c.errorf(s.P, "type %s is already defined at line %d", s.Name, prev.declPos().Line)
				continue
			}
			sc.types[s.Name] = &typeEnt{name: s.Name, decl: s, defined: sc}
		case *ast.VariantDecl:
			c.declareVariant(sc, s)
		case *ast.StructDecl:
			c.declareStruct(sc, s)
		case *ast.MatchStmt:
			for _, a := range s.Arms {
				c.collect(sc, a.Body)
			}
		case *ast.Select:
			for _, a := range s.Arms {
				c.collect(sc, a.Body)
			}
		case *ast.Module:
			m := sc.modules[s.Name]
			if m == nil {
				m = newScope(sc, sc.fn, scopeModule)
				sc.modules[s.Name] = m
			}
			for _, st := range s.Body {
				switch st.(type) {
				case *ast.FuncDecl, *ast.TypeDecl, *ast.StructDecl, *ast.VariantDecl, *ast.Module, *ast.Open:
				default:
					c.errorf(st.Position(), "a module may contain only definitions")
				}
			}
			c.collect(m, s.Body)
			c.opens(m, s.Body)
		case *ast.If:
			c.collect(sc, s.Then)
			c.collect(sc, s.Else)
		case *ast.While:
			c.collect(sc, s.Body)
		case *ast.ForIn:
			c.collect(sc, s.Body)
		case *ast.CFor:
			c.collect(sc, []ast.Stmt{s.Init})
			c.collect(sc, s.Body)
			c.collect(sc, []ast.Stmt{s.Step})
		}
	}
}

// declared reports whether the program (or library) declares the type, rather than it
// being built in.
func (te *typeEnt) declared() bool { return te.decl != nil || te.vdecl != nil || te.strct != nil }

// declPos is where a declared type is declared.
func (te *typeEnt) declPos() ast.Pos {
	switch {
	case te.vdecl != nil:
		return te.vdecl.P
	case te.strct != nil:
		return te.strct.P
	}
	return te.decl.P
}

// declareVariant enters a variant type and its constructors; the constructors' payload
// types are resolved when first needed, since they may mention types declared later.
func (c *Checker) declareVariant(sc *scope, d *ast.VariantDecl) {
	if prev := sc.types[d.Name]; prev != nil && prev.declared() {
		c.errorf(d.P, "type %s is already defined at line %d", d.Name, prev.declPos().Line)
		return
	}
	def := &types.VariantDef{Name: d.Name}
	for _, tp := range d.TypeParams {
		def.Params = append(def.Params, c.freshVar(tp.Name, tp.Classes))
	}
	te := &typeEnt{name: d.Name, variant: def, vdecl: d, defined: sc}
	sc.types[d.Name] = te
	seen := map[string]bool{}
	for i, cs := range d.Cases {
		if seen[cs.Name] {
			c.errorf(cs.P, "constructor %s appears twice in variant %s", cs.Name, d.Name)
		}
		seen[cs.Name] = true
		def.Cases = append(def.Cases, types.Case{Name: cs.Name})
		if prev := sc.values[cs.Name]; len(prev) > 0 {
			c.errorf(cs.P, "%s is already declared in this scope, %s", cs.Name, where(cs.P, prev[0].declPos()))
			continue
		}
		sc.values[cs.Name] = []entity{&ctorEnt{te: te, index: i, pos: cs.P}}
	}
}

// variantDef returns a variant type's definition with its payload types resolved.
func (c *Checker) variantDef(te *typeEnt) *types.VariantDef {
	if te.vdecl != nil && !te.resolving && te.t == nil {
		te.resolving = true
		tps := map[string]*types.Var{}
		for _, p := range te.variant.Params {
			tps[p.Name] = p
		}
		for i, cs := range te.vdecl.Cases {
			if cs.Payload != nil {
				te.variant.Cases[i].Payload = c.valueType(te.defined, cs.Payload, tps)
			}
		}
		te.t = &types.Variant{Def: te.variant}
		te.resolving = false
	}
	return te.variant
}

// pendingType is a variable's written type, to resolve once its scope's opens are known.
type pendingType struct {
	sc *scope
	b  *ast.Binder
	ve *varEnt
}

// resolveVarTypes resolves the written types of the variables collected so far.
func (c *Checker) resolveVarTypes() {
	for _, p := range c.pendingTypes {
		p.ve.v.Type = c.resolveTypeIn(p.sc, p.b.Type, nil)
	}
	c.pendingTypes = nil
}

// declareVar enters a variable; untyped means its type comes from its initialiser.
func (c *Checker) declareVar(sc *scope, b *ast.Binder, untyped bool) *varEnt {
	if prev := sc.values[b.Name]; len(prev) > 0 {
		c.errorf(b.P, "%s is already declared in this scope, %s", b.Name, where(b.P, prev[0].declPos()))
		return nil
	}
	v := &ir.Var{Name: b.Name, Pos: b.P, Owner: sc.fn, Mutable: b.Mutable}
	ve := &varEnt{v: v}
	if b.Type != nil {
		// The written type is resolved once the scope's opens are known (resolveVarTypes).
		c.pendingTypes = append(c.pendingTypes, pendingType{sc: sc, b: b, ve: ve})
		ve.typed = true
	} else if !untyped {
		ve.typed = true
	}
	sc.values[b.Name] = []entity{ve}
	if sc.fn != nil {
		sc.fn.Vars = append(sc.fn.Vars, v)
	}
	return ve
}

func (c *Checker) declareFunc(sc *scope, d *ast.FuncDecl) {
	prev := sc.values[d.Name]
	if len(prev) > 0 {
		if ve, ok := prev[0].(*varEnt); ok {
			c.errorf(d.P, "%s is already declared in this scope, %s", d.Name, where(d.P, ve.v.Pos))
			return
		}
	}
	fe := &funcEnt{name: d.Name, decl: d, defined: sc}
	if !fe.isPrim() {
		fe.fn = &ir.Func{Name: c.funcName(sc, d.Name), Pos: d.P, End: d.End, Kind: funcKindOf(d.Kind), Parent: sc.fn,
			Yields: d.Kind == ast.Gen && len(d.Params) == 1 && yieldsIn(d.Body)}
		fe.lazy = sc.inLibrary()
		if !fe.lazy {
			c.funcs = append(c.funcs, fe.fn) // a library function's joins libFuncs once checked
		}
	} else if c.cfg.IsPrim != nil && !c.cfg.IsPrim(d.Prim) {
		c.errorf(d.P, "unknown primitive %q", d.Prim)
	}
	sc.values[d.Name] = append(prev, fe)
}

// where describes the position of an earlier declaration as seen from pos.
func where(pos, earlier ast.Pos) string {
	switch {
	case pos.File != earlier.File:
		return "at " + earlier.String()
	case pos.Line == earlier.Line:
		return fmt.Sprintf("at line %d, column %d", earlier.Line, earlier.Col)
	}
	return fmt.Sprintf("at line %d", earlier.Line)
}

// checkOverloads reports two definitions of one name in one scope that accept the same
// argument type: no call could choose between them.
func (c *Checker) checkOverloads(sc *scope) {
	for _, name := range sortedKeys(sc.values) {
		fes := funcEnts(sc.values[name])
		for i, fe := range fes {
			for _, prev := range fes[:i] {
				if len(fe.tparams) == 0 && len(prev.tparams) == 0 && types.Identical(c.funcDom(fe), c.funcDom(prev)) {
					c.errorf(fe.decl.P, "%s is already defined for %s, %s", name, c.funcDom(fe), where(fe.decl.P, prev.decl.P))
					break
				}
			}
		}
	}
}

// funcName is the name a function shows in backtraces: nested names are qualified by the
// functions that enclose them.
func (c *Checker) funcName(sc *scope, name string) string {
	if sc.fn == nil || sc.fn.Kind == ir.KindMain {
		return name
	}
	return sc.fn.Name + "." + name
}

func funcKindOf(k ast.FuncKind) ir.FuncKind {
	switch k {
	case ast.Proc:
		return ir.KindProc
	case ast.Gen:
		return ir.KindGen
	}
	return ir.KindFun
}

// funcDom returns the domain of a function from its first parameter list (or, for a
// primitive, its declared type).
func (c *Checker) funcDom(fe *funcEnt) types.Type {
	if fe.dom == nil {
		c.funcSig(fe)
	}
	return fe.dom
}

// funcSig works out what can be known of a function's type without its body: its domain,
// its generic parameters, and its full type when the return type is written (or it is a
// procedure or a primitive).
func (c *Checker) funcSig(fe *funcEnt) {
	if fe.dom != nil {
		return
	}
	d := fe.decl
	tps := map[string]*types.Var{}
	for _, tp := range d.TypeParams {
		v := c.freshVar(tp.Name, tp.Classes)
		tps[tp.Name] = v
		fe.tparams = append(fe.tparams, v)
	}
	fe.tps = tps
	if fe.fn != nil {
		fe.fn.TypeParams = fe.tparams
	}
	if fe.isPrim() {
		t := c.resolveTypeIn(fe.defined, d.PrimType, tps)
		switch d.Kind {
		case ast.Proc:
			fe.typ = &types.Func{Dom: t, Cod: types.VoidType}
		case ast.Const:
			fe.typ = &types.Func{Dom: types.UnitType, Cod: t}
		default:
			ft, ok := t.(*types.Func)
			if !ok {
				c.errorf(d.P, "fun %s must be bound to a function type, not %s", d.Name, t)
				ft = &types.Func{Dom: types.UnitType, Cod: t}
			}
			fe.typ = ft
		}
		fe.dom = fe.typ.Dom
		fe.doms = []types.Type{fe.dom}
		return
	}
	lists := c.paramTypes(fe.defined, d, tps)
	fe.dom, fe.doms = lists[0], lists
	var ret types.Type
	switch {
	case d.Ret != nil:
		ret = c.resolveTypeIn(fe.defined, d.Ret, tps)
	case d.Kind == ast.Proc:
		ret = types.VoidType
	default:
		return // inferred from the body
	}
	fe.typ = curriedType(lists, ret)
}

// paramTypes resolves each parameter list of d to its domain type.
func (c *Checker) paramTypes(sc *scope, d *ast.FuncDecl, tps map[string]*types.Var) []types.Type {
	var lists []types.Type
	for _, ps := range d.Params {
		var elems []types.Type
		for _, p := range ps {
			elems = append(elems, c.resolveTypeIn(sc, p.Type, tps))
		}
		lists = append(lists, types.NewTuple(elems...))
	}
	return lists
}

// curriedType is D1 -> D2 -> ... -> ret.
func curriedType(lists []types.Type, ret types.Type) *types.Func {
	t := &types.Func{Dom: lists[len(lists)-1], Cod: ret}
	for i := len(lists) - 2; i >= 0; i-- {
		t = &types.Func{Dom: lists[i], Cod: t}
	}
	return t
}

// funcType returns a function's full type, checking its body first if the return type is
// inferred. It returns nil (after reporting why) when the type cannot be known.
func (c *Checker) funcType(fe *funcEnt, use ast.Pos) *types.Func {
	if fe.dom == nil {
		c.funcSig(fe)
	}
	if fe.typ != nil {
		return fe.typ
	}
	switch fe.state {
	case bodyChecking:
		c.errorf(use, "the return type of %s is needed before it is known: write it, as in fun %s (...) : T", fe.name, fe.name)
		return nil
	case bodyUnchecked:
		c.checkFuncBody(fe)
	}
	return fe.typ
}

// need checks the body of a library function the first time a program uses it: a program
// pays for the library functions it uses (and those they use), not for the whole library.
func (c *Checker) need(fe *funcEnt) {
	if fe.lazy && fe.state == bodyUnchecked {
		c.checkFuncBody(fe)
	}
}

// checkDeferred checks the bodies of the functions defined in sc (and in its modules) that
// have not been checked yet.
func (c *Checker) checkDeferred(sc *scope) {
	c.checkOverloads(sc)
	for _, ents := range sortedValues(sc) {
		for _, e := range ents {
			if fe, ok := e.(*funcEnt); ok && fe.state == bodyUnchecked {
				if fe.isPrim() {
					c.funcSig(fe)
					fe.state = bodyChecked
					continue
				}
				c.checkFuncBody(fe)
			}
		}
	}
	for _, name := range sortedKeys(sc.modules) {
		c.checkDeferred(sc.modules[name])
	}
	for _, name := range sortedKeys(sc.types) {
		if te := sc.types[name]; te.decl != nil && te.t == nil {
			c.resolveTypedef(te)
		}
	}
}

// checkFuncBody checks a named definition, building its function (and one nested function
// per further curried parameter list).
func (c *Checker) checkFuncBody(fe *funcEnt) {
	if fe.lazy {
		defer c.toLibrary(len(c.funcs))
		c.funcs = append(c.funcs, fe.fn)
	}
	fe.state = bodyChecking
	defer func() { fe.state = bodyChecked }()
	if fe.dom == nil {
		c.funcSig(fe)
	}
	var declared types.Type
	if fe.typ != nil {
		declared = innermostCod(fe.typ, len(fe.decl.Params))
	}
	ret, levels := c.funcBody(fe.fn, typeParamScope(fe.defined, fe.tps), fe.decl, declared)
	if fe.typ == nil && ret != nil {
		fe.typ = curriedType(c.paramTypes(fe.defined, fe.decl, fe.tps), ret)
	}
	if fe.typ != nil {
		setLevelTypes(levels, fe.typ)
	}
}

// toLibrary moves the functions made since the first n of c.funcs to libFuncs: those of a
// library function, checked on demand in the midst of an input, are not the input's.
func (c *Checker) toLibrary(n int) {
	c.libFuncs = append(c.libFuncs, c.funcs[n:]...)
	c.funcs = c.funcs[:n]
}

// typeParamScope makes the type parameters of a generic definition visible to its body.
func typeParamScope(sc *scope, tps map[string]*types.Var) *scope {
	if len(tps) == 0 {
		return sc
	}
	s := newScope(sc, sc.fn, scopeTypeParams)
	for name, v := range tps {
		s.types[name] = &typeEnt{name: name, t: v}
	}
	return s
}

func innermostCod(t *types.Func, lists int) types.Type {
	var cod types.Type = t
	for i := 0; i < lists; i++ {
		cod = cod.(*types.Func).Cod
	}
	return cod
}

// setLevelTypes gives each level of a curried function its type: level i has the type
// that remains after i argument lists.
func setLevelTypes(levels []*ir.Func, t *types.Func) {
	for i, fn := range levels {
		fn.Type = t
		next, _ := t.Cod.(*types.Func)
		if i < len(levels)-1 {
			// This level returns the closure of the next.
			fn.Body[0].(*ir.Return).Value.(*ir.FuncValue).T = next
		}
		t = next
	}
}

// funcBody checks the parameters and body of a definition or lambda as the function fn,
// defined in scope sc. declared is the written return type (nil: infer it). A definition
// with several parameter lists becomes a chain of functions, one per list, each returning
// the closure of the next; funcBody returns them with the innermost's return type.
func (c *Checker) funcBody(fn *ir.Func, sc *scope, d *ast.FuncDecl, declared types.Type) (types.Type, []*ir.Func) {
	level := fn
	levelScope := sc
	var levels []*ir.Func
	for i, ps := range d.Params {
		levels = append(levels, level)
		inner := newScope(levelScope, level, scopeFunc)
		for _, p := range ps {
			t := c.resolveTypeIn(levelScope, p.Type, nil)
			if prev := inner.values[p.Name]; len(prev) > 0 {
				c.errorf(p.P, "parameter %s is declared twice", p.Name)
				continue
			}
			v := &ir.Var{Name: p.Name, Pos: p.P, Type: t, Owner: level, Mutable: p.Mutable}
			inner.values[p.Name] = []entity{&varEnt{v: v, declared: true, typed: true}}
			level.Params = append(level.Params, v)
			level.Vars = append(level.Vars, v)
		}
		if i == len(d.Params)-1 {
			return c.innerBody(level, inner, d, declared), levels
		}
		next := &ir.Func{Name: level.Name, Pos: d.P, End: d.End, Kind: fn.Kind, Parent: level,
			Yields: d.Kind == ast.Gen && i+2 == len(d.Params) && yieldsIn(d.Body)}
		c.funcs = append(c.funcs, next)
		level.Body = []ir.Stmt{&ir.Return{P: d.P, Value: &ir.FuncValue{P: d.P, Func: next}}}
		level, levelScope = next, inner
	}
	return nil, levels
}

// innerBody checks the statements of the innermost level of a function.
func (c *Checker) innerBody(fn *ir.Func, sc *scope, d *ast.FuncDecl, declared types.Type) types.Type {
	ctx := &fnCtx{fn: fn, ret: declared, isProc: d.Kind == ast.Proc}
	if d.Kind == ast.Proc {
		ctx.ret = types.VoidType
	}
	stmts := d.Body
	if d.ExprBody != nil {
		stmts = []ast.Stmt{&ast.Return{P: d.ExprBody.Position(), Value: d.ExprBody}}
	}
	c.bodyWith(fn, sc, ctx, stmts)
	if ctx.ret == nil {
		c.errorf(d.P, "cannot infer the return type of %s: it returns no value", describeFunc(d))
		return nil
	}
	return ctx.ret
}

func describeFunc(d *ast.FuncDecl) string {
	if d.Name == "" {
		return fmt.Sprintf("the function at line %d", d.P.Line)
	}
	return d.Name
}

// body checks stmts as the body of fn in scope sc, with a fresh function context.
func (c *Checker) body(fn *ir.Func, sc *scope, ret types.Type, stmts []ast.Stmt) {
	ctx := &fnCtx{fn: fn, ret: ret, isProc: true}
	if ret == nil {
		ctx.ret = types.VoidType
	}
	c.bodyWith(fn, sc, ctx, stmts)
}

func (c *Checker) bodyWith(fn *ir.Func, sc *scope, ctx *fnCtx, stmts []ast.Stmt) {
	savedSc, savedCtx, savedExpect := c.sc, c.ctx, c.expect
	c.expect = nil
	defer func() { c.expect = savedExpect }()
	ctx.parent = savedCtx
	c.sc, c.ctx = sc, ctx
	c.collect(sc, stmts)
	c.opens(sc, stmts)
	c.resolveVarTypes()
	ctx.labels = map[string]*ir.Label{}
	c.collectLabels(stmts)
	fn.Body = append(fn.Body, c.stmts(stmts)...)
	for _, g := range ctx.gotos {
		if l := ctx.labels[g.name]; l != nil {
			g.g.Label = l
		} else {
			c.errorf(g.g.P, "undefined label %s%s", g.name, suggest(g.name, sortedKeys(ctx.labels)))
		}
	}
	if fn.Type == nil && ctx.ret != nil {
		fn.Type = &types.Func{Dom: types.NewTuple(paramTypesOf(fn)...), Cod: ctx.ret}
	}
	c.checkDeferred(sc)
	c.sc, c.ctx = savedSc, savedCtx
}

func paramTypesOf(fn *ir.Func) []types.Type {
	var ts []types.Type
	for _, p := range fn.Params {
		ts = append(ts, p.Type)
	}
	return ts
}

// collectLabels enters the labels of a function body (not of nested functions).
func (c *Checker) collectLabels(stmts []ast.Stmt) {
	for _, s := range stmts {
		switch s := s.(type) {
		case *ast.Label:
			if prev := c.ctx.labels[s.Name]; prev != nil {
				c.errorf(s.P, "label %s is already defined at line %d", s.Name, prev.P.Line)
				continue
			}
			c.ctx.labels[s.Name] = &ir.Label{P: s.P, Name: s.Name}
		case *ast.If:
			c.collectLabels(s.Then)
			c.collectLabels(s.Else)
		case *ast.While:
			c.collectLabels(s.Body)
		case *ast.ForRange:
			c.collectLabels(s.Body)
		case *ast.ForIn:
			c.collectLabels(s.Body)
		case *ast.CFor:
			c.collectLabels(s.Body)
		}
	}
}

// lambda checks an anonymous function and returns its closure.
func (c *Checker) lambda(e *ast.Lambda) ir.Expr {
	d := e.Func
	name := fmt.Sprintf("<lambda %d:%d>", d.P.Line, d.P.Col)
	if c.ctx.fn.Kind != ir.KindMain {
		name = c.ctx.fn.Name + "." + name
	}
	fn := &ir.Func{Name: name, Pos: d.P, End: d.End, Kind: funcKindOf(d.Kind), Parent: c.ctx.fn,
		Yields: d.Kind == ast.Gen && len(d.Params) == 1 && yieldsIn(d.Body)}
	c.funcs = append(c.funcs, fn)
	var declared types.Type
	if d.Ret != nil {
		declared = c.resolveType(d.Ret)
	}
	ret, levels := c.funcBody(fn, c.sc, d, declared)
	if ret == nil {
		ret = types.VoidType
	}
	ft := curriedType(c.paramTypes(c.sc, d, nil), ret)
	setLevelTypes(levels, ft)
	return &ir.FuncValue{P: e.P, T: ft, Func: fn}
}

// block checks `begin ... end`: a procedure of its own, called where it stands.
func (c *Checker) block(b *ast.Begin) ir.Stmt {
	name := fmt.Sprintf("<block %d:%d>", b.P.Line, b.P.Col)
	if c.ctx.fn.Kind != ir.KindMain {
		name = c.ctx.fn.Name + "." + name
	}
	fn := &ir.Func{Name: name, Pos: b.P, Kind: ir.KindBlock, Parent: c.ctx.fn,
		Type: &types.Func{Dom: types.UnitType, Cod: types.VoidType}}
	c.funcs = append(c.funcs, fn)
	c.body(fn, newScope(c.sc, fn, scopeFunc), nil, b.Body)
	return &ir.ExprStmt{P: b.P, X: &ir.CallFunc{P: b.P, T: types.VoidType, Func: fn}}
}

func (c *Checker) freshVar(name string, classes []string) *types.Var {
	c.tvars++
	return &types.Var{Name: name, ID: c.tvars, Classes: classes}
}

// newTemp makes a hidden variable of the current function.
func (c *Checker) newTemp(pos ast.Pos, t types.Type) *ir.Var {
	c.temps++
	v := &ir.Var{Name: fmt.Sprintf("$t%d", c.temps), Pos: pos, Type: t, Owner: c.ctx.fn, Mutable: true}
	c.ctx.fn.Vars = append(c.ctx.fn.Vars, v)
	return v
}
