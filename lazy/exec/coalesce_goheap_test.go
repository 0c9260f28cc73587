package exec

import (
	"context"
	"testing"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A scan passed straight through hands out an imported table's buffers, but
// copies a Go-heap table's (a recursive CTE's rows) into the output
// allocator: exporting Go memory to C breaks cgo's rules (cgocheck2 aborted
// the process on `WITH RECURSIVE … SELECT * FROM c`).
func TestResultCopiesGoHeapSources(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	first := func(tbl *core.Table) uintptr {
		return uintptr(unsafe.Pointer(&tbl.Batches()[0].Column(0).Data().Buffers()[1].Bytes()[0]))
	}
	for _, goHeap := range []bool{false, true} {
		b := array.NewInt64Builder(memory.DefaultAllocator)
		b.AppendValues([]int64{1, 2, 3}, nil)
		col := b.NewArray()
		b.Release()
		rb := array.NewRecordBatch(schema, []arrow.Array{col}, 3)
		src := core.NewTable(schema, []arrow.RecordBatch{rb})
		if goHeap {
			src = core.NewGoHeapTable(schema, []arrow.RecordBatch{rb})
		}
		out := core.NewCAllocator(0)
		res, err := Run(context.Background(), out, lazy.NewScan(src))
		if err != nil {
			t.Fatal(err)
		}
		same := first(res) == first(src)
		if same == goHeap {
			t.Errorf("goHeap=%v: result shares the source's buffer = %v", goHeap, same)
		}
		if got := res.Batches()[0].Column(0).(*array.Int64).Int64Values(); len(got) != 3 || got[2] != 3 {
			t.Errorf("goHeap=%v: result %v", goHeap, got)
		}
		res.Release()
	}
}
