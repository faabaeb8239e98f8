package felixlet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/felixlet/felixlet"
	"github.com/felixlet/felixlet/vm"
)

// patience is how long a test waits for what takes moments: only a hang runs out of it,
// not a slow or loaded machine (or -race).
const patience = 5 * time.Minute

// compile compiles a program or fails the test, showing the diagnostics.
func compile(t testing.TB, name, src string, lib *felixlet.Library) *felixlet.Program {
	t.Helper()
	p, err := felixlet.Compile(name, []byte(src), lib)
	if err != nil {
		var cerr *felixlet.CompileError
		if errors.As(err, &cerr) {
			var b strings.Builder
			cerr.Diagnostics.Print(&b)
			t.Fatalf("%s does not compile:\n%s", name, b.String())
		}
		t.Fatal(err)
	}
	return p
}

// start runs m on a goroutine of its own; the function it returns waits for Run's
// result, failing the test if that takes more than patience.
func start(t testing.TB, m *felixlet.Machine, ctx context.Context) func() error {
	t.Helper()
	ran := make(chan error, 1)
	go func() { ran <- m.Run(ctx) }()
	return func() error {
		t.Helper()
		select {
		case err := <-ran:
			return err
		case <-time.After(patience):
			t.Fatalf("the program still runs after %v", patience)
			return nil
		}
	}
}

