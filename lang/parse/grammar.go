package parse

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// keywords may not be used as identifiers. The words of chips and circuits (chip,
// connector, pin, device, circuit, connect, wire, endcircuit) are not keywords, as in Felix:
// the grammar matches them where they are expected, and elsewhere they are names. So are
// select and after; endselect is a keyword, so that an arm's statements stop at it.
const keywords = `if|then|elif|else|endif|do|done|while|until|for|in|upto|downto|var|val|def|` +
	`fun|proc|gen|return|goto|break|continue|halt|call|perform|begin|end|repeat|include|open|` +
	`typedef|type|module|class|const|true|false|not|and|or|with|to|` +
	`match|endmatch|when|variant|of|yield|let|struct|export|macro|inline|noinline|instance|ctor|` +
	`endselect`

// lexDef tokenises felixlet source. Block comments nest, so they have a state of their own.
// Rules whose names start with a lower-case letter are dropped from the token stream.
var lexDef = lexer.MustStateful(lexer.Rules{
	"Root": {
		{Name: "lineComment", Pattern: `//[^\n]*`},
		{Name: "commentOpen", Pattern: `/\*`, Action: lexer.Push("Comment")},
		{Name: "whitespace", Pattern: `[ \t\r\n\f]+`},
		{Name: "TripleString", Pattern: `"""(?s:.*?)"""|'''(?s:.*?)'''`},
		{Name: "OpenTriple", Pattern: `"""|'''`}, // a triple quote never closed
		{Name: "String", Pattern: `"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'`},
		{Name: "Float", Pattern: `[0-9][0-9_]*\.[0-9][0-9_]*(?:[eE][+-]?[0-9]+)?|[0-9][0-9_]*[eE][+-]?[0-9]+`},
		// An integer with its base prefix and type suffix; letters glued to it are taken too,
		// so that 0xFG is one malformed literal rather than 0xF applied to G.
		{Name: "Int", Pattern: `[0-9][0-9A-Za-z_]*`},
		{Name: "Keyword", Pattern: `\b(?:` + keywords + `)\b`},
		// branch-and-link is the one Felix name with hyphens that felixlet knows.
		{Name: "Ident", Pattern: `branch-and-link|[A-Za-z_][A-Za-z0-9_']*`},
		// `A is a constructor of a polymorphic variant.
		{Name: "Tag", Pattern: "`[A-Za-z_][A-Za-z0-9_']*"},
		{Name: "Punct", Pattern: `\|->|\.\.<|::|:>>|:>|:=|=>|->|<-|==|!=|<=|>=|\+=|-=|\*=|/=|%=|\+\+|--|\.\.|%<|%>|[$#&()\[\]{},;:.=<>+\-*/%!|]`},
	},
	"Comment": {
		{Name: "commentOpen", Pattern: `/\*`, Action: lexer.Push("Comment")},
		{Name: "commentClose", Pattern: `\*/`, Action: lexer.Pop()},
		{Name: "commentText", Pattern: `[^*/]+|[*/]`},
	},
})

var parser = participle.MustBuild[cstFile](
	participle.Lexer(lexDef),
	participle.UseLookahead(4),
)

// The concrete syntax tree. Each struct is one production; lower.go turns it into ast nodes.

type cstFile struct {
	Stmts []*cstStmt `parser:"@@*"`
}

