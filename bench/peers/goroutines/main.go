// Command goroutines is the Go peer of felixlet's benchmark workloads: the same programs
// written with goroutines and unbuffered channels, measured by the harness in the same run
// as felixlet. Usage: goroutines WORKLOAD, where WORKLOAD is one of fib, loop, pingpong,
// chain, spawn, park, sieve or empty (start-up only); or goroutines echo PORT, the echo
// server of examples/echo.flx. A WORKLOAD channels/NAME is the peer of the program
// bench/channels/NAME.flx (channels.go).
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "echo" {
		echo(os.Args[2])
		return
	}
	if len(os.Args) == 2 && strings.HasPrefix(os.Args[1], "channels/") {
		channels(os.Args[1])
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goroutines fib|loop|pingpong|chain|spawn|park|sieve|empty|channels/NAME, or goroutines echo PORT")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "empty":
	case "fib":
		fmt.Println(fib(30))
	case "loop":
		s := 0
		for i := 0; i < 10000000; i++ {
			s += i
		}
		fmt.Println(s)
	case "pingpong":
		pingpong(1000000)
	case "chain":
		chain(10000, 100)
	case "spawn":
		spawn(1000000)
	case "park":
		chain(1000000, 1)
	case "sieve":
		sieve(2000)
	default:
		fmt.Fprintln(os.Stderr, "unknown workload", os.Args[1])
		os.Exit(2)
	}
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// pingpong bounces a counter between two goroutines over two channels.
func pingpong(rounds int) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for {
			ping <- 1 + <-pong
		}
	}()
	n := 0
	for i := 0; i < rounds; i++ {
		pong <- n
		n = <-ping
	}
	fmt.Println(n)
}

// chain passes tokens through a daisy chain of goroutines that each add one.
func chain(links, tokens int) {
	first := make(chan int)
	left := first
	for k := 0; k < links; k++ {
		right := make(chan int)
		go func(in <-chan int, out chan<- int) {
			for {
				out <- 1 + <-in
			}
		}(left, right)
		left = right
	}
	sum := 0
	for t := 0; t < tokens; t++ {
		first <- 0
		sum += <-left
	}
	fmt.Println(sum)
}

// spawn starts goroutines that each wait forever on a channel of their own. Go never
// reclaims them.
func spawn(n int) {
	for k := 0; k < n; k++ {
		ch := make(chan int)
		go func() { fmt.Println(<-ch) }()
	}
	fmt.Println(n)
}

// echo serves TCP clients on 127.0.0.1:port, a goroutine per connection, each reading a
// line and writing it back (a write per line, like sock_write) until the client closes.
func echo(port string) {
	l, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		go func() {
			defer c.Close()
			in := bufio.NewReaderSize(c, 64<<10)
			for {
				line, err := in.ReadSlice('\n')
				if err == bufio.ErrBufferFull {
					err = nil // a long line: echo it in pieces
				}
				if len(line) > 0 {
					if _, werr := c.Write(line); werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	}
}

// sieve is the concurrent prime sieve.
func sieve(k int) {
	src := make(chan int)
	go func() {
		for i := 2; ; i++ {
			src <- i
		}
	}()
	in := src
	for ; ; k-- {
		prime := <-in
		if k == 1 {
			fmt.Println(prime)
			return
		}
		out := make(chan int)
		go func(p int, in <-chan int, out chan<- int) {
			for {
				if x := <-in; x%p != 0 {
					out <- x
				}
			}
		}(prime, in, out)
		in = out
	}
}
