package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/felixlet/felixlet/bench/peers/gochannels"
	"github.com/felixlet/felixlet/stdlib"
	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// Channel benchmarks: felixlet's synchronous and buffered channels and its select, each
// beside the same workload on Go's channels, so that one run gives the ratios. Each
// passes b.N ints from producers to a consumer; ns/op is the cost of one value.
//
//	go test ./internal/cli -run '^$' -bench 'Channel|Select'

// benchProgram compiles one of bench/channels/*.flx.
func benchProgram(b *testing.B, name string) *code.Program {
	b.Helper()
	p, ok := buildFile("../../bench/channels/"+name, os.Stderr)
	if !ok {
		b.Fatal("does not compile")
	}
	return p.Code()
}

// runBench runs a program with its arguments, once.
func runBench(b *testing.B, p *code.Program, args ...string) {
	m, err := vm.New(p, vm.Options{Stdout: io.Discard, Stderr: os.Stderr, Args: append([]string{"bench.flx"}, args...),
		Builtins: stdlib.Builtins})
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Run(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkChannelTransfer(b *testing.B) {
	for _, slots := range []int{0, 1, 16, 1024} {
		name := fmt.Sprintf("buffered%d.flx", slots)
		if slots == 0 {
			name = "sync.flx"
		}
		p := benchProgram(b, name)
		b.Run(fmt.Sprintf("slots=%d", slots), func(b *testing.B) {
			runBench(b, p, strconv.Itoa(b.N))
		})
	}
}

func BenchmarkGoChannelTransfer(b *testing.B) {
	for _, slots := range []int{0, 1, 16, 1024} {
		b.Run(fmt.Sprintf("slots=%d", slots), func(b *testing.B) {
			if gochannels.Transfer(b.N, slots) != b.N*(b.N+1)/2 {
				b.Fatal("wrong sum")
			}
		})
	}
}

func BenchmarkSelect4(b *testing.B) {
	p := benchProgram(b, "select4.flx")
	runBench(b, p, strconv.Itoa((b.N+3)/4))
}

func BenchmarkGoSelect4(b *testing.B) {
	n := (b.N + 3) / 4
	if gochannels.Select4(n) != 4*(n*(n+1)/2) {
		b.Fatal("wrong sum")
	}
}
