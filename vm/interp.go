package vm

import (
	"math"
	"strconv"
	"time"

	"github.com/felixlet/felixlet/vm/code"
)

// budget is how many backward jumps and calls run between checks for an interrupt.
const budget = 1 << 14

// loop is the interpreter: it runs fibres, switching among them as the scheduling rules
// say, until the mainline's scheduler has nothing active.
func (m *Machine) loop(f *Fibre) error {
	var (
		fn           *code.Func
		instrs       []code.Instr
		pc           int
		sbase, rbase int
		S            []uint64
		R            []Value
		left         = budget
		g            *Fibre // after a channel instruction, the fibre to run next
		err          error  // after a channel instruction, why f failed
	)

reload:
	m.cur = f
	fn = f.fn
	instrs = fn.Code
	pc = int(f.pc)
	sbase, rbase = int(f.sbase), int(f.rbase)
	S, R = f.s[sbase:], f.r[rbase:]

	for {
		in := instrs[pc]
		pc++
		switch in.Op {
		case code.OpNop:
		case code.OpMoveS:
			S[in.A] = S[in.B]
		case code.OpMoveR:
			R[in.A] = R[in.B]
		case code.OpLoadI:
			S[in.A] = uint64(int64(in.K))
		case code.OpLoadKS:
			S[in.A] = fn.KS[in.K]
		case code.OpLoadKR:
			R[in.A] = fn.KR[in.K]
		case code.OpLoadNil:
			R[in.A] = nil

		case code.OpAddI:
			S[in.A] = S[in.B] + S[in.C]
		case code.OpAddIK:
			S[in.A] = S[in.B] + uint64(int64(in.K))
		case code.OpSubI:
			S[in.A] = S[in.B] - S[in.C]
		case code.OpMulI:
			S[in.A] = uint64(int64(S[in.B]) * int64(S[in.C]))
		case code.OpDivI:
			d := int64(S[in.C])
			if d == 0 {
				return m.fail(f, fn, pc, sbase, "division by zero")
			}
			S[in.A] = uint64(int64(S[in.B]) / d)
		case code.OpModI:
			d := int64(S[in.C])
			if d == 0 {
				return m.fail(f, fn, pc, sbase, "division by zero")
			}
			S[in.A] = uint64(int64(S[in.B]) % d)
		case code.OpNegI:
			S[in.A] = -S[in.B]

		case code.OpAddD:
			S[in.A] = math.Float64bits(math.Float64frombits(S[in.B]) + math.Float64frombits(S[in.C]))
		case code.OpSubD:
			S[in.A] = math.Float64bits(math.Float64frombits(S[in.B]) - math.Float64frombits(S[in.C]))
		case code.OpMulD:
			S[in.A] = math.Float64bits(math.Float64frombits(S[in.B]) * math.Float64frombits(S[in.C]))
		case code.OpDivD:
			S[in.A] = math.Float64bits(math.Float64frombits(S[in.B]) / math.Float64frombits(S[in.C]))
		case code.OpNegD:
			S[in.A] = math.Float64bits(-math.Float64frombits(S[in.B]))

		case code.OpEqI:
			S[in.A] = b2u(S[in.B] == S[in.C])
		case code.OpNeI:
			S[in.A] = b2u(S[in.B] != S[in.C])
		case code.OpLtI:
			S[in.A] = b2u(int64(S[in.B]) < int64(S[in.C]))
		case code.OpLeI:
			S[in.A] = b2u(int64(S[in.B]) <= int64(S[in.C]))
		case code.OpEqIK:
			S[in.A] = b2u(int64(S[in.B]) == int64(in.K))
		case code.OpNeIK:
			S[in.A] = b2u(int64(S[in.B]) != int64(in.K))
		case code.OpLtIK:
			S[in.A] = b2u(int64(S[in.B]) < int64(in.K))
		case code.OpLeIK:
			S[in.A] = b2u(int64(S[in.B]) <= int64(in.K))
		case code.OpGtIK:
			S[in.A] = b2u(int64(S[in.B]) > int64(in.K))
		case code.OpGeIK:
			S[in.A] = b2u(int64(S[in.B]) >= int64(in.K))
		case code.OpEqD:
			S[in.A] = b2u(math.Float64frombits(S[in.B]) == math.Float64frombits(S[in.C]))
		case code.OpNeD:
			S[in.A] = b2u(math.Float64frombits(S[in.B]) != math.Float64frombits(S[in.C]))
		case code.OpLtD:
			S[in.A] = b2u(math.Float64frombits(S[in.B]) < math.Float64frombits(S[in.C]))
		case code.OpLeD:
			S[in.A] = b2u(math.Float64frombits(S[in.B]) <= math.Float64frombits(S[in.C]))
		case code.OpEqStr:
			S[in.A] = b2u(str(R[in.B]) == str(R[in.C]))
		case code.OpNeStr:
			S[in.A] = b2u(str(R[in.B]) != str(R[in.C]))
		case code.OpLtStr:
			S[in.A] = b2u(str(R[in.B]) < str(R[in.C]))
		case code.OpLeStr:
			S[in.A] = b2u(str(R[in.B]) <= str(R[in.C]))
		case code.OpNot:
			S[in.A] = S[in.B] ^ 1

		case code.OpJump:
			goto jump
		case code.OpJumpIf:
			if S[in.A] != 0 {
				goto jump
			}
		case code.OpJumpIfNot:
			if S[in.A] == 0 {
				goto jump
			}
		case code.OpJLtI:
			if int64(S[in.A]) < int64(S[in.B]) {
				goto jump
			}
		case code.OpJLeI:
			if int64(S[in.A]) <= int64(S[in.B]) {
				goto jump
			}
		case code.OpJEqI:
			if S[in.A] == S[in.B] {
				goto jump
			}
		case code.OpJNeI:
			if S[in.A] != S[in.B] {
				goto jump
			}
		case code.OpJLtIK:
			if int64(S[in.A]) < int64(int16(in.C)) {
				goto jump
			}
		case code.OpJLeIK:
			if int64(S[in.A]) <= int64(int16(in.C)) {
				goto jump
			}
		case code.OpJGtIK:
			if int64(S[in.A]) > int64(int16(in.C)) {
				goto jump
			}
		case code.OpJGeIK:
			if int64(S[in.A]) >= int64(int16(in.C)) {
				goto jump
			}
		case code.OpJEqIK:
			if int64(S[in.A]) == int64(int16(in.C)) {
				goto jump
			}
		case code.OpJNeIK:
			if int64(S[in.A]) != int64(int16(in.C)) {
				goto jump
			}

		case code.OpJumpLabel:
			// A LABEL value names its function, so that a label of another procedure (or
			// a LABEL variable never set, 0) cannot send the code astray.
			v := S[in.A]
			if int64(v>>32) != int64(fn.Index)+1 || int(uint32(v)) >= len(instrs) {
				return m.fail(f, fn, pc, sbase, "goto *: the LABEL value is not a label of %s", fn.Name)
			}
			if target := int(uint32(v)); target >= pc {
				pc = target
				continue
			}
			in.K = int32(uint32(v))
			goto jump

		case code.OpIntToDouble:
			S[in.A] = math.Float64bits(float64(int64(S[in.B])))
		case code.OpDoubleToInt:
			x := math.Float64frombits(S[in.B])
			if math.IsNaN(x) || x >= 0x1p63 || x < -0x1p63 {
				return m.fail(f, fn, pc, sbase, "cannot convert %s to int", FormatDouble(x))
			}
			S[in.A] = uint64(int64(x))
		case code.OpOrd:
			S[in.A] = uint64(int64(int8(S[in.B])))
		case code.OpChr:
			S[in.A] = uint64(byte(S[in.B]))

		case code.OpConcat:
			R[in.A] = str(R[in.B]) + str(R[in.C])
		case code.OpConcatChar:
			R[in.A] = str(R[in.B]) + string([]byte{byte(S[in.C])})
		case code.OpStrLen:
			S[in.A] = uint64(len(str(R[in.B])))
		case code.OpStrIndex:
			s, i := str(R[in.B]), int64(S[in.C])
			if i < 0 || i >= int64(len(s)) {
				return m.fail(f, fn, pc, sbase, "string index %d out of range: the string has %d chars", i, len(s))
			}
			S[in.A] = uint64(s[i])
		case code.OpStrI:
			R[in.A] = strconv.FormatInt(int64(S[in.B]), 10)
		case code.OpStrD:
			R[in.A] = FormatDouble(math.Float64frombits(S[in.B]))
		case code.OpStrB:
			R[in.A] = strconv.FormatBool(S[in.B] != 0)
		case code.OpStrC:
			R[in.A] = string([]byte{byte(S[in.B])})
		case code.OpReprC:
			R[in.A] = reprChar(byte(S[in.B]))
		case code.OpReprStr:
			R[in.A] = ReprString(str(R[in.B]))
		case code.OpPrint:
			m.printString(str(R[in.A]), in.B != 0, in.C != 0)

		case code.OpTuple:
			R[in.A] = newTuple(fn.Layouts[in.K], S[in.B:], R[in.C:])
		case code.OpGetS:
			S[in.A] = R[in.B].(*Tuple).S[in.C]
		case code.OpGetR:
			R[in.A] = R[in.B].(*Tuple).R[in.C]

		case code.OpNewEnv:
			l := fn.Layouts[in.K]
			e := &Env{}
			if in.B != code.NoReg {
				e.Up, _ = R[in.B].(*Env)
			}
			if l.NS > 0 {
				e.S = make([]uint64, l.NS)
			}
			if l.NR > 0 {
				e.R = make([]Value, l.NR)
			}
			R[in.A] = e
		case code.OpEnvGetS:
			e := R[in.B].(*Env)
			for k := in.K; k > 0; k-- {
				e = e.Up
			}
			S[in.A] = e.S[in.C]
		case code.OpEnvGetR:
			e := R[in.B].(*Env)
			for k := in.K; k > 0; k-- {
				e = e.Up
			}
			R[in.A] = e.R[in.C]
		case code.OpEnvSetS:
			e := R[in.B].(*Env)
			for k := in.K; k > 0; k-- {
				e = e.Up
			}
			e.S[in.C] = S[in.A]
		case code.OpEnvSetR:
			e := R[in.B].(*Env)
			for k := in.K; k > 0; k-- {
				e = e.Up
			}
			e.R[in.C] = R[in.A]
		case code.OpEnvUp:
			e := R[in.B].(*Env)
			for k := in.K; k > 0; k-- {
				e = e.Up
			}
			R[in.A] = e
		case code.OpClosure:
			c := Closure{Fn: m.funcs[in.K]}
			if in.B != code.NoReg {
				c.Env, _ = R[in.B].(*Env)
			}
			if c.Fn.Gen {
				R[in.A] = &GenClosure{Closure: c}
			} else {
				R[in.A] = &c
			}

		case code.OpCall, code.OpCallClosure:
			var callee *code.Func
			nrb := rbase + int(in.C)
			if in.Op == code.OpCall {
				callee = m.funcs[in.K]
			} else {
				c, ok := R[in.K].(*Closure)
				if !ok {
					g, err := m.resumeValue(R[in.K], f, fn, pc, sbase, rbase)
					if err != nil {
						return err
					}
					f = g
					goto reload
				}
				callee = c.Fn
				if callee.NeedsEnv {
					R[in.C] = c.Env
				} else {
					nrb++
				}
			}
			nsb := sbase + int(in.B) + 2
			if nsb+callee.NS > len(f.s) || nrb+callee.NR > len(f.r) {
				if !m.grow(f, nsb+callee.NS, nrb+callee.NR) {
					return m.fail(f, fn, pc, sbase, "stack overflow: too many nested calls (runaway recursion?)")
				}
			}
			f.s[nsb-2], f.s[nsb-1] = header(pc, fn.Index, sbase, rbase)
			fn, instrs, pc = callee, callee.Code, 0
			sbase, rbase = nsb, nrb
			S, R = f.s[sbase:], f.r[rbase:]
			if left--; left <= 0 {
				left = budget
				if m.checkpoint() {
					return ErrInterrupted
				}
			}
		case code.OpTailCall, code.OpTailClosure:
			// The callee takes over the running frame: its arguments move down to the frame's
			// base, the header (our caller's) stays, and our other references are dropped.
			var callee *code.Func
			args := int(in.C)
			if in.Op == code.OpTailCall {
				callee = m.funcs[in.K]
			} else {
				c, ok := R[in.K].(*Closure)
				if !ok {
					// A generator takes no frame here: it runs on its own stack and its value
					// comes back to register A, which the return that follows returns.
					g, err := m.resumeValue(R[in.K], f, fn, pc, sbase, rbase)
					if err != nil {
						return err
					}
					f = g
					goto reload
				}
				callee = c.Fn
				if callee.NeedsEnv {
					R[in.C] = c.Env
				} else {
					args++
				}
			}
			if sbase+callee.NS > len(f.s) || rbase+callee.NR > len(f.r) {
				if !m.grow(f, sbase+callee.NS, rbase+callee.NR) {
					return m.fail(f, fn, pc, sbase, "stack overflow: too many nested calls (runaway recursion?)")
				}
				S, R = f.s[sbase:], f.r[rbase:]
			}
			f.s[sbase-2] |= tailBit
			copy(S, S[int(in.B)+2:int(in.B)+2+callee.NArgS])
			copy(R, R[args:args+callee.NArgR])
			if fn.NR > callee.NArgR {
				clear(R[callee.NArgR:fn.NR])
			}
			fn, instrs, pc = callee, callee.Code, 0
			if left--; left <= 0 {
				left = budget
				if m.checkpoint() {
					return ErrInterrupted
				}
			}
		case code.OpCallBuiltin:
			if err := m.builtins[in.K](m, S[in.B:], R[in.C:]); err != nil {
				if err := m.builtinStopped(err, f, fn, pc, sbase, rbase); err != nil {
					return err
				}
				goto next // the fibre waits
			}
		case code.OpReturn, code.OpReturnS, code.OpReturnR:
			var sv uint64
			var rv Value
			switch in.Op {
			case code.OpReturnS:
				sv = S[in.A]
			case code.OpReturnR:
				rv = R[in.A]
			}
			h0, h1 := f.s[sbase-2], f.s[sbase-1]
			caller := uint32(h0 >> 32)
			if caller == bottom && f.gen != nil {
				// A generator's return gives its value like a yield, and the next call
				// resumes after the last yield again: its locals stay.
				f.fn, f.pc, f.sbase, f.rbase = fn, f.gen.resume, int32(sbase), int32(rbase)
				f = m.deliver(f, in.Op, sv, rv)
				goto reload
			}
			clear(R[:fn.NR])
			if caller == bottom {
				m.ended(f)
				goto next
			}
			fn = m.funcs[caller]
			instrs, pc = fn.Code, int(uint32(h0)&^tailBit)
			sbase, rbase = int(uint32(h1)), int(h1>>32)
			S, R = f.s[sbase:], f.r[rbase:]
			switch in.Op {
			case code.OpReturnS:
				S[instrs[pc-1].A] = sv
			case code.OpReturnR:
				R[instrs[pc-1].A] = rv
			}
		case code.OpFallOff:
			return m.fail(f, fn, pc, sbase, "function %s ended without returning a value", fn.Name)

		case code.OpMkChan:
			R[in.A] = &Chan{}
		case code.OpRead, code.OpReadS, code.OpReadR, code.OpReadOpt:
			// Channels run out of the loop (channels.go): the fibre carries on, waits, or
			// gives way to the reader it met.
			f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc), int32(sbase), int32(rbase)
			g, err = m.read(f, &instrs[pc-1])
			goto channel
		case code.OpWrite, code.OpWriteS, code.OpWriteR:
			f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc), int32(sbase), int32(rbase)
			g, err = m.write(f, &instrs[pc-1])
			goto channel
		case code.OpMkBufChan, code.OpTryRead, code.OpTryWrite, code.OpTryWriteS, code.OpTryWriteR,
			code.OpReadyRead, code.OpReadyWrite, code.OpClose, code.OpIsClosed, code.OpSend,
			code.OpSendS, code.OpSendR, code.OpCompleted, code.OpAwait, code.OpSelect:
			f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc), int32(sbase), int32(rbase)
			g, err = m.otherChannel(f, &instrs[pc-1])
			goto channel
		case code.OpSpawn, code.OpSchedule, code.OpRun, code.OpYield:
			if f.gen != nil {
				return m.fail(f, fn, pc, sbase, "a generator cannot start fibres or yield to them: it runs on the stack of whoever calls it")
			}
			goto schedule
		case code.OpHalt:
			e := m.fail(f, fn, pc, sbase, "halt: %s", str(R[in.A]))
			e.Halt = true
			return e

		case code.OpConsS:
			tail, _ := R[in.C].(*List)
			R[in.A] = &List{S: S[in.B], Tail: tail}
		case code.OpConsR:
			tail, _ := R[in.C].(*List)
			R[in.A] = &List{R: R[in.B], Tail: tail}
		case code.OpHeadS:
			S[in.A] = R[in.B].(*List).S
		case code.OpHeadR:
			R[in.A] = R[in.B].(*List).R
		case code.OpTail:
			R[in.A] = listValue(R[in.B].(*List).Tail)
		case code.OpSomeS:
			R[in.A] = &Opt{S: S[in.B]}
		case code.OpSomeR:
			R[in.A] = &Opt{R: R[in.B]}
		case code.OpOptGetS:
			S[in.A] = R[in.B].(*Opt).S
		case code.OpOptGetR:
			R[in.A] = R[in.B].(*Opt).R
		case code.OpVariant:
			l := fn.Layouts[in.K]
			v := &Variant{Tag: l.Tag}
			if l.NS > 0 {
				v.S = append(make([]uint64, 0, l.NS), S[in.B:int(in.B)+l.NS]...)
			}
			if l.NR > 0 {
				v.R = append(make([]Value, 0, l.NR), R[in.C:int(in.C)+l.NR]...)
			}
			R[in.A] = v
		case code.OpVarGetS:
			S[in.A] = R[in.B].(*Variant).S[in.C]
		case code.OpVarGetR:
			R[in.A] = R[in.B].(*Variant).R[in.C]
		case code.OpTestTag:
			S[in.A] = b2u(tag(R[in.B]) == int(in.K))
		case code.OpMatchFail:
			return m.fail(f, fn, pc, sbase, "no arm of this match accepts the value")

		case code.OpAddrS, code.OpAddrR:
			e := R[in.B].(*Env)
			for k := in.K; k > 0; k-- {
				e = e.Up
			}
			R[in.A] = &Pointer{Env: e, Slot: int(in.C)}
		case code.OpLoadPtrS:
			p := R[in.B].(*Pointer)
			S[in.A] = p.Env.S[p.Slot]
		case code.OpLoadPtrR:
			p := R[in.B].(*Pointer)
			R[in.A] = p.Env.R[p.Slot]
		case code.OpStorePtrS:
			p := R[in.B].(*Pointer)
			p.Env.S[p.Slot] = S[in.A]
		case code.OpStorePtrR:
			p := R[in.B].(*Pointer)
			p.Env.R[p.Slot] = R[in.A]

		case code.OpYield0, code.OpYieldS, code.OpYieldR:
			var sv uint64
			var rv Value
			switch in.Op {
			case code.OpYieldS:
				sv = S[in.A]
			case code.OpYieldR:
				rv = R[in.A]
			}
			f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc), int32(sbase), int32(rbase)
			f.gen.resume = int32(pc)
			f = m.deliver(f, in.Op, sv, rv)
			goto reload

		case code.OpDuplex:
			R[in.A] = &Duplex{In: R[in.B].(*Chan), Out: R[in.C].(*Chan)}
		case code.OpDuplexIn:
			R[in.A] = R[in.B].(*Duplex).In
		case code.OpDuplexOut:
			R[in.A] = R[in.B].(*Duplex).Out
		default:
			return m.fail(f, fn, pc, sbase, "internal error: bad opcode %d", in.Op)
		}
		continue

	schedule:
		switch in.Op {
		case code.OpSpawn:
			c, ok := R[in.A].(*Closure)
			if !ok {
				return m.fail(f, fn, pc, sbase, "spawn of an uninitialised procedure value")
			}
			f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc), int32(sbase), int32(rbase)
			m.sched.pushFront(f)
			g := m.newFibre(c, m.sched)
			if m.trace != nil {
				m.traceEvent("%s spawns %s", describe(f), describe(g))
			}
			f = g
			goto reload
		case code.OpSchedule:
			c, ok := R[in.A].(*Closure)
			if !ok {
				return m.fail(f, fn, pc, sbase, "schedule of an uninitialised procedure value")
			}
			g := m.newFibre(c, m.sched)
			m.sched.pushBack(g)
			if m.trace != nil {
				m.traceEvent("%s schedules %s", describe(f), describe(g))
			}
		case code.OpRun:
			c, ok := R[in.A].(*Closure)
			if !ok {
				return m.fail(f, fn, pc, sbase, "run of an uninitialised procedure value")
			}
			f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc), int32(sbase), int32(rbase)
			m.sched = &Sched{parent: m.sched, caller: f}
			g := m.newFibre(c, m.sched)
			if m.trace != nil {
				m.traceEvent("%s runs %s on a nested scheduler", describe(f), describe(g))
			}
			f = g
			goto reload
		case code.OpYield:
			f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc), int32(sbase), int32(rbase)
			m.sched.pushBack(f)
			if m.trace != nil {
				m.traceEvent("%s yields", describe(f))
			}
			goto next
		}
		continue

	channel:
		// After a channel instruction: f carries on (at the arm a select chose), waits, or
		// gives way to g.
		switch {
		case err != nil:
			return err
		case g == nil:
			goto next
		case g != f:
			f = g
			goto reload
		}
		pc = int(f.pc)
		continue

	jump:
		// A taken jump. Going backwards, it counts toward the next checkpoint, so that
		// every loop can be interrupted and its output flushed.
		if int(in.K) < pc {
			if left--; left <= 0 {
				left = budget
				if m.checkpoint() {
					return ErrInterrupted
				}
			}
		}
		pc = int(in.K)
	}

