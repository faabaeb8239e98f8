package main

import "fmt"

// The channel workloads (bench/channels/NAME.flx, and the Go peer's channels/NAME) measure
// Level 4's channels beside Go's in the same run: a transfer over a synchronous channel,
// over buffered channels of 1, 16 and 1024 slots, and a select over four synchronous
// channels. They also check the first-cut bars of issue 10: a buffered transfer costs no
// more than a synchronous one, and a 4-way select no more than three transfers.
var channelWorkloads = []workload{
	{"channels/sync", "W8 sync transfer 2M", 2000000, "value", false, "2000001000000", false},
	{"channels/buffered1", "W8 buffered, 1 slot", 2000000, "value", false, "2000001000000", false},
	{"channels/buffered16", "W8 buffered, 16 slots", 2000000, "value", false, "2000001000000", false},
	{"channels/buffered1024", "W8 buffered, 1024 slots", 2000000, "value", false, "2000001000000", false},
	{"channels/select4", "W9 select over 4, 2M", 2000000, "value", false, "500001000000", false},
}

// benchChannels runs the channel workloads on felixlet and the Go peer (systems), as the
// harness runs the others, and prints the figures per value passed (CPU time), then
// felixlet's bars.
func benchChannels(runs int, systems []system) {
	perValue := map[string]float64{}
	fmt.Printf("\n| workload | felixlet (CPU) | Go (CPU) | felixlet / Go |\n|---|---|---|---|\n")
	for _, w := range channelWorkloads {
		per := interleavePaired(runs, systems, w.name, w.want, w.ops)
		perValue[w.name] = per[0].cpu
		fmt.Printf("| %s | %s/%s | %s/%s | %.2fx |\n", w.label, nanos(per[0].cpu), w.unit, nanos(per[1].cpu), w.unit, per[0].cpu/per[1].cpu)
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
