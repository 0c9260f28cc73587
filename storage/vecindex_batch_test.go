package storage

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// A batch search answers each query as VectorSearch answers it alone, with
// one allow-list; ReadRows reads the rows it found.
func TestVectorSearchBatchEqualsSingleSearches(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
	})
	var rows []string
	for i := range 500 {
		rows = append(rows, fmt.Sprintf(`{"id": %d, "v": [%d, %d]}`, i, i%37, i/37))
	}
	rows = append(rows, `{"id": 9999, "v": null}`)
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("docs", vecRows(t, rows...), ConflictError)
		return err
	})
	run(t, db, func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: "hnsw", Metric: "l2"})
	})
	queries := []float32{3.2, 4.1, 30, 12, -5, -5, 18.5, 6.5}
	var allowed []int64
	for i := int64(0); i < 500; i += 3 {
		allowed = append(allowed, i)
	}
	run(t, db, func(tx *Txn) error {
		for _, allow := range [][]int64{nil, allowed} {
			set := docsKeySet(t, tx, allow)
			hits, answered, err := tx.VectorSearchBatch("docs", "by_v", VectorBatch{Queries: queries, K: 5, Allow: set})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != 4 || len(answered) != 4 {
				t.Fatalf("%d answers to 4 queries", len(hits))
			}
			for q := range 4 {
				want, ok := searchIDs(t, tx, queries[2*q:2*q+2], 5, allow)
				if !ok || !answered[q] {
					t.Fatalf("query %d: not answered by the index", q)
				}
				rb, err := tx.ReadRows("docs", []string{"id"}, hits[q].Rows)
				if err != nil {
					t.Fatal(err)
				}
				refs, err := tx.RowKeysOf("docs", rb)
				if err != nil {
					t.Fatal(err)
				}
				ids := rb.Column(0).(interface{ Value(int) int64 })
				byRef := map[string]int64{}
				for i, r := range refs {
					byRef[r] = ids.Value(i)
				}
				rb.Release()
				var got []int64
				for _, r := range hits[q].Rows {
					got = append(got, byRef[r])
				}
				if !slices.Equal(got, want) {
					t.Fatalf("query %d (allow %v): batch %v, alone %v", q, allow != nil, got, want)
				}
			}
		}
		// Dimensions that do not divide the queries are refused.
		if _, _, err := tx.VectorSearchBatch("docs", "by_v", VectorBatch{Queries: []float32{1, 2, 3}, K: 1}); err == nil {
			t.Fatal("3 numbers for vectors of dimension 2 were accepted")
		}
		return nil
	})
}

// A catalog change of another table keeps a built index; one of its own
// table makes the next search build it again.
func TestVectorIndexSurvivesOtherTablesDDL(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
	})
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("docs", vecRows(t, `{"id": 1, "v": [0, 0]}`, `{"id": 2, "v": [5, 5]}`), ConflictError)
		return err
	})
	run(t, db, func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: "hnsw", Metric: "l2"})
	})
	live := func(want int64) *liveVec {
		var lv *liveVec
		run(t, db, func(tx *Txn) error {
			if ids, ok := searchIDs(t, tx, []float32{4, 4}, 1, nil); !ok || !slices.Equal(ids, []int64{want}) {
				t.Fatalf("search: %v %v", ids, ok)
			}
			d, err := tx.Table("docs")
			if err != nil {
				return err
			}
			db.vec.mu.Lock()
			lv = db.vec.find(d.ID, "by_v")
			db.vec.mu.Unlock()
			return nil
		})
		return lv
	}
	first := live(2)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "other", Columns: []ColumnDef{{Name: "id", Type: i64}}, PrimaryKey: []string{"id"}})
	})
	run(t, db, func(tx *Txn) error { // rows of docs in the same commit as another table's DDL
		if err := tx.CreateTable(TableDef{Name: "third", Columns: []ColumnDef{{Name: "id", Type: i64}}, PrimaryKey: []string{"id"}}); err != nil {
			return err
		}
		_, err := tx.Insert("docs", vecRows(t, `{"id": 3, "v": [4, 4.1]}`), ConflictError)
		return err
	})
	if again := live(3); again != first { // and it has the row committed with the DDL
		t.Fatal("another table's DDL dropped the built index")
	}
	run(t, db, func(tx *Txn) error { return tx.RenameTable("docs", "docs2") })
	run(t, db, func(tx *Txn) error { return tx.RenameTable("docs2", "docs") })
	if again := live(3); again == first {
		t.Fatal("its own table's DDL kept the index")
	}
}
