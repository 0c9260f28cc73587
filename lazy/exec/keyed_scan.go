package exec

import (
	"context"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// keyedScan reads a stored table through the access path its source picks
// from the scan predicate (key ranges, an index). The source's reader is
// drained once, before the first morsel, into the pipeline's morsels: the
// reader belongs to one transaction, which one call uses at a time (the
// source itself splits a table scan over the cores, storage.Txn.ScanAll),
// while the filter and projection steps then run on all cores.
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
	p := newPipeline(readSchema, nil, -1)
	p.prepare = func(ctx context.Context) error {
		rdr, err := src.Read(ctx, cols, s.Predicate)
		if err != nil {
			return err
		}
		defer rdr.Release()
		for rdr.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			rb := rdr.RecordBatch()
			if rb.NumRows() == 0 {
				continue
			}
			for off := int64(0); off < rb.NumRows(); off += int64(MorselRows) {
				p.morsels = append(p.morsels, rb.NewSlice(off, min(off+int64(MorselRows), rb.NumRows())))
			}
		}
		return rdr.Err()
	}
	if s.Predicate != nil {
		p.then(b.filterFn(s.Predicate), readSchema)
	}
	if len(cols) != s.Schema().NumFields() {
		p.then(selectColumns(columnNames(s.Schema()), s.Schema()), s.Schema())
	}
	p.limit = s.Limit
	return p, nil
}
