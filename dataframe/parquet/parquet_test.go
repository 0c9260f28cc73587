package parquet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/internal/testkit"
)

// allTypesSchema has a column of every Arrow type Write supports, all
// nullable except the req_ ones.
var allTypesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
	{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
	{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	{Name: "sv", Type: arrow.BinaryTypes.StringView, Nullable: true},
	{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "fsb", Type: &arrow.FixedSizeBinaryType{ByteWidth: 5}, Nullable: true},
	{Name: "d32", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "d64", Type: arrow.FixedWidthTypes.Date64, Nullable: true},
	{Name: "t32", Type: arrow.FixedWidthTypes.Time32ms, Nullable: true},
	{Name: "t32s", Type: arrow.FixedWidthTypes.Time32s, Nullable: true},
	{Name: "t64", Type: arrow.FixedWidthTypes.Time64us, Nullable: true},
	{Name: "t64ns", Type: arrow.FixedWidthTypes.Time64ns, Nullable: true},
	{Name: "ts_s", Type: &arrow.TimestampType{Unit: arrow.Second}, Nullable: true},
	{Name: "ts_ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	{Name: "ts_us_utc", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "ts_ns_paris", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Paris"}, Nullable: true},
	{Name: "dec9", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}, Nullable: true},
	{Name: "dec15", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
	{Name: "dec38", Type: &arrow.Decimal128Type{Precision: 38, Scale: 10}, Nullable: true},
	{Name: "all_null", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "no_null", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "req_i64", Type: arrow.PrimitiveTypes.Int64},
	{Name: "req_s", Type: arrow.BinaryTypes.String},
	{Name: "req_b", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "req_dec38", Type: &arrow.Decimal128Type{Precision: 38, Scale: 0}},
}, nil)

// readBackType is the type our reader reports for a column written from t.
func readBackType(t arrow.DataType) arrow.DataType {
	switch t := t.(type) {
	case *arrow.LargeStringType, *arrow.StringViewType:
		return arrow.BinaryTypes.String
	case *arrow.Date64Type:
		return arrow.FixedWidthTypes.Date32
	case *arrow.Time32Type:
		return arrow.FixedWidthTypes.Time32ms
	case *arrow.TimestampType:
		unit, tz := t.Unit, t.TimeZone
		if unit == arrow.Second {
			unit = arrow.Millisecond
		}
		if tz != "" {
			tz = "UTC"
		}
		return &arrow.TimestampType{Unit: unit, TimeZone: tz}
	}
	return t
}

// makeAllTypesBatch builds n rows of allTypesSchema; row r of the whole
// data set is first+r, and its values depend on that number only (so the
// expected values are easy to rebuild), with about one null in five.
func makeAllTypesBatch(mem memory.Allocator, first, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, allTypesSchema)
	defer b.Release()
	rng := rand.New(rand.NewPCG(uint64(first), 7))
	for r := first; r < first+n; r++ {
		for c, f := range allTypesSchema.Fields() {
			fb := b.Field(c)
			null := f.Nullable && (f.Name == "all_null" || (f.Name != "no_null" && rng.IntN(5) == 0))
			if null {
				fb.AppendNull()
				continue
			}
			x := int64(r)*2654435761 ^ int64(c)<<40 // varied bits, deterministic
			neg := int64(1)
			if r%2 == 1 {
				neg = -1
			}
			switch fb := fb.(type) {
			case *array.BooleanBuilder:
				fb.Append(x%3 == 0)
			case *array.Int8Builder:
				fb.Append(int8(x))
			case *array.Int16Builder:
				fb.Append(int16(x))
			case *array.Int32Builder:
				fb.Append(int32(x))
			case *array.Int64Builder:
				fb.Append(x * neg)
			case *array.Uint8Builder:
				fb.Append(uint8(x))
			case *array.Uint16Builder:
				fb.Append(uint16(x))
			case *array.Uint32Builder:
				fb.Append(uint32(x) | 1<<31)
			case *array.Uint64Builder:
				fb.Append(uint64(x) | 1<<63)
			case *array.Float32Builder:
				fb.Append(float32(x%100000) / 7 * float32(neg))
			case *array.Float64Builder:
				fb.Append(float64(x) / 3)
			case *array.StringBuilder:
				fb.Append(fmt.Sprintf("%s-%d-%s", f.Name, x%97, string(rune('α'+r%20))))
			case *array.LargeStringBuilder:
				fb.Append(fmt.Sprintf("large-%d", r))
			case *array.StringViewBuilder:
				fb.Append(fmt.Sprintf("a view string longer than twelve bytes %d", r%5))
			case *array.BinaryBuilder:
				fb.Append([]byte{byte(r), 0, byte(r >> 8), 255}[:r%5])
			case *array.FixedSizeBinaryBuilder:
				fb.Append([]byte{byte(r), byte(r >> 8), 0, 255, byte(c)})
			case *array.Date32Builder:
				fb.Append(arrow.Date32(int32(x%40000) * int32(neg)))
			case *array.Date64Builder:
				fb.Append(arrow.Date64((x % 40000) * neg * 86_400_000))
			case *array.Time32Builder:
				if f.Type.(*arrow.Time32Type).Unit == arrow.Second {
					fb.Append(arrow.Time32(x % 86400))
				} else {
					fb.Append(arrow.Time32(x % 86_400_000))
				}
			case *array.Time64Builder:
				fb.Append(arrow.Time64(x % 86_400_000_000))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(x % (1 << 50) * neg))
			case *array.Decimal128Builder:
				p := f.Type.(*arrow.Decimal128Type).Precision
				switch {
				case p <= 9:
					fb.Append(decimal128.FromI64(x % 999_999_999 * neg))
				case p <= 18:
					fb.Append(decimal128.FromI64(x % 999_999_999_999_999 * neg))
				default:
					v := decimal128.New(x%(1<<40), uint64(x)*7919)
					if neg < 0 {
						v = v.Negate()
					}
					fb.Append(v)
				}
			default:
				panic(fmt.Sprintf("no generator for %T", fb))
			}
		}
	}
	return b.NewRecordBatch()
}

