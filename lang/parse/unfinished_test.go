package parse

import "testing"

// Unfinished tells an input that more lines could finish from one that is complete, or
// wrong whatever follows.
func TestUnfinishedFindsOpenConstructs(t *testing.T) {
	for src, want := range map[string]bool{
		"proc greet () {\n  println 1;\n":                 true,
		"proc greet () {\n  println 1;\n}\n":              false,
		"while true do\n  println 1;\n":                   true,
		"while true do\n  println 1;\ndone\n":             false,
		"if x do\n  y;\nelif z do\n  w;\n":                true,
		"if x do\n  y;\nelif z do\n  w;\ndone":            false,
		"if x goto l;\n":                                  false,
		"var v = if a then 1 elif b then 2 else 3":        true,
		"var v = if a then 1 elif b then 2 else 3 endif;": false,
		"match x with\n| Some y => 1\n":                   true,
		"match x with\n| Some y => 1\nendmatch;":          false,
		"match x do\n| Some y => println y;\n":            true,
		"match x do\n| Some y => println y;\ndone":        false,
		"begin\n var a = 1;\n":                            true,
		"circuit\n connect a.out, b.inp\n":                true,
		"circuit\n connect a.out, b.inp\nendcircuit":      false,
		"var x = f (1,\n":                                 true,
		"var s = \"a ( string\";":                         false,
		"// a comment (\nvar a = 1;":                      false,
		"println 1);":                                     false,
		"for i in 1..3 do\n":                              true,
		"select\n":                                        true,
		"select\n| x = read a => println x;\n":            true,
		"select\n| x = read a => println x;\nendselect":   false,
		"println$ select 1;":                              false,
	} {
		if got := Unfinished([]byte(src)); got != want {
			t.Errorf("Unfinished(%q) = %v, want %v", src, got, want)
		}
	}
}
