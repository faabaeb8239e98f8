package felixlet_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/felixlet/felixlet"
)

// A program compiled and run, with two fibres talking over a channel.
func Example() {
	src := `
proc greeter (names: %<string) () {
  while true do println$ "hello, " + read names; done
}
var i, o = mk_ioschannel_pair[string] ();
spawn_fthread (greeter i);
for name in list ("fibres", "channels") do write (o, name); done
`
	prog, err := felixlet.Compile("hello.flx", []byte(src), nil)
	if err != nil {
		log.Fatal(err)
	}
	m, err := prog.NewMachine(felixlet.Config{Stdout: os.Stdout})
	if err != nil {
		log.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// hello, fibres
	// hello, channels
}

// A program that does not compile gives every error, with its position.
func ExampleCompileError() {
	src := "var n = 1;\nprintln$ \"n=\" + n;\nprintln$ undefined_name;\n"
	_, err := felixlet.Compile("typo.flx", []byte(src), nil)
	var cerr *felixlet.CompileError
	if !errors.As(err, &cerr) {
		log.Fatal("it compiled")
	}
	for _, d := range cerr.Diagnostics {
		fmt.Printf("line %d, column %d: %s\n", d.Line, d.Col, d.Msg)
	}
	fmt.Println("--- as the felixlet command prints them:")
	cerr.Diagnostics.Print(os.Stdout)
	// Output:
	// line 2, column 15: operator + cannot be applied to string and int (convert the int with .str)
	// line 3, column 10: undefined name undefined_name
	// --- as the felixlet command prints them:
	// typo.flx:2:15: operator + cannot be applied to string and int (convert the int with .str)
	//   println$ "n=" + n;
	//                 ^
	// typo.flx:3:10: undefined name undefined_name
	//   println$ undefined_name;
	//            ^
}

// Go functions become typed functions of the program: several parameters make a tuple,
// several results too, a slice is a list, and an error is a runtime error at the call.
func ExampleLibrary_Func() {
	var lib felixlet.Library
	must(lib.Func("repeated", func(s string, n int) (string, error) {
		if n < 0 {
			return "", fmt.Errorf("repeated: %d times", n)
		}
		return strings.Repeat(s, n), nil
	}))
	must(lib.Func("span", func(xs []float64) (lo, hi float64) {
		lo, hi = xs[0], xs[0]
		for _, x := range xs {
			lo, hi = min(lo, x), max(hi, x)
		}
		return lo, hi
	}))
	src := `
println$ repeated ("ab", 3);
var lo, hi = span (list (2.5, -1.0, 4.0));
println$ lo, hi;
println$ repeated ("x", -1);
`
	prog, err := felixlet.Compile("funcs.flx", []byte(src), &lib)
	if err != nil {
		log.Fatal(err)
	}
	m, err := prog.NewMachine(felixlet.Config{Stdout: os.Stdout})
	if err != nil {
		log.Fatal(err)
	}
	err = m.Run(context.Background())
	fmt.Println("run:", err)
	// Output:
	// ababab
	// (-1, 4)
	// run: funcs.flx:5:10: repeated: -1 times
}

// Go gives a program a function and two channels: the fibre reads orders from Go, and
// writes their total back. (README.md shows this example.)
func ExampleNewInput() {
	type order struct {
		Item     string
		Quantity int
	}
	var lib felixlet.Library
	must(lib.Func("shout", strings.ToUpper))                // fun shout : string -> string
	orders, err := felixlet.NewInput[order](&lib, "orders") // the program reads it: %<(string * int)
	must(err)
	totals, err := felixlet.NewOutput[int](&lib, "totals") // the program writes it: %>int
	must(err)
	src := `
var total = 0;
var more = true;
while more do
  match read_opt orders with
  | Some (item, n) => total = total + n; println$ shout item + ": " + n.str;
  | None => more = false;
  endmatch;
done
write (totals, total);
`
	prog, err := felixlet.Compile("orders.flx", []byte(src), &lib) // or a *felixlet.CompileError
	must(err)
	m, err := prog.NewMachine(felixlet.Config{Stdout: os.Stdout})
	must(err)
	in, out := orders.On(m), totals.On(m) // Go's ends, for any goroutine; the program waits for them
	ctx := context.Background()
	var total int
	go func() {
		for _, o := range []order{{"apples", 3}, {"pears", 4}} {
			must(in.Send(ctx, o)) // returns once a fibre has read it
		}
		in.Close() // read_opt gives None
		t, _, err := out.Recv(ctx)
		must(err)
		total = t
		out.Close() // the program may end
	}()
	must(m.Run(ctx)) // nil, a *felixlet.RuntimeError, or ctx's error
	fmt.Println("total:", total)
	// Output:
	// APPLES: 3
	// PEARS: 4
	// total: 7
}

// A context stops a program that would run for ever.
func ExampleMachine_Run_context() {
	prog, err := felixlet.Compile("endless.flx", []byte("var n = 0;\nwhile true do ++n; done\n"), nil)
	must(err)
	m, err := prog.NewMachine(felixlet.Config{})
	must(err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println(m.Run(ctx))
	// Output:
	// context deadline exceeded
}

// A runtime error says where it happened, in which fibre, and how the fibre got there.
func ExampleRuntimeError() {
	src := `
fun ratio (a: int, b: int) => a / b;
proc worker () { println$ ratio (1, 0); }
spawn_fthread worker;
`
	prog, err := felixlet.Compile("crash.flx", []byte(src), nil)
	must(err)
	m, err := prog.NewMachine(felixlet.Config{})
	must(err)
	err = m.Run(context.Background())
	var rerr *felixlet.RuntimeError
	if errors.As(err, &rerr) {
		fmt.Println("halted:", rerr.Halt)
		rerr.Report(os.Stdout)
	}
	// Output:
	// halted: false
	// crash.flx:2:33: division by zero
	// fibre 2:
	//   crash.flx:2:33 in ratio
	//   crash.flx:3:27 in worker
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
