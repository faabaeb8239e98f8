package compile

import (
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/vm/code"
)

// Session keeps what a REPL's inputs share, so that each input compiles only what it adds:
//
//   - the mainline's variables live in one environment that outlives the inputs, the
//     session's, at slots that never change: the fibres and closures of earlier inputs
//     share them with later ones. The mainline of each input receives that environment in
//     r0 as its own, and runs the statements no earlier input compiled.
//   - functions are numbered after those of earlier inputs, and builtins keep their numbers,
//     so that the machine runs the code of every input side by side; the functions (and
//     the generic instances) an earlier input compiled are called, not compiled again.
//
// The checked mainline (lang/check's Session) is one function whose body and variables grow
// with the inputs.
type Session struct {
	funcs    int              // how many functions earlier inputs compiled
	builtins []string         // the builtins named so far, by number
	slots    map[*ir.Var]home // the mainline's variables in the session environment
	vars     int              // how many of the mainline's variables have a slot
	shape    code.Layout      // the session environment's size
	compiled int              // how many of the mainline's statements earlier inputs compiled
	known    *known           // the instances compiled so far, and what they need
	main     *instance        // the mainline's instance, whose code each input extends
}

// NewSession starts a session with nothing compiled.
func NewSession() *Session { return &Session{slots: map[*ir.Var]home{}, known: newKnown()} }

// Shape is the size the session environment needs: scalar and reference slots.
func (s *Session) Shape() (ns, nr int) { return s.shape.NS, s.shape.NR }

// Slot says where a variable of the mainline lives in the session environment and how to
// print it: ok is false for a variable of no compiled input, or of unit type.
func (s *Session) Slot(v *ir.Var) (slot int, scalar bool, t *code.Type, ok bool) {
	h, found := s.slots[v]
	if !found || h.k == kNone {
		return 0, false, nil, false
	}
	return h.i, h.k == kS, describe(v.Type), true
}

// next is the session as it will be once this input is compiled: a copy of the counts and
// lists that the input changes (the maps it adds to, the journal undoes).
func (s *Session) next() *Session {
	c := *s
	c.builtins = append([]string(nil), s.builtins...)
	return &c
}

// homes places the mainline's new variables in the session environment, each in a new
// slot, and returns where every variable of the mainline lives.
func (s *Session) homes(main *ir.Func, k *known) map[*ir.Var]home {
	for _, v := range main.Vars[s.vars:] {
		var h home
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
		s.slots[v] = h
		k.journal = append(k.journal, func() { delete(s.slots, v) })
	}
	s.vars = len(main.Vars)
	return s.slots
}
