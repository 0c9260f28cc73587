package parquet

import (
	"context"
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go/format"

	"github.com/alopexdb/alopex/core"
)

// BOOLEAN pages encoded with RLE (what pyarrow, Spark and parquet-mr write
// in data pages v2) are read here, from the raw pages, because parquet-go
// (v0.32.0) decodes their run-length runs as whole bytes: a run of n values
// becomes n/8 bytes of the value, and most values come out wrong without an
// error. Chunks whose boolean pages are all PLAIN (or dictionary) go
// through parquet-go as every other column does.

// hasRLEValues reports whether a data page of the chunk holds RLE values.
func hasRLEValues(pages []pageInfo) bool {
	for i := range pages {
		if enc, ok := dataPageEncoding(&pages[i].header); ok && enc == format.RLE {
			return true
		}
	}
	return false
}

func dataPageEncoding(h *format.PageHeader) (format.Encoding, bool) {
	switch h.Type {
	case format.DataPage:
		return h.DataPageHeader.V.Encoding, true
	case format.DataPageV2:
		return h.DataPageHeaderV2.V.Encoding, true
	}
	return 0, false
}

// readBoolPages decodes a BOOLEAN chunk from its checked pages.
func (f *File) readBoolPages(ctx context.Context, mem memory.Allocator, rg int, col *parquetColumn, codec format.CompressionCodec, pages []pageInfo) (arrow.Array, error) {
	n := int(f.RowGroupRows(rg))
	d := &boolPagesDecoder{colState: colState{mem: mem, typ: col.field.Type, n: n, maxDef: col.maxDef}, codec: codec}
	d.buf = memory.NewResizableBuffer(mem)
	d.buf.Resize(int(bitutil.BytesForBits(int64(n)))) // zeroed
	for i := range pages {
		if err := ctx.Err(); err != nil {
			d.release()
			return nil, err
		}
		if err := d.decodePage(f, &pages[i]); err != nil {
			d.release()
			return nil, f.chunkError(rg, col, err)
		}
	}
	if err := d.checkComplete(); err != nil {
		d.release()
		return nil, f.chunkError(rg, col, err)
	}
	buf := d.buf
	d.buf = nil
	return d.makeArray(buf), nil
}

type boolPagesDecoder struct {
	colState
	codec  format.CompressionCodec
	bufs   pageBuffers
	buf    *memory.Buffer
	levels []byte
	values []byte
}

func (d *boolPagesDecoder) release() {
	d.releaseValidity()
	if d.buf != nil {
		d.buf.Release()
		d.buf = nil
	}
}

func (d *boolPagesDecoder) decodePage(f *File, p *pageInfo) error {
	h := &p.header
	enc, ok := dataPageEncoding(h)
	if !ok {
		if h.Type == format.DictionaryPage {
			return core.Errorf(core.KindNotSupported, "BOOLEAN columns with a dictionary page and RLE data pages are not supported")
		}
		return nil // index pages hold nothing to read
	}
	rp, err := f.readRawPage(d.codec, p, d.maxDef, &d.bufs)
	if err != nil {
		return err
	}
	rows, data := rp.rows, rp.values
	if d.maxDef > 0 {
		if err := d.decodeLevels(rp.defLevels, rows); err != nil {
			return err
		}
	}
	var levels []byte
	if d.maxDef > 0 {
		levels = d.levels[:rows]
	}
	rows, levels, valid, err := d.addLevels(rows, levels)
	if err != nil {
		return err
	}
	vals := resize(d.values, valid)
	d.values = vals
	switch enc {
	case format.Plain:
		if len(data) < int(bitutil.BytesForBits(int64(valid))) {
			return corruptf("a page holds fewer than %d booleans", valid)
		}
		for i := range vals {
			vals[i] = data[i>>3] >> (i & 7) & 1
		}
	case format.RLE:
		if len(data) < 4 {
			return corruptf("an RLE page is too short for its length prefix")
		}
		k := int(binary.LittleEndian.Uint32(data))
		if k > len(data)-4 {
			return corruptf("an RLE page's runs (%d bytes) run past its %d bytes", k, len(data))
		}
		if err := decodeHybrid(vals, data[4:4+k], 1); err != nil {
			return err
		}
	default:
		return core.Errorf(core.KindNotSupported, "BOOLEAN pages encoded with %s are not supported", enc)
	}
	out := d.buf.Bytes()
	j := 0
	for i := range rows {
		if levels == nil || levels[i] == d.maxDef {
			if vals[j] != 0 {
				bitutil.SetBit(out, d.pos+i)
			}
			j++
		}
	}
	d.pos += rows
	return nil
}

func (d *boolPagesDecoder) decodeLevels(src []byte, rows int) error {
	d.levels = resize(d.levels, rows)
	return decodeHybrid(d.levels, src, 1)
}

// decodeHybrid fills dst with the values (of bitWidth ≤ 8 bits) of an
// RLE/bit-packing hybrid stream, the Parquet encoding of levels and of RLE
// booleans. Runs past len(dst) are cut (bit-packed runs pad to groups of
// eight); a stream too short for dst is corrupt.
func decodeHybrid(dst []byte, src []byte, bitWidth int) error {
	i, pos := 0, 0
	mask := byte(1<<bitWidth - 1)
	for pos < len(dst) {
		h, k := binary.Uvarint(src[i:])
		if k <= 0 {
			return corruptf("an RLE stream ends after %d of %d values", pos, len(dst))
		}
		i += k
		if h&1 == 1 { // bit-packed: h>>1 groups of eight values
			groups := h >> 1
			if groups > uint64(len(src)-i)/uint64(bitWidth) {
				return corruptf("an RLE stream's bit-packed run runs past its end")
			}
			nb := int(groups) * bitWidth
			packed := src[i : i+nb]
			i += nb
			count := min(int(groups)*8, len(dst)-pos)
			for j := range count {
				bit := j * bitWidth
				v := uint16(packed[bit>>3])
				if bit>>3+1 < len(packed) {
					v |= uint16(packed[bit>>3+1]) << 8
				}
				dst[pos+j] = byte(v>>(bit&7)) & mask
			}
			pos += count
		} else { // repeated: h>>1 copies of one value
			if i >= len(src) {
				return corruptf("an RLE run has no value")
			}
			v := src[i] & mask
			i += (bitWidth + 7) / 8
			count := int(min(h>>1, uint64(len(dst)-pos)))
			for j := range count {
				dst[pos+j] = v
			}
			pos += count
		}
	}
	return nil
}
