package exec

import (
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"

	"github.com/alopexdb/alopex/core"
	pqread "github.com/alopexdb/alopex/dataframe/parquet"
	"github.com/alopexdb/alopex/lazy"
)

// lateScanTable is the table TestScanLateMaterialization scans: REQUIRED
// columns (k distinct, q a small dictionary, day, the decimal d) that the
// Parquet reader can decode at chosen rows, and OPTIONAL ones (f with
// nulls and NaN, s strings with nulls) that it decodes whole.
func lateScanTable(t *testing.T, mem memory.Allocator, n int) *core.Table {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "q", Type: arrow.PrimitiveTypes.Int32},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := range n {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.Int32Builder).Append(int32(i * 7 % 13))
		b.Field(2).(*array.Date32Builder).Append(arrow.Date32(i * 7919 % 3650))
		b.Field(3).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(i*31%1000) - 400))
		switch {
		case i%9 == 4:
			b.Field(4).AppendNull()
		case i%17 == 3:
			b.Field(4).(*array.Float64Builder).Append(math.NaN())
		default:
			b.Field(4).(*array.Float64Builder).Append(float64(i%100) / 10)
		}
		if i%6 == 1 {
			b.Field(5).AppendNull()
		} else {
			b.Field(5).(*array.StringBuilder).Append(fmt.Sprint("s", i%5))
		}
	}
	rb := b.NewRecordBatch()
	return core.NewTable(schema, []arrow.RecordBatch{rb})
}

func writeLateScanFile(t *testing.T, rb arrow.RecordBatch) string {
	t.Helper()
	return writeParquetFile(t, "late.parquet", rb, parquet.NewWriterProperties(
		parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryPageSizeLimit(2<<10), // k's dictionary overflows: PLAIN pages after it
		parquet.WithDataPageSize(1<<9),
		parquet.WithBatchSize(100),
		parquet.WithMaxRowGroupLength(int64(rb.NumRows()/3))))
}

