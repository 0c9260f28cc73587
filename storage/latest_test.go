package storage

import (
	"testing"
)

// TestLatestReadsSeeEachCommit: latest reads reuse kept iterators, which
// read the store as of their opening; a commit must make the next read use
// a new one, and a read that began before the commit must not hand its
// older iterator to later reads.
func TestLatestReadsSeeEachCommit(t *testing.T) {
	db, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}}); err != nil {
			return err
		}
		_, err := tx.Insert("t", narrowBatch(0, 100), ConflictError)
		return err
	})
	read := func(r LatestRead, id int64) (v int64, found bool) {
		t.Helper()
		d, ok := r.Table("t")
		if !ok {
			tx, _ := db.Begin() // fills the shared catalog cache
			_, _ = tx.Table("t")
			tx.Rollback()
			if r, ok = db.BeginLatest(); !ok {
				t.Fatal("database closed")
			}
			if d, ok = r.Table("t"); !ok {
				t.Fatal("table not in the catalog cache")
			}
		}
		ok, err := r.GetManyFunc(d, [][]any{{id}}, func(row Row) error {
			v, found = row.Int(1), true
			return nil
		})
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		return v, found
	}
	latest := func() LatestRead {
		r, ok := db.BeginLatest()
		if !ok {
			t.Fatal("database closed")
		}
		return r
	}
	for i := range 3 { // iterators kept and reused
		if v, ok := read(latest(), 7); !ok || v != 7*7%1000 {
			t.Fatalf("read %d: %v %v", i, v, ok)
		}
	}
	early := latest() // began before the commits below
	run(t, db, func(tx *Txn) error {
		_, err := tx.Delete("t", narrowBatch(7, 1))
		return err
	})
	if _, ok := read(latest(), 7); ok {
		t.Fatal("a read after the delete's commit found the row")
	}
	_, _ = read(early, 8) // gives back an iterator of the older state
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", narrowBatch(7, 1), ConflictError)
		return err
	})
	for i := range 3 {
		if v, ok := read(latest(), 7); !ok || v != 7*7%1000 {
			t.Fatalf("read %d after the insert: %v %v", i, v, ok)
		}
	}
	_, _ = read(early, 8)
	if _, ok := read(latest(), 7); !ok {
		t.Fatal("an iterator of an older state was reused")
	}
}

// TestReadGeneration: a latest read reports the generation it read at
// only while no commit (or InvalidateLatest) happened since it began, and
// the mirror word follows the generation.
func TestReadGeneration(t *testing.T) {
	db, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var word uint64
	db.SetGenMirror(&word)
	r, _ := db.BeginLatest()
	g, ok := r.Generation()
	if !ok || g != word || g == 0 {
		t.Fatalf("generation %d %v, word %d", g, ok, word)
	}
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}}})
	})
	if _, ok := r.Generation(); ok {
		t.Fatal("a read that began before a commit reports a generation")
	}
	r2, _ := db.BeginLatest()
	g2, ok := r2.Generation()
	if !ok || g2 <= g || word != g2 {
		t.Fatalf("after a commit: generation %d %v (was %d), word %d", g2, ok, g, word)
	}
	db.InvalidateLatest()
	if _, ok := r2.Generation(); ok || word <= g2 {
		t.Fatalf("InvalidateLatest left the generation (word %d)", word)
	}
	db.SetGenMirror(nil)
	db.InvalidateLatest()
	if word != g2+1 {
		t.Fatalf("a detached mirror changed to %d", word)
	}
}
