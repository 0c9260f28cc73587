package core

import (
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Table is an immutable, materialized set of record batches sharing one
// schema. It is reference counted: NewTable takes over the caller's
// references to the batches, and the last Release releases them.
type Table struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	rows    int64
	refs    atomic.Int64
	goHeap  bool
}

// NewTable builds a Table from batches, taking over their references.
func NewTable(schema *arrow.Schema, batches []arrow.RecordBatch) *Table {
	t := &Table{schema: schema, batches: batches}
	for _, b := range batches {
		t.rows += b.NumRows()
	}
	t.refs.Store(1)
	return t
}

// NewGoHeapTable is NewTable for batches whose buffers the engine built in
// the Go heap (a recursive CTE's rows, computed while its query compiles).
// A query result must not hand such memory to C as it hands out imported
// tables' buffers: the executor copies their columns into its output
// allocator instead (cgo's pointer rules; the Go heap may free them).
func NewGoHeapTable(schema *arrow.Schema, batches []arrow.RecordBatch) *Table {
	t := NewTable(schema, batches)
	t.goHeap = true
	return t
}

// GoHeap reports whether the table's buffers live in the Go heap.
func (t *Table) GoHeap() bool { return t.goHeap }

// Name is how explain output shows an in-memory table.
func (t *Table) Name() string {
	names := make([]string, t.schema.NumFields())
	for i, f := range t.schema.Fields() {
		names[i] = f.Name
	}
	const shown = 8
	if len(names) > shown {
		names = append(names[:shown], "…")
	}
	return "DF [" + strings.Join(names, ", ") + "]"
}

// Schema returns the table's schema.
func (t *Table) Schema() *arrow.Schema { return t.schema }

// NumRows returns the total number of rows.
func (t *Table) NumRows() int64 { return t.rows }

// Batches returns the table's batches; they stay owned by the table.
func (t *Table) Batches() []arrow.RecordBatch { return t.batches }

// Retain adds a reference.
func (t *Table) Retain() { t.refs.Add(1) }

// Release drops a reference; the last one releases the batches.
func (t *Table) Release() {
	if t.refs.Add(-1) == 0 {
		for _, b := range t.batches {
			b.Release()
		}
		t.batches = nil
	}
}

// CheckExportable reports an array the C Data Interface export would crash
// on (a dictionary array that lost its dictionary) as an InternalError, so a
// bug surfaces as an exception rather than a dead interpreter.
func CheckExportable(a arrow.Array) error {
	if a.DataType().ID() != arrow.DICTIONARY {
		return nil
	}
	d := a.Data().Dictionary()
	if dd, ok := d.(*array.Data); d == nil || (ok && dd == nil) {
		return Errorf(KindInternal, "a %s column of %d rows has no dictionary", DTypeName(a.DataType()), a.Len())
	}
	return nil
}
