// Package code defines felixlet's bytecode: the opcode table, the compiled Program and Func,
// runtime type descriptors, and the disassembler. It is a leaf: the compiler writes it, the
// machine executes it, and neither needs the other.
//
// # The machine model
//
// Each frame has two register files: S, scalar registers of 64 bits holding int, double
// (its bits), bool (0 or 1) and char (a byte), and R, reference registers holding Go values
// (strings, tuples, closures, environments, channels). A register keeps one kind for the
// life of its function, so scalar registers never hold Go pointers.
//
// An instruction is an opcode with three 16-bit register operands A, B, C and a 32-bit
// operand K (a constant index, an immediate, a jump target or a function index). In the
// comments below, sA is scalar register A, rA reference register A, K the wide operand and
// imm32(B, C) the 32-bit immediate whose low half is B and high half C.
//
// The table Ops says, for every opcode, what each operand is. Verify checks a program
// against it once, before it runs: registers inside the frame, constants, layouts, jump
// targets and functions inside their tables. The machine relies on that instead of checking
// each access.
//
// # Calls
//
// A call's arguments sit at the top of the caller's registers: scalar arguments from
// s(B+2) on (sB and s(B+1) receive the frame header: the return pc and the caller's
// register bases), reference arguments from rC on. When the callee needs its closure's
// environment, the environment comes first, in rC. The callee's registers start where its
// arguments are. Its result is stored, on return, in the caller's register A (of the kind the
// result has).
package code

// Op is an opcode.
type Op uint8

