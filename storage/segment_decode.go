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
	n           int
}

func (p *payload) intBlock(n int) intBlock {
	b := intBlock{n: n}
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

// expandAt writes the block's values at positions pos (ascending, below
// the block's count) into dst (len(pos) long), or all of them (pos nil:
// expandInts). Frame-of-reference values are read where they lie; a
// delta-coded value depends on every one before it, so that block is
// expanded whole first.
func expandAt[T integer](dst []T, b *intBlock, pos []int32) {
	if pos == nil {
		expandInts(dst, b)
		return
	}
	if b.mode == intDelta {
		all := getInt64s(b.n)
		defer int64Pool.Put(all)
		expandInts(*all, b)
		for k, i := range pos {
			dst[k] = T((*all)[i])
		}
		return
	}
	data, base := b.data, b.base
	switch b.width {
	case 0:
		for k := range dst {
			dst[k] = T(base)
		}
	case 1:
		for k, i := range pos {
			dst[k] = T(base + int64(data[i]))
		}
	case 2:
		for k, i := range pos {
			dst[k] = T(base + int64(binary.LittleEndian.Uint16(data[2*int(i):])))
		}
	case 4:
		for k, i := range pos {
			dst[k] = T(base + int64(binary.LittleEndian.Uint32(data[4*int(i):])))
		}
	case 8:
		for k, i := range pos {
			dst[k] = T(base + int64(binary.LittleEndian.Uint64(data[8*int(i):])))
		}
	}
}

// pickBits writes the bits of src at positions pos into dst (zeroed,
// len(pos) bits) and returns how many were unset.
func pickBits(dst, src []byte, pos []int32) int {
	unset := 0
	for k, i := range pos {
		if bitutil.BitIsSet(src, int(i)) {
			bitutil.SetBit(dst, k)
		} else {
			unset++
		}
	}
	return unset
}

// pickFixed copies the width-byte values of src at positions pos into dst.
func pickFixed(dst, src []byte, width int, pos []int32) {
	switch width {
	case 4:
		d, s := arrow.Uint32Traits.CastFromBytes(dst), arrow.Uint32Traits.CastFromBytes(src)
		for k, i := range pos {
			d[k] = s[i]
		}
	case 8:
		d, s := arrow.Uint64Traits.CastFromBytes(dst), arrow.Uint64Traits.CastFromBytes(src)
		for k, i := range pos {
			d[k] = s[i]
		}
	case 16:
		d, s := arrow.Decimal128Traits.CastFromBytes(dst), arrow.Decimal128Traits.CastFromBytes(src)
		for k, i := range pos {
			d[k] = s[i]
		}
	default:
		for k, i := range pos {
			copy(dst[k*width:(k+1)*width], src[int(i)*width:])
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

// decodePayload decodes a format-2 payload of rows values into an array
// of type want, allocated by mem: every value (pos nil), or only those at
// positions pos (ascending, each below rows), in their order.
//
// With asDict, a dictionary-encoded string chunk read whole comes back as
// a dictionary array (dictArray).
func decodePayload(raw []byte, want arrow.DataType, rows int, pos []int32, asDict bool, mem memory.Allocator) (arrow.Array, error) {
	p := &payload{b: raw}
	n, nulls, kind := int(p.uvarint()), int(p.uvarint()), p.byte()
	if p.bad || n != rows || nulls > n {
		return nil, errCorruptChunk("header")
	}
	m := n // the values decoded
	if pos != nil {
		m = len(pos)
		if m > 0 && int(pos[m-1]) >= n {
			return nil, errCorruptChunk("position")
		}
	}
	bufs := []*memory.Buffer{nil}
	defer func() {
		for _, b := range bufs {
			if b != nil {
				b.Release()
			}
		}
	}()
	outNulls := nulls
	if nulls > 0 {
		bm := p.take(int(bitutil.BytesForBits(int64(n))))
		if p.bad {
			return nil, errCorruptChunk("validity")
		}
		size := int(bitutil.BytesForBits(int64(m)))
		bufs[0] = core.AllocateUninit(mem, size)
		if pos == nil {
			copy(bufs[0].Bytes(), bm)
		} else {
			out := bufs[0].Bytes()[:size]
			clear(out)
			if outNulls = pickBits(out, bm, pos); outNulls == 0 {
				bufs[0].Release() // no chosen value is null
				bufs[0] = nil
			}
		}
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
		if !decodeInts(want, &blk, m, pos, alloc) {
			return nil, errCorruptChunk("type " + want.String())
		}
	case encFixed:
		width := int(p.byte())
		fw, ok := want.(arrow.FixedWidthDataType)
		vals := p.take(width * n)
		if p.bad || !ok || width != fw.Bytes() {
			return nil, errCorruptChunk("values")
		}
		if pos == nil {
			copy(alloc(len(vals)), vals)
		} else {
			pickFixed(alloc(width*m), vals, width, pos)
		}
	case encBools:
		bm := p.take(int(bitutil.BytesForBits(int64(n))))
		if p.bad {
			return nil, errCorruptChunk("values")
		}
		if pos == nil {
			copy(alloc(len(bm)), bm)
		} else {
			out := alloc(int(bitutil.BytesForBits(int64(m))))
			clear(out)
			pickBits(out, bm, pos)
		}
	case encBytes:
		if asDict && pos == nil && len(p.b) > 0 && p.b[0] == bytesDict {
			p.byte()
			return dictArray(p, n, nulls, bufs[0], mem)
		}
		var valid []byte // of the decoded values; nil: none is null
		if bufs[0] != nil {
			valid = bufs[0].Bytes()
		}
		if err := decodeBytes(p, n, pos, valid, alloc); err != nil {
			return nil, err
		}
	}
	data := array.NewData(want, m, bufs, nil, outNulls, 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}

// decodeInts writes an int block's n values at pos (nil: all) as the value
// buffer of type t; false for a type that is not stored as integers.
func decodeInts(t arrow.DataType, blk *intBlock, n int, pos []int32, alloc func(int) []byte) bool {
	switch t.ID() {
	case arrow.INT8:
		expandAt(arrow.Int8Traits.CastFromBytes(alloc(n)), blk, pos)
	case arrow.INT16:
		expandAt(arrow.Int16Traits.CastFromBytes(alloc(2*n)), blk, pos)
	case arrow.INT32:
		expandAt(arrow.Int32Traits.CastFromBytes(alloc(4*n)), blk, pos)
	case arrow.INT64:
		expandAt(arrow.Int64Traits.CastFromBytes(alloc(8*n)), blk, pos)
	case arrow.UINT8:
		expandAt(arrow.Uint8Traits.CastFromBytes(alloc(n)), blk, pos)
	case arrow.UINT16:
		expandAt(arrow.Uint16Traits.CastFromBytes(alloc(2*n)), blk, pos)
	case arrow.UINT32:
		expandAt(arrow.Uint32Traits.CastFromBytes(alloc(4*n)), blk, pos)
	case arrow.UINT64:
		expandAt(arrow.Uint64Traits.CastFromBytes(alloc(8*n)), blk, pos)
	case arrow.DATE32:
		expandAt(arrow.Date32Traits.CastFromBytes(alloc(4*n)), blk, pos)
	case arrow.TIMESTAMP:
		expandAt(arrow.TimestampTraits.CastFromBytes(alloc(8*n)), blk, pos)
	case arrow.DECIMAL128:
		scratch := getInt64s(n)
		defer int64Pool.Put(scratch)
		expandAt(*scratch, blk, pos)
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
// column of n values: all of them (pos nil) or those at pos; valid is the
// validity bitmap of the values written (nil: none is null).
func decodeBytes(p *payload, n int, pos []int32, valid []byte, alloc func(int) []byte) error {
	m := n
	if pos != nil {
		m = len(pos)
	}
	offsets := arrow.Int32Traits.CastFromBytes(alloc(4 * (m + 1)))
	offsets[0] = 0
	switch p.byte() {
	case bytesPlain:
		lens := p.intBlock(n)
		if p.bad {
			return errCorruptChunk("lengths")
		}
		if pos == nil {
			expandInts(offsets[1:], &lens)
			total, ok := prefixSum(offsets[1:])
			vals := p.take(total)
			if !ok || p.bad {
				return errCorruptChunk("lengths")
			}
			copy(alloc(total), vals)
			return nil
		}
		// Every value's offset depends on the lengths before it.
		all := make([]int32, n+1)
		expandInts(all[1:], &lens)
		total, ok := prefixSum(all[1:])
		vals := p.take(total)
		if !ok || p.bad {
			return errCorruptChunk("lengths")
		}
		size := 0
		for k, i := range pos {
			size += int(all[i+1] - all[i])
			offsets[k+1] = int32(size)
		}
		data := alloc(size)
		for k, i := range pos {
			copy(data[offsets[k]:offsets[k+1]], vals[all[i]:all[i+1]])
		}
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
		// Only the indexes of the values written are expanded.
		scratch := getInt64s(m)
		defer int64Pool.Put(scratch)
		idx := *scratch
		expandAt(idx, &idxBlk, pos)
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

// stringDict is the type of a string chunk read as a dictionary.
var stringDict = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// dictArray reads the rest of a dictionary-encoded string payload of n
// values (nulls of them, validity their bitmap or nil) as a dictionary
// array: int32 codes into the chunk's distinct values (a NULL's code is
// 0, under its null bit), the values as a String array.
func dictArray(p *payload, n, nulls int, validity *memory.Buffer, mem memory.Allocator) (arrow.Array, error) {
	k := int(p.uvarint())
	if p.bad || k > n {
		return nil, errCorruptChunk("dictionary")
	}
	offs := core.AllocateUninit(mem, 4*(k+1))
	defer offs.Release()
	dictOffs := arrow.Int32Traits.CastFromBytes(offs.Bytes())[:k+1]
	dictOffs[0] = 0
	lens := p.intBlock(k)
	if p.bad {
		return nil, errCorruptChunk("dictionary")
	}
	expandInts(dictOffs[1:], &lens)
	dictSize, ok := prefixSum(dictOffs[1:])
	vals := p.take(dictSize)
	idxBlk := p.intBlock(n)
	if !ok || p.bad {
		return nil, errCorruptChunk("dictionary")
	}
	data := core.AllocateUninit(mem, dictSize)
	defer data.Release()
	copy(data.Bytes(), vals)
	codesBuf := core.AllocateUninit(mem, 4*n)
	defer codesBuf.Release()
	codes := arrow.Int32Traits.CastFromBytes(codesBuf.Bytes())[:n]
	expandInts(codes, &idxBlk)
	var valid []byte
	if nulls > 0 {
		valid = validity.Bytes()
	}
	for i, c := range codes {
		switch {
		case valid != nil && !bitutil.BitIsSet(valid, i):
			codes[i] = 0
		case uint32(c) >= uint32(k):
			return nil, errCorruptChunk("dictionary index")
		}
	}
	if nulls == 0 {
		validity = nil
	}
	dictData := array.NewData(arrow.BinaryTypes.String, k, []*memory.Buffer{nil, offs, data}, nil, 0, 0)
	defer dictData.Release()
	idxData := array.NewData(arrow.PrimitiveTypes.Int32, n, []*memory.Buffer{validity, codesBuf}, nil, nulls, 0)
	defer idxData.Release()
	values, indices := array.MakeFromData(dictData), array.MakeFromData(idxData)
	defer values.Release()
	defer indices.Release()
	return array.NewDictionaryArray(stringDict, indices, values), nil
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
