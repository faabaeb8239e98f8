package code

import "fmt"

// Verify checks funcs[from:], the functions of a program (or of one more input of a
// session) whose functions are funcs and whose builtins number builtins, against the
// opcode table: every opcode is known; every register operand lies inside its function's
// frame, of the kind the table says; constants, layouts, builtins and functions exist; jump
// targets lie inside the function; and no function can run past its last instruction. The
// machine verifies code once, before it runs, and relies on it: its loop and its kernels
// index registers without checking them.
//
// What Verify cannot see, the machine checks as it goes: the result register of a call
// through a closure value (the callee is known only then), and the stack room for a frame.
func Verify(funcs []*Func, from, builtins int) error {
	for i := from; i < len(funcs); i++ {
		f := funcs[i]
		if f == nil || f.Index != i {
			return fmt.Errorf("verify: function %d is missing or misnumbered", i)
		}
		v := verifier{f: f, funcs: funcs, builtins: builtins}
		if err := v.function(); err != nil {
			return err
		}
	}
	return nil
}

// verifier checks one function.
type verifier struct {
	f        *Func
	funcs    []*Func // every function of the program, by index
	builtins int     // how many builtins the program names
	pc       int     // the instruction being checked
}

func (v *verifier) function() error {
	f := v.f
	switch {
	case len(f.Code) == 0:
		return v.errorf("it has no code")
	case f.NS < 0 || f.NR < 0 || f.NS > NoReg || f.NR > NoReg:
		return v.errorf("its frame has %d scalar and %d reference registers", f.NS, f.NR)
	case f.NArgS < 0 || f.NArgS > f.NS || f.NArgR < 0 || f.NArgR > f.NR:
		return v.errorf("its arguments (s%d r%d) do not fit its frame (s%d r%d)", f.NArgS, f.NArgR, f.NS, f.NR)
	case f.NeedsEnv && f.NR == 0:
		return v.errorf("it needs an environment but has no reference register for it")
	}
	for v.pc = range f.Code {
		in := &f.Code[v.pc]
		if int(in.Op) >= len(Ops) || Ops[in.Op].Name == "" {
			return v.errorf("unknown opcode %d", in.Op)
		}
		info := &Ops[in.Op]
		for _, o := range [...]struct {
			field string
			kind  Operand
			val   int64
		}{{"A", info.A, int64(in.A)}, {"B", info.B, int64(in.B)}, {"C", info.C, int64(in.C)}, {"K", info.K, int64(in.K)}} {
			if err := v.operand(in, o.field, o.kind, o.val); err != nil {
				return err
			}
		}
	}
	if last := f.Code[len(f.Code)-1].Op; Ops[last].Traits&Ends == 0 {
		return v.errorf("its last instruction, %s, lets control run past the end", last)
	}
	return nil
}

// operand checks one operand of the instruction at v.pc.
func (v *verifier) operand(in *Instr, field string, kind Operand, val int64) error {
	f := v.f
	within := func(what string, n int) error {
		if val < 0 || val >= int64(n) {
			return v.errorf("%s: %s %d is outside 0..%d", field, what, val, n-1)
		}
		return nil
	}
	switch kind {
	case SReg:
		return v.register(field, "s", val, 1, f.NS)
	case RReg:
		return v.register(field, "r", val, 1, f.NR)
	case ROpt:
		if val == NoReg {
			return nil
		}
		return v.register(field, "r", val, 1, f.NR)
	case SBase:
		return v.register(field, "s", val, 0, f.NS)
	case RBase:
		return v.register(field, "r", val, 0, f.NR)
	case SRun, RRun:
		if in.K < 0 || int(in.K) >= len(f.Layouts) {
			return nil // reported as operand K
		}
		l := f.Layouts[in.K]
		if kind == SRun {
			return v.register(field, "s", val, l.NS, f.NS)
		}
		return v.register(field, "r", val, l.NR, f.NR)
	case KScalar:
		return within("scalar constant", len(f.KS))
	case KRef:
		return within("reference constant", len(f.KR))
	case Target:
		return within("jump target", len(f.Code))
	case Builtin:
		return within("builtin", v.builtins)
	case LayoutIdx:
		return within("layout", len(f.Layouts))
	case FuncIdx:
		return within("function", len(v.funcs))
	case Result:
		return v.result(in, field, val)
	}
	return nil // None, Imm, Imm32, Flag, Depth, Slot: any value will do
}

// register checks that the n registers of a kind from val on lie inside a frame of size
// regs; with n == 0, that val is at most the frame's size (a base of nothing).
func (v *verifier) register(field, prefix string, val int64, n, regs int) error {
	if n == 0 && val <= int64(regs) || n > 0 && val+int64(n) <= int64(regs) {
		return nil
	}
	return v.errorf("%s: register %s%d (and %d after it) outside the frame's %d", field, prefix, val, max(n-1, 0), regs)
}

// result checks the result register of a call whose callee is known: it must be of the
// kind the callee returns.
func (v *verifier) result(in *Instr, field string, val int64) error {
	if Ops[in.Op].K != FuncIdx || in.K < 0 || int(in.K) >= len(v.funcs) {
		return nil // a closure's callee is known only when it runs; the machine checks then
	}
	for _, ci := range v.funcs[in.K].Code {
		switch ci.Op {
		case OpReturnS, OpYieldS:
			return v.register(field, "s", val, 1, v.f.NS)
		case OpReturnR, OpYieldR:
			return v.register(field, "r", val, 1, v.f.NR)
		}
	}
	return nil
}

func (v *verifier) errorf(format string, args ...any) error {
	f := v.f
	line, col := f.Pos(v.pc)
	where := fmt.Sprintf("%s:%d:%d: ", f.File, line, col)
	if line == 0 {
		where = ""
	}
	op := "?"
	if v.pc < len(f.Code) {
		op = f.Code[v.pc].Op.String()
	}
	return fmt.Errorf("%sbad bytecode in %s at pc %d (%s): %s", where, displayName(f), v.pc, op, fmt.Sprintf(format, args...))
}

func displayName(f *Func) string {
	if f.Name == "" {
		return fmt.Sprintf("function %d", f.Index)
	}
	return f.Name
}
