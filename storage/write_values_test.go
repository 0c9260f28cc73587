package storage

import (
	"testing"
)

// BenchmarkInsertValuesOne inserts one new row per transaction (the SQL
// write fast path's autocommit INSERT) into a 100k-row table whose rows are
// in the memtable or flushed to sstables; the new keys fall between the
// stored ones, so the existence probe cannot stop at the table's end.
func BenchmarkInsertValuesOne(b *testing.B) {
	for _, flushed := range []bool{false, true} {
		where := map[bool]string{false: "memtable", true: "sstables"}[flushed]
		b.Run(where, func(b *testing.B) {
			db, err := Open(b.TempDir(), Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			const n = 200_000
			cols := []int{0, 1, 2}
			run(b, db, func(tx *Txn) error {
				if err := tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}}); err != nil {
					return err
				}
				rows := make([][]any, 0, n/2)
				for i := 0; i < n; i += 2 { // the even keys: the benchmark inserts odd ones
					rows = append(rows, []any{int64(i), int64(i), 0.5})
				}
				_, err := tx.InsertValues("t", cols, rows, ConflictError)
				return err
			})
			if flushed {
				if err := db.pdb.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				k := int64(i*7919%(n/2))*2 + 1
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.InsertValues("t", cols, [][]any{{k, int64(i), 0.5}}, ConflictIgnore); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
