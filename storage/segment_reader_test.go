package storage

import (
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// A SegmentReader reads the segments as they were when it was opened:
// rows the transaction deletes or moves to the delta afterwards are still
// read (in every segment, the one holding earlier markers too), a segment
// the transaction writes afterwards (in a table it loaded itself, whose
// chunks are pending writes) is not one it reads, and once the
// transaction ends a Read fails cleanly.
func TestSegmentReaderReadsTheTableAsOpened(t *testing.T) {
	withSegmentRows(t, 8)
	db := openMem(t)
	loadInts(t, db, 30) // segments of ids 0-7, 8-15, 16-23, 24-29
	ids := schemaOf(field("id", arrow.PrimitiveTypes.Int64))
	idv := schemaOf(field("id", arrow.PrimitiveTypes.Int64), field("v", arrow.PrimitiveTypes.Int64))
	run(t, db, func(tx *Txn) error { _, err := tx.Delete("c", batch(t, ids, `[{"id": 9}]`)); return err })
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	segs, err := tx.Segments("c")
	if err != nil || len(segs) != 4 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	r, err := tx.OpenSegments("c")
	if err != nil {
		t.Fatal(err)
	}
	readAllSegments := func() []string {
		var out []string
		for _, s := range segs {
			sd, err := r.Read(s, nil)
			if err != nil {
				t.Fatal(err)
			}
			rb, err := sd.Decode(memory.DefaultAllocator)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, batchRows(rb)...)
			rb.Release()
		}
		slices.Sort(out)
		return out
	}
	want := intRows(0, 30, 9)
	eq(t, readAllSegments(), want)
	// An UPDATE of rows in three segments (a marker and a delta row each), a
	// DELETE in the segment that already has a marker, a moved key.
	if _, err := tx.Update("c", batch(t, idv, `[{"id": 1, "v": -1}, {"id": 12, "v": -1}, {"id": 29, "v": -1}]`)); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Delete("c", batch(t, ids, `[{"id": 10}, {"id": 17}]`)); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.UpdateKeys("c", batch(t, ids, `[{"id": 20}]`), batch(t, idv, `[{"id": 100, "v": 5}]`)); err != nil {
		t.Fatal(err)
	}
	eq(t, readAllSegments(), want)
	// The transaction's own view has moved on.
	eq(t, columnarRows(t, tx, "c", nil), func() []string {
		w := append(intRows(0, 30, 9, 1, 12, 29, 10, 17, 20), "1,-1", "12,-1", "29,-1", "100,5")
		slices.Sort(w)
		return w
	}())
	tx.Rollback()
	if _, err := r.Read(segs[0], nil); core.KindOf(err) != core.KindInvalidInput {
		t.Fatalf("a read after the transaction ended: %v", err)
	}
	r.Release()
}
