package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// applyOperator applies the library function an operator stands for (`add` for `+`);
// variables of that name are not considered.
func (c *Checker) applyOperator(pos ast.Pos, fn, op string, arg ir.Expr) ir.Expr {
	return c.resolveCall([]ast.Pos{pos}, &ast.Name{P: pos, Path: []string{fn}}, op, []ir.Expr{arg}, true)
}

// applyName applies a named function (or a variable holding one) to arg.
func (c *Checker) applyName(pos ast.Pos, n *ast.Name, arg ir.Expr, funcsOnly bool) ir.Expr {
	return c.resolveCall([]ast.Pos{pos}, n, "", []ir.Expr{arg}, funcsOnly)
}

// resolveCall searches the scopes from the innermost out for what n denotes and applies it
// to arg: a variable is called; an overload set is resolved by arg's type, and if none of a
// scope's candidates accepts arg the search continues outward. op, when set, is the
// operator the call was written as.
//
// args is the spine of the application, `f a b c` giving [a b c] with the position of each
// application: a curried generic is resolved with all of them, so that a type parameter
// that only a later argument mentions is inferred.
func (c *Checker) resolveCall(poss []ast.Pos, n *ast.Name, op string, args []ir.Expr, funcsOnly bool) ir.Expr {
	pos, arg := poss[0], args[0]
	sc, only := c.qualified(n.P, n.Path)
	if sc == nil {
		return invalid(pos)
	}
	name := n.Path[len(n.Path)-1]
	rest := func(f ir.Expr) ir.Expr {
		for i := 1; i < len(args); i++ {
			f = c.applyValue(poss[i], f, args[i])
		}
		return f
	}
	var tried []*funcEnt
	for s := sc; s != nil; s = s.parent {
		for _, ents := range s.layers(name) {
			if ce, ok := ents[0].(*ctorEnt); ok {
				return rest(c.applyCtor(pos, n, ce, arg))
			}
			if se, ok := ents[0].(*structEnt); ok {
				// The fields build the struct; anything else is for its ctor functions.
				if len(ents) == 1 || c.structAccepts(se, arg.Type()) {
					return rest(c.makeStruct(pos, n, se, arg))
				}
				ents = ents[1:]
			}
			if ve, ok := ents[0].(*varEnt); ok {
				if !funcsOnly {
					return rest(c.applyValue(pos, c.varRef(n.P, ve), arg))
				}
			} else {
				fes := c.overloadOf(n, funcEnts(ents))
				if fes == nil {
					return invalid(pos)
				}
				if len(fes) == 1 && fes[0].decl.Kind == ast.Const {
					return rest(c.applyValue(pos, c.funcValue(n, fes[0]), arg))
				}
				argTypes := make([]types.Type, len(args))
				for i, a := range args {
					argTypes[i] = a.Type()
				}
				var (
					fe *funcEnt
					s  subst
					ok bool
				)
				if !tupleAsArray[name] || !c.intPairIsArray(arg) {
					fe, s, ok = c.pickOverload(pos, n, fes, argTypes)
				}
				if !ok && fe == nil && tupleAsArray[name] && homogeneous(arg.Type()) {
					argTypes[0] = types.List(arg.Type().(*types.Tuple).Elems[0])
					if fe, s, ok = c.pickOverload(pos, n, fes, argTypes); ok {
						arg = c.tupleToList(pos, arg)
					}
				}
				if ok {
					return rest(c.callFunc(pos, fe, s, arg))
				} else if fe != nil {
					return invalid(pos) // an error was reported
				}
				tried = append(tried, fes...)
			}
		}
		if only {
			break
		}
	}
	if len(tried) == 0 {
		if te := c.sc.lookupType(name); te != nil && te.variant == types.ListDef && len(n.Path) == 1 && len(n.TypeArgs) == 0 {
			return rest(c.makeList(pos, tupleElems(arg))) // list (1, 2, 3)
		}
		if te := c.castType(n); te != nil {
			return rest(c.cast(pos, n, te, arg))
		}
		c.undefined(n, sc)
		return invalid(pos)
	}
	if types.ContainsInvalid(arg.Type()) {
		return invalid(pos)
	}
	if len(tried) == 1 && len(tried[0].tparams) == 0 && op == "" {
		if ft := c.funcType(tried[0], pos); ft != nil && isServerProc(ft) {
			return rest(c.subcallServer(pos, c.funcValue(n, tried[0]), arg))
		}
	}
	c.noOverload(pos, n, op, arg.Type(), tried)
	return invalid(pos)
}

