package storage

import (
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// benchRows is the size of the bulk-load benchmark: 1M rows by default,
// ALOPEX_BENCH_ROWS=10000000 for the 10M-row figure in BENCHMARKS.md.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("ALOPEX_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// narrowBatch is rows [start, start+n) of a narrow table: id BIGINT key,
// v BIGINT, f DOUBLE.
func narrowBatch(start, n int) arrow.RecordBatch {
	ids := array.NewInt64Builder(memory.DefaultAllocator)
	vs := array.NewInt64Builder(memory.DefaultAllocator)
	fs := array.NewFloat64Builder(memory.DefaultAllocator)
	for i := start; i < start+n; i++ {
		ids.Append(int64(i))
		vs.Append(int64(i * 7 % 1000))
		fs.Append(float64(i) / 3)
	}
	cols := []arrow.Array{ids.NewArray(), vs.NewArray(), fs.NewArray()}
	return array.NewRecordBatch(schemaOf(field("id", i64), field("v", i64), field("f", f64)), cols, int64(n))
}

// BenchmarkBulkInsert loads benchRows() narrow rows from Arrow batches of
// 64K rows into an on-disk database, committing every 1M rows, and reports
// rows/s.
func BenchmarkBulkInsert(b *testing.B) {
	total := benchRows()
	const batchRows, commitRows = 64 * 1024, 1 << 20
	batches := make([]arrow.RecordBatch, 0, total/batchRows+1)
	for s := 0; s < total; s += batchRows {
		batches = append(batches, narrowBatch(s, min(batchRows, total-s)))
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		db, err := Open(b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		run(b, db, func(tx *Txn) error {
			return tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}})
		})
		b.StartTimer()
		tx, _ := db.Begin()
		inTxn := 0
		for _, rec := range batches {
			if _, err := tx.Insert("t", rec, ConflictError); err != nil {
				b.Fatal(err)
			}
			if inTxn += int(rec.NumRows()); inTxn >= commitRows {
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
				tx, _ = db.Begin()
				inTxn = 0
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkPointGet reads single rows by primary key, one transaction each.
func BenchmarkPointGet(b *testing.B) {
	db, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 100_000
	run(b, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}}); err != nil {
			return err
		}
		_, err := tx.Insert("t", narrowBatch(0, n), ConflictError)
		return err
	})
	b.ResetTimer()
	for i := range b.N {
		tx, _ := db.Begin()
		if _, ok, err := tx.Get("t", []any{int64(i * 7919 % n)}); !ok || err != nil {
			b.Fatal(ok, err)
		}
		tx.Rollback()
	}
}

// BenchmarkScan reads every row of a 1M-row table.
func BenchmarkScan(b *testing.B) {
	db := openMem(b)
	const n = 1_000_000
	run(b, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}})
	})
	run(b, db, func(tx *Txn) error {
		_, err := tx.Insert("t", narrowBatch(0, n), ConflictError)
		return err
	})
	b.ResetTimer()
	for range b.N {
		run(b, db, func(tx *Txn) error {
			rr, err := tx.Scan("t", ScanOptions{})
			if err != nil {
				return err
			}
			defer rr.Release()
			rows := 0
			for rr.Next() {
				rows += int(rr.RecordBatch().NumRows())
			}
			if rows != n {
				b.Fatalf("%d rows", rows)
			}
			return rr.Err()
		})
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkAutocommitInsert inserts one row per synced transaction from
// several goroutines (group commit shares the fsyncs).
func BenchmarkAutocommitInsert(b *testing.B) {
	db, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	run(b, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}})
	})
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := narrowBatch(int(next.Add(1)), 1)
			if err := db.Run(func(tx *Txn) error {
				_, err := tx.Insert("t", rec, ConflictError)
				return err
			}); err != nil {
				b.Error(err)
			}
			rec.Release()
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkLoadNew loads benchRows() narrow rows from 64K-row Arrow
// batches into a table created in the same transaction (LoadNew: sorted
// sstables ingested at commit), and reports rows/s.
func BenchmarkLoadNew(b *testing.B) {
	total := benchRows()
	const batchRows = 64 * 1024
	batches := make([]arrow.RecordBatch, 0, total/batchRows+1)
	for s := 0; s < total; s += batchRows {
		batches = append(batches, narrowBatch(s, min(batchRows, total-s)))
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		db, err := Open(b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		run(b, db, func(tx *Txn) error {
			if err := tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}}); err != nil {
				return err
			}
			_, err := tx.LoadNew("t", batches)
			return err
		})
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
