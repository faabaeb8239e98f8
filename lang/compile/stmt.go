package compile

import (
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
	"github.com/felixlet/felixlet/vm/code"
)

func (fc *fnCompiler) stmts(ss []ir.Stmt) {
	for _, s := range ss {
		fc.stmt(s)
	}
}

func (fc *fnCompiler) stmt(s ir.Stmt) {
	saved := fc.at(s.Pos())
	defer func() { fc.pos = saved }()
	mark := fc.mark()
	defer fc.release(mark)
	switch s := s.(type) {
	case *ir.Decl:
		if s.Init == nil {
			fc.zeroVar(s.Var)
			return
		}
		fc.assign(s.Var, s.Init)
	case *ir.Assign:
		fc.assign(s.Var, s.Value)
	case *ir.Destructure:
		fc.destructure(s)
	case *ir.ExprStmt:
		fc.effect(s.X)
	case *ir.If:
		elseJumps := fc.condJump(s.Cond, false)
		fc.stmts(s.Then)
		if len(s.Else) == 0 {
			fc.patch(elseJumps...)
			return
		}
		end := fc.emit(code.OpJump, 0, 0, 0, 0)
		fc.patch(elseJumps...)
		fc.stmts(s.Else)
		fc.patch(end)
	case *ir.Loop:
		fc.loop(s)
	case *ir.Break:
		j := fc.emit(code.OpJump, 0, 0, 0, 0)
		fc.loopJumps(s.Loop).breaks = append(fc.loopJumps(s.Loop).breaks, j)
	case *ir.Continue:
		j := fc.emit(code.OpJump, 0, 0, 0, 0)
		fc.loopJumps(s.Loop).continues = append(fc.loopJumps(s.Loop).continues, j)
	case *ir.Label:
		fc.labels[s] = fc.pc()
	case *ir.GotoLabel:
		r := fc.expr(s.Target)
		fc.emit(code.OpJumpLabel, r.i, 0, 0, 0)
	case *ir.Goto:
		j := fc.emit(code.OpJump, 0, 0, 0, 0)
		fc.gotos[s.Label] = append(fc.gotos[s.Label], j)
	case *ir.Return:
		fc.ret(s)
	case *ir.Halt:
		r := fc.expr(s.Msg)
		fc.emit(code.OpHalt, r.i, 0, 0, 0)
	case *ir.Store:
		fc.store(s)
	case *ir.Yield:
		fc.yield(s)
	case *ir.Select:
		fc.selectStmt(s)
	}
}

func (fc *fnCompiler) loopJumps(l *ir.Loop) *loopJumps {
	j := fc.loops[l]
	if j == nil {
		j = &loopJumps{}
		fc.loops[l] = j
	}
	return j
}

// loop compiles a loop with its test at the bottom, so that each iteration runs one jump:
//
//	      goto test            (only when there is a test)
//	body: body
//	step: step                 (continue comes here)
//	test: if cond goto body    (or goto body, for a loop without a test)
//	                           (break comes here)
func (fc *fnCompiler) loop(l *ir.Loop) {
	var entry int
	if l.Cond != nil {
		entry = fc.emit(code.OpJump, 0, 0, 0, 0)
	}
	body := fc.pc()
	fc.stmts(l.Body)
	jumps := fc.loopJumps(l)
	fc.patch(jumps.continues...)
	fc.stmts(l.Step)
	if l.Cond == nil {
		fc.emit(code.OpJump, 0, 0, 0, body)
	} else {
		fc.patch(entry)
		saved := fc.at(l.P)
		for _, j := range fc.condJump(l.Cond, true) {
			fc.out.Code[j].K = int32(body)
		}
		fc.pos = saved
	}
	fc.patch(jumps.breaks...)
}

func (fc *fnCompiler) ret(s *ir.Return) {
	if s.Value == nil || fc.kind(s.Value.Type()) == kNone {
		if s.Value != nil {
			fc.effect(s.Value)
		}
		fc.emitReturn(code.OpReturn, 0)
		return
	}
	fc.retValue(s.Value)
}

