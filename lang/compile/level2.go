package compile

import (
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
	"github.com/felixlet/felixlet/vm/code"
)

// Variants: a list is nil (Empty) or a cell with a head and a tail, an opt nil (None) or a
// box (Some), a declared variant a tag with its payload's elements laid out like a tuple's.

// makeVariant builds a variant value into dst.
func (fc *fnCompiler) makeVariant(e *ir.MakeVariant, dst reg) {
	mark := fc.mark()
	defer fc.release(mark)
	t := fc.typ(e.T).(*types.Variant)
	switch t.Def.Kind {
	case types.ListVariant:
		if e.Case == 0 {
			fc.emit(code.OpLoadNil, dst.i, 0, 0, 0)
			return
		}
		head := fc.valueReg(e.Args[0])
		tail := fc.expr(e.Args[1])
		fc.emit(byKind(t.Elem(), code.OpConsS, code.OpConsR, code.OpConsR), dst.i, head.i, tail.i, 0)
	case types.OptVariant:
		if e.Case == 0 {
			fc.emit(code.OpLoadNil, dst.i, 0, 0, 0)
			return
		}
		v := fc.valueReg(e.Args[0])
		fc.emit(byKind(t.Elem(), code.OpSomeS, code.OpSomeR, code.OpSomeR), dst.i, v.i, 0, 0)
	default:
		elems := t.PayloadElems(e.Case)
		l, _ := tupleShape(elems)
		l.Tag = e.Case
		sBase, rBase := fc.stop, fc.rtop
		regs := make([]reg, len(elems))
		for i, et := range elems {
			regs[i] = fc.newReg(kindOf(et))
		}
		for i, a := range e.Args {
			fc.exprInto(a, regs[i])
		}
		fc.emit(code.OpVariant, dst.i, sBase, rBase, fc.layout(l))
	}
}

// valueReg returns a register holding e's value; a unit value gets a register holding nil,
// so that Some () and a list of units have something to store.
func (fc *fnCompiler) valueReg(e ir.Expr) reg {
	if fc.kind(e.Type()) == kNone {
		fc.effect(e)
		r := fc.newReg(kR)
		fc.emit(code.OpLoadNil, r.i, 0, 0, 0)
		return r
	}
	return fc.expr(e)
}

// variantField reads an element of a constructor's payload into dst.
func (fc *fnCompiler) variantField(e *ir.VariantField, dst reg) {
	if dst.k == kNone {
		return
	}
	mark := fc.mark()
	defer fc.release(mark)
	x := fc.expr(e.X)
	t := fc.typ(e.X.Type()).(*types.Variant)
	switch t.Def.Kind {
	case types.ListVariant:
		if e.Index == 1 {
			fc.emit(code.OpTail, dst.i, x.i, 0, 0)
			return
		}
		fc.emit(byKind(t.Elem(), code.OpHeadS, code.OpHeadR, code.OpHeadR), dst.i, x.i, 0, 0)
	case types.OptVariant:
		fc.emit(byKind(t.Elem(), code.OpOptGetS, code.OpOptGetR, code.OpOptGetR), dst.i, x.i, 0, 0)
	default:
		_, slots := tupleShape(t.PayloadElems(e.Case))
		fc.emit(byKind(fc.typ(e.T), code.OpVarGetS, code.OpVarGetR, code.OpVarGetR), dst.i, x.i, slots[e.Index], 0)
	}
}

// addrOf makes a pointer to a variable, which lives in an environment.
func (fc *fnCompiler) addrOf(e *ir.AddrOf, dst reg) {
	h := fc.varHome(e.Var)
	op := code.OpAddrS
	if h.k == kR {
		op = code.OpAddrR
	}
	fc.emitEnv(op, dst.i, e.Var, h)
}

// ptrElemKind is where the variable a pointer points to keeps its value.
func (fc *fnCompiler) ptrElem(p ir.Expr) types.Type {
	return fc.typ(p.Type()).(*types.Ptr).Elem
}

func (fc *fnCompiler) deref(e *ir.Deref, dst reg) {
	if dst.k == kNone {
		fc.effect(e.Ptr)
		return
	}
	mark := fc.mark()
	defer fc.release(mark)
	p := fc.expr(e.Ptr)
	fc.emit(byKind(fc.ptrElem(e.Ptr), code.OpLoadPtrS, code.OpLoadPtrR, code.OpNop), dst.i, p.i, 0, 0)
}

func (fc *fnCompiler) store(s *ir.Store) {
	p := fc.expr(s.Ptr)
	if fc.kind(fc.ptrElem(s.Ptr)) == kNone {
		fc.effect(s.Value)
		return
	}
	v := fc.expr(s.Value)
	fc.emit(byKind(fc.ptrElem(s.Ptr), code.OpStorePtrS, code.OpStorePtrR, code.OpNop), v.i, p.i, 0, 0)
}

// yield gives a value to the generator's caller. The next call resumes just after it, with
// new arguments in the argument registers: the parameters that live elsewhere take them.
func (fc *fnCompiler) yield(s *ir.Yield) {
	if fc.kind(s.Value.Type()) == kNone {
		fc.effect(s.Value)
		fc.emit(code.OpYield0, 0, 0, 0, 0)
	} else {
		v := fc.expr(s.Value)
		fc.emit(byKind(fc.typ(s.Value.Type()), code.OpYieldS, code.OpYieldR, code.OpYield0), v.i, 0, 0, 0)
	}
	fc.bindParams()
}

// channelOf puts in a register the channel that a read or write on e uses: e itself, or
// the right channel of a duplex end.
func (fc *fnCompiler) channelOf(e ir.Expr, write bool) reg {
	ch := fc.expr(e)
	if _, ok := fc.typ(e.Type()).(*types.Duplex); !ok {
		return ch
	}
	r := fc.newReg(kR)
	op := code.OpDuplexIn
	if write {
		op = code.OpDuplexOut
	}
	fc.emit(op, r.i, ch.i, 0, 0)
	return r
}

// duplexPair makes two ends of a duplex channel: the server end reads what the client end
// writes, and the other way round.
func (fc *fnCompiler) duplexPair(e *ir.CallPrim, dst reg) {
	c1, c2 := fc.newReg(kR), fc.newReg(kR)
	fc.emit(code.OpMkChan, c1.i, 0, 0, 0)
	fc.emit(code.OpMkChan, c2.i, 0, 0, 0)
	server, client := fc.newReg(kR), fc.newReg(kR)
	fc.emit(code.OpDuplex, server.i, c1.i, c2.i, 0)
	fc.emit(code.OpDuplex, client.i, c2.i, c1.i, 0)
	fc.move(dst, fc.tupleFrom(e.T, []reg{server, client}))
}
