//go:build !purego

// The scalar kernel for amd64; fibre_generic.go states its contract and holds its twin
// in Go. Threaded code: each handler runs one instruction and jumps straight to the
// handler of the next, found through kernelIndex (opcode -> handler number) and handlers<>.
// The handlers are leaves without frames; the exit handler returns to runScalar.
//
// Registers, for the whole run:
//	SI  the function's first instruction
//	BX  the instruction being run
//	DI  the scalar registers
//	R8  the scalar constants
//	R9  the backward jumps left
//	R10 kernelIndex
//	R11 handlers<>
//	AX, CX, DX, X0, X1: scratch
//
// An instruction is 12 bytes: Op at 0, A at 2, B at 4, C at 6, K at 8; imm32(B, C) is
// the 32-bit word at 4.

#include "textflag.h"

#define OPA(r) MOVWLZX 2(BX), r
#define OPB(r) MOVWLZX 4(BX), r
#define OPC(r) MOVWLZX 6(BX), r
#define OPK(r) MOVLQSX 8(BX), r
#define IMM32(r) MOVLQSX 4(BX), r
#define S(r) (DI)(r*8)

// NEXT runs the next instruction.
#define NEXT \
	ADDQ $12, BX; \
	DISPATCH

// DISPATCH runs the instruction at BX.
#define DISPATCH \
	MOVBLZX (BX), AX; \
	MOVBLZX (R10)(AX*1), AX; \
	JMP (R11)(AX*8)

// STOREA stores CX in sA and runs the next instruction.
#define STOREA \
	OPA(DX); \
	MOVQ CX, S(DX); \
	NEXT

// func runScalar(codep *code.Instr, pc int, s *uint64, ks *uint64, left int) (next, rest int)
TEXT ·runScalar(SB), NOSPLIT, $0-56
	MOVQ codep+0(FP), SI
	MOVQ pc+8(FP), BX
	LEAQ (BX)(BX*2), BX
	LEAQ (SI)(BX*4), BX
	MOVQ s+16(FP), DI
	MOVQ ks+24(FP), R8
	MOVQ left+32(FP), R9
	LEAQ ·kernelIndex(SB), R10
	LEAQ handlers<>(SB), R11
	CALL start<>(SB)
	// next = (BX - SI) / 12: the offset is a multiple of 4, and its quarter of 3, so the
	// quarter times the inverse of 3 modulo 2^64 divides exactly.
	SUBQ SI, BX
	SHRQ $2, BX
	MOVQ $0xAAAAAAAAAAAAAAAB, AX
	IMULQ AX, BX
	MOVQ BX, next+40(FP)
	MOVQ R9, rest+48(FP)
	RET

TEXT start<>(SB), NOSPLIT|NOFRAME, $0
	DISPATCH

// exit returns to runScalar with BX at the instruction not run.
TEXT exit<>(SB), NOSPLIT|NOFRAME, $0
	RET

// take jumps to the instruction whose index is in CX, counting a backward jump.
TEXT take<>(SB), NOSPLIT|NOFRAME, $0
	LEAQ (CX)(CX*2), CX
	LEAQ (SI)(CX*4), CX
	CMPQ CX, BX
	JHI  forward
	MOVQ CX, BX
	DECQ R9
	JLE  spent
	DISPATCH
forward:
	MOVQ CX, BX
	DISPATCH
spent:
	RET

TEXT nop<>(SB), NOSPLIT|NOFRAME, $0
	NEXT

TEXT moves<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	MOVQ S(CX), CX
	STOREA

TEXT loadi<>(SB), NOSPLIT|NOFRAME, $0
	OPK(CX)
	STOREA

TEXT loadks<>(SB), NOSPLIT|NOFRAME, $0
	OPK(CX)
	MOVQ (R8)(CX*8), CX
	STOREA

// BINARY loads sB into CX and sC's index into DX.
#define BINARY \
	OPB(CX); \
	OPC(DX); \
	MOVQ S(CX), CX

TEXT addi<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	ADDQ S(DX), CX
	STOREA

TEXT addik<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	OPK(DX)
	ADDQ S(CX), DX
	MOVQ DX, CX
	STOREA

TEXT subi<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	SUBQ S(DX), CX
	STOREA

TEXT muli<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	IMULQ S(DX), CX
	STOREA

// DIVIDE leaves the divisor in CX and the dividend in AX, or stops at a zero divisor.
#define DIVIDE \
	OPC(CX); \
	MOVQ S(CX), CX; \
	TESTQ CX, CX; \
	JEQ  zero; \
	OPB(AX); \
	MOVQ S(AX), AX

TEXT divi<>(SB), NOSPLIT|NOFRAME, $0
	DIVIDE
	CMPQ CX, $-1
	JEQ  minus1
	CQO
	IDIVQ CX
	MOVQ AX, CX
	STOREA
minus1:
	NEGQ AX // wraps, as Go's division does; IDIVQ would trap on the smallest int
	MOVQ AX, CX
	STOREA
zero:
	RET

TEXT modi<>(SB), NOSPLIT|NOFRAME, $0
	DIVIDE
	CMPQ CX, $-1
	JEQ  minus1
	CQO
	IDIVQ CX
	MOVQ DX, CX
	STOREA
minus1:
	XORL CX, CX
	STOREA
zero:
	RET

TEXT negi<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	MOVQ S(CX), CX
	NEGQ CX
	STOREA

