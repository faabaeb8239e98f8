package compile

import (
	"fmt"
	"math"
	"slices"

	"github.com/felixlet/felixlet/lang/ast"
	"github.com/felixlet/felixlet/lang/diag"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/types"
	"github.com/felixlet/felixlet/vm/code"
)

// kind is where values of a type live.
type kind uint8

const (
	kNone kind = iota // unit and void: no register at all
	kS                // a scalar register
	kR                // a reference register
)

func kindOf(t types.Type) kind {
	switch {
	case types.IsScalar(t):
		return kS
	case types.IsUnit(t), types.IsVoid(t):
		return kNone
	}
	return kR
}

// reg is a register of a kind.
type reg struct {
	k kind
	i int
}

var noReg = reg{k: kNone}

// home is where a variable lives: a register of its function, or a slot of its function's
// environment.
type home struct {
	k     kind
	inEnv bool
	i     int // the register, or the environment slot
}

// fnCompiler compiles one function.
type fnCompiler struct {
	c     *compiler
	inst  *instance // the instance being compiled
	fn    *ir.Func  // its function
	out   *code.Func
	homes map[*ir.Var]home
	// incoming lists, for each parameter, the registers its arguments arrive in; packed
	// marks a single tuple parameter that arrives as its elements.
	incoming map[*ir.Var][]reg
	packed   map[*ir.Var]bool
	ownEnv   int // the register holding the function's own environment, or -1
	// incomingUsed records that the code reads the incoming environment (register 0)
	// past the prologue; dropIncoming is the pc of the prologue's LOADNIL of it, which
	// becomes a NOP if it does (or -1).
	incomingUsed bool
	dropIncoming int
	// The temporaries: the next free scalar and reference registers, and the high-water
	// marks that become the frame size. Registers from tempS and tempR up are temporaries.
	stop, rtop   int
	maxS, maxR   int
	tempS, tempR int
	loops        map[*ir.Loop]*loopJumps
	labels       map[*ir.Label]int     // label -> pc
	gotos        map[*ir.Label][]int   // pending gotos to patch
	labelVals    map[*ir.Label][]int   // pending loads of LABEL values to patch
	pos          ast.Pos               // the source position of what is being compiled
	kstr         map[string]int        // reference constants already in KR
	kscalar      map[uint64]int        // scalar constants already in KS
	types        map[string]*code.Type // type descriptors made for this function
	aliases      map[*ir.Var]string    // hidden temporaries, by what they were given (describe)
	appends      map[*ir.CallPrim]bool // the string additions that append to their left operand's variable
	err          error                 // the first error, a *diag.Error
}

type loopJumps struct {
	breaks, continues []int // jumps to patch to the loop's end and step
}

// function compiles an instance into its code.Func.
func (c *compiler) function(inst *instance) error {
	f := inst.fn
	fc := &fnCompiler{c: c, inst: inst, fn: f, out: c.out.Funcs[inst.index-c.base], homes: map[*ir.Var]home{}, ownEnv: -1, dropIncoming: -1,
		loops: map[*ir.Loop]*loopJumps{}, labels: map[*ir.Label]int{}, gotos: map[*ir.Label][]int{}, labelVals: map[*ir.Label][]int{},
		kstr: map[string]int{}, kscalar: map[uint64]int{}, types: map[string]*code.Type{}, aliases: map[*ir.Var]string{}, appends: map[*ir.CallPrim]bool{}, pos: f.Pos}
	fc.out.NeedsEnv = c.needsEnv(f)
	fc.out.Gen = f.Yields
	fc.prologue()
	body := f.Body
	if f == c.main {
		body = body[c.session.compiled:] // in a session, the statements of the new input
	}
	fc.stmts(body)
	// The return at the end belongs to the end of the body, or to its last statement.
	if n := len(fc.out.Lines); f.End.Line == 0 && n > 0 {
		fc.pos = ast.Pos{File: f.Pos.File, Line: int(fc.out.Lines[n-1].Line), Col: int(fc.out.Lines[n-1].Col)}
	}
	if (f.Kind == ir.KindFun || f.Kind == ir.KindGen) && !types.IsUnit(fc.typ(f.Type.Cod)) {
		fc.at(f.End)
		fc.emit(code.OpFallOff, 0, 0, 0, 0)
	} else {
		fc.emitReturn(code.OpReturn, 0)
	}
	for l, jumps := range fc.gotos {
		target, ok := fc.labels[l]
		if !ok {
			return &diag.Error{Pos: l.P, Msg: fmt.Sprintf("label %s was never placed", l.Name)}
		}
		for _, pc := range jumps {
			fc.out.Code[pc].K = int32(target)
		}
	}
	for l, loads := range fc.labelVals {
		target, ok := fc.labels[l]
		if !ok {
			return &diag.Error{Pos: l.P, Msg: fmt.Sprintf("label %s was never placed", l.Name)}
		}
		for _, pc := range loads {
			fc.out.Code[pc].K = int32(fc.kScalar(fc.labelValue(target)))
		}
	}
	if fc.dropIncoming >= 0 && fc.incomingUsed {
		fc.out.Code[fc.dropIncoming] = code.Instr{Op: code.OpNop}
	}
	fc.out.NS, fc.out.NR = fc.maxS, fc.maxR
	if fc.maxS > math.MaxUint16-4 || fc.maxR > math.MaxUint16-4 {
		return &diag.Error{Pos: f.Pos, Msg: fmt.Sprintf("function %s needs too many registers", f.Name)}
	}
	return fc.err
}

