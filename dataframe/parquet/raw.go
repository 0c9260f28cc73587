package parquet

import (
	"context"
	"math/bits"
	"sync"
	"unsafe"

	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// Fixed-width columns (numbers, dates, decimals of INT32/INT64/FIXED) whose
// pages are PLAIN or dictionary-encoded are read by alopex's own page reader
// rather than parquet-go's: a page is read and decompressed into buffers
// reused from page to page, a dictionary page is converted straight to the
// column's Arrow values (parquet-go decodes it into a slice of its own
// first), and dictionary indexes are unpacked straight into the values they
// stand for (gatherHybrid). Other encodings (DELTA_BINARY_PACKED,
// BYTE_STREAM_SPLIT) keep parquet-go's reader.

// rawPageDecoder is a column decoder that can decode pages alopex read.
type rawPageDecoder interface {
	columnDecoder
	// setDictionary converts the n PLAIN values of a dictionary page.
	setDictionary(values []byte, n int) error
	// decodeRaw appends the rows of one data page of encoding enc.
	decodeRaw(rp rawPage, enc format.Encoding) error
	// plainTarget returns where the PLAIN values of the next rows rows
	// can be decompressed in place (nil when they cannot: nulls to
	// spread, values to convert); tookPlain then appends them.
	plainTarget(rows int) []byte
	tookPlain(rows int) error
}

// rawReadable says whether alopex's page reader decodes every page of a
// chunk of col: PLAIN dictionaries, data pages PLAIN or dictionary-encoded,
// and RLE definition levels.
func rawReadable(pages []pageInfo, col *parquetColumn) bool {
	if col.maxDef > 1 {
		return false
	}
	for i := range pages {
		h := &pages[i].header
		switch h.Type {
		case format.DictionaryPage:
			if e := h.DictionaryPageHeader.V.Encoding; e != format.Plain && e != format.PlainDictionary {
				return false
			}
		case format.DataPage:
			if col.maxDef > 0 && h.DataPageHeader.V.DefinitionLevelEncoding != format.RLE {
				return false
			}
			if !rawEncoding(h.DataPageHeader.V.Encoding) {
				return false
			}
		case format.DataPageV2:
			if !rawEncoding(h.DataPageHeaderV2.V.Encoding) {
				return false
			}
		}
	}
	return true
}

func rawEncoding(e format.Encoding) bool {
	return e == format.Plain || e == format.RLEDictionary || e == format.PlainDictionary
}

// decodeRawPages feeds the checked pages of a chunk to d.
func (f *File) decodeRawPages(ctx context.Context, d rawPageDecoder, codec format.CompressionCodec, pages []pageInfo, maxDef byte) error {
	bufs, _ := pagePool.Get().(*pageBuffers)
	if bufs == nil {
		bufs = new(pageBuffers)
	}
	defer pagePool.Put(bufs) // nothing decoded points into it
	for i := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := &pages[i]
		h := &p.header
		switch h.Type {
		case format.DictionaryPage:
			values, err := f.readDictionaryPage(codec, p, bufs)
			if err != nil {
				return err
			}
			if err := d.setDictionary(values, int(h.DictionaryPageHeader.V.NumValues)); err != nil {
				return err
			}
		case format.DataPage, format.DataPageV2:
			enc, _ := dataPageEncoding(h)
			// A compressed PLAIN page without nulls is decompressed
			// straight into the column when its values need no
			// conversion: one copy less.
			var target []byte
			if enc == format.Plain && maxDef == 0 && codec != format.Uncompressed {
				target = d.plainTarget(pageRows(h))
			}
			bufs.target = target
			rp, err := f.readRawPage(codec, p, maxDef, bufs)
			bufs.target = nil
			if err != nil {
				return err
			}
			if target != nil && len(rp.values) == len(target) && unsafe.SliceData(rp.values) == unsafe.SliceData(target) {
				err = d.tookPlain(rp.rows)
			} else {
				err = d.decodeRaw(rp, enc)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// pagePool recycles page buffers across column chunks (and row groups).
var pagePool sync.Pool // of *pageBuffers

// plainValues wraps PLAIN bytes for the converters, which read only Data().
func plainValues(b []byte) encoding.Values { return encoding.Int32ValuesFromBytes(b) }

func (d *fixedDecoder[T]) setDictionary(values []byte, n int) error {
	v := plainValues(values)
	d.dictVals = d.dictBuf.get(n)
	d.dict = nil
	return d.convert(d.dictVals, &v)
}

func (d *fixedDecoder[T]) decodeRaw(rp rawPage, enc format.Encoding) error {
	var lv []byte
	if d.maxDef > 0 {
		d.levelBuf = resize(d.levelBuf, rp.rows)
		if err := decodeHybrid(d.levelBuf, rp.defLevels, bits.Len8(d.maxDef)); err != nil {
			return err
		}
		lv = d.levelBuf
	}
	rows, levels, valid, err := d.addLevels(rp.rows, lv)
	if err != nil {
		return err
	}
	dst := d.out[d.pos : d.pos+rows]
	dense := dst
	if levels != nil {
		dense = d.spreadBuf.get(valid)
	}
	if enc == format.Plain {
		v := plainValues(rp.values)
		err = d.convert(dense, &v)
	} else {
		switch {
		case valid == 0: // an all-null page may have an empty dictionary
		case len(d.dictVals) == 0:
			return corruptf("a dictionary-encoded page of %d values has an empty or no dictionary", valid)
		case len(rp.values) == 0:
			return corruptf("a dictionary-encoded page has no bit width")
		default:
			err = gatherHybrid(dense, d.dictVals, rp.values[1:], int(rp.values[0]))
		}
	}
	if err != nil {
		return err
	}
	if levels != nil {
		spread(dst, dense, levels, d.maxDef)
	}
	d.pos += rows
	return nil
}

// pageRows is the row count a data page's header gives.
func pageRows(h *format.PageHeader) int {
	if h.Type == format.DataPageV2 {
		return int(h.DataPageHeaderV2.V.NumRows)
	}
	return int(h.DataPageHeader.V.NumValues)
}

func (d *fixedDecoder[T]) plainTarget(rows int) []byte {
	if !d.bitForBit || d.maxDef > 0 || rows < 0 || rows > d.n-d.pos {
		return nil
	}
	return bytesOf(d.out[d.pos : d.pos+rows])
}

func (d *fixedDecoder[T]) tookPlain(rows int) error {
	if _, _, _, err := d.addLevels(rows, nil); err != nil {
		return err
	}
	d.pos += rows
	return nil
}
