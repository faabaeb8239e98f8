// Package check binds names, infers and checks types, resolves overloads and library
// generics, and lowers the syntax tree to the checked program of package ir. It reports every
// static error it finds; the compiler never sees a program with errors.
//
// # Scopes
//
// The scopes are the library (the prelude), the program file, the body of every function,
// and `begin ... end`. Loop bodies, conditional branches and match arms are not scopes: a
// `var` anywhere in a function body belongs to the body. Before a scope's statements are
// checked, a pre-pass collects everything it declares, so definitions (fun, proc, typedef)
// are visible in the whole scope. Variables are visible too, but using one before the
// statement that declares it is an error when the use runs in the same function; a nested
// function may refer to a variable declared after it, since it normally runs later.
//
// # Order
//
// A scope's statements are checked in order; the bodies of the functions it defines are
// checked after them, so that those bodies see the types of all the scope's variables. A
// function whose return type is not written is checked as soon as a call needs that type; a
// recursive function must therefore write its return type.
//
// The library's definitions are entered before the program is checked, but the signature
// and the body of a library function are checked when the program first uses it (calls it
// or takes it as a value), with those of the library functions it uses in turn: a program
// pays for the part of the library it uses. Such a function then goes with the program, or
// with the REPL input, that first needed it. No program uses the whole library: this
// package's test checks it whole.
//
// # Overloads
//
// An application `f x` types x first. Then the scopes are searched from the innermost out;
// at the first scope that defines f, a variable is called, and an overload set is resolved
// by x's type: a candidate matches if x's type is assignable to its domain (identical, or
// with schannel[T] given for an end of one), generic library candidates match by
// unification. Exact matches beat conversions, which beat generics. If no candidate of a
// scope matches, the search goes on outward, so a program may overload a library name
// (`str`, or `add`, which `+` calls) for its own types.
package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
)

// Config adjusts the checker to its environment.
type Config struct {
	// IsPrim reports whether the machine provides a primitive; nil accepts every name.
	IsPrim func(name string) bool
}

// Check checks the library and the program together and returns the checked program. The
// program is nil when there are errors; warnings come back either way.
func Check(lib, prog *ast.File, cfg Config) (*ir.Program, diag.List) {
	s, errs := NewSession(lib, cfg)
	errs = append(errs, s.Add(true, prog)...)
	if errs.HasErrors() {
		return nil, errs
	}
	return s.Program, errs
}

// Checker holds the state of one check.
type Checker struct {
	cfg   Config
	errs  diag.List
	funcs []*ir.Func // every function of the inputs with a body, in creation order
	lib   *scope     // the library scope: built-in types and the prelude
	ctx   *fnCtx     // the function whose body is being checked
	sc    *scope     // the innermost scope at the point being checked
	tvars int        // counter for fresh type variables
	temps int        // counter for hidden temporaries
	// primWrappers caches the functions made to use a primitive as a value.
	primWrappers    map[string]*ir.Func
	primWrapperKeys []string // the keys of primWrappers in the order they were made
	// expect is the type the expression being checked must have, when the context says
	// (e :>> T, var x : T = e): it fixes a constructor's type arguments that its payload
	// does not.
	expect types.Type
	// pendingTypes are the written types of variables declared but not yet resolved.
	pendingTypes []pendingType
	// freshGens marks calls that return a new instance of a yielding generator (a curried
	// gen applied to all but its last argument list), which must be bound before use.
	freshGens map[ir.Expr]string
	// sizeLits marks the integer literals written with a size suffix (5uz).
	sizeLits map[ir.Expr]bool
	// seekingStr holds the types whose str userStr is looking for: a generic str whose
	// Str constraint asks for the same type again finds none, instead of looking forever.
	seekingStr map[string]bool
	// networks are the circuits and pipelines checked, for pictures.
	networks networks
	// libFuncs are the library's functions whose bodies have been checked, with the
	// functions made while checking them, in that order: a library function's body is
	// checked when a program first uses it (need), and belongs to no input.
	libFuncs []*ir.Func
}

