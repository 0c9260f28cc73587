package lazy

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// Float statistics leave NaN out (Parquet's rule) while alopex orders NaN
// above every number: a piece whose max is below the literal may still hold
// NaN rows that satisfy >, >=, != and = NaN, and must be read.
func TestMayMatchFloatNaN(t *testing.T) {
	stats := func(lo, hi float64) statsFn {
		return func(string) (any, any, int64, bool) { return lo, hi, 0, true }
	}
	col := &Column{Name: "b", Type: arrow.PrimitiveTypes.Float64}
	cmp := func(op BinaryOp, v any) Expr {
		return &Binary{Op: op, Left: col, Right: &Literal{Value: v, Type: arrow.PrimitiveTypes.Float64}, Type: arrow.FixedWidthTypes.Boolean}
	}
	for _, tc := range []struct {
		name   string
		pred   Expr
		lo, hi float64
		want   bool
	}{
		{"gt above max", cmp(OpGt, 6.0), 1, 3, true},
		{"gte above max", cmp(OpGtEq, 6.0), 1, 3, true},
		{"neq equal bounds", cmp(OpNotEq, 2.0), 2, 2, true},
		{"eq NaN", cmp(OpEq, math.NaN()), 1, 3, true},
		{"gt NaN", cmp(OpGt, math.NaN()), 1, 3, false},
		{"lt below min", cmp(OpLt, 0.5), 1, 3, false},
		{"lte below min", cmp(OpLtEq, 0.5), 1, 3, false},
		{"eq outside", cmp(OpEq, 0.5), 1, 3, false},
		{"eq above max", cmp(OpEq, 6.0), 1, 3, false},
		{"lt NaN", cmp(OpLt, math.NaN()), 1, 3, true},
	} {
		if got := mayMatch(tc.pred, stats(tc.lo, tc.hi), 10); got != tc.want {
			t.Errorf("%s: mayMatch = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Integer statistics hold no NaN: the max still prunes.
	ints := func(string) (any, any, int64, bool) { return int64(1), int64(3), 0, true }
	icol := &Column{Name: "i", Type: arrow.PrimitiveTypes.Int64}
	gt := &Binary{Op: OpGt, Left: icol, Right: &Literal{Value: int64(6), Type: arrow.PrimitiveTypes.Int64}}
	if mayMatch(gt, ints, 10) {
		t.Error("i > 6 over [1, 3] should be pruned")
	}
	gtNaN := &Binary{Op: OpGt, Left: icol, Right: &Literal{Value: math.NaN(), Type: arrow.PrimitiveTypes.Float64}}
	if mayMatch(gtNaN, ints, 10) {
		t.Error("i > NaN over [1, 3] should be pruned: no number is above NaN")
	}
}
