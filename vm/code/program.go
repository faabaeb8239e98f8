package code

import (
	"fmt"
	"sort"
	"strings"
)

// Program is a compiled program.
type Program struct {
	Funcs    []*Func  // every function; Funcs[0] is the mainline
	Builtins []string // the Go builtins the code calls, by name; OpCallBuiltin indexes this
}

// Func is a compiled function.
type Func struct {
	Name     string   // for backtraces and disassembly
	Gen      bool     // a generator that yields: each closure of it is a resumable instance
	File     string   // the source file it was defined in
	Index    int      // its index in Program.Funcs
	Code     []Instr  // its instructions
	Lines    []Line   // source positions, by pc
	Names    []Name   // the variables some instructions take a reference from, by pc, for errors
	NS, NR   int      // the number of scalar and reference registers its frame needs
	NArgS    int      // how many scalar registers its arguments fill
	NArgR    int      // how many reference registers its arguments (and environment) fill
	NeedsEnv bool     // it reads its closure's environment, which arrives in r0
	KS       []uint64 // scalar constants (ints and doubles as bits)
	KR       []any    // reference constants: strings and *Type descriptors
	Layouts  []Layout // shapes of the tuples and environments it builds
}

// Line says that the instructions from PC on come from Line:Col.
type Line struct {
	PC        int32
	Line, Col int32
}

// Name says that the reference register Reg, which the instruction at PC reads and which
// may hold no value yet (a variable used before it is given one), comes from the variable
// Name as the source writes it: p, t.1, r.x or *q. The machine names it in the error.
type Name struct {
	PC   int32
	Reg  uint16
	Name string
}

// NameOf returns the name of the variable that the instruction at pc reads from the
// reference register reg, or "" when the source gave it none (the value of a call).
func (f *Func) NameOf(pc, reg int) string {
	i := sort.Search(len(f.Names), func(i int) bool { return int(f.Names[i].PC) >= pc })
	for ; i < len(f.Names) && int(f.Names[i].PC) == pc; i++ {
		if int(f.Names[i].Reg) == reg {
			return f.Names[i].Name
		}
	}
	return ""
}

// Layout is the shape of a tuple, an environment or a variant's payload: how many scalar
// and reference slots (and, for a variant, which constructor).
type Layout struct {
	NS, NR int
	Tag    int
}

// Pos returns the source position of the instruction at pc.
func (f *Func) Pos(pc int) (line, col int) {
	i := sort.Search(len(f.Lines), func(i int) bool { return int(f.Lines[i].PC) > pc }) - 1
	if i < 0 {
		return 0, 0
	}
	return int(f.Lines[i].Line), int(f.Lines[i].Col)
}

// Kind classifies values for printing, comparison and zero values.
type Kind uint8

const (
	KInt     Kind = iota // int, in a scalar slot
	KDouble              // double, in a scalar slot
	KBool                // bool, in a scalar slot
	KChar                // char, in a scalar slot
	KString              // string, in a reference slot
	KUnit                // unit, in no slot at all
	KTuple               // a tuple, a reference to its slots
	KRecord              // a record: a tuple with field names
	KFunc                // a closure
	KChan                // a channel end
	KOpaque              // a library value
	KList                // list[T]: Elems[0] is T
	KOpt                 // opt[T]: Elems[0] is T
	KVariant             // a declared variant
	KPtr                 // a pointer
	KVarray              // varray[T]: Elems[0] is T
	KDarray              // darray[T]: Elems[0] is T
)

// Type describes a runtime type, for the builtins that print and compare any value.
type Type struct {
	Kind  Kind
	Elems []*Type  // tuple elements or record fields; the element type of a list, opt or array
	Names []string // record field names
	Slots []int    // for each element, its slot among the scalar or reference slots
	Name  string   // the type as written, for messages
	Cases []Case   // a declared variant's constructors, by tag
}

// Case describes a constructor of a declared variant.
type Case struct {
	Name  string  // the constructor's name
	Elems []*Type // the elements its payload is stored as (none for a constant constructor)
	Slots []int   // for each element, its slot among the variant's scalar or reference slots
}

// IsScalar reports whether values of the type live in scalar slots.
func (t *Type) IsScalar() bool { return t.Kind <= KChar }

// IsRef reports whether values of the type live in reference slots.
func (t *Type) IsRef() bool { return !t.IsScalar() && t.Kind != KUnit }

