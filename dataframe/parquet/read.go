package parquet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/alopexdb/alopex/core"
)

// ReadRowGroup reads the given columns (indices into Schema(); nil means all)
// of row group rg into one record batch whose buffers all come from mem.
// Several columns are decoded in parallel, on up to GOMAXPROCS goroutines.
//
// Errors: an index out of range is core.KindInvalidInput; a column Schema
// lists as unsupported is core.KindNotSupported; corrupt page data is
// core.KindInvalidInput naming the file and the column; a cancelled ctx
// returns ctx.Err() (core.KindCancelled).
//
// The caller owns the batch and releases it.
func (f *File) ReadRowGroup(ctx context.Context, mem memory.Allocator, rg int, columns []int) (arrow.RecordBatch, error) {
	batches, err := f.ReadRowGroups(ctx, mem, []int{rg}, columns)
	if err != nil {
		return nil, err
	}
	return batches[0], nil
}

// ReadRowGroups reads the given columns (nil means all) of several row
// groups (nil means all), one record batch per row group, in the order
// asked. All (row group, column) chunks share one pool of GOMAXPROCS
// goroutines, so a whole file is read with every core busy whatever its
// shape. Errors are those of ReadRowGroup; on error no batch is returned.
func (f *File) ReadRowGroups(ctx context.Context, mem memory.Allocator, rowGroups []int, columns []int) ([]arrow.RecordBatch, error) {
	return f.readRowGroups(ctx, mem, rowGroups, columns, nil)
}

// readRowGroups is ReadRowGroups; asDict, when set, says which of the
// columns to return as dictionary arrays where their chunk allows it (see
// dictStringDecoder), and the batches' schemas then give each column's type.
func (f *File) readRowGroups(ctx context.Context, mem memory.Allocator, rowGroups []int, columns []int, asDict []bool) ([]arrow.RecordBatch, error) {
	if f.osFile == nil {
		return nil, core.Errorf(core.KindInvalidInput, "parquet file %s is closed", f.path)
	}
	if rowGroups == nil {
		rowGroups = make([]int, f.NumRowGroups())
		for i := range rowGroups {
			rowGroups[i] = i
		}
	}
	if columns == nil {
		columns = make([]int, len(f.cols))
		for i := range columns {
			columns[i] = i
		}
	}
	for _, rg := range rowGroups {
		if rg < 0 || rg >= f.NumRowGroups() {
			return nil, core.Errorf(core.KindInvalidInput, "row group %d out of range: %s has %d row groups", rg, f.path, f.NumRowGroups())
		}
	}
	fields := make([]arrow.Field, len(columns))
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
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	arrays := make([][]arrow.Array, len(rowGroups))
	for i := range arrays {
		arrays[i] = make([]arrow.Array, len(columns))
	}
	releaseAll := func() {
		for _, arrs := range arrays {
			for _, a := range arrs {
				if a != nil {
					a.Release()
				}
			}
		}
	}

	units := len(rowGroups) * len(columns)
	workers := max(1, min(units, runtime.GOMAXPROCS(0)))
	var (
		next     atomic.Int64
		failed   atomic.Bool
		errOnce  sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err })
		failed.Store(true)
	}
	work := func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				fail(core.Errorf(core.KindInternal, "reading %s: panic: %v\n%s", f.path, r, debug.Stack()))
			}
		}()
		for !failed.Load() {
			u := int(next.Add(1) - 1)
			if u >= units {
				return
			}
			i, j := u/len(columns), u%len(columns)
			arr, err := f.readColumn(ctx, mem, rowGroups[i], columns[j], asDict != nil && asDict[j], nil)
			if err != nil {
				fail(err)
				return
			}
			arrays[i][j] = arr
		}
	}
	wg.Add(workers)
	for range workers - 1 {
		go work()
	}
	work() // the calling goroutine takes its share
	wg.Wait()
	if firstErr != nil {
		releaseAll()
		return nil, firstErr
	}

	schema := arrow.NewSchema(fields, nil)
	batches := make([]arrow.RecordBatch, len(rowGroups))
	for i, rg := range rowGroups {
		s := schema
		if asDict != nil {
			s = withArrayTypes(fields, arrays[i])
		}
		batches[i] = array.NewRecordBatch(s, arrays[i], f.RowGroupRows(rg))
	}
	releaseAll() // the batches hold their own references
	return batches, nil
}