func newChecker(cfg Config) *Checker {
	c := &Checker{cfg: cfg, primWrappers: map[string]*ir.Func{}, freshGens: map[ir.Expr]string{}, sizeLits: map[ir.Expr]bool{},
		seekingStr: map[string]bool{}}
	c.lib = newScope(nil, nil, scopeLibrary)
	for name, t := range universe {
		c.lib.types[name] = &typeEnt{name: name, t: t}
	}
	for name, k := range chanTypeNames {
		c.lib.types[name] = &typeEnt{name: name, chanDir: k, isChan: true}
	}
	c.lib.types["duplex_schannel"] = &typeEnt{name: "duplex_schannel", isDuplex: true}
	c.lib.types["varray"] = &typeEnt{name: "varray", isArray: true}
	c.lib.types["darray"] = &typeEnt{name: "darray", isArray: true, growable: true}
	for _, def := range []*types.VariantDef{types.ListDef, types.OptDef} {
		te := &typeEnt{name: def.Name, variant: def}
		c.lib.types[def.Name] = te
		for i, cs := range def.Cases {
			c.lib.values[cs.Name] = []entity{&ctorEnt{te: te, index: i}}
		}
	}
	return c
}

func (c *Checker) errorf(pos ast.Pos, format string, args ...any) {
	c.errs.Add(pos, format, args...)
}

// universe holds the built-in type names. Every Felix integer type is felixlet's int.
var universe = map[string]types.Type{
	"int": types.IntType, "double": types.DoubleType, "bool": types.BoolType,
	"char": types.CharType, "string": types.StringType, "unit": types.UnitType,
	"tiny": types.IntType, "short": types.IntType, "long": types.IntType, "vlong": types.IntType,
	"utiny": types.IntType, "ushort": types.IntType, "uint": types.IntType, "ulong": types.IntType,
	"uvlong": types.IntType, "int8": types.IntType, "int16": types.IntType, "int32": types.IntType,
	"int64": types.IntType, "uint8": types.IntType, "uint16": types.IntType, "uint32": types.IntType,
	"uint64": types.IntType, "size": types.IntType, "ssize": types.IntType, "intptr": types.IntType,
	"uintptr": types.IntType, "LABEL": types.LabelType,
}

// chanTypeNames are the bracketed channel type constructors.
var chanTypeNames = map[string]types.ChanDir{
	"ischannel": types.In, "oschannel": types.Out, "schannel": types.Both, "bchannel": types.Buffered,
}

// ---- scopes and what they hold ------------------------------------------------------------

type scopeKind int

const (
	scopeLibrary    scopeKind = iota
	scopeFunc                 // a function body, or the program file (the mainline's body)
	scopeModule               // `module M { ... }`
	scopeLoopVar              // holds only the variable of a `for x in e` loop, or a match arm's binders
	scopeTypeParams           // holds only a generic definition's type parameters
)

// scope maps names to what they denote.
type scope struct {
	parent  *scope
	fn      *ir.Func // the function whose frame holds the variables declared here
	kind    scopeKind
	values  map[string][]entity // a variable, or one or more functions (an overload set)
	types   map[string]*typeEnt
	modules map[string]*scope
	opened  []*scope // modules opened here, searched after the scope's own names
	// inherits are the modules whose names this module takes as its own (inherit M;): they
	// are found wherever its own names are, from outside too.
	inherits []*scope
	// older holds, in a REPL session's scope, what earlier inputs gave a name that a later
	// one gave again, newest first: an overload set there is tried after the newer ones,
	// as if each input were a scope nested in the one before.
	older map[string][][]entity
}

func newScope(parent *scope, fn *ir.Func, kind scopeKind) *scope {
	return &scope{parent: parent, fn: fn, kind: kind, values: map[string][]entity{},
		types: map[string]*typeEnt{}, modules: map[string]*scope{}}
}

// entity is what a value name denotes: *varEnt or *funcEnt.
type entity interface{ declPos() ast.Pos }

// varEnt is a variable, val or parameter.
type varEnt struct {
	v        *ir.Var
	declared bool     // the checker has passed its declaration
	typed    bool     // v.Type is known
	chip     ast.Expr // for a device (a variable holding a chip), the chip as written, for pictures
}

// funcEnt is a named function, procedure, generator, library primitive or library constant.
type funcEnt struct {
	name    string                // the name as written, qualified for module members
	decl    *ast.FuncDecl         // its definition
	defined *scope                // the scope it is defined in
	fn      *ir.Func              // its checked function (nil for primitives)
	dom     types.Type            // the domain, known from the parameter annotations
	doms    []types.Type          // the domain of each curried argument list
	typ     *types.Func           // the full type, once known
	tparams []*types.Var          // generic parameters
	tps     map[string]*types.Var // the same, by name
	state   int                   // bodyUnchecked, bodyChecking, bodyChecked
	lazy    bool                  // a library function: its body is checked when first used
}

// nextYields reports whether applying the function's first argument list gives a fresh
// instance of a yielding generator.
func (f *funcEnt) nextYields() bool {
	return f.decl.Kind == ast.Gen && len(f.decl.Params) == 2 && yieldsIn(f.decl.Body)
}

