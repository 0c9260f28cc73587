package parquet

import (
	"context"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
)

// Source is one or more Parquet files with one schema, read by row
// group: a lazy.PartitionedSource whose pieces are the files' row groups.
type Source struct {
	files  []*File
	names  []string
	schema *arrow.Schema
	pieces []piece
	rows   int64
}

type piece struct {
	file, rg int
	rows     int64
}

var _ lazy.PartitionedSource = (*Source)(nil)

// OpenSource opens files that must share one schema.
func OpenSource(paths []string) (*Source, error) {
	s := &Source{names: paths}
	for fi, p := range paths {
		f, err := Open(p)
		if err != nil {
			return nil, err
		}
		if s.schema == nil {
			s.schema = f.Schema()
		} else if !core.SameFields(s.schema, f.Schema()) {
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

// Name shows the scanned files in explain output.
func (s *Source) Name() string {
	base := filepath.Base(s.names[0])
	if len(s.names) > 1 {
		return "PARQUET [" + base + " +" + strconv.Itoa(len(s.names)-1) + " files]"
	}
	return "PARQUET [" + base + "]"
}

func (s *Source) Schema() *arrow.Schema { return s.schema }
func (s *Source) NumRows() int64        { return s.rows }
func (s *Source) NumPieces() int        { return len(s.pieces) }
func (s *Source) PieceRows(i int) int64 { return s.pieces[i].rows }

func (s *Source) columnIndices(names []string) []int {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = s.schema.FieldIndices(n)[0]
	}
	return idx
}

// ReadPiece reads the named columns of one row group.
func (s *Source) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	p := s.pieces[i]
	return s.files[p.file].ReadRowGroup(ctx, mem, p.rg, s.columnIndices(columns))
}

// PieceStats returns a row group's statistics for a column.
func (s *Source) PieceStats(i int, column string) (any, any, int64, bool) {
	p := s.pieces[i]
	idx := s.schema.FieldIndices(column)
	if len(idx) == 0 {
		return nil, nil, 0, false
	}
	return s.files[p.file].RowGroupStats(p.rg, idx[0])
}
