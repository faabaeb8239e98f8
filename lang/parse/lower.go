package parse

import (
	"maps"
	"math"
	"strconv"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
)

// lowerer turns the concrete syntax tree of one file into ast nodes.
type lowerer struct {
	p    *fileParser
	file string
	// incrs holds the operands of `x++` suffixes lowered but not yet claimed by the
	// statement `x++;`; any left over were used inside an expression.
	incrs map[ast.Expr]incr
	// macros holds the `macro val` names in scope with the expressions they stand for (nil
	// for a name that stands for itself); expanding marks those being expanded.
	macros    map[string]*cstExpr
	expanding map[string]bool
}

// incr is a pending `x++` or `x--`.
type incr struct {
	pos   ast.Pos
	delta int
}

// at is the position p in the file being lowered.
func (l *lowerer) at(p position) ast.Pos {
	return ast.Pos{File: l.file, Line: int(p.line), Col: int(p.col)}
}

func (l *lowerer) errorf(pos ast.Pos, format string, args ...any) {
	l.p.errs.Add(pos, format, args...)
}

func (l *lowerer) stmts(in []*cstStmt) []ast.Stmt {
	// A macro is visible from its definition to the end of the statements it is in.
	saved := l.macros
	l.macros = maps.Clone(saved)
	defer func() { l.macros = saved }()
	var out []ast.Stmt
	for _, s := range in {
		out = l.each(out, s)
	}
	return out
}

// each lowers one statement of a list, appending it to out.
func (l *lowerer) each(out []ast.Stmt, s *cstStmt) []ast.Stmt {
	out = append(out, l.stmt(s)...)
	for _, inc := range l.incrs {
		l.errorf(inc.pos, "syntax error: x++ is a statement, not part of an expression")
	}
	clear(l.incrs)
	return out
}

func (l *lowerer) stmt(s *cstStmt) []ast.Stmt {
	pos := l.at(s.Pos)
	one := func(st ast.Stmt) []ast.Stmt { return []ast.Stmt{st} }
	switch {
	case s.Include != nil:
		return l.p.include(l.file, pos, l.stringLit(pos, *s.Include))
	case s.Open != nil:
		if s.Open.Syntax {
			// Felix's grammar extensions: the chips syntax is built in.
			if name := strings.Join(s.Open.Name.Parts, "::"); name != "chips" {
				l.errorf(pos, "open syntax %s: felixlet has no syntax extension %s (only chips, which is always on)", name, name)
			}
			return nil
		}
		return one(&ast.Open{P: pos, Path: s.Open.Name.Parts, Inherit: s.Open.Kind == "inherit"})
	case s.Export != nil:
		return one(l.export(s.Export))
	case s.Macro != nil:
		if l.macros == nil {
			l.macros = map[string]*cstExpr{}
		}
		for _, n := range s.Macro.Names {
			l.macros[n] = s.Macro.Value
		}
		if s.Macro.Value != nil && len(s.Macro.Names) > 1 {
			l.errorf(pos, "macro val with a value defines one name")
		}
		return nil
	case s.Struct != nil:
		return one(l.structDecl(s.Struct))
	case s.Instance != nil:
		return l.instance(s.Instance)
	case s.Var != nil:
		return one(l.varDecl(s.Var))
	case s.Def != nil:
		d := &ast.VarDecl{P: pos, Init: l.expr(s.Def.Init)}
		for _, t := range s.Def.Targets {
			d.Binders = append(d.Binders, &ast.Binder{P: l.at(t.Pos), Name: t.Name, Mutable: t.Kind == "var"})
		}
		return one(d)
	case s.Func != nil:
		return one(l.funcDef(s.Func))
	case s.Typedef != nil:
		if cases := polyCases(s.Typedef.Type); cases != nil {
			return one(l.polyVariant(pos, s.Typedef, cases))
		}
		return one(&ast.TypeDecl{P: pos, Name: s.Typedef.Name, TypeParams: l.typeParams(pos, s.Typedef.TParams), Def: l.typ(s.Typedef.Type)})
	case s.Variant != nil:
		return one(l.variant(s.Variant))
	case s.Chip != nil:
		return one(l.chip(s.Chip))
	case s.Device != nil:
		d := s.Device
		return one(&ast.VarDecl{P: pos, Binders: []*ast.Binder{{P: pos, Name: d.Name}}, Init: l.expr(d.Init), Device: true})
	case s.Circuit != nil:
		return one(l.circuit(s.Circuit))
	case s.Match != nil:
		arms := s.Match.Arms
		if s.Match.DoArm != nil {
			arms = s.Match.DoArm
		}
		m := &ast.MatchStmt{P: pos, Scrut: l.expr(s.Match.Scrut)}
		for _, a := range arms {
			m.Arms = append(m.Arms, &ast.Arm{P: l.at(a.Pos), Pat: l.pattern(a.Pat), Guard: l.optExpr(a.Guard), Body: l.stmts(a.Body)})
		}
		return one(m)
	case s.Select != nil:
		return one(l.selectStmt(s.Select))
	case s.Yield != nil:
		return one(&ast.Yield{P: pos, Value: l.expr(s.Yield.Value)})
	case s.Union != nil:
		l.errorf(pos, "syntax error: variant types are declared with variant, not union")
		return nil
	case s.TypePrim != nil:
		return one(&ast.TypeDecl{P: pos, Name: s.TypePrim.Name, Prim: l.stringLit(pos, s.TypePrim.Prim)})
	case s.Module != nil:
		return one(&ast.Module{P: pos, Name: s.Module.Name, Body: l.stmts(s.Module.Body)})
	case s.If != nil:
		return one(l.ifStmt(s.If))
	case s.Loop != nil:
		return one(l.loop(s.Loop, ""))
	case s.Labelled != nil:
		return one(l.loop(s.Labelled.Loop, s.Labelled.Label))
	case s.Label != nil:
		return one(&ast.Label{P: pos, Name: *s.Label})
	case s.Goto != nil:
		return one(&ast.Goto{P: pos, Name: *s.Goto})
	case s.GotoPtr != nil:
		return one(&ast.GotoLabel{P: pos, Target: l.expr(s.GotoPtr)})
	case s.Break != nil:
		return one(&ast.Break{P: pos, Label: l.jumpLabel(pos, "break", s.Break)})
	case s.Continue != nil:
		return one(&ast.Continue{P: pos, Label: l.jumpLabel(pos, "continue", s.Continue)})
	case s.Return != nil:
		return one(l.ret(s.Return))
	case s.Halt != nil:
		return one(&ast.Halt{P: pos, Msg: l.expr(s.Halt)})
	case s.Call != nil:
		return one(&ast.ExprStmt{P: pos, X: l.expr(s.Call)})
	case s.Begin != nil:
		return one(&ast.Begin{P: pos, Body: l.stmts(s.Begin.Stmts)})
	case s.PreIncr != nil:
		return one(&ast.Incr{P: pos, Delta: incrDelta(s.PreIncr.Op), Target: l.expr(s.PreIncr.Target)})
	case s.Expr != nil:
		return l.exprStmt(pos, s.Expr)
	}
	return nil // an empty statement
}