func newMachine(t testing.TB, p *felixlet.Program, cfg felixlet.Config) *felixlet.Machine {
	t.Helper()
	m, err := p.NewMachine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Cancelling the context stops a program that computes for ever, between two of its
// instructions; what it printed before is written out.
func TestCancellingTheContextStopsAComputingProgram(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lib felixlet.Library
	if err := lib.Func("started", func() { cancel() }); err != nil {
		t.Fatal(err)
	}
	p := compile(t, "endless.flx", `
println "before the loop";
started ();
var n = 0;
while true do ++n; done
`, &lib)
	var out bytes.Buffer
	m := newMachine(t, p, felixlet.Config{Stdout: &out})
	if err := start(t, m, ctx)(); !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	if out.String() != "before the loop\n" {
		t.Errorf("printed %q", out.String())
	}
}

// Cancelling the context stops a program whose fibres all wait for Go, sleeping in the
// poller; its channels' Go ends then say the program has ended.
func TestCancellingTheContextStopsAProgramWaitingForGo(t *testing.T) {
	var lib felixlet.Library
	in, err := felixlet.NewInput[int](&lib, "numbers")
	if err != nil {
		t.Fatal(err)
	}
	out, err := felixlet.NewOutput[string](&lib, "said")
	if err != nil {
		t.Fatal(err)
	}
	p := compile(t, "waits.flx", `
write (said, "waiting");
println$ read numbers;
`, &lib)
	m := newMachine(t, p, felixlet.Config{})
	send, recv := in.On(m), out.On(m)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait := start(t, m, ctx)
	if v, ok, err := recv.Recv(context.Background()); v != "waiting" || !ok || err != nil {
		t.Fatalf("Recv = %q, %v, %v", v, ok, err)
	}
	cancel()
	if err := wait(); !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	if err := send.Send(context.Background(), 1); !errors.Is(err, felixlet.ErrEnded) {
		t.Errorf("Send after the end returned %v, want ErrEnded", err)
	}
	if _, _, err := recv.Recv(context.Background()); !errors.Is(err, felixlet.ErrEnded) {
		t.Errorf("Recv after the end returned %v, want ErrEnded", err)
	}
}

// A context done before Run runs nothing.
func TestAContextDoneBeforeRunRunsNothing(t *testing.T) {
	p := compile(t, "hello.flx", `println "hello";`, nil)
	var out bytes.Buffer
	m := newMachine(t, p, felixlet.Config{Stdout: &out})
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("not today")
	cancel(cause)
	if err := m.Run(ctx); err != cause {
		t.Errorf("Run returned %v, want the context's cause", err)
	}
	if out.Len() > 0 {
		t.Errorf("printed %q", out.String())
	}
	if err := m.Run(context.Background()); err == nil {
		t.Error("a machine ran twice")
	}
}

// machinesProgram is run by eight machines at once. Each reads its factor from its
// arguments, passes a thousand numbers through a chain of fibres that each add one (as many
// fibres as ten times the factor), and multiplies what Go sends it by the factor, through
// a Go function.
const machinesProgram = `
proc add_one (inp: %<int, out: %>int) () {
  while true do write (out, read inp + 1); done
}
val factor = int (System::argv 1);
var first_in, first_out = mk_ioschannel_pair[int] ();
var ch = first_in;
for k in 1..10 * factor do
  var i, o = mk_ioschannel_pair[int] ();
  spawn_fthread (add_one (ch, o));
  ch = i;
done
spawn_fthread { for n in 0..<1000 do write (first_out, n); done };
var sum = 0;
for n in 0..<1000 do sum = sum + read ch; done
println$ System::argv 0 + " " + factor.str + ": " + sum.str;
var more = true;
while more do
  match read_opt numbers with
  | Some n => write (products, times (n, factor));
  | None => more = false;
  endmatch;
done
eprintln$ "machine " + factor.str + " done";
`

// Eight machines run at once in one process, each with its own scheduler, streams,
// arguments and channels: each prints and answers what its own program computes. Half run
// a program compiled with another Library, whose function times is another: each machine
// calls its own program's.
func TestEightMachinesRunAtOnce(t *testing.T) {
	type kit struct {
		prog     *felixlet.Program
		numbers  *felixlet.Input[int]
		products *felixlet.Output[int]
		sign     int // what times multiplies by, besides its arguments
	}
	kits := make([]kit, 2)
	for i := range kits {
		var lib felixlet.Library
		k := &kits[i]
		k.sign = 1 - 2*i
		if err := lib.Func("times", func(a, b int) int { return k.sign * a * b }); err != nil {
			t.Fatal(err)
		}
		var err error
		if k.numbers, err = felixlet.NewInput[int](&lib, "numbers"); err != nil {
			t.Fatal(err)
		}
		if k.products, err = felixlet.NewOutput[int](&lib, "products"); err != nil {
			t.Fatal(err)
		}
		k.prog = compile(t, "machines.flx", machinesProgram, &lib)
	}
	const machines, values = 8, 200
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, machines)
	errs := make([]bytes.Buffer, machines)
	for k := range machines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kit := kits[k%2]
			m := newMachine(t, kit.prog, felixlet.Config{Stdout: &outs[k], Stderr: &errs[k], Args: []string{fmt.Sprint(k + 1)}})
			send, recv := kit.numbers.On(m), kit.products.On(m)
			wait := start(t, m, context.Background())
			ctx := context.Background()
			for n := range values {
				if err := send.Send(ctx, n); err != nil {
					t.Errorf("machine %d: Send: %v", k+1, err)
					return
				}
				want := kit.sign * n * (k + 1)
				if got, ok, err := recv.Recv(ctx); got != want || !ok || err != nil {
					t.Errorf("machine %d: Recv = %d, %v, %v; want %d", k+1, got, ok, err, want)
					return
				}
			}
			send.Close()
			recv.Close()
			if err := wait(); err != nil {
				t.Errorf("machine %d: %v", k+1, err)
			}
		}()
	}
	wg.Wait()
	for k := range machines {
		want := fmt.Sprintf("machines.flx %d: %d\n", k+1, 999*1000/2+1000*10*(k+1)) // each number, plus one per fibre
		if outs[k].String() != want {
			t.Errorf("machine %d printed %q, want %q", k+1, outs[k].String(), want)
		}
		if want := fmt.Sprintf("machine %d done\n", k+1); errs[k].String() != want {
			t.Errorf("machine %d wrote %q on stderr, want %q", k+1, errs[k].String(), want)
		}
	}
}

// sent is a value one of several goroutines sends: who sent it, and its place among what
// that goroutine sent.
type sent struct {
	From, Seq int
}