// prologue lays out the frame: incoming arguments, then variables, then the environment.
func (fc *fnCompiler) prologue() {
	f := fc.fn
	if fc.out.NeedsEnv {
		fc.rtop = 1
	}
	// The incoming arguments, one register per argument the domain passes (argTypes). A
	// single parameter of tuple type receives the tuple's elements and is packed below.
	var dom types.Type = types.UnitType
	if f.Type != nil {
		dom = fc.typ(f.Type.Dom)
	}
	ats := argTypes(dom)
	fc.incoming = map[*ir.Var][]reg{}
	fc.packed = map[*ir.Var]bool{}
	for _, p := range f.Params {
		if len(f.Params) == 1 && len(ats) != 1 {
			fc.packed[p] = fc.kind(p.Type) != kNone
			for _, t := range ats {
				fc.incoming[p] = append(fc.incoming[p], fc.newReg(kindOf(t)))
			}
			continue
		}
		fc.incoming[p] = []reg{fc.temp(p.Type)}
	}
	fc.out.NArgS, fc.out.NArgR = fc.stop, fc.rtop
	fc.reserve(0, 0) // the frame holds its arguments (and environment) even if it never reads them
	// Variables: captured ones in the environment, the rest in registers (a parameter stays
	// in the register it arrived in). A session's mainline keeps every variable in the
	// session environment, which varHome finds.
	vars := f.Vars
	if f == fc.c.main {
		vars = nil
	}
	for _, v := range vars {
		k := kindOf(fc.typ(v.Type))
		switch {
		case k == kNone:
			fc.homes[v] = home{k: kNone}
		case v.Captured:
			fc.homes[v] = fc.inst.envHomes[v]
		case fc.incoming[v] != nil && !fc.packed[v]:
			fc.homes[v] = home{k: k, i: fc.incoming[v][0].i}
		default:
			fc.homes[v] = home{k: k, i: fc.newReg(k).i}
		}
	}
	switch {
	case f == fc.c.main:
		fc.ownEnv = 0 // the session environment
	case fc.c.ownsEnv[f]:
		fc.ownEnv = fc.newReg(kR).i
		up := code.NoReg
		if fc.out.NeedsEnv {
			up = 0
		}
		fc.emit(code.OpNewEnv, fc.ownEnv, up, 0, fc.layout(fc.inst.envShape))
	}
	fc.bindParams()
	fc.cacheCaptured()
	fc.tempS, fc.tempR = fc.stop, fc.rtop
}

