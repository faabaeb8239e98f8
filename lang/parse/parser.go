package parse

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
)

// The parser is recursive descent over the tokens, filling the concrete syntax tree of
// grammar.go. It recurses only where the program nests (brackets, blocks, the right operand
// of $ and !, prefix operators, if, let, lambdas) and counts that nesting, refusing a
// program deeper than maxNesting with a positioned error before the Go stack could run
// out; chains (statements, operands of one operator, list elements, arguments, suffixes)
// are loops.
//
// Where the grammar has alternatives that the next tokens do not tell apart (a word such as
// chip, device or inherit that may start a declaration or be a name; a match statement or
// a match expression), the parser tries the first and, if it fails within lookahead tokens,
// goes back and tries the next, as the participle parser that felixlet used before did, so
// that every program it took means what it meant. A failure further in is the program's
// error.

// maxNesting bounds the nesting of a program: brackets, blocks, and the constructs that
// nest without a closing token (if ... then ... else if ..., f$ g$ x, h ! t, prefix
// operators, lambdas and let).
const maxNesting = 1000

// maxChain bounds the operands of one operator chain (a + b + c ...) and the elements of
// one list or tuple, which the later passes hold as trees as deep as they are long.
const maxChain = 200000

// lookahead is how many tokens an alternative may read before failing and still let the
// next alternative be tried.
const lookahead = 4

// parser holds the state of the parse of one file.
type parser struct {
	file  string          // the file's name, for positions
	src   string          // the file's text
	sc    *scanner        // reads the tokens
	ring  [ringSize]token // the tokens read last: token i is at i%ringSize
	hi    int             // the number of tokens read
	i     int             // the index of the current token
	depth int             // the constructs open around the current token
	err   *diag.Error     // the error of the deepest failure so far
	errAt int             // the index of the token err was found at
	nodes nodes           // the nodes of the statement being parsed
}

// failure unwinds the parse from a syntax error to the alternative that may try something
// else, or to the top.
type failure struct{}

// refusal unwinds the parse from a program nested or chained too deep; no alternative
// catches it.
type refusal struct{}

// parseTokens parses the tokens of a file, handing each of its statements to each as soon
// as it is parsed (so that its concrete syntax tree can be dropped once lowered), or
// returns the syntax error that stopped it.
func parseTokens(file, src string, sc *scanner, each func(*cstStmt)) (err *diag.Error) {
	p := &parser{file: file, src: src, sc: sc}
	retained := func(x interface {
		reset()
		drop()
	}) {
		x.drop()
	}
	reusable := func(x interface {
		reset()
		drop()
	}) {
		x.reset()
	}
	defer func() {
		if r := recover(); r != nil {
			switch r.(type) {
			case failure, refusal:
				err = p.err
			default:
				panic(r)
			}
		}
	}()
	p.enter()
	for p.startsStmt() {
		s := p.stmt()
		each(s)
		// The tree of a statement is garbage once lowered, unless it defines a macro,
		// whose expression is lowered again at each use.
		if s.Macro != nil {
			p.nodes.each(retained)
		} else {
			p.nodes.each(reusable)
		}
	}
	if p.tok().cls != cEOF {
		p.unexpected()
	}
	return nil
}

// ---- tokens -------------------------------------------------------------------------------

// ringSize is how many tokens the parser keeps: enough to look ahead and to go back to
// where an alternative that failed within lookahead tokens began.
const ringSize = 16

// at returns token i, reading up to it; i is at most ringSize tokens behind the last read.
func (p *parser) at(i int) *token {
	for p.hi <= i {
		// The whole input was scanned once before parsing, so there is no error here.
		p.ring[p.hi%ringSize], _ = p.sc.scan()
		p.hi++
	}
	return &p.ring[i%ringSize]
}

func (p *parser) tok() *token       { return p.at(p.i) }
func (p *parser) peek(n int) *token { return p.at(p.i + n) }
func (p *parser) is(k id) bool      { return p.at(p.i).id == k }
func (p *parser) text(t *token) string {
	return p.src[t.off : t.off+t.n]
}

// textOf returns a pointer to the text of t.
func (p *parser) textOf(t *token) *string {
	s := p.nodes.text.get()
	*s = p.text(t)
	return s
}

// word reports whether the current token is the name w (chip, connector, ...).
func (p *parser) word(w string) bool {
	t := p.tok()
	return t.cls == cIdent && p.text(t) == w
}

func (p *parser) next() *token {
	t := p.at(p.i)
	if t.cls != cEOF {
		p.i++
	}
	return t
}

// accept consumes the current token if it is k.
func (p *parser) accept(k id) bool {
	if p.is(k) {
		p.i++
		return true
	}
	return false
}

// expect consumes the current token, which must be k.
func (p *parser) expect(k id) *token {
	if !p.is(k) {
		p.unexpected()
	}
	return p.next()
}

// expectWord consumes the current token, which must be the name w.
func (p *parser) expectWord(w string) {
	if !p.word(w) {
		p.unexpected()
	}
	p.i++
}

// ident consumes a name and returns it.
func (p *parser) ident() string {
	t := p.tok()
	if t.cls != cIdent {
		p.unexpected()
	}
	p.i++
	return p.text(t)
}

// str consumes a string literal and returns it with its quotes.
func (p *parser) str() string {
	t := p.tok()
	if t.cls != cString {
		p.unexpected()
	}
	p.i++
	return p.text(t)
}

func (p *parser) position(t *token) position { return position{line: t.line, col: t.col} }

// pos is the position of the current token.
func (p *parser) pos() position { return p.position(p.tok()) }

// astPos is the position of token t.
func (p *parser) astPos(t *token) ast.Pos {
	return ast.Pos{File: p.file, Line: int(t.line), Col: int(t.col)}
}

// ---- errors -------------------------------------------------------------------------------

// fail records an error found at the current token and unwinds.
func (p *parser) fail(e *diag.Error) {
	if p.err == nil || p.i >= p.errAt {
		p.err, p.errAt = e, p.i
	}
	panic(failure{})
}