// retValue returns the value of e. A conditional returns from each branch: a call in a
// branch is then in tail position, and neither branch jumps to a shared return.
func (fc *fnCompiler) retValue(e ir.Expr) {
	if c, ok := e.(*ir.Cond); ok {
		elseJumps := fc.condJump(c.Cond, false)
		fc.retValue(c.Then)
		fc.patch(elseJumps...)
		fc.retValue(c.Else)
		return
	}
	mark := fc.mark()
	r := fc.expr(e)
	if r.k == kS {
		fc.emitReturn(code.OpReturnS, r.i)
	} else {
		fc.emitReturn(code.OpReturnR, r.i)
	}
	fc.release(mark)
}

// assign stores the value of e in v.
func (fc *fnCompiler) assign(v *ir.Var, e ir.Expr) {
	fc.alias(v, e)
	if p, ok := e.(*ir.CallPrim); ok && p.Prim == "add" && len(p.Args) == 2 {
		if l, ok := p.Args[0].(*ir.Local); ok && l.Var == v && types.IsBasic(fc.typ(v.Type), types.String) {
			fc.appends[p] = true // s = s + x: the string may grow in place
		}
	}
	h := fc.varHome(v)
	if h.k == kNone {
		fc.effect(e)
		return
	}
	if !h.inEnv && safeInto(e) {
		fc.exprInto(e, reg{h.k, h.i})
		return
	}
	fc.storeVar(v, fc.expr(e))
}

// safeInto reports whether e can be computed directly into a variable's register: its
// operands are all read before the register is written.
func safeInto(e ir.Expr) bool {
	switch e := e.(type) {
	case *ir.Cond, *ir.Logic:
		return false
	case *ir.Let:
		return safeInto(e.Body)
	}
	return true
}

// zeroVar gives v the zero value of its type.
func (fc *fnCompiler) zeroVar(v *ir.Var) {
	if fc.kind(v.Type) == kNone {
		return
	}
	fc.storeVar(v, fc.zero(v.Type))
}

// zero returns a temporary holding the zero value of t.
func (fc *fnCompiler) zero(t types.Type) reg {
	t = fc.typ(t)
	r := fc.temp(t)
	switch {
	case r.k == kS:
		fc.emit(code.OpLoadI, r.i, 0, 0, 0)
	case types.IsBasic(t, types.String):
		fc.emit(code.OpLoadKR, r.i, 0, 0, fc.kString(""))
	default:
		if elems := elemTypes(t); elems != nil {
			var regs []reg
			for _, e := range elems {
				regs = append(regs, fc.zero(e))
			}
			fc.move(r, fc.tupleFrom(t, regs))
		} else {
			fc.emit(code.OpLoadNil, r.i, 0, 0, 0)
		}
	}
	return r
}

// destructure initialises several variables from a tuple. A fresh channel pair needs no
// tuple at all: both variables get the same channel.
func (fc *fnCompiler) destructure(s *ir.Destructure) {
	if p, ok := s.Init.(*ir.CallPrim); ok && (p.Prim == "mk_ioschannel_pair" || p.Prim == "mk_buffered_ioschannel_pair") && len(s.Vars) == 2 {
		ch := fc.newChannel(p)
		fc.storeVar(s.Vars[0], ch)
		fc.storeVar(s.Vars[1], ch)
		return
	}
	t := fc.expr(s.Init)
	_, slots := tupleShape(elemTypes(fc.typ(s.Init.Type())))
	for i, v := range s.Vars {
		k := fc.kind(v.Type)
		if k == kNone {
			continue
		}
		r := fc.newReg(k)
		op := code.OpGetS
		if k == kR {
			op = code.OpGetR
		}
		fc.emit(op, r.i, t.i, slots[i], 0)
		fc.name(t, s.Init)
		fc.storeVar(v, r)
	}
}