type cstStmt struct {
	Pos      lexer.Position
	Include  *string       `parser:"  \"include\" @(String | TripleString) \";\""`
	Open     *cstOpen      `parser:"| @@"`
	Export   *cstExport    `parser:"| @@"`
	Macro    *cstMacro     `parser:"| @@"`
	Struct   *cstStruct    `parser:"| @@"`
	Instance *cstInstance  `parser:"| @@"`
	Var      *cstVar       `parser:"| @@"`
	Def      *cstDef       `parser:"| @@"`
	Func     *cstFuncDef   `parser:"| @@"`
	Typedef  *cstTypedef   `parser:"| @@"`
	Variant  *cstVariant   `parser:"| @@"`
	Chip     *cstChip      `parser:"| @@"`
	Device   *cstDevice    `parser:"| @@"`
	Circuit  *cstCircuit   `parser:"| @@"`
	Match    *cstMatchStmt `parser:"| @@"`
	Select   *cstSelect    `parser:"| @@"`
	Yield    *cstYield     `parser:"| @@"`
	Union    *cstUnion     `parser:"| @@"`
	TypePrim *cstTypePrim  `parser:"| @@"`
	Module   *cstModule    `parser:"| @@"`
	If       *cstIf        `parser:"| @@"`
	Loop     *cstLoop      `parser:"| @@"`
	Labelled *cstLabelled  `parser:"| @@"`
	Label    *string       `parser:"| @Ident \":>\""`
	Goto     *string       `parser:"| \"goto\" @Ident \";\""`
	GotoPtr  *cstExpr      `parser:"| \"goto\" \"*\" @@ \";\""` // goto *p: to the label p holds
	Break    *cstJump      `parser:"| \"break\" @@"`
	Continue *cstJump      `parser:"| \"continue\" @@"`
	Return   *cstReturn    `parser:"| @@"`
	Halt     *cstExpr      `parser:"| \"halt\" @@ \";\""`
	Call     *cstExpr      `parser:"| \"call\" @@ \";\""`
	Begin    *cstBegin     `parser:"| @@"`
	PreIncr  *cstPreIncr   `parser:"| @@"`
	Expr     *cstExprStmt  `parser:"| @@"`
	Empty    bool          `parser:"| @\";\""`
}

// cstOpen is `open M;` or `open syntax chips;`, which opens a Felix grammar extension.
type cstOpen struct {
	Pos    lexer.Position
	Kind   string       `parser:"@(\"open\" | \"inherit\")"` // inherit: a module takes M's names as its own
	Syntax bool         `parser:"@\"syntax\"?"`
	Name   *cstQualName `parser:"@@ \";\""`
}

// cstExport is Felix's `export`: a definition exported under its own name, or an existing
// procedure or function given a C name (`export proc p of (int) as "cp";`).
type cstExport struct {
	Pos  lexer.Position
	Def  *cstFuncDef `parser:"\"export\" ( @@"`
	Kind string      `parser:"| @(\"fun\" | \"proc\" | \"gen\")"`
	Name *cstNameRef `parser:"  @@"`
	Of   *cstType    `parser:"  \"of\" \"(\" @@ \")\""`
	As   string      `parser:"  \"as\" @(String | TripleString) \";\" )"`
}

// cstMacro is `macro val NAME = expr;`, a name standing for an expression, or
// `macro val a, b;`, names standing for themselves.
type cstMacro struct {
	Pos   lexer.Position
	Names []string `parser:"\"macro\" \"val\" @Ident (\",\" @Ident)*"`
	Value *cstExpr `parser:"(\"=\" @@)? \";\""`
}

// cstStruct is `struct Name[T] { field: T; ... }`.
type cstStruct struct {
	Pos     lexer.Position
	Name    string         `parser:"\"struct\" @Ident"`
	TParams *cstTParams    `parser:"@@?"`
	Fields  []*cstFieldDef `parser:"\"{\" @@* \"}\" \";\"?"`
}

type cstFieldDef struct {
	Pos  lexer.Position
	Name string   `parser:"@Ident \":\""`
	Type *cstType `parser:"@@ \";\""`
}

// cstInstance is `instance Str[T] { fun str ... }`: its definitions overload the class's
// functions (str, ==, ...) for T, which is what felixlet's library looks for.
type cstInstance struct {
	Pos     lexer.Position
	TParams *cstTParams `parser:"\"instance\" @@?"`
	Class   *cstNameRef `parser:"@@"`
	Body    []*cstStmt  `parser:"\"{\" @@* \"}\" \";\"?"`
}

