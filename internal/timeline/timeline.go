// Package timeline draws what the fibres of a run did. A Recorder watches a machine (it is
// a vm.Observer) and keeps the first events of the run as a Run: one row per fibre, with
// the spans while it ran and while it waited, marks where something happened to it, and
// arrows for the values that passed between fibres. WriteHTML draws a Run as a
// self-contained page with an SVG timeline; WriteChrome writes it in Chrome's trace-event
// format, which Perfetto and chrome://tracing open.
//
// Time is counted in scheduler steps, one per scheduling event, not in seconds: the
// schedule is deterministic, so the same program draws the same picture every time, and
// each event gets room to be seen, where wall time would squeeze a thousand rendezvous
// into a sliver beside one slow print.
package timeline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/felixlet/felixlet/vm"
)

// DefaultMax is how many events a picture shows unless asked otherwise.
const DefaultMax = 2000

// Run is what a picture shows.
type Run struct {
	Program string   // the program's name
	Steps   int      // the events drawn, one step each
	Events  int      // the events the run had: more than Steps when the picture was cut
	Max     int      // the most events a picture draws (Steps < Events only when Steps == Max)
	Fibres  []*Fibre // by number
	Chans   []*Chan  // by number
	Arrows  []Arrow  // in the order they happened
}

// Cut reports whether the run had more events than the picture shows.
func (r *Run) Cut() bool { return r.Events > r.Steps }

// Fibre is a row: one fibre and what it did.
type Fibre struct {
	ID     uint32
	Proc   string // the procedure it runs
	ProcAt string // where that procedure starts
	By     uint32 // the fibre that made it; 0 for the mainline
	How    string // how it was made: "spawned", "scheduled", "run on a nested scheduler"
	MadeAt string // where
	Start  int    // the step it was made at
	Spans  []Span // its runs and waits, in order
	Marks  []Mark // what happened to it, in order
	Fate   Fate   // how it ended
}

// Name is the row's label: "fibre 3 · words".
func (f *Fibre) Name() string { return fmt.Sprintf("fibre %d · %s", f.ID, f.Proc) }

// Origin says who made the fibre and where, for the row's second line and its hover.
func (f *Fibre) Origin() string {
	if f.By == 0 {
		return "the mainline"
	}
	s := fmt.Sprintf("%s by fibre %d", f.How, f.By)
	if f.MadeAt != "" {
		s += " at " + f.MadeAt
	}
	return s
}

// Brief is Origin for the row's second line: the position without its directory and
// function ("spawned by 1 at pp.flx:6:1").
func (f *Fibre) Brief() string {
	if f.By == 0 {
		return "the mainline"
	}
	s := fmt.Sprintf("%s by %d", f.How, f.By)
	if at := f.MadeAt; at != "" {
		at, _, _ = strings.Cut(at, " in ")
		s += " at " + at[strings.LastIndex(at, "/")+1:]
	}
	return s
}

// SpanKind says what a fibre does during a span.
type SpanKind uint8

const (
	Running SpanKind = iota // it runs
	Waiting                 // it waits (Label says on what)
	Starved                 // it waits on what can never come: a closed channel
)

// Span is a stretch of steps, From up to but not including To.
type Span struct {
	From, To int
	Kind     SpanKind
	Label    string // for a wait: what for ("read ch 3")
	At       string // where it began
}

// MarkKind says what a mark shows.
type MarkKind uint8

const (
	Made    MarkKind = iota // it made a fibre
	Channel                 // a channel operation that moved no value between fibres: a buffer, a close, a select
	Yielded                 // it yielded, or was woken to run again later
)

// Mark is one thing that happened to a fibre at a step.
type Mark struct {
	Step  int
	Kind  MarkKind
	Label string
	At    string // where in the program, when known
}

// FateKind says how a fibre's row ends.
type FateKind uint8

const (
	Alive        FateKind = iota // it was active when the run ended or the picture was cut
	HasEnded                     // it ran to its end
	LeftWaiting                  // it was left waiting when the run ended
	WasCollected                 // the collector reclaimed it, waiting on what nothing could reach
	HasFailed                    // it failed
)

// Fate is how a fibre's row ends.
type Fate struct {
	Kind  FateKind
	Step  int    // when: the end of the picture for those left waiting
	Label string // said on hover
	At    string // where, when known
}

// ArrowKind says what an arrow shows.
type ArrowKind uint8

