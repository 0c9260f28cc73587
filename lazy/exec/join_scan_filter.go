package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
)

// Runtime filters inside the scan. A chain of RuntimeFilter nodes directly
// over a scan of a source that reads chosen rows (parquet) becomes the
// first stages of the scan's late filter (scan_late.go): a piece's key
// columns are read alone first, tested against each join's filter, and the
// scan's own conjuncts and the other columns are then read only at the rows
// still kept. Without this the scan decoded every probe column at every row
// and the filter step gathered them all to the kept rows, before the join
// gathered them again (TPC-H Q9 keeps a few % of lineitem's rows).
//
// What holds: a row leaves the scan exactly when the filters, run as steps
// after the scan, would pass it: each filter keeps the rows its join may
// match (the same joinFilter.apply), and a filter switched off (or without
// a filter: a cross join, a build too large) keeps every row. The filters
// are known only once their joins' build sides are done: a piece's load
// first waits for them (hashJoin.prepare), as the filter step did.

// scanFilters is the chain of runtime filters over one scan.
type scanFilters struct {
	stages []scanFilterStage
	src    lazy.PartitionedSource
	// inScan is set when the scan applies the filters itself; else the
	// caller attaches their filter steps.
	inScan bool
}

// scanFilterStage is one runtime filter: its join and probe keys, and the
// columns the keys read (set when the scan plans its stages).
type scanFilterStage struct {
	join *hashJoin
	keys []lazy.Expr
	in   *arrow.Schema
}

// prepare waits for every join's build side.
func (sf *scanFilters) prepare() error {
	for _, st := range sf.stages {
		if err := st.join.prepare(); err != nil {
			return err
		}
	}
	return nil
}

// skip reports whether a piece can be left out: some filter's key ranges
// miss it by its statistics (an error preparing is left to the filter
// step or the load, which report it).
func (sf *scanFilters) skip(piece int) bool {
	if sf.prepare() != nil {
		return false
	}
	for _, st := range sf.stages {
		if f := st.join.filter; f != nil && !f.mayMatchPiece(st.keys, sf.src, piece) {
			return true
		}
	}
	return false
}

// plan makes p read its pieces through the filters and then the scan's own
// conjuncts (late stages); false, leaving p as it was, when the scan's
// predicate cannot be staged.
func (sf *scanFilters) plan(b *builder, p *pipeline, s *lazy.Scan, rr rowPieceReader, pieces []int, read *arrow.Schema, mem memory.Allocator) bool {
	var conj []lazy.Expr
	if s.Predicate != nil {
		conj = lazy.Conjuncts(s.Predicate)
	}
	var first []string
	seen := map[string]bool{}
	for i := range sf.stages {
		used := columnsOf(sf.stages[i].keys)
		sf.stages[i].in = lazy.SchemaOf(read, used)
		for _, name := range used {
			if !seen[name] {
				seen[name] = true
				first = append(first, name)
			}
		}
	}
	lf := planStages(conj, read, s.Schema(), first)
	if lf == nil {
		return false
	}
	work := b.mem
	p.load = func(ctx context.Context, i int) (arrow.RecordBatch, error) {
		return sf.load(ctx, rr, lf, mem, work, pieces[i])
	}
	p.schema = lf.out
	sf.inScan = true
	return true
}

// columnsOf lists the columns exprs read, each once, in order.
func columnsOf(exprs []lazy.Expr) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range exprs {
		for _, name := range lazy.ColumnsUsed(e) {
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// load reads piece: each filter on its key columns (read at the rows the
// filters before kept), then lf's stages and the output's other columns at
// the rows the filters kept (nil when no row is kept).
func (sf *scanFilters) load(ctx context.Context, rr rowPieceReader, lf *lateFilter, mem, work memory.Allocator, piece int) (arrow.RecordBatch, error) {
	if err := sf.prepare(); err != nil {
		return nil, err
	}
	if sf.skip(piece) {
		return nil, nil
	}
	held := map[string]arrow.Array{}
	handed := false
	defer func() {
		if !handed {
			for _, a := range held {
				a.Release()
			}
		}
	}()
	var rows []int32 // nil: all the piece's
	count := int(sf.src.PieceRows(piece))
	for _, st := range sf.stages {
		f := st.join.filter
		if f == nil || f.off.Load() {
			continue
		}
		if err := readHeld(ctx, sf.src, rr, mem, piece, missing(st.in.Fields(), held), rows, held); err != nil {
			return nil, err
		}
		cols := make([]arrow.Array, st.in.NumFields())
		for j, fd := range st.in.Fields() {
			cols[j] = held[fd.Name]
		}
		in := array.NewRecordBatch(st.in, cols, int64(count))
		ka, err := evalArrays(work, st.keys, in)
		in.Release()
		if err != nil {
			return nil, err
		}
		idx, err := f.apply(ka, count)
		releaseArrays(ka)
		if err != nil || len(idx) == 0 {
			return nil, err
		}
		if len(idx) == count {
			continue
		}
		if err := narrowHeld(work, idx, &rows, held); err != nil {
			return nil, err
		}
		count = len(idx)
	}
	// The key columns of filters that did not run.
	var rest []string
	for _, name := range lf.keepFirst {
		if held[name] == nil {
			rest = append(rest, name)
		}
	}
	if err := readHeld(ctx, sf.src, rr, mem, piece, rest, rows, held); err != nil {
		return nil, err
	}
	handed = true
	return lf.run(ctx, sf.src, rr, mem, work, piece, rows, count, held)
}

// missing lists the fields' names not held.
func missing(fields []arrow.Field, held map[string]arrow.Array) []string {
	var out []string
	for _, f := range fields {
		if held[f.Name] == nil {
			out = append(out, f.Name)
		}
	}
	return out
}

// readHeld reads the named columns of piece at rows (nil: all) into held.
func readHeld(ctx context.Context, src lazy.PartitionedSource, rr rowPieceReader, mem memory.Allocator, piece int,
	names []string, rows []int32, held map[string]arrow.Array) error {
	if len(names) == 0 {
		return nil
	}
	var rb arrow.RecordBatch
	var err error
	if rows == nil {
		rb, err = src.ReadPiece(ctx, mem, piece, names)
	} else {
		rb, err = rr.ReadPieceRows(ctx, mem, piece, names, rows)
	}
	if err != nil {
		return err
	}
	for j, name := range names {
		a := rb.Column(j)
		a.Retain()
		held[name] = a
	}
	rb.Release()
	return nil
}

// narrowHeld keeps the rows idx (positions among those held) in rows (the
// piece's positions, nil: all) and in the held columns.
func narrowHeld(mem memory.Allocator, idx []int32, rows *[]int32, held map[string]arrow.Array) error {
	next := make([]int32, len(idx))
	if *rows == nil {
		copy(next, idx)
	} else {
		for k, j := range idx {
			next[k] = (*rows)[j]
		}
	}
	*rows = next
	for name, a := range held {
		g, err := kernels.Gather(mem, a, idx)
		if err != nil {
			return err
		}
		a.Release()
		held[name] = g
	}
	return nil
}