// cacheCaptured reads, once on entry, the parameters of enclosing functions that this
// function uses and that never change, into registers of their own: a fibre's loop that
// serves channels its closure captured reads them from registers, not from the
// environment at every turn. If the code reads nothing else from the incoming
// environment, it then drops it, so that a fibre parked for good does not keep it alive.
func (fc *fnCompiler) cacheCaptured() {
	used, cached := fc.incomingUsed, false
	walkFunc(fc.fn, func(e ir.Expr) {
		l, ok := e.(*ir.Local)
		if !ok || !unchanging(l.Var) || l.Var.Owner == fc.fn {
			return
		}
		if _, seen := fc.homes[l.Var]; seen {
			return
		}
		k := kindOf(fc.typ(l.Var.Type))
		if k == kNone {
			return
		}
		r := fc.newReg(k)
		fc.loadVarInto(l.Var, r)
		fc.homes[l.Var] = home{k: k, i: r.i}
		cached = true
	})
	fc.incomingUsed = used
	if cached && fc.out.NeedsEnv && fc.ownEnv < 0 {
		fc.dropIncoming = fc.emit(code.OpLoadNil, 0, 0, 0, 0)
	}
}

// unchanging reports whether a variable keeps the value it starts with for as long as the
// functions nested in its owner can see it: a parameter that is not a var (no assignment,
// no address), of a function that is not a generator (which binds its parameters again at
// every call).
func unchanging(v *ir.Var) bool {
	o := v.Owner
	return !v.Mutable && o != nil && !o.Yields && o.Kind != ir.KindGen && slices.Contains(o.Params, v)
}

// isTemp reports whether r is a temporary, not a variable's or a parameter's register.
func (fc *fnCompiler) isTemp(r reg) bool {
	return r.k == kS && r.i >= fc.tempS || r.k == kR && r.i >= fc.tempR
}

// bindParams stores the incoming arguments in the parameters that do not live in the
// register they arrive in: a packed tuple, or a parameter captured in the environment. A
// generator does it again after each yield, since every call passes new arguments.
func (fc *fnCompiler) bindParams() {
	for _, p := range fc.fn.Params {
		switch {
		case fc.packed[p]:
			mark := fc.mark()
			fc.storeVar(p, fc.tupleFrom(p.Type, fc.incoming[p]))
			fc.release(mark)
		case fc.homes[p].inEnv:
			fc.storeVar(p, fc.incoming[p][0])
		}
	}
}

// argTypes lists the arguments a call passes to a function of domain dom (in the types of
// an instance): the elements of a tuple, none for unit, else the one value. Callers and the
// callee's prologue both lay arguments out by it, so they agree even where the checker saw
// the domain as a type parameter that the instance binds to a tuple.
func argTypes(dom types.Type) []types.Type {
	if t, ok := dom.(*types.Tuple); ok {
		return t.Elems
	}
	return []types.Type{dom}
}

// labelValue is the LABEL value of position pc of the function: it names the function, so
// that OpJumpLabel can refuse a label of another one.
func (fc *fnCompiler) labelValue(pc int) uint64 {
	return uint64(fc.out.Index+1)<<32 | uint64(uint32(pc))
}

// ---- registers -------------------------------------------------------------------------------

// newReg allocates a register of kind k on top of the register stack.
func (fc *fnCompiler) newReg(k kind) reg {
	switch k {
	case kS:
		r := reg{kS, fc.stop}
		fc.stop++
		fc.maxS = max(fc.maxS, fc.stop)
		return r
	case kR:
		r := reg{kR, fc.rtop}
		fc.rtop++
		fc.maxR = max(fc.maxR, fc.rtop)
		return r
	}
	return noReg
}

// regMark is a position of the register stack, to free temporaries back to.
type regMark struct{ s, r int }

func (fc *fnCompiler) mark() regMark         { return regMark{fc.stop, fc.rtop} }
func (fc *fnCompiler) release(m regMark)     { fc.stop, fc.rtop = m.s, m.r }
func (fc *fnCompiler) temp(t types.Type) reg { return fc.newReg(kindOf(fc.typ(t))) }

// instanceFor returns the instance a reference to g with type arguments args denotes,
// reporting polymorphic recursion, which has no finite set of instances.
func (fc *fnCompiler) instanceFor(g *ir.Func, args []types.Type) *instance {
	inst := fc.c.instanceFor(fc.inst, g, args)
	if size := len(inst.sub.key(g)); size > maxInstanceType && fc.err == nil {
		fc.fail("%s calls itself with ever larger types (polymorphic recursion), which felixlet cannot compile", g.Name)
		fc.c.queue = nil
	}
	return inst
}

