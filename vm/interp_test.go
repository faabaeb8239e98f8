package vm

import (
	"slices"
	"testing"

	"github.com/felixlet/felixlet/vm/code"
)

// Every instruction has somebody to run it: the kernel (a scalar one), the loop's fast part,
// the loop itself, or a function of outOfLines; and only one of the last three.
func TestEveryInstructionHasOneRunner(t *testing.T) {
	loopOwn := []code.Op{code.OpTailCall, code.OpTailClosure, code.OpJumpLabel}
	for op, info := range code.Ops {
		if info.Name == "" {
			continue
		}
		runners := 0
		for _, runs := range []bool{slices.Contains(fastOps, code.Op(op)), slices.Contains(loopOwn, code.Op(op)), outOfLines[op] != nil} {
			if runs {
				runners++
			}
		}
		if runners > 1 || runners == 0 && !isScalar[op] {
			t.Errorf("%s has %d runners among fast, the loop and outOfLines, and is scalar: %v", info.Name, runners, isScalar[op])
		}
	}
}