const (
	bodyUnchecked = iota
	bodyChecking
	bodyChecked
)

func (v *varEnt) declPos() ast.Pos  { return v.v.Pos }
func (f *funcEnt) declPos() ast.Pos { return f.decl.P }

// isPrim reports whether f is bound to a library primitive.
func (f *funcEnt) isPrim() bool { return f.decl.Prim != "" }

// typeEnt is a named type: built in, a typedef, a variant, or an opaque library type.
type typeEnt struct {
	name      string
	t         types.Type        // resolved type (nil until a typedef is resolved)
	decl      *ast.TypeDecl     // the typedef, if any
	params    []*types.Var      // a typedef's generic parameters, once resolved
	variant   *types.VariantDef // a variant type constructor (list, opt, or declared)
	vdecl     *ast.VariantDecl  // its declaration, if declared by the program
	defined   *scope
	resolving bool // the typedef is being resolved (to catch cycles)
	isChan    bool // a bracketed channel constructor: ischannel, oschannel, schannel
	chanDir   types.ChanDir
	isDuplex  bool            // duplex_schannel[R, W]
	strct     *ast.StructDecl // a struct: t is its record type, over params
	isArray   bool            // varray[T], or with growable darray[T]
	growable  bool
}

// ctorEnt is a constructor of a variant: Some, None, Cons, Empty, or a declared one.
type ctorEnt struct {
	te    *typeEnt // the variant type it builds
	index int      // which constructor
	pos   ast.Pos  // where it is declared
}

func (c *ctorEnt) declPos() ast.Pos { return c.pos }

// inLibrary reports whether s is the library's scope or that of one of its modules.
func (s *scope) inLibrary() bool {
	for s.kind == scopeModule {
		s = s.parent
	}
	return s.kind == scopeLibrary
}

// lookupValue finds the innermost entities named name, with the scope that holds them.
func (s *scope) lookupValue(name string) ([]entity, *scope) {
	for ; s != nil; s = s.parent {
		if ents := s.own(name); len(ents) > 0 {
			return ents, s
		}
		for _, m := range s.opened {
			if ents := m.own(name); len(ents) > 0 {
				return ents, s
			}
		}
	}
	return nil, nil
}

// layers returns the sets of entities the scope gives name, in the order they are tried: its
// own (with its opened modules'), then those earlier REPL inputs gave it.
func (s *scope) layers(name string) [][]entity {
	var out [][]entity
	if ents := s.valuesAt(name); len(ents) > 0 {
		out = append(out, ents)
	}
	return append(out, s.older[name]...)
}

// absorb makes what the scope of a REPL input declares part of the session's scope s, the
// input's names hiding earlier ones of the same name (which stay as older layers). It
// returns what undoes it.
func (s *scope) absorb(in *scope) (undo func()) {
	var undos []func()
	if s.older == nil {
		s.older = map[string][][]entity{}
	}
	for name, ents := range in.values {
		older := s.older[name]
		if old := s.values[name]; len(old) > 0 {
			older = append([][]entity{old}, older...)
		}
		undos = append(undos, replace(s.values, name, ents), replace(s.older, name, older))
	}
	for name, te := range in.types {
		undos = append(undos, replace(s.types, name, te))
	}
	for name, m := range in.modules {
		undos = append(undos, replace(s.modules, name, m))
	}
	opened := len(s.opened)
	s.opened = append(s.opened, in.opened...)
	return func() {
		s.opened = s.opened[:opened]
		for _, u := range undos {
			u()
		}
	}
}

// replace sets m[key] to v and returns what puts back what m had for key (or nothing).
func replace[V any](m map[string]V, key string, v V) (undo func()) {
	old, had := m[key]
	m[key] = v
	return func() {
		if had {
			m[key] = old
		} else {
			delete(m, key)
		}
	}
}

// own returns the value entities a scope declares or inherits.
func (s *scope) own(name string) []entity {
	ents := s.values[name]
	for _, m := range s.inherits {
		ents = append(ents[:len(ents):len(ents)], m.own(name)...)
	}
	return ents
}

// ownType returns a type a scope declares or inherits.
func (s *scope) ownType(name string) *typeEnt {
	if t := s.types[name]; t != nil {
		return t
	}
	for _, m := range s.inherits {
		if t := m.ownType(name); t != nil {
			return t
		}
	}
	return nil
}

