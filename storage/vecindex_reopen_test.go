package storage

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
)

// A reopen reads the saved index's vectors from the rows in parallel parts,
// matching labels to rows in key order: with labels out of key order (rows
// updated after the build), a NULL vector among them and rows deleted, the
// loaded index answers every query as the index saved did.
func TestVectorIndexReopenInParts(t *testing.T) {
	defer func(n int) { vecLoadPart = n }(vecLoadPart)
	vecLoadPart = 8
	dir := filepath.Join(t.TempDir(), "db")
	db, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
	})
	var rows []string
	for i := range 200 {
		if i == 77 {
			rows = append(rows, `{"id": 77, "v": null}`)
			continue
		}
		rows = append(rows, fmt.Sprintf(`{"id": %d, "v": [%g, %g]}`, i, math.Sin(float64(i)), math.Cos(1.3*float64(i))))
	}
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("docs", vecRows(t, rows...), ConflictError)
		return err
	})
	run(t, db, func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: "hnsw", Metric: "l2"})
	})
	search := func(db *DB) [][]int64 {
		var all [][]int64
		run(t, db, func(tx *Txn) error {
			for q := range 20 {
				ids, _ := searchIDs(t, tx, []float32{float32(math.Sin(0.5 + float64(q))), float32(math.Cos(float64(q)))}, 5, nil)
				all = append(all, ids)
			}
			return nil
		})
		return all
	}
	search(db) // builds the index
	// New versions of some rows: their labels come after every other.
	var upd []string
	for i := 3; i < 200; i += 7 {
		if i != 77 {
			upd = append(upd, fmt.Sprintf(`{"id": %d, "v": [%g, %g]}`, i, math.Cos(float64(i)), math.Sin(0.7*float64(i))))
		}
	}
	run(t, db, func(tx *Txn) error {
		_, err := tx.Update("docs", vecRows(t, upd...))
		return err
	})
	run(t, db, func(tx *Txn) error {
		_, err := tx.Delete("docs", vecRows(t, `{"id": 5, "v": null}`, `{"id": 150, "v": null}`))
		return err
	})
	want := search(db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := search(db)
	var info VectorIndexInfo
	run(t, db, func(tx *Txn) error {
		ti, err := tx.Describe()
		info = ti[0].VectorIndexes[0]
		return err
	})
	if !info.FromDisk || info.Vectors != 197 {
		t.Fatalf("the reopened index: %+v", info)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("query %d after the reopen: %v, before: %v", i, got[i], want[i])
		}
	}
}
