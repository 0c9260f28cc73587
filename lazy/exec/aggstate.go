package exec

import (
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// aggState is a registry aggregate's per-group state (fn.AggState): the
// executor drives it through the interface only.
type aggState = fn.AggState

// pairAggState is a state of two inputs (corr, cov), fed by UpdatePair.
type pairAggState = fn.PairState

// appendGrow is append of one element that doubles the capacity when it
// must grow (see growTo): a group table's per-group arrays.
func appendGrow[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 8))
	}
	return append(s, v)
}

// aggEnv is what the aggregate states need of the executor: its row
// encoding (n_unique of strings and other values) and its worker pool.
var aggEnv = &fn.AggEnv{
	RowEncoder: func(arr arrow.Array) (fn.RowEncoder, error) {
		enc, err := newRowEncoder([]arrow.Array{arr})
		if err != nil {
			return nil, err
		}
		return rowEncoding{enc}, nil
	},
	ParallelRanges: parallelRanges,
}

// rowEncoding is a rowEncoder as fn.RowEncoder.
type rowEncoding struct{ *rowEncoder }

func (e rowEncoding) Encode(dst []byte, i int) []byte { return e.encode(dst, i) }

// newAggState returns the state for one resolved aggregate, made by its
// registry entry.
func newAggState(a *lazy.Agg) (aggState, error) {
	entry, ok := a.Func.Entry()
	if !ok {
		return nil, core.Errorf(core.KindNotSupported, "aggregate %q is not supported", string(a.Func))
	}
	c := &fn.AggCall{Out: a.Type, Param: a.Param, Interp: a.Interp, Checked: a.Checked, Env: aggEnv}
	if a.X != nil {
		c.In = a.X.DataType()
	}
	return entry.NewState(c)
}

// intAt reads row i of an integer-like fixed-width array as an int64.
func intAt(a arrow.Array, i int) int64 { return fn.IntAt(a, i) }

// b2i is 1 for true, 0 for false.
func b2i(b bool) int { return fn.BoolToInt(b) }

// stringArray builds an array of the string type t from v, null where
// valid is false.
func stringArray(mem memory.Allocator, t arrow.DataType, v []string, valid []bool) (arrow.Array, error) {
	return fn.StringArray(mem, t, v, valid)
}
