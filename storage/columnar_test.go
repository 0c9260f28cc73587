package storage

import (
	"fmt"

	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// withSegmentRows makes segments of n rows for one test.
func withSegmentRows(t *testing.T, n int) {
	old := segmentRows
	segmentRows = n
	t.Cleanup(func() { segmentRows = old })
}

// columnarRows reads every live row of a table (segments, then delta) as
// strings, sorted.
func columnarRows(t testing.TB, tx *Txn, table string, columns []string) []string {
	t.Helper()
	segs, err := tx.Segments(table)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range segs {
		sd, err := tx.ReadSegment(s, columns)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := sd.Decode(memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, batchRows(rb)...)
		rb.Release()
	}
	out = append(out, readAll(t, tx, table, ScanOptions{Columns: columns})...)
	slices.Sort(out)
	return out
}

func batchRows(rec arrow.RecordBatch) []string {
	var out []string
	for i := 0; i < int(rec.NumRows()); i++ {
		var parts []string
		for j := 0; j < int(rec.NumCols()); j++ {
			parts = append(parts, rec.Column(j).ValueStr(i))
		}
		out = append(out, strings.Join(parts, ","))
	}
	return out
}

// allTypes is a table of every column type, keyed by id.
func allTypes() []ColumnDef {
	return []ColumnDef{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8}, {Name: "i16", Type: arrow.PrimitiveTypes.Int16},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32}, {Name: "u8", Type: arrow.PrimitiveTypes.Uint8},
		{Name: "u16", Type: arrow.PrimitiveTypes.Uint16}, {Name: "u32", Type: arrow.PrimitiveTypes.Uint32},
		{Name: "u64", Type: arrow.PrimitiveTypes.Uint64},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32}, {Name: "f64", Type: arrow.PrimitiveTypes.Float64},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 3}},
		{Name: "dec38", Type: &arrow.Decimal128Type{Precision: 38, Scale: 4}},
		{Name: "s", Type: arrow.BinaryTypes.String}, {Name: "bin", Type: arrow.BinaryTypes.Binary},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean}, {Name: "d", Type: arrow.FixedWidthTypes.Date32},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}},
		{Name: "v", Type: VectorType(3)},
	}
}

const allTypesRows = `[
 {"id": 3, "i8": -128, "i16": 32767, "i32": -5, "u8": 255, "u16": 0, "u32": 7, "u64": 18446744073709551615,
  "f32": 1.5, "f64": "NaN", "dec": "-12.345", "dec38": "-1234567890123456789012345678.9012", "s": "héllo ☃", "bin": "AAE=", "b": true, "d": 19000,
  "ts": 1700000000000000, "v": [1, 2.5, -3]},
 {"id": 1, "i8": null, "i16": null, "i32": null, "u8": null, "u16": null, "u32": null, "u64": null,
  "f32": null, "f64": null, "dec": null, "dec38": null, "s": null, "bin": null, "b": null, "d": null, "ts": null, "v": null},
 {"id": 2, "i8": 5, "i16": -1, "i32": 2147483647, "u8": 0, "u16": 65535, "u32": 4294967295, "u64": 0,
  "f32": "-Inf", "f64": -0.0, "dec": "9999999.999", "dec38": "9999999999999999999999999999999999.9999", "s": "", "bin": "", "b": false, "d": -1,
  "ts": -1, "v": [0, 0, 0]},
 {"id": 4, "i8": 1, "i16": 2, "i32": 3, "u8": 4, "u16": 5, "u32": 6, "u64": 7,
  "f32": "NaN", "f64": 1e300, "dec": "0.001", "dec38": "0.0001", "s": "日本語", "bin": "/w==", "b": null, "d": 0,
  "ts": 0, "v": [1e-30, 3e30, 0.5]}
]`

func schemaOfDefs(defs []ColumnDef) *arrow.Schema {
	fields := make([]arrow.Field, len(defs))
	for i, c := range defs {
		fields[i] = field(c.Name, c.Type)
	}
	return arrow.NewSchema(fields, nil)
}