// makeBatches cuts n rows into batches of varied sizes.
func makeBatches(mem memory.Allocator, n int, sizes ...int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for first, i := 0, 0; first < n; i++ {
		size := min(sizes[i%len(sizes)], n-first)
		out = append(out, makeAllTypesBatch(mem, first, size))
		first += size
	}
	return out
}

// expectedColumn converts a written column to what reading it must give.
func expectedColumn(t *testing.T, arr arrow.Array) arrow.Array {
	t.Helper()
	want := readBackType(arr.DataType())
	if arrow.TypeEqual(want, arr.DataType()) {
		arr.Retain()
		return arr
	}
	mem := memory.DefaultAllocator
	switch a := arr.(type) {
	case *array.LargeString, *array.StringView:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		s := a.(interface {
			arrow.Array
			Value(int) string
		})
		for i := 0; i < s.Len(); i++ {
			if s.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(s.Value(i))
			}
		}
		return b.NewArray()
	case *array.Date64:
		b := array.NewDate32Builder(mem)
		defer b.Release()
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(arrow.Date32(int64(a.Value(i)) / 86_400_000))
			}
		}
		return b.NewArray()
	case *array.Time32:
		b := array.NewTime32Builder(mem, arrow.FixedWidthTypes.Time32ms.(*arrow.Time32Type))
		defer b.Release()
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(a.Value(i) * 1000)
			}
		}
		return b.NewArray()
	case *array.Timestamp:
		scale := arrow.Timestamp(1)
		if a.DataType().(*arrow.TimestampType).Unit == arrow.Second {
			scale = 1000
		}
		b := array.NewTimestampBuilder(mem, want.(*arrow.TimestampType))
		defer b.Release()
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(a.Value(i) * scale)
			}
		}
		return b.NewArray()
	}
	t.Fatalf("no expected conversion for %s", arr.DataType())
	return nil
}

