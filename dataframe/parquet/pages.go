package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// Every length a Parquet file holds is checked here against what the file
// can hold before parquet-go (which trusts them) or our decoders allocate
// anything from it: the footer length against the file size (checkFooter),
// each page's header, compressed and uncompressed sizes and value counts
// against its column chunk, and the chunk against the file (scanPages).

// maxRowsPerByte bounds the rows a column chunk may claim per byte it takes
// in the file. Run-length encoding lets a tiny chunk stand for many rows
// (Polars writes 4 million nulls in under 900 bytes, about 4,500 rows a
// byte), so the bound is generous; it keeps a corrupt row count from
// allocating gigabytes for a file of a few hundred bytes.
const maxRowsPerByte = 1 << 16

// checkFooter reads the footer length at the end of the file and makes sure
// the footer fits in the file and is a well-formed Thrift struct whose
// every list and string fits in it.
func checkFooter(r io.ReaderAt, size int64) error {
	const magic = 4
	if size < 2*magic+4 {
		return fmt.Errorf("the file has %d bytes, too few for a Parquet file", size)
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return fmt.Errorf("reading the footer length: %v", err)
	}
	if string(tail[4:]) != "PAR1" && string(tail[4:]) != "PARE" {
		return fmt.Errorf("invalid magic footer %q", tail[4:])
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-2*magic-4 {
		return fmt.Errorf("corrupt footer: its length %d does not fit in the file's %d bytes", n, size)
	}
	if string(tail[4:]) == "PARE" {
		return nil // encrypted: parquet-go refuses it without keys
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, size-8-n); err != nil {
		return fmt.Errorf("reading the footer: %v", err)
	}
	if _, err := thriftStructSize(footer); err != nil {
		if errors.Is(err, errThriftShort) {
			return fmt.Errorf("corrupt footer: a length in it runs past its %d bytes", n)
		}
		return fmt.Errorf("corrupt footer: %v", err)
	}
	return nil
}

// pageInfo is a checked page header and where its body starts.
type pageInfo struct {
	header format.PageHeader
	body   int64 // file offset of the page body
}

// scanPages walks the page headers of a column chunk of rows rows and
// checks each against the chunk: sizes inside it, decompressed sizes
// possible for the codec, value counts adding up to the rows. It returns
// the pages in file order.
func scanPages(r io.ReaderAt, fileSize int64, cc *format.ColumnChunk, rows int64, col *parquetColumn) ([]pageInfo, error) {
	meta := &cc.MetaData
	start := meta.DataPageOffset
	if meta.DictionaryPageOffset != 0 {
		start = meta.DictionaryPageOffset // as parquet-go reads it
	}
	size := meta.TotalCompressedSize
	if start < 0 || size < 0 || start > fileSize || size > fileSize-start {
		return nil, fmt.Errorf("the column chunk (offset %d, %d bytes) does not fit in the file's %d bytes", start, size, fileSize)
	}
	if rows > size*maxRowsPerByte {
		return nil, fmt.Errorf("the column chunk claims %d rows in %d bytes, more than %d rows a byte", rows, size, maxRowsPerByte)
	}
	end := start + size
	var pages []pageInfo
	var seen int64 // rows of the data pages so far
	for pos := start; pos < end; {
		h, hlen, err := readPageHeader(r, pos, end)
		if err != nil {
			return nil, fmt.Errorf("page header at offset %d: %v", pos, err)
		}
		body := pos + int64(hlen)
		if err := checkPageHeader(h, end-body, meta.Codec, rows-seen, col); err != nil {
			return nil, fmt.Errorf("page at offset %d: %v", pos, err)
		}
		if err := checkPageBody(r, h, body, meta.Codec, col); err != nil {
			return nil, fmt.Errorf("page at offset %d: %v", pos, err)
		}
		switch h.Type {
		case format.DataPage:
			seen += int64(h.DataPageHeader.V.NumValues)
		case format.DataPageV2:
			seen += int64(h.DataPageHeaderV2.V.NumRows)
		}
		pages = append(pages, pageInfo{header: *h, body: body})
		pos = body + int64(h.CompressedPageSize)
	}
	if seen != rows {
		return nil, fmt.Errorf("the pages hold %d rows, the row group %d", seen, rows)
	}
	return pages, nil
}

// readPageHeader reads the page header at pos, growing its read until the
// header fits (headers with long statistics can take kilobytes).
func readPageHeader(r io.ReaderAt, pos, end int64) (*format.PageHeader, int, error) {
	n := min(end-pos, 1<<10)
	for {
		buf := make([]byte, n)
		if _, err := r.ReadAt(buf, pos); err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, err
		}
		hlen, err := thriftStructSize(buf)
		if errors.Is(err, errThriftShort) && n < end-pos {
			n = min(end-pos, 4*n)
			continue
		}
		if err != nil {
			if errors.Is(err, errThriftShort) {
				return nil, 0, fmt.Errorf("it runs past the end of the column chunk")
			}
			return nil, 0, err
		}
		h := new(format.PageHeader)
		if err := thrift.Unmarshal(new(thrift.CompactProtocol), buf[:hlen], h); err != nil {
			return nil, 0, err
		}
		return h, hlen, nil
	}
}

