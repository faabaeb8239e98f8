package vm

import (
	"errors"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/felixlet/felixlet/vm/code"
)

// budget is how many backward jumps, calls and fibre switches run between checkpoints.
const budget = 1 << 14

// isScalar marks the opcodes the table marks code.Scalar: the loop hands them to the
// kernel (fibre_generic.go).
var isScalar = func() (t [256]bool) {
	for op, info := range code.Ops {
		t[op] = info.Traits&code.Scalar != 0
	}
	return t
}()

// An outOfLine runs one instruction, just before pc in fn, for the running fibre f, as
// step does (which see).
type outOfLine func(m *Machine, f *Fibre, fn *code.Func, pc int, in *code.Instr) (*Fibre, error)

// outOfLines says who runs each instruction that the loop hands on (nil for those the
// kernel runs, and for those the loop runs itself: calls, returns, JUMPLABEL, and the
// environment reads that fast runs): the frequent ones have a function each, found
// without a search; step runs the rest.
var outOfLines = func() (t [256]outOfLine) {
	for op, info := range code.Ops {
		if info.Traits&code.Scalar == 0 {
			t[op] = (*Machine).step
		}
	}
	for _, op := range append([]code.Op{code.OpTailCall, code.OpTailClosure, code.OpJumpLabel}, fastOps...) {
		t[op] = nil
	}
	for _, own := range []struct {
		ops []code.Op
		run outOfLine
	}{
		{[]code.Op{code.OpRead, code.OpReadS, code.OpReadR, code.OpReadOpt}, (*Machine).read},
		{[]code.Op{code.OpWrite, code.OpWriteS, code.OpWriteR}, (*Machine).write},
		{[]code.Op{code.OpMkBufChan, code.OpTryRead, code.OpTryWrite, code.OpTryWriteS, code.OpTryWriteR,
			code.OpReadyRead, code.OpReadyWrite, code.OpClose, code.OpIsClosed, code.OpSend,
			code.OpSendS, code.OpSendR, code.OpCompleted, code.OpAwait, code.OpSelect}, channel((*Machine).otherChannel)},
		{[]code.Op{code.OpSpawn, code.OpSchedule, code.OpRun, code.OpYield}, (*Machine).schedule},
		{[]code.Op{code.OpEnvSetS, code.OpEnvSetR}, (*Machine).envSet},
		{[]code.Op{code.OpMoveR, code.OpLoadNil}, (*Machine).moveR},
	} {
		for _, op := range own.ops {
			t[op] = own.run
		}
	}
	return t
}()

// channel adapts the function of a channel instruction (channels.go), which finds the
// fibre's place saved in the fibre, to outOfLines.
func channel(run func(*Machine, *Fibre, *code.Instr) (*Fibre, error)) outOfLine {
	return func(m *Machine, f *Fibre, _ *code.Func, _ int, in *code.Instr) (*Fibre, error) { return run(m, f, in) }
}

