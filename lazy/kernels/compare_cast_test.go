package kernels_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// castThenCompare is what CompareDecimalAsFloat must equal: the decimals
// cast to Float64 by Cast, compared with c by Compare.
func castThenCompare(t *testing.T, op kernels.CmpOp, dec arrow.Array, c float64) []any {
	mem := newMem()
	f, err := kernels.Cast(mem, dec, f64, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	got, err := kernels.Compare(mem, op, kernels.ArrayValue(f), kernels.ScalarValue(c, f64), dec.Len())
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	return boolValues(got)
}

func boolValues(a arrow.Array) []any {
	out := make([]any, a.Len())
	for i := range out {
		if a.IsValid(i) {
			out[i] = a.(*array.Boolean).Value(i)
		}
	}
	return out
}

// TestCompareDecimalAsFloat checks the threshold comparison against casting
// and comparing, on every operator, at data offsets inside a byte, with
// nulls, at scales 0, 2 and 6, and constants on, between and beyond the
// decimals (0.05 is not a binary fraction; ±Inf and -0.0 are edges).
func TestCompareDecimalAsFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, scale := range []int32{0, 2, 6} {
		dt := &arrow.Decimal128Type{Precision: 15, Scale: scale}
		b := array.NewDecimal128Builder(newMem(), dt)
		for range 13 { // junk sliced away below
			b.Append(decimal128.FromI64(rng.Int64N(1000)))
		}
		step := int64(math.Pow10(int(scale)))
		for i := range 300 {
			switch {
			case i%17 == 0:
				b.AppendNull()
			case i%3 == 0: // around the constants below
				b.Append(decimal128.FromI64(24*step + rng.Int64N(5) - 2))
			case i%3 == 1:
				b.Append(decimal128.FromI64(5*step/100 + rng.Int64N(5) - 2))
			default:
				b.Append(decimal128.FromI64(rng.Int64N(200*step) - 100*step))
			}
		}
		whole := b.NewArray()
		b.Release()
		for _, off := range []int{0, 5, 13} {
			dec := array.NewSlice(whole, int64(off), int64(whole.Len()))
			for _, c := range []float64{24, 0.05, 0.055, -0.0, 23.99, -100.5, 1e30, -1e30, math.Inf(1), math.Inf(-1)} {
				for op := kernels.Eq; op <= kernels.GtEq; op++ {
					got, ok := kernels.CompareDecimalAsFloat(newMem(), op, dec, c)
					if !ok {
						t.Fatalf("scale %d: no fast path", scale)
					}
					want := castThenCompare(t, op, dec, c)
					for i, g := range boolValues(got) {
						if g != want[i] {
							t.Fatalf("scale %d offset %d op %d c %v row %d (%v): got %v, want %v",
								scale, off, op, c, i, dec.(*array.Decimal128).Value(i), g, want[i])
						}
					}
					got.Release()
				}
			}
			dec.Release()
		}
		whole.Release()
	}
}

// TestCompareDecimalAsFloatDeclines: NaN, precision above 18 and values
// beyond their declared precision (that do not fit an int64) are left to
// casting and comparing.
func TestCompareDecimalAsFloatDeclines(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	build := func(p int32, v decimal128.Num) arrow.Array {
		b := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: p, Scale: 2})
		defer b.Release()
		b.Append(decimal128.FromI64(1))
		b.Append(v)
		return b.NewArray()
	}
	small := build(15, decimal128.FromI64(7))
	defer small.Release()
	if _, ok := kernels.CompareDecimalAsFloat(mem, kernels.Lt, small, math.NaN()); ok {
		t.Error("NaN constant took the fast path")
	}
	wide := build(30, decimal128.FromI64(7))
	defer wide.Release()
	if _, ok := kernels.CompareDecimalAsFloat(mem, kernels.Lt, wide, 1); ok {
		t.Error("precision 30 took the fast path")
	}
	big := build(15, decimal128.New(1, 0))
	defer big.Release()
	if _, ok := kernels.CompareDecimalAsFloat(mem, kernels.Lt, big, 1); ok {
		t.Error("a value beyond int64 took the fast path")
	}
}
