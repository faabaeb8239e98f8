package parse

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/felixlet/felixlet/lang/diag"
)

// The parser, the checker and the compiler recurse over the program's nesting, on the Go
// stack; a hostile input nesting a hundred thousand parentheses would overflow it, which
// kills the process. Before parsing, a scan of the tokens bounds how deep a parse can
// nest, and refuses a program deeper than any person writes.

// maxNesting bounds the nesting of a program: brackets, blocks, and the constructs that
// nest without a closing token (if ... then ... else if ..., f$ g$ x, h ! t, prefix
// operators, lambdas and let).
const maxNesting = 1000

// maxChain bounds the operands of one operator chain (a + b + c ...) and the elements of
// one list or tuple, which the later passes hold as trees as deep as they are long.
const maxChain = 200000

// keywordLike are the words that are names to the lexer but keywords to the grammar.
var keywordLike = map[string]bool{"chip": true, "connector": true, "pin": true, "device": true,
	"circuit": true, "connect": true, "wire": true, "endcircuit": true, "syntax": true, "inherit": true,
	"select": true, "after": true}

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

// checkNesting adds the nesting error of a file, if any, and reports whether there was one.
func (p *fileParser) checkNesting(name string, src []byte) bool {
	if e := nestingError(name, src); e != nil {
		p.errs = append(p.errs, e)
		return true
	}
	return false
}