// The opcodes. The register picture follows each.
const (
	OpNop Op = iota // no effect

	// moves and constants
	OpMoveS   // sA = sB
	OpMoveR   // rA = rB
	OpLoadI   // sA = K (a 32-bit immediate int)
	OpLoadKS  // sA = scalar constant K
	OpLoadKR  // rA = reference constant K (a string or a type descriptor)
	OpLoadNil // rA = nil (drops a reference)

	// int arithmetic (wrapping); / and % truncate toward zero
	OpAddI  // sA = sB + sC
	OpAddIK // sA = sB + K
	OpSubI  // sA = sB - sC
	OpMulI  // sA = sB * sC
	OpDivI  // sA = sB / sC; division by zero is an error
	OpModI  // sA = sB % sC; division by zero is an error
	OpNegI  // sA = -sB

	// double arithmetic
	OpAddD // sA = sB + sC
	OpSubD // sA = sB - sC
	OpMulD // sA = sB * sC
	OpDivD // sA = sB / sC (IEEE: may give inf or nan)
	OpNegD // sA = -sB

	// comparisons giving a bool in sA
	OpEqI   // sA = sB == sC (int, char, bool)
	OpNeI   // sA = sB != sC
	OpLtI   // sA = sB < sC (signed)
	OpLeI   // sA = sB <= sC
	OpEqIK  // sA = sB == K
	OpNeIK  // sA = sB != K
	OpLtIK  // sA = sB < K
	OpLeIK  // sA = sB <= K
	OpGtIK  // sA = sB > K
	OpGeIK  // sA = sB >= K
	OpEqD   // sA = sB == sC (double)
	OpNeD   // sA = sB != sC
	OpLtD   // sA = sB < sC
	OpLeD   // sA = sB <= sC
	OpEqStr // sA = rB == rC (strings)
	OpNeStr // sA = rB != rC
	OpLtStr // sA = rB < rC (bytewise)
	OpLeStr // sA = rB <= rC
	OpNot   // sA = !sB (bool)

	// jumps; K is the target pc
	OpJump      // pc = K
	OpJumpIf    // if sA { pc = K }
	OpJumpIfNot // if !sA { pc = K }
	OpJLtI      // if sA < sB { pc = K } (int)
	OpJLeI      // if sA <= sB { pc = K }
	OpJEqI      // if sA == sB { pc = K }
	OpJNeI      // if sA != sB { pc = K }
	OpJLtIK     // if sA < imm32(B, C) { pc = K }
	OpJLeIK     // if sA <= imm32(B, C) { pc = K }
	OpJGtIK     // if sA > imm32(B, C) { pc = K }
	OpJGeIK     // if sA >= imm32(B, C) { pc = K }
	OpJEqIK     // if sA == imm32(B, C) { pc = K }
	OpJNeIK     // if sA != imm32(B, C) { pc = K }
	OpJumpLabel // pc = the label sA holds, a LABEL value: (function index + 1) << 32 | pc; a label of another function (or none) is an error

	// conversions
	OpIntToDouble // sA = double(sB)
	OpDoubleToInt // sA = int(sB), truncating; nan and out-of-range values are errors
	OpOrd         // sA = the char sB as a signed byte
	OpChr         // sA = the char with code sB (its low byte)

	// strings
	OpConcat     // rA = rB + rC
	OpConcatChar // rA = rB + the char sC
	OpStrLen     // sA = len(rB)
	OpStrIndex   // sA = rB[sC]; an index out of range is an error
	OpStrI       // rA = the decimal text of the int sB
	OpStrD       // rA = the double sB as C++ iostreams print it
	OpStrB       // rA = "true" or "false"
	OpStrC       // rA = the one-char string of sB
	OpReprC      // rA = the char sB with repr escapes
	OpReprStr    // rA = the string rB quoted with repr escapes
	OpPrint      // write rA to stdout; B=1 adds a newline; C=1 writes to stderr instead

	// aggregates; K indexes the function's layouts
	OpTuple // rA = a tuple of layout K from sB.. and rC..
	OpGetS  // sA = scalar slot C of the tuple rB
	OpGetR  // rA = reference slot C of the tuple rB

	// closures and environments
	OpNewEnv  // rA = a new environment of layout K whose parent is rB (B = NoReg: none)
	OpEnvGetS // sA = scalar slot C of the environment K levels above rB
	OpEnvGetR // rA = reference slot C of the environment K levels above rB
	OpEnvSetS // scalar slot C of the environment K levels above rB = sA
	OpEnvSetR // reference slot C of the environment K levels above rB = rA
	OpEnvUp   // rA = the environment K levels above rB
	OpClosure // rA = a closure of function K over the environment rB (B = NoReg: none)

	// calls and returns
	OpCall        // call function K with arguments at sB+2.., rC..; result in register A
	OpCallClosure // call the closure rK with arguments at sB+2.., rC+1..; result in register A
	OpTailCall    // like OpCall, but the callee replaces the running frame (a call in tail position)
	OpTailClosure // like OpCallClosure, but the callee replaces the running frame
	OpCallBuiltin // call builtin K with arguments at sB.., rC..; it leaves its result in sB or rC
	OpReturn      // return from a procedure
	OpReturnS     // return sA
	OpReturnR     // return rA
	OpFallOff     // error: a function reached its end without returning a value

	// fibres and channels
	OpMkChan // rA = a new synchronous channel
	// A fibre that waits on a channel keeps its place just after its read or write; the
	// partner that meets it takes the value from, or puts it in, the waiter's register A.
	OpRead     // read a unit value from the channel rB
	OpReadS    // sA = read from the channel rB
	OpReadR    // rA = read from the channel rB
	OpWrite    // write a unit value to the channel rB
	OpWriteS   // write sA to the channel rB
	OpWriteR   // write rA to the channel rB
	OpSpawn    // start a fibre running the closure rA now; the spawner waits at the front
	OpSchedule // start a fibre running the closure rA later, at the back of the active list
	OpRun      // run the closure rA on a nested scheduler until nothing is active there
	OpYield    // move the running fibre to the back of the active list
	OpHalt     // stop the program with the message rA

	// variants: lists (nil is Empty), options (nil is None) and declared variants
	OpConsS     // rA = a list cell with head sB and tail rC
	OpConsR     // rA = a list cell with head rB and tail rC
	OpHeadS     // sA = the head of the non-empty list rB
	OpHeadR     // rA = the head of the non-empty list rB
	OpTail      // rA = the tail of the non-empty list rB
	OpSomeS     // rA = Some sB
	OpSomeR     // rA = Some rB
	OpOptGetS   // sA = the payload of the Some rB
	OpOptGetR   // rA = the payload of the Some rB
	OpVariant   // rA = constructor Layout(K).Tag of a declared variant, payload from sB.. and rC..
	OpVarGetS   // sA = scalar payload slot C of the declared variant rB
	OpVarGetR   // rA = reference payload slot C of the declared variant rB
	OpTestTag   // sA = the constructor of the variant rB is K (Empty and None are 0)
	OpMatchFail // error: no arm of the match accepts the value

	// pointers to variables, which live in environments
	OpAddrS     // rA = a pointer to scalar slot C of the environment K levels above rB
	OpAddrR     // rA = a pointer to reference slot C of the environment K levels above rB
	OpLoadPtrS  // sA = the variable the pointer rB points to
	OpLoadPtrR  // rA = the variable the pointer rB points to
	OpStorePtrS // the variable the pointer rB points to = sA
	OpStorePtrR // the variable the pointer rB points to = rA

	// generators
	OpYield0 // yield unit from the running generator to its caller
	OpYieldS // yield sA from the running generator to its caller
	OpYieldR // yield rA from the running generator to its caller

	// duplex channels
	OpDuplex    // rA = a duplex end that reads the channel rB and writes the channel rC
	OpDuplexIn  // rA = the channel the duplex end rB reads
	OpDuplexOut // rA = the channel the duplex end rB writes

	// buffered channels, polling, close, acknowledged sends and select (Level 4). Every
	// channel instruction runs out of the loop, in vm/channels.go. A channel may be
	// synchronous or buffered whatever its static type: the machine looks at it.
	OpMkBufChan  // rA = a new buffered channel of sB slots (fewer than one is an error)
	OpReadOpt    // rA = Some of a value read from the channel rB, or None once it is closed and empty; waits like OpReadR
	OpTryRead    // rA = Some of a value read from the channel rB if one can be read now, else None; never waits
	OpTryWrite   // sC = whether unit can be written to the channel rB now, writing it if so; never waits
	OpTryWriteS  // sC = whether sA can be written to the channel rB now, writing it if so; never waits
	OpTryWriteR  // sC = whether rA can be written to the channel rB now, writing it if so; never waits
	OpReadyRead  // sA = a read of the channel rB would complete now
	OpReadyWrite // sA = a write to the channel rB would complete now
	OpClose      // close the channel rB; waits while values are still buffered in it
	OpIsClosed   // sA = the channel rB is closed
	OpSend       // rC = the ack of sending unit to the channel rB; never waits
	OpSendS      // rC = the ack of sending sA to the channel rB; never waits
	OpSendR      // rC = the ack of sending rA to the channel rB; never waits
	OpCompleted  // sA = the ack rB has completed
	OpAwait      // sA = the value the ack rB acknowledges was taken (not refused by a close); waits until it completes
	// A select is an OpSelect followed by its K arms, one instruction each, which are never
	// run themselves: the select tries them in order and jumps to the K of the first that
	// can complete now; with none, it goes on just after the arms when B is 1 (an else),
	// and otherwise waits on them all until one completes, and jumps to its K. A partner
	// that meets a waiting select puts the value in, or takes it from, the arm's register A.
	OpSelect     // choose among the K arms that follow; B=1: go on after them when none is ready
	OpArmRead    // arm: read a unit value from the channel rB, then jump to K
	OpArmReadS   // arm: sA = read from the channel rB, then jump to K
	OpArmReadR   // arm: rA = read from the channel rB, then jump to K
	OpArmReadOpt // arm: rA = Some of a value read from the channel rB, or None once it is closed and empty; then jump to K
	OpArmWrite   // arm: write a unit value to the channel rB, then jump to K
	OpArmWriteS  // arm: write sA to the channel rB, then jump to K
	OpArmWriteR  // arm: write rA to the channel rB, then jump to K
	OpArmAfter   // arm: once sA seconds (a double) have passed, jump to K

	numOps
)

