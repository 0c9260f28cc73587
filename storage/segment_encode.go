package storage

import (
	"encoding/binary"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// Format 2 of column chunks (docs/storage-format.md, "Columnar tables"):
// lightweight encodings before zstd, as Parquet's, so that zstd sees narrow,
// repetitive bytes and decoding writes the Arrow buffers directly (no IPC
// reader, no second copy). A format-2 chunk is
//
//	0x00 0x02 {uncompressed size: uvarint} {zstd of the payload}
//
// A format-1 chunk (an Arrow IPC stream, segment_format.go) starts with the
// uvarint size of its stream, never 0, so its first byte is never 0x00.
// The payload:
//
//	{rows: uvarint} {nulls: uvarint} {kind: byte}
//	[validity bitmap: (rows+7)/8 bytes, Arrow's bit order, when nulls > 0]
//	the values, by kind:
//	  encInts   an int block of rows values (integers, dates, timestamps,
//	            decimals of precision <= 18 as their unscaled int64)
//	  encFixed  {width: byte} then rows values of width little-endian bytes
//	            (floats, wider decimals)
//	  encBools  a bitmap of (rows+7)/8 bytes
//	  encBytes  strings and binary: {0} an int block of the rows' lengths,
//	            then their bytes; or {1} a dictionary: {k: uvarint}, an int
//	            block of the k values' lengths, their bytes, then an int
//	            block of the rows' indexes into it
//
// An int block is {mode: byte} {width: byte} {base: varint}, for mode
// intDelta also {least delta: varint}, then the values narrowed to width
// (0, 1, 2, 4 or 8) little-endian bytes: intFOR stores value-base
// (frame of reference); intDelta stores the first value as base and each
// next one as its difference from the previous minus the least
// difference (sorted keys and dates become one or two bytes). Arithmetic
// wraps, so every int64 round-trips. A NULL slot takes the previous value,
// keeping the range narrow.
const (
	chunkFormat2 = 2

	encInts  = 1
	encFixed = 2
	encBools = 3
	encBytes = 4

	intFOR   = 0
	intDelta = 1

	bytesPlain = 0
	bytesDict  = 1
)

// maxDictShare bounds a dictionary: a string chunk whose distinct values
// are more than 1/maxDictShare of its rows is stored plain (a dictionary
// of mostly unique values saves nothing and costs a map insert each).
const maxDictShare = 4

// encodePayload returns the format-2 payload of arr, or false for a type
// it has no encoding for (vectors: they stay format 1).
func encodePayload(arr arrow.Array) ([]byte, bool) {
	n := arr.Len()
	// Room for the widest values: appends never regrow the payload.
	size := 64 + 2*int(bitutil.BytesForBits(int64(n))) + 9*n
	if a, ok := arr.(bytesArray); ok && n > 0 {
		size += a.ValueOffset(n-1) + a.ValueLen(n-1) - a.ValueOffset(0)
	} else if fw, ok := arr.DataType().(arrow.FixedWidthDataType); ok {
		size += fw.Bytes() * n
	}
	out := make([]byte, 0, size)
	out = binary.AppendUvarint(out, uint64(n))
	out = binary.AppendUvarint(out, uint64(arr.NullN()))
	var kind byte
	switch arr.(type) {
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64, *array.Uint8, *array.Uint16, *array.Uint32,
		*array.Uint64, *array.Date32, *array.Timestamp:
		kind = encInts
	case *array.Decimal128:
		kind = encInts
		if !storedAsInt64(arr.DataType()) {
			kind = encFixed
		}
	case *array.Float32, *array.Float64:
		kind = encFixed
	case *array.Boolean:
		kind = encBools
	case *array.String, *array.Binary:
		kind = encBytes
	default:
		return nil, false
	}
	out = append(out, kind)
	if arr.NullN() > 0 {
		out = appendBitmap(out, arr.NullBitmapBytes(), arr.Data().Offset(), n)
	}
	switch kind {
	case encInts:
		out = appendIntBlock(out, int64sOf(arr))
	case encFixed:
		out = appendFixed(out, arr)
	case encBools:
		out = appendBitmap(out, arr.Data().Buffers()[1].Bytes(), arr.Data().Offset(), n)
	case encBytes:
		out = appendBytes(out, arr)
	}
	return out, true
}

// appendBitmap appends length bits of src from bit offset off, realigned
// to start at bit 0.
func appendBitmap(dst, src []byte, off, length int) []byte {
	size := int(bitutil.BytesForBits(int64(length)))
	start := len(dst)
	dst = append(dst, make([]byte, size)...)
	bitutil.CopyBitmap(src, off, length, dst[start:], 0)
	return dst
}

// int64sOf returns the values of an integer-like array as int64 (unsigned
// ones by their bits), a NULL slot holding the previous value.
func int64sOf(arr arrow.Array) []int64 {
	var v []int64
	switch a := arr.(type) {
	case *array.Int8:
		v = widen(a.Int8Values())
	case *array.Int16:
		v = widen(a.Int16Values())
	case *array.Int32:
		v = widen(a.Int32Values())
	case *array.Int64:
		v = widen(a.Int64Values())
	case *array.Uint8:
		v = widen(a.Uint8Values())
	case *array.Uint16:
		v = widen(a.Uint16Values())
	case *array.Uint32:
		v = widen(a.Uint32Values())
	case *array.Uint64:
		v = widen(a.Uint64Values())
	case *array.Date32:
		v = widen(a.Date32Values())
	case *array.Timestamp:
		v = widen(a.TimestampValues())
	case *array.Decimal128:
		vals := a.Values()
		v = make([]int64, len(vals))
		for i, d := range vals {
			v[i] = int64(d.LowBits())
		}
	}
	if arr.NullN() > 0 {
		prev := int64(0)
		for i := range v {
			if arr.IsNull(i) {
				v[i] = prev
			} else {
				prev = v[i]
			}
		}
	}
	return v
}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

func widen[T integer](src []T) []int64 {
	out := make([]int64, len(src))
	for i, x := range src {
		out[i] = int64(x)
	}
	return out
}

// byteWidth is the fewest of 0, 1, 2, 4, 8 bytes that hold r.
func byteWidth(r uint64) byte {
	switch b := bits.Len64(r); {
	case b == 0:
		return 0
	case b <= 8:
		return 1
	case b <= 16:
		return 2
	case b <= 32:
		return 4
	}
	return 8
}

// appendIntBlock appends an int block of v: delta mode when its
// differences need fewer bytes than the values' range, else frame of
// reference.
func appendIntBlock(dst []byte, v []int64) []byte {
	if len(v) == 0 {
		return append(dst, intFOR, 0, 0)
	}
	lo, hi := v[0], v[0]
	for _, x := range v[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	forWidth := byteWidth(uint64(hi - lo))
	if len(v) > 1 && forWidth > 1 {
		dlo, dhi := v[1]-v[0], v[1]-v[0]
		for i := 2; i < len(v); i++ {
			d := v[i] - v[i-1]
			dlo, dhi = min(dlo, d), max(dhi, d)
		}
		// Wrapped differences stay in [dlo, dhi] as signed values, so
		// d-dlo fits the width of dhi-dlo.
		if w := byteWidth(uint64(dhi - dlo)); w < forWidth {
			dst = append(dst, intDelta, w)
			dst = binary.AppendVarint(dst, v[0])
			dst = binary.AppendVarint(dst, dlo)
			return appendNarrow(dst, w, len(v)-1, func(i int) uint64 { return uint64(v[i+1] - v[i] - dlo) })
		}
	}
	dst = append(dst, intFOR, forWidth)
	dst = binary.AppendVarint(dst, lo)
	return appendNarrow(dst, forWidth, len(v), func(i int) uint64 { return uint64(v[i] - lo) })
}

// appendNarrow appends n values of width bytes each.
func appendNarrow(dst []byte, width byte, n int, at func(int) uint64) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, n*int(width))...)
	b := dst[start:]
	switch width {
	case 1:
		for i := range n {
			b[i] = byte(at(i))
		}
	case 2:
		for i := range n {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(at(i)))
		}
	case 4:
		for i := range n {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(at(i)))
		}
	case 8:
		for i := range n {
			binary.LittleEndian.PutUint64(b[8*i:], at(i))
		}
	}
	return dst
}

