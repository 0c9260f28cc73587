package exec

import (
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// TestSharedAggInputs: aggregates whose inputs share an arithmetic
// subexpression (Q1's revenue, alone and times (1 + tax)) compute it once
// a batch and give the sums of the expressions as written, over several
// batches and with nulls.
func TestSharedAggInputs(t *testing.T) {
	mem := checkLeaks(t)
	k := []any{int64(1), int64(2), int64(1), int64(2), int64(1), int64(1)}
	x := []any{int64(10), int64(20), nil, int64(40), int64(50), int64(60)}
	y := []any{int64(1), int64(2), int64(3), nil, int64(5), int64(6)}
	z := []any{int64(7), int64(8), int64(9), int64(10), nil, int64(12)}
	tbl := newTable(t, mem, []column{{"k", arrow.PrimitiveTypes.Int64, k}, {"x", arrow.PrimitiveTypes.Int64, x},
		{"y", arrow.PrimitiveTypes.Int64, y}, {"z", arrow.PrimitiveTypes.Int64, z}}, 2, 3, 1)
	defer tbl.Release()
	rev := func() lazy.Expr { return bin(lazy.OpMul, col("x"), bin(lazy.OpSub, lit(int64(1)), col("y"))) }
	p := groupBy(t, lazy.NewScan(tbl), []lazy.Expr{col("k")}, []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggSum, X: rev()}, "a"),
		alias(&lazy.Agg{Func: lazy.AggSum, X: bin(lazy.OpMul, rev(), bin(lazy.OpAdd, lit(int64(1)), col("z")))}, "b"),
		alias(&lazy.Agg{Func: lazy.AggSum, X: col("x")}, "c"),
	})
	op, err := newHashAgg(mem, nil, p.(*lazy.Aggregate))
	if err != nil {
		t.Fatal(err)
	}
	if op.shared == nil || len(op.shared.defs) != 1 {
		t.Fatalf("want one shared subexpression, got %+v", op.shared)
	}
	sorted, err := lazy.NewSort(p, []lazy.SortKey{{Expr: col("k")}})
	if err != nil {
		t.Fatal(err)
	}
	// k=1: rows 0, 2 (x null), 4 (z null), 5; k=2: rows 1, 3 (y null).
	run(t, mem, sorted).want(t, "k: Int64, a: Int64, b: Int64, c: Int64", map[string][]any{
		"k": {int64(1), int64(2)},
		"a": {int64(10*0 + 50*-4 + 60*-5), int64(20 * -1)},
		"b": {int64(10*0*8 + 60*-5*13), int64(20 * -1 * 9)},
		"c": {int64(120), int64(60)},
	})
}
