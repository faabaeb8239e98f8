package parse

// The concrete syntax tree. Each struct is one production of the grammar, filled by the
// parser (parser.go); lower.go turns it into ast nodes. A pointer or slice field that is set
// says which alternative of its production was taken; the syntax of each is what the
// parser's function of the same name reads.
// Every Pos is where the production's first token is.

// position is where a token is in its file.
type position struct {
	line uint32 // from 1
	col  uint32 // in characters, from 1
}

type cstStmt struct {
	Pos      position
	Include  *string
	Open     *cstOpen
	Export   *cstExport
	Macro    *cstMacro
	Struct   *cstStruct
	Instance *cstInstance
	Var      *cstVar
	Def      *cstDef
	Func     *cstFuncDef
	Typedef  *cstTypedef
	Variant  *cstVariant
	Chip     *cstChip
	Device   *cstDevice
	Circuit  *cstCircuit
	Match    *cstMatchStmt
	Select   *cstSelect
	Yield    *cstYield
	Union    *cstUnion
	TypePrim *cstTypePrim
	Module   *cstModule
	If       *cstIf
	Loop     *cstLoop
	Labelled *cstLabelled
	Label    *string
	Goto     *string
	GotoPtr  *cstExpr // goto *p: to the label p holds
	Break    *cstJump
	Continue *cstJump
	Return   *cstReturn
	Halt     *cstExpr
	Call     *cstExpr
	Begin    *cstBegin
	PreIncr  *cstPreIncr
	Expr     *cstExprStmt
	Empty    bool
}

// cstOpen is `open M;` or `open syntax chips;`, which opens a Felix grammar extension.
type cstOpen struct {
	Pos    position
	Kind   string // inherit: a module takes M's names as its own
	Syntax bool
	Name   *cstQualName
}

// cstExport is Felix's `export`: a definition exported under its own name, or an existing
// procedure or function given a C name (`export proc p of (int) as "cp";`).
type cstExport struct {
	Pos  position
	Def  *cstFuncDef
	Kind string
	Name *cstNameRef
	Of   *cstType
	As   string
}

// cstMacro is `macro val NAME = expr;`, a name standing for an expression, or
// `macro val a, b;`, names standing for themselves.
type cstMacro struct {
	Pos   position
	Names []string
	Value *cstExpr
}

// cstStruct is `struct Name[T] { field: T; ... }`.
type cstStruct struct {
	Pos     position
	Name    string
	TParams *cstTParams
	Fields  []*cstFieldDef
}

type cstFieldDef struct {
	Pos  position
	Name string
	Type *cstType
}

// cstInstance is `instance Str[T] { fun str ... }`: its definitions overload the class's
// functions (str, ==, ...) for T, which is what felixlet's library looks for.
type cstInstance struct {
	Pos     position
	TParams *cstTParams
	Class   *cstNameRef
	Body    []*cstStmt
}

type cstQualName struct {
	Pos   position
	Parts []string
}

type cstVar struct {
	Pos   position
	Kind  string
	Names []*cstBinder
	Init  *cstExpr
}

type cstBinder struct {
	Pos  position
	Name string
	Type *cstType
}

type cstDef struct {
	Pos     position
	Targets []*cstDefTarget
	Init    *cstExpr
}

type cstDefTarget struct {
	Pos  position
	Kind string
	Name string
}

type cstFuncDef struct {
	Pos     position
	Inline  []string // optimisation hints, which change nothing
	Kind    string   // ctor T defines a fun T giving a T
	Name    string   // an operator names the function it stands for
	TParams *cstTParams
	Prim    *cstPrimBind
	Def     *cstFuncRest
}

type cstTParams struct {
	Names       []string
	Constraints []*cstConstraint
}

type cstConstraint struct {
	Class string
	Args  []*cstType
}

// cstPrimBind is a library binding, `fun name : T = "prim";`, or a definition by cases,
// `fun name : D -> C = | pat => e | ...;`.
type cstPrimBind struct {
	Type *cstType
	Prim *string
	Arms []*cstExprArm
}