// appendFixed appends a fixed-width array's values as their bytes.
func appendFixed(dst []byte, arr arrow.Array) []byte {
	var raw []byte
	switch a := arr.(type) {
	case *array.Float32:
		raw = arrow.Float32Traits.CastToBytes(a.Float32Values())
	case *array.Float64:
		raw = arrow.Float64Traits.CastToBytes(a.Float64Values())
	case *array.Decimal128:
		raw = arrow.Decimal128Traits.CastToBytes(a.Values())
	}
	dst = append(dst, byte(len(raw)/max(arr.Len(), 1)))
	return append(dst, raw...)
}

// bytesArray is what String and Binary arrays share.
type bytesArray interface {
	arrow.Array
	ValueLen(i int) int
	ValueOffset(i int) int
}

// valueBytes is the i-th value of a String or Binary array, not copied.
func valueBytes(arr arrow.Array, i int) []byte {
	if s, ok := arr.(*array.String); ok {
		return unsafeBytes(s.Value(i))
	}
	return arr.(*array.Binary).Value(i)
}

// unsafeBytes views a string's bytes without copying (only read).
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// appendBytes appends a string or binary array, dictionary-encoded when
// it has few distinct values.
func appendBytes(dst []byte, arr arrow.Array) []byte {
	n := arr.Len()
	a := arr.(bytesArray)
	if idx, dict, ok := dictionaryOf(arr); ok {
		dst = append(dst, bytesDict)
		dst = binary.AppendUvarint(dst, uint64(len(dict)))
		lens := make([]int64, len(dict))
		for k, s := range dict {
			lens[k] = int64(len(s))
		}
		dst = appendIntBlock(dst, lens)
		for _, s := range dict {
			dst = append(dst, s...)
		}
		return appendIntBlock(dst, idx)
	}
	dst = append(dst, bytesPlain)
	lens := make([]int64, n)
	for i := range n {
		if arr.IsValid(i) {
			lens[i] = int64(a.ValueLen(i))
		}
	}
	dst = appendIntBlock(dst, lens)
	for i := range n {
		if arr.IsValid(i) {
			dst = append(dst, valueBytes(arr, i)...)
		}
	}
	return dst
}

// dictionaryOf returns each row's index into the distinct values of a
// string or binary array (first-seen order; a NULL row gets 0), or false
// when distinct values are too many for a dictionary to pay.
func dictionaryOf(arr arrow.Array) ([]int64, []string, bool) {
	n := arr.Len()
	limit := n / maxDictShare
	seen := make(map[string]int64)
	var dict []string
	idx := make([]int64, n)
	for i := range n {
		if arr.IsNull(i) {
			continue
		}
		v := valueBytes(arr, i)
		k, ok := seen[string(v)] // no allocation for the lookup
		if !ok {
			// Mostly distinct values show early: give up then, not
			// after n/maxDictShare map inserts.
			if len(dict) >= limit || (i >= 1024 && len(dict) > i/maxDictShare) {
				return nil, nil, false
			}
			k = int64(len(dict))
			s := string(v)
			seen[s] = k
			dict = append(dict, s)
		}
		idx[i] = k
	}
	return idx, dict, true
}
