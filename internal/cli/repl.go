package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/check"
	"github.com/felixlet/felixlet/lang/compile"
	"github.com/felixlet/felixlet/lang/diag"
	"github.com/felixlet/felixlet/lang/graph"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/parse"
	"github.com/felixlet/felixlet/lang/prelude"
	"github.com/felixlet/felixlet/lang/types"
	"github.com/felixlet/felixlet/stdlib"
	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// The REPL. Every input is checked as the next input of a check.Session (against what the
// inputs before it declared, so that a definition may be typed again to replace it),
// compiled as the next input of a compile.Session, and run on one machine: the mainline's
// variables live in the session's environment, and fibres left waiting by one input can be
// woken by the next. An input costs what it needs, whatever came before it. The front ends
// (replTerminal, replLines) only read lines and show prompts.

const replHelp = `Type statements, definitions or an expression; an unfinished one continues on the
next line. An expression prints its value and type, and is kept as it.
  :help          this text
  :type expr     the type of an expression
  :fibres        how many fibres are active and waiting
  :disasm name   the bytecode of a function
  :load file     run a file's statements and keep its definitions
  :graph         the circuits and |-> pipelines typed so far, as Graphviz DOT
  :reset         forget everything
  :quit          leave (so does Ctrl-D)
`

// commandHints answer the words people type to get help or leave a REPL, when the program
// has no such name.
var commandHints = map[string]string{
	"help": "type :help for help",
	"quit": "type :quit or Ctrl-D to leave",
	"exit": "type :quit or Ctrl-D to leave",
}

// replSession is the state of a REPL: the inputs that ran and the machine they ran on.
type replSession struct {
	out, errw io.Writer
	checker   *check.Session   // what the inputs that ran declared
	sources   diag.Sources     // the inputs' text, for quoting in error reports
	numbered  int              // inputs typed so far, to name the next one
	comp      *compile.Session // keeps the numbering of functions, builtins and variables
	m         *vm.Machine
	env       *vm.Env       // the session environment: the mainline's variables
	last      *code.Program // the code of the last input, for :disasm
	pending   []string      // the lines of an unfinished input
	quit      bool          // :quit was typed
	failed    bool          // an input had an error
}

func newReplSession(out, errw io.Writer) *replSession {
	s := &replSession{out: out, errw: errw}
	s.reset()
	return s
}

// reset forgets every input and starts a new machine.
func (s *replSession) reset() {
	if s.m != nil {
		s.m.Close()
	}
	m, err := vm.NewSession(vm.Options{Stdout: s.out, Stderr: s.errw, Args: []string{"repl"},
		Builtins: stdlib.Builtins, CountCollected: true, MaxMemory: defaultMaxMemory()})
	if err != nil { // an empty program needs no builtins: this cannot fail
		panic(err)
	}
	lib := prelude.File()
	checker, _ := check.NewSession(lib, check.Config{IsPrim: isPrim})
	*s = replSession{out: s.out, errw: s.errw, sources: diag.Sources{stdlib.PreludeName: stdlib.Prelude},
		checker: checker, comp: compile.NewSession(), m: m, env: &vm.Env{}}
}

// prompt is what to show before the next line.
func (s *replSession) prompt() string {
	if len(s.pending) > 0 {
		return "... "
	}
	return "> "
}

// cancel drops an unfinished input (Ctrl-C at a prompt).
func (s *replSession) cancel() { s.pending = nil }