next:
	// The running fibre has ended or is waiting: run the next one.
	if f = m.sched.popFront(); f != nil {
		goto reload
	}
	f, err = m.idle()
	if f != nil {
		goto reload
	}
	m.cur = nil
	return err
}

// idle finds the fibre to run when the active list is empty. While some of the
// scheduler's fibres wait for the outside world (or output waits to be written), it sleeps
// in the poller until one can go on; otherwise a nested scheduler returns to the fibre
// that called run. It returns nil, nil when the mainline's scheduler has nothing left:
// the program's end.
func (m *Machine) idle() (*Fibre, error) {
	for {
		s := m.sched
		if s.waiting > 0 || s.parent == nil && m.io.busy() {
			if err := m.poll(true); err != nil {
				return nil, err
			}
			if f := s.popFront(); f != nil {
				return f, nil
			}
			continue
		}
		if s.parent == nil {
			return nil, nil
		}
		s.done = true
		m.sched = s.parent
		if m.trace != nil {
			m.traceEvent("nested scheduler done; %s resumes", describe(s.caller))
		}
		return s.caller, nil
	}
}

// builtinStopped handles a builtin that returned an error: a Wait parks the fibre to run
// the builtin again later (and builtinStopped returns nil); anything else fails the fibre.
func (m *Machine) builtinStopped(err error, f *Fibre, fn *code.Func, pc, sbase, rbase int) error {
	w, ok := err.(*Wait)
	switch {
	case !ok:
		return m.fail(f, fn, pc, sbase, "%v", err)
	case f.gen != nil:
		return m.fail(f, fn, pc, sbase, "a generator cannot wait for input, output or time: it runs on the stack of whoever calls it")
	}
	f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc-1), int32(sbase), int32(rbase)
	if err := m.park(f, w); err != nil {
		return m.fail(f, fn, pc, sbase, "%v", err)
	}
	return nil
}

