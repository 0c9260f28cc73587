package exec

import (
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// TestScanFilterHandsOnOnlyItsColumns: a scan whose predicate reads a
// column the query does not return gathers only the returned columns —
// with nulls in the predicate, every row kept, none kept, some kept,
// string columns, and predicates on several columns, over morsels of a few
// rows (a morsel with no survivor among others).
func TestScanFilterHandsOnOnlyItsColumns(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 3)
	tbl := newTable(t, mem, []column{
		{"k", arrow.PrimitiveTypes.Int64, []any{int64(1), nil, int64(3), int64(4), int64(5), int64(6), nil, int64(8)}},
		{"s", arrow.BinaryTypes.String, []any{"a", "b", "é", nil, "", "b", "c", "ü"}},
		{"v", arrow.PrimitiveTypes.Float64, []any{1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5}},
	})
	defer tbl.Release()
	cases := []struct {
		name string
		pred lazy.Expr
		s    []any
	}{
		{"all non-null", bin(lazy.OpGtEq, col("k"), lit(int64(-100))), []any{"a", "é", nil, "", "b", "ü"}},
		{"none", bin(lazy.OpGt, col("k"), lit(int64(100))), []any{}},
		{"some", bin(lazy.OpGt, col("k"), lit(int64(4))), []any{"", "b", "ü"}},
		{"several columns", bin(lazy.OpAnd, bin(lazy.OpLt, col("v"), lit(7.0)), bin(lazy.OpNotEq, col("s"), lit("b"))), []any{"a", "é", ""}},
		{"string equality", bin(lazy.OpEq, col("s"), lit("b")), []any{"b", "b"}},
	}
	for _, c := range cases {
		p := Optimize(sel(t, filter(t, lazy.NewScan(tbl), c.pred), col("s")))
		scan, ok := p.(*lazy.Scan)
		if !ok || scan.Predicate == nil || len(scan.Columns) != 1 {
			t.Fatalf("%s: plan is not a filtering scan of one column:\n%s", c.name, lazy.Explain(p))
		}
		run(t, mem, p).want(t, "s: String", map[string][]any{"s": c.s})
	}
}
