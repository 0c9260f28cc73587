package storage

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
)

func vecRows(t testing.TB, rows ...string) arrow.RecordBatch {
	s := schemaOf(field("id", i64), field("v", VectorType(2)))
	return batch(t, s, "["+joinComma(rows)+"]")
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// docsKeySet is the key set of the rows of docs with these ids (nil: none).
func docsKeySet(t *testing.T, tx *Txn, ids []int64) *KeySet {
	t.Helper()
	if ids == nil {
		return nil
	}
	var rows []string
	for _, id := range ids {
		rows = append(rows, fmt.Sprintf(`{"id": %d}`, id))
	}
	set, err := tx.KeySetOf("docs", batch(t, schemaOf(field("id", i64)), "["+joinComma(rows)+"]"))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func searchIDs(t *testing.T, tx *Txn, q []float32, k int, allow []int64) ([]int64, bool) {
	t.Helper()
	res, ok, err := tx.VectorSearch("docs", "by_v", VectorQuery{Vector: q, K: k, Allow: docsKeySet(t, tx, allow)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, key := range res.Keys {
		ids = append(ids, key[0].(int64))
	}
	return ids, ok
}

// A stored vector index serves every transaction exactly what its snapshot
// holds: later commits are invisible to it, its own writes make it fall back
// to an exact scan, rolled-back rows never appear, and catalog changes
// rebuild the index.
func TestVectorSearchSnapshots(t *testing.T) {
	for _, kind := range []string{"flat", "hnsw"} {
		t.Run(kind, func(t *testing.T) {
			db := openMem(t)
			run(t, db, func(tx *Txn) error {
				return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
			})
			var rows []string
			for i := range 20 {
				rows = append(rows, fmt.Sprintf(`{"id": %d, "v": [%d, 0]}`, i, i))
			}
			rows = append(rows, `{"id": 100, "v": null}`)
			run(t, db, func(tx *Txn) error {
				_, err := tx.Insert("docs", vecRows(t, rows...), ConflictError)
				return err
			})
			run(t, db, func(tx *Txn) error {
				return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: kind, Metric: "l2"})
			})
			q := []float32{3.2, 0}
			old, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer old.Rollback()
			ids, ok := searchIDs(t, old, q, 3, nil)
			if !ok || !slices.Equal(ids, []int64{3, 4, 2}) {
				t.Fatalf("search = %v %v", ids, ok)
			}
			// Row 100's NULL vector sorts first when NULLs do: only a scan answers.
			if _, okFirst, err := old.VectorSearch("docs", "by_v", VectorQuery{Vector: q, K: 3, NullsFirst: true}); err != nil || okFirst {
				t.Fatalf("NullsFirst with a NULL vector: ok=%v err=%v", okFirst, err)
			}
			// A later commit moves row 3 far away, deletes row 4 and adds row 50 near the query.
			run(t, db, func(tx *Txn) error {
				if _, err := tx.Update("docs", vecRows(t, `{"id": 3, "v": [1000, 0]}`)); err != nil {
					return err
				}
				if _, err := tx.Delete("docs", vecRows(t, `{"id": 4, "v": null}`)); err != nil {
					return err
				}
				_, err := tx.Insert("docs", vecRows(t, `{"id": 50, "v": [3.1, 0]}`), ConflictError)
				return err
			})
			if ids, _ := searchIDs(t, old, q, 3, nil); !slices.Equal(ids, []int64{3, 4, 2}) {
				t.Fatalf("the old snapshot sees %v", ids)
			}
			run(t, db, func(tx *Txn) error {
				if ids, _ := searchIDs(t, tx, q, 3, nil); !slices.Equal(ids, []int64{50, 2, 5}) {
					t.Fatalf("a new snapshot sees %v", ids)
				}
				odd := []int64{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 51}
				if ids, _ := searchIDs(t, tx, q, 3, odd); !slices.Equal(ids, []int64{5, 1, 7}) {
					t.Fatalf("filtered: %v", ids)
				}
				if ids, _ := searchIDs(t, tx, q, 100, nil); len(ids) != 20 {
					t.Fatalf("k above the rows: %d rows, want the 20 non-NULL vectors", len(ids))
				}
				return nil
			})
			// Own writes: the index cannot answer; a rollback leaves nothing.
			tx, _ := db.Begin()
			if _, err := tx.Insert("docs", vecRows(t, `{"id": 60, "v": [3.2, 0]}`), ConflictError); err != nil {
				t.Fatal(err)
			}
			if _, ok := searchIDs(t, tx, q, 3, nil); ok {
				t.Fatal("a transaction that wrote the table must get ok=false")
			}
			tx.Rollback()
			run(t, db, func(tx *Txn) error {
				if ids, _ := searchIDs(t, tx, q, 1, nil); !slices.Equal(ids, []int64{50}) {
					t.Fatalf("after a rollback: %v", ids)
				}
				return nil
			})
			// A catalog change drops the built index; the next search rebuilds it.
			run(t, db, func(tx *Txn) error {
				return tx.AddColumn("docs", ColumnDef{Name: "note", Type: str})
			})
			run(t, db, func(tx *Txn) error {
				if ids, ok := searchIDs(t, tx, q, 2, nil); !ok || !slices.Equal(ids, []int64{50, 2}) {
					t.Fatalf("after ALTER: %v %v", ids, ok)
				}
				return nil
			})
			// Dropping the index, or its column, is checked.
			wantKind(t, db.Run(func(tx *Txn) error { return tx.DropColumn("docs", "v") }), 7)
			run(t, db, func(tx *Txn) error { return tx.DropIndex("docs", "by_v") })
			run(t, db, func(tx *Txn) error { return tx.DropColumn("docs", "v") })
		})
	}
}

// Searches run while other goroutines commit: every row a search returns
// is in its transaction's snapshot, with the vector it was found by (-race
// checks the index's locking).
func TestVectorSearchConcurrentCommits(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
	})
	var rows []string
	for i := range 200 {
		rows = append(rows, fmt.Sprintf(`{"id": %d, "v": [%d, %d]}`, i, i%17, i%13))
	}
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("docs", vecRows(t, rows...), ConflictError)
		return err
	})
	run(t, db, func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: "hnsw", Metric: "l2"})
	})
	done := make(chan struct{})
	errs := make(chan error, 8)
	for w := range 3 {
		go func() {
			for i := 0; i < 1500; i++ {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				id := (i*7 + w*31) % 250
				err := db.Run(func(tx *Txn) error {
					if i%5 == 0 {
						_, err := tx.Delete("docs", vecRows(t, fmt.Sprintf(`{"id": %d, "v": null}`, id)))
						return err
					}
					_, err := tx.Insert("docs", vecRows(t, fmt.Sprintf(`{"id": %d, "v": [%d, %d]}`, id, i%19, w)), ConflictReplace)
					return err
				})
				if err != nil && core.KindOf(err) != core.KindTransactionConflict {
					errs <- err
					return
				}
			}
			<-done
			errs <- nil
		}()
	}
	for i := range 100 {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		q := []float32{float32(i % 17), float32(i % 5)}
		res, ok, err := tx.VectorSearch("docs", "by_v", VectorQuery{Vector: q, K: 5})
		if err != nil {
			t.Fatal(err)
		}
		for j, key := range res.Keys {
			row, found, err := tx.Get("docs", key)
			if err != nil || !found {
				t.Fatalf("search %d returned %v, which its snapshot does not hold (%v)", i, key, err)
			}
			vec := row[1].([]float32)
			if d, _ := vector.SquaredL2(q, vec); !near(d, res.Dists[j]) {
				t.Fatalf("search %d returned %v at %v; its snapshot's vector %v is at %v", i, key, res.Dists[j], vec, d)
			}
		}
		_ = ok
		tx.Rollback()
	}
	close(done)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// A transaction large enough to spill its writes commits by ingestion; the
// vector index is rebuilt on its next search and sees every row.
func TestVectorSearchAfterSpilledCommit(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"), Options{NoSync: true, TxnMemory: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
	})
	run(t, db, func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: "flat", Metric: "l2"})
	})
	q := []float32{3000.2, 0}
	run(t, db, func(tx *Txn) error { // built while the table is empty
		if ids, ok := searchIDs(t, tx, q, 1, nil); !ok || len(ids) != 0 {
			t.Fatalf("empty table: %v %v", ids, ok)
		}
		return nil
	})
	var rows []string
	for i := range 5000 {
		rows = append(rows, fmt.Sprintf(`{"id": %d, "v": [%d, 0]}`, i, i))
	}
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("docs", vecRows(t, rows...), ConflictError)
		if !tx.pend.spilled() {
			t.Fatal("the insert did not spill: the test needs a smaller TxnMemory")
		}
		return err
	})
	run(t, db, func(tx *Txn) error {
		if ids, _ := searchIDs(t, tx, q, 2, nil); !slices.Equal(ids, []int64{3000, 3001}) {
			t.Fatalf("after a spilled commit: %v", ids)
		}
		return nil
	})
}