// endOfInput reports an input left unfinished when no more lines will come.
func (s *replSession) endOfInput() {
	if len(s.pending) == 0 {
		return
	}
	name := fmt.Sprintf("<input%d>", s.numbered+1)
	src := strings.Join(s.pending, "\n") + "\n"
	s.sources[name] = []byte(src)
	_, errs := s.parse(name, src)
	if line, col, open := parse.OpenBracket([]byte(src)); open {
		errs = diag.List{{Pos: ast.Pos{File: name, Line: line, Col: col},
			Msg: fmt.Sprintf("syntax error: this %c is never closed", src[lineStart(src, line)+col-1])}}
	} else if parse.Unfinished([]byte(src)) {
		last := s.pending[len(s.pending)-1]
		errs = diag.List{{Pos: ast.Pos{File: name, Line: len(s.pending), Col: len(last) + 1},
			Msg: "syntax error: unexpected end of input", Incomplete: true}}
	}
	s.report(errs)
	s.pending = nil
}

// line takes one line of input and runs what it completes. interrupt is set up to stop
// the machine while an input runs.
func (s *replSession) line(text string) {
	if len(s.pending) == 0 {
		trimmed := strings.TrimSpace(text)
		if strings.HasPrefix(trimmed, ":") {
			s.command(trimmed)
			return
		}
		if trimmed == "" {
			return
		}
		if word := strings.TrimSuffix(trimmed, ";"); commandHints[word] != "" && !s.checker.Declares(word) {
			hint := commandHints[word]
			fmt.Fprintln(s.errw, hint)
			return
		}
	}
	if len(s.pending) > 0 && s.startsAfresh(text) {
		s.endOfInput() // reports the bracket left open
		s.line(text)
		return
	}
	s.pending = append(s.pending, text)
	src := strings.Join(s.pending, "\n") + "\n"
	name := fmt.Sprintf("<input%d>", s.numbered+1)
	file, errs := s.parse(name, src)
	if file == nil && (incomplete(errs) || parse.Unfinished([]byte(src)) && errs[0].Pos.Line == len(s.pending)) {
		return // wait for more lines (an error before the last line cannot be mended by more)
	}
	s.pending = nil
	s.numbered++
	s.sources[name] = []byte(src)
	if file == nil {
		s.report(errs)
		return
	}
	s.run(file)
}

// lineStart is the offset of line n (1-based) in src.
func lineStart(src string, n int) int {
	off := 0
	for ; n > 1; n-- {
		off += strings.IndexByte(src[off:], '\n') + 1
	}
	return off
}

// startsAfresh reports whether a line that would continue an unfinished input rather
// starts one of its own: the input is unfinished only because a parenthesis or bracket is
// open, and the line is a whole statement ended by ";". A bracket left open by mistake
// then costs that input, not every line after it.
func (s *replSession) startsAfresh(text string) bool {
	if _, _, open := parse.OpenBracket([]byte(strings.Join(s.pending, "\n"))); !open {
		return false
	}
	if !strings.HasSuffix(strings.TrimSpace(text), ";") || parse.Unfinished([]byte(text)) {
		return false
	}
	_, errs, _ := parse.File("<line>", []byte(text), parse.Config{})
	return !errs.HasErrors()
}

// parse parses an input. One that ends early is tried again with a ";" added, so that an
// expression or a statement may be typed without it, unless it ends inside a construct it
// opened (`select` alone would otherwise be a name).
func (s *replSession) parse(name, src string) (*ast.File, diag.List) {
	file, errs, _ := parse.File(name, []byte(src), parse.Config{ReadFile: os.ReadFile, Library: stdlib.Library})
	if !errs.HasErrors() || !incomplete(errs) || parse.Unfinished([]byte(src)) {
		return okFile(file, errs)
	}
	if withSemi, errs2, _ := parse.File(name, []byte(src+";"), parse.Config{ReadFile: os.ReadFile, Library: stdlib.Library}); !errs2.HasErrors() {
		return withSemi, errs2
	}
	return nil, errs
}

func okFile(file *ast.File, errs diag.List) (*ast.File, diag.List) {
	if errs.HasErrors() {
		return nil, errs
	}
	return file, errs
}

// incomplete reports whether a parse failed only because the input ended too soon. (The
// parser may also report an unfinished construct as an error on its last line.)
func incomplete(errs diag.List) bool {
	for _, e := range errs {
		if !e.Warning && !e.Incomplete {
			return false
		}
	}
	return errs.HasErrors()
}

