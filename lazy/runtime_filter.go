package lazy

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// RuntimeFilter drops the rows of its input whose keys cannot match the
// build side of the hash join with the same RuntimeFilterID above it (a
// range of the build keys and a Bloom filter of them, known only when the
// join's build side has been read). It sits on the probe side of an inner
// or semi join, as low as the key columns can be followed, so that rows
// without a partner are dropped before other work (and a scan below it
// skips the row groups whose key statistics miss the range). It never
// changes a result: the join would drop those rows anyway.
type RuntimeFilter struct {
	Input Plan
	ID    int
	// Keys are the join's probe keys over Input's columns, in the join's
	// key order and types (casts to the build key types included).
	Keys []Expr
}

func (f *RuntimeFilter) Schema() *arrow.Schema { return f.Input.Schema() }
func (f *RuntimeFilter) Children() []Plan      { return []Plan{f.Input} }
func (f *RuntimeFilter) WithChildren(ch []Plan) Plan {
	c := *f
	c.Input = ch[0]
	return &c
}

// Describe is the node's line in explain().
func (f *RuntimeFilter) Describe() string {
	return fmt.Sprintf("RUNTIME FILTER #%d %s", f.ID, exprList(f.Keys))
}

// withoutRuntimeFilters returns p without its RuntimeFilter nodes (p itself
// when it has none).
func withoutRuntimeFilters(p Plan) Plan {
	if f, ok := p.(*RuntimeFilter); ok {
		return withoutRuntimeFilters(f.Input)
	}
	ch := p.Children()
	var out []Plan
	for i, c := range ch {
		if d := withoutRuntimeFilters(c); d != c {
			if out == nil {
				out = append([]Plan(nil), ch...)
			}
			out[i] = d
		}
	}
	if out == nil {
		return p
	}
	return p.WithChildren(out)
}