const (
	Rendezvous ArrowKind = iota // a value passed from a writer to a reader that met it
	Buffered                    // a value passed through a buffered channel: written, then read later
	Spawned                     // a fibre made another
)

// Arrow goes from one fibre's row at one step to another's.
type Arrow struct {
	From, To         uint32
	FromStep, ToStep int
	Kind             ArrowKind
	Chan             uint32 // the channel, 0 for a spawn
}

// Chan is a channel the run used.
type Chan struct {
	ID     uint32
	Cap    int    // its slots; 0 for a synchronous channel
	By     uint32 // the fibre that made it (0: not seen made)
	MadeAt string // where
}

// Name is the channel's short name: "ch 3".
func (c *Chan) Name() string { return fmt.Sprintf("ch %d", c.ID) }

// Describe says what the channel is and where it was made.
func (c *Chan) Describe() string {
	s := "channel " + fmt.Sprint(c.ID)
	if c.Cap > 0 {
		s += fmt.Sprintf(", buffered (%d slots)", c.Cap)
	}
	if c.MadeAt != "" {
		s += fmt.Sprintf(", made by fibre %d at %s", c.By, c.MadeAt)
	}
	return s
}

// Recorder records the first events of a run. Give it to the machine as
// vm.Options.Observer; once the run is over (and, if wanted, its fibres left waiting have
// been collected: see Uncollected), Run returns the picture.
type Recorder struct {
	run      Run
	library  func(file string) bool // reports the library's files, whose frames a position passes over
	fibres   map[uint32]*Fibre
	chans    map[uint32]*Chan
	running  *Fibre              // the fibre that acted last
	buffered map[uint32][]origin // by buffered channel: where the values it holds came from, oldest first
	sends    map[uint32][]origin // by channel: sends waiting on it without a fibre, oldest first
	events   atomic.Int64        // the events seen, also read by Collected
	maxID    atomic.Uint32       // the largest fibre number in the picture, also read by Collected
	mu       sync.Mutex          // guards collected
	// collected holds, by fibre, the step at which its collection was noticed; it is
	// written by Collected, on the collector's goroutine.
	collected map[uint32]int
}

// origin is where a value in transit came from: a fibre, at a step.
type origin struct {
	fibre uint32
	step  int
}

// NewRecorder makes a recorder of the first max events (DefaultMax when max <= 0) of a run
// of the program named program. library reports the files of the library, which positions
// skip in favour of the program's own frames (nil: none).
func NewRecorder(program string, max int, library func(file string) bool) *Recorder {
	if max <= 0 {
		max = DefaultMax
	}
	if library == nil {
		library = func(string) bool { return false }
	}
	return &Recorder{run: Run{Program: program, Max: max}, library: library, fibres: map[uint32]*Fibre{},
		chans: map[uint32]*Chan{}, buffered: map[uint32][]origin{}, sends: map[uint32][]origin{}, collected: map[uint32]int{}}
}

// Collected notes that the collector reclaimed a fibre, with the step the run had reached.
func (r *Recorder) Collected(id uint32) {
	if id > r.maxID.Load() {
		return // not in the picture
	}
	r.mu.Lock()
	r.collected[id] = int(r.events.Load())
	r.mu.Unlock()
}