// unexpected fails at the current token, which no rule takes here.
func (p *parser) unexpected() {
	t := p.tok()
	switch t.cls {
	case cEOF:
		p.fail(&diag.Error{Pos: endPos(p.file, p.src), Msg: "syntax error: unexpected end of input", Incomplete: true})
	case cOpenTriple:
		p.fail(&diag.Error{Pos: p.astPos(t), Msg: "syntax error: unterminated string", Incomplete: true})
	}
	msg := fmt.Sprintf("syntax error: unexpected %q", p.text(t))
	prev := ""
	if p.i > 0 {
		prev = p.text(p.at(p.i - 1))
	}
	switch {
	case prev == "endmatch":
		msg += " (a match statement needs ; after endmatch)"
	case t.id == pLBrack && (prev == "[" || prev == ","):
		msg += ": a list literal inside a list literal needs its own parentheses, as in ([ ([1, 2]), ([3]) ])"
	}
	p.fail(&diag.Error{Pos: p.astPos(t), Msg: msg})
}

// semi consumes the ; that ends a statement. One missing before a line break is reported
// at the end of the statement that lacks it, not at the start of the next line.
func (p *parser) semi() {
	if p.accept(pSemi) {
		return
	}
	t := p.tok()
	if p.i == 0 || t.cls == cEOF || t.cls == cOpenTriple {
		p.unexpected()
	}
	prev := p.at(p.i - 1)
	end := p.end(prev)
	if int(t.line) == end.Line {
		p.unexpected()
	}
	msg := "syntax error: missing ; at the end of the statement"
	if p.text(prev) == "endmatch" {
		msg += " (a match statement needs ; after endmatch)"
	}
	p.fail(&diag.Error{Pos: end, Msg: msg})
}

// end is the position just after token t.
func (p *parser) end(t *token) ast.Pos {
	pos := ast.Pos{File: p.file, Line: int(t.line), Col: int(t.col)}
	text := p.text(t)
	if nl := strings.LastIndexByte(text, '\n'); nl >= 0 {
		pos.Line += strings.Count(text, "\n")
		pos.Col, text = 1, text[nl+1:]
	}
	pos.Col += utf8.RuneCountInString(text)
	return pos
}

// enter opens a nested construct, refusing one nested more than maxNesting deep; leave
// closes it.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxNesting {
		p.refuse(fmt.Sprintf("this program nests brackets, blocks or operators more than %d deep; felixlet refuses it rather than run out of stack", maxNesting))
	}
}

func (p *parser) leave() { p.depth-- }

// chain refuses the nth operand or element of one chain when there are too many.
func (p *parser) chain(n int) {
	if n > maxChain {
		p.refuse(fmt.Sprintf("this expression has more than %d operands; felixlet refuses it rather than run out of stack", maxChain))
	}
}

func (p *parser) refuse(msg string) {
	p.err = &diag.Error{Pos: p.astPos(p.tok()), Msg: msg}
	panic(refusal{})
}

// attempt runs alt, one alternative of several. If it fails within lookahead tokens of
// where it started, attempt goes back there and returns false, so that the caller can try
// the next; a failure further in stands.
func (p *parser) attempt(alt func()) (ok bool) {
	start, depth := p.i, p.depth
	defer func() {
		if ok {
			return
		}
		r := recover()
		if _, isFailure := r.(failure); !isFailure || p.i > start+lookahead {
			panic(r)
		}
		p.i, p.depth = start, depth
	}()
	alt()
	return true
}

// ---- statements ---------------------------------------------------------------------------

// startsStmt reports whether the current token can begin a statement.
func (p *parser) startsStmt() bool {
	t := p.tok()
	switch t.id {
	case kwInclude, kwOpen, kwExport, kwMacro, kwStruct, kwInstance, kwVar, kwVal, kwDef,
		kwInline, kwNoinline, kwFun, kwProc, kwGen, kwConst, kwCtor, kwTypedef, kwVariant,
		kwMatch, kwYield, kwType, kwModule, kwClass, kwIf, kwWhile, kwUntil, kwRepeat, kwFor,
		kwGoto, kwBreak, kwContinue, kwReturn, kwHalt, kwCall, kwBegin, pIncr, pDecr, pSemi:
		return true
	}
	return p.startsExpr()
}

// stmtList parses statements as long as one can begin.
func (p *parser) stmtList() []*cstStmt {
	p.enter()
	var out []*cstStmt
	for p.startsStmt() {
		out = append(out, p.stmt())
	}
	p.leave()
	return out
}

func (p *parser) stmt() *cstStmt {
	s := p.nodes.stmt.get()
	s.Pos = p.pos()
	t := p.tok()
	switch t.id {
	case kwInclude:
		p.next()
		s.Include = ptr(p.str())
		p.semi()
	case kwOpen:
		s.Open = p.open()
	case kwExport:
		s.Export = p.export()
	case kwMacro:
		s.Macro = p.macro()
	case kwStruct:
		s.Struct = p.structDecl()
	case kwInstance:
		s.Instance = p.instance()
	case kwVar, kwVal:
		s.Var = p.varDecl()
	case kwDef:
		s.Def = p.def()
	case kwInline, kwNoinline, kwConst, kwCtor:
		s.Func = p.funcDef()
	case kwFun, kwProc, kwGen:
		if p.startsFuncName(p.peek(1)) {
			s.Func = p.funcDef()
		} else {
			s.Expr = p.exprStmt()
		}
	case kwTypedef:
		s.Typedef = p.typedef()
	case kwVariant:
		s.Variant = p.variant()
	case kwMatch:
		if !p.attempt(func() { s.Match = p.matchStmt() }) {
			s.Match = nil
			s.Expr = p.exprStmt()
		}
	case kwYield:
		s.Yield = &cstYield{Pos: p.pos()}
		p.next()
		s.Yield.Value = p.expr()
		p.semi()
	case kwType:
		s.TypePrim = &cstTypePrim{}
		p.next()
		s.TypePrim.Name = p.ident()
		p.expect(pAssign)
		s.TypePrim.Prim = p.str()
		p.semi()
	case kwModule, kwClass:
		p.next()
		s.Module = &cstModule{Name: p.ident()}
		p.expect(pLBrace)
		s.Module.Body = p.stmtList()
		p.expect(pRBrace)
	case kwIf:
		s.If = p.ifStmt()
	case kwWhile, kwUntil, kwRepeat, kwFor:
		s.Loop = p.loop()
	case kwGoto:
		p.next()
		if p.accept(pStar) {
			s.GotoPtr = p.expr()
		} else {
			s.Goto = ptr(p.ident())
		}
		p.semi()
	case kwBreak:
		p.next()
		s.Break = p.jump()
	case kwContinue:
		p.next()
		s.Continue = p.jump()
	case kwReturn:
		s.Return = p.ret()
	case kwHalt:
		p.next()
		s.Halt = p.expr()
		p.semi()
	case kwCall:
		p.next()
		s.Call = p.expr()
		p.semi()
	case kwBegin:
		p.next()
		s.Begin = &cstBegin{Stmts: p.stmtList()}
		p.expect(kwEnd)
	case pIncr, pDecr:
		s.PreIncr = &cstPreIncr{Op: p.text(p.next())}
		s.PreIncr.Target = p.expr()
		p.semi()
	case pSemi:
		p.next()
		s.Empty = true
	default:
		if t.cls == cIdent {
			p.namedStmt(s)
		} else {
			s.Expr = p.exprStmt()
		}
	}
	return s
}

