package storage

import (
	"testing"
)

// BenchmarkLatestGet reads single rows of a 50k-row table by key outside a
// transaction (the autocommit point read): through a kept iterator (what
// LatestRead.GetMany does) and through a pebble Get, with the rows in the
// memtable and flushed to sstables.
func BenchmarkLatestGet(b *testing.B) {
	db, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 50_000
	run(b, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}}); err != nil {
			return err
		}
		_, err := tx.Insert("t", narrowBatch(0, n), ConflictError)
		return err
	})
	for _, flushed := range []bool{false, true} {
		if flushed {
			if err := db.pdb.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		where := map[bool]string{false: "memtable", true: "sstables"}[flushed]
		b.Run("kept-iterator/"+where, func(b *testing.B) {
			for i := range b.N {
				r, _ := db.BeginLatest()
				d, _ := r.Table("t")
				if d == nil {
					tx, _ := db.Begin()
					_, _ = tx.Table("t")
					tx.Rollback()
					r, _ = db.BeginLatest()
					d, _ = r.Table("t")
				}
				rows := 0
				ok, err := r.GetManyFunc(d, [][]any{{int64(i * 7919 % n)}}, func(Row) error { rows++; return nil })
				if rows != 1 || !ok || err != nil {
					b.Fatal(rows, ok, err)
				}
			}
		})
		b.Run("get/"+where, func(b *testing.B) {
			tx, _ := db.Begin()
			d, _ := tx.Table("t")
			tx.Rollback()
			for i := range b.N {
				enc, _ := d.encodeKeys([][]any{{int64(i * 7919 % n)}})
				rows := 0
				err := readRows(db.pdb, nil, d, enc, 1, func([]datum) error { rows++; return nil })
				if rows != 1 || err != nil {
					b.Fatal(rows, err)
				}
			}
		})
	}
}

// BenchmarkLatestManyKeys reads 1,000 keys (sorted, about 200 rows apart)
// of a 200k-row table flushed to sstables by one latest read: a seek per
// key. (Stepping forward with Next to keys a few entries ahead instead was
// slower: each Next of the merged iterator cost about 0.6 µs here, half a
// seek.)
func BenchmarkLatestManyKeys(b *testing.B) {
	db, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 200_000
	run(b, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}}); err != nil {
			return err
		}
		for i := 0; i < n; i += 10_000 {
			if _, err := tx.Insert("t", narrowBatch(i, 10_000), ConflictError); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.pdb.Flush(); err != nil {
		b.Fatal(err)
	}
	keys := make([][]any, 1000)
	for i := range keys {
		keys[i] = []any{int64(i*10*17%n/10*10 + i%7)}
	}
	b.ResetTimer()
	for range b.N {
		r, _ := db.BeginLatest()
		d, _ := r.Table("t")
		if d == nil {
			tx, _ := db.Begin()
			_, _ = tx.Table("t")
			tx.Rollback()
			r, _ = db.BeginLatest()
			d, _ = r.Table("t")
		}
		rows := 0
		if _, err := r.GetManyFunc(d, keys, func(Row) error { rows++; return nil }); err != nil || rows == 0 {
			b.Fatal(err, rows)
		}
	}
}