// echoing makes a machine, running, whose fibre writes back on echo each value Go sends it
// on inbox; once Go closes inbox, it closes echo and prints how many values it echoed.
// The function it returns waits for the program's end.
func echoing(t *testing.T) (*felixlet.Sender[sent], *felixlet.Receiver[sent], *bytes.Buffer, func() error) {
	t.Helper()
	var lib felixlet.Library
	in, err := felixlet.NewInput[sent](&lib, "inbox")
	if err != nil {
		t.Fatal(err)
	}
	out, err := felixlet.NewOutput[sent](&lib, "echo")
	if err != nil {
		t.Fatal(err)
	}
	p := compile(t, "echo.flx", `
var count = 0;
var more = true;
while more do
  match read_opt inbox with
  | Some v => ++count; write (echo, v);
  | None => more = false;
  endmatch;
done
close echo;
println$ count.str + " values";
`, &lib)
	var stdout bytes.Buffer
	m := newMachine(t, p, felixlet.Config{Stdout: &stdout})
	send, recv := in.On(m), out.On(m)
	return send, recv, &stdout, start(t, m, context.Background())
}

// Sixteen goroutines write at once to a channel one fibre reads: every value arrives once,
// each goroutine's in the order it sent them.
func TestSixteenGoroutinesFeedOneFibre(t *testing.T) {
	const senders, each = 16, 300
	send, recv, stdout, wait := echoing(t)
	var got []sent
	read := make(chan struct{})
	go func() {
		defer close(read)
		for {
			v, ok, err := recv.Recv(context.Background())
			if err != nil {
				t.Errorf("Recv: %v", err)
				return
			}
			if !ok {
				return
			}
			got = append(got, v)
		}
	}()
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := send.Send(context.Background(), sent{g, i}); err != nil {
					t.Errorf("sender %d: %v", g, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	send.Close()
	<-read
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d values\n", senders*each); stdout.String() != want {
		t.Errorf("printed %q, want %q", stdout.String(), want)
	}
	if len(got) != senders*each {
		t.Errorf("%d values came back, want %d", len(got), senders*each)
	}
	next := make([]int, senders)
	for _, v := range got {
		if v.Seq != next[v.From] {
			t.Fatalf("from sender %d came %d when %d was due", v.From, v.Seq, next[v.From])
		}
		next[v.From]++
	}
}

// Sixteen goroutines read at once from a channel one fibre writes and then closes: every
// value reaches exactly one of them, and each learns of the close.
func TestSixteenGoroutinesDrainOneFibre(t *testing.T) {
	const readers, values = 16, 4000
	var lib felixlet.Library
	out, err := felixlet.NewOutput[int](&lib, "results")
	if err != nil {
		t.Fatal(err)
	}
	p := compile(t, "drain.flx", fmt.Sprintf(`
for i in 0..<%d do write (results, i); done
close results;
`, values), &lib)
	m := newMachine(t, p, felixlet.Config{})
	recv := out.On(m)
	wait := start(t, m, context.Background())
	got := make([][]int, readers)
	var wg sync.WaitGroup
	for g := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				v, ok, err := recv.Recv(context.Background())
				if err != nil {
					t.Errorf("reader %d: %v", g, err)
					return
				}
				if !ok {
					return
				}
				got[g] = append(got[g], v)
			}
		}()
	}
	wg.Wait()
	if err := wait(); err != nil { // the close let go of the program
		t.Fatal(err)
	}
	all := slices.Concat(got...)
	slices.Sort(all)
	if len(all) != values {
		t.Fatalf("%d values read, want %d", len(all), values)
	}
	for i, v := range all {
		if v != i {
			t.Fatalf("value %d is missing or read twice", i)
		}
	}
}

