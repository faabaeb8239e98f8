package timeline

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/felixlet/felixlet/vm"
)

// record feeds events to a recorder of at most max events and returns the picture.
func record(max int, events ...vm.Event) *Run {
	r := NewRecorder("t.flx", max, nil)
	for _, e := range events {
		r.Event(e)
	}
	return r.Run()
}

// recordWith is record for a test that also calls the recorder between events: at runs
// before the event of its index.
func recordWith(at map[int]func(*Recorder), events ...vm.Event) *Run {
	r := NewRecorder("t.flx", 0, nil)
	for i, e := range events {
		if f := at[i]; f != nil {
			f(r)
		}
		r.Event(e)
	}
	return r.Run()
}

// The events of a fibre that waits to read and is written to.
var rendezvous = []vm.Event{
	{Kind: vm.EvSpawn, Fibre: 1, Other: 2, Proc: vm.Frame{Func: "reader", File: "t.flx", Line: 2, Col: 1}},
	{Kind: vm.EvWait, Fibre: 2, Wait: vm.ToRead, Chan: 1},
	{Kind: vm.EvWriteTo, Fibre: 1, Other: 2, Chan: 1},
	{Kind: vm.EvEnd, Fibre: 2},
	{Kind: vm.EvEnd, Fibre: 1},
}

func TestARendezvousIsAnArrowFromTheWriterToTheReader(t *testing.T) {
	run := record(0, rendezvous...)
	// (The events carry no place in the program: they come from no machine.)
	if len(run.Fibres) != 2 || run.Fibres[1].Name() != "fibre 2 · reader" || run.Fibres[1].Origin() != "spawned by fibre 1" {
		t.Fatalf("fibres %+v", run.Fibres)
	}
	want := Arrow{From: 1, To: 2, FromStep: 2, ToStep: 2, Kind: Rendezvous, Chan: 1}
	var got []Arrow
	for _, a := range run.Arrows {
		if a.Kind == Rendezvous {
			got = append(got, a)
		}
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("rendezvous arrows %+v, want %+v", got, want)
	}
	spans := run.Fibres[1].Spans
	wantSpans := []Span{{From: 1, To: 2, Kind: Running}, {From: 2, To: 3, Kind: Waiting, Label: "waits to read ch 1"}, {From: 3, To: 4, Kind: Running}}
	if len(spans) != len(wantSpans) {
		t.Fatalf("spans %+v, want %+v", spans, wantSpans)
	}
	for i := range spans {
		if spans[i] != wantSpans[i] {
			t.Errorf("span %d is %+v, want %+v", i, spans[i], wantSpans[i])
		}
	}
	for _, f := range run.Fibres {
		if f.Fate.Kind != HasEnded {
			t.Errorf("fibre %d's fate is %+v, want ended", f.ID, f.Fate)
		}
	}
}

func TestAFibreStillWaitingAtTheEndIsLeftWaitingForever(t *testing.T) {
	run := record(0, rendezvous[0], rendezvous[1], rendezvous[4])
	f := run.Fibres[1]
	if f.Fate.Kind != LeftWaiting || f.Fate.Step != run.Steps+1 || f.Fate.Label != "left waiting forever (waits to read ch 1)" {
		t.Errorf("fate %+v, want left waiting at step %d", f.Fate, run.Steps+1)
	}
	if s := f.Spans[len(f.Spans)-1]; s.To != run.Steps+1 {
		t.Errorf("its wait ends at %d, want past the last step (%d)", s.To, run.Steps+1)
	}
}

func TestAFibreCollectedWhileTheRunGoesOnEndsWhereItWasNoticed(t *testing.T) {
	more := vm.Event{Kind: vm.EvYield, Fibre: 1}
	run := recordWith(map[int]func(*Recorder){3: func(r *Recorder) { r.Collected(2) }},
		rendezvous[0], rendezvous[1], more, more, more, rendezvous[4])
	f := run.Fibres[1]
	if f.Fate.Kind != WasCollected || f.Fate.Step != 3 {
		t.Errorf("fate %+v, want collected at step 3", f.Fate)
	}
	if !strings.Contains(f.Fate.Label, "collected by Go's collector (noticed at step 3)") {
		t.Errorf("fate label %q", f.Fate.Label)
	}
}

