package check

import (
	"sort"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// Session is a checked REPL session: the inputs typed so far, checked as one mainline.
type Session struct {
	Program *ir.Program // the checked program; nil when the last input has errors
	Starts  []int       // input i's statements start at Program.Main.Body[Starts[i]]
	last    *scope      // the last input's scope
}

// Names lists the names visible after the last input, for completion.
func (s *Session) Names() []string { return s.last.completions() }

// CheckSession checks the inputs of a REPL session, oldest first, as the body of one
// mainline. Each input is a scope nested in the previous input's, so that what an input
// declares shadows earlier declarations of the same name (redefining a function or a
// variable is the point of a REPL) while earlier definitions keep the meaning they had.
// Every input's variables belong to the mainline. A program is a session of one input.
func CheckSession(lib *ast.File, inputs []*ast.File, cfg Config) (*Session, diag.List) {
	c := newChecker(cfg)
	c.library(lib)
	file := "" // the mainline's code runs the last input: it is in its file
	if len(inputs) > 0 {
		file = inputs[len(inputs)-1].Name
	}
	main := &ir.Func{Name: "main", Pos: ast.Pos{File: file, Line: 1, Col: 1}, Kind: ir.KindMain,
		Type: &types.Func{Dom: types.UnitType, Cod: types.VoidType}}
	c.funcs = append(c.funcs, main)
	sc := c.lib
	var starts []int
	for _, in := range inputs {
		sc = newScope(sc, main, scopeFunc)
		starts = append(starts, len(main.Body))
		c.body(main, sc, nil, in.Stmts)
	}
	c.errs.Sort()
	s := &Session{Starts: starts, last: sc}
	if !c.errs.HasErrors() {
		s.Program = &ir.Program{Main: main, Funcs: c.funcs, Str: c.userStrs(sc)}
	}
	return s, c.errs
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
