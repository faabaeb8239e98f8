package compile

import (
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/vm/code"
)

// Level 4 channels: buffered channels, polling, close, acknowledged sends and select. The
// machine decides at run time what kind a channel is, so each primitive is one instruction
// whatever the static type of the end it is given.

// channelEmitters compiles the Level 4 primitives (prims.go adds them to emitters).
func channelEmitters() map[string]emitter {
	return map[string]emitter{
		"mk_buffered_channel": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			n := fc.expr(e.Args[0])
			fc.emit(code.OpMkBufChan, dst.i, n.i, 0, 0)
		},
		"mk_buffered_ioschannel_pair": (*fnCompiler).channelPair,
		"ready_to_read":               channelOp(code.OpReadyRead, false),
		"ready_to_write":              channelOp(code.OpReadyWrite, true),
		"try_read":                    channelOp(code.OpTryRead, false),
		"read_opt":                    channelOp(code.OpReadOpt, false),
		"is_closed":                   channelOp(code.OpIsClosed, false),
		"close": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			ch := fc.expr(e.Args[0])
			fc.emit(code.OpClose, 0, ch.i, 0, 0)
			fc.name(ch, e.Args[0])
		},
		"try_write": valueOp(code.OpTryWriteS, code.OpTryWriteR, code.OpTryWrite),
		"send":      valueOp(code.OpSendS, code.OpSendR, code.OpSend),
		"completed": func(fc *fnCompiler, e *ir.CallPrim, dst reg) { fc.op2(code.OpCompleted, e, dst) },
		"await":     func(fc *fnCompiler, e *ir.CallPrim, dst reg) { fc.op2(code.OpAwait, e, dst) },
	}
}

// channelPair compiles mk_ioschannel_pair and mk_buffered_ioschannel_pair: one channel,
// both ends of which are the pair.
func (fc *fnCompiler) channelPair(e *ir.CallPrim, dst reg) {
	ch := fc.newChannel(e)
	fc.move(dst, fc.tupleFrom(e.T, []reg{ch, ch}))
}

// newChannel makes the channel a channel-making primitive asks for (mk_ioschannel_pair or
// mk_buffered_ioschannel_pair) and returns its register.
func (fc *fnCompiler) newChannel(e *ir.CallPrim) reg {
	ch := fc.newReg(kR)
	if e.Prim == "mk_buffered_ioschannel_pair" {
		n := fc.expr(e.Args[0])
		fc.emit(code.OpMkBufChan, ch.i, n.i, 0, 0)
	} else {
		fc.emit(code.OpMkChan, ch.i, 0, 0, 0)
	}
	return ch
}

// channelOp compiles a primitive of one channel end into op: the result in A, the channel
// (the end of a duplex channel that writes, or reads) in B.
func channelOp(op code.Op, write bool) emitter {
	return func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
		ch := fc.channelOf(e.Args[0], write)
		fc.emit(op, dst.i, ch.i, 0, 0)
		fc.name(ch, e.Args[0])
	}
}

// valueOp compiles a primitive of a write end and a value into one of three instructions
// by the value's kind: the value in A, the channel in B, the result in C.
func valueOp(s, r, none code.Op) emitter {
	return func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
		ch := fc.channelOf(e.Args[0], true)
		v := fc.expr(e.Args[1])
		fc.emit(byKind(fc.typ(e.Args[1].Type()), s, r, none), v.i, ch.i, dst.i, 0)
		fc.name(ch, e.Args[0])
	}
}

// selectStmt compiles a select: the channels and the values of its arms, left to right,
// then the select and its arms, the else (which the select runs when no arm is ready),
// and each arm's statements, which begin by binding what it read.
//
//	      SELECT  (else?) #n
//	      ARM...  value/dst, channel ->body1
//	      ...                               (n arms)
//	      else statements; JUMP end
//	body1: bind; statements; JUMP end
//	...
//	end:
func (fc *fnCompiler) selectStmt(s *ir.Select) {
	type operands struct{ v, ch reg }
	ops := make([]operands, len(s.Arms))
	for i, a := range s.Arms {
		switch a.Op {
		case ir.SelectAfter:
			ops[i].v = fc.expr(a.Value)
		case ir.SelectWrite:
			ops[i].ch = fc.channelOf(a.Chan, true)
			ops[i].v = fc.expr(a.Value)
		case ir.SelectRead:
			ops[i].ch = fc.channelOf(a.Chan, false)
			ops[i].v = fc.newReg(fc.kind(a.ValueType))
		case ir.SelectReadOpt:
			ops[i].ch = fc.channelOf(a.Chan, false)
			ops[i].v = fc.newReg(kR)
		}
	}
	hasElse := 0
	if s.Else != nil {
		hasElse = 1
	}
	fc.emit(code.OpSelect, 0, hasElse, 0, len(s.Arms))
	arms := make([]int, len(s.Arms))
	for i, a := range s.Arms {
		var op code.Op
		switch a.Op {
		case ir.SelectAfter:
			op = code.OpArmAfter
		case ir.SelectWrite:
			op = byKind(fc.typ(a.ValueType), code.OpArmWriteS, code.OpArmWriteR, code.OpArmWrite)
		case ir.SelectRead:
			op = byKind(fc.typ(a.ValueType), code.OpArmReadS, code.OpArmReadR, code.OpArmRead)
		case ir.SelectReadOpt:
			op = code.OpArmReadOpt
		}
		arms[i] = fc.emit(op, ops[i].v.i, ops[i].ch.i, 0, 0)
		if a.Chan != nil {
			fc.name(ops[i].ch, a.Chan)
		}
	}
	var ends []int
	if s.Else != nil {
		fc.stmts(s.Else)
		ends = append(ends, fc.emit(code.OpJump, 0, 0, 0, 0))
	}
	for i, a := range s.Arms {
		fc.out.Code[arms[i]].K = int32(fc.pc())
		saved := fc.at(a.P)
		if a.Var != nil {
			fc.storeVar(a.Var, ops[i].v)
		}
		fc.pos = saved
		fc.stmts(a.Body)
		if i < len(s.Arms)-1 {
			ends = append(ends, fc.emit(code.OpJump, 0, 0, 0, 0))
		}
	}
	fc.patch(ends...)
}