// Fibres that a program starves while Go holds it open are collected as it runs: neither
// the channels to and from Go nor the operations Go made on them keep them alive, while
// the mainline, which waits for Go, is kept.
func TestStarvedFibresAreCollectedWhileGoHoldsTheProgram(t *testing.T) {
	var lib felixlet.Library
	requests, err := felixlet.NewInput[int](&lib, "requests")
	if err != nil {
		t.Fatal(err)
	}
	replies, err := felixlet.NewOutput[int](&lib, "replies")
	if err != nil {
		t.Fatal(err)
	}
	p := compile(t, "starve.flx", `
proc count_from (k: int, out: %>int) () { var i = k; while true do write (out, i); ++i; done }
// n writers on a channel of its own, of which it reads one value: the n writers starve.
proc answer (n: int) () {
  var i, o = mk_ioschannel_pair[int] ();
  for k in 1..n do spawn_fthread (count_from (k, o)); done
  write (replies, read i);
}
while true do spawn_fthread (answer (read requests)); done
`, &lib)
	m := newMachine(t, p, felixlet.Config{VM: func(o *vm.Options) { o.CountCollected = true }})
	send, recv := requests.On(m), replies.On(m)
	wait := start(t, m, context.Background())
	ctx := context.Background()
	const asks = 40
	starved := uint64(0)
	for n := 1; n <= asks; n++ {
		if err := send.Send(ctx, n); err != nil {
			t.Fatal(err)
		}
		if v, ok, err := recv.Recv(ctx); v < 1 || v > n || !ok || err != nil {
			t.Fatalf("request %d: Recv = %d, %v, %v", n, v, ok, err)
		}
		starved += uint64(n)
	}
	// Ask the machine itself for its counts: it is running, and its goroutine owns them.
	stats := func() vm.Stats {
		got := make(chan vm.Stats, 1)
		m.VM().Do(func() { got <- m.VM().Stats() })
		return <-got
	}
	deadline := time.Now().Add(patience)
	for stats().CollectedWaiting < starved && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	runtime.GC()
	if st := stats(); st.CollectedWaiting != starved {
		t.Errorf("%d fibres collected waiting, want the %d starved ones (spawned %d, ended %d)",
			st.CollectedWaiting, starved, st.Spawned, st.Ended)
	}
	send.Close()
	recv.Close()
	if err := wait(); err != nil {
		t.Fatal(err)
	}
}

// Sends and receives that give up (their context is done) lose nothing and duplicate
// nothing: a value whose Send failed never reaches the program, and a value the program
// wrote reaches exactly one Recv that succeeded.
func TestOperationsCalledOffLoseNothing(t *testing.T) {
	const goroutines, each = 16, 200
	send, recv, stdout, wait := echoing(t)

	// giveUp is a context that is done already, soon, or never.
	giveUp := func(r *rand.Rand) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		switch r.IntN(3) {
		case 0:
			cancel()
		case 1:
			yields := r.IntN(100)
			go func() {
				for range yields {
					time.Sleep(0) // let the operation get under way, or not
				}
				cancel()
			}()
		}
		return ctx, cancel
	}
	var mu sync.Mutex
	delivered := map[sent]bool{} // what Send said a fibre took
	received := map[sent]int{}   // what Recv gave, and how often
	var senders, receivers sync.WaitGroup
	for g := range goroutines {
		senders.Add(1)
		go func() {
			defer senders.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for i := range each {
				ctx, cancel := giveUp(r)
				err := send.Send(ctx, sent{g, i})
				cancel()
				switch {
				case err == nil:
					mu.Lock()
					delivered[sent{g, i}] = true
					mu.Unlock()
				case !errors.Is(err, context.Canceled):
					t.Errorf("Send: %v", err)
				}
			}
		}()
		receivers.Add(1)
		go func() {
			defer receivers.Done()
			r := rand.New(rand.NewPCG(uint64(g), 2))
			for {
				ctx, cancel := giveUp(r)
				v, ok, err := recv.Recv(ctx)
				cancel()
				switch {
				case errors.Is(err, context.Canceled):
					continue
				case err != nil:
					t.Errorf("Recv: %v", err)
					return
				case !ok:
					return
				}
				mu.Lock()
				received[v]++
				mu.Unlock()
			}
		}()
	}
	senders.Wait()
	send.Close()
	receivers.Wait()
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if len(delivered) == 0 || len(delivered) == goroutines*each {
		t.Logf("%d of %d sends succeeded: the test tried little", len(delivered), goroutines*each)
	}
	if want := fmt.Sprintf("%d values\n", len(delivered)); stdout.String() != want {
		t.Errorf("the program printed %q, want %q", stdout.String(), want)
	}
	for v := range delivered {
		if received[v] != 1 {
			t.Errorf("%v was sent, and received %d times", v, received[v])
		}
	}
	for v, n := range received {
		if !delivered[v] {
			t.Errorf("%v was received %d times, but its Send failed", v, n)
		}
	}
}

