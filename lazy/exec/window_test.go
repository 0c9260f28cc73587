package exec

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Windows end to end: over(partition_by, order_by) of every order-dependent
// function (cum_sum, cum_prod, cum_min, cum_max, cum_count, shift, diff,
// rank) and of every aggregate, on genTable's columns (nulls, NaN, ±inf,
// -0.0, extreme integers, unicode) plus order keys with many ties and nulls,
// partitioned by keys of several types, on several morsel sizes, batch
// layouts and worker counts (forAggLayouts: leak-checked, as built and
// optimized). Every result is compared with a reference computed here in
// plain Go: partitions in first-appearance order, rows of a partition in
// order_by order with ties in input order, results scattered back to the
// rows in input order.

// --- tables ---------------------------------------------------------------------------------

// windowTable is genTable plus order keys: t (Int64, about n/4 values, so
// many ties, and nulls), t_s (String, few values, nulls), row (unique) and
// f_nn (Float64 quarters with ±inf and nulls, no NaN).
func windowTable(n int, seed uint64) []column {
	cols := genTable(n, seed)
	r := rand.New(rand.NewPCG(seed, 7))
	var tv, ts, row, fnn []any
	for i := range n {
		tv = append(tv, pickNull(r, 0.05, int64(r.IntN(max(n/4, 1)))))
		ts = append(ts, pickNull(r, 0.1, strDomain[r.IntN(4)]))
		row = append(row, int64(i))
		f := quarter(r)
		switch r.IntN(20) {
		case 0:
			f = math.Inf(1)
		case 1:
			f = math.Inf(-1)
		}
		fnn = append(fnn, pickNull(r, 0.1, f))
	}
	return append(cols,
		column{"t", arrow.PrimitiveTypes.Int64, tv},
		column{"t_s", arrow.BinaryTypes.String, ts},
		column{"row", arrow.PrimitiveTypes.Int64, row},
		column{"f_nn", arrow.PrimitiveTypes.Float64, fnn},
	)
}

func colByName(cols []column, name string) column {
	for _, c := range cols {
		if c.name == name {
			return c
		}
	}
	panic("no column " + name)
}

// --- the reference --------------------------------------------------------------------------

// okey is an order_by key of a test window.
type okey struct {
	name            string
	desc, nullsLast bool
}

// refCmp compares two non-null values of one column: floats in total order
// (-0.0 equal to 0.0, NaN after everything), as the engine sorts.
func refCmp(a, b any) int {
	switch a := a.(type) {
	case int64:
		return cmp.Compare(a, b.(int64))
	case uint64:
		return cmp.Compare(a, b.(uint64))
	case float64:
		b := b.(float64)
		switch {
		case a != a && b != b:
			return 0
		case a != a:
			return 1
		case b != b:
			return -1
		}
		return cmp.Compare(a, b)
	case string:
		return strings.Compare(a, b.(string))
	case bool:
		return cmp.Compare(b2i(a), b2i(b.(bool)))
	}
	panic(fmt.Sprintf("refCmp(%T)", a))
}

