package storage

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

func fromJSON(t *testing.T, typ arrow.DataType, js string) arrow.Array {
	t.Helper()
	a, _, err := array.FromJSON(memory.DefaultAllocator, typ, strings.NewReader(js))
	if err != nil {
		t.Fatalf("%s %s: %v", typ, js, err)
	}
	return a
}

// roundTrip encodes arr (and a slice of it starting at 1, as segments are
// slices of the loaded columns) and checks both decode to equal arrays.
func roundTrip(t *testing.T, arr arrow.Array) {
	t.Helper()
	check := func(a arrow.Array) {
		t.Helper()
		chunk, err := encodeChunk(a)
		if err != nil {
			t.Fatal(err)
		}
		if len(chunk) < 2 || chunk[0] != 0 || chunk[1] != chunkFormat2 {
			t.Fatalf("%s: not a format-2 chunk", a.DataType())
		}
		got, err := decodeChunk(chunk, a.DataType(), a.Len(), memory.DefaultAllocator)
		if err != nil {
			t.Fatalf("%s %v: %v", a.DataType(), a, err)
		}
		defer got.Release()
		if v, ok := got.(interface{ ValidateFull() error }); ok { // strings and binary: offsets
			if err := v.ValidateFull(); err != nil {
				t.Fatalf("%s: invalid array: %v", a.DataType(), err)
			}
		}
		// NaN != NaN for array.Equal: compare the printed values.
		if got.NullN() != a.NullN() || fmt.Sprint(got) != fmt.Sprint(a) {
			t.Fatalf("%s: got %v, want %v", a.DataType(), got, a)
		}
	}
	check(arr)
	if arr.Len() > 1 {
		sl := array.NewSlice(arr, 1, int64(arr.Len()))
		defer sl.Release()
		check(sl)
	}
}

// TestChunkFormat2RoundTrips: every encoding of format 2 (frame of
// reference, delta, constant, dictionary, plain strings, fixed width,
// bitmaps) round-trips NULLs, NaN, extremes, empty and unicode strings,
// one value, no value and all NULLs.
func TestChunkFormat2RoundTrips(t *testing.T) {
	dec := func(p, s int32) arrow.DataType { return &arrow.Decimal128Type{Precision: p, Scale: s} }
	cases := []struct {
		typ arrow.DataType
		js  string
	}{
		{arrow.PrimitiveTypes.Int64, `[1, 2, 3, 4, 5, 6]`}, // delta, width 0
		{arrow.PrimitiveTypes.Int64, `[-9223372036854775808, 9223372036854775807, 0, null, -1]`},
		{arrow.PrimitiveTypes.Int64, `[9223372036854775807, -9223372036854775808, 9223372036854775807]`},
		{arrow.PrimitiveTypes.Int64, `[100, 100000, 200000, 300000, null, 400000]`},
		{arrow.PrimitiveTypes.Int64, `[7]`},
		{arrow.PrimitiveTypes.Int64, `[]`},
		{arrow.PrimitiveTypes.Int64, `[null, null, null]`},
		{arrow.PrimitiveTypes.Int8, `[-128, 127, null, 0, -1]`},
		{arrow.PrimitiveTypes.Int16, `[-32768, 32767, 1, 2]`},
		{arrow.PrimitiveTypes.Int32, `[-2147483648, 2147483647, null, 5]`},
		{arrow.PrimitiveTypes.Int32, `[0, 1000, 2000, 3000, 4000, 5000]`},
		{arrow.PrimitiveTypes.Uint8, `[0, 255, null]`},
		{arrow.PrimitiveTypes.Uint16, `[0, 65535, 3]`},
		{arrow.PrimitiveTypes.Uint32, `[4294967295, 0, null]`},
		{arrow.PrimitiveTypes.Uint64, `[18446744073709551615, 0, 1, null, 9223372036854775808]`},
		{arrow.FixedWidthTypes.Date32, `["1992-01-02", "1998-12-01", null, "1970-01-01", "1969-12-31"]`},
		{&arrow.TimestampType{Unit: arrow.Microsecond}, `["2024-01-01T00:00:00", null, "1900-01-01T00:00:01"]`},
		{dec(15, 2), `["0.01", "-99999.99", null, "9999999999999.99", "0"]`},
		{dec(18, 0), `["999999999999999999", "-999999999999999999", "1"]`},
		{dec(38, 4), `["-1234567890123456789012345678.9012", null, "0.0001"]`},
		{arrow.PrimitiveTypes.Float64, `["NaN", -0.0, null, "Inf", "-Inf", 1e300]`},
		{arrow.PrimitiveTypes.Float32, `["NaN", 1.5, null]`},
		{arrow.FixedWidthTypes.Boolean, `[true, false, null, true, true, false, false, true, true, null]`},
		{arrow.FixedWidthTypes.Boolean, `[null, null]`},
		{arrow.BinaryTypes.String, `["A", "R", "N", "N", "A", null, "R", "A", "", "N", "A", "R", "héllo ☃", "A", "N", "R", "A"]`},
		{arrow.BinaryTypes.String, `["日本語", "", null, "x", "a longer string value", "ü"]`},
		{arrow.BinaryTypes.String, `[null, null, null, null, null]`},
		{arrow.BinaryTypes.String, `["", "", "", "", "", "", "", ""]`},
		{arrow.BinaryTypes.String, `["only"]`},
		{arrow.BinaryTypes.String, `[]`},
		{arrow.BinaryTypes.Binary, `["AAE=", "", null, "/w==", "AAE=", "AAE=", "AAE=", "AAE=", "AAE="]`},
	}
	for _, c := range cases {
		arr := fromJSON(t, c.typ, c.js)
		roundTrip(t, arr)
		arr.Release()
	}
}

