package compile

import (
	"strings"

	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
	"github.com/felixlet/felixlet/vm/code"
)

// A primitive named in the library is compiled by the emitter of its name, which chooses
// instructions by the argument types. A primitive without an emitter is a Go builtin of
// the same name, called with its arguments.
type emitter func(fc *fnCompiler, e *ir.CallPrim, dst reg)

var emitters map[string]emitter

func init() {
	emitters = map[string]emitter{
		"add":  arith(code.OpAddI, code.OpAddD),
		"sub":  arith(code.OpSubI, code.OpSubD),
		"mul":  arith(code.OpMulI, code.OpMulD),
		"div":  arith(code.OpDivI, code.OpDivD),
		"mod":  arith(code.OpModI, code.OpNop),
		"neg":  unary(code.OpNegI, code.OpNegD),
		"eq":   compare(relEq),
		"ne":   compare(relNe),
		"lt":   compare(relLt),
		"le":   compare(relLe),
		"gt":   compare(relGt),
		"ge":   compare(relGe),
		"lnot": unary(code.OpNot, code.OpNot),

		"ord":           unary(code.OpOrd, code.OpNop),
		"chr":           unary(code.OpChr, code.OpNop),
		"int_of_double": unary(code.OpDoubleToInt, code.OpDoubleToInt),
		"double_of_int": unary(code.OpIntToDouble, code.OpIntToDouble),
		"int_of_int":    func(fc *fnCompiler, e *ir.CallPrim, dst reg) { fc.exprInto(e.Args[0], dst) },
		"len":           func(fc *fnCompiler, e *ir.CallPrim, dst reg) { fc.op2(code.OpStrLen, e, dst) },
		"subscript":     func(fc *fnCompiler, e *ir.CallPrim, dst reg) { fc.op2(code.OpStrIndex, e, dst) },
		"string_of_char": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			fc.op2(code.OpStrC, e, dst)
		},

		"str":      func(fc *fnCompiler, e *ir.CallPrim, dst reg) { fc.str(e.Args[0], dst, false) },
		"repr":     func(fc *fnCompiler, e *ir.CallPrim, dst reg) { fc.str(e.Args[0], dst, true) },
		"print":    printer(0, 0),
		"println":  printer(1, 0),
		"eprint":   printer(0, 1),
		"eprintln": printer(1, 1),
		"endl": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			r := fc.newReg(kR)
			fc.emit(code.OpLoadKR, r.i, 0, 0, fc.kString("\n"))
			fc.emit(code.OpPrint, r.i, 0, 0, 0)
		},

		"mk_schannel": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			fc.emit(code.OpMkChan, dst.i, 0, 0, 0)
		},
		"mk_ioschannel_pair":      (*fnCompiler).channelPair,
		"mk_duplex_schannel_pair": (*fnCompiler).duplexPair,
		"read": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			ch := fc.channelOf(e.Args[0], false)
			fc.emit(byKind(fc.typ(e.T), code.OpReadS, code.OpReadR, code.OpRead), dst.i, ch.i, 0, 0)
			fc.name(ch, e.Args[0])
		},
		"write": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			ch := fc.channelOf(e.Args[0], true)
			v := fc.expr(e.Args[1])
			fc.emit(byKind(fc.typ(e.Args[1].Type()), code.OpWriteS, code.OpWriteR, code.OpWrite), v.i, ch.i, 0, 0)
			fc.name(ch, e.Args[0])
		},
		"spawn":           fibreOp(code.OpSpawn),
		"schedule":        fibreOp(code.OpSchedule),
		"run":             fibreOp(code.OpRun),
		"branch_and_link": (*fnCompiler).branchAndLink,
		"svc_yield": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			fc.emit(code.OpLoadNil, dst.i, 0, 0, 0)
		},
		"svc": func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
			fc.effect(e.Args[0])
			fc.emit(code.OpYield, 0, 0, 0, 0)
		},
	}
	for name, em := range channelEmitters() {
		emitters[name] = em
	}
}

// HasEmitter reports whether a primitive is compiled to instructions rather than called
// as a Go builtin.
func HasEmitter(prim string) bool { return emitters[prim] != nil }

// prim compiles a call of a primitive.
func (fc *fnCompiler) prim(e *ir.CallPrim, dst reg) {
	mark := fc.mark()
	defer fc.release(mark)
	if em := emitters[e.Prim]; em != nil {
		em(fc, e, dst)
		return
	}
	var descs []types.Type
	switch {
	case strings.HasPrefix(e.Prim, arrayPrimPrefix):
		descs = []types.Type{fc.arrayOf(e)}
	case netChannelPrims[e.Prim]:
		// The builtin encodes or decodes the channel's values by their type.
		descs = []types.Type{fc.typ(e.T).(*types.Chan).Elem}
	}
	fc.builtinCall(e.Prim, descs, e.Args, e.T, dst)
}

// netChannelPrims are the builtins that make a net channel. Each gets the descriptor of
// the type of the values the channel carries.
var netChannelPrims = map[string]bool{"net_out": true, "net_in": true, "net_tap": true}

