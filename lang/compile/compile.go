// Package compile turns a checked program (package ir) into bytecode (package code).
//
// # Storage
//
// A variable lives in a register of its function's frame (scalar or reference, by its
// type), unless a nested function uses it: then it lives in its function's environment, a
// heap object made when the function is entered, so that closures see it by reference and
// it outlives the frame. A function with such variables "owns" an environment; the
// environment's parent is the one its closure was made over, so the environments form a
// chain that mirrors the nesting of the functions that own one.
//
// A function "needs" its closure's environment (which arrives in r0) when it, or a function
// it refers to, reads a variable of an enclosing function. That is found by a fixpoint over
// all functions (reach), because functions refer to each other recursively.
//
// # Registers
//
// Parameters come first (scalars from s0, references from r0, or r1 after the environment),
// then one register per local variable, the register holding the function's own
// environment, then temporaries, allocated and freed like a stack. A call's arguments are
// placed at the top of that stack.
package compile

import (
	"fmt"
	"strings"

	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
	"github.com/felixlet/felixlet/vm/code"
)

// Config adjusts the compiler to the machine it compiles for.
type Config struct {
	// IsBuiltin reports whether the machine has a Go builtin of this name; nil accepts all.
	IsBuiltin func(name string) bool
	// Session, for a REPL, makes the program one input of a session (see Session), and is
	// updated when the compilation succeeds.
	Session *Session
}

// Compile compiles a checked program. Every function outside a generic definition is
// compiled once; a generic function (with the functions nested in it) is compiled once per
// list of type arguments it is used with, since the types decide which registers hold what.
func Compile(p *ir.Program, cfg Config) (*code.Program, error) {
	c := &compiler{cfg: cfg, out: &code.Program{}, known: newKnown(), strs: p.Str, builtins: map[string]int{}}
	var main *instance
	if cfg.Session != nil {
		main = c.startSession(p.Main)
	} else {
		main = c.instance(p.Main, nil, nil) // function 0, where the machine starts
	}
	for _, f := range p.Funcs {
		if f == c.main {
			continue // in a session its variables are the session's
		}
		for _, v := range f.Vars {
			if v.Captured && !c.ownsEnv[f] {
				c.ownsEnv[f] = true
				c.journal = append(c.journal, func() { delete(c.ownsEnv, f) })
			}
		}
	}
	c.computeReach(p.Funcs)
	roots := map[*ir.Func]*instance{p.Main: main}
	for _, f := range p.Funcs {
		if roots[f] != nil {
			continue
		}
		if generic(f) {
			continue
		}
		parent := (*instance)(nil)
		if f.Parent != nil {
			parent = roots[f.Parent]
		}
		roots[f] = c.instance(f, parent, nil)
	}
	for len(c.queue) > 0 {
		inst := c.queue[0]
		c.queue = c.queue[1:]
		if err := c.function(inst); err != nil {
			c.undo()
			return nil, err
		}
	}
	c.journal = nil
	if c.session != nil {
		c.session.funcs += len(c.out.Funcs)
		c.session.builtins = c.out.Builtins
		c.session.compiled = len(p.Main.Body)
		*cfg.Session = *c.session
	}
	return c.out, nil
}

// known is what the compiler knows of the functions it has compiled, which a session keeps
// from one input to the next so that an input compiles only what it adds.
type known struct {
	instances map[instKey]*instance // every instance made, by what distinguishes it
	// reach[f] is how many levels of lexical nesting above f the variables reached
	// through f's closure environment go: 0 means f needs no environment.
	reach   map[*ir.Func]int
	ownsEnv map[*ir.Func]bool // the function has captured variables, so makes an environment
	// journal undoes what the compilation under way added, should it fail: one function per
	// addition.
	journal []func()
}

func newKnown() *known {
	return &known{instances: map[instKey]*instance{}, reach: map[*ir.Func]int{}, ownsEnv: map[*ir.Func]bool{}}
}

// undo forgets what the compilation under way added.
func (k *known) undo() {
	for i := len(k.journal) - 1; i >= 0; i-- {
		k.journal[i]()
	}
	k.journal = nil
}