type cstQualName struct {
	Pos   lexer.Position
	Parts []string `parser:"@Ident (\"::\" @Ident)*"`
}

type cstVar struct {
	Pos   lexer.Position
	Kind  string       `parser:"@(\"var\" | \"val\")"`
	Names []*cstBinder `parser:"@@ (\",\" @@)*"`
	Init  *cstExpr     `parser:"(\"=\" @@)? \";\""`
}

type cstBinder struct {
	Pos  lexer.Position
	Name string   `parser:"@Ident"`
	Type *cstType `parser:"(\":\" @@)?"`
}

type cstDef struct {
	Pos     lexer.Position
	Targets []*cstDefTarget `parser:"\"def\" @@ (\",\" @@)*"`
	Init    *cstExpr        `parser:"\"=\" @@ \";\""`
}

type cstDefTarget struct {
	Pos  lexer.Position
	Kind string `parser:"@(\"var\" | \"val\")"`
	Name string `parser:"@Ident"`
}

type cstFuncDef struct {
	Pos     lexer.Position
	Inline  []string     `parser:"@(\"inline\" | \"noinline\")*"`                                                                        // optimisation hints, which change nothing
	Kind    string       `parser:"@(\"fun\" | \"proc\" | \"gen\" | \"const\" | \"ctor\")"`                                               // ctor T defines a fun T giving a T
	Name    string       `parser:"@(Ident | \"==\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\" | \"+\" | \"-\" | \"*\" | \"/\" | \"%\")"` // an operator names the function it stands for
	TParams *cstTParams  `parser:"@@?"`
	Prim    *cstPrimBind `parser:"( @@"`
	Def     *cstFuncRest `parser:"| @@ )"`
}

type cstTParams struct {
	Names       []string         `parser:"\"[\" @Ident (\",\" @Ident)*"`
	Constraints []*cstConstraint `parser:"(\"with\" @@ (\",\" @@)*)? \"]\""`
}

type cstConstraint struct {
	Class string     `parser:"@Ident"`
	Args  []*cstType `parser:"\"[\" @@ (\",\" @@)* \"]\""`
}

// cstPrimBind is a library binding, `fun name : T = "prim";`, or a definition by cases,
// `fun name : D -> C = | pat => e | ...;`.
type cstPrimBind struct {
	Type *cstType      `parser:"\":\" @@ \"=\""`
	Prim *string       `parser:"( @(String | TripleString) \";\""`
	Arms []*cstExprArm `parser:"| @@+ \";\" )"`
}

// cstFuncRest is everything after a function's name: parameter lists, return type, body.
type cstFuncRest struct {
	Params []*cstParams `parser:"@@*"`
	Ret    *cstType     `parser:"(\":\" @@)?"`
	Body   *cstFuncBody `parser:"@@"`
}

type cstParams struct {
	Pos    lexer.Position
	Params []*cstParam `parser:"\"(\" (@@ (\",\" @@)*)? \")\""`
}

type cstParam struct {
	Pos  lexer.Position
	Kind string   `parser:"@(\"var\" | \"val\")?"`
	Name string   `parser:"@Ident"`
	Type *cstType `parser:"\":\" @@"`
}

type cstFuncBody struct {
	Expr  *cstExpr    `parser:"  \"=>\" @@"`
	Block []*cstStmt  `parser:"| \"=\"? \"{\" @@*"`
	Close lexer.Token `parser:"@\"}\""` // the closing brace, where a function can end
}

type cstTypedef struct {
	Name    string      `parser:"\"typedef\" @Ident"`
	TParams *cstTParams `parser:"@@?"`
	Type    *cstType    `parser:"\"=\" @@ \";\""`
}

type cstTypePrim struct {
	Name string `parser:"\"type\" @Ident"`
	Prim string `parser:"\"=\" @(String | TripleString) \";\""`
}

type cstModule struct {
	Name string     `parser:"(\"module\" | \"class\") @Ident"`
	Body []*cstStmt `parser:"\"{\" @@* \"}\""`
}

