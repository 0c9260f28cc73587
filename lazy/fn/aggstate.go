package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// AggState accumulates one aggregate for many groups, indexed by group id
// (DataFusion's GroupsAccumulator). Grow makes room for n groups; Update
// folds a batch in (gids[i] is the group of row i; arr is nil for len; base
// is the position of the batch's first row, for first and last); Merge
// folds another state's groups srcG into this state's groups dstG (the
// other state is of the same aggregate and input type); Finish builds the
// result column in group id order. A state is used by one goroutine at a
// time; the executor merges the states of its workers.
type AggState interface {
	Grow(n int)
	Update(gids []int32, arr arrow.Array, base int64)
	Merge(src AggState, srcG, dstG []int32)
	Finish(mem memory.Allocator) (arrow.Array, error)
}

// SelUpdater is an AggState that folds in the rows of a batch at a
// selection without the executor gathering them first (DuckDB's and
// Velox's selection vectors): gids[k] is the group of row sel[k] of arr,
// sel ascending. The result is that of Update(gids, the rows of arr at
// sel, base). States that do not implement it get gathered inputs.
type SelUpdater interface {
	UpdateSel(gids []int32, arr arrow.Array, sel []int32)
}

// AggCall is one resolved aggregate call as its state constructor sees it.
type AggCall struct {
	Name string
	// In is the input's type (nil for len without input), Out the result
	// type the rule resolved.
	In, Out arrow.DataType
	Param   float64
	Interp  string
	// Checked: an integer sum raises on overflow (SQL) instead of
	// wrapping (Polars).
	Checked bool
	// Env is what the state needs of the executor.
	Env *AggEnv
}

// AggEnv is what a state needs of the executor, passed in (this package
// sits below it).
type AggEnv struct {
	// RowEncoder returns an encoder of arr's values as bytes, equal for
	// equal values (nulls included) and different otherwise: n_unique of
	// values other than integers.
	RowEncoder func(arr arrow.Array) (RowEncoder, error)
	// ParallelRanges runs f over chunks of [0, n) of at least minChunk
	// items on the executor's cores, returning when all are done.
	ParallelRanges func(n, minChunk int, f func(lo, hi int))
}

// RowEncoder appends the encoding of row i to dst.
type RowEncoder interface {
	Encode(dst []byte, i int) []byte
}

// NewState returns a new state for the call (see AggState).
func (a *Aggregate) NewState(c *AggCall) (AggState, error) {
	c.Name = a.Name
	return a.State(c)
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

// IntAt reads row i of an integer-like fixed-width array as an int64.
func IntAt(a arrow.Array, i int) int64 {
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

// nullState is the state of min, max, first or last of a Null column.
type nullState struct{ n int }

func (s *nullState) Grow(n int)                                       { s.n = max(s.n, n) }
func (s *nullState) Update([]int32, arrow.Array, int64)               {}
func (s *nullState) Merge(AggState, []int32, []int32)                 {}
func (s *nullState) Finish(mem memory.Allocator) (arrow.Array, error) { return array.NewNull(s.n), nil }
