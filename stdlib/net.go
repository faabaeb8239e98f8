package stdlib

import (
	"maps"

	"github.com/felixlet/felixlet/stdlib/netchan"
)

// Level 5's net channels are a package of their own: their engine and its client.
func init() { maps.Copy(Builtins, netchan.Builtins) }