type cstIf struct {
	Pos   lexer.Position
	Cond  *cstExpr    `parser:"\"if\" @@"`
	Block *cstIfBlock `parser:"( @@"`
	Short *cstShort   `parser:"| @@"`
	Then  *cstThen    `parser:"| @@ )"`
}

// cstThen catches `if c then ...` used as a statement, to report it clearly.
type cstThen struct {
	Pos  lexer.Position
	Then bool `parser:"@\"then\" (~\"endif\")* \"endif\" \";\"?"`
}

type cstIfBlock struct {
	Then  []*cstStmt `parser:"\"do\" @@*"`
	Elifs []*cstElif `parser:"@@*"`
	Else  *cstElse   `parser:"@@? \"done\""`
}

type cstElif struct {
	Pos   lexer.Position
	Cond  *cstExpr   `parser:"\"elif\" @@"`
	Then  []*cstStmt `parser:"( \"do\" @@*"`
	Short *cstShort  `parser:"| @@ )"`
}

type cstElse struct {
	Stmts []*cstStmt `parser:"\"else\" @@*"`
}

// cstShort is the one-statement tail of a short conditional: `if c goto l;` and friends.
type cstShort struct {
	Pos      lexer.Position
	Goto     *string    `parser:"  \"goto\" @Ident \";\""`
	Return   *cstReturn `parser:"| @@"`
	Call     *cstExpr   `parser:"| \"call\" @@ \";\""`
	Perform  *cstStmt   `parser:"| \"perform\" @@"`
	Break    *cstJump   `parser:"| \"break\" @@"`
	Continue *cstJump   `parser:"| \"continue\" @@"`
	Loop     *cstLoop   `parser:"| @@"`
}

// cstJump is the label of a break or continue; a missing label is reported in lowering.
type cstJump struct {
	Pos   lexer.Position
	Label string `parser:"@Ident? \";\""`
}

type cstReturn struct {
	Pos   lexer.Position
	Value *cstExpr `parser:"\"return\" @@? \";\""`
}

type cstLabelled struct {
	Label string   `parser:"@Ident \":\""`
	Loop  *cstLoop `parser:"@@"`
}

type cstLoop struct {
	Pos    lexer.Position
	While  *cstWhile `parser:"  @@"`
	Repeat *cstBody  `parser:"| \"repeat\" @@"`
	CFor   *cstCFor  `parser:"| @@"`
	For    *cstForIn `parser:"| @@"`
}

type cstWhile struct {
	Until bool     `parser:"(\"while\" | @\"until\")"`
	Cond  *cstExpr `parser:"@@"`
	Body  *cstBody `parser:"@@"`
}

type cstBody struct {
	Do      bool       `parser:"( @\"do\""`
	Stmts   []*cstStmt `parser:"  @@* \"done\""`
	Perform *cstStmt   `parser:"| \"perform\" @@ )"`
}

type cstCFor struct {
	Init *cstStmt `parser:"\"for\" \"(\" @@"`
	Cond *cstExpr `parser:"@@ \";\""`
	Step *cstStmt `parser:"@@ \")\""`
	Body *cstStmt `parser:"@@"`
}

type cstForIn struct {
	Decl  bool       `parser:"\"for\" @\"var\"?"`
	Var   *cstBinder `parser:"@@"`
	From  *cstExpr   `parser:"\"in\" @@"`
	Range string     `parser:"( @(\"..\" | \"..<\" | \"upto\" | \"downto\")"`
	To    *cstExpr   `parser:"  @@ )?"`
	Body  *cstBody   `parser:"@@"`
}

type cstBegin struct {
	Stmts []*cstStmt `parser:"\"begin\" @@* \"end\""`
}

type cstPreIncr struct {
	Op     string   `parser:"@(\"++\" | \"--\")"`
	Target *cstExpr `parser:"@@ \";\""`
}

