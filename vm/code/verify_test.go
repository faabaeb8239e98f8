package code

import (
	"strings"
	"testing"
)

// Every opcode has an entry in the table, with a name of its own and a doc; the verifier,
// the disassembler and the kernels read nothing else.
func TestEveryOpcodeHasATableEntry(t *testing.T) {
	names := map[string]Op{}
	for op := Op(0); op < numOps; op++ {
		info := Ops[op]
		if info.Name == "" || info.Doc == "" {
			t.Errorf("opcode %d has no table entry (name %q, doc %q)", op, info.Name, info.Doc)
			continue
		}
		if other, ok := names[info.Name]; ok {
			t.Errorf("opcodes %d and %d are both named %s", other, op, info.Name)
		}
		names[info.Name] = op
	}
	if len(Ops) != int(numOps) {
		t.Errorf("the table has %d entries for %d opcodes", len(Ops), numOps)
	}
}

// A scalar instruction, which the kernels run over the scalar registers alone, has no
// operand that names anything else.
func TestScalarOpcodesTouchOnlyScalars(t *testing.T) {
	scalarKinds := map[Operand]bool{None: true, SReg: true, Imm: true, Imm32: true, KScalar: true, Target: true}
	for op := Op(0); op < numOps; op++ {
		info := Ops[op]
		if info.Traits&Scalar == 0 {
			continue
		}
		for _, k := range []Operand{info.A, info.B, info.C, info.K} {
			if !scalarKinds[k] {
				t.Errorf("%s is marked Scalar but has an operand of kind %d", info.Name, k)
			}
		}
	}
}

// fn makes a function for the verifier tests: two scalar and two reference registers, one
// scalar and one reference constant, one layout of one scalar and one reference slot.
func fn(code ...Instr) *Func {
	return &Func{Name: "f", File: "f.flx", Code: code, NS: 2, NR: 2, KS: []uint64{7}, KR: []any{"k"},
		Layouts: []Layout{{NS: 1, NR: 1}}, Lines: []Line{{PC: 0, Line: 3, Col: 5}}}
}

