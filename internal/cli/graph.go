package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/felixlet/felixlet/lang/check"
	"github.com/felixlet/felixlet/lang/diag"
	"github.com/felixlet/felixlet/lang/graph"
	"github.com/felixlet/felixlet/lang/ir"
	"github.com/felixlet/felixlet/lang/parse"
	"github.com/felixlet/felixlet/lang/prelude"
	"github.com/felixlet/felixlet/stdlib"
)

// graphCommand handles `felixlet graph [--svg] prog.flx`: the program's circuits and
// pipelines as Graphviz DOT, or with --svg drawn by Graphviz's dot as SVG.
func graphCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	svg, ps, status := flagAndProgram("graph", "svg", args, stdin, stderr)
	if status >= 0 {
		return status
	}
	checked, ok := checkProgram(ps, stderr)
	if !ok {
		return exitUsage
	}
	nets := programNetworks(checked)
	if !svg {
		graph.WriteDOT(stdout, ps.Name, nets)
		return exitOK
	}
	dot, err := exec.LookPath("dot")
	if err != nil {
		fmt.Fprint(stderr, "felixlet graph: --svg needs Graphviz's dot program, which is not installed.\n"+
			"Install Graphviz (Debian, Ubuntu: apt-get install graphviz; macOS: brew install graphviz),\n"+
			"or leave out --svg to get the DOT text, which any Graphviz viewer draws.\n")
		return exitRuntime
	}
	var text, errs bytes.Buffer
	graph.WriteDOT(&text, ps.Name, nets)
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &text, stdout, &errs
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(stderr, "felixlet graph: dot failed (%v): %s", err, errs.String())
		return exitRuntime
	}
	return exitOK
}

// programNetworks are the circuits and pipelines of a checked program (nil: none yet) that
// are not the library's.
func programNetworks(p *ir.Program) []*ir.Network {
	var nets []*ir.Network
	if p == nil {
		return nil
	}
	for _, n := range p.Networks {
		if !stdlib.IsLibrary(n.P.File) {
			nets = append(nets, n)
		}
	}
	return nets
}

// checkProgram parses and checks a program, which is all a drawing of its circuits needs;
// diagnostics (warnings too) go to stderr. A panic in the checker is a bug, reported as an
// internal error rather than a Go stack trace.
func checkProgram(ps programSource, stderr io.Writer) (checked *ir.Program, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv("FELIXLET_DEBUG") != "" {
				panic(r)
			}
			fmt.Fprintf(stderr, "felixlet: internal error while checking %s: %v\n", ps.Name, r)
			checked, ok = nil, false
		}
	}()
	prog, errs, sources := parse.File(ps.Name, ps.Src, parse.Config{ReadFile: ps.readFile, Library: stdlib.Library})
	sources[stdlib.PreludeName] = stdlib.Prelude
	if errs.HasErrors() {
		diag.Print(stderr, errs, sources)
		return nil, false
	}
	checked, errs = check.Check(prelude.File(), prog, check.Config{IsPrim: isPrim})
	diag.Print(stderr, errs, sources)
	return checked, checked != nil
}