// namedStmt parses a statement that begins with a name: a declaration introduced by a word
// that is not reserved (chip, device, circuit, inherit, union, select), a label, a labelled
// loop, or an expression statement.
func (p *parser) namedStmt(s *cstStmt) {
	var ok bool
	switch p.text(p.tok()) {
	case "inherit":
		ok = p.attempt(func() { s.Open = p.open() })
	case "chip":
		ok = p.attempt(func() { s.Chip = p.chip() })
	case "device":
		ok = p.attempt(func() { s.Device = p.device() })
	case "circuit":
		ok = p.attempt(func() { s.Circuit = p.circuit() })
	case "union":
		ok = p.attempt(func() { s.Union = p.union() })
	case "select":
		ok = p.attempt(func() { s.Select = p.selectStmt() })
	}
	if ok {
		return
	}
	s.Open, s.Chip, s.Device, s.Circuit, s.Union, s.Select = nil, nil, nil, nil, nil, nil
	switch p.peek(1).id {
	case pColon:
		s.Labelled = &cstLabelled{Label: p.ident()}
		p.next()
		s.Labelled.Loop = p.loop()
	case pLabel:
		s.Label = ptr(p.ident())
		p.next()
	default:
		s.Expr = p.exprStmt()
	}
}

func ptr[T any](v T) *T { return &v }

func (p *parser) open() *cstOpen {
	o := &cstOpen{Pos: p.pos(), Kind: p.text(p.next())}
	if p.word("syntax") {
		p.next()
		o.Syntax = true
	}
	o.Name = p.qualName()
	p.semi()
	return o
}

func (p *parser) qualName() *cstQualName {
	q := &cstQualName{Pos: p.pos(), Parts: []string{p.ident()}}
	for p.accept(pColon2) {
		q.Parts = append(q.Parts, p.ident())
		p.chain(len(q.Parts))
	}
	return q
}

func (p *parser) export() *cstExport {
	e := &cstExport{Pos: p.pos()}
	p.next()
	if p.attempt(func() { e.Def = p.funcDef() }) {
		return e
	}
	e.Def = nil
	if !p.is(kwFun) && !p.is(kwProc) && !p.is(kwGen) {
		p.unexpected()
	}
	e.Kind = p.text(p.next())
	e.Name = p.nameRef()
	p.expect(kwOf)
	p.expect(pLParen)
	e.Of = p.typ()
	p.expect(pRParen)
	p.expectWord("as")
	e.As = p.str()
	p.semi()
	return e
}

func (p *parser) macro() *cstMacro {
	m := &cstMacro{Pos: p.pos()}
	p.next()
	p.expect(kwVal)
	m.Names = []string{p.ident()}
	for p.accept(pComma) {
		m.Names = append(m.Names, p.ident())
	}
	if p.accept(pAssign) {
		m.Value = p.expr()
	}
	p.semi()
	return m
}

func (p *parser) structDecl() *cstStruct {
	s := &cstStruct{Pos: p.pos()}
	p.next()
	s.Name = p.ident()
	s.TParams = p.optTParams()
	p.expect(pLBrace)
	for p.tok().cls == cIdent {
		f := &cstFieldDef{Pos: p.pos(), Name: p.ident()}
		p.expect(pColon)
		f.Type = p.typ()
		p.semi()
		s.Fields = append(s.Fields, f)
	}
	p.expect(pRBrace)
	p.accept(pSemi)
	return s
}

func (p *parser) instance() *cstInstance {
	in := &cstInstance{Pos: p.pos()}
	p.next()
	in.TParams = p.optTParams()
	in.Class = p.nameRef()
	p.expect(pLBrace)
	in.Body = p.stmtList()
	p.expect(pRBrace)
	p.accept(pSemi)
	return in
}

func (p *parser) varDecl() *cstVar {
	v := &cstVar{Pos: p.pos(), Kind: p.text(p.next())}
	v.Names = []*cstBinder{p.binder()}
	for p.accept(pComma) {
		v.Names = append(v.Names, p.binder())
	}
	if p.accept(pAssign) {
		v.Init = p.expr()
	}
	p.semi()
	return v
}

func (p *parser) binder() *cstBinder {
	b := &cstBinder{Pos: p.pos(), Name: p.ident()}
	if p.accept(pColon) {
		b.Type = p.typ()
	}
	return b
}

func (p *parser) def() *cstDef {
	d := &cstDef{Pos: p.pos()}
	p.next()
	for {
		t := &cstDefTarget{Pos: p.pos()}
		if !p.is(kwVar) && !p.is(kwVal) {
			p.unexpected()
		}
		t.Kind = p.text(p.next())
		t.Name = p.ident()
		d.Targets = append(d.Targets, t)
		if !p.accept(pComma) {
			break
		}
	}
	p.expect(pAssign)
	d.Init = p.expr()
	p.semi()
	return d
}

// startsFuncName reports whether t can name a function: a name or an operator.
func (p *parser) startsFuncName(t *token) bool {
	switch t.id {
	case pEq, pNe, pLe, pGe, pLt, pGt, pPlus, pMinus, pStar, pSlash, pPercent:
		return true
	}
	return t.cls == cIdent
}

