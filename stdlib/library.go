package stdlib

import (
	_ "embed"
	"strings"
)

// The parts of Felix's library that felixlet provides as felixlet source, included by a
// program that asks for them.

//go:embed recognisers.flx
var recognisers []byte

// Library returns the source of a Felix library file that felixlet provides, by the path a
// program includes it with (with or without .flx), and the name its positions carry.
func Library(path string) (name string, src []byte, ok bool) {
	switch strings.TrimSuffix(path, ".flx") {
	case "std/strings/recognisers":
		return "<std/strings/recognisers>", recognisers, true
	}
	return "", nil, false
}

// IsLibrary reports whether a file name, as positions carry it, is the library's: the
// prelude's, or that of a file Library provides.
func IsLibrary(name string) bool { return name == PreludeName || strings.HasPrefix(name, "<std/") }
