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

func (s *decSumState) Update(gids []int32, arr arrow.Array, _ int64) { s.update(gids, arr, nil) }

// UpdateSel adds the rows of arr at sel (SelUpdater).
func (s *decSumState) UpdateSel(gids []int32, arr arrow.Array, sel []int32) { s.update(gids, arr, sel) }

// update adds row at(i) of arr into group gids[i], where at(i) is sel[i],
// or i when sel is nil.
func (s *decSumState) update(gids []int32, arr arrow.Array, sel []int32) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	w := kernels.Decimal128Words(arr)
	at := func(i int) int { return i }
	if sel != nil {
		at = func(i int) int { return int(sel[i]) }
	}
	if arr.NullN() == 0 {
		if s.addSmall(gids, w, sel) {
			return
		}
		for i, g := range gids {
			j := at(i)
			s.add(g, int64(w[2*j+1]), w[2*j])
		}
		return
	}
	for i, g := range gids {
		if j := at(i); arr.IsValid(j) {
			s.add(g, int64(w[2*j+1]), w[2*j])
		}
	}
}

// addSmall adds a batch without nulls (its rows at sel, or all of them
// when sel is nil) into the int64 partial sums when its values allow it,
// in one pass that both adds and bounds them (the bound of
// kernels.Int64Bound, fused so the batch is read once). int64 additions
// wrap, so adding first is safe: when the bound then shows a value that
// does not fit an int64, or a batch that could carry a partial sum past
// smallLimit, subtracting the same low words back restores every partial
// sum exactly; addSmall reports false and the caller adds in 128 bits.
func (s *decSumState) addSmall(gids []int32, w []uint64, sel []int32) bool {
	if sel == nil {
		return s.addSmallRows(gids, w)
	}
	small := s.small
	var bad, mx uint64
	for i, g := range gids {
		j := sel[i]
		lo, hi := w[2*j], w[2*j+1]
		sign := uint64(int64(lo) >> 63)
		bad |= hi ^ sign
		mx = max(mx, (lo^sign)-sign)
		small[g] += int64(lo)
	}
	return s.settleSmall(gids, mx, bad, func(add bool) {
		for i, g := range gids {
			v := int64(w[2*sel[i]])
			if !add {
				v = -v
			}
			small[g] += v
		}
	})
}

// addSmallRows is addSmall over every row (its own loop: the common case,
// without an index per row).
func (s *decSumState) addSmallRows(gids []int32, w []uint64) bool {
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
	return s.settleSmall(gids, mx, bad, func(add bool) {
		for i, g := range gids {
			v := int64(w[2*i])
			if !add {
				v = -v
			}
			small[g] += v
		}
	})
}

// settleSmall decides, after a batch of len(gids) values of magnitude at
// most mx (bad: some value does not fit an int64) was added into the
// partial sums, whether it stays there; redo(false) takes the batch back
// out, redo(true) adds it again.
func (s *decSumState) settleSmall(gids []int32, mx, bad uint64, redo func(add bool)) bool {
	// The batch adds at most len(gids)·mx to any group.
	hi, batch := bits.Mul64(mx, uint64(len(gids)))
	fits := bad == 0 && mx <= math.MaxInt64 && hi == 0 && batch <= smallLimit
	if fits && s.smallBound+batch <= smallLimit { // (no wrap: both <= 2^62)
		s.smallBound += batch
		return true
	}
	redo(false)
	if !fits {
		return false
	}
	// The batch fits but the partial sums may not hold it as well: move
	// them into the 128-bit sums and add it again.
	s.flush()
	redo(true)
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
