package netchan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unicode/utf8"

	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
	"github.com/fxamacker/cbor/v2"
)

// The encoding of a net channel's values: CBOR (RFC 8949), written and read by
// github.com/fxamacker/cbor. A message is a CBOR sequence (RFC 8742) of two items: the
// writer's type as felixlet writes it (a text string), then the value:
//
//	int            an integer
//	double         a float (64 bits)
//	bool           true or false
//	char           an unsigned integer, 0 to 255
//	string         a text string, or a byte string when its bytes are not UTF-8
//	tuple, list    an array of the elements
//	record         a map from field names to the fields
//	opt            an array: empty for None, one element for Some
//	variant        a constant constructor is its name (a text string); one with a
//	               payload is a map from its name to the payload (an array if the payload
//	               has several elements)
//
// A reader takes a message whose type is written as its own, and whose value has the
// shape that type says; a message of one item is a value without its type, read by shape
// alone (what a program that is not felixlet may send).

// codec encodes and decodes the values of one type.
type codec struct {
	t    *code.Type // the type
	head []byte     // the message's first item: the type's name
}

// The modes of the general encoder and decoder, made at the first net channel: a
// program that makes none does not pay for them at start-up.
var (
	encMode = sync.OnceValue(func() cbor.EncMode {
		m, err := cbor.EncOptions{Sort: cbor.SortCoreDeterministic}.EncMode()
		if err != nil {
			panic(err)
		}
		return m
	})
	decMode = sync.OnceValue(func() cbor.DecMode {
		m, err := cbor.DecOptions{UTF8: cbor.UTF8DecodeInvalid}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	})
)

func newCodec(t *code.Type) *codec {
	head, err := encMode().Marshal(t.Name)
	if err != nil {
		panic(err) // a string always encodes
	}
	return &codec{t: t, head: head}
}

// appendEncode appends the message of a value (its scalar part s, its reference part r)
// to msg.
func (c *codec) appendEncode(msg []byte, s uint64, r vm.Value) ([]byte, error) {
	msg = append(msg, c.head...)
	if c.t.Kind == code.KString {
		// The commonest message is written here, as the general encoder would write it, without the
		// reflection of a general encoder.
		str, _ := r.(string)
		major := byte(majorText)
		if !utf8.ValidString(str) {
			major = majorBytes
		}
		return append(appendHead(msg, major, uint64(len(str))), str...), nil
	}
	v, err := encMode().Marshal(toCBOR(c.t, s, r))
	if err != nil {
		return msg, err
	}
	return append(msg, v...), nil
}

// mismatch is a message that does not decode as the reader's type: writer is the type
// the message says it has ("" when it says none).
type mismatch struct{ writer string }

// decode reads a message as a value of the codec's type. It fails with a mismatch.
func (c *codec) decode(msg []byte) (uint64, vm.Value, error) {
	if c.t.Kind == code.KString && bytes.HasPrefix(msg, c.head) {
		// The commonest message is read here, without the reflection of a general decoder:
		// the reader's own type, then a text or byte string of definite length.
		if str, ok := stringItem(msg[len(c.head):]); ok {
			return 0, str, nil
		}
	}
	var first any
	rest, err := decMode().UnmarshalFirst(msg, &first)
	if err != nil {
		return 0, nil, mismatch{}
	}
	item := first
	if len(rest) > 0 {
		name, ok := first.(string)
		if !ok {
			return 0, nil, mismatch{}
		}
		if name != c.t.Name {
			return 0, nil, mismatch{writer: name}
		}
		if err := decMode().Unmarshal(rest, &item); err != nil {
			return 0, nil, mismatch{writer: name}
		}
	}
	s, r, err := fromCBOR(c.t, item)
	if err != nil {
		writer, _ := first.(string)
		if len(rest) == 0 {
			writer = ""
		}
		return 0, nil, mismatch{writer: writer}
	}
	return s, r, nil
}

// The CBOR major types of strings: the top three bits of an item's first byte.
const (
	majorBytes = 2
	majorText  = 3
)

