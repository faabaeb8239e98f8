package check

import (
	"slices"
	"testing"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/compile"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/parse"
	"github.com/felixlet/felixlet/lang/prelude"
	"github.com/felixlet/felixlet/stdlib"
)

// testConfig accepts the primitives felixlet's machine has.
var testConfig = Config{IsPrim: func(name string) bool { return compile.HasEmitter(name) || isBuiltin(name) }}

// isBuiltin reports whether the machine has a Go builtin of this name.
func isBuiltin(name string) bool { return stdlib.Builtins[name] != nil }

// parseProgram parses a program's source, with the library files it may include.
func parseProgram(t *testing.T, src string) *ast.File {
	t.Helper()
	prog, errs, _ := parse.File("test.flx", []byte(src), parse.Config{Library: stdlib.Library})
	if len(errs) > 0 {
		t.Fatalf("the program does not parse: %v", errs)
	}
	return prog
}

// A program checks only the library functions it uses, so no program checks the whole
// library: this test does, every signature, overload set, typedef and body of the prelude,
// with the recognisers a program may include, and compiles what the machine would run.
// Nothing in them may be wrong, or even warned about.
func TestTheWholeLibraryChecksAndCompiles(t *testing.T) {
	s, errs := NewSession(prelude.File(), testConfig)
	s.c.checkDeferred(s.c.lib)
	errs = append(errs, s.c.errs...)
	errs = append(errs, s.Add(true, parseProgram(t, `include "std/strings/recognisers";`))...)
	if len(errs) > 0 {
		t.Fatalf("the library has errors or warnings:\n%v", errs)
	}
	for _, fe := range libraryFuncs(s.c.lib) {
		if fe.lazy && (fe.state != bodyChecked || !slices.Contains(s.Program.Funcs, fe.fn)) {
			t.Errorf("%s (%s) was not checked, or is not in the program", fe.name, fe.decl.P)
		}
	}
	if _, err := compile.Compile(s.Program, compile.Config{IsBuiltin: isBuiltin}); err != nil {
		t.Fatalf("the library does not compile: %v", err)
	}
}

// libraryFuncs lists the functions a library scope and its modules define.
func libraryFuncs(sc *scope) []*funcEnt {
	var out []*funcEnt
	for _, ents := range sc.values {
		out = append(out, funcEnts(ents)...)
	}
	for _, m := range sc.modules {
		out = append(out, libraryFuncs(m)...)
	}
	return out
}

// A program pays for the library functions it uses, and those they use, not for the
// others.
func TestAProgramChecksOnlyTheLibraryFunctionsItUses(t *testing.T) {
	prog, errs := Check(prelude.File(), parseProgram(t, "println (len (rev ([1, 2])));"), testConfig)
	if errs.HasErrors() {
		t.Fatalf("the program does not check: %v", errs)
	}
	var names []string
	for _, f := range prog.Funcs {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	if want := []string{"len", "main", "rev"}; !slices.Equal(names, want) {
		t.Errorf("the program's functions are %v, want %v", names, want)
	}
}

// A library function the program uses only through another is checked too, and recursion
// among library functions ends.
func TestALibraryFunctionUsedThroughAnotherIsChecked(t *testing.T) {
	src := "var a = 1; var b = 2; _swap (&a, &b); println$ (fix (fun (g: int -> int) (x: int) => if x == 0 then 1 else x * g (x - 1))) 4;"
	prog, errs := Check(prelude.File(), parseProgram(t, src), testConfig)
	if errs.HasErrors() {
		t.Fatalf("the program does not check: %v", errs)
	}
	for _, name := range []string{"_swap", "swap", "fix"} {
		if !slices.ContainsFunc(prog.Funcs, func(f *ir.Func) bool { return f.Name == name && len(f.Body) > 0 }) {
			t.Errorf("%s is not among the program's checked functions", name)
		}
	}
}
