package check

import (
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
		te = m.types[name]
	}
	if te == nil {
		c.errorf(t.P, "undefined type %s%s", strings.Join(t.Path, "::"), suggest(name, sc.visibleTypes()))
		return types.InvalidType
	}
	if te.isChan {
		if len(t.Args) != 1 {
			c.errorf(t.P, "%s takes one type argument, as in %s[int]", name, name)
			return types.InvalidType
		}
		return &types.Chan{Dir: te.chanDir, Elem: c.valueType(sc, t.Args[0], tps)}
	}
	if len(t.Args) > 0 {
		c.errorf(t.P, "type %s takes no type arguments", name)
	}
	if te.t == nil {
		c.resolveTypedef(te)
	}
	return te.t
}

// resolveTypedef resolves a `typedef` or opaque `type` declaration.
func (c *Checker) resolveTypedef(te *typeEnt) {
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
	te.t = c.resolveTypeIn(te.defined, d.Def, nil)
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
	switch t := t.(type) {
	case *types.Var:
		if b, ok := s[t.ID]; ok {
			return b
		}
		return t
	case *types.Tuple:
		if len(t.Elems) == 0 {
			return t
		}
		elems := make([]types.Type, len(t.Elems))
		for i, e := range t.Elems {
			elems[i] = s.apply(e)
		}
		return &types.Tuple{Elems: elems}
	case *types.Record:
		fields := make([]types.Field, len(t.Fields))
		for i, f := range t.Fields {
			fields[i] = types.Field{Name: f.Name, Type: s.apply(f.Type)}
		}
		return &types.Record{Fields: fields}
	case *types.Func:
		return &types.Func{Dom: s.apply(t.Dom), Cod: s.apply(t.Cod)}
	case *types.Chan:
		return &types.Chan{Dir: t.Dir, Elem: s.apply(t.Elem)}
	}
	return t
}

// match reports whether a value of type arg can be passed where param (which may mention
// the generic parameters in vars) is expected, binding those parameters in s. Like
// types.AssignableTo, it lets an schannel stand for either of its ends.
func (s subst) match(param, arg types.Type, vars map[int]bool) bool {
	if types.IsInvalid(arg) {
		return true
	}
	switch p := param.(type) {
	case *types.Var:
		if !vars[p.ID] {
			return types.Identical(p, arg)
		}
		if b, ok := s[p.ID]; ok {
			return types.AssignableTo(arg, b)
		}
		s[p.ID] = arg
		return true
	case *types.Tuple:
		a, ok := arg.(*types.Tuple)
		if !ok || len(a.Elems) != len(p.Elems) {
			return false
		}
		for i := range p.Elems {
			if !s.match(p.Elems[i], a.Elems[i], vars) {
				return false
			}
		}
		return true
	case *types.Record:
		a, ok := arg.(*types.Record)
		if !ok || len(a.Fields) != len(p.Fields) {
			return false
		}
		for i := range p.Fields {
			if p.Fields[i].Name != a.Fields[i].Name || !s.match(p.Fields[i].Type, a.Fields[i].Type, vars) {
				return false
			}
		}
		return true
	case *types.Func:
		a, ok := arg.(*types.Func)
		return ok && s.match(p.Dom, a.Dom, vars) && s.match(p.Cod, a.Cod, vars)
	case *types.Chan:
		a, ok := arg.(*types.Chan)
		return ok && (a.Dir == p.Dir || a.Dir == types.Both) && s.match(p.Elem, a.Elem, vars)
	}
	return types.AssignableTo(arg, param)
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
	}
	return false
}