func TestAPictureOfALongRunIsCut(t *testing.T) {
	var events []vm.Event
	events = append(events, rendezvous[0], rendezvous[1])
	for range 10 {
		events = append(events, vm.Event{Kind: vm.EvYield, Fibre: 1})
	}
	run := record(5, events...)
	if !run.Cut() || run.Steps != 5 || run.Events != 12 {
		t.Errorf("steps %d of %d events, cut %v; want 5 of 12, cut", run.Steps, run.Events, run.Cut())
	}
	if f := run.Fibres[1]; f.Fate.Kind != Alive || !strings.HasSuffix(f.Fate.Label, "when the picture was cut") {
		t.Errorf("the waiting fibre's fate is %+v, want still waiting when cut", f.Fate)
	}
}

func TestABufferedValueFlowsFromItsWriteToItsRead(t *testing.T) {
	run := record(0,
		vm.Event{Kind: vm.EvMakeChan, Fibre: 1, Chan: 1, Cap: 2},
		vm.Event{Kind: vm.EvPut, Fibre: 1, Chan: 1, Len: 1, Cap: 2},
		vm.Event{Kind: vm.EvPut, Fibre: 1, Chan: 1, Len: 2, Cap: 2},
		vm.Event{Kind: vm.EvSpawn, Fibre: 1, Other: 2},
		vm.Event{Kind: vm.EvTake, Fibre: 2, Chan: 1, Len: 1, Cap: 2},
		vm.Event{Kind: vm.EvTake, Fibre: 2, Chan: 1, Len: 0, Cap: 2},
	)
	var got []Arrow
	for _, a := range run.Arrows {
		if a.Kind == Buffered {
			got = append(got, a)
		}
	}
	want := []Arrow{{From: 1, To: 2, FromStep: 1, ToStep: 4, Kind: Buffered, Chan: 1}, {From: 1, To: 2, FromStep: 2, ToStep: 5, Kind: Buffered, Chan: 1}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("buffered arrows %+v, want %+v", got, want)
	}
	if c := run.Chans[0]; c.Cap != 2 || c.By != 1 {
		t.Errorf("channel %+v, want 2 slots made by fibre 1", c)
	}
}

// A value sent without waiting comes from the fibre that sent it, even when a reader
// takes it later.
func TestASendWithoutAFibreFlowsFromItsSender(t *testing.T) {
	run := record(0,
		vm.Event{Kind: vm.EvSendWaits, Fibre: 1, Chan: 1},
		vm.Event{Kind: vm.EvSpawn, Fibre: 1, Other: 2},
		vm.Event{Kind: vm.EvReadFrom, Fibre: 2, Chan: 1},
	)
	last := run.Arrows[len(run.Arrows)-1]
	if want := (Arrow{From: 1, To: 2, FromStep: 0, ToStep: 2, Kind: Rendezvous, Chan: 1}); last != want {
		t.Errorf("arrow %+v, want %+v", last, want)
	}
}

// A close that starves a waiting reader turns its wait into a starvation.
func TestACloseStarvesAWaitingReader(t *testing.T) {
	run := record(0, rendezvous[0], rendezvous[1],
		vm.Event{Kind: vm.EvClose, Fibre: 1, Chan: 1},
		vm.Event{Kind: vm.EvStarveWaiter, Fibre: 1, Other: 2, Chan: 1},
		rendezvous[4])
	s := run.Fibres[1].Spans[len(run.Fibres[1].Spans)-1]
	if s.Kind != Starved || s.Label != "starves: fibre 1 closed ch 1" {
		t.Errorf("the reader's last span is %+v, want starved", s)
	}
}

// The SVG of the page is well-formed XML, and its text is escaped.
func TestTheTimelineSVGIsWellFormed(t *testing.T) {
	events := append([]vm.Event{{Kind: vm.EvMakeChan, Fibre: 1, Chan: 1}}, rendezvous...)
	events[1].Proc.Func = "<lambda 3:1> & co"
	run := record(0, events...)
	var b bytes.Buffer
	if err := WriteHTML(&b, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	start, end := strings.Index(page, "<svg id=\"timeline\""), strings.Index(page, "</svg></div>")
	if start < 0 || end < 0 {
		t.Fatalf("no timeline SVG in the page:\n%s", page)
	}
	d := xml.NewDecoder(strings.NewReader(page[start : end+len("</svg>")]))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed: %v", err)
		}
	}
	if !strings.Contains(page, "&lt;lambda 3:1&gt; &amp; co") {
		t.Errorf("the procedure's name is not escaped")
	}
}