// Event records one event, if the picture has room for it.
func (r *Recorder) Event(e vm.Event) {
	k := int(r.events.Add(1)) - 1
	if k >= r.run.Max {
		return
	}
	r.run.Steps = k + 1
	at := r.where(&e)
	if acts(e) {
		r.acting(e.Fibre, k)
	}
	f, o := r.fibre(e.Fibre), r.fibreOrNil(e.Other)
	ch := r.channel(e.Chan)
	switch e.Kind {
	case vm.EvSpawn, vm.EvSchedule, vm.EvRunNested:
		g := r.fibre(e.Other)
		g.Proc, g.ProcAt = e.Proc.Func, position(e.Proc)
		g.By, g.MadeAt, g.Start = f.ID, at, k
		g.How = map[vm.EventKind]string{vm.EvSpawn: "spawned", vm.EvSchedule: "scheduled", vm.EvRunNested: "run on a nested scheduler"}[e.Kind]
		r.mark(f, k, Made, fmt.Sprintf("%s fibre %d (%s)", strings.TrimSuffix(g.How, " on a nested scheduler"), g.ID, g.Proc), at)
		r.run.Arrows = append(r.run.Arrows, Arrow{From: f.ID, To: g.ID, FromStep: k, ToStep: k, Kind: Spawned})
		if e.Kind == vm.EvRunNested {
			r.wait(f, k+1, Waiting, fmt.Sprintf("waits for fibre %d's nested scheduler", g.ID), at)
		}
	case vm.EvYield:
		r.stop(f, k+1)
		r.mark(f, k, Yielded, "yields", at)
	case vm.EvResume:
		r.mark(f, k, Yielded, "resumes: its nested scheduler is done", at)
	case vm.EvEnd:
		r.stop(f, k+1)
		f.Fate = Fate{Kind: HasEnded, Step: k + 1, Label: "ends"}
	case vm.EvMakeChan:
		ch.Cap, ch.By, ch.MadeAt = e.Cap, f.ID, at
		r.mark(f, k, Channel, "makes "+ch.Name(), at)
	case vm.EvWait:
		what := "awaits an ack"
		switch e.Wait {
		case vm.ToRead:
			what = "waits to read " + ch.Name()
		case vm.ToWrite:
			what = "waits to write " + ch.Name()
		case vm.ToClose:
			what = "waits to close " + ch.Name() + " (for its buffer to empty)"
		}
		r.wait(f, k+1, Waiting, what, at)
	case vm.EvStarve:
		r.wait(f, k+1, Starved, "starves: reads "+ch.Name()+", which is closed", at)
	case vm.EvStarveWaiter:
		if e.Arm > 0 {
			r.mark(o, k, Channel, fmt.Sprintf("its select's arm %d can never read: %s closed %s", e.Arm, who(e.Fibre), ch.Name()), at)
			break
		}
		if s := open(o); s != nil {
			s.Kind, s.Label = Starved, "starves: "+who(e.Fibre)+" closed "+ch.Name()
		}
		r.mark(f, k, Channel, fmt.Sprintf("closing %s starves fibre %d", ch.Name(), e.Other), at)
	case vm.EvTake:
		r.mark(f, k, Channel, fmt.Sprintf("reads %s's buffer (%d of %d left)", ch.Name(), e.Len, e.Cap), at)
		if q := r.buffered[e.Chan]; len(q) > 0 {
			r.buffered[e.Chan] = q[1:]
			r.arrow(q[0], f.ID, k, Buffered, e.Chan)
		}
	case vm.EvMakeRoom:
		from := origin{e.Other, k}
		if e.Other == 0 {
			from = r.popSend(e.Chan, false)
		}
		r.buffered[e.Chan] = append(r.buffered[e.Chan], from)
		r.wake(o, k+1)
		r.mark(f, k, Channel, fmt.Sprintf("makes room in %s for %s", ch.Name(), e.Waiter()), at)
	case vm.EvCloseDone:
		r.wake(o, k+1)
		r.mark(f, k, Channel, fmt.Sprintf("empties %s: fibre %d's close completes", ch.Name(), e.Other), at)
	case vm.EvReadFrom:
		from := origin{e.Other, k}
		if e.Other == 0 {
			from = r.popSend(e.Chan, true)
		}
		r.arrow(from, f.ID, k, Rendezvous, e.Chan)
		r.wake(o, k+1)
	case vm.EvWriteTo:
		r.arrow(origin{f.ID, k}, e.Other, k, Rendezvous, e.Chan)
		r.wake(o, k+1)
	case vm.EvPut:
		r.buffered[e.Chan] = append(r.buffered[e.Chan], origin{f.ID, k})
		r.mark(f, k, Channel, fmt.Sprintf("writes to %s's buffer (%d of %d full)", ch.Name(), e.Len, e.Cap), at)
	case vm.EvSendWaits:
		r.sends[e.Chan] = append(r.sends[e.Chan], origin{f.ID, k})
		r.mark(f, k, Channel, "sends on "+ch.Name()+" without waiting", at)
	case vm.EvClose:
		r.mark(f, k, Channel, "closes "+ch.Name(), at)
	case vm.EvRefuse:
		r.popSend(e.Chan, false)
		r.mark(f, k, Channel, "closing "+ch.Name()+" refuses a send waiting on it", at)
	case vm.EvWriteFails:
		r.wake(o, k+1)
		r.mark(o, k, Channel, fmt.Sprintf("its write fails: %s closed %s", who(e.Fibre), ch.Name()), at)
	case vm.EvReadNone:
		r.wake(o, k+1)
		r.mark(o, k, Channel, fmt.Sprintf("its read_opt gives None: %s closed %s", who(e.Fibre), ch.Name()), at)
	case vm.EvSelectElse:
		r.mark(f, k, Channel, "selects else", at)
	case vm.EvSelectWait:
		var on []string
		for _, c := range e.Chans {
			on = append(on, r.channel(c).Name())
		}
		if e.Timer {
			on = append(on, "a timer")
		}
		r.wait(f, k+1, Waiting, "waits in a select on "+joinAnd(on), at)
	case vm.EvSelectArm:
		on := "after"
		if ch != nil {
			on = ch.Name()
		}
		r.mark(f, k, Channel, fmt.Sprintf("selects arm %d (%s)", e.Arm, on), at)
	case vm.EvTimeUp:
		r.wake(f, k+1)
		r.mark(f, k, Yielded, fmt.Sprintf("its select's time is up: arm %d", e.Arm), at)
	case vm.EvPark:
		what := fmt.Sprintf("waits to read descriptor %d", e.FD)
		switch {
		case e.Timer:
			what = "waits for a timer"
		case e.Write:
			what = fmt.Sprintf("waits to write descriptor %d", e.FD)
		}
		r.wait(f, k+1, Waiting, what, at)
	}
}