// TestColumnarEveryTypeRoundTrips loads every column type, NULLs, NaN,
// infinities and unicode into segments and reads back what a row table
// holding the same rows reads.
func TestColumnarEveryTypeRoundTrips(t *testing.T) {
	for _, segRows := range []int{2, 4, 1000} { // several, exactly one, one partial segment
		t.Run(fmt.Sprint(segRows), func(t *testing.T) {
			withSegmentRows(t, segRows)
			db := openMem(t)
			defs := allTypes()
			rows := batch(t, schemaOfDefs(defs), allTypesRows)
			run(t, db, func(tx *Txn) error {
				if err := tx.CreateTable(TableDef{Name: "r", Columns: defs, PrimaryKey: []string{"id"}}); err != nil {
					return err
				}
				if err := tx.CreateTable(TableDef{Name: "c", Columns: defs, PrimaryKey: []string{"id"}, Storage: "columnar"}); err != nil {
					return err
				}
				if _, err := tx.Insert("r", rows, ConflictError); err != nil {
					return err
				}
				n, err := tx.LoadNew("c", []arrow.RecordBatch{rows})
				if n != 4 {
					t.Errorf("loaded %d rows, want 4", n)
				}
				return err
			})
			run(t, db, func(tx *Txn) error {
				segs, err := tx.Segments("c")
				if err != nil {
					return err
				}
				if want := (4 + segRows - 1) / segRows; len(segs) != want {
					t.Errorf("%d segments, want %d", len(segs), want)
				}
				if has, _ := tx.HasDelta("c"); has {
					t.Error("a bulk load into a new table left rows in the delta")
				}
				want := readAll(t, tx, "r", ScanOptions{})
				slices.Sort(want)
				eq(t, columnarRows(t, tx, "c", nil), want)
				// A projection reads only its columns, in its order.
				eq(t, columnarRows(t, tx, "c", []string{"s", "id"}), []string{"(null),1", ",2", "héllo ☃,3", "日本語,4"})
				return nil
			})
		})
	}
}

func TestColumnarEmptyLoad(t *testing.T) {
	db := openMem(t)
	defs := allTypes()
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "c", Columns: defs, Storage: "columnar"}); err != nil {
			return err
		}
		n, err := tx.LoadNew("c", []arrow.RecordBatch{batch(t, schemaOfDefs(defs), `[]`)})
		if n != 0 {
			t.Errorf("loaded %d rows", n)
		}
		return err
	})
	run(t, db, func(tx *Txn) error {
		segs, err := tx.Segments("c")
		if len(segs) != 0 {
			t.Errorf("%d segments for no rows", len(segs))
		}
		return err
	})
}

func TestColumnarZoneMaps(t *testing.T) {
	withSegmentRows(t, 3)
	db := openMem(t)
	defs := []ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "s", Type: arrow.BinaryTypes.String}, {Name: "n", Type: arrow.PrimitiveTypes.Int32},
		{Name: "u", Type: arrow.PrimitiveTypes.Uint64}, {Name: "d", Type: arrow.FixedWidthTypes.Date32}}
	rows := batch(t, schemaOfDefs(defs), `[
	 {"id": 1, "f": 2.5, "s": "b", "n": null, "u": 10, "d": 5},
	 {"id": 2, "f": "NaN", "s": "a", "n": null, "u": 3, "d": -5},
	 {"id": 3, "f": -1, "s": null, "n": null, "u": 7, "d": 0},
	 {"id": 4, "f": "NaN", "s": "zz", "n": 1, "u": null, "d": null}]`)
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "c", Columns: defs, PrimaryKey: []string{"id"}, Storage: "columnar"}); err != nil {
			return err
		}
		_, err := tx.LoadNew("c", []arrow.RecordBatch{rows})
		return err
	})
	run(t, db, func(tx *Txn) error {
		segs, err := tx.Segments("c")
		if err != nil || len(segs) != 2 {
			t.Fatalf("segments %v, %v", segs, err)
		}
		check := func(s *Segment, col string, lo, hi any, nulls int64, ok bool) {
			t.Helper()
			gl, gh, gn, gok := s.Stats(col)
			if fmt.Sprint(gl, gh, gn, gok) != fmt.Sprint(lo, hi, nulls, ok) {
				t.Errorf("segment %d column %s: stats %v %v %v %v, want %v %v %v %v", s.ID, col, gl, gh, gn, gok, lo, hi, nulls, ok)
			}
		}
		check(segs[0], "id", int64(1), int64(3), 0, true)
		check(segs[0], "f", -1.0, 2.5, 0, true) // NaN left out of the bounds
		check(segs[0], "s", "a", "b", 1, true)
		check(segs[0], "n", nil, nil, 3, true) // only NULLs
		check(segs[0], "u", uint64(3), uint64(10), 0, true)
		check(segs[0], "d", int64(-5), int64(5), 0, true)
		check(segs[1], "f", nil, nil, 0, false) // only NaN: no bounds
		check(segs[1], "s", "zz", "zz", 0, true)
		if segs[0].desc.Columns[1].NaNs != 1 || segs[1].desc.Columns[1].NaNs != 1 {
			t.Errorf("NaN counts %d %d, want 1 1", segs[0].desc.Columns[1].NaNs, segs[1].desc.Columns[1].NaNs)
		}
		return nil
	})
	// A column added later reads as its default, in rows and zone maps.
	run(t, db, func(tx *Txn) error {
		return tx.AddColumn("c", ColumnDef{Name: "k", Type: arrow.PrimitiveTypes.Int64, Default: 7})
	})
	run(t, db, func(tx *Txn) error {
		segs, _ := tx.Segments("c")
		lo, hi, nulls, ok := segs[0].Stats("k")
		if lo != int64(7) || hi != int64(7) || nulls != 0 || !ok {
			t.Errorf("stats of an added column: %v %v %v %v", lo, hi, nulls, ok)
		}
		eq(t, columnarRows(t, tx, "c", []string{"id", "k"}), []string{"1,7", "2,7", "3,7", "4,7"})
		return nil
	})
}

