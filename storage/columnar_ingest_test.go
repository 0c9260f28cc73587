package storage

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

// TestColumnarLoadNewIngests: LoadNew into a columnar table created in the
// transaction on disk writes its chunks to one sstable ingested at commit
// (not through the pending writes), seals the transaction, and the rows
// read back the same, before and after a reopen, as a row table's.
func TestColumnarLoadNewIngests(t *testing.T) {
	withSegmentRows(t, 2)
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defs := allTypes()
	rows := batch(t, schemaOfDefs(defs), allTypesRows)
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "r", Columns: defs, PrimaryKey: []string{"id"}}); err != nil {
			return err
		}
		_, err := tx.Insert("r", rows, ConflictError)
		return err
	})
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.CreateTable(TableDef{Name: "c", Columns: defs, PrimaryKey: []string{"id"}, Storage: StorageColumnar}); err != nil {
		t.Fatal(err)
	}
	if n, err := tx.LoadNew("c", []arrow.RecordBatch{rows, rows.NewSlice(0, 0)}); n != 4 || err != nil {
		t.Fatalf("LoadNew = %d, %v", n, err)
	}
	if len(tx.bulk) != 1 {
		t.Fatalf("%d bulk files, want the chunks' one", len(tx.bulk))
	}
	if _, err := tx.Insert("r", rows, ConflictError); err == nil {
		t.Fatal("a statement after the bulk load ran; the transaction should be sealed")
	} else {
		wantKind(t, err, core.KindInvalidInput)
	}
	path := tx.bulk[0].path
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the ingested file is still in the temporary directory: %v", err)
	}
	check := func(db *DB) {
		run(t, db, func(tx *Txn) error {
			segs, err := tx.Segments("c")
			if err != nil || len(segs) != 2 {
				t.Errorf("%d segments, %v; want 2", len(segs), err)
			}
			want := readAll(t, tx, "r", ScanOptions{})
			slices.Sort(want)
			eq(t, columnarRows(t, tx, "c", nil), want)
			return nil
		})
	}
	check(db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check(db)
}

// TestColumnarLoadNewRollback: a rolled-back load leaves no table and no
// file behind.
func TestColumnarLoadNewRollback(t *testing.T) {
	withSegmentRows(t, 2)
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	defs := allTypes()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.CreateTable(TableDef{Name: "c", Columns: defs, PrimaryKey: []string{"id"}, Storage: StorageColumnar}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.LoadNew("c", []arrow.RecordBatch{batch(t, schemaOfDefs(defs), allTypesRows)}); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	left, _ := filepath.Glob(filepath.Join(dir, tmpDirName, "*.sst"))
	if len(left) > 0 {
		t.Errorf("files left: %v", left)
	}
	run(t, db, func(tx *Txn) error {
		if _, err := tx.Table("c"); err == nil {
			t.Error("the rolled-back table exists")
		}
		return nil
	})
}
