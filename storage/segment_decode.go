package storage

import (
	"encoding/binary"
	"math"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// Decoding of format-2 payloads (segment_encode.go): each array buffer is
// allocated once from the query's allocator at its final size and written
// directly from the payload.

// payload reads a format-2 payload; reading past its end sets bad instead
// of panicking (a corrupt chunk is an Internal error).
type payload struct {
	b   []byte
	bad bool
}

func (p *payload) uvarint() uint64 {
	v, n := binary.Uvarint(p.b)
	if n <= 0 {
		p.bad = true
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *payload) varint() int64 {
	v, n := binary.Varint(p.b)
	if n <= 0 {
		p.bad = true
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *payload) byte() byte {
	if len(p.b) == 0 {
		p.bad = true
		return 0
	}
	c := p.b[0]
	p.b = p.b[1:]
	return c
}

func (p *payload) take(n int) []byte {
	if n < 0 || n > len(p.b) {
		p.bad = true
		return nil
	}
	out := p.b[:n:n]
	p.b = p.b[n:]
	return out
}

// intBlock is a parsed int block of n values (segment_encode.go).
type intBlock struct {
	mode, width byte
	base, dlo   int64
	data        []byte
}

func (p *payload) intBlock(n int) intBlock {
	var b intBlock
	b.mode, b.width, b.base = p.byte(), p.byte(), p.varint()
	stored := n
	switch b.mode {
	case intFOR:
	case intDelta:
		b.dlo = p.varint()
		stored = max(n-1, 0)
	default:
		p.bad = true
	}
	switch b.width {
	case 0, 1, 2, 4, 8:
	default:
		p.bad = true
	}
	if !p.bad {
		b.data = p.take(stored * int(b.width))
	}
	return b
}

// expandInts writes the block's values into dst (its length is the
// block's count). Delta mode first unpacks the differences into dst and
// then sums them in place: dst's type may be narrower than a difference,
// but sums wrap, so the result is the same modulo dst's width.
func expandInts[T integer](dst []T, b *intBlock) {
	if len(dst) == 0 {
		return
	}
	if b.mode == intDelta {
		unpack(dst[1:], b.data, b.width, 0)
		acc := b.base
		dst[0] = T(acc)
		for i := 1; i < len(dst); i++ {
			acc += b.dlo + int64(dst[i])
			dst[i] = T(acc)
		}
		return
	}
	unpack(dst, b.data, b.width, b.base)
}

// unpack writes base plus each width-byte value of data into dst.
func unpack[T integer](dst []T, data []byte, width byte, base int64) {
	n := len(dst)
	switch width {
	case 0:
		for i := range dst {
			dst[i] = T(base)
		}
	case 1:
		data = data[:n]
		for i, x := range data {
			dst[i] = T(base + int64(x))
		}
	case 2:
		data = data[:2*n]
		for i := range dst {
			dst[i] = T(base + int64(binary.LittleEndian.Uint16(data[2*i:])))
		}
	case 4:
		data = data[:4*n]
		for i := range dst {
			dst[i] = T(base + int64(binary.LittleEndian.Uint32(data[4*i:])))
		}
	case 8:
		data = data[:8*n]
		for i := range dst {
			dst[i] = T(base + int64(binary.LittleEndian.Uint64(data[8*i:])))
		}
	}
}

// int64Pool recycles the scratch values of decimals and dictionary
// indexes.
var int64Pool = sync.Pool{New: func() any { return new([]int64) }}

func getInt64s(n int) *[]int64 {
	p := int64Pool.Get().(*[]int64)
	if cap(*p) < n {
		*p = make([]int64, n)
	}
	*p = (*p)[:n]
	return p
}

// decodePayload decodes a format-2 payload into an array of type want
// with rows values, allocated by mem.
func decodePayload(raw []byte, want arrow.DataType, rows int, mem memory.Allocator) (arrow.Array, error) {
	p := &payload{b: raw}
	n, nulls, kind := int(p.uvarint()), int(p.uvarint()), p.byte()
	if p.bad || n != rows || nulls > n {
		return nil, errCorruptChunk("header")
	}
	bufs := []*memory.Buffer{nil}
	defer func() {
		for _, b := range bufs {
			if b != nil {
				b.Release()
			}
		}
	}()
	if nulls > 0 {
		bm := p.take(int(bitutil.BytesForBits(int64(n))))
		if p.bad {
			return nil, errCorruptChunk("validity")
		}
		bufs[0] = core.AllocateUninit(mem, len(bm))
		copy(bufs[0].Bytes(), bm)
	}
	alloc := func(size int) []byte {
		b := core.AllocateUninit(mem, size)
		bufs = append(bufs, b)
		return b.Bytes()[:size]
	}
	wantKind := byte(encInts)
	switch t := want.(type) {
	case *arrow.Float32Type, *arrow.Float64Type:
		wantKind = encFixed
	case *arrow.Decimal128Type:
		if !storedAsInt64(t) {
			wantKind = encFixed
		}
	case *arrow.BooleanType:
		wantKind = encBools
	case *arrow.StringType, *arrow.BinaryType:
		wantKind = encBytes
	}
	if kind != wantKind {
		return nil, errCorruptChunk("kind")
	}
	switch kind {
	case encInts:
		blk := p.intBlock(n)
		if p.bad {
			return nil, errCorruptChunk("values")
		}
		if !decodeInts(want, &blk, n, alloc) {
			return nil, errCorruptChunk("type " + want.String())
		}
	case encFixed:
		width := int(p.byte())
		fw, ok := want.(arrow.FixedWidthDataType)
		vals := p.take(width * n)
		if p.bad || !ok || width != fw.Bytes() {
			return nil, errCorruptChunk("values")
		}
		copy(alloc(len(vals)), vals)
	case encBools:
		bm := p.take(int(bitutil.BytesForBits(int64(n))))
		if p.bad {
			return nil, errCorruptChunk("values")
		}
		copy(alloc(len(bm)), bm)
	case encBytes:
		if err := decodeBytes(p, n, nulls, bufs[0], alloc); err != nil {
			return nil, err
		}
	}
	data := array.NewData(want, n, bufs, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}

// decodeInts writes an int block as the value buffer of type t; false for
// a type that is not stored as integers.
func decodeInts(t arrow.DataType, blk *intBlock, n int, alloc func(int) []byte) bool {
	switch t.ID() {
	case arrow.INT8:
		expandInts(arrow.Int8Traits.CastFromBytes(alloc(n)), blk)
	case arrow.INT16:
		expandInts(arrow.Int16Traits.CastFromBytes(alloc(2*n)), blk)
	case arrow.INT32:
		expandInts(arrow.Int32Traits.CastFromBytes(alloc(4*n)), blk)
	case arrow.INT64:
		expandInts(arrow.Int64Traits.CastFromBytes(alloc(8*n)), blk)
	case arrow.UINT8:
		expandInts(arrow.Uint8Traits.CastFromBytes(alloc(n)), blk)
	case arrow.UINT16:
		expandInts(arrow.Uint16Traits.CastFromBytes(alloc(2*n)), blk)
	case arrow.UINT32:
		expandInts(arrow.Uint32Traits.CastFromBytes(alloc(4*n)), blk)
	case arrow.UINT64:
		expandInts(arrow.Uint64Traits.CastFromBytes(alloc(8*n)), blk)
	case arrow.DATE32:
		expandInts(arrow.Date32Traits.CastFromBytes(alloc(4*n)), blk)
	case arrow.TIMESTAMP:
		expandInts(arrow.TimestampTraits.CastFromBytes(alloc(8*n)), blk)
	case arrow.DECIMAL128:
		scratch := getInt64s(n)
		defer int64Pool.Put(scratch)
		expandInts(*scratch, blk)
		out := arrow.Decimal128Traits.CastFromBytes(alloc(16 * n))
		for i, v := range *scratch {
			out[i] = decimal128.FromI64(v)
		}
	default:
		return false
	}
	return true
}

// decodeBytes writes the offsets and data buffers of a string or binary
// column (validity: its bitmap, nil without nulls).
func decodeBytes(p *payload, n, nulls int, validity *memory.Buffer, alloc func(int) []byte) error {
	offsets := arrow.Int32Traits.CastFromBytes(alloc(4 * (n + 1)))
	offsets[0] = 0
	switch p.byte() {
	case bytesPlain:
		lens := p.intBlock(n)
		if p.bad {
			return errCorruptChunk("lengths")
		}
		expandInts(offsets[1:], &lens)
		total, ok := prefixSum(offsets[1:])
		vals := p.take(total)
		if !ok || p.bad {
			return errCorruptChunk("lengths")
		}
		copy(alloc(total), vals)
	case bytesDict:
		k := int(p.uvarint())
		if p.bad || k > n {
			return errCorruptChunk("dictionary")
		}
		dictOffs := make([]int32, k+1)
		lens := p.intBlock(k)
		if p.bad {
			return errCorruptChunk("dictionary")
		}
		expandInts(dictOffs[1:], &lens)
		dictSize, ok := prefixSum(dictOffs[1:])
		dict := p.take(dictSize)
		idxBlk := p.intBlock(n)
		if !ok || p.bad {
			return errCorruptChunk("dictionary")
		}
		scratch := getInt64s(n)
		defer int64Pool.Put(scratch)
		idx := *scratch
		expandInts(idx, &idxBlk)
		var valid []byte
		if nulls > 0 {
			valid = validity.Bytes()
		}
		total := 0
		for i, x := range idx {
			switch {
			case valid != nil && !bitutil.BitIsSet(valid, i):
				idx[i] = -1 // NULL: no bytes
			case uint64(x) >= uint64(k):
				return errCorruptChunk("dictionary index")
			default:
				total += int(dictOffs[x+1] - dictOffs[x])
			}
			if total > math.MaxInt32 {
				return errCorruptChunk("dictionary")
			}
			offsets[i+1] = int32(total)
		}
		data := alloc(total)
		for i, x := range idx {
			if x >= 0 {
				copy(data[offsets[i]:], dict[dictOffs[x]:dictOffs[x+1]])
			}
		}
	default:
		return errCorruptChunk("string encoding")
	}
	return nil
}

// prefixSum turns lengths into end offsets in place; false when one is
// negative or the sum passes 2 GiB.
func prefixSum(v []int32) (int, bool) {
	total := 0
	for i, l := range v {
		if l < 0 {
			return 0, false
		}
		total += int(l)
		if total > math.MaxInt32 {
			return 0, false
		}
		v[i] = int32(total)
	}
	return total, true
}

func errCorruptChunk(what string) error {
	return core.Errorf(core.KindInternal, "storage: corrupt column chunk (%s)", what)
}