// jumpLabel returns the label of a break or continue, which Felix requires.
func (l *lowerer) jumpLabel(pos ast.Pos, what string, j *cstJump) string {
	if j.Label == "" {
		l.errorf(pos, "syntax error: a bare %s is not allowed: label the loop (outer: while ...) and write %s outer", what, what)
	}
	return j.Label
}

func incrDelta(op string) int {
	if op == "++" {
		return 1
	}
	return -1
}

func (l *lowerer) varDecl(v *cstVar) *ast.VarDecl {
	d := &ast.VarDecl{P: l.at(v.Pos)}
	for _, b := range v.Names {
		d.Binders = append(d.Binders, &ast.Binder{P: l.at(b.Pos), Name: b.Name, Type: l.typ(b.Type), Mutable: v.Kind == "var"})
	}
	if v.Init != nil {
		d.Init = l.expr(v.Init)
	} else if len(d.Binders) > 1 {
		l.errorf(d.P, "a declaration of several names needs an initialiser")
	}
	return d
}

func (l *lowerer) exprStmt(pos ast.Pos, s *cstExprStmt) []ast.Stmt {
	x := l.expr(s.X)
	if inc, ok := l.incrs[x]; ok && s.Op == "" {
		delete(l.incrs, x)
		return []ast.Stmt{&ast.Incr{P: pos, Delta: inc.delta, Target: x}}
	}
	switch {
	case s.Op == ":=":
		d := &ast.VarDecl{P: pos, Init: l.expr(s.Value), Short: true}
		names := []ast.Expr{x}
		if t, ok := x.(*ast.TupleLit); ok {
			names = t.Elems
		}
		for _, n := range names {
			name, ok := n.(*ast.Name)
			if !ok || len(name.Path) != 1 || name.TypeArgs != nil {
				l.errorf(n.Position(), "only plain names can be declared with :=")
				continue
			}
			d.Binders = append(d.Binders, &ast.Binder{P: name.P, Name: name.Path[0]})
		}
		return []ast.Stmt{d}
	case s.Op != "":
		return []ast.Stmt{&ast.Assign{P: pos, Op: s.Op, Target: x, Value: l.expr(s.Value)}}
	}
	return []ast.Stmt{&ast.ExprStmt{P: pos, X: x}}
}

func (l *lowerer) ret(r *cstReturn) *ast.Return {
	return &ast.Return{P: l.at(r.Pos), Value: l.optExpr(r.Value)}
}

func (l *lowerer) ifStmt(s *cstIf) ast.Stmt {
	pos := l.at(s.Pos)
	if s.Then != nil {
		l.errorf(l.at(s.Then.Pos), "syntax error: if ... then ... endif is an expression, not a statement: write if c do ... done")
		return &ast.If{P: pos, Cond: l.expr(s.Cond)}
	}
	if s.Short != nil {
		return &ast.If{P: pos, Cond: l.expr(s.Cond), Then: []ast.Stmt{l.short(s.Short)}}
	}
	top := &ast.If{P: pos, Cond: l.expr(s.Cond), Then: l.stmts(s.Block.Then)}
	last := top
	for _, e := range s.Block.Elifs {
		next := &ast.If{P: l.at(e.Pos), Cond: l.expr(e.Cond)}
		if e.Short != nil {
			next.Then = []ast.Stmt{l.short(e.Short)}
		} else {
			next.Then = l.stmts(e.Then)
		}
		last.Else = []ast.Stmt{next}
		last = next
	}
	if s.Block.Else != nil {
		last.Else = l.stmts(s.Block.Else.Stmts)
	}
	return top
}

// short lowers the single statement of a short conditional.
func (l *lowerer) short(s *cstShort) ast.Stmt {
	pos := l.at(s.Pos)
	switch {
	case s.Goto != nil:
		return &ast.Goto{P: pos, Name: *s.Goto}
	case s.Return != nil:
		return l.ret(s.Return)
	case s.Call != nil:
		return &ast.ExprStmt{P: pos, X: l.expr(s.Call)}
	case s.Perform != nil:
		return l.single(s.Perform)
	case s.Break != nil:
		return &ast.Break{P: pos, Label: l.jumpLabel(pos, "break", s.Break)}
	case s.Continue != nil:
		return &ast.Continue{P: pos, Label: l.jumpLabel(pos, "continue", s.Continue)}
	default:
		return l.loop(s.Loop, "")
	}
}

// single lowers a statement that must stand alone (a `perform` body); an included file or an
// empty statement becomes a begin block.
func (l *lowerer) single(s *cstStmt) ast.Stmt {
	out := l.stmt(s)
	if len(out) == 1 {
		return out[0]
	}
	return &ast.Begin{P: l.at(s.Pos), Body: out}
}

