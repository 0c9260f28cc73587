package exec

import (
	"context"
	"slices"

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

// plan makes p read its pieces through the filters and the scan's own
// conjuncts (late stages) before the output's other columns; false,
// leaving p as it was, when the scan's predicate cannot be staged. A
// filter on one integer key (a range and bit test a row, as cheap as a
// comparison, and usually the most selective test: a join's keys) runs
// before the conjuncts; the others, which hash several or string keys a
// row, run after them, on the rows the conjuncts keep (TPC-H Q20's date
// range keeps 15% of lineitem, its two-key filter tests the rest).
func (sf *scanFilters) plan(b *builder, p *pipeline, s *lazy.Scan, rr rowPieceReader, pieces []int, read *arrow.Schema, mem memory.Allocator) bool {
	var conj []lazy.Expr
	if s.Predicate != nil {
		conj = lazy.Conjuncts(s.Predicate)
	}
	var early, late []scanFilterStage
	var first []string // the early filters' key columns
	lateCol := map[string]bool{}
	for _, st := range sf.stages {
		used := columnsOf(st.keys)
		st.in = lazy.SchemaOf(read, used)
		if len(st.keys) == 1 && intKeyable(st.keys[0].DataType()) {
			early = append(early, st)
			for _, name := range used {
				if !slices.Contains(first, name) {
					first = append(first, name)
				}
			}
			continue
		}
		late = append(late, st)
		for _, name := range used {
			lateCol[name] = true
		}
	}
	lf := planStages(conj, read, s.Schema(), first)
	if lf == nil {
		return false
	}
	work := b.mem
	if len(late) > 0 {
		// The late filters read their key columns (output columns)
		// themselves.
		lf.last = slices.DeleteFunc(lf.last, func(name string) bool { return lateCol[name] })
		lf.then = func(ctx context.Context, piece int, rows []int32, count int, held map[string]arrow.Array) ([]int32, int, error) {
			return sf.filter(ctx, late, rr, mem, work, piece, rows, count, held, lateCol)
		}
	}
	firstCol := map[string]bool{}
	for _, name := range first {
		firstCol[name] = true
	}
	p.load = func(ctx context.Context, i int) (arrow.RecordBatch, error) {
		if err := sf.prepare(); err != nil {
			return nil, err
		}
		piece := pieces[i]
		if sf.skip(piece) {
			return nil, nil
		}
		held := map[string]arrow.Array{}
		rows, count, err := sf.filter(ctx, early, rr, mem, work, piece, nil, int(sf.src.PieceRows(piece)), held, firstCol)
		if err != nil || count == 0 {
			for _, a := range held {
				a.Release()
			}
			return nil, err
		}
		return lf.run(ctx, sf.src, rr, mem, work, piece, rows, count, held) // (run releases held)
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

// filter runs the filters stages on the count rows of piece (rows, nil:
// all) held, each reading its key columns at the rows the ones before
// kept, and returns the rows kept; every column of keyCol is then held.
func (sf *scanFilters) filter(ctx context.Context, stages []scanFilterStage, rr rowPieceReader, mem, work memory.Allocator, piece int,
	rows []int32, count int, held map[string]arrow.Array, keyCol map[string]bool) ([]int32, int, error) {
	for _, st := range stages {
		f := st.join.filter
		if f == nil || f.off.Load() {
			continue
		}
		if err := readHeld(ctx, sf.src, rr, mem, piece, missing(st.in.Fields(), held), rows, held); err != nil {
			return nil, 0, err
		}
		cols := make([]arrow.Array, st.in.NumFields())
		for j, fd := range st.in.Fields() {
			cols[j] = held[fd.Name]
		}
		in := array.NewRecordBatch(st.in, cols, int64(count))
		ka, err := evalArrays(work, st.keys, in)
		in.Release()
		if err != nil {
			return nil, 0, err
		}
		idx, err := f.apply(ka, count)
		releaseArrays(ka)
		if err != nil || len(idx) == 0 {
			return nil, 0, err
		}
		if len(idx) == count {
			continue
		}
		if err := narrowHeld(work, idx, &rows, held); err != nil {
			return nil, 0, err
		}
		count = len(idx)
	}
	// The key columns of filters that did not run.
	var rest []string
	for name := range keyCol {
		if held[name] == nil {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	if err := readHeld(ctx, sf.src, rr, mem, piece, rest, rows, held); err != nil {
		return nil, 0, err
	}
	return rows, count, nil
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