// loadInts creates columnar table c (id key, v) with rows id = 0..n-1,
// given in descending order (the load sorts them), v = id*10.
func loadInts(t *testing.T, db *DB, n int) {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, schemaOf(field("id", arrow.PrimitiveTypes.Int64), field("v", arrow.PrimitiveTypes.Int64)))
	defer b.Release()
	for i := n - 1; i >= 0; i-- {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.Int64Builder).Append(int64(i * 10))
	}
	rb := b.NewRecordBatch()
	defer rb.Release()
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "v", Type: arrow.PrimitiveTypes.Int64}},
			PrimaryKey: []string{"id"}, Storage: "columnar"}); err != nil {
			return err
		}
		_, err := tx.LoadNew("c", []arrow.RecordBatch{rb})
		return err
	})
}

func intRows(lo, hi int, except ...int) []string {
	var out []string
	for i := lo; i < hi; i++ {
		if !slices.Contains(except, i) {
			out = append(out, fmt.Sprintf("%d,%d", i, i*10))
		}
	}
	slices.Sort(out)
	return out
}

func TestColumnarDuplicateKeyInLoad(t *testing.T) {
	db := openMem(t)
	rows := batch(t, schemaOf(field("id", arrow.PrimitiveTypes.Int64)), `[{"id": 2}, {"id": 1}, {"id": 2}]`)
	err := db.Run(func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, PrimaryKey: []string{"id"}, Storage: "columnar"}); err != nil {
			return err
		}
		_, err := tx.LoadNew("c", []arrow.RecordBatch{rows})
		return err
	})
	wantKind(t, err, core.KindConstraint)
	if !strings.Contains(err.Error(), "2") {
		t.Errorf("the error does not name the value: %v", err)
	}
}

