package exec

import (
	"testing"

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
