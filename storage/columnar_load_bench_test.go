package storage

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// BenchmarkColumnarLoadLineitem loads 600K lineitem-like rows (TPC-H SF 0.1's
// lineitem; batches of 120K rows, as a Parquet file's row groups) into a new
// on-disk columnar table in one transaction, as db.create_table does.
func BenchmarkColumnarLoadLineitem(b *testing.B) {
	const n, per = 600_000, 120_000
	var recs []arrow.RecordBatch
	for s := 0; s < n; s += per {
		recs = append(recs, lineitemBatch(s, per))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	def := lineitemDef
	def.Storage = StorageColumnar
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		db, err := Open(b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		run(b, db, func(tx *Txn) error {
			if err := tx.CreateTable(def); err != nil {
				return err
			}
			_, err := tx.LoadNew(def.Name, recs)
			return err
		})
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