// TestChunkFormat2Encodings: sorted keys, low-cardinality strings and
// narrow ranges take the bytes they should (the encodings are chosen).
func TestChunkFormat2Encodings(t *testing.T) {
	const n = 10000
	keys := array.NewInt64Builder(memory.DefaultAllocator)
	small := array.NewInt64Builder(memory.DefaultAllocator)
	flags := array.NewStringBuilder(memory.DefaultAllocator)
	many := array.NewStringBuilder(memory.DefaultAllocator) // a dictionary past smallDict: a map
	for i := range n {
		if i%50 == 0 {
			many.AppendNull()
		} else {
			many.Append(fmt.Sprintf("value ☃ %d", i*7%40))
		}
		keys.Append(int64(1_000_000_000 + 4*i))      // delta: one constant difference
		small.Append(int64(1_000_000 + (i*7919)%50)) // frame of reference: one byte
		flags.Append([]string{"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"}[i*31%4])
	}
	for _, c := range []struct {
		b    array.Builder
		most int
	}{{keys, 40}, {small, n + 40}, {flags, n*8 + 200}, {many, n*8 + 2000}} {
		arr := c.b.NewArray()
		raw, ok := encodePayload(arr, nil, nil)
		if !ok || len(raw) > c.most {
			t.Errorf("%s: payload of %d bytes, want at most %d", arr.DataType(), len(raw), c.most)
		}
		roundTrip(t, arr)
		arr.Release()
		c.b.Release()
	}
}

// TestChunkFormat1StillReads: chunks written before format 2 (Arrow IPC
// streams; decimals narrowed to int64) decode as before.
func TestChunkFormat1StillReads(t *testing.T) {
	for _, c := range []struct {
		typ arrow.DataType
		js  string
	}{
		{arrow.PrimitiveTypes.Int64, `[3, null, -9223372036854775808]`},
		{&arrow.Decimal128Type{Precision: 15, Scale: 2}, `["-12.34", null, "9999999999999.99"]`},
		{arrow.BinaryTypes.String, `["héllo", null, ""]`},
	} {
		arr := fromJSON(t, c.typ, c.js)
		chunk, err := encodeIPCChunk(arr)
		if err != nil {
			t.Fatal(err)
		}
		if chunk[0] == 0 {
			t.Fatal("a format-1 chunk starts with 0")
		}
		got, err := decodeChunk(chunk, c.typ, arr.Len(), memory.DefaultAllocator)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(arr) {
			t.Fatalf("%s: got %v (%v), want %v", c.typ, got, err, arr)
		}
		got.Release()
		arr.Release()
	}
}

// TestChunkFormat2Corrupt: every truncation of a payload, and an unknown
// format, is an Internal error, never a panic.
func TestChunkFormat2Corrupt(t *testing.T) {
	for _, c := range []struct {
		typ arrow.DataType
		js  string
	}{
		{arrow.PrimitiveTypes.Int64, `[1, 2, 300, null, 5]`},
		{arrow.BinaryTypes.String, `["a", "b", "a", "a", "a", "a", "a", "a", null]`},
		{arrow.BinaryTypes.String, `["abc", "de", null]`},
		{&arrow.Decimal128Type{Precision: 38, Scale: 0}, `["1", null]`},
		{arrow.FixedWidthTypes.Boolean, `[true, null]`},
	} {
		arr := fromJSON(t, c.typ, c.js)
		raw, _ := encodePayload(arr, nil, nil)
		for k := range len(raw) {
			chunk := binary.AppendUvarint([]byte{0, chunkFormat2}, uint64(k))
			chunk = zstdEncoder.EncodeAll(raw[:k], chunk)
			if _, err := decodeChunk(chunk, c.typ, arr.Len(), memory.DefaultAllocator); core.KindOf(err) != core.KindInternal {
				t.Errorf("%s truncated to %d bytes: %v, want an Internal error", c.typ, k, err)
			}
		}
		arr.Release()
	}
	if _, err := decodeChunk([]byte{0, 9, 1, 0}, arrow.PrimitiveTypes.Int64, 1, memory.DefaultAllocator); core.KindOf(err) != core.KindInternal {
		t.Errorf("unknown format: %v", err)
	}
}

