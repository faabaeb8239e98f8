//go:build (amd64 || arm64) && !purego

package vm

import "github.com/felixlet/felixlet/vm/code"

// runScalar is the scalar kernel in assembly: fibre_amd64.s, fibre_arm64.s.
//
//go:noescape
func runScalar(codep *code.Instr, pc int, s *uint64, ks *uint64, left int) (next, rest int)

// kernelOps lists the opcodes the assembly kernels run, in the order of their handler
// tables (handlers<> in fibre_handlers.h, after the exit handler).
var kernelOps = [...]code.Op{
	code.OpNop, code.OpMoveS, code.OpLoadI, code.OpLoadKS,
	code.OpAddI, code.OpAddIK, code.OpSubI, code.OpMulI, code.OpDivI, code.OpModI, code.OpNegI,
	code.OpAddD, code.OpSubD, code.OpMulD, code.OpDivD, code.OpNegD,
	code.OpEqI, code.OpNeI, code.OpLtI, code.OpLeI,
	code.OpEqIK, code.OpNeIK, code.OpLtIK, code.OpLeIK, code.OpGtIK, code.OpGeIK,
	code.OpEqD, code.OpNeD, code.OpLtD, code.OpLeD, code.OpNot,
	code.OpJump, code.OpJumpIf, code.OpJumpIfNot, code.OpJLtI, code.OpJLeI, code.OpJEqI, code.OpJNeI,
	code.OpJLtIK, code.OpJLeIK, code.OpJGtIK, code.OpJGeIK, code.OpJEqIK, code.OpJNeIK,
	code.OpIntToDouble, code.OpDoubleToInt, code.OpOrd, code.OpChr,
}

// kernelIndex maps each opcode to its handler in the kernels' tables: its place in
// kernelOps plus one, or 0, the handler that returns to the loop.
var kernelIndex = func() (t [256]uint8) {
	for i, op := range kernelOps {
		t[op] = uint8(i + 1)
	}
	return t
}()
