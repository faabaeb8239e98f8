package check

import (
	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/types"
)

// Level 5: the static check of net channels. A net channel carries values between
// programs, so its type must be one that can be written as data: int, double, bool, char,
// string, and tuples, records, lists, options and variants of those.

// netChannelPrims are the primitives that make a net channel.
var netChannelPrims = map[string]bool{"net_out": true, "net_in": true, "net_tap": true}

// netChannel checks the type of the net channel a primitive makes (ft, the channel end
// it returns).
func (c *Checker) netChannel(pos ast.Pos, prim string, end types.Type) {
	ch, ok := end.(*types.Chan)
	if !ok || types.ContainsInvalid(ch.Elem) {
		return
	}
	if bad := untransportable(ch.Elem, map[*types.VariantDef]bool{}); bad != nil {
		why := ""
		switch {
		case isTypeVar(bad):
			why = " (" + bad.String() + " is a type parameter: the type must be known where the channel is made)"
		case bad != ch.Elem:
			why = " (it holds " + bad.String() + ")"
		}
		c.errorf(pos, "%s cannot carry %s%s: a net channel carries int, double, bool, char, string, and tuples, records, lists, options and variants of those",
			prim, ch.Elem, why)
	}
}

// untransportable returns the part of t that a net channel cannot carry, or nil. seen
// holds the variants being checked, so that a recursive variant is checked once.
func untransportable(t types.Type, seen map[*types.VariantDef]bool) types.Type {
	switch t := t.(type) {
	case *types.Basic:
		switch t.Kind {
		case types.Int, types.Double, types.Bool, types.Char, types.String:
			return nil
		}
	case *types.Tuple:
		if len(t.Elems) == 0 {
			return t // unit carries nothing
		}
		for _, e := range t.Elems {
			if bad := untransportable(e, seen); bad != nil {
				return bad
			}
		}
		return nil
	case *types.Record:
		for _, f := range t.Fields {
			if bad := untransportable(f.Type, seen); bad != nil {
				return bad
			}
		}
		return nil
	case *types.Variant:
		if t.Def.Kind != types.UserVariant {
			return untransportable(t.Elem(), seen)
		}
		if seen[t.Def] {
			return nil
		}
		seen[t.Def] = true
		for i := range t.Def.Cases {
			for _, e := range t.PayloadElems(i) {
				if bad := untransportable(e, seen); bad != nil {
					return bad
				}
			}
		}
		return nil
	}
	return t
}

func isTypeVar(t types.Type) bool {
	_, ok := t.(*types.Var)
	return ok
}
