package vm

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// gcPercent reads GOGC.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// The heap floor is made at once, with GOGC raised until the first collection so that the
// floor does not start one, and set back by it; a machine's memory limit, counted from
// before the floor was made, does not count it.
func TestTheHeapFloorIsNotTheProgramsMemory(t *testing.T) {
	const size = 64 << 20
	gogc := gcPercent()
	ml := newMemoryLimit(1 << 30)
	before := ml.used()
	RaiseHeapFloor(size)
	if got := heapFloorSize(); got != size {
		t.Fatalf("the floor is %d bytes, want %d", got, size)
	}
	if used := ml.used(); used-before > size/2 {
		t.Errorf("the program's memory went from %s to %s when the floor was made", Size(before), Size(used))
	}
	if later := newMemoryLimit(1 << 30); later.used() > size/2 {
		t.Errorf("a machine made after the floor counts %s as the program's", Size(later.used()))
	}
	// The cleanup that sets GOGC back runs on its own goroutine, some time after the
	// first collection.
	for gcPercent() != gogc {
		runtime.GC()
		runtime.Gosched()
	}
}