// refPartitions gives the rows of each partition (by the columns part; one
// partition of every row without) in window order.
func refPartitions(cols []column, part []string, order []okey) [][]int {
	n := len(cols[0].vals)
	var keyCols [][]any
	for _, p := range part {
		keyCols = append(keyCols, colByName(cols, p).vals)
	}
	var out [][]int
	if len(part) == 0 {
		if n > 0 {
			out = [][]int{seq(0, n)}
		}
	} else {
		for _, g := range refGroups(keyCols, n) {
			out = append(out, g.rows)
		}
	}
	for _, rows := range out {
		slices.SortStableFunc(rows, func(x, y int) int {
			for _, k := range order {
				vals := colByName(cols, k.name).vals
				a, b := vals[x], vals[y]
				switch {
				case a == nil && b == nil:
					continue
				case a == nil:
					if k.nullsLast {
						return 1
					}
					return -1
				case b == nil:
					if k.nullsLast {
						return -1
					}
					return 1
				}
				c := refCmp(a, b)
				if k.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
	}
	return out
}

// winFn is one window column of a test: fn over column in, evaluated as a
// window; ref computes its values along one partition (given and returned in
// window order).
type winFn struct {
	name string
	in   string
	expr func(x lazy.Expr) lazy.Expr
	typ  string
	ref  func(vals []any) []any
	tol  float64
}

func fnCall(name string, opts map[string]any, args ...lazy.Expr) lazy.Expr {
	return &lazy.Call{Name: name, Args: args, Opts: opts}
}

// wrapInt is v, an integer result, wrapped to the width of type typ.
func wrapInt(typ string, v int64) any {
	switch typ {
	case "Int8":
		return int64(int8(v))
	case "Int16":
		return int64(int16(v))
	case "Int32":
		return int64(int32(v))
	case "UInt32":
		return uint64(uint32(v))
	case "UInt64":
		return uint64(v)
	}
	return v
}

func asInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case uint64:
		return int64(v)
	case bool:
		return int64(b2i(v))
	}
	panic(fmt.Sprintf("asInt(%T)", v))
}

func isFloatType(typ string) bool { return typ == "Float64" || typ == "Float32" }

// refCumulative runs op along vals: nulls stay null and do not reset it.
func refCumulative(op string, typ string) func(vals []any) []any {
	return func(vals []any) []any {
		out := make([]any, len(vals))
		var accI int64
		var accU uint64
		var accF float64
		seen := false
		count := uint64(0)
		for i, v := range vals {
			if op == "cum_count" {
				if v != nil {
					count++
				}
				out[i] = count
				continue
			}
			if v == nil {
				continue
			}
			switch {
			case isFloatType(typ):
				f := v.(float64)
				switch {
				case !seen:
					accF = f
				case op == "cum_sum":
					accF += f
				case op == "cum_prod":
					accF *= f
				case op == "cum_min":
					accF = math.Min(accF, f)
				case op == "cum_max":
					accF = math.Max(accF, f)
				}
				if typ == "Float32" {
					out[i] = float64(float32(accF))
				} else {
					out[i] = accF
				}
			case typ == "UInt64":
				u := v.(uint64)
				switch {
				case !seen:
					accU = u
				case op == "cum_sum":
					accU += u
				case op == "cum_prod":
					accU *= u
				case op == "cum_min":
					accU = min(accU, u)
				case op == "cum_max":
					accU = max(accU, u)
				}
				out[i] = accU
			default:
				x := asInt(v)
				switch {
				case !seen:
					accI = x
				case op == "cum_sum":
					accI += x
				case op == "cum_prod":
					accI *= x
				case op == "cum_min":
					accI = min(accI, x)
				case op == "cum_max":
					accI = max(accI, x)
				}
				out[i] = wrapInt(typ, accI)
			}
			seen = true
		}
		return out
	}
}

func refShift(n int, fill any) func(vals []any) []any {
	return func(vals []any) []any {
		out := make([]any, len(vals))
		for i := range vals {
			if j := i - n; j >= 0 && j < len(vals) {
				out[i] = vals[j]
			} else {
				out[i] = fill
			}
		}
		return out
	}
}

func refDiff(n int, typ string) func(vals []any) []any {
	return func(vals []any) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			j := i - n
			if j < 0 || j >= len(vals) || v == nil || vals[j] == nil {
				continue
			}
			if isFloatType(typ) {
				out[i] = v.(float64) - vals[j].(float64)
			} else {
				out[i] = wrapInt(typ, asInt(v)-asInt(vals[j]))
			}
		}
		return out
	}
}

// refRank ranks the non-null values (ties: by method; ordinal in window
// order); nulls get null.
func refRank(method string, desc bool) func(vals []any) []any {
	return func(vals []any) []any {
		var idx []int
		for i, v := range vals {
			if v != nil {
				idx = append(idx, i)
			}
		}
		c := func(a, b int) int {
			r := refCmp(vals[a], vals[b])
			if desc {
				return -r
			}
			return r
		}
		slices.SortStableFunc(idx, c)
		out := make([]any, len(vals))
		dense := 0
		for i := 0; i < len(idx); {
			j := i + 1
			for j < len(idx) && c(idx[i], idx[j]) == 0 {
				j++
			}
			dense++
			for k := i; k < j; k++ {
				var r uint64
				switch method {
				case "average":
					out[idx[k]] = float64(i+j+1) / 2
					continue
				case "min":
					r = uint64(i + 1)
				case "max":
					r = uint64(j)
				case "dense":
					r = uint64(dense)
				case "ordinal":
					r = uint64(k + 1)
				}
				out[idx[k]] = r
			}
			i = j
		}
		return out
	}
}

