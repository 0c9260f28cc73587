package exec

import (
	"context"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// unionOp reads its inputs one after the other.
type unionOp struct {
	inputs []Operator
	cur    int
	schema *arrow.Schema
}

func (u *unionOp) Schema() *arrow.Schema { return u.schema }

func (u *unionOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for u.cur < len(u.inputs) {
		rb, err := u.inputs[u.cur].Next(ctx)
		if err != nil {
			return nil, err
		}
		if rb != nil {
			// Inputs may differ in field metadata or nullability: present one schema.
			out := array.NewRecordBatch(u.schema, rb.Columns(), rb.NumRows())
			rb.Release()
			return out, nil
		}
		u.cur++
	}
	return nil, nil
}

func (u *unionOp) Close() {
	for _, in := range u.inputs {
		in.Close()
	}
}

// rowIndexOp prepends a UInt32 row number to its input's batches, in order.
type rowIndexOp struct {
	mem    memory.Allocator
	input  Operator
	next   int64
	schema *arrow.Schema
}

func (r *rowIndexOp) Schema() *arrow.Schema { return r.schema }
func (r *rowIndexOp) Close()                { r.input.Close() }

func (r *rowIndexOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rb, err := r.input.Next(ctx)
	if err != nil || rb == nil {
		return nil, err
	}
	defer rb.Release()
	n := rb.NumRows()
	if r.next+n-1 > int64(^uint32(0)) {
		return nil, core.Errorf(core.KindCompute, "with_row_index: more than 4294967295 rows do not fit the UInt32 index")
	}
	b := array.NewUint32Builder(r.mem)
	defer b.Release()
	b.Reserve(int(n))
	for i := range n {
		b.UnsafeAppend(uint32(r.next + i))
	}
	r.next += n
	idx := b.NewArray()
	defer idx.Release()
	cols := append([]arrow.Array{idx}, rb.Columns()...)
	return array.NewRecordBatch(r.schema, cols, n), nil
}

// tailOp keeps the last n rows of its input.
type tailOp struct {
	mem    memory.Allocator
	input  Operator
	n      int64
	length int64 // -1: all; see lazy.Tail
	done   bool
}

func (t *tailOp) Schema() *arrow.Schema { return t.input.Schema() }
func (t *tailOp) Close()                { t.input.Close() }

func (t *tailOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if t.done {
		return nil, nil
	}
	t.done = true
	rb, err := collectAll(ctx, t.mem, t.input, t.input.Schema())
	if err != nil {
		return nil, err
	}
	rows := rb.NumRows()
	start := max(rows-t.n, 0)
	end := rows
	if t.length >= 0 {
		// Window positions [0, length) from row rows-n, which may lie before row 0.
		end = min(max(rows-t.n+t.length, 0), rows)
	}
	if start == 0 && end == rows {
		return rb, nil
	}
	defer rb.Release()
	return rb.NewSlice(start, max(start, end)), nil
}
