package exec

import (
	"context"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// buildOrderOp puts the output of a left join that hashes its left input
// back in left order: it materializes its input and reorders the rows by
// their last column, the build (left) row number, stably (matches of one
// left row stay in probe order). Row numbers are dense, 0 to the build
// rows, so a counting sort does it in two passes, where a general sort
// (TPC-H Q13: 1.5M orders rows) took a fifth of the query.
type buildOrderOp struct {
	mem    memory.Allocator
	input  Operator
	schema *arrow.Schema
	done   bool
}

func (s *buildOrderOp) Schema() *arrow.Schema { return s.schema }
func (s *buildOrderOp) Close()                { s.input.Close() }

func (s *buildOrderOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	rb, err := collectAll(ctx, s.mem, s.input, s.schema)
	if err != nil || rb == nil {
		return nil, err
	}
	defer rb.Release()
	rowCol, ok := rb.Column(int(rb.NumCols()) - 1).(*array.Int32)
	if !ok || rowCol.NullN() > 0 {
		return nil, core.Errorf(core.KindInternal, "left join: the build row column is not a non-null Int32")
	}
	perm, err := countingOrder(rowCol.Int32Values())
	if err != nil {
		return nil, err
	}
	return gatherBatch(s.mem, rb, perm)
}

// countingOrder returns the stable order of rows by their non-negative
// keys (a counting sort).
func countingOrder(keys []int32) ([]int32, error) {
	var hi int32 = -1
	for _, k := range keys {
		if k < 0 {
			return nil, core.Errorf(core.KindInternal, "left join: negative build row %d", k)
		}
		hi = max(hi, k)
	}
	start := make([]int32, int(hi)+2)
	for _, k := range keys {
		start[k+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	perm := make([]int32, len(keys))
	for i, k := range keys {
		perm[start[k]] = int32(i)
		start[k]++
	}
	return perm, nil
}
