package compile

import (
	"math"

	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
	"github.com/felixlet/felixlet/vm/code"
)

// expr returns a register holding e's value. It may be a variable's own register, which
// the caller must not write.
func (fc *fnCompiler) expr(e ir.Expr) reg {
	if l, ok := e.(*ir.Local); ok {
		return fc.loadVar(l.Var)
	}
	r := fc.temp(e.Type())
	fc.exprInto(e, r)
	return r
}

// effect evaluates e for its effects only.
func (fc *fnCompiler) effect(e ir.Expr) {
	switch e.(type) {
	case *ir.Const, *ir.Local, *ir.FuncValue:
		return
	}
	mark := fc.mark()
	fc.exprInto(e, fc.temp(e.Type()))
	fc.release(mark)
}

// exprInto computes e into dst (noReg for values that need no register).
func (fc *fnCompiler) exprInto(e ir.Expr, dst reg) {
	saved := fc.at(e.Pos())
	defer func() { fc.pos = saved }()
	switch e := e.(type) {
	case *ir.Const:
		fc.constInto(e, dst)
	case *ir.Local:
		fc.loadVarInto(e.Var, dst)
	case *ir.FuncValue:
		fc.closureInto(e.Func, e.TypeArgs, dst)
	case *ir.CallFunc:
		fc.callFunc(e, dst)
	case *ir.Call:
		fc.callClosure(e, dst)
	case *ir.CallPrim:
		fc.prim(e, dst)
	case *ir.Tuple:
		fc.aggregate(e.Elems, nil, e.T, dst)
	case *ir.Record:
		fc.aggregate(e.Fields, e.Order, e.T, dst)
	case *ir.Proj:
		mark := fc.mark()
		x := fc.expr(e.X)
		_, slots := tupleShape(elemTypes(fc.typ(e.X.Type())))
		switch dst.k {
		case kS:
			fc.emit(code.OpGetS, dst.i, x.i, slots[e.Index], 0)
			fc.name(x, e.X)
		case kR:
			fc.emit(code.OpGetR, dst.i, x.i, slots[e.Index], 0)
			fc.name(x, e.X)
		}
		fc.release(mark)
	case *ir.Cond:
		elseJumps := fc.condJump(e.Cond, false)
		fc.exprInto(e.Then, dst)
		end := fc.emit(code.OpJump, 0, 0, 0, 0)
		fc.patch(elseJumps...)
		fc.exprInto(e.Else, dst)
		fc.patch(end)
	case *ir.Logic:
		falseJumps := fc.condJump(e, false)
		fc.emit(code.OpLoadI, dst.i, 0, 0, 1)
		end := fc.emit(code.OpJump, 0, 0, 0, 0)
		fc.patch(falseJumps...)
		fc.emit(code.OpLoadI, dst.i, 0, 0, 0)
		fc.patch(end)
	case *ir.Let:
		fc.assign(e.Var, e.Init)
		fc.exprInto(e.Body, dst)
	case *ir.MakeVariant:
		fc.makeVariant(e, dst)
	case *ir.VariantTest:
		mark := fc.mark()
		x := fc.expr(e.X)
		declared := 0
		if t, ok := fc.typ(e.X.Type()).(*types.Variant); ok && t.Def.Kind == types.UserVariant {
			declared = 1
		}
		fc.emit(code.OpTestTag, dst.i, x.i, declared, e.Case)
		fc.name(x, e.X)
		fc.release(mark)
	case *ir.VariantField:
		fc.variantField(e, dst)
	case *ir.MatchFail:
		fc.emit(code.OpMatchFail, 0, 0, 0, 0)
	case *ir.AddrOf:
		fc.addrOf(e, dst)
	case *ir.LabelAddr:
		pc := fc.emit(code.OpLoadKS, dst.i, 0, 0, 0)
		fc.labelVals[e.Label] = append(fc.labelVals[e.Label], pc)
	case *ir.Deref:
		fc.deref(e, dst)
	}
}

func (fc *fnCompiler) constInto(e *ir.Const, dst reg) {
	switch v := e.Value.(type) {
	case int64:
		fc.loadScalar(dst, uint64(v))
	case float64:
		fc.emit(code.OpLoadKS, dst.i, 0, 0, fc.kScalar(math.Float64bits(v)))
	case bool:
		b := 0
		if v {
			b = 1
		}
		fc.emit(code.OpLoadI, dst.i, 0, 0, b)
	case byte:
		fc.emit(code.OpLoadI, dst.i, 0, 0, int(v))
	case string:
		fc.emit(code.OpLoadKR, dst.i, 0, 0, fc.kString(v))
	}
}

