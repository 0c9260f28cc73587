package storage

import (
	"fmt"
	"slices"
	"testing"
)

// filteredIDs searches docs with the rows of ids as the allow-list of the
// filter named filter, through the cache as the SQL layer does it: the
// cached set when there is one, else a set made from ids. cached tells
// which.
func filteredIDs(t *testing.T, tx *Txn, q []float32, k int, filter string, ids []int64) (got []int64, ok, cached bool) {
	t.Helper()
	set, err := tx.CachedKeySet("docs", "by_v", filter)
	if err != nil {
		t.Fatal(err)
	}
	if cached = set != nil; !cached {
		set = docsKeySet(t, tx, ids).ForFilter(filter)
	}
	res, ok, err := tx.VectorSearch("docs", "by_v", VectorQuery{Vector: q, K: k, Allow: set})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range res.Keys {
		got = append(got, key[0].(int64))
	}
	return got, ok, cached
}

// The allow-list mask of a named filter is made once per version of the
// table: later searches at a snapshot that sees that version reuse it, any
// commit that writes the table (and no other) makes it stale, an older
// snapshot never uses a newer mask nor the reverse, and a transaction with
// its own writes gets none.
func TestVectorSearchFilterCache(t *testing.T) {
	for _, kind := range []string{"flat", "hnsw"} {
		t.Run(kind, func(t *testing.T) {
			db := openMem(t)
			run(t, db, func(tx *Txn) error {
				if err := tx.CreateTable(TableDef{Name: "other", Columns: []ColumnDef{{Name: "id", Type: i64}}, PrimaryKey: []string{"id"}}); err != nil {
					return err
				}
				return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
			})
			var rows []string
			for i := range 40 {
				rows = append(rows, fmt.Sprintf(`{"id": %d, "v": [%d, 0]}`, i, i))
			}
			run(t, db, func(tx *Txn) error {
				_, err := tx.Insert("docs", vecRows(t, rows...), ConflictError)
				return err
			})
			run(t, db, func(tx *Txn) error {
				return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: kind, Metric: "l2"})
			})
			q := []float32{10.2, 0}
			even := []int64{}
			for i := int64(0); i < 40; i += 2 {
				even = append(even, i)
			}
			check := func(tx *Txn, want []int64, wantCached bool, ids []int64) {
				t.Helper()
				got, ok, cached := filteredIDs(t, tx, q, 3, "even", ids)
				if !ok || !slices.Equal(got, want) || cached != wantCached {
					t.Fatalf("got %v ok=%v cached=%v; want %v cached=%v", got, ok, cached, want, wantCached)
				}
			}
			run(t, db, func(tx *Txn) error { check(tx, []int64{10, 12, 8}, false, even); return nil })
			// Reused, in this snapshot and the next: the ids given are ignored.
			run(t, db, func(tx *Txn) error { check(tx, []int64{10, 12, 8}, true, nil); return nil })
			old, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer old.Rollback()
			// A commit to another table keeps it.
			run(t, db, func(tx *Txn) error {
				_, err := tx.Insert("other", batch(t, schemaOf(field("id", i64)), `[{"id": 1}]`), ConflictError)
				return err
			})
			run(t, db, func(tx *Txn) error { check(tx, []int64{10, 12, 8}, true, nil); return nil })
			// A commit to docs deletes row 10 and adds row 50 (even) near q.
			run(t, db, func(tx *Txn) error {
				if _, err := tx.Delete("docs", vecRows(t, `{"id": 10, "v": null}`)); err != nil {
					return err
				}
				_, err := tx.Insert("docs", vecRows(t, `{"id": 50, "v": [10.3, 0]}`), ConflictError)
				return err
			})
			evenAfter := append(slices.DeleteFunc(slices.Clone(even), func(i int64) bool { return i == 10 }), 50)
			run(t, db, func(tx *Txn) error { check(tx, []int64{50, 12, 8}, false, evenAfter); return nil })
			run(t, db, func(tx *Txn) error { check(tx, []int64{50, 12, 8}, true, nil); return nil })
			// The snapshot from before the commit still sees row 10: it makes
			// its own mask, every time (it cannot tell which cached version
			// it sees), and never uses the newer one.
			check(old, []int64{10, 12, 8}, false, even)
			check(old, []int64{10, 12, 8}, false, even)
			// Own writes to docs: no cached set, and the index does not answer.
			tx, _ := db.Begin()
			defer tx.Rollback()
			if _, err := tx.Insert("docs", vecRows(t, `{"id": 60, "v": [10.2, 0]}`), ConflictError); err != nil {
				t.Fatal(err)
			}
			if got, ok, cached := filteredIDs(t, tx, q, 3, "even", evenAfter); ok || cached {
				t.Fatalf("own writes: %v ok=%v cached=%v", got, ok, cached)
			}
		})
	}
}