// A Sender's Close ends the fibres' read_opt; Sends after it, and a Send the program's
// own close refuses, return ErrClosed.
func TestClosingAChannelFromEitherSide(t *testing.T) {
	var lib felixlet.Library
	in, err := felixlet.NewInput[string](&lib, "words")
	if err != nil {
		t.Fatal(err)
	}
	stop, err := felixlet.NewInput[int](&lib, "stop")
	if err != nil {
		t.Fatal(err)
	}
	p := compile(t, "close.flx", `
match read_opt words with | Some w => println w; | None => println "none"; endmatch;
match read_opt words with | Some w => println w; | None => println "none"; endmatch;
println$ read stop;
close stop;
`, &lib)
	var stdout bytes.Buffer
	m := newMachine(t, p, felixlet.Config{Stdout: &stdout})
	words, stops := in.On(m), stop.On(m)
	wait := start(t, m, context.Background())
	ctx := context.Background()
	if err := words.Send(ctx, "first"); err != nil {
		t.Fatal(err)
	}
	words.Close()
	if err := words.Send(ctx, "after the close"); !errors.Is(err, felixlet.ErrClosed) {
		t.Errorf("Send after Close returned %v, want ErrClosed", err)
	}
	if err := stops.Send(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if err := stops.Send(ctx, 8); !errors.Is(err, felixlet.ErrClosed) {
		t.Errorf("Send to a channel the program closed returned %v, want ErrClosed", err)
	}
	if err := wait(); err != nil { // the program's close let go of it
		t.Fatal(err)
	}
	if want := "first\nnone\n7\n"; stdout.String() != want {
		t.Errorf("printed %q, want %q", stdout.String(), want)
	}
}

// Go's functions take and give every type that crosses: ints (of any name), doubles,
// bools, strings, lists, tuples nested in both, several results, and no result at all.
func TestGoFunctionsTakeAndGiveEveryTypeThatCrosses(t *testing.T) {
	type celsius float64
	type id int64
	type entry struct {
		Name string
		Tags []string
		Hot  bool
		Temp celsius
	}
	type pair struct {
		A id
		B entry
	}
	var lib felixlet.Library
	var logged []string
	funcs := map[string]any{
		"warmest": func(es []entry) (entry, int) {
			best := 0
			for i, e := range es {
				if e.Temp > es[best].Temp {
					best = i
				}
			}
			return es[best], len(es)
		},
		"wrap":   func(p pair) []pair { return []pair{p, p} },
		"note":   func(s string, n id, b bool) { logged = append(logged, fmt.Sprint(s, n, b)) },
		"nested": func(xs [][]int) []int { return slices.Concat(xs...) },
		"empty":  func() []string { return nil },
	}
	for name, fn := range funcs {
		if err := lib.Func(name, fn); err != nil {
			t.Fatal(err)
		}
	}
	p := compile(t, "types.flx", `
var es = list (("Oslo", list ("north"), false, 4.5), ("Cairo", Empty[string], true, 35.25));
var w, n = warmest es;
println$ w, n;
println$ wrap (7, w);
note ("done", 42, true);
println$ nested (list (list (1, 2), Empty[int], list (3)));
println$ len (empty ());
`, &lib)
	var out bytes.Buffer
	if err := start(t, newMachine(t, p, felixlet.Config{Stdout: &out}), context.Background())(); err != nil {
		t.Fatal(err)
	}
	want := `((Cairo, list(), true, 35.25), 2)
list((7, (Cairo, list(), true, 35.25)), (7, (Cairo, list(), true, 35.25)))
list(1, 2, 3)
0
`
	if out.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", out.String(), want)
	}
	if !reflect.DeepEqual(logged, []string{"done42 true"}) {
		t.Errorf("note logged %q", logged)
	}
}

