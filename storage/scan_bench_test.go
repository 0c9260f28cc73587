package storage

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// lineitemDef is a table shaped like TPC-H's lineitem: 16 columns of
// integers, decimals, dates and strings, keyed by (l_orderkey,
// l_linenumber).
var lineitemDef = func() TableDef {
	dec := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	str, date := arrow.BinaryTypes.String, arrow.FixedWidthTypes.Date32
	cols := []ColumnDef{
		{Name: "l_orderkey", Type: i64}, {Name: "l_partkey", Type: i64}, {Name: "l_suppkey", Type: i64},
		{Name: "l_linenumber", Type: arrow.PrimitiveTypes.Int32},
		{Name: "l_quantity", Type: dec}, {Name: "l_extendedprice", Type: dec}, {Name: "l_discount", Type: dec}, {Name: "l_tax", Type: dec},
		{Name: "l_returnflag", Type: str}, {Name: "l_linestatus", Type: str},
		{Name: "l_shipdate", Type: date}, {Name: "l_commitdate", Type: date}, {Name: "l_receiptdate", Type: date},
		{Name: "l_shipinstruct", Type: str}, {Name: "l_shipmode", Type: str}, {Name: "l_comment", Type: str},
	}
	return TableDef{Name: "lineitem", PrimaryKey: []string{"l_orderkey", "l_linenumber"}, Columns: cols}
}()

// lineitemBatch is n lineitem-like rows starting at order start/4.
func lineitemBatch(start, n int) arrow.RecordBatch {
	fields := make([]arrow.Field, len(lineitemDef.Columns))
	bs := make([]array.Builder, len(fields))
	for i, c := range lineitemDef.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type}
		bs[i] = array.NewBuilder(memory.DefaultAllocator, c.Type)
	}
	for r := start; r < start+n; r++ {
		bs[0].(*array.Int64Builder).Append(int64(r / 4))
		bs[1].(*array.Int64Builder).Append(int64(r * 7919 % 200000))
		bs[2].(*array.Int64Builder).Append(int64(r * 31 % 10000))
		bs[3].(*array.Int32Builder).Append(int32(r%4 + 1))
		for k := 4; k < 8; k++ {
			bs[k].(*array.Decimal128Builder).Append(decimal128.FromI64(int64(r*(k+3)%100000 + 1)))
		}
		bs[8].(*array.StringBuilder).Append([]string{"A", "N", "R"}[r%3])
		bs[9].(*array.StringBuilder).Append([]string{"F", "O"}[r%2])
		for k := 10; k < 13; k++ {
			bs[k].(*array.Date32Builder).Append(arrow.Date32(8000 + r%2500 + k))
		}
		bs[13].(*array.StringBuilder).Append("DELIVER IN PERSON")
		bs[14].(*array.StringBuilder).Append([]string{"AIR", "MAIL", "SHIP", "TRUCK"}[r%4])
		bs[15].(*array.StringBuilder).Append(fmt.Sprintf("regular deposits sleep %d quickly", r))
	}
	cols := make([]arrow.Array, len(bs))
	for i, b := range bs {
		cols[i] = b.NewArray()
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(n))
}

// BenchmarkScanLineitem scans 500K lineitem-like rows of an on-disk table:
// every column, and the seven columns TPC-H Q1 reads.
func BenchmarkScanLineitem(b *testing.B) {
	const n = 500_000
	db, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	run(b, db, func(tx *Txn) error { return tx.CreateTable(lineitemDef) })
	for s := 0; s < n; s += 100_000 {
		rec := lineitemBatch(s, 100_000)
		run(b, db, func(tx *Txn) error {
			_, err := tx.Insert("lineitem", rec, ConflictError)
			return err
		})
		rec.Release()
	}
	for _, bc := range []struct {
		name string
		cols []string
	}{
		{"all", nil},
		{"q1", []string{"l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount", "l_tax", "l_shipdate"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				run(b, db, func(tx *Txn) error {
					rr, err := tx.Scan("lineitem", ScanOptions{Columns: bc.cols})
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
		})
	}
}
