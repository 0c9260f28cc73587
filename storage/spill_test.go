package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// openSpilling opens an on-disk database whose transactions spill past 4
// KiB of pending writes, so a few hundred rows exercise the spill paths.
func openSpilling(t testing.TB, dir string) *DB {
	t.Helper()
	db, err := Open(dir, Options{TxnMemory: 4 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// kvRows builds rows k in [lo, hi) with v = f(k) (nil when null(k)).
func kvRows(t testing.TB, lo, hi int64, v func(k int64) int64, null func(k int64) bool) arrow.RecordBatch {
	kb, vb := array.NewInt64Builder(memory.DefaultAllocator), array.NewInt64Builder(memory.DefaultAllocator)
	for k := lo; k < hi; k++ {
		kb.Append(k)
		if null != nil && null(k) {
			vb.AppendNull()
		} else {
			vb.Append(v(k))
		}
	}
	ka, va := kb.NewArray(), vb.NewArray()
	defer ka.Release()
	defer va.Release()
	rec := array.NewRecordBatch(schemaOf(field("k", i64), field("v", i64)), []arrow.Array{ka, va}, hi-lo)
	t.Cleanup(rec.Release)
	return rec
}

func notNullKV(t testing.TB, db *DB) {
	t.Helper()
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", Columns: []ColumnDef{{Name: "k", Type: i64}, {Name: "v", Type: i64, NotNull: true}}, PrimaryKey: []string{"k"}})
	})
}

// model renders a key -> value map as scan rows in key order.
func model(m map[int64]int64) []string {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%d,%d", k, m[k])
	}
	return out
}

func tmpEntries(t testing.TB, dir string) []string {
	t.Helper()
	es, _ := os.ReadDir(filepath.Join(dir, tmpDirName))
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// A transaction far past its memory threshold: reads see its own writes
// (inserts, replacements, deletions across spills), the commit applies all
// of them, and the database reopens with them.
func TestSpilledTransactionCommits(t *testing.T) {
	dir := t.TempDir()
	db := openSpilling(t, dir)
	notNullKV(t, db)
	want := map[int64]int64{}
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", kvRows(t, 0, 100, func(k int64) int64 { return k }, nil), ConflictError)
		return err
	})
	for k := int64(0); k < 100; k++ {
		want[k] = k
	}
	tx := begin(t, db)
	for lo := int64(100); lo < 3000; lo += 250 {
		if _, err := tx.Insert("t", kvRows(t, lo, lo+250, func(k int64) int64 { return -k }, nil), ConflictError); err != nil {
			t.Fatal(err)
		}
	}
	for k := int64(100); k < 3100; k++ {
		want[k] = -k
	}
	if !tx.pend.spilled() {
		t.Fatal("the transaction did not spill")
	}
	// Overwrite keys that are spilled (and one committed range), delete some.
	if _, err := tx.Insert("t", kvRows(t, 50, 1050, func(k int64) int64 { return 7 * k }, nil), ConflictReplace); err != nil {
		t.Fatal(err)
	}
	for k := int64(50); k < 1050; k++ {
		want[k] = 7 * k
	}
	if n, err := tx.Delete("t", kvRows(t, 2000, 2500, func(k int64) int64 { return 0 }, nil)); err != nil || n != 500 {
		t.Fatalf("delete: %d, %v", n, err)
	}
	for k := int64(2000); k < 2500; k++ {
		delete(want, k)
	}
	// A duplicate of a spilled key is still a primary-key violation.
	_, err := tx.Insert("t", kvRows(t, 3099, 3101, func(k int64) int64 { return 1 }, nil), ConflictError)
	wantKind(t, err, core.KindConstraint)
	eqRows(t, readAll(t, tx, "t", ScanOptions{}), model(want))
	if row, ok, err := tx.Get("t", []any{int64(700)}); err != nil || !ok || fmt.Sprint(row) != "[700 4900]" {
		t.Fatalf("Get(700) = %v %v %v", row, ok, err)
	}
	if _, ok, err := tx.Get("t", []any{int64(2100)}); err != nil || ok {
		t.Fatalf("Get of a deleted spilled key: %v %v", ok, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), model(want))
	if names := tmpEntries(t, dir); len(names) != 0 {
		t.Errorf("temporary files left after commit: %v", names)
	}
	db.Close()
	db = openSpilling(t, dir)
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), model(want))
}

// Rolling back a spilled transaction leaves nothing, on disk included.
func TestSpilledTransactionRollsBack(t *testing.T) {
	dir := t.TempDir()
	db := openSpilling(t, dir)
	notNullKV(t, db)
	tx := begin(t, db)
	if _, err := tx.Insert("t", kvRows(t, 0, 2000, func(k int64) int64 { return k }, nil), ConflictError); err != nil {
		t.Fatal(err)
	}
	if !tx.pend.spilled() || len(tmpEntries(t, dir)) == 0 {
		t.Fatal("the transaction did not spill")
	}
	tx.Rollback()
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), nil)
	if names := tmpEntries(t, dir); len(names) != 0 {
		t.Errorf("temporary files left after rollback: %v", names)
	}
}