func TestVerifyAcceptsWellFormedCode(t *testing.T) {
	b, c := SplitImm32(-100000)
	f := fn(
		Instr{Op: OpLoadKS, A: 1, K: 0},
		Instr{Op: OpJLtIK, A: 1, B: uint16(b), C: uint16(c), K: 0},
		Instr{Op: OpTuple, A: 1, B: 1, C: 1, K: 0},
		Instr{Op: OpNewEnv, A: 0, B: NoReg, K: 0},
		Instr{Op: OpCall, A: 0, B: 0, C: 2, K: 1},
		Instr{Op: OpCallBuiltin, B: 2, C: 2, K: 0},
		Instr{Op: OpReturnR, A: 1},
	)
	g := &Func{Name: "g", Index: 1, Code: []Instr{{Op: OpLoadI, A: 0, K: 1}, {Op: OpReturnS, A: 0}}, NS: 1}
	if err := Verify([]*Func{f, g}, 0, 1); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyRejectsBadCode(t *testing.T) {
	scalarResult := &Func{Name: "g", Index: 1, Code: []Instr{{Op: OpLoadI}, {Op: OpReturnS}}, NS: 1}
	for _, c := range []struct {
		name string
		code []Instr
		want string
	}{
		{"scalar register outside the frame", []Instr{{Op: OpAddI, A: 0, B: 1, C: 2}, {Op: OpReturn}},
			"f.flx:3:5: bad bytecode in f at pc 0 (ADDI): C: register s2 (and 0 after it) outside the frame's 2"},
		{"reference register outside the frame", []Instr{{Op: OpMoveR, A: 2, B: 0}, {Op: OpReturn}}, "A: register r2"},
		{"a scalar register where a reference one belongs", []Instr{{Op: OpStrLen, A: 0, B: 3}, {Op: OpReturn}}, "B: register r3"},
		{"missing optional register", []Instr{{Op: OpClosure, A: 0, B: 5, K: 0}, {Op: OpReturn}}, "B: register r5"},
		{"jump outside the function", []Instr{{Op: OpJump, K: 2}, {Op: OpReturn}}, "K: jump target 2 is outside 0..1"},
		{"negative jump", []Instr{{Op: OpJLtIK, K: -1}, {Op: OpReturn}}, "K: jump target -1"},
		{"scalar constant", []Instr{{Op: OpLoadKS, K: 1}, {Op: OpReturn}}, "K: scalar constant 1 is outside 0..0"},
		{"reference constant", []Instr{{Op: OpLoadKR, K: 1}, {Op: OpReturn}}, "K: reference constant 1"},
		{"layout", []Instr{{Op: OpNewEnv, B: NoReg, K: 1}, {Op: OpReturn}}, "K: layout 1"},
		{"tuple run past the frame", []Instr{{Op: OpTuple, A: 0, B: 2, C: 0, K: 0}, {Op: OpReturn}}, "B: register s2"},
		{"function", []Instr{{Op: OpCall, B: 0, C: 0, K: 9}, {Op: OpReturn}}, "K: function 9 is outside 0..1"},
		{"builtin", []Instr{{Op: OpCallBuiltin, K: 1}, {Op: OpReturn}}, "K: builtin 1 is outside 0..0"},
		{"call base past the frame", []Instr{{Op: OpCall, B: 3, K: 1}, {Op: OpReturn}}, "B: register s3"},
		{"result of the wrong kind", []Instr{{Op: OpCall, A: 2, K: 1}, {Op: OpReturn}}, "A: register s2"},
		{"unknown opcode", []Instr{{Op: numOps}, {Op: OpReturn}}, "unknown opcode"},
		{"running off the end", []Instr{{Op: OpNop}}, "its last instruction, NOP, lets control run past the end"},
		{"no code", nil, "it has no code"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Verify([]*Func{fn(c.code...), scalarResult}, 0, 1)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Verify: %v\nwant an error containing %q", err, c.want)
			}
		})
	}
}

func TestVerifyChecksTheFrame(t *testing.T) {
	for _, c := range []struct {
		name string
		f    *Func
		want string
	}{
		{"arguments larger than the frame", &Func{Code: []Instr{{Op: OpReturn}}, NS: 1, NArgS: 2}, "arguments (s2 r0) do not fit"},
		{"environment with no register", &Func{Code: []Instr{{Op: OpReturn}}, NeedsEnv: true}, "needs an environment"},
		{"misnumbered", &Func{Index: 3, Code: []Instr{{Op: OpReturn}}}, "function 0 is missing or misnumbered"},
	} {
		if err := Verify([]*Func{c.f}, 0, 0); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Verify: %v; want an error containing %q", c.name, err, c.want)
		}
	}
}

// Verify checks only the functions from the given index on: a session adds code whose
// calls may name the functions before it.
func TestVerifyChecksFromAnIndex(t *testing.T) {
	old := &Func{Name: "old", Code: []Instr{{Op: OpNop}}} // bad, but verified before
	added := &Func{Name: "new", Index: 1, Code: []Instr{{Op: OpCall, K: 0}, {Op: OpReturn}}}
	if err := Verify([]*Func{old, added}, 1, 0); err != nil {
		t.Fatal(err)
	}
}

func TestImm32SplitsAndJoins(t *testing.T) {
	for _, v := range []int32{0, 1, -1, 32767, -32768, 65536, -100000, 1<<31 - 1, -1 << 31} {
		b, c := SplitImm32(v)
		in := Instr{B: uint16(b), C: uint16(c)}
		if got := in.Imm32(); got != int64(v) {
			t.Errorf("Imm32 of SplitImm32(%d) = %d", v, got)
		}
	}
}