// ended counts a fibre that returned from its bottom frame.
func (m *Machine) ended(f *Fibre) {
	m.stats.Ended++
	m.stats.live--
	if m.collect != nil {
		m.collect.end(f.id)
	}
	if m.trace != nil {
		m.traceEvent("end %s", describe(f))
	}
}

// checkpoint runs every few thousand backward jumps and calls: it writes out standard
// output that has waited too long in the buffer (so a long-running program's lines appear
// as Felix's flushed println would show them) and reports whether Interrupt was called.
func (m *Machine) checkpoint() bool {
	if m.out.Buffered() > 0 && time.Since(m.flushed) > flushEvery {
		m.out.Flush()
		m.flushed = time.Now()
	}
	// Fibres the outside world has released join the active list even while others keep it
	// busy.
	if m.io.busy() {
		if err := m.poll(false); err != nil {
			return true
		}
	}
	m.serve()
	return m.interrupt.Load()
}

// flushEvery bounds how long printed output may wait in the buffer while the program runs.
const flushEvery = 20 * time.Millisecond

// resumeValue calls a function value that is not a closure: a generator instance, which
// resume runs; anything else is a function variable never given a value.
func (m *Machine) resumeValue(v Value, f *Fibre, fn *code.Func, pc, sbase, rbase int) (*Fibre, error) {
	gc, ok := v.(*GenClosure)
	if !ok {
		return nil, m.fail(f, fn, pc, sbase, "call of an uninitialised function value")
	}
	return m.resume(gc, f, fn, pc, sbase, rbase)
}

