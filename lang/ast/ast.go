// Package ast holds felixlet's syntax tree: what the parser produces after desugaring and
// what the checker consumes. Every node carries the position of its first token.
//
// The tree is purely syntactic: names are not resolved and nothing is typed. Sugar is gone:
// `f$ x`, `#f` and juxtaposition are all Apply; `x.f` stays a Dot because only the checker
// knows whether it is a field access or the reverse application `f x`; operators are Binary
// nodes naming the library function they call (`a + b` is `add (a, b)`).
//
// This package imports nothing of felixlet's; Dump gives a stable text form for tests.
package ast

import "fmt"

// Pos is a position in a source file; Line and Col count from 1, Col in bytes.
type Pos struct {
	File string // the file name as given to the parser
	Line int    // 1-based line
	Col  int    // 1-based column, in bytes
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Node is any syntax tree node.
type Node interface{ Position() Pos }

// ---- types ------------------------------------------------------------------------------

// Type is a type expression as written.
type Type interface {
	Node
	typeNode()
}

// NamedType is `int`, `list[T]`, `Faio::clock`.
type NamedType struct {
	P    Pos
	Path []string // qualified name parts, at least one
	Args []Type   // type arguments in brackets
}

// TupleType is `A * B * C` (two or more elements).
type TupleType struct {
	P     Pos
	Elems []Type
}

// UnitType is `1` (also written `unit`, a NamedType).
type UnitType struct{ P Pos }

// VoidType is `0`, the codomain of procedures.
type VoidType struct{ P Pos }

// RecordType is `(x:A, y:B)`.
type RecordType struct {
	P      Pos
	Names  []string
	Fields []Type
}

// FuncType is `A -> B`.
type FuncType struct {
	P        Pos
	Dom, Cod Type
}

// ChanDir says which end of a channel a type denotes.
type ChanDir int

const (
	ChanIn  ChanDir = iota // %<T, ischannel[T]: the read end
	ChanOut                // %>T, oschannel[T]: the write end
)

// ChanType is `%<T` or `%>T`; the bracket forms are NamedTypes.
type ChanType struct {
	P    Pos
	Dir  ChanDir
	Elem Type
}

func (t *NamedType) Position() Pos  { return t.P }
func (t *TupleType) Position() Pos  { return t.P }
func (t *UnitType) Position() Pos   { return t.P }
func (t *VoidType) Position() Pos   { return t.P }
func (t *RecordType) Position() Pos { return t.P }
func (t *FuncType) Position() Pos   { return t.P }
func (t *ChanType) Position() Pos   { return t.P }
func (*NamedType) typeNode()        {}
func (*TupleType) typeNode()        {}
func (*UnitType) typeNode()         {}
func (*VoidType) typeNode()         {}
func (*RecordType) typeNode()       {}
func (*FuncType) typeNode()         {}
func (*ChanType) typeNode()         {}

// ---- expressions ------------------------------------------------------------------------

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// Name is a possibly qualified name with optional explicit type arguments: `x`,
// `System::argv`, `mk_ioschannel_pair[int]`.
type Name struct {
	P        Pos
	Path     []string // qualified parts; the last is the simple name
	TypeArgs []Type
	Of       Type // `f of (T)`: the overload of f whose domain is T, or nil
}

// IntLit is an integer literal; every integer type is the 64-bit int.
type IntLit struct {
	P     Pos
	Value int64
	Size  bool // written with Felix's size suffix, as 5uz
}

// FloatLit is a floating literal of type double.
type FloatLit struct {
	P     Pos
	Value float64
}

// StringLit is a string literal with its escapes decoded.
type StringLit struct {
	P     Pos
	Value string
}

// BoolLit is `true` or `false`.
type BoolLit struct {
	P     Pos
	Value bool
}

// UnitLit is `()`.
type UnitLit struct{ P Pos }

// TupleLit is `a, b, c` (two or more elements).
type TupleLit struct {
	P     Pos
	Elems []Expr
}

// RecordLit is `(x=a, y=b)`, fields in source order.
type RecordLit struct {
	P      Pos
	Names  []string
	Values []Expr
}

// Apply is application: `f x`, `f$ x`, `#f` (Arg is UnitLit), `x.f` once resolved.
type Apply struct {
	P   Pos
	Fn  Expr
	Arg Expr
}

// Dot is `x.name`: a record field, or the reverse application `name x`.
type Dot struct {
	P    Pos
	X    Expr
	Name *Name // the name after the dot, with its own position
}

// Proj is `t.0`, a tuple projection.
type Proj struct {
	P     Pos
	X     Expr
	Index int
}

// Index is `s.[i]`.
type Index struct {
	P    Pos
	X, I Expr
}

// Slice is `s.[i to j]`.
type Slice struct {
	P           Pos
	X, From, To Expr
}

// Binary is an operator application. Func is the library function it calls (`add` for `+`);
// Op is the operator as written, for messages.
type Binary struct {
	P    Pos
	Op   string
	Func string
	L, R Expr
}

// Unary is `-x` (Func "neg") or `not x` (Func "lnot").
type Unary struct {
	P    Pos
	Op   string
	Func string
	X    Expr
}

// Logic is the short-circuit `a and b` (And true) or `a or b`.
type Logic struct {
	P    Pos
	And  bool
	L, R Expr
}

// Cond is `if c then a else b endif` (elif chains nest in Else).
type Cond struct {
	P                Pos
	Cond, Then, Else Expr
}

// Lambda is an anonymous function: `fun (x:int) => e`, `proc (x:int) { ... }`, or a bare
// block `{ ... }` (a procedure of no argument).
type Lambda struct {
	P    Pos
	Func *FuncDecl // Name is empty
}

func (e *Name) Position() Pos      { return e.P }
func (e *IntLit) Position() Pos    { return e.P }
func (e *FloatLit) Position() Pos  { return e.P }
func (e *StringLit) Position() Pos { return e.P }
func (e *BoolLit) Position() Pos   { return e.P }
func (e *UnitLit) Position() Pos   { return e.P }
func (e *TupleLit) Position() Pos  { return e.P }
func (e *RecordLit) Position() Pos { return e.P }
func (e *Apply) Position() Pos     { return e.P }
func (e *Dot) Position() Pos       { return e.P }
func (e *Proj) Position() Pos      { return e.P }
func (e *Index) Position() Pos     { return e.P }
func (e *Slice) Position() Pos     { return e.P }
func (e *Binary) Position() Pos    { return e.P }
func (e *Unary) Position() Pos     { return e.P }
func (e *Logic) Position() Pos     { return e.P }
func (e *Cond) Position() Pos      { return e.P }
func (e *Lambda) Position() Pos    { return e.P }
func (*Name) exprNode()            {}
func (*IntLit) exprNode()          {}
func (*FloatLit) exprNode()        {}
func (*StringLit) exprNode()       {}
func (*BoolLit) exprNode()         {}
func (*UnitLit) exprNode()         {}
func (*TupleLit) exprNode()        {}
func (*RecordLit) exprNode()       {}
func (*Apply) exprNode()           {}
func (*Dot) exprNode()             {}
func (*Proj) exprNode()            {}
func (*Index) exprNode()           {}
func (*Slice) exprNode()           {}
func (*Binary) exprNode()          {}
func (*Unary) exprNode()           {}
func (*Logic) exprNode()           {}
func (*Cond) exprNode()            {}
func (*Lambda) exprNode()          {}

// ---- statements -------------------------------------------------------------------------

// Stmt is a statement.
type Stmt interface {
	Node
	stmtNode()
}

// Binder is one name introduced by a declaration.
type Binder struct {
	P       Pos
	Name    string
	Type    Type // nil when inferred
	Mutable bool // var (true) or val (false)
}

// VarDecl is `var x = e;`, `val k = e;`, `var a, b = e;`, `def var p, val q = e;` and
// `x := e;`. With several binders the initialiser is a tuple that is destructured.
type VarDecl struct {
	P       Pos
	Binders []*Binder
	Init    Expr // nil: the zero value of the (annotated) type
	Short   bool // written name := e
	Device  bool // written device name = e: e must be a chip
}

// Assign is `lhs = e;` and the update forms (Op "+=", "-=", "*=", "/=", "%=").
type Assign struct {
	P      Pos
	Op     string
	Target Expr
	Value  Expr
}

// Incr is `++x;` / `x++;` (Delta 1) and `--x;` / `x--;` (Delta -1).
type Incr struct {
	P      Pos
	Delta  int
	Target Expr
}

// ExprStmt is an expression used as a statement: a procedure call.
type ExprStmt struct {
	P Pos
	X Expr
}

// Param is one parameter: `x: T`, or `var x: T`, a copy the body may assign.
type Param struct {
	P       Pos
	Name    string
	Type    Type
	Mutable bool
}

// TypeParam is a generic parameter with its type-class constraints: `T with Str[T]`.
type TypeParam struct {
	P       Pos
	Name    string
	Classes []string // constraint class names, e.g. "Str", "Eq"
}

// FuncKind says what a definition defines.
type FuncKind int

const (
	Fun   FuncKind = iota // fun: returns a value
	Proc                  // proc: returns nothing
	Gen                   // gen: a function that may yield
	Const                 // const: a library value computed by a primitive
)

// FuncDecl is a named definition (`fun`, `proc`, `gen`) or, with Name "", a lambda. Params
// holds one list per curried argument group. A library binding `fun f : T = "prim";` has
// Prim set, PrimType its type and no body.
type FuncDecl struct {
	P          Pos
	Kind       FuncKind
	Name       string
	TypeParams []*TypeParam
	Params     [][]*Param
	Ret        Type   // declared return type, or nil
	Body       []Stmt // block body
	ExprBody   Expr   // `=> e` body (Body is nil)
	Prim       string // primitive name of a library binding
	PrimType   Type   // its declared type (A -> B for fun, A for proc)
	End        Pos    // where the body ends: its closing brace, or the => expression
	Exported   bool   // written `export`: a procedure flx_main runs after the top-level code
}

// TypeDecl is `typedef name = T;` (Prim "") or `type name = "prim";` (an opaque library type).
type TypeDecl struct {
	P          Pos
	Name       string
	TypeParams []*TypeParam // typedef name[T, U] = ...
	Def        Type
	Prim       string
}

// Module is `module M { ... }` (or `class M { ... }`): names reached as `M::x`.
type Module struct {
	P    Pos
	Name string
	Body []Stmt
}

// Open is `open M;`, or `inherit M;`, which makes M's names a module's own.
type Open struct {
	P       Pos
	Path    []string
	Inherit bool
}

// If is a conditional statement; elif chains nest in Else.
type If struct {
	P    Pos
	Cond Expr
	Then []Stmt
	Else []Stmt
}

// While is `while c do ... done`, `until c do ... done` (Until), or `repeat` (a true Cond).
type While struct {
	P     Pos
	Label string // the loop's label for break/continue, or ""
	Cond  Expr
	Until bool // the loop runs while Cond is false
	Body  []Stmt
}

// RangeKind is the kind of a counted for loop.
type RangeKind int

const (
	RangeIncl   RangeKind = iota // for i in a..b
	RangeExcl                    // for i in a..<b
	RangeUpto                    // for [var] i in a upto b
	RangeDownto                  // for [var] i in a downto b
)

// ForRange is a counted loop. Declare is true for `for var i` (the upto/downto forms) and for
// the `..`/`..<` forms, which also declare i in the enclosing scope.
type ForRange struct {
	P        Pos
	Label    string
	Var      *Binder
	Declare  bool
	Explicit bool // written `for var i`
	Kind     RangeKind
	From, To Expr
	Body     []Stmt
}

// ForIn is `for x in e do ... done`: x is visible only in the body.
type ForIn struct {
	P     Pos
	Label string
	Var   *Binder
	Iter  Expr
	Body  []Stmt
}

// CFor is `for (init; cond; step) body`.
type CFor struct {
	P    Pos
	Init Stmt
	Cond Expr
	Step Stmt
	Body []Stmt
}

// Label is `name:>`.
type Label struct {
	P    Pos
	Name string
}

// Coerce is `e :>> T`: e as a value of type T, which its own type must be assignable to.
type Coerce struct {
	P    Pos
	X    Expr
	Type Type
}

func (e *Coerce) Position() Pos { return e.P }
func (*Coerce) exprNode()       {}

// GotoLabel is `goto *p;`: a jump to the label a LABEL value holds.
type GotoLabel struct {
	P      Pos
	Target Expr
}

// LabelAddr is `label_address name`: the LABEL value of a label of this procedure.
type LabelAddr struct {
	P    Pos
	Name string
}

func (s *GotoLabel) Position() Pos { return s.P }
func (*GotoLabel) stmtNode()       {}
func (e *LabelAddr) Position() Pos { return e.P }
func (*LabelAddr) exprNode()       {}

// Goto is `goto name;`.
type Goto struct {
	P    Pos
	Name string
}

// Break is `break label;`.
type Break struct {
	P     Pos
	Label string
}

// Continue is `continue label;`.
type Continue struct {
	P     Pos
	Label string
}

// Return is `return;` or `return e;`.
type Return struct {
	P     Pos
	Value Expr
}

// Halt is `halt "message";`.
type Halt struct {
	P   Pos
	Msg Expr
}

// Begin is `begin ... end`, a nested scope.
type Begin struct {
	P    Pos
	Body []Stmt
}

func (s *VarDecl) Position() Pos  { return s.P }
func (s *Assign) Position() Pos   { return s.P }
func (s *Incr) Position() Pos     { return s.P }
func (s *ExprStmt) Position() Pos { return s.P }
func (s *FuncDecl) Position() Pos { return s.P }
func (s *TypeDecl) Position() Pos { return s.P }
func (s *Module) Position() Pos   { return s.P }
func (s *Open) Position() Pos     { return s.P }
func (s *If) Position() Pos       { return s.P }
func (s *While) Position() Pos    { return s.P }
func (s *ForRange) Position() Pos { return s.P }
func (s *ForIn) Position() Pos    { return s.P }
func (s *CFor) Position() Pos     { return s.P }
func (s *Label) Position() Pos    { return s.P }
func (s *Goto) Position() Pos     { return s.P }
func (s *Break) Position() Pos    { return s.P }
func (s *Continue) Position() Pos { return s.P }
func (s *Return) Position() Pos   { return s.P }
func (s *Halt) Position() Pos     { return s.P }
func (s *Begin) Position() Pos    { return s.P }
func (*VarDecl) stmtNode()        {}
func (*Assign) stmtNode()         {}
func (*Incr) stmtNode()           {}
func (*ExprStmt) stmtNode()       {}
func (*FuncDecl) stmtNode()       {}
func (*TypeDecl) stmtNode()       {}
func (*Module) stmtNode()         {}
func (*Open) stmtNode()           {}
func (*If) stmtNode()             {}
func (*While) stmtNode()          {}
func (*ForRange) stmtNode()       {}
func (*ForIn) stmtNode()          {}
func (*CFor) stmtNode()           {}
func (*Label) stmtNode()          {}
func (*Goto) stmtNode()           {}
func (*Break) stmtNode()          {}
func (*Continue) stmtNode()       {}
func (*Return) stmtNode()         {}
func (*Halt) stmtNode()           {}
func (*Begin) stmtNode()          {}

// File is a parsed source file with its includes spliced in.
type File struct {
	Name  string
	Stmts []Stmt
}

// ---- Level 2 ----------------------------------------------------------------------------

// PtrType is `&T`.
type PtrType struct {
	P    Pos
	Elem Type
}

// DuplexType is `%<R%>W`: an end of a duplex channel that reads R and writes W.
type DuplexType struct {
	P           Pos
	Read, Write Type
}

func (t *PtrType) Position() Pos    { return t.P }
func (t *DuplexType) Position() Pos { return t.P }
func (*PtrType) typeNode()          {}
func (*DuplexType) typeNode()       {}

// ListLit is `([a, b, c])`.
type ListLit struct {
	P     Pos
	Elems []Expr
}

// Match is `match e with | p => e1 | ... endmatch` as an expression.
type Match struct {
	P     Pos
	Scrut Expr
	Arms  []*Arm
}

// Arm is one arm of a match: its pattern, optional guard, and its body (an expression in a
// match expression, statements in a match statement).
type Arm struct {
	P     Pos
	Pat   Pattern
	Guard Expr
	Value Expr   // the body of an arm of a match expression
	Body  []Stmt // the body of an arm of a match statement
}

// Deref is `*p`.
type Deref struct {
	P Pos
	X Expr
}

// AddrOf is `&x`.
type AddrOf struct {
	P Pos
	X Expr
}

func (e *ListLit) Position() Pos { return e.P }
func (e *Match) Position() Pos   { return e.P }
func (e *Deref) Position() Pos   { return e.P }
func (e *AddrOf) Position() Pos  { return e.P }
func (*ListLit) exprNode()       {}
func (*Match) exprNode()         {}
func (*Deref) exprNode()         {}
func (*AddrOf) exprNode()        {}

// Pattern is a pattern of a match arm.
type Pattern interface {
	Node
	patternNode()
}

// PWild is `_`.
type PWild struct{ P Pos }

// PName is a bare name: a constant constructor (None, Empty, Dot) if the scrutinee's type
// has one of that name, else a variable bound to the value.
type PName struct {
	P     Pos
	Name  *Name
	Const bool // written #C: a constant constructor, never a binder
}

// PLit is a literal pattern: an int, double, string, bool or unit.
type PLit struct {
	P     Pos
	Value Expr
}

// PTuple is `(p1, p2, ...)`.
type PTuple struct {
	P     Pos
	Elems []Pattern
}

// PRecord is `(x=p1, y=p2)`.
type PRecord struct {
	P     Pos
	Names []string
	Pats  []Pattern
}

// PCtor is a constructor with an argument pattern: `Some v`, `Rect (w, h)`.
type PCtor struct {
	P    Pos
	Name *Name
	Arg  Pattern
}

// PCons is `h ! t`.
type PCons struct {
	P          Pos
	Head, Tail Pattern
}

func (p *PWild) Position() Pos   { return p.P }
func (p *PName) Position() Pos   { return p.P }
func (p *PLit) Position() Pos    { return p.P }
func (p *PTuple) Position() Pos  { return p.P }
func (p *PRecord) Position() Pos { return p.P }
func (p *PCtor) Position() Pos   { return p.P }
func (p *PCons) Position() Pos   { return p.P }
func (*PWild) patternNode()      {}
func (*PName) patternNode()      {}
func (*PLit) patternNode()       {}
func (*PTuple) patternNode()     {}
func (*PRecord) patternNode()    {}
func (*PCtor) patternNode()      {}
func (*PCons) patternNode()      {}

// MatchStmt is a match whose arms are statements.
type MatchStmt struct {
	P     Pos
	Scrut Expr
	Arms  []*Arm
}

// Yield is `yield e;` in a generator.
type Yield struct {
	P     Pos
	Value Expr
}

// VariantDecl is `variant name[T] = | C of T | D;`.
type VariantDecl struct {
	P          Pos
	Name       string
	TypeParams []*TypeParam
	Cases      []*VariantCase
}

// VariantCase is one constructor of a variant declaration.
type VariantCase struct {
	P       Pos
	Name    string
	Payload Type // nil for a constant constructor
}

// StructDecl is `struct name[T] { f: T; ... }`: a record type known by its name, built
// by applying the name to the fields' values in declaration order.
type StructDecl struct {
	P          Pos
	Name       string
	TypeParams []*TypeParam
	Names      []string // the fields, in declaration order
	Fields     []Type
}

// ExportDecl is `export proc name of (T) as "cname";`: it names an existing definition for
// C code and changes nothing in the program.
type ExportDecl struct {
	P     Pos
	Kind  FuncKind
	Name  *Name
	Of    Type
	CName string
}

// Circuit is `circuit connect d.p, e.q ... wire x to d.p ... endcircuit`.
type Circuit struct {
	P       Pos
	Clauses []*Clause
}

// Clause is one clause of a circuit: a connect (Pins) or a wire (Wire to To).
type Clause struct {
	P    Pos
	Pins []*PinRef
	Wire Expr
	To   *PinRef
}

// PinRef names a pin of a device: `d.p`.
type PinRef struct {
	P           Pos
	Device, Pin string
}

// Select is `select | arm => statements ... endselect` (Level 4).
type Select struct {
	P    Pos
	Arms []*SelectArm
}

// SelectKind says what a select arm does.
type SelectKind int

const (
	SelectRead    SelectKind = iota // Var = read Chan
	SelectReadOpt                   // Var = read_opt Chan
	SelectWrite                     // write (Chan, Value)
	SelectAfter                     // after Value (seconds)
	SelectElse                      // else: when no other arm can complete now
)

// SelectArm is one arm of a select.
type SelectArm struct {
	P     Pos
	Kind  SelectKind
	Var   string // the name a read binds ("_" binds none)
	Chan  Expr
	Value Expr
	Body  []Stmt
}

func (s *MatchStmt) Position() Pos   { return s.P }
func (s *Select) Position() Pos      { return s.P }
func (*Select) stmtNode()            {}
func (s *Yield) Position() Pos       { return s.P }
func (s *VariantDecl) Position() Pos { return s.P }
func (s *Circuit) Position() Pos     { return s.P }
func (s *StructDecl) Position() Pos  { return s.P }
func (s *ExportDecl) Position() Pos  { return s.P }
func (*StructDecl) stmtNode()        {}
func (*ExportDecl) stmtNode()        {}
func (*MatchStmt) stmtNode()         {}
func (*Yield) stmtNode()             {}
func (*VariantDecl) stmtNode()       {}
func (*Circuit) stmtNode()           {}

// AnyStmt reports whether some statement of stmts, or of the statements nested in them
// (branches, loop bodies, match and select arms; not nested functions or blocks), satisfies
// is.
func AnyStmt(stmts []Stmt, is func(Stmt) bool) bool {
	for _, s := range stmts {
		if is(s) {
			return true
		}
		var inner [][]Stmt
		switch s := s.(type) {
		case *If:
			inner = [][]Stmt{s.Then, s.Else}
		case *While:
			inner = [][]Stmt{s.Body}
		case *ForRange:
			inner = [][]Stmt{s.Body}
		case *ForIn:
			inner = [][]Stmt{s.Body}
		case *CFor:
			inner = [][]Stmt{s.Body}
		case *MatchStmt:
			for _, a := range s.Arms {
				inner = append(inner, a.Body)
			}
		case *Select:
			for _, a := range s.Arms {
				inner = append(inner, a.Body)
			}
		}
		for _, ss := range inner {
			if AnyStmt(ss, is) {
				return true
			}
		}
	}
	return false
}
