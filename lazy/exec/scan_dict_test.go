package exec

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	pqread "github.com/alopexdb/alopex/dataframe/parquet"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// dictScanRows are the rows of the file TestScanDictFilter scans: s has few
// distinct values (dictionary-encoded) with nulls, an empty string and
// non-ASCII text, each row group with other values (other dictionaries);
// g has a value per row, so its dictionary overflows and its chunks fall
// back to PLAIN pages part of the way.
func dictScanRows(n int) (k []any, s []any, g []any) {
	vocab := [][]any{
		{"MAIL", "SHIP", "", nil, "é😀", "AIR", "AIR REG"},
		{"TRUCK", "MAIL", nil, "ü", "RAIL", ""},
	}
	for i := range n {
		v := vocab[i/(n/2)%2]
		k = append(k, int64(i))
		s = append(s, v[(i*7+i/3)%len(v)])
		if i%11 == 5 {
			g = append(g, nil)
		} else {
			g = append(g, fmt.Sprintf("g%05d", i*7919%n))
		}
	}
	return k, s, g
}

func writeDictScanFile(t *testing.T, tbl arrow.RecordBatch, version ...parquet.DataPageVersion) string {
	t.Helper()
	v := parquet.DataPageV1
	if len(version) > 0 {
		v = version[0]
	}
	return writeParquetFile(t, "dict.parquet", tbl, parquet.NewWriterProperties(
		parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryPageSizeLimit(2<<10),
		parquet.WithDataPageSize(1<<10),
		parquet.WithBatchSize(100),
		parquet.WithDataPageVersion(v),
		parquet.WithMaxRowGroupLength(int64(tbl.NumRows()/2))))
}

// writeParquetFile writes rb with pyarrow-like writer properties (arrow-go's
// pqarrow, an independent writer) to a file called name in the test's
// temporary directory, and returns its path.
func writeParquetFile(t *testing.T, name string, rb arrow.RecordBatch, props *parquet.WriterProperties) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(rb.Schema(), out, props, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rb); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestScanDictFilter runs string filters over a Parquet scan, where they
// are tested per dictionary value, and over the same rows in memory, where
// they are tested per row: the results must agree, for equality,
// inequality, IN, NOT IN with nulls (null rows are dropped: the test is
// null there), IS NULL (kept: the null slot of the dictionary passes),
// comparisons, starts_with, tests on two columns, a test mixed with other
// conjuncts, and a column whose chunks fall back to PLAIN pages.
func TestScanDictFilter(t *testing.T) {
	mem := checkLeaks(t)
	const n = 3000
	k, s, g := dictScanRows(n)
	tbl := newTable(t, mem, []column{
		{"k", arrow.PrimitiveTypes.Int64, k},
		{"s", arrow.BinaryTypes.String, s},
		{"g", arrow.BinaryTypes.String, g},
	})
	defer tbl.Release()
	rb := tableBatch(t, tbl)
	defer rb.Release()
	src, err := pqread.OpenSource([]string{writeDictScanFile(t, rb)})
	if err != nil {
		t.Fatal(err)
	}
	isIn := func(x lazy.Expr, vals ...any) lazy.Expr {
		return &lazy.Call{Name: "is_in", Args: []lazy.Expr{x}, Opts: map[string]any{"values": vals}}
	}
	not := func(x lazy.Expr) lazy.Expr { return &lazy.Unary{Op: lazy.OpNot, X: x} }
	and := func(a, b lazy.Expr) lazy.Expr { return bin(lazy.OpAnd, a, b) }
	cases := []struct {
		name string
		pred lazy.Expr
	}{
		{"equal", bin(lazy.OpEq, col("s"), lit("MAIL"))},
		{"equal empty", bin(lazy.OpEq, col("s"), lit(""))},
		{"equal unicode", bin(lazy.OpEq, col("s"), lit("é😀"))},
		{"not equal", bin(lazy.OpNotEq, col("s"), lit("MAIL"))},
		{"in", isIn(col("s"), "MAIL", "SHIP", "ü")},
		{"not in", not(isIn(col("s"), "MAIL", "", "RAIL"))},
		{"in with null", isIn(col("s"), "AIR", nil)},
		{"not in with null", not(isIn(col("s"), "AIR", nil))},
		{"is null", &lazy.Unary{Op: lazy.OpIsNull, X: col("s")}},
		{"is null or equal", bin(lazy.OpOr, &lazy.Unary{Op: lazy.OpIsNull, X: col("s")}, bin(lazy.OpEq, col("s"), lit("")))},
		{"less", bin(lazy.OpLt, col("s"), lit("N"))},
		{"starts_with", strFn("starts_with", nil, col("s"), lit("AI"))},
		{"none", bin(lazy.OpEq, col("s"), lit("BOAT"))},
		{"two tests on s", and(bin(lazy.OpNotEq, col("s"), lit("MAIL")), bin(lazy.OpGtEq, col("s"), lit("")))},
		{"and other columns", and(isIn(col("s"), "MAIL", "TRUCK"), bin(lazy.OpGt, col("k"), lit(int64(1000))))},
		{"test in rest too", and(bin(lazy.OpEq, col("s"), lit("SHIP")), bin(lazy.OpOr, bin(lazy.OpEq, col("s"), lit("x")), bin(lazy.OpLt, col("k"), lit(int64(900)))))},
		{"plain fallback", strFn("starts_with", nil, col("g"), lit("g00"))},
		{"two columns", and(bin(lazy.OpNotEq, col("s"), lit("MAIL")), bin(lazy.OpLt, col("g"), lit("g01")))},
	}
	for _, c := range cases {
		for _, cols := range [][]string{{"k", "s", "g"}, {"k"}, {"s"}, {"g", "s", "k"}} {
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
				if planDictFilter(scan.Predicate, lazy.SchemaOf(src.Schema(), lazy.ReadColumns(scan)), scan.Schema()) == nil {
					t.Fatalf("no dictionary test planned for %s", scan.Predicate)
				}
				inMemory := Optimize(sel(t, filter(t, lazy.NewScan(tbl), c.pred), out...))
				got, want := run(t, mem, onFile), run(t, mem, inMemory)
				if got.schema != want.schema {
					t.Fatalf("schema %s, want %s", got.schema, want.schema)
				}
				for _, name := range cols {
					if !sameValues(got.cols[name], want.cols[name]) {
						t.Fatalf("column %s: %d rows %v\nwant %d rows %v", name, len(got.cols[name]), head(got.cols[name]), len(want.cols[name]), head(want.cols[name]))
					}
				}
			})
		}
	}
}

