package parse

// The participle parser that the hand-written one replaces, kept while both exist to test
// that they agree.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
)

// keywords may not be used as identifiers. The words of chips and circuits (chip,
// connector, pin, device, circuit, connect, wire, endcircuit) are not keywords, as in Felix:
// the grammar matches them where they are expected, and elsewhere they are names.
const oldKeywords = `if|then|elif|else|endif|do|done|while|until|for|in|upto|downto|var|val|def|` +
	`fun|proc|gen|return|goto|break|continue|halt|call|perform|begin|end|repeat|include|open|` +
	`typedef|type|module|class|const|true|false|not|and|or|with|to|` +
	`match|endmatch|when|variant|of|yield|let|struct|export|macro|inline|noinline|instance|ctor`

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
		{Name: "Keyword", Pattern: `\b(?:` + oldKeywords + `)\b`},
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

var oldParser = participle.MustBuild[cstFile](
	participle.Lexer(lexDef),
	participle.UseLookahead(4),
)

// oldParseCST is parseCST with the participle parser.
func oldParseCST(name string, src []byte) (*cstFile, *diag.Error) {
	if e := unterminatedComment(name, src); e != nil {
		return nil, e
	}
	if e := nestingError(name, src); e != nil {
		return nil, e
	}
	cst, err := oldParser.ParseBytes(name, src)
	if err != nil {
		return nil, syntaxError(name, src, err)
	}
	return cst, nil
}

// syntaxError turns a participle error into a diagnostic naming the offending token.
func syntaxError(name string, src []byte, err error) *diag.Error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return &diag.Error{Pos: ast.Pos{File: name, Line: 1, Col: 1}, Msg: "syntax error: " + err.Error()}
	}
	pos := toPos(perr.Position())
	if pos.File == "" {
		pos.File = name
	}
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		if v := ute.Unexpected.Value; v == `"""` || v == "\x27\x27\x27" {
			return &diag.Error{Pos: pos, Msg: "syntax error: unterminated string", Incomplete: true}
		}
		if ute.Unexpected.EOF() {
			return &diag.Error{Pos: endPos(name, string(src)), Msg: "syntax error: unexpected end of input", Incomplete: true}
		}
		msg := fmt.Sprintf("syntax error: unexpected %s", describeToken(ute.Unexpected.Value))
		prev := previousToken(src, ute.Unexpected.Pos.Offset)
		switch {
		case prev == "endmatch":
			msg += " (a match statement needs ; after endmatch)"
		case ute.Unexpected.Value == "[" && (prev == "[" || prev == ","):
			msg += ": a list literal inside a list literal needs its own parentheses, as in ([ ([1, 2]), ([3]) ])"
		}
		return &diag.Error{Pos: pos, Msg: msg}
	}
	msg := perr.Message()
	if strings.Contains(msg, "invalid input text") {
		if pos.Line > 0 && isUnterminated(src, pos) {
			return &diag.Error{Pos: pos, Msg: "syntax error: unterminated string", Incomplete: true}
		}
		return &diag.Error{Pos: pos, Msg: "syntax error: invalid character"}
	}
	if strings.Contains(msg, "unexpected token \"<EOF>\"") {
		return &diag.Error{Pos: endPos(name, string(src)), Msg: "syntax error: unexpected end of input", Incomplete: true}
	}
	return &diag.Error{Pos: pos, Msg: "syntax error: " + msg}
}

// previousToken returns the word or punctuation just before offset in src.
func previousToken(src []byte, offset int) string {
	i := min(offset, len(src))
	for i > 0 && strings.ContainsRune(" \t\r\n", rune(src[i-1])) {
		i--
	}
	end := i
	isWord := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	if i > 0 && isWord(src[i-1]) {
		for i > 0 && isWord(src[i-1]) {
			i--
		}
		return string(src[i:end])
	}
	if i > 0 {
		return string(src[i-1 : end])
	}
	return ""
}

// isUnterminated reports whether the text at pos opens a string literal.
func isUnterminated(src []byte, pos ast.Pos) bool {
	line := 1
	for i := 0; i < len(src); i++ {
		if line == pos.Line {
			j := i + pos.Col - 1
			return j < len(src) && (src[j] == '"' || src[j] == '\'')
		}
		if src[i] == '\n' {
			line++
		}
	}
	return false
}

func describeToken(v string) string {
	if v == "" {
		return "end of input"
	}
	return fmt.Sprintf("%q", v)
}

