package check

import (
	"fmt"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/types"
)

// resolveType turns a written type into a type, in the current scope.
func (c *Checker) resolveType(t ast.Type) types.Type {
	return c.resolveTypeIn(c.sc, t, nil)
}

// resolveTypeIn turns a written type into a type, looking names up in sc; tps holds the
// generic parameters in scope.
func (c *Checker) resolveTypeIn(sc *scope, t ast.Type, tps map[string]*types.Var) types.Type {
	switch t := t.(type) {
	case *ast.NamedType:
		return c.namedType(sc, t, tps)
	case *ast.TupleType:
		elems := make([]types.Type, len(t.Elems))
		for i, e := range t.Elems {
			elems[i] = c.valueType(sc, e, tps)
		}
		return types.NewTuple(elems...)
	case *ast.UnitType:
		return types.UnitType
	case *ast.VoidType:
		return types.VoidType
	case *ast.RecordType:
		fields := make([]types.Field, len(t.Names))
		seen := map[string]bool{}
		for i, n := range t.Names {
			if seen[n] {
				c.errorf(t.P, "field %s appears twice in the record type", n)
			}
			seen[n] = true
			fields[i] = types.Field{Name: n, Type: c.valueType(sc, t.Fields[i], tps)}
		}
		return types.NewRecord(fields)
	case *ast.FuncType:
		return &types.Func{Dom: c.valueType(sc, t.Dom, tps), Cod: c.resolveTypeIn(sc, t.Cod, tps)}
	case *ast.ChanType:
		dir := types.In
		if t.Dir == ast.ChanOut {
			dir = types.Out
		}
		return &types.Chan{Dir: dir, Elem: c.valueType(sc, t.Elem, tps)}
	case *ast.PtrType:
		return &types.Ptr{Elem: c.valueType(sc, t.Elem, tps)}
	case *ast.DuplexType:
		return &types.Duplex{Read: c.valueType(sc, t.Read, tps), Write: c.valueType(sc, t.Write, tps)}
	}
	return types.InvalidType
}

// valueType resolves a type that must have values: anything but 0.
func (c *Checker) valueType(sc *scope, t ast.Type, tps map[string]*types.Var) types.Type {
	r := c.resolveTypeIn(sc, t, tps)
	if types.IsVoid(r) {
		c.errorf(t.Position(), "0 is not a type of values; it can only be the result of a procedure")
		return types.InvalidType
	}
	return r
}

func (c *Checker) namedType(sc *scope, t *ast.NamedType, tps map[string]*types.Var) types.Type {
	name := t.Path[len(t.Path)-1]
	if len(t.Path) == 1 {
		if v := tps[name]; v != nil {
			if len(t.Args) > 0 {
				c.errorf(t.P, "type parameter %s takes no type arguments", name)
			}
			return v
		}
	}
	var te *typeEnt
	if len(t.Path) == 1 {
		te = sc.lookupType(name)
	} else {
		saved := c.sc
		c.sc = sc
		m, _ := c.qualified(t.P, t.Path)
		c.sc = saved
		if m == nil {
			return types.InvalidType
		}
		te = m.ownType(name)
	}
	if te == nil {
		c.errorf(t.P, "undefined type %s%s", strings.Join(t.Path, "::"), suggest(name, sc.visibleTypes()))
		return types.InvalidType
	}
	args := make([]types.Type, len(t.Args))
	for i, a := range t.Args {
		args[i] = c.valueType(sc, a, tps)
	}
	want := 0
	switch {
	case te.isChan, te.isArray:
		want = 1
	case te.isDuplex:
		want = 2
	case te.variant != nil:
		want = len(te.variant.Params)
	default:
		if te.t == nil {
			c.resolveTypedef(te)
		}
		want = len(te.params)
	}
	if len(args) != want {
		if want == 0 {
			c.errorf(t.P, "type %s takes no type arguments", name)
		} else {
			c.errorf(t.P, "type %s takes %s, as in %s[%s]", name, plural(want, "type argument"), name, strings.TrimSuffix(strings.Repeat("int, ", want), ", "))
		}
		return types.InvalidType
	}
	switch {
	case te.isChan:
		return &types.Chan{Dir: te.chanDir, Elem: args[0]}
	case te.isDuplex:
		return &types.Duplex{Read: args[0], Write: args[1]}
	case te.isArray:
		return &types.Array{Elem: args[0], Growable: te.growable}
	case te.variant != nil:
		c.variantDef(te)
		return &types.Variant{Def: te.variant, Args: args}
	}
	return types.Substitute(te.t, te.params, args)
}

// resolveTypedef resolves a `typedef` or opaque `type` declaration.
func (c *Checker) resolveTypedef(te *typeEnt) {
	if te.strct != nil {
		c.resolveStruct(te)
		return
	}
	d := te.decl
	if d.Prim != "" {
		te.t = &types.Opaque{Name: d.Name, Prim: d.Prim}
		return
	}
	if te.resolving {
		c.errorf(d.P, "typedef %s refers to itself", d.Name)
		te.t = types.InvalidType
		return
	}
	te.resolving = true
	tps := map[string]*types.Var{}
	for _, tp := range d.TypeParams {
		v := c.freshVar(tp.Name, tp.Classes)
		tps[tp.Name] = v
		te.params = append(te.params, v)
	}
	te.t = c.resolveTypeIn(te.defined, d.Def, tps)
	te.resolving = false
}