// run checks, compiles and runs one input. An input that is not a valid statement but is
// an expression (such as `1 + 2`, but not `f x;` calling a procedure) is bound to `it`
// and printed with its type.
func (s *replSession) run(file *ast.File) {
	errs := s.checker.Add(true, file)
	if expr := asExpression(file); expr != nil && errs.HasErrors() {
		exprErrs := s.checker.Add(true, expr...)
		if v := itVar(s.checker.Added, file.Name); !exprErrs.HasErrors() && v != nil && !types.IsUnit(v.Type) && !types.IsVoid(v.Type) {
			s.report(exprErrs)
			if s.execute() {
				s.show(v)
			}
			return
		}
		if !exprErrs.HasErrors() {
			s.checker.Undo() // the expression is a statement after all
		}
		if len(exprErrs) < len(errs) {
			errs = exprErrs // the expression's errors say more than the statement's
		}
	}
	s.report(errs)
	if !errs.HasErrors() {
		s.execute()
	}
}

// execute compiles and runs the input the checker took last, keeping it in the session if
// it got to run. It reports whether it ran to its end.
func (s *replSession) execute() (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(s.errw, "felixlet: internal error: %v\n", r)
			ok, s.failed = false, true
		}
	}()
	p, err := compile.Compile(s.checker.Program, compile.Config{IsBuiltin: isBuiltin, Session: s.comp})
	var derr *diag.Error
	switch {
	case errors.As(err, &derr):
		s.checker.Undo()
		s.report(diag.List{derr})
		return false
	case err == nil:
		err = s.m.Extend(p)
	}
	if err != nil {
		s.checker.Undo()
		s.failed = true
		fmt.Fprintf(s.errw, "felixlet: %v\n", err)
		return false
	}
	s.last = p
	s.env.Grow(s.comp.Shape())
	err = s.runInterruptible(p.Funcs[0])
	var rerr *vm.Error
	s.failed = s.failed || err != nil
	switch {
	case err == nil:
		return true
	case errors.Is(err, vm.ErrInterrupted):
		fmt.Fprintln(s.errw, "interrupted")
	case errors.As(err, &rerr):
		rerr.Report(s.errw)
	default:
		fmt.Fprintf(s.errw, "felixlet: %v\n", err)
	}
	return false
}

// show prints the value of `it` and its type.
func (s *replSession) show(v *ir.Var) {
	slot, scalar, t, ok := s.comp.Slot(v)
	if !ok {
		return
	}
	var sv uint64
	var rv vm.Value
	if scalar {
		sv = s.env.S[slot]
	} else {
		rv = s.env.R[slot]
	}
	fmt.Fprintf(s.out, "%s : %s\n", vm.Format(t, sv, rv, true), v.Type)
}

// report prints diagnostics with the lines they point at.
func (s *replSession) report(errs diag.List) {
	if errs.HasErrors() {
		s.failed = true
	}
	diag.Print(s.errw, errs, s.sources)
}

// asExpression turns an input that is one expression into `val $value = expression;` and
// `val it = $value;`, two inputs, so that the expression sees the `it` of an earlier input
// rather than the one it declares. It returns nil for any other input.
func asExpression(file *ast.File) []*ast.File {
	if len(file.Stmts) != 1 {
		return nil
	}
	es, ok := file.Stmts[0].(*ast.ExprStmt)
	if !ok {
		return nil
	}
	value := &ast.VarDecl{P: es.P, Binders: []*ast.Binder{{P: es.P, Name: "$value"}}, Init: es.X}
	it := &ast.VarDecl{P: es.P, Binders: []*ast.Binder{{P: es.P, Name: "it"}}, Init: &ast.Name{P: es.P, Path: []string{"$value"}}}
	return []*ast.File{{Name: file.Name, Stmts: []ast.Stmt{value}}, {Name: file.Name, Stmts: []ast.Stmt{it}}}
}