func (l *lowerer) body(b *cstBody) []ast.Stmt {
	if b.Do {
		return l.stmts(b.Stmts)
	}
	return l.stmt(b.Perform)
}

func (l *lowerer) loop(s *cstLoop, label string) ast.Stmt {
	pos := l.at(s.Pos)
	switch {
	case s.While != nil:
		return &ast.While{P: pos, Label: label, Cond: l.expr(s.While.Cond), Until: s.While.Until, Body: l.body(s.While.Body)}
	case s.Repeat != nil:
		return &ast.While{P: pos, Label: label, Cond: &ast.BoolLit{P: pos, Value: true}, Body: l.body(s.Repeat)}
	case s.CFor != nil:
		if label != "" {
			l.errorf(pos, "a C-style for loop cannot be labelled")
		}
		return &ast.CFor{P: pos, Init: l.single(s.CFor.Init), Cond: l.expr(s.CFor.Cond),
			Step: l.single(s.CFor.Step), Body: []ast.Stmt{l.single(s.CFor.Body)}}
	}
	f := s.For
	v := &ast.Binder{P: l.at(f.Var.Pos), Name: f.Var.Name, Type: l.typ(f.Var.Type), Mutable: true}
	if f.Range == "" {
		if f.Decl {
			l.errorf(pos, "for var needs a range: for var i in a upto b")
		}
		return &ast.ForIn{P: pos, Label: label, Var: v, Iter: l.expr(f.From), Body: l.body(f.Body)}
	}
	r := &ast.ForRange{P: pos, Label: label, Var: v, Explicit: f.Decl, From: l.expr(f.From), To: l.expr(f.To), Body: l.body(f.Body)}
	switch f.Range {
	case "..":
		r.Kind, r.Declare = ast.RangeIncl, true
	case "..<":
		r.Kind, r.Declare = ast.RangeExcl, true
	case "upto":
		r.Kind, r.Declare = ast.RangeUpto, f.Decl
	case "downto":
		r.Kind, r.Declare = ast.RangeDownto, f.Decl
	}
	if v.Type != nil && !r.Declare {
		l.errorf(v.P, "a type annotation needs for var")
	}
	return r
}

// instance lowers `instance[T] C[X] { definitions }` to its definitions, each generic over
// the instance's type parameters.
func (l *lowerer) instance(in *cstInstance) []ast.Stmt {
	pos := l.at(in.Pos)
	tps := l.typeParams(pos, in.TParams)
	body := l.stmts(in.Body)
	for _, s := range body {
		d, ok := s.(*ast.FuncDecl)
		if !ok {
			l.errorf(s.Position(), "an instance may contain only function definitions")
			continue
		}
		d.TypeParams = append(append([]*ast.TypeParam{}, tps...), d.TypeParams...)
	}
	return body
}

func (l *lowerer) funcDef(f *cstFuncDef) ast.Stmt {
	name := f.Name
	if op, ok := operatorFuncs[name]; ok {
		name = op // fun == (a: T, b: T) defines eq
	}
	d := &ast.FuncDecl{P: l.at(f.Pos), Kind: funcKind(f.Kind), Name: name}
	d.TypeParams = l.typeParams(d.P, f.TParams)
	if f.Prim != nil && f.Prim.Arms != nil {
		l.byCases(d, f.Prim)
		return d
	}
	if f.Prim != nil {
		d.Prim = l.stringLit(d.P, *f.Prim.Prim)
		d.PrimType = l.typ(f.Prim.Type)
		return d
	}
	if d.Kind == ast.Const {
		l.errorf(d.P, "const must be bound to a primitive: const name : T = \"prim\";")
	}
	l.funcRest(d, f.Def)
	if f.Kind == "ctor" && d.Ret == nil {
		d.Ret = &ast.NamedType{P: d.P, Path: []string{f.Name}}
	}
	return d
}

// byCases lowers a definition by cases, `fun f : D -> C = | p1 => e1 | ...;`, to
// `fun f (x: D) : C => match x with | p1 => e1 | ... endmatch;`.
func (l *lowerer) byCases(d *ast.FuncDecl, b *cstPrimBind) {
	ft, ok := l.typ(b.Type).(*ast.FuncType)
	if !ok {
		l.errorf(d.P, "a definition by cases needs a function type, as in fun %s : int -> int = | 0 => 1 | n => n;", d.Name)
		return
	}
	if d.Kind != ast.Fun {
		l.errorf(d.P, "only a fun can be defined by cases")
	}
	arg := &ast.Name{P: d.P, Path: []string{"$arg"}}
	d.Params = [][]*ast.Param{{{P: d.P, Name: "$arg", Type: ft.Dom}}}
	d.Ret = ft.Cod
	m := &ast.Match{P: d.P, Scrut: arg}
	for _, a := range b.Arms {
		m.Arms = append(m.Arms, &ast.Arm{P: l.at(a.Pos), Pat: l.pattern(a.Pat), Guard: l.optExpr(a.Guard), Value: l.expr(a.Body)})
	}
	d.ExprBody, d.End = m, m.Arms[len(m.Arms)-1].Value.Position()
}

// export lowers `export proc f of (T) as "c";` and `export proc f () {...}`.
func (l *lowerer) export(e *cstExport) ast.Stmt {
	if e.Def != nil {
		d := l.funcDef(e.Def)
		if fd, ok := d.(*ast.FuncDecl); ok {
			fd.Exported = true
		}
		return d
	}
	return &ast.ExportDecl{P: l.at(e.Pos), Kind: funcKind(e.Kind), Name: l.name(e.Name), Of: l.typ(e.Of), CName: l.stringLit(l.at(e.Pos), e.As)}
}