// TestScanLateMaterialization runs filters over a Parquet scan read in
// stages (the filter's columns first, the others at the rows kept) and over
// the same rows in memory: the results must be equal, for filters keeping
// no row, a few, a block, about half and all, on one column or several,
// with the filter's columns returned or not, on a dictionary-encoded
// column, on a column with nulls and NaN, on a decimal, and after a
// string test run on the dictionary (scan_dict.go's lateLoad).
func TestScanLateMaterialization(t *testing.T) {
	mem := checkLeaks(t)
	const n = 6000
	tbl := lateScanTable(t, mem, n)
	defer tbl.Release()
	rb := tableBatch(t, tbl)
	defer rb.Release()
	src, err := pqread.OpenSource([]string{writeLateScanFile(t, rb)})
	if err != nil {
		t.Fatal(err)
	}
	if src.NumPieces() != 3 {
		t.Fatalf("%d row groups, want 3", src.NumPieces())
	}
	and := func(a, b lazy.Expr) lazy.Expr { return bin(lazy.OpAnd, a, b) }
	day := func(d int64) lazy.Expr { return &lazy.Literal{Value: d, Type: arrow.FixedWidthTypes.Date32} }
	dec := func(cents int64) lazy.Expr {
		return &lazy.Literal{Value: decimal128.FromI64(cents), Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}}
	}
	cases := []struct {
		name string
		pred lazy.Expr
		late bool // read in stages by planLateFilter (not by a dictionary filter)
	}{
		{"none", bin(lazy.OpLt, col("k"), lit(int64(-1))), true},
		{"few", bin(lazy.OpLt, col("k"), lit(int64(40))), true},
		{"block in the middle", and(bin(lazy.OpGtEq, col("k"), lit(int64(2500))), bin(lazy.OpLt, col("k"), lit(int64(2600)))), true},
		{"half", bin(lazy.OpLt, col("day"), day(1825)), true},
		{"all", bin(lazy.OpGtEq, col("k"), lit(int64(0))), true},
		{"dictionary column", bin(lazy.OpEq, col("q"), lit(int64(3))), true},
		{"decimal", bin(lazy.OpGt, col("d"), dec(55000)), true},
		{"several columns", and(and(bin(lazy.OpEq, col("q"), lit(int64(5))), bin(lazy.OpLt, col("day"), day(2000))), bin(lazy.OpLtEq, col("d"), dec(0))), true},
		{"nulls and NaN", bin(lazy.OpGt, col("f"), lit(5.0)), true},
		{"NaN and a decimal", and(bin(lazy.OpGtEq, col("f"), lit(9.5)), bin(lazy.OpGt, col("d"), dec(-10000))), true},
		{"string dictionary test", bin(lazy.OpEq, col("s"), lit("s2")), false},
		{"string test, then a decimal and a date", and(and(bin(lazy.OpNotEq, col("s"), lit("s3")), bin(lazy.OpGt, col("d"), dec(20000))), bin(lazy.OpLt, col("day"), day(900))), false},
		{"string test, then NaN", and(bin(lazy.OpEq, col("s"), lit("s4")), bin(lazy.OpLtEq, col("f"), lit(2.0))), false},
		{"or", bin(lazy.OpOr, bin(lazy.OpLt, col("k"), lit(int64(10))), bin(lazy.OpEq, col("q"), lit(int64(1)))), true},
	}
	projections := [][]string{{"k", "q", "day", "d", "f", "s"}, {"d"}, {"s", "k"}, {"f"}}
	for _, c := range cases {
		for _, cols := range projections {
			t.Run(fmt.Sprint(c.name, cols), func(t *testing.T) {
				out := make([]lazy.Expr, len(cols))
				for i, name := range cols {
					out[i] = col(name)
				}
				onFile := Optimize(sel(t, filter(t, lazy.NewScan(src), c.pred), out...))
				scan := findScan(onFile)
				if scan == nil || scan.Predicate == nil {
					t.Fatalf("plan is not a filtering scan:\n%s", lazy.Explain(onFile))
				}
				lf := planLateFilter(scan.Predicate, lazy.SchemaOf(src.Schema(), lazy.ReadColumns(scan)), scan.Schema())
				used := lazy.ColumnsUsed(scan.Predicate)
				if wantLate := len(lazy.ReadColumns(scan)) > len(used); c.late && (lf != nil) != wantLate && len(lazy.Conjuncts(scan.Predicate)) == 1 {
					t.Fatalf("late filter planned: %v, want %v", lf != nil, wantLate)
				}
				inMemory := Optimize(sel(t, filter(t, lazy.NewScan(tbl), c.pred), out...))
				sameResult(t, mem, onFile, inMemory)
			})
		}
	}
}

// sameResult runs both plans and compares their results, NaN equal to NaN.
func sameResult(t *testing.T, mem memory.Allocator, got, want lazy.Plan) {
	t.Helper()
	g, err := Run(t.Context(), mem, got)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	w, err := Run(t.Context(), mem, want)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Release()
	if g.NumRows() != w.NumRows() || !g.Schema().Equal(w.Schema()) {
		t.Fatalf("%d rows of %s, want %d rows of %s", g.NumRows(), g.Schema(), w.NumRows(), w.Schema())
	}
	for c := range g.Schema().NumFields() {
		ga, err := array.Concatenate(columnChunks(g, c), memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		wa, err := array.Concatenate(columnChunks(w, c), memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		if !array.ApproxEqual(ga, wa, array.WithNaNsEqual(true), array.WithAbsTolerance(0)) {
			t.Errorf("column %s:\n got %v\nwant %v", g.Schema().Field(c).Name, ga, wa)
		}
		ga.Release()
		wa.Release()
	}
}

func columnChunks(tbl *core.Table, c int) []arrow.Array {
	out := make([]arrow.Array, 0, len(tbl.Batches()))
	for _, b := range tbl.Batches() {
		out = append(out, b.Column(c))
	}
	return out
}
