//go:build !purego

// The scalar kernel for arm64; fibre_generic.go states its contract and holds its twin
// in Go. Threaded code: each handler runs one instruction and jumps straight to the
// handler of the next, found through kernelIndex (opcode -> handler number) and handlers<>.
// The handlers are leaves without frames; the exit handler returns (through LR) to
// runScalar.
//
// Registers, for the whole run:
//	R0  the function's first instruction
//	R1  the instruction being run
//	R2  the scalar registers
//	R3  the scalar constants
//	R4  the backward jumps left
//	R5  kernelIndex
//	R6  handlers<>
//	R7-R11, F0, F1: scratch
//
// An instruction is 12 bytes: Op at 0, A at 2, B at 4, C at 6, K at 8; imm32(B, C) is
// the 32-bit word at 4.

#include "textflag.h"

#define OPA(r) MOVHU 2(R1), r
#define OPB(r) MOVHU 4(R1), r
#define OPC(r) MOVHU 6(R1), r
#define OPK(r) MOVW 8(R1), r
#define IMM32(r) MOVW 4(R1), r
#define S(r) (R2)(r<<3)

// NEXT runs the next instruction.
#define NEXT \
	ADD $12, R1, R1; \
	DISPATCH

// DISPATCH runs the instruction at R1.
#define DISPATCH \
	MOVBU (R1), R7; \
	MOVBU (R5)(R7), R7; \
	MOVD (R6)(R7<<3), R7; \
	JMP (R7)

// STOREA stores R8 in sA and runs the next instruction.
#define STOREA \
	OPA(R7); \
	MOVD R8, S(R7); \
	NEXT

// func runScalar(codep *code.Instr, pc int, s *uint64, ks *uint64, left int) (next, rest int)
TEXT ·runScalar(SB), NOSPLIT, $16-56
	MOVD codep+0(FP), R0
	MOVD pc+8(FP), R1
	ADD  R1<<1, R1, R1
	ADD  R1<<2, R0, R1
	MOVD s+16(FP), R2
	MOVD ks+24(FP), R3
	MOVD left+32(FP), R4
	MOVD $·kernelIndex(SB), R5
	MOVD $handlers<>(SB), R6
	CALL start<>(SB)
	// next = (R1 - R0) / 12.
	SUB  R0, R1, R1
	MOVD $12, R7
	UDIV R7, R1, R1
	MOVD R1, next+40(FP)
	MOVD R4, rest+48(FP)
	RET

TEXT start<>(SB), NOSPLIT|NOFRAME, $0
	DISPATCH

// exit returns to runScalar with R1 at the instruction not run.
TEXT exit<>(SB), NOSPLIT|NOFRAME, $0
	RET

// take jumps to the instruction whose index is in R8, counting a backward jump.
TEXT take<>(SB), NOSPLIT|NOFRAME, $0
	ADD  R8<<1, R8, R8
	ADD  R8<<2, R0, R8
	CMP  R1, R8
	BHI  forward
	MOVD R8, R1
	SUBS $1, R4, R4
	BLE  spent
	DISPATCH
forward:
	MOVD R8, R1
	DISPATCH
spent:
	RET

TEXT nop<>(SB), NOSPLIT|NOFRAME, $0
	NEXT

TEXT moves<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	MOVD S(R8), R8
	STOREA

TEXT loadi<>(SB), NOSPLIT|NOFRAME, $0
	OPK(R8)
	STOREA

TEXT loadks<>(SB), NOSPLIT|NOFRAME, $0
	OPK(R8)
	MOVD (R3)(R8<<3), R8
	STOREA

// BINARY loads sB into R8 and sC into R9.
#define BINARY \
	OPB(R8); \
	OPC(R9); \
	MOVD S(R8), R8; \
	MOVD S(R9), R9

TEXT addi<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	ADD  R9, R8, R8
	STOREA

TEXT addik<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	OPK(R9)
	MOVD S(R8), R8
	ADD  R9, R8, R8
	STOREA

TEXT subi<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	SUB  R9, R8, R8
	STOREA

TEXT muli<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	MUL  R9, R8, R8
	STOREA

// A zero divisor stops the kernel; SDIV wraps the smallest int divided by -1, as Go does.
TEXT divi<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	CBZ  R9, zero
	SDIV R9, R8, R8
	STOREA
zero:
	RET

TEXT modi<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	CBZ  R9, zero
	SDIV R9, R8, R10
	MUL  R9, R10, R10
	SUB  R10, R8, R8
	STOREA
zero:
	RET

TEXT negi<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	MOVD S(R8), R8
	NEG  R8, R8
	STOREA

// DOUBLES loads sB into F0 and sC into F1; STOREF0 stores F0 in sA and runs the next
// instruction.
#define DOUBLES \
	BINARY; \
	FMOVD R8, F0; \
	FMOVD R9, F1

#define STOREF0 \
	FMOVD F0, R8; \
	STOREA

