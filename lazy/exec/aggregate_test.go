package exec

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Hash aggregation end to end: tables with nulls, NaN, infinities, -0.0,
// extreme integers, unicode and empty strings are grouped by keys of every
// type and aggregated by every aggregate, on several morsel sizes, batch
// layouts and worker counts; every result is compared with a reference
// computed here in plain Go, row by row (groups in order of first
// appearance), and every run is leak-checked.
//
// Values are chosen so that the reference can be exact whatever order the
// engine adds them in: floats are multiples of 1/4 small enough that every
// partial sum is exact, integer sums wrap (which is order-free), and only
// std and var are compared with a tolerance.

// --- tables ---------------------------------------------------------------------

// runAgg executes p and reads the result (one batch) as columns in order.
func runAgg(t *testing.T, mem memory.Allocator, p lazy.Plan) (names, types []string, cols [][]any) {
	t.Helper()
	tbl, err := Run(context.Background(), mem, p)
	if err != nil {
		t.Fatalf("Run:\n%s: %v", lazy.Explain(p), err)
	}
	defer tbl.Release()
	if len(tbl.Batches()) != 1 {
		t.Fatalf("result has %d batches, want 1", len(tbl.Batches()))
	}
	rb := tbl.Batches()[0]
	if err := array.ValidateRecordFull(rb); err != nil {
		t.Fatalf("invalid result batch: %v", err)
	}
	for i, f := range rb.Schema().Fields() {
		names = append(names, f.Name)
		types = append(types, core.DTypeName(f.Type))
		cols = append(cols, readArray(t, rb.Column(i)))
	}
	return names, types, cols
}

func setProcs(t *testing.T, n int) {
	if n <= 0 {
		return
	}
	old := runtime.GOMAXPROCS(n)
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

// --- the reference ----------------------------------------------------------------

// aggSpec is one aggregate of a test: fn over column in ("" for len()).
type aggSpec struct {
	name   string
	fn     lazy.AggFunc
	in     string
	param  float64
	interp string
}

func (s aggSpec) expr() lazy.Expr {
	a := &lazy.Agg{Func: s.fn, Param: s.param, Interp: s.interp}
	if s.in != "" {
		a.X = col(s.in)
	}
	return alias(a, s.name)
}

// wantAggType is the result type of fn over in (Polars' rules), written out
// independently of the engine's.
func wantAggType(fn lazy.AggFunc, in arrow.DataType) string {
	switch fn {
	case lazy.AggLen, lazy.AggCount, lazy.AggNUnique:
		return "UInt32"
	case lazy.AggAny, lazy.AggAll:
		return "Boolean"
	case lazy.AggMin, lazy.AggMax, lazy.AggFirst, lazy.AggLast:
		return core.DTypeName(in)
	case lazy.AggSum:
		switch in.ID() {
		case arrow.BOOL:
			return "UInt32"
		case arrow.INT8, arrow.INT16, arrow.UINT8, arrow.UINT16, arrow.NULL:
			return "Int64"
		}
		return core.DTypeName(in)
	}
	if in.ID() == arrow.FLOAT32 {
		return "Float32"
	}
	return "Float64"
}

// canonKey is a group key's identity: floats compare by value with all
// NaNs equal and -0.0 equal to 0.0.
func canonKey(vals ...any) string {
	var sb strings.Builder
	for _, v := range vals {
		switch v := v.(type) {
		case nil:
			sb.WriteString("N|")
		case float64:
			switch {
			case v != v:
				sb.WriteString("f:NaN|")
			case v == 0:
				sb.WriteString("f:0|")
			default:
				sb.WriteString("f:" + strconv.FormatFloat(v, 'g', -1, 64) + "|")
			}
		case string:
			sb.WriteString("s:" + strconv.Quote(v) + "|")
		default:
			fmt.Fprintf(&sb, "%T:%v|", v, v)
		}
	}
	return sb.String()
}

// refGroup is one group of the reference: its key (from its first row) and
// its rows, in input order.
type refGroup struct {
	key  []any
	rows []int
}

func refGroups(keyCols [][]any, n int) []refGroup {
	var out []refGroup
	index := map[string]int{}
	for r := range n {
		key := make([]any, len(keyCols))
		for i, c := range keyCols {
			key[i] = c[r]
		}
		k := canonKey(key...)
		g, ok := index[k]
		if !ok {
			g = len(out)
			index[k] = g
			out = append(out, refGroup{key: key})
		}
		out[g].rows = append(out[g].rows, r)
	}
	if len(keyCols) == 0 && len(out) == 0 {
		out = append(out, refGroup{}) // a global aggregate of no rows: one row
	}
	return out
}

func asFloat(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case float64:
		return v
	case bool:
		if v {
			return 1
		}
		return 0
	}
	panic(fmt.Sprintf("asFloat(%T)", v))
}

