package exec

import (
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestDecimalCompareWithConstant: a Decimal column compared with a
// Decimal constant of a smaller or larger scale (an integer the plan casts
// to a Decimal, a constant of 3 places), alone or in an AND, gives the
// exact comparison row by row, nulls staying null.
func TestDecimalCompareWithConstant(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	typ := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	cents := []int64{2399, 2400, 2401, -2400, 123, 124, 0, 122, -123, 5000}
	valid := []bool{true, true, true, true, true, true, false, true, true, true}
	b := array.NewDecimal128Builder(mem, typ)
	for i, c := range cents {
		if valid[i] {
			b.Append(decimal128.FromI64(c))
		} else {
			b.AppendNull()
		}
	}
	d := b.NewArray()
	b.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: typ, Nullable: true}}, nil)
	rb := array.NewRecordBatch(schema, []arrow.Array{d}, int64(len(cents)))
	d.Release()
	defer rb.Release()
	milli := func(v int64) lazy.Expr {
		return &lazy.Literal{Value: decimal128.FromI64(v), Type: &arrow.Decimal128Type{Precision: 10, Scale: 3}}
	}
	cases := []struct {
		name string
		e    lazy.Expr
		want func(cents int64) bool
	}{
		{"lt integer", bin(lazy.OpLt, col("d"), lit(int64(24))), func(c int64) bool { return c < 2400 }},
		{"ge 1.235", bin(lazy.OpGtEq, col("d"), milli(1235)), func(c int64) bool { return c*10 >= 1235 }},
		{"le 1.235", bin(lazy.OpLtEq, milli(1235), col("d")), func(c int64) bool { return 1235 <= c*10 }},
		{"gt -1.235", bin(lazy.OpGt, col("d"), milli(-1235)), func(c int64) bool { return c*10 > -1235 }},
		{"eq 1.230", bin(lazy.OpEq, col("d"), milli(1230)), func(c int64) bool { return c == 123 }},
		{"eq 1.235", bin(lazy.OpEq, col("d"), milli(1235)), func(int64) bool { return false }},
		{"between", bin(lazy.OpAnd, bin(lazy.OpGtEq, col("d"), lit(int64(1))), bin(lazy.OpLtEq, col("d"), milli(24001))),
			func(c int64) bool { return c >= 100 && c*10 <= 24001 }},
	}
	for _, c := range cases {
		e, err := lazy.Resolve(c.e, schema)
		if err != nil {
			t.Fatal(err)
		}
		v, err := evalExpr(mem, e, rb)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, err := v.Materialize(mem, len(cents))
		v.Release()
		if err != nil {
			t.Fatal(err)
		}
		res := got.(*array.Boolean)
		for i, x := range cents {
			if res.IsValid(i) != valid[i] {
				t.Errorf("%s row %d: valid %v, want %v", c.name, i, res.IsValid(i), valid[i])
			} else if valid[i] && res.Value(i) != c.want(x) {
				t.Errorf("%s row %d (%d cents): got %v, want %v", c.name, i, x, res.Value(i), c.want(x))
			}
		}
		got.Release()
	}
}

// TestDecimalMeanTakesTheDecimals: a group-by mean of a Decimal column
// (which the plan types as the mean of its cast to Float64) is fed the
// decimals (decimalMeanInput), and gives the mean of their floats, nulls
// skipped, a group of nulls only null; other aggregates keep their input.
func TestDecimalMeanTakesTheDecimals(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	typ := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	// Two batches: groups 1 and 2 span both.
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}, {Name: "d", Type: typ, Nullable: true}}, nil)
	batch := func(keys []int64, cents []int64, valid []bool) arrow.RecordBatch {
		kb, db := array.NewInt64Builder(mem), array.NewDecimal128Builder(mem, typ)
		defer kb.Release()
		defer db.Release()
		kb.AppendValues(keys, nil)
		for i, c := range cents {
			if valid[i] {
				db.Append(decimal128.FromI64(c))
			} else {
				db.AppendNull()
			}
		}
		k, d := kb.NewArray(), db.NewArray()
		defer k.Release()
		defer d.Release()
		return array.NewRecordBatch(schema, []arrow.Array{k, d}, int64(len(keys)))
	}
	tbl := core.NewTable(schema, []arrow.RecordBatch{
		batch([]int64{1, 2, 1, 3}, []int64{10, -250, 20, 0}, []bool{true, true, true, false}),
		batch([]int64{1, 2, 3}, []int64{0, 99999, 0}, []bool{false, true, false}),
	})
	defer tbl.Release()
	p, err := lazy.NewGroupBy(lazy.NewScan(tbl), []lazy.Expr{col("k")},
		[]lazy.Expr{alias(&lazy.Agg{Func: lazy.AggMean, X: col("d")}, "m")})
	if err != nil {
		t.Fatal(err)
	}
	agg := p.(*lazy.Aggregate)
	a := lazy.StripAlias(agg.Aggregates[0]).(*lazy.Agg)
	if c, ok := a.X.(*lazy.Cast); !ok || c.To.ID() != arrow.FLOAT64 {
		t.Fatalf("the plan's mean of a decimal is %s, want a mean of a cast to Float64", a)
	}
	if got := decimalMeanInput(a); got.X.DataType().ID() != arrow.DECIMAL128 || got.Type.ID() != arrow.FLOAT64 {
		t.Fatalf("decimalMeanInput(%s) = %s, want the mean of the decimals, typed Float64", a, got)
	}
	for _, other := range []*lazy.Agg{
		{Func: lazy.AggSum, X: a.X, Type: a.Type}, // not a mean
		{Func: lazy.AggMean, X: &lazy.Cast{X: &lazy.Column{Name: "k", Type: arrow.PrimitiveTypes.Int64}, To: a.X.DataType()}, Type: a.Type}, // not of a decimal
		{Func: lazy.AggMean, X: &lazy.Cast{X: a.X.(*lazy.Cast).X, To: arrow.PrimitiveTypes.Float32}},                                        // not to Float64
	} {
		if got := decimalMeanInput(other); got != other {
			t.Errorf("decimalMeanInput(%s) = %s, want it unchanged", other, got)
		}
	}
	sorted, err := lazy.NewSort(p, []lazy.SortKey{{Expr: col("k")}})
	if err != nil {
		t.Fatal(err)
	}
	run(t, mem, sorted).want(t, "k: Int64, m: Float64", map[string][]any{
		"k": ints(1, 2, 3),
		"m": {(0.1 + 0.2) / 2, (-2.5 + 999.99) / 2, nil},
	})
}