// checkRoundTrip reads path back and compares it with the written batches.
func checkRoundTrip(t *testing.T, path string, written []arrow.RecordBatch, rowGroupRows int) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total := int64(0)
	for _, b := range written {
		total += b.NumRows()
	}
	if f.NumRows() != total {
		t.Fatalf("NumRows = %d, want %d", f.NumRows(), total)
	}
	wantGroups := int((total + int64(rowGroupRows) - 1) / int64(rowGroupRows))
	if f.NumRowGroups() != wantGroups {
		t.Fatalf("NumRowGroups = %d, want %d", f.NumRowGroups(), wantGroups)
	}
	for i := 0; i < f.NumRowGroups(); i++ {
		if want := min(int64(rowGroupRows), total-int64(i*rowGroupRows)); f.RowGroupRows(i) != want {
			t.Fatalf("RowGroupRows(%d) = %d, want %d", i, f.RowGroupRows(i), want)
		}
	}
	schema := f.Schema()
	if schema.NumFields() != allTypesSchema.NumFields() {
		t.Fatalf("schema has %d fields, want %d", schema.NumFields(), allTypesSchema.NumFields())
	}
	for i, want := range allTypesSchema.Fields() {
		got := schema.Field(i)
		if got.Name != want.Name || got.Nullable != want.Nullable || !arrow.TypeEqual(got.Type, readBackType(want.Type)) {
			t.Fatalf("field %d is %s, want %s with type %s", i, got, want, readBackType(want.Type))
		}
	}

	batches, err := f.ReadRowGroups(context.Background(), mem, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer testkit.ReleaseAll(batches)
	got := array.NewTableFromRecords(schema, batches)
	defer got.Release()
	want := array.NewTableFromRecords(allTypesSchema, written)
	defer want.Release()
	for c := 0; c < int(want.NumCols()); c++ {
		g := concat(t, got.Column(c))
		w := concat(t, want.Column(c))
		e := expectedColumn(t, w)
		if !array.Equal(g, e) {
			t.Errorf("column %q differs after a round trip:\n got %v\nwant %v", want.Schema().Field(c).Name, g, e)
		}
		g.Release()
		w.Release()
		e.Release()
	}
}

func TestParquetRoundTripAllTypes(t *testing.T) {
	dir := t.TempDir()
	batches := makeBatches(memory.DefaultAllocator, 5000, 1000, 333, 2000, 1)
	defer testkit.ReleaseAll(batches)
	path := filepath.Join(dir, "all.parquet")
	if err := Write(path, allTypesSchema, batches, WriteOptions{RowGroupRows: 1200}); err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, path, batches, 1200)
}

func TestParquetRoundTripOptions(t *testing.T) {
	dir := t.TempDir()
	batches := makeBatches(memory.DefaultAllocator, 700, 250)
	defer testkit.ReleaseAll(batches)
	for _, comp := range []Compression{Snappy, Zstd, Gzip, Brotli, Uncompressed} {
		for _, noDict := range []bool{false, true} {
			opts := WriteOptions{Compression: comp, RowGroupRows: 300, NoDictionary: noDict, NoStatistics: noDict}
			t.Run(fmt.Sprintf("%d/%v", comp, noDict), func(t *testing.T) {
				path := filepath.Join(dir, fmt.Sprintf("opts-%d-%v.parquet", comp, noDict))
				if err := Write(path, allTypesSchema, batches, opts); err != nil {
					t.Fatal(err)
				}
				checkRoundTrip(t, path, batches, 300)
			})
		}
	}
}

// A row group of one value holds a single page per column: the smallest
// shape, and one where dictionary and plain pages coexist across groups.
func TestParquetRoundTripTinyRowGroups(t *testing.T) {
	batches := makeBatches(memory.DefaultAllocator, 5, 2, 3)
	defer testkit.ReleaseAll(batches)
	path := filepath.Join(t.TempDir(), "tiny.parquet")
	if err := Write(path, allTypesSchema, batches, WriteOptions{RowGroupRows: 1}); err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, path, batches, 1)
}

// Large string columns go past parquet-go's dictionary limit and its page
// size: dictionary pages, then plain pages, in one column chunk.
func TestParquetRoundTripDictionaryFallback(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	for i := 0; i < 60000; i++ {
		if i%11 == 0 {
			b.AppendNull()
		} else {
			b.Append(fmt.Sprintf("unique value number %d with some padding to grow the dictionary", i))
		}
	}
	arr := b.NewArray()
	b.Release()
	batch := array.NewRecordBatch(schema, []arrow.Array{arr}, int64(arr.Len()))
	arr.Release()
	defer batch.Release()
	path := filepath.Join(t.TempDir(), "fallback.parquet")
	if err := Write(path, schema, []arrow.RecordBatch{batch}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.ReadRowGroup(context.Background(), mem, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if !array.Equal(got.Column(0), batch.Column(0)) {
		t.Fatal("strings differ after a round trip")
	}
	encodings := fmt.Sprint(f.file.Metadata().RowGroups[0].Columns[0].MetaData.Encoding)
	if !strings.Contains(encodings, "PLAIN") || !strings.Contains(encodings, "RLE_DICTIONARY") {
		t.Errorf("the chunk's encodings are %s; want dictionary pages then plain ones", encodings)
	}
}

func TestParquetEmpty(t *testing.T) {
	dir := t.TempDir()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	empty := makeAllTypesBatch(memory.DefaultAllocator, 0, 0)
	defer empty.Release()
	for name, batches := range map[string][]arrow.RecordBatch{
		"no batches":      nil,
		"one empty batch": {empty},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, "empty.parquet")
			if err := Write(path, allTypesSchema, batches, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.NumRows() != 0 || f.NumRowGroups() != 0 {
				t.Fatalf("rows %d, row groups %d; want none", f.NumRows(), f.NumRowGroups())
			}
			if f.Schema().NumFields() != allTypesSchema.NumFields() {
				t.Fatalf("schema %s", f.Schema())
			}
			got, err := f.ReadRowGroups(context.Background(), mem, nil, nil)
			if err != nil || len(got) != 0 {
				t.Fatalf("ReadRowGroups = %v, %v; want no batches", got, err)
			}
			if _, err := f.ReadRowGroup(context.Background(), mem, 0, nil); core.KindOf(err) != core.KindInvalidInput {
				t.Fatalf("reading row group 0 of an empty file: %v", err)
			}
		})
	}
}

