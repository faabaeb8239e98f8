package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// The channel workloads (bench/channels/*.flx) measure Level 4's channels beside Go's in
// the same run: one transfer over a synchronous channel, then over buffered channels of
// 1, 16 and 1024 slots, and a select over four synchronous channels. They also check the
// first-cut bars of issue 10: a buffered transfer costs no more than a synchronous one, and
// a 4-way select no more than three transfers.
type channelWorkload struct {
	label string   // as the table shows it
	prog  string   // the program in bench/channels
	args  []string // its arguments, and the Go peer's after the workload's name
	ops   float64  // values passed
	want  string   // what both print
}

var channelWorkloads = []channelWorkload{
	{"W8 sync transfer 2M", "transfer.flx", nil, 2000000, "2000001000000"},
	{"W8 buffered 1 slot", "transfer.flx", []string{"1"}, 2000000, "2000001000000"},
	{"W8 buffered 16 slots", "transfer.flx", []string{"16"}, 2000000, "2000001000000"},
	{"W8 buffered 1024 slots", "transfer.flx", []string{"1024"}, 2000000, "2000001000000"},
	{"W9 select over 4", "select4.flx", nil, 2000000, "500001000000"},
}

// benchChannels runs the channel workloads, each as felixlet and as the Go peer, and
// prints the figures per value passed and the bars.
func benchChannels(runs int, felixlet, peer, root string, base, peerBase result) {
	perValue := map[string]float64{}
	for _, w := range channelWorkloads {
		prog := filepath.Join(root, "bench", "channels", w.prog)
		f := measure(runs, felixlet, append([]string{prog}, w.args...)...)
		g := measure(runs, peer, append([]string{"channels", w.prog}, w.args...)...)
		if f.out != w.want || g.out != w.want {
			fmt.Fprintf(os.Stderr, "%s: printed %q (felixlet) and %q (Go), want %q\n", w.label, f.out, g.out, w.want)
			os.Exit(1)
		}
		fn := float64(f.wall-base.wall) / w.ops
		gn := float64(g.wall-peerBase.wall) / w.ops
		perValue[w.label] = fn
		fmt.Printf("%-24s %-30s %-30s %.2fx\n", w.label, nanos(fn)+"/value", nanos(gn)+"/value", fn/gn)
	}
	sync := perValue[channelWorkloads[0].label]
	for _, w := range channelWorkloads[1:] {
		bar, limit := "buffered/sync", 1.0
		if w.prog == "select4.flx" {
			bar, limit = "select/sync", 3.0
		}
		ratio := perValue[w.label] / sync
		verdict := "within"
		if ratio > limit {
			verdict = "OVER"
		}
		fmt.Printf("  bar %-20s %-13s %.2fx (at most %sx): %s\n", w.label, bar, ratio, strconv.FormatFloat(limit, 'f', -1, 64), verdict)
	}
}