// who names the fibre that acts in an event; 0 is the outside world (Go code).
func who(id uint32) string {
	if id == 0 {
		return "the outside world"
	}
	return fmt.Sprintf("fibre %d", id)
}

// acts reports whether an event's Fibre is running: not for the scheduler's kinds, nor
// for the outside world (fibre 0), which has no row.
func acts(e vm.Event) bool { return e.Kind != vm.EvTimeUp && e.Fibre != 0 }

// acting notes that f acts at step k: it runs, from k if it was not the fibre running.
func (r *Recorder) acting(id uint32, k int) {
	f := r.fibre(id)
	if r.running != f {
		r.wake(f, k)
		f.Spans = append(f.Spans, Span{From: k, To: k + 1, Kind: Running})
		r.running = f
		return
	}
	if s := &f.Spans[len(f.Spans)-1]; s.Kind == Running {
		s.To = k + 1
		return
	}
	f.Spans = append(f.Spans, Span{From: k, To: k + 1, Kind: Running})
}

// stop notes that f stops running at step k.
func (r *Recorder) stop(f *Fibre, k int) {
	if r.running == f {
		r.running = nil
	}
	if n := len(f.Spans); n > 0 && f.Spans[n-1].Kind == Running {
		f.Spans[n-1].To = k
	}
}

// wait notes that f stops running at step k to wait.
func (r *Recorder) wait(f *Fibre, k int, kind SpanKind, label, at string) {
	r.stop(f, k)
	f.Spans = append(f.Spans, Span{From: k, To: -1, Kind: kind, Label: label, At: at})
}

// open returns f's wait that has not ended, or nil.
func open(f *Fibre) *Span {
	if f == nil || len(f.Spans) == 0 {
		return nil
	}
	if s := &f.Spans[len(f.Spans)-1]; s.To < 0 {
		return s
	}
	return nil
}

// wake ends f's wait at step k, if it waits.
func (r *Recorder) wake(f *Fibre, k int) {
	if s := open(f); s != nil {
		s.To = max(k, s.From)
	}
}

// mark adds a mark to f's row (none for a fibre not in the picture).
func (r *Recorder) mark(f *Fibre, k int, kind MarkKind, label, at string) {
	if f != nil {
		f.Marks = append(f.Marks, Mark{Step: k, Kind: kind, Label: label, At: at})
	}
}

// arrow adds an arrow, when the fibre it comes from is known.
func (r *Recorder) arrow(from origin, to uint32, k int, kind ArrowKind, ch uint32) {
	if from.fibre != 0 && to != 0 {
		r.run.Arrows = append(r.run.Arrows, Arrow{From: from.fibre, To: to, FromStep: from.step, ToStep: k, Kind: kind, Chan: ch})
	}
}

// popSend takes a send waiting without a fibre off ch's queue: the newest (a synchronous
// channel serves its writers last in, first out) or the oldest.
func (r *Recorder) popSend(ch uint32, newest bool) origin {
	q := r.sends[ch]
	if len(q) == 0 {
		return origin{}
	}
	if newest {
		r.sends[ch] = q[:len(q)-1]
		return q[len(q)-1]
	}
	r.sends[ch] = q[1:]
	return q[0]
}

