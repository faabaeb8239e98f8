package main

import (
	"fmt"
	"os"
	"strconv"
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
		const n = 2000000
		ch := make(chan int, slots)
		go func() {
			for k := 1; k <= n; k++ {
				ch <- k
			}
		}()
		sum := 0
		for k := 1; k <= n; k++ {
			sum += <-ch
		}
		fmt.Println(sum)
	case "select4.flx":
		const n = 500000
		chs := [4]chan int{make(chan int), make(chan int), make(chan int), make(chan int)}
		for _, ch := range chs {
			go func() {
				for k := 1; k <= n; k++ {
					ch <- k
				}
			}()
		}
		sum := 0
		for k := 0; k < 4*n; k++ {
			select {
			case x := <-chs[0]:
				sum += x
			case x := <-chs[1]:
				sum += x
			case x := <-chs[2]:
				sum += x
			case x := <-chs[3]:
				sum += x
			}
		}
		fmt.Println(sum)
	default:
		fmt.Fprintln(os.Stderr, "unknown channel workload", args[0])
		os.Exit(2)
	}
}
