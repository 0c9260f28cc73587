package main

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/cdata"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
)

// testBatch is a batch of flat columns (with nulls, unicode names and a
// sliced column) and of columns left to arrow-go (list, struct, dictionary).
func testBatch(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	const js = `[
		{"i": 1, "ü名": "a", "b": true, "f": 1.5, "ts": 10, "l": [1, 2], "st": {"x": 1}, "d": "p", "bin": "AQI="},
		{"i": null, "ü名": null, "b": null, "f": null, "ts": null, "l": null, "st": null, "d": null, "bin": null},
		{"i": 3, "ü名": "ççç", "b": false, "f": -0.0, "ts": 30, "l": [], "st": {"x": null}, "d": "q", "bin": ""},
		{"i": 4, "ü名": "", "b": true, "f": 4.0, "ts": 40, "l": [null], "st": {"x": 4}, "d": "p", "bin": "/w=="}
	]`
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "ü名", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: false},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "Europe/Paris"}, Nullable: true},
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
		{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int16, Nullable: true}), Nullable: true},
		{Name: "d", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.LargeBinary, Nullable: true},
	}, nil)
	rb, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Release()
	// Offsets must cross the boundary too: every column but the struct is
	// a slice (arrow-go exports a sliced struct's fields sliced twice).
	cols := make([]arrow.Array, len(schema.Fields()))
	for i, c := range rb.Columns() {
		if c.DataType().ID() == arrow.STRUCT {
			st, _, err := array.FromJSON(mem, c.DataType(), strings.NewReader(`[null, {"x": null}, {"x": 4}]`))
			if err != nil {
				t.Fatal(err)
			}
			cols[i] = st
			continue
		}
		cols[i] = array.NewSlice(c, 1, 4)
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	return array.NewRecordBatch(schema, cols, 3)
}

func newCSchema() *cSchema { return new(cSchema) }
func newCArray() *cArray   { return new(cArray) }

func TestExportSchemaRoundTrips(t *testing.T) {
	mem := memory.NewCheckedAllocator(mallocator.NewMallocator())
	defer mem.AssertSize(t, 0)
	rb := testBatch(t, mem)
	defer rb.Release()
	s := newCSchema()
	exportSchema(rb.Schema(), s)
	got, err := cdata.ImportCArrowSchema((*cdata.CArrowSchema)(unsafe.Pointer(s))) // releases s
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(rb.Schema()) {
		t.Fatalf("schema changed:\n%v\nwant\n%v", got, rb.Schema())
	}
	if s.release != nil {
		t.Fatal("the schema was not released")
	}
}

// TestExportSchemaTypeParameters checks types whose fingerprints match but
// whose formats differ (arrow-go's fixed-size binary fingerprint leaves out
// the width), so the format cache cannot mix them up.
func TestExportSchemaTypeParameters(t *testing.T) {
	want := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: &arrow.FixedSizeBinaryType{ByteWidth: 2}, Nullable: true},
		{Name: "b", Type: &arrow.FixedSizeBinaryType{ByteWidth: 4}, Nullable: true},
		{Name: "c", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 10, Scale: 3}, Nullable: true},
		{Name: "e", Type: &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}, Nullable: true},
		{Name: "f", Type: &arrow.TimestampType{Unit: arrow.Second}, Nullable: true},
	}, nil)
	s := newCSchema()
	exportSchema(want, s)
	got, err := cdata.ImportCArrowSchema((*cdata.CArrowSchema)(unsafe.Pointer(s)))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want) {
		t.Fatalf("schema changed:\n%v\nwant\n%v", got, want)
	}
}

func TestExportBatchRoundTripsAndFreesOnce(t *testing.T) {
	mem := memory.NewCheckedAllocator(mallocator.NewMallocator())
	defer mem.AssertSize(t, 0)
	rb := testBatch(t, mem)
	a := newCArray()
	exportBatch(rb, a)
	got, err := cdata.ImportCRecordBatchWithSchema((*cdata.CArrowArray)(unsafe.Pointer(a)), rb.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if !array.RecordEqual(got, rb) {
		t.Fatalf("batch changed:\n%v\nwant\n%v", got, rb)
	}
	rb.Release()
	if mem.CurrentAlloc() == 0 {
		t.Fatal("the exported batch no longer holds its buffers")
	}
	got.Release() // the last release frees the block and the batch, once
}

// TestExportedChildMovedOut follows the C Data Interface's moving rule: a
// consumer may move a child out and release the parent; the buffers must
// stay until the moved child is released.
func TestExportedChildMovedOut(t *testing.T) {
	mem := memory.NewCheckedAllocator(mallocator.NewMallocator())
	defer mem.AssertSize(t, 0)
	rb := testBatch(t, mem)
	a := newCArray()
	exportBatch(rb, a)
	rb.Release() // the export keeps the buffers, not the batch
	children := unsafe.Slice(a.children, a.n_children)
	moved := []*cArray{newCArray(), newCArray()}
	for k, i := range []int{0, 5} { // a flat column and a list left to arrow-go
		*moved[k] = *children[i]
		children[i].release = nil
	}
	releaseArray(a)
	if a.release != nil {
		t.Fatal("the parent was not released")
	}
	if mem.CurrentAlloc() == 0 {
		t.Fatal("releasing the parent freed the buffers of moved children")
	}
	values := (*[4]int64)(unsafe.Slice(moved[0].buffers, 2)[1])
	if moved[0].length != 3 || moved[0].offset != 1 || values[2] != 3 {
		t.Fatalf("moved child: length %d, offset %d, values %v", moved[0].length, moved[0].offset, values)
	}
	releaseArray(moved[1])
	releaseArray(moved[0])
	releaseArray(moved[0]) // a second release is a no-op
}