func TestParquetColumnSubset(t *testing.T) {
	batches := makeBatches(memory.DefaultAllocator, 3000, 3000)
	defer testkit.ReleaseAll(batches)
	path := filepath.Join(t.TempDir(), "subset.parquet")
	if err := Write(path, allTypesSchema, batches, WriteOptions{RowGroupRows: 1000}); err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	cols := []int{11, 0, 27, 11} // s, b, dec15, s again
	rb, err := f.ReadRowGroup(context.Background(), mem, 2, cols)
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Release()
	if rb.NumCols() != int64(len(cols)) || rb.NumRows() != 1000 {
		t.Fatalf("got %d columns and %d rows", rb.NumCols(), rb.NumRows())
	}
	for i, c := range cols {
		if rb.ColumnName(i) != allTypesSchema.Field(c).Name {
			t.Fatalf("column %d is %q, want %q", i, rb.ColumnName(i), allTypesSchema.Field(c).Name)
		}
		want := array.NewSlice(batches[0].Column(c), 2000, 3000)
		if !array.Equal(rb.Column(i), want) {
			t.Errorf("column %q of row group 2 differs", rb.ColumnName(i))
		}
		want.Release()
	}

	// An empty selection gives batches of rows without columns.
	rb2, err := f.ReadRowGroup(context.Background(), mem, 1, []int{})
	if err != nil {
		t.Fatal(err)
	}
	if rb2.NumCols() != 0 || rb2.NumRows() != 1000 {
		t.Fatalf("empty selection: %d columns, %d rows", rb2.NumCols(), rb2.NumRows())
	}
	rb2.Release()

	for _, bad := range [][]int{{-1}, {len(allTypesSchema.Fields())}} {
		if _, err := f.ReadRowGroup(context.Background(), mem, 0, bad); core.KindOf(err) != core.KindInvalidInput {
			t.Errorf("columns %v: error %v, want InvalidInput", bad, err)
		}
	}
	if _, err := f.ReadRowGroup(context.Background(), mem, 3, nil); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("row group 3: error %v, want InvalidInput", err)
	}
}

