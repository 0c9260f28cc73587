package csv

// CSV reading: a lazy.PartitionedSource over one or more CSV files, split
// into byte ranges that are parsed in parallel.
//
// Why not arrow-go's csv.Reader: it sits on encoding/csv, which fixes the
// quote character to '"', cannot tell a quoted empty field ("" is an empty
// string in Polars) from a missing one (null), skips empty lines (Polars
// reads them as rows of nulls), and arrow-go reports unparsable values
// without their line and panics when the first record of a piece has extra
// fields. Matching Polars' read_csv and naming the line of every error needs
// a tokenizer of our own; the columns are still built with arrow-go's
// builders.
//
// Splitting. A file's data (after skipped lines and the header) is cut into
// raw ranges [o_j, o_j+1) of about the same size, without reading it. The
// records of piece j are those that start in (o_j, o_j+1] (the first piece
// also takes the one at the data start). To find its first record, piece j
// must know whether o_j lies inside a quoted field: that is the parity of
// the quote characters in [dataStart, o_j), because in a well-formed file a
// quote opens, escapes ("" toggles twice) or closes a quoted field (a quote
// inside an unquoted field is an error). Each piece counts the quotes of its
// own raw range as soon as it has read it and publishes the parity; piece j
// then waits for the parities of the ranges before it (pieces are claimed in
// order, so those are being read already, and a missing one is computed on
// the spot). With that, splitting is exact even when quoted fields span
// lines, and every piece is still read and parsed in parallel.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
)

// Source is one or more CSV files with one header, read by byte ranges:
// a lazy.PartitionedSource. It holds no open file: pieces open the file
// they read. Safe for concurrent use.
type Source struct {
	opts   Options
	schema *arrow.Schema
	// recordBytes is the mean length of the sampled records, to size the
	// columns of a piece before reading it.
	recordBytes float64
	files       []*csvFile
	pieces      []csvPiece
}

type csvPiece struct{ file, rng int }

// csvFile is one file of a Source.
type csvFile struct {
	path      string
	size      int64
	dataStart int64 // offset of the first data record
	nfields   int   // fields per record (the header's, or the first record's)
	names     []string
	splits    []int64 // raw ranges: [splits[j], splits[j+1]); splits[0] = dataStart
	parity    []quoteParity
}

// quoteParity is whether a raw range holds an odd number of quote
// characters, computed once by whichever piece needs it first.
type quoteParity struct {
	once sync.Once
	odd  bool
	err  error
}

var _ lazy.PartitionedSource = (*Source)(nil)

// OpenSource reads the header (and, for the first file, the records
// types are inferred from) of files that must share one header.
func OpenSource(paths []string, opts Options) (*Source, error) {
	s := &Source{opts: opts}
	var total int64
	for i, p := range paths {
		f, sample, err := openCSVFile(p, opts, i == 0)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if s.schema, err = csvSchema(f, sample.records, opts); err != nil {
				return nil, err
			}
			if n := len(sample.records); n > 0 {
				s.recordBytes = float64(sample.bytes) / float64(n)
			}
		} else if !slices.Equal(f.names, s.files[0].names) {
			return nil, core.Errorf(core.KindSchema, "%s has columns %v, but %s has %v; files scanned together must share a header",
				p, f.names, paths[0], s.files[0].names).With("path", p)
		}
		s.files = append(s.files, f)
		total += f.size - f.dataStart
	}
	size := pieceBytes(total, s.recordBytes)
	for fi, f := range s.files {
		data := f.size - f.dataStart
		n := max(1, (data+size-1)/size)
		f.splits = make([]int64, n+1)
		for j := range n + 1 {
			f.splits[j] = f.dataStart + data*j/n
		}
		f.parity = make([]quoteParity, n)
		for j := range n {
			s.pieces = append(s.pieces, csvPiece{fi, int(j)})
		}
	}
	return s, nil
}