// cstFuncRest is everything after a function's name: parameter lists, return type, body.
type cstFuncRest struct {
	Params []*cstParams
	Ret    *cstType
	Body   *cstFuncBody
}

type cstParams struct {
	Pos    position
	Params []*cstParam
}

type cstParam struct {
	Pos  position
	Kind string
	Name string
	Type *cstType
}

type cstFuncBody struct {
	Expr  *cstExpr
	Block []*cstStmt
	Close position // the closing brace, where a function can end
}

type cstTypedef struct {
	Name    string
	TParams *cstTParams
	Type    *cstType
}

type cstTypePrim struct {
	Name string
	Prim string
}

type cstModule struct {
	Name string
	Body []*cstStmt
}

type cstIf struct {
	Pos   position
	Cond  *cstExpr
	Block *cstIfBlock
	Short *cstShort
	Then  *cstThen
}

// cstThen catches `if c then ...` used as a statement, to report it clearly.
type cstThen struct {
	Pos  position
	Then bool
}

type cstIfBlock struct {
	Then  []*cstStmt
	Elifs []*cstElif
	Else  *cstElse
}

type cstElif struct {
	Pos   position
	Cond  *cstExpr
	Then  []*cstStmt
	Short *cstShort
}

type cstElse struct {
	Stmts []*cstStmt
}

// cstShort is the one-statement tail of a short conditional: `if c goto l;` and friends.
type cstShort struct {
	Pos      position
	Goto     *string
	Return   *cstReturn
	Call     *cstExpr
	Perform  *cstStmt
	Break    *cstJump
	Continue *cstJump
	Loop     *cstLoop
}

// cstJump is the label of a break or continue; a missing label is reported in lowering.
type cstJump struct {
	Pos   position
	Label string
}

type cstReturn struct {
	Pos   position
	Value *cstExpr
}

type cstLabelled struct {
	Label string
	Loop  *cstLoop
}

type cstLoop struct {
	Pos    position
	While  *cstWhile
	Repeat *cstBody
	CFor   *cstCFor
	For    *cstForIn
}

type cstWhile struct {
	Until bool
	Cond  *cstExpr
	Body  *cstBody
}

type cstBody struct {
	Do      bool
	Stmts   []*cstStmt
	Perform *cstStmt
}

type cstCFor struct {
	Init *cstStmt
	Cond *cstExpr
	Step *cstStmt
	Body *cstStmt
}

type cstForIn struct {
	Decl  bool
	Var   *cstBinder
	From  *cstExpr
	Range string
	To    *cstExpr
	Body  *cstBody
}

type cstBegin struct {
	Stmts []*cstStmt
}

type cstPreIncr struct {
	Op     string
	Target *cstExpr
}

type cstExprStmt struct {
	X     *cstExpr
	Op    string
	Value *cstExpr
}

// ---- expressions, loosest first -----------------------------------------------------------

// cstExpr is the `$` level: `f$ x` applies f to everything to its right.
type cstExpr struct {
	Pos    position
	Let    *cstLet
	Head   *cstTuple
	Coerce *cstType // e :>> T, looser than the tuple comma
	Dollar *cstExpr
}

// cstLet is `let pat = e in body`; the body reaches as far as an expression can.
type cstLet struct {
	Pos  position
	Pat  *cstPattern
	Init *cstExpr
	Body *cstExpr
}

type cstTuple struct {
	Pos   position
	Elems []*cstOr
}

type cstOr struct {
	Pos   position
	Terms []*cstAnd
}

type cstAnd struct {
	Pos   position
	Terms []*cstNot
}

type cstNot struct {
	Pos position
	Not *cstNot
	Cmp *cstCmp
}

// cstCmp is a comparison. Comparisons do not chain; a chain is parsed so that lowering can
// say so.
type cstCmp struct {
	L    *cstPipe
	Tail []*cstCmpR
}