// checkPageHeader checks one page header: avail is the chunk's bytes after
// the header, rowsLeft the rows no earlier page holds.
func checkPageHeader(h *format.PageHeader, avail int64, codec format.CompressionCodec, rowsLeft int64, col *parquetColumn) error {
	comp, uncomp := int64(h.CompressedPageSize), int64(h.UncompressedPageSize)
	if comp < 0 || comp > avail {
		return fmt.Errorf("its compressed size %d does not fit in the %d bytes left in the column chunk", comp, avail)
	}
	if uncomp < 0 || uncomp > maxUncompressed(codec, comp) {
		return fmt.Errorf("its uncompressed size %d is impossible for %d bytes compressed with %s", uncomp, comp, codec)
	}
	switch h.Type {
	case format.DataPage:
		if !h.DataPageHeader.Valid {
			return fmt.Errorf("a data page has no data page header")
		}
		if v := int64(h.DataPageHeader.V.NumValues); v < 0 || v > rowsLeft {
			return fmt.Errorf("it holds %d values, more than the %d rows left in the row group", v, rowsLeft)
		}
	case format.DataPageV2:
		if !h.DataPageHeaderV2.Valid {
			return fmt.Errorf("a data page v2 has no data page header")
		}
		v := &h.DataPageHeaderV2.V
		if v.NumRows < 0 || int64(v.NumRows) > rowsLeft {
			return fmt.Errorf("it holds %d rows, more than the %d left in the row group", v.NumRows, rowsLeft)
		}
		if v.NumValues != v.NumRows || v.NumNulls < 0 || v.NumNulls > v.NumValues {
			return fmt.Errorf("it holds %d values, %d nulls and %d rows, which contradict each other", v.NumValues, v.NumNulls, v.NumRows)
		}
		if v.DefinitionLevelsByteLength < 0 || v.RepetitionLevelsByteLength < 0 ||
			int64(v.DefinitionLevelsByteLength)+int64(v.RepetitionLevelsByteLength) > comp {
			return fmt.Errorf("its levels (%d and %d bytes) do not fit in its %d bytes", v.RepetitionLevelsByteLength, v.DefinitionLevelsByteLength, comp)
		}
	case format.DictionaryPage:
		if !h.DictionaryPageHeader.Valid {
			return fmt.Errorf("a dictionary page has no dictionary page header")
		}
		bytes := uncomp
		if codec == format.Uncompressed {
			bytes = comp
		}
		if v := int64(h.DictionaryPageHeader.V.NumValues); v < 0 || v > maxPlainValues(col, bytes) {
			return fmt.Errorf("a dictionary page claims %d values in %d bytes", v, bytes)
		}
	}
	return nil
}

