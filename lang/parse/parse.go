// Package parse turns felixlet source text into an ast.File: a hand-written lexer (lex.go)
// and recursive-descent parser (parser.go) build a concrete syntax tree (grammar.go), which
// lower.go turns into ast nodes, removing the sugar (`$`, `#`, juxtaposition, operators,
// loop and conditional variants) and splicing in included files. Each statement is lowered
// as soon as it is parsed, and the nodes of its tree are reused for the next (pool.go).
//
// It knows nothing of names or types; that is the checker's job.
package parse

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
)

// Config says how `include` finds files.
type Config struct {
	// ReadFile reads an included file; nil means includes of files are errors.
	ReadFile func(path string) ([]byte, error)
	// IsLibrary reports whether an include path names a library module built into
	// felixlet; such includes do nothing. Paths starting with "std/" always do nothing.
	IsLibrary func(path string) bool
	// Library returns, for an include path of Felix's library that felixlet provides as
	// felixlet source (std/strings/recognisers), the name to show and the source; ok false
	// for any other path.
	Library func(path string) (name string, src []byte, ok bool)
}

// File parses the source of one file, with every file it includes, into an ast.File. It
// returns the diagnostics (a syntax error stops the parse of its file) and the text of
// every file read, for quoting in reports.
func File(name string, src []byte, cfg Config) (*ast.File, diag.List, diag.Sources) {
	p := &fileParser{cfg: cfg, sources: diag.Sources{}, seen: map[string]bool{}}
	p.seen[filepath.Clean(name)] = true
	stmts := p.parseFile(name, src)
	stmts = append(stmts, flxMain(stmts)...)
	p.errs.Sort()
	return &ast.File{Name: name, Stmts: stmts}, p.errs, p.sources
}

// flxMain returns the call of an exported procedure flx_main, which Felix runs once the
// top-level code has finished.
func flxMain(stmts []ast.Stmt) []ast.Stmt {
	for _, s := range stmts {
		if d, ok := s.(*ast.FuncDecl); ok && d.Exported && d.Name == "flx_main" {
			return []ast.Stmt{&ast.ExprStmt{P: d.P, X: &ast.Apply{P: d.P, Fn: &ast.Name{P: d.P, Path: []string{"flx_main"}}, Arg: &ast.UnitLit{P: d.P}}}}
		}
	}
	return nil
}

type fileParser struct {
	cfg     Config
	errs    diag.List
	sources diag.Sources
	seen    map[string]bool // included files, by cleaned path
}

func (p *fileParser) parseFile(name string, src []byte) []ast.Stmt {
	p.sources[name] = src
	// Each statement is lowered as soon as it is parsed; a syntax error hides every other
	// error of the file, and of the files it includes.
	before := len(p.errs)
	l := &lowerer{p: p, file: name}
	var out []ast.Stmt
	if err := parseCST(name, src, func(s *cstStmt) { out = l.each(out, s) }); err != nil {
		p.errs = append(p.errs[:before], err)
		return nil
	}
	return out
}

// parseCST lexes and parses the source of one file, handing each statement to each.
func parseCST(name string, src []byte, each func(*cstStmt)) *diag.Error {
	if e := unterminatedComment(name, src); e != nil {
		return e
	}
	// Lexical errors come first, wherever they are; then the parser reads the tokens
	// again as it goes.
	text := string(src)
	if err := newScanner(name, text).check(); err != nil {
		return err
	}
	return parseTokens(name, text, newScanner(name, text), each)
}

// include returns the statements of an included file, or nil when it does nothing.
func (p *fileParser) include(from string, pos ast.Pos, path string) []ast.Stmt {
	if p.cfg.Library != nil {
		if name, src, ok := p.cfg.Library(path); ok {
			if p.seen[name] {
				return nil
			}
			p.seen[name] = true
			return p.parseFile(name, src)
		}
	}
	if strings.HasPrefix(path, "std/") || (p.cfg.IsLibrary != nil && p.cfg.IsLibrary(path)) {
		return nil
	}
	if filepath.Ext(path) == "" {
		path += ".flx"
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(from), path)
	}
	clean := filepath.Clean(path)
	if p.seen[clean] {
		return nil
	}
	p.seen[clean] = true
	if p.cfg.ReadFile == nil {
		p.errs.Add(pos, "cannot include %q: includes are not available here", path)
		return nil
	}
	src, err := p.cfg.ReadFile(path)
	if err != nil {
		p.errs.Add(pos, "cannot include %q: %v", path, unwrapPathError(err))
		return nil
	}
	return p.parseFile(path, src)
}

func unwrapPathError(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// unterminatedComment finds a /* comment (they nest) that the file never closes; the
// lexer would silently take the rest of the file as comment.
func unterminatedComment(name string, src []byte) *diag.Error {
	line, col := 1, 1
	var open []ast.Pos // the comments open at this point, outermost first
	advance := func(n int) {
		for _, c := range src[:n] {
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		src = src[n:]
	}
	for len(src) > 0 {
		switch {
		case len(open) > 0 && bytes.HasPrefix(src, []byte("*/")):
			open = open[:len(open)-1]
			advance(2)
		case bytes.HasPrefix(src, []byte("/*")):
			open = append(open, ast.Pos{File: name, Line: line, Col: col})
			advance(2)
		case len(open) > 0:
			advance(1)
		case bytes.HasPrefix(src, []byte("//")):
			n := bytes.IndexByte(src, '\n')
			if n < 0 {
				n = len(src)
			}
			advance(n)
		case src[0] == '"' || src[0] == '\'':
			advance(stringLength(src))
		default:
			advance(1)
		}
	}
	if len(open) > 0 {
		return &diag.Error{Pos: open[0], Msg: "syntax error: unterminated comment", Incomplete: true}
	}
	return nil
}

// stringLength is the length of the string literal src starts with (all of src if it never
// ends), so that comment markers inside strings are not taken for comments.
func stringLength(src []byte) int {
	q := src[0]
	if len(src) >= 3 && src[1] == q && src[2] == q {
		if end := bytes.Index(src[3:], []byte{q, q, q}); end >= 0 {
			return end + 6
		}
		return len(src)
	}
	for i := 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case q, '\n':
			return i + 1
		}
	}
	return len(src)
}

// endPos is the position just after the last non-blank character of src; its column
// counts characters, as every position's does.
func endPos(name string, src string) ast.Pos {
	s := strings.TrimRight(src, " \t\r\n")
	line := 1 + strings.Count(s, "\n")
	last := s[strings.LastIndexByte(s, '\n')+1:]
	return ast.Pos{File: name, Line: line, Col: 1 + utf8.RuneCountInString(last)}
}
