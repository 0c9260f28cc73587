package exec

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// A self-join of a cached subplan (a group-by of the fact table joined back
// to it, as TPC-H Q21), joined to a dimension on the self-join key: the
// dimension's runtime filter reaches both inputs of the self-join and goes
// inside the cache, and the rows are those the plan gives without runtime
// filters, with null keys on both sides, duplicate keys, an empty
// dimension, one no fact row matches, and a semi join on top.
func TestRuntimeFilterIntoCachedSelfJoin(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 16)
	r := rand.New(rand.NewPCG(21, 7))
	var fk, fs []any
	for range 1200 {
		k := any(int64(r.IntN(300)))
		if r.IntN(15) == 0 {
			k = nil
		}
		s := any(int64(r.IntN(5)))
		if r.IntN(10) == 0 {
			s = nil
		}
		fk, fs = append(fk, k), append(fs, s)
	}
	fact := newTable(t, mem, []column{{"fk", arrow.PrimitiveTypes.Int64, fk}, {"fs", arrow.PrimitiveTypes.Int64, fs}},
		100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100)
	defer fact.Release()
	scan := lazy.NewScan(&pieceSource{tbl: fact, name: "fact"})

	for _, tc := range []struct {
		name string
		dim  func(i int) any
		rows int
		how  lazy.JoinType
	}{
		{"inner", func(i int) any { return int64(r.IntN(300)) }, 40, lazy.JoinInner},
		{"inner with null keys", func(i int) any {
			if i%4 == 0 {
				return nil
			}
			return int64(r.IntN(300))
		}, 40, lazy.JoinInner},
		{"empty dimension", nil, 0, lazy.JoinInner},
		{"no match", func(i int) any { return int64(1000 + i) }, 20, lazy.JoinInner},
		{"semi", func(i int) any { return int64(r.IntN(300)) }, 30, lazy.JoinSemi},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dk, dv []any
			for i := range tc.rows {
				dk, dv = append(dk, tc.dim(i)), append(dv, int64(i))
			}
			dim := newTable(t, mem, []column{{"dk", arrow.PrimitiveTypes.Int64, dk}, {"dv", arrow.PrimitiveTypes.Int64, dv}}, tc.rows)
			defer dim.Release()
			// multi: the fact rows of keys with more than one distinct fs.
			groups, err := lazy.NewGroupBy(scan, []lazy.Expr{col("fk")},
				[]lazy.Expr{&lazy.Alias{Name: "n", X: &lazy.Agg{Func: lazy.AggNUnique, X: col("fs")}}})
			if err != nil {
				t.Fatal(err)
			}
			many, err := lazy.NewFilter(groups, &lazy.Binary{Op: lazy.OpGt, Left: col("n"), Right: lit(int64(1))})
			if err != nil {
				t.Fatal(err)
			}
			multi, err := lazy.NewJoin(many, scan, lazy.JoinInner, []lazy.Expr{col("fk")}, []lazy.Expr{col("fk")}, "_r")
			if err != nil {
				t.Fatal(err)
			}
			again, err := lazy.NewGroupBy(multi, []lazy.Expr{col("fk")},
				[]lazy.Expr{&lazy.Alias{Name: "m", X: &lazy.Agg{Func: lazy.AggNUnique, X: col("fs")}}})
			if err != nil {
				t.Fatal(err)
			}
			self, err := lazy.NewJoin(again, multi, lazy.JoinInner, []lazy.Expr{col("fk")}, []lazy.Expr{col("fk")}, "_s")
			if err != nil {
				t.Fatal(err)
			}
			top, err := lazy.NewJoin(self, lazy.NewScan(&pieceSource{tbl: dim, name: "dim"}), tc.how,
				[]lazy.Expr{col("fk")}, []lazy.Expr{col("dk")}, "_d")
			if err != nil {
				t.Fatal(err)
			}
			want, _ := runOptimized(t, mem, top, false)
			got, plan := runOptimized(t, mem, top, true)
			if !slices.Equal(got, want) {
				t.Fatalf("with runtime filters %d rows, without %d\nplan:\n%s", len(got), len(want), plan)
			}
			// The top join's filter is inside the cache, on both fact scans
			// of the first self-join.
			first, _, _ := strings.Cut(plan, "\n")
			_, id, _ := strings.Cut(first, "RUNTIME FILTER #")
			inside := plan[strings.Index(plan, "CACHE"):]
			if n := strings.Count(inside, fmt.Sprintf("RUNTIME FILTER #%s [col(\"fk\")]", id)); id == "" || n < 2 {
				t.Fatalf("filter #%s not inside the cache on both fact scans:\n%s", id, plan)
			}
			if tc.rows > 0 && tc.how == lazy.JoinInner && len(want) == 0 && tc.name != "no match" {
				t.Fatalf("no rows: the test data should give some\n%s", plan)
			}
		})
	}
}