// NoReg in an optional register operand means "none".
const NoReg = 0xFFFF

// Operand says how an instruction field is read: the disassembler prints it by its kind,
// and the verifier checks it against the function and the program.
type Operand uint8

const (
	None      Operand = iota // unused
	SReg                     // a scalar register of the frame
	RReg                     // a reference register of the frame
	ROpt                     // a reference register of the frame, or NoReg for none
	Imm                      // a signed immediate
	Imm32                    // in B: a signed 32-bit immediate, B its low half and C its high half
	Flag                     // a small flag
	KScalar                  // an index into the scalar constants
	KRef                     // an index into the reference constants
	Target                   // a jump target: a pc of the same function
	FuncIdx                  // an index into the program's functions
	Builtin                  // an index into the program's builtins
	LayoutIdx                // an index into the function's layouts
	SRun                     // the first of the scalar registers holding layout K's scalar slots
	RRun                     // the first of the reference registers holding layout K's reference slots
	Depth                    // a count of environment levels
	Slot                     // a slot number of an environment, tuple or variant
	SBase                    // the first of a call's scalar registers
	RBase                    // the first of a call's reference registers
	Result                   // a call's result register, whose kind the callee decides
)

// Trait is what the verifier and the machine know of an opcode besides its operands.
type Trait uint8

