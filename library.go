package felixlet

import (
	"fmt"
	"reflect"

	"github.com/felixlet/felixlet/lang/parse"
	"github.com/felixlet/felixlet/vm"
)

// Library is what a program may use beyond felixlet's own library: Go functions (Func) and
// channels to and from Go (NewInput, NewOutput), each under a name, and how the program's
// includes are read. The zero value is an empty library, ready to use. Compile takes what
// the library holds then; later additions concern only later compiles. A Library is not
// safe for use by several goroutines at once.
type Library struct {
	// ReadFile reads a file the program includes, by the path the program gives. When it
	// is nil, a program can include only the modules of Felix's library that felixlet
	// provides.
	ReadFile func(path string) ([]byte, error)
	decls    []*decl // in the order they were made
}

// decl is one declaration of a Library: a Go function or a channel, bound to a primitive.
type decl struct {
	name    string     // the name the program uses
	dom     string     // a function's argument type, which its overloads must not share
	prim    string     // the primitive it is bound to
	text    string     // its declaration in felixlet
	builtin vm.Builtin // what the machine calls
	channel *chanDecl  // for a channel, its description
}

// Func gives the program a Go function under a name. The function's parameters and
// results may be of the types that cross between Go and felixlet (see the package's
// documentation); a last result of type error, when not nil, is a runtime error in the
// program at the call, with the fibre's backtrace. The program sees a function from the
// parameters' types (a tuple of them, or unit for none) to the result's type (a tuple of
// several), or a procedure when there is no result but an error. Several functions under one
// name are overloads, told apart by their parameters' types.
//
// A function whose signature has no felixlet type is an error here; a program that calls
// it with arguments of the wrong types does not compile. The function runs on the
// machine's goroutine: every fibre waits while it runs, so it should return promptly (work
// that takes long belongs behind a channel), and it must not wait for the machine itself:
// a Send or a Recv on one of its channels would wait for ever. A panic in it is a runtime
// error in the program.
func (l *Library) Func(name string, fn any) error {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return fmt.Errorf("felixlet: Func %s: %T is not a function", name, fn)
	}
	ft := v.Type()
	if ft.IsVariadic() {
		return fmt.Errorf("felixlet: Func %s: %s is variadic, and felixlet functions are not", name, ft)
	}
	params := make([]*goType, ft.NumIn())
	for i := range params {
		t, err := typeOf(ft.In(i))
		if err != nil {
			return fmt.Errorf("felixlet: Func %s: parameter %d: %v", name, i+1, err)
		}
		params[i] = t
	}
	nout := ft.NumOut()
	fails := nout > 0 && ft.Out(nout-1) == errorType
	if fails {
		nout--
	}
	results := make([]*goType, nout)
	for i := range results {
		if ft.Out(i) == errorType {
			return fmt.Errorf("felixlet: Func %s: only the last result may be an error", name)
		}
		t, err := typeOf(ft.Out(i))
		if err != nil {
			return fmt.Errorf("felixlet: Func %s: result %d: %v", name, i+1, err)
		}
		results[i] = t
	}
	dom := "1"
	switch {
	case len(params) == 1 && params[0].kind == kTuple:
		dom = product(params[0].fields) // a tuple argument arrives as its elements
	case len(params) > 0:
		dom = product(params)
	}
	d := &decl{name: name, dom: dom, prim: l.prim(name)}
	switch len(results) {
	case 0:
		d.text = fmt.Sprintf("proc %s : %s = %q;", name, dom, d.prim)
	case 1:
		d.text = fmt.Sprintf("fun %s : %s -> %s = %q;", name, dom, results[0], d.prim)
	default:
		d.text = fmt.Sprintf("fun %s : %s -> %s = %q;", name, dom, product(results), d.prim)
	}
	d.builtin = goBuiltin(name, v, params, results, fails)
	return l.add(d)
}

var errorType = reflect.TypeFor[error]()

// prim names the primitive of the next declaration under name: one of its own, which no
// primitive of felixlet's library has.
func (l *Library) prim(name string) string { return fmt.Sprintf("go:%s/%d", name, len(l.decls)) }

// add adds a declaration, once sure that it declares a name a program can use, and that
// no declaration before it makes that name ambiguous.
func (l *Library) add(d *decl) error {
	for _, prev := range l.decls {
		switch {
		case prev.name != d.name:
		case prev.channel != nil || d.channel != nil:
			return fmt.Errorf("felixlet: %s is declared twice, and a channel has no overloads", d.name)
		case prev.dom == d.dom:
			return fmt.Errorf("felixlet: Func %s: a function %s of %s is already declared", d.name, d.name, d.dom)
		}
	}
	if _, errs, _ := parse.File(goDeclsName, []byte(d.text), parse.Config{}); len(errs) > 0 {
		return fmt.Errorf("felixlet: %q is not a name a program can use", d.name)
	}
	l.decls = append(l.decls, d)
	return nil
}

// goBuiltin makes the builtin that calls a Go function: it takes the arguments from the
// registers (laid out as a tuple of them is), calls fn and puts its result in the first
// register of its kind.
func goBuiltin(name string, fn reflect.Value, params, results []*goType, fails bool) vm.Builtin {
	var unpack func(s []uint64, r []vm.Value) []reflect.Value
	if len(params) == 1 && params[0].kind == kTuple { // a struct's fields arrive one by one
		arg := params[0]
		unpack = func(s []uint64, r []vm.Value) []reflect.Value {
			v := reflect.New(arg.rt).Elem()
			arg.unslot(s, r, func(i int, f reflect.Value) { v.Field(i).Set(f) })
			return []reflect.Value{v}
		}
	} else {
		args := tupleOf(params)
		unpack = func(s []uint64, r []vm.Value) []reflect.Value {
			in := make([]reflect.Value, len(params))
			args.unslot(s, r, func(i int, v reflect.Value) { in[i] = v })
			return in
		}
	}
	var out *goType // the result: one type, a tuple of several, or none
	switch len(results) {
	case 0:
	case 1:
		out = results[0]
	default:
		out = tupleOf(results)
	}
	return func(m *vm.Machine, s []uint64, r []vm.Value) (err error) {
		in := unpack(s, r)
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("Go function %s panicked: %v", name, p)
			}
		}()
		got := fn.Call(in)
		if fails {
			if e := got[len(got)-1]; !e.IsNil() {
				return e.Interface().(error)
			}
			got = got[:len(got)-1]
		}
		switch {
		case out == nil:
		case len(results) == 1:
			s[0], r[0] = out.fromGo(got[0])
		default:
			r[0] = out.slot(func(i int) reflect.Value { return got[i] })
		}
		return nil
	}
}
