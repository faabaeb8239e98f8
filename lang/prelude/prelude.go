// Package prelude holds the syntax tree of the library every program sees
// (stdlib/prelude.flx), compiled into the binary as Go data, so that no run parses the
// prelude: the linker lays the tree out, and loading it costs nothing.
//
// tree.go is generated from the prelude's source by this package's test (go test
// ./lang/prelude -update), which fails while the file is stale: after a change to the
// prelude or to the syntax tree's types.
//
// Like the rest of lang it never imports stdlib; only its test reads the source.
package prelude

import "github.com/felixlet/felixlet/lang/ast"

// File returns the prelude's syntax tree. The tree is shared: it must not be modified.
func File() *ast.File { return tree }
