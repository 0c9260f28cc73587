package main

/*
#include <stdint.h>
*/
import "C"

import (
	"runtime/cgo"
	"runtime/debug"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/dataframe"
	"github.com/apache/arrow-go/v18/arrow/cdata"
)

// mem allocates every buffer the engine hands to Python: C memory, so that
// exported Arrow arrays never point into the Go heap.
var mem = core.NewCAllocator(1 << 30)

// wideTable is the column count from which exporting a table first returns
// the Go heap's free memory to the system (see alopex_table_export).
const wideTable = 10_000

func tableOf(h C.uint64_t) (*core.Table, error) {
	if h == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "null table handle")
	}
	t, ok := cgo.Handle(h).Value().(*core.Table)
	if !ok {
		return nil, core.Errorf(core.KindInternal, "handle %d is not a table", uint64(h))
	}
	return t, nil
}

// alopex_table_import takes over the ArrowArrayStream at stream (moving it
// out; the caller's struct is left released), reads every batch without
// copying buffers, and returns a table handle in *out.
//
//export alopex_table_import
func alopex_table_import(stream unsafe.Pointer, out *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		t, err := dataframe.ImportStream((*cdata.CArrowArrayStream)(stream), mem)
		if err != nil {
			return err
		}
		*out = C.uint64_t(cgo.NewHandle(t))
		return nil
	})
}

// alopex_table_export writes an ArrowArrayStream over the table's batches to
// *stream (a zero-initialized struct owned by the caller). The stream holds
// its own references: releasing the table handle afterwards is safe.
//
//export alopex_table_export
func alopex_table_export(h C.uint64_t, stream unsafe.Pointer, errOut **C.char) C.int {
	return call(errOut, func() error {
		t, err := tableOf(h)
		if err != nil {
			return err
		}
		// Settle lazily computed facts (null counts) here, under guard: the
		// stream's callbacks run later, outside any export's recover.
		for _, rb := range t.Batches() {
			for _, c := range rb.Columns() {
				_ = c.NullN()
				if err := core.CheckExportable(c); err != nil {
					return err
				}
			}
		}
		if t.Schema().NumFields() >= wideTable {
			// Building a wide table leaves hundreds of MB of per-column
			// garbage in the Go heap, which the runtime keeps mapped:
			// return it before pyarrow builds its own objects for every
			// column, so that the two do not add up. Narrow results skip
			// this (a forced GC costs time proportional to the live heap).
			debug.FreeOSMemory()
		}
		exportStream(t.Schema(), t.Batches(), stream)
		return nil
	})
}

// alopex_table_num_rows reports a table's row count.
//
//export alopex_table_num_rows
func alopex_table_num_rows(h C.uint64_t, out *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		t, err := tableOf(h)
		if err != nil {
			return err
		}
		*out = C.int64_t(t.NumRows())
		return nil
	})
}

// alopex_table_release drops the handle's reference to a table.
//
//export alopex_table_release
func alopex_table_release(h C.uint64_t) {
	defer func() { _ = recover() }()
	if h == 0 {
		return
	}
	handle := cgo.Handle(h)
	t, ok := handle.Value().(*core.Table)
	handle.Delete()
	if !ok {
		return
	}
	wide := t.Schema().NumFields() >= wideTable
	t.Release()
	if wide {
		// Python releases a wide result's table once pyarrow has its
		// schema and before it imports the batches: return the Go
		// objects of its columns (hundreds of bytes each) first.
		debug.FreeOSMemory()
	}
}
