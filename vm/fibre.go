package vm

import (
	"runtime"
	"sync"
	"unsafe"

	"github.com/felixlet/felixlet/vm/code"
)

// Fibre is a felixlet thread: a plain heap object holding its own register stacks and
// frames, never a goroutine. Nothing but the running fibre, a scheduler's active list, the
// wait queues of channels and acks (through a waiter) and the poller refers to a fibre, so
// a fibre waiting on channels nobody can reach any more is garbage, and Go's collector
// reclaims it.
//
// The frames live in the scalar stack: the registers of a frame start at sbase (scalar) and
// rbase (reference), and the two scalar slots below sbase hold the frame header: the
// caller's resume pc and function index, and the caller's register bases. The running
// frame's own position is kept in the fibre while it is not running; the bases sbase and
// rbase also while it runs.
type Fibre struct {
	next  *Fibre     // the next fibre in the active list, or in a list waiting on a descriptor
	wait  waiter     // its own wait on a channel or an ack: a read, write, close or await
	sel   *selection // its waits in a select, made by its first select that waits
	s     []uint64   // the scalar register stack (with frame headers)
	r     []Value    // the reference register stack
	fn    *code.Func // the function of the top frame
	pc    int32      // where the top frame resumes; while waiting on a channel, just after the read or write (or select)
	sbase int32      // the top frame's first scalar register
	rbase int32      // the top frame's first reference register
	id    uint32     // its number, for messages and traces
	sched *Sched     // the scheduler it runs on
	gen   *genState  // set when this is the stack of a generator instance, not a scheduled fibre
}

// genState is what a generator instance needs beyond a fibre's stack.
type genState struct {
	caller *Fibre // the fibre that called the generator and waits for its value, or nil
	resume int32  // where the next call starts: just after the last yield, or 0
}

// ID returns the fibre's number: the mainline is 1, others count up as they are made.
func (f *Fibre) ID() uint32 { return f.id }

// bottom marks the header of a fibre's first frame: returning from it ends the fibre.
const bottom = 0xFFFFFFFF

// tailBit, set in the resume pc of a frame header, records that the frame was entered by a
// tail call, so that a backtrace can say that frames are missing there.
const tailBit = 1 << 31

// header packs a frame header: the caller's resume pc and function, and its bases.
func header(pc int, fn int, sbase, rbase int) (uint64, uint64) {
	return uint64(uint32(pc)) | uint64(uint32(fn))<<32, uint64(uint32(sbase)) | uint64(uint32(rbase))<<32
}

// newFibre makes a fibre that will call clo with no arguments.
func (m *Machine) newFibre(clo *Closure, sched *Sched) *Fibre {
	m.nextID++
	f := m.stack(clo)
	f.sched, f.id = sched, m.nextID
	if m.collect != nil {
		runtime.AddCleanup(f, fibreCollected, collectedFibre{m.collect, f.id})
	}
	m.stats.Spawned++
	m.stats.live++
	m.stats.PeakLive = max(m.stats.PeakLive, m.stats.live)
	return f
}

// collectCounter counts the fibres Go's collector reclaims, telling apart those that had
// ended from those left waiting: a cleanup registered for each fibre reports its id, and
// the ids of the fibres that ended wait in a set until then. Cleanups run on a goroutine
// of their own, hence the lock.
type collectCounter struct {
	mu      sync.Mutex
	ended   map[uint32]bool // fibres that ended and have not been collected yet
	total   uint64          // fibres collected
	waiting uint64          // fibres collected that had not ended
	obs     Observer        // told of each fibre collected, or nil
}

// collectedFibre is what a fibre's cleanup gets: it must not refer to the fibre.
type collectedFibre struct {
	c  *collectCounter
	id uint32
}

func fibreCollected(f collectedFibre) {
	c := f.c
	c.mu.Lock()
	c.total++
	if c.ended[f.id] {
		delete(c.ended, f.id)
	} else {
		c.waiting++
	}
	c.mu.Unlock()
	if c.obs != nil {
		c.obs.Collected(f.id)
	}
}

// end notes that a fibre ended.
func (c *collectCounter) end(id uint32) {
	c.mu.Lock()
	c.ended[id] = true
	c.mu.Unlock()
}

// counts returns the fibres collected, and those of them that had not ended.
func (c *collectCounter) counts() (total, waiting uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total, c.waiting
}

