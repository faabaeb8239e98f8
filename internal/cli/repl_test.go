package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// replRun feeds lines to a new REPL session and returns what it printed and its status.
func replRun(t *testing.T, lines string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errs strings.Builder
	status = replLines(strings.NewReader(lines), &out, &errs)
	return out.String(), errs.String(), status
}

// expectRepl checks a session's standard output, and that it had no errors.
func expectRepl(t *testing.T, lines, want string) {
	t.Helper()
	out, errs, status := replRun(t, lines)
	if out != want || errs != "" || status != exitOK {
		t.Errorf("session:\n%s\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nstatus %d", lines, out, want, errs, status)
	}
}

func TestReplPrintsAnExpressionWithItsType(t *testing.T) {
	expectRepl(t, "1 + 2\n\"abc\" + \"d\"\n(1, 2.5, true)\n([1, 2])\n",
		"3 : int\n'abcd' : string\n(1, 2.5, true) : int * double * bool\nlist(1, 2) : list[int]\n")
}

func TestReplKeepsTheLastValueAsIt(t *testing.T) {
	expectRepl(t, "20 + 1\nit * 2\nit\n", "21 : int\n42 : int\n42 : int\n")
}

func TestReplRunsStatementsAndProcedureCallsWithoutPrintingATypeOrNeedingASemicolon(t *testing.T) {
	expectRepl(t, "println \"a\"\nprintln \"b\";\nproc p () { println \"c\"; }\np\n", "a\nb\nc\n")
}

func TestReplKeepsVariablesAndDefinitionsFromOneInputToTheNext(t *testing.T) {
	expectRepl(t, "var x = 5;\nfun sq (y: int) => y * y;\nx = sq x;\nx\n", "25 : int\n")
}

func TestReplContinuesAnUnfinishedInputOnTheNextLine(t *testing.T) {
	expectRepl(t, "proc count (n: int) {\n  for i in 1..n do\n    println i;\n  done\n}\ncount 2\nvar t = (1,\n  2);\nt\n",
		"1\n2\n(1, 2) : int * int\n")
}

func TestReplKeepsAWaitingFibreForALaterInputToWake(t *testing.T) {
	expectRepl(t, `var i, o = mk_ioschannel_pair[int]();
spawn_fthread { while true do println$ "got " + str (read i); done };
:fibres
write (o, 1);
write (o, 2);
:fibres
`, "0 active, 1 waiting\ngot 1\ngot 2\n0 active, 1 waiting\n")
}

func TestReplCollectsAFibreNothingCanReachAnyMore(t *testing.T) {
	expectRepl(t, `var c = mk_schannel[int] ();
spawn_fthread { var x = read c; println x; };
:fibres
c = mk_schannel[int] ();
:fibres
`, "0 active, 1 waiting\n0 active, 0 waiting\n")
}

func TestReplDefiningANameAgainShadowsItForLaterInputsOnly(t *testing.T) {
	expectRepl(t, `fun f (x: int) => x + 1;
var g = f;
fun f (x: int) => x * 100;
f 1
g 1
var f = "now a string";
f
`, "100 : int\n2 : int\n'now a string' : string\n")
}

