package fn

import (
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SQLLike is LIKE with a pattern that is not a constant (a column, an
// expression): sql.like(s, pattern, escape) is true when s matches
// pattern, null when either is null. A constant pattern is translated by
// sqlexec into str.starts_with / contains / a regex instead; both compare
// characters exactly.
const SQLLike = "sql.like"

// likeCacheSize bounds the patterns compiled per batch: a column of many
// distinct patterns recompiles past it, it does not grow memory.
const likeCacheSize = 1024

// sqlLike is the entry (listed in sqlStringFunctions2).
var sqlLike = sqlRowFn("like", nil, 3, 3, NullsAny, "s", arrow.FixedWidthTypes.Boolean,
	func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
		cache := map[string]kernels.LikeMatcher{}
		return kernels.MapRowsBool(mem, n, func(i int) (bool, bool, error) {
			s, ok1 := r.Str(0, i)
			p, ok2 := r.Str(1, i)
			e, ok3 := r.Str(2, i)
			if !ok1 || !ok2 || !ok3 {
				return false, false, nil
			}
			var escape rune
			if e != "" {
				if utf8.RuneCountInString(e) != 1 {
					return false, false, core.Errorf(core.KindInvalidInput,
						"the ESCAPE of LIKE must be one character, got %q", e)
				}
				escape, _ = utf8.DecodeRuneInString(e)
			}
			key := e + "\x00" + p
			m, ok := cache[key]
			if !ok {
				if len(cache) >= likeCacheSize {
					clear(cache)
				}
				m = kernels.CompileLike(p, escape)
				cache[key] = m
			}
			return m.Match(s), true, nil
		})
	})
