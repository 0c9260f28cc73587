package storage

import (
	"encoding/binary"
	"math/bits"
	"slices"
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

// smallDict is the most distinct values a dictionary is searched for by
// comparisons before it gets a map.
const smallDict = 8

// encodePayload appends the format-2 payload of arr to buf, or returns
// false for a type it has no encoding for (vectors: they stay format 1).
// A dictionary-encoded string column leaves its distinct values in
// *dict (when dict is not nil) for the zone map.
func encodePayload(arr arrow.Array, buf []byte, dict *[]string) ([]byte, bool) {
	n := arr.Len()
	// Room for the widest values: appends never regrow the payload.
	size := 64 + 2*int(bitutil.BytesForBits(int64(n))) + 9*n
	if a, ok := arr.(bytesArray); ok && n > 0 {
		size += a.ValueOffset(n-1) + a.ValueLen(n-1) - a.ValueOffset(0)
	} else if fw, ok := arr.DataType().(arrow.FixedWidthDataType); ok {
		size += fw.Bytes() * n
	}
	out := slices.Grow(buf, size)
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
		scratch := getInt64s(n)
		out = appendIntBlock(out, int64sOf(arr, *scratch))
		int64Pool.Put(scratch)
	case encFixed:
		out = appendFixed(out, arr)
	case encBools:
		out = appendBitmap(out, arr.Data().Buffers()[1].Bytes(), arr.Data().Offset(), n)
	case encBytes:
		out = appendBytes(out, arr, dict)
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

// int64sOf writes the values of an integer-like array into v (of its
// length) as int64 (unsigned ones by their bits), a NULL slot holding the
// previous value.
func int64sOf(arr arrow.Array, v []int64) []int64 {
	switch a := arr.(type) {
	case *array.Int8:
		widen(v, a.Int8Values())
	case *array.Int16:
		widen(v, a.Int16Values())
	case *array.Int32:
		widen(v, a.Int32Values())
	case *array.Int64:
		copy(v, a.Int64Values())
	case *array.Uint8:
		widen(v, a.Uint8Values())
	case *array.Uint16:
		widen(v, a.Uint16Values())
	case *array.Uint32:
		widen(v, a.Uint32Values())
	case *array.Uint64:
		widen(v, a.Uint64Values())
	case *array.Date32:
		widen(v, a.Date32Values())
	case *array.Timestamp:
		widen(v, a.TimestampValues())
	case *array.Decimal128:
		for i, d := range a.Values() {
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

func widen[T integer](dst []int64, src []T) {
	for i, x := range src {
		dst[i] = int64(x)
	}
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
func appendBytes(dst []byte, arr arrow.Array, distinct *[]string) []byte {
	n := arr.Len()
	a := arr.(bytesArray)
	scratch := getInt64s(n)
	defer int64Pool.Put(scratch)
	if idx, dict, ok := dictionaryOf(arr, *scratch); ok {
		if distinct != nil {
			*distinct = dict
		}
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
	lens := *scratch // the indexes are not needed
	for i := range n {
		lens[i] = 0
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

// dictionaryOf writes into idx (of arr's length) each row's index into
// the distinct values of a string or binary array (first-seen order; a
// NULL row gets 0) and returns them, or false when distinct values are
// too many for a dictionary to pay.
func dictionaryOf(arr arrow.Array, idx []int64) ([]int64, []string, bool) {
	n := arr.Len()
	limit := n / maxDictShare
	var seen map[string]int64 // from smallDict values on
	var dict []string
	for i := range n {
		idx[i] = 0
		if arr.IsNull(i) {
			continue
		}
		v := valueBytes(arr, i)
		k, ok := int64(0), false
		if seen == nil {
			// A few values (flags, modes) are found faster by comparing
			// than by hashing.
			for j, s := range dict {
				if s == string(v) {
					k, ok = int64(j), true
					break
				}
			}
		} else {
			k, ok = seen[string(v)] // no allocation for the lookup
		}
		if !ok {
			// Mostly distinct values show early: give up then, not
			// after n/maxDictShare map inserts.
			if len(dict) >= limit || (i >= 1024 && len(dict) > i/maxDictShare) {
				return nil, nil, false
			}
			k = int64(len(dict))
			dict = append(dict, string(v))
			if seen != nil {
				seen[dict[k]] = k
			} else if len(dict) > smallDict {
				seen = make(map[string]int64, 2*len(dict))
				for j, s := range dict {
					seen[s] = int64(j)
				}
			}
		}
		idx[i] = k
	}
	return idx, dict, true
}