// openCSVFile reads a file's head: it skips SkipLines lines and SkipRows
// records and reads the
// header. For the first file it also returns the sample of records types
// are inferred from (as strings with their quoting).
func openCSVFile(path string, opts Options, first bool) (*csvFile, csvSample, error) {
	var sample csvSample
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, sample, core.Errorf(core.KindFileNotFound, "no such file: %s", path).With("path", path)
		}
		return nil, sample, core.Errorf(core.KindInvalidInput, "cannot open %s: %v", path, err).With("path", path)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, sample, core.Errorf(core.KindInvalidInput, "cannot read %s: %v", path, err).With("path", path)
	}
	if st.IsDir() {
		return nil, sample, core.Errorf(core.KindInvalidInput, "%s is a directory, not a CSV file", path).With("path", path)
	}
	f := &csvFile{path: path, size: st.Size()}
	sc := newCSVScanner(fh, path, f.size, opts, 0, 64<<10)
	if err := sc.fill(); err != nil {
		return nil, sample, err
	}
	if bytes.HasPrefix(sc.buf, []byte("\xef\xbb\xbf")) {
		sc.pos = 3
	}
	for range opts.SkipLines {
		if err := sc.skipLine(); err != nil {
			return nil, sample, err
		}
	}
	for range opts.SkipRows {
		if _, err := sc.next(); err != nil {
			return nil, sample, err
		}
	}
	if sc.offset() >= f.size {
		return nil, sample, core.Errorf(core.KindInvalidInput, "%s is an empty CSV file (no header and no data)", path).With("path", path)
	}
	if opts.HasHeader {
		ok, err := sc.next()
		if err != nil {
			return nil, sample, err
		}
		if !ok {
			return nil, sample, core.Errorf(core.KindInvalidInput, "%s is an empty CSV file (no header and no data)", path).With("path", path)
		}
		raw := make([]string, len(sc.fields))
		for i := range sc.fields {
			v := sc.value(&sc.fields[i])
			if !utf8.Valid(v) {
				if !opts.LossyUTF8 {
					return nil, sample, sc.errorAt(sc.recStart, "the header is not valid UTF-8 (pass encoding=\"utf8-lossy\" to replace invalid bytes)")
				}
				raw[i] = strings.ToValidUTF8(string(v), "\uFFFD")
				continue
			}
			raw[i] = string(v)
		}
		f.names = dedupeNames(raw)
		f.nfields = len(raw)
	}
	f.dataStart = sc.offset()
	if !first && opts.HasHeader {
		return f, sample, nil
	}
	// The sample: the first record fixes the field count without a header.
	limit := opts.InferRows
	if opts.Schema != nil || limit == 0 || !first {
		limit = 1
	}
	for limit < 0 || len(sample.records) < limit {
		ok, err := sc.next()
		if err != nil {
			return nil, sample, err
		}
		if !ok {
			break
		}
		if f.nfields == 0 {
			f.nfields = len(sc.fields)
		}
		if len(sc.fields) > f.nfields {
			return nil, sample, sc.tooManyFields(f.nfields, opts.HasHeader)
		}
		rec := make([]csvValue, len(sc.fields))
		for i := range sc.fields {
			rec[i] = csvValue{string(sc.value(&sc.fields[i])), sc.fields[i].quoted}
		}
		sample.records = append(sample.records, rec)
		sample.bytes = sc.offset() - f.dataStart
	}
	if !opts.HasHeader {
		if opts.Schema != nil {
			f.nfields = opts.Schema.NumFields()
		}
		f.names = make([]string, f.nfields)
		for i := range f.names {
			f.names[i] = "column_" + strconv.Itoa(i)
			if opts.Schema != nil {
				f.names[i] = opts.Schema.Field(i).Name
			}
		}
	}
	return f, sample, nil
}

// dedupeNames renames repeated header names as Polars does: a, a_duplicated_0, ...
func dedupeNames(names []string) []string {
	// Sized once: growing a map to a wide header's 300k names rehashes it
	// over and over, garbage that adds to the peak of a wide read.
	seen := make(map[string]int, len(names))
	out := make([]string, len(names))
	for i, n := range names {
		if k, ok := seen[n]; ok {
			out[i] = n + "_duplicated_" + strconv.Itoa(k)
			seen[n] = k + 1
			continue
		}
		seen[n] = 0
		out[i] = n
	}
	return out
}

// Name shows the scanned files in explain output.
func (s *Source) Name() string {
	base := filepath.Base(s.files[0].path)
	if len(s.files) > 1 {
		return "CSV [" + base + " +" + strconv.Itoa(len(s.files)-1) + " files]"
	}
	return "CSV [" + base + "]"
}

// Schema returns the columns' names and types.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// NumRows is -1: the row count of a CSV file is not known before reading it.
func (s *Source) NumRows() int64 { return -1 }

// NumPieces returns the number of byte ranges the files are split into.
func (s *Source) NumPieces() int { return len(s.pieces) }

// PieceRows is -1: unknown before reading.
func (s *Source) PieceRows(i int) int64 { return -1 }

// PieceStats reports no statistics: CSV files have none.
func (s *Source) PieceStats(i int, column string) (any, any, int64, bool) {
	return nil, nil, 0, false
}

// parityBefore reports whether the raw ranges before rng of f hold an odd
// number of quotes, computing the ranges no piece has counted yet.
func (f *csvFile) parityBefore(fh *os.File, quote byte, rng int) (bool, error) {
	odd := false
	for j := range rng {
		p, err := f.rangeParity(fh, quote, j, nil)
		if err != nil {
			return false, err
		}
		odd = odd != p
	}
	return odd, nil
}

// rangeParity counts the quotes of raw range j once; data, when not nil,
// holds the range's bytes.
func (f *csvFile) rangeParity(fh *os.File, quote byte, j int, data []byte) (bool, error) {
	q := &f.parity[j]
	q.once.Do(func() {
		if data == nil {
			data = make([]byte, f.splits[j+1]-f.splits[j])
			if _, err := fh.ReadAt(data, f.splits[j]); err != nil {
				q.err = core.Errorf(core.KindInvalidInput, "reading %s: %v (did the file change while it was read?)", f.path, err).With("path", f.path)
				return
			}
		}
		q.odd = bytes.Count(data, []byte{quote})%2 == 1
	})
	return q.odd, q.err
}

