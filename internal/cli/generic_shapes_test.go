package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// The generic-shape test instantiates every generic library function and chip, and user
// generics, at every shape of type, and compares each result three ways: the generic
// program, the same computation written without generics, and the answer worked out here
// from the shape's values. Generic code is compiled once per instance, and an instance
// lays out its values by the types it is given (a tuple's scalar and reference parts, its
// arguments spread or packed), so every shape of type is a separate chance to get it wrong.

// shape is a type with three distinct values of it.
type shape struct {
	name   string
	typ    string    // the type, as written in a program
	decls  string    // declarations the type needs
	vals   [3]string // three values, as expressions
	show   string    // a body of `fun show (x: T) : string`, written without generics
	shows  [3]string // what show gives for each value
	strs   [3]string // what str gives for each value, when the type has str
	eq     bool      // the type has equality
	hasStr bool      // the type has str
}

var shapes = []shape{
	{name: "int", typ: "int", vals: [3]string{"1", "-2", "30"}, show: "x.str",
		shows: [3]string{"1", "-2", "30"}, strs: [3]string{"1", "-2", "30"}, eq: true, hasStr: true},
	{name: "double", typ: "double", vals: [3]string{"1.5", "-0.25", "1.0e10"}, show: "x.str",
		shows: [3]string{"1.5", "-0.25", "1e+10"}, strs: [3]string{"1.5", "-0.25", "1e+10"}, eq: true, hasStr: true},
	{name: "bool", typ: "bool", vals: [3]string{"true", "false", "true"}, show: `if x then "T" else "F" endif`,
		shows: [3]string{"T", "F", "T"}, strs: [3]string{"true", "false", "true"}, eq: true, hasStr: true},
	{name: "char", typ: "char", vals: [3]string{`char "a"`, `char "b"`, `char "z"`}, show: "string x",
		shows: [3]string{"a", "b", "z"}, strs: [3]string{"a", "b", "z"}, eq: true, hasStr: true},
	{name: "string", typ: "string", vals: [3]string{`"a"`, `""`, `"x y"`}, show: `"<" + x + ">"`,
		shows: [3]string{"<a>", "<>", "<x y>"}, strs: [3]string{"a", "", "x y"}, eq: true, hasStr: true},
	{name: "unit", typ: "unit", vals: [3]string{"()", "()", "()"}, show: `"u"`,
		shows: [3]string{"u", "u", "u"}, strs: [3]string{"()", "()", "()"}, eq: true, hasStr: true},
	{name: "int pair", typ: "int * int", vals: [3]string{"(1, 2)", "(3, 4)", "(-5, 6)"},
		show:  `"(" + x.0.str + "," + x.1.str + ")"`,
		shows: [3]string{"(1,2)", "(3,4)", "(-5,6)"}, strs: [3]string{"(1, 2)", "(3, 4)", "(-5, 6)"}, eq: true, hasStr: true},
	{name: "bool and double", typ: "bool * double", vals: [3]string{"(true, 9.5)", "(false, 0.25)", "(true, -1.0)"},
		show:  `x.0.str + "/" + x.1.str`,
		shows: [3]string{"true/9.5", "false/0.25", "true/-1"}, strs: [3]string{"(true, 9.5)", "(false, 0.25)", "(true, -1)"}, eq: true, hasStr: true},
	{name: "mixed triple", typ: "int * string * double", vals: [3]string{`(1, "a", 1.5)`, `(2, "", -0.5)`, `(3, "c", 2.0)`},
		show:  `x.0.str + "/" + x.1 + "/" + x.2.str`,
		shows: [3]string{"1/a/1.5", "2//-0.5", "3/c/2"}, strs: [3]string{"(1, a, 1.5)", "(2, , -0.5)", "(3, c, 2)"}, eq: true, hasStr: true},
	{name: "nested tuple", typ: "(int * (string * bool)) * double",
		vals:  [3]string{`((1, ("a", true)), 2.5)`, `((2, ("b", false)), -1.0)`, `((3, ("", true)), 0.5)`},
		show:  `(x.0).0.str + "/" + ((x.0).1).0 + "/" + ((x.0).1).1.str + "/" + x.1.str`,
		shows: [3]string{"1/a/true/2.5", "2/b/false/-1", "3//true/0.5"},
		strs:  [3]string{"((1, (a, true)), 2.5)", "((2, (b, false)), -1)", "((3, (, true)), 0.5)"}, eq: true, hasStr: true},
	{name: "record", typ: "(a: int, b: string, c: double)",
		vals:  [3]string{`(a = 1, b = "x", c = 0.5)`, `(a = 2, b = "", c = 1.5)`, `(a = -3, b = "z", c = 2.0)`},
		show:  `x.a.str + "/" + x.b + "/" + x.c.str`,
		shows: [3]string{"1/x/0.5", "2//1.5", "-3/z/2"},
		strs:  [3]string{"(a=1, b=x, c=0.5)", "(a=2, b=, c=1.5)", "(a=-3, b=z, c=2)"}, eq: true, hasStr: true},
	{name: "option of a pair", typ: "opt[int * string]", vals: [3]string{`Some (1, "a")`, `None[int * string]`, `Some (2, "b")`},
		show:  `match x with | Some p => p.0.str + p.1 | None => "none" endmatch`,
		shows: [3]string{"1a", "none", "2b"}, strs: [3]string{"Some (1, a)", "None", "Some (2, b)"}, eq: true, hasStr: true},
	{name: "variant", typ: "shape", decls: "variant shape = Circle of double | Rect of int * string | Blank;",
		vals:  [3]string{"Circle 1.5", `Rect (2, "r")`, "Blank"},
		show:  `match x with | Circle r => "C" + r.str | Rect (w, s) => "R" + w.str + s | Blank => "B" endmatch`,
		shows: [3]string{"C1.5", "R2r", "B"}},
	{name: "list of pairs", typ: "list[int * string]", vals: [3]string{`([(1, "a")])`, `Empty[int * string]`, `([(2, "b"), (3, "c")])`},
		show:  `fold_left (fun (s: string) (p: int * string) => s + p.0.str + p.1) "L" x`,
		shows: [3]string{"L1a", "L", "L2b3c"}, strs: [3]string{"list((1, a))", "list()", "list((2, b), (3, c))"}, eq: true, hasStr: true},
	{name: "varray of pairs", typ: "varray[int * string]",
		vals:  [3]string{`varray ([(1, "a"), (2, "b")])`, `varray[int * string] 3uz`, `varray ([(3, "")])`},
		show:  `x.len.str + ":" + (if x.len > 0 then (x.0).0.str + (x.0).1 else "-" endif)`,
		shows: [3]string{"2:1a", "0:-", "1:3"}, strs: [3]string{"varray((1, a), (2, b))", "varray()", "varray((3, ))"}, hasStr: true},
	{name: "function of a pair", typ: "int * int -> int",
		vals: [3]string{"fun (a: int, b: int) => a + b", "fun (p: int * int) => p.0 * p.1", "fun (a: int, b: int) => a - b"},
		show: "(x (7, 3)).str", shows: [3]string{"10", "21", "4"}},
	{name: "function giving a pair", typ: "string -> string * double",
		vals: [3]string{`fun (s: string) => (s + "1", 1.5)`, `fun (s: string) => ("", 0.0)`, `fun (s: string) => (s + s, -2.0)`},
		show: `(x "k").0 + "/" + (x "k").1.str`, shows: [3]string{"k1/1.5", "/0", "kk/-2"}},
	{name: "pair with a function", typ: "int * (int -> int)",
		vals: [3]string{"(1, fun (n: int) => n + 1)", "(2, fun (n: int) => n * n)", "(3, fun (n: int) => -n)"},
		show: "x.0.str + \"/\" + (x.1 5).str", shows: [3]string{"1/6", "2/25", "3/-5"}},
}