// arrayPrimPrefix begins the name of every builtin of varray and darray. Such a builtin
// gets the descriptor of the array type it works on, which says where the elements live.
const arrayPrimPrefix = "array_"

// arrayOf is the array type an array primitive works on: its first argument's, or for a
// constructor its result's.
func (fc *fnCompiler) arrayOf(e *ir.CallPrim) types.Type {
	if len(e.Args) > 0 {
		if t, ok := fc.typ(e.Args[0].Type()).(*types.Array); ok {
			return t
		}
	}
	return e.T
}

// builtinCall calls a Go builtin with optional type descriptors (first among the reference
// arguments) and the arguments, then moves its result to dst.
func (fc *fnCompiler) builtinCall(name string, descs []types.Type, args []ir.Expr, result types.Type, dst reg) {
	idx, err := fc.c.builtin(name)
	if err != nil {
		fc.fail("%v", err)
		return
	}
	sBase, rBase := fc.stop, fc.rtop
	for _, t := range descs {
		r := fc.newReg(kR)
		fc.emit(code.OpLoadKR, r.i, 0, 0, fc.typeDesc(t))
	}
	regs := make([]reg, len(args))
	for i, a := range args {
		regs[i] = fc.temp(a.Type())
	}
	for i, a := range args {
		fc.exprInto(a, regs[i])
	}
	// The builtin leaves its result in the first register of its kind.
	fc.reserve(1, 1)
	fc.emit(code.OpCallBuiltin, 0, sBase, rBase, idx)
	for i, a := range args {
		fc.name(regs[i], a)
	}
	switch fc.kind(result) {
	case kS:
		fc.move(dst, reg{kS, sBase})
	case kR:
		fc.move(dst, reg{kR, rBase})
	}
}

func byKind(t types.Type, s, r, none code.Op) code.Op {
	switch kindOf(t) {
	case kS:
		return s
	case kR:
		return r
	}
	return none
}

// operand returns a register holding the first operand x of an instruction whose result
// goes to dst. When dst is a temporary of x's kind, x is computed into it: nothing else can
// read a temporary, and a chain a + b + c + ... then needs the same few registers however
// long it is.
func (fc *fnCompiler) operand(x ir.Expr, dst reg) reg {
	if _, isVar := x.(*ir.Local); !isVar && fc.isTemp(dst) && dst.k == fc.kind(x.Type()) {
		fc.exprInto(x, dst)
		return dst
	}
	return fc.expr(x)
}

// op2 emits an instruction taking the registers of the call's (one or two) arguments.
func (fc *fnCompiler) op2(op code.Op, e *ir.CallPrim, dst reg) {
	a := fc.operand(e.Args[0], dst)
	b := noReg
	if len(e.Args) > 1 {
		b = fc.expr(e.Args[1])
	}
	fc.emit(op, dst.i, a.i, b.i, 0)
	fc.name(a, e.Args[0])
}

// arith compiles a binary arithmetic operator: the int or the double instruction; `add`
// also joins strings, and a string with a char.
func arith(intOp, doubleOp code.Op) emitter {
	return func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
		at := fc.typ(e.Args[0].Type())
		switch {
		case types.IsBasic(at, types.Double):
			fc.op2(doubleOp, e, dst)
		case types.IsBasic(at, types.String):
			op := code.OpConcat
			if types.IsBasic(fc.typ(e.Args[1].Type()), types.Char) {
				op = code.OpConcatChar
			}
			fc.op2(op, e, dst)
			if fc.appends[e] {
				fc.out.Code[fc.pc()-1].K = 1
			}
		case intOp == code.OpAddI || intOp == code.OpSubI:
			if k, ok := smallConst(e.Args[1], -1<<31+1, 1<<31-1); ok {
				if intOp == code.OpSubI {
					k = -k
				}
				a := fc.operand(e.Args[0], dst)
				fc.emit(code.OpAddIK, dst.i, a.i, 0, int(k))
				return
			}
			fc.op2(intOp, e, dst)
		default:
			fc.op2(intOp, e, dst)
		}
	}
}

func unary(intOp, doubleOp code.Op) emitter {
	return func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
		if types.IsBasic(fc.typ(e.Args[0].Type()), types.Double) {
			fc.op2(doubleOp, e, dst)
			return
		}
		fc.op2(intOp, e, dst)
	}
}