// readColumn decodes one column chunk. parquet-go panics on some corrupt
// pages; the panic is turned into an error naming the chunk. rows, when
// set, asks for those rows only (increasing positions in the row group):
// chunks alopex's page reader decodes then come back with only those rows
// (see readSelected); others come back whole, and the caller gathers.
func (f *File) readColumn(ctx context.Context, mem memory.Allocator, rg, c int, asDict bool, rows []int32) (arr arrow.Array, err error) {
	col := &f.cols[c]
	n := f.RowGroupRows(rg)
	if n > int64(maxInt32) {
		return nil, core.Errorf(core.KindNotSupported, "row group %d of %s has %d rows, more than Arrow arrays hold", rg, f.path, n)
	}
	if col.decoding == decodeNull {
		return array.NewNull(int(n)), nil
	}
	cc := &f.file.Metadata().RowGroups[rg].Columns[col.leaf]
	if err := checkCodec(cc.MetaData.Codec); err != nil {
		return nil, core.Errorf(core.KindNotSupported, "%s: row group %d, column %q: %v", f.path, rg, col.field.Name, err).With("column", col.field.Name)
	}
	// Every length is checked before anything is allocated from it.
	checked, err := scanPages(f.osFile, f.size, cc, n, col)
	if err != nil {
		return nil, f.chunkError(rg, col, err)
	}
	if col.decoding == decodeBoolean && hasRLEValues(checked) {
		return f.readBoolPages(ctx, mem, rg, col, cc.MetaData.Codec, checked)
	}
	if col.physical == format.ByteArray {
		if err := f.checkDeltaByteArrayPages(cc.MetaData.Codec, checked, col.maxDef); err != nil {
			return nil, f.chunkError(rg, col, err)
		}
	}
	// Selected rows are decoded alone when they are fewer than half: above
	// that, decoding the chunk whole and gathering costs no more.
	if rows != nil && 2*int64(len(rows)) < n && !asDict && col.physical != format.ByteArray && col.maxDef == 0 && rawReadable(checked, col) {
		if arr, ok, err := f.readSelected(ctx, mem, rg, col, cc.MetaData.Codec, checked, rows); ok || err != nil {
			return arr, err
		}
	}
	var dec columnDecoder
	if asDict && dictDecodable(col) {
		dec = newDictStringDecoder(col, int(n), mem)
	} else {
		dec = newColumnDecoder(col, int(n), mem)
	}
	defer func() {
		if r := recover(); r != nil {
			err = f.chunkError(rg, col, fmt.Errorf("parquet-go or decoder panic: %v", r))
		}
		if err != nil {
			dec.release()
			arr = nil
		}
	}()

	if rd, ok := dec.(rawPageDecoder); ok && col.physical != format.ByteArray && rawReadable(checked, col) {
		if err := f.decodeRawPages(ctx, rd, cc.MetaData.Codec, checked, col.maxDef); err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			return nil, f.chunkError(rg, col, err)
		}
		if arr, err = dec.finish(); err != nil {
			return nil, f.chunkError(rg, col, err)
		}
		return arr, nil
	}
	chunk := f.file.RowGroups()[rg].ColumnChunks()[col.leaf]
	pages := chunk.Pages()
	defer pages.Close()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, f.chunkError(rg, col, err)
		}
		err = dec.decodePage(p)
		parquet.Release(p)
		if err != nil {
			return nil, f.chunkError(rg, col, err)
		}
	}
	arr, err = dec.finish()
	if err != nil {
		return nil, f.chunkError(rg, col, err)
	}
	return arr, nil
}

const maxInt32 = 1<<31 - 1

func (f *File) chunkError(rg int, col *parquetColumn, err error) error {
	var ce *core.Error
	if errors.As(err, &ce) && ce.Kind != core.KindInvalidInput {
		return err
	}
	return core.Errorf(core.KindInvalidInput, "%s: row group %d, column %q: corrupt or unreadable Parquet data: %v",
		f.path, rg, col.field.Name, err).With("path", f.path).With("column", col.field.Name)
}

// checkCodec refuses the compression codecs parquet-go does not decode
// correctly. Its LZ4_RAW decoder (v0.32.0) decompresses into a buffer of its
// own whenever the page buffer holds less than three times the compressed
// size, and the page then keeps the pooled buffer's stale bytes: pages
// compressed less than 3:1 decode to garbage, without an error. LZ4 (the
// deprecated Hadoop framing) and LZO it does not decode at all.
func checkCodec(codec format.CompressionCodec) error {
	switch codec {
	case format.Lz4Raw, format.Lz4, format.LZO:
		return fmt.Errorf("pages compressed with %s are not supported (parquet-go cannot decode them reliably); rewrite the file with snappy or zstd", codec)
	}
	return nil
}