func (p *parser) funcDef() *cstFuncDef {
	f := &cstFuncDef{Pos: p.pos()}
	for p.is(kwInline) || p.is(kwNoinline) {
		f.Inline = append(f.Inline, p.text(p.next()))
	}
	switch p.tok().id {
	case kwFun, kwProc, kwGen, kwConst, kwCtor:
		f.Kind = p.text(p.next())
	default:
		p.unexpected()
	}
	if !p.startsFuncName(p.tok()) {
		p.unexpected()
	}
	f.Name = p.text(p.next())
	f.TParams = p.optTParams()
	if !p.is(pColon) {
		f.Def = p.funcRest()
		return f
	}
	// `: T = "prim";` and `: D -> C = | p => e ...;` bind; `: T` before a body is the
	// return type.
	p.next()
	t := p.typ()
	if p.is(pAssign) && (p.peek(1).cls == cString || p.peek(1).id == pBar) {
		p.next()
		f.Prim = &cstPrimBind{Type: t}
		if p.tok().cls == cString {
			f.Prim.Prim = ptr(p.str())
		} else {
			for p.is(pBar) {
				f.Prim.Arms = append(f.Prim.Arms, p.exprArm())
			}
		}
		p.semi()
		return f
	}
	f.Def = &cstFuncRest{Ret: t, Body: p.funcBody()}
	return f
}

func (p *parser) optTParams() *cstTParams {
	if !p.is(pLBrack) {
		return nil
	}
	p.next()
	tp := &cstTParams{Names: []string{p.ident()}}
	for p.accept(pComma) {
		tp.Names = append(tp.Names, p.ident())
	}
	if p.accept(kwWith) {
		for {
			c := &cstConstraint{Class: p.ident()}
			p.expect(pLBrack)
			c.Args = p.typeList(pRBrack)
			tp.Constraints = append(tp.Constraints, c)
			if !p.accept(pComma) {
				break
			}
		}
	}
	p.expect(pRBrack)
	return tp
}

// typeList parses types separated by commas up to the closer, which it consumes.
func (p *parser) typeList(closer id) []*cstType {
	out := []*cstType{p.typ()}
	for p.accept(pComma) {
		out = append(out, p.typ())
		p.chain(len(out))
	}
	p.expect(closer)
	return out
}

// funcRest parses parameter lists, return type and body.
func (p *parser) funcRest() *cstFuncRest {
	r := &cstFuncRest{}
	for p.is(pLParen) {
		r.Params = append(r.Params, p.params())
	}
	if p.accept(pColon) {
		r.Ret = p.typ()
	}
	r.Body = p.funcBody()
	return r
}

func (p *parser) params() *cstParams {
	ps := &cstParams{Pos: p.pos()}
	p.expect(pLParen)
	if p.accept(pRParen) {
		return ps
	}
	for {
		pr := &cstParam{Pos: p.pos()}
		if p.is(kwVar) || p.is(kwVal) {
			pr.Kind = p.text(p.next())
		}
		pr.Name = p.ident()
		p.expect(pColon)
		pr.Type = p.typ()
		ps.Params = append(ps.Params, pr)
		p.chain(len(ps.Params))
		if !p.accept(pComma) {
			break
		}
	}
	p.expect(pRParen)
	return ps
}

func (p *parser) funcBody() *cstFuncBody {
	b := &cstFuncBody{}
	if p.accept(pArrow) {
		b.Expr = p.expr()
		return b
	}
	p.accept(pAssign)
	p.expect(pLBrace)
	b.Block = p.stmtList()
	b.Close = p.closeBrace()
	return b
}

// closeBrace consumes a } and returns where it is.
func (p *parser) closeBrace() position {
	return p.position(p.expect(pRBrace))
}

func (p *parser) typedef() *cstTypedef {
	p.next()
	t := &cstTypedef{Name: p.ident()}
	t.TParams = p.optTParams()
	p.expect(pAssign)
	t.Type = p.typ()
	p.semi()
	return t
}

func (p *parser) variant() *cstVariant {
	v := &cstVariant{Pos: p.pos()}
	p.next()
	v.Name = p.ident()
	v.TParams = p.optTParams()
	p.expect(pAssign)
	p.accept(pBar)
	for {
		c := &cstVariantCase{Pos: p.pos()}
		if t := p.tok(); t.cls == cIdent || t.cls == cTag {
			c.Name = p.text(p.next())
		} else {
			p.unexpected()
		}
		if p.accept(kwOf) {
			c.Payload = p.typ()
		}
		v.Cases = append(v.Cases, c)
		p.chain(len(v.Cases))
		if !p.accept(pBar) {
			break
		}
	}
	p.semi()
	return v
}

func (p *parser) matchStmt() *cstMatchStmt {
	m := &cstMatchStmt{Pos: p.pos()}
	p.next()
	m.Scrut = p.expr()
	if p.accept(kwDo) {
		m.DoArm = []*cstStmtArm{}
		for p.is(pBar) {
			m.DoArm = append(m.DoArm, p.stmtArm())
		}
		p.expect(kwDone)
		return m
	}
	p.expect(kwWith)
	for p.is(pBar) {
		m.Arms = append(m.Arms, p.stmtArm())
	}
	p.expect(kwEndmatch)
	p.semi()
	return m
}

func (p *parser) stmtArm() *cstStmtArm {
	a := &cstStmtArm{}
	a.Pos, a.Pat, a.Guard = p.armHead()
	a.Body = p.stmtList()
	return a
}

func (p *parser) exprArm() *cstExprArm {
	a := &cstExprArm{}
	a.Pos, a.Pat, a.Guard = p.armHead()
	a.Body = p.expr()
	return a
}

// armHead parses the `| pattern when guard =>` that begins an arm of a match.
func (p *parser) armHead() (pos position, pat *cstPattern, guard *cstExpr) {
	pos = p.pos()
	p.expect(pBar)
	pat = p.pattern()
	if p.accept(kwWhen) {
		guard = p.expr()
	}
	p.expect(pArrow)
	return pos, pat, guard
}

