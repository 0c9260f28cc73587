package storage

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

func lowIngestMin(t *testing.T) {
	old := bulkIngestMinRows
	bulkIngestMinRows = 1
	t.Cleanup(func() { bulkIngestMinRows = old })
}

func createKV(tx *Txn, name string) error {
	return tx.CreateTable(TableDef{Name: name, Columns: []ColumnDef{{Name: "k", Type: i64}, {Name: "v", Type: i64, NotNull: true}}, PrimaryKey: []string{"k"}})
}

// LoadNew into a table created in the transaction writes sstables that
// the commit ingests with the catalog entry: batches in ascending order,
// each possibly unordered inside.
func TestLoadNewIngests(t *testing.T) {
	lowIngestMin(t)
	dir := t.TempDir()
	db := openSpilling(t, dir)
	rev := kvRows(t, 0, 1000, func(k int64) int64 { return -k }, nil)
	tx := begin(t, db)
	if err := createKV(tx, "t"); err != nil {
		t.Fatal(err)
	}
	// An unordered batch, then one after it.
	b1 := kvRows(t, 0, 1000, func(k int64) int64 { return k }, nil)
	rows := reverseKV(t, b1)
	n, err := tx.LoadNew("t", []arrow.RecordBatch{rows, kvRows(t, 1000, 3000, func(k int64) int64 { return k }, nil)})
	if err != nil || n != 3000 {
		t.Fatalf("LoadNew = %d, %v", n, err)
	}
	if len(tx.bulk) != 1 {
		t.Fatalf("not loaded by ingestion: %d files", len(tx.bulk))
	}
	_, err = tx.Insert("t", rev, ConflictError)
	wantKind(t, err, core.KindInvalidInput)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{}
	for k := int64(0); k < 3000; k++ {
		want[k] = k
	}
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), model(want))
	if names := tmpEntries(t, dir); len(names) != 0 {
		t.Errorf("temporary files left: %v", names)
	}
	// The table is a normal one afterwards.
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", kvRows(t, 2999, 3001, func(k int64) int64 { return 1 }, nil), ConflictReplace)
		return err
	})
	want[2999], want[3000] = 1, 1
	db.Close()
	db = openSpilling(t, dir)
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), model(want))
}

// Duplicates are Constraint errors, inside a batch or across batches
// (found by the merge); a rolled-back load leaves nothing.
func TestLoadNewDuplicatesAndFallback(t *testing.T) {
	lowIngestMin(t)
	dir := t.TempDir()
	db := openSpilling(t, dir)
	one := func(k int64) arrow.RecordBatch { return kvRows(t, k, k+1, func(int64) int64 { return 5 }, nil) }
	for _, bs := range [][]arrow.RecordBatch{
		{kvRows(t, 0, 100, func(k int64) int64 { return k }, nil), one(50)},                          // across batches
		{reverseKV(t, kvRows(t, 0, 100, func(k int64) int64 { return k }, nil)), one(100), one(100)}, // in order, then a repeat
	} {
		tx := begin(t, db)
		if err := createKV(tx, "t"); err != nil {
			t.Fatal(err)
		}
		_, err := tx.LoadNew("t", bs)
		wantKind(t, err, core.KindConstraint)
		tx.Rollback()
	}
	// Overlapping batches without duplicates are merged.
	tx := begin(t, db)
	if err := createKV(tx, "t"); err != nil {
		t.Fatal(err)
	}
	if n, err := tx.LoadNew("t", []arrow.RecordBatch{one(5), one(3), one(4)}); n != 3 || err != nil {
		t.Fatalf("LoadNew = %d, %v", n, err)
	}
	if len(tx.bulk) != 1 || len(tmpEntries(t, dir)) != 1 {
		t.Errorf("the abandoned sstable was kept: %v %v", tx.bulk, tmpEntries(t, dir))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), []string{"3,5", "4,5", "5,5"})
	// A duplicate inside one batch, found by the sort, names the value.
	tx = begin(t, db)
	if err := createKV(tx, "u"); err != nil {
		t.Fatal(err)
	}
	dup := int64Batch([]string{"k", "v"}, []int64{7, 9, 8, 9}, []int64{1, 2, 3, 4})
	defer dup.Release()
	_, err := tx.LoadNew("u", []arrow.RecordBatch{dup})
	wantKind(t, err, core.KindConstraint)
	if !strings.Contains(err.Error(), "(k)=(9)") {
		t.Errorf("message: %v", err)
	}
	tx.Rollback()
	// Rollback removes a loaded file.
	tx = begin(t, db)
	if err := createKV(tx, "u"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.LoadNew("u", []arrow.RecordBatch{kvRows(t, 0, 10, func(k int64) int64 { return k }, nil)}); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if names := tmpEntries(t, dir); len(names) != 0 {
		t.Errorf("temporary files left after rollback: %v", names)
	}
	run(t, db, func(tx *Txn) error {
		if _, err := tx.Table("u"); core.KindOf(err) != core.KindTableNotFound {
			t.Errorf("the rolled-back table exists: %v", err)
		}
		return nil
	})
}

// reverseKV returns the rows of a k/v batch in reverse order.
func reverseKV(t testing.TB, b arrow.RecordBatch) arrow.RecordBatch {
	n := b.NumRows()
	ks := make([]int64, n)
	vs := make([]int64, n)
	for i := int64(0); i < n; i++ {
		ks[n-1-i] = b.Column(0).(interface{ Value(int) int64 }).Value(int(i))
		vs[n-1-i] = b.Column(1).(interface{ Value(int) int64 }).Value(int(i))
	}
	rec := int64Batch([]string{"k", "v"}, ks, vs)
	t.Cleanup(rec.Release)
	return rec
}

// A shuffled batch larger than a piece is cut, encoded piece by piece and
// merged; a duplicate in different pieces is found by the merge.
func TestLoadNewMergesPieces(t *testing.T) {
	lowIngestMin(t)
	db := openSpilling(t, t.TempDir())
	n := 2*loadPieceRows + 100
	perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
	ks, vs := make([]int64, n), make([]int64, n)
	for i, p := range perm {
		ks[i], vs[i] = int64(p), int64(p)*3
	}
	for _, dup := range []bool{false, true} {
		if dup {
			ks[n-1] = ks[0] // pieces 0 and 2
		}
		rec := int64Batch([]string{"k", "v"}, ks, vs)
		tx := begin(t, db)
		if err := createKV(tx, "t"); err != nil {
			t.Fatal(err)
		}
		got, err := tx.LoadNew("t", []arrow.RecordBatch{rec})
		rec.Release()
		if dup {
			wantKind(t, err, core.KindConstraint)
			tx.Rollback()
			continue
		}
		if err != nil || got != int64(n) || len(tx.bulk) != 1 {
			t.Fatalf("LoadNew = %d, %v (%d files)", got, err, len(tx.bulk))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		rows := scanRows(t, db, "t", ScanOptions{})
		if len(rows) != n || rows[0] != "0,0" || rows[n-1] != fmt.Sprintf("%d,%d", n-1, 3*(n-1)) {
			t.Fatalf("%d rows: %s … %s", len(rows), rows[0], rows[len(rows)-1])
		}
		run(t, db, func(tx *Txn) error { return tx.DropTable("t", false) })
	}
}