func orderFns() []winFn {
	var fns []winFn
	cum := func(op, in, typ string) {
		fns = append(fns, winFn{name: op + "_" + in, in: in, typ: typ,
			expr: func(x lazy.Expr) lazy.Expr { return fnCall(op, nil, x) }, ref: refCumulative(op, typ)})
	}
	for in, typ := range map[string]string{"v_i64": "Int64", "w_i64": "Int64", "w_i32": "Int32", "v_u8": "Int64",
		"w_u32": "UInt32", "w_u64": "UInt64", "v_f64": "Float64", "v_f32": "Float32", "v_bool": "UInt32", "w_i8": "Int64"} {
		cum("cum_sum", in, typ)
	}
	for in, typ := range map[string]string{"w_i64": "Int64", "v_i8": "Int64", "v_u16": "Int64", "v_f64": "Float64"} {
		cum("cum_prod", in, typ)
	}
	for _, op := range []string{"cum_min", "cum_max"} {
		for in, typ := range map[string]string{"w_i64": "Int64", "w_i8": "Int8", "w_u32": "UInt32", "v_u64": "UInt64", "f_nn": "Float64"} {
			cum(op, in, typ)
		}
	}
	for _, in := range []string{"v_i64", "v_str", "v_bool", "v_date"} { // v_null: TestWindowCumCountNullColumn
		cum("cum_count", in, "UInt32")
	}
	shift := func(in, typ string, n int, fill lazy.Expr, fillV any) {
		fns = append(fns, winFn{name: fmt.Sprintf("shift%d_%s_%v", n, in, fillV), in: in, typ: typ,
			expr: func(x lazy.Expr) lazy.Expr { return fnCall("shift", map[string]any{"n": float64(n)}, x, fill) },
			ref:  refShift(n, fillV)})
	}
	shift("v_i64", "Int64", 1, lit(nil), nil)
	shift("v_i64", "Int64", -2, dyn(int64(0)), int64(0))
	shift("v_str", "String", 3, lit("∅"), "∅")
	shift("v_str", "String", -1, lit(nil), nil)
	shift("v_f64", "Float64", 1, dyn(0.5), 0.5)
	shift("v_bool", "Boolean", 2, lit(nil), nil)
	shift("v_bool", "Boolean", 1, lit(true), true)
	shift("v_date", "Date", 1, lit(nil), nil)
	shift("w_u64", "UInt64", 1000, lit(nil), nil) // beyond every partition: all fill
	diff := func(in, typ string, n int) {
		fns = append(fns, winFn{name: fmt.Sprintf("diff%d_%s", n, in), in: in, typ: typ,
			expr: func(x lazy.Expr) lazy.Expr { return fnCall("diff", map[string]any{"n": float64(n)}, x) },
			ref:  refDiff(n, typ)})
	}
	diff("v_i64", "Int64", 1)
	diff("w_i64", "Int64", 1)
	diff("w_i8", "Int8", 2)
	diff("v_f64", "Float64", 1)
	diff("v_f32", "Float32", -1)
	diff("w_u32", "Int64", 1)
	for _, m := range []string{"average", "min", "max", "dense", "ordinal"} {
		typ := "UInt32"
		if m == "average" {
			typ = "Float64"
		}
		for _, desc := range []bool{false, true} {
			for _, in := range []string{"v_i64", "v_str", "v_f64", "v_bool"} {
				fns = append(fns, winFn{name: fmt.Sprintf("rank_%s_%v_%s", m, desc, in), in: in, typ: typ,
					expr: func(x lazy.Expr) lazy.Expr {
						return fnCall("rank", map[string]any{"method": m, "descending": desc}, x)
					}, ref: refRank(m, desc)})
			}
		}
	}
	slices.SortFunc(fns, func(a, b winFn) int { return strings.Compare(a.name, b.name) })
	return fns
}

// aggFns is every aggregate of genSpecs as a window: its reference is the
// aggregate of the partition's values in input order, broadcast.
func aggFns(cols []column) []winFn {
	var fns []winFn
	for _, s := range genSpecs(cols) {
		if slices.Contains([]string{"t", "t_s", "row", "f_nn"}, s.in) {
			continue // the order keys of windowTable, not value columns
		}
		typ := arrow.DataType(arrow.Null)
		if s.in != "" {
			typ = colByName(cols, s.in).typ
		}
		tol := 0.0
		if s.fn == lazy.AggStd || s.fn == lazy.AggVar {
			tol = 1e-9
			if typ.ID() == arrow.FLOAT32 {
				tol = 1e-6
			}
		}
		fns = append(fns, winFn{name: s.name, in: s.in, typ: wantAggType(s.fn, typ), tol: tol,
			expr: func(x lazy.Expr) lazy.Expr {
				return &lazy.Agg{Func: s.fn, X: x, Param: s.param, Interp: s.interp}
			},
			ref: func(vals []any) []any {
				v := refAgg(s, typ, vals)
				out := make([]any, len(vals))
				for i := range out {
					out[i] = v
				}
				return out
			}})
	}
	return fns
}