// fibre returns the row of a fibre, making it when it is new.
func (r *Recorder) fibre(id uint32) *Fibre {
	f := r.fibres[id]
	if f == nil {
		f = &Fibre{ID: id, Proc: "mainline", Fate: Fate{Kind: Alive}}
		r.fibres[id] = f
		if id > r.maxID.Load() {
			r.maxID.Store(id)
		}
	}
	return f
}

// fibreOrNil returns the row of a fibre (or none for 0: a send waiting without a fibre).
func (r *Recorder) fibreOrNil(id uint32) *Fibre {
	if id == 0 {
		return nil
	}
	return r.fibre(id)
}

// channel returns a channel by number, or nil for 0.
func (r *Recorder) channel(id uint32) *Chan {
	if id == 0 {
		return nil
	}
	c := r.chans[id]
	if c == nil {
		c = &Chan{ID: id}
		r.chans[id] = c
	}
	return c
}

// where is the position of an event: the innermost frame of the program's own, or of the
// library when the program has none on the stack.
func (r *Recorder) where(e *vm.Event) string {
	frames := e.Where(8)
	for _, fr := range frames {
		if !r.library(fr.File) {
			return position(fr)
		}
	}
	if len(frames) > 0 {
		return position(frames[0])
	}
	return ""
}

// position writes a frame as file:line:col (in func).
func position(fr vm.Frame) string {
	if fr.File == "" {
		return ""
	}
	s := fmt.Sprintf("%s:%d:%d", fr.File, fr.Line, fr.Col)
	if fr.Func != "" && fr.Func != "?" {
		s += " in " + fr.Func
	}
	return s
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// Fail notes that a fibre failed with a runtime error, which ends the run.
func (r *Recorder) Fail(id uint32, msg, at string) {
	f := r.fibres[id]
	if f == nil || r.run.Steps == 0 {
		return
	}
	k := r.run.Steps - 1
	r.stop(f, k+1)
	f.Fate = Fate{Kind: HasFailed, Step: k + 1, Label: "fails: " + msg, At: at}
}

// Uncollected counts the fibres of the picture left waiting that the collector has not yet
// reclaimed: a caller may run the collector until none are left, so that the picture shows
// them collected.
func (r *Recorder) Uncollected() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for id, f := range r.fibres {
		if _, ok := r.collected[id]; !ok && f.Fate.Kind == Alive && open(f) != nil {
			n++
		}
	}
	return n
}

// Run returns the picture of the run, once it is over.
func (r *Recorder) Run() *Run {
	run := r.run
	run.Events = int(r.events.Load())
	end := run.Steps + 1 // the fibres left waiting wait past the last step
	r.mu.Lock()
	collected := make(map[uint32]int, len(r.collected))
	for id, step := range r.collected {
		collected[id] = step
	}
	r.mu.Unlock()
	for id := uint32(1); id <= r.maxID.Load(); id++ {
		f := r.fibres[id]
		if f == nil {
			continue
		}
		run.Fibres = append(run.Fibres, f)
		if f.Fate.Kind != Alive {
			continue
		}
		s := open(f)
		step, wasCollected := collected[id]
		switch {
		case s == nil && run.Cut():
			f.Fate = Fate{Step: end, Label: "still running when the picture was cut"}
		case s == nil:
			f.Fate = Fate{Step: end, Label: "still active when the run ended"}
		case wasCollected && step < run.Events:
			s.To = min(max(step, s.From+1), end)
			f.Fate = Fate{Kind: WasCollected, Step: s.To, Label: fmt.Sprintf("%s; collected by Go's collector (noticed at step %d): nothing could reach it", s.Label, step)}
		case run.Cut():
			s.To = end
			f.Fate = Fate{Step: end, Label: s.Label + " when the picture was cut"}
		case wasCollected:
			s.To = end
			f.Fate = Fate{Kind: WasCollected, Step: end, Label: "left waiting forever (" + s.Label + "); collected by Go's collector after the run"}
		default:
			s.To = end
			f.Fate = Fate{Kind: LeftWaiting, Step: end, Label: "left waiting forever (" + s.Label + ")"}
		}
	}
	for _, c := range r.chans {
		run.Chans = append(run.Chans, c)
	}
	slices.SortFunc(run.Chans, func(a, b *Chan) int { return cmp.Compare(a.ID, b.ID) })
	return &run
}
