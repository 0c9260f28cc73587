package storage

import (
	"github.com/alopexdb/alopex/internal/testkit"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// openMem opens an in-memory database closed with the test.
func openMem(t testing.TB) *DB {
	t.Helper()
	db, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// run runs fn in an autocommitted transaction and fails the test on error.
func run(t testing.TB, db *DB, fn func(tx *Txn) error) {
	t.Helper()
	if err := db.Run(fn); err != nil {
		t.Fatal(err)
	}
}

// batch builds a record batch from a JSON array of row objects.
func batch(t testing.TB, schema *arrow.Schema, rowsJSON string) arrow.RecordBatch {
	t.Helper()
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(rowsJSON))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rec.Release)
	return rec
}

func schemaOf(fields ...arrow.Field) *arrow.Schema { return arrow.NewSchema(fields, nil) }

func field(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: true}
}

// readAll scans a table and returns its rows as JSON-ish strings, one per
// row, in order.
func readAll(t testing.TB, tx *Txn, table string, opts ScanOptions) []string {
	t.Helper()
	rr, err := tx.Scan(table, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	var out []string
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			var parts []string
			for j := 0; j < int(rec.NumCols()); j++ {
				parts = append(parts, rec.Column(j).ValueStr(i))
			}
			out = append(out, strings.Join(parts, ","))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func scanRows(t testing.TB, db *DB, table string, opts ScanOptions) []string {
	t.Helper()
	var out []string
	run(t, db, func(tx *Txn) error { out = readAll(t, tx, table, opts); return nil })
	return out
}

// wantKind is the shared check (internal/testkit).
var wantKind = testkit.WantKind

func eq(t testing.TB, got, want []string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("rows\n got %q\nwant %q", got, want)
	}
}

var (
	arrowInt8 = arrow.PrimitiveTypes.Int8
	dec52     = &arrow.Decimal128Type{Precision: 5, Scale: 2}
	arrowList = arrow.ListOf(arrow.PrimitiveTypes.Int64)
)

// parseSchema reads a one-column schema "name:type" with a few type names.
func parseSchema(s string) *arrow.Schema {
	types := map[string]arrow.DataType{
		"int64": arrow.PrimitiveTypes.Int64, "float64": arrow.PrimitiveTypes.Float64, "string": arrow.BinaryTypes.String,
		"decimal(10,3)": &arrow.Decimal128Type{Precision: 10, Scale: 3}, "list": arrow.ListOf(arrow.PrimitiveTypes.Float64),
	}
	name, typ, _ := strings.Cut(s, ":")
	return schemaOf(field(name, types[typ]))
}