// userStr returns the call of the str the program defines for the type of arg, a struct or
// a declared variant, or nil if it defines none. Such a type is printable: printing it
// calls that str (lang/compile does it, in generic code too), as Felix's print uses the Str
// instance of the type.
func (c *Checker) userStr(pos ast.Pos, arg ir.Expr) ir.Expr {
	switch t := arg.Type().(type) {
	case *types.Record:
		if t.Name == "" {
			return nil
		}
	case *types.Variant:
		if t.Def.Kind != types.UserVariant {
			return nil
		}
	default:
		return nil
	}
	key := arg.Type().String()
	if c.seekingStr[key] {
		return nil
	}
	c.seekingStr[key] = true
	defer delete(c.seekingStr, key)
	errs := len(c.errs)
	if s, ok := c.applyOperator(pos, "str", "", arg).(*ir.CallFunc); ok {
		return s
	}
	c.errs = c.errs[:errs]
	return nil
}

// isServerProc reports whether a function of type t is a procedure over the server end of
// a duplex channel, duplex_schannel[R, W] -> 1 -> 0, which Felix lets a program apply to an
// R like a function giving a W.
func isServerProc(t types.Type) bool {
	ft, ok := t.(*types.Func)
	if !ok {
		return false
	}
	if _, ok := ft.Dom.(*types.Duplex); !ok {
		return false
	}
	next, ok := ft.Cod.(*types.Func)
	return ok && types.IsUnit(next.Dom) && next.IsProc()
}

// subcallServer applies a server procedure to a value: subcall server arg.
func (c *Checker) subcallServer(pos ast.Pos, server, arg ir.Expr) ir.Expr {
	return c.resolveCall([]ast.Pos{pos, pos}, &ast.Name{P: pos, Path: []string{"subcall"}}, "", []ir.Expr{server, arg}, true)
}

// noOverload reports that no candidate accepts an argument type.
func (c *Checker) noOverload(pos ast.Pos, n *ast.Name, op string, arg types.Type, tried []*funcEnt) {
	var sigs []string
	seen := map[string]bool{}
	for _, fe := range tried {
		dom := c.funcDom(fe)
		if len(n.TypeArgs) > 0 && len(n.TypeArgs) == len(fe.tparams) {
			if sub, ok := c.explicitTypeArgs(n, fe); ok {
				dom = sub.apply(dom) // id[int] expects int
			}
		}
		s := dom.String()
		if !seen[s] {
			seen[s] = true
			sigs = append(sigs, s)
		}
	}
	sort.Strings(sigs)
	if op != "" {
		c.errorf(pos, "operator %s cannot be applied to %s%s", op, describeArg(arg), operatorHint(op, arg))
		return
	}
	if msg := channelMisuse(tried, arg); msg != "" {
		c.errorf(pos, "%s", msg)
		return
	}
	name := displayName(n)
	if built := c.builtType(n); built != nil {
		c.errorf(pos, "no constructor of %s accepts %s", built, arg)
		return
	}
	if len(sigs) == 1 {
		c.errorf(pos, "%s expects %s, not %s%s", name, sigs[0], arg, c.whyNot(tried[0], arg))
		return
	}
	c.errorf(pos, "no overload of %s accepts %s (it accepts %s)", name, arg, strings.Join(sigs, "; "))
}

// operatorHint explains two common mistakes with operators.
func operatorHint(op string, arg types.Type) string {
	tt, ok := arg.(*types.Tuple)
	if !ok || len(tt.Elems) != 2 {
		return ""
	}
	l, r := tt.Elems[0], tt.Elems[1]
	if _, isFunc := l.(*types.Func); isFunc && op == "-" {
		return " (f -1 is f - 1: write f (-1))"
	}
	if op == "+" && types.IsBasic(l, types.String) != types.IsBasic(r, types.String) && inClass("Str", l) && inClass("Str", r) {
		other := r
		if types.IsBasic(r, types.String) {
			other = l
		}
		return fmt.Sprintf(" (convert the %s with .str)", other)
	}
	return ""
}

