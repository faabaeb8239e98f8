package timeline

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"
)

// The geometry of the timeline, in pixels.
const (
	labelWidth = 250  // the column of row labels
	rowHeight  = 36   // one fibre
	axisHeight = 30   // the step numbers above the rows
	barHeight  = 14   // a run
	fateRoom   = 150  // after the last step: the words of the fates
	minStep    = 6.0  // the narrowest a step is drawn
	maxStep    = 34.0 // the widest
	fitWidth   = 1100 // a short run is spread over about this width
)

// WriteHTML writes the run as one HTML page that needs nothing else: an SVG timeline with
// a row per fibre (bars while it ran, a line while it waited, with what for), marks for
// what happened to it, an arrow from writer to reader for each value passed, and how the
// fibre ended. Hovering over anything shows what it is and where in the program it
// happened (an SVG title, which a small script shows at once). The page's script marks
// the document with data-timeline="ready" and data-rows, the rows it found, once it has
// run.
func WriteHTML(w io.Writer, run *Run) error {
	bw := bufio.NewWriter(w)
	p := &page{w: bw, run: run, row: map[uint32]int{}}
	p.layout()
	p.head()
	p.svg()
	p.channels()
	p.tail()
	return bw.Flush()
}

// page is a timeline being written.
type page struct {
	w     *bufio.Writer
	run   *Run
	row   map[uint32]int // each fibre's row, from 0
	step  float64        // the width of a step
	width float64        // of the whole SVG
}