func nonNull(vals []any) []any {
	var out []any
	for _, v := range vals {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

// sortedFloats is the non-null values as floats, ascending, NaN last.
func sortedFloats(vals []any) []float64 {
	var fs []float64
	for _, v := range nonNull(vals) {
		fs = append(fs, asFloat(v))
	}
	slices.SortFunc(fs, func(a, b float64) int {
		switch {
		case a != a && b != b:
			return 0
		case a != a:
			return 1
		case b != b:
			return -1
		}
		return cmp.Compare(a, b)
	})
	return fs
}

// refQuantile is Polars' quantile of sorted values: the index (n-1)*q,
// "nearest" rounding halves away from zero (Rust's f64::round), and an
// integral index giving the value there.
func refQuantile(v []float64, q float64, interp string) float64 {
	pos := q * float64(len(v)-1)
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	if interp == "nearest" {
		return v[int(math.Round(pos))]
	}
	if lo == hi {
		return v[lo]
	}
	switch interp {
	case "lower":
		return v[lo]
	case "higher":
		return v[hi]
	case "midpoint":
		return (v[lo] + v[hi]) / 2
	}
	return v[lo] + (v[hi]-v[lo])*(pos-float64(lo))
}

func f32If(t arrow.DataType, f float64) float64 {
	if t.ID() == arrow.FLOAT32 {
		return float64(float32(f))
	}
	return f
}

// refAgg is the aggregate s of vals (one group's values of a column of type typ).
func refAgg(s aggSpec, typ arrow.DataType, vals []any) any {
	nn := nonNull(vals)
	switch s.fn {
	case lazy.AggLen:
		return uint64(len(vals))
	case lazy.AggCount:
		return uint64(len(nn))
	case lazy.AggNUnique:
		seen := map[string]bool{}
		for _, v := range vals {
			seen[canonKey(v)] = true
		}
		return uint64(len(seen))
	case lazy.AggFirst:
		if len(vals) == 0 {
			return nil
		}
		return vals[0]
	case lazy.AggLast:
		if len(vals) == 0 {
			return nil
		}
		return vals[len(vals)-1]
	case lazy.AggAny, lazy.AggAll:
		all := s.fn == lazy.AggAll
		out := all
		for _, v := range nn {
			if all {
				out = out && v.(bool)
			} else {
				out = out || v.(bool)
			}
		}
		return out
	case lazy.AggSum:
		switch typ.ID() {
		case arrow.NULL:
			return int64(0)
		case arrow.BOOL:
			n := uint64(0)
			for _, v := range nn {
				if v.(bool) {
					n++
				}
			}
			return n
		case arrow.FLOAT32, arrow.FLOAT64:
			sum := 0.0
			for _, v := range nn {
				sum += v.(float64)
			}
			return f32If(typ, sum)
		case arrow.INT32:
			var sum int32
			for _, v := range nn {
				sum += int32(v.(int64))
			}
			return int64(sum)
		case arrow.UINT32:
			var sum uint32
			for _, v := range nn {
				sum += uint32(v.(uint64))
			}
			return uint64(sum)
		case arrow.UINT64:
			var sum uint64
			for _, v := range nn {
				sum += v.(uint64)
			}
			return sum
		}
		var sum int64
		for _, v := range nn {
			switch v := v.(type) {
			case int64:
				sum += v
			case uint64:
				sum += int64(v)
			}
		}
		return sum
	case lazy.AggMean:
		if len(nn) == 0 {
			return nil
		}
		sum := 0.0
		for _, v := range nn {
			sum += asFloat(v)
		}
		return f32If(typ, sum/float64(len(nn)))
	case lazy.AggStd, lazy.AggVar:
		n := float64(len(nn))
		if n-s.param <= 0 {
			return nil
		}
		mean := 0.0
		for _, v := range nn {
			mean += asFloat(v)
		}
		mean /= n
		m2 := 0.0
		for _, v := range nn {
			d := asFloat(v) - mean
			m2 += d * d
		}
		out := m2 / (n - s.param)
		if s.fn == lazy.AggStd {
			out = math.Sqrt(out)
		}
		return f32If(typ, out)
	case lazy.AggMedian, lazy.AggQuantile:
		fs := sortedFloats(vals)
		if len(fs) == 0 {
			return nil
		}
		if s.fn == lazy.AggMedian {
			return f32If(typ, refQuantile(fs, 0.5, "linear"))
		}
		return f32If(typ, refQuantile(fs, s.param, s.interp))
	case lazy.AggMin, lazy.AggMax:
		isMax := s.fn == lazy.AggMax
		var best any
		sawNaN := false
		for _, v := range nn {
			if f, ok := v.(float64); ok && f != f {
				sawNaN = true
				continue
			}
			if best == nil {
				best = v
				continue
			}
			var c int
			switch v := v.(type) {
			case int64:
				c = cmp.Compare(v, best.(int64))
			case uint64:
				c = cmp.Compare(v, best.(uint64))
			case float64:
				c = cmp.Compare(v, best.(float64))
			case string:
				c = strings.Compare(v, best.(string))
			case bool:
				c = cmp.Compare(b2i(v), b2i(best.(bool)))
			}
			if (isMax && c > 0) || (!isMax && c < 0) {
				best = v
			}
		}
		if best == nil && sawNaN {
			return math.NaN()
		}
		return best
	}
	panic("refAgg: " + string(s.fn))
}

// sameAgg compares a result value with the reference: exact (NaN equal to
// NaN), or within a relative tolerance for std and var.
func sameAgg(got, want any, tol float64) bool {
	g, gok := got.(float64)
	w, wok := want.(float64)
	if gok && wok {
		switch {
		case g != g || w != w:
			return g != g && w != w
		case tol == 0 || math.IsInf(w, 0):
			return g == w
		}
		return math.Abs(g-w) <= tol*math.Max(math.Abs(w), 1e-12)
	}
	return got == want
}

// aggWant is the reference result of an aggregation: names, types and
// columns, with the tolerance of each column.
type aggWant struct {
	names, types []string
	cols         [][]any
	tols         []float64
}

// refResult aggregates cols grouped by keys (column names; nil for a global
// aggregate) computing specs, in plain Go.
func refResult(cols []column, keys []string, specs []aggSpec) aggWant {
	byName := map[string]column{}
	n := 0
	for _, c := range cols {
		byName[c.name] = c
		n = len(c.vals)
	}
	var w aggWant
	var keyCols [][]any
	for _, k := range keys {
		keyCols = append(keyCols, byName[k].vals)
		w.names = append(w.names, k)
		w.types = append(w.types, core.DTypeName(byName[k].typ))
	}
	groups := refGroups(keyCols, n)
	for ki := range keys {
		var c []any
		for _, g := range groups {
			c = append(c, g.key[ki])
		}
		w.cols, w.tols = append(w.cols, c), append(w.tols, 0)
	}
	for _, s := range specs {
		typ := arrow.DataType(arrow.Null)
		if s.in != "" {
			typ = byName[s.in].typ
		}
		w.names = append(w.names, s.name)
		w.types = append(w.types, wantAggType(s.fn, typ))
		tol := 0.0
		if s.fn == lazy.AggStd || s.fn == lazy.AggVar {
			tol = 1e-9
			if typ.ID() == arrow.FLOAT32 {
				tol = 1e-6
			}
		}
		var c []any
		for _, g := range groups {
			vals := make([]any, len(g.rows))
			if s.in != "" {
				for i, r := range g.rows {
					vals[i] = byName[s.in].vals[r]
				}
			}
			c = append(c, refAgg(s, typ, vals))
		}
		w.cols, w.tols = append(w.cols, c), append(w.tols, tol)
	}
	return w
}

// check runs p and compares its result with w.
func (w aggWant) check(t *testing.T, mem memory.Allocator, p lazy.Plan) {
	t.Helper()
	names, types, got := runAgg(t, mem, p)
	if !slices.Equal(names, w.names) || !slices.Equal(types, w.types) {
		t.Fatalf("schema\n  %v %v\nwant\n  %v %v", names, types, w.names, w.types)
	}
	if len(got[0]) != len(w.cols[0]) {
		t.Fatalf("%d groups, want %d", len(got[0]), len(w.cols[0]))
	}
	bad := 0
	for ci, want := range w.cols {
		for gi, wv := range want {
			if gv := got[ci][gi]; !sameAgg(gv, wv, w.tols[ci]) {
				t.Errorf("group %d: %s = %v (%T), want %v (%T)", gi, w.names[ci], gv, gv, wv, wv)
				if bad++; bad > 20 {
					t.Fatal("too many differences")
				}
			}
		}
	}
}

// checkAgg runs p and compares it with refResult(cols, keys, specs).
func checkAgg(t *testing.T, mem memory.Allocator, p lazy.Plan, cols []column, keys []string, specs []aggSpec) {
	t.Helper()
	refResult(cols, keys, specs).check(t, mem, p)
}

// --- generated data -------------------------------------------------------------------

var (
	strDomain = []string{"", "a", "A", "ab", "b", "a\x00b", "Zürich", "日本語", "😀", "e\u0301", strings.Repeat("long", 40)}
	f64Keys   = []float64{0, math.Copysign(0, -1), math.NaN(), 2.5, -2.5, math.Inf(1), math.Inf(-1), 1e300}
	f32Keys   = []float64{0, math.Copysign(0, -1), math.NaN(), 1.5, math.Inf(-1)}
	i64Keys   = []int64{math.MinInt64, -1, 0, 1 << 40, math.MaxInt64}
	u64Keys   = []uint64{0, 1, 1 << 63, 1<<63 + 1, math.MaxUint64, math.MaxInt64}
)

func pickNull(r *rand.Rand, frac float64, v any) any {
	if r.Float64() < frac {
		return nil
	}
	return v
}

// quarter is a float that is a multiple of 1/4 in [-250, 250]; sums of a
// few thousand are exact in float64 and float32 alike when cast at the end.
func quarter(r *rand.Rand) float64 { return float64(r.IntN(2001)-1000) / 4 }

// specialFloat is a quarter, or (with small probability) NaN, ±inf, ±0.
func specialFloat(r *rand.Rand, inf bool) float64 {
	switch x := r.Float64(); {
	case x < 0.03:
		return math.NaN()
	case x < 0.05 && inf:
		return math.Inf(1)
	case x < 0.07 && inf:
		return math.Inf(-1)
	case x < 0.09:
		return math.Copysign(0, -1)
	case x < 0.11:
		return 0
	}
	return quarter(r)
}

// wideInt mixes extremes with values from the whole range of a bits-wide
// integer (signed or not), for sums that wrap and extreme minima and maxima.
func wideInt(r *rand.Rand, bits int, signed bool) any {
	if signed {
		lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
		if bits == 64 {
			lo, hi = math.MinInt64, math.MaxInt64
		}
		switch r.IntN(5) {
		case 0:
			return lo
		case 1:
			return hi
		case 2:
			return int64(r.IntN(21) - 10)
		}
		if bits == 64 {
			return int64(r.Uint64())
		}
		return lo + r.Int64N(hi-lo+1)
	}
	hi := uint64(1)<<bits - 1
	if bits == 64 {
		hi = math.MaxUint64
	}
	switch r.IntN(5) {
	case 0:
		return uint64(0)
	case 1:
		return hi
	case 2:
		return uint64(r.IntN(10))
	}
	if bits == 64 {
		return r.Uint64()
	}
	return r.Uint64N(hi + 1)
}

// genTable is the general test table: key columns of every type (few
// distinct values, nulls) and value columns of every type.
func genTable(n int, seed uint64) []column {
	r := rand.New(rand.NewPCG(seed, 99))
	type gen struct {
		name string
		typ  arrow.DataType
		f    func() any
	}
	smallInt := func(signed bool) func() any {
		return func() any {
			if signed {
				return pickNull(r, 0.15, int64(r.IntN(101)-50))
			}
			return pickNull(r, 0.15, uint64(r.IntN(101)))
		}
	}
	gens := []gen{
		{"k_i8", arrow.PrimitiveTypes.Int8, func() any { return pickNull(r, 0.1, []int64{-128, -1, 0, 1, 127}[r.IntN(5)]) }},
		{"k_i16", arrow.PrimitiveTypes.Int16, func() any { return pickNull(r, 0.1, []int64{-32768, -7, 0, 300, 32767}[r.IntN(5)]) }},
		{"k_i32", arrow.PrimitiveTypes.Int32, func() any {
			return pickNull(r, 0.1, []int64{math.MinInt32, -1, 0, 5, math.MaxInt32}[r.IntN(5)])
		}},
		{"k_i64", arrow.PrimitiveTypes.Int64, func() any { return pickNull(r, 0.1, i64Keys[r.IntN(len(i64Keys))]) }},
		{"k_u8", arrow.PrimitiveTypes.Uint8, func() any { return pickNull(r, 0.1, []uint64{0, 1, 200, 255}[r.IntN(4)]) }},
		{"k_u16", arrow.PrimitiveTypes.Uint16, func() any { return pickNull(r, 0.1, []uint64{0, 1, 65535}[r.IntN(3)]) }},
		{"k_u32", arrow.PrimitiveTypes.Uint32, func() any { return pickNull(r, 0.1, []uint64{0, 7, math.MaxUint32}[r.IntN(3)]) }},
		{"k_u64", arrow.PrimitiveTypes.Uint64, func() any { return pickNull(r, 0.1, u64Keys[r.IntN(len(u64Keys))]) }},
		{"k_f32", arrow.PrimitiveTypes.Float32, func() any { return pickNull(r, 0.1, f32Keys[r.IntN(len(f32Keys))]) }},
		{"k_f64", arrow.PrimitiveTypes.Float64, func() any { return pickNull(r, 0.1, f64Keys[r.IntN(len(f64Keys))]) }},
		{"k_str", arrow.BinaryTypes.String, func() any { return pickNull(r, 0.1, strDomain[r.IntN(len(strDomain))]) }},
		{"k_lstr", arrow.BinaryTypes.LargeString, func() any { return pickNull(r, 0.1, strDomain[r.IntN(len(strDomain))]) }},
		{"k_bool", arrow.FixedWidthTypes.Boolean, func() any { return pickNull(r, 0.1, r.IntN(2) == 0) }},
		{"k_date", arrow.FixedWidthTypes.Date32, func() any { return pickNull(r, 0.1, []int64{-1, 0, 18000, 19000}[r.IntN(4)]) }},

		{"v_i8", arrow.PrimitiveTypes.Int8, smallInt(true)},
		{"v_i16", arrow.PrimitiveTypes.Int16, smallInt(true)},
		{"v_i32", arrow.PrimitiveTypes.Int32, smallInt(true)},
		{"v_i64", arrow.PrimitiveTypes.Int64, smallInt(true)},
		{"v_u8", arrow.PrimitiveTypes.Uint8, smallInt(false)},
		{"v_u16", arrow.PrimitiveTypes.Uint16, smallInt(false)},
		{"v_u32", arrow.PrimitiveTypes.Uint32, smallInt(false)},
		{"v_u64", arrow.PrimitiveTypes.Uint64, smallInt(false)},
		{"v_f32", arrow.PrimitiveTypes.Float32, func() any { return pickNull(r, 0.15, specialFloat(r, true)) }},
		{"v_f64", arrow.PrimitiveTypes.Float64, func() any { return pickNull(r, 0.15, specialFloat(r, true)) }},
		{"q_f32", arrow.PrimitiveTypes.Float32, func() any { return pickNull(r, 0.15, specialFloat(r, false)) }},
		{"q_f64", arrow.PrimitiveTypes.Float64, func() any { return pickNull(r, 0.15, specialFloat(r, false)) }},
		{"v_bool", arrow.FixedWidthTypes.Boolean, func() any { return pickNull(r, 0.15, r.IntN(3) > 0) }},
		{"v_str", arrow.BinaryTypes.String, func() any { return pickNull(r, 0.15, strDomain[r.IntN(len(strDomain))]) }},
		{"v_date", arrow.FixedWidthTypes.Date32, func() any { return pickNull(r, 0.15, int64(r.IntN(40000)-20000)) }},
		{"v_sparse", arrow.PrimitiveTypes.Float64, func() any { return pickNull(r, 0.97, quarter(r)) }},
		{"v_null", arrow.Null, func() any { return nil }},

		{"w_i8", arrow.PrimitiveTypes.Int8, func() any { return pickNull(r, 0.1, wideInt(r, 8, true)) }},
		{"w_i16", arrow.PrimitiveTypes.Int16, func() any { return pickNull(r, 0.1, wideInt(r, 16, true)) }},
		{"w_i32", arrow.PrimitiveTypes.Int32, func() any { return pickNull(r, 0.1, wideInt(r, 32, true)) }},
		{"w_i64", arrow.PrimitiveTypes.Int64, func() any { return pickNull(r, 0.1, wideInt(r, 64, true)) }},
		{"w_u8", arrow.PrimitiveTypes.Uint8, func() any { return pickNull(r, 0.1, wideInt(r, 8, false)) }},
		{"w_u16", arrow.PrimitiveTypes.Uint16, func() any { return pickNull(r, 0.1, wideInt(r, 16, false)) }},
		{"w_u32", arrow.PrimitiveTypes.Uint32, func() any { return pickNull(r, 0.1, wideInt(r, 32, false)) }},
		{"w_u64", arrow.PrimitiveTypes.Uint64, func() any { return pickNull(r, 0.1, wideInt(r, 64, false)) }},
	}
	cols := make([]column, len(gens))
	for i, g := range gens {
		cols[i] = column{name: g.name, typ: g.typ}
	}
	for range n {
		for i, g := range gens {
			cols[i].vals = append(cols[i].vals, g.f())
		}
	}
	return cols
}

// genSpecs is every aggregate that applies to each value column of genTable.
func genSpecs(cols []column) []aggSpec {
	specs := []aggSpec{{name: "len", fn: lazy.AggLen}}
	add := func(fn lazy.AggFunc, in, suffix string, param float64, interp string) {
		specs = append(specs, aggSpec{name: string(fn) + suffix + "_" + in, fn: fn, in: in, param: param, interp: interp})
	}
	for _, c := range cols {
		if strings.HasPrefix(c.name, "k_") {
			continue
		}
		for _, fn := range []lazy.AggFunc{lazy.AggCount, lazy.AggLen, lazy.AggNUnique, lazy.AggFirst, lazy.AggLast, lazy.AggMin, lazy.AggMax} {
			add(fn, c.name, "", 0, "")
		}
		numeric := core.IsNumeric(c.typ) || c.typ.ID() == arrow.BOOL || c.typ.ID() == arrow.NULL
		if !numeric {
			continue
		}
		add(lazy.AggSum, c.name, "", 0, "")
		if strings.HasPrefix(c.name, "w_") {
			continue // wide integers: only order-free aggregates
		}
		add(lazy.AggMean, c.name, "", 0, "")
		add(lazy.AggStd, c.name, "", 1, "")
		add(lazy.AggVar, c.name, "0", 0, "")
		add(lazy.AggVar, c.name, "2", 2, "")
		if c.typ.ID() == arrow.BOOL {
			add(lazy.AggAny, c.name, "", 0, "")
			add(lazy.AggAll, c.name, "", 0, "")
		}
		if c.name == "v_f32" || c.name == "v_f64" {
			continue // medians of infinities: see TestAggregateQuantileOfInfinity
		}
		add(lazy.AggMedian, c.name, "", 0, "")
		for _, interp := range []string{"lower", "higher", "midpoint", "linear"} {
			add(lazy.AggQuantile, c.name, "25"+interp, 0.25, interp)
			add(lazy.AggQuantile, c.name, "90"+interp, 0.9, interp)
		}
		add(lazy.AggQuantile, c.name, "0nearest", 0, "nearest")
		add(lazy.AggQuantile, c.name, "100nearest", 1, "nearest")
	}
	return specs
}

func specExprs(specs []aggSpec) []lazy.Expr {
	out := make([]lazy.Expr, len(specs))
	for i, s := range specs {
		out[i] = s.expr()
	}
	return out
}

func groupBy(t *testing.T, in lazy.Plan, keys []lazy.Expr, aggs []lazy.Expr) lazy.Plan {
	t.Helper()
	p, err := lazy.NewGroupBy(in, keys, aggs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func colExprs(names []string) []lazy.Expr {
	var out []lazy.Expr
	for _, n := range names {
		out = append(out, col(n))
	}
	return out
}

// aggLayout is a way to run a case: morsel size, source batches, workers.
type aggLayout struct {
	name   string
	morsel int
	sizes  func(n int) []int // nil: one batch
	procs  int               // GOMAXPROCS (0: unchanged)
}

var aggLayouts = []aggLayout{
	{"one morsel", 1 << 20, nil, 0},
	{"morsels of 7 on 8 workers", 7, nil, 8},
	{"uneven batches, morsels of 50 on 3 workers", 50, func(n int) []int { return []int{n / 3, 0, 1, n - n/3 - 1} }, 3},
	{"one worker, morsels of 64", 64, nil, 1},
}

// forAggLayouts runs check for every layout, leak-checked, on the table
// built from cols: plan builds the plan over the scan; it is run as built
// and optimized.
func forAggLayouts(t *testing.T, cols []column, plan func(t *testing.T, scan lazy.Plan) lazy.Plan,
	check func(t *testing.T, mem memory.Allocator, p lazy.Plan)) {
	t.Helper()
	forTableLayouts(t, cols, true, plan, check)
}

// forTableLayouts runs plan over cols in each of aggLayouts (those that split the
// table into batches of given sizes only when withSizes), then checks it as
// it is and optimized.
func forTableLayouts(t *testing.T, cols []column, withSizes bool, plan func(t *testing.T, scan lazy.Plan) lazy.Plan,
	check func(t *testing.T, mem memory.Allocator, p lazy.Plan)) {
	t.Helper()
	for _, l := range aggLayouts {
		if l.sizes != nil && !withSizes {
			continue
		}
		t.Run(l.name, func(t *testing.T) {
			mem := checkLeaks(t)
			setMorselRows(t, l.morsel)
			setProcs(t, l.procs)
			var sizes []int
			if l.sizes != nil && len(cols) > 0 {
				sizes = l.sizes(len(cols[0].vals))
			}
			tbl := newTable(t, mem, cols, sizes...)
			defer tbl.Release()
			p := plan(t, lazy.NewScan(tbl))
			check(t, mem, p)
			t.Run("optimized", func(t *testing.T) { check(t, mem, Optimize(p)) })
		})
	}
}

// --- tests --------------------------------------------------------------------------------

// Every aggregate over every value type, grouped by keys of every type and
// by several keys at once, and without keys.
func TestAggregateAllTypes(t *testing.T) {
	cols := genTable(1200, 1)
	specs := genSpecs(cols)
	keySets := [][]string{
		{"k_i8"}, {"k_i16"}, {"k_i32"}, {"k_i64"}, {"k_u8"}, {"k_u16"}, {"k_u32"}, {"k_u64"},
		{"k_f32"}, {"k_f64"}, {"k_str"}, {"k_lstr"}, {"k_bool"}, {"k_date"},
		{"k_str", "k_i64"}, {"k_bool", "k_f64", "k_u64"}, {"k_date", "k_i8", "k_lstr"}, {"k_f32", "k_u16"},
		nil,
	}
	for _, keys := range keySets {
		name := strings.Join(keys, ",")
		if keys == nil {
			name = "global"
		}
		t.Run(name, func(t *testing.T) {
			want := refResult(cols, keys, specs)
			forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
				return groupBy(t, scan, colExprs(keys), specExprs(specs))
			}, want.check)
		})
	}
}

// manyGroupsTable has about groups distinct keys (int, string and both),
// spread so that every morsel meets many of them; idx is the row number
// (null every 11th row) for first and last.
func manyGroupsTable(n, groups int) []column {
	r := rand.New(rand.NewPCG(7, 7))
	var k, s, idx, f, u []any
	for i := range n {
		g := (i*7919 + i/groups) % groups
		if i%97 == 0 {
			k = append(k, nil)
		} else {
			k = append(k, int64(g)-int64(groups)/2)
		}
		s = append(s, fmt.Sprintf("g%05d-%s", g%(groups/2+1), strDomain[g%len(strDomain)]))
		if i%11 == 0 {
			idx = append(idx, nil)
		} else {
			idx = append(idx, int64(i))
		}
		f = append(f, pickNull(r, 0.1, specialFloat(r, true)))
		u = append(u, pickNull(r, 0.1, wideInt(r, 64, false)))
	}
	return []column{
		{"k", arrow.PrimitiveTypes.Int64, k},
		{"s", arrow.BinaryTypes.String, s},
		{"idx", arrow.PrimitiveTypes.Int64, idx},
		{"f", arrow.PrimitiveTypes.Float64, f},
		{"u", arrow.PrimitiveTypes.Uint64, u},
	}
}

// More than 4096 groups over several workers: the partitioned merge.
func TestAggregateManyGroups(t *testing.T) {
	cols := manyGroupsTable(30000, 9000)
	specs := []aggSpec{
		{name: "n", fn: lazy.AggLen},
		{name: "c", fn: lazy.AggCount, in: "idx"},
		{name: "first", fn: lazy.AggFirst, in: "idx"},
		{name: "last", fn: lazy.AggLast, in: "idx"},
		{name: "min", fn: lazy.AggMin, in: "idx"},
		{name: "max_f", fn: lazy.AggMax, in: "f"},
		{name: "sum_f", fn: lazy.AggSum, in: "f"},
		{name: "mean_f", fn: lazy.AggMean, in: "f"},
		{name: "sum_u", fn: lazy.AggSum, in: "u"},
		{name: "nu_u", fn: lazy.AggNUnique, in: "u"},
		{name: "first_s", fn: lazy.AggFirst, in: "s"},
		{name: "median", fn: lazy.AggMedian, in: "idx"},
		{name: "std", fn: lazy.AggStd, in: "idx", param: 1},
	}
	layouts := []aggLayout{
		{"one worker", 1000, nil, 1},
		{"2 workers", 1000, nil, 2},
		{"8 workers, morsels of 500", 500, nil, 8},
		{"5 workers, uneven batches, morsels of 333", 333, func(n int) []int { return []int{7, n - 7000, 6993} }, 5},
	}
	for _, keys := range [][]string{{"k"}, {"s"}, {"s", "k"}} {
		t.Run(strings.Join(keys, ","), func(t *testing.T) {
			for _, l := range layouts {
				t.Run(l.name, func(t *testing.T) {
					mem := checkLeaks(t)
					setMorselRows(t, l.morsel)
					setProcs(t, l.procs)
					var sizes []int
					if l.sizes != nil {
						sizes = l.sizes(len(cols[0].vals))
					}
					tbl := newTable(t, mem, cols, sizes...)
					defer tbl.Release()
					p := groupBy(t, lazy.NewScan(tbl), colExprs(keys), specExprs(specs))
					checkAgg(t, mem, p, cols, keys, specs)
					checkAgg(t, mem, Optimize(p), cols, keys, specs)
				})
			}
		})
	}
}

// first and last follow input order whatever the morsels and workers;
// nulls are values for them.
func TestAggregateFirstLastOrder(t *testing.T) {
	const n = 5000
	var k, s, v, f []any
	for i := range n {
		k = append(k, int64((i*i)%13))
		s = append(s, strDomain[(i*7)%len(strDomain)])
		if (i*31)%17 == 0 {
			v = append(v, nil) // row 0 is null: the global first is null
		} else {
			v = append(v, int64(i))
		}
		f = append(f, float64(i)/4)
	}
	v[n-1] = nil // and so is the global last
	cols := []column{
		{"k", arrow.PrimitiveTypes.Int64, k},
		{"s", arrow.BinaryTypes.String, s},
		{"v", arrow.PrimitiveTypes.Int64, v},
		{"f", arrow.PrimitiveTypes.Float64, f},
	}
	specs := []aggSpec{
		{name: "first", fn: lazy.AggFirst, in: "v"},
		{name: "last", fn: lazy.AggLast, in: "v"},
		{name: "first_f", fn: lazy.AggFirst, in: "f"},
		{name: "last_s", fn: lazy.AggLast, in: "s"},
	}
	for _, keys := range [][]string{{"k"}, {"s"}, {"k", "s"}, nil} {
		t.Run(fmt.Sprint(keys), func(t *testing.T) {
			for _, morsel := range []int{1, 3, 64, 1 << 20} {
				for _, procs := range []int{1, 2, 8} {
					t.Run(fmt.Sprintf("morsels of %d, %d workers", morsel, procs), func(t *testing.T) {
						mem := checkLeaks(t)
						setMorselRows(t, morsel)
						setProcs(t, procs)
						tbl := newTable(t, mem, cols, 1, 999, 0, 4000)
						defer tbl.Release()
						p := groupBy(t, lazy.NewScan(tbl), colExprs(keys), specExprs(specs))
						checkAgg(t, mem, p, cols, keys, specs)
					})
				}
			}
		})
	}
}

// A global aggregate gives one row, also over no rows at all.
func TestAggregateGlobalEmpty(t *testing.T) {
	cols := genTable(0, 1)
	specs := genSpecs(cols)
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	nonEmpty := genTable(300, 2)
	for _, l := range aggLayouts {
		t.Run(l.name, func(t *testing.T) {
			mem := checkLeaks(t)
			setMorselRows(t, l.morsel)
			setProcs(t, l.procs)
			tables := map[string]*core.Table{
				"no batches":    core.NewTable(schema, nil),
				"empty batch":   newTable(t, mem, cols, 0),
				"empty batches": newTable(t, mem, cols, 0, 0, 0),
			}
			for name, tbl := range tables {
				t.Run(name, func(t *testing.T) {
					p := groupBy(t, lazy.NewScan(tbl), nil, specExprs(specs))
					checkAgg(t, mem, p, cols, nil, specs)
					checkAgg(t, mem, Optimize(p), cols, nil, specs)
				})
				tbl.Release()
			}
			// A filter that drops every row of every morsel.
			tbl := newTable(t, mem, nonEmpty)
			defer tbl.Release()
			none := filter(t, lazy.NewScan(tbl), bin(lazy.OpGt, col("v_i64"), dyn(int64(1000))))
			p := groupBy(t, none, nil, specExprs(specs))
			checkAgg(t, mem, p, cols, nil, specs)
			checkAgg(t, mem, Optimize(p), cols, nil, specs)
			// Grouped by a key over no rows: no groups.
			p = groupBy(t, none, colExprs([]string{"k_str", "k_i64"}), specExprs(specs))
			checkAgg(t, mem, p, cols, []string{"k_str", "k_i64"}, specs)
		})
	}
}

// A one-row table and a one-row group of every type.
func TestAggregateOneRow(t *testing.T) {
	cols := genTable(1, 5)
	specs := genSpecs(cols)
	for _, keys := range [][]string{nil, {"k_str"}, {"k_f64", "k_u64"}} {
		t.Run(fmt.Sprint(keys), func(t *testing.T) {
			forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
				return groupBy(t, scan, colExprs(keys), specExprs(specs))
			}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
				checkAgg(t, mem, p, cols, keys, specs)
			})
		})
	}
}

