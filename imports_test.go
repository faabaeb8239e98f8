// Package felixlet_test holds the tests of the project's shape.
package felixlet_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/felixlet/felixlet"

// testingPkg stands in the graph for the standard package testing, which the command must
// not link.
const testingPkg = "std:testing"

// natsPkg stands in the graph for the NATS client and server (github.com/nats-io), which
// only felixlet-net links: felixlet's start-up must not pay their initialisation.
const natsPkg = "ext:nats"

// packageImports maps each package of the module (by directory, relative to the root) to
// the module packages its non-test files import.
func packageImports(t *testing.T) map[string][]string {
	t.Helper()
	graph := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if _, ok := graph[dir]; !ok {
			graph[dir] = nil
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rel, ok := strings.CutPrefix(p, module+"/"); ok {
				graph[dir] = append(graph[dir], rel)
			}
			if p == module {
				graph[dir] = append(graph[dir], ".")
			}
			if p == "testing" {
				graph[dir] = append(graph[dir], testingPkg)
			}
			if strings.HasPrefix(p, "github.com/nats-io/") {
				graph[dir] = append(graph[dir], natsPkg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return graph
}

// reaches lists the module packages pkg imports, directly or not.
func reaches(graph map[string][]string, pkg string) []string {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(p string) {
		for _, q := range graph[p] {
			if !seen[q] {
				seen[q] = true
				visit(q)
			}
		}
	}
	visit(pkg)
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func under(pkg, prefix string) bool { return pkg == prefix || strings.HasPrefix(pkg, prefix+"/") }

// The imports form a one-way graph: the machine never knows the language, the runtime
// knows nothing of ours, the library never knows the language, and only the package at the
// root (the embedding API) ties everything together, for the command and other Go programs.
func TestImportsGoOneWay(t *testing.T) {
	if _, err := os.Stat("go.mod"); err != nil {
		t.Fatal("run from the module root")
	}
	graph := packageImports(t)
	rules := []struct {
		pkg       string // packages under this path...
		forbidden string // ...must not reach packages under this one
	}{
		{"vm", "lang"},
		{"vm", "stdlib"},
		{"vm", "cmd"},
		{"stdlib", "lang"},
		{"lang", "stdlib"},
		{"lang", "cmd"},
		{"lang/ast", "lang/parse"},
		{"lang/parse", "lang/check"},
		{"lang/check", "lang/compile"},
		{"lang/check", "vm"},
		{"lang", "."},
		{"vm", "."},
		{"stdlib", "."},
		{".", "cmd"},
		{".", "examples"},
	}
	for pkg := range graph {
		for _, r := range rules {
			if !under(pkg, r.pkg) {
				continue
			}
			for _, dep := range reaches(graph, pkg) {
				if under(dep, r.forbidden) {
					t.Errorf("%s imports %s (directly or not); %s must never depend on %s", pkg, dep, r.pkg, r.forbidden)
				}
			}
		}
		if under(pkg, "runtime") && len(slices.DeleteFunc(slices.Clone(graph[pkg]), func(p string) bool { return p == natsPkg })) > 0 {
			t.Errorf("%s imports %v; runtime packages import nothing of ours", pkg, graph[pkg])
		}
		for _, leaf := range []string{"lang/ast", "vm/code", "lang/types", "internal/golden"} {

			if pkg == leaf && len(graph[pkg]) > 0 {
				t.Errorf("%s imports %v; it is a leaf", pkg, graph[pkg])
			}
		}
	}
	for _, dep := range reaches(graph, "cmd/felixlet") {
		if dep == testingPkg {
			t.Errorf("cmd/felixlet links package testing (through a package's non-test files); the binary must not")
		}
		if dep == natsPkg {
			t.Errorf("cmd/felixlet links NATS (through a package's non-test files); only felixlet-net may")
		}
	}
	if !slices.Contains(reaches(graph, "cmd/felixlet-net"), natsPkg) {
		t.Errorf("cmd/felixlet-net does not link NATS; the test above cannot see it")
	}
	for _, must := range []string{".", "vm", "vm/code", "lang/parse", "lang/check", "lang/compile", "runtime/schan", "stdlib", "cmd/felixlet", "cmd/felixlet-net"} {
		if _, ok := graph[must]; !ok {
			t.Errorf("package %s is missing", must)
		}
	}
}