func (p *parser) ifStmt() *cstIf {
	s := &cstIf{Pos: p.pos()}
	p.next()
	s.Cond = p.expr()
	switch {
	case p.is(kwDo):
		s.Block = p.ifBlock()
	case p.is(kwThen):
		s.Then = &cstThen{Pos: p.pos(), Then: true}
		p.next()
		for !p.is(kwEndif) {
			if p.tok().cls == cEOF {
				p.unexpected()
			}
			p.next()
		}
		p.next()
		p.accept(pSemi)
	default:
		s.Short = p.short()
	}
	return s
}

func (p *parser) ifBlock() *cstIfBlock {
	b := &cstIfBlock{}
	p.expect(kwDo)
	b.Then = p.stmtList()
	for p.is(kwElif) {
		e := &cstElif{Pos: p.pos()}
		p.next()
		e.Cond = p.expr()
		if p.accept(kwDo) {
			e.Then = p.stmtList()
		} else {
			e.Short = p.short()
		}
		b.Elifs = append(b.Elifs, e)
		p.chain(len(b.Elifs))
	}
	if p.accept(kwElse) {
		b.Else = &cstElse{Stmts: p.stmtList()}
	}
	p.expect(kwDone)
	return b
}

// short parses the one-statement tail of a short conditional.
func (p *parser) short() *cstShort {
	s := &cstShort{Pos: p.pos()}
	switch p.tok().id {
	case kwGoto:
		p.next()
		s.Goto = ptr(p.ident())
		p.semi()
	case kwReturn:
		s.Return = p.ret()
	case kwCall:
		p.next()
		s.Call = p.expr()
		p.semi()
	case kwPerform:
		p.next()
		s.Perform = p.stmtIn()
	case kwBreak:
		p.next()
		s.Break = p.jump()
	case kwContinue:
		p.next()
		s.Continue = p.jump()
	case kwWhile, kwUntil, kwRepeat, kwFor:
		s.Loop = p.loop()
	default:
		p.unexpected()
	}
	return s
}

// stmtIn parses one statement nested in another (a perform, a C-style for's parts).
func (p *parser) stmtIn() *cstStmt {
	if !p.startsStmt() {
		p.unexpected()
	}
	p.enter()
	s := p.stmt()
	p.leave()
	return s
}

func (p *parser) jump() *cstJump {
	j := &cstJump{Pos: p.pos()}
	if p.tok().cls == cIdent {
		j.Label = p.ident()
	}
	p.semi()
	return j
}

func (p *parser) ret() *cstReturn {
	r := &cstReturn{Pos: p.pos()}
	p.expect(kwReturn)
	if p.startsExpr() {
		r.Value = p.expr()
	}
	p.semi()
	return r
}

func (p *parser) loop() *cstLoop {
	l := &cstLoop{Pos: p.pos()}
	switch p.tok().id {
	case kwWhile, kwUntil:
		w := &cstWhile{Until: p.is(kwUntil)}
		p.next()
		w.Cond = p.expr()
		w.Body = p.body()
		l.While = w
	case kwRepeat:
		p.next()
		l.Repeat = p.body()
	case kwFor:
		p.next()
		if p.accept(pLParen) {
			c := &cstCFor{Init: p.stmtIn()}
			c.Cond = p.expr()
			p.expect(pSemi)
			c.Step = p.stmtIn()
			p.expect(pRParen)
			c.Body = p.stmtIn()
			l.CFor = c
			break
		}
		f := &cstForIn{Decl: p.accept(kwVar)}
		f.Var = p.binder()
		p.expect(kwIn)
		f.From = p.expr()
		switch p.tok().id {
		case pDotDot, pDotDotLt, kwUpto, kwDownto:
			f.Range = p.text(p.next())
			f.To = p.expr()
		}
		f.Body = p.body()
		l.For = f
	default:
		p.unexpected()
	}
	return l
}

func (p *parser) body() *cstBody {
	b := &cstBody{}
	if p.accept(kwDo) {
		b.Do = true
		b.Stmts = p.stmtList()
		p.expect(kwDone)
		return b
	}
	p.expect(kwPerform)
	b.Perform = p.stmtIn()
	return b
}

func (p *parser) exprStmt() *cstExprStmt {
	s := p.nodes.exprStmt.get()
	s.X = p.expr()
	switch p.tok().id {
	case pAssign, pAddEq, pSubEq, pMulEq, pDivEq, pModEq, pDefine, pSend:
		s.Op = p.text(p.next())
		s.Value = p.expr()
	}
	p.semi()
	return s
}

func (p *parser) chip() *cstChip {
	c := &cstChip{Pos: p.pos()}
	p.next()
	c.Name = p.ident()
	c.TParams = p.optTParams()
	for p.is(pLParen) {
		c.Params = append(c.Params, p.params())
	}
	if !p.word("connector") {
		p.unexpected()
	}
	for p.word("connector") {
		con := &cstConnector{Pos: p.pos()}
		p.next()
		con.Name = p.ident()
		if !p.word("pin") {
			p.unexpected()
		}
		for p.word("pin") {
			pin := &cstPin{Pos: p.pos()}
			p.next()
			pin.Name = p.ident()
			p.expect(pColon)
			pin.Type = p.typ()
			con.Pins = append(con.Pins, pin)
		}
		c.Connectors = append(c.Connectors, con)
	}
	c.Body = p.block()
	return c
}

func (p *parser) device() *cstDevice {
	d := &cstDevice{Pos: p.pos()}
	p.next()
	d.Name = p.ident()
	p.expect(pAssign)
	d.Init = p.expr()
	p.semi()
	return d
}

func (p *parser) circuit() *cstCircuit {
	c := &cstCircuit{Pos: p.pos()}
	p.next()
	for {
		cl := &cstClause{Pos: p.pos()}
		switch {
		case p.word("connect"):
			p.next()
			cl.Connect = []*cstPinRef{p.pinRef()}
			for p.accept(pComma) {
				cl.Connect = append(cl.Connect, p.pinRef())
			}
		case p.word("wire"):
			p.next()
			cl.Wire = p.expr()
			p.expect(kwTo)
			cl.To = p.pinRef()
		default:
			if len(c.Clauses) == 0 {
				p.unexpected()
			}
			p.expectWord("endcircuit")
			return c
		}
		c.Clauses = append(c.Clauses, cl)
	}
}

