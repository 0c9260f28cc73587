package exec

import (
	"context"
	"sync"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// keyedScan reads a stored table through the access path its source picks
// from the scan predicate (key ranges, an index). The source's reader is
// opened here, when the plan is built, before any operator runs: every
// stored table a statement reads is then read as it was before the
// statement wrote anything (an INSERT INTO t SELECT … FROM t, or a UNION
// of two reads of t, never meets its own rows). The reader then streams:
// the pipeline pulls its batches, cut into morsels, one worker at a time
// (the reader belongs to one transaction; the source itself reads a table
// scan ahead on all cores, storage.Txn.ScanParallel), and the filter and
// projection steps run on all cores, so a scan holds a bounded number of
// batches whatever the table's size.
func (b *builder) keyedScan(s *lazy.Scan, src lazy.KeyedSource) (Operator, error) {
	cols := lazy.ReadColumns(s)
	if len(cols) == 0 && src.Schema().NumFields() > 0 {
		// Counting rows (SELECT COUNT(*), SELECT 1 FROM t) still reads
		// rows: the narrowest way is one column, dropped below.
		cols = []string{src.Schema().Field(0).Name}
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = src.Schema().Field(src.Schema().FieldIndices(c)[0])
	}
	readSchema := arrow.NewSchema(fields, nil)
	ctx := b.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	rdr, err := src.Read(ctx, cols, s.Predicate)
	if err != nil {
		return nil, err
	}
	p := newPipeline(readSchema, nil, -1)
	var cur arrow.RecordBatch // the batch being cut into morsels
	var off int64
	p.pull = func(ctx context.Context) (arrow.RecordBatch, error) {
		for cur == nil || off >= cur.NumRows() {
			if cur != nil {
				cur.Release()
				cur = nil
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if !rdr.Next() {
				return nil, rdr.Err()
			}
			cur, off = rdr.RecordBatch(), 0
			cur.Retain()
		}
		m := cur.NewSlice(off, min(off+int64(MorselRows), cur.NumRows()))
		off += m.NumRows()
		return m, nil
	}
	var once sync.Once
	release := func() {
		once.Do(func() {
			if cur != nil {
				cur.Release()
				cur = nil
			}
			rdr.Release()
		})
	}
	// Run's closers release it when the operator is never closed (a later
	// part of the plan failed to build).
	b.closers = append(b.closers, release)
	p.onClose = release
	if s.Predicate != nil {
		p.then(b.filterFn(s.Predicate), readSchema)
	}
	if len(cols) != s.Schema().NumFields() {
		p.then(selectColumns(columnNames(s.Schema()), s.Schema()), s.Schema())
	}
	p.limit = s.Limit
	return p, nil
}
