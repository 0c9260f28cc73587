package sqlexec

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
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
// read now and the delta's rows read now, so an UPDATE or DELETE, which
// moves the rows it changes out of the segments into the delta as it
// goes, never reads them a second time in a piece read after it wrote
// (nor misses rows), whatever order the pieces are read in. Reading the
// delta now also gives its exact row count (PieceRows), which a late
// filter needs before its first read; the delta is the small part of a
// columnar table (rows written after the load, until OPTIMIZE).
func (s *columnarSource) Pin(ctx context.Context, pieces []int, columns []string) (lazy.PartitionedSource, func(), error) {
	p := &pinnedColumnar{columnarSource: s, columns: columns}
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
		rdr, err := s.tableSource.Read(ctx, columns, nil)
		if err != nil {
			p.release()
			return nil, nil, err
		}
		p.delta, err = core.ReadAll(memory.DefaultAllocator, rdr)
		rdr.Release()
		if err != nil {
			p.release()
			return nil, nil, core.Errorf(core.KindOf(err), "reading the delta of %s: %v", s.name, err)
		}
		p.deltaRows = p.delta.NumRows()
	}
	return p, p.release, nil
}

// pinnedColumnar is a columnarSource pinned for one scan.
type pinnedColumnar struct {
	*columnarSource
	segments *storage.SegmentReader // nil: the scan reads no segment
	columns  []string               // the pinned columns
	mu       sync.Mutex
	// delta: the delta's rows (the pinned columns) as pinned; nil when the
	// scan reads no delta or a whole read took them (readDelta).
	delta     arrow.RecordBatch
	deltaRows int64
}

var _ interface {
	ReadPieceRows(ctx context.Context, mem memory.Allocator, i int, columns []string, rows []int32) (arrow.RecordBatch, error)
} = (*pinnedColumnar)(nil) // lazy/exec's rowPieceReader: scans with a filter materialize late

// PieceRows implements lazy.PartitionedSource: the rows ReadPiece returns
// (a segment's live rows as pinned, the delta's pinned rows), which a
// late filter relies on.
func (p *pinnedColumnar) PieceRows(i int) int64 {
	if i >= len(p.segs) {
		return p.deltaRows
	}
	if p.segments == nil {
		return p.segs[i].Rows
	}
	return p.segments.Live(p.segs[i])
}

// ReadPiece implements lazy.PartitionedSource. The chunks are fetched one
// goroutine at a time, then decoded in parallel.
func (p *pinnedColumnar) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	return p.ReadPieceRows(ctx, mem, i, columns, nil)
}

// ReadPieceRows reads the given rows of piece i only (strictly increasing
// positions among the rows ReadPiece returns; nil: all), as the executor's
// late filter asks (lazy/exec/scan_late.go): a segment's chunks are
// decoded at those rows only (SegmentData.DecodeRows).
func (p *pinnedColumnar) ReadPieceRows(ctx context.Context, mem memory.Allocator, i int, columns []string, rows []int32) (arrow.RecordBatch, error) {
	if i >= len(p.segs) {
		return p.readDelta(mem, columns, rows, true)
	}
	sd, err := p.readSegment(i, columns)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		return sd.Decode(mem)
	}
	return sd.DecodeRows(mem, rows)
}

// ReadPieceDict reads piece i with the string columns named in dict as
// dictionary arrays where their segment chunk is dictionary-encoded (as
// lazy/exec/scan_dict.go asks: a string filter then tests each distinct
// value once); the delta's come back plain.
func (p *pinnedColumnar) ReadPieceDict(ctx context.Context, mem memory.Allocator, i int, columns, dict []string) (arrow.RecordBatch, error) {
	if i >= len(p.segs) {
		return p.readDelta(mem, columns, nil, false)
	}
	sd, err := p.readSegment(i, columns)
	if err != nil {
		return nil, err
	}
	return sd.DecodeDict(mem, dict)
}

// readSegment reads the chunks of the named columns of segment i.
func (p *pinnedColumnar) readSegment(i int, columns []string) (*storage.SegmentData, error) {
	if p.segments == nil {
		return nil, core.Errorf(core.KindInternal, "sqlexec: segment %d of %s was not pinned", i, p.name)
	}
	var sd *storage.SegmentData
	err := p.use(func(*storage.Txn) error {
		var err error
		sd, err = p.segments.Read(p.segs[i], columns)
		return err
	})
	return sd, err
}

// readDelta reads the named columns of the pinned delta rows (at rows;
// nil: all). With take, a read of every pinned row and column (a scan
// without a late filter) takes the rows: the delta is then read, and a
// second read is an Internal error. Any other read leaves them for the
// reads after it (a late filter's first read is never of every column:
// planLateFilter; a dictionary filter's first read never takes them).
func (p *pinnedColumnar) readDelta(mem memory.Allocator, columns []string, rows []int32, take bool) (arrow.RecordBatch, error) {
	if columns == nil {
		columns = p.columns
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	all := p.delta
	if all == nil {
		return nil, core.Errorf(core.KindInternal, "sqlexec: the delta of %s was not pinned, or was read twice", p.name)
	}
	if take && rows == nil && slices.Equal(columns, p.columns) {
		p.delta = nil
		return all, nil
	}
	n := int(all.NumRows())
	for j, r := range rows {
		if r < 0 || int(r) >= n || (j > 0 && r <= rows[j-1]) {
			return nil, core.Errorf(core.KindInvalidInput, "sqlexec: row %d (position %d) is out of order or out of range: the delta of %s has %d rows",
				r, j, p.name, n)
		}
	}
	fields := make([]arrow.Field, len(columns))
	cols := make([]arrow.Array, len(columns))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for j, name := range columns {
		idx := all.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return nil, core.Errorf(core.KindInternal, "sqlexec: column %q of %s was not pinned", name, p.name)
		}
		fields[j] = all.Schema().Field(idx[0])
		c := all.Column(idx[0])
		if rows == nil {
			c.Retain()
			cols[j] = c
			continue
		}
		g, err := kernels.Gather(mem, c, rows)
		if err != nil {
			return nil, err
		}
		cols[j] = g
	}
	count := int64(n)
	if rows != nil {
		count = int64(len(rows))
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, count), nil
}

// release frees the segment reader and the delta's rows, if not taken.
func (p *pinnedColumnar) release() {
	if p.segments != nil {
		_ = p.use(func(*storage.Txn) error { p.segments.Release(); return nil })
		p.segments = nil
	}
	p.mu.Lock()
	rb := p.delta
	p.delta = nil
	p.mu.Unlock()
	if rb != nil {
		rb.Release()
	}
}
