package vm

import (
	"math"
	"unsafe"

	"github.com/felixlet/felixlet/vm/code"
)

// The scalar kernel runs a stretch of scalar instructions (those the opcode table marks
// code.Scalar: int and double arithmetic, comparisons, moves, constants, conversions and
// jumps) over a frame's scalar registers, for the interpreter loop, which hands it every
// scalar instruction it meets:
//
//	runScalar(code, pc, s, ks, left) (next, left)
//
// runs code (the function's instructions) from pc, with s its scalar registers and ks its
// scalar constants, until it meets an instruction it does not run, and returns that
// instruction's pc. It also stops at a division by zero and at a double that does not
// convert to an int, at their own pc, for the loop to report; and after the left-th
// backward jump (a jump to its own pc or before), at the jump's target, with left spent, so
// that the loop can look for interrupts. A kernel never calls Go, never allocates and
// never writes a Go pointer: it touches only the pointer-free scalar registers, so it is
// invisible to the garbage collector. It relies on verified code (code.Verify): registers,
// constants and targets are not checked again.
//
// fibre_amd64.s and fibre_arm64.s are the kernels in assembly; scalarGo, here, is their
// twin in Go, which builds for other machines and with the purego tag use, and which the
// differential test holds the assembly to.

// instrSize is the size of an instruction, by which the kernels step.
const instrSize = unsafe.Sizeof(code.Instr{})

// sreg returns scalar register i of the registers at s.
func sreg(s unsafe.Pointer, i uint16) *uint64 { return (*uint64)(unsafe.Add(s, uintptr(i)*8)) }

// The instructions that sit between calls (argument moves, small sums, tests) the loop
// runs itself, since entering the kernel costs more than they do; these functions are
// their one definition, for the loop and the twin alike. A jump's function says whether
// it is taken.

func moveS(s unsafe.Pointer, in *code.Instr) { *sreg(s, in.A) = *sreg(s, in.B) }
func loadI(s unsafe.Pointer, in *code.Instr) { *sreg(s, in.A) = uint64(int64(in.K)) }
func addI(s unsafe.Pointer, in *code.Instr)  { *sreg(s, in.A) = *sreg(s, in.B) + *sreg(s, in.C) }
func addIK(s unsafe.Pointer, in *code.Instr) { *sreg(s, in.A) = *sreg(s, in.B) + uint64(int64(in.K)) }
func subI(s unsafe.Pointer, in *code.Instr)  { *sreg(s, in.A) = *sreg(s, in.B) - *sreg(s, in.C) }

func jLtI(s unsafe.Pointer, in *code.Instr) bool {
	return int64(*sreg(s, in.A)) < int64(*sreg(s, in.B))
}
func jLeI(s unsafe.Pointer, in *code.Instr) bool {
	return int64(*sreg(s, in.A)) <= int64(*sreg(s, in.B))
}
func jEqI(s unsafe.Pointer, in *code.Instr) bool      { return *sreg(s, in.A) == *sreg(s, in.B) }
func jNeI(s unsafe.Pointer, in *code.Instr) bool      { return *sreg(s, in.A) != *sreg(s, in.B) }
func jLtIK(s unsafe.Pointer, in *code.Instr) bool     { return int64(*sreg(s, in.A)) < in.Imm32() }
func jLeIK(s unsafe.Pointer, in *code.Instr) bool     { return int64(*sreg(s, in.A)) <= in.Imm32() }
func jGtIK(s unsafe.Pointer, in *code.Instr) bool     { return int64(*sreg(s, in.A)) > in.Imm32() }
func jGeIK(s unsafe.Pointer, in *code.Instr) bool     { return int64(*sreg(s, in.A)) >= in.Imm32() }
func jEqIK(s unsafe.Pointer, in *code.Instr) bool     { return int64(*sreg(s, in.A)) == in.Imm32() }
func jNeIK(s unsafe.Pointer, in *code.Instr) bool     { return int64(*sreg(s, in.A)) != in.Imm32() }
func jumpIf(s unsafe.Pointer, in *code.Instr) bool    { return *sreg(s, in.A) != 0 }
func jumpIfNot(s unsafe.Pointer, in *code.Instr) bool { return *sreg(s, in.A) == 0 }

