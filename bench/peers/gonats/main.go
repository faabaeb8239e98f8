// Command gonats is the Go peer of the net channel workloads (bench/net): the same
// exchanges written directly on nats.go, against the same server.
//
//	gonats URL consume SUBJECT N    read N messages (a queue subscriber), print the µs from first to last
//	gonats URL produce SUBJECT N    publish N small messages, then flush
//	gonats URL respond SUBJECT      answer every request on SUBJECT (a queue subscriber)
//	gonats URL request SUBJECT N    N requests one after the other, print the µs they took
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	if len(os.Args) < 4 {
		fail(fmt.Errorf("usage: gonats URL consume|produce|respond|request SUBJECT [N]"))
	}
	nc, err := nats.Connect(os.Args[1])
	if err != nil {
		fail(err)
	}
	defer nc.Close()
	subject := os.Args[3]
	n := 0
	if len(os.Args) > 4 {
		n, _ = strconv.Atoi(os.Args[4])
	}
	msg := []byte("message")
	switch os.Args[2] {
	case "consume":
		done := make(chan time.Duration)
		count, start := 0, time.Time{}
		_, err := nc.QueueSubscribe(subject, subject, func(*nats.Msg) {
			if count++; count == 1 {
				start = time.Now()
			}
			if count == n {
				done <- time.Since(start)
			}
		})
		if err != nil {
			fail(err)
		}
		nc.Flush()
		fmt.Println("ready")
		fmt.Printf("elapsed %d\n", (<-done).Microseconds())
	case "produce":
		for range n {
			if err := nc.Publish(subject, msg); err != nil {
				fail(err)
			}
		}
		nc.Flush()
	case "respond":
		if _, err := nc.QueueSubscribe(subject, subject, func(m *nats.Msg) { m.Respond([]byte("+")) }); err != nil {
			fail(err)
		}
		nc.Flush()
		fmt.Println("ready")
		select {}
	case "request":
		start := time.Now()
		for range n {
			if _, err := nc.Request(subject, msg, 10*time.Second); err != nil {
				fail(err)
			}
		}
		fmt.Printf("elapsed %d\n", time.Since(start).Microseconds())
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gonats:", err)
	os.Exit(1)
}
