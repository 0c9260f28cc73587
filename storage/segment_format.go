package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/zstd"

	"github.com/alopexdb/alopex/core"
)

// The segment format of columnar tables (docs/storage-format.md, "Columnar
// tables"). A segment is an immutable run of up to segmentRows rows in
// primary-key order:
//
//	t{table:8} g {seg:8}            its descriptor (JSON: segmentDesc)
//	t{table:8} s {seg:8} {col:4}    one column chunk per column id
//	t{table:8} x {seg:8} {pos:4}    a delete marker (empty value)
//
// A column chunk is the uncompressed size (uvarint) then the zstd
// compression of an Arrow IPC stream of one record batch with one column:
// it decodes straight into Arrow arrays, and a scan reads only the chunks
// of the columns it needs. (Whole-stream zstd with one shared, stateless
// decoder: arrow's per-buffer IPC compression starts a streaming zstd
// decoder per buffer, whose window allocations cost more than the data.)
// Segment ids come from a counter and are never reused, so a segment's
// bytes never change once written: rewriting one means new ids.
const (
	markSegDesc   = 'g'
	markSegChunk  = 's'
	markSegMarker = 'x'
)

// segmentRows is the most rows a segment holds (a Parquet-sized row group;
// a variable for tests).
var segmentRows = 128 * 1024

// maxStatBytes bounds the string min/max a zone map keeps: longer bounds
// are left out (a truncated max would not bound the values).
const maxStatBytes = 64

// segmentDesc is a segment's descriptor.
type segmentDesc struct {
	Rows    int             `json:"rows"`
	Columns []segmentColumn `json:"columns"`
	// First and Last are the primary-key bytes of the segment's first and
	// last rows (rows are in key order).
	First []byte `json:"first"`
	Last  []byte `json:"last"`
}

// segmentColumn is one column chunk's zone map.
type segmentColumn struct {
	ID    uint32 `json:"id"`
	Nulls int64  `json:"nulls"`
	NaNs  int64  `json:"nans,omitempty"`
	// Min and Max are key encodings (keys.go) of the least and greatest
	// non-null values, NaN left out; nil when unknown (a type without an
	// order the pruning uses, only NULLs or NaNs, a string too long).
	Min []byte `json:"min,omitempty"`
	Max []byte `json:"max,omitempty"`
}

func segDescKey(table, seg uint64) []byte {
	return binary.BigEndian.AppendUint64(append(tablePrefix(table), markSegDesc), seg)
}

func segChunkKey(table, seg uint64, col uint32) []byte {
	k := binary.BigEndian.AppendUint64(append(tablePrefix(table), markSegChunk), seg)
	return binary.BigEndian.AppendUint32(k, col)
}

func segMarkerPrefix(table, seg uint64) []byte {
	return binary.BigEndian.AppendUint64(append(tablePrefix(table), markSegMarker), seg)
}

func segMarkerKey(table, seg uint64, pos int) []byte {
	return binary.BigEndian.AppendUint32(segMarkerPrefix(table, seg), uint32(pos))
}

// encodeChunk writes one column as a format-2 chunk (segment_encode.go),
// or as format 1 for a type format 2 has no encoding for (vectors).
func encodeChunk(arr arrow.Array) ([]byte, error) {
	return encodeChunkDict(arr, nil)
}

// encodeChunkDict is encodeChunk leaving the distinct values of a
// dictionary-encoded string column in *dict (see encodePayload).
func encodeChunkDict(arr arrow.Array, dict *[]string) ([]byte, error) {
	pooled := rawPool.Get().(*[]byte)
	raw, ok := encodePayload(arr, (*pooled)[:0], dict)
	defer func() {
		*pooled = raw[:0]
		rawPool.Put(pooled)
	}()
	if !ok {
		return encodeIPCChunk(arr)
	}
	out := binary.AppendUvarint(append(make([]byte, 0, len(raw)/3+16), 0, chunkFormat2), uint64(len(raw)))
	return zstdEncoder.EncodeAll(raw, out), nil
}