// channelMisuse explains a read or write on the wrong end of a channel, or of a value of
// the wrong type, better than the signature of read or write can.
func channelMisuse(tried []*funcEnt, arg types.Type) string {
	if len(tried) == 0 {
		return ""
	}
	prim := tried[0].decl.Prim
	switch prim {
	case "read", "read_opt", "try_read":
		if ch, ok := arg.(*types.Chan); ok && ch.Dir == types.Out {
			return fmt.Sprintf("cannot %s from a write end %s", prim, ch)
		}
	case "ready_to_read":
		if ch, ok := arg.(*types.Chan); ok && ch.Dir == types.Out {
			return fmt.Sprintf("%s needs a read end, not the write end %s", prim, ch)
		}
	case "ready_to_write":
		if ch, ok := arg.(*types.Chan); ok && ch.Dir == types.In {
			return fmt.Sprintf("%s needs a write end, not the read end %s", prim, ch)
		}
	case "write", "try_write", "send":
		tt, ok := arg.(*types.Tuple)
		if !ok || len(tt.Elems) != 2 {
			return ""
		}
		ch, ok := tt.Elems[0].(*types.Chan)
		switch {
		case !ok:
		case ch.Dir == types.In:
			return fmt.Sprintf("cannot %s to a read end %s", prim, ch)
		case !types.AssignableTo(tt.Elems[1], ch.Elem):
			return fmt.Sprintf("cannot %s a value of type %s to a channel of %s", prim, tt.Elems[1], ch.Elem)
		}
	}
	return ""
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// whyNot explains why a generic candidate does not accept an argument, when a type
// parameter would have to be two types at once.
func (c *Checker) whyNot(fe *funcEnt, arg types.Type) string {
	mt := newMatcher(subst{}, fe.tparams)
	if mt.match(c.funcDom(fe), arg) || mt.why == "" {
		return ""
	}
	return " (" + mt.why + ")"
}

func describeArg(t types.Type) string {
	if tt, ok := t.(*types.Tuple); ok && len(tt.Elems) == 2 {
		return tt.Elems[0].String() + " and " + tt.Elems[1].String()
	}
	return t.String()
}

// pickOverload chooses among candidates by argument type. It returns ok false with a nil
// entity when none matches, and ok false with an entity when it reported an error.
func (c *Checker) pickOverload(pos ast.Pos, n *ast.Name, cands []*funcEnt, args []types.Type) (*funcEnt, subst, bool) {
	arg := args[0]
	type match struct {
		fe    *funcEnt
		s     subst
		score int // 0 exact, 1 with a conversion, 2 generic, 3 generic with a conversion
	}
	built := c.builtType(n)
	if built != nil && types.IsInvalid(built) {
		return cands[0], nil, false
	}
	if len(n.TypeArgs) > 0 && built == nil {
		fits := false
		for _, fe := range cands {
			c.funcDom(fe)
			fits = fits || len(fe.tparams) == len(n.TypeArgs)
		}
		if !fits {
			c.explicitTypeArgs(n, cands[0])
			return cands[0], nil, false
		}
	}
	var best []match
	// Candidates that are not generic go first: once one fits exactly, no generic one can
	// beat it, and matching a generic one costs more.
	ordered := make([]*funcEnt, 0, len(cands))
	for _, generic := range []bool{false, true} {
		for _, fe := range cands {
			if c.funcDom(fe); (len(fe.tparams) > 0) == generic {
				ordered = append(ordered, fe)
			}
		}
	}
	for _, fe := range ordered {
		if fe.decl.Kind == ast.Const {
			continue
		}
		if len(fe.tparams) > 0 && len(best) > 0 && best[0].score == 0 {
			break
		}
		var s subst
		if len(fe.tparams) > 0 {
			s = subst{}
		}
		if built != nil {
			if ft := c.funcType(fe, pos); ft == nil || !newMatcher(s, fe.tparams).matchExact(ft.Cod, built) {
				continue
			}
		} else {
			if len(n.TypeArgs) > 0 && len(n.TypeArgs) != len(fe.tparams) {
				continue
			}
			var ok bool
			if s, ok = c.explicitTypeArgs(n, fe); !ok {
				return fe, nil, false
			}
		}
		mt := newMatcher(s, fe.tparams)
		// Match the argument lists the spine gives, as far as the definition has them.
		fits := true
		for i, dom := range fe.doms {
			if i >= len(args) {
				break
			}
			if !mt.match(dom, args[i]) {
				fits = false
				break
			}
		}
		if !fits {
			continue
		}
		// A candidate that takes the arguments as they are beats one that converts them
		// (an schannel to one of its ends, say), among generic candidates as among others.
		exact := true
		for i, dom := range fe.doms {
			if i < len(args) {
				exact = exact && types.Identical(s.apply(dom), args[i])
			}
		}
		m := match{fe: fe, s: s, score: 1}
		if exact {
			m.score = 0
		}
		if len(fe.tparams) > 0 {
			m.score += 2
		}
		if len(best) == 0 || m.score < best[0].score {
			best = []match{m}
		} else if m.score == best[0].score {
			best = append(best, m)
		}
	}
	switch {
	case len(best) == 0:
		return nil, nil, false
	case len(best) > 1 && !types.ContainsInvalid(arg):
		var where []string
		for _, m := range best {
			where = append(where, fmt.Sprintf("line %d", m.fe.decl.P.Line))
		}
		c.errorf(pos, "call of %s is ambiguous: %d definitions accept %s (%s)", displayName(n), len(best), arg, strings.Join(where, ", "))
		return best[0].fe, nil, false
	}
	m := best[0]
	for _, v := range m.fe.tparams {
		b, ok := m.s[v.ID]
		if !ok && types.ContainsInvalid(arg) {
			return m.fe, nil, false
		}
		if !ok {
			c.errorf(pos, "cannot infer the type argument %s of %s: write it, as in %s[int]", v.Name, displayName(n), displayName(n))
			return m.fe, nil, false
		}
		for _, class := range v.Classes {
			if class == "Str" && c.userStr(pos, &ir.Const{P: pos, T: b}) != nil {
				continue // printed with the str the program defines
			}
			if !inClass(class, b) && !types.ContainsInvalid(b) {
				if tv, ok := b.(*types.Var); ok {
					if owner := c.genericOwner(tv); owner != nil {
						c.errorf(pos, "%s needs %s[%s], which %s does not require: write %s[%s with %s[%s]]",
							displayName(n), class, tv.Name, owner.Name, owner.Name, tv.Name, class, tv.Name)
						return m.fe, nil, false
					}
				}
				c.errorf(pos, "%s: %s", displayName(n), classMisfit[class](b))
				return m.fe, nil, false
			}
		}
	}
	return m.fe, m.s, true
}

// classMisfit says why a type does not belong to a type class.
var classMisfit = map[string]func(types.Type) string{
	"Str": func(t types.Type) string {
		if v, ok := t.(*types.Variant); ok && v.Def.Kind == types.UserVariant {
			return fmt.Sprintf("a value of type %s cannot be printed until the program defines its str: fun str (x: %s) => ...", t, t)
		}
		return fmt.Sprintf("a value of type %s cannot be printed (functions and channels have no str)", t)
	},
	"Eq": func(t types.Type) string { return fmt.Sprintf("values of type %s cannot be compared for equality", t) },
	"Ord": func(t types.Type) string {
		return fmt.Sprintf("values of type %s cannot be ordered (only int, double, char, string and bool can)", t)
	},
}

// explicitTypeArgs binds the type arguments written on n (as in mk_schannel[int]).
func (c *Checker) explicitTypeArgs(n *ast.Name, fe *funcEnt) (subst, bool) {
	if len(n.TypeArgs) == 0 {
		if fe.dom != nil && len(fe.tparams) == 0 {
			return nil, true // nothing to bind: no map
		}
		return subst{}, true
	}
	s := subst{}
	if fe.dom == nil {
		c.funcSig(fe)
	}
	if len(n.TypeArgs) != len(fe.tparams) {
		if len(fe.tparams) == 0 {
			c.errorf(n.P, "%s is not generic and takes no type arguments", displayName(n))
		} else {
			c.errorf(n.P, "%s takes %s, not %d", displayName(n), plural(len(fe.tparams), "type argument"), len(n.TypeArgs))
		}
		return nil, false
	}
	for i, ta := range n.TypeArgs {
		s[fe.tparams[i].ID] = c.valueType(c.sc, ta, nil)
	}
	return s, true
}

// callFunc builds the call of a chosen function.
func (c *Checker) callFunc(pos ast.Pos, fe *funcEnt, s subst, arg ir.Expr) ir.Expr {
	ft := c.funcType(fe, pos)
	if ft == nil {
		return invalid(pos)
	}
	c.need(fe)
	// A primitive's arguments follow its declared shape: a generic T is one argument even
	// when it stands for a tuple.
	shape := ft.Dom
	ft = s.apply(ft).(*types.Func)
	if !fe.isPrim() {
		shape = ft.Dom
	}
	if fe.isPrim() && (schedulingPrims[fe.decl.Prim] || channelPrims[fe.decl.Prim]) && c.ctx.fn.Yields {
		if channelPrims[fe.decl.Prim] {
			c.errorf(pos, "a gen that yields cannot read or write a channel")
		} else {
			c.errorf(pos, "a gen that yields cannot start or schedule fibres")
		}
	}
	if fe.isPrim() && channelPrims[fe.decl.Prim] && c.ctx.fn.Kind == ir.KindFun {
		// As in Felix, a function is a value computed, not a fibre's step: it may be
		// evaluated at any time, or not at all. So it may not use a channel in a way that
		// waits or gives way to another fibre (it may poll one).
		c.errorf(pos, "a fun cannot %s a channel: make it a gen (or a proc)", fe.decl.Prim)
	}
	if fe.isPrim() && netChannelPrims[fe.decl.Prim] {
		c.netChannel(pos, fe.decl.Prim, ft.Cod)
	}
	if !fe.isPrim() && !c.noDirectGenerator(pos, fe.fn) {
		return invalid(pos)
	}
	call := c.flatten(pos, shape, arg, func(args []ir.Expr) ir.Expr {
		if fe.isPrim() {
			c.slotsLiteral(pos, fe.decl.Prim, args)
			return &ir.CallPrim{P: pos, T: ft.Cod, Prim: fe.decl.Prim, Args: args}
		}
		return &ir.CallFunc{P: pos, T: ft.Cod, Func: fe.fn, Args: args, TypeArgs: typeArgs(fe, s)}
	})
	if !fe.isPrim() && fe.nextYields() {
		c.freshGens[call] = fe.name
	}
	return call
}

// isClientEnd reports whether values of type t can be applied like a function to talk to
// a server: a duplex end, or a pair (%>W, %<R).
func isClientEnd(t types.Type) bool {
	switch t := t.(type) {
	case *types.Duplex:
		return true
	case *types.Tuple:
		if len(t.Elems) != 2 {
			return false
		}
		out, ok1 := t.Elems[0].(*types.Chan)
		in, ok2 := t.Elems[1].(*types.Chan)
		return ok1 && ok2 && out.Dir != types.In && in.Dir != types.Out
	}
	return false
}

// genericOwner finds the generic definition, enclosing the code being checked, that has the
// type parameter v.
func (c *Checker) genericOwner(v *types.Var) *ir.Func {
	for f := c.ctx.fn; f != nil; f = f.Parent {
		for _, p := range f.TypeParams {
			if p.ID == v.ID {
				return f
			}
		}
	}
	return nil
}

// typeArgs lists the types a generic function is instantiated with, in parameter order.
func typeArgs(fe *funcEnt, s subst) []types.Type {
	if len(fe.tparams) == 0 {
		return nil
	}
	out := make([]types.Type, len(fe.tparams))
	for i, v := range fe.tparams {
		out[i] = s[v.ID]
	}
	return out
}

// applyValue calls a closure value. A duplex channel end, or a pair of a write end and a
// read end, applied to a value writes it and reads the reply.
func (c *Checker) applyValue(pos ast.Pos, fn, arg ir.Expr) ir.Expr {
	if types.IsInvalid(fn.Type()) {
		return invalid(pos)
	}
	if isClientEnd(fn.Type()) {
		return c.applyOperator(pos, "subcall", "", c.pair(pos, fn, arg))
	}
	if _, ok := arg.Type().(*types.Array); ok && types.IsBasic(fn.Type(), types.Int) {
		return c.index(pos, arg, fn) // i v, written v.i or v.(i)
	}
	if name, ok := c.freshGens[fn]; ok {
		c.errorf(pos, "%s yields, so it cannot be called directly: bind an instance to a variable first", name)
		return invalid(pos)
	}
	if fv, ok := fn.(*ir.FuncValue); ok && !c.noDirectGenerator(pos, fv.Func) {
		return invalid(pos)
	}
	ft, ok := fn.Type().(*types.Func)
	if !ok {
		c.errorf(pos, "cannot apply a value of type %s: it is not a function", fn.Type())
		return invalid(pos)
	}
	if !types.AssignableTo(arg.Type(), ft.Dom) && isServerProc(ft) && !types.ContainsInvalid(arg.Type()) {
		return c.subcallServer(pos, fn, arg)
	}
	if !types.AssignableTo(arg.Type(), ft.Dom) {
		c.errorf(pos, "this function expects %s, not %s", ft.Dom, arg.Type())
		return invalid(pos)
	}
	return c.flatten(pos, ft.Dom, arg, func(args []ir.Expr) ir.Expr {
		if fv, ok := fn.(*ir.FuncValue); ok {
			return &ir.CallFunc{P: pos, T: ft.Cod, Func: fv.Func, Args: args, TypeArgs: fv.TypeArgs}
		}
		return &ir.Call{P: pos, T: ft.Cod, Fn: fn, Args: args}
	})
}

// flatten splits an argument of domain dom into the arguments a call passes: none for unit,
// the elements for a tuple, else the argument itself. A tuple that is not written out is
// evaluated once into a temporary whose elements are passed.
func (c *Checker) flatten(pos ast.Pos, dom types.Type, arg ir.Expr, call func([]ir.Expr) ir.Expr) ir.Expr {
	n := 1
	if t, ok := dom.(*types.Tuple); ok {
		n = len(t.Elems)
	}
	if n == 1 {
		return call([]ir.Expr{arg})
	}
	if n == 0 {
		if _, isConst := arg.(*ir.Const); isConst {
			return call(nil)
		}
		tmp := c.newTemp(pos, arg.Type())
		return &ir.Let{P: pos, Var: tmp, Init: arg, Body: call(nil)}
	}
	if t, ok := arg.(*ir.Tuple); ok && len(t.Elems) == n {
		return call(t.Elems)
	}
	at, ok := arg.Type().(*types.Tuple)
	if !ok || len(at.Elems) != n {
		return invalid(pos) // only reached after an error
	}
	tmp := c.newTemp(pos, arg.Type())
	args := make([]ir.Expr, n)
	for i := range args {
		args[i] = &ir.Proj{P: pos, T: at.Elems[i], X: &ir.Local{P: pos, Var: tmp}, Index: i}
	}
	return &ir.Let{P: pos, Var: tmp, Init: arg, Body: call(args)}
}

// castType finds the type a name used as a function denotes, for conversions such as
// `ischannel[int] sc`.
func (c *Checker) castType(n *ast.Name) types.Type {
	sc, only := c.qualified(n.P, n.Path)
	if sc == nil {
		return nil
	}
	name := n.Path[len(n.Path)-1]
	var te *typeEnt
	if only {
		te = sc.ownType(name)
	} else {
		te = sc.lookupType(name)
	}
	if te == nil {
		return nil
	}
	return c.resolveType(&ast.NamedType{P: n.P, Path: n.Path, Args: n.TypeArgs})
}

// cast converts arg to type t, which it must be assignable to.
func (c *Checker) cast(pos ast.Pos, n *ast.Name, t types.Type, arg ir.Expr) ir.Expr {
	if !types.AssignableTo(arg.Type(), t) {
		c.errorf(pos, "cannot convert %s to %s", arg.Type(), t)
		return invalid(pos)
	}
	if types.IsInvalid(t) {
		return invalid(pos)
	}
	// Every view of a channel is the same channel, so the conversion is free.
	return c.asType(pos, arg, t)
}
