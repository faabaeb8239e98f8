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

	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/vm/code"
)

// Config adjusts the compiler to the machine it compiles for.
type Config struct {
	// IsBuiltin reports whether the machine has a Go builtin of this name; nil accepts all.
	IsBuiltin func(name string) bool
}

// Compile compiles a checked program.
func Compile(p *ir.Program, cfg Config) (*code.Program, error) {
	c := &compiler{cfg: cfg, out: &code.Program{}, index: map[*ir.Func]int{},
		builtins: map[string]int{}, reach: map[*ir.Func]int{}, ownsEnv: map[*ir.Func]bool{},
		envHomes: map[*ir.Var]home{}, envLayouts: map[*ir.Func]code.Layout{}}
	for _, f := range p.Funcs {
		c.index[f] = len(c.out.Funcs)
		c.out.Funcs = append(c.out.Funcs, &code.Func{Name: f.Name, File: f.Pos.File, Index: len(c.out.Funcs)})
	}
	for _, f := range p.Funcs {
		var l code.Layout
		for _, v := range f.Vars {
			switch k := kindOf(v.Type); {
			case !v.Captured || k == kNone:
			case k == kS:
				c.envHomes[v] = home{k: kS, inEnv: true, i: l.NS}
				l.NS++
			default:
				c.envHomes[v] = home{k: kR, inEnv: true, i: l.NR}
				l.NR++
			}
		}
		if l.NS+l.NR > 0 {
			c.ownsEnv[f] = true
			c.envLayouts[f] = l
		}
	}
	c.computeReach(p.Funcs)
	for _, f := range p.Funcs {
		if err := c.function(f); err != nil {
			return nil, err
		}
	}
	return c.out, nil
}

type compiler struct {
	cfg      Config
	out      *code.Program
	index    map[*ir.Func]int // function -> its index in out.Funcs
	builtins map[string]int   // builtin name -> its index in out.Builtins
	// reach[f] is how many levels of lexical nesting above f the variables reached
	// through f's closure environment go: 0 means f needs no environment.
	reach      map[*ir.Func]int
	ownsEnv    map[*ir.Func]bool        // the function has captured variables, so makes an environment
	envHomes   map[*ir.Var]home         // the environment slot of every captured variable
	envLayouts map[*ir.Func]code.Layout // the shape of each function's environment
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
			r := c.reachOf(f)
			if r > c.reach[f] {
				c.reach[f] = r
				changed = true
			}
		}
	}
}

// reachOf is one step of the fixpoint: the reach f's body needs given the current estimates.
func (c *compiler) reachOf(f *ir.Func) int {
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

// needsEnv reports whether f receives its closure's environment in r0.
func (c *compiler) needsEnv(f *ir.Func) bool { return c.reach[f] > 0 }

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
	}
}