// -0.0 and 0.0 are one group, all NaNs are one group, null is its own.
func TestAggregateFloatKeys(t *testing.T) {
	negZero := math.Copysign(0, -1)
	nan2 := math.Float64frombits(0x7ff8000000000bad) // another NaN payload
	keys := []any{negZero, 0.0, math.NaN(), nil, nan2, 1.0, negZero, nil, math.Inf(-1)}
	cols := []column{
		{"k", arrow.PrimitiveTypes.Float64, keys},
		{"k32", arrow.PrimitiveTypes.Float32, keys},
		{"v", arrow.PrimitiveTypes.Int64, ints(1, 2, 3, 4, 5, 6, 7, 8, 9)},
	}
	for _, key := range []string{"k", "k32"} {
		t.Run(key, func(t *testing.T) {
			forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
				return groupBy(t, scan, []lazy.Expr{col(key)}, []lazy.Expr{alias(&lazy.Agg{Func: lazy.AggSum, X: col("v")}, "s")})
			}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
				_, _, got := runAgg(t, mem, p)
				// zeros, NaNs, null, 1, -inf
				if !sameValues(got[1], ints(1+2+7, 3+5, 4+8, 6, 9)) || len(got[0]) != 5 ||
					got[0][0] != 0.0 || !math.IsNaN(got[0][1].(float64)) || got[0][2] != nil || got[0][3] != 1.0 {
					t.Errorf("groups %v sums %v", got[0], got[1])
				}
			})
		})
	}
}

