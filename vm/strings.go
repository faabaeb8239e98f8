package vm

import (
	"unsafe"
	"weak"
)

// Appending to a string variable, s = s + x or s += x (OpConcat with K=1), costs the length
// of x, not of s, as in Felix, whose strings are mutable buffers; to the program a string
// stays a value that nothing changes.
//
// The string an append makes is cut from a builder: a buffer with room after it. The
// builder remembers how much of it strings use (its length). Appending to a string that is
// the whole of a builder's length writes after it, in the room no string uses, and cuts a
// longer string from the same buffer: the strings cut before see none of it. Appending to
// any other string (one made elsewhere, or an older, shorter cut) copies it into a new
// builder with room for as much again. So a string grown one piece at a time is copied
// only each time it doubles.
//
// The machine keeps a few builders, the last ones used, so that several strings can grow
// at once. A builder holds its buffer weakly: a buffer no string uses any more is
// garbage, however recently it grew.

// builder is a buffer that appends cut strings from.
type builder struct {
	addr uintptr            // where the buffer starts, to find a string's builder without a load
	buf  weak.Pointer[byte] // the buffer's first byte, while a string uses it
	len  int                // the bytes strings use: room begins here
	cap  int                // the buffer's size
}

// builders are the machine's builders, the last used first.
type builders [4]builder

// append returns a + b, in the room of a's builder when a is the whole of what a builder
// holds and b fits, otherwise in a new builder with room for as much again.
func (bs *builders) append(a, b string) string {
	if len(b) == 0 {
		return a
	}
	slot := len(bs) - 1 // the least recently used, unless a has a builder
	if i, start := bs.find(a); start != nil {
		slot = i
		if bd := &bs[i]; bd.cap-bd.len >= len(b) {
			copy(unsafe.Slice(start, bd.cap)[bd.len:], b)
			bd.len += len(b)
			s := unsafe.String(start, bd.len)
			bs.first(i)
			return s
		}
		// no room: grow into a new buffer, in this builder's place
	}
	n := len(a) + len(b)
	buf := make([]byte, n, newRoom(n))
	copy(buf, a)
	copy(buf[len(a):], b)
	bs[slot] = builder{addr: uintptr(unsafe.Pointer(&buf[0])), buf: weak.Make(&buf[0]), len: n, cap: cap(buf)}
	bs.first(slot)
	return unsafe.String(&buf[0], n)
}

// newRoom is the size of the buffer a string of n bytes grows into.
func newRoom(n int) int { return max(2*n, 32) }

// find returns the builder whose whole length is a, and the start of its buffer; or a nil
// start when a has none.
func (bs *builders) find(a string) (int, *byte) {
	if len(a) == 0 {
		return 0, nil
	}
	at := uintptr(unsafe.Pointer(unsafe.StringData(a)))
	for i := range bs {
		bd := &bs[i]
		if bd.addr == at && bd.len == len(a) {
			// nil when the buffer was collected, and a is another string at its address
			return i, bd.buf.Value()
		}
	}
	return 0, nil
}

// allocates returns the bytes append(a, b) would allocate: none when b fits in the room of
// a's builder.
func (bs *builders) allocates(a, b string) int64 {
	if i, start := bs.find(a); len(b) == 0 || start != nil && bs[i].cap-bs[i].len >= len(b) {
		return 0
	}
	return int64(newRoom(len(a) + len(b)))
}

// first moves the builder at i to the front.
func (bs *builders) first(i int) {
	if i > 0 {
		bd := bs[i]
		copy(bs[1:i+1], bs[:i])
		bs[0] = bd
	}
}
