package main

import (
	"testing"
	"time"
)

// TestGolden runs every golden program under testdata through the same code as
// `felixlet test`.
func TestGolden(t *testing.T) {
	tests, err := findGolden([]string{"../../testdata"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Fatal("no golden tests found")
	}
	for _, gt := range tests {
		t.Run(gt.Name, func(t *testing.T) {
			t.Parallel()
			if res := runGolden(gt, 20*time.Second); res.Diff != "" {
				t.Errorf("%s: %s", gt.path(".flx"), res.Diff)
			}
		})
	}
}