// UInt64 keys above 2^63 are distinct from the Int64 they alias, and
// Int64 keys at the extremes are exact.
func TestAggregateExtremeIntegerKeys(t *testing.T) {
	cols := []column{
		{"u", arrow.PrimitiveTypes.Uint64, []any{uint64(1 << 63), uint64(math.MaxUint64), nil, uint64(1 << 63), uint64(math.MaxInt64), uint64(0)}},
		{"i", arrow.PrimitiveTypes.Int64, []any{int64(math.MinInt64), int64(-1), nil, int64(math.MinInt64), int64(math.MaxInt64), int64(0)}},
	}
	forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		return groupBy(t, scan, []lazy.Expr{col("u")}, []lazy.Expr{
			alias(&lazy.Agg{Func: lazy.AggLen}, "n"),
			alias(&lazy.Agg{Func: lazy.AggFirst, X: col("i")}, "i"),
			alias(&lazy.Agg{Func: lazy.AggNUnique, X: col("i")}, "nu"),
		})
	}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
		_, _, got := runAgg(t, mem, p)
		want := [][]any{
			{uint64(1 << 63), uint64(math.MaxUint64), nil, uint64(math.MaxInt64), uint64(0)},
			{uint64(2), uint64(1), uint64(1), uint64(1), uint64(1)},
			{int64(math.MinInt64), int64(-1), nil, int64(math.MaxInt64), int64(0)},
			{uint64(1), uint64(1), uint64(1), uint64(1), uint64(1)},
		}
		for i := range want {
			if !sameValues(got[i], want[i]) {
				t.Errorf("column %d = %v, want %v", i, got[i], want[i])
			}
		}
	})
}

