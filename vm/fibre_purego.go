//go:build purego || !(amd64 || arm64)

package vm

import "github.com/felixlet/felixlet/vm/code"

// runScalar is the scalar kernel; on this machine (or with the purego tag) the Go twin.
func runScalar(codep *code.Instr, pc int, s *uint64, ks *uint64, left int) (next, rest int) {
	return scalarGo(codep, pc, s, ks, left)
}

// kernelOps is empty: no assembly kernel is built.
var kernelOps [0]code.Op
