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
	// Str holds, by type, the str the program defines for a struct or a declared variant,
	// which printing such a value uses, even in generic code.
	Str map[string]*Func
	// Networks are the circuits and |-> pipelines of everything checked so far, the
	// library's included, as written: felixlet graph draws them.
	Networks []*Network
}

// Network is a circuit statement or a |-> pipeline as written: the chips it joins and the
// channels between their pins. The code runs what the checker lowered it to; this is kept
// only to be drawn.
type Network struct {
	P        ast.Pos
	Pipeline bool      // a |-> pipeline, not a circuit
	Devices  []*Device // a circuit's in order of first mention; a pipeline's from its source on
	Wires    []*Wire   // one per channel
}

// Device is a chip in a network.
type Device struct {
	P    ast.Pos  // its first mention
	Name string   // its name in a circuit; "" for a stage of a pipeline
	Chip ast.Expr // the chip and its arguments, as written; nil when unknown (a parameter, say)
	Pins []Pin    // its pins, connector by connector, in declaration order
}

// Pin is one pin of a device.
type Pin struct {
	Name string
	Type types.Type // the channel end it is: %<T to read, %>T to write
}

// Wire is one channel of a network and the pins it joins.
type Wire struct {
	Elem     types.Type // what it carries
	Ends     []End      // the pins it joins
	External ast.Expr   // the channel a circuit's `wire x to d.p` attaches; nil for one the network makes
}

// End is a pin of a network: Pin of Devices[Device].
type End struct{ Device, Pin int }

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
	// TypeParams are its generic parameters; its body is checked once with them abstract,
	// and the compiler makes one instance per use.
	TypeParams []*types.Var
	Yields     bool // a generator with yield: each closure value is a resumable instance
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

// FuncValue is a closure of Func over the current environment; a closure of a yielding
// generator is a fresh generator instance.
type FuncValue struct {
	P        ast.Pos
	T        *types.Func // the function's type (known before its body is checked)
	Func     *Func
	TypeArgs []types.Type // the instance of a generic Func: one type per TypeParams
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
	P        ast.Pos
	T        types.Type
	Func     *Func
	Args     []Expr
	TypeArgs []types.Type // the instance of a generic Func: one type per TypeParams
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

// GotoLabel jumps to the label the LABEL value Target holds, which must be one of this
// function's.
type GotoLabel struct {
	P      ast.Pos
	Target Expr
}

// LabelAddr is the LABEL value of a label of the function.
type LabelAddr struct {
	P     ast.Pos
	Label *Label
}

func (s *GotoLabel) Pos() ast.Pos     { return s.P }
func (e *LabelAddr) Pos() ast.Pos     { return e.P }
func (e *LabelAddr) Type() types.Type { return types.LabelType }

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

// ---- Level 2 ----------------------------------------------------------------------------

// MakeVariant builds a value of a variant: constructor Case with the payload's elements
// (none for a constant constructor, the elements of a tuple payload, else one).
type MakeVariant struct {
	P    ast.Pos
	T    *types.Variant
	Case int
	Args []Expr
}

// VariantTest is true when X was built by constructor Case.
type VariantTest struct {
	P    ast.Pos
	X    Expr
	Case int
}

// VariantField reads element Index of the payload of X, which was built by constructor Case.
type VariantField struct {
	P     ast.Pos
	T     types.Type
	X     Expr
	Case  int
	Index int
}

// MatchFail stops the program: no arm of the match at P accepted the value.
type MatchFail struct {
	P ast.Pos
	T types.Type
}

// AddrOf is a pointer to Var, which lives in its function's environment.
type AddrOf struct {
	P   ast.Pos
	T   *types.Ptr
	Var *Var
}

// Deref reads the variable Ptr points to.
type Deref struct {
	P   ast.Pos
	Ptr Expr
}

func (e *MakeVariant) Type() types.Type  { return e.T }
func (e *VariantTest) Type() types.Type  { return types.BoolType }
func (e *VariantField) Type() types.Type { return e.T }
func (e *MatchFail) Type() types.Type    { return e.T }
func (e *AddrOf) Type() types.Type       { return e.T }
func (e *Deref) Type() types.Type        { return e.Ptr.Type().(*types.Ptr).Elem }
func (e *MakeVariant) Pos() ast.Pos      { return e.P }
func (e *VariantTest) Pos() ast.Pos      { return e.P }
func (e *VariantField) Pos() ast.Pos     { return e.P }
func (e *MatchFail) Pos() ast.Pos        { return e.P }
func (e *AddrOf) Pos() ast.Pos           { return e.P }
func (e *Deref) Pos() ast.Pos            { return e.P }

// Store writes Value to the variable Ptr points to.
type Store struct {
	P     ast.Pos
	Ptr   Expr
	Value Expr
}

// Yield returns Value from a generator; the next call resumes after it.
type Yield struct {
	P     ast.Pos
	Value Expr
}

func (s *Store) Pos() ast.Pos { return s.P }
func (s *Yield) Pos() ast.Pos { return s.P }

// ---- Level 4 ------------------------------------------------------------------------------

// Select waits on several channel operations at once: the first arm (in order) that can
// complete now runs, its operation then its statements; with none ready, Else runs if it
// is not nil; otherwise the fibre waits on every arm until one completes.
type Select struct {
	P    ast.Pos
	Arms []*SelectArm
	Else []Stmt // nil when there is no else arm (an empty else is an empty non-nil slice)
}

// SelectOp is what a select arm does.
type SelectOp int

const (
	SelectRead    SelectOp = iota // v = read ch
	SelectReadOpt                 // v = read_opt ch
	SelectWrite                   // write (ch, value)
	SelectAfter                   // after seconds
)

// SelectArm is one arm of a select.
type SelectArm struct {
	P     ast.Pos
	Op    SelectOp
	Chan  Expr // the channel end (nil for after)
	Value Expr // the value written, or the seconds of after; nil for reads
	// ValueType is the type of the values the channel carries (for after, double).
	ValueType types.Type
	Var       *Var // the variable a read binds (opt[T] for read_opt), or nil
	Body      []Stmt
}

func (s *Select) Pos() ast.Pos { return s.P }