// Keys that are expressions, arithmetic over aggregates and literals in
// agg: the Project that NewGroupBy puts over the Aggregate.
func TestAggregatePostProjection(t *testing.T) {
	cols := genTable(800, 3)
	byName := map[string][]any{}
	for _, c := range cols {
		byName[c.name] = c.vals
	}
	sum := func(x string) lazy.Expr { return &lazy.Agg{Func: lazy.AggSum, X: col(x)} }
	agg := func(f lazy.AggFunc, x string) lazy.Expr { return &lazy.Agg{Func: f, X: col(x)} }
	forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		return groupBy(t, scan, []lazy.Expr{alias(bin(lazy.OpMod, col("v_i64"), dyn(int64(3))), "m"), col("k_bool")}, []lazy.Expr{
			alias(bin(lazy.OpTrueDiv, sum("q_f64"), agg(lazy.AggCount, "q_f64")), "avg"),
			alias(bin(lazy.OpSub, agg(lazy.AggMax, "w_i64"), agg(lazy.AggMin, "v_i64")), "spread"),
			alias(dyn(int64(7)), "seven"),
			agg(lazy.AggFirst, "v_str"),
			alias(bin(lazy.OpAdd, &lazy.Agg{Func: lazy.AggLen}, dyn(int64(1))), "len1"),
		})
	}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
		names, types, got := runAgg(t, mem, p)
		wantSchema := "m:Int64 k_bool:Boolean avg:Float64 spread:Int64 seven:Int32 v_str:String len1:UInt32"
		var sch []string
		for i := range names {
			sch = append(sch, names[i]+":"+types[i])
		}
		if s := strings.Join(sch, " "); s != wantSchema {
			t.Fatalf("schema %s, want %s", s, wantSchema)
		}
		m := make([]any, len(byName["v_i64"]))
		for i, v := range byName["v_i64"] {
			if v != nil {
				m[i] = floorMod(int(v.(int64)), 3)
			}
		}
		groups := refGroups([][]any{m, byName["k_bool"]}, len(m))
		if len(got[0]) != len(groups) {
			t.Fatalf("%d groups, want %d", len(got[0]), len(groups))
		}
		pick := func(c string, rows []int) []any {
			var out []any
			for _, r := range rows {
				out = append(out, byName[c][r])
			}
			return out
		}
		for gi, g := range groups {
			s := refAgg(aggSpec{fn: lazy.AggSum}, arrow.PrimitiveTypes.Float64, pick("q_f64", g.rows)).(float64)
			c := refAgg(aggSpec{fn: lazy.AggCount}, nil, pick("q_f64", g.rows)).(uint64)
			var spread any
			mx := refAgg(aggSpec{fn: lazy.AggMax}, nil, pick("w_i64", g.rows))
			mn := refAgg(aggSpec{fn: lazy.AggMin}, nil, pick("v_i64", g.rows))
			if mx != nil && mn != nil {
				spread = mx.(int64) - mn.(int64)
			}
			want := []any{g.key[0], g.key[1], s / float64(c), spread, int64(7),
				refAgg(aggSpec{fn: lazy.AggFirst}, nil, pick("v_str", g.rows)), uint64(len(g.rows) + 1)}
			for i, w := range want {
				if !sameAgg(got[i][gi], w, 0) {
					t.Errorf("group %d: %s = %v, want %v", gi, names[i], got[i][gi], w)
				}
			}
		}
	})
}

