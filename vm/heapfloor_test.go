package vm

import (
	"runtime"
	"testing"
)

// The heap floor is made after a collection, and a machine's memory limit, counted from
// before it was made, does not count it.
func TestTheHeapFloorIsNotTheProgramsMemory(t *testing.T) {
	const size = 64 << 20
	ml := newMemoryLimit(1 << 30)
	before := ml.used()
	RaiseHeapFloor(size)
	// The cleanup that makes it runs on its own goroutine, some time after the collection.
	for heapFloorSize() == 0 {
		runtime.GC()
		runtime.Gosched()
	}
	if got := heapFloorSize(); got != size {
		t.Fatalf("the floor is %d bytes, want %d", got, size)
	}
	if used := ml.used(); used-before > size/2 {
		t.Errorf("the program's memory went from %s to %s when the floor was made", Size(before), Size(used))
	}
	if later := newMemoryLimit(1 << 30); later.used() > size/2 {
		t.Errorf("a machine made after the floor counts %s as the program's", Size(later.used()))
	}
}