// checkPageBody checks the lengths at the start of a page's body that
// parquet-go allocates from without a check: the definition levels of a
// data page v2 (run lengths adding up to no more than the page's values)
// and the uncompressed length a snappy stream or a zstd frame starts with
// (no more than the page header's, which checkPageHeader bounded). Only a
// page's first zstd frame is checked. The levels of a data page v1 are
// checked when it is not compressed or compressed with snappy (see
// checkV1Levels). Levels of data pages v1 sit
// inside the compressed data and are not checked here.
func checkPageBody(r io.ReaderAt, h *format.PageHeader, body int64, codec format.CompressionCodec, col *parquetColumn) error {
	var levels, values int64 // data page v2: bytes of levels, and values
	compressed := codec != format.Uncompressed
	want := int64(h.UncompressedPageSize) // of the compressed stream
	switch h.Type {
	case format.DataPageV2:
		v := &h.DataPageHeaderV2.V
		if v.RepetitionLevelsByteLength != 0 {
			return fmt.Errorf("it has %d bytes of repetition levels in a column that does not repeat", v.RepetitionLevelsByteLength)
		}
		levels, values = int64(v.DefinitionLevelsByteLength), int64(v.NumValues)
		compressed = compressed && (!v.IsCompressed.Valid || v.IsCompressed.V)
		want -= levels
	case format.DataPage:
		if compressed && codec == format.Zstd {
			if err := checkZstdClaims(r, body, h, 0); err != nil {
				return err
			}
		}
		if col.maxDef > 0 && h.DataPageHeader.V.DefinitionLevelEncoding == format.RLE {
			if err := checkV1Levels(r, body, h, codec); err != nil {
				return err
			}
		}
	case format.DictionaryPage:
	default:
		return nil
	}
	if compressed && codec == format.Zstd && h.Type != format.DataPage {
		if err := checkZstdClaims(r, body, h, levels); err != nil {
			return err
		}
	}
	// The longest stream header read: snappy's length, a uvarint of at most
	// 32 bits.
	const streamHead = 5
	n := levels
	if compressed && codec == format.Snappy {
		n = min(levels+streamHead, int64(h.CompressedPageSize))
	}
	if n == 0 {
		return nil
	}
	head := make([]byte, n) // levels are within the page: checked above
	if _, err := r.ReadAt(head, body); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if levels > 0 {
		if col.maxDef == 0 {
			return fmt.Errorf("it has %d bytes of definition levels in a REQUIRED column", levels)
		}
		if err := checkLevelRuns(head[:levels], values); err != nil {
			return err
		}
	}
	if compressed && codec == format.Snappy && int64(len(head)) > levels {
		claim, k := binary.Uvarint(head[levels:])
		if k <= 0 || claim > uint64(want) {
			return fmt.Errorf("its snappy data claims %d bytes uncompressed, the page header %d", claim, want)
		}
	}
	return nil
}

// checkZstdClaims checks the content sizes the zstd frames of a page claim
// (after skip bytes of uncompressed levels) against its header's
// uncompressed size.
func checkZstdClaims(r io.ReaderAt, body int64, h *format.PageHeader, skip int64) error {
	want := int64(h.UncompressedPageSize) - skip
	claim, err := zstdClaims(r, body+skip, body+int64(h.CompressedPageSize))
	if err != nil {
		return err
	}
	if claim > uint64(max(want, 0)) {
		return fmt.Errorf("its zstd frames claim %d bytes uncompressed, the page header %d", claim, want)
	}
	return nil
}