// generic reports whether f is, or is nested in, a generic definition.
func generic(f *ir.Func) bool {
	for ; f != nil; f = f.Parent {
		if len(f.TypeParams) > 0 {
			return true
		}
	}
	return false
}

type compiler struct {
	cfg      Config
	out      *code.Program
	*known                       // the instances, reaches and environments known (a session's, in a REPL)
	queue    []*instance         // instances made but not yet compiled
	builtins map[string]int      // builtin name -> its index in out.Builtins
	session  *Session            // a copy of Config.Session, updated as the compilation goes
	main     *ir.Func            // the mainline, in a session
	strs     map[string]*ir.Func // the str the program defines for a struct or variant, by type
	base     int                 // the number of the first function compiled here
}

// instance is one compiled copy of a function: the function with its type parameters (and
// its enclosing functions') bound.
type instance struct {
	fn       *ir.Func
	parent   *instance        // the instance of fn.Parent this one was made in, or nil
	sub      subst            // the types bound to the type parameters in scope
	index    int              // its index in the program's functions
	envHomes map[*ir.Var]home // the environment slots of its captured variables
	envShape code.Layout      // the shape of its environment
}

// instKey identifies an instance: the function, the instance it is nested in, and its own
// type arguments.
type instKey struct {
	fn     *ir.Func
	parent *instance
	args   string
}

// subst maps type parameters (by ID) to the types they stand for in an instance.
type subst map[int]types.Type

// key is the text of the types bound to g's own type parameters.
func (s subst) key(g *ir.Func) string {
	var b strings.Builder
	for _, p := range g.TypeParams {
		if t, ok := s[p.ID]; ok {
			b.WriteString(t.String())
		}
	}
	return b.String()
}

// apply gives t the types of the instance.
func (s subst) apply(t types.Type) types.Type {
	if len(s) == 0 || t == nil {
		return t
	}
	return types.Map(t, func(v *types.Var) types.Type {
		if b, ok := s[v.ID]; ok {
			return b
		}
		return v
	})
}

// instance returns (making and queueing it the first time) the instance of f nested in
// parent with f's own type parameters bound to args (already in concrete types).
func (c *compiler) instance(f *ir.Func, parent *instance, args []types.Type) *instance {
	var key strings.Builder
	for _, a := range args {
		key.WriteString(a.String())
		key.WriteString(";")
	}
	k := instKey{fn: f, parent: parent, args: key.String()}
	if inst := c.instances[k]; inst != nil {
		return inst
	}
	sub := subst{}
	name := f.Name
	if parent != nil {
		for id, t := range parent.sub {
			sub[id] = t
		}
	}
	for i, p := range f.TypeParams {
		sub[p.ID] = args[i]
	}
	if len(args) > 0 {
		name += "[" + strings.TrimSuffix(strings.ReplaceAll(key.String(), ";", ", "), ", ") + "]"
	}
	inst := &instance{fn: f, parent: parent, sub: sub, index: c.base + len(c.out.Funcs)}
	inst.layOutEnv()
	c.instances[k] = inst
	c.journal = append(c.journal, func() { delete(c.instances, k) })
	c.out.Funcs = append(c.out.Funcs, &code.Func{Name: name, File: f.Pos.File, Index: inst.index})
	c.queue = append(c.queue, inst)
	return inst
}

// layOutEnv gives the instance's captured variables their slots in its environment.
func (inst *instance) layOutEnv() {
	inst.envHomes = map[*ir.Var]home{}
	for _, v := range inst.fn.Vars {
		switch k := kindOf(inst.sub.apply(v.Type)); {
		case !v.Captured || k == kNone:
		case k == kS:
			inst.envHomes[v] = home{k: kS, inEnv: true, i: inst.envShape.NS}
			inst.envShape.NS++
		default:
			inst.envHomes[v] = home{k: kR, inEnv: true, i: inst.envShape.NR}
			inst.envShape.NR++
		}
	}
}