// A Go function's error, or its panic, is a runtime error at the call, with the fibre's
// backtrace.
func TestAGoFunctionFailsAtItsCall(t *testing.T) {
	var lib felixlet.Library
	if err := lib.Func("check", func(n int) error {
		if n > 2 {
			return fmt.Errorf("%d is too many", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Func("boom", func() int { panic("oh no") }); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ src, want string }{
		{"for i in 1..5 do check i; done\n", "calls.flx:1:18: 3 is too many"},
		{"proc p () { println$ boom (); }\np ();\n", "calls.flx:1:22: Go function boom panicked: oh no"},
	} {
		p := compile(t, "calls.flx", tc.src, &lib)
		err := start(t, newMachine(t, p, felixlet.Config{}), context.Background())()
		var rerr *felixlet.RuntimeError
		if !errors.As(err, &rerr) || err.Error() != tc.want || rerr.Halt {
			t.Errorf("Run returned %v, want the runtime error %s", err, tc.want)
		}
	}
}

// halt is a runtime error that says so.
func TestHaltIsARuntimeErrorThatSaysSo(t *testing.T) {
	p := compile(t, "halt.flx", `halt "enough";`, nil)
	err := start(t, newMachine(t, p, felixlet.Config{}), context.Background())()
	var rerr *felixlet.RuntimeError
	if !errors.As(err, &rerr) || !rerr.Halt || err.Error() != "halt.flx:1:1: halt: enough" {
		t.Errorf("Run returned %v, want a halt", err)
	}
}

// failingWriter is a standard output that takes a few bytes, then fails as a full disk does.
type failingWriter struct{ room int }

var errDiskFull = errors.New("no space left on device")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.room {
		n := w.room
		w.room = 0
		return n, errDiskFull
	}
	w.room -= len(p)
	return len(p), nil
}

// A program whose standard output fails is stopped, even one that would print for ever,
// and Run says why.
func TestStandardOutputThatFailsStopsTheProgram(t *testing.T) {
	p := compile(t, "printer.flx", "var i = 0;\nwhile true do println i; ++i; done\n", nil)
	err := start(t, newMachine(t, p, felixlet.Config{Stdout: &failingWriter{room: 100}}), context.Background())()
	var oerr *felixlet.OutputError
	if !errors.As(err, &oerr) || !errors.Is(oerr.Err, errDiskFull) {
		t.Errorf("Run returned %v, want an OutputError for %v", err, errDiskFull)
	}
}

// Go signatures that have no felixlet type, and names a program cannot use, are refused
// when they are registered.
func TestWrongGoSignaturesAreRefused(t *testing.T) {
	type lonely struct{ A int }
	type hidden struct {
		A int
		b string
	}
	type loop struct {
		A    int
		Next []loop
	}
	for _, tc := range []struct {
		name string
		fn   any
		want string
	}{
		{"f", 42, "felixlet: Func f: int is not a function"},
		{"f", (func())(nil), "felixlet: Func f: func() is not a function"},
		{"f", func(xs ...int) {}, "felixlet: Func f: func(...int) is variadic, and felixlet functions are not"},
		{"f", func(m map[string]int) {}, "felixlet: Func f: parameter 1: Go type map[string]int has no felixlet type (use int, int64, float64, bool, string, and slices and structs of them)"},
		{"f", func(int, *int) {}, "felixlet: Func f: parameter 2: Go type *int has no felixlet type (use int, int64, float64, bool, string, and slices and structs of them)"},
		{"f", func() uint { return 0 }, "felixlet: Func f: result 1: Go type uint has no felixlet type (use int, int64, float64, bool, string, and slices and structs of them)"},
		{"f", func() (error, int) { return nil, 0 }, "felixlet: Func f: only the last result may be an error"},
		{"f", func(lonely) {}, "felixlet: Func f: parameter 1: Go type felixlet_test.lonely has fewer than two fields: it is no felixlet tuple"},
		{"f", func(hidden) {}, "felixlet: Func f: parameter 1: Go type felixlet_test.hidden has the unexported field b: a felixlet tuple's elements must all cross"},
		{"f", func([]loop) {}, "felixlet: Func f: parameter 1: Go type []felixlet_test.loop contains itself, which no felixlet type does"},
		{"f", func(any) {}, "felixlet: Func f: parameter 1: Go type interface {} has no felixlet type (use int, int64, float64, bool, string, and slices and structs of them)"},
		{"while", func() {}, `felixlet: "while" is not a name a program can use`},
		{"two words", func() {}, `felixlet: "two words" is not a name a program can use`},
		{"ok", func(int) {}, "felixlet: Func ok: a function ok of int is already declared"},
		{"requests", func() {}, "felixlet: requests is declared twice, and a channel has no overloads"},
	} {
		var lib felixlet.Library
		if err := lib.Func("ok", func(n int) int { return n }); err != nil {
			t.Fatal(err)
		}
		if _, err := felixlet.NewInput[int](&lib, "requests"); err != nil {
			t.Fatal(err)
		}
		err := lib.Func(tc.name, tc.fn)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Func(%q, %T) = %v\nwant %s", tc.name, tc.fn, err, tc.want)
		}
	}
	var lib felixlet.Library
	if _, err := felixlet.NewOutput[chan int](&lib, "c"); err == nil || err.Error() != "felixlet: channel c: Go type chan int has no felixlet type (use int, int64, float64, bool, string, and slices and structs of them)" {
		t.Errorf("NewOutput[chan int] = %v", err)
	}
	// Overloads with different parameters are fine.
	if err := lib.Func("twice", func(n int) int { return 2 * n }); err != nil {
		t.Fatal(err)
	}
	if err := lib.Func("twice", func(s string) string { return s + s }); err != nil {
		t.Fatal(err)
	}
	p := compile(t, "twice.flx", `println$ twice 21, twice "ab";`, &lib)
	var out bytes.Buffer
	if err := start(t, newMachine(t, p, felixlet.Config{Stdout: &out}), context.Background())(); err != nil || out.String() != "(42, abab)\n" {
		t.Errorf("Run = %v, printed %q", err, out.String())
	}
}

// A program that uses Go's functions and channels with the wrong types does not compile:
// each error is reported where it is, as for felixlet's own functions.
func TestCallsWithWrongTypesDoNotCompile(t *testing.T) {
	var lib felixlet.Library
	if err := lib.Func("shout", strings.ToUpper); err != nil {
		t.Fatal(err)
	}
	if err := lib.Func("pad", func(s string, n int) string { return s + strings.Repeat(" ", n) }); err != nil {
		t.Fatal(err)
	}
	if _, err := felixlet.NewInput[int](&lib, "numbers"); err != nil {
		t.Fatal(err)
	}
	src := `println$ shout 3;
println$ pad ("x", "y");
var n : int = shout "a";
write (numbers, 1);
`
	_, err := felixlet.Compile("wrong.flx", []byte(src), &lib)
	var cerr *felixlet.CompileError
	if !errors.As(err, &cerr) {
		t.Fatalf("Compile returned %v, want a CompileError", err)
	}
	var got []string
	for _, d := range cerr.Diagnostics {
		got = append(got, fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Col))
	}
	want := []string{"wrong.flx:1:10", "wrong.flx:2:10", "wrong.flx:3:5", "wrong.flx:4:1"}
	if !slices.Equal(got, want) {
		t.Errorf("errors at %v, want %v:\n%v", got, want, err)
	}
	var b strings.Builder
	cerr.Diagnostics.Print(&b)
	if !strings.Contains(b.String(), "wrong.flx:1:10: ") || !strings.Contains(b.String(), "\n  println$ shout 3;\n           ^\n") {
		t.Errorf("printed\n%s", b.String())
	}
}

