package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// ScanKeys reads, for keys in any order with repeats, missing keys and
// NULLs, the rows GetMany reads: over committed rows and the transaction's
// own writes and deletions, on one goroutine and split into pieces over
// several (tiny pieces here), columns as asked.
func TestScanKeysAgreesWithGetMany(t *testing.T) {
	defer func(lo, hi int) { minKeysPerPiece, maxKeysPerPiece = lo, hi }(minKeysPerPiece, maxKeysPerPiece)
	minKeysPerPiece, maxKeysPerPiece = 3, 7
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
	defer tx.Rollback()
	if err := putKV(t, tx, `[{"k":5,"v":-5},{"k":6,"v":-6}]`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Delete("t", batch(t, schemaOf(field("k", i64)), `[{"k":4}]`)); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 4))
	for trial := 0; trial < 30; trial++ {
		n := r.IntN(300)
		keys := make([]any, n)
		many := make([][]any, n)
		for i := range keys {
			keys[i] = r.Int64N(1010) - 5
			if i%17 == 3 {
				keys[i] = nil
			}
			many[i] = []any{keys[i]}
		}
		want, err := tx.GetMany("t", many)
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 3} {
			rr, err := tx.ScanKeys(context.Background(), "t", KeySetOptions{Columns: []string{"v", "k"}, Keys: keys, BatchSize: 5}, workers)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]any
			for rr.Next() {
				rec := rr.RecordBatch()
				v, k := rec.Column(0).(*array.Int64), rec.Column(1).(*array.Int64)
				for i := range int(rec.NumRows()) {
					got = append(got, []any{k.Value(i), v.Value(i)})
				}
			}
			if err := rr.Err(); err != nil {
				t.Fatal(err)
			}
			rr.Release()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("trial %d, %d workers: %d rows\n got %v\nwant %v", trial, workers, len(got), got, want)
			}
		}
	}
	if _, err := tx.ScanKeys(context.Background(), "t", KeySetOptions{Keys: []any{"x"}}, 1); err == nil {
		t.Fatal("a text key of an integer column converted")
	}
}
