package parquet

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go/format"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
)

// Late materialization: a scan whose filter has already chosen some rows of
// a row group reads its other columns at those rows only. For the
// fixed-width REQUIRED columns alopex's page reader decodes (numbers, dates,
// decimals; PLAIN or dictionary-encoded), a page holding none of the rows is
// not even read or decompressed, and a dictionary-encoded page unpacks its
// indexes and looks up only the chosen rows' values: the 16-byte decimal
// values of the rows the filter dropped are never written. Other columns
// (strings, booleans, nullable columns, other encodings) are decoded whole
// and the rows gathered, which is what the scan did before.

// ReadPieceRows reads the named columns of row group i at rows (positions
// in the row group, strictly increasing): the batch has len(rows) rows.
func (s *Source) ReadPieceRows(ctx context.Context, mem memory.Allocator, i int, columns []string, rows []int32) (arrow.RecordBatch, error) {
	p := s.pieces[i]
	return s.files[p.file].ReadRowGroupRows(ctx, mem, p.rg, s.columnIndices(columns), rows)
}

// ReadRowGroupRows is ReadRowGroup (columns nil: all) for the given rows of row group rg only
// (strictly increasing positions in it); rows out of order or range are
// core.KindInvalidInput. Pages that hold none of the rows are skipped
// unread, so corruption in them goes unnoticed.
func (f *File) ReadRowGroupRows(ctx context.Context, mem memory.Allocator, rg int, columns []int, rows []int32) (_ arrow.RecordBatch, err error) {
	if rg < 0 || rg >= f.NumRowGroups() {
		return nil, core.Errorf(core.KindInvalidInput, "row group %d out of range: %s has %d row groups", rg, f.path, f.NumRowGroups())
	}
	n := f.RowGroupRows(rg)
	for j, r := range rows {
		if r < 0 || int64(r) >= n || (j > 0 && r <= rows[j-1]) {
			return nil, core.Errorf(core.KindInvalidInput, "row %d (position %d) is out of order or out of range: row group %d of %s has %d rows",
				r, j, rg, f.path, n)
		}
	}
	if int64(len(rows)) == n {
		return f.ReadRowGroup(ctx, mem, rg, columns)
	}
	if f.osFile == nil {
		return nil, core.Errorf(core.KindInvalidInput, "parquet file %s is closed", f.path)
	}
	if columns == nil {
		columns = make([]int, len(f.cols))
		for i := range columns {
			columns[i] = i
		}
	}
	fields := make([]arrow.Field, len(columns))
	arrays := make([]arrow.Array, 0, len(columns))
	defer func() {
		if r := recover(); r != nil {
			err = core.Errorf(core.KindInternal, "reading %s: panic: %v\n%s", f.path, r, debug.Stack())
		}
		for _, a := range arrays {
			a.Release()
		}
	}()
	for i, c := range columns {
		if c < 0 || c >= len(f.cols) {
			return nil, core.Errorf(core.KindInvalidInput, "column %d out of range: %s has %d columns", c, f.path, len(f.cols))
		}
		col := &f.cols[c]
		if col.unsupported != "" {
			return nil, core.Errorf(core.KindNotSupported, "cannot read column %q of %s: %s columns are not supported",
				col.field.Name, f.path, col.unsupported).With("column", col.field.Name)
		}
		fields[i] = col.field
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		arr, err := f.readColumn(ctx, mem, rg, c, false, rows)
		if err != nil {
			return nil, err
		}
		if arr.Len() != len(rows) { // decoded whole
			whole := arr
			arr, err = kernels.Gather(mem, whole, rows)
			whole.Release()
			if err != nil {
				return nil, err
			}
		}
		arrays = append(arrays, arr)
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), arrays, int64(len(rows))), nil
}

// selectiveDecoder is a raw page decoder that can keep only some rows of
// a page of a REQUIRED column.
type selectiveDecoder interface {
	rawPageDecoder
	// setRawDictionary takes the n PLAIN values, width bytes each, of a
	// dictionary page.
	setRawDictionary(values []byte, n, width int) error
	// decodeRawRows appends the rows at positions sel (increasing, in
	// the page) of one data page of encoding enc.
	decodeRawRows(rp rawPage, enc format.Encoding, sel []int32) error
	// setPlainWidth gives the size of one PLAIN value, first.
	setPlainWidth(width int)
}

func (d *fixedDecoder[T]) setPlainWidth(width int) { d.plainWidth = width }

// readSelected decodes the rows rows of a REQUIRED chunk every page of
// which alopex's page reader decodes; ok is false (and nothing read) when
// the column's decoder cannot select.
func (f *File) readSelected(ctx context.Context, mem memory.Allocator, rg int, col *parquetColumn, codec format.CompressionCodec, pages []pageInfo, rows []int32) (arr arrow.Array, ok bool, err error) {
	width := physicalWidth(col.physical, col.typeLen)
	if width == 0 {
		return nil, false, nil
	}
	dec, ok := newColumnDecoder(col, len(rows), mem).(selectiveDecoder)
	if !ok {
		return nil, false, nil
	}
	dec.setPlainWidth(width)
	defer func() {
		if err != nil {
			dec.release()
			arr = nil
		}
	}()
	if err := f.decodeSelectedPages(ctx, dec, codec, pages, rows, int(f.RowGroupRows(rg)), width); err != nil {
		if ctx.Err() != nil {
			return nil, true, err
		}
		return nil, true, f.chunkError(rg, col, err)
	}
	if arr, err = dec.finish(); err != nil {
		return nil, true, f.chunkError(rg, col, err)
	}
	return arr, true, nil
}

