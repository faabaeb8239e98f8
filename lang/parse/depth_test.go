package parse

import (
	"strings"
	"testing"
)

// nested builds hostile programs that nest n deep in each way a program can.
var nested = map[string]func(n int) string{
	"parentheses":          func(n int) string { return "println " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + ";" },
	"unclosed parentheses": func(n int) string { return "println " + strings.Repeat("(", n) + "1;" },
	"begin and end":        func(n int) string { return strings.Repeat("begin ", n) + "println 1; " + strings.Repeat("end ", n) },
	"braces":               func(n int) string { return "var p = " + strings.Repeat("{ ", n) + strings.Repeat("}", n) + ";" },
	"if expressions": func(n int) string {
		return "val x = " + strings.Repeat("if true then ", n) + "1" + strings.Repeat(" else 2 endif", n) + ";"
	},
	"else if chains": func(n int) string {
		return "val x = " + strings.Repeat("if false then 1 else ", n) + "2;"
	},
	"lambdas": func(n int) string { return "val f = " + strings.Repeat("fun (x: int) => ", n) + "1;" },
	"nested procs": func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString("proc p () { ")
		}
		return b.String() + strings.Repeat("}", n)
	},
	"matches": func(n int) string {
		return "val x = " + strings.Repeat("match 1 with | _ => ", n) + "1" + strings.Repeat(" endmatch", n) + ";"
	},
	"dollars":         func(n int) string { return "println " + strings.Repeat("id$ ", n) + "1;" },
	"conses":          func(n int) string { return "println$ " + strings.Repeat("1 ! ", n) + "Empty[int];" },
	"prefix minuses":  func(n int) string { return "println " + strings.Repeat("- ", n) + "1;" },
	"list elements":   func(n int) string { return "println ([" + strings.Repeat("1, ", n) + "1]);" },
	"a long sum":      func(n int) string { return "println$ " + strings.Repeat("1 + ", n) + "1;" },
	"an application":  func(n int) string { return "println$ f" + strings.Repeat(" x", n) + ";" },
	"field accesses":  func(n int) string { return "println$ x" + strings.Repeat(".f", n) + ";" },
	"let expressions": func(n int) string { return "val x = " + strings.Repeat("let y = 1 in ", n) + "1;" },
}

// Nesting no person writes is refused with a positioned error before the parser can run out
// of stack; nesting people do write parses.
func TestDeepNestingIsRefusedBeforeItCanOverflowTheStack(t *testing.T) {
	for name, gen := range nested {
		t.Run(name, func(t *testing.T) {
			depth := 100000
			if name == "list elements" || name == "a long sum" || name == "an application" || name == "field accesses" {
				depth = 300000
			}
			_, errs, _ := File("deep.flx", []byte(gen(depth)), Config{})
			if len(errs) != 1 || !strings.Contains(errs[0].Msg, "felixlet refuses it rather than run out of stack") || errs[0].Pos.Line != 1 || errs[0].Pos.Col < 2 {
				t.Fatalf("%s %d deep: want one positioned refusal, got %v", name, depth, errs)
			}
			_, errs, _ = File("shallow.flx", []byte(gen(300)), Config{})
			for _, e := range errs {
				if strings.Contains(e.Msg, "refuses") {
					t.Fatalf("%s 300 deep is refused: %v", name, e)
				}
			}
		})
	}
}