// aggregate builds a tuple or record from its elements (evaluated in order, or in the order
// given by order).
func (fc *fnCompiler) aggregate(elems []ir.Expr, order []int, t types.Type, dst reg) {
	mark := fc.mark()
	et := elemTypes(fc.typ(t))
	l, _ := tupleShape(et)
	sBase, rBase := fc.stop, fc.rtop
	regs := make([]reg, len(elems))
	for i, e := range et {
		regs[i] = fc.newReg(kindOf(e))
	}
	if order == nil {
		for i := range elems {
			order = append(order, i)
		}
	}
	for _, i := range order {
		fc.exprInto(elems[i], regs[i])
	}
	fc.emit(code.OpTuple, dst.i, sBase, rBase, fc.layout(l))
	fc.release(mark)
}

// envFor returns the register holding the environment a closure of g is made over (or
// NoReg when g needs none), filling a temporary if it has to climb the chain.
func (fc *fnCompiler) envFor(g *ir.Func) int {
	if !fc.c.needsEnv(g) || g.Parent == nil {
		return code.NoReg
	}
	if g.Parent == fc.fn {
		if fc.ownEnv >= 0 {
			return fc.ownEnv
		}
		fc.incomingUsed = true
		return 0 // our own incoming environment
	}
	// The nearest function at or above g's parent that owns an environment.
	e := g.Parent
	for e != nil && !fc.c.ownsEnv[e] {
		e = e.Parent
	}
	if e == nil {
		return code.NoReg
	}
	if e == fc.fn {
		return fc.ownEnv
	}
	_, levels := fc.envPath(e)
	if levels == 0 {
		return 0
	}
	r := fc.newReg(kR)
	fc.emit(code.OpEnvUp, r.i, 0, 0, levels)
	return r.i
}

func (fc *fnCompiler) closureInto(g *ir.Func, typeArgs []types.Type, dst reg) {
	mark := fc.mark()
	env := fc.envFor(g)
	fc.emit(code.OpClosure, dst.i, env, 0, fc.instanceFor(g, typeArgs).index)
	fc.release(mark)
}

// args places a call's arguments above the stack top: scalars after the header slots,
// references after skip reserved slots, laid out as argTypes(dom) says, dom being the
// callee's domain in this instance's types. It returns the bases.
func (fc *fnCompiler) args(dom types.Type, args []ir.Expr, header, skip int) (sBase, rBase int) {
	sBase, rBase = fc.stop, fc.rtop
	for i := 0; i < header; i++ {
		fc.newReg(kS)
	}
	for i := 0; i < skip; i++ {
		fc.newReg(kR)
	}
	ats := argTypes(dom)
	regs := make([]reg, len(ats))
	for i, t := range ats {
		regs[i] = fc.newReg(kindOf(t))
	}
	if len(args) == len(ats) {
		for i, a := range args {
			fc.exprInto(a, regs[i])
		}
		return sBase, rBase
	}
	// The checker saw one argument of a type parameter that this instance binds to a tuple
	// (or to unit): the callee takes the tuple's elements.
	fc.spread(args[0], regs)
	return sBase, rBase
}

// spread evaluates the tuple e and copies its elements into regs.
func (fc *fnCompiler) spread(e ir.Expr, regs []reg) {
	mark := fc.mark()
	defer fc.release(mark)
	if len(regs) == 0 {
		fc.effect(e)
		return
	}
	t := fc.expr(e)
	_, slots := tupleShape(elemTypes(fc.typ(e.Type())))
	for i, r := range regs {
		switch r.k {
		case kS:
			fc.emit(code.OpGetS, r.i, t.i, slots[i], 0)
		case kR:
			fc.emit(code.OpGetR, r.i, t.i, slots[i], 0)
		}
	}
}

func (fc *fnCompiler) callFunc(e *ir.CallFunc, dst reg) {
	mark := fc.mark()
	g := e.Func
	inst := fc.instanceFor(g, e.TypeArgs)
	skip := 0
	env := code.NoReg
	if fc.c.needsEnv(g) {
		env = fc.envFor(g)
		skip = 1
	}
	var dom types.Type = types.UnitType
	if g.Type != nil {
		dom = inst.sub.apply(g.Type.Dom)
	}
	sBase, rBase := fc.args(dom, e.Args, 2, skip)
	if skip == 1 {
		fc.emit(code.OpMoveR, rBase, env, 0, 0)
	}
	fc.emit(code.OpCall, dst.i, sBase, rBase, inst.index)
	fc.release(mark)
}

