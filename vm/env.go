package vm

import (
	"unsafe"

	"github.com/felixlet/felixlet/vm/code"
)

// The variables that closures share live in environments (Env). The loop's fast part reads
// them itself (ENVGETS, ENVGETR); their writes, with the moves of references, are the
// frequent ones among those it hands on, so each has a function of its own in outOfLines.

// envAt returns the environment in.EnvDepth() levels above the one in register B of the
// reference registers at r.
func envAt(r unsafe.Pointer, in *code.Instr) *Env {
	e := (*rreg(r, in.B)).(*Env)
	for k := in.EnvDepth(); k > 0; k-- {
		e = e.Up
	}
	return e
}

// envSet runs ENVSETS and ENVSETR.
func (m *Machine) envSet(f *Fibre, fn *code.Func, pc int, in *code.Instr) (*Fibre, error) {
	R := f.r[f.rbase:]
	if in.Op == code.OpEnvSetS {
		envAt(firstOf(R), in).S[in.EnvSlot()] = f.s[int(f.sbase)+int(in.A)]
	} else {
		envAt(firstOf(R), in).R[in.EnvSlot()] = R[in.A]
	}
	return f, nil
}

// moveR runs MOVER and LOADNIL.
func (m *Machine) moveR(f *Fibre, fn *code.Func, pc int, in *code.Instr) (*Fibre, error) {
	R := f.r[f.rbase:]
	if in.Op == code.OpMoveR {
		R[in.A] = R[in.B]
	} else {
		R[in.A] = nil
	}
	return f, nil
}