// scalarGo is the kernel in Go.
func scalarGo(codep *code.Instr, pc int, s *uint64, ks *uint64, left int) (int, int) {
	base, sp, kp := unsafe.Pointer(codep), unsafe.Pointer(s), unsafe.Pointer(ks)
	reg := func(i uint16) *uint64 { return sreg(sp, i) }
	dbl := func(i uint16) float64 { return math.Float64frombits(*reg(i)) }
	for {
		in := (*code.Instr)(unsafe.Add(base, uintptr(pc)*instrSize))
		var jump bool
		switch in.Op {
		case code.OpNop:
		case code.OpMoveS:
			moveS(sp, in)
		case code.OpLoadI:
			loadI(sp, in)
		case code.OpLoadKS:
			*reg(in.A) = *(*uint64)(unsafe.Add(kp, uintptr(in.K)*8))

		case code.OpAddI:
			addI(sp, in)
		case code.OpAddIK:
			addIK(sp, in)
		case code.OpSubI:
			subI(sp, in)
		case code.OpMulI:
			*reg(in.A) = *reg(in.B) * *reg(in.C)
		case code.OpDivI, code.OpModI:
			n, d := int64(*reg(in.B)), int64(*reg(in.C))
			if d == 0 {
				return pc, left // the loop reports it
			}
			if in.Op == code.OpDivI {
				*reg(in.A) = uint64(n / d)
			} else {
				*reg(in.A) = uint64(n % d)
			}
		case code.OpNegI:
			*reg(in.A) = -*reg(in.B)

		case code.OpAddD:
			*reg(in.A) = math.Float64bits(dbl(in.B) + dbl(in.C))
		case code.OpSubD:
			*reg(in.A) = math.Float64bits(dbl(in.B) - dbl(in.C))
		case code.OpMulD:
			*reg(in.A) = math.Float64bits(dbl(in.B) * dbl(in.C))
		case code.OpDivD:
			*reg(in.A) = math.Float64bits(dbl(in.B) / dbl(in.C))
		case code.OpNegD:
			*reg(in.A) = *reg(in.B) ^ 1<<63 // the sign bit, NaNs included

		case code.OpEqI:
			*reg(in.A) = b2u(*reg(in.B) == *reg(in.C))
		case code.OpNeI:
			*reg(in.A) = b2u(*reg(in.B) != *reg(in.C))
		case code.OpLtI:
			*reg(in.A) = b2u(int64(*reg(in.B)) < int64(*reg(in.C)))
		case code.OpLeI:
			*reg(in.A) = b2u(int64(*reg(in.B)) <= int64(*reg(in.C)))
		case code.OpEqIK:
			*reg(in.A) = b2u(int64(*reg(in.B)) == int64(in.K))
		case code.OpNeIK:
			*reg(in.A) = b2u(int64(*reg(in.B)) != int64(in.K))
		case code.OpLtIK:
			*reg(in.A) = b2u(int64(*reg(in.B)) < int64(in.K))
		case code.OpLeIK:
			*reg(in.A) = b2u(int64(*reg(in.B)) <= int64(in.K))
		case code.OpGtIK:
			*reg(in.A) = b2u(int64(*reg(in.B)) > int64(in.K))
		case code.OpGeIK:
			*reg(in.A) = b2u(int64(*reg(in.B)) >= int64(in.K))
		case code.OpEqD:
			*reg(in.A) = b2u(dbl(in.B) == dbl(in.C))
		case code.OpNeD:
			*reg(in.A) = b2u(dbl(in.B) != dbl(in.C))
		case code.OpLtD:
			*reg(in.A) = b2u(dbl(in.B) < dbl(in.C))
		case code.OpLeD:
			*reg(in.A) = b2u(dbl(in.B) <= dbl(in.C))
		case code.OpNot:
			*reg(in.A) = *reg(in.B) ^ 1

		case code.OpJump:
			jump = true
		case code.OpJumpIf:
			jump = jumpIf(sp, in)
		case code.OpJumpIfNot:
			jump = jumpIfNot(sp, in)
		case code.OpJLtI:
			jump = jLtI(sp, in)
		case code.OpJLeI:
			jump = jLeI(sp, in)
		case code.OpJEqI:
			jump = jEqI(sp, in)
		case code.OpJNeI:
			jump = jNeI(sp, in)
		case code.OpJLtIK:
			jump = jLtIK(sp, in)
		case code.OpJLeIK:
			jump = jLeIK(sp, in)
		case code.OpJGtIK:
			jump = jGtIK(sp, in)
		case code.OpJGeIK:
			jump = jGeIK(sp, in)
		case code.OpJEqIK:
			jump = jEqIK(sp, in)
		case code.OpJNeIK:
			jump = jNeIK(sp, in)

		case code.OpIntToDouble:
			*reg(in.A) = math.Float64bits(float64(int64(*reg(in.B))))
		case code.OpDoubleToInt:
			x := dbl(in.B)
			if !(x >= -0x1p63 && x < 0x1p63) { // nan too
				return pc, left // the loop reports it
			}
			*reg(in.A) = uint64(int64(x))
		case code.OpOrd:
			*reg(in.A) = uint64(int64(int8(*reg(in.B))))
		case code.OpChr:
			*reg(in.A) = uint64(byte(*reg(in.B)))

		default:
			return pc, left
		}
		if !jump {
			pc++
			continue
		}
		target := int(in.K)
		if target <= pc {
			if left--; left <= 0 {
				return target, left
			}
		}
		pc = target
	}
}