// selectStmt parses `select | arm => statements ... endselect`, the semicolon optional. An
// arm is `else`, `after e`, `write e` (lowering checks that e is a pair) or `v = read e` /
// `v = read_opt e`.
func (p *parser) selectStmt() *cstSelect {
	s := &cstSelect{Pos: p.pos()}
	p.next()
	for p.is(pBar) {
		a := &cstSelectArm{Pos: p.pos()}
		p.next()
		switch {
		case p.accept(kwElse):
			a.Else = true
		case p.word("after") && p.peek(1).id != pAssign:
			p.next()
			a.After = p.expr()
		case p.word("write") && p.peek(1).id != pAssign:
			p.next()
			a.Write = p.expr()
		default:
			if p.tok().cls == cIdent && p.peek(1).id == pAssign {
				a.Var = p.ident()
				p.next()
			}
			if a.Var == "" || !p.word("read") && !p.word("read_opt") {
				p.fail(&diag.Error{Pos: p.astPos(p.tok()), Msg: fmt.Sprintf("syntax error: unexpected %q: a select arm is v = read ch, v = read_opt ch, write (ch, v), after seconds or else", p.text(p.tok()))})
			}
			a.Op = p.text(p.next())
			a.Chan = p.expr()
		}
		p.expect(pArrow)
		a.Body = p.stmtList()
		s.Arms = append(s.Arms, a)
	}
	p.expect(kwEndselect)
	p.accept(pSemi)
	return s
}

func (p *parser) pinRef() *cstPinRef {
	r := &cstPinRef{Pos: p.pos(), Device: p.ident()}
	p.expect(pDot)
	r.Pin = p.ident()
	return r
}

func (p *parser) union() *cstUnion {
	u := &cstUnion{Pos: p.pos()}
	p.next()
	u.Name = p.ident()
	for !p.is(pSemi) {
		if p.tok().cls == cEOF {
			p.unexpected()
		}
		p.next()
	}
	p.next()
	return u
}

// ---- expressions --------------------------------------------------------------------------

// startsExpr reports whether the current token can begin an expression.
func (p *parser) startsExpr() bool {
	switch p.tok().id {
	case kwLet, kwNot, pMinus, pPlus, pStar:
		return true
	}
	return p.startsPost(p.tok())
}

// startsPost reports whether t can begin an operand: an argument in an application.
func (p *parser) startsPost(t *token) bool {
	switch t.cls {
	case cIdent, cTag, cInt, cFloat, cString:
		return true
	}
	switch t.id {
	case pHash, pAmp, kwTrue, kwFalse, kwIf, kwFun, kwProc, kwGen, pLBrace, kwMatch, pLParen:
		return true
	}
	return false
}

func (p *parser) expr() *cstExpr {
	p.enter()
	e := p.nodes.expr.get()
	e.Pos = p.pos()
	if p.is(kwLet) {
		l := &cstLet{Pos: p.pos()}
		p.next()
		l.Pat = p.pattern()
		p.expect(pAssign)
		l.Init = p.expr()
		p.expect(kwIn)
		l.Body = p.expr()
		e.Let = l
	} else {
		e.Head = p.tuple()
		if p.accept(pCoerce) {
			e.Coerce = p.typ()
		}
		if p.accept(pDollar) {
			e.Dollar = p.expr()
		}
	}
	p.leave()
	return e
}

// chainOf parses one or more of what next parses, separated by sep.
func chainOf[T any](p *parser, one *pool[[1]T], sep id, next func() T) []T {
	list := single(one, next())
	for p.accept(sep) {
		list = append(list, next())
		p.chain(len(list))
	}
	return list
}

// opChain parses the operators op1, op2 and op3 (which may repeat) with their right
// operands, which next parses.
func opChain[T any](p *parser, rs *pool[cstOpR[T]], one *pool[[1]*cstOpR[T]], next func() T, op1, op2, op3 id) []*cstOpR[T] {
	var tail []*cstOpR[T]
	for p.is(op1) || p.is(op2) || p.is(op3) {
		r := rs.get()
		r.Pos, r.Op = p.pos(), p.text(p.next())
		r.X = next()
		if tail == nil {
			tail = single(one, r)
		} else {
			tail = append(tail, r)
		}
		p.chain(len(tail))
	}
	return tail
}

func (p *parser) tuple() *cstTuple {
	t := p.nodes.tuple.get()
	t.Pos = p.pos()
	t.Elems = chainOf(p, &p.nodes.ors, pComma, p.or)
	return t
}

func (p *parser) or() *cstOr {
	o := p.nodes.or.get()
	o.Pos = p.pos()
	o.Terms = chainOf(p, &p.nodes.ands, kwOr, p.and)
	return o
}

func (p *parser) and() *cstAnd {
	a := p.nodes.and.get()
	a.Pos = p.pos()
	a.Terms = chainOf(p, &p.nodes.nots, kwAnd, p.not)
	return a
}

func (p *parser) not() *cstNot {
	n := p.nodes.not.get()
	n.Pos = p.pos()
	if p.accept(kwNot) {
		p.enter()
		n.Not = p.not()
		p.leave()
		return n
	}
	c := p.nodes.cmp.get()
	c.L = p.pipe()
	for {
		switch p.tok().id {
		case pEq, pNe, pLe, pGe, pLt, pGt:
			op := &cstOpToken{Pos: p.pos(), Op: p.text(p.next())}
			c.Tail = append(c.Tail, &cstCmpR{Op: op, R: p.pipe()})
			p.chain(len(c.Tail))
			continue
		}
		break
	}
	n.Cmp = c
	return n
}

func (p *parser) pipe() *cstPipe {
	x := p.nodes.pipe.get()
	x.Head = p.cons()
	for p.is(pPipe) {
		r := &cstPipeR{Pos: p.pos()}
		p.next()
		r.X = p.cons()
		x.Tail = append(x.Tail, r)
		p.chain(len(x.Tail))
	}
	return x
}

func (p *parser) cons() *cstCons {
	c := p.nodes.cons.get()
	c.Pos = p.pos()
	c.Head = p.sum()
	if p.accept(pBang) {
		p.enter()
		c.Tail = p.cons()
		p.leave()
	}
	return c
}