// encodeIPCChunk writes one column as a format-1 chunk: a compressed Arrow
// IPC stream.
func encodeIPCChunk(arr arrow.Array) ([]byte, error) {
	if narrow := narrowDecimal(arr); narrow != nil {
		// A decimal of precision <= 18 is stored as its int64 unscaled
		// values (as Parquet does): half the bytes to compress and decode.
		defer narrow.Release()
		arr = narrow
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "c", Type: arr.DataType(), Nullable: true}}, nil)
	rb := array.NewRecordBatch(schema, []arrow.Array{arr}, int64(arr.Len()))
	defer rb.Release()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema), ipc.WithAllocator(memory.DefaultAllocator))
	if err := w.Write(rb); err != nil {
		return nil, core.Errorf(core.KindInternal, "storage: encoding a column chunk: %v", err)
	}
	if err := w.Close(); err != nil {
		return nil, core.Errorf(core.KindInternal, "storage: encoding a column chunk: %v", err)
	}
	out := binary.AppendUvarint(make([]byte, 0, buf.Len()/3+16), uint64(buf.Len()))
	return zstdEncoder.EncodeAll(buf.Bytes(), out), nil
}

// The zstd coders are shared: EncodeAll and DecodeAll are safe for
// concurrent use.
var (
	// No zstd checksums: pebble checksums every block already. The fastest
	// level: after the encodings of format 2 it loses about a tenth of
	// the size of the default level (TPC-H lineitem) for an eighth of the
	// load's CPU, and decoding costs the same.
	zstdEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderCRC(false))
	zstdDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<32),
		zstd.IgnoreChecksum(true))
)

// rawPool recycles the uncompressed payloads of encodeChunk and
// decodeChunk (the arrays never point into them), sparing the garbage
// collector a few MiB per chunk.
var rawPool = sync.Pool{New: func() any { return new([]byte) }}

// maxChunkBytes bounds the decompressed size a chunk may claim (a corrupt
// size must not allocate without bound): 128K rows of 32 KiB.
const maxChunkBytes = 4 << 30

// decodeChunk reads a chunk written by encodeChunk (either format) into an array of type
// want with rows values (allocated by mem). Bytes that are not such a chunk
// are an Internal error, never a panic.
func decodeChunk(b []byte, want arrow.DataType, rows int, mem memory.Allocator) (out arrow.Array, err error) {
	return decodeChunkAt(b, want, rows, nil, mem)
}

// decodeChunkAt is decodeChunk of the values at positions pos only
// (ascending, each below rows; nil: all). The chunk is one zstd frame, so
// it is decompressed whole; a format-2 payload then decodes only the
// chosen values, a format-1 one (vectors) decodes whole and keeps them.
func decodeChunkAt(b []byte, want arrow.DataType, rows int, pos []int32, mem memory.Allocator) (out arrow.Array, err error) {
	return decodeChunkAs(b, want, rows, pos, false, mem)
}

// decodeChunkAs is decodeChunkAt; with asDict a dictionary-encoded string
// chunk read whole comes back as a dictionary array (decodePayload).
func decodeChunkAs(b []byte, want arrow.DataType, rows int, pos []int32, asDict bool, mem memory.Allocator) (out arrow.Array, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, core.Errorf(core.KindInternal, "storage: corrupt column chunk: %v", p)
		}
	}()
	format2 := len(b) >= 2 && b[0] == 0
	if format2 {
		if b[1] != chunkFormat2 {
			return nil, core.Errorf(core.KindInternal, "storage: column chunk of unknown format %d", b[1])
		}
		b = b[2:]
	}
	size, n := binary.Uvarint(b)
	if n <= 0 || size > maxChunkBytes {
		return nil, core.Errorf(core.KindInternal, "storage: corrupt column chunk header")
	}
	pooled := rawPool.Get().(*[]byte)
	if uint64(cap(*pooled)) < size {
		*pooled = make([]byte, 0, size)
	}
	raw, err := zstdDecoder.DecodeAll(b[n:], (*pooled)[:0])
	defer func() {
		*pooled = raw[:0]
		rawPool.Put(pooled)
	}()
	if err != nil || uint64(len(raw)) != size {
		return nil, core.Errorf(core.KindInternal, "storage: corrupt column chunk: %v", err)
	}
	if format2 {
		return decodePayload(raw, want, rows, pos, asDict, mem)
	}
	if pos != nil {
		all, err := decodeIPCChunk(raw, want, rows, mem)
		if err != nil {
			return nil, err
		}
		defer all.Release()
		return takeRuns(mem, all, runsOf(pos))
	}
	return decodeIPCChunk(raw, want, rows, mem)
}

