package parse

import (
	"math"
	"unicode/utf8"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
)

// class is the lexical class of a token.
type class uint8

const (
	cEOF        class = iota
	cIdent            // a name: [A-Za-z_][A-Za-z0-9_']*, or branch-and-link
	cKeyword          // a reserved word (keywordIDs)
	cPunct            // an operator or punctuation (punctIDs)
	cInt              // [0-9][0-9A-Za-z_]*: letters glued on make one malformed literal
	cFloat            // 1.5, 1_0.2e-3, 1e9
	cString           // "...", '...', """...""" or '''...''', quotes included
	cOpenTriple       // a """ or ''' never closed
	cTag              // `A, a constructor of a polymorphic variant
)

// id names a keyword or a punctuation token, so that the parser compares small integers.
type id uint8

const (
	idNone id = iota
	// keywords
	kwIf
	kwThen
	kwElif
	kwElse
	kwEndif
	kwDo
	kwDone
	kwWhile
	kwUntil
	kwFor
	kwIn
	kwUpto
	kwDownto
	kwVar
	kwVal
	kwDef
	kwFun
	kwProc
	kwGen
	kwReturn
	kwGoto
	kwBreak
	kwContinue
	kwHalt
	kwCall
	kwPerform
	kwBegin
	kwEnd
	kwRepeat
	kwInclude
	kwOpen
	kwTypedef
	kwType
	kwModule
	kwClass
	kwConst
	kwTrue
	kwFalse
	kwNot
	kwAnd
	kwOr
	kwWith
	kwTo
	kwMatch
	kwEndmatch
	kwWhen
	kwVariant
	kwOf
	kwYield
	kwLet
	kwStruct
	kwExport
	kwMacro
	kwInline
	kwNoinline
	kwInstance
	kwCtor
	kwEndselect
	// punctuation
	pPipe     // |->
	pDotDotLt // ..<
	pColon2   // ::
	pCoerce   // :>>
	pLabel    // :>
	pDefine   // :=
	pArrow    // =>
	pTo       // ->
	pSend     // <-
	pEq       // ==
	pNe       // !=
	pLe       // <=
	pGe       // >=
	pAddEq    // +=
	pSubEq    // -=
	pMulEq    // *=
	pDivEq    // /=
	pModEq    // %=
	pIncr     // ++
	pDecr     // --
	pDotDot   // ..
	pIn       // %<
	pOut      // %>
	pDollar   // $
	pHash     // #
	pAmp      // &
	pLParen   // (
	pRParen   // )
	pLBrack   // [
	pRBrack   // ]
	pLBrace   // {
	pRBrace   // }
	pComma    // ,
	pSemi     // ;
	pColon    // :
	pDot      // .
	pAssign   // =
	pLt       // <
	pGt       // >
	pPlus     // +
	pMinus    // -
	pStar     // *
	pSlash    // /
	pPercent  // %
	pBang     // !
	pBar      // |
	idCount
)

// keywords may not be used as identifiers. The words of chips and circuits (chip,
// connector, pin, device, circuit, connect, wire, endcircuit) are not keywords, as in Felix:
// the grammar matches them where they are expected, and elsewhere they are names. So are
// select and after; endselect is a keyword, so that an arm's statements stop at it.
var keywords = map[string]id{
	"if": kwIf, "then": kwThen, "elif": kwElif, "else": kwElse, "endif": kwEndif, "do": kwDo,
	"done": kwDone, "while": kwWhile, "until": kwUntil, "for": kwFor, "in": kwIn, "upto": kwUpto,
	"downto": kwDownto, "var": kwVar, "val": kwVal, "def": kwDef, "fun": kwFun, "proc": kwProc,
	"gen": kwGen, "return": kwReturn, "goto": kwGoto, "break": kwBreak, "continue": kwContinue,
	"halt": kwHalt, "call": kwCall, "perform": kwPerform, "begin": kwBegin, "end": kwEnd,
	"repeat": kwRepeat, "include": kwInclude, "open": kwOpen, "typedef": kwTypedef,
	"type": kwType, "module": kwModule, "class": kwClass, "const": kwConst, "true": kwTrue,
	"false": kwFalse, "not": kwNot, "and": kwAnd, "or": kwOr, "with": kwWith, "to": kwTo,
	"match": kwMatch, "endmatch": kwEndmatch, "when": kwWhen, "variant": kwVariant, "of": kwOf,
	"yield": kwYield, "let": kwLet, "struct": kwStruct, "export": kwExport, "macro": kwMacro,
	"inline": kwInline, "noinline": kwNoinline, "instance": kwInstance, "ctor": kwCtor,
	"endselect": kwEndselect,
}

