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

// Late materialization (predicate-first decoding, as DuckDB's and Polars'
// Parquet readers do it). A scan with a filter reads a piece in stages:
// the filter's conjuncts run one after the other, cheapest columns first,
// each on the rows the ones before kept, and a column is read when a
// conjunct first needs it, at those rows only (the source skips the pages
// and values of the others: parquet.Source.ReadPieceRows); the columns only
// the output needs are read last, at the rows that passed. A filter
// keeping few rows then decodes little beyond its own columns (TPC-H Q6
// decodes its 16-byte decimals at 15% of the rows, Q14 at 1%). A filter
// keeping most rows costs what reading everything then filtering did: the
// source decodes whole chunks when most of their rows are asked for.
//
// What holds: a row is kept exactly when every conjunct is true for it (a
// null or false in any drops it), as the filter over the whole piece
// decides. Conjuncts are row-wise (dictTestable), so each row's result
// does not depend on which other rows are evaluated; as with the
// dictionary filter, a conjunct that fails (a strict cast) is not run on
// the rows an earlier conjunct dropped.

// rowPieceReader is a partitioned source that can read chosen rows of a
// piece (parquet.Source).
type rowPieceReader interface {
	ReadPieceRows(ctx context.Context, mem memory.Allocator, i int, columns []string, rows []int32) (arrow.RecordBatch, error)
}

// lateStage is one conjunct of a late filter and the columns first read
// for it.
type lateStage struct {
	pred lazy.Expr
	read []string
	in   *arrow.Schema // the columns pred reads
	keep []string      // the columns read so far that later stages or the output need
}

// lateFilter is a scan predicate split into stages.
type lateFilter struct {
	stages []lateStage
	last   []string // output columns no stage reads, read at the kept rows
	// keepFirst: the columns read before the stages (planStages' first)
	// that the stages or the output read.
	keepFirst []string
	read      *arrow.Schema
	out       *arrow.Schema
	// then, when set, runs after the stages on the rows they kept: the
	// runtime filters of joins (join_scan_filter.go), which read their
	// key columns into held and may narrow rows and held further.
	then func(ctx context.Context, piece int, rows []int32, count int, held map[string]arrow.Array) ([]int32, int, error)
}

// planLateFilter splits pred (over the columns of read) for a scan whose
// output is out; nil when staging saves nothing (the first conjunct reads
// every column) or a conjunct is not row-wise.
func planLateFilter(pred lazy.Expr, read, out *arrow.Schema) *lateFilter {
	lf := planStages(lazy.Conjuncts(pred), read, out, nil)
	if lf == nil || len(lf.stages) == 0 || lf.readsOnlyFirst() {
		return nil // the first read reads everything: nothing is read late
	}
	return lf
}

// planStages orders the conjuncts conj into stages, after the columns
// first (a dictionary filter's, read before the stages); nil when a
// conjunct is not row-wise.
func planStages(conj []lazy.Expr, read, out *arrow.Schema, first []string) *lateFilter {
	for _, c := range conj {
		if !dictTestable(c) || c.DataType().ID() != arrow.BOOL {
			return nil
		}
	}
	lf := &lateFilter{read: read, out: out}
	have := map[string]bool{}
	for _, name := range first {
		have[name] = true
	}
	cost := func(c lazy.Expr) int {
		w := 0
		for _, name := range lazy.ColumnsUsed(c) {
			if !have[name] {
				w += columnCost(read, name)
			}
		}
		return w
	}
	// Greedy: next, the conjunct whose unread columns cost least (first in
	// the filter's order on a tie).
	left := append([]lazy.Expr(nil), conj...)
	for len(left) > 0 {
		best := 0
		for i := 1; i < len(left); i++ {
			if cost(left[i]) < cost(left[best]) {
				best = i
			}
		}
		c := left[best]
		left = append(left[:best], left[best+1:]...)
		used := lazy.ColumnsUsed(c)
		st := lateStage{pred: c, in: lazy.SchemaOf(read, used)}
		for _, name := range used {
			if !have[name] {
				have[name] = true
				st.read = append(st.read, name)
			}
		}
		if k := len(lf.stages) - 1; k >= 0 && len(st.read) == 0 {
			// Nothing new to read: one evaluation with the stage before
			// (one selection, one narrowing of the columns).
			prev := &lf.stages[k]
			prev.pred = &lazy.Binary{Op: lazy.OpAnd, Left: prev.pred, Right: c, Type: arrow.FixedWidthTypes.Boolean}
			prev.in = lazy.SchemaOf(read, lazy.ColumnsUsed(prev.pred))
			continue
		}
		lf.stages = append(lf.stages, st)
	}
	// After each stage, only the columns later stages or the output read
	// are kept (and narrowed to the rows kept).
	later := map[string]bool{}
	for _, f := range out.Fields() {
		later[f.Name] = true
	}
	for k := len(lf.stages) - 1; k >= 0; k-- {
		st := &lf.stages[k]
		for name := range have {
			if later[name] {
				st.keep = append(st.keep, name)
			}
		}
		for _, f := range st.in.Fields() {
			later[f.Name] = true
		}
	}
	for _, name := range first {
		if later[name] {
			lf.keepFirst = append(lf.keepFirst, name)
		}
	}
	for _, f := range out.Fields() {
		if !have[f.Name] {
			have[f.Name] = true
			lf.last = append(lf.last, f.Name)
		}
	}
	return lf
}

// readsOnlyFirst reports whether the first stage reads every column the
// scan reads.
func (lf *lateFilter) readsOnlyFirst() bool {
	if len(lf.last) > 0 {
		return false
	}
	for _, st := range lf.stages[1:] {
		if len(st.read) > 0 {
			return false
		}
	}
	return true
}