// loop is the interpreter: it runs fibres, switching among them as the scheduling rules
// say, until the mainline's scheduler has nothing active.
//
// It is in two parts. fast runs the instructions that need no call of a Go function (calls
// and returns between the program's own functions, reads of environments, jumps and the
// few scalar instructions that sit between calls) for as long as it can: with no call in
// it, the Go compiler keeps its state in machine registers instead of saving it at every
// instruction. loop runs the rest: the instruction fast stopped at, through outOfLines or
// the scalar kernel, the calls that need more stack or resume a generator, the returns
// that end a fibre, the checkpoints, and the switches between fibres. While a fibre runs,
// its sbase and rbase fields are those of the running frame; its fn and pc are saved only
// when it stops.
func (m *Machine) loop(f *Fibre) error {
	var (
		fn   *code.Func // the running function
		pc   int        // the next instruction
		left = budget   // backward jumps, calls and switches before the next checkpoint
	)

reload:
	m.cur = f
	fn = f.fn
	pc = int(f.pc)
	left-- // fibre switches count too: a program may spawn without looping

	for {
		if left <= 0 {
			left = budget
			if err := m.checkpoint(f, fn, pc); err != nil {
				return err
			}
		}
		fn, pc, left = m.fast(f, fn, pc, left)
		if left <= 0 {
			continue
		}
		instrs := fn.Code
		in := &instrs[pc]
		pc++
		if run := outOfLines[in.Op]; run != nil {
			// The fibre's place is saved first, and it goes on where the instruction
			// leaves it (a select jumps to the arm it chose).
			f.fn, f.pc = fn, int32(pc)
			g, err := run(m, f, fn, pc, in)
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
		}
		S, R := f.s[f.sbase:], f.r[f.rbase:]
		switch in.Op {
		case code.OpCall, code.OpCallClosure:
			// fast stops at a call of a generator instance, or of a function whose frame
			// does not fit in the fibre's stack: it makes the call once there is room.
			callee := m.callee(firstOf(R), in)
			if callee == nil {
				goto generator
			}
			nsb, nrb := calleeBases(f, in, callee)
			if ns, nr := frameSize(callee); !m.grow(f, nsb+ns, nrb+nr, true) {
				return m.tooDeep(f, fn, pc, callee)
			}
			pc--
		case code.OpTailCall, code.OpTailClosure:
			// The callee takes over the running frame: its arguments move down to the frame's
			// base, the header (our caller's) stays, and our other references are dropped.
			callee := m.callee(firstOf(R), in)
			if callee == nil {
				goto generator
			}
			if err := m.tailCall(f, fn, pc, in, callee); err != nil {
				return err
			}
			fn, pc = callee, 0
			left--
		case code.OpReturn, code.OpReturnS, code.OpReturnR:
			// fast stops at a return only from a fibre's first frame.
			sv, rv := passed(in, firstOf(S), firstOf(R))
			if f.gen != nil {
				// A generator's return gives its value like a yield, and the next call
				// resumes after the last yield again: its locals stay.
				f.fn, f.pc = fn, f.gen.resume
				f = m.deliver(f, in.Op, sv, rv)
				goto reload
			}
			clear(R[:fn.NR])
			m.ended(f)
			goto next
		case code.OpJumpLabel:
			// A LABEL value names its function, so that a label of another procedure (or
			// a LABEL variable never set, 0) cannot send the code astray.
			v := S[in.A]
			if int64(v>>32) != int64(fn.Index)+1 || int(uint32(v)) >= len(instrs) {
				return m.fail(f, fn, pc, "goto *: the LABEL value is not a label of %s", fn.Name)
			}
			if to := int(uint32(v)); to < pc {
				left--
			}
			pc = int(uint32(v))
		default:
			// The kernel runs this scalar instruction and the scalar instructions after it.
			next, rest := runScalar(&instrs[0], pc-1, unsafe.SliceData(S), unsafe.SliceData(fn.KS), left)
			if next == pc-1 && rest == left { // it ran nothing
				return m.scalarFault(f, fn, pc, in)
			}
			pc, left = next, rest
		}
		continue

	generator:
		// A call of a function value that is no closure: a generator instance takes no
		// frame here, it runs on its own stack, and its value comes back to register A
		// (after a tail call, the return that follows returns it).
		{
			g, err := m.resumeValue(R, f, fn, pc)
			if err != nil {
				return err
			}
			f = g
			goto reload
		}
	}

next:
	// The running fibre has ended or is waiting: run the next one.
	if f = m.sched.popFront(); f != nil {
		goto reload
	}
	f, err := m.idle()
	if f != nil {
		goto reload
	}
	m.cur = nil
	return err
}

// fastOps are the instructions fast runs (its switch has a case for each).
var fastOps = []code.Op{code.OpCall, code.OpCallClosure, code.OpReturn, code.OpReturnS, code.OpReturnR,
	code.OpNop, code.OpMoveS, code.OpLoadI, code.OpAddI, code.OpAddIK, code.OpSubI, code.OpEnvGetR, code.OpEnvGetS,
	code.OpJump, code.OpJumpIf, code.OpJumpIfNot, code.OpJLtI, code.OpJLeI, code.OpJEqI, code.OpJNeI,
	code.OpJLtIK, code.OpJLeIK, code.OpJGtIK, code.OpJGeIK, code.OpJEqIK, code.OpJNeIK}

