package stdlib

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// The builtins of varray[T] and darray[T]. Each gets first, in r[0], the descriptor of the
// array type it works on (that of its first argument, or for a constructor of its result),
// which says whether elements live in scalar or reference slots; its arguments follow, the
// scalars from s[0] and the references from r[1]. Felix leaves an index out of range, a
// push onto a full varray and a pop from an empty one undefined: here each is a runtime
// error. An erase, as in Felix, is cut to the elements in use and cannot fail.

func init() {
	for name, b := range map[string]vm.Builtin{
		"array_make":            arrayMake,
		"array_fill":            arrayFill,
		"array_of_list":         arrayOfList,
		"array_of_string":       func(m *vm.Machine, s []uint64, r []vm.Value) error { return arrayOfString(m, r, true) },
		"array_of_string_nonul": func(m *vm.Machine, s []uint64, r []vm.Value) error { return arrayOfString(m, r, false) },
		"array_copy":            arrayCopy,
		"array_copy_max":        arrayCopyMax,
		"array_to_darray":       arrayToDarray,
		"array_len":             func(m *vm.Machine, s []uint64, r []vm.Value) error { s[0] = uint64(arrayArg(r).Len()); return nil },
		"array_maxlen":          arrayMaxlen,
		"array_get":             arrayGet,
		"array_set":             arraySet,
		"array_push_back":       arrayPushBack,
		"array_pop_back":        arrayPopBack,
		"array_insert":          arrayInsert,
		"array_erase":           arrayErase,
		"array_erase_range":     arrayEraseRange,
	} {
		Builtins[name] = b
	}
}

// arrayArg is the array a builtin works on, r[1]; nil for a variable never given one,
// which reads as empty.
func arrayArg(r []vm.Value) *vm.Array {
	a, _ := r[1].(*vm.Array)
	return a
}

// kindName is "varray" or "darray", for messages.
func kindName(t *code.Type) string {
	if t.Kind == code.KDarray {
		return "darray"
	}
	return "varray"
}

// elemArg reads an element argument of the array type t: from s[si] when the element type
// is scalar, from r[ri] when it is a reference; a unit element is a nil.
func elemArg(t *code.Type, s []uint64, r []vm.Value, si, ri int) (uint64, vm.Value) {
	switch et := t.Elems[0]; {
	case et.IsScalar():
		return s[si], nil
	case et.IsRef():
		return 0, r[ri]
	}
	return 0, nil
}

// setResult leaves an element of the array type t as a builtin's result.
func setResult(t *code.Type, s []uint64, r []vm.Value, sv uint64, rv vm.Value) {
	if t.Elems[0].IsScalar() {
		s[0] = sv
	} else {
		r[0] = rv
	}
}

// newArray makes an empty array of the array type t with room for n elements; a varray's
// capacity is max. The room is only a hint: a huge n grows as elements come.
func newArray(t *code.Type, n, max int) *vm.Array {
	a := &vm.Array{Max: max}
	if t.Kind == code.KDarray {
		a.Max = vm.Growable
	}
	n = min(n, maxRoom)
	if t.Elems[0].IsScalar() {
		a.S = make([]uint64, 0, n)
	} else {
		a.R = make([]vm.Value, 0, n)
	}
	return a
}

// maxRoom bounds the room an array is made with.
const maxRoom = 1 << 16

// reserveElems checks that n elements of the array type t fit in the memory limit.
func reserveElems(m *vm.Machine, t *code.Type, n int64) error {
	size := int64(unsafe.Sizeof(uint64(0)))
	if !t.Elems[0].IsScalar() {
		size = int64(unsafe.Sizeof(vm.Value(nil)))
	}
	if n > math.MaxInt64/size {
		n = math.MaxInt64 / size
	}
	return m.Reserve(n*size, fmt.Sprintf("a %s of %s", kindName(t), elements(int(n))))
}

// appendElem adds an element at the end, where the element type t keeps it.
func appendElem(a *vm.Array, t *code.Type, sv uint64, rv vm.Value) {
	if t.Elems[0].IsScalar() {
		a.S = append(a.S, sv)
	} else {
		a.R = append(a.R, rv)
	}
}

// elements says how many elements there are.
func elements(n int) string {
	if n == 1 {
		return "1 element"
	}
	return fmt.Sprintf("%d elements", n)
}

