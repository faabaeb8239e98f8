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
	if len(a) > 0 {
		at := uintptr(unsafe.Pointer(unsafe.StringData(a)))
		for i := range bs {
			bd := &bs[i]
			if bd.addr != at || bd.len != len(a) {
				continue
			}
			start := bd.buf.Value()
			if start == nil {
				break // the buffer was collected, and a is another string at its address
			}
			slot = i
			if bd.cap-bd.len < len(b) {
				break // no room: grow into a new buffer, in this builder's place
			}
			copy(unsafe.Slice(start, bd.cap)[bd.len:], b)
			bd.len += len(b)
			s := unsafe.String(start, bd.len)
			bs.first(i)
			return s
		}
	}
	n := len(a) + len(b)
	buf := make([]byte, n, max(2*n, 32))
	copy(buf, a)
	copy(buf[len(a):], b)
	bs[slot] = builder{addr: uintptr(unsafe.Pointer(&buf[0])), buf: weak.Make(&buf[0]), len: n, cap: cap(buf)}
	bs.first(slot)
	return unsafe.String(&buf[0], n)
}

// first moves the builder at i to the front.
func (bs *builders) first(i int) {
	if i > 0 {
		bd := bs[i]
		copy(bs[1:i+1], bs[:i])
		bs[0] = bd
	}
}
