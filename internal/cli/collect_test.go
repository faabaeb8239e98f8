package cli

import (
	"bytes"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/felixlet/felixlet/internal/timeline"
	"github.com/felixlet/felixlet/stdlib"
	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// compileForTest builds a program from source or fails the test.
func compileForTest(t *testing.T, src string) *code.Program {
	t.Helper()
	var errs bytes.Buffer
	p, ok := build(programSource{Name: "test.flx", Src: []byte(src)}, &errs)
	if !ok {
		t.Fatalf("compile: %s", errs.String())
	}
	return p.Code()
}

// runCounting runs a program with collected fibres counted, returning the machine and
// what it printed.
func runCounting(t *testing.T, p *code.Program) (*vm.Machine, string) {
	t.Helper()
	return runObserved(t, p, nil)
}

// runObserved is runCounting with an observer of the run, if obs is not nil.
func runObserved(t *testing.T, p *code.Program, obs vm.Observer) (*vm.Machine, string) {
	t.Helper()
	var out, errs bytes.Buffer
	m, err := vm.New(p, vm.Options{Stdout: &out, Stderr: &errs, Args: []string{"test.flx"},
		Builtins: stdlib.Builtins, CountCollected: true, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	return m, out.String()
}

// waitCollected runs the collector until at least want fibres have been reclaimed, or
// gives up after a while, and returns the count.
func waitCollected(m *vm.Machine, want uint64) uint64 {
	deadline := time.Now().Add(patience)
	for m.Stats().Collected < want && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	return m.Stats().Collected
}

// heapSampler records the peak of the heap's object bytes while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(h.done)
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	return h
}

func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	<-h.done
	return h.peak.Load()
}

// A program that starves a fibre on a fresh channel a million times runs in bounded
// memory: each starved fibre, its closure and its channel become garbage as soon as the
// mainline drops the channel, and the collector reclaims them while the program runs.
// Kept alive, a million parked fibres would take about 300 MB.
func TestStarvedFibresAreCollectedWhileTheProgramRuns(t *testing.T) {
	starveAMillion(t, nil)
}

// Drawing the schedule holds no fibre: the same program, recorded for a timeline, still
// runs in bounded memory, and the picture shows fibres of its first steps collected while
// the program ran.
func TestStarvedFibresAreCollectedWhileATimelineIsRecorded(t *testing.T) {
	rec := timeline.NewRecorder("test.flx", 300, nil)
	starveAMillion(t, rec)
	run := rec.Run()
	during := 0
	for _, f := range run.Fibres {
		if f.Fate.Kind == timeline.WasCollected && strings.Contains(f.Fate.Label, "(noticed at step ") {
			during++
		}
	}
	if during == 0 {
		t.Errorf("no fibre of the picture's %d was seen collected while the program ran", len(run.Fibres))
	}
}

// starveAMillion runs the program that starves a million fibres, watched by obs if it is
// not nil, and checks that its heap stays small and that every fibre is collected.
func starveAMillion(t *testing.T, obs vm.Observer) {
	t.Helper()
	p := compileForTest(t, `
proc wait (inp: %<int) () { var x = read inp; println x; }
var n = 0;
for k in 1..1000000 do
  var i, o = mk_ioschannel_pair[int]();
  spawn_fthread (wait i);
  ++n;
done
println n;
`)
	runtime.GC()
	h := sampleHeap()
	m, out := runObserved(t, p, obs)
	peak := h.Stop()
	if out != "1000000\n" {
		t.Fatalf("printed %q", out)
	}
	st := m.Stats()
	if st.Spawned != 1000001 || st.Ended != 1 {
		t.Fatalf("spawned %d, ended %d; want 1000001 and 1", st.Spawned, st.Ended)
	}
	const bound = 64 << 20
	t.Logf("peak heap %.1f MiB for 1e6 starved fibres", float64(peak)/(1<<20))
	if peak > bound {
		t.Errorf("peak heap %d MiB, want under %d MiB", peak>>20, bound>>20)
	}
	if got := waitCollected(m, 1000000); got < 1000000 {
		t.Errorf("collected %d of the 1000000 starved fibres", got)
	}
}

// Fibres left waiting when a program ends (starved readers, blocked writers, fibres
// abandoned by a nested scheduler, and the mainline itself waiting) are garbage once the
// run is over: nothing but their channels refers to them.
func TestFibresLeftWaitingAtTheEndAreCollected(t *testing.T) {
	p := compileForTest(t, `
var ri, ro = mk_ioschannel_pair[int]();
var wi, wo = mk_ioschannel_pair[string]();
for k in 1..300 do
  spawn_fthread { var x = read ri; println x; };
  spawn_fthread { write (wo, "never read"); };
done
proc nested () {
  var i, o = mk_ioschannel_pair[int]();
  for k in 1..300 do spawn_fthread { var x = read i; println x; }; done
}
run nested;
println "main waits";
var never = read ri;
`)
	m, out := runCounting(t, p)
	if out != "main waits\n" {
		t.Fatalf("printed %q", out)
	}
	st := m.Stats()
	waiting := st.Spawned - st.Ended
	if waiting != 901 {
		t.Fatalf("%d fibres left waiting, want 901 (900 and the mainline)", waiting)
	}
	// Every fibre is reclaimed: the ones left waiting and the one that ended.
	if got := waitCollected(m, st.Spawned); got != st.Spawned {
		t.Errorf("collected %d of the %d fibres (%d left waiting)", got, st.Spawned, waiting)
	}
	runtime.KeepAlive(m)
}

// Sleeping fibres are held by the timer heap: nothing else refers to them, yet the
// collector, run again and again while they sleep, takes none, and every one wakes.
func TestSleepingFibresAreNotCollected(t *testing.T) {
	p := compileForTest(t, `
var woke = 0;
for k in 1..20000 do spawn_fthread { sleep 0.2; ++woke; }; done
println "asleep";
sleep 0.4;
println woke;
`)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	_, out := runCounting(t, p)
	close(stop)
	if out != "asleep\n20000\n" {
		t.Fatalf("printed %q, want every sleeper to wake", out)
	}
}