// structDecl lowers `struct name { f: T; ... }`.
func (l *lowerer) structDecl(s *cstStruct) ast.Stmt {
	pos := l.at(s.Pos)
	d := &ast.StructDecl{P: pos, Name: s.Name, TypeParams: l.typeParams(pos, s.TParams)}
	for _, f := range s.Fields {
		d.Names = append(d.Names, f.Name)
		d.Fields = append(d.Fields, l.typ(f.Type))
	}
	if len(d.Names) == 0 {
		l.errorf(pos, "struct %s needs at least one field", s.Name)
	}
	return d
}

func funcKind(k string) ast.FuncKind {
	switch k {
	case "proc":
		return ast.Proc
	case "gen":
		return ast.Gen
	case "const":
		return ast.Const
	}
	return ast.Fun
}

func (l *lowerer) typeParams(pos ast.Pos, tp *cstTParams) []*ast.TypeParam {
	if tp == nil {
		return nil
	}
	var out []*ast.TypeParam
	byName := map[string]*ast.TypeParam{}
	for _, n := range tp.Names {
		p := &ast.TypeParam{P: pos, Name: n}
		byName[n] = p
		out = append(out, p)
	}
	for _, c := range tp.Constraints {
		if len(c.Args) != 1 {
			l.errorf(pos, "constraint %s must name one type parameter", c.Class)
			continue
		}
		nt, ok := l.typ(c.Args[0]).(*ast.NamedType)
		if !ok || len(nt.Path) != 1 || byName[nt.Path[0]] == nil {
			l.errorf(pos, "constraint %s must name one type parameter", c.Class)
			continue
		}
		p := byName[nt.Path[0]]
		p.Classes = append(p.Classes, c.Class)
	}
	return out
}

// funcRest fills in the parameters, return type and body of a definition or lambda.
func (l *lowerer) funcRest(d *ast.FuncDecl, r *cstFuncRest) {
	for _, ps := range r.Params {
		list := []*ast.Param{}
		for _, p := range ps.Params {
			list = append(list, &ast.Param{P: l.at(p.Pos), Name: p.Name, Type: l.typ(p.Type), Mutable: p.Kind == "var"})
		}
		d.Params = append(d.Params, list)
	}
	if len(d.Params) == 0 {
		d.Params = [][]*ast.Param{{}}
	}
	d.Ret = l.typ(r.Ret)
	if r.Body.Expr != nil {
		d.ExprBody = l.expr(r.Body.Expr)
		d.End = d.ExprBody.Position()
	} else {
		d.Body = l.stmts(r.Body.Block)
		d.End = l.at(r.Body.Close)
	}
}

// ---- expressions --------------------------------------------------------------------------

func (l *lowerer) optExpr(e *cstExpr) ast.Expr {
	if e == nil {
		return nil
	}
	return l.expr(e)
}

func (l *lowerer) expr(e *cstExpr) ast.Expr {
	if e.Let != nil {
		// let p = e in body is a match of one arm.
		pos := l.at(e.Let.Pos)
		return &ast.Match{P: pos, Scrut: l.expr(e.Let.Init),
			Arms: []*ast.Arm{{P: pos, Pat: l.pattern(e.Let.Pat), Value: l.expr(e.Let.Body)}}}
	}
	head := l.tuple(e.Head)
	if e.Coerce != nil {
		head = &ast.Coerce{P: head.Position(), X: head, Type: l.typ(e.Coerce)}
	}
	if e.Dollar == nil {
		return head
	}
	return &ast.Apply{P: head.Position(), Fn: head, Arg: l.expr(e.Dollar)}
}

func (l *lowerer) tuple(t *cstTuple) ast.Expr {
	if len(t.Elems) == 1 {
		return l.or(t.Elems[0])
	}
	tl := &ast.TupleLit{P: l.at(t.Pos)}
	for _, e := range t.Elems {
		tl.Elems = append(tl.Elems, l.or(e))
	}
	return tl
}

func (l *lowerer) or(o *cstOr) ast.Expr {
	x := l.and(o.Terms[0])
	for _, t := range o.Terms[1:] {
		x = &ast.Logic{P: x.Position(), And: false, L: x, R: l.and(t)}
	}
	return x
}

func (l *lowerer) and(a *cstAnd) ast.Expr {
	x := l.not(a.Terms[0])
	for _, t := range a.Terms[1:] {
		x = &ast.Logic{P: x.Position(), And: true, L: x, R: l.not(t)}
	}
	return x
}

func (l *lowerer) not(n *cstNot) ast.Expr {
	if n.Not != nil {
		return &ast.Unary{P: l.at(n.Pos), Op: "not", Func: "lnot", X: l.not(n.Not)}
	}
	c := n.Cmp
	x := l.pipe(c.L)
	if len(c.Tail) == 0 {
		return x
	}
	if len(c.Tail) > 1 {
		l.errorf(l.at(c.Tail[1].Op.Pos), "syntax error: comparisons do not chain: write a < b and b < c")
	}
	op := c.Tail[0].Op
	return &ast.Binary{P: l.at(op.Pos), Op: op.Op, Func: operatorFuncs[op.Op], L: x, R: l.pipe(c.Tail[0].R)}
}

// operatorFuncs names the library function each operator calls, as in Felix.
var operatorFuncs = map[string]string{
	"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod",
	"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
}

// pipe lowers `a |-> b` to pipe (a, b), as Felix does.
func (l *lowerer) pipe(p *cstPipe) ast.Expr {
	x := l.cons(p.Head)
	for _, r := range p.Tail {
		pos := l.at(r.Pos)
		x = &ast.Binary{P: pos, Op: "|->", Func: "pipe", L: x, R: l.cons(r.X)}
	}
	return x
}

// cons lowers `h ! t` to Cons (h, t).
func (l *lowerer) cons(c *cstCons) ast.Expr {
	h := l.sum(c.Head)
	if c.Tail == nil {
		return h
	}
	pos := l.at(c.Pos)
	return &ast.Apply{P: h.Position(), Fn: &ast.Name{P: pos, Path: []string{"Cons"}},
		Arg: &ast.TupleLit{P: h.Position(), Elems: []ast.Expr{h, l.cons(c.Tail)}}}
}