// ancestor returns the instance of f among inst and the instances enclosing it.
func (inst *instance) ancestor(f *ir.Func) *instance {
	for i := inst; i != nil; i = i.parent {
		if i.fn == f {
			return i
		}
	}
	return nil
}

// maxInstanceType bounds the text of an instance's type arguments: a function whose
// instances need ever larger types (polymorphic recursion, f[T] calling f[T * T]) would
// otherwise be instantiated forever.
const maxInstanceType = 1000

// instanceFor returns the instance that a reference to g (with type arguments args,
// written in the types of inst) in the body of inst denotes.
func (c *compiler) instanceFor(inst *instance, g *ir.Func, args []types.Type) *instance {
	parent := (*instance)(nil)
	if g.Parent != nil {
		parent = inst.ancestor(g.Parent)
	}
	concrete := make([]types.Type, len(args))
	for i, a := range args {
		concrete[i] = inst.sub.apply(a)
	}
	return c.instance(g, parent, concrete)
}

func depth(f *ir.Func) int {
	d := 0
	for ; f.Parent != nil; f = f.Parent {
		d++
	}
	return d
}

// computeReach finds, for every function, how far up its closure environment must reach.
func (c *compiler) computeReach(funcs []*ir.Func) {
	for changed := true; changed; {
		changed = false
		for _, f := range funcs {
			if f == c.main {
				continue // the session's mainline reaches nothing: the environment is its own
			}
			r := c.reachOf(f)
			if old, had := c.reach[f]; r > old {
				c.reach[f] = r
				c.journal = append(c.journal, func() {
					if had {
						c.reach[f] = old
					} else {
						delete(c.reach, f)
					}
				})
				changed = true
			}
		}
	}
}

// reachOf is one step of the fixpoint: the reach f's body needs given the current estimates.
func (c *compiler) reachOf(f *ir.Func) int {
	if f.Parent == nil {
		return 0 // nothing encloses it: there is nothing to reach
	}
	df := depth(f)
	best := 0
	note := func(owner *ir.Func, extra int) {
		// owner is f or an ancestor: reaching it from f is df - depth(owner) levels.
		if d := df - depth(owner) + extra; d > best {
			best = d
		}
	}
	walkFunc(f, func(e ir.Expr) {
		switch e := e.(type) {
		case *ir.Local:
			if e.Var.Owner != f {
				note(e.Var.Owner, 0)
			}
		case *ir.FuncValue:
			c.noteFuncRef(e.Func, note)
		case *ir.CallFunc:
			c.noteFuncRef(e.Func, note)
		}
	})
	return best
}

// noteFuncRef accounts for making a closure of (or calling) g: g's environment is its
// parent's, and g reaches reach(g) levels above itself, that is reach(g)-1 above its parent.
func (c *compiler) noteFuncRef(g *ir.Func, note func(*ir.Func, int)) {
	if r := c.reach[g]; r > 0 && g.Parent != nil {
		note(g.Parent, r-1)
	}
}

// needsEnv reports whether f receives its closure's environment in r0 (in a session the
// mainline receives the session environment there).
func (c *compiler) needsEnv(f *ir.Func) bool { return c.reach[f] > 0 || f == c.main }

// startSession compiles the program as the next input of the configured session: every
// variable of the mainline lives in the session environment, the mainline's code is its
// statements not compiled before, and what earlier inputs compiled is known. It returns the
// mainline's instance, which is the session's, given the number of this input's mainline.
func (c *compiler) startSession(main *ir.Func) *instance {
	c.session, c.main, c.base = c.cfg.Session.next(), main, c.cfg.Session.funcs
	c.known = c.session.known
	for _, b := range c.session.builtins {
		c.builtins[b] = len(c.out.Builtins)
		c.out.Builtins = append(c.out.Builtins, b)
	}
	for _, v := range main.Vars[c.session.vars:] {
		v.Captured = true
	}
	c.ownsEnv[main] = true
	inst := c.session.main
	if inst == nil {
		inst = &instance{fn: main, sub: subst{}}
		c.session.main = inst
	}
	inst.index, inst.envHomes = c.base, c.session.homes(main, c.known)
	c.out.Funcs = append(c.out.Funcs, &code.Func{Name: main.Name, File: main.Pos.File, Index: inst.index})
	c.queue = append(c.queue, inst)
	return inst
}