// keywordLike are the words that are names to the lexer but keywords to the grammar.
var keywordLike = map[string]bool{"chip": true, "connector": true, "pin": true, "device": true,
	"circuit": true, "connect": true, "wire": true, "endcircuit": true, "syntax": true, "inherit": true}

// frame is one open bracket or block during the scan.
type frame struct {
	closer  string // the token that closes it
	open    int    // constructs opened in it that close without a token of their own
	operand int    // the operators and commas seen in it since its last statement ended
}

// nestingError scans src and reports the first point where its nesting passes maxNesting,
// or an operator chain passes maxChain; nil if neither happens (or the text does not lex,
// which the parser reports).
func nestingError(name string, src []byte) *diag.Error {
	lex, err := lexDef.LexString(name, string(src))
	if err != nil {
		return nil
	}
	types := lexDef.Symbols()
	ident, punct, keyword := types["Ident"], types["Punct"], types["Keyword"]
	operands := map[lexer.TokenType]bool{types["Int"]: true, types["Float"]: true, types["String"]: true,
		types["TripleString"]: true, types["Tag"]: true}
	stack := []*frame{{}}
	depth := 0            // the frames open, and the open constructs in them
	prefixRun := 0        // consecutive prefix operators
	afterOperand := false // the last token ends an operand, so + or - next is binary
	tooDeep := func(tok lexer.Token) *diag.Error {
		return &diag.Error{Pos: toPos(tok.Pos), Msg: fmt.Sprintf("this program nests brackets, blocks or operators more than %d deep; felixlet refuses it rather than run out of stack", maxNesting)}
	}
	tooLong := func(tok lexer.Token) *diag.Error {
		return &diag.Error{Pos: toPos(tok.Pos), Msg: fmt.Sprintf("this expression has more than %d operands; felixlet refuses it rather than run out of stack", maxChain)}
	}
	closers := map[string]string{"(": ")", "[": "]", "{": "}", "begin": "end", "match": "endmatch"}
	for {
		tok, err := lex.Next()
		if err != nil || tok.EOF() {
			return nil
		}
		if operands[tok.Type] || tok.Type == ident && !keywordLike[tok.Value] {
			// An operand right after another is an application, f x y, which is a chain
			// too.
			if top := stack[len(stack)-1]; afterOperand {
				top.operand++
				if top.operand > maxChain {
					return tooLong(tok)
				}
			}
			afterOperand, prefixRun = true, 0
			continue
		}
		if tok.Type != ident && tok.Type != punct && tok.Type != keyword {
			continue // not a token the parser nests on
		}
		top := stack[len(stack)-1]
		v := tok.Value
		switch {
		case closers[v] != "":
			stack = append(stack, &frame{closer: closers[v]})
			depth++
			afterOperand, prefixRun = false, 0
		case len(stack) > 1 && (v == top.closer || v == "done" && top.closer == "endmatch"):
			depth -= 1 + top.open
			stack = stack[:len(stack)-1]
			afterOperand, prefixRun = true, 0
		case v == ";" || v == "done" || v == "endif":
			if v == "endif" && top.open > 0 {
				top.open--
				depth--
			} else if v != "endif" {
				depth -= top.open
				top.open, top.operand = 0, 0
			}
			afterOperand, prefixRun = v == "endif", 0
		case v == "if" || v == "$" || v == "!" || v == "=>" || v == "let":
			top.open++
			depth++
			afterOperand, prefixRun = false, 0
		case !afterOperand && (v == "-" || v == "+" || v == "*" || v == "&" || v == "#" || v == "not"):
			prefixRun++
			if prefixRun > maxNesting {
				return tooDeep(tok)
			}
		case tok.Type == punct && v != ")" && v != "]" && v != "}" || tok.Type == keyword && v != "true" && v != "false":
			if v != "::" {
				top.operand++
				if top.operand > maxChain {
					return tooLong(tok)
				}
			}
			afterOperand, prefixRun = false, 0
		default:
			afterOperand, prefixRun = false, 0
		}
		if depth > maxNesting {
			return tooDeep(tok)
		}
	}
}

// BenchmarkOldParse is BenchmarkParse with the participle parser.
func BenchmarkOldParse(b *testing.B) {
	for name, src := range benchSources(b) {
		if name == "one_line_10MB" {
			src = src[:len(src)/10] // a tenth of it: the whole takes minutes
			name = "one_line_1MB"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				cst, err := oldParseCST(name+".flx", src)
				if err != nil {
					b.Fatal(err)
				}
				p := &fileParser{sources: diag.Sources{}, seen: map[string]bool{}}
				(&lowerer{p: p, file: name}).stmts(cst.Stmts)
			}
		})
	}
}
