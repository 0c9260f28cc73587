package exec

import (
	"runtime"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// coalesce returns one batch holding the rows of batches (whose references
// the caller keeps). Columns are concatenated in parallel.
func coalesce(mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch) (out arrow.RecordBatch, err error) {
	switch len(batches) {
	case 0:
		cols := make([]arrow.Array, schema.NumFields())
		for i, f := range schema.Fields() {
			bld := array.NewBuilder(mem, f.Type)
			cols[i] = bld.NewArray()
			bld.Release()
		}
		rb := array.NewRecordBatch(schema, cols, 0)
		for _, c := range cols {
			c.Release()
		}
		return rb, nil
	case 1:
		rb := batches[0]
		if rb.Schema().Equal(schema) {
			rb.Retain()
			return rb, nil
		}
		return array.NewRecordBatch(schema, rb.Columns(), rb.NumRows()), nil
	}
	var rows int64
	for _, rb := range batches {
		rows += rb.NumRows()
	}
	cols := make([]arrow.Array, schema.NumFields())
	errs := make([]error, len(cols))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range cols {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer recoverAsError(&errs[i])
			parts := make([]arrow.Array, len(batches))
			for j, rb := range batches {
				parts[j] = rb.Column(i)
			}
			if whole := rejoinSlices(parts); whole != nil {
				cols[i] = whole
				return
			}
			cols[i], errs[i] = array.Concatenate(parts, mem)
		}()
	}
	wg.Wait()
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

// rejoinSlices returns the array that parts were cut from when they are
// consecutive slices of the same buffers (as a pass-through pipeline over one
// input batch produces), so that no data is copied; nil otherwise.
func rejoinSlices(parts []arrow.Array) arrow.Array {
	first := parts[0].Data()
	if len(first.Children()) > 0 {
		return nil
	}
	end := first.Offset() + first.Len()
	total := first.Len()
	for _, p := range parts[1:] {
		d := p.Data()
		if d.Offset() != end || len(d.Buffers()) != len(first.Buffers()) {
			return nil
		}
		for k, b := range d.Buffers() {
			fb := first.Buffers()[k]
			if (b == nil) != (fb == nil) || (b != nil && b.Len() > 0 && fb.Len() > 0 && &b.Bytes()[0] != &fb.Bytes()[0]) {
				return nil
			}
		}
		end += d.Len()
		total += d.Len()
	}
	nulls := array.UnknownNullCount
	if first.Buffers()[0] == nil {
		nulls = 0
	}
	data := array.NewData(first.DataType(), total, first.Buffers(), nil, nulls, first.Offset())
	defer data.Release()
	return array.MakeFromData(data)
}