// fast runs the running fibre f from pc in fn for as long as its instructions need no call
// of a Go function, and returns where it stopped: before an instruction it leaves to the
// loop, or after a backward jump to a scalar instruction (the kernel runs loops), or, with
// left spent, after the call or backward jump that spent it. It calls no function that is
// not inlined, so that its state stays in machine registers.
func (m *Machine) fast(f *Fibre, fn *code.Func, pc, left int) (*code.Func, int, int) {
	// The code and the registers are reached through bare pointers: verified code
	// (code.Verify) keeps registers inside their frame and jumps inside their function,
	// and a call makes its frame only where the fibre's stacks have room for it.
	base := firstOf(fn.Code)
	S, R := regs(f)
	for {
		in := instrAt(base, pc)
		pc++
		switch in.Op {
		case code.OpCall, code.OpCallClosure:
			callee := m.callee(R, in)
			if callee == nil {
				return fn, pc - 1, left // a generator instance: the loop resumes it
			}
			nsb, nrb := calleeBases(f, in, callee)
			if ns, nr := frameSize(callee); nsb+ns > len(f.s) || nrb+nr > len(f.r) {
				return fn, pc - 1, left // the loop makes room
			}
			f.s[nsb-2], f.s[nsb-1] = header(pc, fn.Index, int(f.sbase), int(f.rbase))
			f.sbase, f.rbase = int32(nsb), int32(nrb)
			fn, base, pc = callee, firstOf(callee.Code), 0
			S, R = regs(f)
			if left--; left <= 0 {
				return fn, pc, left
			}
		case code.OpReturn, code.OpReturnS, code.OpReturnR:
			sbase := int(f.sbase)
			h0, h1 := f.s[sbase-2], f.s[sbase-1]
			caller := uint32(h0 >> 32)
			if caller == bottom {
				return fn, pc - 1, left // the fibre or generator ends: the loop says so
			}
			sv, rv := passed(in, S, R)
			clearRegs(R, fn.NR)
			fn = m.funcs[caller]
			base, pc = firstOf(fn.Code), int(uint32(h0)&^tailBit)
			f.sbase, f.rbase = int32(uint32(h1)), int32(h1>>32)
			S, R = regs(f)
			switch in.Op {
			case code.OpReturnS:
				*sreg(S, instrAt(base, pc-1).A) = sv
			case code.OpReturnR:
				*rreg(R, instrAt(base, pc-1).A) = rv
			}
		case code.OpNop:
		case code.OpMoveS:
			moveS(S, in)
		case code.OpLoadI:
			loadI(S, in)
		case code.OpAddI:
			addI(S, in)
		case code.OpAddIK:
			addIK(S, in)
		case code.OpSubI:
			subI(S, in)
		// Reading a variable of an enclosing function is as common as a move (the compiler
		// reads an unchanging parameter once, on entry; a var at every use).
		case code.OpEnvGetR:
			*rreg(R, in.A) = envAt(R, in).R[in.EnvSlot()]
		case code.OpEnvGetS:
			*sreg(S, in.A) = envAt(R, in).S[in.EnvSlot()]
		case code.OpJump:
			goto jump
		case code.OpJumpIf:
			if jumpIf(S, in) {
				goto jump
			}
		case code.OpJumpIfNot:
			if jumpIfNot(S, in) {
				goto jump
			}
		case code.OpJLtI:
			if jLtI(S, in) {
				goto jump
			}
		case code.OpJLeI:
			if jLeI(S, in) {
				goto jump
			}
		case code.OpJEqI:
			if jEqI(S, in) {
				goto jump
			}
		case code.OpJNeI:
			if jNeI(S, in) {
				goto jump
			}
		case code.OpJLtIK:
			if jLtIK(S, in) {
				goto jump
			}
		case code.OpJLeIK:
			if jLeIK(S, in) {
				goto jump
			}
		case code.OpJGtIK:
			if jGtIK(S, in) {
				goto jump
			}
		case code.OpJGeIK:
			if jGeIK(S, in) {
				goto jump
			}
		case code.OpJEqIK:
			if jEqIK(S, in) {
				goto jump
			}
		case code.OpJNeIK:
			if jNeIK(S, in) {
				goto jump
			}
		default:
			return fn, pc - 1, left
		}
		continue

	jump:
		// A taken jump. A backward one closes a loop: it counts toward the next
		// checkpoint, and when the loop starts with a scalar instruction the kernel runs it
		// from there.
		if to := int(in.K); to >= pc {
			pc = to
			continue
		}
		pc = int(in.K)
		if left--; left <= 0 || isScalar[instrAt(base, pc).Op] {
			return fn, pc, left
		}
	}
}

