package vm

import (
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"strings"

	"github.com/felixlet/felixlet/vm/code"
)

// The memory limit (Options.MaxMemory) bounds the heap the program's values take: fibres,
// strings, lists, arrays, closures. A program that needs more stops with a runtime error
// saying what holds most of it, at the place it had reached, instead of being killed by
// the system or by Go's runtime.
//
// Two checks keep it. At every checkpoint of the loop (every few thousand calls, backward
// jumps and fibre switches) the machine reads the size of the heap, which costs a few
// hundred nanoseconds; past the limit it collects, and if the live heap is still past it,
// the program fails. And before an allocation big enough to pass the limit at once (a
// string joined from two, an array, a file loaded, a buffered channel), Reserve checks
// that it fits. The garbage a program makes does not count: fibres starved on channels
// nothing reaches, for instance, are collected and the program runs on.
//
// The heap the interpreter held before the program started is not the program's: the
// limit is counted from there, and the heap floor (RaiseHeapFloor), made later, does not
// count either.

// memoryLimit is the state of the limit.
type memoryLimit struct {
	limit  int64             // Options.MaxMemory
	base   int64             // the heap when the machine was made, the heap floor made by then included
	floor  int64             // the bytes of the heap floor made when the machine was made
	sample [1]metrics.Sample // the heap's objects, live or not yet collected
}

// heapMetric is the runtime metric the limit reads: the bytes of heap objects, live or
// not yet swept.
const heapMetric = "/memory/classes/heap/objects:bytes"

func newMemoryLimit(limit int64) *memoryLimit {
	ml := &memoryLimit{limit: limit, floor: heapFloorSize()}
	ml.sample[0].Name = heapMetric
	ml.base = ml.heap()
	return ml
}

// heap returns the bytes of heap objects now.
func (ml *memoryLimit) heap() int64 {
	metrics.Read(ml.sample[:])
	return int64(ml.sample[0].Value.Uint64())
}

// used returns the bytes the program's values may take now, garbage included.
func (ml *memoryLimit) used() int64 { return ml.heap() - ml.base - (heapFloorSize() - ml.floor) }

// usedLive returns the bytes the program's live values take, after a collection, when
// what the heap holds passes limit; otherwise what used says.
func (ml *memoryLimit) usedLive(limit int64) int64 {
	if u := ml.used(); u <= limit {
		return u
	}
	runtime.GC()
	return ml.used()
}

// checkMemory fails the running fibre, at pc of fn, when the program's live values take
// more than the limit.
func (m *Machine) checkMemory(f *Fibre, fn *code.Func, pc int) error {
	ml := m.mem
	if ml == nil {
		return nil
	}
	used := ml.usedLive(ml.limit)
	if used <= ml.limit {
		return nil
	}
	return m.fail(f, fn, pc, "out of memory: the program's values take %s, more than the %s it may use (--max-memory); most of it %s",
		Size(used), Size(ml.limit), m.heldMostly())
}

// Reserve checks, before a library or the machine allocates n bytes for what (such as "a
// string of 3 GiB"), that the program's values would not pass the memory limit; it
// returns the error to fail with if they would. An allocation that big begins work long
// enough (copying, filling) that an interrupt does not wait for the next checkpoint:
// after Interrupt, Reserve returns ErrInterrupted, which the caller returns as it is.
func (m *Machine) Reserve(n int64, what string) error {
	if n < reserveAbove {
		return nil
	}
	if m.interrupt.Load() {
		return ErrInterrupted
	}
	ml := m.mem
	if ml == nil {
		return nil
	}
	if n <= ml.limit {
		if used := ml.usedLive(ml.limit - n); used+n <= ml.limit {
			return nil
		}
	}
	return fmt.Errorf("out of memory: %s would take %s, and the program may use %s in all (--max-memory)", what, Size(n), Size(ml.limit))
}

// reserveAbove is the size of allocation below which Reserve does not look: the
// checkpoints catch what such allocations add up to, and the few thousand of them that may
// run between two checkpoints copy at most a few hundred megabytes.
const reserveAbove = 64 << 10

// refused is the error of an instruction, just before pc in fn, whose allocation Reserve
// refused with err: a runtime error, or ErrInterrupted as it is.
func (m *Machine) refused(f *Fibre, fn *code.Func, pc int, err error) error {
	if err == ErrInterrupted {
		return err
	}
	return m.fail(f, fn, pc, "%v", err)
}