// builtin returns the index of a named Go builtin.
func (c *compiler) builtin(name string) (int, error) {
	if i, ok := c.builtins[name]; ok {
		return i, nil
	}
	if c.cfg.IsBuiltin != nil && !c.cfg.IsBuiltin(name) {
		return 0, fmt.Errorf("the machine has no builtin %q", name)
	}
	i := len(c.out.Builtins)
	c.out.Builtins = append(c.out.Builtins, name)
	c.builtins[name] = i
	return i, nil
}

// ---- walking the ir ---------------------------------------------------------------------------

// walkFunc calls visit on every expression in f's body (not in nested functions' bodies).
func walkFunc(f *ir.Func, visit func(ir.Expr)) {
	walkStmts(f.Body, visit)
}

func walkStmts(ss []ir.Stmt, visit func(ir.Expr)) {
	for _, s := range ss {
		switch s := s.(type) {
		case *ir.Decl:
			walkExpr(s.Init, visit)
		case *ir.Destructure:
			walkExpr(s.Init, visit)
		case *ir.Assign:
			visit(&ir.Local{P: s.P, Var: s.Var})
			walkExpr(s.Value, visit)
		case *ir.ExprStmt:
			walkExpr(s.X, visit)
		case *ir.If:
			walkExpr(s.Cond, visit)
			walkStmts(s.Then, visit)
			walkStmts(s.Else, visit)
		case *ir.Loop:
			walkExpr(s.Cond, visit)
			walkStmts(s.Body, visit)
			walkStmts(s.Step, visit)
		case *ir.Return:
			walkExpr(s.Value, visit)
		case *ir.Halt:
			walkExpr(s.Msg, visit)
		case *ir.Store:
			walkExpr(s.Ptr, visit)
			walkExpr(s.Value, visit)
		case *ir.Yield:
			walkExpr(s.Value, visit)
		case *ir.GotoLabel:
			walkExpr(s.Target, visit)
		case *ir.Select:
			for _, a := range s.Arms {
				walkExpr(a.Chan, visit)
				walkExpr(a.Value, visit)
				if a.Var != nil {
					visit(&ir.Local{P: a.P, Var: a.Var})
				}
				walkStmts(a.Body, visit)
			}
			walkStmts(s.Else, visit)
		}
	}
}

func walkExpr(e ir.Expr, visit func(ir.Expr)) {
	if e == nil {
		return
	}
	visit(e)
	switch e := e.(type) {
	case *ir.Call:
		walkExpr(e.Fn, visit)
		for _, a := range e.Args {
			walkExpr(a, visit)
		}
	case *ir.CallFunc:
		for _, a := range e.Args {
			walkExpr(a, visit)
		}
	case *ir.CallPrim:
		for _, a := range e.Args {
			walkExpr(a, visit)
		}
	case *ir.Tuple:
		for _, a := range e.Elems {
			walkExpr(a, visit)
		}
	case *ir.Record:
		for _, a := range e.Fields {
			walkExpr(a, visit)
		}
	case *ir.Proj:
		walkExpr(e.X, visit)
	case *ir.Cond:
		walkExpr(e.Cond, visit)
		walkExpr(e.Then, visit)
		walkExpr(e.Else, visit)
	case *ir.Logic:
		walkExpr(e.L, visit)
		walkExpr(e.R, visit)
	case *ir.Let:
		visit(&ir.Local{P: e.P, Var: e.Var})
		walkExpr(e.Init, visit)
		walkExpr(e.Body, visit)
	case *ir.MakeVariant:
		for _, a := range e.Args {
			walkExpr(a, visit)
		}
	case *ir.VariantTest:
		walkExpr(e.X, visit)
	case *ir.VariantField:
		walkExpr(e.X, visit)
	case *ir.AddrOf:
		visit(&ir.Local{P: e.P, Var: e.Var})
	case *ir.Deref:
		walkExpr(e.Ptr, visit)
	}
}