// windowExprs is each fn over part and order.
func windowExprs(fns []winFn, part []string, order []okey) []lazy.Expr {
	var keys []lazy.SortKey
	for _, k := range order {
		keys = append(keys, lazy.SortKey{Expr: col(k.name), Descending: k.desc, NullsLast: k.nullsLast})
	}
	out := make([]lazy.Expr, len(fns))
	for i, f := range fns {
		var x lazy.Expr
		if f.in != "" {
			x = col(f.in)
		}
		out[i] = alias(&lazy.Window{X: f.expr(x), PartitionBy: colExprs(part), OrderBy: keys}, f.name)
	}
	return out
}

// refWindows is the expected result of windowExprs, per fn in row order.
// Aggregates see their partition in input order (order_by does not change
// them), order-dependent functions in window order.
func refWindows(cols []column, fns []winFn, part []string, order []okey) [][]any {
	n := len(cols[0].vals)
	ordered := refPartitions(cols, part, order)
	inputOrder := refPartitions(cols, part, nil)
	out := make([][]any, len(fns))
	for i, f := range fns {
		parts := ordered
		if _, isAgg := f.expr(col("x")).(*lazy.Agg); isAgg {
			parts = inputOrder
		}
		res := make([]any, n)
		for _, rows := range parts {
			vals := make([]any, len(rows))
			if f.in != "" {
				in := colByName(cols, f.in).vals
				for j, r := range rows {
					vals[j] = in[r]
				}
			}
			for j, v := range f.ref(vals) {
				res[rows[j]] = v
			}
		}
		out[i] = res
	}
	return out
}

// checkWindows runs p (a select of windowExprs) and compares it with the reference.
func checkWindows(t *testing.T, mem memory.Allocator, p lazy.Plan, fns []winFn, want [][]any) {
	t.Helper()
	names, types, got := runAgg(t, mem, p)
	if len(names) != len(fns) {
		t.Fatalf("%d columns, want %d", len(names), len(fns))
	}
	bad := 0
	for i, f := range fns {
		if names[i] != f.name || types[i] != f.typ {
			t.Errorf("column %d: %s %s, want %s %s", i, names[i], types[i], f.name, f.typ)
			continue
		}
		if len(got[i]) != len(want[i]) {
			t.Fatalf("%s: %d rows, want %d", f.name, len(got[i]), len(want[i]))
		}
		for r, w := range want[i] {
			if g := got[i][r]; !sameAgg(g, w, f.tol) {
				t.Errorf("%s row %d: %v (%T), want %v (%T)", f.name, r, g, g, w, w)
				if bad++; bad > 20 {
					t.Fatal("too many differences")
				}
			}
		}
	}
}

func selectPlan(t *testing.T, in lazy.Plan, exprs []lazy.Expr) lazy.Plan {
	t.Helper()
	p, err := lazy.NewSelect(in, exprs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var windowParts = [][]string{nil, {"k_i64"}, {"k_str"}, {"k_bool", "k_f64", "k_u64"}, {"k_date", "k_i8"}}

var windowOrders = map[string][]okey{
	"input order":           nil,
	"t":                     {{name: "t"}},
	"t desc nulls last":     {{name: "t", desc: true, nullsLast: true}},
	"t_s desc, f_nn, t":     {{name: "t_s", desc: true}, {name: "f_nn", nullsLast: true}, {name: "t"}},
	"v_f64 (NaN, ±0, ±inf)": {{name: "v_f64"}},
}

// forWindowLayouts is forAggLayouts; tables of fewer than 2 rows skip the
// layout of uneven batches (which needs at least 2).
func forWindowLayouts(t *testing.T, cols []column, plan func(t *testing.T, scan lazy.Plan) lazy.Plan,
	check func(t *testing.T, mem memory.Allocator, p lazy.Plan)) {
	t.Helper()
	forTableLayouts(t, cols, len(cols[0].vals) >= 2, plan, check)
}

// checkWindowsRef runs fns partitioned by part and ordered by order over
// cols in every layout of layouts (forAggLayouts or forWindowLayouts) and
// compares each result with refWindows.
func checkWindowsRef(t *testing.T, layouts func(*testing.T, []column, func(*testing.T, lazy.Plan) lazy.Plan, func(*testing.T, memory.Allocator, lazy.Plan)),
	cols []column, fns []winFn, part []string, order []okey) {
	t.Helper()
	want := refWindows(cols, fns, part, order)
	layouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		return selectPlan(t, scan, windowExprs(fns, part, order))
	}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
		checkWindows(t, mem, p, fns, want)
	})
}

