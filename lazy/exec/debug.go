package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DebugPanicInWorker runs a one-morsel pipeline whose step panics on a worker
// goroutine and returns the error that panic becomes. It exists so that
// tests (Go and Python) can prove a panic deep in the engine never crashes
// the host process.
func DebugPanicInWorker(ctx context.Context, mem memory.Allocator) error {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(mem)
	b.Append(1)
	col := b.NewArray()
	b.Release()
	rb := array.NewRecordBatch(schema, []arrow.Array{col}, 1)
	col.Release()
	p := newPipeline(schema, []arrow.RecordBatch{rb}, -1)
	p.then(func(arrow.RecordBatch) (arrow.RecordBatch, error) {
		var m map[string]int
		m["boom"] = 1 // a genuine runtime panic: assignment to a nil map
		return nil, nil
	}, schema)
	defer p.Close()
	_, err := p.Next(ctx)
	return err
}