// Aggregates over other operators' output: a filter, a slice (a sequential
// input), another aggregate.
func TestAggregateOverOperators(t *testing.T) {
	cols := genTable(600, 4)
	specs := []aggSpec{
		{name: "n", fn: lazy.AggLen},
		{name: "s", fn: lazy.AggSum, in: "v_i32"},
		{name: "f", fn: lazy.AggFirst, in: "v_str"},
		{name: "l", fn: lazy.AggLast, in: "q_f64"},
	}
	// The reference of an aggregate over the first 250 rows with v_i8 > 0.
	var kept []column
	for _, c := range cols {
		kc := column{name: c.name, typ: c.typ}
		for r := range 250 {
			if v := byNameVal(cols, "v_i8", r); v != nil && v.(int64) > 0 {
				kc.vals = append(kc.vals, c.vals[r])
			}
		}
		kept = append(kept, kc)
	}
	forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		p := filter(t, slice(scan, 0, 250), bin(lazy.OpGt, col("v_i8"), dyn(int64(0))))
		return groupBy(t, p, colExprs([]string{"k_str"}), specExprs(specs))
	}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
		checkAgg(t, mem, p, kept, []string{"k_str"}, specs)
	})

	// An aggregate of an aggregate: groups per (k_str, k_bool), then per k_bool.
	forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		inner := groupBy(t, scan, colExprs([]string{"k_str", "k_bool"}), []lazy.Expr{alias(&lazy.Agg{Func: lazy.AggLen}, "n")})
		return groupBy(t, inner, colExprs([]string{"k_bool"}), []lazy.Expr{
			alias(&lazy.Agg{Func: lazy.AggLen}, "groups"),
			alias(&lazy.Agg{Func: lazy.AggSum, X: col("n")}, "rows"),
			alias(&lazy.Agg{Func: lazy.AggFirst, X: col("k_str")}, "first_str"),
		})
	}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
		kb, ks := byNameCol(cols, "k_bool"), byNameCol(cols, "k_str")
		inner := refGroups([][]any{ks, kb}, len(kb))
		var innerKB, innerKS []any
		for _, g := range inner {
			innerKS, innerKB = append(innerKS, g.key[0]), append(innerKB, g.key[1])
		}
		outer := refGroups([][]any{innerKB}, len(innerKB))
		_, _, got := runAgg(t, mem, p)
		for gi, g := range outer {
			rows := 0
			for _, ig := range g.rows {
				rows += len(inner[ig].rows)
			}
			want := []any{g.key[0], uint64(len(g.rows)), uint64(rows), innerKS[g.rows[0]]}
			for i, w := range want {
				if got[i][gi] != w {
					t.Errorf("group %d column %d = %v, want %v", gi, i, got[i][gi], w)
				}
			}
		}
	})
}

func byNameCol(cols []column, name string) []any {
	for _, c := range cols {
		if c.name == name {
			return c.vals
		}
	}
	panic(name)
}

func byNameVal(cols []column, name string, r int) any { return byNameCol(cols, name)[r] }

// The result is in the caller's allocator and outlives the source; errors
// while aggregating leak nothing.
func TestAggregateMemory(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 5)
	setProcs(t, 4)
	cols := genTable(200, 6)
	tbl := newTable(t, mem, cols)
	p := groupBy(t, lazy.NewScan(tbl), colExprs([]string{"k_str"}), []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggSum, X: col("v_i64")}, "s"),
		alias(&lazy.Agg{Func: lazy.AggFirst, X: col("v_str")}, "f"),
	})
	before := mem.CurrentAlloc()
	res, err := Run(context.Background(), mem, p)
	if err != nil {
		t.Fatal(err)
	}
	if mem.CurrentAlloc() <= before {
		t.Error("the aggregate's result is not in the caller's allocator")
	}
	tbl.Release()
	if r := readTable(t, res); r.rows == 0 || r.schema != "k_str: String, s: Int64, f: String" {
		t.Errorf("result after releasing the source: %d rows, schema %s", r.rows, r.schema)
	}
	res.Release()

	// A strict cast that fails in some morsel, under several workers.
	tbl = newTable(t, mem, cols)
	defer tbl.Release()
	bad := groupBy(t, lazy.NewScan(tbl), colExprs([]string{"k_i64"}), []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggSum, X: &lazy.Cast{X: col("w_i64"), To: arrow.PrimitiveTypes.Int8, Strict: true}}, "s"),
	})
	if res, err := Run(context.Background(), mem, bad); err == nil {
		res.Release()
		t.Fatal("no error from a failing strict cast inside an aggregate")
	} else if core.KindOf(err) != core.KindCompute {
		t.Errorf("error %v, want a compute error", err)
	}
	badKey := groupBy(t, lazy.NewScan(tbl), []lazy.Expr{alias(&lazy.Cast{X: col("w_i64"), To: arrow.PrimitiveTypes.Int8, Strict: true}, "k")},
		[]lazy.Expr{alias(&lazy.Agg{Func: lazy.AggLen}, "n")})
	if res, err := Run(context.Background(), mem, badKey); err == nil {
		res.Release()
		t.Fatal("no error from a failing strict cast in a key")
	}
	// Cancelled before it starts.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res, err := Run(ctx, mem, badKey); err == nil {
		res.Release()
		t.Error("a cancelled aggregate returned a result")
	}
}

// Result types of sum, mean and friends for each input type, over data.
func TestAggregateResultTypes(t *testing.T) {
	mem := checkLeaks(t)
	cols := []column{
		{"i8", arrow.PrimitiveTypes.Int8, ints(100, 100, 100)},
		{"i16", arrow.PrimitiveTypes.Int16, ints(30000, 30000, 30000)},
		{"i32", arrow.PrimitiveTypes.Int32, ints(math.MaxInt32, 1, 0)},
		{"u8", arrow.PrimitiveTypes.Uint8, []any{uint64(200), uint64(200), uint64(200)}},
		{"u16", arrow.PrimitiveTypes.Uint16, []any{uint64(65535), uint64(65535), uint64(1)}},
		{"u32", arrow.PrimitiveTypes.Uint32, []any{uint64(math.MaxUint32), uint64(2), uint64(0)}},
		{"f32", arrow.PrimitiveTypes.Float32, []any{1.5, 2.5, nil}},
		{"b", arrow.FixedWidthTypes.Boolean, []any{true, true, nil}},
	}
	tbl := newTable(t, mem, cols)
	defer tbl.Release()
	var aggs []lazy.Expr
	for _, c := range cols {
		for _, f := range []lazy.AggFunc{lazy.AggSum, lazy.AggMean, lazy.AggMedian, lazy.AggStd} {
			aggs = append(aggs, alias(&lazy.Agg{Func: f, X: col(c.name), Param: 1}, string(f)+"_"+c.name))
		}
	}
	names, types, got := runAgg(t, mem, groupBy(t, lazy.NewScan(tbl), nil, aggs))
	want := map[string]struct {
		typ string
		val any
	}{
		"sum_i8": {"Int64", int64(300)}, "sum_i16": {"Int64", int64(90000)},
		"sum_i32": {"Int32", int64(math.MinInt32)}, // wraps, as in Polars
		"sum_u8":  {"Int64", int64(600)}, "sum_u16": {"Int64", int64(131071)},
		"sum_u32": {"UInt32", uint64(1)}, "sum_f32": {"Float32", 4.0}, "sum_b": {"UInt32", uint64(2)},
		"mean_i8": {"Float64", 100.0}, "mean_f32": {"Float32", 2.0}, "mean_b": {"Float64", 1.0},
		"median_u16": {"Float64", 65535.0}, "median_f32": {"Float32", 2.0}, "median_b": {"Float64", 1.0},
		"std_f32": {"Float32", math.Sqrt(0.5)}, "std_i8": {"Float64", 0.0},
	}
	for i, name := range names {
		w, ok := want[name]
		if !ok {
			continue
		}
		if types[i] != w.typ || !sameAgg(got[i][0], w.val, 1e-6) {
			t.Errorf("%s = %v %s, want %v %s", name, got[i][0], types[i], w.val, w.typ)
		}
	}
}

// --- known bugs ---------------------------------------------------------------------------