func (l *lowerer) sum(s *cstSum) ast.Expr {
	x := l.prod(s.Head)
	for _, r := range s.Tail {
		x = &ast.Binary{P: l.at(r.Pos), Op: r.Op, Func: operatorFuncs[r.Op], L: x, R: l.prod(r.X)}
	}
	return x
}

func (l *lowerer) prod(p *cstProd) ast.Expr {
	x := l.prefix(p.Head)
	for _, r := range p.Tail {
		x = &ast.Binary{P: l.at(r.Pos), Op: r.Op, Func: operatorFuncs[r.Op], L: x, R: l.prefix(r.X)}
	}
	return x
}

func (l *lowerer) prefix(p *cstPrefix) ast.Expr {
	pos := l.at(p.Pos)
	switch {
	case p.Neg != nil:
		if text := intAtom(p.Neg); text != nil {
			// -9223372036854775808 is in range though its magnitude is not.
			return &ast.IntLit{P: pos, Value: l.intLit(pos, *text, true), Size: isSizeLit(*text)}
		}
		x := l.prefix(p.Neg)
		switch lit := x.(type) {
		case *ast.IntLit:
			return &ast.IntLit{P: pos, Value: -lit.Value}
		case *ast.FloatLit:
			return &ast.FloatLit{P: pos, Value: -lit.Value}
		}
		return &ast.Unary{P: pos, Op: "-", Func: "neg", X: x}
	case p.Plus != nil:
		return l.prefix(p.Plus)
	case p.Deref != nil:
		return &ast.Deref{P: pos, X: l.prefix(p.Deref)}
	}
	x := l.post(p.App.Fn)
	for _, a := range p.App.Args {
		arg := l.post(a)
		if f, ok := x.(*ast.Name); ok && len(f.Path) == 1 && f.Path[0] == "label_address" {
			if n, ok := arg.(*ast.Name); ok && len(n.Path) == 1 {
				x = &ast.LabelAddr{P: f.P, Name: n.Path[0]}
				continue
			}
		}
		x = &ast.Apply{P: x.Position(), Fn: x, Arg: arg}
	}
	return x
}

func (l *lowerer) post(p *cstPost) ast.Expr {
	x := l.hash(p.Head)
	for _, s := range p.Suffixes {
		pos := l.at(s.Pos)
		switch {
		case s.Index != nil && s.Index.To != nil:
			x = &ast.Slice{P: pos, X: x, From: l.expr(s.Index.I), To: l.expr(s.Index.To)}
		case s.Index != nil:
			x = &ast.Index{P: pos, X: x, I: l.expr(s.Index.I)}
		case s.Proj != nil:
			i, err := strconv.Atoi(*s.Proj)
			if err != nil {
				l.errorf(pos, "malformed tuple index %s", *s.Proj)
			}
			x = &ast.Proj{P: pos, X: x, Index: i}
		case s.Paren != nil:
			x = &ast.Apply{P: pos, Fn: l.expr(s.Paren), Arg: x}
		case s.Addr != nil:
			x = &ast.Apply{P: pos, Fn: l.name(s.Addr), Arg: &ast.AddrOf{P: pos, X: x}}
		case s.Incr != "":
			if l.incrs == nil {
				l.incrs = map[ast.Expr]incr{}
			}
			l.incrs[x] = incr{pos: pos, delta: incrDelta(s.Incr)}
		default:
			x = &ast.Dot{P: pos, X: x, Name: l.name(s.Name)}
		}
	}
	return x
}

func (l *lowerer) hash(h *cstHash) ast.Expr {
	if h.Hash != nil {
		pos := l.at(h.Pos)
		return &ast.Apply{P: pos, Fn: l.hash(h.Hash), Arg: &ast.UnitLit{P: pos}}
	}
	if h.Addr != nil {
		return &ast.AddrOf{P: l.at(h.Pos), X: l.hash(h.Addr)}
	}
	return l.atom(h.Atom)
}

func (l *lowerer) name(n *cstNameRef) *ast.Name {
	out := &ast.Name{P: l.at(n.Pos), Path: append([]string{n.First}, n.Rest...)}
	// A generic class's type arguments come first, as Felix's class parameters do.
	for _, t := range n.Args {
		out.TypeArgs = append(out.TypeArgs, l.typ(t))
	}
	if len(n.Rest) == 0 && len(n.TypeArgs) > 0 {
		l.errorf(out.P, "syntax error: type arguments written twice")
	}
	for _, t := range n.TypeArgs {
		out.TypeArgs = append(out.TypeArgs, l.typ(t))
	}
	return out
}