type cstExprStmt struct {
	X     *cstExpr `parser:"@@"`
	Op    string   `parser:"( @(\"=\" | \"+=\" | \"-=\" | \"*=\" | \"/=\" | \"%=\" | \":=\" | \"<-\")"`
	Value *cstExpr `parser:"  @@ )? \";\""`
}

// ---- expressions, loosest first -----------------------------------------------------------

// cstExpr is the `$` level: `f$ x` applies f to everything to its right.
type cstExpr struct {
	Pos    lexer.Position
	Let    *cstLet   `parser:"  @@"`
	Head   *cstTuple `parser:"| @@"`
	Coerce *cstType  `parser:"  (\":>>\" @@)?"` // e :>> T, looser than the tuple comma
	Dollar *cstExpr  `parser:"  (\"$\" @@)?"`
}

// cstLet is `let pat = e in body`; the body reaches as far as an expression can.
type cstLet struct {
	Pos  lexer.Position
	Pat  *cstPattern `parser:"\"let\" @@"`
	Init *cstExpr    `parser:"\"=\" @@"`
	Body *cstExpr    `parser:"\"in\" @@"`
}

type cstTuple struct {
	Pos   lexer.Position
	Elems []*cstOr `parser:"@@ (\",\" @@)*"`
}

type cstOr struct {
	Pos   lexer.Position
	Terms []*cstAnd `parser:"@@ (\"or\" @@)*"`
}

type cstAnd struct {
	Pos   lexer.Position
	Terms []*cstNot `parser:"@@ (\"and\" @@)*"`
}

type cstNot struct {
	Pos lexer.Position
	Not *cstNot `parser:"  \"not\" @@"`
	Cmp *cstCmp `parser:"| @@"`
}

// cstCmp is a comparison. Comparisons do not chain; a chain is parsed so that lowering can
// say so.
type cstCmp struct {
	L    *cstPipe   `parser:"@@"`
	Tail []*cstCmpR `parser:"@@*"`
}

type cstCmpR struct {
	Op *cstOpToken `parser:"@@"`
	R  *cstPipe    `parser:"@@"`
}

// cstPipe is `a |-> b |-> c`, left-associative.
type cstPipe struct {
	Head *cstCons    `parser:"@@"`
	Tail []*cstPipeR `parser:"@@*"`
}

type cstPipeR struct {
	Pos lexer.Position
	X   *cstCons `parser:"\"|->\" @@"`
}

// cstCons is `h ! t`, right-associative.
type cstCons struct {
	Pos  lexer.Position
	Head *cstSum  `parser:"@@"`
	Tail *cstCons `parser:"(\"!\" @@)?"`
}

type cstOpToken struct {
	Pos lexer.Position
	Op  string `parser:"@(\"==\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\")"`
}

type cstSum struct {
	Head *cstProd   `parser:"@@"`
	Tail []*cstSumR `parser:"@@*"`
}

type cstSumR struct {
	Pos lexer.Position
	Op  string   `parser:"@(\"+\" | \"-\")"`
	X   *cstProd `parser:"@@"`
}

type cstProd struct {
	Head *cstPrefix  `parser:"@@"`
	Tail []*cstProdR `parser:"@@*"`
}

type cstProdR struct {
	Pos lexer.Position
	Op  string     `parser:"@(\"*\" | \"/\" | \"%\")"`
	X   *cstPrefix `parser:"@@"`
}

type cstPrefix struct {
	Pos   lexer.Position
	Neg   *cstPrefix `parser:"  \"-\" @@"`
	Plus  *cstPrefix `parser:"| \"+\" @@"`
	Deref *cstPrefix `parser:"| \"*\" @@"`
	App   *cstApp    `parser:"| @@"`
}

// cstApp is application by juxtaposition, left-associative: `f x y` is `(f x) y`.
type cstApp struct {
	Fn   *cstPost   `parser:"@@"`
	Args []*cstPost `parser:"@@*"`
}

// cstPost is an operand with its `.` suffixes: fields, reverse application, projection, index.
type cstPost struct {
	Head     *cstHash     `parser:"@@"`
	Suffixes []*cstSuffix `parser:"@@*"`
}