func TestParquetStats(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
		{Name: "u64", Type: arrow.PrimitiveTypes.Uint64},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "dec9", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}, Nullable: true},
		{Name: "dec18", Type: &arrow.Decimal128Type{Precision: 18, Scale: 3}, Nullable: true},
		{Name: "dec38", Type: &arrow.Decimal128Type{Precision: 38, Scale: 3}, Nullable: true},
		{Name: "nulls", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	// Two row groups of four rows; row group 1 holds the negative values.
	mem := memory.DefaultAllocator
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	for g, sign := range []int64{1, -1} {
		for r := int64(0); r < 4; r++ {
			null := r == 2 && g == 0
			v := sign * (r + 1) * 10
			app := func(c int, f func()) {
				if null && schema.Field(c).Nullable {
					rb.Field(c).AppendNull()
				} else {
					f()
				}
			}
			app(0, func() { rb.Field(0).(*array.Int8Builder).Append(int8(v)) })
			app(1, func() { rb.Field(1).(*array.Int64Builder).Append(v * 1e15) })
			app(2, func() { rb.Field(2).(*array.Uint32Builder).Append(uint32(r)<<30 | uint32(g)) })
			app(3, func() { rb.Field(3).(*array.Uint64Builder).Append(uint64(r) << 62) })
			app(4, func() { rb.Field(4).(*array.Float32Builder).Append(float32(v) / 4) })
			app(5, func() { rb.Field(5).(*array.Float64Builder).Append(float64(v) / 8) })
			app(6, func() { rb.Field(6).(*array.StringBuilder).Append([]string{"b", "é", "a", "zz"}[r]) })
			app(7, func() { rb.Field(7).(*array.BinaryBuilder).Append([]byte{byte(r * 80)}) })
			app(8, func() { rb.Field(8).(*array.BooleanBuilder).Append(r == 1) })
			app(9, func() { rb.Field(9).(*array.Date32Builder).Append(arrow.Date32(v)) })
			app(10, func() { rb.Field(10).(*array.TimestampBuilder).Append(arrow.Timestamp(v * 1e6)) })
			app(11, func() { rb.Field(11).(*array.Decimal128Builder).Append(decimal128.FromI64(v)) })
			app(12, func() { rb.Field(12).(*array.Decimal128Builder).Append(decimal128.FromI64(v * 1e12)) })
			app(13, func() { rb.Field(13).(*array.Decimal128Builder).Append(decimal128.FromI64(v)) })
			rb.Field(14).AppendNull()
		}
	}
	batch := rb.NewRecordBatch()
	defer batch.Release()
	dir := t.TempDir()
	path := filepath.Join(dir, "stats.parquet")
	if err := Write(path, schema, []arrow.RecordBatch{batch}, WriteOptions{RowGroupRows: 4}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	type stat struct {
		min, max any
		nulls    int64
		ok       bool
	}
	want := map[int][]stat{ // column → stats of row groups 0 and 1
		0:  {{int64(10), int64(40), 1, true}, {int64(-40), int64(-10), 0, true}},
		1:  {{int64(10e15), int64(40e15), 1, true}, {int64(-40e15), int64(-10e15), 0, true}},
		2:  {{uint64(0), uint64(3 << 30), 1, true}, {uint64(1), uint64(3<<30 | 1), 0, true}},
		3:  {{uint64(0), uint64(3 << 62), 0, true}, {uint64(0), uint64(3 << 62), 0, true}},
		4:  {{float64(2.5), float64(10), 1, true}, {float64(-10), float64(-2.5), 0, true}},
		5:  {{float64(1.25), float64(5), 1, true}, {float64(-5), float64(-1.25), 0, true}},
		6:  {{"b", "é", 1, true}, {"a", "é", 0, true}},
		7:  {{[]byte{0}, []byte{240}, 1, true}, {[]byte{0}, []byte{240}, 0, true}},
		8:  {{false, true, 1, true}, {false, true, 0, true}},
		9:  {{int64(10), int64(40), 1, true}, {int64(-40), int64(-10), 0, true}},
		10: {{int64(10e6), int64(40e6), 1, true}, {int64(-40e6), int64(-10e6), 0, true}},
		11: {{int64(10), int64(40), 1, true}, {int64(-40), int64(-10), 0, true}},
		12: {{int64(10e12), int64(40e12), 1, true}, {int64(-40e12), int64(-10e12), 0, true}},
		13: {{nil, nil, 0, false}, {nil, nil, 0, false}},
		14: {{nil, nil, 4, true}, {nil, nil, 4, true}},
	}
	for c, groups := range want {
		for g, w := range groups {
			min, max, nulls, ok := f.RowGroupStats(g, c)
			got := stat{min, max, nulls, ok}
			if fmt.Sprint(got) != fmt.Sprint(w) || fmt.Sprintf("%T%T", got.min, got.max) != fmt.Sprintf("%T%T", w.min, w.max) {
				t.Errorf("RowGroupStats(%d, %q) = %#v, want %#v", g, schema.Field(c).Name, got, w)
			}
		}
	}
	for _, bad := range [][2]int{{-1, 0}, {2, 0}, {0, -1}, {0, 15}} {
		if _, _, _, ok := f.RowGroupStats(bad[0], bad[1]); ok {
			t.Errorf("RowGroupStats(%d, %d) is ok", bad[0], bad[1])
		}
	}

	// Without statistics, nothing is ok.
	path2 := filepath.Join(dir, "nostats.parquet")
	if err := Write(path2, schema, []arrow.RecordBatch{batch}, WriteOptions{RowGroupRows: 4, NoStatistics: true}); err != nil {
		t.Fatal(err)
	}
	f2, err := Open(path2)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	for c := 0; c < 14; c++ {
		if min, max, _, ok := f2.RowGroupStats(0, c); ok {
			t.Errorf("column %q has stats %v..%v in a file written without", schema.Field(c).Name, min, max)
		}
	}
}

// Floats: NaN bounds are unusable, and a zero bound counts as -0 (min) and
// +0 (max), as the Parquet spec asks of readers.
func TestParquetFloatStats(t *testing.T) {
	c := &parquetColumn{field: arrow.Field{Type: arrow.PrimitiveTypes.Float64}, decoding: decodeCopy8, physical: 5}
	le := func(v float64) []byte {
		b := make([]byte, 8)
		bits := math.Float64bits(v)
		for i := range b {
			b[i] = byte(bits >> (8 * i))
		}
		return b
	}
	if _, ok := decodeStat(c, le(math.NaN()), false); ok {
		t.Error("a NaN bound is ok")
	}
	if v, _ := decodeStat(c, le(0), false); !math.Signbit(v.(float64)) {
		t.Error("a zero min is not -0")
	}
	if v, _ := decodeStat(c, le(math.Copysign(0, -1)), true); math.Signbit(v.(float64)) {
		t.Error("a zero max is not +0")
	}
}

func TestParquetOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.parquet")); core.KindOf(err) != core.KindFileNotFound {
		t.Errorf("missing file: %v, want FileNotFound", err)
	}
	if _, err := Open(dir); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("directory: %v, want InvalidInput", err)
	}

	batches := makeBatches(memory.DefaultAllocator, 500, 500)
	defer testkit.ReleaseAll(batches)
	good := filepath.Join(dir, "good.parquet")
	if err := Write(good, allTypesSchema, batches, WriteOptions{RowGroupRows: 200}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":            {},
		"garbage":          []byte("this is not a parquet file at all, just some text"),
		"magic only":       []byte("PAR1"),
		"two magics":       []byte("PAR1PAR1"),
		"truncated half":   data[:len(data)/2],
		"truncated by one": data[:len(data)-1],
		"no header":        data[4:],
		"footer too long":  append(append(append([]byte{}, data[:len(data)-8]...), 0xff, 0xff, 0xff, 0x7f), "PAR1"...),
		"csv":              []byte("a,b\n1,2\n"),
	}
	for name, content := range cases {
		path := filepath.Join(dir, "bad.parquet")
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Open(path)
		if err == nil {
			f.Close()
			t.Errorf("%s: opened", name)
			continue
		}
		if core.KindOf(err) != core.KindInvalidInput {
			t.Errorf("%s: %v, want InvalidInput", name, err)
		}
		var e *core.Error
		if errors.As(err, &e) && e.Details["path"] != path {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

// Corrupting bytes anywhere in a file must give errors, never panics; the
// errors are InvalidInput (or NotSupported when the schema itself changed
// into something we do not read).
func TestParquetCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	batches := makeBatches(memory.DefaultAllocator, 400, 400)
	defer testkit.ReleaseAll(batches)
	for _, opts := range []WriteOptions{{RowGroupRows: 150}, {RowGroupRows: 150, Compression: Uncompressed, NoDictionary: true}} {
		good := filepath.Join(dir, "good.parquet")
		if err := Write(good, allTypesSchema, batches, opts); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		for i := 0; i < 300; i++ {
			bad := append([]byte{}, data...)
			for k := 0; k < 1+rng.IntN(8); k++ {
				pos := rng.IntN(len(bad))
				if i%3 == 0 { // aim at the footer now and then
					pos = len(bad) - 8 - rng.IntN(min(len(bad)-8, 3000))
				}
				bad[pos] = byte(rng.IntN(256))
			}
			path := filepath.Join(dir, "corrupt.parquet")
			if err := os.WriteFile(path, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("corruption %d: panic %v", i, r)
					}
				}()
				f, err := Open(path)
				if err != nil {
					if k := core.KindOf(err); k != core.KindInvalidInput {
						t.Errorf("corruption %d: open: %v (%s)", i, err, k)
					}
					return
				}
				defer f.Close()
				for rg := 0; rg < f.NumRowGroups(); rg++ {
					for c := 0; c < f.Schema().NumFields(); c++ {
						f.RowGroupStats(rg, c)
					}
					rb, err := f.ReadRowGroup(context.Background(), mem, rg, nil)
					if err != nil {
						if k := core.KindOf(err); k != core.KindInvalidInput && k != core.KindNotSupported {
							t.Errorf("corruption %d: row group %d: %v (%s)", i, rg, err, k)
						}
						continue
					}
					rb.Release()
				}
			}()
		}
		mem.AssertSize(t, 0)
	}
}

