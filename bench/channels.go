package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// The channel workloads (bench/channels/NAME.flx, and the Go peer's channels/NAME) measure
// Level 4's channels beside Go's in the same run: a transfer over a synchronous channel,
// over buffered channels of 1, 16 and 1024 slots, and a select over four synchronous
// channels. They also check the first-cut bars of issue 10: a buffered transfer costs no
// more than a synchronous one, and a 4-way select no more than three transfers.
var channelWorkloads = []workload{
	{"channels/sync", "W8 sync transfer 2M", 2000000, "value", false, "2000001000000"},
	{"channels/buffered1", "W8 buffered, 1 slot", 2000000, "value", false, "2000001000000"},
	{"channels/buffered16", "W8 buffered, 16 slots", 2000000, "value", false, "2000001000000"},
	{"channels/buffered1024", "W8 buffered, 1024 slots", 2000000, "value", false, "2000001000000"},
	{"channels/select4", "W9 select over 4, 2M", 2000000, "value", false, "500001000000"},
}

// benchChannels runs the channel workloads, each as felixlet and as the Go peer, and
// prints the figures per value passed, then felixlet's bars.
func benchChannels(runs int, felixlet, peer, root string, base, peerBase result) {
	perValue := map[string]float64{}
	for _, w := range channelWorkloads {
		f := measure(runs, felixlet, filepath.Join(root, "bench", w.name+".flx"))
		g := measure(runs, peer, w.name)
		if f.out != w.want || g.out != w.want {
			fmt.Fprintf(os.Stderr, "%s: printed %q (felixlet) and %q (Go), want %q\n", w.name, f.out, g.out, w.want)
			os.Exit(1)
		}
		fn := float64(f.wall-base.wall) / w.ops
		gn := float64(g.wall-peerBase.wall) / w.ops
		perValue[w.name] = fn
		fmt.Printf("%-24s %-30s %-30s %.2fx\n", w.label, nanos(fn)+"/"+w.unit, nanos(gn)+"/"+w.unit, fn/gn)
	}
	sync := perValue["channels/sync"]
	for _, w := range channelWorkloads[1:] {
		limit := 1.0 // a buffered transfer against a synchronous one
		if w.name == "channels/select4" {
			limit = 3 // a 4-way select against one transfer
		}
		verdict := "within"
		if perValue[w.name]/sync > limit {
			verdict = "OVER"
		}
		fmt.Printf("  bar: %-24s %.2fx a synchronous transfer (at most %gx): %s\n", w.label, perValue[w.name]/sync, limit, verdict)
	}
}