// firstOf returns the address of a slice's first element: of a function's code, or of a
// frame's registers. (For an empty slice it is the address its array starts at, or nil,
// never past the end.)
func firstOf[T any](s []T) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(s)) }

// regs returns the addresses of the running frame's first scalar and reference registers,
// for the bare pointers of fast. Every frame has at least one register of each kind in
// the stacks (frameSize), so both are inside the stacks.
func regs(f *Fibre) (s, r unsafe.Pointer) {
	return unsafe.Add(firstOf(f.s), uintptr(f.sbase)*8), unsafe.Add(firstOf(f.r), uintptr(f.rbase)*valueSize)
}

// frameSize returns the scalar and reference registers a frame of fn takes in a fibre's
// stacks: its own, and at least one of each kind, so that the address of its first
// register of either kind is inside the stack (regs).
func frameSize(fn *code.Func) (ns, nr int) { return max(fn.NS, 1), max(fn.NR, 1) }

// instrAt returns instruction pc of the code at base.
func instrAt(base unsafe.Pointer, pc int) *code.Instr {
	return (*code.Instr)(unsafe.Add(base, uintptr(pc)*instrSize))
}

// rreg returns reference register i of the registers at r.
func rreg(r unsafe.Pointer, i uint16) *Value { return (*Value)(unsafe.Add(r, uintptr(i)*valueSize)) }

// clearRegs drops the first n reference registers at r (a loop: clear would be a call).
func clearRegs(r unsafe.Pointer, n int) {
	for i := 0; i < n; i++ {
		*(*Value)(unsafe.Add(r, uintptr(i)*valueSize)) = nil
	}
}

// valueSize is the size of a reference register.
const valueSize = unsafe.Sizeof(Value(nil))

// calleeBases returns where the frame of a call's callee starts in f's scalar and
// reference stacks: after the caller's registers below the call's arguments, and the
// header, and (for a closure that needs no environment) the closure's register.
func calleeBases(f *Fibre, in *code.Instr, callee *code.Func) (nsb, nrb int) {
	nsb, nrb = int(f.sbase)+int(in.B)+2, int(f.rbase)+int(in.C)
	if in.Op == code.OpCallClosure && !callee.NeedsEnv {
		nrb++ // the arguments start after the closure's register
	}
	return nsb, nrb
}

// passed returns the value a return or a yield passes on: sA, rA, or none (unit), as its
// opcode says.
func passed(in *code.Instr, s, r unsafe.Pointer) (sv uint64, rv Value) {
	switch in.Op {
	case code.OpReturnS, code.OpYieldS:
		sv = *sreg(s, in.A)
	case code.OpReturnR, code.OpYieldR:
		rv = *rreg(r, in.A)
	}
	return sv, rv
}

// callee returns the function a call instruction calls, putting a closure's environment
// in its register; nil for a function value that is no closure (a generator instance, or
// a variable never given a value).
func (m *Machine) callee(r unsafe.Pointer, in *code.Instr) *code.Func {
	if in.Op == code.OpCall || in.Op == code.OpTailCall {
		return m.funcs[in.K]
	}
	c, ok := (*rreg(r, uint16(in.K))).(*Closure)
	if !ok {
		return nil
	}
	if c.Fn.NeedsEnv {
		*rreg(r, in.C) = c.Env
	}
	return c.Fn
}

