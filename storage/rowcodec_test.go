package storage

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// allTypesDef is a table with a column of every storable type.
func allTypesDef(name string) TableDef {
	return TableDef{Name: name, PrimaryKey: []string{"k"}, Columns: []ColumnDef{
		{Name: "k", Type: i64},
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8}, {Name: "u32", Type: arrow.PrimitiveTypes.Uint32},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32}, {Name: "f64", Type: f64},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}},
		{Name: "s", Type: str}, {Name: "bin", Type: arrow.BinaryTypes.Binary},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean}, {Name: "d", Type: arrow.FixedWidthTypes.Date32},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}},
		{Name: "v", Type: VectorType(3)},
	}}
}

func TestRowRoundTripEveryType(t *testing.T) {
	d, err := newTableDesc(allTypesDef("t"))
	if err != nil {
		t.Fatal(err)
	}
	d.ID = 7
	goVals := []any{int64(-5), int64(-128), uint64(4000000000), 1.5, -0.25, decimal128.FromI64(-12345),
		"héllo\x00", []byte{0, 1, 2}, true, int32(19000), time.UnixMicro(1_700_000_000_123_456).UTC(), []float32{1, -2, 0.5}}
	vals := make([]datum, len(d.Columns))
	for i, v := range goVals {
		if vals[i], err = goToDatum(&d.Columns[i].typ, v); err != nil {
			t.Fatalf("column %s: %v", d.Columns[i].Name, err)
		}
	}
	key := d.appendRowKey(nil, vals)
	val := d.appendRowValue(nil, vals)
	back := make([]datum, len(d.Columns))
	if err := d.decodeRow(key, val, back); err != nil {
		t.Fatal(err)
	}
	for i := range goVals {
		got := datumToGo(&d.Columns[i].typ, back[i])
		if showValue(got) != showValue(goVals[i]) {
			t.Errorf("column %s: got %v, want %v", d.Columns[i].Name, got, goVals[i])
		}
	}
	// NULLs round-trip as NULL, not as defaults.
	for i := 1; i < len(vals); i++ {
		vals[i] = nullDatum
	}
	if err := d.decodeRow(key, d.appendRowValue(nil, vals), back); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(back); i++ {
		if !back[i].null {
			t.Errorf("column %s: NULL came back as %+v", d.Columns[i].Name, back[i])
		}
	}
}

// ADD/DROP/RENAME COLUMN never rewrite rows: old rows read the new column's
// default, skip the dropped one's bytes, and keep values under a new name;
// all of it survives a reopen.
func TestSchemaEvolution(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "a", Type: str}, {Name: "b", Type: f64}}, PrimaryKey: []string{"id"}})
	})
	s := schemaOf(field("id", i64), field("a", str), field("b", f64))
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", batch(t, s, `[{"id": 1, "a": "x", "b": 1.5}, {"id": 2, "a": null, "b": 2.5}]`), ConflictError)
		return err
	})
	run(t, db, func(tx *Txn) error {
		if err := tx.AddColumn("t", ColumnDef{Name: "c", Type: i64, NotNull: true, Default: 42}); err != nil {
			return err
		}
		if err := tx.DropColumn("t", "b"); err != nil {
			return err
		}
		return tx.RenameColumn("t", "a", "name")
	})
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", batch(t, schemaOf(field("id", i64), field("c", i64)), `[{"id": 3, "c": 7}]`), ConflictError)
		return err
	})
	want := []string{"1,x,42", "2,(null),42", "3,(null),7"}
	eq(t, scanRows(t, db, "t", ScanOptions{}), want)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eq(t, scanRows(t, db, "t", ScanOptions{}), want)
	// A re-added column of a dropped name does not see the old bytes.
	run(t, db, func(tx *Txn) error { return tx.AddColumn("t", ColumnDef{Name: "b", Type: f64}) })
	eq(t, scanRows(t, db, "t", ScanOptions{Columns: []string{"id", "b"}}), []string{"1,(null)", "2,(null)", "3,(null)"})
	run(t, db, func(tx *Txn) error {
		d, err := tx.Table("T")
		if err != nil {
			return err
		}
		if d.SchemaVersion != 5 || d.Schema().String() == "" {
			t.Errorf("schema version %d", d.SchemaVersion)
		}
		return nil
	})
}

// FuzzRowDecode: decoding arbitrary bytes as a row value never panics.
func FuzzRowDecode(f *testing.F) {
	d, err := newTableDesc(allTypesDef("t"))
	if err != nil {
		f.Fatal(err)
	}
	vals := make([]datum, len(d.Columns))
	for i := range vals {
		vals[i] = d.Columns[i].defaultV
	}
	vals[0] = datum{i: 1}
	key := d.appendRowKey(nil, vals)
	f.Add(d.appendRowValue(nil, vals))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := make([]datum, len(d.Columns))
		_ = d.decodeRow(key, b, out)
		r := &tableReader{d: d, mem: memory.DefaultAllocator}
		if err := r.bindColumns(nil); err != nil {
			t.Fatal(err)
		}
		_ = r.readRow(key, b)
		for _, b := range r.builders {
			b.Release()
		}
	})
}