// decodeSelectedPages is decodeRawPages for the rows rows of a chunk of n
// rows: data pages holding none of them are skipped unread.
func (f *File) decodeSelectedPages(ctx context.Context, d selectiveDecoder, codec format.CompressionCodec, pages []pageInfo, rows []int32, n, width int) error {
	bufs, _ := pagePool.Get().(*pageBuffers)
	if bufs == nil {
		bufs = new(pageBuffers)
	}
	defer pagePool.Put(bufs) // nothing decoded points into it
	var sel []int32
	start, r := 0, 0 // the page's first row; the first of rows not decoded yet
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
			if err := d.setRawDictionary(values, int(h.DictionaryPageHeader.V.NumValues), width); err != nil {
				return err
			}
		case format.DataPage, format.DataPageV2:
			rowsIn := pageRows(h)
			if rowsIn < 0 || rowsIn > n-start {
				return corruptf("the pages hold more than the row group's %d rows", n)
			}
			end := start + rowsIn
			sel = sel[:0]
			for ; r < len(rows) && int(rows[r]) < end; r++ {
				sel = append(sel, rows[r]-int32(start))
			}
			start = end
			if len(sel) == 0 {
				continue
			}
			rp, err := f.readRawPage(codec, p, 0, bufs)
			if err != nil {
				return err
			}
			if rp.rows != rowsIn {
				return corruptf("a data page says %d rows and %d", rowsIn, rp.rows)
			}
			enc, _ := dataPageEncoding(h)
			if err := d.decodeRawRows(rp, enc, sel); err != nil {
				return err
			}
		}
	}
	if start != n {
		return corruptf("the pages hold %d rows, the row group %d", start, n)
	}
	return nil
}

// setRawDictionary keeps the n PLAIN values (width bytes each) of a
// dictionary page as they are: only the values selected rows use are
// converted (a selective read of a large dictionary, l_extendedprice's,
// would otherwise convert it all for a few rows).
func (d *fixedDecoder[T]) setRawDictionary(values []byte, n, width int) error {
	if n < 0 || width <= 0 || len(values)/width < n {
		return corruptf("a dictionary page of %d values of %d bytes holds %d bytes", n, width, len(values))
	}
	d.rawDict = d.rawDictBuf.get(n * width)
	copy(d.rawDict, values)
	d.rawWidth = width
	d.dictVals, d.dict = nil, nil
	return nil
}

func (d *fixedDecoder[T]) decodeRawRows(rp rawPage, enc format.Encoding, sel []int32) error {
	if d.maxDef > 0 {
		return fmt.Errorf("internal error: rows selected from a nullable column's page")
	}
	if enc != format.Plain && d.rawWidth == 0 {
		return corruptf("a dictionary-encoded page of %d values has no dictionary", rp.rows)
	}
	if _, _, _, err := d.addLevels(len(sel), nil); err != nil {
		return err
	}
	w := d.rawWidth
	var src []byte
	var idx []int32 // the selected rows' value positions in src
	if enc == format.Plain {
		src, idx = rp.values, sel
		w = d.plainWidth
		if len(src)/w < rp.rows {
			return corruptf("a PLAIN page of %d values of %d bytes holds %d bytes", rp.rows, w, len(src))
		}
	} else {
		n := len(d.rawDict) / w
		switch {
		case n == 0:
			return corruptf("a dictionary-encoded page of %d values has an empty or no dictionary", rp.rows)
		case len(rp.values) == 0:
			return corruptf("a dictionary-encoded page has no bit width")
		}
		// The page's indexes, checked against the dictionary by
		// gatherHybrid through the identity.
		if len(d.ident) != n {
			d.ident = resize(d.ident, n)
			for k := range d.ident {
				d.ident[k] = int32(k)
			}
		}
		all := d.idxBuf.get(rp.rows)
		if err := gatherHybrid(all, d.ident, rp.values[1:], int(rp.values[0])); err != nil {
			return err
		}
		picked := d.pickBuf.get(len(sel))
		for j, s := range sel {
			picked[j] = all[s]
		}
		src, idx = d.rawDict, picked
	}
	// The selected values, still PLAIN, side by side; then converted.
	g := d.gatherBuf.get(len(idx) * w)
	switch w {
	case 4:
		gather(viewAs[uint32](g), viewAs[uint32](src[:len(src)&^3]), idx)
	case 8:
		gather(viewAs[uint64](g), viewAs[uint64](src[:len(src)&^7]), idx)
	default:
		for j, k := range idx {
			copy(g[j*w:(j+1)*w], src[int(k)*w:])
		}
	}
	v := plainValues(g)
	if err := d.convert(d.out[d.pos:d.pos+len(sel)], &v); err != nil {
		return err
	}
	d.pos += len(sel)
	return nil
}