// TestColumnarLoadSortedBatches: a load of batches already in key order
// cuts segments across batch boundaries without sorting; a key repeated
// across two batches is still a duplicate naming the value.
func TestColumnarLoadSortedBatches(t *testing.T) {
	withSegmentRows(t, 4)
	sch := schemaOf(field("id", arrow.PrimitiveTypes.Int64), field("s", arrow.BinaryTypes.String))
	mk := func(lo, hi int) arrow.RecordBatch {
		b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
		defer b.Release()
		for i := lo; i < hi; i++ {
			b.Field(0).(*array.Int64Builder).Append(int64(i))
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("v%d", i%3))
		}
		return b.NewRecordBatch()
	}
	create := func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64},
			{Name: "s", Type: arrow.BinaryTypes.String}}, PrimaryKey: []string{"id"}, Storage: "columnar"})
	}
	db := openMem(t)
	batches := []arrow.RecordBatch{mk(0, 3), mk(3, 3), mk(3, 10), mk(10, 11)}
	run(t, db, func(tx *Txn) error {
		if err := create(tx); err != nil {
			return err
		}
		_, err := tx.LoadNew("c", batches)
		return err
	})
	var want []string
	for i := range 11 {
		want = append(want, fmt.Sprintf("%d,v%d", i, i%3))
	}
	slices.Sort(want)
	run(t, db, func(tx *Txn) error {
		segs, err := tx.Segments("c")
		if err != nil {
			return err
		}
		// Segments end at a batch's end in their second half: 0-3, 3-7,
		// 7-10, 10-11.
		var sizes []int64
		for _, s := range segs {
			sizes = append(sizes, s.Rows)
		}
		if !slices.Equal(sizes, []int64{3, 4, 3, 1}) {
			t.Errorf("segments of %v rows, want [3 4 3 1]", sizes)
		}
		eq(t, columnarRows(t, tx, "c", nil), want)
		return nil
	})
	db2 := openMem(t)
	err := db2.Run(func(tx *Txn) error {
		if err := create(tx); err != nil {
			return err
		}
		_, err := tx.LoadNew("c", []arrow.RecordBatch{mk(0, 6), mk(5, 8)})
		return err
	})
	wantKind(t, err, core.KindConstraint)
	if err == nil || !strings.Contains(err.Error(), "5") {
		t.Errorf("the error does not name the value 5: %v", err)
	}
	for _, b := range batches {
		b.Release()
	}
}

// TestIntKeysOfMatchesAppendKey: the integer-key fast path of keysOf
// writes the bytes appendKey writes.
func TestIntKeysOfMatchesAppendKey(t *testing.T) {
	db := openMem(t)
	defs := []ColumnDef{{Name: "a", Type: arrow.PrimitiveTypes.Int32}, {Name: "b", Type: arrow.PrimitiveTypes.Int64},
		{Name: "c", Type: arrow.FixedWidthTypes.Date32}, {Name: "v", Type: arrow.BinaryTypes.String}}
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "k", Columns: defs, PrimaryKey: []string{"a", "b", "c"}, Storage: "columnar"})
	})
	rows := batch(t, schemaOfDefs(defs), `[
		{"a": -2147483648, "b": 9223372036854775807, "c": -1, "v": "x"},
		{"a": 0, "b": -9223372036854775808, "c": 0, "v": null},
		{"a": 2147483647, "b": -1, "c": 19000, "v": ""}]`)
	run(t, db, func(tx *Txn) error {
		d, err := tx.Table("k")
		if err != nil {
			return err
		}
		cols := make([]arrow.Array, len(defs))
		for i := range defs {
			cols[i] = rows.Column(i)
		}
		got := intKeysOf(d, cols, 3)
		if got == nil {
			t.Fatal("no fast path for an integer key")
		}
		for row := range 3 {
			var want []byte
			for _, p := range d.pk {
				r, _ := newColReader(cols[p], &d.Columns[p].typ)
				v, _ := r(row)
				want = appendKey(want, &d.Columns[p].typ, v)
			}
			if string(got[row]) != string(want) {
				t.Errorf("row %d: key %x, want %x", row, got[row], want)
			}
		}
		return nil
	})
}

// TestZoneMapFromDictionary: a dictionary-encoded string chunk's zone map,
// taken from its distinct values, is the one a scan of the rows gives.
func TestZoneMapFromDictionary(t *testing.T) {
	typ, err := resolveType(arrow.BinaryTypes.String)
	if err != nil {
		t.Fatal(err)
	}
	js := `"N", "A", null, "R", "", "A", "N", "R", "日本", "A", "N", "R", "A", "N", "A", "R", null, "N"`
	arr := fromJSON(t, arrow.BinaryTypes.String, "["+js+", "+js+", "+js+"]")
	defer arr.Release()
	var dict []string
	if _, err := encodeChunkDict(arr, &dict); err != nil {
		t.Fatal(err)
	}
	if len(dict) != 5 {
		t.Fatalf("dictionary %q, want the 5 distinct values", dict)
	}
	got, want := zoneMap(1, &typ, arr, dict), zoneMap(1, &typ, arr, nil)
	if fmt.Sprint(got) != fmt.Sprint(want) || want.Min == nil || want.Nulls != 6 {
		t.Fatalf("zone map from the dictionary %+v, from the rows %+v", got, want)
	}
}
