package vm

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// The heap floor is a block under the heap that keeps the collector from running every few
// megabytes. Go starts a collection when the heap has grown by GOGC% (100) over what the
// last one found live; a program whose fibres die young (spawned, a short read, gone)
// keeps little live, so without a floor it would collect every 4 MiB and spend much of its
// time so. The block counts as live but is never written, so it costs address space, not
// resident memory: Go takes fresh pages from the kernel already zero and leaves them
// untouched.
//
// The block alone would pass the goal of the process's first collection (4 MiB at GOGC
// 100) and start a collection at once, which costs a program that never needs one (a hello
// world: 17.4 against 14.4 ms of CPU). So GOGC is raised until the first collection, by as
// much as puts that goal above the floor, and the first collection sets it back. The floor
// is one per process, and a machine's memory limit does not count it (memoryLimit.used).
var heapFloor struct {
	once  sync.Once    // makes the floor once
	block []byte       // the floor, once made (held, never read)
	size  atomic.Int64 // its bytes, once made: memory limits read it
}

// firstGoal is the heap at which Go's first collection comes at GOGC 100.
const firstGoal = 4 << 20

// RaiseHeapFloor puts a floor of size bytes under the heap of this process. Only the first
// call counts.
func RaiseHeapFloor(size int) {
	heapFloor.once.Do(func() {
		if gogc := debug.SetGCPercent(100); gogc > 0 {
			debug.SetGCPercent(gogc * (size + firstGoal) / firstGoal)
			// A sentinel of 16 bytes with a pointer, so that the allocator does not pack it
			// with other small objects, which would keep it alive with them: the first
			// collection finds it unreachable.
			runtime.AddCleanup(new([2]*byte), restoreGCPercent, gogc)
		} else {
			debug.SetGCPercent(gogc) // no collections: nothing to raise
		}
		heapFloor.block = make([]byte, size)
		heapFloor.size.Store(int64(size))
	})
}

// restoreGCPercent sets GOGC back after the first collection.
func restoreGCPercent(gogc int) { debug.SetGCPercent(gogc) }

// heapFloorSize returns the bytes of the floor made so far: 0 before it is made.
func heapFloorSize() int64 { return heapFloor.size.Load() }
