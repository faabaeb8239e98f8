package cli

import (
	"bytes"
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/felixlet/felixlet/lang/check"
	"github.com/felixlet/felixlet/lang/compile"
	"github.com/felixlet/felixlet/lang/parse"
	"github.com/felixlet/felixlet/lang/prelude"
	"github.com/felixlet/felixlet/stdlib"
	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// compileWithBuiltins builds a program whose source declares, besides the library's,
// the Go builtins of extra, or fails the test. It returns the program and every builtin.
func compileWithBuiltins(t *testing.T, src string, extra map[string]vm.Builtin) (*code.Program, map[string]vm.Builtin) {
	t.Helper()
	builtins := maps.Clone(stdlib.Builtins)
	maps.Copy(builtins, extra)
	f, errs, _ := parse.File("test.flx", []byte(src), parse.Config{})
	if errs.HasErrors() {
		t.Fatal(errs)
	}
	isBuiltin := func(name string) bool { return builtins[name] != nil }
	checked, errs := check.Check(prelude.File(), f, check.Config{IsPrim: func(name string) bool {
		return compile.HasEmitter(name) || isBuiltin(name)
	}})
	if checked == nil {
		t.Fatal(errs)
	}
	p, err := compile.Compile(checked, compile.Config{IsBuiltin: isBuiltin})
	if err != nil {
		t.Fatal(err)
	}
	return p, builtins
}

// Go code on 16 goroutines at once writes to a channel a fibre reads: every value
// arrives, each goroutine's in the order it wrote them, and every write learns that it
// was taken. The program waits for the outside world while it is held, and ends once it
// is released and its fibres are done.
func TestGoroutinesWriteToAChannelAFibreReads(t *testing.T) {
	const writers, each = 16, 500
	var m *vm.Machine
	var wg sync.WaitGroup
	taken := 0                   // counted on the machine's goroutine
	next := make([]int, writers) // by writer, the value it expects to be taken next
	out := runWithBuiltins(t, `
fun host_in : 1 -> %<int = "test_host_in";
var inp = host_in ();
var n = 0;
var sum = 0;
while n < 8000 do
  sum = sum + read inp;
  n = n + 1;
done
println$ n, sum;
`, map[string]vm.Builtin{"test_host_in": func(mm *vm.Machine, s []uint64, r []vm.Value) error {
		ch := vm.NewChan(0)
		r[0] = ch
		end := mm.Outside(ch)
		if err := mm.Hold(); err != nil {
			return err
		}
		for g := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					m.Do(func() {
						end.Write(uint64(g*1000+i), nil, func(ok bool) {
							if !ok || next[g] != i {
								t.Errorf("writer %d: write %d taken (%v) when %d was due", g, i, ok, next[g])
							}
							next[g]++
							if taken++; taken == writers*each {
								m.Release()
							}
						})
					})
				}
			}()
		}
		return nil
	}}, &m)
	wg.Wait()
	if got, want := out, "(8000, 61996000)\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	if taken != writers*each {
		t.Errorf("%d writes were taken, want %d", taken, writers*each)
	}
}

// runWithBuiltins builds and runs a program with extra builtins, and returns what it
// printed; the builtins may use the machine through *m.
func runWithBuiltins(t *testing.T, src string, extra map[string]vm.Builtin, m **vm.Machine) string {
	t.Helper()
	p, builtins := compileWithBuiltins(t, src, extra)
	var out, errs bytes.Buffer
	var err error
	*m, err = vm.New(p, vm.Options{Stdout: &out, Stderr: &errs, Args: []string{"test.flx"}, Builtins: builtins})
	if err != nil {
		t.Fatal(err)
	}
	if err := (*m).Run(); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	return out.String()
}

// Go code on another goroutine reads what a fibre writes, in order, and learns of the
// close once the values are drained; reads it asks for before a value is there wait for
// one.
func TestAGoroutineReadsWhatAFibreWrites(t *testing.T) {
	var m *vm.Machine
	var got []int
	closed := make(chan bool, 1)
	out := runWithBuiltins(t, `
fun host_out : 1 -> bchannel[int] = "test_host_out";
var o = host_out ();
for i in 1..1000 do write (o, i); done
close o;
println "closed";
`, map[string]vm.Builtin{"test_host_out": func(mm *vm.Machine, s []uint64, r []vm.Value) error {
		ch := vm.NewChan(4)
		r[0] = ch
		end := mm.Outside(ch)
		if err := mm.Hold(); err != nil {
			return err
		}
		var next func(s uint64, r vm.Value, ok bool)
		next = func(s uint64, r vm.Value, ok bool) {
			if !ok {
				closed <- true
				m.Release()
				return
			}
			got = append(got, int(s))
			go m.Do(func() { end.Read(next) }) // ask from another goroutine
		}
		go m.Do(func() { end.Read(next) })
		return nil
	}}, &m)
	if out != "closed\n" {
		t.Errorf("printed %q", out)
	}
	select {
	case <-closed:
	default:
		t.Error("the Go reader never learnt of the close")
	}
	if len(got) != 1000 {
		t.Fatalf("read %d values, want 1000", len(got))
	}
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("value %d read is %d", i, v)
		}
	}
}

// A close refuses the writes from outside that wait on the channel, and those made after
// it; the values a fibre read before the close are the ones the outside world was told
// were taken.
func TestACloseRefusesWritesFromOutside(t *testing.T) {
	var m *vm.Machine
	var taken, refused []int
	out := runWithBuiltins(t, `
fun host_in : 1 -> schannel[int] = "test_host_in";
var i = host_in ();
println$ read i, read i;
close i;
`, map[string]vm.Builtin{"test_host_in": func(mm *vm.Machine, s []uint64, r []vm.Value) error {
		ch := vm.NewChan(0)
		r[0] = ch
		end := mm.Outside(ch)
		for k := range 5 {
			end.Write(uint64(k), nil, func(ok bool) {
				if ok {
					taken = append(taken, k)
				} else {
					refused = append(refused, k)
				}
			})
		}
		return nil
	}}, &m)
	if out != "(0, 1)\n" {
		t.Errorf("printed %q, want the first two values", out)
	}
	m.Do(func() {}) // after the end: nothing runs, nothing blocks
	if fmt.Sprint(taken, refused) != "[0 1] [2 3 4]" {
		t.Errorf("taken %v, refused %v; want [0 1] and [2 3 4]", taken, refused)
	}
}