// stack makes a fibre whose one frame will run clo with no arguments.
func (m *Machine) stack(clo *Closure) *Fibre {
	fn := clo.Fn
	ns, nr := frameSize(fn)
	f := allocFibre(2+ns, nr)
	f.fn, f.sbase = fn, 2
	f.wait.T = wait{f: f, arm: -1} // its own waiter is its own, and no select's arm
	f.s[0], f.s[1] = header(0, bottom, 0, 0)
	if fn.NeedsEnv {
		f.r[0] = clo.Env
	}
	return f
}

// allocFibre makes a fibre with room for ns scalar and nr reference registers. A fibre and
// the registers of its first frame are one object when they are few, as they are for most
// fibres, so that a spawn makes one object rather than three and a parked fibre costs the
// collector one; a frame that needs more moves them out (grow).
func allocFibre(ns, nr int) *Fibre {
	for i, sn := range fibreS {
		for j, rn := range fibreR {
			if ns <= sn && nr <= rn {
				return fibreMakers[i][j]()
			}
		}
	}
	return &Fibre{s: make([]uint64, ns), r: make([]Value, nr)}
}

// The register room of the one-object fibres (fibreMakers[i][j] has fibreS[i] scalar and
// fibreR[j] reference registers): the sizes that fill Go's size classes well.
var (
	fibreS      = [...]int{4, 6, 8}
	fibreR      = [...]int{1, 2, 3, 4}
	fibreMakers = [len(fibreS)][len(fibreR)]func() *Fibre{
		{withRoom[[4]uint64, [1]Value], withRoom[[4]uint64, [2]Value], withRoom[[4]uint64, [3]Value], withRoom[[4]uint64, [4]Value]},
		{withRoom[[6]uint64, [1]Value], withRoom[[6]uint64, [2]Value], withRoom[[6]uint64, [3]Value], withRoom[[6]uint64, [4]Value]},
		{withRoom[[8]uint64, [1]Value], withRoom[[8]uint64, [2]Value], withRoom[[8]uint64, [3]Value], withRoom[[8]uint64, [4]Value]},
	}
)

// fibreWith is a fibre and room for its first registers: S and R are arrays of scalars and
// of Values.
type fibreWith[S, R any] struct {
	f Fibre
	s S
	r R
}

// room returns the array *a, whose elements are Ts, as a slice (nil when it is empty).
func room[T, A any](a *A) []T {
	n := unsafe.Sizeof(*a) / unsafe.Sizeof(*new(T))
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(a)), n)
}

// withRoom makes a fibre whose registers are the room after it.
func withRoom[S, R any]() *Fibre {
	b := &fibreWith[S, R]{}
	b.f.s, b.f.r = room[uint64](&b.s), room[Value](&b.r)
	return &b.f
}

// newGenerator makes the stack of a generator instance; it is not a scheduled fibre.
func (m *Machine) newGenerator(gc *GenClosure) *Fibre {
	g := m.stack(&gc.Closure)
	g.gen = &genState{}
	return g
}

// grow makes room for a frame needing registers up to s scalar and r reference slots: a
// call's new frame (deeper is true), or a tail call's, which replaces the running one. It
// reports false when a call would nest deeper than the machine's depth limit.
//
// The limit costs the calls nothing: every frame takes its 2-slot header in the scalar
// stack, so a stack of at most 2 x maxDepth scalar slots holds at most maxDepth frames, and
// the loop's check for room (against len(f.s)) is the check for depth. Past that, grow
// counts the frames, refuses a call too deep, and gives the stack only as many more slots
// as the frames still allowed could fill with their headers alone: the next frame past
// the limit must ask again.
func (m *Machine) grow(f *Fibre, s, r int, deeper bool) bool {
	if s > len(f.s) {
		allowed := 2 * m.maxDepth
		if s > allowed {
			d := f.depth()
			if deeper {
				d++
			}
			if d > m.maxDepth {
				return false
			}
			allowed = s + 2*(m.maxDepth-d)
		}
		if s > cap(f.s) {
			n := make([]uint64, max(s, 2*cap(f.s)))
			copy(n, f.s)
			f.s = n
		}
		f.s = f.s[:min(cap(f.s), max(s, 2*len(f.s)), allowed)]
	}
	if r > len(f.r) {
		n := make([]Value, max(r, 2*len(f.r)))
		copy(n, f.r)
		f.r = n
	}
	return true
}

// depth counts the frames on f's stack, from the one at sbase down.
func (f *Fibre) depth() int {
	d := 1
	for sb := int(f.sbase); uint32(f.s[sb-2]>>32) != bottom; d++ {
		sb = int(uint32(f.s[sb-1]))
	}
	return d
}