// checkV1Levels checks the definition levels at the start of a data page
// v1: a 4-byte length, then the runs. In a compressed page only the prefix
// that holds them is decompressed (pagePrefix).
func checkV1Levels(r io.ReaderAt, body int64, h *format.PageHeader, codec format.CompressionCodec) error {
	size, values := int64(h.CompressedPageSize), int64(h.DataPageHeader.V.NumValues)
	// The levels come first and are small next to the values (a bit or
	// less per value): a first read of 64 KiB of a compressed page
	// usually holds them.
	data := make([]byte, min(size, 4))
	if codec != format.Uncompressed {
		data = make([]byte, min(size, 64<<10))
	}
	for {
		if _, err := r.ReadAt(data, body); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		whole := int64(len(data)) == size
		plain, k, complete, err := v1LevelBytes(data, codec, int64(h.UncompressedPageSize), whole)
		if err != nil {
			return err
		}
		if complete {
			return checkLevelRuns(plain, values)
		}
		if whole {
			return fmt.Errorf("its definition levels (%d bytes) run past its %d bytes", k, size)
		}
		// Read what the levels need (uncompressed) or the whole page.
		want := size
		if codec == format.Uncompressed {
			want = min(size, 4+k)
		}
		data = make([]byte, want)
	}
}

// v1LevelBytes finds the definition levels of a data page v1 in data, the
// page's first bytes as stored (whole: all of them): their length k from
// the 4-byte prefix and, when data holds all of them, their bytes
// (complete).
func v1LevelBytes(data []byte, codec format.CompressionCodec, uncompressed int64, whole bool) (levels []byte, k int64, complete bool, err error) {
	plain := data
	if codec != format.Uncompressed {
		if !hasPagePrefix(codec) {
			return nil, 0, true, nil // refused by checkCodec
		}
		if plain, err = pagePrefix(codec, data, 4, uncompressed, whole); err != nil {
			return nil, 0, false, err
		}
	}
	if len(plain) < 4 {
		return nil, 0, false, nil
	}
	k = int64(binary.LittleEndian.Uint32(plain))
	if k > uncompressed-4 {
		return nil, k, false, fmt.Errorf("its definition levels (%d bytes) run past its %d bytes", k, uncompressed)
	}
	if codec != format.Uncompressed {
		if plain, err = pagePrefix(codec, data, 4+k, uncompressed, whole); err != nil {
			return nil, k, false, err
		}
	}
	if int64(len(plain)) < 4+k {
		return nil, k, false, nil
	}
	return plain[4 : 4+k], k, true, nil
}

// snappyPrefix decompresses the first n bytes of a snappy block (fewer when
// src, a prefix of the block, ends first): the levels of a data page v1
// without decompressing its values. The block's own length is checked by
// checkPageBody.
func snappyPrefix(src []byte, n int) ([]byte, error) {
	_, at := binary.Uvarint(src)
	if at <= 0 {
		return nil, nil // too short to tell; the full read decides
	}
	out := make([]byte, 0, n)
	for at < len(src) && len(out) < n {
		tag := src[at]
		var length, offset, head int
		switch tag & 3 {
		case 0: // literal
			length, head = int(tag>>2)+1, 1
			if extra := int(tag>>2) - 59; extra > 0 {
				if at+1+extra > len(src) {
					return out, nil
				}
				var v uint32
				for i := range extra {
					v |= uint32(src[at+1+i]) << (8 * i)
				}
				length, head = int(v)+1, 1+extra
			}
			lit := src[at+head:]
			take := min(length, n-len(out), len(lit))
			out = append(out, lit[:take]...)
			if take < length && len(out) < n {
				return out, nil // src ends inside the literal
			}
			at += head + length
			continue
		case 1:
			if at+2 > len(src) {
				return out, nil
			}
			length, offset, head = 4+int(tag>>2&7), int(tag&0xe0)<<3|int(src[at+1]), 2
		case 2:
			if at+3 > len(src) {
				return out, nil
			}
			length, offset, head = 1+int(tag>>2), int(binary.LittleEndian.Uint16(src[at+1:])), 3
		case 3:
			if at+5 > len(src) {
				return out, nil
			}
			length, offset, head = 1+int(tag>>2), int(binary.LittleEndian.Uint32(src[at+1:])), 5
		}
		if offset <= 0 || offset > len(out) {
			return nil, fmt.Errorf("its snappy data is corrupt (a copy from before its start)")
		}
		for range min(length, n-len(out)) {
			out = append(out, out[len(out)-offset])
		}
		at += head
	}
	return out, nil
}

