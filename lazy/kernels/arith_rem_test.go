package kernels_test

import (
	"math"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
)

// TestFloatRemaindersExact: the remainder of a float division is right at
// any magnitude. Mod takes the divisor's sign (Polars' rule, NaN for a zero
// or infinite divisor); Rem keeps the dividend's (C's fmod, SQL's MOD).
// x - y*floor(x/y) as written gave 1e17 % 0.3 = -16.0 and
// 2**63 % 3.742 = 1024.0.
func TestFloatRemaindersExact(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	cases := []struct{ x, y, mod, rem float64 }{
		{1e17, 0.3, 0.2007434154171886, 0.2007434154171886},
		{9.223372036854776e18, 3.742, 3.4356290753607697, 3.4356290753607697},
		{2.0, -1e308, -1e308, 2.0},
		{-1e-300, 1e308, -1e-300, -1e-300}, // Polars' formula: floor(-1e-608) is -0
		{1e300, 1e-300, 4.891554850853602e-301, 4.891554850853602e-301},
		{-7.5, 2, 0.5, -1.5},
		{7.5, -2, -0.5, 1.5},
		{-3, 3, 0, negZero},
		{3, -3, 0, 0},
		{5, 0, nan, nan},
		{inf, 2, nan, nan},
		{1, inf, nan, 1},
		{-1, -inf, nan, -1},
		{nan, 1, nan, nan},
		{1e308, 1e-308, 3.498445546245627e-309, 3.498445546245627e-309},
	}
	var xs, ys []any
	for _, c := range cases {
		xs, ys = append(xs, c.x), append(ys, c.y)
	}
	a := makeArray(t, mem, f64, xs, 0)
	defer a.Release()
	b := makeArray(t, mem, f64, ys, 0)
	defer b.Release()
	for _, op := range []kernels.ArithOp{kernels.Mod, kernels.Rem} {
		got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), len(xs))
		if err != nil {
			t.Fatal(err)
		}
		vals := valuesOf(t, got)
		for i, c := range cases {
			want := c.mod
			if op == kernels.Rem {
				want = c.rem
			}
			g := vals[i].(float64)
			if !(g == want && math.Signbit(g) == math.Signbit(want) || math.IsNaN(g) && math.IsNaN(want)) {
				t.Errorf("%v %s %v = %v, want %v", c.x, arithNames[op], c.y, g, want)
			}
		}
		got.Release()
	}
}

// TestIntRem: the truncated integer remainder, null for a zero divisor.
func TestIntRem(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	xs := []any{int64(7), int64(-7), int64(7), int64(-7), int64(5), int64(math.MinInt64)}
	ys := []any{int64(2), int64(2), int64(-2), int64(-2), int64(0), int64(-1)}
	want := []any{int64(1), int64(-1), int64(1), int64(-1), nil, int64(0)}
	a := makeArray(t, mem, i64, xs, 0)
	defer a.Release()
	b := makeArray(t, mem, i64, ys, 0)
	defer b.Release()
	got, err := kernels.Arith(mem, kernels.Rem, kernels.ArrayValue(a), kernels.ArrayValue(b), len(xs))
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	checkArray(t, got, arrow.PrimitiveTypes.Int64, want, "rem")
}