// resume calls a generator instance from the fibre f (running fn, just after the call at
// pc): it returns the generator's stack, to run until it yields or returns.
func (m *Machine) resume(gc *GenClosure, f *Fibre, fn *code.Func, pc, sbase, rbase int) (*Fibre, error) {
	g := gc.gen
	if g == nil {
		g = m.newGenerator(gc)
		gc.gen = g
	}
	if g.gen.caller != nil {
		return nil, m.fail(f, fn, pc, sbase, "a generator was called while it was running")
	}
	// Every call binds the generator's parameters to its arguments again (Felix's rule): the
	// body sees them from its start on the first call, and just after the yield it resumes
	// at on later ones. The generator's frame is the bottom one of its stack, where it
	// yields; the call's arguments are where a closure call puts them.
	in, callee := fn.Code[pc-1], gc.Fn
	args := sbase + int(in.B) + 2
	copy(g.s[g.sbase:int(g.sbase)+callee.NArgS], f.s[args:args+callee.NArgS])
	env := 0
	if callee.NeedsEnv {
		env = 1
	}
	args = rbase + int(in.C) + 1
	copy(g.r[int(g.rbase)+env:int(g.rbase)+callee.NArgR], f.r[args:args+callee.NArgR-env])
	f.fn, f.pc, f.sbase, f.rbase = fn, int32(pc), int32(sbase), int32(rbase)
	g.gen.caller = f
	return g, nil
}

// deliver ends a generator's run, given the instruction (a yield or a return) that ended it
// and its value: the value goes to the register its caller's call named, and the caller,
// which it returns, runs on.
func (m *Machine) deliver(g *Fibre, op code.Op, sv uint64, rv Value) *Fibre {
	caller := g.gen.caller
	g.gen.caller = nil
	at := int(caller.fn.Code[caller.pc-1].A)
	switch op {
	case code.OpYieldS, code.OpReturnS:
		caller.s[int(caller.sbase)+at] = sv
	case code.OpYieldR, code.OpReturnR:
		caller.r[int(caller.rbase)+at] = rv
	}
	return caller
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
