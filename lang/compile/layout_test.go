package compile

import (
	"slices"
	"testing"

	"github.com/felixlet/felixlet/lang/types"
)

// Every value's split into scalar and reference parts comes from kindOf and tupleShape; the
// runtime descriptors that print and compare values must agree with them, and a generic
// type laid out after substitution must be laid out exactly like the type written out.
func TestDescriptorsAgreeWithTheLayoutOfEveryShape(t *testing.T) {
	tv := &types.Var{Name: "T", ID: 1}
	pair := types.NewTuple(types.IntType, types.StringType)
	record := types.NewRecord([]types.Field{{Name: "b", Type: types.DoubleType}, {Name: "a", Type: pair}})
	fn := &types.Func{Dom: pair, Cod: types.BoolType}
	shapes := []types.Type{
		types.IntType, types.DoubleType, types.BoolType, types.CharType, types.StringType, types.UnitType,
		pair,
		types.NewTuple(types.BoolType, types.DoubleType),
		types.NewTuple(types.IntType, types.UnitType, types.StringType, types.CharType),
		types.NewTuple(pair, types.NewTuple(types.DoubleType, record), types.IntType),
		record, fn, types.NewTuple(fn, types.IntType),
	}
	for _, bound := range shapes {
		// T * int * T with T bound, against the same type written out.
		generic := types.NewTuple(tv, types.IntType, tv)
		sub := subst{tv.ID: bound}
		instance := sub.apply(generic)
		written := types.NewTuple(bound, types.IntType, bound)
		li, si := tupleShape(elemTypes(instance))
		lw, sw := tupleShape(elemTypes(written))
		if li != lw || !slices.Equal(si, sw) {
			t.Errorf("%s at T = %s: layout %v %v, written out %v %v", generic, bound, li, si, lw, sw)
		}
		for _, ty := range []types.Type{bound, instance} {
			checkDescriptor(t, ty)
		}
	}
}

// checkDescriptor checks the descriptor of ty, and of its elements, against the layout.
func checkDescriptor(t *testing.T, ty types.Type) {
	t.Helper()
	d := describe(ty)
	k := kindOf(ty)
	if d.IsScalar() != (k == kS) || d.IsRef() != (k == kR) {
		t.Errorf("%s: descriptor says scalar %v, reference %v; kindOf says %v", ty, d.IsScalar(), d.IsRef(), k)
	}
	elems := elemTypes(ty)
	if elems == nil {
		return
	}
	l, slots := tupleShape(elems)
	if !slices.Equal(d.Slots, slots) {
		t.Errorf("%s: descriptor slots %v, layout %v", ty, d.Slots, slots)
	}
	ns, nr := 0, 0
	for i, e := range elems {
		checkDescriptor(t, e)
		switch {
		case d.Elems[i].IsScalar():
			ns++
		case d.Elems[i].IsRef():
			nr++
		}
	}
	if ns != l.NS || nr != l.NR {
		t.Errorf("%s: descriptor elements give %d scalar and %d reference slots, layout %d and %d", ty, ns, nr, l.NS, l.NR)
	}
}