// expectNone fails the test with every problem found.
func expectNone(t *testing.T, problems []string) {
	t.Helper()
	for _, p := range problems {
		t.Error(p)
	}
}

func runAggErr(t *testing.T, mem memory.Allocator, p lazy.Plan) ([]string, [][]any, error) {
	t.Helper()
	tbl, err := Run(context.Background(), mem, p)
	if err != nil {
		return nil, nil, err
	}
	defer tbl.Release()
	rb := tbl.Batches()[0]
	var names []string
	var cols [][]any
	for i, f := range rb.Schema().Fields() {
		names = append(names, f.Name)
		cols = append(cols, readArray(t, rb.Column(i)))
	}
	return names, cols, nil
}

// The median, or a linear quantile, that falls exactly on an infinity is
// that infinity (Polars: median of [inf] is inf); the engine interpolates
// v[lo] + (v[hi]-v[lo])*0 = inf + NaN = NaN.
func TestAggregateQuantileOfInfinity(t *testing.T) {
	mem := checkLeaks(t)
	inf := math.Inf(1)
	tbl := newTable(t, mem, []column{
		{"k", arrow.PrimitiveTypes.Int64, ints(1, 2, 2, 2, 3)},
		{"x", arrow.PrimitiveTypes.Float64, []any{inf, 1.0, inf, inf, math.Inf(-1)}},
	})
	defer tbl.Release()
	p := groupBy(t, lazy.NewScan(tbl), []lazy.Expr{col("k")}, []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggMedian, X: col("x")}, "median"),
		alias(&lazy.Agg{Func: lazy.AggQuantile, X: col("x"), Param: 0.5, Interp: "linear"}, "linear"),
		alias(&lazy.Agg{Func: lazy.AggQuantile, X: col("x"), Param: 0.5, Interp: "midpoint"}, "midpoint"),
		alias(&lazy.Agg{Func: lazy.AggQuantile, X: col("x"), Param: 0.5, Interp: "lower"}, "lower"),
	})
	names, got, err := runAggErr(t, mem, p)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{inf, inf, math.Inf(-1)}
	var problems []string
	for i := 1; i < len(names); i++ {
		for g := range want {
			if !sameAgg(got[i][g], want[g], 0) {
				problems = append(problems, fmt.Sprintf("group %d: %s = %v, want %v", g, names[i], got[i][g], want[g]))
			}
		}
	}
	expectNone(t, problems)
}

// quantile(q, "nearest") rounds the index (n-1)*q half away from zero, as
// Polars does (Rust's f64::round): [1, 2].quantile(0.5, "nearest") is 2.
// The engine rounds half to even and gives 1.
func TestAggregateQuantileNearestRounding(t *testing.T) {
	mem := checkLeaks(t)
	tbl := newTable(t, mem, []column{
		{"k", arrow.PrimitiveTypes.Int64, ints(1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3)},
		{"x", arrow.PrimitiveTypes.Float64, []any{1.0, 2.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0}},
	})
	defer tbl.Release()
	p := groupBy(t, lazy.NewScan(tbl), []lazy.Expr{col("k")}, []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggQuantile, X: col("x"), Param: 0.5, Interp: "nearest"}, "q50"),
		alias(&lazy.Agg{Func: lazy.AggQuantile, X: col("x"), Param: 0.1, Interp: "nearest"}, "q10"),
	})
	_, got, err := runAggErr(t, mem, p)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	// index 0.5 → 1, 1.5 → 2, 2.5 → 3 (half away from zero); 0.1*(n-1) → 0, 0.3 → 0, 0.5 → 1
	for name, c := range map[string]struct {
		col  []any
		want []any
	}{"q50": {got[1], []any{2.0, 3.0, 4.0}}, "q10": {got[2], []any{1.0, 1.0, 2.0}}} {
		if !sameValues(c.col, c.want) {
			problems = append(problems, fmt.Sprintf("%s = %v, want %v", name, c.col, c.want))
		}
	}
	expectNone(t, problems)
}

// The temporary names NewGroupBy gives aggregates under arithmetic
// (__agg0, __agg1, ...) can clash with a key, an input column or an alias
// of the user: the Project then reads the wrong column.
func TestAggregateTemporaryNameClash(t *testing.T) {
	mem := checkLeaks(t)
	tbl := newTable(t, mem, []column{
		{"__agg0", arrow.PrimitiveTypes.Float64, []any{10.0, 10.0, 20.0}},
		{"b", arrow.PrimitiveTypes.Float64, []any{1.0, 2.0, 3.0}},
	})
	defer tbl.Release()
	var problems []string
	// group_by("__agg0").agg((col("b").sum() * 2).alias("r")): r must be [6, 6].
	p, err := lazy.NewGroupBy(lazy.NewScan(tbl), []lazy.Expr{col("__agg0")}, []lazy.Expr{
		alias(bin(lazy.OpMul, &lazy.Agg{Func: lazy.AggSum, X: col("b")}, dyn(int64(2))), "r")})
	if err != nil {
		problems = append(problems, "planning: "+err.Error())
	} else if _, got, err := runAggErr(t, mem, p); err != nil {
		problems = append(problems, "key __agg0: "+err.Error())
	} else if !sameValues(got[1], []any{6.0, 6.0}) {
		problems = append(problems, fmt.Sprintf("key __agg0: r = %v, want [6 6]", got[1]))
	}
	// agg(col("b").min().alias("__agg1"), (col("b").max() + 1).alias("r")).
	p, err = lazy.NewGroupBy(lazy.NewScan(tbl), nil, []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggMin, X: col("b")}, "__agg1"),
		alias(bin(lazy.OpAdd, &lazy.Agg{Func: lazy.AggMax, X: col("b")}, dyn(int64(1))), "r")})
	if err != nil {
		problems = append(problems, "planning: "+err.Error())
	} else if _, got, err := runAggErr(t, mem, p); err != nil {
		problems = append(problems, "alias __agg1: "+err.Error())
	} else if !sameValues(got[0], []any{1.0}) || !sameValues(got[1], []any{4.0}) {
		problems = append(problems, fmt.Sprintf("alias __agg1: __agg1 = %v, r = %v, want [1] [4]", got[0], got[1]))
	}
	// A column named __agg... beside an aggregate looks like a temporary to
	// the planner's check for per-row columns: planned, then InternalError.
	p, err = lazy.NewSelect(lazy.NewScan(tbl), []lazy.Expr{alias(bin(lazy.OpSub, col("__agg0"), &lazy.Agg{Func: lazy.AggMean, X: col("b")}), "r")})
	if err == nil {
		if _, _, err := runAggErr(t, mem, p); err != nil && core.KindOf(err) != core.KindNotSupported {
			problems = append(problems, "column __agg0 beside an aggregate: "+core.KindOf(err).String()+": "+err.Error())
		}
	}
	expectNone(t, problems)
}

// Date64 is a Date of the engine, but an Aggregate cannot output it: a
// Date64 key, or min/max/first/last of a Date64 column, fail with
// "aggregate result of type Date" (numArray has no Date64/Time builders).
func TestAggregateDate64(t *testing.T) {
	mem := checkLeaks(t)
	day := int64(86400000)
	tbl := newTable(t, mem, []column{
		{"d", arrow.FixedWidthTypes.Date64, []any{day, nil, int64(0), day}},
		{"x", arrow.PrimitiveTypes.Int64, ints(1, 2, 3, 4)},
	})
	defer tbl.Release()
	var problems []string
	p := groupBy(t, lazy.NewScan(tbl), []lazy.Expr{col("d")}, []lazy.Expr{alias(&lazy.Agg{Func: lazy.AggSum, X: col("x")}, "s")})
	if _, got, err := runAggErr(t, mem, p); err != nil {
		problems = append(problems, "Date64 key: "+err.Error())
	} else if !sameValues(got[0], []any{day, nil, int64(0)}) || !sameValues(got[1], ints(5, 2, 3)) {
		problems = append(problems, fmt.Sprintf("Date64 key: %v", got))
	}
	for _, f := range []lazy.AggFunc{lazy.AggMin, lazy.AggMax, lazy.AggFirst, lazy.AggLast} {
		p := groupBy(t, lazy.NewScan(tbl), nil, []lazy.Expr{alias(&lazy.Agg{Func: f, X: col("d")}, "r")})
		want := map[lazy.AggFunc]any{lazy.AggMin: int64(0), lazy.AggMax: day, lazy.AggFirst: day, lazy.AggLast: day}[f]
		if _, got, err := runAggErr(t, mem, p); err != nil {
			problems = append(problems, fmt.Sprintf("%s of Date64: %v", f, err))
		} else if got[0][0] != want {
			problems = append(problems, fmt.Sprintf("%s of Date64 = %v, want %v", f, got[0][0], want))
		}
	}
	expectNone(t, problems)
}