// --- tests --------------------------------------------------------------------------------

// Every order-dependent function, partitioned by keys of several types, in
// several orders (ties in input order).
func TestWindowOrderFunctions(t *testing.T) {
	cols := windowTable(700, 11)
	fns := orderFns()
	for _, part := range windowParts {
		for oname, order := range windowOrders {
			t.Run(fmt.Sprintf("%v/%s", part, oname), func(t *testing.T) {
				checkWindowsRef(t, forAggLayouts, cols, fns, part, order)
			})
		}
	}
}

// Every aggregate over every value type inside over(), broadcast per partition.
func TestWindowAggregates(t *testing.T) {
	cols := windowTable(600, 12)
	fns := aggFns(cols)
	for _, part := range windowParts {
		t.Run(fmt.Sprint(part), func(t *testing.T) {
			checkWindowsRef(t, forAggLayouts, cols, fns, part, nil)
		})
	}
	// An order_by does not change an order-independent aggregate.
	var orderFree []winFn
	for _, f := range fns {
		if !strings.HasPrefix(f.name, "first") && !strings.HasPrefix(f.name, "last") {
			orderFree = append(orderFree, f)
		}
	}
	order := windowOrders["t desc nulls last"]
	checkWindowsRef(t, forAggLayouts, cols, orderFree, []string{"k_str"}, order)
}

// No rows, one row, a partition per row, one partition of null keys.
func TestWindowEdgeSizes(t *testing.T) {
	fns := orderFns()
	var noBoolShift []winFn // see TestWindowShiftEmptyBoolean
	for _, f := range fns {
		if !(strings.HasPrefix(f.name, "shift") && f.in == "v_bool") {
			noBoolShift = append(noBoolShift, f)
		}
	}
	for _, n := range []int{0, 1, 2, 3} {
		t.Run(fmt.Sprintf("%d rows", n), func(t *testing.T) {
			cols := windowTable(n, 13)
			use := fns
			if n == 0 {
				use = noBoolShift
			}
			for _, part := range [][]string{nil, {"k_str"}, {"row"}} {
				checkWindowsRef(t, forWindowLayouts, cols, use, part, windowOrders["t"])
			}
		})
	}
	t.Run("a partition per row", func(t *testing.T) {
		cols := windowTable(300, 14)
		checkWindowsRef(t, forWindowLayouts, cols, fns, []string{"row"}, windowOrders["t"])
	})
	t.Run("null keys", func(t *testing.T) {
		cols := windowTable(300, 15)
		checkWindowsRef(t, forWindowLayouts, cols, fns, []string{"v_null"}, windowOrders["t"])
	})
}

// with_columns keeps the input columns; a filter with a broadcast aggregate
// keeps the rows above the mean; both over small morsels, then sliced.
func TestWindowWithColumnsAndFilter(t *testing.T) {
	cols := windowTable(500, 16)
	v := colByName(cols, "v_i64").vals
	k := colByName(cols, "k_str").vals
	sum, cnt := 0.0, 0
	for _, x := range v {
		if x != nil {
			sum += float64(x.(int64))
			cnt++
		}
	}
	mean := sum / float64(cnt)
	var wantRows []any
	for r, x := range v {
		if x != nil && float64(x.(int64)) > mean {
			wantRows = append(wantRows, int64(r))
		}
	}
	forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		p, err := lazy.NewFilterPlan(scan, bin(lazy.OpGt, col("v_i64"), &lazy.Agg{Func: lazy.AggMean, X: col("v_i64")}))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
		names, _, got := runAgg(t, mem, p)
		if len(names) != len(cols) {
			t.Fatalf("filter output %d columns, want %d", len(names), len(cols))
		}
		if rows := got[slices.Index(names, "row")]; !slices.Equal(rows, wantRows) {
			t.Errorf("rows %v, want %v", describe(rows[:min(len(rows), 10)]), describe(wantRows[:min(len(wantRows), 10)]))
		}
	})
	// with_columns: cum_count per k_str, then the first 50 rows.
	var counts []any
	seen := map[string]uint64{}
	for r := range 50 {
		key := canonKey(k[r])
		if v[r] != nil {
			seen[key]++
		}
		counts = append(counts, seen[key])
	}
	forAggLayouts(t, cols, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		p := withColumns(t, scan, alias(&lazy.Window{X: fnCall("cum_count", nil, col("v_i64")), PartitionBy: []lazy.Expr{col("k_str")}}, "cc"))
		return slice(p, 0, 50)
	}, func(t *testing.T, mem memory.Allocator, p lazy.Plan) {
		names, _, got := runAgg(t, mem, p)
		if len(names) != len(cols)+1 || names[len(names)-1] != "cc" {
			t.Fatalf("with_columns output %v", names)
		}
		if !slices.Equal(got[len(got)-1], counts) {
			t.Errorf("cc %v, want %v", got[len(got)-1], counts)
		}
	})
}