type cstCmpR struct {
	Op *cstOpToken
	R  *cstPipe
}

// cstPipe is `a |-> b |-> c`, left-associative.
type cstPipe struct {
	Head *cstCons
	Tail []*cstPipeR
}

type cstPipeR struct {
	Pos position
	X   *cstCons
}

// cstCons is `h ! t`, right-associative.
type cstCons struct {
	Pos  position
	Head *cstSum
	Tail *cstCons
}

type cstOpToken struct {
	Pos position
	Op  string
}

type cstSum struct {
	Head *cstProd
	Tail []*cstSumR
}

// cstOpR is an operator and its right operand in a chain of operators of one precedence.
type cstOpR[T any] struct {
	Pos position // the operator's
	Op  string
	X   T
}

type cstSumR = cstOpR[*cstProd]

type cstProd struct {
	Head *cstPrefix
	Tail []*cstProdR
}

type cstProdR = cstOpR[*cstPrefix]

type cstPrefix struct {
	Pos   position
	Neg   *cstPrefix
	Plus  *cstPrefix
	Deref *cstPrefix
	App   *cstApp
}

// cstApp is application by juxtaposition, left-associative: `f x y` is `(f x) y`.
type cstApp struct {
	Fn   *cstPost
	Args []*cstPost
}

// cstPost is an operand with its `.` suffixes: fields, reverse application, projection, index.
type cstPost struct {
	Head     *cstHash
	Suffixes []*cstSuffix
}

type cstSuffix struct {
	Pos   position
	Index *cstIndex
	Proj  *string
	Paren *cstExpr // x.(e): the reverse application e x
	Name  *cstNameRef
	Addr  *cstNameRef // x&.f is f &x
	Incr  string
}

type cstIndex struct {
	I  *cstExpr
	To *cstExpr
}

type cstHash struct {
	Pos  position
	Hash *cstHash
	Addr *cstHash
	Atom *cstAtom
}

type cstNameRef struct {
	Pos   position
	First string
	// Args are the type arguments after the first part: the name's own, or, when more parts
	// follow, a generic class's, as in Grammars[recog_t]::closure.
	Args     []*cstType
	Rest     []string
	TypeArgs []*cstType
}

type cstAtom struct {
	Pos    position
	Float  *string
	Int    *string
	String *string
	True   bool
	False  bool
	Cond   *cstCondExpr
	Lambda *cstLambda
	Block  *cstBlock
	Match  *cstMatchExpr
	Unit   bool
	List   []*cstOr
	Record *cstRecord
	Paren  *cstExpr
	Name   *cstNameRef
	Of     *cstType // the overload whose domain this is
}

type cstCondExpr struct {
	Cond  *cstExpr
	Then  *cstExpr
	Elifs []*cstElifE
	Else  *cstExpr // Felix accepts the conditional without endif
}

type cstElifE struct {
	Pos  position
	Cond *cstExpr
	Then *cstExpr
}

type cstLambda struct {
	Pos  position
	Kind string
	Rest *cstFuncRest
}

type cstBlock struct {
	Pos   position
	Stmts []*cstStmt
	Close position
}

type cstRecord struct {
	Fields []*cstField
}

type cstField struct {
	Pos   position
	Name  string
	Value *cstOr
}

// ---- types --------------------------------------------------------------------------------

// cstType is a function type `A -> B` (right-associative) or a product.
type cstType struct {
	Pos position
	Dom *cstTypeProd
	Cod *cstType
}

type cstTypeProd struct {
	Pos   position
	Elems []*cstTypePrefix
}

type cstTypePrefix struct {
	Pos  position
	In   *cstTypePrefix
	Duo  *cstTypePrefix // %<A%>B: a duplex end
	Out  *cstTypePrefix
	Ptr  *cstTypePrefix
	Atom *cstTypeAtom
}

