package vm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/felixlet/felixlet/vm/code"
)

// scalarOps are the opcodes the table marks Scalar: the ones the kernels run.
func scalarOps() []code.Op {
	var ops []code.Op
	for op := range code.Ops {
		if code.Ops[op].Traits&code.Scalar != 0 {
			ops = append(ops, code.Op(op))
		}
	}
	return ops
}

// The assembly kernels run exactly the opcodes the table marks Scalar (on a machine without
// them, or with the purego tag, there is no list to check).
func TestKernelsRunTheTablesScalarOpcodes(t *testing.T) {
	if len(kernelOps) == 0 {
		return
	}
	got := slices.Clone(kernelOps[:])
	slices.Sort(got)
	if want := scalarOps(); !slices.Equal(got, want) {
		t.Errorf("the kernels run %v; the table marks %v", got, want)
	}
	if len(kernelOps) > 255 {
		t.Errorf("%d kernel opcodes do not fit kernelIndex's bytes", len(kernelOps))
	}
}

// The kernels read instructions at fixed offsets.
func TestInstructionLayoutIsTheKernels(t *testing.T) {
	var in code.Instr
	got := []uintptr{unsafe.Offsetof(in.Op), unsafe.Offsetof(in.A), unsafe.Offsetof(in.B), unsafe.Offsetof(in.C), unsafe.Offsetof(in.K), unsafe.Sizeof(in)}
	if want := []uintptr{0, 2, 4, 6, 8, 12}; !slices.Equal(got, want) {
		t.Errorf("Instr offsets Op A B C K and size = %v; the kernels assume %v", got, want)
	}
}

// interesting are the values the random programs start from and compute with: edges of
// int and double arithmetic, and some plain ones.
var interesting = []uint64{
	0, 1, 2, 3, 7, 255, 256, 1 << 31, 1<<31 - 1, 1 << 32, math.MaxInt64, 1 << 63, // ints
	^uint64(0), ^uint64(1), uint64(1<<64 - 1000), 'a', 0x80, 0x1ff,
	math.Float64bits(0), math.Float64bits(math.Copysign(0, -1)), math.Float64bits(1), math.Float64bits(-2.5),
	math.Float64bits(0.1), math.Float64bits(1e300), math.Float64bits(math.Inf(1)), math.Float64bits(math.Inf(-1)),
	math.Float64bits(math.NaN()), 0xFFF8000000000001, math.Float64bits(0x1p63), math.Float64bits(-0x1p63),
	math.Float64bits(0x1p63 - 1024), math.Float64bits(-0x1p63 - 2048), math.Float64bits(4.9e-324),
}

func randomValue(r *rand.Rand) uint64 {
	switch r.IntN(3) {
	case 0:
		return r.Uint64()
	case 1:
		return uint64(r.IntN(41) - 20)
	}
	return interesting[r.IntN(len(interesting))]
}

// randomScalarProgram makes a verified function of scalar instructions with random
// operands, with now and then an instruction the kernels leave to the loop, and its
// starting registers.
func randomScalarProgram(r *rand.Rand, ops []code.Op) (*code.Func, []uint64) {
	f := &code.Func{Name: "random", NS: 1 + r.IntN(12)}
	for range r.IntN(4) {
		f.KS = append(f.KS, randomValue(r))
	}
	n := 1 + r.IntN(40)
	operand := func(kind code.Operand) int64 {
		switch kind {
		case code.SReg:
			return int64(r.IntN(f.NS))
		case code.Imm:
			return int64(int32(randomValue(r)))
		case code.Imm32:
			return int64(int32(randomValue(r)))
		case code.KScalar:
			return int64(r.IntN(len(f.KS)))
		case code.Target:
			return int64(r.IntN(n + 1))
		}
		return 0
	}
	for len(f.Code) < n {
		op := ops[r.IntN(len(ops))]
		info := code.Ops[op]
		if info.K == code.KScalar && len(f.KS) == 0 {
			continue
		}
		if r.IntN(30) == 0 {
			op, info = code.OpReturn, code.Ops[code.OpReturn]
		}
		in := code.Instr{Op: op, A: uint16(operand(info.A)), C: uint16(operand(info.C)), K: int32(operand(info.K))}
		if info.B == code.Imm32 {
			b, c := code.SplitImm32(int32(operand(code.Imm32)))
			in.B, in.C = uint16(b), uint16(c)
		} else {
			in.B = uint16(operand(info.B))
		}
		f.Code = append(f.Code, in)
	}
	f.Code = append(f.Code, code.Instr{Op: code.OpReturn})
	regs := make([]uint64, f.NS)
	for i := range regs {
		regs[i] = randomValue(r)
	}
	return f, regs
}