// fail records the first error compiling the function, at the current position.
func (fc *fnCompiler) fail(format string, args ...any) {
	if fc.err == nil {
		fc.err = &diag.Error{Pos: fc.pos, Msg: fmt.Sprintf(format, args...)}
	}
}

// typ gives a type of the function's code the types of the instance being compiled.
func (fc *fnCompiler) typ(t types.Type) types.Type { return fc.inst.sub.apply(t) }

// kind is where a value of t lives in this instance.
func (fc *fnCompiler) kind(t types.Type) kind { return kindOf(fc.typ(t)) }

// reserve makes sure the frame has n more registers of each kind above the stack top,
// for a callee's header or a builtin's arguments.
func (fc *fnCompiler) reserve(ns, nr int) {
	fc.maxS = max(fc.maxS, fc.stop+ns)
	fc.maxR = max(fc.maxR, fc.rtop+nr)
}

// ---- emitting ----------------------------------------------------------------------------------

// emit appends an instruction and returns its pc.
func (fc *fnCompiler) emit(op code.Op, a, b, c int, k int) int {
	out := fc.out
	pc := len(out.Code)
	if n := len(out.Lines); n == 0 || out.Lines[n-1].Line != int32(fc.pos.Line) || out.Lines[n-1].Col != int32(fc.pos.Col) {
		if n > 0 && out.Lines[n-1].PC == int32(pc) {
			out.Lines[n-1] = code.Line{PC: int32(pc), Line: int32(fc.pos.Line), Col: int32(fc.pos.Col)}
		} else {
			out.Lines = append(out.Lines, code.Line{PC: int32(pc), Line: int32(fc.pos.Line), Col: int32(fc.pos.Col)})
		}
	}
	if a < 0 || a > math.MaxUint16 || b < 0 || b > math.MaxUint16 || c < 0 || c > math.MaxUint16 {
		fc.fail("function %s is too large", fc.fn.Name)
	}
	out.Code = append(out.Code, code.Instr{Op: op, A: uint16(a), B: uint16(b), C: uint16(c), K: int32(k)})
	return pc
}

// emitReturn emits a return. A call just before it, whose result is what is returned, is
// in tail position: it becomes a tail call, which replaces the frame instead of growing the
// stack (so a procedure that ends by calling itself runs in constant space, as in Felix).
// The return stays, for any jump that targets it.
func (fc *fnCompiler) emitReturn(op code.Op, a int) {
	if n := len(fc.out.Code); n > 0 {
		prev := &fc.out.Code[n-1]
		if (prev.Op == code.OpCall || prev.Op == code.OpCallClosure) && (op == code.OpReturn || int(prev.A) == a) {
			if prev.Op == code.OpCall {
				prev.Op = code.OpTailCall
			} else {
				prev.Op = code.OpTailClosure
			}
		}
	}
	fc.emit(op, a, 0, 0, 0)
}

// at sets the source position of the instructions emitted next, returning the previous one.
func (fc *fnCompiler) at(pos ast.Pos) ast.Pos {
	old := fc.pos
	if pos.Line > 0 {
		fc.pos = pos
	}
	return old
}

func (fc *fnCompiler) pc() int { return len(fc.out.Code) }

// patch points the jump at pc to the current end of the code.
func (fc *fnCompiler) patch(pcs ...int) {
	for _, pc := range pcs {
		fc.out.Code[pc].K = int32(fc.pc())
	}
}

// ---- constants, layouts, types ---------------------------------------------------------------

func (fc *fnCompiler) kString(s string) int {
	if i, ok := fc.kstr[s]; ok {
		return i
	}
	i := len(fc.out.KR)
	fc.out.KR = append(fc.out.KR, s)
	fc.kstr[s] = i
	return i
}

func (fc *fnCompiler) kScalar(v uint64) int {
	if i, ok := fc.kscalar[v]; ok {
		return i
	}
	i := len(fc.out.KS)
	fc.out.KS = append(fc.out.KS, v)
	fc.kscalar[v] = i
	return i
}