func (p *parser) sum() *cstSum {
	s := p.nodes.sum.get()
	s.Head = p.prod()
	s.Tail = opChain(p, &p.nodes.sumR, &p.nodes.sumRs, p.prod, pPlus, pMinus, pMinus)
	return s
}

func (p *parser) prod() *cstProd {
	x := p.nodes.prod.get()
	x.Head = p.prefix()
	x.Tail = opChain(p, &p.nodes.prodR, &p.nodes.prodRs, p.prefix, pStar, pSlash, pPercent)
	return x
}

func (p *parser) prefix() *cstPrefix {
	x := p.nodes.prefix.get()
	x.Pos = p.pos()
	switch p.tok().id {
	case pMinus, pPlus, pStar:
		op := p.next().id
		p.enter()
		inner := p.prefix()
		p.leave()
		switch op {
		case pMinus:
			x.Neg = inner
		case pPlus:
			x.Plus = inner
		default:
			x.Deref = inner
		}
		return x
	}
	a := p.nodes.app.get()
	a.Fn = p.post()
	for p.startsPost(p.tok()) {
		switch p.tok().cls {
		case cIdent, cTag, cInt, cFloat, cString:
			a.Args = append(a.Args, p.post())
		default:
			// An argument that fails early is no argument: after a function body
			// `=> e`, which needs no ;, the next statement may begin as one would.
			var arg *cstPost
			if !p.attempt(func() { arg = p.post() }) {
				x.App = a
				return x
			}
			a.Args = append(a.Args, arg)
		}
		p.chain(len(a.Args))
	}
	x.App = a
	return x
}

func (p *parser) post() *cstPost {
	x := p.nodes.post.get()
	x.Head = p.hash()
	for {
		var s *cstSuffix
		switch p.tok().id {
		case pDot:
			s = &cstSuffix{Pos: p.pos()}
			p.next()
			switch t := p.tok(); {
			case t.id == pLBrack:
				p.next()
				s.Index = &cstIndex{I: p.expr()}
				if p.accept(kwTo) {
					s.Index.To = p.expr()
				}
				p.expect(pRBrack)
			case t.cls == cInt:
				s.Proj = ptr(p.text(p.next()))
			case t.id == pLParen:
				p.next()
				s.Paren = p.expr()
				p.expect(pRParen)
			default:
				s.Name = p.nameRef()
			}
		case pAmp:
			if p.peek(1).id != pDot {
				return x
			}
			s = &cstSuffix{Pos: p.pos()}
			p.i += 2
			s.Addr = p.nameRef()
		case pIncr, pDecr:
			s = &cstSuffix{Pos: p.pos(), Incr: p.text(p.next())}
		default:
			return x
		}
		x.Suffixes = append(x.Suffixes, s)
		p.chain(len(x.Suffixes))
	}
}

func (p *parser) hash() *cstHash {
	h := p.nodes.hash.get()
	h.Pos = p.pos()
	switch p.tok().id {
	case pHash, pAmp:
		op := p.next().id
		p.enter()
		inner := p.hash()
		p.leave()
		if op == pHash {
			h.Hash = inner
		} else {
			h.Addr = inner
		}
		return h
	}
	h.Atom = p.atom()
	return h
}

func (p *parser) nameRef() *cstNameRef {
	n := p.nodes.nameRef.get()
	n.Pos = p.pos()
	if t := p.tok(); t.cls == cIdent || t.cls == cTag {
		n.First = p.text(p.next())
	} else {
		p.unexpected()
	}
	if p.accept(pLBrack) {
		n.Args = p.typeList(pRBrack)
	}
	for p.accept(pColon2) {
		n.Rest = append(n.Rest, p.ident())
		p.chain(len(n.Rest))
	}
	if p.accept(pLBrack) {
		n.TypeArgs = p.typeList(pRBrack)
	}
	return n
}

func (p *parser) atom() *cstAtom {
	a := p.nodes.atom.get()
	a.Pos = p.pos()
	t := p.tok()
	switch t.cls {
	case cFloat:
		a.Float = p.textOf(p.next())
		return a
	case cInt:
		a.Int = p.textOf(p.next())
		return a
	case cString:
		a.String = p.textOf(p.next())
		return a
	case cIdent, cTag:
		a.Name = p.nameRef()
		if p.is(kwOf) {
			p.next()
			p.expect(pLParen)
			a.Of = p.typ()
			p.expect(pRParen)
		}
		return a
	}
	switch t.id {
	case kwTrue:
		p.next()
		a.True = true
	case kwFalse:
		p.next()
		a.False = true
	case kwIf:
		a.Cond = p.condExpr()
	case kwFun, kwProc, kwGen:
		l := &cstLambda{Pos: p.pos(), Kind: p.text(p.next())}
		p.enter()
		l.Rest = p.funcRest()
		p.leave()
		a.Lambda = l
	case pLBrace:
		a.Block = p.block()
	case kwMatch:
		m := &cstMatchExpr{Pos: p.pos()}
		p.next()
		m.Scrut = p.expr()
		p.expect(kwWith)
		for p.is(pBar) {
			m.Arms = append(m.Arms, p.exprArm())
			p.chain(len(m.Arms))
		}
		p.expect(kwEndmatch)
		a.Match = m
	case pLParen:
		p.paren(a)
	default:
		p.unexpected()
	}
	return a
}

// paren parses what an opening parenthesis begins: (), a list, a record or a parenthesised
// expression.
func (p *parser) paren(a *cstAtom) {
	p.enter()
	defer p.leave()
	p.next()
	switch {
	case p.accept(pRParen):
		a.Unit = true
	case p.accept(pLBrack):
		a.List = chainOf(p, &p.nodes.ors, pComma, p.or)
		p.expect(pRBrack)
		p.expect(pRParen)
	case p.tok().cls == cIdent && p.peek(1).id == pAssign:
		r := &cstRecord{}
		for {
			f := &cstField{Pos: p.pos(), Name: p.ident()}
			p.expect(pAssign)
			f.Value = p.or()
			r.Fields = append(r.Fields, f)
			p.chain(len(r.Fields))
			if !p.accept(pComma) {
				break
			}
		}
		p.expect(pRParen)
		a.Record = r
	default:
		a.Paren = p.expr()
		p.expect(pRParen)
	}
}

