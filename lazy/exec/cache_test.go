package exec

import (
	"context"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// A cached subplan read by several occurrences gives each the same rows, in
// order, across many morsels, and an occurrence that is never read (a slice
// of zero rows stops early) leaks nothing.
func TestCacheSharesRows(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 5)
	tbl := newTable(t, mem, []column{{"a", arrow.PrimitiveTypes.Int64, ints(seq(0, 40)...)}}, 13, 27)
	defer tbl.Release()
	sorted, err := lazy.NewSort(withColumns(t, lazy.NewScan(tbl), alias(bin(lazy.OpMul, col("a"), dyn(int64(2))), "b")),
		[]lazy.SortKey{{Expr: col("a"), Descending: true}})
	if err != nil {
		t.Fatal(err)
	}
	c := func() lazy.Plan { return &lazy.Cache{Input: sorted, ID: 3} }
	u, err := lazy.NewUnion([]lazy.Plan{c(), slice(c(), 0, 0), filter(t, c(), bin(lazy.OpLt, col("a"), dyn(int64(3))))}, false)
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for i := 39; i >= 0; i-- {
		want = append(want, i)
	}
	want = append(want, 2, 1, 0)
	run(t, mem, u).want(t, "a: Int64, b: Int64", map[string][]any{"a": ints(want...)})
}

// An error in a cached subplan reaches every occurrence, and nothing leaks.
func TestCacheError(t *testing.T) {
	mem := checkLeaks(t)
	tbl := newTable(t, mem, []column{{"s", arrow.BinaryTypes.String, []any{"1", "x"}}}, 2)
	defer tbl.Release()
	bad := sel(t, lazy.NewScan(tbl), &lazy.Cast{X: col("s"), To: arrow.PrimitiveTypes.Int64, Strict: true})
	grouped, err := lazy.NewGroupBy(bad, []lazy.Expr{col("s")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := lazy.NewUnion([]lazy.Plan{&lazy.Cache{Input: grouped, ID: 0}, &lazy.Cache{Input: grouped, ID: 0}}, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), mem, u)
	if err == nil || !strings.Contains(err.Error(), "x") {
		t.Fatalf("Run = %v, want the cast error naming the value", err)
	}
}
