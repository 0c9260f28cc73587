package storage

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// GetMany gives, for keys in any order with repeats, missing keys and
// NULLs, the rows Get gives, in key order and each once: over committed
// rows and the transaction's own writes and deletions, by Gets (few keys)
// and by one iterator (many).
func TestGetManyAgreesWithGet(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	run(t, db, func(tx *Txn) error {
		rows := "["
		for k := 0; k < 1000; k += 2 {
			if k > 0 {
				rows += ","
			}
			rows += fmt.Sprintf(`{"k":%d,"v":%d}`, k, k*10)
		}
		return putKV(t, tx, rows+"]")
	})
	tx := begin(t, db)
	if err := putKV(t, tx, `[{"k":5,"v":-5},{"k":6,"v":-6}]`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Delete("t", batch(t, schemaOf(field("k", i64)), `[{"k":4}]`)); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	for trial := 0; trial < 40; trial++ {
		n := 1 + r.IntN(3)
		if trial%2 == 1 {
			n = 9 + r.IntN(200)
		}
		keys := make([][]any, n)
		want := map[int64][]any{}
		for i := range keys {
			k := r.Int64N(1010) - 5
			keys[i] = []any{k}
			if i%17 == 3 {
				keys[i] = []any{nil}
				continue
			}
			if row, ok, err := tx.Get("t", keys[i]); err != nil {
				t.Fatal(err)
			} else if ok {
				want[k] = row
			}
		}
		got, err := tx.GetMany("t", keys)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d rows, want %d", trial, len(got), len(want))
		}
		for i, row := range got {
			k := row[0].(int64)
			if i > 0 && got[i-1][0].(int64) >= k {
				t.Fatalf("trial %d: rows out of key order: %v", trial, got)
			}
			if fmt.Sprint(want[k]) != fmt.Sprint(row) {
				t.Fatalf("trial %d: row %v, want %v", trial, row, want[k])
			}
		}
	}
	if _, err := tx.GetMany("t", [][]any{{"x"}}); err == nil {
		t.Fatal("a text key of an integer column converted")
	}
}

// A latest read sees what is committed, and reports a catalog change made
// after it began, so that its caller reads again in a transaction.
func TestLatestReadSeesCommitsAndCatalogChanges(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	run(t, db, func(tx *Txn) error { return putKV(t, tx, `[{"k":1,"v":10},{"k":2,"v":20}]`) })
	begin(t, db).Table("t") // fills the shared catalog cache
	r, ok := db.BeginLatest()
	if !ok {
		t.Fatal("no latest read on an open database")
	}
	d, ok := r.Table("t")
	if !ok {
		t.Fatal("the table is not in the catalog cache")
	}
	run(t, db, func(tx *Txn) error { return putKV(t, tx, `[{"k":2,"v":21}]`) })
	rows, ok, err := r.GetMany(d, [][]any{{int64(2)}, {int64(1)}, {int64(3)}})
	if err != nil || !ok || fmt.Sprint(rows) != "[[1 10] [2 21]]" {
		t.Fatalf("got %v %v %v", rows, ok, err)
	}
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "u", Columns: []ColumnDef{{Name: "k", Type: i64}}, PrimaryKey: []string{"k"}})
	})
	if _, ok, err := r.GetMany(d, [][]any{{int64(1)}}); err != nil || ok {
		t.Fatalf("a catalog change during the read went unnoticed (%v)", err)
	}
	if _, ok := r.Table("t"); ok {
		t.Fatal("a descriptor of an older catalog was served")
	}
	_ = db.Close()
	if _, ok := db.BeginLatest(); ok {
		t.Fatal("a latest read on a closed database")
	}
}