type cstSuffix struct {
	Pos   lexer.Position
	Index *cstIndex   `parser:"  \".\" \"[\" @@ \"]\""`
	Proj  *string     `parser:"| \".\" @Int"`
	Paren *cstExpr    `parser:"| \".\" \"(\" @@ \")\""` // x.(e): the reverse application e x
	Name  *cstNameRef `parser:"| \".\" @@"`
	Addr  *cstNameRef `parser:"| \"&\" \".\" @@"` // x&.f is f &x
	Incr  string      `parser:"| @(\"++\" | \"--\")"`
}

type cstIndex struct {
	I  *cstExpr `parser:"@@"`
	To *cstExpr `parser:"(\"to\" @@)?"`
}

type cstHash struct {
	Pos  lexer.Position
	Hash *cstHash `parser:"  \"#\" @@"`
	Addr *cstHash `parser:"| \"&\" @@"`
	Atom *cstAtom `parser:"| @@"`
}

type cstNameRef struct {
	Pos   lexer.Position
	First string `parser:"@(Ident | Tag)"`
	// Args are the type arguments after the first part: the name's own, or, when more parts
	// follow, a generic class's, as in Grammars[recog_t]::closure.
	Args     []*cstType `parser:"(\"[\" @@ (\",\" @@)* \"]\")?"`
	Rest     []string   `parser:"(\"::\" @Ident)*"`
	TypeArgs []*cstType `parser:"(\"[\" @@ (\",\" @@)* \"]\")?"`
}

type cstAtom struct {
	Pos    lexer.Position
	Float  *string       `parser:"  @Float"`
	Int    *string       `parser:"| @Int"`
	String *string       `parser:"| @(String | TripleString)"`
	True   bool          `parser:"| @\"true\""`
	False  bool          `parser:"| @\"false\""`
	Cond   *cstCondExpr  `parser:"| @@"`
	Lambda *cstLambda    `parser:"| @@"`
	Block  *cstBlock     `parser:"| @@"`
	Match  *cstMatchExpr `parser:"| @@"`
	Unit   bool          `parser:"| @(\"(\" \")\")"`
	List   []*cstOr      `parser:"| \"(\" \"[\" @@ (\",\" @@)* \"]\" \")\""`
	Record *cstRecord    `parser:"| @@"`
	Paren  *cstExpr      `parser:"| \"(\" @@ \")\""`
	Name   *cstNameRef   `parser:"| @@"`
	Of     *cstType      `parser:"  (\"of\" \"(\" @@ \")\")?"` // the overload whose domain this is
}

type cstCondExpr struct {
	Cond  *cstExpr    `parser:"\"if\" @@"`
	Then  *cstExpr    `parser:"\"then\" @@"`
	Elifs []*cstElifE `parser:"@@*"`
	Else  *cstExpr    `parser:"\"else\" @@ \"endif\"?"` // Felix accepts the conditional without endif
}

type cstElifE struct {
	Pos  lexer.Position
	Cond *cstExpr `parser:"\"elif\" @@"`
	Then *cstExpr `parser:"\"then\" @@"`
}

type cstLambda struct {
	Pos  lexer.Position
	Kind string       `parser:"@(\"fun\" | \"proc\" | \"gen\")"`
	Rest *cstFuncRest `parser:"@@"`
}

type cstBlock struct {
	Pos   lexer.Position
	Stmts []*cstStmt  `parser:"\"{\" @@*"`
	Close lexer.Token `parser:"@\"}\""`
}

type cstRecord struct {
	Fields []*cstField `parser:"\"(\" @@ (\",\" @@)* \")\""`
}

type cstField struct {
	Pos   lexer.Position
	Name  string `parser:"@Ident \"=\""`
	Value *cstOr `parser:"@@"`
}

// ---- types --------------------------------------------------------------------------------

