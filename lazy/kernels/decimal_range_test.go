package kernels_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// TestDecimalCmpRangeMatchesRat: the interval DecimalCmpRange gives for a
// Decimal column against a Decimal constant of another scale holds
// exactly the unscaled values whose comparison holds in big.Rat, at the
// constant's edges (its value at the column's scale, rounded down and
// up) and with negative constants.
func TestDecimalCmpRangeMatchesRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	ops := []kernels.CmpOp{kernels.Eq, kernels.Lt, kernels.LtEq, kernels.Gt, kernels.GtEq}
	pow := func(k int32) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil) }
	for range 400 {
		col := &arrow.Decimal128Type{Precision: 15, Scale: int32(rng.IntN(5))}
		cs := int32(rng.IntN(5))
		c := rng.Int64N(200_000) - 100_000
		for _, op := range ops {
			r, ok := kernels.DecimalCmpRange(col, op, decimal128.FromI64(c), cs)
			if !ok {
				t.Fatalf("%s %d %d at scale %d: no interval", col, op, c, cs)
			}
			cr := new(big.Rat).SetFrac(big.NewInt(c), pow(cs))
			// Every u near the constant at the column's scale.
			centre := new(big.Int).Quo(new(big.Int).Mul(big.NewInt(c), pow(col.Scale)), pow(cs)).Int64()
			for u := centre - 3; u <= centre+3; u++ {
				cmp := new(big.Rat).SetFrac(big.NewInt(u), pow(col.Scale)).Cmp(cr)
				want := map[kernels.CmpOp]bool{kernels.Eq: cmp == 0, kernels.Lt: cmp < 0, kernels.LtEq: cmp <= 0,
					kernels.Gt: cmp > 0, kernels.GtEq: cmp >= 0}[op]
				got := !r.Empty && r.Lo <= u && u <= r.Hi
				if got != want {
					t.Fatalf("%s: u=%d op %d %d (scale %d): interval %+v says %v, want %v", col, u, op, c, cs, r, got, want)
				}
			}
		}
	}
	// NotEq is no interval; a constant beyond an int64 at the column's
	// scale is left to the row-by-row compare.
	if _, ok := kernels.DecimalCmpRange(&arrow.Decimal128Type{Precision: 18, Scale: 2}, kernels.NotEq, decimal128.FromI64(1), 0); ok {
		t.Error("NotEq gave an interval")
	}
	if _, ok := kernels.DecimalCmpRange(&arrow.Decimal128Type{Precision: 38, Scale: 10}, kernels.Lt, decimal128.FromI64(math.MaxInt64/10), 0); ok {
		t.Error("a constant beyond an int64 gave an interval")
	}
}