// runKernel runs a kernel on a copy of regs.
func runKernel(kernel func(*code.Instr, int, *uint64, *uint64, int) (int, int), f *code.Func, regs []uint64, budget int) (int, int, []uint64) {
	s := slices.Clone(regs)
	pc, left := kernel(&f.Code[0], 0, &s[0], unsafe.SliceData(f.KS), budget)
	return pc, left, s
}

// The assembly kernel and its Go twin agree on tens of thousands of random programs: the
// same registers, the same pc, the same budget left. A goroutine forces collections
// meanwhile, which must not disturb a kernel (it holds no Go pointer) nor be held up by
// one for long (its budget bounds it).
func TestKernelAgreesWithItsTwin(t *testing.T) {
	var stop atomic.Bool
	collections := make(chan int)
	go func() {
		n := 0
		for ; !stop.Load(); n++ {
			runtime.GC()
		}
		collections <- n
	}()
	defer func() {
		stop.Store(true)
		t.Logf("%d collections during the test", <-collections)
	}()

	programs := 30000
	if testing.Short() {
		programs = 3000
	}
	r := rand.New(rand.NewPCG(11, 0))
	ops := scalarOps()
	ran := make(map[code.Op]int)
	for i := range programs {
		f, regs := randomScalarProgram(r, ops)
		if err := code.Verify([]*code.Func{f}, 0, 0); err != nil {
			t.Fatalf("program %d does not verify: %v", i, err)
		}
		budget := 1 + r.IntN(40)
		wantPC, wantLeft, want := runKernel(scalarGo, f, regs, budget)
		gotPC, gotLeft, got := runKernel(runScalar, f, regs, budget)
		if gotPC != wantPC || gotLeft != wantLeft || !slices.Equal(got, want) {
			t.Fatalf("program %d, budget %d, from registers %x:\n%s\nkernel: pc %d, %d left, registers %x\ntwin:   pc %d, %d left, registers %x",
				i, budget, regs, disasm(f), gotPC, gotLeft, got, wantPC, wantLeft, want)
		}
		for _, in := range f.Code[:wantPC] {
			ran[in.Op]++
		}
	}
	for _, op := range ops {
		if ran[op] == 0 {
			t.Errorf("no program ran %s", op)
		}
	}
}

// A kernel stops at once at every instruction the table does not mark Scalar.
func TestKernelStopsAtLoopInstructions(t *testing.T) {
	regs := []uint64{5}
	for op := range code.Ops {
		if code.Ops[op].Traits&code.Scalar != 0 {
			continue
		}
		f := &code.Func{Code: []code.Instr{{Op: code.Op(op)}, {Op: code.OpReturn}}}
		for name, kernel := range map[string]func(*code.Instr, int, *uint64, *uint64, int) (int, int){"kernel": runScalar, "twin": scalarGo} {
			if pc, left, _ := runKernel(kernel, f, regs, 3); pc != 0 || left != 3 {
				t.Errorf("the %s ran %s: pc %d, %d left", name, code.Op(op), pc, left)
			}
		}
	}
}

// Kernels stop where the loop must report an error, at the failing instruction.
func TestKernelStopsAtFaults(t *testing.T) {
	for _, c := range []struct {
		name string
		op   code.Op
		b, c uint64
	}{
		{"division by zero", code.OpDivI, 7, 0},
		{"remainder by zero", code.OpModI, 7, 0},
		{"nan to int", code.OpDoubleToInt, math.Float64bits(math.NaN()), 0},
		{"2^63 to int", code.OpDoubleToInt, math.Float64bits(0x1p63), 0},
		{"-inf to int", code.OpDoubleToInt, math.Float64bits(math.Inf(-1)), 0},
	} {
		f := &code.Func{NS: 3, Code: []code.Instr{{Op: code.OpLoadI, A: 0, K: 9}, {Op: c.op, A: 0, B: 1, C: 2}, {Op: code.OpReturn}}}
		for name, kernel := range map[string]func(*code.Instr, int, *uint64, *uint64, int) (int, int){"kernel": runScalar, "twin": scalarGo} {
			pc, _, s := runKernel(kernel, f, []uint64{0, c.b, c.c}, 3)
			if pc != 1 || s[0] != 9 {
				t.Errorf("%s: the %s stopped at pc %d with s0 = %d; want pc 1, s0 = 9", c.name, name, pc, s[0])
			}
		}
	}
}

func disasm(f *code.Func) string {
	var b strings.Builder
	code.DisasmFunc(&b, &code.Program{Funcs: []*code.Func{f}}, f)
	return fmt.Sprint(b.String())
}
