// Package felixlet runs felixlet programs (Felix-style fibres and synchronous channels)
// inside a Go program.
//
// Compile a program from its name and source, make a Machine for it, and Run the machine
// with a context:
//
//	prog, err := felixlet.Compile("hello.flx", src, nil)
//	m, err := prog.NewMachine(felixlet.Config{Stdout: os.Stdout})
//	err = m.Run(ctx)
//
// A Library gives the program more than felixlet's own library: Go functions, called from
// the program as typed functions (Library.Func), and channels between Go and the program's
// fibres (NewInput, NewOutput), which any goroutine may use while the program runs. Values
// cross by their Go types: int and int64 are felixlet's int, float64 its double, bool and
// string themselves, a slice a list, and a struct of exported fields a tuple.
//
// Each machine runs its program on one goroutine, the one that calls Run, with its own
// scheduler, its own poller and its own standard streams: several machines, of one program
// or of several, run in one process without sharing anything but the compiled program,
// which they only read. A Go function registered in a Library is called on the goroutine
// of whichever machine calls it; if a program runs on several machines at once, the
// function must be safe to call from several goroutines.
//
// The felixlet command is itself a client of this package; the language is described in
// docs/LANGUAGE.md and the machine in docs/ARCHITECTURE.md.
package felixlet

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/check"
	"github.com/felixlet/felixlet/lang/compile"
	"github.com/felixlet/felixlet/lang/diag"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/parse"
	"github.com/felixlet/felixlet/lang/prelude"
	"github.com/felixlet/felixlet/stdlib"
	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// Program is a compiled program, ready to run on any number of machines (NewMachine). It
// is never modified: machines running at once share it.
type Program struct {
	name     string
	code     *code.Program
	builtins map[string]vm.Builtin // felixlet's library and the Library's functions and channels, by primitive
	chans    []*chanDecl           // the Library's channels, which each machine makes anew
	warnings Diagnostics
}

// Name returns the name the program was compiled under: the file name its messages show,
// and its System::argv 0.
func (p *Program) Name() string { return p.name }

// Warnings returns what the compiler warned about.
func (p *Program) Warnings() Diagnostics { return p.warnings }

// Code returns the program's bytecode, for tools that look inside it (a disassembler).
func (p *Program) Code() *code.Program { return p.code }

// Compile checks and compiles a program's source; name is the file name its messages
// show. lib declares what the program may use beyond felixlet's library, and how its
// includes are read; it may be nil. A program with errors returns a *CompileError, which
// lists them all.
func Compile(name string, src []byte, lib *Library) (p *Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv("FELIXLET_DEBUG") != "" {
				panic(r)
			}
			p, err = nil, fmt.Errorf("internal error while compiling %s: %v", name, r)
		}
	}()
	if lib == nil {
		lib = &Library{}
	}
	builtins := maps.Clone(stdlib.Builtins)
	for _, d := range lib.decls {
		builtins[d.prim] = d.builtin
	}
	isBuiltin := func(name string) bool { return builtins[name] != nil }
	prog, errs, sources := parse.File(name, src, parse.Config{ReadFile: lib.ReadFile, Library: stdlib.Library})
	sources[stdlib.PreludeName] = stdlib.Prelude
	if errs.HasErrors() {
		return nil, compileError(errs, sources)
	}
	checkConfig := check.Config{IsPrim: func(name string) bool { return compile.HasEmitter(name) || isBuiltin(name) }}
	var checked *ir.Program
	if len(lib.decls) == 0 {
		checked, errs = check.Check(prelude.File(), prog, checkConfig)
	} else {
		checked, errs = checkWith(lib, prog, checkConfig, sources)
	}
	if checked == nil {
		return nil, compileError(errs, sources)
	}
	warnings := diagnostics(errs, sources)
	cp, err := compile.Compile(checked, compile.Config{IsBuiltin: isBuiltin})
	var derr *diag.Error
	switch {
	case errors.As(err, &derr):
		return nil, compileError(append(errs, derr), sources)
	case err != nil:
		return nil, err
	}
	p = &Program{name: name, code: cp, builtins: builtins, warnings: warnings}
	for _, d := range lib.decls {
		if d.channel != nil {
			p.chans = append(p.chans, d.channel)
		}
	}
	return p, nil
}

// goDeclsName is the file name of the declarations a Library makes, as messages show it.
const goDeclsName = "<go>"

// checkWith checks a program that sees the declarations of a Library: they are checked as
// a file of their own, between felixlet's library and the program, so that the program's
// names hide them as they hide the library's.
func checkWith(lib *Library, prog *ast.File, cfg check.Config, sources diag.Sources) (*ir.Program, diag.List) {
	var text strings.Builder
	for _, d := range lib.decls {
		text.WriteString(d.text)
		text.WriteByte('\n')
	}
	sources[goDeclsName] = []byte(text.String())
	decls, errs, _ := parse.File(goDeclsName, sources[goDeclsName], parse.Config{})
	if errs.HasErrors() {
		return nil, errs
	}
	s, errs := check.NewSession(prelude.File(), cfg)
	errs = append(errs, s.Add(true, decls, prog)...)
	errs.Sort()
	if errs.HasErrors() {
		return nil, errs
	}
	return s.Program, errs
}

// Diagnostic is an error or a warning the compiler found at a position of the source.
type Diagnostic struct {
	File      string // the file, by the name the program was compiled under or included by
	Line, Col int    // the position, from 1; the column counts bytes
	Msg       string // what is wrong
	Warning   bool   // a warning, which does not stop the program from compiling
	Source    string // the text of the line it points at
	quoted    bool   // Source is known
}

// String gives the diagnostic as the first line of its report: "file:line:col: message"
// (or "file:line:col: warning: message").
func (d Diagnostic) String() string {
	if d.Warning {
		return d.pos().String() + ": warning: " + d.Msg
	}
	return d.pos().String() + ": " + d.Msg
}

func (d Diagnostic) pos() ast.Pos { return ast.Pos{File: d.File, Line: d.Line, Col: d.Col} }

// Diagnostics are a compile's findings, sorted by file and position.
type Diagnostics []Diagnostic

// Print writes the diagnostics as the felixlet command does: each as
// "file:line:col: message", then the source line it points at and a caret under the
// column.
func (ds Diagnostics) Print(w io.Writer) {
	for _, d := range ds {
		diag.PrintQuoting(w, &diag.Error{Pos: d.pos(), Msg: d.Msg, Warning: d.Warning}, d.Source, d.quoted)
	}
}

func diagnostics(l diag.List, sources diag.Sources) Diagnostics {
	var ds Diagnostics
	for _, e := range l {
		line, ok := diag.SourceLine(sources[e.Pos.File], e.Pos.Line)
		ds = append(ds, Diagnostic{File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Msg: e.Msg,
			Warning: e.Warning, Source: line, quoted: ok})
	}
	return ds
}

// CompileError is a program that does not compile: every error found, with the warnings,
// sorted by position.
type CompileError struct {
	Diagnostics Diagnostics
}

func compileError(l diag.List, sources diag.Sources) *CompileError {
	return &CompileError{Diagnostics: diagnostics(l, sources)}
}

// Error gives one line per diagnostic, "file:line:col: message".
func (e *CompileError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}
