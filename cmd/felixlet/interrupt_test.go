package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A program that never ends is stopped by the timeout, whatever its loops jump back with:
// an unconditional jump, a fused comparison, a call, or a tail call.
func TestEndlessProgramsAreInterrupted(t *testing.T) {
	programs := map[string]string{
		"repeat":     `var n = 0; repeat perform ++n;`,
		"while test": `var x = 1; while x > 0 do x = x + 1; if x > 100 do x = 1; done done`,
		"recursion":  `proc spin (k: int) { if k >= 0 do spin (k + 1); done } spin 0;`,
		"fibres": `var i, o = mk_ioschannel_pair[int]();
spawn_fthread { while true do write (o, 1); done };
var s = 0; while s >= 0 do s = s + read i; if s > 1000 do s = 0; done done`,
	}
	for name, src := range programs {
		t.Run(name, func(t *testing.T) {
			var out, errs bytes.Buffer
			status := runProgram(programSource{Name: "endless.flx", Src: []byte(src)}, nil, runFlags{}, strings.NewReader(""), &out, &errs, 200*time.Millisecond)
			if status != exitTimeout || !strings.Contains(errs.String(), "timed out") {
				t.Errorf("status %d, stderr %q; want a timeout", status, errs.String())
			}
		})
	}
}
