package main

import (
	"fmt"
	"os"

	"github.com/felixlet/felixlet/bench/peers/gochannels"
)

// channels runs the peer of a program of bench/channels, named as "channels/sync":
// transfers of 2,000,000 ints from a goroutine to main over an unbuffered channel (sync)
// or a buffered one (buffered1, buffered16, buffered1024), or four goroutines passing
// 500,000 ints each over channels of their own, which main takes with a select (select4).
// Each prints the sum.
func channels(name string) {
	slots := map[string]int{"channels/sync": 0, "channels/buffered1": 1, "channels/buffered16": 16, "channels/buffered1024": 1024}
	if s, ok := slots[name]; ok {
		fmt.Println(gochannels.Transfer(2000000, s))
		return
	}
	if name != "channels/select4" {
		fmt.Fprintln(os.Stderr, "unknown workload", name)
		os.Exit(2)
	}
	fmt.Println(gochannels.Select4(500000))
}
