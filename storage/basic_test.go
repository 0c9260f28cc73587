package storage

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var i64, f64, str = arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String

func TestInsertScanGet(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "name", Type: str}, {Name: "x", Type: f64}}, PrimaryKey: []string{"id"}})
	})
	s := schemaOf(field("id", i64), field("name", str), field("x", f64))
	run(t, db, func(tx *Txn) error {
		n, err := tx.Insert("t", batch(t, s, `[{"id": 3, "name": "c", "x": 1.5}, {"id": 1, "name": "a", "x": null}, {"id": 2, "name": "b\u0000é", "x": -2}]`), ConflictError)
		if n != 3 {
			t.Errorf("inserted %d", n)
		}
		return err
	})
	eq(t, scanRows(t, db, "t", ScanOptions{}), []string{"1,a,(null)", "2,b\x00é,-2", "3,c,1.5"})
	eq(t, scanRows(t, db, "t", ScanOptions{Columns: []string{"x", "id"}, Ranges: []KeyRange{{Lower: []any{2}}}}), []string{"-2,2", "1.5,3"})
	run(t, db, func(tx *Txn) error {
		row, ok, err := tx.Get("t", []any{3})
		if !ok || err != nil || row[1] != "c" || row[2] != 1.5 {
			t.Errorf("Get = %v %v %v", row, ok, err)
		}
		return nil
	})
}

// Scan allocates its batches with the allocator it is given (capi passes
// the C allocator for buffers Python keeps), and frees them all.
func TestScanUsesAllocator(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(allTypesDef("t")); err != nil {
			return err
		}
		_, err := tx.Insert("t", batch(t, schemaOf(field("k", i64), field("s", str), field("v", arrow.ListOf(f64))), `[{"k":1,"s":"a","v":[1,2,3]},{"k":2,"s":null,"v":null}]`), ConflictError)
		return err
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	run(t, db, func(tx *Txn) error {
		rr, err := tx.Scan("t", ScanOptions{Mem: mem})
		if err != nil {
			return err
		}
		n := 0
		for rr.Next() {
			n += int(rr.RecordBatch().NumRows())
			if mem.CurrentAlloc() == 0 {
				t.Error("the batch was not allocated with the given allocator")
			}
		}
		rr.Release()
		if n != 2 {
			t.Errorf("%d rows", n)
		}
		return rr.Err()
	})
	mem.AssertSize(t, 0)
}