// puncts are the operators and punctuation, longest first where one begins another.
var puncts = []struct {
	text string
	id   id
}{
	{"|->", pPipe}, {"..<", pDotDotLt}, {":>>", pCoerce}, {"::", pColon2}, {":>", pLabel},
	{":=", pDefine}, {"=>", pArrow}, {"->", pTo}, {"<-", pSend}, {"==", pEq}, {"!=", pNe},
	{"<=", pLe}, {">=", pGe}, {"+=", pAddEq}, {"-=", pSubEq}, {"*=", pMulEq}, {"/=", pDivEq},
	{"%=", pModEq}, {"++", pIncr}, {"--", pDecr}, {"..", pDotDot}, {"%<", pIn}, {"%>", pOut},
	{"$", pDollar}, {"#", pHash}, {"&", pAmp}, {"(", pLParen}, {")", pRParen}, {"[", pLBrack},
	{"]", pRBrack}, {"{", pLBrace}, {"}", pRBrace}, {",", pComma}, {";", pSemi}, {":", pColon},
	{".", pDot}, {"=", pAssign}, {"<", pLt}, {">", pGt}, {"+", pPlus}, {"-", pMinus},
	{"*", pStar}, {"/", pSlash}, {"%", pPercent}, {"!", pBang}, {"|", pBar},
}

// punctStart lists, for each byte that starts punctuation, the candidates in the order of
// puncts.
var punctStart = func() (t [128][]int) {
	for i, p := range puncts {
		t[p.text[0]] = append(t[p.text[0]], i)
	}
	return t
}()

// token is one token of the source: its class, its keyword or punctuation, and where its
// text is.
type token struct {
	off  uint32 // the byte offset of its text in the source
	n    uint32 // the length of its text in bytes
	line uint32 // the line it starts on, from 1
	col  uint32 // the column it starts at, in characters, from 1
	cls  class  // its lexical class
	id   id     // its keyword or punctuation; idNone for the other classes
}

// scanner turns source text into tokens, one at a time.
type scanner struct {
	file   string // the file's name, for positions
	src    string // the file's text
	i      int    // the offset of the next byte to read
	line   int    // the line of byte i
	col    int    // the column of byte colAt on its line
	colAt  int    // the offset col is known for; at most i
	out    token  // the token read last
	prevFl bool   // the last token is a float that ends at i, so a word here is not a keyword
}

func newScanner(file, src string) *scanner {
	return &scanner{file: file, src: src, line: 1, col: 1}
}

// scan reads the next token, or returns the error at malformed text. Comments and white
// space are skipped; at the end of the input, every token has class cEOF.
func (l *scanner) scan() (token, *diag.Error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	if l.i >= len(l.src) {
		return l.tok(cEOF, idNone, l.i, l.i), nil
	}
	if err := l.next(); err != nil {
		return token{}, err
	}
	return l.out, nil
}

// check scans the whole input and returns its first lexical error, if any.
func (l *scanner) check() *diag.Error {
	if len(l.src) >= math.MaxUint32 {
		return &diag.Error{Pos: ast.Pos{File: l.file, Line: 1, Col: 1}, Msg: "syntax error: the file is too large"}
	}
	for {
		t, err := l.scan()
		if err != nil || t.cls == cEOF {
			return err
		}
	}
}

// lex returns all the tokens of src, the last of class cEOF, or its first lexical error.
func lex(file, src string) ([]token, *diag.Error) {
	if err := newScanner(file, src).check(); err != nil {
		return nil, err
	}
	l := newScanner(file, src)
	var out []token
	for {
		t, _ := l.scan()
		out = append(out, t)
		if t.cls == cEOF {
			return out, nil
		}
	}
}

func (l *scanner) emit(t token) { l.out = t }

// column returns the column of offset at, which is on the current line at or after colAt.
func (l *scanner) column(at int) int {
	if at > l.colAt {
		// Each malformed byte counts as a character, as utf8 has it.
		l.col += utf8.RuneCountInString(l.src[l.colAt:at])
		l.colAt = at
	}
	return l.col
}

// newline records that the byte at offset at is a line break.
func (l *scanner) newline(at int) {
	l.line++
	l.col, l.colAt = 1, at+1
}

func (l *scanner) tok(c class, k id, from, to int) token {
	return token{off: uint32(from), n: uint32(to - from), line: uint32(l.line), col: uint32(l.column(from)), cls: c, id: k}
}

func (l *scanner) pos(at int) ast.Pos {
	return ast.Pos{File: l.file, Line: l.line, Col: l.column(at)}
}