// DOUBLES loads sB into X0 and sC's index into DX.
#define DOUBLES \
	OPB(CX); \
	OPC(DX); \
	MOVSD S(CX), X0

// STOREX0 stores X0 in sA and runs the next instruction.
#define STOREX0 \
	OPA(DX); \
	MOVSD X0, S(DX); \
	NEXT

TEXT addd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	ADDSD S(DX), X0
	STOREX0

TEXT subd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	SUBSD S(DX), X0
	STOREX0

TEXT muld<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	MULSD S(DX), X0
	STOREX0

TEXT divd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	DIVSD S(DX), X0
	STOREX0

TEXT negd<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	MOVQ S(CX), CX
	BTCQ $63, CX
	STOREA

// COMPARE compares sB with sC, COMPAREK sB with K; BOOL stores a condition in sA as 0 or 1.
#define COMPARE \
	BINARY; \
	CMPQ CX, S(DX)

#define COMPAREK \
	OPB(CX); \
	OPK(DX); \
	MOVQ S(CX), CX; \
	CMPQ CX, DX

#define BOOL(set) \
	set CL; \
	MOVBQZX CL, CX; \
	STOREA

TEXT eqi<>(SB), NOSPLIT|NOFRAME, $0
	COMPARE
	BOOL(SETEQ)

TEXT nei<>(SB), NOSPLIT|NOFRAME, $0
	COMPARE
	BOOL(SETNE)

TEXT lti<>(SB), NOSPLIT|NOFRAME, $0
	COMPARE
	BOOL(SETLT)

TEXT lei<>(SB), NOSPLIT|NOFRAME, $0
	COMPARE
	BOOL(SETLE)

TEXT eqik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(SETEQ)

TEXT neik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(SETNE)

TEXT ltik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(SETLT)

TEXT leik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(SETLE)

TEXT gtik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(SETGT)

TEXT geik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(SETGE)

// UCOMISD X1, X0 sets the flags for X0 against X1; unordered (a NaN) sets ZF, PF and CF.
TEXT eqd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	MOVSD S(DX), X1
	UCOMISD X1, X0
	SETEQ AL
	SETPC CL
	ANDB AL, CL
	MOVBQZX CL, CX
	STOREA

TEXT ned<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	MOVSD S(DX), X1
	UCOMISD X1, X0
	SETNE AL
	SETPS CL
	ORB  AL, CL
	MOVBQZX CL, CX
	STOREA

// sB < sC is sC above sB, which a NaN never is.
TEXT ltd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	MOVSD S(DX), X1
	UCOMISD X0, X1
	BOOL(SETHI)

TEXT led<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	MOVSD S(DX), X1
	UCOMISD X0, X1
	BOOL(SETCC)

TEXT not<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	MOVQ S(CX), CX
	XORQ $1, CX
	STOREA

TEXT jump<>(SB), NOSPLIT|NOFRAME, $0
	OPK(CX)
	JMP take<>(SB)

// BRANCH jumps to K when the condition holds, else runs the next instruction.
#define BRANCH(jcc) \
	jcc  taken; \
	NEXT; \
taken: \
	OPK(CX); \
	JMP take<>(SB)

TEXT jumpif<>(SB), NOSPLIT|NOFRAME, $0
	OPA(CX)
	CMPQ S(CX), $0
	BRANCH(JNE)

TEXT jumpifnot<>(SB), NOSPLIT|NOFRAME, $0
	OPA(CX)
	CMPQ S(CX), $0
	BRANCH(JEQ)

// JCOMPARE compares sA with sB; JCOMPAREK compares sA with imm32(B, C).
#define JCOMPARE \
	OPA(CX); \
	OPB(DX); \
	MOVQ S(CX), CX; \
	CMPQ CX, S(DX)

#define JCOMPAREK \
	OPA(CX); \
	IMM32(DX); \
	MOVQ S(CX), CX; \
	CMPQ CX, DX

TEXT jlti<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPARE
	BRANCH(JLT)

TEXT jlei<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPARE
	BRANCH(JLE)

TEXT jeqi<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPARE
	BRANCH(JEQ)

TEXT jnei<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPARE
	BRANCH(JNE)

TEXT jltik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(JLT)

TEXT jleik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(JLE)

TEXT jgtik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(JGT)

TEXT jgeik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(JGE)

TEXT jeqik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(JEQ)

TEXT jneik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(JNE)

TEXT i2d<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	CVTSQ2SD S(CX), X0
	STOREX0

// d2i stops at a NaN and at doubles outside [-2^63, 2^63), which the loop reports.
TEXT d2i<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	MOVSD S(CX), X0
	MOVQ $0x43E0000000000000, CX // 2^63
	MOVQ CX, X1
	UCOMISD X1, X0
	JCC  fail // X0 >= 2^63, or a NaN (with CF set, caught below)
	JPS  fail
	MOVQ $0xC3E0000000000000, CX // -2^63
	MOVQ CX, X1
	UCOMISD X1, X0
	JCS  fail // X0 < -2^63
	CVTTSD2SQ X0, CX
	STOREA
fail:
	RET

TEXT ord<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	MOVBQSX S(CX), CX
	STOREA

TEXT chr<>(SB), NOSPLIT|NOFRAME, $0
	OPB(CX)
	MOVBQZX S(CX), CX
	STOREA

#include "fibre_handlers.h"
