package cli

import (
	"bytes"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/felixlet/felixlet/vm"
)

// Level 4 adds ways to wait: on a closed channel, in a select on several channels, on an
// ack. Each must leave a waiting fibre (or a pending ack) referenced only by what it
// waits on, so that the collector takes it once that is unreachable, while the program
// runs. The heap bounds below are far under what the fibres would take if kept.

// runBounded runs src counting collected fibres, checks that it prints want and that the
// heap never passed bound, and returns the machine.
func runBounded(t *testing.T, src, want string, bound uint64) *vm.Machine {
	t.Helper()
	p := compileForTest(t, src)
	runtime.GC()
	h := sampleHeap()
	m, out := runCounting(t, p)
	peak := h.Stop()
	if out != want {
		t.Fatalf("printed %q, want %q", out, want)
	}
	t.Logf("peak heap %.1f MiB", float64(peak)/(1<<20))
	if peak > bound {
		t.Errorf("peak heap %d MiB, want under %d MiB", peak>>20, bound>>20)
	}
	return m
}

// A plain read of a closed channel waits for ever: the channel drops its readers when it
// closes, and never queues a reader that comes later, so they are garbage even though the
// program keeps every channel reachable.
func TestReadersStarvedByACloseAreCollectedWhileTheirChannelsLive(t *testing.T) {
	m := runBounded(t, `
proc starve (c: %<int) () { var x = read c; println "never"; }
var keep = Empty[schannel[int]];
for k in 1..1000 do
  var ch = mk_schannel[int]();
  for j in 1..500 perform spawn_fthread (starve ch);  // waiting when the channel closes
  close ch;
  for i in 1..500 perform spawn_fthread (starve ch);  // reading it once closed
  keep = Cons (ch, keep);
done
println$ len keep;
`, "1000\n", 64<<20)
	st := m.Stats()
	if st.Waiting[vm.ToRead] != 1000000 {
		t.Errorf("%d fibres counted waiting to read, want 1000000", st.Waiting[vm.ToRead])
	}
	if got := waitCollected(m, 1000000); got < 1000000 {
		t.Errorf("collected %d of the 1000000 starved readers", got)
	}
}

// A fibre waiting in a select on channels that nobody else can reach is garbage with
// them, although it waits on several at once (and on both sides of one).
func TestAFibreWaitingInASelectIsCollectedWithItsChannels(t *testing.T) {
	m := runBounded(t, `
proc choose (a: %<int, b: schannel[string], c: %>int) () {
  select
  | x = read a => println "never";
  | s = read b => println "never";
  | write (b, "x") => println "never";
  | write (c, 1) => println "never";
  endselect;
}
for k in 1..300000 do
  spawn_fthread (choose (mk_schannel[int] (), mk_schannel[string] (), mk_schannel[int] ()));
done
println "done";
`, "done\n", 64<<20)
	if st := m.Stats(); st.Waiting[vm.InSelect] != 300000 {
		t.Errorf("%d fibres counted waiting in a select, want 300000", st.Waiting[vm.InSelect])
	}
	if got := waitCollected(m, 300000); got < 300000 {
		t.Errorf("collected %d of the 300000 fibres left in a select", got)
	}
}

// A select that wins on one channel withdraws its waits from the others at once: a
// channel that lives on keeps neither the fibre nor a stale wait. Here every select loses
// on the long-lived channel b, which would otherwise gather 300000 waits (and fibres).
func TestASelectThatWonLeavesNothingOnTheChannelsItWithdrewFrom(t *testing.T) {
	m := runBounded(t, `
var b = mk_schannel[int]();
var total = 0;
proc choose (a: %<int) () {
  select
  | x = read a => total += x;
  | x = read b => println "never";
  | after 3600.0 => println "never";
  endselect;
}
for k in 1..300000 do
  var a, o = mk_ioschannel_pair[int]();
  spawn_fthread (choose a);
  write (o, 1);
done
println$ total, ready_to_write b;
`, "(300000, false)\n", 64<<20)
	st := m.Stats()
	if st.Waiting[vm.InSelect] != 0 || st.Ended != 300001 {
		t.Errorf("%d fibres left in a select, %d ended; want none and 300001", st.Waiting[vm.InSelect], st.Ended)
	}
	if got := waitCollected(m, 300001); got < 300001 {
		t.Errorf("collected %d of the 300001 fibres that ended", got)
	}
}

// A pending send is held by its channel alone: when the channel becomes unreachable, the
// ack is garbage, and so is a fibre awaiting it. A builtin registers a cleanup on each
// ack to count them.
func TestPendingAcksAreGarbageWithTheirChannels(t *testing.T) {
	var collected atomic.Int64
	extra := map[string]vm.Builtin{"test_watch_ack": func(m *vm.Machine, s []uint64, r []vm.Value) error {
		runtime.AddCleanup(r[0].(*vm.Ack), func(c *atomic.Int64) { c.Add(1) }, &collected)
		return nil
	}}
	src := `
proc watch : ack = "test_watch_ack";
proc awaiter (c: %>int) () { var a = send (c, 1); watch a; var ok = await a; println "never"; }
for k in 1..100000 do
  var ch = mk_schannel[int]();
  watch (send (ch, k));                        // pending, its channel dropped
  spawn_fthread (awaiter (mk_buffered_channel[int] 1)); // queued in the buffer, awaited
  spawn_fthread (awaiter (mk_schannel[int] ()));        // pending, awaited
done
println "done";
`
	p, builtins := compileWithBuiltins(t, src, extra)
	var out, stderr bytes.Buffer
	m, err := vm.New(p, vm.Options{Stdout: &out, Stderr: &stderr, Args: []string{"test.flx"}, Builtins: builtins, CountCollected: true})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	h := sampleHeap()
	if err := m.Run(); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	peak := h.Stop()
	if out.String() != "done\n" {
		t.Fatalf("printed %q", out.String())
	}
	t.Logf("peak heap %.1f MiB", float64(peak)/(1<<20))
	if peak > 64<<20 {
		t.Errorf("peak heap %d MiB, want under 64 MiB", peak>>20)
	}
	if st := m.Stats(); st.Waiting[vm.OnAck] != 200000 {
		t.Errorf("%d fibres counted awaiting an ack, want 200000", st.Waiting[vm.OnAck])
	}
	if got := waitCollected(m, 200000); got < 200000 {
		t.Errorf("collected %d of the 200000 fibres awaiting acks", got)
	}
	for deadline := time.Now().Add(10 * time.Second); collected.Load() < 300000 && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := collected.Load(); n < 300000 {
		t.Errorf("collected %d of the 300000 pending acks", n)
	}
}