// tooDeep is the error of a call, just before pc in fn, that would nest deeper than the
// limit.
func (m *Machine) tooDeep(f *Fibre, fn *code.Func, pc int, callee *code.Func) error {
	return m.fail(f, fn, pc, "calls nested too deep: the call of %s would be %d deep, past the limit (--max-depth; runaway recursion?)",
		displayName(callee), m.maxDepth+1)
}

// tailCall makes the running frame callee's, for the tail call in just before pc.
func (m *Machine) tailCall(f *Fibre, fn *code.Func, pc int, in *code.Instr, callee *code.Func) error {
	sbase, rbase := int(f.sbase), int(f.rbase)
	args := int(in.C)
	if in.Op == code.OpTailClosure && !callee.NeedsEnv {
		args++
	}
	if ns, nr := frameSize(callee); sbase+ns > len(f.s) || rbase+nr > len(f.r) {
		if !m.grow(f, sbase+ns, rbase+nr, false) {
			return m.tooDeep(f, fn, pc, callee)
		}
	}
	S, R := f.s[sbase:], f.r[rbase:]
	f.s[sbase-2] |= tailBit
	copy(S, S[int(in.B)+2:int(in.B)+2+callee.NArgS])
	copy(R, R[args:args+callee.NArgR])
	if fn.NR > callee.NArgR {
		clear(R[callee.NArgR:fn.NR])
	}
	return nil
}

