package parquet

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/alopexdb/alopex/core"
)

// The decoders below turn the pages of one column chunk into the buffers of
// one Arrow array. They read a page through three accessors of parquet.Page:
//
//   - Data() exposes the page's decoded values as one flat buffer (plain
//     values, or the int32 dictionary indexes of an RLE_DICTIONARY page),
//     without the nulls;
//   - DefinitionLevels() says, for an OPTIONAL column, which rows are null;
//   - Dictionary().Page().Data() exposes the dictionary values.
//
// This is the typed, bulk path. The typed readers of Page.Values()
// (parquet.Int64Reader and the like) would do the same for REQUIRED plain
// pages, but parquet-go's optional and dictionary pages implement only
// ReadValues, one parquet.Value per value, which is what we must avoid.
//
// Every decoder writes into buffers allocated once per column chunk from the
// caller's allocator (the row count of the row group is known up front), and
// copies out of the page before the page is released: nothing in the result
// points into parquet-go's pooled page memory.

// columnDecoder accumulates the pages of one column chunk.
type columnDecoder interface {
	// decodePage appends the rows of one page. The caller releases the page
	// afterwards (parquet.Release); a decoder that needs it longer retains it.
	decodePage(p parquet.Page) error
	// finish returns the array; the decoder's references move into it.
	finish() (arrow.Array, error)
	// release frees the buffers of a decoder that will not finish.
	release()
}

// errCorrupt reports page data that contradicts itself or the footer.
type errCorrupt string

func (e errCorrupt) Error() string { return string(e) }

func corruptf(format string, args ...any) error { return errCorrupt(fmt.Sprintf(format, args...)) }

// colState is what every decoder shares: the row count, the position, and
// the validity bitmap, which is allocated only once a page holds a null.
type colState struct {
	mem      memory.Allocator
	typ      arrow.DataType
	n        int // rows of the row group
	pos      int // rows decoded so far
	maxDef   byte
	validity *memory.Buffer
	nulls    int
}

// beginPage checks a page's row count against the row group, records its
// nulls in the validity bitmap, and returns its number of rows, its
// definition levels when it holds nulls (nil otherwise), and its number of
// non-null values.
func (c *colState) beginPage(p parquet.Page) (rows int, levels []byte, valid int, err error) {
	if c.maxDef == 0 {
		return c.addLevels(int(p.NumValues()), nil)
	}
	lv := p.DefinitionLevels()
	return c.addLevels(len(lv), lv)
}

// addLevels is beginPage for a page of rows rows with the given definition
// levels (nil for a REQUIRED column).
func (c *colState) addLevels(rows int, lv []byte) (_ int, levels []byte, valid int, err error) {
	valid = rows
	if lv != nil {
		valid = countLevel(lv, c.maxDef)
		if valid < rows {
			levels = lv
		}
	}
	if rows > c.n-c.pos {
		return 0, nil, 0, corruptf("the pages hold more than the row group's %d rows", c.n)
	}
	if levels != nil {
		if c.validity == nil {
			c.validity = memory.NewResizableBuffer(c.mem)
			c.validity.Resize(int(bitutil.BytesForBits(int64(c.n)))) // zeroed
			bitutil.SetBitsTo(c.validity.Bytes(), 0, int64(c.pos), true)
		}
		setValidBits(c.validity.Bytes(), c.pos, levels, c.maxDef)
		c.nulls += rows - valid
	} else if c.validity != nil {
		bitutil.SetBitsTo(c.validity.Bytes(), int64(c.pos), int64(rows), true)
	}
	return rows, levels, valid, nil
}

func (c *colState) checkComplete() error {
	if c.pos != c.n {
		return corruptf("the pages hold %d rows, the row group %d", c.pos, c.n)
	}
	return nil
}

func (c *colState) releaseValidity() {
	if c.validity != nil {
		c.validity.Release()
		c.validity = nil
	}
}

// makeArray builds the array from buffers (after the validity bitmap) and
// drops the decoder's references to them.
func (c *colState) makeArray(buffers ...*memory.Buffer) arrow.Array {
	all := append([]*memory.Buffer{c.validity}, buffers...)
	data := array.NewData(c.typ, c.n, all, nil, c.nulls, 0)
	for _, b := range all {
		if b != nil {
			b.Release()
		}
	}
	c.validity = nil
	arr := array.MakeFromData(data)
	data.Release()
	return arr
}