func (p *page) printf(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

// esc escapes text for HTML and SVG.
func esc(s string) string { return html.EscapeString(s) }

func (p *page) layout() {
	for i, f := range p.run.Fibres {
		p.row[f.ID] = i
	}
	steps := p.run.Steps + 1 // and a step for the fibres left waiting at the end
	p.step = min(max(float64(fitWidth)/float64(steps), minStep), maxStep)
	p.width = labelWidth + float64(steps)*p.step + fateRoom
}

// x is the left edge of a step; xc its middle.
func (p *page) x(step int) float64  { return labelWidth + float64(step)*p.step }
func (p *page) xc(step int) float64 { return p.x(step) + p.step/2 }

// y is the middle of a fibre's row.
func (p *page) y(id uint32) float64 {
	return axisHeight + float64(p.row[id])*rowHeight + rowHeight/2
}

func (p *page) head() {
	run := p.run
	values := 0
	for _, a := range run.Arrows {
		if a.Kind != Spawned {
			values++
		}
	}
	p.printf(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>felixlet timeline: %s</title>
<style>%s</style>
</head>
<body>
<h1>felixlet timeline: <code>%s</code></h1>
<p class="summary">%s, %s, %s, %s passed between fibres. Time runs left to right in
scheduler steps, one per scheduling event: the same program draws the same picture every
time. Hover over anything to see what it is and where in the program it happened.</p>
`, esc(run.Program), style, esc(run.Program), count(len(run.Fibres), "fibre"), count(len(run.Chans), "channel"),
		count(run.Events, "scheduling event"), count(values, "value"))
	if run.Cut() {
		p.printf("<p class=\"cut\">%s</p>\n", esc(cutNote(run)))
	}
	p.printf(`<div class="legend">
<span><svg width="26" height="12"><rect class="run" x="1" y="1" width="24" height="10" rx="3"/></svg>runs</span>
<span><svg width="26" height="12"><line class="wait" x1="1" y1="6" x2="25" y2="6"/></svg>waits (on what, above the line)</span>
<span><svg width="26" height="12"><line class="starved" x1="1" y1="6" x2="25" y2="6"/></svg>starved</span>
<span><svg width="26" height="12"><line class="rendezvous" x1="1" y1="6" x2="25" y2="6"/></svg>a value passed (writer to reader)</span>
<span><svg width="26" height="12"><line class="buffered" x1="1" y1="6" x2="25" y2="6"/></svg>through a buffer</span>
<span><svg width="26" height="12"><line class="spawn" x1="1" y1="6" x2="25" y2="6"/></svg>spawn</span>
<span><svg width="14" height="12"><circle class="mademark" cx="7" cy="6" r="3.5"/></svg>makes a fibre</span>
<span><svg width="14" height="12"><path class="chanmark" d="M7 1.5 L11.5 6 L7 10.5 L2.5 6 Z"/></svg>channel operation</span>
<span><svg width="14" height="12"><path class="closemark" d="M3 2 l8 8 m0 -8 l-8 8"/></svg>close</span>
<span><svg width="14" height="12"><path class="yieldmark" d="M3 10 l8 0 l-4 -7 z"/></svg>yields, or woken by time</span>
<span><svg width="14" height="12"><rect class="ended" x="5" y="0" width="4" height="12"/></svg>ends</span>
<span><svg width="14" height="12"><circle class="leftwaiting" cx="7" cy="6" r="4.5"/></svg>left waiting forever</span>
<span><svg width="14" height="12"><circle class="collected" cx="7" cy="6" r="4.5"/></svg>collected</span>
</div>
`)
}

func (p *page) svg() {
	run := p.run
	height := axisHeight + len(run.Fibres)*rowHeight + 8
	p.printf(`<div class="scroll"><svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%d" viewBox="0 0 %.0f %d">
<defs>
<marker id="head-rendezvous" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#ea580c"/></marker>
<marker id="head-buffered" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#7c3aed"/></marker>
<marker id="head-spawn" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#64748b"/></marker>
</defs>
`, p.width, height, p.width, height)
	p.axis(height)
	for i, f := range run.Fibres {
		p.fibre(i, f)
	}
	p.printf("<g class=\"arrows\">\n")
	for _, a := range run.Arrows {
		p.arrow(a)
	}
	p.printf("</g>\n</svg></div>\n")
}

// axis draws the step numbers, with a faint line down the rows at each.
func (p *page) axis(height int) {
	every := 1
	for _, n := range []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000} {
		every = n
		if float64(n)*p.step >= 44 {
			break
		}
	}
	p.printf("<g class=\"axis\"><text x=\"8\" y=\"18\" class=\"axislabel\">step</text>\n")
	for k := 0; k <= p.run.Steps; k += every {
		p.printf("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/><text x=\"%.1f\" y=\"18\">%d</text>\n",
			p.x(k), axisHeight-6, p.x(k), height-8, p.x(k), k)
	}
	p.printf("</g>\n")
}

// fibre draws a fibre's row.
func (p *page) fibre(i int, f *Fibre) {
	top := axisHeight + i*rowHeight
	cy := p.y(f.ID)
	name := fmt.Sprintf("fibre %d", f.ID)
	hover := f.Name() + "\n" + f.Origin()
	if f.ProcAt != "" {
		hover += "\nits procedure starts at " + f.ProcAt
	}
	p.printf("<g class=\"row\" id=\"fibre-%d\" data-fibre=\"%d\">\n<rect class=\"stripe%d\" x=\"0\" y=\"%d\" width=\"%.0f\" height=\"%d\"><title>%s</title></rect>\n",
		f.ID, f.ID, i%2, top, p.width, rowHeight, esc(hover))
	p.printf("<text class=\"name\" x=\"10\" y=\"%d\"><title>%s</title><tspan class=\"id\">%s</tspan> · %s</text>\n",
		top+15, esc(hover), esc(name), esc(clip(f.Proc, 26)))
	p.printf("<text class=\"origin\" x=\"10\" y=\"%d\"><title>%s</title>%s</text>\n", top+29, esc(hover), esc(clip(f.Brief(), 42)))
	for _, s := range f.Spans {
		p.span(f, s, cy)
	}
	for _, m := range f.Marks {
		p.mark(f, m, cy)
	}
	p.fate(f, cy)
	p.printf("</g>\n")
}

// span draws a run as a bar, a wait as a line with what it waits for above it.
func (p *page) span(f *Fibre, s Span, cy float64) {
	x0, x1 := p.x(s.From), p.x(s.To)
	steps := fmt.Sprintf("steps %d to %d", s.From, s.To-1)
	if s.To-s.From == 1 {
		steps = fmt.Sprintf("step %d", s.From)
	}
	if s.Kind == Running {
		p.printf("<rect class=\"run\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"3\"><title>fibre %d runs (%s)</title></rect>\n",
			x0+0.5, cy-barHeight/2, max(x1-x0-1, 1), barHeight, f.ID, steps)
		return
	}
	if s.To <= s.From {
		return
	}
	class := "wait"
	if s.Kind == Starved {
		class = "starved"
	}
	hover := fmt.Sprintf("fibre %d %s (%s)", f.ID, s.Label, steps)
	if s.At != "" {
		hover += "\nat " + s.At
	}
	p.printf("<g class=\"%sspan\"><title>%s</title><rect class=\"hit\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\"/><line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		class, esc(hover), x0, cy-6, x1-x0, class, x0+1, cy, x1-1, cy)
	if label := strings.TrimPrefix(s.Label, "waits "); float64(len(label))*5.6+10 < x1-x0 {
		p.printf("<text class=\"waitlabel\" x=\"%.1f\" y=\"%.1f\">%s</text>", x0+4, cy-5, esc(label))
	}
	p.printf("</g>\n")
}

// mark draws what happened to a fibre at a step.
func (p *page) mark(f *Fibre, m Mark, cy float64) {
	x := p.xc(m.Step)
	hover := fmt.Sprintf("step %d: fibre %d %s", m.Step, f.ID, m.Label)
	if m.At != "" {
		hover += "\nat " + m.At
	}
	var shape string
	switch {
	case m.Kind == Made:
		shape = fmt.Sprintf("<circle class=\"mademark\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"/>", x, cy)
	case m.Kind == Yielded:
		shape = fmt.Sprintf("<path class=\"yieldmark\" d=\"M%.1f %.1f l8 0 l-4 -7 z\"/>", x-4, cy+barHeight/2+2)
	case strings.HasPrefix(m.Label, "closes"):
		shape = fmt.Sprintf("<rect class=\"closeback\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\"/><path class=\"closemark\" d=\"M%.1f %.1f l8 8 m0 -8 l-8 8\"/>", x-6, cy-6, x-4, cy-4)
	default:
		shape = fmt.Sprintf("<path class=\"chanmark\" d=\"M%.1f %.1f l4.5 4.5 l-4.5 4.5 l-4.5 -4.5 z\"/>", x, cy-4.5)
	}
	p.printf("<g class=\"mark\"><title>%s</title>%s</g>\n", esc(hover), shape)
}

// fate draws how a fibre's row ends, with a word for those that did not end.
func (p *page) fate(f *Fibre, cy float64) {
	fate := f.Fate
	if fate.Kind == Alive {
		return
	}
	x := p.x(fate.Step)
	hover := fmt.Sprintf("fibre %d %s", f.ID, fate.Label)
	if fate.At != "" {
		hover += "\nat " + fate.At
	}
	var shape, word string
	switch fate.Kind {
	case HasEnded:
		shape = fmt.Sprintf("<rect class=\"ended\" x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"%d\"/>", x-1.5, cy-barHeight/2-2, barHeight+4)
	case LeftWaiting:
		shape, word = fmt.Sprintf("<circle class=\"leftwaiting\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>", x+6, cy), "left waiting"
	case WasCollected:
		shape, word = fmt.Sprintf("<circle class=\"collected\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>", x+6, cy), "collected"
	case HasFailed:
		shape, word = fmt.Sprintf("<path class=\"failmark\" d=\"M%.1f %.1f l10 10 m0 -10 l-10 10\"/>", x+1, cy-5), "fails"
	}
	if word != "" {
		shape += fmt.Sprintf("<text class=\"fateword fw-%s\" x=\"%.1f\" y=\"%.1f\">%s</text>", fateNames[fate.Kind], x+15, cy+4, word)
	}
	p.printf("<g class=\"fate\" data-fate=\"%s\"><title>%s</title>%s</g>\n", fateNames[fate.Kind], esc(hover), shape)
}

// arrow draws a value passed, or a spawn, from one row to another.
func (p *page) arrow(a Arrow) {
	if _, ok := p.row[a.From]; !ok {
		return
	}
	if _, ok := p.row[a.To]; !ok {
		return
	}
	x0, y0, x1, y1 := p.xc(a.FromStep), p.y(a.From), p.xc(a.ToStep), p.y(a.To)
	// Leave the bars' edges free: start and end just outside them.
	gap := float64(barHeight)/2 + 1
	if y1 > y0 {
		y0, y1 = y0+gap, y1-gap
	} else if y1 < y0 {
		y0, y1 = y0-gap, y1+gap
	}
	var hover string
	switch a.Kind {
	case Spawned:
		hover = fmt.Sprintf("step %d: fibre %d makes fibre %d", a.FromStep, a.From, a.To)
	case Rendezvous:
		hover = fmt.Sprintf("step %d: fibre %d passes a value to fibre %d over ch %d (a rendezvous)", a.FromStep, a.From, a.To, a.Chan)
	case Buffered:
		hover = fmt.Sprintf("steps %d to %d: fibre %d's value reaches fibre %d through ch %d's buffer", a.FromStep, a.ToStep, a.From, a.To, a.Chan)
	}
	class := arrowNames[a.Kind]
	p.printf("<g class=\"arrow\"><title>%s</title><line class=\"hit\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" marker-end=\"url(#head-%s)\"/></g>\n",
		esc(hover), x0, y0, x1, y1, class, x0, y0, x1, y1, class)
}

// channels lists the channels: what each is and where it was made.
func (p *page) channels() {
	if len(p.run.Chans) == 0 {
		return
	}
	p.printf("<h2>Channels</h2>\n<table class=\"chans\">\n<tr><th>channel</th><th>kind</th><th>made by</th><th>at</th></tr>\n")
	for _, c := range p.run.Chans {
		kind := "synchronous"
		if c.Cap > 0 {
			kind = fmt.Sprintf("buffered, %d slots", c.Cap)
		}
		by := "—"
		if c.By != 0 {
			by = fmt.Sprintf("fibre %d", c.By)
		}
		p.printf("<tr><td>%s</td><td>%s</td><td>%s</td><td><code>%s</code></td></tr>\n", esc(c.Name()), kind, by, esc(c.MadeAt))
	}
	p.printf("</table>\n")
}

func (p *page) tail() {
	p.printf("<div id=\"tip\" hidden></div>\n<script>%s</script>\n</body>\n</html>\n", script)
}

// clip shortens a text to n characters, with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// count writes n things, as "1 fibre" or "2 fibres".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// style is the page's CSS.
const style = `
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 20px 24px; color: #0f172a; background: #fff; }
h1 { font-size: 20px; font-weight: 600; margin: 0 0 6px; }
h2 { font-size: 15px; font-weight: 600; margin: 18px 0 6px; }
code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.95em; }
.summary { font-size: 13px; color: #334155; max-width: 70em; margin: 0 0 8px; }
.cut { font-size: 13px; background: #fef3c7; border: 1px solid #f59e0b; border-radius: 4px; padding: 6px 10px; display: inline-block; margin: 0 0 8px; }
.legend { font-size: 12px; color: #334155; margin: 4px 0 10px; display: flex; flex-wrap: wrap; gap: 6px 16px; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.scroll { overflow-x: auto; max-width: 100%; display: inline-block; border: 1px solid #e2e8f0; border-radius: 6px; }
.scroll svg { display: block; }
svg text { font-size: 11px; fill: #0f172a; }
.axis line { stroke: #e2e8f0; stroke-width: 1; }
.axis text { fill: #64748b; font-size: 10px; text-anchor: middle; }
.axis .axislabel { text-anchor: start; font-style: italic; }
.stripe0 { fill: #f8fafc; }
.stripe1 { fill: #ffffff; }
.row:hover .stripe0, .row:hover .stripe1 { fill: #eef2ff; }
.name { font-size: 12px; }
.name .id { font-weight: 600; }
.origin { font-size: 10px; fill: #64748b; }
.run { fill: #2563eb; }
.wait { stroke: #94a3b8; stroke-width: 2; stroke-dasharray: 4 3; }
.starved { stroke: #dc2626; stroke-width: 2.5; stroke-dasharray: 5 3; }
.waitlabel { font-size: 9.5px; fill: #64748b; }
.starvedspan .waitlabel { fill: #b91c1c; }
.hit { fill: transparent; stroke: transparent; stroke-width: 8; }
.rendezvous { stroke: #ea580c; stroke-width: 1.6; }
.buffered { stroke: #7c3aed; stroke-width: 1.4; stroke-dasharray: 4 3; fill: none; }
.spawn { stroke: #64748b; stroke-width: 1; stroke-dasharray: 1.5 2.5; }
.mademark { fill: #fff; stroke: #1e293b; stroke-width: 1.5; }
.chanmark { fill: #fff; stroke: #7c3aed; stroke-width: 1.5; }
.closemark { stroke: #b91c1c; stroke-width: 2.2; fill: none; }
.closeback { fill: #fff; }
.yieldmark { fill: #0891b2; }
.ended { fill: #0f172a; }
.leftwaiting { fill: #fff; stroke: #dc2626; stroke-width: 2; }
.collected { fill: #cbd5e1; stroke: #475569; stroke-width: 1.5; }
.failmark { stroke: #dc2626; stroke-width: 2.5; fill: none; }
.fateword { font-size: 10.5px; }
.fw-left-waiting, .fw-failed { fill: #b91c1c; }
.fw-collected { fill: #475569; }
.chans { border-collapse: collapse; font-size: 12px; }
.chans th, .chans td { text-align: left; padding: 3px 12px 3px 0; border-bottom: 1px solid #e2e8f0; }
#tip { position: absolute; pointer-events: none; background: #0f172a; color: #f8fafc; font-size: 12px; padding: 5px 8px; border-radius: 4px; white-space: pre; max-width: 60em; box-shadow: 0 2px 6px rgba(0,0,0,.25); }
`

// script shows the title of whatever the pointer is over at once, beside it (a title alone
// shows only after a delay, and the script takes the titles over so that they do not show
// twice), and marks the document once it has run.
const script = `
(function () {
  var svg = document.getElementById("timeline"), tip = document.getElementById("tip");
  svg.querySelectorAll("title").forEach(function (t) {
    t.parentNode.setAttribute("data-tip", t.textContent);
    t.remove();
  });
  svg.addEventListener("mousemove", function (ev) {
    var node = ev.target.closest("[data-tip]");
    if (!node) { tip.hidden = true; return; }
    tip.textContent = node.getAttribute("data-tip");
    tip.hidden = false;
    tip.style.left = (ev.pageX + 14) + "px";
    tip.style.top = (ev.pageY + 14) + "px";
  });
  svg.addEventListener("mouseleave", function () { tip.hidden = true; });
  document.documentElement.setAttribute("data-rows", String(svg.querySelectorAll("g.row").length));
  document.documentElement.setAttribute("data-timeline", "ready");
})();
`