// step runs one instruction that is neither scalar nor a call or return, just before pc
// in fn, for the running fibre f. It returns f to go on, another fibre to run instead (it
// has saved f's place where f must resume), or nil when f has stopped (ended, or waits).
func (m *Machine) step(f *Fibre, fn *code.Func, pc int, in *code.Instr) (*Fibre, error) {
	S, R := f.s[f.sbase:], f.r[f.rbase:]
	switch in.Op {
	case code.OpLoadKR:
		R[in.A] = fn.KR[in.K]

	case code.OpEqStr:
		S[in.A] = b2u(str(R[in.B]) == str(R[in.C]))
	case code.OpNeStr:
		S[in.A] = b2u(str(R[in.B]) != str(R[in.C]))
	case code.OpLtStr:
		S[in.A] = b2u(str(R[in.B]) < str(R[in.C]))
	case code.OpLeStr:
		S[in.A] = b2u(str(R[in.B]) <= str(R[in.C]))
	case code.OpConcat, code.OpConcatChar:
		a, b := str(R[in.B]), ""
		if in.Op == code.OpConcat {
			b = str(R[in.C])
		} else {
			b = string([]byte{byte(S[in.C])}) // one byte: Go has every such string made
		}
		size := int64(len(a)) + int64(len(b))
		if in.K != 0 {
			size = m.strings.allocates(a, b)
		}
		if err := m.Reserve(size, "a string"); err != nil {
			return nil, m.refused(f, fn, pc, err)
		}
		if in.K != 0 {
			R[in.A] = m.strings.append(a, b)
		} else {
			R[in.A] = concat(a, b)
		}
	case code.OpStrLen:
		S[in.A] = uint64(len(str(R[in.B])))
	case code.OpStrIndex:
		s, i := str(R[in.B]), int64(S[in.C])
		if i < 0 || i >= int64(len(s)) {
			return nil, m.fail(f, fn, pc, "string index %d out of range: the string has %d chars", i, len(s))
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
	case code.OpGetS, code.OpGetR:
		t, ok := R[in.B].(*Tuple)
		if !ok {
			return nil, m.unset(f, fn, pc, int(in.B), "a tuple")
		}
		if in.Op == code.OpGetS {
			S[in.A] = t.S[in.C]
		} else {
			R[in.A] = t.R[in.C]
		}

	case code.OpNewEnv:
		l := fn.Layouts[in.K]
		var up *Env
		if in.B != code.NoReg {
			up, _ = R[in.B].(*Env)
		}
		R[in.A] = newEnv(up, l.NS, l.NR)
	case code.OpEnvUp:
		R[in.A] = envAt(firstOf(R), in)
	case code.OpClosure:
		var env *Env
		if in.B != code.NoReg {
			env, _ = R[in.B].(*Env)
		}
		R[in.A] = newClosure(m.funcs[in.K], env)

	case code.OpCallBuiltin:
		f.fn, f.pc = fn, int32(pc) // for ErrorHere
		if err := m.builtins[in.K](m, S[in.B:], R[in.C:]); err != nil {
			if err := m.builtinStopped(err, f, fn, pc); err != nil {
				return nil, err
			}
			return nil, nil // the fibre waits
		}
	case code.OpFallOff:
		return nil, m.fail(f, fn, pc, "function %s ended without returning a value", fn.Name)

	case code.OpMkChan:
		ch := &Chan{}
		R[in.A] = ch
		if m.obs != nil {
			m.emit(f, Event{Kind: EvMakeChan, Fibre: f.id, Chan: m.chanID(ch)})
		}
	case code.OpHalt:
		e := m.fail(f, fn, pc, "halt: %s", str(R[in.A]))
		e.Halt = true
		return nil, e

	case code.OpConsS:
		tail, _ := R[in.C].(*List)
		R[in.A] = cons(S[in.B], nil, tail)
	case code.OpConsR:
		tail, _ := R[in.C].(*List)
		R[in.A] = cons(0, R[in.B], tail)
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
		R[in.A] = newVariant(fn.Layouts[in.K], S[in.B:], R[in.C:])
	case code.OpVarGetS, code.OpVarGetR:
		v, ok := R[in.B].(*Variant)
		if !ok {
			return nil, m.unset(f, fn, pc, int(in.B), "a variant")
		}
		if in.Op == code.OpVarGetS {
			S[in.A] = v.S[in.C]
		} else {
			R[in.A] = v.R[in.C]
		}
	case code.OpTestTag:
		if R[in.B] == nil && in.C != 0 {
			return nil, m.unset(f, fn, pc, int(in.B), "a variant")
		}
		S[in.A] = b2u(tag(R[in.B]) == int(in.K))
	case code.OpMatchFail:
		return nil, m.fail(f, fn, pc, "no arm of this match accepts the value")

	case code.OpAddrS, code.OpAddrR:
		R[in.A] = &Pointer{Env: envAt(firstOf(R), in), Slot: in.EnvSlot()}
	case code.OpLoadPtrS, code.OpLoadPtrR, code.OpStorePtrS, code.OpStorePtrR:
		p, ok := R[in.B].(*Pointer)
		if !ok {
			return nil, m.unset(f, fn, pc, int(in.B), "a pointer")
		}
		switch in.Op {
		case code.OpLoadPtrS:
			S[in.A] = p.Env.S[p.Slot]
		case code.OpLoadPtrR:
			R[in.A] = p.Env.R[p.Slot]
		case code.OpStorePtrS:
			p.Env.S[p.Slot] = S[in.A]
		default:
			p.Env.R[p.Slot] = R[in.A]
		}

	case code.OpYield0, code.OpYieldS, code.OpYieldR:
		sv, rv := passed(in, firstOf(S), firstOf(R))
		f.fn, f.pc = fn, int32(pc)
		f.gen.resume = int32(pc)
		return m.deliver(f, in.Op, sv, rv), nil

	case code.OpDuplex:
		R[in.A] = &Duplex{In: R[in.B].(*Chan), Out: R[in.C].(*Chan)}
	case code.OpDuplexIn, code.OpDuplexOut:
		d, ok := R[in.B].(*Duplex)
		if !ok {
			return nil, m.unset(f, fn, pc, int(in.B), "a duplex channel")
		}
		if in.Op == code.OpDuplexIn {
			R[in.A] = d.In
		} else {
			R[in.A] = d.Out
		}
	default:
		return nil, m.fail(f, fn, pc, "internal error: no part of the machine runs %s", in.Op)
	}
	return f, nil
}

// schedule runs a spawn, schedule, run or yield.
func (m *Machine) schedule(f *Fibre, fn *code.Func, pc int, in *code.Instr) (*Fibre, error) {
	if f.gen != nil {
		return nil, m.fail(f, fn, pc, "a generator cannot start fibres or yield to them: it runs on the stack of whoever calls it")
	}
	R := f.r[f.rbase:]
	switch in.Op {
	case code.OpSpawn:
		c, ok := R[in.A].(*Closure)
		if !ok {
			return nil, m.unset(f, fn, pc, int(in.A), "a procedure")
		}
		f.fn, f.pc = fn, int32(pc)
		m.sched.pushFront(f)
		g := m.newFibre(c, m.sched)
		if m.obs != nil {
			m.emit(f, Event{Kind: EvSpawn, Fibre: f.id, Other: g.id, Proc: procFrame(c)})
		}
		return g, nil
	case code.OpSchedule:
		c, ok := R[in.A].(*Closure)
		if !ok {
			return nil, m.unset(f, fn, pc, int(in.A), "a procedure")
		}
		g := m.newFibre(c, m.sched)
		m.sched.pushBack(g)
		if m.obs != nil {
			m.emit(f, Event{Kind: EvSchedule, Fibre: f.id, Other: g.id, Proc: procFrame(c)})
		}
	case code.OpRun:
		c, ok := R[in.A].(*Closure)
		if !ok {
			return nil, m.unset(f, fn, pc, int(in.A), "a procedure")
		}
		f.fn, f.pc = fn, int32(pc)
		m.sched = &Sched{parent: m.sched, caller: f}
		g := m.newFibre(c, m.sched)
		if m.obs != nil {
			m.emit(f, Event{Kind: EvRunNested, Fibre: f.id, Other: g.id, Proc: procFrame(c)})
		}
		return g, nil
	case code.OpYield:
		f.fn, f.pc = fn, int32(pc)
		m.sched.pushBack(f)
		if m.obs != nil {
			m.emit(f, Event{Kind: EvYield, Fibre: f.id})
		}
		return nil, nil
	}
	return f, nil
}

// idle finds the fibre to run when the active list is empty. It runs the work other
// goroutines handed over (Do). While some of the scheduler's fibres wait for the outside
// world, or the outside world holds the program, or output waits to be written, it sleeps
// in the poller until one can go on; otherwise a nested scheduler returns to the fibre
// that called run. It returns nil, nil when the mainline's scheduler has nothing left:
// the program's end.
func (m *Machine) idle() (*Fibre, error) {
	for {
		s := m.sched
		if !m.inbox.Empty() { // work handed over may release a fibre
			m.serve()
			if f := s.popFront(); f != nil {
				return f, nil
			}
			continue
		}
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
		if m.obs != nil {
			m.emit(s.caller, Event{Kind: EvResume, Fibre: s.caller.id})
		}
		return s.caller, nil
	}
}

// builtinStopped handles a builtin that returned an error: a Wait parks the fibre to run
// the builtin again later (and builtinStopped returns nil); anything else fails the fibre.
func (m *Machine) builtinStopped(err error, f *Fibre, fn *code.Func, pc int) error {
	w, ok := err.(*Wait)
	var u *Unset
	switch {
	case errors.As(err, &u):
		return m.unset(f, fn, pc, int(fn.Code[pc-1].C)+u.Arg, u.What)
	case err == ErrInterrupted: // a long builtin that Reserve stopped
		return err
	case !ok:
		return m.fail(f, fn, pc, "%v", err)
	case f.gen != nil:
		return m.fail(f, fn, pc, "a generator cannot wait for input, output or time: it runs on the stack of whoever calls it")
	}
	f.fn, f.pc = fn, int32(pc-1)
	if err := m.park(f, w); err != nil {
		return m.fail(f, fn, pc, "%v", err)
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
	if m.obs != nil {
		m.emit(nil, Event{Kind: EvEnd, Fibre: f.id})
	}
}

// checkpoint runs every few thousand backward jumps, calls and fibre switches, with f
// running fn, about to run the instruction at pc: it writes out standard output that has
// waited too long in the buffer (so a long-running program's lines appear as Felix's
// flushed println would show them), lets in the fibres the outside world released, and
// checks the memory limit. It returns ErrInterrupted after Interrupt or when standard
// output failed, and the runtime error of a program past its memory limit.
func (m *Machine) checkpoint(f *Fibre, fn *code.Func, pc int) error {
	if m.out.Buffered() > 0 && time.Since(m.flushed) > flushEvery {
		m.out.Flush()
		m.flushed = time.Now()
	}
	// Fibres the outside world has released join the active list even while others keep it
	// busy.
	if m.io.busy() {
		if err := m.poll(false); err != nil {
			return err
		}
	}
	m.serve()
	if m.interrupt.Load() || m.sink.err != nil {
		return ErrInterrupted
	}
	return m.checkMemory(f, fn, pc+1)
}

// flushEvery bounds how long printed output may wait in the buffer while the program runs.
const flushEvery = 20 * time.Millisecond

// resumeValue calls a function value that is not a closure, in the register K of the
// call just before pc: a generator instance, which resume runs; anything else is a
// function variable never given a value.
func (m *Machine) resumeValue(R []Value, f *Fibre, fn *code.Func, pc int) (*Fibre, error) {
	k := int(fn.Code[pc-1].K)
	gc, ok := R[k].(*GenClosure)
	if !ok {
		return nil, m.unset(f, fn, pc, k, "a function")
	}
	return m.resume(gc, f, fn, pc)
}

// resume calls a generator instance from the fibre f (running fn, just after the call at
// pc): it returns the generator's stack, to run until it yields or returns.
func (m *Machine) resume(gc *GenClosure, f *Fibre, fn *code.Func, pc int) (*Fibre, error) {
	g := gc.gen
	if g == nil {
		g = m.newGenerator(gc)
		gc.gen = g
	}
	if g.gen.caller != nil {
		return nil, m.fail(f, fn, pc, "a generator was called while it was running")
	}
	// Every call binds the generator's parameters to its arguments again (Felix's rule): the
	// body sees them from its start on the first call, and just after the yield it resumes
	// at on later ones. The generator's frame is the bottom one of its stack, where it
	// yields; the call's arguments are where a closure call puts them.
	in, callee := fn.Code[pc-1], gc.Fn
	args := int(f.sbase) + int(in.B) + 2
	copy(g.s[g.sbase:int(g.sbase)+callee.NArgS], f.s[args:args+callee.NArgS])
	env := 0
	if callee.NeedsEnv {
		env = 1
	}
	args = int(f.rbase) + int(in.C) + 1
	copy(g.r[int(g.rbase)+env:int(g.rbase)+callee.NArgR], f.r[args:args+callee.NArgR-env])
	f.fn, f.pc = fn, int32(pc)
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

// unset is the error of the instruction just before pc, which found nothing in its
// reference register reg: a variable used before it is given a value. The error names the
// variable as the source does (code.Func.Names), or else says what the register should
// have held (what: "a pointer").
func (m *Machine) unset(f *Fibre, fn *code.Func, pc, reg int, what string) *Error {
	return m.fail(f, fn, pc, "%s", unsetMessage(fn, pc-1, reg, what))
}

// unsetMessage says that the reference register reg, which the instruction at pc of fn
// reads, holds nothing.
func unsetMessage(fn *code.Func, pc, reg int, what string) string {
	name := fn.NameOf(pc, reg)
	if name == "" {
		name = what
	}
	return name + " is used before it is given a value"
}

// Unset is the error a builtin returns when its reference argument r[Arg] holds nothing:
// a variable used before it is given a value. What says what it should have held (a
// socket), for the message when the source gives the argument no name.
type Unset struct {
	Arg  int
	What string
}

func (u *Unset) Error() string { return unsetMessage(&code.Func{}, 0, 0, u.What) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// scalarFault reports why the kernel did not run the scalar instruction in, just before
// pc: a division by zero, or a double that is no int.
func (m *Machine) scalarFault(f *Fibre, fn *code.Func, pc int, in *code.Instr) error {
	S := f.s[f.sbase:]
	switch {
	case (in.Op == code.OpDivI || in.Op == code.OpModI) && S[in.C] == 0:
		return m.fail(f, fn, pc, "division by zero")
	case in.Op == code.OpDoubleToInt:
		return m.fail(f, fn, pc, "cannot convert %s to int", FormatDouble(math.Float64frombits(S[in.B])))
	}
	return m.fail(f, fn, pc, "internal error: no part of the machine runs %s", in.Op)
}