// TestColumnarWritesAndSnapshots changes segment rows, checks what older
// snapshots see, then optimizes.
func TestColumnarWritesAndSnapshots(t *testing.T) {
	withSegmentRows(t, 8)
	db := openMem(t)
	loadInts(t, db, 30)
	before, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer before.Rollback()
	keys := func(ids ...int64) arrow.RecordBatch {
		b := array.NewInt64Builder(memory.DefaultAllocator)
		b.AppendValues(ids, nil)
		arr := b.NewArray()
		rb := array.NewRecordBatch(schemaOf(field("id", arrow.PrimitiveTypes.Int64)), []arrow.Array{arr}, int64(len(ids)))
		t.Cleanup(func() { rb.Release(); arr.Release(); b.Release() })
		return rb
	}
	run(t, db, func(tx *Txn) error {
		n, err := tx.Delete("c", keys(3, 9, 100))
		if n != 2 {
			t.Errorf("deleted %d rows, want 2", n)
		}
		return err
	})
	run(t, db, func(tx *Txn) error {
		n, err := tx.Update("c", batch(t, schemaOf(field("id", arrow.PrimitiveTypes.Int64), field("v", arrow.PrimitiveTypes.Int64)), `[{"id": 20, "v": -1}]`))
		if n != 1 {
			t.Errorf("updated %d rows, want 1", n)
		}
		return err
	})
	// A key in a segment is taken: a duplicate insert fails, IGNORE skips.
	err = db.Run(func(tx *Txn) error {
		_, err := tx.Insert("c", batch(t, schemaOf(field("id", arrow.PrimitiveTypes.Int64)), `[{"id": 5}]`), ConflictError)
		return err
	})
	wantKind(t, err, core.KindConstraint)
	run(t, db, func(tx *Txn) error {
		// A deleted key is free again; REPLACE of a segment row replaces it.
		if _, err := tx.Insert("c", batch(t, schemaOf(field("id", arrow.PrimitiveTypes.Int64), field("v", arrow.PrimitiveTypes.Int64)), `[{"id": 3, "v": 30}]`), ConflictError); err != nil {
			return err
		}
		_, err := tx.Insert("c", batch(t, schemaOf(field("id", arrow.PrimitiveTypes.Int64), field("v", arrow.PrimitiveTypes.Int64)), `[{"id": 7, "v": 77}]`), ConflictReplace)
		return err
	})
	want := intRows(0, 30, 9, 20, 7)
	want = append(want, "20,-1", "7,77")
	slices.Sort(want)
	run(t, db, func(tx *Txn) error { eq(t, columnarRows(t, tx, "c", nil), want); return nil })
	// The snapshot taken before sees the old table.
	eq(t, columnarRows(t, before, "c", nil), intRows(0, 30))
	run(t, db, func(tx *Txn) error { return tx.Optimize("c") })
	run(t, db, func(tx *Txn) error {
		eq(t, columnarRows(t, tx, "c", nil), want)
		segs, _ := tx.Segments("c")
		if len(segs) != 4 {
			t.Errorf("%d segments after OPTIMIZE of 29 rows, want 4", len(segs))
		}
		if has, _ := tx.HasDelta("c"); has {
			t.Error("OPTIMIZE left a delta")
		}
		markers, _ := tx.segmentMarkers(segs[0].d, segs[0])
		if len(markers) != 0 {
			t.Errorf("markers after OPTIMIZE: %v", markers)
		}
		return nil
	})
	eq(t, columnarRows(t, before, "c", nil), intRows(0, 30))
}

// TestColumnarOptimizeConflicts: a delete of a segment row and an
// OPTIMIZE that rewrites the segment never both commit, whichever commits
// first.
func TestColumnarOptimizeConflicts(t *testing.T) {
	for _, optimizeFirst := range []bool{true, false} {
		t.Run(fmt.Sprint(optimizeFirst), func(t *testing.T) {
			withSegmentRows(t, 8)
			db := openMem(t)
			loadInts(t, db, 20)
			run(t, db, func(tx *Txn) error { // something to optimize
				_, err := tx.Insert("c", batch(t, schemaOf(field("id", arrow.PrimitiveTypes.Int64)), `[{"id": 100}]`), ConflictError)
				return err
			})
			opt, _ := db.Begin()
			del, _ := db.Begin()
			if err := opt.Optimize("c"); err != nil {
				t.Fatal(err)
			}
			if _, err := del.Delete("c", batch(t, schemaOf(field("id", arrow.PrimitiveTypes.Int64)), `[{"id": 4}]`)); err != nil {
				t.Fatal(err)
			}
			first, second := opt, del
			if !optimizeFirst {
				first, second = del, opt
			}
			if err := first.Commit(); err != nil {
				t.Fatal(err)
			}
			wantKind(t, second.Commit(), core.KindTransactionConflict)
		})
	}
}

func TestColumnarReopen(t *testing.T) {
	withSegmentRows(t, 8)
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	loadInts(t, db, 20)
	run(t, db, func(tx *Txn) error {
		_, err := tx.Delete("c", batch(t, schemaOf(field("id", arrow.PrimitiveTypes.Int64)), `[{"id": 4}]`))
		return err
	})
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run(t, db, func(tx *Txn) error {
		d, _ := tx.Table("c")
		if !d.IsColumnar() {
			t.Error("the table is no longer columnar after reopening")
		}
		eq(t, columnarRows(t, tx, "c", nil), intRows(0, 20, 4))
		infos, err := tx.Describe()
		if err != nil || len(infos) != 1 || infos[0].Storage != StorageColumnar || infos[0].IndexBytes != 0 {
			t.Errorf("Describe: %+v, %v", infos, err)
		}
		return nil
	})
}

