package exec

import (
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// categoricalTable builds a table with a Categorical column c and an Int64
// column v whose batches each encode their own dictionary (the codes of a
// value differ between batches), as frames concatenated or strings cast
// batch by batch give.
func categoricalTable(t *testing.T, mem memory.Allocator, c []any, v []any, sizes ...int) *core.Table {
	t.Helper()
	plain := newTable(t, mem, []column{{"c", arrow.BinaryTypes.String, c}, {"v", arrow.PrimitiveTypes.Int64, v}}, sizes...)
	defer plain.Release()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "c", Type: core.Categorical, Nullable: true}, {Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	var batches []arrow.RecordBatch
	for _, b := range plain.Batches() {
		enc, err := kernels.DictEncode(mem, b.Column(0))
		if err != nil {
			t.Fatal(err)
		}
		batches = append(batches, array.NewRecordBatch(schema, []arrow.Array{enc, b.Column(1)}, b.NumRows()))
		enc.Release()
	}
	return core.NewTable(schema, batches)
}

func TestCategoricalAcrossDictionaries(t *testing.T) {
	setMorselRows(t, 2)
	mem := checkLeaks(t)
	// Batch 1's dictionary is [b a], batch 2's [a ü b], batch 3's [ü].
	c := []any{"b", "a", nil, "a", "ü", "b", "b", "ü"}
	v := ints(1, 2, 3, 4, 5, 6, 7, 8)
	tbl := categoricalTable(t, mem, c, v, 3, 3, 2)
	defer tbl.Release()
	scan := lazy.NewScan(tbl)

	g := groupBy(t, scan, []lazy.Expr{col("c")}, []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggLen}, "n"), alias(&lazy.Agg{Func: lazy.AggSum, X: col("v")}, "s")})
	sorted, err := lazy.NewSort(g, []lazy.SortKey{{Expr: col("c")}})
	if err != nil {
		t.Fatal(err)
	}
	run(t, mem, sorted).want(t, "c: Categorical, n: UInt32, s: Int64", map[string][]any{
		"c": {nil, "a", "b", "ü"}, "n": {uint64(1), uint64(2), uint64(3), uint64(2)}, "s": ints(3, 6, 14, 13)})

	// Two keys go through the row encoding, by value as well.
	g2 := groupBy(t, scan, []lazy.Expr{col("c"), alias(bin(lazy.OpGt, col("v"), dyn(int64(4))), "big")},
		[]lazy.Expr{alias(&lazy.Agg{Func: lazy.AggLen}, "n")})
	if r := run(t, mem, g2); r.rows != 5 {
		t.Errorf("group_by(c, v > 4) has %d groups, want 5", r.rows)
	}

	run(t, mem, filter(t, scan, bin(lazy.OpEq, col("c"), lit("b")))).want(t, "c: Categorical, v: Int64",
		map[string][]any{"c": {"b", "b", "b"}, "v": ints(1, 6, 7)})

	bySort, err := lazy.NewSort(scan, []lazy.SortKey{{Expr: col("c"), Descending: true, NullsLast: true}, {Expr: col("v")}})
	if err != nil {
		t.Fatal(err)
	}
	run(t, mem, bySort).want(t, "c: Categorical, v: Int64", map[string][]any{
		"c": {"ü", "ü", "b", "b", "b", "a", "a", nil}, "v": ints(5, 8, 1, 6, 7, 2, 4, 3)})

	// One key: the radix path over the ranks of the values (stable).
	byOne, err := lazy.NewSort(scan, []lazy.SortKey{{Expr: col("c")}})
	if err != nil {
		t.Fatal(err)
	}
	run(t, mem, byOne).want(t, "c: Categorical, v: Int64", map[string][]any{
		"c": {nil, "a", "a", "b", "b", "b", "ü", "ü"}, "v": ints(3, 2, 4, 1, 6, 7, 5, 8)})
}
