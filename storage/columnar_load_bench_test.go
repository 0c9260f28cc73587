package storage

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// BenchmarkColumnarLoadLineitem loads lineitem into a new on-disk columnar
// table in one transaction, as db.create_table does: 600K synthetic
// lineitem-like rows in batches of 120K (ALOPEX_BENCH_ROWS to change), or
// the first ALOPEX_BENCH_ROWGROUPS row groups (default all) of the Parquet
// file ALOPEX_BENCH_PARQUET (TPC-H's lineitem), a batch per row group.
// Reading the input is not timed.
func BenchmarkColumnarLoadLineitem(b *testing.B) {
	def := lineitemDef
	var recs []arrow.RecordBatch
	if path := os.Getenv("ALOPEX_BENCH_PARQUET"); path != "" {
		def, recs = parquetBatches(b, path)
	} else {
		n, per := 600_000, 120_000
		if v, err := strconv.Atoi(os.Getenv("ALOPEX_BENCH_ROWS")); err == nil && v > 0 {
			n = v
		}
		for s := 0; s < n; s += per {
			recs = append(recs, lineitemBatch(s, per))
		}
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
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

// parquetBatches reads a lineitem Parquet file: a table definition from
// its schema (keyed as TPC-H's lineitem) and a batch per row group.
func parquetBatches(b *testing.B, path string) (TableDef, []arrow.RecordBatch) {
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		b.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{Parallel: true, BatchSize: 1 << 20}, memory.DefaultAllocator)
	if err != nil {
		b.Fatal(err)
	}
	groups := rdr.NumRowGroups()
	if v, err := strconv.Atoi(os.Getenv("ALOPEX_BENCH_ROWGROUPS")); err == nil && v > 0 && v < groups {
		groups = v
	}
	cols := make([]int, rdr.MetaData().Schema.NumColumns())
	for i := range cols {
		cols[i] = i
	}
	var def TableDef
	var recs []arrow.RecordBatch
	for g := range groups {
		tbl, err := fr.ReadRowGroups(context.Background(), cols, []int{g})
		if err != nil {
			b.Fatal(err)
		}
		tr := array.NewTableReader(tbl, tbl.NumRows())
		for tr.Next() {
			rec := tr.RecordBatch()
			rec.Retain()
			recs = append(recs, rec)
		}
		tr.Release()
		if g == 0 {
			def = TableDef{Name: "lineitem", PrimaryKey: []string{"l_orderkey", "l_linenumber"}}
			for _, f := range tbl.Schema().Fields() {
				def.Columns = append(def.Columns, ColumnDef{Name: f.Name, Type: f.Type})
			}
		}
		tbl.Release()
	}
	return def, recs
}
