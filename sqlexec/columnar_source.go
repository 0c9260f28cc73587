package sqlexec

import (
	"context"
	"fmt"
	"sync"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// columnarSource is a columnar stored table as a plan reads it: a
// lazy.PartitionedSource whose pieces are the table's segments, then (when
// it has one) its delta. The executor reads the pieces in parallel with
// only the needed columns, and skips segments whose zone maps rule the
// scan predicate out (explain shows "ROW GROUPS read/total"). The segment
// list is the one of the transaction that built the plan; the delete
// markers and the delta are those of when the executor built the scan
// (Pin), so a statement never reads its own writes.
type columnarSource struct {
	*tableSource
	segs  []*storage.Segment
	delta bool
}

var _ lazy.PinnableSource = (*columnarSource)(nil)

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

// ReadPiece implements lazy.PartitionedSource: piece i, pinned alone.
func (s *columnarSource) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	p, release, err := s.Pin(ctx, []int{i}, columns)
	if err != nil {
		return nil, err
	}
	defer release()
	return p.ReadPiece(ctx, mem, i, columns)
}

// Pin implements lazy.PinnableSource: the segments' delete markers are
// read now and the delta's reader opened now, so an UPDATE or DELETE,
// which moves the rows it changes out of the segments into the delta as
// it goes, never reads them a second time in a piece read after it wrote
// (nor misses rows), whatever order the pieces are read in.
func (s *columnarSource) Pin(ctx context.Context, pieces []int, columns []string) (lazy.PartitionedSource, func(), error) {
	p := &pinnedColumnar{columnarSource: s}
	readsSegments, readsDelta := false, false
	for _, i := range pieces {
		readsSegments = readsSegments || i < len(s.segs)
		readsDelta = readsDelta || (s.delta && i == len(s.segs))
	}
	if readsSegments {
		err := s.use(func(txn *storage.Txn) error {
			var err error
			p.segments, err = txn.OpenSegments(s.name)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if readsDelta {
		var err error
		if p.delta, err = s.tableSource.Read(ctx, columns, nil); err != nil {
			p.release()
			return nil, nil, err
		}
	}
	return p, p.release, nil
}

// pinnedColumnar is a columnarSource pinned for one scan.
type pinnedColumnar struct {
	*columnarSource
	segments *storage.SegmentReader // nil: the scan reads no segment
	mu       sync.Mutex
	delta    array.RecordReader // nil: the scan reads no delta, or read it
}

// ReadPiece implements lazy.PartitionedSource. The chunks are fetched one
// goroutine at a time, then decoded in parallel.
func (p *pinnedColumnar) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	if i >= len(p.segs) {
		return p.readDelta(mem)
	}
	if p.segments == nil {
		return nil, core.Errorf(core.KindInternal, "sqlexec: segment %d of %s was not pinned", i, p.name)
	}
	var sd *storage.SegmentData
	err := p.use(func(*storage.Txn) error {
		var err error
		sd, err = p.segments.Read(p.segs[i], columns)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sd.Decode(mem)
}

// readDelta reads the delta rows as one batch, once.
func (p *pinnedColumnar) readDelta(mem memory.Allocator) (arrow.RecordBatch, error) {
	p.mu.Lock()
	rdr := p.delta
	p.delta = nil
	p.mu.Unlock()
	if rdr == nil {
		return nil, core.Errorf(core.KindInternal, "sqlexec: the delta of %s was not pinned, or was read twice", p.name)
	}
	defer rdr.Release()
	rb, err := core.ReadAll(mem, rdr)
	if err != nil {
		return nil, core.Errorf(core.KindOf(err), "reading the delta of %s: %v", p.name, err)
	}
	return rb, nil
}

// release frees the segment reader and the delta's reader, if unread.
func (p *pinnedColumnar) release() {
	if p.segments != nil {
		_ = p.use(func(*storage.Txn) error { p.segments.Release(); return nil })
		p.segments = nil
	}
	p.mu.Lock()
	rdr := p.delta
	p.delta = nil
	p.mu.Unlock()
	if rdr != nil {
		rdr.Release()
	}
}