// Disasm writes a program's code, one function after another, each instruction with its
// source line.
func Disasm(p *Program) string {
	var b strings.Builder
	for i, f := range p.Funcs {
		if i > 0 {
			b.WriteString("\n")
		}
		DisasmFunc(&b, p, f)
	}
	return b.String()
}

// DisasmSource writes the functions keep accepts, each instruction with its source line
// number, and the text of each source line (which source returns by file name; nil for
// none) before the first instruction compiled from it.
func DisasmSource(p *Program, keep func(*Func) bool, source func(file string) []byte) string {
	var b strings.Builder
	texts := map[string][]string{}
	for _, f := range p.Funcs {
		if !keep(f) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		lines, ok := texts[f.File]
		if !ok {
			lines = strings.Split(string(source(f.File)), "\n")
			texts[f.File] = lines
		}
		disasmFunc(&b, p, f, func(line int) {
			if line >= 1 && line <= len(lines) {
				fmt.Fprintf(&b, "             ; %s\n", strings.TrimSpace(lines[line-1]))
			}
		})
	}
	return b.String()
}

// DisasmFunc writes one function.
func DisasmFunc(b *strings.Builder, p *Program, f *Func) { disasmFunc(b, p, f, func(int) {}) }

// disasmFunc writes one function, calling newLine before the first instruction of each
// source line.
func disasmFunc(b *strings.Builder, p *Program, f *Func, newLine func(line int)) {
	env := ""
	if f.NeedsEnv {
		env = " env"
	}
	fmt.Fprintf(b, "func %d %s (%s) s%d r%d%s\n", f.Index, f.Name, f.File, f.NS, f.NR, env)
	lastLine := int32(-1)
	li := 0
	for pc, in := range f.Code {
		for li < len(f.Lines) && int(f.Lines[li].PC) <= pc {
			li++
		}
		line := ""
		if li > 0 && f.Lines[li-1].Line != lastLine {
			lastLine = f.Lines[li-1].Line
			line = fmt.Sprintf("%d", lastLine)
			newLine(int(lastLine))
		}
		fmt.Fprintf(b, "  %4d %5s  %-10s %s\n", pc, line, in.Op, operands(p, f, in))
	}
}

func operands(p *Program, f *Func, in Instr) string {
	info := Ops[in.Op]
	var parts []string
	add := func(kind Operand, v int64) {
		if s := operand(p, f, kind, v); s != "" {
			parts = append(parts, s)
		}
	}
	add(info.A, int64(in.A))
	if info.B == Imm32 {
		add(Imm, in.Imm32())
	} else {
		add(info.B, int64(in.B))
	}
	add(info.C, int64(in.C))
	add(info.K, int64(in.K))
	return strings.Join(parts, " ")
}

func operand(p *Program, f *Func, kind Operand, v int64) string {
	switch kind {
	case SReg, SBase, SRun:
		if v == NoReg {
			return "-"
		}
		return fmt.Sprintf("s%d", v)
	case RReg, RBase, RRun, ROpt:
		if v == NoReg {
			return "-"
		}
		return fmt.Sprintf("r%d", v)
	case Result:
		return fmt.Sprintf("=%d", v)
	case Imm:
		return fmt.Sprintf("#%d", v)
	case Flag:
		if v == 0 {
			return ""
		}
		return fmt.Sprintf("!%d", v)
	case KScalar:
		if int(v) < len(f.KS) {
			return fmt.Sprintf("k%d(%d)", v, int64(f.KS[v]))
		}
	case KRef:
		if int(v) < len(f.KR) {
			switch k := f.KR[v].(type) {
			case string:
				return fmt.Sprintf("k%d(%q)", v, k)
			case *Type:
				return fmt.Sprintf("k%d(type %s)", v, k.Name)
			}
		}
	case Target:
		return fmt.Sprintf("->%d", v)
	case FuncIdx:
		if int(v) < len(p.Funcs) {
			return p.Funcs[v].Name
		}
	case Builtin:
		if int(v) < len(p.Builtins) {
			return p.Builtins[v]
		}
	case LayoutIdx:
		if int(v) < len(f.Layouts) {
			l := f.Layouts[v]
			return fmt.Sprintf("{s%d r%d}", l.NS, l.NR)
		}
	case Depth:
		if v>>16 != 0 { // an environment instruction's slot beyond 65535 (see EnvSlot)
			return fmt.Sprintf("^%d(slot+%d)", v&0xffff, v>>16<<16)
		}
		return fmt.Sprintf("^%d", v)
	case Slot:
		return fmt.Sprintf(".%d", v)
	case None:
		return ""
	}
	return fmt.Sprintf("?%d", v)
}
