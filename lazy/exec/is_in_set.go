package exec

import (
	"runtime"
	"sync"
	"weak"

	"github.com/alopexdb/alopex/lazy"
)

// isInSets keeps the probe set of each is_in call while the call (its
// plan) is alive. A query evaluates the call once per morsel, and
// rebuilding a set of a million values for every morsel made is_in
// quadratic-looking: rows/morsel × values. Keys are weak pointers, and an
// entry is dropped when its call is collected.
var isInSets sync.Map // weak.Pointer[lazy.Call] → map[K]bool

// isInSet returns c's set, built once by build.
func isInSet[K comparable](c *lazy.Call, build func() map[K]bool) map[K]bool {
	key := weak.Make(c)
	if s, ok := isInSets.Load(key); ok {
		if set, ok := s.(map[K]bool); ok {
			return set
		}
		return build() // the same call over another type: not cached
	}
	set := build()
	if _, loaded := isInSets.LoadOrStore(key, set); !loaded {
		runtime.AddCleanup(c, func(k weak.Pointer[lazy.Call]) { isInSets.Delete(k) }, key)
	}
	return set
}
