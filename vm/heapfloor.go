package vm

import (
	"runtime"
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
// The block is made after the process's first collection, not at once: made at once, it
// would pass the first collection's 4 MiB goal and start a collection itself, which costs
// a program that never needs one (a hello world: 17.4 against 14.4 ms of CPU). It is one
// per process, and a machine's memory limit does not count it (memoryLimit.used).
var heapFloor struct {
	once  sync.Once              // arms the floor once
	block atomic.Pointer[[]byte] // the floor, once made
	size  atomic.Int64           // its bytes, once made
}

// RaiseHeapFloor asks for a floor of size bytes under the heap of this process, made after
// the first collection. Only the first call counts.
func RaiseHeapFloor(size int) {
	heapFloor.once.Do(func() {
		// A sentinel of 16 bytes with a pointer, so that the allocator does not pack it
		// with other small objects, which would keep it alive with them.
		sentinel := new([2]*byte)
		runtime.AddCleanup(sentinel, makeHeapFloor, size)
	})
}

// makeHeapFloor makes the floor: the cleanup of the sentinel, run once a collection has
// found it unreachable.
func makeHeapFloor(size int) {
	block := make([]byte, size)
	heapFloor.block.Store(&block)
	heapFloor.size.Store(int64(size))
}

// heapFloorSize returns the bytes of the floor made so far: 0 before it is made.
func heapFloorSize() int64 { return heapFloor.size.Load() }