// loadScalar puts the 64 bits v in register r.
func (fc *fnCompiler) loadScalar(r reg, v uint64) {
	if int64(v) >= math.MinInt32 && int64(v) <= math.MaxInt32 {
		fc.emit(code.OpLoadI, r.i, 0, 0, int(int64(v)))
		return
	}
	fc.emit(code.OpLoadKS, r.i, 0, 0, fc.kScalar(v))
}

func (fc *fnCompiler) layout(l code.Layout) int {
	for i, have := range fc.out.Layouts {
		if have == l {
			return i
		}
	}
	fc.out.Layouts = append(fc.out.Layouts, l)
	return len(fc.out.Layouts) - 1
}

// typeDesc returns the index of the runtime descriptor of t among the reference constants.
func (fc *fnCompiler) typeDesc(t types.Type) int {
	t = fc.typ(t)
	key := t.String()
	d := fc.types[key]
	if d == nil {
		d = describe(t)
		fc.types[key] = d
	}
	for i, k := range fc.out.KR {
		if k == any(d) {
			return i
		}
	}
	fc.out.KR = append(fc.out.KR, d)
	return len(fc.out.KR) - 1
}

// describe makes the runtime descriptor of a type.
func describe(t types.Type) *code.Type { return describeIn(t, map[string]*code.Type{}) }

// describeIn makes the descriptor of t; variants holds those of the declared variants
// being described, so that a recursive variant's descriptor refers to itself.
func describeIn(t types.Type, variants map[string]*code.Type) *code.Type {
	d := &code.Type{Name: t.String()}
	switch t := t.(type) {
	case *types.Basic:
		d.Kind = map[types.BasicKind]code.Kind{types.Int: code.KInt, types.Double: code.KDouble,
			types.Bool: code.KBool, types.Char: code.KChar, types.Label: code.KInt, types.String: code.KString}[t.Kind]
	case *types.Tuple:
		d.Kind = code.KTuple
		if len(t.Elems) == 0 {
			d.Kind = code.KUnit
		}
		d.Elems, d.Slots = describeElems(t.Elems, variants)
	case *types.Record:
		d.Kind = code.KRecord
		var elems []types.Type
		for _, f := range t.Fields {
			elems = append(elems, f.Type)
			d.Names = append(d.Names, f.Name)
		}
		d.Elems, d.Slots = describeElems(elems, variants)
	case *types.Func:
		d.Kind = code.KFunc
	case *types.Chan:
		d.Kind = code.KChan
	case *types.Variant:
		switch t.Def.Kind {
		case types.ListVariant:
			d.Kind = code.KList
			d.Elems = []*code.Type{describeIn(t.Elem(), variants)}
		case types.OptVariant:
			d.Kind = code.KOpt
			d.Elems = []*code.Type{describeIn(t.Elem(), variants)}
		default:
			if v := variants[d.Name]; v != nil {
				return v
			}
			d.Kind = code.KVariant
			variants[d.Name] = d
			for i, c := range t.Def.Cases {
				elems, slots := describeElems(t.PayloadElems(i), variants)
				d.Cases = append(d.Cases, code.Case{Name: c.Name, Elems: elems, Slots: slots})
			}
		}
	case *types.Ptr:
		d.Kind = code.KPtr
	case *types.Array:
		d.Kind = code.KVarray
		if t.Growable {
			d.Kind = code.KDarray
		}
		d.Elems = []*code.Type{describeIn(t.Elem, variants)}
	default:
		d.Kind = code.KOpaque
	}
	return d
}

// describeElems describes the elements of a tuple, a record or a variant's payload, and
// gives each its slot.
func describeElems(elems []types.Type, variants map[string]*code.Type) ([]*code.Type, []int) {
	var ds []*code.Type
	for _, e := range elems {
		ds = append(ds, describeIn(e, variants))
	}
	_, slots := tupleShape(elems)
	return ds, slots
}

// tupleShape returns the layout of a tuple, a record or a variant's payload with these
// element types (in the types of an instance), and each element's slot among the scalar
// or reference slots (-1 for a unit element, which has none). It is the one place that
// splits an aggregate into its scalar and reference parts: the code that builds values,
// the code that reads them and the descriptors that print them all use it.
func tupleShape(elems []types.Type) (code.Layout, []int) {
	var l code.Layout
	slots := make([]int, len(elems))
	for i, e := range elems {
		switch kindOf(e) {
		case kS:
			slots[i] = l.NS
			l.NS++
		case kR:
			slots[i] = l.NR
			l.NR++
		default:
			slots[i] = -1
		}
	}
	return l, slots
}