// columnCost is a column's decoding cost per row, roughly its width.
func columnCost(s *arrow.Schema, name string) int {
	idx := s.FieldIndices(name)
	if len(idx) == 0 {
		return 0
	}
	if fw, ok := s.Field(idx[0]).Type.(arrow.FixedWidthDataType); ok {
		return max(1, fw.BitWidth()/8)
	}
	return 32 // strings and nested values: offsets, bytes, checks
}

// lateScan makes p read its pieces through lf.
func (b *builder) lateScan(p *pipeline, src lazy.PartitionedSource, rr rowPieceReader, pieces []int, lf *lateFilter, skip func(int) bool, mem memory.Allocator) {
	work := b.mem
	p.load = func(ctx context.Context, i int) (arrow.RecordBatch, error) {
		if skip != nil && skip(pieces[i]) {
			return nil, nil
		}
		return lf.load(ctx, src, rr, mem, work, pieces[i])
	}
	p.schema = lf.out
}

// load reads piece through the stages and returns the kept rows of the
// output columns (nil when none is kept). mem is the source's allocator,
// work the filter's.
func (lf *lateFilter) load(ctx context.Context, src lazy.PartitionedSource, rr rowPieceReader, mem, work memory.Allocator, piece int) (arrow.RecordBatch, error) {
	return lf.run(ctx, src, rr, mem, work, piece, nil, int(src.PieceRows(piece)), map[string]arrow.Array{})
}

// run is load from the count rows (nil: all the piece's) a filter before
// kept, with the columns read for it held at those rows (run releases
// them).
func (lf *lateFilter) run(ctx context.Context, src lazy.PartitionedSource, rr rowPieceReader, mem, work memory.Allocator, piece int,
	rows []int32, count int, held map[string]arrow.Array) (arrow.RecordBatch, error) {
	defer func() {
		for _, a := range held {
			a.Release()
		}
	}()
	read := func(names []string) error { // at the rows kept so far
		return readHeld(ctx, src, rr, mem, piece, names, rows, held)
	}
	var sel []int32 // the kept rows, when handed on as a selection
	for k, st := range lf.stages {
		if len(st.read) > 0 {
			if err := read(st.read); err != nil {
				return nil, err
			}
		}
		cols := make([]arrow.Array, st.in.NumFields())
		for j, f := range st.in.Fields() {
			cols[j] = held[f.Name]
		}
		in := array.NewRecordBatch(st.in, cols, int64(count))
		v, err := evalExpr(work, st.pred, in)
		in.Release()
		if err != nil {
			return nil, err
		}
		mask, kept := kernels.SelectionMask(work, v, count)
		v.Release()
		for name, a := range held {
			if !slices.Contains(st.keep, name) {
				a.Release()
				delete(held, name)
			}
		}
		if kept == 0 {
			mask.Release()
			return nil, nil
		}
		if kept < count {
			// A later filter (then) narrows the rows itself, so the last
			// stage hands on a selection only when nothing runs after it.
			if sel = lastSelection(k == len(lf.stages)-1 && lf.then == nil, mask.Bytes(), count, kept); sel == nil {
				err = lf.narrow(work, mask.Bytes(), count, &rows, held)
			}
		}
		mask.Release()
		if err != nil {
			return nil, err
		}
		if sel == nil {
			count = kept
		}
	}
	if lf.then != nil {
		var err error
		if rows, count, err = lf.then(ctx, piece, rows, count, held); err != nil || count == 0 {
			return nil, err
		}
	}
	if len(lf.last) > 0 {
		if err := read(lf.last); err != nil {
			return nil, err
		}
	}
	cols := make([]arrow.Array, lf.out.NumFields())
	for j, f := range lf.out.Fields() {
		cols[j] = held[f.Name]
		if _, ok := cols[j].(*array.Dictionary); ok { // a dictionary filter's column (lateLoad)
			all := make([]int32, count)
			for k := range all {
				all[k] = int32(k)
			}
			a, err := gatherDecoded(work, cols[j], all)
			if err != nil {
				return nil, err
			}
			held[f.Name].Release()
			held[f.Name], cols[j] = a, a
		}
	}
	out := array.NewRecordBatch(lf.out, cols, int64(count))
	if sel != nil {
		return withSelection(out, sel), nil
	}
	return out, nil
}

// lastSelection returns the rows of mask (over count rows, kept of them
// set) as a selection to hand on with the columns at all count rows, when
// the stage is the last and keeps enough of them (selMinKept); else nil,
// and the rows are gathered (narrow). The selection is the batch's own: it
// outlives the scan.
func lastSelection(last bool, mask []byte, count, kept int) []int32 {
	if !last || float64(kept) < selMinKept*float64(count) {
		return nil
	}
	s := kernels.NewSelection(mask, count)
	defer s.Release()
	return slices.Clone(s.Idx)
}

// stagesRead reports whether a stage's conjunct reads column name.
func (lf *lateFilter) stagesRead(name string) bool {
	for _, st := range lf.stages {
		if len(st.in.FieldIndices(name)) > 0 {
			return true
		}
	}
	return false
}

// narrow keeps the rows of mask (over the count rows held) in rows and in
// the held columns.
func (lf *lateFilter) narrow(mem memory.Allocator, mask []byte, count int, rows *[]int32, held map[string]arrow.Array) error {
	sel := kernels.NewSelection(mask, count)
	defer sel.Release()
	return narrowHeld(mem, sel.Idx, rows, held)
}