func (p *parser) block() *cstBlock {
	b := &cstBlock{Pos: p.pos()}
	p.expect(pLBrace)
	b.Stmts = p.stmtList()
	b.Close = p.closeBrace()
	return b
}

func (p *parser) condExpr() *cstCondExpr {
	c := &cstCondExpr{}
	p.expect(kwIf)
	c.Cond = p.expr()
	p.expect(kwThen)
	c.Then = p.expr()
	for p.is(kwElif) {
		e := &cstElifE{Pos: p.pos()}
		p.next()
		e.Cond = p.expr()
		p.expect(kwThen)
		e.Then = p.expr()
		c.Elifs = append(c.Elifs, e)
		p.chain(len(c.Elifs))
	}
	p.expect(kwElse)
	c.Else = p.expr()
	p.accept(kwEndif)
	return c
}

// ---- types --------------------------------------------------------------------------------

func (p *parser) typ() *cstType {
	p.enter()
	t := &cstType{Pos: p.pos(), Dom: p.typeProd()}
	if p.accept(pTo) {
		t.Cod = p.typ()
	}
	p.leave()
	return t
}

func (p *parser) typeProd() *cstTypeProd {
	t := &cstTypeProd{Pos: p.pos(), Elems: []*cstTypePrefix{p.typePrefix()}}
	for p.accept(pStar) {
		t.Elems = append(t.Elems, p.typePrefix())
		p.chain(len(t.Elems))
	}
	return t
}

func (p *parser) typePrefix() *cstTypePrefix {
	t := &cstTypePrefix{Pos: p.pos()}
	switch p.tok().id {
	case pIn, pOut, pAmp:
		op := p.next().id
		p.enter()
		defer p.leave()
		inner := p.typePrefix()
		switch op {
		case pIn:
			t.In = inner
			if p.accept(pOut) {
				t.Duo = p.typePrefix()
			}
		case pOut:
			t.Out = inner
		default:
			t.Ptr = inner
		}
		return t
	}
	t.Atom = p.typeAtom()
	return t
}

func (p *parser) typeAtom() *cstTypeAtom {
	a := &cstTypeAtom{Pos: p.pos()}
	if p.tok().cls == cInt {
		a.Num = ptr(p.text(p.next()))
		return a
	}
	if !p.is(pLParen) {
		a.Name = p.nameRef()
		return a
	}
	switch next := p.peek(1); {
	case next.id == pBar:
		a.Poly = p.polyCases()
		return a
	case next.cls == cTag:
		if p.attempt(func() { a.Poly = p.polyCases() }) {
			return a
		}
		a.Poly = nil
	case next.cls == cIdent && p.peek(2).id == pColon:
		p.next()
		r := &cstRecordTy{}
		for {
			f := &cstFieldTy{Name: p.ident()}
			p.expect(pColon)
			f.Type = p.typ()
			r.Fields = append(r.Fields, f)
			p.chain(len(r.Fields))
			if !p.accept(pComma) {
				break
			}
		}
		p.expect(pRParen)
		a.Record = r
		return a
	}
	p.next()
	a.Paren = p.typ()
	p.expect(pRParen)
	return a
}

// polyCases parses ( | `A of T | `B ).
func (p *parser) polyCases() []*cstPolyCase {
	p.expect(pLParen)
	p.accept(pBar)
	var out []*cstPolyCase
	for {
		c := &cstPolyCase{Pos: p.pos()}
		if p.tok().cls != cTag {
			p.unexpected()
		}
		c.Name = p.text(p.next())
		if p.accept(kwOf) {
			c.Payload = p.typ()
		}
		out = append(out, c)
		p.chain(len(out))
		if !p.accept(pBar) {
			break
		}
	}
	p.expect(pRParen)
	return out
}

// ---- patterns -----------------------------------------------------------------------------

func (p *parser) pattern() *cstPattern {
	p.enter()
	x := &cstPattern{Pos: p.pos(), Head: p.patApp()}
	if p.accept(pBang) {
		x.Tail = p.pattern()
	}
	p.leave()
	return x
}

func (p *parser) patApp() *cstPatApp {
	a := &cstPatApp{Pos: p.pos()}
	t := p.tok()
	switch {
	case t.id == pHash:
		p.next()
		a.Const = p.nameRef()
	case t.cls == cIdent || t.cls == cTag:
		a.Ctor = p.nameRef()
		if p.startsPatAtom() {
			a.Arg = p.patAtom()
		}
	default:
		a.Atom = p.patAtom()
	}
	return a
}

func (p *parser) startsPatAtom() bool {
	t := p.tok()
	switch t.cls {
	case cIdent, cTag, cInt, cFloat, cString:
		return true
	}
	switch t.id {
	case pMinus, kwTrue, kwFalse, pLParen:
		return true
	}
	return false
}

func (p *parser) patAtom() *cstPatAtom {
	a := &cstPatAtom{Pos: p.pos()}
	t := p.tok()
	switch {
	case t.id == pMinus || t.cls == cInt || t.cls == cFloat:
		a.Neg = p.accept(pMinus)
		switch t := p.tok(); t.cls {
		case cInt:
			a.Int = ptr(p.text(p.next()))
		case cFloat:
			a.Float = ptr(p.text(p.next()))
		default:
			p.unexpected()
		}
	case t.cls == cString:
		a.String = ptr(p.str())
	case t.id == kwTrue:
		p.next()
		a.True = true
	case t.id == kwFalse:
		p.next()
		a.False = true
	case t.id == pLParen:
		p.enter()
		defer p.leave()
		p.next()
		switch {
		case p.accept(pRParen):
			a.Unit = true
		case p.tok().cls == cIdent && p.peek(1).id == pAssign:
			for {
				f := &cstPatField{Pos: p.pos(), Name: p.ident()}
				p.expect(pAssign)
				f.Pat = p.pattern()
				a.Record = append(a.Record, f)
				p.chain(len(a.Record))
				if !p.accept(pComma) {
					break
				}
			}
			p.expect(pRParen)
		default:
			a.Tuple = []*cstPattern{p.pattern()}
			for p.accept(pComma) {
				a.Tuple = append(a.Tuple, p.pattern())
				p.chain(len(a.Tuple))
			}
			p.expect(pRParen)
		}
	default:
		a.Name = p.nameRef()
	}
	return a
}
