package dataframe

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Opener opens the files named by file scans in plans (lazy.Opener).
type Opener struct{}

var _ lazy.Opener = Opener{}

// Open implements lazy.Opener for "parquet" and "csv" (a file, a glob or a
// directory; the CSV options are those of csvOptionsFrom).
func (Opener) Open(kind, path string, opts map[string]any) (lazy.Source, error) {
	switch kind {
	case "parquet":
		files, err := expandPaths(path, ".parquet")
		if err != nil {
			return nil, err
		}
		return OpenParquetSource(files)
	case "csv":
		o, err := csvOptionsFrom(opts)
		if err != nil {
			return nil, err
		}
		files, err := expandPaths(path, ".csv")
		if err != nil {
			return nil, err
		}
		return OpenCSVSource(files, o)
	}
	return nil, core.Errorf(core.KindNotSupported, "scanning %s files is not supported yet", kind)
}

// expandPaths turns a file, a directory (its files with ext, recursively)
// or a glob into a sorted list of files.
func expandPaths(path, ext string) ([]string, error) {
	if strings.ContainsAny(path, "*?[") {
		files, err := filepath.Glob(path)
		if err != nil {
			return nil, core.Errorf(core.KindInvalidInput, "bad glob pattern %q: %v", path, err)
		}
		if len(files) == 0 {
			return nil, core.Errorf(core.KindFileNotFound, "no files match %q", path)
		}
		sort.Strings(files)
		return files, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, core.Errorf(core.KindFileNotFound, "no such file or directory: %s", path)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ext) && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "reading directory %s: %v", path, err)
	}
	if len(files) == 0 {
		return nil, core.Errorf(core.KindFileNotFound, "no %s files in directory %s", ext, path)
	}
	sort.Strings(files)
	return files, nil
}

// ParquetSource is one or more Parquet files with one schema, read by row
// group: a lazy.PartitionedSource whose pieces are the files' row groups.
type ParquetSource struct {
	files  []*ParquetFile
	names  []string
	schema *arrow.Schema
	pieces []piece
	rows   int64
}

type piece struct {
	file, rg int
	rows     int64
}

var _ lazy.PartitionedSource = (*ParquetSource)(nil)

// OpenParquetSource opens files that must share one schema.
func OpenParquetSource(paths []string) (*ParquetSource, error) {
	s := &ParquetSource{names: paths}
	for fi, p := range paths {
		f, err := OpenParquet(p)
		if err != nil {
			return nil, err
		}
		if s.schema == nil {
			s.schema = f.Schema()
		} else if !sameColumns(s.schema, f.Schema()) {
			return nil, core.Errorf(core.KindSchema, "%s has schema %s, but %s has %s; files scanned together must share a schema",
				p, f.Schema(), paths[0], s.schema)
		}
		s.files = append(s.files, f)
		for rg := range f.NumRowGroups() {
			n := f.RowGroupRows(rg)
			s.pieces = append(s.pieces, piece{fi, rg, n})
			s.rows += n
		}
	}
	return s, nil
}

func sameColumns(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		if a.Field(i).Name != b.Field(i).Name || !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}

// Name shows the scanned files in explain output.
func (s *ParquetSource) Name() string {
	base := filepath.Base(s.names[0])
	if len(s.names) > 1 {
		return "PARQUET [" + base + " +" + strconv.Itoa(len(s.names)-1) + " files]"
	}
	return "PARQUET [" + base + "]"
}

func (s *ParquetSource) Schema() *arrow.Schema { return s.schema }
func (s *ParquetSource) NumRows() int64        { return s.rows }
func (s *ParquetSource) NumPieces() int        { return len(s.pieces) }
func (s *ParquetSource) PieceRows(i int) int64 { return s.pieces[i].rows }

func (s *ParquetSource) columnIndices(names []string) []int {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = s.schema.FieldIndices(n)[0]
	}
	return idx
}

// ReadPiece reads the named columns of one row group.
func (s *ParquetSource) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	p := s.pieces[i]
	return s.files[p.file].ReadRowGroup(ctx, mem, p.rg, s.columnIndices(columns))
}

// PieceStats returns a row group's statistics for a column.
func (s *ParquetSource) PieceStats(i int, column string) (any, any, int64, bool) {
	p := s.pieces[i]
	idx := s.schema.FieldIndices(column)
	if len(idx) == 0 {
		return nil, nil, 0, false
	}
	return s.files[p.file].RowGroupStats(p.rg, idx[0])
}