// heldMostly says what holds most of the heap, from Go's heap profile: the kind of value
// allocated by the part of the machine or library whose allocations hold the most bytes
// still in use. The profile samples about one allocation in every 512 KiB (small ones are
// scaled up, as pprof does) and is as of the collection before last: heldMostly collects
// once more, after the one checkMemory ran.
func (m *Machine) heldMostly() string {
	runtime.GC()
	var records []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		records = make([]runtime.MemProfileRecord, n+50)
		var ok bool
		if n, ok = runtime.MemProfile(records, true); ok {
			records = records[:n]
			break
		}
	}
	bytes := map[string]float64{}
	for _, r := range records {
		if kind := allocatedAs(r.Stack()); kind != "" && r.InUseObjects() > 0 {
			bytes[kind] += unsampled(r.InUseBytes(), r.InUseObjects())
		}
	}
	most, kind := -1.0, "other values"
	for k, b := range bytes {
		if b > most || b == most && k < kind {
			most, kind = b, k
		}
	}
	if kind == "fibres" {
		return fmt.Sprintf("is fibres (%d of them not ended)", m.stats.Spawned-m.stats.Ended)
	}
	return "is " + kind
}

// unsampled estimates the bytes that n sampled allocations of b bytes in all stand for:
// an allocation of s bytes is sampled with the probability 1 - exp(-s/rate).
func unsampled(b, n int64) float64 {
	rate := float64(runtime.MemProfileRate)
	if rate <= 1 {
		return float64(b)
	}
	return float64(b) / -math.Expm1(-float64(b)/float64(n)/rate)
}

// allocatedAs names the kind of value an allocation made, from its stack: the innermost
// function of the machine or the library, or of Go's runtime that makes strings, decides.
// It returns "" for an allocation that is not the program's (the compiler's, the
// command's).
func allocatedAs(stack []uintptr) string {
	frames := runtime.CallersFrames(stack)
	for more := true; more; {
		var fr runtime.Frame
		fr, more = frames.Next()
		name, _, _ := strings.Cut(fr.Function, "[") // without a generic function's type arguments
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			name = name[i+1:]
		}
		for _, k := range allocators {
			if strings.HasPrefix(name, k.prefix) {
				return k.kind
			}
		}
		if strings.HasPrefix(name, "vm.") || strings.HasPrefix(name, "stdlib.") {
			return "other values"
		}
	}
	return ""
}

// allocators name what each allocating function of the machine, the library and Go's
// runtime makes.
var allocators = []struct{ prefix, kind string }{
	{"vm.allocFibre", "fibres"}, {"vm.withRoom", "fibres"}, {"vm.(*Machine).stack", "fibres"},
	{"vm.(*Machine).grow", "the stacks of nested calls"},
	{"vm.(*builders).append", "a string grown by appending"},
	{"runtime.concatstring", "strings"}, {"runtime.convTstring", "strings"}, {"runtime.slicebytetostring", "strings"},
	{"runtime.rawstring", "strings"}, {"vm.Format", "strings"}, {"vm.format", "strings"}, {"vm.ReprString", "strings"},
	{"vm.cons", "list cells"},
	{"vm.newTuple", "tuples"},
	{"vm.newVariant", "variants"},
	{"vm.newEnv", "variables captured by closures"}, {"vm.envWith", "variables captured by closures"},
	{"vm.newClosure", "closures"},
	{"schan.", "channels"},
	{"stdlib.array", "arrays"}, {"stdlib.appendElem", "arrays"}, {"stdlib.newArray", "arrays"}, {"stdlib.copyArray", "arrays"},
	{"stdlib.load", "strings read from files"},
	{"stdlib.(*lineReader)", "input read from files or sockets"}, {"stdlib.(*readScratch)", "input read from files or sockets"},
}

// Size writes a number of bytes for people: 512 B, 3.5 KiB, 256 MiB, 1.2 GiB.
func Size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	x, i := float64(n), -1
	for x >= unit && i < 4 {
		x /= unit
		i++
	}
	if x == float64(int64(x)) {
		return fmt.Sprintf("%d %ciB", int64(x), "KMGTP"[i])
	}
	return fmt.Sprintf("%.1f %ciB", x, "KMGTP"[i])
}
