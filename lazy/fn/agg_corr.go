package fn

import (
	"math"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// PairState is an aggregate of two inputs (corr, cov): the hash
// aggregate and windows feed it both through UpdatePair instead of update.
type PairState interface {
	AggState
	UpdatePair(gids []int32, x, y arrow.Array)
}

// comoment is the running state of a group's covariance (Welford's online
// algorithm, merged with Chan et al.'s pairwise formula): stable where the
// textbook sum of products cancels catastrophically.
type comoment struct {
	n, mx, my, m2x, m2y, cxy float64
}

func (c *comoment) add(x, y float64) {
	c.n++
	dx := x - c.mx
	c.mx += dx / c.n
	dy := y - c.my
	c.my += dy / c.n
	c.m2x += dx * (x - c.mx)
	c.m2y += dy * (y - c.my)
	c.cxy += dx * (y - c.my)
}

func (c *comoment) Merge(o comoment) {
	switch {
	case o.n == 0:
		return
	case c.n == 0:
		*c = o
		return
	}
	n := c.n + o.n
	dx, dy := o.mx-c.mx, o.my-c.my
	f := c.n * o.n / n
	c.m2x += o.m2x + dx*dx*f
	c.m2y += o.m2y + dy*dy*f
	c.cxy += o.cxy + dx*dy*f
	c.mx += dx * o.n / n
	c.my += dy * o.n / n
	c.n = n
}

// corrCovState computes Pearson's correlation (corr) or the covariance
// with ddof (cov) of two columns per group, Polars' way: a row with a null
// in either input is skipped, NaN propagates; corr of fewer than two rows
// or of a constant is NaN, cov of n rows with n <= ddof is null.
type corrCovState struct {
	corr   bool
	ddof   float64
	acc    []comoment
	xs, ys []float64
}

func (s *corrCovState) Grow(n int) { s.acc = growTo(s.acc, n) }

func (s *corrCovState) Update([]int32, arrow.Array, int64) {} // fed by UpdatePair

func (s *corrCovState) UpdatePair(gids []int32, x, y arrow.Array) {
	if x.DataType().ID() == arrow.NULL || y.DataType().ID() == arrow.NULL {
		return
	}
	s.xs = floatsOf(x, s.xs)
	s.ys = floatsOf(y, s.ys)
	xs, ys, acc := s.xs, s.ys, s.acc
	if x.NullN() == 0 && y.NullN() == 0 {
		for i, g := range gids {
			acc[g].add(xs[i], ys[i])
		}
		return
	}
	for i, g := range gids {
		if x.IsValid(i) && y.IsValid(i) {
			acc[g].add(xs[i], ys[i])
		}
	}
}

func (s *corrCovState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*corrCovState)
	for i, g := range srcG {
		s.acc[dstG[i]].Merge(o.acc[g])
	}
}

func (s *corrCovState) Finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.acc))
	valid := make([]bool, len(s.acc))
	for g, c := range s.acc {
		switch {
		case s.corr:
			out[g], valid[g] = c.cxy/math.Sqrt(c.m2x*c.m2y), true
		case c.n > s.ddof:
			out[g], valid[g] = c.cxy/(c.n-s.ddof), true
		}
	}
	return kernels.NumArray(mem, arrow.PrimitiveTypes.Float64, out, valid)
}

// floatsOf reads a numeric or Boolean array as float64 values into dst
// (reused); values under nulls are whatever the buffer holds.
func floatsOf(a arrow.Array, dst []float64) []float64 {
	n := a.Len()
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	switch a.DataType().ID() {
	case arrow.FLOAT64:
		copy(dst, kernels.Values[float64](a))
	case arrow.FLOAT32:
		widen(dst, kernels.Values[float32](a))
	case arrow.INT64:
		widen(dst, kernels.Values[int64](a))
	case arrow.INT32:
		widen(dst, kernels.Values[int32](a))
	case arrow.BOOL:
		b := a.(*array.Boolean)
		for i := range dst {
			dst[i] = float64(BoolToInt(b.Value(i)))
		}
	default:
		get := kernels.NumericAsFloat(a)
		for i := range dst {
			dst[i] = get(i)
		}
	}
	return dst
}

func widen[T kernels.Num](dst []float64, v []T) {
	for i, x := range v {
		dst[i] = float64(x)
	}
}