// cstType is a function type `A -> B` (right-associative) or a product.
type cstType struct {
	Pos lexer.Position
	Dom *cstTypeProd `parser:"@@"`
	Cod *cstType     `parser:"(\"->\" @@)?"`
}

type cstTypeProd struct {
	Pos   lexer.Position
	Elems []*cstTypePrefix `parser:"@@ (\"*\" @@)*"`
}

type cstTypePrefix struct {
	Pos  lexer.Position
	In   *cstTypePrefix `parser:"  \"%<\" @@"`
	Duo  *cstTypePrefix `parser:"  (\"%>\" @@)?"` // %<A%>B: a duplex end
	Out  *cstTypePrefix `parser:"| \"%>\" @@"`
	Ptr  *cstTypePrefix `parser:"| \"&\" @@"`
	Atom *cstTypeAtom   `parser:"| @@"`
}

type cstTypeAtom struct {
	Pos    lexer.Position
	Num    *string        `parser:"  @Int"`
	Poly   []*cstPolyCase `parser:"| \"(\" \"|\"? @@ (\"|\" @@)* \")\""` // ( | `A of T | `B ): a polymorphic variant
	Record *cstRecordTy   `parser:"| @@"`
	Paren  *cstType       `parser:"| \"(\" @@ \")\""`
	Name   *cstNameRef    `parser:"| @@"`
}

type cstRecordTy struct {
	Fields []*cstFieldTy `parser:"\"(\" @@ (\",\" @@)* \")\""`
}

type cstFieldTy struct {
	Name string   `parser:"@Ident \":\""`
	Type *cstType `parser:"@@"`
}

// ---- Level 2: patterns, match, variants, chips, circuits ------------------------------------

type cstVariant struct {
	Pos     lexer.Position
	Name    string            `parser:"\"variant\" @Ident"`
	TParams *cstTParams       `parser:"@@?"`
	Cases   []*cstVariantCase `parser:"\"=\" \"|\"? @@ (\"|\" @@)* \";\""`
}

type cstVariantCase struct {
	Pos     lexer.Position
	Name    string   `parser:"@(Ident | Tag)"`
	Payload *cstType `parser:"(\"of\" @@)?"`
}

// cstPolyCase is a constructor of a polymorphic variant type: `A of T.
type cstPolyCase struct {
	Pos     lexer.Position
	Name    string   `parser:"@Tag"`
	Payload *cstType `parser:"(\"of\" @@)?"`
}

// cstMatchStmt is `match e with | p => stmts ... endmatch;` or `match e do | p => stmts done`.
type cstMatchStmt struct {
	Pos   lexer.Position
	Scrut *cstExpr      `parser:"\"match\" @@"`
	Arms  []*cstStmtArm `parser:"( \"with\" @@* \"endmatch\" \";\""`
	DoArm []*cstStmtArm `parser:"| \"do\" @@* \"done\" )"`
}

type cstStmtArm struct {
	Pos   lexer.Position
	Pat   *cstPattern `parser:"\"|\" @@"`
	Guard *cstExpr    `parser:"(\"when\" @@)?"`
	Body  []*cstStmt  `parser:"\"=>\" @@*"`
}

// cstMatchExpr is the expression form: arms are expressions.
type cstMatchExpr struct {
	Pos   lexer.Position
	Scrut *cstExpr      `parser:"\"match\" @@ \"with\""`
	Arms  []*cstExprArm `parser:"@@* \"endmatch\""`
}

type cstExprArm struct {
	Pos   lexer.Position
	Pat   *cstPattern `parser:"\"|\" @@"`
	Guard *cstExpr    `parser:"(\"when\" @@)?"`
	Body  *cstExpr    `parser:"\"=>\" @@"`
}

// cstPattern is a pattern: `h ! t` is right-associative over constructor applications.
type cstPattern struct {
	Pos  lexer.Position
	Head *cstPatApp  `parser:"@@"`
	Tail *cstPattern `parser:"(\"!\" @@)?"`
}

