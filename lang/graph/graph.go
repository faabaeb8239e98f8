// Package graph draws the circuits and |-> pipelines of a checked program as Graphviz DOT:
// each network a cluster, each device a box with its name, its chip and its pins (inputs
// on the left, outputs on the right), each channel an edge from the pin that writes to the
// pin that reads, labelled with what it carries. A channel that joins more than two pins,
// that a circuit wires to a channel of its own, or that nothing else is connected to is a
// small node of its own, with an edge from each writer and to each reader.
package graph

import (
	"bufio"
	"cmp"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// WriteDOT writes the networks as one DOT digraph named title (the program's file), in
// the order of their places in the source.
func WriteDOT(w io.Writer, title string, nets []*ir.Network) error {
	nets = slices.Clone(nets)
	slices.SortStableFunc(nets, func(a, b *ir.Network) int {
		return cmp.Or(cmp.Compare(a.P.File, b.P.File), cmp.Compare(a.P.Line, b.P.Line), cmp.Compare(a.P.Col, b.P.Col))
	})
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "// The circuits and pipelines of %s, drawn by felixlet graph.\n", title)
	fmt.Fprintf(bw, "digraph %s {\n", quote(title))
	fmt.Fprintf(bw, "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.3, ranksep=0.55, labelloc=t, label=%s];\n", quote(title))
	fmt.Fprint(bw, "  node [fontname=\"Helvetica\", fontsize=11, shape=plain];\n")
	fmt.Fprint(bw, "  edge [fontname=\"Helvetica\", fontsize=10, color=\"#475569\", fontcolor=\"#334155\", arrowsize=0.7];\n")
	if len(nets) == 0 {
		fmt.Fprint(bw, "  none [shape=plaintext, label=\"no circuit or |-> pipeline\"];\n")
	}
	for i, n := range nets {
		writeNetwork(bw, i+1, n)
	}
	fmt.Fprint(bw, "}\n")
	return bw.Flush()
}

// writeNetwork writes network number k as a cluster.
func writeNetwork(w io.Writer, k int, n *ir.Network) {
	kind := "circuit"
	if n.Pipeline {
		kind = "pipeline"
	}
	fmt.Fprintf(w, "\n  subgraph cluster_%d {\n", k)
	fmt.Fprintf(w, "    label=%s; style=\"rounded,dashed\"; color=\"#94a3b8\"; fontcolor=\"#475569\"; fontsize=10;\n",
		quote(fmt.Sprintf("%s at %s", kind, n.P)))
	for d, dev := range n.Devices {
		fmt.Fprintf(w, "    %s [label=<%s>];\n", deviceID(k, d), deviceLabel(dev))
	}
	for i, wire := range n.Wires {
		writeWire(w, k, i, n, wire)
	}
	fmt.Fprint(w, "  }\n")
}

// deviceID names a device's node: network k, device d.
func deviceID(k, d int) string { return fmt.Sprintf("n%d_d%d", k, d) }

// deviceLabel is a device's box: its name and chip above its pins, inputs on the left and
// outputs on the right, each a port (p0, p1, ... in the order of the pins).
func deviceLabel(dev *ir.Device) string {
	var b strings.Builder
	b.WriteString(`<table border="1" cellborder="0" cellspacing="0" cellpadding="4" style="rounded" color="#1e3a8a">`)
	head, sub := dev.Name, ""
	if dev.Chip != nil {
		sub = ast.Text(dev.Chip)
	}
	if head == "" || head == sub {
		head, sub = sub, ""
	}
	b.WriteString(`<tr><td colspan="2" bgcolor="#dbeafe"><b>` + esc(head) + `</b>`)
	if sub != "" {
		b.WriteString(`<br/><font point-size="9" color="#1e3a8a">` + esc(sub) + `</font>`)
	}
	b.WriteString(`</td></tr>`)
	var ins, outs []int
	for i, p := range dev.Pins {
		if reads(p.Type) {
			ins = append(ins, i)
		} else {
			outs = append(outs, i)
		}
	}
	for r := 0; r < max(len(ins), len(outs)); r++ {
		b.WriteString("<tr>")
		b.WriteString(pinCell(dev, ins, r, "left"))
		b.WriteString(pinCell(dev, outs, r, "right"))
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
	return b.String()
}

// pinCell is the cell of the r-th pin of those listed (an empty cell past their end).
func pinCell(dev *ir.Device, pins []int, r int, align string) string {
	if r >= len(pins) {
		return "<td></td>"
	}
	p := dev.Pins[pins[r]]
	return fmt.Sprintf(`<td port="p%d" align="%s">%s <font point-size="9" color="#64748b">%s</font></td>`,
		pins[r], align, esc(p.Name), esc(p.Type.String()))
}

// reads reports whether a pin of this type is an input: a read end.
func reads(t types.Type) bool {
	ch, ok := t.(*types.Chan)
	return ok && ch.Dir == types.In
}

// writeWire writes wire i of network k: an edge, or a channel node with its edges.
func writeWire(w io.Writer, k, i int, n *ir.Network, wire *ir.Wire) {
	elem := ""
	if wire.Elem != nil {
		elem = wire.Elem.String()
	}
	var from, to []string // the ports of the pins that write and that read
	for _, end := range wire.Ends {
		port := fmt.Sprintf("%s:p%d", deviceID(k, end.Device), end.Pin)
		if reads(n.Devices[end.Device].Pins[end.Pin].Type) {
			to = append(to, port+":w")
		} else {
			from = append(from, port+":e")
		}
	}
	if wire.External == nil && len(from) == 1 && len(to) == 1 {
		fmt.Fprintf(w, "    %s -> %s [label=%s];\n", from[0], to[0], quote(elem))
		return
	}
	node := fmt.Sprintf("n%d_w%d", k, i)
	switch {
	case wire.External != nil:
		fmt.Fprintf(w, "    %s [shape=box, style=\"rounded,filled\", fillcolor=\"#fef3c7\", color=\"#b45309\", label=<<b>%s</b><br/><font point-size=\"9\">wired channel of %s</font>>];\n",
			node, esc(ast.Text(wire.External)), esc(elem))
	case len(wire.Ends) == 1:
		fmt.Fprintf(w, "    %s [shape=box, style=\"rounded,dashed\", color=\"#b91c1c\", fontcolor=\"#b91c1c\", fontsize=9, label=%s];\n",
			node, quote("not connected\n"+elem))
	default:
		fmt.Fprintf(w, "    %s [shape=ellipse, style=filled, fillcolor=\"#f1f5f9\", color=\"#64748b\", fontsize=9, label=%s];\n", node, quote(elem))
	}
	for _, p := range from {
		fmt.Fprintf(w, "    %s -> %s;\n", p, node)
	}
	for _, p := range to {
		fmt.Fprintf(w, "    %s -> %s;\n", node, p)
	}
}

// esc escapes text for an HTML-like label.
func esc(s string) string { return html.EscapeString(s) }

// quote writes a DOT string.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + strings.ReplaceAll(s, "\n", `\n`) + `"`
}
