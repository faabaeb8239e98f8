package check

import (
	"fmt"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// Level 4: select, and the static checks of the buffered-channel primitives.

// selectStmt checks a select: each arm's channel end (read arms need one that reads, write
// arms one that writes, and the value must suit it), after's seconds (a double), and the
// shape: at least one arm besides else, and at most one else, last.
func (c *Checker) selectStmt(s *ast.Select) []ir.Stmt {
	switch {
	case c.ctx.fn.Yields:
		c.errorf(s.P, "a gen that yields cannot read or write a channel")
	case c.ctx.fn.Kind == ir.KindFun:
		c.errorf(s.P, "a fun cannot select: make it a gen (or a proc)")
	}
	sel := &ir.Select{P: s.P}
	for i, a := range s.Arms {
		armScope := newScope(c.sc, c.ctx.fn, scopeLoopVar)
		arm := &ir.SelectArm{P: a.P}
		switch a.Kind {
		case ast.SelectElse:
			switch {
			case sel.Else != nil:
				c.errorf(a.P, "a select has at most one else arm")
			case i != len(s.Arms)-1:
				c.errorf(a.P, "the else arm of a select must be its last")
			}
		case ast.SelectAfter:
			arm.Op, arm.ValueType = ir.SelectAfter, types.DoubleType
			arm.Value = c.valueExpr(a.Value)
			if t := arm.Value.Type(); !types.IsBasic(t, types.Double) && !types.ContainsInvalid(t) {
				c.errorf(a.Value.Position(), "after takes a double, the seconds to wait, not %s%s", t, doubleHint(a.Value))
			}
		case ast.SelectWrite:
			arm.Op = ir.SelectWrite
			arm.Chan = c.valueExpr(a.Chan)
			arm.ValueType = c.armEnd(a, arm.Chan.Type(), true)
			arm.Value = c.valueExpr(a.Value)
			if vt := arm.Value.Type(); !types.AssignableTo(vt, arm.ValueType) {
				c.errorf(a.Value.Position(), "select arm: cannot write a value of type %s to a channel of %s", vt, arm.ValueType)
			}
		default:
			arm.Op = ir.SelectRead
			arm.Chan = c.valueExpr(a.Chan)
			arm.ValueType = c.armEnd(a, arm.Chan.Type(), false)
			t := arm.ValueType
			if a.Kind == ast.SelectReadOpt {
				arm.Op, t = ir.SelectReadOpt, types.Opt(t)
			}
			if a.Var != "_" {
				arm.Var = c.armVar(a.P, a.Var, t, armScope)
			}
		}
		saved := c.sc
		c.sc = armScope
		body := c.stmts(a.Body)
		c.sc = saved
		if a.Kind == ast.SelectElse {
			sel.Else = append([]ir.Stmt{}, body...) // not nil: there is an else
			continue
		}
		arm.Body = body
		sel.Arms = append(sel.Arms, arm)
	}
	if len(sel.Arms) == 0 {
		c.errorf(s.P, "a select needs an arm that reads, writes or waits (after)")
	}
	return []ir.Stmt{sel}
}

// armEnd checks the channel end of a select arm that reads or (write) writes it, and
// returns the type of the values it carries.
func (c *Checker) armEnd(a *ast.SelectArm, t types.Type, write bool) types.Type {
	switch t := t.(type) {
	case *types.Chan:
		switch {
		case write && t.Dir == types.In:
			c.errorf(a.Chan.Position(), "select arm: cannot write to a read end %s", t)
		case !write && t.Dir == types.Out:
			c.errorf(a.Chan.Position(), "select arm: cannot read from a write end %s", t)
		default:
			return t.Elem
		}
		return types.InvalidType
	case *types.Duplex:
		if write {
			return t.Write
		}
		return t.Read
	}
	if !types.ContainsInvalid(t) {
		what := "read"
		if write {
			what = "write"
		}
		c.errorf(a.Chan.Position(), "select arm: %s needs a channel, not %s", what, t)
	}
	return types.InvalidType
}

// doubleHint suggests the double literal for an int literal.
func doubleHint(e ast.Expr) string {
	if l, ok := e.(*ast.IntLit); ok {
		return fmt.Sprintf(" (write %d.0)", l.Value)
	}
	return ""
}

// bufferedChannelPrims are the primitives whose argument is a number of slots.
var bufferedChannelPrims = map[string]bool{"mk_buffered_channel": true, "mk_buffered_ioschannel_pair": true}

// slotsLiteral reports a number of slots, written as a literal, that no buffered channel
// can have.
func (c *Checker) slotsLiteral(pos ast.Pos, prim string, args []ir.Expr) {
	if !bufferedChannelPrims[prim] || len(args) != 1 {
		return
	}
	if k, ok := args[0].(*ir.Const); ok {
		if n, ok := k.Value.(int64); ok && n < 1 {
			c.errorf(pos, "a buffered channel needs at least 1 slot, not %d (a synchronous channel is mk_schannel)", n)
		}
	}
}
