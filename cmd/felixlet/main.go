// Command felixlet runs Felix-style programs of fibres and synchronous channels.
//
//	felixlet run [--stats] [--trace] [--timeline FILE] prog.flx [args...]   run a program
//	felixlet prog.flx [args...]       the same
//	felixlet                          the REPL on a terminal; else run the program on stdin
//	felixlet repl                     the REPL (a session from stdin when it is no terminal)
//	felixlet check prog.flx ...       parse and type-check only
//	felixlet test [dir|file ...]      golden tests
//	felixlet disasm prog.flx          print the bytecode
//	felixlet graph [--svg] prog.flx   draw the program's circuits and pipelines (Graphviz DOT)
//	felixlet version
//
// Exit status: 0 when the program ran to its end, 1 for a runtime error, 2 for a compile
// error or bad usage, 3 for halt. docs/COMMAND.md describes it all.
package main

import (
	"os"

	"github.com/felixlet/felixlet/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