type cstTypeAtom struct {
	Pos    position
	Num    *string
	Poly   []*cstPolyCase // ( | `A of T | `B ): a polymorphic variant
	Record *cstRecordTy
	Paren  *cstType
	Name   *cstNameRef
}

type cstRecordTy struct {
	Fields []*cstFieldTy
}

type cstFieldTy struct {
	Name string
	Type *cstType
}

// ---- Level 2: patterns, match, variants, chips, circuits ------------------------------------

type cstVariant struct {
	Pos     position
	Name    string
	TParams *cstTParams
	Cases   []*cstVariantCase
}

type cstVariantCase struct {
	Pos     position
	Name    string
	Payload *cstType
}

// cstPolyCase is a constructor of a polymorphic variant type: `A of T.
type cstPolyCase struct {
	Pos     position
	Name    string
	Payload *cstType
}

// cstMatchStmt is `match e with | p => stmts ... endmatch;` or `match e do | p => stmts done`.
type cstMatchStmt struct {
	Pos   position
	Scrut *cstExpr
	Arms  []*cstStmtArm
	DoArm []*cstStmtArm
}

// cstSelect is `select | v = read ch => stmts | v = read_opt ch => stmts | write (ch, v) =>
// stmts | after d => stmts | else => stmts endselect;` (Level 4).
type cstSelect struct {
	Pos  position
	Arms []*cstSelectArm
}

// cstSelectArm is one arm of a select: else, after, write, or a read (Op) binding Var.
type cstSelectArm struct {
	Pos   position
	Else  bool
	After *cstExpr
	Write *cstExpr
	Var   string
	Op    string // read or read_opt
	Chan  *cstExpr
	Body  []*cstStmt
}

type cstStmtArm struct {
	Pos   position
	Pat   *cstPattern
	Guard *cstExpr
	Body  []*cstStmt
}

// cstMatchExpr is the expression form: arms are expressions.
type cstMatchExpr struct {
	Pos   position
	Scrut *cstExpr
	Arms  []*cstExprArm
}

type cstExprArm struct {
	Pos   position
	Pat   *cstPattern
	Guard *cstExpr
	Body  *cstExpr
}

// cstPattern is a pattern: `h ! t` is right-associative over constructor applications.
type cstPattern struct {
	Pos  position
	Head *cstPatApp
	Tail *cstPattern
}

type cstPatApp struct {
	Pos   position
	Const *cstNameRef // #Ctor: a constant constructor
	Ctor  *cstNameRef
	Arg   *cstPatAtom
	Atom  *cstPatAtom
}

type cstPatAtom struct {
	Pos    position
	Neg    bool
	Float  *string
	Int    *string
	String *string
	True   bool
	False  bool
	Unit   bool
	Record []*cstPatField
	Tuple  []*cstPattern
	Name   *cstNameRef
}

type cstPatField struct {
	Pos  position
	Name string
	Pat  *cstPattern
}

// cstChip is `chip name[T] (params) connector c pin p: T ... { body }`.
type cstChip struct {
	Pos        position
	Name       string
	TParams    *cstTParams
	Params     []*cstParams
	Connectors []*cstConnector
	Body       *cstBlock
}

type cstConnector struct {
	Pos  position
	Name string
	Pins []*cstPin
}

type cstPin struct {
	Pos  position
	Name string
	Type *cstType
}

type cstDevice struct {
	Pos  position
	Name string
	Init *cstExpr
}

type cstCircuit struct {
	Pos     position
	Clauses []*cstClause
}

type cstClause struct {
	Pos     position
	Connect []*cstPinRef
	Wire    *cstExpr
	To      *cstPinRef
}

type cstPinRef struct {
	Pos    position
	Device string
	Pin    string
}

// cstUnion catches Felix's `union` declarations, which Felix itself rejects, to say what
// to write instead.
type cstUnion struct {
	Pos  position
	Name string
}

type cstYield struct {
	Pos   position
	Value *cstExpr
}
