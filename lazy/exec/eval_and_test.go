package exec

import (
	"math"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestRangeAnd: an AND tree whose comparisons of one column are tested as
// one interval gives, row by row, Kleene's AND of the comparisons as
// written: nulls in the compared column and in the others, empty
// intervals, bounds at the ends of Int64, and conjuncts that are not
// comparisons with a constant.
func TestRangeAnd(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dv := []any{int64(1), int64(2), nil, int64(4), int64(5), int64(6), int64(3), int64(math.MinInt64), int64(math.MaxInt64), int64(4)}
	sv := []any{"a", "a", "a", nil, "b", "a", "a", "a", "a", "a"}
	d := buildArray(t, mem, arrow.PrimitiveTypes.Int64, dv)
	s := buildArray(t, mem, arrow.BinaryTypes.String, sv)
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: d.DataType(), Nullable: true}, {Name: "s", Type: s.DataType(), Nullable: true}}, nil)
	rb := array.NewRecordBatch(schema, []arrow.Array{d, s}, int64(len(dv)))
	d.Release()
	s.Release()
	defer rb.Release()
	i64 := func(v int64) lazy.Expr { return &lazy.Literal{Value: v, Type: arrow.PrimitiveTypes.Int64} }
	and := func(xs ...lazy.Expr) lazy.Expr {
		e := xs[0]
		for _, x := range xs[1:] {
			e = bin(lazy.OpAnd, e, x)
		}
		return e
	}
	str := &lazy.Literal{Value: "a", Type: arrow.BinaryTypes.String}
	cases := []struct {
		name string
		e    lazy.Expr
		want func(d int64, s string) bool // over non-null values
	}{
		{"range and string", and(bin(lazy.OpGtEq, col("d"), i64(2)), bin(lazy.OpEq, col("s"), str), bin(lazy.OpLt, col("d"), i64(6)), bin(lazy.OpLtEq, i64(4), col("d"))),
			func(d int64, s string) bool { return d >= 2 && s == "a" && d < 6 && 4 <= d }},
		{"empty", and(bin(lazy.OpGt, col("d"), i64(5)), bin(lazy.OpLt, col("d"), i64(3))), func(int64, string) bool { return false }},
		{"int64 ends", and(bin(lazy.OpLtEq, col("d"), i64(math.MaxInt64)), bin(lazy.OpGtEq, col("d"), i64(math.MinInt64)), bin(lazy.OpNotEq, col("d"), i64(4))),
			func(d int64, _ string) bool { return d != 4 }},
		{"below the least", and(bin(lazy.OpLt, col("d"), i64(math.MinInt64)), bin(lazy.OpEq, col("s"), str)), func(int64, string) bool { return false }},
		{"above the most", and(bin(lazy.OpGt, col("d"), i64(math.MaxInt64)), bin(lazy.OpGt, col("d"), i64(0))), func(int64, string) bool { return false }},
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
		got, err := v.Materialize(mem, len(dv))
		v.Release()
		if err != nil {
			t.Fatal(err)
		}
		b := got.(*array.Boolean)
		for i := range dv {
			// Kleene: false when a non-null conjunct is false, else null
			// when some conjunct is null.
			var want any
			switch {
			case dv[i] == nil && sv[i] == nil:
				want = nil
			case dv[i] == nil || sv[i] == nil:
				want = nil
				if dv[i] != nil && !c.want(dv[i].(int64), "a") || sv[i] != nil && sv[i] != "a" && c.name == "range and string" {
					want = false
				}
			default:
				want = c.want(dv[i].(int64), sv[i].(string))
			}
			var g any
			if b.IsValid(i) {
				g = b.Value(i)
			}
			if g != want {
				t.Errorf("%s row %d (d=%v s=%v): got %v, want %v", c.name, i, dv[i], sv[i], g, want)
			}
		}
		got.Release()
	}
}
