package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// writeProfile makes cmd/felixlet/default.pgo, the CPU profile that `go build` uses to
// optimise felixlet (profile-guided optimisation: it inlines the calls that the profile
// finds hot, among the machine's channel operations above all). It runs felixlet on each
// workload with --cpuprofile and merges the profiles: the workloads stand for what
// programs do (calls, loops, rendezvous, spawning, parking), and the profile changes no
// behaviour, only which calls the compiler inlines. Run `go run ./bench -pgo` again when
// the machine's hot paths change; an old profile still builds, and helps less.
func writeProfile(felixlet, root, dir string) {
	var profiles []string
	for _, w := range workloads {
		prof := filepath.Join(dir, w.name+".pprof")
		cmd := exec.Command(felixlet, "run", "--cpuprofile", prof, filepath.Join(root, "bench", w.name+".flx"))
		cmd.Stderr = os.Stderr
		check(cmd.Run())
		profiles = append(profiles, prof)
	}
	out := filepath.Join(root, "cmd", "felixlet", "default.pgo")
	merge := exec.Command("go", append([]string{"tool", "pprof", "-proto"}, profiles...)...)
	merge.Stderr = os.Stderr
	merged, err := merge.Output()
	check(err)
	check(os.WriteFile(out, merged, 0o644))
	fmt.Printf("wrote %s from %d workloads\n", out, len(profiles))
}