func TestColumnarUnsupported(t *testing.T) {
	db := openMem(t)
	err := db.Run(func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "a", Type: arrow.PrimitiveTypes.Int64}},
			Indexes: []IndexDef{{Name: "ia", Columns: []string{"a"}, Unique: true}}, Storage: "columnar"})
	})
	wantKind(t, err, core.KindNotSupported)
	err = db.Run(func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, Storage: "parquet"})
	})
	wantKind(t, err, core.KindNotSupported)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "e", Type: VectorType(2)}}, Storage: "columnar"})
	})
	wantKind(t, db.Run(func(tx *Txn) error { return tx.CreateIndex(IndexDef{Name: "ia", Table: "c", Columns: []string{"a"}}) }), core.KindNotSupported)
	wantKind(t, db.Run(func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "ve", Table: "c", Column: "e", Kind: "flat", Metric: "l2"})
	}), core.KindNotSupported)
}

// TestColumnarCorruptChunk: damaged chunk bytes are an Internal error,
// never a panic or a wrong array.
func TestColumnarCorruptChunk(t *testing.T) {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues([]int64{1, 2, 3}, nil)
	arr := b.NewArray()
	defer arr.Release()
	good, err := encodeChunk(arr)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, {0xff}, good[:len(good)/2], append([]byte{good[0] + 1}, good[1:]...)} {
		if _, err := decodeChunk(bad, arrow.PrimitiveTypes.Int64, 3, memory.DefaultAllocator); core.KindOf(err) != core.KindInternal {
			t.Errorf("decoding %x: %v, want an Internal error", bad, err)
		}
	}
	if _, err := decodeChunk(good, arrow.BinaryTypes.String, 3, memory.DefaultAllocator); core.KindOf(err) != core.KindInternal {
		t.Errorf("decoding as the wrong type: %v", err)
	}
	got, err := decodeChunk(good, arrow.PrimitiveTypes.Int64, 3, memory.DefaultAllocator)
	if err != nil || !array.Equal(got, arr) {
		t.Fatalf("round trip: %v, %v", got, err)
	}
	got.Release()
}

// A duplicate key in sorted batches, checked where the keys lie: inside a
// batch, or the last key of one batch and the first of the next; batches
// out of order are sorted together first.
func TestColumnarDuplicateKeyInSortedParts(t *testing.T) {
	schema := schemaOf(field("id", arrow.PrimitiveTypes.Int64))
	for name, parts := range map[string][]string{
		"inside":       {`[{"id": 1}, {"id": 2}, {"id": 2}, {"id": 3}]`},
		"across":       {`[{"id": 1}, {"id": 4}]`, `[{"id": 4}, {"id": 5}]`},
		"out of order": {`[{"id": 7}, {"id": 8}]`, `[{"id": 1}, {"id": 8}]`},
	} {
		t.Run(name, func(t *testing.T) {
			db := openMem(t)
			var batches []arrow.RecordBatch
			for _, p := range parts {
				batches = append(batches, batch(t, schema, p))
			}
			err := db.Run(func(tx *Txn) error {
				if err := tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, PrimaryKey: []string{"id"}, Storage: "columnar"}); err != nil {
					return err
				}
				_, err := tx.LoadNew("c", batches)
				return err
			})
			wantKind(t, err, core.KindConstraint)
		})
	}
	// Sorted parts without a duplicate load as they are, in order.
	withSegmentRows(t, 3)
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, PrimaryKey: []string{"id"}, Storage: "columnar"}); err != nil {
			return err
		}
		_, err := tx.LoadNew("c", []arrow.RecordBatch{batch(t, schema, `[{"id": 1}, {"id": 2}]`), batch(t, schema, `[{"id": 3}, {"id": 4}, {"id": 5}]`)})
		return err
	})
	run(t, db, func(tx *Txn) error {
		eq(t, columnarRows(t, tx, "c", nil), []string{"1", "2", "3", "4", "5"})
		segs, err := tx.Segments("c")
		if len(segs) != 2 || segs[0].Rows != 2 {
			t.Errorf("segments %v (%v): want one per batch", len(segs), err)
		}
		return err
	})
}
