package storage

import (
	"testing"

	"github.com/alopexdb/alopex/core"
)

// kv makes a table t(k BIGINT PRIMARY KEY, v BIGINT).
func kvTable(t testing.TB, db *DB) {
	t.Helper()
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", Columns: []ColumnDef{{Name: "k", Type: i64}, {Name: "v", Type: i64}}, PrimaryKey: []string{"k"}})
	})
}

func putKV(t testing.TB, tx *Txn, rows string) error {
	t.Helper()
	_, err := tx.Insert("t", batch(t, schemaOf(field("k", i64), field("v", i64)), rows), ConflictReplace)
	return err
}

func begin(t testing.TB, db *DB) *Txn {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tx.Rollback)
	return tx
}

func TestSnapshotReadsAndReadYourWrites(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	run(t, db, func(tx *Txn) error { return putKV(t, tx, `[{"k": 1, "v": 10}, {"k": 2, "v": 20}]`) })

	reader := begin(t, db)
	writer := begin(t, db)
	if err := putKV(t, writer, `[{"k": 2, "v": 21}, {"k": 3, "v": 30}]`); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Delete("t", batch(t, schemaOf(field("k", i64)), `[{"k": 1}]`)); err != nil {
		t.Fatal(err)
	}
	// The writer sees its own writes merged over its snapshot...
	eq(t, readAll(t, writer, "t", ScanOptions{}), []string{"2,21", "3,30"})
	if row, ok, _ := writer.Get("t", []any{1}); ok {
		t.Errorf("deleted row still visible to its deleter: %v", row)
	}
	// ...nobody else does, before or after the commit.
	eq(t, readAll(t, reader, "t", ScanOptions{}), []string{"1,10", "2,20"})
	if err := writer.Commit(); err != nil {
		t.Fatal(err)
	}
	eq(t, readAll(t, reader, "t", ScanOptions{}), []string{"1,10", "2,20"})
	eq(t, scanRows(t, db, "t", ScanOptions{}), []string{"2,21", "3,30"})
}

func TestRollbackDiscards(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	tx := begin(t, db)
	if err := putKV(t, tx, `[{"k": 1, "v": 10}]`); err != nil {
		t.Fatal(err)
	}
	if err := tx.CreateTable(TableDef{Name: "u", Columns: []ColumnDef{{Name: "a", Type: i64}}}); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	eq(t, scanRows(t, db, "t", ScanOptions{}), nil)
	run(t, db, func(tx *Txn) error {
		_, err := tx.Table("u")
		wantKind(t, err, core.KindTableNotFound)
		return nil
	})
	wantKind(t, tx.Commit(), core.KindInvalidInput)
}

func TestFirstCommitterWins(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	run(t, db, func(tx *Txn) error { return putKV(t, tx, `[{"k": 1, "v": 0}, {"k": 2, "v": 0}]`) })
	a, b := begin(t, db), begin(t, db)
	if err := putKV(t, a, `[{"k": 1, "v": 1}]`); err != nil {
		t.Fatal(err)
	}
	if err := putKV(t, b, `[{"k": 1, "v": 2}, {"k": 2, "v": 2}]`); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	wantKind(t, b.Commit(), core.KindTransactionConflict)
	// Nothing of the loser applied, not even its non-conflicting key.
	eq(t, scanRows(t, db, "t", ScanOptions{}), []string{"1,1", "2,0"})

	// Disjoint writes both commit; a transaction begun after a commit does
	// not conflict with it.
	c, d := begin(t, db), begin(t, db)
	_ = putKV(t, c, `[{"k": 1, "v": 3}]`)
	_ = putKV(t, d, `[{"k": 2, "v": 3}]`)
	if err := c.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	e := begin(t, db)
	_ = putKV(t, e, `[{"k": 1, "v": 4}]`)
	if err := e.Commit(); err != nil {
		t.Fatal(err)
	}
	eq(t, scanRows(t, db, "t", ScanOptions{}), []string{"1,4", "2,3"})
	if n := len(db.txns.lastWrite); n != 0 {
		t.Errorf("conflict tracking kept %d keys with no transaction open", n)
	}
}

// A write to a table whose definition a concurrent transaction changed
// conflicts (it would land under a dropped or stale definition).
func TestDMLConflictsWithConcurrentDDL(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	w := begin(t, db)
	if err := putKV(t, w, `[{"k": 1, "v": 1}]`); err != nil {
		t.Fatal(err)
	}
	run(t, db, func(tx *Txn) error { return tx.DropTable("t", false) })
	wantKind(t, w.Commit(), core.KindTransactionConflict)
}

// A failed statement inside a transaction undoes only itself.
func TestStatementAtomicity(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	tx := begin(t, db)
	if err := putKV(t, tx, `[{"k": 1, "v": 1}]`); err != nil {
		t.Fatal(err)
	}
	s := schemaOf(field("k", i64), field("v", i64))
	// Row 0 would insert, row 1 collides with k=1: the statement fails whole.
	_, err := tx.Insert("t", batch(t, s, `[{"k": 5, "v": 5}, {"k": 1, "v": 9}]`), ConflictError)
	wantKind(t, err, core.KindConstraint)
	_, err = tx.Insert("t", batch(t, s, `[{"k": 6, "v": 6}, {"k": null, "v": 9}]`), ConflictError)
	wantKind(t, err, core.KindConstraint)
	eq(t, readAll(t, tx, "t", ScanOptions{}), []string{"1,1"})
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	eq(t, scanRows(t, db, "t", ScanOptions{}), []string{"1,1"})
}

