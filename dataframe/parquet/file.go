package parquet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/parquet-go/parquet-go"

	"github.com/alopexdb/alopex/core"
)

// File is one open Parquet file: its footer is decoded, its columns
// are mapped to Arrow types, and its row groups can be read one at a time
// (ReadRowGroup) or all together (ReadRowGroups) into Arrow record batches.
//
// A File is safe for concurrent use by several goroutines: every read
// opens its own page readers over the shared file descriptor (pread). Close
// must not run concurrently with reads.
//
// Schema lists every top-level field of the file, in file order, so that
// column indices of the reading methods are the file's field positions.
// Fields alopex cannot read (nested groups, lists, maps, repeated fields,
// INTERVAL and other types without an Arrow mapping) are listed with the
// placeholder type arrow.Null and the metadata key UnsupportedParquetColumnKey;
// reading one returns an error of kind core.KindNotSupported.
type File struct {
	path   string
	size   int64
	osFile *os.File
	file   *parquet.File
	cols   []parquetColumn
	schema *arrow.Schema
}

// Open opens the Parquet file at path and decodes its footer. Page
// data is read only by ReadRowGroup. A missing file is an error of kind
// core.KindFileNotFound; a file that is not Parquet, is truncated or has a
// corrupt footer is core.KindInvalidInput. Close releases the file.
func Open(path string) (pf *File, err error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, core.Errorf(core.KindFileNotFound, "no such file: %s", path).With("path", path)
		}
		return nil, core.Errorf(core.KindInvalidInput, "cannot open %s: %v", path, err).With("path", path)
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "cannot open %s: %v", path, err).With("path", path)
	}
	if st.IsDir() {
		return nil, core.Errorf(core.KindInvalidInput, "%s is a directory, not a Parquet file", path).With("path", path)
	}
	if err := checkFooter(f, st.Size()); err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "%s is not a valid Parquet file: %v", path, err).With("path", path)
	}
	file, err := openParquetFile(f, st.Size())
	if err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "%s is not a valid Parquet file: %v", path, err).With("path", path)
	}
	md := file.Metadata()
	cols, err := parquetColumns(md.Schema)
	if err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "%s is not a valid Parquet file: %v", path, err).With("path", path)
	}
	for i, rg := range md.RowGroups {
		// Readers index the chunks by leaf position: a footer with fewer
		// chunks than the schema has leaves is corrupt.
		for _, c := range cols {
			if c.leaf >= len(rg.Columns) {
				return nil, core.Errorf(core.KindInvalidInput, "%s is not a valid Parquet file: row group %d has %d column chunks, fewer than the schema's columns",
					path, i, len(rg.Columns)).With("path", path)
			}
		}
		if rg.NumRows < 0 {
			return nil, core.Errorf(core.KindInvalidInput, "%s is not a valid Parquet file: row group %d has %d rows", path, i, rg.NumRows).With("path", path)
		}
	}
	if err := checkLeafKinds(file, cols); err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "%s is not a valid Parquet file: %v", path, err).With("path", path)
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = c.field
	}
	return &File{path: path, size: st.Size(), osFile: f, file: file, cols: cols, schema: arrow.NewSchema(fields, nil)}, nil
}

// openParquetFile runs parquet-go's footer decoding, which panics on some
// corrupt footers rather than returning an error.
func openParquetFile(f *os.File, size int64) (file *parquet.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, fmt.Errorf("corrupt footer (%v)", r)
		}
	}()
	// The page index and bloom filters are not used: skipping them keeps
	// opening to one read of the footer.
	return parquet.OpenFile(f, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.ReadBufferSize(64<<10))
}

// checkLeafKinds makes sure parquet-go decodes each readable column with the
// physical type our decoders expect: it maps logical types it does not know
// to a type of its own, whose pages we could not read.
func checkLeafKinds(file *parquet.File, cols []parquetColumn) error {
	top := file.Root().Columns()
	if len(top) != len(cols) {
		return fmt.Errorf("the schema has %d top-level fields, parquet-go sees %d", len(cols), len(top))
	}
	for i := range cols {
		c := &cols[i]
		if c.unsupported != "" || c.decoding == decodeNull {
			continue
		}
		leaf := top[i]
		if !leaf.Leaf() || leaf.Index() != c.leaf {
			return fmt.Errorf("column %q is not leaf %d", c.field.Name, c.leaf)
		}
		// parquet.Kind values are format.Type values.
		if t := leaf.Type(); t == nil || t.Kind() != parquet.Kind(c.physical) {
			*c = placeholder(c.field.Name, "Parquet column of a type parquet-go cannot decode")
		}
	}
	return nil
}

// Close closes the file. Record batches already read stay valid.
func (f *File) Close() error {
	if f.osFile == nil {
		return nil
	}
	err := f.osFile.Close()
	f.osFile = nil
	return err
}

// Path returns the path the file was opened from.
func (f *File) Path() string { return f.path }

// Schema returns the Arrow schema of the file's top-level fields (see
// File for how unreadable fields are shown). Strings are always utf8
// with int32 offsets, whatever an embedded ARROW:schema says.
func (f *File) Schema() *arrow.Schema { return f.schema }

// NumRowGroups returns the number of row groups.
func (f *File) NumRowGroups() int { return len(f.file.Metadata().RowGroups) }

// RowGroupRows returns the number of rows of row group i.
func (f *File) RowGroupRows(i int) int64 { return f.file.Metadata().RowGroups[i].NumRows }

// NumRows returns the number of rows of the file.
func (f *File) NumRows() int64 {
	var n int64
	for _, rg := range f.file.Metadata().RowGroups {
		n += rg.NumRows
	}
	return n
}
