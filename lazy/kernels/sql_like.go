package kernels

import (
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// LikeMatcher is SQL's LIKE pattern compiled: % any characters, _ one
// character, the escape character making the next one literal (an escape
// at the end of the pattern is itself literal, as in MySQL). Characters
// are compared exactly (alopex's binary collation, as the constant-pattern
// LIKE of sqlexec).
type LikeMatcher struct{ m *likeMatcher }

// CompileLike compiles pattern with escape as its escape character (0:
// none).
func CompileLike(pattern string, escape rune) LikeMatcher {
	b := &likeBuilder{}
	b.m.newlineExact = true
	b.m.anchorStart = true
	for i := 0; i < len(pattern); {
		r, w := utf8.DecodeRuneInString(pattern[i:])
		switch {
		case escape != 0 && r == escape && i+w < len(pattern):
			next, w2 := utf8.DecodeRuneInString(pattern[i+w:])
			b.literal(string(next))
			i += w + w2
			continue
		case r == '%':
			b.any()
		case r == '_':
			b.oneChar()
		default:
			b.literal(pattern[i : i+w])
		}
		i += w
	}
	return LikeMatcher{b.finish(true)}
}

// Match reports whether s matches the whole pattern.
func (l LikeMatcher) Match(s string) bool { return l.m.match(s) }

// MapRowsBool builds a Boolean array of n rows from f (ok false: null).
func MapRowsBool(mem memory.Allocator, n int, f func(i int) (v, ok bool, err error)) (arrow.Array, error) {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		v, ok, err := f(i)
		if err != nil {
			return nil, err
		}
		if ok {
			b.UnsafeAppend(v)
		} else {
			b.UnsafeAppendBoolToBitmap(false)
		}
	}
	return b.NewArray(), nil
}