func TestScanRanges(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", Columns: []ColumnDef{{Name: "a", Type: i64}, {Name: "b", Type: str}, {Name: "v", Type: i64}}, PrimaryKey: []string{"a", "b"}})
	})
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", batch(t, schemaOf(field("a", i64), field("b", str), field("v", i64)),
			`[{"a":1,"b":"x","v":1},{"a":1,"b":"y","v":2},{"a":2,"b":"x","v":3},{"a":2,"b":"z","v":4},{"a":3,"b":"","v":5}]`), ConflictError)
		return err
	})
	cols := []string{"v"}
	for _, c := range []struct {
		name   string
		ranges []KeyRange
		want   []string
	}{
		{"point prefix", []KeyRange{{Lower: []any{2}, Upper: []any{2}}}, []string{"3", "4"}},
		{"full point", []KeyRange{{Lower: []any{1, "y"}, Upper: []any{1, "y"}}}, []string{"2"}},
		{"exclusive", []KeyRange{{Lower: []any{1}, LowerExclusive: true, Upper: []any{3}, UpperExclusive: true}}, []string{"3", "4"}},
		{"open upper", []KeyRange{{Lower: []any{2, "y"}}}, []string{"4", "5"}},
		{"open lower", []KeyRange{{Upper: []any{1, "x"}}}, []string{"1"}},
		{"several, unsorted, overlapping", []KeyRange{{Lower: []any{3}, Upper: []any{3}}, {Lower: []any{1}, Upper: []any{1}}, {Lower: []any{1, "y"}, Upper: []any{2, "x"}}}, []string{"1", "2", "3", "5"}},
		{"empty", []KeyRange{{Lower: []any{3}, Upper: []any{1}}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			eq(t, scanRows(t, db, "t", ScanOptions{Columns: cols, Ranges: c.ranges, BatchSize: 2}), c.want)
		})
	}
	run(t, db, func(tx *Txn) error {
		_, err := tx.Scan("t", ScanOptions{Ranges: []KeyRange{{Lower: []any{"nope"}}}})
		wantKind(t, err, core.KindInvalidInput)
		_, err = tx.Scan("t", ScanOptions{Columns: []string{"vv"}})
		wantKind(t, err, core.KindColumnNotFound)
		return nil
	})
}

// The shared catalog cache never shows a transaction a catalog other than
// its snapshot's: an old transaction keeps the old definition, a new one
// sees the change.
func TestCatalogCacheFollowsSnapshots(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	run(t, db, func(tx *Txn) error { _, err := tx.Table("t"); return err }) // cached
	old := begin(t, db)
	run(t, db, func(tx *Txn) error { return tx.AddColumn("t", ColumnDef{Name: "w", Type: i64, Default: 7}) })
	fresh := begin(t, db)
	if d, _ := fresh.Table("t"); len(d.Columns) != 3 {
		t.Errorf("a new transaction sees %d columns", len(d.Columns))
	}
	// fresh cached the new definition; old must still read its snapshot's.
	if d, _ := old.Table("t"); len(d.Columns) != 2 {
		t.Errorf("an old transaction sees %d columns", len(d.Columns))
	}
	run(t, db, func(tx *Txn) error { return tx.DropTable("t", false) })
	_, err := fresh.Table("t")
	if err != nil {
		t.Errorf("the drop leaked into an older snapshot: %v", err)
	}
	run(t, db, func(tx *Txn) error {
		_, err := tx.Table("t")
		wantKind(t, err, core.KindTableNotFound)
		return nil
	})
}

// Snapshot isolation allows write skew (docs/storage-format.md): two
// transactions each read both rows and write a different one; both commit.
// Pinned so that a move to SERIALIZABLE shows up here.
func TestWriteSkewIsAllowed(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	run(t, db, func(tx *Txn) error { return putKV(t, tx, `[{"k":1,"v":1},{"k":2,"v":1}]`) })
	a, b := begin(t, db), begin(t, db)
	for i, tx := range []*Txn{a, b} {
		if got := readAll(t, tx, "t", ScanOptions{Columns: []string{"v"}}); len(got) != 2 {
			t.Fatal(got)
		}
		if err := putKV(t, tx, `[{"k":`+[]string{"1", "2"}[i]+`,"v":0}]`); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatalf("write skew was refused: %v", err)
	}
	eq(t, scanRows(t, db, "t", ScanOptions{}), []string{"1,0", "2,0"})
}

// Two transactions creating the same table: the second to commit conflicts.
func TestConcurrentCreateTableConflicts(t *testing.T) {
	db := openMem(t)
	a, b := begin(t, db), begin(t, db)
	def := TableDef{Name: "x", Columns: []ColumnDef{{Name: "a", Type: i64}}}
	if err := a.CreateTable(def); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateTable(def); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	wantKind(t, a.Commit(), core.KindTransactionConflict)
	run(t, db, func(tx *Txn) error {
		names, err := tx.Tables()
		if len(names) != 1 {
			t.Errorf("tables %v", names)
		}
		return err
	})
}