// Nested and repeated columns are listed with a placeholder and refused only
// when read.
func TestParquetNestedNotSupported(t *testing.T) {
	type inner struct {
		X int32 `parquet:"x"`
	}
	type row struct {
		A  int64   `parquet:"a"`
		B  inner   `parquet:"b"`
		C  []int32 `parquet:"c"`
		L  []int32 `parquet:"l,list"`
		Z  string  `parquet:"z,optional"`
		IV []byte  `parquet:"iv"`
	}
	path := filepath.Join(t.TempDir(), "nested.parquet")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[row](out)
	rows := []row{{A: 1, B: inner{2}, C: []int32{3, 4}, L: []int32{5}, Z: "x"}, {A: 6, Z: "y"}}
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schema := f.Schema()
	names := map[string]int{}
	for i, fl := range schema.Fields() {
		names[fl.Name] = i
	}
	for _, name := range []string{"b", "c", "l"} {
		i, ok := names[name]
		if !ok {
			t.Fatalf("schema %s lacks %q", schema, name)
		}
		fl := schema.Field(i)
		if fl.Type.ID() != arrow.NULL || !fl.HasMetadata() {
			t.Errorf("field %s is not a placeholder", fl)
		}
		if _, err := f.ReadRowGroup(context.Background(), mem, 0, []int{i}); core.KindOf(err) != core.KindNotSupported {
			t.Errorf("reading %q: %v, want NotSupported", name, err)
		}
		if _, _, _, ok := f.RowGroupStats(0, i); ok {
			t.Errorf("stats of %q are ok", name)
		}
	}
	if _, err := f.ReadRowGroup(context.Background(), mem, 0, nil); core.KindOf(err) != core.KindNotSupported {
		t.Errorf("reading all columns: %v, want NotSupported", err)
	}
	rb, err := f.ReadRowGroup(context.Background(), mem, 0, []int{names["a"], names["z"], names["iv"]})
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Release()
	if got := fmt.Sprint(rb.Column(0), rb.Column(1)); got != `[1 6] ["x" "y"]` {
		t.Errorf("flat columns next to nested ones read as %s", got)
	}
}