// n_unique of a column the row encoder cannot encode (a list) silently
// counts 0 distinct values (nUniqueState.update ignores the error); first
// and last of Binary panic (store.set reads Binary as a fixed-width value).
func TestAggregateUnencodableValues(t *testing.T) {
	mem := checkLeaks(t)
	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int64)
	vb := lb.ValueBuilder().(*array.Int64Builder)
	lb.Append(true)
	vb.Append(1)
	lb.Append(true)
	vb.Append(2)
	lb.AppendNull()
	list := lb.NewArray()
	lb.Release()
	bin := buildArray(t, mem, arrow.BinaryTypes.Binary, []any{"a", "b", nil})
	k := buildArray(t, mem, arrow.PrimitiveTypes.Int64, ints(1, 1, 2))
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: k.DataType(), Nullable: true},
		{Name: "l", Type: list.DataType(), Nullable: true},
		{Name: "bin", Type: bin.DataType(), Nullable: true},
	}, nil)
	rb := array.NewRecordBatch(schema, []arrow.Array{k, list, bin}, 3)
	k.Release()
	list.Release()
	bin.Release()
	tbl := core.NewTable(schema, []arrow.RecordBatch{rb})
	defer tbl.Release()
	t.Run("n_unique of a list", func(t *testing.T) {
		// Not supported yet: refused when planned, never a silent 0.
		_, err := lazy.NewGroupBy(lazy.NewScan(tbl), []lazy.Expr{col("k")}, []lazy.Expr{alias(&lazy.Agg{Func: lazy.AggNUnique, X: col("l")}, "nu")})
		if core.KindOf(err) != core.KindNotSupported {
			t.Errorf("n_unique of a list: got %v, want NotSupportedError", err)
		}
	})
	var problems []string
	for _, f := range []lazy.AggFunc{lazy.AggFirst, lazy.AggLast} {
		p := groupBy(t, lazy.NewScan(tbl), []lazy.Expr{col("k")}, []lazy.Expr{alias(&lazy.Agg{Func: f, X: col("bin")}, "r")})
		if _, got, err := runAggErr(t, mem, p); err != nil && core.KindOf(err) == core.KindInternal {
			problems = append(problems, fmt.Sprintf("%s of Binary: %s", f, strings.SplitN(err.Error(), "\n", 2)[0]))
		} else if err == nil && !sameValues(got[1], map[lazy.AggFunc][]any{lazy.AggFirst: {"a", nil}, lazy.AggLast: {"b", nil}}[f]) {
			problems = append(problems, fmt.Sprintf("%s of Binary = %v", f, got[1]))
		}
	}
	expectNone(t, problems)
}

// count() of a column of type Null is 0 (a Null array has no validity
// bitmap: IsValid is true for every row, so it needs its own case).
func TestAggregateCountOfNullColumn(t *testing.T) {
	mem := checkLeaks(t)
	tbl := newTable(t, mem, []column{
		{"k", arrow.PrimitiveTypes.Int64, ints(1, 1, 2)},
		{"n", arrow.Null, []any{nil, nil, nil}},
	})
	defer tbl.Release()
	for _, keys := range [][]lazy.Expr{{col("k")}, nil} {
		p := groupBy(t, lazy.NewScan(tbl), keys, []lazy.Expr{
			alias(&lazy.Agg{Func: lazy.AggCount, X: col("n")}, "c"),
			alias(&lazy.Agg{Func: lazy.AggNUnique, X: col("n")}, "nu"),
			alias(&lazy.Agg{Func: lazy.AggLen, X: col("n")}, "len"),
		})
		_, got, err := runAggErr(t, mem, p)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]any{{uint64(0), uint64(0)}, {uint64(1), uint64(1)}, {uint64(2), uint64(1)}}
		if keys == nil {
			want = [][]any{{uint64(0)}, {uint64(1)}, {uint64(3)}}
		}
		for i, w := range want {
			if c := got[len(got)-3+i]; !sameValues(c, w) {
				t.Errorf("keys %v: column %d = %v, want %v", keys, i, c, w)
			}
		}
	}
}

// Two-column keys packed into codes (agg_packed.go): one-byte strings
// (their own code table) beside empty, short and long ones and nulls, and
// more distinct values than the direct table of code pairs holds, so that
// keys go both to it and to the hash table; groups must be those of the
// reference whatever the layout.
func TestAggregatePackedStringKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	const n = 3000
	var f, g, k, idx []any
	for i := range n {
		switch {
		case i%53 == 0:
			f = append(f, nil)
		case i%41 == 0:
			f = append(f, strDomain[r.IntN(len(strDomain))])
		default: // 100 one-byte values
			f = append(f, string(rune(' '+r.IntN(100))))
		}
		if i%29 == 0 {
			g = append(g, nil)
		} else {
			g = append(g, strDomain[r.IntN(len(strDomain))])
		}
		if i%31 == 0 {
			k = append(k, nil)
		} else {
			k = append(k, int64(r.IntN(90))-10)
		}
		idx = append(idx, int64(i))
	}
	cols := []column{
		{"f", arrow.BinaryTypes.String, f},
		{"g", arrow.BinaryTypes.String, g},
		{"k", arrow.PrimitiveTypes.Int64, k},
		{"idx", arrow.PrimitiveTypes.Int64, idx},
	}
	specs := []aggSpec{
		{name: "n", fn: lazy.AggLen},
		{name: "sum", fn: lazy.AggSum, in: "idx"},
		{name: "first", fn: lazy.AggFirst, in: "idx"},
	}
	for _, keys := range [][]string{{"f", "g"}, {"g", "f"}, {"f", "k"}, {"k", "f"}} {
		t.Run(strings.Join(keys, ","), func(t *testing.T) {
			forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
				return groupBy(t, scan, colExprs(keys), specExprs(specs))
			}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
				checkAgg(t, mem, p, cols, keys, specs)
			})
		})
	}
}

// TestAggregateInChunks: a morsel of many chunks (aggChunk rows each) is
// aggregated chunk by chunk: groups come out in order of first appearance
// though they first appear in later chunks, sums and counts cover every
// chunk, and a chunk boundary inside a run of one key does not split its
// group.
func TestAggregateInChunks(t *testing.T) {
	setMorselRows(t, 1<<20)
	mem := checkLeaks(t)
	n := 5*aggChunk + 123
	keys, vals := make([]any, n), make([]any, n)
	first := []int{0, aggChunk - 1, 3*aggChunk + 5, n - 1} // key i first appears here
	for i := range n {
		k := 0
		for g, at := range first {
			if i >= at && (i-at)%(g+1) == 0 {
				k = g
			}
		}
		keys[i], vals[i] = int64(10*(4-k)), int64(i%7)
	}
	want := map[int64][2]int64{} // key: sum, count
	var order []any
	for i := range n {
		k := keys[i].(int64)
		if _, ok := want[k]; !ok {
			order = append(order, k)
		}
		w := want[k]
		want[k] = [2]int64{w[0] + vals[i].(int64), w[1] + 1}
	}
	if len(order) != len(first) || order[1] != int64(30) {
		t.Fatalf("test data: first appearances %v", order)
	}
	tbl := newTable(t, mem, []column{{"k", arrow.PrimitiveTypes.Int64, keys}, {"v", arrow.PrimitiveTypes.Int64, vals}})
	defer tbl.Release()
	p, err := lazy.NewGroupBy(lazy.NewScan(tbl), []lazy.Expr{col("k")},
		[]lazy.Expr{alias(&lazy.Agg{Func: lazy.AggSum, X: col("v")}, "s"), alias(&lazy.Agg{Func: lazy.AggLen}, "n")})
	if err != nil {
		t.Fatal(err)
	}
	setProcs(t, 1) // one worker: the morsel is not split between workers
	var sums, counts []any
	for _, k := range order {
		sums, counts = append(sums, want[k.(int64)][0]), append(counts, want[k.(int64)][1])
	}
	r := run(t, mem, p)
	r.want(t, "k: Int64, s: Int64, n: UInt32", map[string][]any{"k": order, "s": sums})
	if describe(r.cols["n"]) != describe(counts) {
		t.Errorf("counts %v, want %v", r.cols["n"], counts)
	}
}