// A warning does not stop a program from compiling; it is kept with the program.
func TestWarningsAreKeptWithTheProgram(t *testing.T) {
	p := compile(t, "circuit.flx", `
chip source connector io pin out: %>int { write (io.out, 1); }
chip sink connector io pin inp: %<int pin spare: %<int { println$ read io.inp; }
circuit
  connect source.out, sink.inp
endcircuit
`, nil)
	ws := p.Warnings()
	if len(ws) != 1 || !ws[0].Warning || ws[0].String() != "circuit.flx:4:1: warning: sink.spare is not connected" {
		t.Errorf("warnings %v", ws)
	}
}

// A machine's program reads its own standard input and arguments, writes its own
// standard error, and keeps its files in its own directory.
func TestAMachineHasItsOwnStreamsArgumentsAndDirectory(t *testing.T) {
	dir := t.TempDir()
	p := compile(t, "io.flx", `
var line = readln stdin;
eprintln$ "read " + line;
save ("out.txt", System::argv 1 + line);
println$ load "out.txt";
`, nil)
	var out, errs bytes.Buffer
	m := newMachine(t, p, felixlet.Config{Stdin: strings.NewReader("world\n"), Stdout: &out, Stderr: &errs,
		Args: []string{"hello, "}, Dir: dir})
	if err := start(t, m, context.Background())(); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "out.txt"))
	if out.String() != "hello, world\n\n" || errs.String() != "read world\n\n" || err != nil || string(saved) != "hello, world\n" {
		t.Errorf("printed %q and %q, saved %q (%v)", out.String(), errs.String(), saved, err)
	}
}