func countLevel(levels []byte, level byte) int {
	n := 0
	for _, l := range levels {
		if l == level {
			n++
		}
	}
	return n
}

// setValidBits sets bit pos+i of a zeroed bitmap for every levels[i] == max.
func setValidBits(bits []byte, pos int, levels []byte, max byte) {
	for i, l := range levels {
		if l == max {
			j := pos + i
			bits[j>>3] |= 1 << (j & 7)
		}
	}
}

// viewAs reinterprets b as a slice of T.
func viewAs[T any](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) < size {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

// bytesOf is the byte view of a slice of fixed-size values.
func bytesOf[T any](s []T) []byte {
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// dictIndexes returns the first n dictionary indexes of an RLE_DICTIONARY page.
func dictIndexes(v *encoding.Values, n int, scratch *[]int32) ([]int32, error) {
	raw, _ := v.Data()
	if len(raw) < 4*n {
		return nil, corruptf("a dictionary page holds %d indexes, its levels say %d", len(raw)/4, n)
	}
	raw = raw[:4*n]
	if uintptr(unsafe.Pointer(unsafe.SliceData(raw)))%4 == 0 {
		return viewAs[int32](raw), nil
	}
	if cap(*scratch) < n {
		*scratch = make([]int32, n)
	}
	idx := (*scratch)[:n]
	copy(bytesOf(idx), raw)
	return idx, nil
}

// newColumnDecoder returns the decoder of a column chunk of n rows.
func newColumnDecoder(col *parquetColumn, n int, mem memory.Allocator) columnDecoder {
	st := colState{mem: mem, typ: col.field.Type, n: n, maxDef: col.maxDef}
	switch col.decoding {
	case decodeCopy4:
		d := newFixedDecoder(st, copyPlain[uint32])
		d.bitForBit = true
		return d
	case decodeCopy8:
		d := newFixedDecoder(st, copyPlain[uint64])
		d.bitForBit = true
		return d
	case decodeInt32To8:
		return newFixedDecoder(st, func(dst []uint8, v *encoding.Values) error {
			src, err := plainSlice(v, len(dst), 4)
			for i := range dst {
				dst[i] = uint8(binary.LittleEndian.Uint32(src[4*i:]))
			}
			return err
		})
	case decodeInt32To16:
		return newFixedDecoder(st, func(dst []uint16, v *encoding.Values) error {
			src, err := plainSlice(v, len(dst), 4)
			for i := range dst {
				dst[i] = uint16(binary.LittleEndian.Uint32(src[4*i:]))
			}
			return err
		})
	case decodeInt32ToDecimal:
		return newFixedDecoder(st, func(dst []decimalWords, v *encoding.Values) error {
			src, err := plainSlice(v, len(dst), 4)
			for i := range dst {
				x := int64(int32(binary.LittleEndian.Uint32(src[4*i:])))
				dst[i] = decimalWords{uint64(x), uint64(x >> 63)}
			}
			return err
		})
	case decodeInt64ToDecimal:
		return newFixedDecoder(st, func(dst []decimalWords, v *encoding.Values) error {
			src, err := plainSlice(v, len(dst), 8)
			for i := range dst {
				x := int64(binary.LittleEndian.Uint64(src[8*i:]))
				dst[i] = decimalWords{uint64(x), uint64(x >> 63)}
			}
			return err
		})
	case decodeFixedToDecimal:
		w := col.typeLen
		return newFixedDecoder(st, func(dst []decimalWords, v *encoding.Values) error {
			src, err := plainSlice(v, len(dst), w)
			for i := range dst {
				dst[i] = decimalFromBigEndian(src[i*w : (i+1)*w])
			}
			return err
		})
	case decodeBytesToDecimal:
		return newFixedDecoder(st, func(dst []decimalWords, v *encoding.Values) error {
			raw, offsets := v.Data()
			if len(offsets) < len(dst)+1 {
				return corruptf("a page holds %d values, its levels say %d", max(len(offsets)-1, 0), len(dst))
			}
			for i := range dst {
				b := raw[offsets[i]:offsets[i+1]]
				if len(b) > 16 {
					return corruptf("a decimal value has %d bytes, more than 16", len(b))
				}
				dst[i] = decimalFromBigEndian(b)
			}
			return nil
		})
	case decodeInt96:
		return newFixedDecoder(st, func(dst []int64, v *encoding.Values) error {
			src, err := plainSlice(v, len(dst), 12)
			for i := range dst {
				nanos := int64(binary.LittleEndian.Uint64(src[12*i:]))
				julian := int64(binary.LittleEndian.Uint32(src[12*i+8:]))
				dst[i] = (julian-2440588)*86400_000_000_000 + nanos
			}
			return err
		})
	case decodeBoolean:
		return &boolDecoder{colState: st}
	case decodeByteArray:
		return &bytesDecoder{colState: st}
	case decodeFixed:
		return &fixedBytesDecoder{colState: st, width: col.typeLen}
	}
	panic("alopex: no decoder for Parquet column " + col.field.Name)
}

// decimalWords is a Decimal128 in Arrow's memory layout: the low 64 bits,
// then the high 64 bits, little-endian.
type decimalWords [2]uint64

// decimalFromBigEndian sign-extends a big-endian two's complement integer of
// at most 16 bytes.
func decimalFromBigEndian(b []byte) decimalWords {
	if len(b) == 0 {
		return decimalWords{}
	}
	var hi, lo uint64
	if b[0]&0x80 != 0 {
		hi, lo = math.MaxUint64, math.MaxUint64
	}
	for _, x := range b {
		hi = hi<<8 | lo>>56
		lo = lo<<8 | uint64(x)
	}
	return decimalWords{lo, hi}
}

// plainSlice returns the bytes of the first n plain values of width bytes.
// On a short page it returns an error and a zeroed slice long enough for the
// caller's loop, so that loops need no check of their own.
func plainSlice(v *encoding.Values, n, width int) ([]byte, error) {
	raw, _ := v.Data()
	if len(raw) < n*width {
		return make([]byte, n*width), corruptf("a page holds %d values, its levels say %d", len(raw)/max(width, 1), n)
	}
	return raw[:n*width], nil
}

// copyPlain is the converter of physical values that Arrow stores bit for
// bit (INT32, FLOAT, INT64, DOUBLE into their Arrow types, dates, times,
// timestamps, unsigned integers).
func copyPlain[T uint32 | uint64](dst []T, v *encoding.Values) error {
	raw, _ := v.Data()
	out := bytesOf(dst)
	if len(raw) < len(out) {
		return corruptf("a page holds %d values, its levels say %d", len(raw)/int(unsafe.Sizeof(dst[0])), len(dst))
	}
	copy(out, raw)
	return nil
}

// fixedDecoder decodes into an array of fixed-size values T. convert turns
// len(dst) plain values of a page or a dictionary into T.
type fixedDecoder[T any] struct {
	colState
	buf       *memory.Buffer
	out       []T
	convert   func(dst []T, v *encoding.Values) error
	dict      parquet.Dictionary
	dictVals  []T // the dictionary converted once per column chunk
	dictBuf   scratch[T]
	spreadBuf scratch[T]
	idx       []int32
	ident     []int32 // 0..len(dictVals)-1: dictionary indexes checked (decodeRawRows)
	// A selective read (select.go) keeps the dictionary PLAIN and gathers
	// the selected rows' PLAIN values before converting them.
	idxBuf, pickBuf       scratch[int32]
	gatherBuf, rawDictBuf scratch[byte]
	rawDict               []byte
	rawWidth, plainWidth  int
	levelBuf              []byte // definition levels of a page alopex read
	bitForBit             bool   // convert is copyPlain: PLAIN values are the Arrow values
}

func newFixedDecoder[T any](st colState, convert func([]T, *encoding.Values) error) *fixedDecoder[T] {
	var zero T
	d := &fixedDecoder[T]{colState: st, convert: convert}
	d.buf = core.AllocateUninit(st.mem, st.n*int(unsafe.Sizeof(zero)))
	d.out = viewAs[T](d.buf.Bytes())[:st.n]
	return d
}

func (d *fixedDecoder[T]) decodePage(p parquet.Page) error {
	rows, levels, valid, err := d.beginPage(p)
	if err != nil {
		return err
	}
	dst := d.out[d.pos : d.pos+rows]
	values := p.Data()
	if dict := p.Dictionary(); dict != nil {
		if dict != d.dict {
			dv := dict.Page().Data()
			d.dictVals = d.dictBuf.get(dict.Len())
			if err := d.convert(d.dictVals, &dv); err != nil {
				return err
			}
			d.dict = dict
		}
		idx, err := dictIndexes(&values, valid, &d.idx)
		if err != nil {
			return err
		}
		if levels == nil {
			gather(dst, d.dictVals, idx)
		} else {
			gatherSpread(dst, d.dictVals, idx, levels, d.maxDef)
		}
	} else if levels == nil {
		if err := d.convert(dst, &values); err != nil {
			return err
		}
	} else {
		dense := d.spreadBuf.get(valid)
		if err := d.convert(dense, &values); err != nil {
			return err
		}
		spread(dst, dense, levels, d.maxDef)
	}
	d.pos += rows
	return nil
}

func (d *fixedDecoder[T]) finish() (arrow.Array, error) {
	d.putScratch()
	if err := d.checkComplete(); err != nil {
		return nil, err
	}
	buf := d.buf
	d.buf = nil
	return d.makeArray(buf), nil
}

func (d *fixedDecoder[T]) putScratch() {
	d.dictVals, d.dict = nil, nil
	d.dictBuf.put()
	d.spreadBuf.put()
	d.idxBuf.put()
	d.pickBuf.put()
	d.gatherBuf.put()
	d.rawDictBuf.put()
	d.rawDict = nil
}

func (d *fixedDecoder[T]) release() {
	d.putScratch()
	d.releaseValidity()
	if d.buf != nil {
		d.buf.Release()
		d.buf = nil
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// scratchBuffers recycles the decoders' scratch memory (converted
// dictionaries, values before spreading), which every column chunk needs
// anew: allocating it each time costs zeroing and garbage collection.
var scratchBuffers sync.Pool // of *[]byte

// scratch is a slice of T backed by a pooled buffer, returned by put.
type scratch[T any] struct {
	buf *[]byte
}

// get returns n values (uninitialized) that stay valid until put.
func (x *scratch[T]) get(n int) []T {
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	if x.buf == nil {
		if b, ok := scratchBuffers.Get().(*[]byte); ok {
			x.buf = b
		} else {
			x.buf = new([]byte)
		}
	}
	if cap(*x.buf) < size {
		// At least 64 bytes: small allocations may come from Go's tiny
		// allocator, which does not align them for T.
		*x.buf = make([]byte, max(64, (size+size/4+7)&^7))
	}
	return viewAs[T]((*x.buf)[:size])[:n:n]
}

func (x *scratch[T]) put() {
	if x.buf != nil {
		scratchBuffers.Put(x.buf)
		x.buf = nil
	}
}

func gather[T any](dst, dict []T, idx []int32) {
	idx = idx[:len(dst)]
	for i, k := range idx {
		dst[i] = dict[k]
	}
}

// spread places the dense values of src at the rows of dst whose level is
// max, zeroing the others (null slots).
func spread[T any](dst, src []T, levels []byte, max byte) {
	var zero T
	levels = levels[:len(dst)]
	j := 0
	for i, l := range levels {
		if l == max {
			dst[i] = src[j]
			j++
		} else {
			dst[i] = zero
		}
	}
}

func gatherSpread[T any](dst, dict []T, idx []int32, levels []byte, max byte) {
	var zero T
	levels = levels[:len(dst)]
	j := 0
	for i, l := range levels {
		if l == max {
			dst[i] = dict[idx[j]]
			j++
		} else {
			dst[i] = zero
		}
	}
}

// boolDecoder decodes BOOLEAN pages, whose plain values are a bitmap in
// Arrow's bit order.
type boolDecoder struct {
	colState
	buf      *memory.Buffer
	dict     parquet.Dictionary
	dictVals []bool
	idx      []int32
}

func (d *boolDecoder) decodePage(p parquet.Page) error {
	if d.buf == nil {
		d.buf = memory.NewResizableBuffer(d.mem)
		d.buf.Resize(int(bitutil.BytesForBits(int64(d.n)))) // zeroed
	}
	rows, levels, valid, err := d.beginPage(p)
	if err != nil {
		return err
	}
	out := d.buf.Bytes()
	values := p.Data()
	if dict := p.Dictionary(); dict != nil {
		if dict != d.dict {
			dv := dict.Page().Data()
			bits, _ := dv.Data()
			n := dict.Len()
			if len(bits) < int(bitutil.BytesForBits(int64(n))) {
				return corruptf("a dictionary holds fewer than %d booleans", n)
			}
			d.dictVals = resize(d.dictVals, n)
			for i := range d.dictVals {
				d.dictVals[i] = bitutil.BitIsSet(bits, i)
			}
			d.dict = dict
		}
		idx, err := dictIndexes(&values, valid, &d.idx)
		if err != nil {
			return err
		}
		j := 0
		for i := 0; i < rows; i++ {
			if levels == nil || levels[i] == d.maxDef {
				if d.dictVals[idx[j]] {
					bitutil.SetBit(out, d.pos+i)
				}
				j++
			}
		}
	} else {
		bits, _ := values.Data()
		if len(bits) < int(bitutil.BytesForBits(int64(valid))) {
			return corruptf("a page holds fewer than %d booleans", valid)
		}
		if levels == nil {
			bitutil.CopyBitmap(bits, 0, rows, out, d.pos)
		} else {
			j := 0
			for i, l := range levels[:rows] {
				if l == d.maxDef {
					if bitutil.BitIsSet(bits, j) {
						bitutil.SetBit(out, d.pos+i)
					}
					j++
				}
			}
		}
	}
	d.pos += rows
	return nil
}

func (d *boolDecoder) finish() (arrow.Array, error) {
	if d.buf == nil { // no pages: only possible for an empty row group
		d.buf = memory.NewResizableBuffer(d.mem)
		d.buf.Resize(int(bitutil.BytesForBits(int64(d.n))))
	}
	if err := d.checkComplete(); err != nil {
		return nil, err
	}
	buf := d.buf
	d.buf = nil
	return d.makeArray(buf), nil
}

func (d *boolDecoder) release() {
	d.releaseValidity()
	if d.buf != nil {
		d.buf.Release()
		d.buf = nil
	}
}

// bytesDecoder decodes BYTE_ARRAY pages into String or Binary arrays. It
// makes two passes: decodePage keeps each page (parquet.Retain) and adds up
// the bytes of its values, so that finish allocates the data buffer once, at
// its exact size, before copying; a growing buffer would copy the data
// again at each doubling.
type bytesDecoder struct {
	colState
	pages []bytesPage
	total int // bytes of string data in the kept pages

	dict     parquet.Dictionary // the dictionary dictData and dictOffs describe
	dictData []byte             // a copy of its values, followed by shortCopy bytes of slack
	dictOffs []uint32           // its n+1 value offsets (parquet-go's, garbage-collected memory)
	dictBuf  scratch[byte]
	idx      []int32
}

// bytesPage is a kept page and what its first pass found.
type bytesPage struct {
	page   parquet.Page
	pos    int    // first row
	rows   int    // rows
	valid  int    // non-null values
	levels []byte // definition levels when the page holds nulls
}

// useDict checks a dictionary and makes it the current one.
func (d *bytesDecoder) useDict(dict parquet.Dictionary) error {
	if dict == d.dict {
		return nil
	}
	dv := dict.Page().Data()
	draw, doffs := dv.Data()
	n := dict.Len()
	if len(doffs) < n+1 || int(doffs[n]) > len(draw) {
		return corruptf("a dictionary holds %d values, says %d", max(len(doffs)-1, 0), n)
	}
	for i := range n {
		if doffs[i+1] < doffs[i] {
			return corruptf("a dictionary's value offsets decrease")
		}
	}
	// The copy has slack so that copyShort can move every short value
	// with fixed-size moves, even in a dictionary of a few bytes.
	size := int(doffs[n])
	d.dictData = d.dictBuf.get(size + shortCopy)
	copy(d.dictData, draw[:size])
	clear(d.dictData[size:])
	d.dict, d.dictOffs = dict, doffs[:n+1]
	return nil
}

func (d *bytesDecoder) decodePage(p parquet.Page) error {
	pos := d.pos
	rows, levels, valid, err := d.beginPage(p)
	if err != nil {
		return err
	}
	values := p.Data()
	size := 0
	if dict := p.Dictionary(); dict != nil {
		if err := d.useDict(dict); err != nil {
			return err
		}
		idx, err := dictIndexes(&values, valid, &d.idx)
		if err != nil {
			return err
		}
		offs := d.dictOffs
		for _, k := range idx {
			size += int(offs[k+1] - offs[k])
		}
	} else {
		raw, offs := values.Data()
		if len(offs) < valid+1 {
			return corruptf("a page holds %d values, its levels say %d", max(len(offs)-1, 0), valid)
		}
		first, last := offs[0], offs[valid]
		if int(last) > len(raw) {
			return corruptf("a page's value offsets run past its data")
		}
		// Arrow offsets must not decrease; parquet-go's decoders build them
		// from lengths, but a corrupt page must not become a corrupt array.
		prev := first
		for _, o := range offs[1 : valid+1] {
			if o < prev {
				return corruptf("a page's value offsets decrease")
			}
			prev = o
		}
		size = int(last - first)
	}
	if d.total+size > maxInt32 {
		return core.Errorf(core.KindNotSupported, "a row group holds more than 2 GiB of string data in one column; utf8 arrays address at most 2 GiB")
	}
	d.total += size
	parquet.Retain(p)
	d.pages = append(d.pages, bytesPage{page: p, pos: pos, rows: rows, valid: valid, levels: levels})
	d.pos += rows
	return nil
}

func (d *bytesDecoder) finish() (arrow.Array, error) {
	if err := d.checkComplete(); err != nil {
		return nil, err
	}
	offsetsBuf := core.AllocateUninit(d.mem, 4*(d.n+1))
	dataBuf := core.AllocateUninit(d.mem, d.total)
	offsets := viewAs[int32](offsetsBuf.Bytes())[:d.n+1]
	offsets[0] = 0
	data := dataBuf.Bytes()[:d.total]
	cur := int32(0)
	var err error
	for i := range d.pages {
		bp := &d.pages[i]
		if err == nil {
			cur, err = d.copyPage(bp, offsets[bp.pos:bp.pos+bp.rows+1], data, cur)
		}
		parquet.Release(bp.page)
		bp.page = nil
	}
	d.pages = d.pages[:0]
	d.dict, d.dictData, d.dictOffs = nil, nil, nil
	d.dictBuf.put()
	if err == nil && d.typ.ID() == arrow.STRING {
		err = checkUTF8(data, offsets)
	}
	if err != nil {
		offsetsBuf.Release()
		dataBuf.Release()
		return nil, err
	}
	return d.makeArray(offsetsBuf, dataBuf), nil
}

// checkUTF8 makes sure every value of a string array is valid UTF-8, as
// Arrow's utf8 type requires: Parquet writers do not check it, and corrupt
// bytes must not reach Python as undecodable strings. The whole buffer is
// checked at once; it is then enough that each value starts a character.
func checkUTF8(data []byte, offsets []int32) error {
	bad := -1
	if !utf8.Valid(data) {
		bad = core.FirstInvalidUTF8(data)
	} else if len(offsets) > 2 {
		for _, o := range offsets[1 : len(offsets)-1] {
			if int(o) < len(data) && !utf8.RuneStart(data[o]) {
				bad = int(o)
				break
			}
		}
	}
	if bad < 0 {
		return nil
	}
	row := sort.Search(len(offsets)-1, func(i int) bool { return int(offsets[i+1]) > bad })
	return corruptf("row %d of the STRING column holds invalid UTF-8", row)
}

// copyPage copies the values of one kept page to data at cur and writes
// out[1:] (out[0] is already set). It returns the new end of the data.
func (d *bytesDecoder) copyPage(bp *bytesPage, out []int32, data []byte, cur int32) (int32, error) {
	values := bp.page.Data()
	levels, maxDef := bp.levels, d.maxDef
	if dict := bp.page.Dictionary(); dict != nil {
		if err := d.useDict(dict); err != nil {
			return cur, err
		}
		idx, err := dictIndexes(&values, bp.valid, &d.idx)
		if err != nil {
			return cur, err
		}
		offs, dd := d.dictOffs, d.dictData
		wide := int32(len(data)) - shortCopy
		srcWide := uint32(len(dd) - shortCopy)
		if levels == nil {
			for i, k := range idx {
				start, end := offs[k], offs[k+1]
				copyShort(data, cur, wide, dd, start, end, srcWide)
				cur += int32(end - start)
				out[i+1] = cur
			}
		} else {
			j := 0
			for i, l := range levels[:bp.rows] {
				if l == maxDef {
					k := idx[j]
					j++
					start, end := offs[k], offs[k+1]
					copyShort(data, cur, wide, dd, start, end, srcWide)
					cur += int32(end - start)
				}
				out[i+1] = cur
			}
		}
		return cur, nil
	}
	raw, offs := values.Data()
	offs = offs[:bp.valid+1]
	first, last := offs[0], offs[bp.valid]
	copy(data[cur:], raw[first:last])
	base := cur - int32(first)
	if levels == nil {
		for i, o := range offs[1:] {
			out[i+1] = base + int32(o)
		}
	} else {
		j := 1
		for i, l := range levels[:bp.rows] {
			if l == maxDef {
				cur = base + int32(offs[j])
				j++
			}
			out[i+1] = cur
		}
	}
	return base + int32(last), nil
}

// shortCopy is the longest value copyShort moves with fixed-size moves.
const shortCopy = 48

// copyShort copies src[start:end] to dst[cur:]. Values of at most
// shortCopy bytes are moved 16 or 48 bytes at a time, past their end, when
// both sides have room (cur <= dstWide, start <= srcWide); later values
// overwrite the excess. Most strings are short, and a fixed-size move costs
// far less than a call to memmove.
func copyShort(dst []byte, cur, dstWide int32, src []byte, start, end, srcWide uint32) {
	n := end - start
	switch {
	case n <= 16 && cur <= dstWide && start <= srcWide:
		*(*[16]byte)(unsafe.Pointer(&dst[cur])) = *(*[16]byte)(unsafe.Pointer(&src[start]))
	case n <= shortCopy && cur <= dstWide && start <= srcWide:
		*(*[shortCopy]byte)(unsafe.Pointer(&dst[cur])) = *(*[shortCopy]byte)(unsafe.Pointer(&src[start]))
	default:
		copy(dst[cur:], src[start:end])
	}
}

func (d *bytesDecoder) release() {
	d.dict, d.dictData, d.dictOffs = nil, nil, nil
	d.dictBuf.put()
	d.releaseValidity()
	for _, bp := range d.pages {
		if bp.page != nil {
			parquet.Release(bp.page)
		}
	}
	d.pages = nil
}

// fixedBytesDecoder decodes FIXED_LEN_BYTE_ARRAY pages into FixedSizeBinary
// (or Float16) arrays.
type fixedBytesDecoder struct {
	colState
	width int
	buf   *memory.Buffer
	out   []byte
	idx   []int32
}

func (d *fixedBytesDecoder) decodePage(p parquet.Page) error {
	if d.buf == nil {
		d.buf = core.AllocateUninit(d.mem, d.n*d.width)
		d.out = d.buf.Bytes()[:d.n*d.width]
	}
	rows, levels, valid, err := d.beginPage(p)
	if err != nil {
		return err
	}
	w := d.width
	dst := d.out[d.pos*w : (d.pos+rows)*w]
	values := p.Data()
	var src func(j int) []byte
	if dict := p.Dictionary(); dict != nil {
		dv := dict.Page().Data()
		draw, _ := dv.Data()
		if len(draw) < dict.Len()*w {
			return corruptf("a dictionary holds fewer than %d values", dict.Len())
		}
		idx, err := dictIndexes(&values, valid, &d.idx)
		if err != nil {
			return err
		}
		src = func(j int) []byte { k := int(idx[j]); return draw[k*w : (k+1)*w] }
	} else {
		raw, err := plainSlice(&values, valid, w)
		if err != nil {
			return err
		}
		if levels == nil {
			copy(dst, raw)
			d.pos += rows
			return nil
		}
		src = func(j int) []byte { return raw[j*w : (j+1)*w] }
	}
	j := 0
	for i := 0; i < rows; i++ {
		slot := dst[i*w : (i+1)*w]
		if levels == nil || levels[i] == d.maxDef {
			copy(slot, src(j))
			j++
		} else {
			clear(slot)
		}
	}
	d.pos += rows
	return nil
}

func (d *fixedBytesDecoder) finish() (arrow.Array, error) {
	if d.buf == nil {
		d.buf = core.AllocateUninit(d.mem, d.n*d.width)
	}
	if err := d.checkComplete(); err != nil {
		return nil, err
	}
	buf := d.buf
	d.buf = nil
	return d.makeArray(buf), nil
}

func (d *fixedBytesDecoder) release() {
	d.releaseValidity()
	if d.buf != nil {
		d.buf.Release()
		d.buf = nil
	}
}
