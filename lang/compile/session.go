package compile

import (
	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/vm/code"
)

// Session keeps what must not change from one compiled REPL input to the next. Each input
// is compiled as a whole program (every definition of the session again, and the mainline
// statements of the last input only), but:
//
//   - the mainline's variables live in one environment that outlives the inputs, the
//     session's, at slots that never change: the fibres and closures of earlier inputs
//     share them with later ones. The mainline receives that environment in r0 as its own.
//   - functions are numbered after those of earlier inputs, and builtins keep their numbers,
//     so that the machine runs the code of every input side by side.
type Session struct {
	funcs    int             // how many functions earlier inputs compiled
	builtins []string        // the builtins named so far, by number
	slots    map[varKey]home // the mainline's variables in the session environment
	shape    code.Layout     // the session environment's size
}

// varKey identifies a mainline variable across checks of the same inputs: its name, its
// declaration, and which of the variables with both it is.
type varKey struct {
	name string
	pos  ast.Pos
	nth  int
}

// NewSession starts a session with nothing compiled.
func NewSession() *Session { return &Session{slots: map[varKey]home{}} }

// Shape is the size the session environment needs: scalar and reference slots.
func (s *Session) Shape() (ns, nr int) { return s.shape.NS, s.shape.NR }

// Slot says where a variable of the mainline lives in the session environment and how to
// print it: ok is false for a variable of no compiled input, or of unit type.
func (s *Session) Slot(main *ir.Func, v *ir.Var) (slot int, scalar bool, t *code.Type, ok bool) {
	h, found := s.slots[keysOf(main.Vars)[v]]
	if !found || h.k == kNone {
		return 0, false, nil, false
	}
	return h.i, h.k == kS, describe(v.Type), true
}

// keysOf gives each of the mainline's variables its key.
func keysOf(vars []*ir.Var) map[*ir.Var]varKey {
	seen := map[varKey]int{}
	keys := make(map[*ir.Var]varKey, len(vars))
	for _, v := range vars {
		k := varKey{name: v.Name, pos: v.Pos}
		k.nth = seen[k]
		seen[k]++
		keys[v] = k
	}
	return keys
}

// clone copies the session, for a compilation that may fail.
func (s *Session) clone() *Session {
	c := &Session{funcs: s.funcs, builtins: append([]string(nil), s.builtins...), slots: make(map[varKey]home, len(s.slots)), shape: s.shape}
	for k, h := range s.slots {
		c.slots[k] = h
	}
	return c
}

// homes places the mainline's variables in the session environment, each where an
// earlier input put it or, if new, in a new slot.
func (s *Session) homes(main *ir.Func) map[*ir.Var]home {
	out := map[*ir.Var]home{}
	keys := keysOf(main.Vars)
	for _, v := range main.Vars {
		k := keys[v]
		h, ok := s.slots[k]
		if !ok {
			switch kindOf(v.Type) {
			case kNone:
				h = home{k: kNone}
			case kS:
				h = home{k: kS, inEnv: true, i: s.shape.NS}
				s.shape.NS++
			default:
				h = home{k: kR, inEnv: true, i: s.shape.NR}
				s.shape.NR++
			}
			s.slots[k] = h
		}
		out[v] = h
	}
	return out
}