// decodeIPCChunk decodes the uncompressed Arrow IPC stream of a format-1
// chunk.
func decodeIPCChunk(raw []byte, want arrow.DataType, rows int, mem memory.Allocator) (arrow.Array, error) {
	// The IPC reader copies each message body into a buffer of mem, so
	// the arrays never point into Go memory raw owns.
	r, err := ipc.NewReader(bytes.NewReader(raw), ipc.WithAllocator(mem))
	if err != nil {
		return nil, core.Errorf(core.KindInternal, "storage: corrupt column chunk: %v", err)
	}
	defer r.Release()
	if !r.Next() {
		return nil, core.Errorf(core.KindInternal, "storage: corrupt column chunk: no batch (%v)", r.Err())
	}
	rb := r.RecordBatch()
	if rb.NumCols() == 1 && int(rb.NumRows()) == rows && storedAsInt64(want) && rb.Column(0).DataType().ID() == arrow.INT64 {
		return widenDecimal(rb.Column(0).(*array.Int64), want, mem), nil
	}
	if rb.NumCols() != 1 || int(rb.NumRows()) != rows || !arrow.TypeEqual(rb.Column(0).DataType(), want) {
		return nil, core.Errorf(core.KindInternal, "storage: corrupt column chunk: %d rows of %s, want %d of %s",
			rb.NumRows(), rb.Column(0).DataType(), rows, want)
	}
	out := rb.Column(0)
	out.Retain()
	return out, nil
}

// zoneMap computes the zone map of one column chunk of type t; dict, when
// not nil, holds the distinct non-null values of a string chunk (its
// bounds are theirs: fewer to compare).
func zoneMap(id uint32, t *colType, arr arrow.Array, dict []string) segmentColumn {
	zm := segmentColumn{ID: id, Nulls: int64(arr.NullN())}
	var lo, hi datum
	have := false
	take := func(v datum, less func(a, b datum) bool) {
		if !have {
			lo, hi, have = v, v, true
			return
		}
		if less(v, lo) {
			lo = v
		}
		if less(hi, v) {
			hi = v
		}
	}
	valid := func(i int) bool { return arr.IsValid(i) }
	switch a := arr.(type) {
	case *array.Int8:
		lo.i, hi.i, have = signedBounds(a.Int8Values(), arr)
	case *array.Int16:
		lo.i, hi.i, have = signedBounds(a.Int16Values(), arr)
	case *array.Int32:
		lo.i, hi.i, have = signedBounds(a.Int32Values(), arr)
	case *array.Int64:
		lo.i, hi.i, have = signedBounds(a.Int64Values(), arr)
	case *array.Date32:
		lo.i, hi.i, have = signedBounds(a.Date32Values(), arr)
	case *array.Timestamp:
		lo.i, hi.i, have = signedBounds(a.TimestampValues(), arr)
	case *array.Uint8:
		lo.u, hi.u, have = unsignedBounds(a.Uint8Values(), arr)
	case *array.Uint16:
		lo.u, hi.u, have = unsignedBounds(a.Uint16Values(), arr)
	case *array.Uint32:
		lo.u, hi.u, have = unsignedBounds(a.Uint32Values(), arr)
	case *array.Uint64:
		lo.u, hi.u, have = unsignedBounds(a.Uint64Values(), arr)
	case *array.Float32, *array.Float64:
		less := func(x, y datum) bool { return x.f < y.f }
		for i := 0; i < arr.Len(); i++ {
			if !valid(i) {
				continue
			}
			var f float64
			if f32, ok := a.(*array.Float32); ok {
				f = float64(f32.Value(i))
			} else {
				f = a.(*array.Float64).Value(i)
			}
			if math.IsNaN(f) {
				zm.NaNs++
				continue
			}
			take(datum{f: f}, less)
		}
	case *array.String:
		var smin, smax string
		n := arr.Len()
		if dict != nil {
			n = len(dict)
		}
		for i := 0; i < n; i++ {
			var v string
			switch {
			case dict != nil:
				v = dict[i]
			case !valid(i):
				continue
			default:
				v = a.Value(i) // no copy: only the bounds are kept
			}
			switch {
			case !have:
				smin, smax, have = v, v, true
			case v < smin:
				smin = v
			case v > smax:
				smax = v
			}
		}
		if have && (len(smin) > maxStatBytes || len(smax) > maxStatBytes) {
			have = false
		}
		lo, hi = datum{b: []byte(smin)}, datum{b: []byte(smax)}
	case *array.Boolean:
		less := func(x, y datum) bool { return x.i < y.i }
		for i := 0; i < arr.Len(); i++ {
			if valid(i) {
				take(datum{i: b2i(a.Value(i))}, less)
			}
		}
	}
	if have {
		zm.Min = appendKey(nil, t, lo)
		zm.Max = appendKey(nil, t, hi)
	}
	return zm
}