func (fc *fnCompiler) callClosure(e *ir.Call, dst reg) {
	mark := fc.mark()
	clo := fc.expr(e.Fn)
	sBase, rBase := fc.args(fc.typ(e.Fn.Type()).(*types.Func).Dom, e.Args, 2, 1)
	fc.emit(code.OpCallClosure, dst.i, sBase, rBase, clo.i)
	fc.name(clo, e.Fn)
	fc.release(mark)
}

// condJump compiles a condition, returning the jumps (to patch) taken when it is
// jumpWhen.
func (fc *fnCompiler) condJump(e ir.Expr, jumpWhen bool) []int {
	switch e := e.(type) {
	case *ir.Const:
		if v, ok := e.Value.(bool); ok {
			if v == jumpWhen {
				return []int{fc.emit(code.OpJump, 0, 0, 0, 0)}
			}
			return nil
		}
	case *ir.Logic:
		// and: if jumping when false, either side false jumps; when true, skip unless both.
		if e.And != jumpWhen {
			return append(fc.condJump(e.L, jumpWhen), fc.condJump(e.R, jumpWhen)...)
		}
		skip := fc.condJump(e.L, !jumpWhen)
		jumps := fc.condJump(e.R, jumpWhen)
		fc.patch(skip...)
		return jumps
	case *ir.Let:
		// A match arm binds its variables, then tests its guard.
		fc.assign(e.Var, e.Init)
		return fc.condJump(e.Body, jumpWhen)
	case *ir.CallPrim:
		if e.Prim == "lnot" {
			return fc.condJump(e.Args[0], !jumpWhen)
		}
		if j, ok := fc.fusedCompare(e, jumpWhen); ok {
			return []int{j}
		}
	}
	mark := fc.mark()
	r := fc.expr(e)
	op := code.OpJumpIfNot
	if jumpWhen {
		op = code.OpJumpIf
	}
	j := fc.emit(op, r.i, 0, 0, 0)
	fc.release(mark)
	return []int{j}
}

// fusedCompare compiles an int comparison that decides a jump into one instruction.
func (fc *fnCompiler) fusedCompare(e *ir.CallPrim, jumpWhen bool) (int, bool) {
	if len(e.Args) != 2 || !isIntLike(fc.typ(e.Args[0].Type())) || !isIntLike(fc.typ(e.Args[1].Type())) {
		return 0, false
	}
	rel, ok := relations[e.Prim]
	if !ok {
		return 0, false
	}
	if !jumpWhen {
		rel = rel.negate()
	}
	mark := fc.mark()
	defer fc.release(mark)
	a := fc.expr(e.Args[0])
	if k, ok := smallConst(e.Args[1], math.MinInt32, math.MaxInt32); ok {
		lo, hi := code.SplitImm32(int32(k))
		return fc.emit(rel.immOp(), a.i, lo, hi, 0), true
	}
	b := fc.expr(e.Args[1])
	op, swap := rel.regOp()
	if swap {
		a, b = b, a
	}
	return fc.emit(op, a.i, b.i, 0, 0), true
}

// relation is an int comparison.
type relation int

const (
	relEq relation = iota
	relNe
	relLt
	relLe
	relGt
	relGe
)

var relations = map[string]relation{"eq": relEq, "ne": relNe, "lt": relLt, "le": relLe, "gt": relGt, "ge": relGe}

func (r relation) negate() relation {
	return [...]relation{relNe, relEq, relGe, relGt, relLe, relLt}[r]
}

func (r relation) immOp() code.Op {
	return [...]code.Op{code.OpJEqIK, code.OpJNeIK, code.OpJLtIK, code.OpJLeIK, code.OpJGtIK, code.OpJGeIK}[r]
}

// regOp returns the register form of a jump, and whether the operands must be swapped.
func (r relation) regOp() (code.Op, bool) {
	switch r {
	case relEq:
		return code.OpJEqI, false
	case relNe:
		return code.OpJNeI, false
	case relLt:
		return code.OpJLtI, false
	case relLe:
		return code.OpJLeI, false
	case relGt:
		return code.OpJLtI, true
	}
	return code.OpJLeI, true
}

func isIntLike(t types.Type) bool {
	return types.IsBasic(t, types.Int) || types.IsBasic(t, types.Char) || types.IsBasic(t, types.Bool)
}

// smallConst reports whether e is an int constant within [lo, hi].
func smallConst(e ir.Expr, lo, hi int64) (int64, bool) {
	c, ok := e.(*ir.Const)
	if !ok {
		return 0, false
	}
	var v int64
	switch x := c.Value.(type) {
	case int64:
		v = x
	case byte:
		v = int64(x)
	case bool:
		if x {
			v = 1
		}
	default:
		return 0, false
	}
	return v, v >= lo && v <= hi
}