// appendHead appends the head of a CBOR item of a major type and an argument n (a
// string's length), in the fewest bytes, as a deterministic encoder writes it.
func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= math.MaxUint8:
		return append(b, m|24, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), n)
}

// stringItem reads item as exactly one text or byte string of definite length, and
// reports whether it is one.
func stringItem(item []byte) (string, bool) {
	if len(item) == 0 {
		return "", false
	}
	if major := item[0] >> 5; major != majorText && major != majorBytes {
		return "", false
	}
	n, rest := uint64(item[0]&0x1f), item[1:]
	switch {
	case n < 24:
	case n <= 27:
		size := 1 << (n - 24) // the argument's bytes: 1, 2, 4 or 8
		if len(rest) < size {
			return "", false
		}
		n = 0
		for _, b := range rest[:size] {
			n = n<<8 | uint64(b)
		}
		rest = rest[size:]
	default:
		return "", false // indefinite length, or not well formed
	}
	if uint64(len(rest)) != n {
		return "", false
	}
	return string(rest), true
}

func (e mismatch) Error() string { return "the message does not decode" }

// describe says what a message was, for the error of a reader that cannot decode it.
func (e mismatch) describe() string {
	if e.writer == "" {
		return "a message that is no felixlet value"
	}
	return "a message of type " + e.writer
}

// toCBOR turns a value of type t into the Go value the CBOR library writes.
func toCBOR(t *code.Type, s uint64, r vm.Value) any {
	switch t.Kind {
	case code.KInt:
		return int64(s)
	case code.KDouble:
		return math.Float64frombits(s)
	case code.KBool:
		return s != 0
	case code.KChar:
		return uint64(byte(s))
	case code.KString:
		str, _ := r.(string)
		if utf8.ValidString(str) {
			return str
		}
		return []byte(str)
	case code.KTuple:
		tu := r.(*vm.Tuple)
		elems := make([]any, len(t.Elems))
		for i, et := range t.Elems {
			elems[i] = elemToCBOR(et, t.Slots[i], tu.S, tu.R)
		}
		return elems
	case code.KRecord:
		tu := r.(*vm.Tuple)
		fields := make(map[string]any, len(t.Elems))
		for i, et := range t.Elems {
			fields[t.Names[i]] = elemToCBOR(et, t.Slots[i], tu.S, tu.R)
		}
		return fields
	case code.KList:
		elems := []any{}
		for l, _ := r.(*vm.List); l != nil; l = l.Tail {
			elems = append(elems, toCBOR(t.Elems[0], l.S, l.R))
		}
		return elems
	case code.KOpt:
		if o, ok := r.(*vm.Opt); ok {
			return []any{toCBOR(t.Elems[0], o.S, o.R)}
		}
		return []any{}
	case code.KVariant:
		v, _ := r.(*vm.Variant)
		tag := 0
		if v != nil {
			tag = v.Tag
		}
		c := &t.Cases[tag]
		switch len(c.Elems) {
		case 0:
			return c.Name
		case 1:
			return map[string]any{c.Name: elemToCBOR(c.Elems[0], c.Slots[0], v.S, v.R)}
		}
		elems := make([]any, len(c.Elems))
		for i, et := range c.Elems {
			elems[i] = elemToCBOR(et, c.Slots[i], v.S, v.R)
		}
		return map[string]any{c.Name: elems}
	}
	panic(fmt.Sprintf("a net channel cannot carry %s", t.Name)) // the checker allows no other
}

// elemToCBOR turns an element of an aggregate, in slot of its scalar or reference slots,
// into the Go value the CBOR library writes.
func elemToCBOR(t *code.Type, slot int, s []uint64, r []vm.Value) any {
	if t.IsScalar() {
		return toCBOR(t, s[slot], nil)
	}
	return toCBOR(t, 0, r[slot])
}

// errShape is a value whose shape is not its type's.
var errShape = errors.New("the value does not have its type's shape")

