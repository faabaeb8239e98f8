package cli

import (
	"fmt"
	"testing"

	"github.com/felixlet/felixlet/vm"
)

// Writes from outside that have not completed can be withdrawn: the one waiting on the
// channel (and the next starts in its place) or one queued behind it. A withdrawn write
// never reaches a fibre and never hears how it ended; one that has completed cannot be
// withdrawn.
func TestWritesFromOutsideCanBeWithdrawn(t *testing.T) {
	var m *vm.Machine
	var ended []string
	var withdraws []func() bool
	out := runWithBuiltins(t, `
fun host_in : 1 -> %<int = "test_host_in";
var i = host_in ();
println$ read i;
`, map[string]vm.Builtin{"test_host_in": func(mm *vm.Machine, s []uint64, r []vm.Value) error {
		ch := vm.NewChan(0)
		r[0] = ch
		end := mm.Outside(ch)
		for k := 1; k <= 3; k++ {
			withdraws = append(withdraws, end.Write(uint64(k), nil, func(taken bool) {
				ended = append(ended, fmt.Sprint(k, taken))
			}))
		}
		if !withdraws[0]() || !withdraws[2]() { // the one waiting, and one queued
			t.Error("a write that had not completed was not withdrawn")
		}
		return nil
	}}, &m)
	if out != "2\n" {
		t.Errorf("printed %q, want the write that was not withdrawn", out)
	}
	if fmt.Sprint(ended) != "[2 true]" {
		t.Errorf("writes ended %v; want only the second, taken", ended)
	}
	m.Do(func() {}) // after the end: nothing runs
	if withdraws[1]() || withdraws[0]() {
		t.Error("a write that had completed, or was withdrawn already, was withdrawn")
	}
}

// A read from outside waiting on a channel can be withdrawn: the value a fibre writes
// then goes to the next read.
func TestAReadFromOutsideCanBeWithdrawn(t *testing.T) {
	var m *vm.Machine
	var got []string
	var first func() bool
	out := runWithBuiltins(t, `
fun host_out : 1 -> %>int = "test_host_out";
var o = host_out ();
write (o, 7);
println "written";
`, map[string]vm.Builtin{"test_host_out": func(mm *vm.Machine, s []uint64, r []vm.Value) error {
		ch := vm.NewChan(0)
		r[0] = ch
		end := mm.Outside(ch)
		record := func(name string) func(uint64, vm.Value, bool) {
			return func(s uint64, r vm.Value, ok bool) { got = append(got, fmt.Sprint(name, s, ok)) }
		}
		first = end.Read(record("first"))
		end.Read(record("second"))
		if !first() {
			t.Error("a read waiting on the channel was not withdrawn")
		}
		return nil
	}}, &m)
	if out != "written\n" || fmt.Sprint(got) != "[second7 true]" {
		t.Errorf("printed %q, reads got %v; want the second read to get 7", out, got)
	}
	if first() {
		t.Error("a read withdrawn already was withdrawn again")
	}
}

// A close from outside refuses the writes from outside, gives read_opt None once the
// buffer is drained, and does not wait for the buffer to empty.
func TestACloseFromOutside(t *testing.T) {
	var m *vm.Machine
	var ended []string
	out := runWithBuiltins(t, `
fun host_in : 1 -> bchannel[int] = "test_host_in";
var i = host_in ();
var more = true;
while more do
  match read_opt i with
  | Some v => println v;
  | None => println "closed"; more = false;
  endmatch;
done
`, map[string]vm.Builtin{"test_host_in": func(mm *vm.Machine, s []uint64, r []vm.Value) error {
		ch := vm.NewChan(2)
		r[0] = ch
		end := mm.Outside(ch)
		for k := 1; k <= 2; k++ {
			end.Write(uint64(k), nil, func(taken bool) { ended = append(ended, fmt.Sprint(k, taken)) })
		}
		end.Close() // 1 is in the buffer; 2 waits behind it, and is refused, as is 3
		end.Write(3, nil, func(taken bool) { ended = append(ended, fmt.Sprint(3, taken)) })
		return nil
	}}, &m)
	if out != "1\nclosed\n" {
		t.Errorf("printed %q, want the buffered value, then None", out)
	}
	if fmt.Sprint(ended) != "[1 true 2 false 3 false]" { // in the order they were made
		t.Errorf("writes ended %v", ended)
	}
}