func (l *lowerer) atom(a *cstAtom) ast.Expr {
	pos := l.at(a.Pos)
	switch {
	case a.Float != nil:
		v, err := strconv.ParseFloat(strings.ReplaceAll(*a.Float, "_", ""), 64)
		if err != nil && !math.IsInf(v, 0) {
			l.errorf(pos, "malformed float literal %s", *a.Float)
		}
		return &ast.FloatLit{P: pos, Value: v}
	case a.Int != nil:
		return &ast.IntLit{P: pos, Value: l.intLit(pos, *a.Int, false), Size: isSizeLit(*a.Int)}
	case a.String != nil:
		return &ast.StringLit{P: pos, Value: l.stringLit(pos, *a.String)}
	case a.True, a.False:
		return &ast.BoolLit{P: pos, Value: a.True}
	case a.Cond != nil:
		return l.condExpr(pos, a.Cond)
	case a.Lambda != nil:
		d := &ast.FuncDecl{P: pos, Kind: funcKind(a.Lambda.Kind)}
		l.funcRest(d, a.Lambda.Rest)
		return &ast.Lambda{P: pos, Func: d}
	case a.Block != nil:
		// A block is a procedure of no argument, or a function if it returns a value.
		d := &ast.FuncDecl{P: pos, Kind: ast.Proc, Params: [][]*ast.Param{{}}, Body: l.stmts(a.Block.Stmts), End: l.at(a.Block.Close)}
		if returnsValue(d.Body) {
			d.Kind = ast.Fun
		}
		return &ast.Lambda{P: pos, Func: d}
	case a.Unit:
		return &ast.UnitLit{P: pos}
	case a.Match != nil:
		m := &ast.Match{P: pos, Scrut: l.expr(a.Match.Scrut)}
		for _, arm := range a.Match.Arms {
			m.Arms = append(m.Arms, &ast.Arm{P: l.at(arm.Pos), Pat: l.pattern(arm.Pat), Guard: l.optExpr(arm.Guard), Value: l.expr(arm.Body)})
		}
		return m
	case a.List != nil:
		lit := &ast.ListLit{P: pos}
		for _, e := range a.List {
			lit.Elems = append(lit.Elems, l.or(e))
		}
		return lit
	case a.Record != nil:
		r := &ast.RecordLit{P: pos}
		for _, f := range a.Record.Fields {
			r.Names = append(r.Names, f.Name)
			r.Values = append(r.Values, l.or(f.Value))
		}
		return r
	case a.Paren != nil:
		return l.expr(a.Paren)
	}
	n := l.name(a.Name)
	if a.Of != nil {
		n.Of = l.typ(a.Of)
	} else if x, ok := l.macro(n); ok {
		return x
	}
	return n
}

// macro expands a use of a `macro val` name: a fresh copy of its expression each time.
func (l *lowerer) macro(n *ast.Name) (ast.Expr, bool) {
	if len(n.Path) != 1 || n.TypeArgs != nil {
		return nil, false
	}
	name := n.Path[0]
	def, ok := l.macros[name]
	if !ok || def == nil {
		return nil, false
	}
	if l.expanding[name] {
		l.errorf(n.P, "macro %s refers to itself", name)
		return n, true
	}
	if l.expanding == nil {
		l.expanding = map[string]bool{}
	}
	l.expanding[name] = true
	defer delete(l.expanding, name)
	return l.expr(def), true
}

// returnsValue reports whether statements (not counting nested functions) return a value.
func returnsValue(stmts []ast.Stmt) bool {
	return ast.AnyStmt(stmts, func(s ast.Stmt) bool { r, ok := s.(*ast.Return); return ok && r.Value != nil })
}

func (l *lowerer) condExpr(pos ast.Pos, c *cstCondExpr) ast.Expr {
	top := &ast.Cond{P: pos, Cond: l.expr(c.Cond), Then: l.expr(c.Then)}
	last := top
	for _, e := range c.Elifs {
		next := &ast.Cond{P: l.at(e.Pos), Cond: l.expr(e.Cond), Then: l.expr(e.Then)}
		last.Else = next
		last = next
	}
	last.Else = l.expr(c.Else)
	return top
}

// intLit decodes an integer literal, negated when neg: base prefix, `_` separators, Felix
// type suffix. A decimal literal must fit int; one written in hex, octal or binary may give
// any 64 bits (0xFFFFFFFFFFFFFFFF is -1).
func (l *lowerer) intLit(pos ast.Pos, text string, neg bool) int64 {
	number, _, ok := intParts(text)
	if !ok {
		l.errorf(pos, "malformed integer literal %s", text)
		return 0
	}
	digits, base := strings.ReplaceAll(number, "_", ""), 10
	if len(digits) > 2 && digits[0] == '0' {
		switch digits[1] {
		case 'x', 'X':
			base = 16
		case 'b', 'B':
			base = 2
		case 'o', 'O':
			base = 8
		}
		if base != 10 {
			digits = digits[2:]
		}
	}
	v, err := strconv.ParseUint(digits, base, 64)
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	if err != nil || base == 10 && v > limit {
		sign := ""
		if neg {
			sign = "-"
		}
		l.errorf(pos, "integer literal %s%s is out of range: an int is 64 bits, from -9223372036854775808 to 9223372036854775807", sign, text)
		return 0
	}
	if neg {
		return -int64(v)
	}
	return int64(v)
}

// intAtom returns the text of an operand that is a bare integer literal, or nil.
func intAtom(p *cstPrefix) *string {
	if p.App == nil || len(p.App.Args) > 0 || len(p.App.Fn.Suffixes) > 0 || p.App.Fn.Head.Atom == nil {
		return nil
	}
	return p.App.Fn.Head.Atom.Int
}

// isSizeLit reports whether an integer literal has the suffix of Felix's size type (5uz).
func isSizeLit(text string) bool {
	_, suffix, ok := intParts(text)
	return ok && strings.EqualFold(suffix, "uz")
}

// intParts splits an integer literal into its digits (with any base prefix: 0x, 0b, 0o)
// and its Felix type suffix (42u, 0uz, 3L, 7i64, ...); ok is false for a malformed one.
func intParts(text string) (digits, suffix string, ok bool) {
	run := func(i int, in func(byte) bool) int { // the end of the run of in or _ from i
		for i < len(text) && (in(text[i]) || text[i] == '_') {
			i++
		}
		return i
	}
	end := 0
	if len(text) > 2 && text[0] == '0' {
		switch text[1] {
		case 'x', 'X':
			end = run(2, isHex)
		case 'b', 'B':
			end = run(2, func(c byte) bool { return c == '0' || c == '1' })
		case 'o', 'O':
			end = run(2, func(c byte) bool { return c >= '0' && c <= '7' })
		}
		if end == 2 { // a base prefix with no digits
			end = 0
		}
	}
	if end == 0 {
		if len(text) == 0 || !isDigit(text[0]) {
			return "", "", false
		}
		end = run(1, isDigit)
	}
	digits, suffix = text[:end], text[end:]
	return digits, suffix, isIntSuffix(suffix)
}