func TestParquetCancel(t *testing.T) {
	batches := makeBatches(memory.DefaultAllocator, 1000, 1000)
	defer testkit.ReleaseAll(batches)
	path := filepath.Join(t.TempDir(), "cancel.parquet")
	if err := Write(path, allTypesSchema, batches, WriteOptions{RowGroupRows: 100}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.ReadRowGroups(ctx, mem, nil, nil); core.KindOf(err) != core.KindCancelled {
		t.Fatalf("cancelled read: %v", err)
	}
	f.Close()
	if _, err := f.ReadRowGroup(context.Background(), mem, 0, nil); core.KindOf(err) != core.KindInvalidInput {
		t.Fatalf("reading a closed file: %v", err)
	}
}

func TestParquetWriteErrors(t *testing.T) {
	dir := t.TempDir()
	mem := memory.DefaultAllocator

	// A null in a non-nullable field.
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(mem)
	b.AppendValues([]int64{1, 0, 3}, []bool{true, false, true})
	arr := b.NewArray()
	b.Release()
	batch := array.NewRecordBatch(schema, []arrow.Array{arr}, 3)
	arr.Release()
	defer batch.Release()
	path := filepath.Join(dir, "x.parquet")
	if err := Write(path, schema, []arrow.RecordBatch{batch}, WriteOptions{}); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("null in a required column: %v", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a failed write left its file behind")
	}

	// A decimal too wide for its precision.
	dschema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: &arrow.Decimal128Type{Precision: 9, Scale: 0}, Nullable: true}}, nil)
	db := array.NewDecimal128Builder(mem, dschema.Field(0).Type.(*arrow.Decimal128Type))
	db.Append(decimal128.FromI64(1 << 40))
	darr := db.NewArray()
	db.Release()
	dbatch := array.NewRecordBatch(dschema, []arrow.Array{darr}, 1)
	darr.Release()
	defer dbatch.Release()
	if err := Write(path, dschema, []arrow.RecordBatch{dbatch}, WriteOptions{}); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("decimal overflow: %v", err)
	}

	// Unsupported types, schema mismatch, duplicate names, no columns.
	for _, typ := range []arrow.DataType{arrow.ListOf(arrow.PrimitiveTypes.Int32), arrow.Null, arrow.FixedWidthTypes.Float16,
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}} {
		s := arrow.NewSchema([]arrow.Field{{Name: "u", Type: typ, Nullable: true}}, nil)
		if err := Write(path, s, nil, WriteOptions{}); core.KindOf(err) != core.KindNotSupported {
			t.Errorf("type %s: %v, want NotSupported", typ, err)
		}
	}
	if err := Write(path, dschema, []arrow.RecordBatch{batch}, WriteOptions{}); core.KindOf(err) != core.KindSchema {
		t.Errorf("batch of another schema: %v", err)
	}
	dup := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int8}, {Name: "a", Type: arrow.PrimitiveTypes.Int8}}, nil)
	if err := Write(path, dup, nil, WriteOptions{}); core.KindOf(err) != core.KindSchema {
		t.Errorf("duplicate names: %v", err)
	}
	if err := Write(path, arrow.NewSchema(nil, nil), nil, WriteOptions{}); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("no columns: %v", err)
	}
	if err := Write(filepath.Join(dir, "no", "such", "dir.parquet"), schema, nil, WriteOptions{}); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("bad path: %v", err)
	}
	if err := Write(path, schema, nil, WriteOptions{Compression: 99}); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("bad compression: %v", err)
	}
}