// indexed returns the array type, the array r[1] and the index s[0], which must be that of
// an element in use.
func indexed(s []uint64, r []vm.Value) (*code.Type, *vm.Array, int, error) {
	t, a, i := r[0].(*code.Type), arrayArg(r), int64(s[0])
	if i < 0 || i >= int64(a.Len()) {
		return t, a, 0, fmt.Errorf("%s index %d out of range: the %s has %s", kindName(t), i, kindName(t), elements(a.Len()))
	}
	return t, a, int(i), nil
}

// arrayMake is varray[T] n, an empty varray of capacity n, or darray[T] (), an empty darray.
func arrayMake(m *vm.Machine, s []uint64, r []vm.Value) error {
	t := r[0].(*code.Type)
	if t.Kind == code.KDarray {
		r[0] = newArray(t, 0, 0)
		return nil
	}
	n := int64(s[0])
	if n < 0 {
		return fmt.Errorf("a varray cannot have capacity %d", n)
	}
	r[0] = newArray(t, 0, int(n))
	return nil
}

// arrayFill is varray[T] (n, x) or darray[T] (n, x): n copies of x.
func arrayFill(m *vm.Machine, s []uint64, r []vm.Value) error {
	t := r[0].(*code.Type)
	n := int64(s[0])
	if n < 0 {
		return fmt.Errorf("a %s cannot have %s", kindName(t), elements(int(n)))
	}
	if err := reserveElems(m, t, n); err != nil {
		return err
	}
	sv, rv := elemArg(t, s, r, 1, 1)
	a := newArray(t, int(n), int(n))
	for range n {
		appendElem(a, t, sv, rv)
	}
	r[0] = a
	return nil
}

// arrayOfList makes an array of a list's elements; a varray's capacity is their number.
func arrayOfList(m *vm.Machine, s []uint64, r []vm.Value) error {
	t := r[0].(*code.Type)
	l, _ := r[1].(*vm.List)
	n := 0
	for c := l; c != nil; c = c.Tail {
		n++
	}
	a := newArray(t, n, n)
	for ; l != nil; l = l.Tail {
		appendElem(a, t, l.S, l.R)
	}
	r[0] = a
	return nil
}

// arrayOfString makes a varray[char] of a string's bytes, with a trailing NUL when nul is
// set (varray[char] "abc" has 4 elements, varray_nonul "abc" 3).
func arrayOfString(m *vm.Machine, r []vm.Value, nul bool) error {
	text, _ := r[1].(string)
	n := len(text)
	if nul {
		n++
	}
	if err := reserveElems(m, r[0].(*code.Type), int64(n)); err != nil {
		return err
	}
	a := &vm.Array{S: make([]uint64, n), Max: n}
	for i := range len(text) {
		a.S[i] = uint64(text[i])
	}
	r[0] = a
	return nil
}

// arrayCopy copies an array, keeping a varray's capacity.
func arrayCopy(m *vm.Machine, s []uint64, r []vm.Value) error {
	t := r[0].(*code.Type)
	a := arrayArg(r)
	max := 0
	if a != nil {
		max = a.Max
	}
	r[0] = copyArray(t, a, a.Len(), max)
	return nil
}

// copyArray makes an array of type t holding the first n elements of a, with capacity max.
func copyArray(t *code.Type, a *vm.Array, n, max int) *vm.Array {
	c := newArray(t, n, max)
	for i := range n {
		sv, rv := a.At(i)
		appendElem(c, t, sv, rv)
	}
	return c
}

// arrayCopyMax is varray (v, maxlen): a copy of capacity maxlen, holding as many of v's
// elements as fit.
func arrayCopyMax(m *vm.Machine, s []uint64, r []vm.Value) error {
	t := r[0].(*code.Type)
	max := int64(s[0])
	if max < 0 {
		return fmt.Errorf("a varray cannot have capacity %d", max)
	}
	a := arrayArg(r)
	r[0] = copyArray(t, a, min(a.Len(), int(max)), int(max))
	return nil
}

// arrayToDarray is darray (v): a darray holding a copy of a varray's elements.
func arrayToDarray(m *vm.Machine, s []uint64, r []vm.Value) error {
	t := r[0].(*code.Type)
	a := arrayArg(r)
	c := copyArray(t, a, a.Len(), 0)
	c.Max = vm.Growable
	r[0] = c
	return nil
}

func arrayMaxlen(m *vm.Machine, s []uint64, r []vm.Value) error {
	s[0] = 0
	if a := arrayArg(r); a != nil {
		s[0] = uint64(a.Max)
	}
	return nil
}

