package lazy

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// SortKey is one key of a sort. Nulls come first unless NullsLast, whatever
// the direction (Polars' rule); NaN sorts above every number.
type SortKey struct {
	Expr       Expr
	Descending bool
	NullsLast  bool
}

// SortExprs returns the expressions of sort keys.
func SortExprs(keys []SortKey) []Expr {
	out := make([]Expr, len(keys))
	for i, k := range keys {
		out[i] = k.Expr
	}
	return out
}

func (k SortKey) String() string {
	var b strings.Builder
	k.writeTo(&b)
	return b.String()
}

func (k SortKey) writeTo(b *strings.Builder) {
	writeExpr(b, k.Expr)
	if k.Descending {
		b.WriteString(" DESC")
	}
	if k.NullsLast {
		b.WriteString(" NULLS LAST")
	}
}

// Sort orders its input by the keys, stably (rows that tie keep their
// input order).
type Sort struct {
	Input Plan
	Keys  []SortKey
}

// NewSort resolves the sort keys against input.
func NewSort(input Plan, keys []SortKey) (*Sort, error) {
	if len(keys) == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "sort needs at least one key")
	}
	out := make([]SortKey, len(keys))
	for i, k := range keys {
		e, err := Resolve(k.Expr, input.Schema())
		if err != nil {
			return nil, err
		}
		if ContainsAgg(e) || containsWindow(e) {
			return nil, core.Errorf(core.KindNotSupported,
				"sorting by an aggregate or window function (%s) is not supported yet; compute it in with_columns first", e)
		}
		if err := CheckKeyType("sorting", e); err != nil {
			return nil, err
		}
		if !sortable(e.DataType()) {
			return nil, core.Errorf(core.KindCompute, "cannot sort by %s values (%s)", dtypeName(e.DataType()), e)
		}
		out[i] = SortKey{Expr: e, Descending: k.Descending, NullsLast: k.NullsLast}
	}
	return &Sort{Input: input, Keys: out}, nil
}

// sortable reports whether rows can be ordered by values of type t. A
// Categorical sorts lexically, as Polars' does: the executor sorts all rows
// at once (one dictionary) by the ranks of its values.
func sortable(t arrow.DataType) bool { return core.Sortable(t) }

func (s *Sort) Schema() *arrow.Schema { return s.Input.Schema() }
func (s *Sort) Children() []Plan      { return []Plan{s.Input} }
func (s *Sort) WithChildren(ch []Plan) Plan {
	c := *s
	c.Input = ch[0]
	return &c
}
