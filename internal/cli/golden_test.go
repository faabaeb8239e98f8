package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/felixlet/felixlet/stdlib/netchan"
	"github.com/felixlet/felixlet/stdlib/netchan/natslink"
)

// TestGolden runs every golden program under testdata, and the examples, through the
// same runner as `felixlet test` (runGolden), one subtest per program so that
// `go test -run TestGolden/NAME` runs one.
//
// The golden programs run in this process, and so do their net channels: NATS serves them
// here (natslink.Serve) instead of in a felixlet-net process, which the tests that run
// felixlet as a process (net_test.go) start as an installation does.
func TestGolden(t *testing.T) {
	netchan.ServeInProcess(natslink.Serve)
	tests, err := findGolden([]string{"../../testdata", "../../examples"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Fatal("no golden tests found")
	}
	for _, gt := range tests {
		t.Run(gt.Name, func(t *testing.T) {
			t.Parallel()
			if res := runGolden(gt, goldenOptions{Timeout: patience}); res.Diff != "" {
				t.Errorf("%s: %s", gt.file(), res.Diff)
			}
		})
	}
}

// patience is how long a test waits for what takes moments: only a hang runs out of it, not
// a slow or loaded machine (or -race).
const patience = 5 * time.Minute

// The benchmark programs are too slow to run in the tests, but they must keep compiling.
func TestBenchmarkProgramsCompile(t *testing.T) {
	files, err := filepath.Glob("../../bench/*.flx")
	channels, _ := filepath.Glob("../../bench/channels/*.flx")
	files = append(files, channels...)
	if err != nil || len(files) == 0 || len(channels) == 0 {
		t.Fatalf("no benchmark programs: %v", err)
	}
	for _, file := range files {
		var errs strings.Builder
		if _, ok := buildFile(file, &errs); !ok {
			t.Errorf("%s does not compile:\n%s", file, errs.String())
		}
	}
}
