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
