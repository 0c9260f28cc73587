package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// radixTable is n rows of keys with nulls (an int of `groups` values, a
// string of `groups` values with unicode and empty ones, of 0 to 30 bytes
// around the 16 a hash slot holds, an Int8, a float with NaN and both
// zeros, a Boolean) and values with nulls, in batches of 700 rows.
func radixTable(t *testing.T, n, groups int) []column {
	rng := rand.New(rand.NewPCG(5, uint64(n)))
	pool := []string{"", "é", "日本", "a b", "😀"}
	var k, s, k8, v, w, f, b []any
	floats := []any{nil, 0.0, math.Copysign(0, -1), math.NaN(), 1.5, -2.25}
	for range n {
		g := rng.IntN(groups)
		if rng.IntN(20) == 0 {
			k = append(k, nil)
		} else {
			k = append(k, int64(g))
		}
		if rng.IntN(20) == 0 {
			s = append(s, nil)
		} else {
			s = append(s, fmt.Sprintf("%s%0*d", pool[g%len(pool)], g%31, rng.IntN(groups)))
		}
		k8 = append(k8, int64(rng.IntN(3)))
		if rng.IntN(10) == 0 {
			v = append(v, nil)
		} else {
			v = append(v, rng.Float64()*10)
		}
		w = append(w, int64(rng.IntN(7)))
		f = append(f, floats[rng.IntN(len(floats))])
		if r := rng.IntN(3); r == 2 {
			b = append(b, nil)
		} else {
			b = append(b, r == 1)
		}
	}
	return []column{
		{"k", arrow.PrimitiveTypes.Int64, k}, {"s", arrow.BinaryTypes.String, s},
		{"k8", arrow.PrimitiveTypes.Int8, k8}, {"v", arrow.PrimitiveTypes.Float64, v},
		{"w", arrow.PrimitiveTypes.Int64, w}, {"f", arrow.PrimitiveTypes.Float64, f},
		{"b", arrow.FixedWidthTypes.Boolean, b},
	}
}

// TestRadixAggregateMatchesPreAggregation runs group-bys whose workers
// switch to partitioning rows after a few morsels (scatterMinGroups
// lowered) and checks the results, group order included, against the same
// group-bys pre-aggregated all the way (with 20000 groups in 20000 rows the
// switch happens after the first morsel).
func TestRadixAggregateMatchesPreAggregation(t *testing.T) {
	setMorselRows(t, 500)
	mem := checkLeaks(t)
	aggs := []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggSum, X: col("v")}, "sum"),
		alias(&lazy.Agg{Func: lazy.AggMedian, X: col("v")}, "median"),
		alias(&lazy.Agg{Func: lazy.AggNUnique, X: col("w")}, "nu"),
		alias(&lazy.Agg{Func: lazy.AggLen}, "n"),
		alias(&lazy.Agg{Func: lazy.AggCorr, X: col("v"), Y: col("w")}, "r"),
		alias(&lazy.Agg{Func: lazy.AggMax, X: col("s")}, "max"),
	}
	for _, groups := range []int{3, 300, 20000} {
		var sizes []int
		for n := 20000; n > 0; n -= 700 {
			sizes = append(sizes, min(n, 700))
		}
		tbl := newTable(t, mem, radixTable(t, 20000, groups), sizes...)
		for _, keys := range [][]string{{"k"}, {"s"}, {"k", "s"}, {"s", "k8"}, {"k", "s", "k8"}, {"s", "f", "b", "k8", "k"}} {
			name := fmt.Sprintf("%d groups by %v", groups, keys)
			ks := make([]lazy.Expr, len(keys))
			for i, k := range keys {
				ks[i] = col(k)
			}
			p, err := lazy.NewGroupBy(lazy.NewScan(tbl), ks, aggs)
			if err != nil {
				t.Fatal(err)
			}
			scatterMinGroups = 1 << 40
			want := run(t, mem, p)
			scatterMinGroups = 8
			got := run(t, mem, p)
			scatterMinGroups = 1 << 16
			if diff := closeResults(got, want); diff != "" {
				t.Errorf("%s: partitioned rows differ from pre-aggregated ones: %s", name, diff)
			}
		}
		tbl.Release()
	}
}

// closeResults compares results exactly except floats, which may differ in
// their last bits (a correlation near 0 or 1 the most): co-moments are
// merged in another order.
func closeResults(a, b result) string {
	if a.schema != b.schema || a.rows != b.rows || len(a.cols) != len(b.cols) {
		return fmt.Sprintf("schema %s, %d rows; want %s, %d rows", a.schema, a.rows, b.schema, b.rows)
	}
	for name, av := range a.cols {
		bv := b.cols[name]
		for i := range av {
			x, xf := av[i].(float64)
			y, yf := bv[i].(float64)
			if xf && yf {
				if x != y && math.Abs(x-y) > 1e-9*math.Max(1, math.Max(math.Abs(x), math.Abs(y))) && !(x != x && y != y) {
					return fmt.Sprintf("%s[%d] = %v, want %v", name, i, x, y)
				}
				continue
			}
			if !reflect.DeepEqual(av[i], bv[i]) {
				return fmt.Sprintf("%s[%d] = %v, want %v", name, i, av[i], bv[i])
			}
		}
	}
	return ""
}
