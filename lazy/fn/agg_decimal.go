package fn

import (
	"math"
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
	// small holds each group's partial sum of batches whose values all fit
	// an int64 (money columns), added without carries or overflow checks:
	// smallBound bounds every partial sum's magnitude, and flush moves them
	// into hi/lo before it could pass an int64.
	small      []int64
	smallBound uint64
}

// smallLimit is the bound of the int64 partial sums.
const smallLimit = 1 << 62

func newDecSumState(out arrow.DataType) AggState {
	return &decSumState{out: out.(*arrow.Decimal128Type)}
}

func (s *decSumState) Grow(n int) {
	s.hi, s.lo, s.small = growTo(s.hi, n), growTo(s.lo, n), growTo(s.small, n)
}

// flush adds the int64 partial sums into the 128-bit ones.
func (s *decSumState) flush() {
	if s.smallBound == 0 {
		return
	}
	for g, v := range s.small {
		if v != 0 {
			s.add(int32(g), v>>63, uint64(v))
			s.small[g] = 0
		}
	}
	s.smallBound = 0
}

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

func (s *decSumState) Update(gids []int32, arr arrow.Array, _ int64) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	w := kernels.Decimal128Words(arr)
	if arr.NullN() == 0 {
		if s.addSmall(gids, w) {
			return
		}
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

// addSmall adds a batch without nulls into the int64 partial sums when its
// values allow it, in one pass that both adds and bounds them (the bound of
// kernels.Int64Bound, fused so the batch is read once). int64 additions
// wrap, so adding first is safe: when the bound then shows a value that
// does not fit an int64, or a batch that could carry a partial sum past
// smallLimit, subtracting the same low words back restores every partial
// sum exactly; addSmall reports false and the caller adds in 128 bits.
func (s *decSumState) addSmall(gids []int32, w []uint64) bool {
	w = w[:2*len(gids)]
	small := s.small
	var bad, mx uint64
	for i, g := range gids {
		lo, hi := w[2*i], w[2*i+1]
		sign := uint64(int64(lo) >> 63)
		bad |= hi ^ sign
		mx = max(mx, (lo^sign)-sign) // |lo|, with MinInt64 reading as 2^63
		small[g] += int64(lo)
	}
	// The batch adds at most len(gids)·mx to any group.
	hi, batch := bits.Mul64(mx, uint64(len(gids)))
	fits := bad == 0 && mx <= math.MaxInt64 && hi == 0 && batch <= smallLimit
	if fits && s.smallBound+batch <= smallLimit { // (no wrap: both <= 2^62)
		s.smallBound += batch
		return true
	}
	for i, g := range gids {
		small[g] -= int64(w[2*i])
	}
	if !fits {
		return false
	}
	// The batch fits but the partial sums may not hold it as well: move
	// them into the 128-bit sums and add it again.
	s.flush()
	for i, g := range gids {
		small[g] += int64(w[2*i])
	}
	s.smallBound = batch
	return true
}

func (s *decSumState) Merge(src AggState, srcG, dstG []int32) {
	// src is only read: the partitions of a radix-partitioned aggregate
	// merge their groups of one worker's state at the same time.
	o := src.(*decSumState)
	s.overflow = s.overflow || o.overflow
	for i, g := range srcG {
		s.add(dstG[i], o.hi[g], o.lo[g])
		if o.smallBound != 0 {
			if v := o.small[g]; v != 0 {
				s.add(dstG[i], v>>63, uint64(v))
			}
		}
	}
}

func (s *decSumState) Finish(mem memory.Allocator) (arrow.Array, error) {
	s.flush()
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
