package fn

// This file: mean, variance and standard deviation per group.

import (
	"math"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

type meanState struct {
	sum []neumaier
	n   []int64
	out arrow.DataType
	// dec marks a Decimal128 input of the scale: the executor gives mean
	// the decimals of a mean of a decimal cast to Float64, which it
	// converts as the cast does (kernels.DecimalFloats) a block at a time
	// into floats, so the result is the same float without a float array
	// per batch.
	dec    bool
	scale  int32
	floats []float64
}

// meanBlock is the number of decimals converted to floats at a time: a
// block's floats stay in the L1 cache until they are added.
const meanBlock = 1024

func newMeanState(in, out arrow.DataType) *meanState {
	s := &meanState{out: out}
	if t, ok := in.(*arrow.Decimal128Type); ok {
		s.dec, s.scale = true, t.Scale
	}
	return s
}

func (s *meanState) Grow(n int) { s.sum, s.n = growTo(s.sum, n), growTo(s.n, n) }
func (s *meanState) Update(gids []int32, arr arrow.Array, _ int64) {
	switch arr.DataType().ID() {
	case arrow.NULL:
		return
	case arrow.FLOAT64:
		meanUpdate[float64](s, gids, arr)
		return
	case arrow.FLOAT32:
		meanUpdate[float32](s, gids, arr)
		return
	case arrow.INT64:
		meanUpdate[int64](s, gids, arr)
		return
	case arrow.INT32:
		meanUpdate[int32](s, gids, arr)
		return
	case arrow.DECIMAL128:
		if s.dec {
			s.updateDecimal(gids, arr)
			return
		}
	}
	get := kernels.NumericAsFloat(arr)
	for i, g := range gids {
		if arr.IsValid(i) {
			s.sum[g].add(get(i))
			s.n[g]++
		}
	}
}
func meanUpdate[T kernels.Num](s *meanState, gids []int32, arr arrow.Array) {
	v := kernels.Values[T](arr)
	sum, n := s.sum, s.n
	if arr.NullN() == 0 {
		for i, g := range gids {
			sum[g].add(float64(v[i]))
			n[g]++
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			sum[g].add(float64(v[i]))
			n[g]++
		}
	}
}

// updateDecimal adds Decimal128 values as the floats the cast to Float64
// gives, in row order, as meanUpdate adds the cast's array.
func (s *meanState) updateDecimal(gids []int32, arr arrow.Array) {
	w := kernels.Decimal128Words(arr)
	if s.floats == nil {
		s.floats = make([]float64, meanBlock)
	}
	sum, n := s.sum, s.n
	nulls := arr.NullN() > 0
	for lo := 0; lo < len(gids); lo += meanBlock {
		hi := min(lo+meanBlock, len(gids))
		f := s.floats[:hi-lo]
		kernels.DecimalFloats(f, w[2*lo:2*hi], s.scale)
		for i, g := range gids[lo:hi] {
			if nulls && arr.IsNull(lo+i) {
				continue
			}
			sum[g].add(f[i])
			n[g]++
		}
	}
}

// UpdateSel adds the rows of arr at sel (SelUpdater): Decimal128 inputs
// converted a block of selected rows at a time.
func (s *meanState) UpdateSel(gids []int32, arr arrow.Array, sel []int32) {
	switch {
	case arr.DataType().ID() == arrow.NULL:
		return
	case !s.dec || arr.DataType().ID() != arrow.DECIMAL128:
		get := kernels.NumericAsFloat(arr) // (Update's last case, at sel)
		for i, g := range gids {
			if j := int(sel[i]); arr.IsValid(j) {
				s.sum[g].add(get(j))
				s.n[g]++
			}
		}
		return
	}
	w := kernels.Decimal128Words(arr)
	if s.floats == nil {
		s.floats = make([]float64, meanBlock)
	}
	var words [2 * meanBlock]uint64
	sum, n := s.sum, s.n
	nulls := arr.NullN() > 0
	for lo := 0; lo < len(gids); lo += meanBlock {
		hi := min(lo+meanBlock, len(gids))
		ws := words[:2*(hi-lo)]
		for k, j := range sel[lo:hi] {
			ws[2*k], ws[2*k+1] = w[2*j], w[2*j+1]
		}
		f := s.floats[:hi-lo]
		kernels.DecimalFloats(f, ws, s.scale)
		for i, g := range gids[lo:hi] {
			if nulls && arr.IsNull(int(sel[lo+i])) {
				continue
			}
			sum[g].add(f[i])
			n[g]++
		}
	}
}

func (s *meanState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*meanState)
	for i, g := range srcG {
		s.sum[dstG[i]].Merge(o.sum[g])
		s.n[dstG[i]] += o.n[g]
	}
}
func (s *meanState) Finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.sum))
	valid := make([]bool, len(s.sum))
	for i := range out {
		if s.n[i] > 0 {
			out[i] = s.sum[i].value() / float64(s.n[i])
			valid[i] = true
		}
	}
	return kernels.NumArray(mem, s.out, out, valid)
}

// varState keeps count, mean and the sum of squared deviations (Welford),
// merged with Chan's formula.
type varState struct {
	n, mean, m2 []float64
	ddof        float64
	std         bool
	out         arrow.DataType
}

func (s *varState) Grow(n int) {
	s.n, s.mean, s.m2 = growTo(s.n, n), growTo(s.mean, n), growTo(s.m2, n)
}
func (s *varState) Update(gids []int32, arr arrow.Array, _ int64) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	get := kernels.NumericAsFloat(arr)
	for i, g := range gids {
		if !arr.IsValid(i) {
			continue
		}
		x := get(i)
		s.n[g]++
		d := x - s.mean[g]
		s.mean[g] += d / s.n[g]
		s.m2[g] += d * (x - s.mean[g])
	}
}
func (s *varState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*varState)
	for i, g := range srcG {
		d := dstG[i]
		if o.n[g] == 0 {
			continue
		}
		n := s.n[d] + o.n[g]
		delta := o.mean[g] - s.mean[d]
		s.m2[d] += o.m2[g] + delta*delta*s.n[d]*o.n[g]/n
		s.mean[d] += delta * o.n[g] / n
		s.n[d] = n
	}
}
func (s *varState) Finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.n))
	valid := make([]bool, len(s.n))
	for i := range out {
		if s.n[i]-s.ddof > 0 {
			v := s.m2[i] / (s.n[i] - s.ddof)
			if s.std {
				v = math.Sqrt(v)
			}
			out[i], valid[i] = v, true
		}
	}
	return kernels.NumArray(mem, s.out, out, valid)
}
