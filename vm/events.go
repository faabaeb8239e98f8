package vm

import (
	"fmt"
	"io"

	"github.com/felixlet/felixlet/vm/code"
)

// An Observer watches a machine schedule its fibres: --trace prints what it sees, and the
// pictures of a run (the timeline, the Chrome trace) are drawn from it. A machine without
// one pays nothing but a nil test where an event would be.
type Observer interface {
	// Event is one scheduling event, given on the machine's goroutine as it happens. Its
	// Where may be called during the call only; an observer keeps what it needs, never
	// the Event itself (it refers to a fibre, which must stay free to be collected).
	Event(e Event)
	// Collected says that Go's collector has reclaimed a fibre. It is called on a goroutine
	// of the collector's, at any time, also after Run has returned.
	Collected(fibre uint32)
}

// EventKind says what happened.
type EventKind uint8

// The events. Fibre is the running fibre, which acts, except where a kind says that the
// scheduler acts, or 0 for the outside world (Go code's operation on a channel, see
// Outside); Other is the other fibre concerned (for a waiter, 0 is a send waiting without
// a fibre or, with OutsideRead, a read from outside the machine; Arm is its select arm,
// from 1, when it waits in a select).
const (
	EvSpawn        EventKind = iota // Fibre spawns Other, which runs at once
	EvSchedule                      // Fibre schedules Other, at the back of the active list
	EvRunNested                     // Fibre runs Other on a nested scheduler
	EvYield                         // Fibre yields: it goes to the back
	EvResume                        // the scheduler: a nested scheduler is done, and Fibre, which ran it, resumes
	EvEnd                           // Fibre ends
	EvMakeChan                      // Fibre makes channel Chan, with Cap slots (0: synchronous)
	EvWait                          // Fibre waits on Chan (0 for an ack): Wait says for what
	EvStarve                        // Fibre reads Chan, closed and empty: it starves
	EvStarveWaiter                  // Fibre's close of Chan starves Other, which waits to read it
	EvTake                          // Fibre reads from buffered Chan, which has Len of Cap values left
	EvMakeRoom                      // Fibre's read makes room in Chan for Other, which waited to write
	EvCloseDone                     // Fibre's read empties closed Chan: Other's close completes
	EvReadFrom                      // Fibre reads from Other, which waited to write on Chan: a rendezvous
	EvPut                           // Fibre writes to buffered Chan, which has Len of Cap values then
	EvWriteTo                       // Fibre writes to Other, which waited to read on Chan: a rendezvous
	EvSendWaits                     // Fibre's send waits on Chan without a fibre
	EvClose                         // Fibre closes Chan
	EvRefuse                        // Fibre's close of Chan refuses a send waiting without a fibre
	EvWriteFails                    // Fibre's close of Chan wakes Other, a writer, whose write fails
	EvReadNone                      // Fibre's close of Chan wakes Other, whose read_opt gives None
	EvSelectElse                    // Fibre's select takes its else
	EvSelectWait                    // Fibre waits in a select on Chans, and on a timer if Timer
	EvSelectArm                     // Fibre's select takes arm Arm at once, on Chan (0 for after)
	EvTimeUp                        // the scheduler: the time of Fibre's select is up; its arm Arm wins
	EvPark                          // Fibre waits for a timer (Timer), or for descriptor FD to be readable or writable (Write)
	EvReadNothing                   // Fibre's close of Chan ends a read from outside the machine: it gets nothing
	EvOutsideWaits                  // a write (Wait is ToWrite) or a read (ToRead) from outside the machine waits on Chan
	EvOutsideTakes                  // a read from outside the machine that waited takes a value from Chan
)

// Event is one scheduling event. The fields a kind does not mention are zero.
type Event struct {
	Kind        EventKind
	Fibre       uint32       // the fibre that acts (see the kinds), 0 for the outside world
	Other       uint32       // the other fibre concerned, 0 for none
	Arm         int          // a select's arm, from 1: Other's when it waits in a select, else Fibre's
	OutsideRead bool         // the waiter concerned, with Other 0, is a read from outside the machine
	Chan        uint32       // the channel, numbered from 1 in the order the machine first met them
	Chans       []uint32     // EvSelectWait: the channels the select waits on
	Len, Cap    int          // a buffered channel's values after the event, and its slots
	Wait        WaitKind     // EvWait: what the fibre waits for
	Timer       bool         // EvSelectWait: it waits on a timer too; EvPark: it waits for a timer
	Write       bool         // EvPark: it waits to write FD
	FD          int          // EvPark: the descriptor
	Proc        Frame        // EvSpawn, EvSchedule, EvRunNested: Other's procedure, where it starts
	at          *Fibre       // the fibre whose place Where gives
	pc          int32        // that place, when it is not where the fibre resumes (0)
	funcs       []*code.Func // the machine's functions, for Where
}

// Where returns where the event happened: the backtrace of the fibre that acts (of Fibre
// for the scheduler's kinds), innermost first, at most n frames; none for EvEnd. It may be
// called only during Observer.Event.
func (e *Event) Where(n int) []Frame {
	f := e.at
	if f == nil || f.fn == nil {
		return nil
	}
	pc := f.pc
	if e.pc != 0 {
		pc = e.pc
	}
	return backtrace(e.funcs, f, f.fn, int(pc)-1, int(f.sbase), n)
}

