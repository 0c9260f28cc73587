package fn

// This file: median and quantiles per group.

import (
	"math"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

type quantileState struct {
	vals   [][]float64
	q      float64
	interp string
	out    arrow.DataType
}

func (s *quantileState) Grow(n int) { s.vals = growTo(s.vals, n) }
func (s *quantileState) Update(gids []int32, arr arrow.Array, _ int64) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	get := kernels.NumericAsFloat(arr)
	for i, g := range gids {
		if arr.IsValid(i) {
			s.vals[g] = append(s.vals[g], get(i))
		}
	}
}
func (s *quantileState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*quantileState)
	for i, g := range srcG {
		s.vals[dstG[i]] = append(s.vals[dstG[i]], o.vals[g]...)
	}
}
func (s *quantileState) Finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.vals))
	valid := make([]bool, len(s.vals))
	for g, v := range s.vals {
		if len(v) == 0 {
			continue
		}
		out[g], valid[g] = selectQuantile(v, s.q, s.interp), true
	}
	return kernels.NumArray(mem, s.out, out, valid)
}

// quantileOf is the q-quantile of sorted values with Polars' interpolations.
func quantileOf(v []float64, q float64, interp string) float64 {
	n := len(v)
	pos := q * float64(n-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	if v[lo] == v[hi] && interp != "nearest" {
		return v[lo] // also keeps ±inf from becoming NaN in the interpolation
	}
	switch interp {
	case "lower":
		return v[lo]
	case "higher":
		return v[hi]
	case "midpoint":
		return (v[lo] + v[hi]) / 2
	case "linear":
		return v[lo] + (v[hi]-v[lo])*(pos-float64(lo))
	}
	// nearest: halves round away from zero, as in Polars
	return v[int(math.Round(pos))]
}