// ReadPiece parses the records of one byte range into the named columns.
func (s *Source) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	p := s.pieces[i]
	f := s.files[p.file]
	fh, err := os.Open(f.path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, core.Errorf(core.KindFileNotFound, "no such file: %s", f.path).With("path", f.path)
		}
		return nil, core.Errorf(core.KindInvalidInput, "cannot open %s: %v", f.path, err).With("path", f.path)
	}
	defer fh.Close()

	lo, hi := f.splits[p.rng], f.splits[p.rng+1]
	last := p.rng == len(f.splits)-2
	sc := newCSVScanner(fh, f.path, f.size, s.opts, lo, int(hi-lo)+csvReadAhead)
	// Sized once: growing by appends to a wide record's field count costs
	// twice its size in garbage for every piece.
	sc.fields = make([]csvField, 0, f.nfields)
	if bp, ok := pieceBuffers.Get().(*[]byte); ok {
		sc.buf = (*bp)[:0]
	}
	defer func() {
		b := sc.buf[:0]
		pieceBuffers.Put(&b)
	}()
	if err := sc.fill(); err != nil {
		return nil, err
	}
	if q := s.opts.Quote; q != 0 {
		n := min(int(hi-lo), len(sc.buf))
		if _, err := f.rangeParity(fh, q, p.rng, sc.buf[:n]); err != nil {
			return nil, err
		}
	}
	if p.rng > 0 {
		inQuote := false
		if s.opts.Quote != 0 {
			if inQuote, err = f.parityBefore(fh, s.opts.Quote, p.rng); err != nil {
				return nil, err
			}
		}
		if err := sc.seekRecord(inQuote); err != nil {
			return nil, err
		}
	}

	cols := make([]*csvColumn, len(columns))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.release()
			}
		}
	}()
	fieldOf, schema, err := s.readSchema(columns)
	if err != nil {
		return nil, err
	}
	for k := range columns {
		if cols[k], err = newCSVColumn(mem, schema.Field(k).Type, s.opts.LossyUTF8); err != nil {
			return nil, err
		}
	}
	if s.recordBytes > 0 {
		// Sized to the records expected, with little slack: a file of a
		// few very wide records would otherwise reserve rows it never
		// fills in every one of its columns.
		est := int(float64(hi-lo)/s.recordBytes*1.1) + 1
		for _, c := range cols {
			c.reserve(min(est, 1<<24))
		}
	}
	rows := 0
	for {
		if !last && sc.offset() > hi {
			break
		}
		if rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		ok, err := sc.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if len(sc.fields) > f.nfields {
			return nil, sc.tooManyFields(f.nfields, s.opts.HasHeader)
		}
		if !s.opts.LossyUTF8 {
			if rec := sc.buf[sc.recStart-sc.base : sc.pos]; !utf8.Valid(rec) {
				bad := sc.recStart + int64(core.FirstInvalidUTF8(rec))
				return nil, sc.errorAt(bad, "invalid UTF-8 (pass encoding=\"utf8-lossy\" to replace invalid bytes)")
			}
		}
		for k, c := range cols {
			fi := fieldOf[k]
			if fi >= len(sc.fields) {
				c.appendNull()
				continue
			}
			fld := &sc.fields[fi]
			v := sc.value(fld)
			if (len(v) == 0 && (!fld.quoted || !c.str)) || isNullValue(unsafeString(v), s.opts.NullValues) {
				c.appendNull()
				continue
			}
			if !c.parse(v) {
				return nil, sc.errorAt(sc.recStart, fmt.Sprintf("could not parse %q as %s in column %q (pass schema_overrides={%q: String} to read the column as text, or raise infer_schema_length)",
					truncateForError(v), core.DTypeName(schema.Field(k).Type), schema.Field(k).Name, schema.Field(k).Name))
			}
		}
		rows++
	}
	arrs := make([]arrow.Array, len(cols))
	for k, c := range cols {
		arrs[k] = c.newArray()
	}
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	return array.NewRecordBatch(schema, arrs, int64(rows)), nil
}

// readSchema is the schema of the batches that read columns (the source's
// own when they are all its columns in order), and the index of each in
// the file's fields.
func (s *Source) readSchema(columns []string) ([]int, *arrow.Schema, error) {
	fieldOf := make([]int, len(columns))
	for k, name := range columns {
		if k < s.schema.NumFields() && s.schema.Field(k).Name == name {
			fieldOf[k] = k
			continue
		}
		idx := s.schema.FieldIndices(name)
		if len(idx) == 0 {
			return nil, nil, core.Errorf(core.KindColumnNotFound, "column %q is not in %s", name, s.Name())
		}
		fieldOf[k] = idx[0]
	}
	return fieldOf, lazy.SchemaOf(s.schema, columns), nil
}

func truncateForError(v []byte) string {
	if len(v) > 60 {
		return string(v[:57]) + "..."
	}
	return string(v)
}

func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
func unsafeBytes(s string) []byte  { return unsafe.Slice(unsafe.StringData(s), len(s)) }