// String is the event as --trace prints it, or "" for the making of a channel, which it
// does not print.
func (e *Event) String() string {
	f, o := fibreName(e.Fibre), e.Waiter()
	switch e.Kind {
	case EvSpawn:
		return f + " spawns " + fibreName(e.Other)
	case EvSchedule:
		return f + " schedules " + fibreName(e.Other)
	case EvRunNested:
		return f + " runs " + fibreName(e.Other) + " on a nested scheduler"
	case EvYield:
		return f + " yields"
	case EvResume:
		return "nested scheduler done; " + f + " resumes"
	case EvEnd:
		return "end " + f
	case EvWait:
		return f + " waits " + e.Wait.String()
	case EvStarve:
		return f + " starves reading a closed channel"
	case EvStarveWaiter:
		return o + " starves reading a closed channel"
	case EvTake:
		return fmt.Sprintf("%s reads from a buffer (%d of %d left)", f, e.Len, e.Cap)
	case EvMakeRoom:
		return f + " makes room for " + o
	case EvCloseDone:
		return f + " empties a closed channel: " + fibreName(e.Other) + "'s close completes"
	case EvReadFrom:
		return f + " reads from " + o
	case EvPut:
		return fmt.Sprintf("%s writes to a buffer (%d of %d full)", f, e.Len, e.Cap)
	case EvWriteTo:
		return f + " writes to " + o
	case EvSendWaits:
		return f + " sends without waiting"
	case EvClose:
		return f + " closes a channel"
	case EvRefuse:
		return f + " refuses a send waiting without a fibre"
	case EvWriteFails:
		return f + " wakes " + o + ": its write fails"
	case EvReadNone:
		return f + " wakes " + o + ": read_opt gives None"
	case EvSelectElse:
		return f + " selects else"
	case EvSelectWait:
		on := fmt.Sprintf("%d channels", len(e.Chans))
		if len(e.Chans) == 1 {
			on = "1 channel"
		}
		if e.Timer {
			on += " and a timer"
		}
		return f + " waits in a select on " + on
	case EvSelectArm:
		return fmt.Sprintf("%s selects arm %d", f, e.Arm)
	case EvTimeUp:
		return fmt.Sprintf("%s selects arm %d: its time is up", f, e.Arm)
	case EvReadNothing:
		return f + " wakes " + o + ": it gets nothing"
	case EvOutsideWaits:
		if e.Wait == ToWrite {
			return "a write from outside the machine waits"
		}
		return "a read from outside the machine waits"
	case EvOutsideTakes:
		return "a read from outside the machine takes a value"
	case EvPark:
		switch {
		case e.Timer:
			return f + " waits for a timer"
		case e.Write:
			return fmt.Sprintf("%s waits to write descriptor %d", f, e.FD)
		}
		return fmt.Sprintf("%s waits to read descriptor %d", f, e.FD)
	}
	return ""
}

// fibreName names a fibre for traces; 0 is the outside world.
func fibreName(id uint32) string {
	if id == 0 {
		return "the outside world"
	}
	return fmt.Sprintf("fibre %d", id)
}

// Waiter names the waiter an event concerns, as traces do: fibre Other, one arm of its
// select, a send waiting without a fibre, or a read from outside the machine.
func (e *Event) Waiter() string {
	switch {
	case e.Other == 0 && e.OutsideRead:
		return "a read from outside the machine"
	case e.Other == 0:
		return "a send waiting without a fibre"
	case e.Arm > 0:
		return fmt.Sprintf("fibre %d (select arm %d)", e.Other, e.Arm)
	}
	return fibreName(e.Other)
}

// idOf is the number of a fibre for events: 0 for none, the outside world.
func idOf(f *Fibre) uint32 {
	if f == nil {
		return 0
	}
	return f.id
}

// textTrace is the observer of Options.Trace: it prints each event on a line.
type textTrace struct{ w io.Writer }

func (t textTrace) Event(e Event) {
	if s := e.String(); s != "" {
		io.WriteString(t.w, s+"\n")
	}
}

func (textTrace) Collected(uint32) {}

// Observers is an observer that shows each event to every one of obs, in order.
type Observers []Observer

func (obs Observers) Event(e Event) {
	for _, o := range obs {
		o.Event(e)
	}
}

func (obs Observers) Collected(fibre uint32) {
	for _, o := range obs {
		o.Collected(fibre)
	}
}

// observerOf is the observer the options ask for, or nil.
func observerOf(opts Options) Observer {
	var obs Observers
	if opts.Trace != nil {
		obs = append(obs, textTrace{opts.Trace})
	}
	if opts.Observer != nil {
		obs = append(obs, opts.Observer)
	}
	if len(obs) == 1 {
		return obs[0]
	}
	if obs == nil {
		return nil
	}
	return obs
}

// emit gives an event to the observer, with the fibre whose place it happened at. The
// callers test m.obs first, so that a machine without an observer builds no event.
func (m *Machine) emit(at *Fibre, e Event) {
	e.at, e.funcs = at, m.funcs
	m.obs.Event(e)
}

// chanID numbers a channel for events: the number it got when the machine first met it,
// which the channel keeps (Chan.Number), so that no table holds channels or grows with them.
func (m *Machine) chanID(ch *Chan) uint32 {
	if ch == nil {
		return 0
	}
	if ch.Number == 0 {
		m.lastChan++
		ch.Number = m.lastChan
	}
	return ch.Number
}

// chanIDs numbers the channels a select waits on, for its event.
func (m *Machine) chanIDs(arms []armWait) []uint32 {
	var ids []uint32
	for i := range arms {
		if arms[i].ch != nil {
			ids = append(ids, m.chanID(arms[i].ch))
		}
	}
	return ids
}

// procFrame is where a closure's function starts, for the event that makes a fibre of it.
func procFrame(c *Closure) Frame {
	line, col := c.Fn.Pos(0)
	return Frame{Func: displayName(c.Fn), File: c.Fn.File, Line: line, Col: col}
}
