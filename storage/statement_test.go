package storage

import (
	"context"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// A Statement of many writes is atomic across spills: rows written in
// earlier calls, spilled since, are undone with the failing one, inside an
// open transaction, and the transaction's earlier writes stay.
func TestStatementUndoesEveryWriteAcrossSpills(t *testing.T) {
	dir := t.TempDir()
	db := openSpilling(t, dir)
	notNullKV(t, db)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Insert("t", kvRows(t, 0, 50, func(k int64) int64 { return k }, nil), ConflictError); err != nil {
		t.Fatal(err)
	}
	err = tx.Statement(func() error {
		for lo := int64(100); lo < 1000; lo += 100 {
			if _, err := tx.Insert("t", kvRows(t, lo, lo+100, func(k int64) int64 { return -k }, nil), ConflictError); err != nil {
				return err
			}
		}
		// A late batch meets an earlier row of the statement.
		_, err := tx.Insert("t", kvRows(t, 990, 1010, func(k int64) int64 { return 0 }, nil), ConflictError)
		return err
	})
	wantKind(t, err, core.KindConstraint)
	if !tx.pend.spilled() {
		t.Fatal("the statement never spilled: the test does not cover spills")
	}
	want := map[int64]int64{}
	for k := int64(0); k < 50; k++ {
		want[k] = k
	}
	eq(t, readAll(t, tx, "t", ScanOptions{}), model(want))
}

// RollbackTo undoes a Statement's writes after a savepoint, also when a
// spill came in between, and the statement goes on; outside a Statement it
// is refused.
func TestSavepointInsideStatement(t *testing.T) {
	dir := t.TempDir()
	db := openSpilling(t, dir)
	notNullKV(t, db)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	wantKind(t, tx.RollbackTo(tx.Savepoint()), core.KindInternal)
	err = tx.Statement(func() error {
		if _, err := tx.Insert("t", kvRows(t, 0, 10, func(k int64) int64 { return k }, nil), ConflictError); err != nil {
			return err
		}
		small := tx.Savepoint() // no spill until RollbackTo
		if _, err := tx.Insert("t", kvRows(t, 10, 12, func(k int64) int64 { return k }, nil), ConflictError); err != nil {
			return err
		}
		if err := tx.RollbackTo(small); err != nil {
			return err
		}
		sp := tx.Savepoint()
		// Overwrite a key written before the savepoint, then spill.
		if _, err := tx.Insert("t", kvRows(t, 5, 6, func(k int64) int64 { return 500 }, nil), ConflictReplace); err != nil {
			return err
		}
		if _, err := tx.Insert("t", kvRows(t, 100, 600, func(k int64) int64 { return k }, nil), ConflictError); err != nil {
			return err
		}
		if !tx.pend.spilled() {
			t.Error("no spill after the savepoint")
		}
		if err := tx.RollbackTo(sp); err != nil {
			return err
		}
		_, err := tx.Insert("t", kvRows(t, 20, 21, func(k int64) int64 { return k }, nil), ConflictError)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{20: 20}
	for k := int64(0); k < 10; k++ {
		want[k] = k
	}
	eq(t, readAll(t, tx, "t", ScanOptions{}), model(want))
}

// A parallel scan streams a bounded number of pieces ahead and sees the
// transaction as it was when the scan began, while the transaction writes
// the same table between batches (no Halloween problem).
func TestScanParallelReadsItsStartWhileTheTxnWrites(t *testing.T) {
	oldMin, oldPiece := minParallelScanBytes, maxPieceBytes
	minParallelScanBytes, maxPieceBytes = 1, 16<<10
	t.Cleanup(func() { minParallelScanBytes, maxPieceBytes = oldMin, oldPiece })
	db, err := Open(t.TempDir(), Options{TxnMemory: 256 << 10, NoSync: true}) // spills a few times
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	notNullKV(t, db)
	const n = 20_000
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", kvRows(t, 0, n, func(k int64) int64 { return k }, nil), ConflictError)
		return err
	})
	if err := db.pdb.Flush(); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Insert("t", kvRows(t, n, n+1, func(k int64) int64 { return k }, nil), ConflictError); err != nil {
		t.Fatal(err) // a pending write before the scan: read by it
	}
	rr, err := tx.ScanParallel(context.Background(), "t", ScanOptions{BatchSize: 1000}, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	ps, ok := rr.(*parallelScan)
	if !ok || len(ps.pieces) < 8 {
		t.Fatalf("the scan was not split into pieces: %T", rr)
	}
	var rows, next int64
	spilled := false
	for rr.Next() {
		rb := rr.RecordBatch()
		k := rb.Column(0).(interface{ Value(int) int64 })
		for i := 0; i < int(rb.NumRows()); i++ {
			if k.Value(i) != next {
				t.Fatalf("row %d has key %d", next, k.Value(i))
			}
			next++
		}
		rows += rb.NumRows()
		// Rows after the end of the table, and a deletion ahead of the scan.
		spilled = spilled || tx.pend.spilled()
		if _, err := tx.Insert("t", kvRows(t, n+1+rows-rb.NumRows(), n+1+rows, func(k int64) int64 { return k }, nil), ConflictError); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Delete("t", kvRows(t, n-rows, n-rows+1, func(k int64) int64 { return 0 }, nil)); err != nil {
			t.Fatal(err)
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	if rows != n+1 {
		t.Fatalf("read %d rows, want %d", rows, n+1)
	}
	if !spilled {
		t.Error("the transaction never spilled while the scan ran")
	}
}