// itVar finds, among the variables an input declared, the `it` that asExpression declared
// in the input of that name, or nil.
func itVar(vars []*ir.Var, input string) *ir.Var {
	for _, v := range vars {
		if v.Name == "it" && v.Pos.File == input {
			return v
		}
	}
	return nil
}

// command runs a `:` command.
func (s *replSession) command(text string) {
	name, arg, _ := strings.Cut(text, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case ":help", ":h", ":?":
		fmt.Fprint(s.out, replHelp)
	case ":quit", ":q":
		s.quit = true
	case ":reset":
		s.reset()
	case ":type", ":t":
		s.typeOf(arg)
	case ":fibres", ":fibers":
		s.fibres()
	case ":disasm":
		s.disasm(arg)
	case ":load", ":l":
		s.load(arg)
	case ":graph":
		graph.WriteDOT(s.out, "session", programNetworks(s.checker.Program))
	default:
		fmt.Fprintf(s.errw, "unknown command %s (:help lists them)\n", name)
		s.failed = true
	}
}

// typeOf prints an expression's type without running it.
func (s *replSession) typeOf(src string) {
	if src == "" {
		fmt.Fprintln(s.errw, "usage: :type expr")
		s.failed = true
		return
	}
	name := fmt.Sprintf("<type%d>", s.numbered+1)
	s.sources[name] = []byte(src)
	file, errs := s.parse(name, src)
	if file == nil {
		s.report(errs)
		return
	}
	expr := asExpression(file)
	if expr == nil {
		fmt.Fprintln(s.errw, ":type takes one expression")
		s.failed = true
		return
	}
	errs = s.checker.Add(false, expr...)
	s.report(errs)
	if v := itVar(s.checker.Added, name); v != nil && !errs.HasErrors() {
		fmt.Fprintln(s.out, v.Type)
	}
}

// fibres prints how many fibres are active (none between inputs) and how many wait.
func (s *replSession) fibres() {
	runtime.GC()
	time.Sleep(10 * time.Millisecond) // let the cleanups that count collected fibres run
	st := s.m.Stats()
	fmt.Fprintf(s.out, "0 active, %d waiting\n", st.Spawned-st.Ended-st.CollectedWaiting)
}

// disasm prints the bytecode of the functions of the last input's code with a name.
func (s *replSession) disasm(name string) {
	if s.last == nil {
		fmt.Fprintln(s.errw, "nothing has been compiled yet")
		s.failed = true
		return
	}
	var b strings.Builder
	found := 0
	for _, f := range s.last.Funcs {
		if f.Name == name || strings.HasPrefix(f.Name, name+"[") {
			if found > 0 {
				b.WriteString("\n")
			}
			code.DisasmFunc(&b, s.last, f)
			found++
		}
	}
	if found == 0 {
		fmt.Fprintf(s.errw, "no function named %s\n", name)
		s.failed = true
		return
	}
	fmt.Fprint(s.out, b.String())
}

// runInterruptible runs an input's mainline; Ctrl-C (SIGINT) interrupts it.
func (s *replSession) runInterruptible(main *code.Func) error {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-sigs:
			s.m.Interrupt()
		case <-done:
		}
	}()
	return s.m.RunInput(main, s.env)
}

// load runs a file as one input.
func (s *replSession) load(path string) {
	if path == "" {
		fmt.Fprintln(s.errw, "usage: :load file.flx")
		s.failed = true
		return
	}
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(s.errw, "felixlet: %v\n", unwrap(err))
		s.failed = true
		return
	}
	file, errs, sources := parse.File(path, src, parse.Config{ReadFile: os.ReadFile, Library: stdlib.Library})
	for k, v := range sources {
		s.sources[k] = v
	}
	if errs.HasErrors() {
		s.report(errs)
		return
	}
	s.numbered++
	s.run(file)
}