const (
	// Loop marks an instruction only the machine's Go loop runs.
	Loop Trait = 0
	// Scalar marks an instruction that reads and writes nothing but scalar registers,
	// scalar constants and the pc: the scalar kernels (vm/fibre_*.s) run it.
	Scalar Trait = 1 << iota
	// Ends marks an instruction after which control never reaches the next one.
	Ends
)

// Info describes one opcode.
type Info struct {
	Name       string  // the mnemonic the disassembler prints
	A, B, C, K Operand // how each operand field is read
	Traits     Trait   // which parts of the machine run it, and whether it ends a run of code
	Doc        string  // what the instruction does, in a phrase
}

// Ops describes every opcode; the disassembler, the verifier and the machine read it.
var Ops = [numOps]Info{
	OpNop:     {"NOP", None, None, None, None, Scalar, "no effect"},
	OpMoveS:   {"MOVES", SReg, SReg, None, None, Scalar, "copy a scalar register"},
	OpMoveR:   {"MOVER", RReg, RReg, None, None, Loop, "copy a reference register"},
	OpLoadI:   {"LOADI", SReg, None, None, Imm, Scalar, "load a small int"},
	OpLoadKS:  {"LOADKS", SReg, None, None, KScalar, Scalar, "load a scalar constant"},
	OpLoadKR:  {"LOADKR", RReg, None, None, KRef, Loop, "load a reference constant"},
	OpLoadNil: {"LOADNIL", RReg, None, None, None, Loop, "clear a reference register"},

	OpAddI:  {"ADDI", SReg, SReg, SReg, None, Scalar, "int add"},
	OpAddIK: {"ADDIK", SReg, SReg, None, Imm, Scalar, "int add an immediate"},
	OpSubI:  {"SUBI", SReg, SReg, SReg, None, Scalar, "int subtract"},
	OpMulI:  {"MULI", SReg, SReg, SReg, None, Scalar, "int multiply"},
	OpDivI:  {"DIVI", SReg, SReg, SReg, None, Scalar, "int divide, truncating"},
	OpModI:  {"MODI", SReg, SReg, SReg, None, Scalar, "int remainder"},
	OpNegI:  {"NEGI", SReg, SReg, None, None, Scalar, "int negate"},
	OpAddD:  {"ADDD", SReg, SReg, SReg, None, Scalar, "double add"},
	OpSubD:  {"SUBD", SReg, SReg, SReg, None, Scalar, "double subtract"},
	OpMulD:  {"MULD", SReg, SReg, SReg, None, Scalar, "double multiply"},
	OpDivD:  {"DIVD", SReg, SReg, SReg, None, Scalar, "double divide"},
	OpNegD:  {"NEGD", SReg, SReg, None, None, Scalar, "double negate"},

	OpEqI:   {"EQI", SReg, SReg, SReg, None, Scalar, "int equal"},
	OpNeI:   {"NEI", SReg, SReg, SReg, None, Scalar, "int not equal"},
	OpLtI:   {"LTI", SReg, SReg, SReg, None, Scalar, "int less"},
	OpLeI:   {"LEI", SReg, SReg, SReg, None, Scalar, "int less or equal"},
	OpEqIK:  {"EQIK", SReg, SReg, None, Imm, Scalar, "int equal to an immediate"},
	OpNeIK:  {"NEIK", SReg, SReg, None, Imm, Scalar, "int not equal to an immediate"},
	OpLtIK:  {"LTIK", SReg, SReg, None, Imm, Scalar, "int less than an immediate"},
	OpLeIK:  {"LEIK", SReg, SReg, None, Imm, Scalar, "int at most an immediate"},
	OpGtIK:  {"GTIK", SReg, SReg, None, Imm, Scalar, "int greater than an immediate"},
	OpGeIK:  {"GEIK", SReg, SReg, None, Imm, Scalar, "int at least an immediate"},
	OpEqD:   {"EQD", SReg, SReg, SReg, None, Scalar, "double equal"},
	OpNeD:   {"NED", SReg, SReg, SReg, None, Scalar, "double not equal"},
	OpLtD:   {"LTD", SReg, SReg, SReg, None, Scalar, "double less"},
	OpLeD:   {"LED", SReg, SReg, SReg, None, Scalar, "double less or equal"},
	OpEqStr: {"EQSTR", SReg, RReg, RReg, None, Loop, "string equal"},
	OpNeStr: {"NESTR", SReg, RReg, RReg, None, Loop, "string not equal"},
	OpLtStr: {"LTSTR", SReg, RReg, RReg, None, Loop, "string less"},
	OpLeStr: {"LESTR", SReg, RReg, RReg, None, Loop, "string less or equal"},
	OpNot:   {"NOT", SReg, SReg, None, None, Scalar, "bool not"},

	OpJump:      {"JUMP", None, None, None, Target, Scalar | Ends, "jump"},
	OpJumpIf:    {"JUMPIF", SReg, None, None, Target, Scalar, "jump if true"},
	OpJumpIfNot: {"JUMPIFNOT", SReg, None, None, Target, Scalar, "jump if false"},
	OpJLtI:      {"JLTI", SReg, SReg, None, Target, Scalar, "jump if int less"},
	OpJLeI:      {"JLEI", SReg, SReg, None, Target, Scalar, "jump if int less or equal"},
	OpJEqI:      {"JEQI", SReg, SReg, None, Target, Scalar, "jump if int equal"},
	OpJNeI:      {"JNEI", SReg, SReg, None, Target, Scalar, "jump if int not equal"},
	OpJLtIK:     {"JLTIK", SReg, Imm32, None, Target, Scalar, "jump if int less than an immediate"},
	OpJLeIK:     {"JLEIK", SReg, Imm32, None, Target, Scalar, "jump if int at most an immediate"},
	OpJGtIK:     {"JGTIK", SReg, Imm32, None, Target, Scalar, "jump if int greater than an immediate"},
	OpJGeIK:     {"JGEIK", SReg, Imm32, None, Target, Scalar, "jump if int at least an immediate"},
	OpJEqIK:     {"JEQIK", SReg, Imm32, None, Target, Scalar, "jump if int equal to an immediate"},
	OpJNeIK:     {"JNEIK", SReg, Imm32, None, Target, Scalar, "jump if int not equal to an immediate"},
	OpJumpLabel: {"JUMPLABEL", SReg, None, None, None, Ends, "jump to a LABEL value"},

	OpIntToDouble: {"I2D", SReg, SReg, None, None, Scalar, "int to double"},
	OpDoubleToInt: {"D2I", SReg, SReg, None, None, Scalar, "double to int, truncating"},
	OpOrd:         {"ORD", SReg, SReg, None, None, Scalar, "char to its signed code"},
	OpChr:         {"CHR", SReg, SReg, None, None, Scalar, "int to the char of its low byte"},

	OpConcat:     {"CONCAT", RReg, RReg, RReg, None, Loop, "join two strings"},
	OpConcatChar: {"CONCATC", RReg, RReg, SReg, None, Loop, "append a char to a string"},
	OpStrLen:     {"STRLEN", SReg, RReg, None, None, Loop, "length of a string"},
	OpStrIndex:   {"STRINDEX", SReg, RReg, SReg, None, Loop, "char of a string at an index"},
	OpStrI:       {"STRI", RReg, SReg, None, None, Loop, "int to text"},
	OpStrD:       {"STRD", RReg, SReg, None, None, Loop, "double to text"},
	OpStrB:       {"STRB", RReg, SReg, None, None, Loop, "bool to text"},
	OpStrC:       {"STRC", RReg, SReg, None, None, Loop, "char to a string"},
	OpReprC:      {"REPRC", RReg, SReg, None, None, Loop, "char to its repr"},
	OpReprStr:    {"REPRSTR", RReg, RReg, None, None, Loop, "string to its repr"},
	OpPrint:      {"PRINT", RReg, Flag, Flag, None, Loop, "write a string to stdout (or stderr)"},

	OpTuple: {"TUPLE", RReg, SRun, RRun, LayoutIdx, Loop, "build a tuple"},
	OpGetS:  {"GETS", SReg, RReg, Slot, None, Loop, "read a scalar slot of a tuple"},
	OpGetR:  {"GETR", RReg, RReg, Slot, None, Loop, "read a reference slot of a tuple"},

	OpNewEnv:  {"NEWENV", RReg, ROpt, None, LayoutIdx, Loop, "make an environment"},
	OpEnvGetS: {"ENVGETS", SReg, RReg, Slot, Depth, Loop, "read a scalar variable of an environment"},
	OpEnvGetR: {"ENVGETR", RReg, RReg, Slot, Depth, Loop, "read a reference variable of an environment"},
	OpEnvSetS: {"ENVSETS", SReg, RReg, Slot, Depth, Loop, "write a scalar variable of an environment"},
	OpEnvSetR: {"ENVSETR", RReg, RReg, Slot, Depth, Loop, "write a reference variable of an environment"},
	OpEnvUp:   {"ENVUP", RReg, RReg, None, Depth, Loop, "find an enclosing environment"},
	OpClosure: {"CLOSURE", RReg, ROpt, None, FuncIdx, Loop, "make a closure"},

	OpCall:        {"CALL", Result, SBase, RBase, FuncIdx, Loop, "call a function"},
	OpCallClosure: {"CALLC", Result, SBase, RBase, RReg, Loop, "call a closure"},
	OpTailCall:    {"TAILCALL", None, SBase, RBase, FuncIdx, Loop, "call a function in tail position"},
	OpTailClosure: {"TAILCALLC", None, SBase, RBase, RReg, Loop, "call a closure in tail position"},
	OpCallBuiltin: {"BUILTIN", None, SBase, RBase, Builtin, Loop, "call a builtin"},
	OpReturn:      {"RET", None, None, None, None, Ends, "return from a procedure"},
	OpReturnS:     {"RETS", SReg, None, None, None, Ends, "return a scalar"},
	OpReturnR:     {"RETR", RReg, None, None, None, Ends, "return a reference"},
	OpFallOff:     {"FALLOFF", None, None, None, None, Ends, "error: no value returned"},

	OpMkChan:   {"MKCHAN", RReg, None, None, None, Loop, "make a channel"},
	OpRead:     {"READ", None, RReg, None, None, Loop, "read a unit value"},
	OpReadS:    {"READS", SReg, RReg, None, None, Loop, "read a scalar"},
	OpReadR:    {"READR", RReg, RReg, None, None, Loop, "read a reference"},
	OpWrite:    {"WRITE", None, RReg, None, None, Loop, "write a unit value"},
	OpWriteS:   {"WRITES", SReg, RReg, None, None, Loop, "write a scalar"},
	OpWriteR:   {"WRITER", RReg, RReg, None, None, Loop, "write a reference"},
	OpSpawn:    {"SPAWN", RReg, None, None, None, Loop, "spawn a fibre, run it now"},
	OpSchedule: {"SCHEDULE", RReg, None, None, None, Loop, "spawn a fibre, run it later"},
	OpRun:      {"RUN", RReg, None, None, None, Loop, "run a nested scheduler"},
	OpYield:    {"YIELD", None, None, None, None, Loop, "yield to the active list"},
	OpHalt:     {"HALT", RReg, None, None, None, Ends, "stop the program"},

	OpConsS:     {"CONSS", RReg, SReg, RReg, None, Loop, "make a list cell with a scalar head"},
	OpConsR:     {"CONSR", RReg, RReg, RReg, None, Loop, "make a list cell with a reference head"},
	OpHeadS:     {"HEADS", SReg, RReg, None, None, Loop, "the scalar head of a list"},
	OpHeadR:     {"HEADR", RReg, RReg, None, None, Loop, "the reference head of a list"},
	OpTail:      {"TAIL", RReg, RReg, None, None, Loop, "the tail of a list"},
	OpSomeS:     {"SOMES", RReg, SReg, None, None, Loop, "Some of a scalar"},
	OpSomeR:     {"SOMER", RReg, RReg, None, None, Loop, "Some of a reference"},
	OpOptGetS:   {"OPTGETS", SReg, RReg, None, None, Loop, "the scalar payload of a Some"},
	OpOptGetR:   {"OPTGETR", RReg, RReg, None, None, Loop, "the reference payload of a Some"},
	OpVariant:   {"VARIANT", RReg, SRun, RRun, LayoutIdx, Loop, "make a value of a declared variant"},
	OpVarGetS:   {"VARGETS", SReg, RReg, Slot, None, Loop, "a scalar payload slot of a variant"},
	OpVarGetR:   {"VARGETR", RReg, RReg, Slot, None, Loop, "a reference payload slot of a variant"},
	OpTestTag:   {"TESTTAG", SReg, RReg, None, Imm, Loop, "test a variant's constructor"},
	OpMatchFail: {"MATCHFAIL", None, None, None, None, Ends, "error: no arm matched"},

	OpAddrS:     {"ADDRS", RReg, RReg, Slot, Depth, Loop, "point to a scalar variable"},
	OpAddrR:     {"ADDRR", RReg, RReg, Slot, Depth, Loop, "point to a reference variable"},
	OpLoadPtrS:  {"LOADPTRS", SReg, RReg, None, None, Loop, "read a scalar through a pointer"},
	OpLoadPtrR:  {"LOADPTRR", RReg, RReg, None, None, Loop, "read a reference through a pointer"},
	OpStorePtrS: {"STOREPTRS", SReg, RReg, None, None, Loop, "write a scalar through a pointer"},
	OpStorePtrR: {"STOREPTRR", RReg, RReg, None, None, Loop, "write a reference through a pointer"},

	OpYield0: {"YIELD0", None, None, None, None, Loop, "yield unit"},
	OpYieldS: {"YIELDS", SReg, None, None, None, Loop, "yield a scalar"},
	OpYieldR: {"YIELDR", RReg, None, None, None, Loop, "yield a reference"},

	OpDuplex:    {"DUPLEX", RReg, RReg, RReg, None, Loop, "make a duplex end"},
	OpDuplexIn:  {"DUPLEXIN", RReg, RReg, None, None, Loop, "the channel a duplex end reads"},
	OpDuplexOut: {"DUPLEXOUT", RReg, RReg, None, None, Loop, "the channel a duplex end writes"},

	OpMkBufChan:  {"MKBUFCHAN", RReg, SReg, None, None, Loop, "make a buffered channel"},
	OpReadOpt:    {"READOPT", RReg, RReg, None, None, Loop, "read an option: None once closed and empty"},
	OpTryRead:    {"TRYREAD", RReg, RReg, None, None, Loop, "read if a value is ready"},
	OpTryWrite:   {"TRYWRITE", None, RReg, SReg, None, Loop, "write unit if a write can complete now"},
	OpTryWriteS:  {"TRYWRITES", SReg, RReg, SReg, None, Loop, "write a scalar if a write can complete now"},
	OpTryWriteR:  {"TRYWRITER", RReg, RReg, SReg, None, Loop, "write a reference if a write can complete now"},
	OpReadyRead:  {"READYREAD", SReg, RReg, None, None, Loop, "can a read complete now"},
	OpReadyWrite: {"READYWRITE", SReg, RReg, None, None, Loop, "can a write complete now"},
	OpClose:      {"CLOSE", None, RReg, None, None, Loop, "close a channel"},
	OpIsClosed:   {"ISCLOSED", SReg, RReg, None, None, Loop, "is a channel closed"},
	OpSend:       {"SEND", None, RReg, RReg, None, Loop, "send unit, giving an ack"},
	OpSendS:      {"SENDS", SReg, RReg, RReg, None, Loop, "send a scalar, giving an ack"},
	OpSendR:      {"SENDR", RReg, RReg, RReg, None, Loop, "send a reference, giving an ack"},
	OpCompleted:  {"COMPLETED", SReg, RReg, None, None, Loop, "has an ack completed"},
	OpAwait:      {"AWAIT", SReg, RReg, None, None, Loop, "wait for an ack"},
	OpSelect:     {"SELECT", None, Flag, None, Imm, Loop, "choose among the arms that follow"},
	OpArmRead:    {"ARMREAD", None, RReg, None, Target, Loop, "select arm: read a unit value"},
	OpArmReadS:   {"ARMREADS", SReg, RReg, None, Target, Loop, "select arm: read a scalar"},
	OpArmReadR:   {"ARMREADR", RReg, RReg, None, Target, Loop, "select arm: read a reference"},
	OpArmReadOpt: {"ARMREADOPT", RReg, RReg, None, Target, Loop, "select arm: read an option"},
	OpArmWrite:   {"ARMWRITE", None, RReg, None, Target, Loop, "select arm: write a unit value"},
	OpArmWriteS:  {"ARMWRITES", SReg, RReg, None, Target, Loop, "select arm: write a scalar"},
	OpArmWriteR:  {"ARMWRITER", RReg, RReg, None, Target, Loop, "select arm: write a reference"},
	OpArmAfter:   {"ARMAFTER", SReg, None, None, Target, Loop, "select arm: a timeout"},
}