// fromCBOR turns what the CBOR library read into a value of type t.
func fromCBOR(t *code.Type, v any) (uint64, vm.Value, error) {
	switch t.Kind {
	case code.KInt:
		switch n := v.(type) {
		case int64:
			return uint64(n), nil, nil
		case uint64:
			if n <= math.MaxInt64 {
				return n, nil, nil
			}
		}
	case code.KDouble:
		if x, ok := v.(float64); ok {
			return math.Float64bits(x), nil, nil
		}
	case code.KBool:
		if b, ok := v.(bool); ok {
			if b {
				return 1, nil, nil
			}
			return 0, nil, nil
		}
	case code.KChar:
		if n, ok := v.(uint64); ok && n <= math.MaxUint8 {
			return n, nil, nil
		}
	case code.KString:
		switch str := v.(type) {
		case string:
			return 0, str, nil
		case []byte:
			return 0, string(str), nil
		}
	case code.KTuple:
		if elems, ok := v.([]any); ok && len(elems) == len(t.Elems) {
			tu, err := aggregate(t.Elems, t.Slots, elems)
			return 0, tu, err
		}
	case code.KRecord:
		if m, ok := v.(map[any]any); ok && len(m) == len(t.Elems) {
			elems := make([]any, len(t.Elems))
			for i, name := range t.Names {
				e, ok := m[name]
				if !ok {
					return 0, nil, errShape
				}
				elems[i] = e
			}
			tu, err := aggregate(t.Elems, t.Slots, elems)
			return 0, tu, err
		}
	case code.KList:
		if elems, ok := v.([]any); ok {
			var l *vm.List
			for i := len(elems) - 1; i >= 0; i-- {
				s, r, err := fromCBOR(t.Elems[0], elems[i])
				if err != nil {
					return 0, nil, err
				}
				l = &vm.List{S: s, R: r, Tail: l}
			}
			if l == nil {
				return 0, nil, nil
			}
			return 0, l, nil
		}
	case code.KOpt:
		if elems, ok := v.([]any); ok && len(elems) <= 1 {
			if len(elems) == 0 {
				return 0, nil, nil
			}
			s, r, err := fromCBOR(t.Elems[0], elems[0])
			if err != nil {
				return 0, nil, err
			}
			return 0, &vm.Opt{S: s, R: r}, nil
		}
	case code.KVariant:
		return variantFromCBOR(t, v)
	}
	return 0, nil, errShape
}

// variantFromCBOR turns what the CBOR library read into a value of the declared variant t.
func variantFromCBOR(t *code.Type, v any) (uint64, vm.Value, error) {
	name, payload := "", any(nil)
	switch v := v.(type) {
	case string:
		name = v
	case map[any]any:
		if len(v) != 1 {
			return 0, nil, errShape
		}
		for k, p := range v {
			name, _ = k.(string)
			payload = p
		}
	}
	for tag := range t.Cases {
		c := &t.Cases[tag]
		if c.Name != name || (len(c.Elems) == 0) != (payload == nil) {
			continue
		}
		elems := []any{payload}
		switch len(c.Elems) {
		case 0:
			elems = nil
		case 1:
		default:
			var ok bool
			if elems, ok = payload.([]any); !ok || len(elems) != len(c.Elems) {
				return 0, nil, errShape
			}
		}
		tu, err := aggregate(c.Elems, c.Slots, elems)
		if err != nil {
			return 0, nil, err
		}
		return 0, &vm.Variant{Tag: tag, S: tu.S, R: tu.R}, nil
	}
	return 0, nil, errShape
}

// aggregate makes the slots of a tuple, a record or a variant's payload from its elements.
func aggregate(types []*code.Type, slots []int, elems []any) (*vm.Tuple, error) {
	tu := &vm.Tuple{}
	ns, nr := 0, 0
	for _, et := range types {
		if et.IsScalar() {
			ns++
		} else {
			nr++
		}
	}
	if ns > 0 {
		tu.S = make([]uint64, ns)
	}
	if nr > 0 {
		tu.R = make([]vm.Value, nr)
	}
	for i, et := range types {
		s, r, err := fromCBOR(et, elems[i])
		if err != nil {
			return nil, err
		}
		if et.IsScalar() {
			tu.S[slots[i]] = s
		} else {
			tu.R[slots[i]] = r
		}
	}
	return tu, nil
}
