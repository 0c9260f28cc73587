package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// frame_agg over ROWS frames of every shape (preceding, following, around,
// unbounded on either side, frames that lie wholly outside the partition)
// against a brute-force reference, for integers and for floats with nulls,
// NaN and infinities, partitioned and ordered.
func TestFrameAgg(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 16)
	r := rand.New(rand.NewPCG(3, 4))
	const n = 200
	var k, ord, vi, vf []any
	for i := range n {
		k = append(k, int64(r.IntN(4)))
		ord = append(ord, int64(r.IntN(1000)*n+i)) // unique
		vi = append(vi, pickNull(r, 0.15, int64(r.IntN(200)-100)))
		f := quarter(r)
		switch r.IntN(25) {
		case 0:
			f = math.NaN()
		case 1:
			f = math.Inf(1)
		case 2:
			f = math.Inf(-1)
		}
		vf = append(vf, pickNull(r, 0.15, f))
	}
	tbl := newTable(t, mem, []column{
		{"k", arrow.PrimitiveTypes.Int64, k}, {"o", arrow.PrimitiveTypes.Int64, ord},
		{"vi", arrow.PrimitiveTypes.Int64, vi}, {"vf", arrow.PrimitiveTypes.Float64, vf},
	}, 70, 130)
	defer tbl.Release()
	// Rows of each partition in order of o.
	parts := map[int64][]int{}
	for i := range n {
		parts[k[i].(int64)] = append(parts[k[i].(int64)], i)
	}
	for _, rows := range parts {
		for a := 1; a < len(rows); a++ {
			for b := a; b > 0 && ord[rows[b]].(int64) < ord[rows[b-1]].(int64); b-- {
				rows[b], rows[b-1] = rows[b-1], rows[b]
			}
		}
	}
	type bound struct{ v any }
	frames := [][2]bound{{{-2.0}, {0.0}}, {{-1.0}, {1.0}}, {{0.0}, {3.0}}, {{nil}, {0.0}}, {{0.0}, {nil}},
		{{nil}, {nil}}, {{-3.0}, {-1.0}}, {{2.0}, {5.0}}, {{-40.0}, {-30.0}}, {{-100.0}, {100.0}}}
	for _, fn := range []string{"sum", "mean", "min", "max", "count"} {
		for _, col := range []string{"vi", "vf"} {
			for _, fr := range frames {
				name := fmt.Sprintf("%s(%s) rows %v..%v", fn, col, fr[0].v, fr[1].v)
				opts := map[string]any{"func": fn, "start": fr[0].v, "end": fr[1].v}
				w := &lazy.Window{X: fnCall("frame_agg", opts, colExpr(col)), PartitionBy: []lazy.Expr{colExpr("k")},
					OrderBy: []lazy.SortKey{{Expr: colExpr("o")}}}
				got := run(t, mem, withColumns(t, lazy.NewScan(tbl), alias(w, "r"))).cols["r"]
				vals := vi
				if col == "vf" {
					vals = vf
				}
				for _, rows := range parts {
					for i, row := range rows {
						lo, hi := 0, len(rows)-1
						if fr[0].v != nil {
							lo = max(i+int(fr[0].v.(float64)), 0)
						}
						if fr[1].v != nil {
							hi = min(i+int(fr[1].v.(float64)), len(rows)-1)
						}
						want := frameRef(fn, vals, rows, lo, hi)
						if !sameValues([]any{got[row]}, []any{want}) {
							t.Fatalf("%s: row %d (position %d of its partition) = %v, want %v", name, row, i, got[row], want)
						}
					}
				}
			}
		}
	}
}

func colExpr(name string) lazy.Expr { return &lazy.Column{Name: name} }

// frameRef aggregates vals at rows[lo..hi] the slow way.
func frameRef(fn string, vals []any, rows []int, lo, hi int) any {
	var xs []any
	for j := lo; j <= hi; j++ {
		if v := vals[rows[j]]; v != nil {
			xs = append(xs, v)
		}
	}
	if fn == "count" {
		return uint64(len(xs))
	}
	if len(xs) == 0 {
		return nil
	}
	if _, isInt := xs[0].(int64); isInt {
		var s, mn, mx int64 = 0, math.MaxInt64, math.MinInt64
		for _, x := range xs {
			v := x.(int64)
			s += v
			mn, mx = min(mn, v), max(mx, v)
		}
		switch fn {
		case "sum":
			return s
		case "mean":
			return float64(s) / float64(len(xs))
		case "min":
			return mn
		}
		return mx
	}
	s, mn, mx := 0.0, math.Inf(1), math.Inf(-1)
	nan := false
	for _, x := range xs {
		v := x.(float64)
		if math.IsNaN(v) {
			nan = true
			continue
		}
		s += v
		mn, mx = math.Min(mn, v), math.Max(mx, v)
	}
	switch fn {
	case "sum":
		if nan {
			return math.NaN()
		}
		return s
	case "mean":
		if nan {
			return math.NaN()
		}
		return s / float64(len(xs))
	case "min":
		if nan && math.IsInf(mn, 1) && len(xs) > 0 && allNaN(xs) {
			return math.NaN()
		}
		return mn
	}
	if nan {
		return math.NaN() // NaN is the greatest value
	}
	return mx
}

func allNaN(xs []any) bool {
	for _, x := range xs {
		if !math.IsNaN(x.(float64)) {
			return false
		}
	}
	return true
}
