package vm

import (
	"strings"
	"testing"

	"github.com/felixlet/felixlet/vm/code"
)

// The machine runs only verified code: a program the verifier rejects is an error from
// New and from Extend, never a run.
func TestMachineRefusesUnverifiedCode(t *testing.T) {
	bad := &code.Func{Name: "main", File: "bad.flx", Code: []code.Instr{{Op: code.OpMoveS, A: 0, B: 7}, {Op: code.OpReturn}}, NS: 1,
		Lines: []code.Line{{PC: 0, Line: 2, Col: 3}}}
	_, err := New(&code.Program{Funcs: []*code.Func{bad}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "bad.flx:2:3: bad bytecode in main at pc 0 (MOVES): B: register s7") {
		t.Errorf("New: %v; want the verifier's error", err)
	}

	m, err := NewSession(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Extend(&code.Program{Funcs: []*code.Func{bad}}); err == nil || !strings.Contains(err.Error(), "register s7") {
		t.Errorf("Extend: %v; want the verifier's error", err)
	}
	good := &code.Func{Name: "main", Code: []code.Instr{{Op: code.OpReturn}}}
	if err := m.Extend(&code.Program{Funcs: []*code.Func{good}}); err != nil {
		t.Errorf("Extend after a refused input: %v; the refused code must not have been added", err)
	}
}

// An environment may have more than 65,536 slots of a kind (a long REPL session keeps
// every input's variables in one): its instructions reach them all.
func TestEnvironmentSlotsBeyondSixteenBits(t *testing.T) {
	const slot = 70000
	c, k, ok := code.SplitEnv(slot, 0)
	if !ok {
		t.Fatal("SplitEnv refused slot 70000")
	}
	set := code.Instr{Op: code.OpEnvSetS, A: 0, B: 0, C: uint16(c), K: int32(k)}
	if set.EnvSlot() != slot || set.EnvDepth() != 0 {
		t.Fatalf("slot %d, depth %d decoded; want %d, 0", set.EnvSlot(), set.EnvDepth(), slot)
	}
	main := &code.Func{Name: "main", NS: 2, NR: 2, NeedsEnv: true, Code: []code.Instr{
		{Op: code.OpLoadI, A: 0, K: 42},
		set,
		{Op: code.OpEnvGetS, A: 1, B: 0, C: uint16(c), K: int32(k)},
		{Op: code.OpAddrS, A: 1, B: 0, C: uint16(c), K: int32(k)},
		{Op: code.OpReturn},
	}}
	m, err := NewSession(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Extend(&code.Program{Funcs: []*code.Func{main}}); err != nil {
		t.Fatal(err)
	}
	env := &Env{S: make([]uint64, slot+1)}
	if err := m.RunInput(main, env); err != nil {
		t.Fatal(err)
	}
	if env.S[slot] != 42 {
		t.Errorf("slot %d holds %d, want 42", slot, env.S[slot])
	}
}