// Errors inside a window (a strict cast that fails in X, in a partition key,
// in an order key) and cancellation release everything.
func TestWindowErrorsRelease(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 7)
	setProcs(t, 4)
	cols := windowTable(300, 17)
	tbl := newTable(t, mem, cols)
	defer tbl.Release()
	bad := &lazy.Cast{X: col("w_i64"), To: arrow.PrimitiveTypes.Int8, Strict: true}
	sumV := &lazy.Agg{Func: lazy.AggSum, X: col("v_i64")}
	plans := map[string][]lazy.Expr{
		"in X": {alias(&lazy.Window{X: fnCall("cum_sum", nil, bad), PartitionBy: []lazy.Expr{col("k_str")}}, "r")},
		"in an aggregate": {alias(&lazy.Window{X: fnCall("rank", nil, col("v_i64")), PartitionBy: []lazy.Expr{col("k_str")}}, "ok"),
			alias(&lazy.Window{X: &lazy.Agg{Func: lazy.AggMax, X: bad}, PartitionBy: []lazy.Expr{col("k_str")}}, "r")},
		"in a partition key": {alias(&lazy.Window{X: sumV, PartitionBy: []lazy.Expr{bad}}, "r")},
		"in an order key": {alias(&lazy.Window{X: fnCall("cum_sum", nil, col("v_i64")),
			OrderBy: []lazy.SortKey{{Expr: bad}}}, "r")},
	}
	for name, exprs := range plans {
		t.Run(name, func(t *testing.T) {
			p := selectPlan(t, lazy.NewScan(tbl), exprs)
			if res, err := Run(context.Background(), mem, p); err == nil {
				res.Release()
				t.Fatal("no error from a failing strict cast")
			} else if core.KindOf(err) != core.KindCompute {
				t.Errorf("error %v, want a compute error", err)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := selectPlan(t, lazy.NewScan(tbl), windowExprs(orderFns(), []string{"k_str"}, windowOrders["t"]))
	if res, err := Run(ctx, mem, p); err == nil {
		res.Release()
		t.Error("a cancelled window returned a result")
	}
}

// The result is in the caller's allocator and outlives the source.
func TestWindowResultMemory(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 5)
	cols := windowTable(200, 18)
	tbl := newTable(t, mem, cols)
	p := selectPlan(t, lazy.NewScan(tbl), []lazy.Expr{
		alias(&lazy.Window{X: fnCall("shift", map[string]any{"n": 1.0}, col("v_str"), lit(nil)), PartitionBy: []lazy.Expr{col("k_i64")}}, "s"),
		alias(&lazy.Window{X: &lazy.Agg{Func: lazy.AggFirst, X: col("v_str")}, PartitionBy: []lazy.Expr{col("k_i64")}}, "f"),
	})
	before := mem.CurrentAlloc()
	res, err := Run(context.Background(), mem, p)
	if err != nil {
		t.Fatal(err)
	}
	if mem.CurrentAlloc() <= before {
		t.Error("the window's result is not in the caller's allocator")
	}
	tbl.Release()
	if r := readTable(t, res); r.rows != 200 || r.schema != "s: String, f: String" {
		t.Errorf("result after releasing the source: %d rows, schema %s", r.rows, r.schema)
	}
	res.Release()
}

// --- known bugs -----------------------------------------------------------------------------

// fixedWindowBug checks a once-known bug stays fixed: every problem found
// fails the test, with the bug's description.
func fixedWindowBug(t *testing.T, bug string, problems []string) {
	t.Helper()
	for _, p := range problems {
		t.Errorf("regression of %q: %s", bug, p)
	}
}

// runWindowCase runs a select of exprs over cols and compares column name
// with want; it returns the differences (an error counts as one).
func runWindowCase(t *testing.T, cols []column, exprs []lazy.Expr, name string, want []any) []string {
	t.Helper()
	mem := checkLeaks(t)
	tbl := newTable(t, mem, cols)
	defer tbl.Release()
	p, err := lazy.NewSelect(lazy.NewScan(tbl), exprs)
	if err != nil {
		return []string{"planning: " + err.Error()}
	}
	res, err := Run(context.Background(), mem, p)
	if err != nil {
		return []string{"Run: " + strings.SplitN(err.Error(), "\n", 2)[0]}
	}
	defer res.Release()
	r := readTable(t, res)
	if got := r.cols[name]; !sameValues(got, want) {
		return []string{fmt.Sprintf("%s = %v, want %v", name, got, want)}
	}
	return nil
}

func TestWindowCumMinMaxNaN(t *testing.T) {
	cols := []column{{"x", arrow.PrimitiveTypes.Float64, []any{1.0, math.NaN(), -1.0, 5.0}}}
	var problems []string
	problems = append(problems, runWindowCase(t, cols, []lazy.Expr{alias(fnCall("cum_min", nil, col("x")), "r")}, "r",
		[]any{1.0, 1.0, -1.0, -1.0})...)
	problems = append(problems, runWindowCase(t, cols, []lazy.Expr{alias(fnCall("cum_max", nil, col("x")), "r")}, "r",
		[]any{1.0, 1.0, 1.0, 5.0})...)
	fixedWindowBug(t, "cum_min/cum_max of floats: a NaN poisons the running value (Go's min/max); Polars skips NaN "+
		"once a number was seen", problems)
}

func TestWindowCumCountFloats(t *testing.T) {
	cols := []column{{"x", arrow.PrimitiveTypes.Float64, []any{1.5, nil, 2.5, math.NaN()}}}
	problems := runWindowCase(t, cols, []lazy.Expr{alias(fnCall("cum_count", nil, col("x")), "r")}, "r",
		[]any{uint64(1), uint64(1), uint64(2), uint64(3)})
	fixedWindowBug(t, "cum_count of a float column is 0 everywhere: cumulative() counts into outI but returns "+
		"the float buffer out for float inputs", problems)
}

func TestWindowCumMinMaxUint64(t *testing.T) {
	cols := []column{{"u", arrow.PrimitiveTypes.Uint64, []any{uint64(1) << 63, uint64(1), uint64(math.MaxUint64), uint64(5)}}}
	var problems []string
	problems = append(problems, runWindowCase(t, cols, []lazy.Expr{alias(fnCall("cum_max", nil, col("u")), "r")}, "r",
		[]any{uint64(1) << 63, uint64(1) << 63, uint64(math.MaxUint64), uint64(math.MaxUint64)})...)
	problems = append(problems, runWindowCase(t, cols, []lazy.Expr{alias(fnCall("cum_min", nil, col("u")), "r")}, "r",
		[]any{uint64(1) << 63, uint64(1), uint64(1), uint64(1)})...)
	fixedWindowBug(t, "cum_min/cum_max of UInt64 convert to int64: values of 2**63 and above compare as negative", problems)
}

func TestWindowCumMinMaxBoolean(t *testing.T) {
	// Not supported yet: refused when planned (it used to crash at execution).
	mem := memory.NewGoAllocator()
	tbl := newTable(t, mem, []column{{"b", arrow.FixedWidthTypes.Boolean, []any{true, false, nil, true}}})
	defer tbl.Release()
	src := lazy.NewScan(tbl)
	for _, f := range []string{"cum_min", "cum_max"} {
		_, err := lazy.NewSelect(src, []lazy.Expr{alias(fnCall(f, nil, col("b")), "r")})
		if core.KindOf(err) != core.KindNotSupported {
			t.Errorf("%s of Boolean: %v, want NotSupportedError", f, err)
		}
	}
}

func TestWindowFirstLastOrderBy(t *testing.T) {
	cols := []column{
		{"k", arrow.PrimitiveTypes.Int64, ints(1, 1, 1, 2, 2)},
		{"t", arrow.PrimitiveTypes.Int64, ints(2, 1, 3, 9, 8)},
		{"x", arrow.PrimitiveTypes.Int64, ints(10, 20, 30, 40, 50)},
	}
	w := func(fn lazy.AggFunc) lazy.Expr {
		return alias(&lazy.Window{X: &lazy.Agg{Func: fn, X: col("x")}, PartitionBy: []lazy.Expr{col("k")},
			OrderBy: []lazy.SortKey{{Expr: col("t")}}}, "r")
	}
	var problems []string
	problems = append(problems, runWindowCase(t, cols, []lazy.Expr{w(lazy.AggFirst)}, "r", ints(20, 20, 20, 50, 50))...)
	problems = append(problems, runWindowCase(t, cols, []lazy.Expr{w(lazy.AggLast)}, "r", ints(30, 30, 30, 40, 40))...)
	fixedWindowBug(t, "first()/last() inside over(..., order_by=...) ignore order_by: windowAgg feeds the rows in "+
		"input order (parts.gids), not in window order (parts.order)", problems)
}

// An aggregate or order-dependent function over another one inside one
// window: evalWindow replaces the inner one by a column of its wide batch,
// but windowCall and windowAgg evaluate their arguments on the input batch.
func TestWindowNestedFunctions(t *testing.T) {
	cols := []column{
		{"k", arrow.PrimitiveTypes.Int64, ints(1, 1, 2, 2, 1)},
		{"x", arrow.PrimitiveTypes.Int64, ints(1, 2, 3, 4, 6)}, // means 3 and 3.5: exact deviations
	}
	part := []lazy.Expr{col("k")}
	mean := &lazy.Agg{Func: lazy.AggMean, X: col("x")}
	cases := []struct {
		name string
		x    lazy.Expr
		want []any
	}{
		{"cum_sum(x - mean(x))", fnCall("cum_sum", nil, bin(lazy.OpSub, col("x"), mean)),
			[]any{-2.0, -3.0, -0.5, 0.0, 0.0}},
		{"sum(cum_sum(x))", &lazy.Agg{Func: lazy.AggSum, X: fnCall("cum_sum", nil, col("x"))}, ints(13, 13, 10, 10, 13)},
		{"shift(diff(x))", fnCall("shift", map[string]any{"n": 1.0}, fnCall("diff", map[string]any{"n": 1.0}, col("x")), lit(nil)),
			[]any{nil, nil, nil, nil, int64(1)}},
	}
	var problems []string
	for _, c := range cases {
		for _, p := range runWindowCase(t, cols, []lazy.Expr{alias(&lazy.Window{X: c.x, PartitionBy: part}, "r")}, "r", c.want) {
			problems = append(problems, c.name+": "+p)
		}
	}
	fixedWindowBug(t, "nested window functions fail with InternalError 'column \"__w0\" missing from batch at execution'",
		problems)
}

// A user column named like evalWindow's temporaries (__w0) is read instead
// of the computed window value.
func TestWindowTemporaryNameClash(t *testing.T) {
	cols := []column{
		{"__w0", arrow.PrimitiveTypes.Int64, ints(7, 8, 9)},
		{"k", arrow.PrimitiveTypes.Int64, ints(1, 1, 2)},
		{"x", arrow.PrimitiveTypes.Int64, ints(1, 2, 3)},
	}
	exprs := []lazy.Expr{alias(&lazy.Window{X: fnCall("cum_sum", nil, col("x")), PartitionBy: []lazy.Expr{col("k")}}, "r")}
	problems := runWindowCase(t, cols, exprs, "r", ints(1, 3, 3))
	fixedWindowBug(t, "evalWindow names its temporaries __w0, __w1, ... in a batch that also holds the input's "+
		"columns: an input column __w0 shadows the first one", problems)
}

// shift over an empty Boolean column: kernels.Gather reads the missing data
// buffer of the empty array.
func TestWindowShiftEmptyBoolean(t *testing.T) {
	cols := []column{{"b", arrow.FixedWidthTypes.Boolean, nil}}
	problems := runWindowCase(t, cols, []lazy.Expr{alias(fnCall("shift", map[string]any{"n": 1.0}, col("b"), lit(nil)), "r")},
		"r", []any{})
	fixedWindowBug(t, "shift of an empty Boolean column panics (nil pointer in kernels.Gather); so does sorting "+
		"an empty frame with a Boolean column", problems)
}

func TestWindowCumCountNullColumn(t *testing.T) {
	cols := []column{
		{"n", arrow.Null, []any{nil, nil, nil}},
		{"k", arrow.PrimitiveTypes.Int64, ints(1, 1, 2)},
	}
	var problems []string
	problems = append(problems, runWindowCase(t, cols, []lazy.Expr{alias(fnCall("cum_count", nil, col("n")), "r")}, "r",
		[]any{uint64(0), uint64(0), uint64(0)})...)
	problems = append(problems, runWindowCase(t, cols,
		[]lazy.Expr{alias(&lazy.Window{X: fnCall("cum_count", nil, col("n")), PartitionBy: []lazy.Expr{col("k")}}, "r")}, "r",
		[]any{uint64(0), uint64(0), uint64(0)})...)
	fixedWindowBug(t, "cum_count of a Null-typed column counts every row (x.IsValid of an array.Null is true: it "+
		"has no validity bitmap); Polars gives 0", problems)
}
