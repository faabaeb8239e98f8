package check

import (
	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// A struct is a record type known by its name: `struct point { x: int; y: int; }` makes the
// type point, whose values are built by applying the name to the fields in declaration
// order, `point (1, 2)`, and read like a record's, `p.x`. A struct is never identical to a
// record or to another struct with the same fields. Like a record it prints and compares
// field by field, unless the program defines `str` (or `eq`) for it.

// structEnt is the constructor a struct's name denotes as a value.
type structEnt struct {
	te *typeEnt
}

func (s *structEnt) declPos() ast.Pos { return s.te.strct.P }

// declareStruct enters a struct type and its constructor; the field types are resolved when
// first needed.
func (c *Checker) declareStruct(sc *scope, d *ast.StructDecl) {
	if prev := sc.types[d.Name]; prev != nil && prev.declared() {
		c.errorf(d.P, "type %s is already defined at line %d", d.Name, prev.declPos().Line)
		return
	}
	te := &typeEnt{name: d.Name, strct: d, defined: sc}
	sc.types[d.Name] = te
	prev := sc.values[d.Name]
	if len(prev) > 0 && len(funcEnts(prev)) < len(prev) {
		c.errorf(d.P, "%s is already declared in this scope, %s", d.Name, where(d.P, prev[0].declPos()))
		return
	}
	// Functions of the same name (ctor Name ...) are further ways to build one.
	sc.values[d.Name] = append([]entity{&structEnt{te: te}}, prev...)
}

// structAccepts reports whether arg's type gives the struct's fields, in declaration order.
func (c *Checker) structAccepts(se *structEnt, arg types.Type) bool {
	rt, decl := c.structFields(se.te)
	return rt != nil && newMatcher(subst{}, se.te.params).match(types.NewTuple(decl...), arg)
}

// resolveStruct resolves a struct's fields, giving te its record type over its parameters.
func (c *Checker) resolveStruct(te *typeEnt) {
	d := te.strct
	if te.resolving {
		c.errorf(d.P, "struct %s contains itself", d.Name)
		te.t = types.InvalidType
		return
	}
	te.resolving = true
	defer func() { te.resolving = false }()
	tps := map[string]*types.Var{}
	var args []types.Type
	for _, tp := range d.TypeParams {
		v := c.freshVar(tp.Name, tp.Classes)
		tps[tp.Name] = v
		te.params = append(te.params, v)
		args = append(args, v)
	}
	fields := make([]types.Field, len(d.Names))
	seen := map[string]bool{}
	for i, n := range d.Names {
		if seen[n] {
			c.errorf(d.P, "field %s appears twice in struct %s", n, d.Name)
		}
		seen[n] = true
		fields[i] = types.Field{Name: n, Type: c.valueType(te.defined, d.Fields[i], tps)}
	}
	rt := types.NewRecord(fields)
	rt.Name, rt.Args = d.Name, args
	te.t = rt
}

// structFields returns a struct type's record over its parameters and its field types in
// declaration order.
func (c *Checker) structFields(te *typeEnt) (*types.Record, []types.Type) {
	if te.t == nil {
		c.resolveTypedef(te)
	}
	rt, ok := te.t.(*types.Record)
	if !ok {
		return nil, nil
	}
	decl := make([]types.Type, len(te.strct.Names))
	for i, n := range te.strct.Names {
		decl[i] = rt.Fields[rt.FieldIndex(n)].Type
	}
	return rt, decl
}

// makeStruct checks a struct's constructor applied to the fields' values, in declaration
// order.
func (c *Checker) makeStruct(pos ast.Pos, n *ast.Name, se *structEnt, arg ir.Expr) ir.Expr {
	rt, decl := c.structFields(se.te)
	if rt == nil {
		return invalid(pos)
	}
	s := subst{}
	if len(n.TypeArgs) > 0 {
		if len(n.TypeArgs) != len(se.te.params) {
			c.errorf(n.P, "%s takes %s, not %d", displayName(n), plural(len(se.te.params), "type argument"), len(n.TypeArgs))
			return invalid(pos)
		}
		for i, ta := range n.TypeArgs {
			s[se.te.params[i].ID] = c.valueType(c.sc, ta, nil)
		}
	}
	dom := types.NewTuple(decl...)
	mt := newMatcher(s, se.te.params)
	if !mt.match(dom, arg.Type()) {
		if !types.ContainsInvalid(arg.Type()) {
			c.errorf(pos, "%s expects %s, not %s", displayName(n), dom, arg.Type())
		}
		return invalid(pos)
	}
	args := make([]types.Type, len(se.te.params))
	for i, p := range se.te.params {
		b, ok := s[p.ID]
		if !ok {
			c.errorf(pos, "cannot infer the type arguments of %s: write them, as in %s[int]", displayName(n), displayName(n))
			return invalid(pos)
		}
		args[i] = b
	}
	t := types.Substitute(rt, se.te.params, args).(*types.Record)
	order := make([]int, len(se.te.strct.Names))
	for i, name := range se.te.strct.Names {
		order[i] = t.FieldIndex(name)
	}
	return c.flatten(pos, types.Substitute(dom, se.te.params, args), arg, func(elems []ir.Expr) ir.Expr {
		r := &ir.Record{P: pos, T: t, Fields: make([]ir.Expr, len(elems)), Order: order}
		for i, e := range elems {
			r.Fields[order[i]] = e
		}
		return r
	})
}