TEXT addd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	FADDD F1, F0, F0
	STOREF0

TEXT subd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	FSUBD F1, F0, F0
	STOREF0

TEXT muld<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	FMULD F1, F0, F0
	STOREF0

TEXT divd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	FDIVD F1, F0, F0
	STOREF0

TEXT negd<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	MOVD S(R8), R8
	EOR  $(1<<63), R8, R8
	STOREA

// BOOL stores a condition of the flags in sA as 0 or 1.
#define BOOL(cond) \
	CSET cond, R8; \
	STOREA

// CMP R9, R8 compares R8 (sB) with R9 (sC).
TEXT eqi<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	CMP  R9, R8
	BOOL(EQ)

TEXT nei<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	CMP  R9, R8
	BOOL(NE)

TEXT lti<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	CMP  R9, R8
	BOOL(LT)

TEXT lei<>(SB), NOSPLIT|NOFRAME, $0
	BINARY
	CMP  R9, R8
	BOOL(LE)

// COMPAREK compares sB with K.
#define COMPAREK \
	OPB(R8); \
	OPK(R9); \
	MOVD S(R8), R8; \
	CMP  R9, R8

TEXT eqik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(EQ)

TEXT neik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(NE)

TEXT ltik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(LT)

TEXT leik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(LE)

TEXT gtik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(GT)

TEXT geik<>(SB), NOSPLIT|NOFRAME, $0
	COMPAREK
	BOOL(GE)

// FCMPD F1, F0 compares F0 (sB) with F1 (sC); unordered (a NaN) sets C and V, so that EQ,
// MI (less) and LS (less or equal) are false and NE true.
TEXT eqd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	FCMPD F1, F0
	BOOL(EQ)

TEXT ned<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	FCMPD F1, F0
	BOOL(NE)

TEXT ltd<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	FCMPD F1, F0
	BOOL(MI)

TEXT led<>(SB), NOSPLIT|NOFRAME, $0
	DOUBLES
	FCMPD F1, F0
	BOOL(LS)

TEXT not<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	MOVD S(R8), R8
	EOR  $1, R8, R8
	STOREA

TEXT jump<>(SB), NOSPLIT|NOFRAME, $0
	OPK(R8)
	JMP take<>(SB)

// BRANCH jumps to K when the condition holds, else runs the next instruction.
#define BRANCH(bcc) \
	bcc taken; \
	NEXT; \
taken: \
	OPK(R8); \
	JMP take<>(SB)

TEXT jumpif<>(SB), NOSPLIT|NOFRAME, $0
	OPA(R8)
	MOVD S(R8), R8
	CMP  $0, R8
	BRANCH(BNE)

TEXT jumpifnot<>(SB), NOSPLIT|NOFRAME, $0
	OPA(R8)
	MOVD S(R8), R8
	CMP  $0, R8
	BRANCH(BEQ)

// JCOMPARE compares sA with sB; JCOMPAREK compares sA with imm32(B, C).
#define JCOMPARE \
	OPA(R8); \
	OPB(R9); \
	MOVD S(R8), R8; \
	MOVD S(R9), R9; \
	CMP  R9, R8

#define JCOMPAREK \
	OPA(R8); \
	IMM32(R9); \
	MOVD S(R8), R8; \
	CMP  R9, R8

TEXT jlti<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPARE
	BRANCH(BLT)

TEXT jlei<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPARE
	BRANCH(BLE)

TEXT jeqi<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPARE
	BRANCH(BEQ)

TEXT jnei<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPARE
	BRANCH(BNE)

TEXT jltik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(BLT)

TEXT jleik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(BLE)

TEXT jgtik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(BGT)

TEXT jgeik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(BGE)

TEXT jeqik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(BEQ)

TEXT jneik<>(SB), NOSPLIT|NOFRAME, $0
	JCOMPAREK
	BRANCH(BNE)

TEXT i2d<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	MOVD S(R8), R8
	SCVTFD R8, F0
	STOREF0

// d2i stops at a NaN and at doubles outside [-2^63, 2^63), which the loop reports.
TEXT d2i<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	MOVD S(R8), R8
	FMOVD R8, F0
	FCMPD F0, F0
	BVS  fail // a NaN
	MOVD $0x43E0000000000000, R9 // 2^63
	FMOVD R9, F1
	FCMPD F1, F0
	BGE  fail
	MOVD $0xC3E0000000000000, R9 // -2^63
	FMOVD R9, F1
	FCMPD F1, F0
	BMI  fail
	FCVTZSD F0, R8
	STOREA
fail:
	RET

// A char is the low byte of its register.
TEXT ord<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	MOVD S(R8), R8
	SXTB R8, R8
	STOREA

TEXT chr<>(SB), NOSPLIT|NOFRAME, $0
	OPB(R8)
	MOVD S(R8), R8
	AND  $0xFF, R8, R8
	STOREA

#include "fibre_handlers.h"
