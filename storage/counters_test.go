package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

// openAutoInc opens a synced database on disk with a table
// a(id BIGINT AUTO_INCREMENT PRIMARY KEY, v BIGINT) and returns it with the
// key of a's AUTO_INCREMENT counter.
func openAutoInc(t *testing.T) (*DB, []byte) {
	t.Helper()
	db, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "a", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64, AutoIncrement: true}, {Name: "v", Type: i64}}})
	})
	var key []byte
	run(t, db, func(tx *Txn) error {
		d, err := tx.Table("a")
		key = autoIncCounter(d.ID)
		return err
	})
	return db, key
}

// storedLimit is the counter limit stored under key (0: none).
func storedLimit(t *testing.T, db *DB, key []byte) uint64 {
	t.Helper()
	v, closer, err := db.pdb.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	return binary.BigEndian.Uint64(v)
}

// insertGenerated inserts n rows into a with generated ids.
func insertGenerated(t *testing.T, tx *Txn, n int) {
	t.Helper()
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{int64(i)}
	}
	if _, err := tx.InsertValues("a", []int{1}, rows, ConflictError); err != nil {
		t.Fatal(err)
	}
}

// maxID is the largest id in a (0: none).
func maxID(t *testing.T, db *DB) uint64 {
	t.Helper()
	var m uint64
	for _, r := range scanRows(t, db, "a", ScanOptions{}) {
		var id uint64
		if _, err := fmt.Sscanf(r, "%d,", &id); err != nil {
			t.Fatal(err)
		}
		m = max(m, id)
	}
	return m
}

// TestCounterReservationRidesInCommit: a transaction that takes ids past the
// reserved block carries the new reservation in its own commit batch — an
// autocommit insert that starts a block syncs the WAL once, not twice — and
// the ids of a reservation not yet committed are its transaction's alone:
// another transaction that needs ids past the durable limit reserves with
// a synced write of its own, so when the first rolls back (or its commit is
// lost in a crash) every committed id stays below the stored limit, and a
// reopened database never hands one out again.
func TestCounterReservationRidesInCommit(t *testing.T) {
	db, key := openAutoInc(t)
	syncs := db.WALSyncs()
	run(t, db, func(tx *Txn) error { insertGenerated(t, tx, 1); return nil })
	if got := db.WALSyncs() - syncs; got != 1 {
		t.Errorf("the first insert synced the WAL %d times; want 1 (the reservation in its commit)", got)
	}
	if lim := storedLimit(t, db, key); lim <= 1 {
		t.Fatalf("stored limit %d after id 1 was committed", lim)
	}

	// Take the block up to its last id, then t1 starts the next one (in
	// its batch) and t2 needs ids past it while t1 is open.
	run(t, db, func(tx *Txn) error { insertGenerated(t, tx, int(storedLimit(t, db, key))-2); return nil })
	limit := storedLimit(t, db, key)
	if m := maxID(t, db); m != limit-1 {
		t.Fatalf("max id %d; want the last of the block, %d", m, limit-1)
	}
	t1, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	insertGenerated(t, t1, 3)
	if got := storedLimit(t, db, key); got != limit {
		t.Fatalf("t1's reservation was written before its commit: %d, was %d", got, limit)
	}
	syncs = db.WALSyncs()
	t2, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	insertGenerated(t, t2, 2)
	if got := db.WALSyncs() - syncs; got != 1 {
		t.Errorf("t2 took ids past t1's uncommitted reservation with %d WAL syncs; want 1 (a reservation of its own)", got)
	}
	if err := t2.Commit(); err != nil {
		t.Fatal(err)
	}
	t1.Rollback()
	m, lim := maxID(t, db), storedLimit(t, db, key)
	if m != limit+4 || lim <= m {
		t.Fatalf("after t2's commit and t1's rollback: max id %d (want %d), stored limit %d", m, limit+4, lim)
	}

	// t3 carries the next block in its commit; reopened, the counter starts
	// past everything committed.
	run(t, db, func(tx *Txn) error { insertGenerated(t, tx, int(lim-m)); return nil })
	m, lim = maxID(t, db), storedLimit(t, db, key)
	if lim <= m {
		t.Fatalf("stored limit %d, max committed id %d", lim, m)
	}
	dir := db.dir
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	run(t, db2, func(tx *Txn) error { insertGenerated(t, tx, 1); return nil })
	if got := len(scanRows(t, db2, "a", ScanOptions{})); got != int(m)-3+1 {
		t.Errorf("%d rows after reopening and one insert; want %d", got, int(m)-3+1)
	}
}

// TestCounterReservationsConcurrent: transactions of several goroutines
// taking ids, a third of them rolling back, some explicit values moving the
// counter: every committed id is distinct, and the stored limit never goes
// down and ends above every committed id.
func TestCounterReservationsConcurrent(t *testing.T) {
	db, key := openAutoInc(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	last := uint64(0)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 40 {
				tx, err := db.Begin()
				if err != nil {
					t.Error(err)
					return
				}
				n := 1 + r.IntN(300)
				rows := make([][]any, n)
				for i := range rows {
					rows[i] = []any{int64(i)}
				}
				if _, err := tx.InsertValues("a", []int{1}, rows, ConflictError); err != nil {
					t.Error(err)
					tx.Rollback()
					return
				}
				if r.IntN(3) == 0 {
					tx.Rollback()
				} else if err := tx.Commit(); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if lim := storedLimit(t, db, key); lim < last {
					t.Errorf("stored limit went down: %d after %d", lim, last)
				} else {
					last = lim
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rows := scanRows(t, db, "a", ScanOptions{})
	seen := map[string]bool{}
	m := uint64(0)
	for _, r := range rows {
		var id uint64
		if _, err := fmt.Sscanf(r, "%d,", &id); err != nil {
			t.Fatal(err)
		}
		s := strconv.FormatUint(id, 10)
		if seen[s] {
			t.Fatalf("id %d committed twice", id)
		}
		seen[s] = true
		m = max(m, id)
	}
	if lim := storedLimit(t, db, key); lim <= m {
		t.Errorf("stored limit %d, max committed id %d", lim, m)
	}
}
