package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// Inner joins on two integer keys, whose build-side ranges may or may not
// pack into one int64 (small ranges, negative values, the int64 extremes,
// nulls, probe values outside the build range), match a nested-loop
// reference.
func TestJoinOnPackedKeys(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 8)
	for _, spread := range []int64{5, 1 << 20, math.MaxInt64} {
		t.Run(fmt.Sprint(spread), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(spread), 9))
			val := func() any {
				if r.IntN(10) == 0 {
					return nil
				}
				switch r.IntN(8) {
				case 0:
					return int64(math.MinInt64)
				case 1:
					return int64(math.MaxInt64)
				}
				return r.Int64N(min(spread, 1<<40)) - 3
			}
			var a1, a2, ai, b1, b2, bi []any
			for i := range 60 {
				a1, a2, ai = append(a1, val()), append(a2, val()), append(ai, int64(i))
			}
			for i := range 30 {
				b1, b2, bi = append(b1, val()), append(b2, val()), append(bi, int64(i))
			}
			if spread == 5 {
				// Small ranges only (no extremes) so that the keys pack.
				for i := range b1 {
					b1[i], b2[i] = r.Int64N(5), r.Int64N(5)
				}
			}
			ta := newTable(t, mem, []column{{"a1", arrow.PrimitiveTypes.Int64, a1}, {"a2", arrow.PrimitiveTypes.Int32, clampInt32(a2)}, {"ai", arrow.PrimitiveTypes.Int64, ai}}, 60)
			defer ta.Release()
			tb := newTable(t, mem, []column{{"b1", arrow.PrimitiveTypes.Int64, b1}, {"b2", arrow.PrimitiveTypes.Int32, clampInt32(b2)}, {"bi", arrow.PrimitiveTypes.Int64, bi}}, 30)
			defer tb.Release()
			j, err := lazy.NewJoin(lazy.NewScan(ta), lazy.NewScan(tb), lazy.JoinInner,
				[]lazy.Expr{colExpr("a1"), colExpr("a2")}, []lazy.Expr{colExpr("b1"), colExpr("b2")}, "_r")
			if err != nil {
				t.Fatal(err)
			}
			res := run(t, mem, j)
			var got, want []string
			for i := range res.rows {
				got = append(got, fmt.Sprint(res.cols["ai"][i], res.cols["bi"][i]))
			}
			a2c, b2c := clampInt32(a2), clampInt32(b2)
			for i := range a1 {
				for k := range b1 {
					if a1[i] != nil && a2c[i] != nil && a1[i] == b1[k] && fmt.Sprint(a2c[i]) == fmt.Sprint(b2c[k]) {
						want = append(want, fmt.Sprint(ai[i], bi[k]))
					}
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("join pairs %v, want %v", got, want)
			}
		})
	}
}

func clampInt32(vs []any) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		if v != nil {
			out[i] = int64(int32(v.(int64) % (1 << 20)))
		}
	}
	return out
}
