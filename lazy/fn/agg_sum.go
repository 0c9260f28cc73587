package fn

// This file: count, len and sum per group: counters, integer sums,
// float sums with Neumaier compensation, sums of booleans.

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

type countState struct {
	all bool // len: count nulls too
	n   []int64
}

func (s *countState) Grow(n int) { s.n = growTo(s.n, n) }
func (s *countState) Update(gids []int32, arr arrow.Array, _ int64) {
	if !s.all && arr != nil && arr.DataType().ID() == arrow.NULL {
		return // a Null column has no values to count
	}
	if s.all || arr == nil || arr.NullN() == 0 {
		for _, g := range gids {
			s.n[g]++
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			s.n[g]++
		}
	}
}

// UpdateSel counts the rows of arr at sel (SelUpdater).
func (s *countState) UpdateSel(gids []int32, arr arrow.Array, sel []int32) {
	if s.all || arr == nil || arr.NullN() == 0 || arr.DataType().ID() == arrow.NULL {
		s.Update(gids, arr, 0) // (only the number of rows counts)
		return
	}
	for i, g := range gids {
		if arr.IsValid(int(sel[i])) {
			s.n[g]++
		}
	}
}

func (s *countState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*countState)
	for i, g := range srcG {
		s.n[dstG[i]] += o.n[g]
	}
}
func (s *countState) Finish(mem memory.Allocator) (arrow.Array, error) {
	b := array.NewUint32Builder(mem)
	defer b.Release()
	b.Reserve(len(s.n))
	for _, v := range s.n {
		b.UnsafeAppend(uint32(v))
	}
	return b.NewArray(), nil
}

// sumState adds values of type T into accumulators of type A (the result
// type, or float64 for floats), skipping nulls; empty groups sum to 0.
type sumState[T, A kernels.Num] struct {
	acc []A
	out arrow.DataType
}

func newSumState(in, out arrow.DataType, checked bool) (AggState, error) {
	if checked {
		switch in.ID() {
		case arrow.INT64:
			return &checkedSumState[int64]{out: out, add: addInt64}, nil
		case arrow.UINT64:
			return &checkedSumState[uint64]{out: out, add: addUint64}, nil
		}
	}
	switch in.ID() {
	case arrow.NULL:
		return &sumState[int64, int64]{out: out}, nil
	case arrow.BOOL:
		return &boolSumState{}, nil
	case arrow.INT8:
		return &sumState[int8, int64]{out: out}, nil
	case arrow.INT16:
		return &sumState[int16, int64]{out: out}, nil
	case arrow.INT32:
		return &sumState[int32, int32]{out: out}, nil
	case arrow.INT64:
		return &sumState[int64, int64]{out: out}, nil
	case arrow.UINT8:
		return &sumState[uint8, int64]{out: out}, nil
	case arrow.UINT16:
		return &sumState[uint16, int64]{out: out}, nil
	case arrow.UINT32:
		return &sumState[uint32, uint32]{out: out}, nil
	case arrow.UINT64:
		return &sumState[uint64, uint64]{out: out}, nil
	case arrow.FLOAT32:
		return &floatSumState{out: out}, nil
	case arrow.FLOAT64:
		return &floatSumState{out: out}, nil
	case arrow.DECIMAL128:
		return newDecSumState(out), nil
	}
	return nil, core.Errorf(core.KindNotSupported, "sum of %s", core.DTypeName(in))
}

// neumaier is a compensated running sum: the result is (almost always)
// the exactly rounded sum, whatever the order of additions, so float sums
// do not depend on how morsels were split among workers.
type neumaier struct{ sum, c float64 }

func (k *neumaier) add(x float64) {
	t := k.sum + x
	if math.IsInf(t, 0) || math.IsNaN(t) {
		k.sum = t
		return
	}
	if math.Abs(k.sum) >= math.Abs(x) {
		k.c += (k.sum - t) + x
	} else {
		k.c += (x - t) + k.sum
	}
	k.sum = t
}

func (k *neumaier) Merge(o neumaier) {
	k.add(o.sum)
	k.add(o.c)
}

func (k neumaier) value() float64 {
	if math.IsInf(k.sum, 0) || math.IsNaN(k.sum) {
		return k.sum
	}
	return k.sum + k.c
}

// floatSumState sums floats with compensation.
type floatSumState struct {
	acc []neumaier
	out arrow.DataType
}

func (s *floatSumState) Grow(n int) { s.acc = growTo(s.acc, n) }
func (s *floatSumState) Update(gids []int32, arr arrow.Array, _ int64) {
	switch arr.DataType().ID() {
	case arrow.FLOAT64:
		floatSumUpdate[float64](s.acc, gids, arr)
	case arrow.FLOAT32:
		floatSumUpdate[float32](s.acc, gids, arr)
	}
}

