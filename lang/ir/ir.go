// Package ir is the checked program: what lang/check produces and lang/compile consumes.
// Every name is bound (to a *Var, a *Func or a primitive), every expression carries its
// type, every overload is resolved, and the sugar of loops and declarations is gone: only
// declarations, assignments, conditionals, loops with explicit break/continue, labels and
// gotos, returns and halts remain. Applications of library primitives are CallPrim nodes
// naming the primitive; lang/compile decides, from the argument types, what code they need.
//
// A function's arguments are always flattened: a function whose domain is the tuple
// A * B receives two arguments, one of domain unit none.
package ir

import (
	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/types"
)

// Program is a checked program.
type Program struct {
	Main  *Func   // the mainline: the top-level statements of the program
	Funcs []*Func // every function with a body, Main first, enclosing functions before nested ones
}

// FuncKind says what kind of function a Func is.
type FuncKind int

const (
	KindFun   FuncKind = iota // returns a value
	KindProc                  // returns nothing
	KindGen                   // a fun that may yield
	KindMain                  // the mainline
	KindBlock                 // `begin ... end`: a procedure called where it stands
)

// Func is a function with a body.
type Func struct {
	Name   string      // for backtraces and disassembly: "fib", "two.<lambda 5:17>"
	Pos    ast.Pos     // where it is defined
	End    ast.Pos     // where its body ends, for an error on falling off the end
	Kind   FuncKind    // fun, proc, gen, mainline or block
	Parent *Func       // the lexically enclosing function; nil for the mainline and library code
	Params []*Var      // declared parameters; a single tuple parameter receives its elements
	Type   *types.Func // its type
	Vars   []*Var      // every variable it owns, parameters first
	Body   []Stmt      // its statements
}

// Var is a variable, a val or a parameter.
type Var struct {
	Name     string     // as written; hidden temporaries start with '$'
	Pos      ast.Pos    // its declaration
	Type     types.Type // its type
	Owner    *Func      // the function whose frame (or environment) holds it
	Mutable  bool       // var (assignable), not val or parameter
	Captured bool       // used by a function nested in Owner, so it lives in Owner's environment
}

// ---- expressions --------------------------------------------------------------------------

// Expr is a typed expression.
type Expr interface {
	Type() types.Type
	Pos() ast.Pos
}

// Const is a literal: int64, float64, bool, byte (a char), string, or nil for unit.
type Const struct {
	P     ast.Pos
	T     types.Type
	Value any
}

// Local reads a variable of this function or of an enclosing one.
type Local struct {
	P   ast.Pos
	Var *Var
}

// FuncValue is a closure of Func over the current environment.
type FuncValue struct {
	P    ast.Pos
	T    *types.Func // the function's type (known before its body is checked)
	Func *Func
}

// Call calls the closure Fn with the flattened arguments.
type Call struct {
	P    ast.Pos
	T    types.Type
	Fn   Expr
	Args []Expr
}

// CallFunc calls a known function directly.
type CallFunc struct {
	P    ast.Pos
	T    types.Type
	Func *Func
	Args []Expr
}

// CallPrim applies a library primitive to flattened arguments.
type CallPrim struct {
	P    ast.Pos
	T    types.Type
	Prim string
	Args []Expr
}

// Tuple builds a tuple of two or more elements.
type Tuple struct {
	P     ast.Pos
	T     *types.Tuple
	Elems []Expr
}

// Record builds a record. Fields follow the type's (sorted) field order; Order lists the
// field indices in the order the source wrote them, which is the evaluation order.
type Record struct {
	P      ast.Pos
	T      *types.Record
	Fields []Expr
	Order  []int
}

// Proj reads element Index of a tuple or (sorted) field Index of a record.
type Proj struct {
	P     ast.Pos
	T     types.Type
	X     Expr
	Index int
}

// Cond is `if c then a else b endif`.
type Cond struct {
	P                ast.Pos
	T                types.Type
	Cond, Then, Else Expr
}

// Logic is a short-circuit `and` (And) or `or`.
type Logic struct {
	P    ast.Pos
	And  bool
	L, R Expr
}