// bounds returns the least and greatest non-null values of vals (the
// values of arr), and whether there is one.
func bounds[T integer](vals []T, arr arrow.Array) (lo, hi T, ok bool) {
	nulls := arr.NullN() > 0
	for i, v := range vals {
		switch {
		case nulls && arr.IsNull(i):
		case !ok:
			lo, hi, ok = v, v, true
		default:
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi, ok
}

func signedBounds[T ~int8 | ~int16 | ~int32 | ~int64](vals []T, arr arrow.Array) (int64, int64, bool) {
	lo, hi, ok := bounds(vals, arr)
	return int64(lo), int64(hi), ok
}

func unsignedBounds[T ~uint8 | ~uint16 | ~uint32 | ~uint64](vals []T, arr arrow.Array) (uint64, uint64, bool) {
	lo, hi, ok := bounds(vals, arr)
	return uint64(lo), uint64(hi), ok
}

// statValue turns a zone-map bound into the Go value the plan's pruning
// compares (lazy.PartitionedSource.PieceStats): int64 for signed integers,
// dates (days) and timestamps (microseconds), uint64, float64, string,
// bool.
func statValue(t *colType, v datum) any {
	switch t.kind {
	case kInt, kDate, kTimestamp:
		return v.i
	case kUint:
		return v.u
	case kFloat32, kFloat64:
		return v.f
	case kString:
		return string(v.b)
	case kBool:
		return v.i != 0
	}
	return nil
}

func (s *segmentDesc) marshal() []byte {
	b, _ := json.Marshal(s) // plain structs: cannot fail
	return b
}

func unmarshalSegment(b []byte) (*segmentDesc, error) {
	var s segmentDesc
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, core.Errorf(core.KindInternal, "storage: corrupt segment descriptor: %v", err)
	}
	return &s, nil
}

// storedAsInt64 reports whether chunks of type t hold int64 unscaled values.
func storedAsInt64(t arrow.DataType) bool {
	d, ok := t.(*arrow.Decimal128Type)
	return ok && d.Precision <= 18
}

// narrowDecimal returns a decimal array of precision <= 18 as the int64
// array of its unscaled values (they fit), or nil for other arrays.
func narrowDecimal(arr arrow.Array) arrow.Array {
	a, ok := arr.(*array.Decimal128)
	if !ok || !storedAsInt64(a.DataType()) {
		return nil
	}
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(int64(a.Value(i).LowBits()))
		}
	}
	return b.NewArray()
}

// widenDecimal turns int64 unscaled values back into a decimal array of
// type t (allocated by mem), sharing the validity bitmap.
func widenDecimal(a *array.Int64, t arrow.DataType, mem memory.Allocator) arrow.Array {
	n := a.Len()
	if a.Data().Offset() != 0 { // never from the IPC reader; kept correct anyway
		b := array.NewDecimal128Builder(mem, t.(*arrow.Decimal128Type))
		defer b.Release()
		for i := range n {
			if a.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(decimal128.FromI64(a.Value(i)))
			}
		}
		return b.NewArray()
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(16 * n)
	out := arrow.Decimal128Traits.CastFromBytes(buf.Bytes())
	for i, v := range a.Int64Values() {
		out[i] = decimal128.FromI64(v)
	}
	var validity *memory.Buffer
	if a.NullN() > 0 {
		validity = a.Data().Buffers()[0]
	}
	data := array.NewData(t, n, []*memory.Buffer{validity, buf}, nil, a.NullN(), 0)
	defer data.Release()
	buf.Release()
	return array.NewDecimal128Data(data)
}
