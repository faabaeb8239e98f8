package check

import (
	"sort"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// Session checks a program, or a REPL session one input at a time: the library once, then
// each input in a scope of its own, whose declarations then join the session's scope. An
// input's names hide those earlier inputs declared (redefining a function or a variable is
// the point of a REPL), while earlier definitions keep the meaning they had; an overload set
// of an earlier input is still tried when the newer ones do not fit, as if each input were a
// scope nested in the one before. Every input's variables belong to one mainline. Checking
// an input costs what that input needs, not what the session holds, and an input with
// errors leaves no trace.
type Session struct {
	// Program is what the last committed Add checked: the whole mainline so far (its body
	// from Start on is the new inputs' statements), and after the mainline the library
	// functions checked since the last committed Add (first used by the new inputs, or by
	// inputs that failed), then the functions the new inputs made.
	Program *ir.Program
	Start   int       // where the new inputs' statements start in Program.Main.Body
	Added   []*ir.Var // the variables the last Add declared, committed or not
	c       *Checker
	given   int // how many of the checker's functions committed Programs have held
	main    *ir.Func
	scope   *scope // the session's scope: what every input that passed declared
	undo    func() // takes back the last committed Add
	// libGiven is how many of the checker's library functions committed Programs have held:
	// the rest were checked since, for inputs, committed or not, that used them first.
	libGiven int
}

// NewSession enters the library's definitions and starts a session with no input.
func NewSession(lib *ast.File, cfg Config) (*Session, diag.List) {
	c := newChecker(cfg)
	c.library(lib)
	main := &ir.Func{Name: "main", Pos: ast.Pos{Line: 1, Col: 1}, Kind: ir.KindMain,
		Type: &types.Func{Dom: types.UnitType, Cod: types.VoidType}}
	s := &Session{c: c, main: main, scope: newScope(c.lib, main, scopeFunc)}
	errs := c.errs
	c.errs = nil
	errs.Sort()
	return s, errs
}

// Add checks inputs, each in a scope nested in the one before. With commit, and no errors,
// they become part of the session and Program is theirs; otherwise the session is as it
// was before.
func (s *Session) Add(commit bool, inputs ...*ast.File) diag.List {
	c := s.c
	c.errs = nil
	funcs, body, vars := len(c.funcs), len(s.main.Body), len(s.main.Vars)
	wrappers, nets := len(c.primWrapperKeys), len(c.networks.all)
	back := func() {
		// Forget the inputs: what they added to the mainline, their functions, and the
		// primitive wrappers made for them.
		for _, k := range c.primWrapperKeys[wrappers:] {
			delete(c.primWrappers, k)
		}
		c.primWrapperKeys = c.primWrapperKeys[:wrappers]
		c.funcs, s.main.Body, s.main.Vars = c.funcs[:funcs], s.main.Body[:body], s.main.Vars[:vars]
		c.networks.all = c.networks.all[:nets]
	}
	var scopes []*scope
	sc := s.scope
	for _, in := range inputs {
		s.main.Pos.File = in.Name // the mainline's code runs the last input: it is in its file
		sc = newScope(sc, s.main, scopeFunc)
		scopes = append(scopes, sc)
		c.body(s.main, sc, nil, in.Stmts)
	}
	c.errs.Sort()
	errs := c.errs
	s.Added = s.main.Vars[vars:]
	if !commit || errs.HasErrors() {
		back()
		return errs
	}
	var undos []func()
	for _, in := range scopes {
		undos = append(undos, s.scope.absorb(in))
	}
	s.Start = body
	given, libGiven := s.given, s.libGiven
	s.Program = &ir.Program{Main: s.main, Funcs: s.newFuncs(), Str: c.userStrs(s.scope), Networks: c.networks.all}
	s.given, s.libGiven = len(c.funcs), len(c.libFuncs)
	s.undo = func() {
		back()
		s.given, s.libGiven = given, libGiven
		for i := len(undos) - 1; i >= 0; i-- {
			undos[i]()
		}
	}
	return errs
}

// newFuncs lists the mainline and the functions no committed Program has held yet: the
// library's checked since, then the inputs'.
func (s *Session) newFuncs() []*ir.Func {
	funcs := append([]*ir.Func{s.main}, s.c.libFuncs[s.libGiven:]...)
	return append(funcs, s.c.funcs[s.given:]...)
}

// Undo takes back the last committed Add, as if it had failed: for an input that checked
// but could not be compiled.
func (s *Session) Undo() {
	if s.undo != nil {
		s.undo()
		s.undo = nil
	}
}

// Names lists the names visible after the last input, for completion.
func (s *Session) Names() []string { return s.scope.completions() }

// Declares reports whether the session gives name a meaning.
func (s *Session) Declares(name string) bool {
	ents, _ := s.scope.lookupValue(name)
	return len(ents) > 0
}

// userStrs finds the str functions defined for structs and declared variants in sc and the
// scopes around it (an inner definition hides an outer one for the same type).
func (c *Checker) userStrs(sc *scope) map[string]*ir.Func {
	out := map[string]*ir.Func{}
	for ; sc != nil; sc = sc.parent {
		for _, fe := range funcEnts(sc.valuesAt("str")) {
			if fe.isPrim() || len(fe.tparams) > 0 || len(fe.decl.Params) != 1 || fe.typ == nil {
				continue
			}
			switch t := fe.typ.Dom.(type) {
			case *types.Record:
				if t.Name == "" {
					continue
				}
			case *types.Variant:
				if t.Def.Kind != types.UserVariant {
					continue
				}
			default:
				continue
			}
			if _, ok := out[fe.typ.Dom.String()]; !ok {
				out[fe.typ.Dom.String()] = fe.fn
			}
		}
	}
	return out
}

// completions lists the names visible in a scope, its modules' and the types included.
func (s *scope) completions() []string {
	seen := map[string]bool{}
	for ; s != nil; s = s.parent {
		for _, names := range []map[string]bool{keysOf(s.values), keysOf(s.types), keysOf(s.modules)} {
			for n := range names {
				if !strings.HasPrefix(n, "$") {
					seen[n] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
