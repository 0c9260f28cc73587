package sqlexec

import (
	"context"
	"fmt"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// columnarSource is a columnar stored table as a plan reads it: a
// lazy.PartitionedSource whose pieces are the table's segments, then (when
// it has one) its delta. The executor reads the pieces in parallel with
// only the needed columns, and skips segments whose zone maps rule the
// scan predicate out (explain shows "ROW GROUPS read/total"). The segment
// list is the one of the transaction that built the plan.
type columnarSource struct {
	*tableSource
	segs  []*storage.Segment
	delta bool
}

var _ lazy.PartitionedSource = (*columnarSource)(nil)

// newColumnarSource lists the segments of the columnar table base reads.
func newColumnarSource(txn *storage.Txn, base *tableSource) (*columnarSource, error) {
	s := &columnarSource{tableSource: base}
	var err error
	if s.segs, err = txn.Segments(base.name); err != nil {
		return nil, err
	}
	if s.delta, err = txn.HasDelta(base.name); err != nil {
		return nil, err
	}
	return s, nil
}

// tableSourceOf is the stored-table source under a scan's source.
func tableSourceOf(src lazy.Source) *tableSource {
	if c, ok := src.(*columnarSource); ok {
		return c.tableSource
	}
	return src.(*tableSource)
}

// Access implements lazy.KeyedSource for explain.
func (s *columnarSource) Access(lazy.Expr) string {
	delta := ""
	if s.delta {
		delta = " + DELTA"
	}
	return fmt.Sprintf("COLUMNAR SCAN %s (%d SEGMENTS%s)", s.name, len(s.segs), delta)
}

// NumRows counts the segments' rows (deleted ones too) and the delta's.
func (s *columnarSource) NumRows() int64 {
	var n int64
	for _, sg := range s.segs {
		n += sg.Rows
	}
	if s.delta {
		n += s.tableSource.NumRows()
	}
	return n
}

// NumPieces implements lazy.PartitionedSource.
func (s *columnarSource) NumPieces() int {
	if s.delta {
		return len(s.segs) + 1
	}
	return len(s.segs)
}

// PieceRows implements lazy.PartitionedSource.
func (s *columnarSource) PieceRows(i int) int64 {
	if i < len(s.segs) {
		return s.segs[i].Rows
	}
	return s.tableSource.NumRows()
}

// PieceStats implements lazy.PartitionedSource: a segment's zone maps; the
// delta has none.
func (s *columnarSource) PieceStats(i int, column string) (any, any, int64, bool) {
	if i < len(s.segs) {
		return s.segs[i].Stats(column)
	}
	return nil, nil, 0, false
}

// ReadPiece implements lazy.PartitionedSource. The chunks are fetched with
// the transaction (one goroutine at a time), then decoded without it, so
// pieces decode in parallel.
func (s *columnarSource) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	if i >= len(s.segs) {
		return s.readDelta(ctx, mem, columns)
	}
	var sd *storage.SegmentData
	err := s.use(func(txn *storage.Txn) error {
		var err error
		sd, err = txn.ReadSegment(s.segs[i], columns)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sd.Decode(mem)
}

// readDelta reads the delta rows as one batch.
func (s *columnarSource) readDelta(ctx context.Context, mem memory.Allocator, columns []string) (arrow.RecordBatch, error) {
	rdr, err := s.tableSource.Read(ctx, columns, nil)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	rb, err := core.ReadAll(mem, rdr)
	if err != nil {
		return nil, core.Errorf(core.KindOf(err), "reading the delta of %s: %v", s.name, err)
	}
	return rb, nil
}