// Let evaluates Init into the hidden variable Var, then Body.
type Let struct {
	P    ast.Pos
	Var  *Var
	Init Expr
	Body Expr
}

func (e *Const) Type() types.Type     { return e.T }
func (e *Local) Type() types.Type     { return e.Var.Type }
func (e *FuncValue) Type() types.Type { return e.T }
func (e *Call) Type() types.Type      { return e.T }
func (e *CallFunc) Type() types.Type  { return e.T }
func (e *CallPrim) Type() types.Type  { return e.T }
func (e *Tuple) Type() types.Type     { return e.T }
func (e *Record) Type() types.Type    { return e.T }
func (e *Proj) Type() types.Type      { return e.T }
func (e *Cond) Type() types.Type      { return e.T }
func (e *Logic) Type() types.Type     { return types.BoolType }
func (e *Let) Type() types.Type       { return e.Body.Type() }
func (e *Const) Pos() ast.Pos         { return e.P }
func (e *Local) Pos() ast.Pos         { return e.P }
func (e *FuncValue) Pos() ast.Pos     { return e.P }
func (e *Call) Pos() ast.Pos          { return e.P }
func (e *CallFunc) Pos() ast.Pos      { return e.P }
func (e *CallPrim) Pos() ast.Pos      { return e.P }
func (e *Tuple) Pos() ast.Pos         { return e.P }
func (e *Record) Pos() ast.Pos        { return e.P }
func (e *Proj) Pos() ast.Pos          { return e.P }
func (e *Cond) Pos() ast.Pos          { return e.P }
func (e *Logic) Pos() ast.Pos         { return e.P }
func (e *Let) Pos() ast.Pos           { return e.P }

// ---- statements ---------------------------------------------------------------------------

// Stmt is a statement.
type Stmt interface{ Pos() ast.Pos }

// Decl initialises a variable: to Init, or to its type's zero value when Init is nil.
type Decl struct {
	P    ast.Pos
	Var  *Var
	Init Expr
}

// Destructure initialises Vars from the elements of the tuple Init.
type Destructure struct {
	P    ast.Pos
	Vars []*Var
	Init Expr
}

// Assign stores Value in Var.
type Assign struct {
	P     ast.Pos
	Var   *Var
	Value Expr
}

// ExprStmt evaluates X (a procedure call) for its effect.
type ExprStmt struct {
	P ast.Pos
	X Expr
}

// If runs Then or Else.
type If struct {
	P    ast.Pos
	Cond Expr
	Then []Stmt
	Else []Stmt
}

// Loop runs Body while Cond (nil: forever) holds; Step runs after the body and after a
// `continue`, before Cond is tested again.
type Loop struct {
	P    ast.Pos
	Cond Expr
	Body []Stmt
	Step []Stmt
}

// Break leaves Loop.
type Break struct {
	P    ast.Pos
	Loop *Loop
}

// Continue goes to Loop's step.
type Continue struct {
	P    ast.Pos
	Loop *Loop
}

// Label marks a target of Goto within its function.
type Label struct {
	P    ast.Pos
	Name string
}

// Goto jumps to Label.
type Goto struct {
	P     ast.Pos
	Label *Label
}

// Return leaves the function, with Value unless it is a procedure.
type Return struct {
	P     ast.Pos
	Value Expr
}

// Halt stops the program with the message Msg (a string).
type Halt struct {
	P   ast.Pos
	Msg Expr
}

func (s *Decl) Pos() ast.Pos        { return s.P }
func (s *Destructure) Pos() ast.Pos { return s.P }
func (s *Assign) Pos() ast.Pos      { return s.P }
func (s *ExprStmt) Pos() ast.Pos    { return s.P }
func (s *If) Pos() ast.Pos          { return s.P }
func (s *Loop) Pos() ast.Pos        { return s.P }
func (s *Break) Pos() ast.Pos       { return s.P }
func (s *Continue) Pos() ast.Pos    { return s.P }
func (s *Label) Pos() ast.Pos       { return s.P }
func (s *Goto) Pos() ast.Pos        { return s.P }
func (s *Return) Pos() ast.Pos      { return s.P }
func (s *Halt) Pos() ast.Pos        { return s.P }