// checkLevelRuns walks the runs of RLE/bit-packed levels of bit width 1
// (flat OPTIONAL columns) and checks that they add up to no more than the
// page's values plus the padding of a last bit-packed group (up to 7: runs
// need not start at a multiple of 8, so the padding is not what rounds the
// total up to one; pyarrow writes 1002 levels for 1000 values).
func checkLevelRuns(b []byte, values int64) error {
	limit := values + 7
	var total int64
	for len(b) > 0 {
		header, k := binary.Uvarint(b)
		if k <= 0 {
			return fmt.Errorf("its definition levels hold a corrupt run header")
		}
		b = b[k:]
		var count, size uint64
		if header&1 == 1 { // bit-packed groups of 8 levels, a byte each
			count, size = (header>>1)*8, header>>1
		} else { // one repeated level in one byte
			count, size = header>>1, 1
		}
		if count > uint64(limit-total) {
			return fmt.Errorf("its definition levels claim more than the page's %d values", values)
		}
		total += int64(count)
		b = b[min(size, uint64(len(b))):]
	}
	return nil
}

// maxUncompressed is the largest size comp bytes can decompress to with a
// codec (the codecs' own worst ratios, rounded up, plus slack for headers).
func maxUncompressed(codec format.CompressionCodec, comp int64) int64 {
	ratio := int64(1 << 16) // zstd and brotli: one run-length block covers 128 KiB
	switch codec {
	case format.Uncompressed:
		ratio = 1 // (data page v2 levels count in both sizes)
	case format.Snappy:
		ratio = 64 // a copy of 64 bytes costs 2 or 3
	case format.Gzip:
		ratio = 1100 // deflate's limit is 1032:1
	}
	return comp*ratio + 1<<16
}

// maxPlainValues is the most PLAIN values that fit in n bytes of a column.
func maxPlainValues(col *parquetColumn, n int64) int64 {
	switch w := physicalWidth(col.physical, col.typeLen); {
	case col.physical == format.Boolean:
		return 8 * n
	case w > 0:
		return n / int64(w)
	}
	return n / 4 // a byte array's length prefix
}

// rawPage is a data page read and decompressed by alopex itself, for the
// few cases parquet-go cannot be trusted with.
type rawPage struct {
	rows      int
	defLevels []byte // the encoded definition levels (nil for REQUIRED columns)
	values    []byte // the encoded values, uncompressed
}

// pageBuffers is the page memory a reader reuses from page to page: the
// page as stored and decompressed. A page read into it is valid until the
// next read; reusing it spares an allocation (and its zeroing) per page.
// nil allocates afresh.
type pageBuffers struct {
	stored, plain []byte
	// target, when set, is where the next page's values go if they
	// decompress to exactly its length (see decodeRawPages).
	target []byte
}

// storedBuf returns n bytes for a page as stored.
func (b *pageBuffers) storedBuf(n int) []byte {
	if b == nil {
		return make([]byte, n)
	}
	b.stored = resize(b.stored, n)
	return b.stored
}

// plainBuf returns an empty slice of capacity n for a decompressed page.
func (b *pageBuffers) plainBuf(n int) []byte {
	if b == nil {
		return make([]byte, 0, n)
	}
	b.plain = resize(b.plain, n)
	return b.plain[:0]
}

