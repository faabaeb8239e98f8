package check

import (
	"slices"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// The checker keeps each circuit and |-> pipeline it checks as an ir.Network, for
// pictures: which chips, which pins, which channels between them.

// networks is what the checker keeps of the networks it has checked.
type networks struct {
	all []*ir.Network
	// of finds a network by the node it was checked from, so that a node checked again
	// (an argument tried against several overloads) replaces its network.
	of map[ast.Node]*ir.Network
}

// note keeps a network checked from node.
func (ns *networks) note(node ast.Node, n *ir.Network) {
	if ns.of == nil {
		ns.of = map[ast.Node]*ir.Network{}
	}
	if old := ns.of[node]; old != nil {
		*old = *n
		return
	}
	ns.of[node] = n
	ns.all = append(ns.all, n)
}

// drop forgets the network checked from node: a pipeline that became part of a longer one.
func (ns *networks) drop(node ast.Node) {
	n := ns.of[node]
	if n == nil {
		return
	}
	delete(ns.of, node)
	if i := slices.Index(ns.all, n); i >= 0 {
		ns.all = slices.Delete(ns.all, i, i+1)
	}
}

// circuitNetwork keeps a circuit that checked without errors: its devices (with where each
// was first mentioned), their connectors, its pins, and find, which gives the group of
// connected pins a pin is in.
func (c *Checker) circuitNetwork(s *ast.Circuit, devices []*varEnt, at []ast.Pos, connectors map[*varEnt][]*types.Record, all []*pin, find func(int) int) {
	n := &ir.Network{P: s.P}
	index := map[*varEnt]int{}
	firstPin := map[*varEnt][]int{} // by device and connector: the index of its first pin
	for i, d := range devices {
		index[d] = i
		dev := &ir.Device{P: at[i], Name: d.v.Name, Chip: d.chip}
		for _, rec := range connectors[d] {
			firstPin[d] = append(firstPin[d], len(dev.Pins))
			for _, f := range rec.Fields {
				dev.Pins = append(dev.Pins, ir.Pin{Name: f.Name, Type: f.Type})
			}
		}
		n.Devices = append(n.Devices, dev)
	}
	wires := map[int]*ir.Wire{} // by group
	for i, p := range all {
		root := find(i)
		w := wires[root]
		if w == nil {
			et, _ := pinElem(p.t)
			w = &ir.Wire{Elem: et}
			wires[root] = w
			n.Wires = append(n.Wires, w)
		}
		w.Ends = append(w.Ends, ir.End{Device: index[p.device], Pin: firstPin[p.device][p.connector] + p.field})
	}
	for _, cl := range s.Clauses {
		if cl.Wire == nil {
			continue
		}
		for i, p := range all {
			if p.name == cl.To.Device+"."+cl.To.Pin {
				wires[find(i)].External = cl.Wire
			}
		}
	}
	c.networks.note(s, n)
}

// pipeNetwork keeps the pipeline a |-> b, whose checked form is x: its stages are those of
// a and b, each a pipeline kept before (which this one takes in) or a single chip.
func (c *Checker) pipeNetwork(e *ast.Binary, l, r, x ir.Expr) {
	lt, rt := l.Type(), r.Type()
	if call, ok := x.(*ir.CallFunc); ok && len(call.Func.Params) == 2 && len(call.TypeArgs) == len(call.Func.TypeParams) {
		// The chips' types as the pipe instance takes them: with its type arguments.
		lt = types.Substitute(call.Func.Params[0].Type, call.Func.TypeParams, call.TypeArgs)
		rt = types.Substitute(call.Func.Params[1].Type, call.Func.TypeParams, call.TypeArgs)
	}
	n := &ir.Network{Pipeline: true}
	c.addStages(n, e.L, lt)
	last := len(n.Devices) - 1
	first := len(n.Devices)
	c.addStages(n, e.R, rt)
	if last < 0 || first >= len(n.Devices) {
		return
	}
	n.P = n.Devices[0].P
	// The channel from the left side's output to the right side's input.
	out, in := pinNamed(n.Devices[last], "out"), pinNamed(n.Devices[first], "inp")
	if out < 0 || in < 0 {
		return
	}
	elem, _ := pinElem(n.Devices[last].Pins[out].Type)
	n.Wires = append(n.Wires, &ir.Wire{Elem: elem, Ends: []ir.End{{Device: last, Pin: out}, {Device: first, Pin: in}}})
	c.networks.note(e, n)
}

// addStages adds the stages of one side of a |-> to n: those of the pipeline kept for it,
// or the side itself as one chip of type t.
func (c *Checker) addStages(n *ir.Network, side ast.Expr, t types.Type) {
	if b, ok := side.(*ast.Binary); ok && b.Op == "|->" {
		if inner := c.networks.of[b]; inner != nil {
			base := len(n.Devices)
			n.Devices = append(n.Devices, inner.Devices...)
			for _, w := range inner.Wires {
				moved := &ir.Wire{Elem: w.Elem, External: w.External}
				for _, end := range w.Ends {
					moved.Ends = append(moved.Ends, ir.End{Device: base + end.Device, Pin: end.Pin})
				}
				n.Wires = append(n.Wires, moved)
			}
			c.networks.drop(b)
			return
		}
	}
	dev := &ir.Device{P: side.Position(), Chip: side}
	for _, rec := range deviceConnectors(t) {
		for _, f := range rec.Fields {
			dev.Pins = append(dev.Pins, ir.Pin{Name: f.Name, Type: f.Type})
		}
	}
	n.Devices = append(n.Devices, dev)
}

// pinNamed is the index of a device's pin, or -1.
func pinNamed(d *ir.Device, name string) int {
	return slices.IndexFunc(d.Pins, func(p ir.Pin) bool { return p.Name == name })
}
