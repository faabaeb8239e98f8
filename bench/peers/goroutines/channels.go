package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/felixlet/felixlet/bench/peers/gochannels"
)

// channels runs the peers of bench/channels: "transfer.flx [slots]" passes 2,000,000
// ints from a goroutine to main over a channel of that many slots (0 or none:
// unbuffered); "select4.flx" has four goroutines pass 500,000 ints each over channels of
// their own, which main takes with a select over the four. Each prints the sum.
func channels(args []string) {
	switch args[0] {
	case "transfer.flx":
		slots := 0
		if len(args) > 1 {
			slots, _ = strconv.Atoi(args[1])
		}
		fmt.Println(gochannels.Transfer(2000000, slots))
	case "select4.flx":
		fmt.Println(gochannels.Select4(500000))
	default:
		fmt.Fprintln(os.Stderr, "unknown channel workload", args[0])
		os.Exit(2)
	}
}
