package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/felixlet/felixlet/internal/timeline"
	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// What the outside world (Go code, through an Outside) does on a channel shows in the
// trace as its own events, in the order they happen: its write that waits and the fibre
// that reads it, its reads that meet a writer or wait for one, and the close that leaves
// a read with nothing. The pictures of such a run have a row for each fibre and none for
// the outside world, and draw no arrow from or to it.
func TestTheOutsideWorldsOperationsShowInTheTraceAndThePictures(t *testing.T) {
	p, builtins := compileWithBuiltins(t, `
fun host_chan : 1 -> schannel[int] = "test_host_chan";
var c = host_chan ();
println$ read c;
write (c, 8);
write (c, 9);
sleep 0.001;
close c;
`, hostChan(func(m *vm.Machine, end *vm.Outside) {
		var got func(s uint64, r vm.Value, ok bool)
		got = func(s uint64, r vm.Value, ok bool) {
			if !ok {
				m.Release()
				return
			}
			end.Read(got)
		}
		// The first read is handed over, to start at the scheduler's next turn: by then
		// fibre 1 waits to write 8, and the read meets it. Each read after it starts at
		// once, from the one before, and waits for the fibre's next write.
		end.Write(7, nil, func(bool) { m.Do(func() { end.Read(got) }) })
	}))
	out, trace, run := runTracedAndRecorded(t, p, builtins)
	if out != "7\n" {
		t.Errorf("printed %q, want 7", out)
	}
	want := `a write from outside the machine waits
fibre 1 reads from a send waiting without a fibre
fibre 1 waits to write
the outside world reads from fibre 1
a read from outside the machine waits
fibre 1 writes to a read from outside the machine
a read from outside the machine takes a value
a read from outside the machine waits
fibre 1 waits for a timer
fibre 1 closes a channel
fibre 1 wakes a read from outside the machine: it gets nothing
end fibre 1
`
	if trace != want {
		t.Errorf("the trace:\n%s\nwant:\n%s", trace, want)
	}
	if len(run.Fibres) != 1 || run.Fibres[0].ID != 1 {
		t.Errorf("rows %v, want fibre 1's alone", run.Fibres)
	}
	if len(run.Arrows) != 0 {
		t.Errorf("arrows %v, want none: the outside world has no row", run.Arrows)
	}
	var html, chrome bytes.Buffer
	if err := timeline.WriteHTML(&html, run); err != nil {
		t.Error(err)
	}
	if err := timeline.WriteChrome(&chrome, run); err != nil {
		t.Error(err)
	}
	checkTraceEvents(t, chrome.Bytes())
}

// A close from outside the machine is the outside world's in the trace, and in the
// picture the reader it starves says who closed its channel.
func TestACloseFromOutsideStarvesAReaderInThePicture(t *testing.T) {
	p, builtins := compileWithBuiltins(t, `
fun host_chan : 1 -> schannel[int] = "test_host_chan";
var c = host_chan ();
spawn_fthread { println$ read c; };
`, hostChan(func(m *vm.Machine, end *vm.Outside) {
		m.Do(func() { end.Close(); m.Release() }) // once the fibres have nothing to do
	}))
	_, trace, run := runTracedAndRecorded(t, p, builtins)
	if want := "the outside world closes a channel\nfibre 2 starves reading a closed channel\n"; !strings.Contains(trace, want) {
		t.Errorf("the trace:\n%s\nwant in it:\n%s", trace, want)
	}
	if len(run.Fibres) != 2 {
		t.Fatalf("%d rows, want the mainline's and the reader's", len(run.Fibres))
	}
	spans := run.Fibres[1].Spans
	if s := spans[len(spans)-1]; s.Kind != timeline.Starved || s.Label != "starves: the outside world closed ch 1" {
		t.Errorf("the reader's last span is %+v, want it starved by the outside world", s)
	}
}

// runTracedAndRecorded runs a program with builtins, with its scheduling events traced and
// recorded for a picture, and returns what it printed, its trace and its picture.
func runTracedAndRecorded(t *testing.T, p *code.Program, builtins map[string]vm.Builtin) (out, trace string, run *timeline.Run) {
	t.Helper()
	var stdout, stderr, tr bytes.Buffer
	rec := timeline.NewRecorder("test.flx", 0, nil)
	m, err := vm.New(p, vm.Options{Stdout: &stdout, Stderr: &stderr, Trace: &tr, Observer: rec, Args: []string{"test.flx"}, Builtins: builtins})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	return stdout.String(), tr.String(), rec.Run()
}

// hostChan is the builtin test_host_chan: it makes a synchronous channel for the program,
// holds the program for the outside world, and hands the outside world's end of the
// channel to use, which must release the program when it is done.
func hostChan(use func(m *vm.Machine, end *vm.Outside)) map[string]vm.Builtin {
	return map[string]vm.Builtin{"test_host_chan": func(m *vm.Machine, s []uint64, r []vm.Value) error {
		ch := vm.NewChan(0)
		r[0] = ch
		if err := m.Hold(); err != nil {
			return err
		}
		use(m, m.Outside(ch))
		return nil
	}}
}