func (op Op) String() string {
	if int(op) < len(Ops) && Ops[op].Name != "" {
		return Ops[op].Name
	}
	return "OP?"
}

// Instr is one instruction. Its layout is fixed (the kernels in vm/fibre_*.s read it): Op at
// byte 0, A at 2, B at 4, C at 6, K at 8, 12 bytes in all.
type Instr struct {
	Op      Op     // what to do
	A, B, C uint16 // register operands (or small immediates and flags)
	K       int32  // the wide operand: a constant, immediate, target, function or register
}

// Imm32 returns the 32-bit immediate an instruction keeps in B (low half) and C (high half).
func (in *Instr) Imm32() int64 { return int64(int32(uint32(in.B) | uint32(in.C)<<16)) }

// An environment instruction (ENVGET*, ENVSET*, ADDR*) keeps its slot in C, widened by the high
// half of K, and its depth in the low half of K: an environment may have more than 65,536
// slots of a kind (a long REPL session's), never a depth of more than 65,535 (nesting is
// bounded far below).

// EnvSlot returns the slot an environment instruction names.
func (in *Instr) EnvSlot() int { return int(in.C) | int(uint32(in.K)>>16)<<16 }

// EnvDepth returns how many levels up an environment instruction goes.
func (in *Instr) EnvDepth() int { return int(in.K & 0xffff) }

// SplitEnv returns the C and K operands that name slot, depth levels up; ok is false when
// they do not fit.
func SplitEnv(slot, depth int) (c, k int, ok bool) {
	if slot < 0 || slot>>16 > 0x7fff || depth < 0 || depth > 0xffff {
		return 0, 0, false
	}
	return slot & 0xffff, slot>>16<<16 | depth, true
}

// SplitImm32 returns the B and C operands that hold the 32-bit immediate v.
func SplitImm32(v int32) (b, c int) { return int(uint16(v)), int(uint16(uint32(v) >> 16)) }