// skipSpace skips white space and comments. Comments nest; one never closed is found
// before lexing (unterminatedComment), so here it only ends the input.
func (l *scanner) skipSpace() *diag.Error {
	src := l.src
	for l.i < len(src) {
		switch c := src[l.i]; {
		case c == '\n':
			l.newline(l.i)
			l.i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			l.i++
		case c == '/' && l.i+1 < len(src) && src[l.i+1] == '/':
			for l.i < len(src) && src[l.i] != '\n' {
				l.i++
			}
		case c == '/' && l.i+1 < len(src) && src[l.i+1] == '*':
			depth := 0
			for l.i < len(src) {
				switch {
				case src[l.i] == '/' && l.i+1 < len(src) && src[l.i+1] == '*':
					depth++
					l.i += 2
				case src[l.i] == '*' && l.i+1 < len(src) && src[l.i+1] == '/':
					depth--
					l.i += 2
				case src[l.i] == '\n':
					l.newline(l.i)
					l.i++
				default:
					l.i++
				}
				if depth == 0 {
					break
				}
			}
		default:
			return nil
		}
		l.prevFl = false
	}
	return nil
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isWord(c byte) bool   { return isLetter(c) || isDigit(c) }

// next reads the token at l.i.
func (l *scanner) next() *diag.Error {
	src, start := l.src, l.i
	c := src[start]
	afterFloat := l.prevFl
	l.prevFl = false
	switch {
	case c == '"' || c == '\'':
		return l.str(c)
	case isDigit(c):
		if end := floatEnd(src, start); end > 0 {
			l.emit(l.tok(cFloat, idNone, start, end))
			l.i, l.prevFl = end, true
			return nil
		}
		end := start + 1
		for end < len(src) && isWord(src[end]) {
			end++
		}
		l.emit(l.tok(cInt, idNone, start, end))
		l.i = end
		return nil
	case isLetter(c):
		const bal = "branch-and-link"
		if c == 'b' && len(src)-start >= len(bal) && src[start:start+len(bal)] == bal {
			l.emit(l.tok(cIdent, idNone, start, start+len(bal)))
			l.i = start + len(bal)
			return nil
		}
		end := start + 1
		for end < len(src) && isWord(src[end]) {
			end++
		}
		// A keyword must stand alone as a word; after a float, whose digits are word
		// characters, it is a name.
		if k, ok := keywords[src[start:end]]; ok && !afterFloat {
			l.emit(l.tok(cKeyword, k, start, end))
			l.i = end
			return nil
		}
		for end < len(src) && (isWord(src[end]) || src[end] == '\'') {
			end++
		}
		l.emit(l.tok(cIdent, idNone, start, end))
		l.i = end
		return nil
	case c == '`' && start+1 < len(src) && isLetter(src[start+1]):
		end := start + 2
		for end < len(src) && (isWord(src[end]) || src[end] == '\'') {
			end++
		}
		l.emit(l.tok(cTag, idNone, start, end))
		l.i = end
		return nil
	case c < 128:
		for _, k := range punctStart[c] {
			p := puncts[k]
			if len(src)-start >= len(p.text) && src[start:start+len(p.text)] == p.text {
				l.emit(l.tok(cPunct, p.id, start, start+len(p.text)))
				l.i = start + len(p.text)
				return nil
			}
		}
	}
	return &diag.Error{Pos: l.pos(start), Msg: "syntax error: invalid character"}
}

// floatEnd returns the end of the float literal at start, or 0 if none is there:
// digits '.' digits [exponent], or digits exponent, with _ among the digits.
func floatEnd(src string, start int) int {
	digits := func(i int) int { // the end of [0-9][0-9_]* at i, or i
		if i >= len(src) || !isDigit(src[i]) {
			return i
		}
		for i++; i < len(src) && (isDigit(src[i]) || src[i] == '_'); i++ {
		}
		return i
	}
	exponent := func(i int) int { // the end of [eE][+-]?[0-9]+ at i, or 0
		if i >= len(src) || src[i] != 'e' && src[i] != 'E' {
			return 0
		}
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if i >= len(src) || !isDigit(src[i]) {
			return 0
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
		return i
	}
	i := digits(start)
	if i < len(src) && src[i] == '.' {
		if j := digits(i + 1); j > i+1 {
			if e := exponent(j); e > 0 {
				return e
			}
			return j
		}
	}
	return exponent(i)
}

// str reads a string literal opened by quote q.
func (l *scanner) str(q byte) *diag.Error {
	src, start := l.src, l.i
	if start+2 < len(src) && src[start+1] == q && src[start+2] == q {
		startLine, startCol := l.line, l.column(start)
		for i := start + 3; i+2 < len(src); i++ {
			if src[i] == q && src[i+1] == q && src[i+2] == q {
				l.emit(token{off: uint32(start), n: uint32(i + 3 - start), line: uint32(startLine), col: uint32(startCol), cls: cString})
				for j := start; j < i+3; j++ {
					if src[j] == '\n' {
						l.newline(j)
					}
				}
				l.i = i + 3
				return nil
			}
		}
		// Never closed: a token of its own, which the parser reports as an unterminated
		// string where it meets it.
		l.emit(l.tok(cOpenTriple, idNone, start, start+3))
		l.i = start + 3
		return nil
	}
	for i := start + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if i+1 < len(src) && src[i+1] == '\n' {
				return &diag.Error{Pos: l.pos(start), Msg: "syntax error: unterminated string", Incomplete: true}
			}
			i++
		case '\n':
			return &diag.Error{Pos: l.pos(start), Msg: "syntax error: unterminated string", Incomplete: true}
		case q:
			l.emit(l.tok(cString, idNone, start, i+1))
			l.i = i + 1
			return nil
		}
	}
	return &diag.Error{Pos: l.pos(start), Msg: "syntax error: unterminated string", Incomplete: true}
}