// computation is one use of generic code, with the same computation written without
// generics. Both are statements that print one line "label: result". In them, T is the
// shape's type, V1..V3 its values, xs the list of them, show its show function, note adds
// show x and ";" to the string got, and shows gives show of each element of a list.
type computation struct {
	label           string
	generic         string
	plain           string
	want            func(s shape) string // the result, from the shape's values
	needEq, needStr bool
}

func cat(parts ...string) string { return strings.Join(parts, "") }

func listOf(s shape, idx ...int) string {
	var b strings.Builder
	for _, i := range idx {
		b.WriteString(s.shows[i] + ";")
	}
	return b.String()
}

func unique(s shape, idx ...int) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, i := range idx {
		if !seen[s.shows[i]] {
			seen[s.shows[i]] = true
			b.WriteString(s.shows[i] + ";")
		}
	}
	return b.String()
}

var computations = []computation{
	{label: "len", generic: `println$ "len: " + (len xs).str;`,
		plain: `var n = 0; for x in xs do ++n; done println$ "len: " + n.str;`,
		want:  func(s shape) string { return "3" }},
	{label: "rev", generic: `println$ "rev: " + shows (rev xs);`,
		plain: `println$ "rev: " + show V3 + ";" + show V2 + ";" + show V1 + ";";`,
		want:  func(s shape) string { return listOf(s, 2, 1, 0) }},
	{label: "map", generic: `println$ "map: " + shows (map (fun (x: T) => x) xs);`,
		plain: `var r = ""; for x in xs do r = r + show x + ";"; done println$ "map: " + r;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "map to string", generic: `println$ "map to string: " + fold_left (fun (a: string) (b: string) => a + b + ";") "" (map show xs);`,
		plain: `println$ "map to string: " + show V1 + ";" + show V2 + ";" + show V3 + ";";`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "fold_left into a string", generic: `println$ "fold_left into a string: " + fold_left (fun (acc: string) (x: T) => acc + show x + ";") "" xs;`,
		plain: `var r = ""; for x in xs do r = r + show x + ";"; done println$ "fold_left into a string: " + r;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "fold_left with a T accumulator", generic: `println$ "fold_left with a T accumulator: " + show (fold_left (fun (acc: T) (x: T) => x) V1 xs);`,
		plain: `var a = V1; for x in xs do a = x; done println$ "fold_left with a T accumulator: " + show a;`,
		want:  func(s shape) string { return s.shows[2] }},
	{label: "head and tail", generic: `println$ "head and tail: " + show (head xs) + "|" + shows (tail xs);`,
		plain: `println$ "head and tail: " + show V1 + "|" + show V2 + ";" + show V3 + ";";`,
		want:  func(s shape) string { return s.shows[0] + "|" + listOf(s, 1, 2) }},
	{label: "list concatenation", generic: `println$ "list concatenation: " + shows (xs + rev xs);`,
		plain: `println$ "list concatenation: " + shows xs + show V3 + ";" + show V2 + ";" + show V1 + ";";`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2, 2, 1, 0) }},
	{label: "list iterator", generic: `var it = iterator xs; var r = ""; for x in it do r = r + show x + ";"; done println$ "list iterator: " + r;`,
		plain: `var r = ""; for x in xs do r = r + show x + ";"; done println$ "list iterator: " + r;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "identity", generic: `println$ "identity: " + show (id V2);`,
		plain: `println$ "identity: " + show V2;`,
		want:  func(s shape) string { return s.shows[1] }},
	{label: "apply", generic: `println$ "apply: " + app show V2 + app[T, string] show V3;`,
		plain: `println$ "apply: " + show V2 + show V3;`,
		want:  func(s shape) string { return s.shows[1] + s.shows[2] }},
	{label: "apply twice", generic: `println$ "apply twice: " + show (twice (fun (x: T) => x) V3);`,
		plain: `println$ "apply twice: " + show V3;`,
		want:  func(s shape) string { return s.shows[2] }},
	{label: "pair and swap", generic: `var p = swap (pair (V1, 7)); println$ "pair and swap: " + p.0.str + show p.1;`,
		plain: `var p = (7, V1); println$ "pair and swap: " + p.0.str + show p.1;`,
		want:  func(s shape) string { return "7" + s.shows[0] }},
	{label: "a tuple of three", generic: `var t = triple (V2, V3, V1); println$ "a tuple of three: " + show t.0 + show t.1 + show t.2 + show (firstof (V3, V1, V2));`,
		plain: `println$ "a tuple of three: " + show V2 + show V3 + show V1 + show V3;`,
		want:  func(s shape) string { return s.shows[1] + s.shows[2] + s.shows[0] + s.shows[2] }},
	{label: "generic variant", generic: `println$ "generic variant: " + show (unbox (Box V1, V2)) + show (unbox (Two (V2, 5), V3)) + show (unbox (NoBox[T], V3));`,
		plain: `println$ "generic variant: " + show V1 + show V2 + show V3;`,
		want:  func(s shape) string { return s.shows[0] + s.shows[1] + s.shows[2] }},
	{label: "option", generic: `println$ "option: " + show (getopt (Some V1, V2)) + show (getopt (None[T], V3));`,
		plain: `var o = Some V1; println$ "option: " + (match o with | Some v => show v | None => "" endmatch) + show V3;`,
		want:  func(s shape) string { return s.shows[0] + s.shows[2] }},
	{label: "generic generator", generic: `var g = each xs; var r = ""; for x in g do r = r + show x + ";"; done println$ "generic generator: " + r;`,
		plain: `var r = ""; for x in xs do r = r + show x + ";"; done println$ "generic generator: " + r;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "generator argument", generic: `var g = echo[T] (); println$ "generator argument: " + show (g V2) + show (g V1);`,
		plain: `println$ "generator argument: " + show V2 + show V1;`,
		want:  func(s shape) string { return s.shows[1] + s.shows[0] }},
	{label: "closure", generic: `var f = constf V2; println$ "closure: " + show (f ());`,
		plain: `var v = V2; var f = fun () => v; println$ "closure: " + show (f ());`,
		want:  func(s shape) string { return s.shows[1] }},
	{label: "pointer", generic: `var y = V1; setp (&y, V3); println$ "pointer: " + show y + show (getp &y);`,
		plain: `var y = V1; var p = &y; p <- V3; println$ "pointer: " + show y + show (*p);`,
		want:  func(s shape) string { return s.shows[2] + s.shows[2] }},
	{label: "record field", generic: `println$ "record field: " + show (mkrec V2).v;`,
		plain: `var r = (v = V2, n = 1); println$ "record field: " + show r.v;`,
		want:  func(s shape) string { return s.shows[1] }},
	{label: "recursion", generic: `println$ "recursion: " + show (deep (5, V3));`,
		plain: `println$ "recursion: " + show V3;`,
		want:  func(s shape) string { return s.shows[2] }},
	{label: "generic calling generic", generic: `println$ "generic calling generic: " + show (lastof (xs, V1));`,
		plain: `println$ "generic calling generic: " + show V3;`,
		want:  func(s shape) string { return s.shows[2] }},
	{label: "channel", generic: `var i, o = mk_ioschannel_pair[T] (); spawn_fthread { wr (o, V2); }; println$ "channel: " + show (rd i);`,
		plain: `var i, o = mk_ioschannel_pair[T] (); spawn_fthread { write (o, V2); }; println$ "channel: " + show (read i);`,
		want:  func(s shape) string { return s.shows[1] }},
	{label: "duplex subcall", generic: `var srv, cli = mk_duplex_schannel_pair[T, T] (); spawn_fthread { while true do write (srv, read srv); done }; println$ "duplex subcall: " + show (cli V1) + show (subcall (cli, V3));`,
		plain: `println$ "duplex subcall: " + show V1 + show V3;`,
		want:  func(s shape) string { return s.shows[0] + s.shows[2] }},

	// arrays
	{label: "varray push and index", generic: `var v = varray[T] 3uz; push_back (v, V1); v += V2; v.push_back V3; println$ "varray push and index: " + show v.0 + show v.(1) + show (alast v) + v.len.str + v.maxlen.str;`,
		plain: `println$ "varray push and index: " + show V1 + show V2 + show V3 + "33";`,
		want:  func(s shape) string { return s.shows[0] + s.shows[1] + s.shows[2] + "33" }},
	{label: "darray through generic code", generic: `var d = darray[T] (); apush (d, V3); apush (d, V1); insert (d, 1, V2); var r = ajoin (d, show); erase (d, 0); println$ "darray through generic code: " + r + "|" + show (afirst d);`,
		plain: `println$ "darray through generic code: " + show V3 + ";" + show V2 + ";" + show V1 + ";|" + show V2;`,
		want:  func(s shape) string { return listOf(s, 2, 1, 0) + "|" + s.shows[1] }},
	{label: "array constructors", generic: `var a = varray xs; var b = darray (varray (a, 5uz)); set (b, 0, V3); pop_back b; var c = varray[T] (2uz, V2); var f = varray[T] (3uz, 2uz, fun (i: int) => if i == 0 then V1 else V3 endif); println$ "array constructors: " + ajoin (b, show) + ajoin (darray c, show) + ajoin (darray f, show) + a.maxlen.str;`,
		plain: `println$ "array constructors: " + show V3 + ";" + show V2 + ";" + show V2 + ";" + show V2 + ";" + show V1 + ";" + show V3 + ";3";`,
		want:  func(s shape) string { return listOf(s, 2, 1, 1, 1, 0, 2) + "3" }},

	// library chips
	{label: "source_from_list", generic: `run (source_from_list xs |-> procedure note); println$ "source_from_list: " + got;`,
		plain: `for x in xs do note x; done println$ "source_from_list: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "function", generic: `run (source_from_list xs |-> function (fun (x: T) => x) |-> procedure note); println$ "function: " + got;`,
		plain: `for x in xs do note x; done println$ "function: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "function to string", generic: `run (source_from_list xs |-> function show |-> procedure (proc (z: string) { got = got + z + ";"; })); println$ "function to string: " + got;`,
		plain: `for x in xs do note x; done println$ "function to string: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "filter with a condition", generic: `var k = 0; run (source_from_list xs |-> filter (fun (x: T) => true) (fun (x: T) => (x, 1)) |-> procedure (proc (p: T * int) { note p.0; })); println$ "filter with a condition: " + got;`,
		plain: `for x in xs do note x; done println$ "filter with a condition: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "filter of options", generic: `run (source_from_list xs |-> filter (fun (x: T) => Some x) |-> procedure note); println$ "filter of options: " + got;`,
		plain: `for x in xs do note x; done println$ "filter of options: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "iterate", generic: `var g = each xs; run (iterate g |-> procedure note); println$ "iterate: " + got;`,
		plain: `for x in xs do note x; done println$ "iterate: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "value", generic: `run (value V2 |-> procedure note); println$ "value: " + got;`,
		plain: `note V2; println$ "value: " + got;`,
		want:  func(s shape) string { return listOf(s, 1) }},
	{label: "generator and oneshot", generic: `run (generator (constf V3) |-> oneshot[T] |-> procedure note); println$ "generator and oneshot: " + got;`,
		plain: `note V3; println$ "generator and oneshot: " + got;`,
		want:  func(s shape) string { return listOf(s, 2) }},
	{label: "source", generic: `run (source V1 |-> oneshot[T] |-> procedure note); println$ "source: " + got;`,
		plain: `note V1; println$ "source: " + got;`,
		want:  func(s shape) string { return listOf(s, 0) }},
	{label: "bound_source_from_list", generic: `var i, o = mk_ioschannel_pair[opt[T]] (); spawn_fthread (bound_source_from_list xs (out = o)); for k in 1..4 do match read i with | Some v => note v; | None => got = got + "None;"; endmatch; done println$ "bound_source_from_list: " + got;`,
		plain: `for x in xs do note x; done got = got + "None;"; println$ "bound_source_from_list: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) + "None;" }},
	{label: "sink_to_list", generic: `var l = Empty[T]; run (source_from_list xs |-> sink_to_list &l); println$ "sink_to_list: " + shows l;`,
		plain: `println$ "sink_to_list: " + show V3 + ";" + show V2 + ";" + show V1 + ";";`,
		want:  func(s shape) string { return listOf(s, 2, 1, 0) }},
	{label: "sink_to_unique_list", needEq: true, generic: `var l = Empty[T]; run (source_from_list (xs + xs) |-> sink_to_unique_list &l); println$ "sink_to_unique_list: " + shows (rev l);`,
		plain: `var l = Empty[T]; for x in xs + xs do var seen = false; for y in l do if y == x do seen = true; done done if not seen do l = Cons (x, l); done done println$ "sink_to_unique_list: " + shows (rev l);`,
		want:  func(s shape) string { return unique(s, 0, 1, 2) }},
	{label: "buffer and epsilon", generic: `run (source_from_list xs |-> buffer[T] |-> epsilon[T] |-> procedure note); println$ "buffer and epsilon: " + got;`,
		plain: `for x in xs do note x; done println$ "buffer and epsilon: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "dup", generic: `var i0, o0 = mk_ioschannel_pair[T] (); var i1, o1 = mk_ioschannel_pair[T] (); var i2, o2 = mk_ioschannel_pair[T] (); spawn_fthread (BaseChips::dup[T] (inp = i0, out1 = o1, out2 = o2)); spawn_fthread { write (o0, V1); }; note (read i1); note (read i2); println$ "dup: " + got;`,
		plain: `note V1; note V1; println$ "dup: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 0) }},
	{label: "debug_buffer and debug_sink", needStr: true, generic: `run (value V2 |-> debug_buffer[T] "b" |-> debug_sink[T] "s"); println "debug_buffer and debug_sink: done";`,
		plain: `println$ "Debug buffer [b] READ"; println$ "Debug buffer [b] read " + V2.str; println$ "Debug sink [s] " + V2.str; println$ "Debug buffer [b] written " + V2.str; println$ "Debug buffer [b] READ"; println "debug_buffer and debug_sink: done";`,
		want:  nil},
	{label: "store", generic: `var cell = V1; run (value V2 |-> store &cell); println$ "store: " + show cell;`,
		plain: `var cell = V1; cell = V2; println$ "store: " + show cell;`,
		want:  func(s shape) string { return s.shows[1] }},
	{label: "fetch", generic: `var cell = V3; run (fetch &cell |-> oneshot[T] |-> procedure note); println$ "fetch: " + got;`,
		plain: `note V3; println$ "fetch: " + got;`,
		want:  func(s shape) string { return listOf(s, 2) }},
	{label: "latch", generic: `run (value V1 |-> latch[T] |-> oneshot[T] |-> procedure note); println$ "latch: " + got;`,
		plain: `note V1; println$ "latch: " + got;`,
		want:  func(s shape) string { return listOf(s, 0) }},
	{label: "serialise_chan_list", generic: `var a, ao = mk_ioschannel_pair[T] (); var b, bo = mk_ioschannel_pair[T] (); spawn_fthread { write (ao, V1); write (ao, V3); }; spawn_fthread { write (bo, V2); }; var oi, oo = mk_ioschannel_pair[T] (); spawn_fthread (serialise_chan_list ([a, b]) (out = oo)); for k in 1..3 do note (read oi); done println$ "serialise_chan_list: " + got;`,
		plain: `note V1; note V2; note V3; println$ "serialise_chan_list: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "pipeline_list", generic: `run (source_from_list xs |-> pipeline_list ([buffer[T], function (fun (x: T) => x)]) |-> procedure note); println$ "pipeline_list: " + got;`,
		plain: `for x in xs do note x; done println$ "pipeline_list: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "sink", generic: `run (source_from_list xs |-> sink[T]); println$ "sink: " + got;`,
		plain: `println$ "sink: " + got;`,
		want:  func(s shape) string { return "" }},
	{label: "tryall_list", generic: `run (value V2 |-> tryall_list ([function (fun (x: T) => x), epsilon[T]]) |-> procedure note); println$ "tryall_list: " + got;`,
		plain: `note V2; note V2; println$ "tryall_list: " + got;`,
		want:  func(s shape) string { return listOf(s, 1, 1) }},
	{label: "optional and the repetitions", generic: `run (value V3 |-> optional (oneshot[T]) |-> procedure note); run (value V1 |-> zeroormore_matcher (filter (fun (x: T) => None[T])) |-> procedure note); println$ "optional and the repetitions: " + got;`,
		plain: `note V3; note V3; note V1; println$ "optional and the repetitions: " + got;`,
		want:  func(s shape) string { return listOf(s, 2, 2, 0) }},
	{label: "deref_first_read and deref_each_read", generic: `var c = function (fun (x: T) => x); run (source_from_list xs |-> deref_first_read &c |-> deref_each_read &c |-> procedure note); println$ "deref_first_read and deref_each_read: " + got;`,
		plain: `for x in xs do note x; done println$ "deref_first_read and deref_each_read: " + got;`,
		want:  func(s shape) string { return listOf(s, 0, 1, 2) }},
	{label: "control", generic: `var a = V1; var b = V2; Control::swap (&a, &b); C_hack::ignore (id a); println$ "control: " + show a + show b + show ((fix (fun (g: T -> T) (x: T) => x)) V3);`,
		plain: `println$ "control: " + show V2 + show V1 + show V3;`,
		want:  func(s shape) string { return s.shows[1] + s.shows[0] + s.shows[2] }},
	{label: "curried subcall and a server procedure", generic: `var srv, cli = mk_duplex_schannel_pair[T, T] (); spawn_fthread { while true do write (srv, read srv); done }; proc echo_server (ch: %<T%>T) () { write (ch, read ch); } println$ "curried subcall and a server procedure: " + show (subcall cli V2) + show (echo_server V3);`,
		plain: `println$ "curried subcall and a server procedure: " + show V2 + show V3;`,
		want:  func(s shape) string { return s.shows[1] + s.shows[2] }},
}

// genericDefs are the user generics the computations call.
const genericDefs = `
fun id[U] (x: U) : U => x;
fun app[U, V] (f: U -> V) (x: U) : V => f x;
fun twice[U] (f: U -> U) (x: U) : U => f (f x);
fun pair[U, V] (a: U, b: V) : U * V => (a, b);
fun swap[U, V] (p: U * V) : V * U => (p.1, p.0);
fun triple[U] (a: U, b: U, c: U) : U * U * U => (a, b, c);
fun firstof[U] (t: U * U * U) : U => t.0;
variant box[U] = Box of U | Two of U * int | NoBox;
fun unbox[U] (b: box[U], d: U) : U => match b with | Box v => v | Two (v, _) => v | NoBox => d endmatch;
fun getopt[U] (o: opt[U], d: U) : U => match o with | Some v => v | None => d endmatch;
gen each[U] (xs: list[U]) () : opt[U] = { for x in xs do yield Some x; done return None[U]; }
gen echo[U] () (x: U) : U = { while true do yield x; done return x; }
fun constf[U] (x: U) : 1 -> U => fun () => x;
proc setp[U] (p: &U, v: U) { p <- v; }
fun getp[U] (p: &U) : U => *p;
fun mkrec[U] (a: U) : (v: U, n: int) => (v = a, n = 1);
gen rd[U] (c: %<U) : U => read c;
proc wr[U] (c: %>U, v: U) { write (c, v); }
fun deep[U] (n: int, x: U) : U => if n == 0 then x else deep (n - 1, x) endif;
fun lastof[U] (xs: list[U], d: U) : U => fold_left (fun (acc: U) (x: U) => x) d xs;
fun alast[U] (v: varray[U]) : U => v.(v.len - 1);
proc apush[U] (d: darray[U], x: U) { push_back (d, x); }
fun afirst[U] (d: darray[U]) : U => d.0;
fun ajoin[U] (d: darray[U], f: U -> string) : string = { var s = ""; for x in d do s = s + f x + ";"; done return s; }
`

// program writes the program that runs every computation that applies to s, generic or
// plain.
func (s shape) program(generic bool) string {
	var b strings.Builder
	b.WriteString(s.decls + "\n")
	fmt.Fprintf(&b, "typedef T = %s;\n", s.typ)
	fmt.Fprintf(&b, "fun show (x: T) : string => %s;\n", s.show)
	b.WriteString("fun shows (ys: list[T]) : string = { var s = \"\"; for y in ys do s = s + show y + \";\"; done return s; }\n")
	b.WriteString("var got = \"\";\nproc note (x: T) { got = got + show x + \";\"; }\n")
	fmt.Fprintf(&b, "val V1 : T = %s;\nval V2 : T = %s;\nval V3 : T = %s;\n", s.vals[0], s.vals[1], s.vals[2])
	b.WriteString("val xs = ([V1, V2, V3]);\n")
	if generic {
		b.WriteString(genericDefs)
	}
	for _, c := range s.applicable() {
		code := c.plain
		if generic {
			code = c.generic
		}
		fmt.Fprintf(&b, "got = \"\";\nbegin\n  %s\nend\n", code)
	}
	return b.String()
}

func (s shape) applicable() []computation {
	var out []computation
	for _, c := range computations {
		if c.needEq && !s.eq || c.needStr && !s.hasStr {
			continue
		}
		out = append(out, c)
	}
	return out
}

// want is the output every computation's program must print.
func (s shape) want() string {
	var b strings.Builder
	for _, c := range s.applicable() {
		if c.want == nil {
			// debug_buffer and debug_sink print with str.
			v := s.strs[1]
			fmt.Fprintf(&b, "Debug buffer [b] READ\nDebug buffer [b] read %s\nDebug sink [s] %s\nDebug buffer [b] written %s\nDebug buffer [b] READ\n", v, v, v)
			fmt.Fprintf(&b, "%s: done\n", c.label)
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", c.label, c.want(s))
	}
	return b.String()
}

func TestGenericCodeGivesTheSameResultsAtEveryShapeOfType(t *testing.T) {
	for _, s := range shapes {
		t.Run(strings.ReplaceAll(s.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			want := s.want()
			for _, generic := range []bool{true, false} {
				src := s.program(generic)
				var stdout, stderr bytes.Buffer
				status := runProgram(programSource{Name: "shape.flx", Src: []byte(src)}, nil, runFlags{dir: t.TempDir()},
					strings.NewReader(""), &stdout, &stderr, patience)
				kind := "plain"
				if generic {
					kind = "generic"
				}
				if status != 0 || stdout.String() != want {
					t.Errorf("%s program for %s: exit %d\n%s\n%s", kind, s.typ, status, stderr.String(), diffLines(want, stdout.String()))
					t.Logf("program:\n%s", src)
				}
			}
		})
	}
}

// diffLines shows the lines of got that differ from want.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
		}
	}
	return b.String()
}