// inheritsFrom reports whether s is m or takes names from it, directly or not.
func (s *scope) inheritsFrom(m *scope) bool {
	if s == m {
		return true
	}
	for _, i := range s.inherits {
		if i.inheritsFrom(m) {
			return true
		}
	}
	return false
}

// lookupType finds a named type.
func (s *scope) lookupType(name string) *typeEnt {
	for ; s != nil; s = s.parent {
		if t := s.ownType(name); t != nil {
			return t
		}
		for _, m := range s.opened {
			if t := m.ownType(name); t != nil {
				return t
			}
		}
	}
	return nil
}

// lookupModule finds a module by name.
func (s *scope) lookupModule(name string) *scope {
	for ; s != nil; s = s.parent {
		if m := s.modules[name]; m != nil {
			return m
		}
	}
	return nil
}

// qualified resolves a path's module prefix: the scope to search for the last part, and
// whether to search only that scope (true for a qualified name).
func (c *Checker) qualified(pos ast.Pos, path []string) (*scope, bool) {
	if len(path) == 1 {
		return c.sc, false
	}
	m := c.sc.lookupModule(path[0])
	if m == nil {
		c.errorf(pos, "undefined module %s", path[0])
		return nil, true
	}
	for _, p := range path[1 : len(path)-1] {
		if m = m.modules[p]; m == nil {
			c.errorf(pos, "undefined module %s", strings.Join(path[:len(path)-1], "::"))
			return nil, true
		}
	}
	return m, true
}

// visibleNames lists every value name visible from s, for "did you mean" suggestions.
func (s *scope) visibleNames() []string {
	seen := map[string]bool{}
	var out []string
	for ; s != nil; s = s.parent {
		for n := range s.values {
			if !seen[n] && !strings.HasPrefix(n, "$") {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// suggest returns ` (did you mean x?)` for the closest visible name, or "": a name is
// close when a third of its letters (at least one) need an edit or a swap.
func suggest(name string, candidates []string) string {
	best, bestD := "", max(1, len(name)/3)+1
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" || best == name {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// editDistance counts the insertions, deletions, substitutions and swaps of neighbouring
// letters that turn a into b.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// ---- the library and the program ----------------------------------------------------------

// library enters the prelude's definitions into the library scope. Their signatures,
// types and bodies are checked when a program first uses them.
func (c *Checker) library(f *ast.File) {
	c.sc = c.lib
	for _, s := range f.Stmts {
		switch s.(type) {
		case *ast.FuncDecl, *ast.TypeDecl, *ast.StructDecl, *ast.VariantDecl, *ast.Module, *ast.Open:
		default:
			c.errorf(s.Position(), "the library may contain only definitions")
		}
	}
	c.collect(c.lib, f.Stmts)
	c.opens(c.lib, f.Stmts)
}

// felixLibraryModules are the modules of Felix's standard library that programs commonly
// open. felixlet's library is visible without opening it, so `open` of one of these is
// accepted and does nothing (LANGUAGE.md 1.1).
var felixLibraryModules = map[string]bool{
	"BaseChips": true, "Faio_Posix": true, "Fibres": true, "FileSystem": true,
	"Filename": true, "Directory": true, "Env": true, "Shell": true, "Socket": true, "Stream": true,
}

// opens applies the `open` statements of a scope's own statement list.
func (c *Checker) opens(sc *scope, stmts []ast.Stmt) {
	for _, s := range stmts {
		o, ok := s.(*ast.Open)
		if !ok {
			continue
		}
		if len(o.Path) == 1 && felixLibraryModules[o.Path[0]] && sc.lookupModule(o.Path[0]) == nil {
			continue // a Felix library module felixlet builds in: opening it does nothing
		}
		saved := c.sc
		c.sc = sc
		m, _ := c.qualified(o.P, append(append([]string{}, o.Path...), ""))
		c.sc = saved
		switch {
		case m == nil:
		case !o.Inherit:
			sc.opened = append(sc.opened, m)
		case sc.kind != scopeModule:
			c.errorf(o.P, "only a module can inherit another's names; to use them here, write open %s;", strings.Join(o.Path, "::"))
		case m.inheritsFrom(sc):
			c.errorf(o.P, "%s cannot inherit from itself", strings.Join(o.Path, "::"))
		default:
			sc.inherits = append(sc.inherits, m)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortedValues lists a scope's value entities in declaration order.
func sortedValues(sc *scope) [][]entity {
	var out [][]entity
	for _, k := range sortedKeys(sc.values) {
		out = append(out, sc.values[k])
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i][0].declPos(), out[j][0].declPos()
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return out
}