// compare compiles a comparison into a bool: by instruction for scalars and strings, by
// the `equal` builtin for other comparable types.
func compare(rel relation) emitter {
	return func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
		at := fc.typ(e.Args[0].Type())
		switch {
		case isIntLike(at):
			if k, ok := smallConst(e.Args[1], -1<<31, 1<<31-1); ok {
				a := fc.expr(e.Args[0])
				op := [...]code.Op{code.OpEqIK, code.OpNeIK, code.OpLtIK, code.OpLeIK, code.OpGtIK, code.OpGeIK}[rel]
				fc.emit(op, dst.i, a.i, 0, int(k))
				return
			}
			fc.ordered(rel, code.OpEqI, code.OpNeI, code.OpLtI, code.OpLeI, e, dst)
		case types.IsBasic(at, types.Double):
			fc.ordered(rel, code.OpEqD, code.OpNeD, code.OpLtD, code.OpLeD, e, dst)
		case types.IsBasic(at, types.String):
			fc.ordered(rel, code.OpEqStr, code.OpNeStr, code.OpLtStr, code.OpLeStr, e, dst)
		default:
			fc.builtinCall("equal", []types.Type{at}, e.Args, types.BoolType, dst)
			if rel == relNe {
				fc.emit(code.OpNot, dst.i, dst.i, 0, 0)
			}
		}
	}
}

// ordered emits a comparison from the four instruction forms, swapping operands for > and >=.
func (fc *fnCompiler) ordered(rel relation, eq, ne, lt, le code.Op, e *ir.CallPrim, dst reg) {
	a := fc.expr(e.Args[0])
	b := fc.expr(e.Args[1])
	switch rel {
	case relEq:
		fc.emit(eq, dst.i, a.i, b.i, 0)
	case relNe:
		fc.emit(ne, dst.i, a.i, b.i, 0)
	case relLt:
		fc.emit(lt, dst.i, a.i, b.i, 0)
	case relLe:
		fc.emit(le, dst.i, a.i, b.i, 0)
	case relGt:
		fc.emit(lt, dst.i, b.i, a.i, 0)
	case relGe:
		fc.emit(le, dst.i, b.i, a.i, 0)
	}
}

// str converts a value to its text (or its repr) into dst.
func (fc *fnCompiler) str(x ir.Expr, dst reg, repr bool) {
	t := fc.typ(x.Type())
	switch {
	case types.IsBasic(t, types.String):
		if repr {
			fc.op1(code.OpReprStr, x, dst)
		} else {
			fc.exprInto(x, dst)
		}
	case types.IsBasic(t, types.Int):
		fc.op1(code.OpStrI, x, dst)
	case types.IsBasic(t, types.Double):
		fc.op1(code.OpStrD, x, dst)
	case types.IsBasic(t, types.Bool):
		fc.op1(code.OpStrB, x, dst)
	case types.IsBasic(t, types.Char):
		if repr {
			fc.op1(code.OpReprC, x, dst)
		} else {
			fc.op1(code.OpStrC, x, dst)
		}
	case types.IsUnit(t):
		fc.effect(x)
		fc.emit(code.OpLoadKR, dst.i, 0, 0, fc.kString("()"))
	case fc.c.strs[t.String()] != nil && !fc.c.needsEnv(fc.c.strs[t.String()]):
		// The str the program defines for a struct or a variant.
		fc.callFunc(&ir.CallFunc{P: x.Pos(), T: types.StringType, Func: fc.c.strs[t.String()], Args: []ir.Expr{x}}, dst)
	default:
		name := "str"
		if repr {
			name = "repr"
		}
		fc.builtinCall(name, []types.Type{t}, []ir.Expr{x}, types.StringType, dst)
	}
}

func (fc *fnCompiler) op1(op code.Op, x ir.Expr, dst reg) {
	r := fc.expr(x)
	fc.emit(op, dst.i, r.i, 0, 0)
}

// printer writes the text of its argument, with newline nl, to stdout or (err) stderr.
func printer(nl, err int) emitter {
	return func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
		var s reg
		if l, ok := e.Args[0].(*ir.Local); ok && types.IsBasic(fc.typ(l.Type()), types.String) {
			s = fc.loadVar(l.Var)
		} else {
			s = fc.newReg(kR)
			fc.str(e.Args[0], s, false)
		}
		fc.emit(code.OpPrint, s.i, nl, err, 0)
	}
}

// branchAndLink compiles branch-and-link (&target, &save): it stores in *save the LABEL
// value of the point just after it, then jumps to the label *target holds. Two calls that
// swap their roles pass control back and forth between two parts of one procedure.
func (fc *fnCompiler) branchAndLink(e *ir.CallPrim, dst reg) {
	target, save := fc.expr(e.Args[0]), fc.expr(e.Args[1])
	to, back := fc.newReg(kS), fc.newReg(kS)
	fc.emit(code.OpLoadPtrS, to.i, target.i, 0, 0)
	load := fc.emit(code.OpLoadKS, back.i, 0, 0, 0)
	fc.emit(code.OpStorePtrS, back.i, save.i, 0, 0)
	fc.emit(code.OpJumpLabel, to.i, 0, 0, 0)
	fc.out.Code[load].K = int32(fc.kScalar(fc.labelValue(fc.pc())))
}

// fibreOp emits a scheduling instruction on a closure.
func fibreOp(op code.Op) emitter {
	return func(fc *fnCompiler, e *ir.CallPrim, dst reg) {
		r := fc.expr(e.Args[0])
		fc.emit(op, r.i, 0, 0, 0)
		fc.name(r, e.Args[0])
	}
}