func TestReplReportsASyntaxErrorAndStaysUsable(t *testing.T) {
	out, errs, status := replRun(t, "var x = 1 + ;\nvar y = (1, 2));\nprintln \"still here\";\n")
	if out != "still here\n" || status != exitRuntime {
		t.Errorf("stdout %q, status %d", out, status)
	}
	for _, want := range []string{"<input1>:1:13: syntax error", "  var x = 1 + ;\n              ^", "<input2>:1:"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

func TestReplReportsATypeErrorAndStaysUsable(t *testing.T) {
	out, errs, _ := replRun(t, "1 + \"a\"\nundefined_name\n2\n")
	if out != "2 : int\n" {
		t.Errorf("stdout %q", out)
	}
	if strings.Count(errs, "<input") != 2 || !strings.Contains(errs, "undefined name undefined_name") {
		t.Errorf("stderr:\n%s", errs)
	}
}

// The checker checks a library function when an input first uses it, and the compiler
// compiles it then: here for_each (not generic, compiled once) and rev (generic), first
// used by inputs that did not run, one with an error and one only typed.
func TestReplCompilesALibraryFunctionWhenAnInputFirstUsesIt(t *testing.T) {
	loop := "for_each (proc () { n = 0; }) (fun () => n < 2) (proc () { n = n + 1; }) (proc () { println n; });"
	out, errs, _ := replRun(t, "println \"start\";\nvar n = 5; "+loop+" no_such_name;\n:type rev ([1, 2])\n"+
		"rev ([1, 2, 3])\nvar n = 5; "+loop+"\n"+loop+"\n")
	if want := "start\nlist[int]\nlist(3, 2, 1) : list[int]\n0\n1\n0\n1\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if strings.Count(errs, "<input") != 1 || !strings.Contains(errs, "undefined name no_such_name") {
		t.Errorf("stderr:\n%s", errs)
	}
}

func TestReplReportsARuntimeErrorWithABacktraceAndStaysUsable(t *testing.T) {
	out, errs, status := replRun(t, "fun divide (a: int, b: int) => a / b;\ndivide (1, 0)\n7\n")
	if out != "7 : int\n" || status != exitRuntime {
		t.Errorf("stdout %q, status %d", out, status)
	}
	if !strings.Contains(errs, "division by zero") || !strings.Contains(errs, "in divide") || !strings.Contains(errs, "<input2>") {
		t.Errorf("stderr:\n%s", errs)
	}
}

func TestReplInterruptStopsTheRunningInputAndKeepsTheSession(t *testing.T) {
	var out, errs strings.Builder
	s := newReplSession(&out, &errs)
	defer s.m.Close()
	s.line("var n = 0;")
	timer := time.AfterFunc(200*time.Millisecond, s.m.Interrupt)
	defer timer.Stop()
	s.line("while true do ++n; done")
	s.line("n > 0")
	if out.String() != "true : bool\n" || !strings.Contains(errs.String(), "interrupted") {
		t.Errorf("stdout %q, stderr %q", out.String(), errs.String())
	}
}

func TestReplCommandTypeShowsATypeWithoutRunning(t *testing.T) {
	expectRepl(t, "fun twice (f: int -> int) (x: int) => f (f x);\n:type twice\n:type (1, \"a\")\n"+
		"fun noisy () : int = { println \"ran\"; return 1; }\n:type noisy ()\n",
		"(int -> int) -> int -> int\nint * string\nint\n")
}

func TestReplCommandLoadRunsAFileAndKeepsItsDefinitions(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lib.flx")
	os.WriteFile(file, []byte("fun triple (x: int) => 3 * x;\nprintln \"loaded\";\n"), 0o644)
	expectRepl(t, ":load "+file+"\ntriple 4\n", "loaded\n12 : int\n")
}

func TestReplCommandDisasmShowsAFunctionsBytecode(t *testing.T) {
	out, errs, _ := replRun(t, "fun add1 (x: int) => x + 1;\n:disasm add1\n:disasm nothing\n")
	if !strings.HasPrefix(out, "func ") || !strings.Contains(out, " add1 (<input1>)") || !strings.Contains(out, "RET") {
		t.Errorf("stdout:\n%s", out)
	}
	if errs != "no function named nothing\n" {
		t.Errorf("stderr %q", errs)
	}
}

func TestReplCommandResetForgetsEverything(t *testing.T) {
	out, errs, _ := replRun(t, "var x = 1;\n:reset\nx\n")
	if out != "" || !strings.Contains(errs, "undefined name x") {
		t.Errorf("stdout %q, stderr %q", out, errs)
	}
}

func TestReplCommandQuitEndsTheSession(t *testing.T) {
	expectRepl(t, "1\n:quit\n2\n", "1 : int\n")
}

func TestReplCommandHelpAndUnknownCommands(t *testing.T) {
	out, errs, _ := replRun(t, ":help\n:frobnicate\n")
	if !strings.Contains(out, ":disasm name") || errs != "unknown command :frobnicate (:help lists them)\n" {
		t.Errorf("stdout %q, stderr %q", out, errs)
	}
}

func TestReplReportsAnInputLeftUnfinishedAtTheEnd(t *testing.T) {
	_, errs, status := replRun(t, "proc p () {\n  println 1;\n")
	if status != exitRuntime || !strings.Contains(errs, "unexpected end of input") {
		t.Errorf("status %d, stderr %q", status, errs)
	}
}

func TestReplCompletesNamesAndCommands(t *testing.T) {
	var out, errs strings.Builder
	s := newReplSession(&out, &errs)
	defer s.m.Close()
	s.line("var counter_of_things = 1;")
	complete := func(line string) []string {
		suffixes, _ := replCompleter{s}.Do([]rune(line), len([]rune(line)))
		var got []string
		for _, r := range suffixes {
			got = append(got, string(r))
		}
		return got
	}
	if got := complete("println counter_o"); len(got) != 1 || got[0] != "f_things" {
		t.Errorf("completing a variable: %q", got)
	}
	if got := complete("mk_ioschan"); len(got) == 0 || got[0] != "nel_pair" {
		t.Errorf("completing a library name: %q", got)
	}
	if got := complete(":di"); len(got) != 1 || got[0] != "sasm" {
		t.Errorf("completing a command: %q", got)
	}
}

func TestReplKnowsTheNamesAndTypesOfBufferedChannelsPollingAndAcks(t *testing.T) {
	expectRepl(t, `:type mk_buffered_channel[int] 2
var b = mk_buffered_channel[int] 2;
ready_to_read b
write (b, 1);
try_read b
:type send (b, 3)
await (send (b, 4))
read_opt b
`, "bchannel[int]\nfalse : bool\nSome 1 : opt[int]\nack\nfalse : bool\nSome 4 : opt[int]\n")
}

func TestReplContinuesASelectUntilEndselectAndKeepsItsFibreForALaterInput(t *testing.T) {
	expectRepl(t, `var a = mk_schannel[int]();
var b = mk_buffered_channel[string] 1;
spawn_fthread {
  select
  | x = read a => println$ "a " + x.str;
  | s = read b => println$ "b " + s;
  endselect;
};
:fibres
write (b, "hello");
:fibres
select
| x = read a => println x;
| else => println "nothing ready";
endselect
`, "0 active, 1 waiting\nb hello\n0 active, 0 waiting\nnothing ready\n")
}

func TestReplCompletesTheLevel4Names(t *testing.T) {
	var out, errs strings.Builder
	s := newReplSession(&out, &errs)
	defer s.m.Close()
	for prefix, want := range map[string]string{"mk_buffered_ch": "annel", "mk_buffered_io": "schannel_pair",
		"try_w": "rite", "read_o": "pt", "ready_to_w": "rite", "is_cl": "osed", "awa": "it", "complet": "ed"} {
		suffixes, _ := replCompleter{s}.Do([]rune(prefix), len([]rune(prefix)))
		if len(suffixes) != 1 || string(suffixes[0]) != want {
			t.Errorf("completing %q: %q, want %q", prefix, suffixes, want)
		}
	}
}
