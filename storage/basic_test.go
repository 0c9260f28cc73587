package storage

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
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

// A table without a primary key: rows are keyed by the hidden _rowid,
// which Update and Delete take as the key.
func TestHiddenRowID(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "h", Columns: []ColumnDef{{Name: "a", Type: str}, {Name: "f", Type: arrow.PrimitiveTypes.Float32}}})
	})
	s := schemaOf(field("a", str), field("f", arrow.PrimitiveTypes.Float32))
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("h", batch(t, s, `[{"a":"x","f":1.5},{"a":"x","f":null},{"a":"ü","f":-0.0}]`), ConflictError)
		return err
	})
	eq(t, scanRows(t, db, "h", ScanOptions{Columns: []string{RowIDColumn, "a", "f"}}), []string{"1,x,1.5", "2,x,(null)", "3,ü,-0"})
	run(t, db, func(tx *Txn) error {
		if n, err := tx.Update("h", batch(t, schemaOf(field(RowIDColumn, i64), field("a", str)), `[{"_rowid":2,"a":"y"}]`)); n != 1 || err != nil {
			t.Errorf("update by _rowid: %d, %v", n, err)
		}
		if n, err := tx.Delete("h", batch(t, schemaOf(field(RowIDColumn, i64)), `[{"_rowid":1},{"_rowid":9}]`)); n != 1 || err != nil {
			t.Errorf("delete by _rowid: %d, %v", n, err)
		}
		if n, err := tx.ApproxRowCount("h"); n != 2 || err != nil {
			t.Errorf("ApproxRowCount = %d, %v", n, err)
		}
		d, _ := tx.Table("h")
		if !d.HasHiddenRowID() || d.Schema().NumFields() != 2 {
			t.Errorf("descriptor %v", d.Schema())
		}
		return nil
	})
	eq(t, scanRows(t, db, "h", ScanOptions{}), []string{"y,(null)", "ü,-0"})
}

// Float keys: -0.0 and 0.0 are one key, NaN sorts last, as in Polars.
func TestFloatPrimaryKey(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "f", Columns: []ColumnDef{{Name: "x", Type: f64}}, PrimaryKey: []string{"x"}})
	})
	nan := arrowFloats(t, []float64{math.NaN(), 2, math.Inf(-1), 0})
	run(t, db, func(tx *Txn) error { _, err := tx.Insert("f", nan, ConflictError); return err })
	eq(t, scanRows(t, db, "f", ScanOptions{}), []string{"-Inf", "0", "2", "NaN"})
	err := db.Run(func(tx *Txn) error {
		_, err := tx.Insert("f", arrowFloats(t, []float64{math.Copysign(0, -1)}), ConflictError)
		return err
	})
	wantKind(t, err, core.KindConstraint)
}

func arrowFloats(t testing.TB, xs []float64) arrow.RecordBatch {
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	b.AppendValues(xs, nil)
	col := b.NewArray()
	rec := array.NewRecordBatch(schemaOf(field("x", f64)), []arrow.Array{col}, int64(len(xs)))
	t.Cleanup(rec.Release)
	return rec
}