// arrayGet is v.i: the element at index s[0].
func arrayGet(m *vm.Machine, s []uint64, r []vm.Value) error {
	t, a, i, err := indexed(s, r)
	if err != nil {
		return err
	}
	sv, rv := a.At(i)
	setResult(t, s, r, sv, rv)
	return nil
}

// arraySet is set (v, i, x).
func arraySet(m *vm.Machine, s []uint64, r []vm.Value) error {
	t, a, i, err := indexed(s, r)
	if err != nil {
		return err
	}
	sv, rv := elemArg(t, s, r, 1, 2)
	if t.Elems[0].IsScalar() {
		a.S[i] = sv
	} else {
		a.R[i] = rv
	}
	return nil
}

// room returns the array type and the array r[1], to add an element to. It fails for a
// full varray, in Felix's words (what names the operation), and for a darray never given
// one: a nil varray is an empty one of capacity 0, but a nil darray has nowhere to grow.
func room(r []vm.Value, what string) (*code.Type, *vm.Array, error) {
	t, a := r[0].(*code.Type), arrayArg(r)
	switch {
	case a == nil && t.Kind == code.KDarray:
		return t, nil, fmt.Errorf("this darray was never made: give the variable a value, as in darray[int] ()")
	case a == nil:
		a = &vm.Array{}
	}
	if a.Max != vm.Growable && a.Len() >= a.Max {
		return t, a, fmt.Errorf("attempt to %s full varray size %d", what, a.Max)
	}
	return t, a, nil
}

// arrayPushBack is push_back (v, x).
func arrayPushBack(m *vm.Machine, s []uint64, r []vm.Value) error {
	t, a, err := room(r, "push_back on")
	if err != nil {
		return err
	}
	sv, rv := elemArg(t, s, r, 0, 2)
	appendElem(a, t, sv, rv)
	return nil
}

// arrayPopBack is pop_back v: it drops the last element.
func arrayPopBack(m *vm.Machine, s []uint64, r []vm.Value) error {
	t := r[0].(*code.Type)
	a := arrayArg(r)
	n := a.Len()
	if n == 0 {
		return fmt.Errorf("pop_back on an empty %s", kindName(t))
	}
	if len(a.S) > 0 {
		a.S = a.S[:n-1]
	} else {
		a.R[n-1] = nil // let the collector have it
		a.R = a.R[:n-1]
	}
	return nil
}

// arrayInsert is insert (v, i, x): x goes before the element at i (at the end when i is
// the length), and the rest move up.
func arrayInsert(m *vm.Machine, s []uint64, r []vm.Value) error {
	t, a, err := room(r, "insert into")
	if err != nil {
		return err
	}
	i := int64(s[0])
	if i < 0 || i > int64(a.Len()) {
		return fmt.Errorf("insert position %d out of range: the %s has %s", i, kindName(t), elements(a.Len()))
	}
	sv, rv := elemArg(t, s, r, 1, 2)
	if t.Elems[0].IsScalar() {
		a.S = append(a.S, 0)
		copy(a.S[i+1:], a.S[i:])
		a.S[i] = sv
	} else {
		a.R = append(a.R, nil)
		copy(a.R[i+1:], a.R[i:])
		a.R[i] = rv
	}
	return nil
}

// arrayErase is erase (v, i): erase (v, i, i).
func arrayErase(m *vm.Machine, s []uint64, r []vm.Value) error {
	eraseRange(arrayArg(r), int64(s[0]), int64(s[0]))
	return nil
}

// arrayEraseRange is erase (v, first, last).
func arrayEraseRange(m *vm.Machine, s []uint64, r []vm.Value) error {
	eraseRange(arrayArg(r), int64(s[0]), int64(s[1]))
	return nil
}

// eraseRange removes the elements from first to last, both included, as Felix does: the
// range is cut to the elements in use, so it cannot fail.
func eraseRange(a *vm.Array, first, last int64) {
	n := int64(a.Len())
	first, last = max(first, 0), min(last, n-1)
	if first > last {
		return
	}
	if len(a.S) > 0 {
		a.S = append(a.S[:first], a.S[last+1:]...)
		return
	}
	k := copy(a.R[first:], a.R[last+1:])
	clear(a.R[first+int64(k):])
	a.R = a.R[:first+int64(k)]
}
