// Package gochannels holds the Go side of the channel workloads (bench/channels): the
// same transfers and select as felixlet's, on Go's channels and goroutines. The Go peer
// runs them for the harness, and cmd/felixlet's benchmarks run them beside felixlet.
package gochannels

// Transfer passes the ints 1..n from a goroutine to the caller over a channel of the
// given slots (0: unbuffered) and returns their sum.
func Transfer(n, slots int) int {
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
	return sum
}

// Select4 has four goroutines pass the ints 1..n each over unbuffered channels of their
// own, takes all 4n with a select over the four, and returns their sum.
func Select4(n int) int {
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
	return sum
}