func floatSumUpdate[T kernels.Float](acc []neumaier, gids []int32, arr arrow.Array) {
	v := kernels.Values[T](arr)
	if arr.NullN() == 0 {
		for i, g := range gids {
			acc[g].add(float64(v[i]))
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			acc[g].add(float64(v[i]))
		}
	}
}

func (s *floatSumState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*floatSumState)
	for i, g := range srcG {
		s.acc[dstG[i]].Merge(o.acc[g])
	}
}
func (s *floatSumState) Finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.acc))
	for i, a := range s.acc {
		out[i] = a.value()
	}
	return kernels.NumArray(mem, s.out, out, nil)
}

func (s *sumState[T, A]) Grow(n int) { s.acc = growTo(s.acc, n) }
func (s *sumState[T, A]) Update(gids []int32, arr arrow.Array, _ int64) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	v := kernels.Values[T](arr)
	acc := s.acc
	if arr.NullN() == 0 {
		for i, g := range gids {
			acc[g] += A(v[i])
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			acc[g] += A(v[i])
		}
	}
}
func (s *sumState[T, A]) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*sumState[T, A])
	for i, g := range srcG {
		s.acc[dstG[i]] += o.acc[g]
	}
}
func (s *sumState[T, A]) Finish(mem memory.Allocator) (arrow.Array, error) {
	return kernels.NumArray(mem, s.out, s.acc, nil)
}

type boolSumState struct{ n []int64 }

func (s *boolSumState) Grow(n int) { s.n = growTo(s.n, n) }
func (s *boolSumState) Update(gids []int32, arr arrow.Array, _ int64) {
	b := arr.(*array.Boolean)
	for i, g := range gids {
		if b.IsValid(i) && b.Value(i) {
			s.n[g]++
		}
	}
}
func (s *boolSumState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*boolSumState)
	for i, g := range srcG {
		s.n[dstG[i]] += o.n[g]
	}
}
func (s *boolSumState) Finish(mem memory.Allocator) (arrow.Array, error) {
	return kernels.NumArray(mem, arrow.PrimitiveTypes.Uint32, s.n, nil)
}

// checkedSumState is SQL's SUM of 64-bit integers: a sum past the type's
// range is an error (MySQL answers with a DECIMAL, DuckDB with a 128-bit
// integer; Polars wraps), never a wrapped number. SQL casts narrower
// integers to 64 bits first. Partial sums wrap as they are added; wraps
// counts, per group, how often they wrapped up (+1) or down (-1), so a sum
// that passes the range and comes back (MAX + 1 - 5) is still exact, and
// only a group whose count ends non-zero is out of range.
type checkedSumState[T int64 | uint64] struct {
	acc   []T
	wraps []int32 // nil until a partial sum wraps
	out   arrow.DataType
	add   func(a, b T) (T, int32)
}

// addInt64 adds with a wrap: +1 when two non-negatives give a negative,
// -1 when two negatives give a non-negative.
func addInt64(a, b int64) (int64, int32) {
	s := a + b
	if (s^a)&(s^b) >= 0 {
		return s, 0
	}
	if b >= 0 {
		return s, 1
	}
	return s, -1
}

func addUint64(a, b uint64) (uint64, int32) {
	s := a + b
	if s < a {
		return s, 1
	}
	return s, 0
}

func (s *checkedSumState[T]) Grow(n int) {
	s.acc = growTo(s.acc, n)
	if s.wraps != nil {
		s.wraps = growTo(s.wraps, n)
	}
}

func (s *checkedSumState[T]) wrap(g int32, d int32) {
	if s.wraps == nil {
		s.wraps = make([]int32, len(s.acc))
	}
	s.wraps[g] += d
}

func (s *checkedSumState[T]) Update(gids []int32, arr arrow.Array, _ int64) {
	v := kernels.Values[T](arr)
	acc := s.acc
	nulls := arr.NullN() > 0
	for i, g := range gids {
		if nulls && !arr.IsValid(i) {
			continue
		}
		sum, d := s.add(acc[g], v[i])
		acc[g] = sum
		if d != 0 {
			s.wrap(g, d)
		}
	}
}

func (s *checkedSumState[T]) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*checkedSumState[T])
	for i, g := range srcG {
		sum, d := s.add(s.acc[dstG[i]], o.acc[g])
		s.acc[dstG[i]] = sum
		if o.wraps != nil {
			d += o.wraps[g]
		}
		if d != 0 {
			s.wrap(dstG[i], d)
		}
	}
}

func (s *checkedSumState[T]) Finish(mem memory.Allocator) (arrow.Array, error) {
	for _, w := range s.wraps {
		if w != 0 {
			return nil, core.Errorf(core.KindCompute,
				"SUM is out of range of %s; CAST its argument AS DECIMAL(38, 0) or AS DOUBLE to sum beyond 64 bits",
				core.DTypeName(s.out))
		}
	}
	return kernels.NumArray(mem, s.out, s.acc, nil)
}