// Reading with the C allocator (mmap'd, not zeroed) gives the same result:
// nothing depends on zeroed buffers.
func TestParquetReadCAllocator(t *testing.T) {
	batches := makeBatches(memory.DefaultAllocator, 3000, 3000)
	defer testkit.ReleaseAll(batches)
	path := filepath.Join(t.TempDir(), "c.parquet")
	if err := Write(path, allTypesSchema, batches, WriteOptions{RowGroupRows: 3000}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmem := core.NewCAllocator(64 << 20)
	// Dirty the allocator's cache so that uninitialized memory is garbage.
	for i := 0; i < 8; i++ {
		buf := cmem.AllocateUninit(4 << 20)
		for j := range buf {
			buf[j] = 0xa5
		}
		cmem.Free(buf)
	}
	rb, err := f.ReadRowGroup(context.Background(), cmem, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Release()
	for c := 0; c < int(rb.NumCols()); c++ {
		want := expectedColumn(t, batches[0].Column(c))
		if !array.Equal(rb.Column(c), want) {
			t.Errorf("column %q differs with the C allocator", rb.ColumnName(c))
		}
		want.Release()
	}
}

// parquet-go v0.32.0 decodes LZ4_RAW pages that compress less than 3:1 to
// stale bytes, silently: such chunks are refused rather than misread.
func TestParquetLZ4Refused(t *testing.T) {
	type row struct {
		X int64 `parquet:"x"`
	}
	path := filepath.Join(t.TempDir(), "lz4.parquet")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[row](out, parquet.Compression(&parquet.Lz4Raw))
	rows := make([]row, 1000)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range rows {
		rows[i].X = rng.Int64() // incompressible
	}
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if _, err := f.ReadRowGroup(context.Background(), mem, 0, nil); core.KindOf(err) != core.KindNotSupported {
		t.Fatalf("reading LZ4_RAW pages: %v, want NotSupported", err)
	}
}

func TestParquetReadRowGroupsOrder(t *testing.T) {
	batches := makeBatches(memory.DefaultAllocator, 1000, 1000)
	defer testkit.ReleaseAll(batches)
	path := filepath.Join(t.TempDir(), "order.parquet")
	if err := Write(path, allTypesSchema, batches, WriteOptions{RowGroupRows: 300}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got, err := f.ReadRowGroups(context.Background(), mem, []int{3, 0, 3}, []int{4})
	if err != nil {
		t.Fatal(err)
	}
	defer testkit.ReleaseAll(got)
	for i, rg := range []int{3, 0, 3} {
		want := array.NewSlice(batches[0].Column(4), int64(rg*300), min(int64(rg*300+300), 1000))
		if !array.Equal(got[i].Column(0), want) {
			t.Errorf("batch %d (row group %d) differs", i, rg)
		}
		want.Release()
	}
}
