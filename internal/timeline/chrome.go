package timeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// chromeEvent is one event of Chrome's trace-event format: the fields Perfetto and
// chrome://tracing read.
type chromeEvent struct {
	Name  string         `json:"name"`
	Cat   string         `json:"cat,omitempty"`
	Ph    string         `json:"ph"`              // X a span, i an instant, s and f the ends of a flow, M metadata
	TS    *int           `json:"ts,omitempty"`    // in microseconds: here one per step
	Dur   *int           `json:"dur,omitempty"`   // of an X
	PID   int            `json:"pid"`             // always 1: the run
	TID   uint32         `json:"tid"`             // the fibre
	ID    int            `json:"id,omitempty"`    // of a flow
	Scope string         `json:"s,omitempty"`     // of an instant: t, the thread
	BP    string         `json:"bp,omitempty"`    // of a flow's end: e, bound to the span around it
	Args  map[string]any `json:"args,omitempty"`  // shown beside the event
	Color string         `json:"cname,omitempty"` // chrome://tracing's colour name
}

// WriteChrome writes the run in Chrome's trace-event format: one thread per fibre (named
// after it), a span ("X") for each stretch it ran or waited, an instant event for the
// other things that happened to it, a flow ("s" to "f") from writer to reader for each
// value passed, and for each spawn. Time is in steps, written as microseconds; nothing in
// it depends on the clock.
func WriteChrome(w io.Writer, run *Run) error {
	bw := bufio.NewWriter(w)
	var evs []chromeEvent
	add := func(e chromeEvent) { e.PID = 1; evs = append(evs, e) }
	step := func(k int) *int { return &k }
	add(chromeEvent{Name: "process_name", Ph: "M", TS: step(0), Args: map[string]any{"name": "felixlet " + run.Program}})
	for _, f := range run.Fibres {
		add(chromeEvent{Name: "thread_name", Ph: "M", TS: step(0), TID: f.ID, Args: map[string]any{"name": f.Name()}})
		add(chromeEvent{Name: "thread_sort_index", Ph: "M", TS: step(0), TID: f.ID, Args: map[string]any{"sort_index": f.ID}})
	}
	for _, f := range run.Fibres {
		for _, s := range f.Spans {
			if s.To <= s.From {
				continue // a wait that ended where it began
			}
			e := chromeEvent{Ph: "X", TID: f.ID, TS: step(s.From), Dur: step(s.To - s.From), Args: map[string]any{}}
			switch s.Kind {
			case Running:
				e.Name, e.Cat, e.Color = "runs "+f.Proc, "run", "thread_state_running"
			case Waiting:
				e.Name, e.Cat, e.Color = s.Label, "wait", "thread_state_sleeping"
			case Starved:
				e.Name, e.Cat, e.Color = s.Label, "starved", "terrible"
			}
			if s.At != "" {
				e.Args["at"] = s.At
			}
			add(e)
		}
		for _, m := range f.Marks {
			e := chromeEvent{Name: m.Label, Cat: "mark", Ph: "i", Scope: "t", TID: f.ID, TS: step(m.Step)}
			if m.At != "" {
				e.Args = map[string]any{"at": m.At}
			}
			add(e)
		}
		if f.Fate.Kind != Alive {
			e := chromeEvent{Name: f.Fate.Label, Cat: fateNames[f.Fate.Kind], Ph: "i", Scope: "t", TID: f.ID, TS: step(max(f.Fate.Step-1, 0))}
			if f.Fate.At != "" {
				e.Args = map[string]any{"at": f.Fate.At}
			}
			add(e)
		}
	}
	starts := map[uint32]int{} // where each fibre first ran or waited, for the end of a spawn's flow
	for _, f := range run.Fibres {
		if len(f.Spans) > 0 {
			starts[f.ID] = f.Spans[0].From
		}
	}
	for i, a := range run.Arrows {
		name, to := "spawn", a.ToStep
		if a.Kind == Spawned {
			k, ok := starts[a.To]
			if !ok {
				continue // it never ran in the picture
			}
			to = k
		} else {
			name = fmt.Sprintf("value over ch %d", a.Chan)
		}
		cat := arrowNames[a.Kind]
		add(chromeEvent{Name: name, Cat: cat, Ph: "s", ID: i + 1, TID: a.From, TS: step(a.FromStep)})
		add(chromeEvent{Name: name, Cat: cat, Ph: "f", BP: "e", ID: i + 1, TID: a.To, TS: step(to)})
	}
	other := map[string]any{"program": run.Program, "events": run.Events, "steps drawn": run.Steps,
		"time": "one microsecond here is one scheduler step (one scheduling event)"}
	if run.Cut() {
		other["cut"] = cutNote(run)
	}
	fmt.Fprint(bw, "{\"otherData\": ")
	if err := writeJSON(bw, other); err != nil {
		return err
	}
	fmt.Fprint(bw, ",\n\"traceEvents\": [\n")
	for i, e := range evs {
		if i > 0 {
			fmt.Fprint(bw, ",\n")
		}
		if err := writeJSON(bw, e); err != nil {
			return err
		}
	}
	fmt.Fprint(bw, "\n]}\n")
	return bw.Flush()
}

// writeJSON writes v as one line of JSON (with <, > and & as they are, for reading).
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return err
}

// fateNames and arrowNames are the categories of fates and arrows, in both pictures.
var (
	fateNames  = map[FateKind]string{Alive: "alive", HasEnded: "ended", LeftWaiting: "left-waiting", WasCollected: "collected", HasFailed: "failed"}
	arrowNames = map[ArrowKind]string{Rendezvous: "rendezvous", Buffered: "buffered", Spawned: "spawn"}
)

// cutNote says that a picture was cut, and how to draw more of it.
func cutNote(run *Run) string {
	return fmt.Sprintf("This picture shows only the first %d of %d scheduling events. To draw more, run the program with --timeline-events N.", run.Steps, run.Events)
}