// visibleTypes lists the type names visible from s.
func (s *scope) visibleTypes() []string {
	var out []string
	for ; s != nil; s = s.parent {
		for n := range s.types {
			out = append(out, n)
		}
	}
	return out
}

// ---- generic matching -----------------------------------------------------------------------

// subst maps generic parameters (by ID) to the types they stand for.
type subst map[int]types.Type

// apply replaces the bound variables of t.
func (s subst) apply(t types.Type) types.Type {
	if len(s) == 0 {
		return t
	}
	return types.Map(t, func(v *types.Var) types.Type {
		if b, ok := s[v.ID]; ok {
			return b
		}
		return v
	})
}

// matcher matches parameter types that mention generic parameters against argument types,
// binding the parameters.
type matcher struct {
	s    subst        // the bindings so far
	vars map[int]bool // the parameters that may be bound (by ID)
	why  string       // after a failed match: a parameter bound to two types, if that was why
}

func newMatcher(s subst, params []*types.Var) *matcher {
	m := &matcher{s: s}
	if len(params) > 0 { // matching against a non-generic type binds nothing: no map
		m.vars = make(map[int]bool, len(params))
		for _, v := range params {
			m.vars[v.ID] = true
		}
	}
	return m
}

// match reports whether a value of type arg can be passed where param (which may mention
// the generic parameters) is expected, binding those parameters. Like types.AssignableTo,
// it lets an schannel stand for either of its ends.
func (m *matcher) match(param, arg types.Type) bool {
	if types.IsInvalid(arg) {
		return true
	}
	switch p := param.(type) {
	case *types.Var:
		if !m.vars[p.ID] {
			return types.Identical(p, arg)
		}
		if b, ok := m.s[p.ID]; ok {
			if types.AssignableTo(arg, b) {
				return true
			}
			if m.why == "" {
				m.why = fmt.Sprintf("%s cannot be both %s and %s", p.Name, b, arg)
			}
			return false
		}
		m.s[p.ID] = arg
		return true
	case *types.Tuple:
		a, ok := arg.(*types.Tuple)
		if !ok || len(a.Elems) != len(p.Elems) {
			return false
		}
		for i := range p.Elems {
			if !m.match(p.Elems[i], a.Elems[i]) {
				return false
			}
		}
		return true
	case *types.Record:
		a, ok := arg.(*types.Record)
		if !ok || a.Name != p.Name || len(a.Fields) != len(p.Fields) {
			return false
		}
		for i := range p.Fields {
			if p.Fields[i].Name != a.Fields[i].Name || !m.match(p.Fields[i].Type, a.Fields[i].Type) {
				return false
			}
		}
		return true
	case *types.Func:
		a, ok := arg.(*types.Func)
		return ok && m.match(p.Dom, a.Dom) && m.match(p.Cod, a.Cod)
	case *types.Chan:
		a, ok := arg.(*types.Chan)
		return ok && (a.Dir == p.Dir || a.BothEnds() && (p.Dir == types.In || p.Dir == types.Out)) && m.match(p.Elem, a.Elem)
	case *types.Variant:
		a, ok := arg.(*types.Variant)
		if !ok || a.Def != p.Def {
			return false
		}
		for i := range p.Args {
			if !m.matchExact(p.Args[i], a.Args[i]) {
				return false
			}
		}
		return true
	case *types.Ptr:
		a, ok := arg.(*types.Ptr)
		return ok && m.matchExact(p.Elem, a.Elem)
	case *types.Duplex:
		a, ok := arg.(*types.Duplex)
		return ok && m.matchExact(p.Read, a.Read) && m.matchExact(p.Write, a.Write)
	case *types.Array:
		a, ok := arg.(*types.Array)
		return ok && a.Growable == p.Growable && m.matchExact(p.Elem, a.Elem)
	}
	return types.AssignableTo(arg, param)
}

// matchExact is match where no conversion is allowed: inside a list or a pointer the types
// must be the same.
func (m *matcher) matchExact(param, arg types.Type) bool {
	if !m.match(param, arg) {
		return false
	}
	return types.ContainsInvalid(arg) || types.Identical(m.s.apply(param), arg)
}

// inClass reports whether t belongs to a type class: Str (printable), Eq (comparable with
// ==) or Ord (ordered with <).
func inClass(class string, t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		switch class {
		case "Ord":
			return t.Kind == types.Int || t.Kind == types.Double || t.Kind == types.Char ||
				t.Kind == types.String || t.Kind == types.Bool || t.Kind == types.Invalid
		case "Str":
			return t.Kind != types.Void && t.Kind != types.Label
		default:
			return t.Kind != types.Void
		}
	case *types.Tuple:
		if class == "Ord" {
			return false
		}
		for _, e := range t.Elems {
			if !inClass(class, e) {
				return false
			}
		}
		return true
	case *types.Record:
		if class == "Ord" {
			return false
		}
		for _, f := range t.Fields {
			if !inClass(class, f.Type) {
				return false
			}
		}
		return true
	case *types.Var:
		for _, have := range t.Classes {
			if have == class {
				return true
			}
		}
	case *types.Variant:
		// Lists and options print and compare when their elements do; declared variants
		// have neither.
		return t.Def.Kind != types.UserVariant && class != "Ord" && inClass(class, t.Args[0])
	case *types.Array:
		// Arrays print when their elements do; they cannot be compared.
		return class == "Str" && inClass(class, t.Elem)
	}
	return false
}