func elemTypes(t types.Type) []types.Type {
	switch t := t.(type) {
	case *types.Tuple:
		return t.Elems
	case *types.Record:
		var out []types.Type
		for _, f := range t.Fields {
			out = append(out, f.Type)
		}
		return out
	}
	return nil
}

// tupleFrom builds a tuple of type t from registers holding its elements, into a new
// temporary.
func (fc *fnCompiler) tupleFrom(t types.Type, elems []reg) reg {
	et := elemTypes(fc.typ(t))
	l, _ := tupleShape(et)
	// OpTuple copies consecutive registers: gather the elements on top of the stack.
	sBase, rBase := fc.stop, fc.rtop
	for i, e := range elems {
		dst := fc.newReg(kindOf(et[i]))
		fc.move(dst, e)
	}
	out := fc.newReg(kR)
	fc.emit(code.OpTuple, out.i, sBase, rBase, fc.layout(l))
	return out
}

// move copies a register of one kind into another.
func (fc *fnCompiler) move(dst, src reg) {
	if dst == src || dst.k == kNone {
		return
	}
	if dst.k == kS {
		fc.emit(code.OpMoveS, dst.i, src.i, 0, 0)
	} else {
		fc.emit(code.OpMoveR, dst.i, src.i, 0, 0)
	}
}

// ---- variables ---------------------------------------------------------------------------------

// envPath returns the register holding the environment that owns v, and how many levels
// up from it v's slot is.
func (fc *fnCompiler) envPath(owner *ir.Func) (int, int) {
	if owner == fc.fn {
		return fc.ownEnv, 0
	}
	fc.incomingUsed = true
	// The incoming environment is the one of the nearest enclosing function that owns one;
	// count the owners from there up to v's function.
	levels := 0
	for f := fc.fn.Parent; f != owner; f = f.Parent {
		if fc.c.ownsEnv[f] {
			levels++
		}
	}
	return 0, levels
}

// loadVar returns a register holding v's value: its own register, or a temporary filled
// from the environment.
func (fc *fnCompiler) loadVar(v *ir.Var) reg {
	h := fc.varHome(v)
	if h.k == kNone {
		return noReg
	}
	if !h.inEnv {
		return reg{h.k, h.i}
	}
	r := fc.newReg(h.k)
	fc.loadVarInto(v, r)
	return r
}

func (fc *fnCompiler) loadVarInto(v *ir.Var, dst reg) {
	h := fc.varHome(v)
	if h.k == kNone || dst.k == kNone {
		return
	}
	if !h.inEnv {
		fc.move(dst, reg{h.k, h.i})
		return
	}
	op := code.OpEnvGetS
	if h.k == kR {
		op = code.OpEnvGetR
	}
	fc.emitEnv(op, dst.i, v, h)
}

// emitEnv emits an instruction that names v's slot, h, in the environment that owns it.
func (fc *fnCompiler) emitEnv(op code.Op, a int, v *ir.Var, h home) {
	envReg, levels := fc.envPath(v.Owner)
	c, k, ok := code.SplitEnv(h.i, levels)
	if !ok {
		fc.fail("function %s is too large", fc.fn.Name)
	}
	fc.emit(op, a, envReg, c, k)
}

// storeVar stores a register into v.
func (fc *fnCompiler) storeVar(v *ir.Var, src reg) {
	h := fc.varHome(v)
	if h.k == kNone {
		return
	}
	if !h.inEnv {
		fc.move(reg{h.k, h.i}, src)
		return
	}
	op := code.OpEnvSetS
	if h.k == kR {
		op = code.OpEnvSetR
	}
	fc.emitEnv(op, src.i, v, h)
}

// varHome finds where v lives as seen from this function: a variable of an enclosing
// function is always in that function's environment.
func (fc *fnCompiler) varHome(v *ir.Var) home {
	if h, ok := fc.homes[v]; ok {
		return h
	}
	return fc.inst.ancestor(v.Owner).envHomes[v]
}
