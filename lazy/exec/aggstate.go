package exec

import (
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// aggState accumulates one aggregate for many groups, indexed by group id.
// update folds a batch in (gids[i] is the group of row i; arr is nil for
// len; base is the position of the batch's first row, for first and last);
// merge folds other states' groups srcG into this state's groups dstG;
// finish builds the result column in group id order.
type aggState interface {
	grow(n int)
	update(gids []int32, arr arrow.Array, base int64)
	merge(src aggState, srcG, dstG []int32)
	finish(mem memory.Allocator) (arrow.Array, error)
}

// growTo extends s to n elements, the new ones zero. When it must
// reallocate, capacity at least doubles: append grows a large slice by a
// quarter, which copied the per-group arrays of a million groups about
// five times over, each time into fresh pages the kernel faults in
// (memmove and page faults were a tenth of TPC-H Q18's profile).
func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	if n <= cap(s) {
		old := len(s)
		s = s[:n]
		clear(s[old:])
		return s
	}
	out := make([]T, n, max(n, 2*cap(s)))
	copy(out, s)
	return out
}

// appendGrow is append of one element that doubles the capacity when it
// must grow (see growTo): a group table's per-group arrays.
func appendGrow[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 8))
	}
	return append(s, v)
}

// newAggState returns the state for one resolved aggregate.
func newAggState(a *lazy.Agg) (aggState, error) {
	var in arrow.DataType
	if a.X != nil {
		in = a.X.DataType()
	}
	switch a.Func {
	case lazy.AggLen:
		return &countState{all: true}, nil
	case lazy.AggCount:
		return &countState{}, nil
	case lazy.AggSum:
		return newSumState(in, a.Type)
	case lazy.AggMean:
		return &meanState{out: a.Type}, nil
	case lazy.AggStd, lazy.AggVar:
		return &varState{out: a.Type, ddof: a.Param, std: a.Func == lazy.AggStd}, nil
	case lazy.AggMin, lazy.AggMax:
		return newMinMax(in, a.Func == lazy.AggMax)
	case lazy.AggFirst, lazy.AggLast:
		return &firstLastState{last: a.Func == lazy.AggLast, vals: newStore(in)}, nil
	case lazy.AggAny, lazy.AggAll:
		return &anyAllState{all: a.Func == lazy.AggAll}, nil
	case lazy.AggMedian:
		return &quantileState{out: a.Type, q: 0.5, interp: "linear"}, nil
	case lazy.AggQuantile:
		return &quantileState{out: a.Type, q: a.Param, interp: a.Interp}, nil
	case lazy.AggNUnique:
		return &nUniqueState{}, nil
	case lazy.AggCorr, lazy.AggCov:
		return &corrCovState{corr: a.Func == lazy.AggCorr, ddof: a.Param}, nil
	case lazy.AggTopK, lazy.AggBottomK:
		return newTopKState(a)
	}
	return nil, core.Errorf(core.KindNotSupported, "aggregate %s is not supported", a.Func)
}

// intAt reads row i of an integer-like fixed-width array as an int64.
func intAt(a arrow.Array, i int) int64 {
	unsigned := core.IsUnsigned(a.DataType())
	switch a.DataType().(arrow.FixedWidthDataType).BitWidth() {
	case 8:
		if unsigned {
			return int64(kernels.Values[uint8](a)[i])
		}
		return int64(kernels.Values[int8](a)[i])
	case 16:
		if unsigned {
			return int64(kernels.Values[uint16](a)[i])
		}
		return int64(kernels.Values[int16](a)[i])
	case 32:
		if unsigned {
			return int64(kernels.Values[uint32](a)[i])
		}
		return int64(kernels.Values[int32](a)[i])
	}
	return kernels.Values[int64](a)[i]
}

type nullState struct{ n int }

func (s *nullState) grow(n int)                                       { s.n = max(s.n, n) }
func (s *nullState) update([]int32, arrow.Array, int64)               {}
func (s *nullState) merge(aggState, []int32, []int32)                 {}
func (s *nullState) finish(mem memory.Allocator) (arrow.Array, error) { return array.NewNull(s.n), nil }