// readRawPage reads the data page p (checked by scanPages) of a column
// with no repetition, into bufs.
func (f *File) readRawPage(codec format.CompressionCodec, p *pageInfo, maxDef byte, bufs *pageBuffers) (rawPage, error) {
	h := &p.header
	body := bufs.storedBuf(int(h.CompressedPageSize)) // checked against the chunk by scanPages
	if _, err := f.osFile.ReadAt(body, p.body); err != nil {
		return rawPage{}, fmt.Errorf("reading a page: %v", err)
	}
	if h.Type == format.DataPage {
		rp := rawPage{rows: int(h.DataPageHeader.V.NumValues)}
		raw, err := decompressPage(codec, body, int(h.UncompressedPageSize), bufs)
		if err != nil {
			return rawPage{}, err
		}
		if maxDef > 0 {
			if len(raw) < 4 {
				return rawPage{}, corruptf("a data page is too short for its definition levels")
			}
			k := int(binary.LittleEndian.Uint32(raw))
			if k > len(raw)-4 {
				return rawPage{}, corruptf("a data page's definition levels (%d bytes) run past its %d bytes", k, len(raw))
			}
			rp.defLevels, raw = raw[4:4+k], raw[4+k:]
		}
		rp.values = raw
		return rp, nil
	}
	v := &h.DataPageHeaderV2.V
	rep, def := int(v.RepetitionLevelsByteLength), int(v.DefinitionLevelsByteLength)
	rp := rawPage{rows: int(v.NumRows), values: body[rep+def:]}
	if maxDef > 0 {
		rp.defLevels = body[rep : rep+def]
	}
	if !v.IsCompressed.Valid || v.IsCompressed.V { // compressed unless said otherwise
		var err error
		if rp.values, err = decompressPage(codec, rp.values, int(h.UncompressedPageSize)-rep-def, bufs); err != nil {
			return rawPage{}, err
		}
	}
	return rp, nil
}

// readDictionaryPage reads the dictionary page p (checked by scanPages)
// into bufs and returns its PLAIN values.
func (f *File) readDictionaryPage(codec format.CompressionCodec, p *pageInfo, bufs *pageBuffers) ([]byte, error) {
	h := &p.header
	body := bufs.storedBuf(int(h.CompressedPageSize))
	if _, err := f.osFile.ReadAt(body, p.body); err != nil {
		return nil, fmt.Errorf("reading a page: %v", err)
	}
	return decompressPage(codec, body, int(h.UncompressedPageSize), bufs)
}

// decompressPage returns what src decompresses to (src itself when the
// chunk is not compressed), in bufs; size, checked by scanPages, is the
// expected size.
func decompressPage(codec format.CompressionCodec, src []byte, size int, bufs *pageBuffers) ([]byte, error) {
	if codec == format.Uncompressed {
		return src, nil
	}
	if size < 0 {
		return nil, corruptf("a page's uncompressed size is negative")
	}
	dst := bufs.plainBuf(size)
	if bufs != nil && len(bufs.target) == size {
		dst = bufs.target[:0]
	}
	out, err := parquet.LookupCompressionCodec(codec).Decode(dst, src)
	if err != nil {
		return nil, fmt.Errorf("decompressing a page: %v", err)
	}
	return out, nil
}

// checkDeltaByteArrayPages bounds what parquet-go allocates for the
// DELTA_BYTE_ARRAY pages of a chunk: it sizes its buffer by adding up the
// prefix and suffix lengths the page claims, unchecked. A value is at most
// its prefix (no longer than the value before) plus its suffix, so no value
// is longer than all the suffix bytes together, and the page holds at most
// rows times the page's bytes.
func (f *File) checkDeltaByteArrayPages(codec format.CompressionCodec, pages []pageInfo, maxDef byte) error {
	var bufs pageBuffers
	for i := range pages {
		if enc, ok := dataPageEncoding(&pages[i].header); !ok || enc != format.DeltaByteArray {
			continue
		}
		rp, err := f.readRawPage(codec, &pages[i], maxDef, &bufs)
		if err != nil {
			return err
		}
		claimed := int64(parquet.DeltaByteArray.EstimateDecodeByteArraySize(rp.values))
		if claimed < 0 || claimed > int64(rp.rows)*int64(len(rp.values)) {
			return corruptf("a DELTA_BYTE_ARRAY page claims %d bytes of values in %d bytes for %d rows", claimed, len(rp.values), rp.rows)
		}
	}
	return nil
}