type cstPatApp struct {
	Pos   lexer.Position
	Const *cstNameRef `parser:"  \"#\" @@"` // #Ctor: a constant constructor
	Ctor  *cstNameRef `parser:"| (  @@"`
	Arg   *cstPatAtom `parser:"     @@? )"`
	Atom  *cstPatAtom `parser:"| @@"`
}

type cstPatAtom struct {
	Pos    lexer.Position
	Neg    bool           `parser:"(  @\"-\"?"`
	Float  *string        `parser:"   ( @Float"`
	Int    *string        `parser:"   | @Int ) )"`
	String *string        `parser:"| @(String | TripleString)"`
	True   bool           `parser:"| @\"true\""`
	False  bool           `parser:"| @\"false\""`
	Unit   bool           `parser:"| @(\"(\" \")\")"`
	Record []*cstPatField `parser:"| \"(\" @@ (\",\" @@)* \")\""`
	Tuple  []*cstPattern  `parser:"| \"(\" @@ (\",\" @@)* \")\""`
	Name   *cstNameRef    `parser:"| @@"`
}

type cstPatField struct {
	Pos  lexer.Position
	Name string      `parser:"@Ident \"=\""`
	Pat  *cstPattern `parser:"@@"`
}

// cstChip is `chip name[T] (params) connector c pin p: T ... { body }`.
type cstChip struct {
	Pos        lexer.Position
	Name       string          `parser:"\"chip\" @Ident"`
	TParams    *cstTParams     `parser:"@@?"`
	Params     []*cstParams    `parser:"@@*"`
	Connectors []*cstConnector `parser:"@@+"`
	Body       *cstBlock       `parser:"@@"`
}

type cstConnector struct {
	Pos  lexer.Position
	Name string    `parser:"\"connector\" @Ident"`
	Pins []*cstPin `parser:"@@+"`
}

type cstPin struct {
	Pos  lexer.Position
	Name string   `parser:"\"pin\" @Ident"`
	Type *cstType `parser:"\":\" @@"`
}

type cstDevice struct {
	Pos  lexer.Position
	Name string   `parser:"\"device\" @Ident"`
	Init *cstExpr `parser:"\"=\" @@ \";\""`
}

type cstCircuit struct {
	Pos     lexer.Position
	Clauses []*cstClause `parser:"\"circuit\" @@+ \"endcircuit\""`
}

type cstClause struct {
	Pos     lexer.Position
	Connect []*cstPinRef `parser:"(  \"connect\" @@ (\",\" @@)*"`
	Wire    *cstExpr     `parser:"|  \"wire\" @@"`
	To      *cstPinRef   `parser:"   \"to\" @@ )"`
}

type cstPinRef struct {
	Pos    lexer.Position
	Device string `parser:"@Ident \".\""`
	Pin    string `parser:"@Ident"`
}

// cstSelect is `select | v = read ch => stmts | write (ch, v) => stmts | after d => stmts
// | else => stmts endselect;` (Level 4).
type cstSelect struct {
	Pos  lexer.Position
	Arms []*cstSelectArm `parser:"\"select\" @@* \"endselect\" \";\"?"`
}

type cstSelectArm struct {
	Pos   lexer.Position
	Else  bool       `parser:"\"|\" ( @\"else\""`
	After *cstExpr   `parser:"    | \"after\" @@"`
	Write *cstExpr   `parser:"    | \"write\" @@"`
	Var   string     `parser:"    | @Ident \"=\""`
	Op    string     `parser:"      @(\"read\" | \"read_opt\")"`
	Chan  *cstExpr   `parser:"      @@ )"`
	Body  []*cstStmt `parser:"\"=>\" @@*"`
}

// cstUnion catches Felix's `union` declarations, which Felix itself rejects, to say what
// to write instead.
type cstUnion struct {
	Pos  lexer.Position
	Name string `parser:"\"union\" @Ident (~\";\")* \";\""`
}

type cstYield struct {
	Pos   lexer.Position
	Value *cstExpr `parser:"\"yield\" @@ \";\""`
}