// findScan is the first scan under p.
func findScan(p lazy.Plan) *lazy.Scan {
	if s, ok := p.(*lazy.Scan); ok {
		return s
	}
	for _, c := range p.Children() {
		if s := findScan(c); s != nil {
			return s
		}
	}
	return nil
}

func head(v []any) []any { return v[:min(len(v), 12)] }

// tableBatch is the one batch of a table newTable made.
func tableBatch(t *testing.T, tbl interface{ Batches() []arrow.RecordBatch }) arrow.RecordBatch {
	t.Helper()
	bs := tbl.Batches()
	if len(bs) != 1 {
		t.Fatalf("%d batches", len(bs))
	}
	bs[0].Retain()
	return bs[0]
}

// TestReadPieceDictFallback: a chunk that starts dictionary-encoded and
// falls back to PLAIN pages comes back as strings; a small-vocabulary one
// as a dictionary array, per row group (each with its own dictionary).
func TestReadPieceDictFallback(t *testing.T) {
	mem := checkLeaks(t)
	const n = 3000
	k, s, g := dictScanRows(n)
	tbl := newTable(t, mem, []column{
		{"k", arrow.PrimitiveTypes.Int64, k},
		{"s", arrow.BinaryTypes.String, s},
		{"g", arrow.BinaryTypes.String, g},
	})
	defer tbl.Release()
	rb := tableBatch(t, tbl)
	defer rb.Release()
	for _, version := range []parquet.DataPageVersion{parquet.DataPageV1, parquet.DataPageV2} {
		src, err := pqread.OpenSource([]string{writeDictScanFile(t, rb, version)})
		if err != nil {
			t.Fatal(err)
		}
		if src.NumPieces() != 2 {
			t.Fatalf("%d row groups, want 2", src.NumPieces())
		}
		for i := range src.NumPieces() {
			checkPieceDict(t, src, i)
		}
	}
}

// checkPieceDict reads row group i with s and g asked as dictionaries and
// checks their form and that they decode to ReadPiece's strings.
func checkPieceDict(t *testing.T, src *pqread.Source, i int) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	cols := []string{"s", "g", "k"}
	b, err := src.ReadPieceDict(t.Context(), alloc, i, cols, []string{"s", "g"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	plain, err := src.ReadPiece(t.Context(), alloc, i, cols)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Release()
	d, ok := b.Column(0).(*array.Dictionary)
	if !ok {
		t.Fatalf("row group %d: s is %s, want a dictionary", i, b.Column(0).DataType())
	}
	if d.Dictionary().Len() > 7 {
		t.Errorf("row group %d: dictionary of %d values", i, d.Dictionary().Len())
	}
	if _, ok := b.Column(1).(*array.String); !ok {
		t.Errorf("row group %d: g is %s, want String (PLAIN pages)", i, b.Column(1).DataType())
	}
	decoded, err := kernels.DictDecode(alloc, d)
	if err != nil {
		t.Fatal(err)
	}
	defer decoded.Release()
	if !array.Equal(decoded, plain.Column(0)) || !array.Equal(b.Column(1), plain.Column(1)) || !array.Equal(b.Column(2), plain.Column(2)) {
		t.Errorf("row group %d: the dictionary read differs from the plain one", i)
	}
	if b.Schema().Field(0).Type.ID() != arrow.DICTIONARY || b.Schema().Field(1).Type.ID() != arrow.STRING {
		t.Errorf("row group %d: schema %s", i, b.Schema())
	}
}