// A statement that fails after spilling undoes exactly its own writes,
// spilled ones included; the transaction's earlier writes stay.
func TestSpilledStatementUndo(t *testing.T) {
	db := openSpilling(t, t.TempDir())
	notNullKV(t, db)
	tx := begin(t, db)
	if _, err := tx.Insert("t", kvRows(t, 0, 1000, func(k int64) int64 { return 1 }, nil), ConflictError); err != nil {
		t.Fatal(err)
	}
	// 3000 rows replacing 0..999 and adding more, spilling several times,
	// then a NULL in the NOT NULL column at the last row.
	_, err := tx.Insert("t", kvRows(t, 500, 3500, func(k int64) int64 { return 2 }, func(k int64) bool { return k == 3499 }), ConflictReplace)
	wantKind(t, err, core.KindConstraint)
	if tx.pend.spill.undoN != 0 {
		t.Errorf("undo records left: %d", tx.pend.spill.undoN)
	}
	want := map[int64]int64{}
	for k := int64(0); k < 1000; k++ {
		want[k] = 1
	}
	eqRows(t, readAll(t, tx, "t", ScanOptions{}), model(want))
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), model(want))
}

// First committer wins with spilled transactions, in both orders.
func TestSpilledTransactionConflicts(t *testing.T) {
	db := openSpilling(t, t.TempDir())
	notNullKV(t, db)
	one := func(k int64) arrow.RecordBatch { return kvRows(t, k, k+1, func(int64) int64 { return 9 }, nil) }
	// A small transaction commits a key the spilled one also wrote.
	big := begin(t, db)
	if _, err := big.Insert("t", kvRows(t, 0, 2000, func(k int64) int64 { return k }, nil), ConflictReplace); err != nil {
		t.Fatal(err)
	}
	small := begin(t, db)
	if _, err := small.Insert("t", one(1500), ConflictReplace); err != nil {
		t.Fatal(err)
	}
	if err := small.Commit(); err != nil {
		t.Fatal(err)
	}
	wantKind(t, big.Commit(), core.KindTransactionConflict)
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), []string{"1500,9"})
	// The spilled transaction commits first; an open one that wrote one of
	// its keys then conflicts.
	big = begin(t, db)
	small = begin(t, db)
	if _, err := big.Insert("t", kvRows(t, 2000, 4000, func(k int64) int64 { return k }, nil), ConflictReplace); err != nil {
		t.Fatal(err)
	}
	if _, err := small.Insert("t", one(3999), ConflictReplace); err != nil {
		t.Fatal(err)
	}
	if err := big.Commit(); err != nil {
		t.Fatal(err)
	}
	wantKind(t, small.Commit(), core.KindTransactionConflict)
	if got := scanRows(t, db, "t", ScanOptions{}); len(got) != 2001 || got[2000] != "3999,3999" {
		t.Errorf("%d rows, last %v", len(got), got[len(got)-1])
	}
}

// eqRows compares long row lists, reporting the first difference.
func eqRows(t testing.TB, got, want []string) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) || i >= len(want) || got[i] != want[i] {
			g, w := "(end)", "(end)"
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			t.Fatalf("%d rows, want %d; first difference at %d: %s, want %s", len(got), len(want), i, g, w)
		}
	}
}

// The engine memory limit caps the sizes left at their defaults: cache,
// memtable, the pending writes a transaction keeps in memory.
func TestMemoryLimitCapsDefaults(t *testing.T) {
	old := debug.SetMemoryLimit(256 << 20)
	defer debug.SetMemoryLimit(old)
	db, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.po.CacheSize != 64<<20 || db.po.MemTableSize != 16<<20 || db.spillThreshold() != 32<<20 {
		t.Errorf("cache %d, memtable %d, txn memory %d", db.po.CacheSize, db.po.MemTableSize, db.spillThreshold())
	}
	debug.SetMemoryLimit(64 << 20)
	if db.spillThreshold() != 8<<20 {
		t.Errorf("txn memory %d after lowering the limit", db.spillThreshold())
	}
	db2, err := Open(t.TempDir(), Options{CacheSize: 1 << 30, TxnMemory: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if db2.po.CacheSize != 1<<30 || db2.spillThreshold() != 1<<20 {
		t.Errorf("explicit sizes changed: cache %d, txn memory %d", db2.po.CacheSize, db2.spillThreshold())
	}
}

// A commit of more than half a memtable goes by ingestion, in memory too.
func TestLargeCommitIngests(t *testing.T) {
	for _, opts := range []Options{{InMemory: true, MemTableSize: 1 << 20}, {MemTableSize: 1 << 20, NoSync: true}} {
		dir := ""
		if !opts.InMemory {
			dir = t.TempDir()
		}
		db, err := Open(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		notNullKV(t, db)
		other := begin(t, db) // open: the commit must list its keys for conflicts
		tx := begin(t, db)
		if _, err := tx.Insert("t", kvRows(t, 0, 40_000, func(k int64) int64 { return k }, nil), ConflictError); err != nil {
			t.Fatal(err)
		}
		if tx.pend.spilled() || uint64(tx.pend.bytes()) <= db.po.MemTableSize/2 {
			t.Fatalf("in memory %v: %d bytes pending, spilled %v", opts.InMemory, tx.pend.bytes(), tx.pend.spilled())
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Insert("t", kvRows(t, 5, 6, func(k int64) int64 { return 1 }, nil), ConflictReplace); err != nil {
			t.Fatal(err)
		}
		wantKind(t, other.Commit(), core.KindTransactionConflict)
		if got := scanRows(t, db, "t", ScanOptions{}); len(got) != 40_000 || got[39_999] != "39999,39999" {
			t.Errorf("in memory %v: %d rows", opts.InMemory, len(got))
		}
		db.Close()
	}
}
