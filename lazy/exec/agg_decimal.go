package exec

import (
	"math/bits"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// decSumState sums Decimal128 values exactly in 128-bit two's complement,
// skipping nulls (an empty group sums to 0, as Polars). The result type is
// Decimal(38, s) of the input's scale, so the scaled integers add as they
// are. A sum passing 128 bits sets overflow; finish reports it, and a sum
// that does not fit 38 digits, as an error rather than a wrapped value.
type decSumState struct {
	hi       []int64
	lo       []uint64
	out      *arrow.Decimal128Type
	overflow bool
}

func newDecSumState(out arrow.DataType) aggState {
	return &decSumState{out: out.(*arrow.Decimal128Type)}
}

func (s *decSumState) grow(n int) { s.hi, s.lo = growTo(s.hi, n), growTo(s.lo, n) }

// add folds (hi, lo) into group g.
func (s *decSumState) add(g int32, hi int64, lo uint64) {
	l, c := bits.Add64(s.lo[g], lo, 0)
	h := s.hi[g] + hi + int64(c)
	// Signed overflow: both addends of one sign and the sum of the other
	// (the carry cannot flip it alone for a value below 2^127).
	if (s.hi[g]^h)&(hi^h) < 0 {
		s.overflow = true
	}
	s.hi[g], s.lo[g] = h, l
}

func (s *decSumState) update(gids []int32, arr arrow.Array, _ int64) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	w := kernels.Decimal128Words(arr)
	if arr.NullN() == 0 {
		for i, g := range gids {
			s.add(g, int64(w[2*i+1]), w[2*i])
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			s.add(g, int64(w[2*i+1]), w[2*i])
		}
	}
}

func (s *decSumState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*decSumState)
	s.overflow = s.overflow || o.overflow
	for i, g := range srcG {
		s.add(dstG[i], o.hi[g], o.lo[g])
	}
}

func (s *decSumState) finish(mem memory.Allocator) (arrow.Array, error) {
	v := make([]decimal128.Num, len(s.hi))
	valid := make([]bool, len(s.hi))
	for i := range v {
		v[i], valid[i] = decimal128.New(s.hi[i], s.lo[i]), true
		if !v[i].FitsInPrecision(s.out.Precision) {
			s.overflow = true
		}
	}
	if s.overflow {
		return nil, core.Errorf(core.KindCompute,
			"overflow in decimal addition in sum: the sum does not fit %s; cast the column to Float64 for an approximate sum",
			core.DTypeName(s.out))
	}
	return decimalArray(mem, s.out, v, valid), nil
}