// Includes are read as the Library says.
func TestIncludesAreReadThroughTheLibrary(t *testing.T) {
	lib := felixlet.Library{ReadFile: func(path string) ([]byte, error) {
		if path == "greet.flx" {
			return []byte(`fun greet (s: string) => "hello, " + s;`), nil
		}
		return nil, os.ErrNotExist
	}}
	p := compile(t, "main.flx", "include \"greet.flx\";\nprintln$ greet \"you\";\n", &lib)
	var out bytes.Buffer
	if err := start(t, newMachine(t, p, felixlet.Config{Stdout: &out}), context.Background())(); err != nil || out.String() != "hello, you\n" {
		t.Errorf("Run = %v, printed %q", err, out.String())
	}
	if _, err := felixlet.Compile("main.flx", []byte("include \"missing.flx\";\n"), &lib); err == nil {
		t.Error("an include that cannot be read compiled")
	}
}

// An end asked of a machine whose program was compiled with another Library is a mistake
// in the Go program: On panics, saying so.
func TestAnEndOfAnotherLibrarysChannelPanics(t *testing.T) {
	var lib1, lib2 felixlet.Library
	in1, err := felixlet.NewInput[int](&lib1, "numbers")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := felixlet.NewInput[int](&lib2, "numbers"); err != nil {
		t.Fatal(err)
	}
	m := newMachine(t, compile(t, "two.flx", "println 1;", &lib2), felixlet.Config{})
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "compiled with another Library") {
			t.Errorf("On panicked with %v", r)
		}
	}()
	in1.On(m)
}

// The README's sample is ExampleNewInput's code, line for line, so that it compiles and
// does what the example's output says.
func TestTheReadmeSampleIsExampleCode(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Embedding felixlet in Go\n")
	_, sample, ok2 := strings.Cut(section, "```go\n")
	sample, _, ok3 := strings.Cut(sample, "```\n")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README.md has no Go sample under \"Embedding felixlet in Go\"")
	}
	examples, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, example, _ := strings.Cut(string(examples), "func ExampleNewInput() {\n")
	example, _, _ = strings.Cut(example, "\n}\n")
	lines := strings.Split(example, "\n")
	for _, want := range strings.Split(strings.TrimSpace(sample), "\n") {
		want = strings.TrimSpace(want)
		for len(lines) > 0 && strings.TrimSpace(lines[0]) != want {
			lines = lines[1:]
		}
		if len(lines) == 0 {
			t.Fatalf("the README's line %q is not in ExampleNewInput, in order", want)
		}
		lines = lines[1:]
	}
}