// isIntSuffix reports whether s is empty or one of Felix's integer type suffixes:
// i8 ... u64, then l, ll, z, t, s, v, vl or j with or without a u before, or u alone.
func isIntSuffix(s string) bool {
	lower := strings.ToLower(s)
	switch lower {
	case "", "u", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64":
		return true
	}
	lower = strings.TrimPrefix(lower, "u")
	switch lower {
	case "l", "ll", "z", "t", "s", "v", "vl", "j":
		return true
	}
	return false
}

// stringLit decodes a quoted string literal with its C escapes.
func (l *lowerer) stringLit(pos ast.Pos, text string) string {
	quote := 1
	if len(text) >= 6 && (strings.HasPrefix(text, `"""`) || strings.HasPrefix(text, "'''")) {
		quote = 3
	}
	body := text[quote : len(text)-quote]
	// at is the position of byte i of the body, for errors in escapes.
	at := func(i int) ast.Pos {
		p := pos
		p.Col += quote
		for _, c := range []byte(body[:i]) {
			if c == '\n' {
				p.Line, p.Col = p.Line+1, 1
			} else {
				p.Col++
			}
		}
		return p
	}
	if !strings.Contains(body, `\`) {
		return body
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := body[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '\\', '"', '\'':
			b.WriteByte(e)
		case '\n':
			// a backslash before a newline joins the lines
		case 'x':
			if i+2 < len(body) && isHex(body[i+1]) && isHex(body[i+2]) {
				v, _ := strconv.ParseUint(body[i+1:i+3], 16, 8)
				b.WriteByte(byte(v))
				i += 2
			} else {
				l.errorf(at(i-1), `malformed \x escape in string literal`)
			}
		default:
			l.errorf(at(i-1), `unknown escape sequence \%c in string literal`, e)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// ---- types --------------------------------------------------------------------------------

func (l *lowerer) typ(t *cstType) ast.Type {
	if t == nil {
		return nil
	}
	dom := l.typeProd(t.Dom)
	if t.Cod == nil {
		return dom
	}
	return &ast.FuncType{P: l.at(t.Pos), Dom: dom, Cod: l.typ(t.Cod)}
}

func (l *lowerer) typeProd(p *cstTypeProd) ast.Type {
	if len(p.Elems) == 1 {
		return l.typePrefix(p.Elems[0])
	}
	tt := &ast.TupleType{P: l.at(p.Pos)}
	for _, e := range p.Elems {
		tt.Elems = append(tt.Elems, l.typePrefix(e))
	}
	return tt
}

func (l *lowerer) typePrefix(p *cstTypePrefix) ast.Type {
	pos := l.at(p.Pos)
	switch {
	case p.In != nil && p.Duo != nil:
		return &ast.DuplexType{P: pos, Read: l.typePrefix(p.In), Write: l.typePrefix(p.Duo)}
	case p.In != nil:
		return &ast.ChanType{P: pos, Dir: ast.ChanIn, Elem: l.typePrefix(p.In)}
	case p.Ptr != nil:
		return &ast.PtrType{P: pos, Elem: l.typePrefix(p.Ptr)}
	case p.Out != nil:
		return &ast.ChanType{P: pos, Dir: ast.ChanOut, Elem: l.typePrefix(p.Out)}
	}
	a := p.Atom
	switch {
	case a.Num != nil:
		switch *a.Num {
		case "1":
			return &ast.UnitType{P: pos}
		case "0":
			return &ast.VoidType{P: pos}
		}
		l.errorf(pos, "%s is not a type (only 0 and 1 are)", *a.Num)
		return &ast.UnitType{P: pos}
	case a.Poly != nil:
		l.errorf(pos, "a polymorphic variant type must be named: typedef t = ( | `A | `B of int );")
		return &ast.UnitType{P: pos}
	case a.Record != nil:
		r := &ast.RecordType{P: pos}
		for _, f := range a.Record.Fields {
			r.Names = append(r.Names, f.Name)
			r.Fields = append(r.Fields, l.typ(f.Type))
		}
		return r
	case a.Paren != nil:
		return l.typ(a.Paren)
	}
	n := l.name(a.Name)
	return &ast.NamedType{P: n.P, Path: n.Path, Args: n.TypeArgs}
}

// ---- Level 2 ----------------------------------------------------------------------------

func (l *lowerer) variant(v *cstVariant) *ast.VariantDecl {
	pos := l.at(v.Pos)
	d := &ast.VariantDecl{P: pos, Name: v.Name, TypeParams: l.typeParams(pos, v.TParams)}
	for _, c := range v.Cases {
		d.Cases = append(d.Cases, &ast.VariantCase{P: l.at(c.Pos), Name: c.Name, Payload: l.typ(c.Payload)})
	}
	return d
}

// polyCases returns the constructors of a type written as a polymorphic variant,
// ( | `A of T | `B ), or nil.
func polyCases(t *cstType) []*cstPolyCase {
	if t.Cod != nil || len(t.Dom.Elems) != 1 || t.Dom.Elems[0].Atom == nil {
		return nil
	}
	return t.Dom.Elems[0].Atom.Poly
}

// polyVariant lowers `typedef t = ( | `A of T | `B );` to a variant whose constructors are
// `A and `B. felixlet's polymorphic variants are closed and named: each is the type its
// typedef names.
func (l *lowerer) polyVariant(pos ast.Pos, t *cstTypedef, cases []*cstPolyCase) *ast.VariantDecl {
	d := &ast.VariantDecl{P: pos, Name: t.Name, TypeParams: l.typeParams(pos, t.TParams)}
	for _, c := range cases {
		d.Cases = append(d.Cases, &ast.VariantCase{P: l.at(c.Pos), Name: c.Name, Payload: l.typ(c.Payload)})
	}
	return d
}

// chip lowers `chip name (params) connector c pin p: T ... { body }` to the procedure Felix
// defines it as: `proc name (params) (c: (p: T, ...)) ... () { body }`, one record
// parameter per connector.
func (l *lowerer) chip(c *cstChip) *ast.FuncDecl {
	pos := l.at(c.Pos)
	d := &ast.FuncDecl{P: pos, Kind: ast.Proc, Name: c.Name, TypeParams: l.typeParams(pos, c.TParams)}
	for _, ps := range c.Params {
		list := []*ast.Param{}
		for _, p := range ps.Params {
			list = append(list, &ast.Param{P: l.at(p.Pos), Name: p.Name, Type: l.typ(p.Type)})
		}
		d.Params = append(d.Params, list)
	}
	for _, con := range c.Connectors {
		rec := &ast.RecordType{P: l.at(con.Pos)}
		for _, pin := range con.Pins {
			rec.Names = append(rec.Names, pin.Name)
			rec.Fields = append(rec.Fields, l.typ(pin.Type))
		}
		d.Params = append(d.Params, []*ast.Param{{P: l.at(con.Pos), Name: con.Name, Type: rec}})
	}
	d.Params = append(d.Params, []*ast.Param{})
	d.Body = l.stmts(c.Body.Stmts)
	d.End = l.at(c.Body.Close)
	return d
}

func (l *lowerer) circuit(c *cstCircuit) *ast.Circuit {
	out := &ast.Circuit{P: l.at(c.Pos)}
	pin := func(p *cstPinRef) *ast.PinRef {
		return &ast.PinRef{P: l.at(p.Pos), Device: p.Device, Pin: p.Pin}
	}
	for _, cl := range c.Clauses {
		clause := &ast.Clause{P: l.at(cl.Pos)}
		for _, p := range cl.Connect {
			clause.Pins = append(clause.Pins, pin(p))
		}
		if cl.Wire != nil {
			clause.Wire = l.expr(cl.Wire)
			clause.To = pin(cl.To)
		}
		out.Clauses = append(out.Clauses, clause)
	}
	return out
}

func (l *lowerer) pattern(p *cstPattern) ast.Pattern {
	head := l.patApp(p.Head)
	if p.Tail == nil {
		return head
	}
	return &ast.PCons{P: l.at(p.Pos), Head: head, Tail: l.pattern(p.Tail)}
}

func (l *lowerer) patApp(p *cstPatApp) ast.Pattern {
	if p.Const != nil {
		return &ast.PName{P: l.at(p.Pos), Name: l.name(p.Const), Const: true}
	}
	if p.Ctor != nil {
		n := l.name(p.Ctor)
		if p.Arg == nil {
			return l.patName(n)
		}
		return &ast.PCtor{P: l.at(p.Pos), Name: n, Arg: l.patAtom(p.Arg)}
	}
	return l.patAtom(p.Atom)
}

func (l *lowerer) patName(n *ast.Name) ast.Pattern {
	if len(n.Path) == 1 && n.Path[0] == "_" && n.TypeArgs == nil {
		return &ast.PWild{P: n.P}
	}
	return &ast.PName{P: n.P, Name: n}
}

func (l *lowerer) patAtom(a *cstPatAtom) ast.Pattern {
	pos := l.at(a.Pos)
	lit := func(e ast.Expr) ast.Pattern { return &ast.PLit{P: pos, Value: e} }
	switch {
	case a.Int != nil:
		return lit(&ast.IntLit{P: pos, Value: l.intLit(pos, *a.Int, a.Neg)})
	case a.Float != nil:
		v, _ := strconv.ParseFloat(strings.ReplaceAll(*a.Float, "_", ""), 64)
		if a.Neg {
			v = -v
		}
		return lit(&ast.FloatLit{P: pos, Value: v})
	case a.String != nil:
		return lit(&ast.StringLit{P: pos, Value: l.stringLit(pos, *a.String)})
	case a.True, a.False:
		return lit(&ast.BoolLit{P: pos, Value: a.True})
	case a.Unit:
		return lit(&ast.UnitLit{P: pos})
	case a.Record != nil:
		r := &ast.PRecord{P: pos}
		for _, f := range a.Record {
			r.Names = append(r.Names, f.Name)
			r.Pats = append(r.Pats, l.pattern(f.Pat))
		}
		return r
	case a.Tuple != nil:
		if len(a.Tuple) == 1 {
			return l.pattern(a.Tuple[0])
		}
		t := &ast.PTuple{P: pos}
		for _, e := range a.Tuple {
			t.Elems = append(t.Elems, l.pattern(e))
		}
		return t
	}
	return l.patName(l.name(a.Name))
}

// selectStmt lowers a select; a write arm's argument must be written as a pair.
func (l *lowerer) selectStmt(s *cstSelect) *ast.Select {
	sel := &ast.Select{P: l.at(s.Pos)}
	for _, a := range s.Arms {
		arm := &ast.SelectArm{P: l.at(a.Pos), Body: l.stmts(a.Body)}
		switch {
		case a.Else:
			arm.Kind = ast.SelectElse
		case a.After != nil:
			arm.Kind, arm.Value = ast.SelectAfter, l.expr(a.After)
		case a.Write != nil:
			arm.Kind = ast.SelectWrite
			pair, ok := l.expr(a.Write).(*ast.TupleLit)
			if !ok || len(pair.Elems) != 2 {
				l.errorf(arm.P, "syntax error: a write arm is written write (channel, value)")
				continue
			}
			arm.Chan, arm.Value = pair.Elems[0], pair.Elems[1]
		default:
			arm.Kind, arm.Var, arm.Chan = ast.SelectRead, a.Var, l.expr(a.Chan)
			if a.Op == "read_opt" {
				arm.Kind = ast.SelectReadOpt
			}
		}
		sel.Arms = append(sel.Arms, arm)
	}
	return sel
}
