package cli

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// With --trace, the program's output and the scheduling events come out in the order
// they happened when both go to one place, although the output is buffered: each value
// is printed after the write that passed it, and "between" between the two writes.
func TestTraceEventsAndOutputKeepTheirOrder(t *testing.T) {
	src := `var i, o = mk_ioschannel_pair[int]();
spawn_fthread { println$ read i; println$ read i; };
write (o, 1);
println "between";
write (o, 2);
`
	var both bytes.Buffer
	status := runProgram(programSource{Name: "t.flx", Src: []byte(src)}, nil, runFlags{trace: true}, strings.NewReader(""), &both, &both, 0)
	if status != exitOK {
		t.Fatalf("status %d:\n%s", status, both.String())
	}
	var got []string
	for line := range strings.Lines(both.String()) {
		if !strings.HasPrefix(line, "fibre ") || strings.Contains(line, " writes to ") {
			got = append(got, strings.TrimSuffix(line, "\n"))
		}
	}
	want := []string{"fibre 1 writes to fibre 2", "1", "between", "fibre 1 writes to fibre 2", "2", "end fibre 2", "end fibre 1"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q; all of it:\n%s", got, want, both.String())
	}
}
