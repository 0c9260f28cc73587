package exec

import (
	"context"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// builder turns a logical plan into operators. Row-wise nodes (filter,
// projection) over a morsel source become steps of one parallel pipeline.
type builder struct {
	mem memory.Allocator
	ctx context.Context
	// closers release what operators outside the operator tree hold (the
	// build sides of joins); Run calls them when the query ends.
	closers []func()
	// caches holds the shared state of each cached subplan by ID.
	caches map[int]*cacheEntry
	// filterJoins holds, while a join's probe side is built, the join that
	// fills each runtime filter there (join_runtime_filter.go).
	filterJoins map[int]*hashJoin
	// prof, when set, counts rows and time per plan node and rows scanned
	// for progress (profile.go); nil costs nothing at run time.
	prof *profiler
}

func (b *builder) build(p lazy.Plan) (Operator, error) {
	op, err := b.buildNode(p)
	if err != nil || b.prof == nil {
		return op, err
	}
	return b.prof.attach(p, op), nil // profile.go
}

func (b *builder) buildNode(p lazy.Plan) (Operator, error) {
	switch n := p.(type) {
	case *lazy.Scan:
		return b.scan(n)
	case *lazy.Filter:
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		return b.attach(in, b.filterFn(n.Predicate), n.Schema()), nil
	case *lazy.Project:
		if n.IsScalar() {
			return b.scalarProject(n)
		}
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		return b.attachProject(in, n.Exprs, n.Schema()), nil // selection.go
	case *lazy.Aggregate:
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		return newHashAgg(b.mem, in, n)
	case *lazy.Sort:
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		return &sortOp{mem: b.mem, input: in, keys: n.Keys, schema: n.Schema()}, nil
	case *lazy.Join:
		return b.join(n)
	case *lazy.RuntimeFilter:
		return b.runtimeFilter(n) // join_runtime_filter.go
	case *lazy.WindowNode:
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		return &windowOp{mem: b.mem, input: in, node: n}, nil
	case *lazy.Union:
		ops := make([]Operator, len(n.Inputs))
		for i, in := range n.Inputs {
			op, err := b.build(in)
			if err != nil {
				for _, o := range ops[:i] {
					o.Close()
				}
				return nil, err
			}
			ops[i] = op
		}
		return &unionOp{inputs: ops, schema: n.Schema()}, nil
	case *lazy.RowIndex:
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		return &rowIndexOp{mem: b.mem, input: in, next: n.Offset, schema: n.Schema()}, nil
	case *lazy.Tail:
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		return &tailOp{mem: b.mem, input: in, n: n.N, length: n.Length}, nil
	case *lazy.Cache:
		return b.cache(n)
	case *lazy.VectorTopK:
		return b.vectorTopK(n) // vector_topk.go
	case *lazy.Slice:
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		return &sliceOp{input: in, offset: n.Offset, length: n.Length}, nil
	}
	return nil, core.Errorf(core.KindNotSupported, "plan node %T cannot be executed yet", p)
}

// attach adds a row-wise step to in (see attachSteps).
func (b *builder) attach(in Operator, fn batchFn, schema *arrow.Schema) Operator {
	return attachSteps(in, []batchFn{fn}, schema)
}

// attachSteps adds row-wise steps to in, whose output has schema: inside
// its pipeline when in is one without a limit, above the pairs of a cross
// join, else as a sequential map.
func attachSteps(in Operator, fns []batchFn, schema *arrow.Schema) Operator {
	switch op := in.(type) {
	case *pipeline:
		if op.limit < 0 {
			op.fns = append(op.fns, fns...)
			op.schema = schema
			return op
		}
	case *mapOp:
		op.fns = append(op.fns, fns...)
		op.schema = schema
		return op
	case *crossJoin:
		op.fns = append(op.fns, fns...)
		op.schema = schema
		return op
	}
	return &mapOp{input: in, fns: fns, schema: schema}
}

// partitionedScan reads the pieces a scan needs on demand, in parallel;
// rf, when set, are the runtime filters over the scan: a piece is left
// out when their key ranges miss it, and a source that reads chosen rows
// applies them first (join_scan_filter.go; rf.inScan tells).
func (b *builder) partitionedScan(s *lazy.Scan, src lazy.PartitionedSource, rf *scanFilters) (Operator, error) {
	pieces := lazy.PiecesToRead(src, s.Predicate)
	op, err := b.partitionedScanOp(s, src, pieces, rf)
	if err != nil || b.prof == nil {
		return op, err
	}
	// Profiled here, not only in build: a runtime filter builds its scan
	// without build (join_runtime_filter.go).
	return b.prof.scanned(s, op, func(i int) int64 { return src.PieceRows(pieces[i]) }), nil
}

func (b *builder) partitionedScanOp(s *lazy.Scan, src lazy.PartitionedSource, pieces []int, rf *scanFilters) (Operator, error) {
	cols := lazy.ReadColumns(s)
	if ps, ok := src.(lazy.PinnableSource); ok {
		// Pinned now, before any operator runs (as keyedScan opens its
		// reader): a piece read later, after the statement wrote, reads
		// the source as it was.
		ctx := b.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		pinned, release, err := ps.Pin(ctx, pieces, cols)
		if err != nil {
			return nil, err
		}
		// Run and Stream call the closers after the operators closed.
		b.closers = append(b.closers, release)
		src = pinned
	}
	readSchema := lazy.SchemaOf(src.Schema(), cols)
	mem := b.mem
	if mem == workMem {
		mem = scanMem
	}
	var skip func(piece int) bool
	if rf != nil {
		rf.src = src
		skip = rf.skip
	}
	p := newPipeline(readSchema, nil, -1)
	p.count = len(pieces)
	p.load = func(ctx context.Context, i int) (arrow.RecordBatch, error) {
		if skip != nil && skip(pieces[i]) {
			return nil, nil
		}
		return src.ReadPiece(ctx, mem, pieces[i], cols)
	}
	if dr, ok := src.(dictPieceReader); ok && s.Predicate != nil {
		if df := planDictFilter(s.Predicate, readSchema, s.Schema()); df != nil {
			b.dictScan(p, dr, pieces, cols, df, s.Schema(), skip, mem) // scan_dict.go
			p.limit = s.Limit
			return p, nil
		}
	}
	if rr, ok := src.(rowPieceReader); ok && rf != nil && s.Limit < 0 && rf.plan(b, p, s, rr, pieces, readSchema, mem) {
		return p, nil
	}
	if rr, ok := src.(rowPieceReader); ok && s.Predicate != nil {
		if lf := planLateFilter(s.Predicate, readSchema, s.Schema()); lf != nil {
			b.lateScan(p, src, rr, pieces, lf, skip, mem) // scan_late.go
			p.limit = s.Limit
			return p, nil
		}
	}
	switch {
	case s.Predicate != nil && len(cols) != s.Schema().NumFields():
		p.then(b.filterSelectFn(s.Predicate, s.Schema()), s.Schema())
	case s.Predicate != nil:
		p.then(b.filterFn(s.Predicate), readSchema)
	case len(cols) != s.Schema().NumFields():
		p.then(selectColumns(columnNames(s.Schema()), s.Schema()), s.Schema())
	}
	p.limit = s.Limit
	return p, nil
}

func columnNames(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name
	}
	return out
}

func (b *builder) scan(s *lazy.Scan) (Operator, error) {
	if ps, ok := s.Source.(lazy.PartitionedSource); ok {
		return b.partitionedScan(s, ps, nil)
	}
	if ks, ok := s.Source.(lazy.KeyedSource); ok {
		return b.keyedScan(s, ks)
	}
	src, ok := s.Source.(lazy.MemorySource)
	if !ok {
		return nil, core.Errorf(core.KindNotSupported, "scanning %s is not supported yet", s.Source.Name())
	}
	var morsels []arrow.RecordBatch
	for _, rb := range src.Batches() {
		n := rb.NumRows()
		if n <= int64(MorselRows) {
			rb.Retain()
			morsels = append(morsels, rb)
			continue
		}
		for off := int64(0); off < n; off += int64(MorselRows) {
			morsels = append(morsels, rb.NewSlice(off, min(off+int64(MorselRows), n)))
		}
	}
	p := newPipeline(src.Schema(), morsels, -1)
	switch {
	case s.Predicate != nil && s.Columns != nil:
		p.then(b.filterSelectFn(s.Predicate, s.Schema()), s.Schema())
	case s.Predicate != nil:
		p.then(b.filterFn(s.Predicate), src.Schema())
	case s.Columns != nil:
		p.then(selectColumns(s.Columns, s.Schema()), s.Schema())
	}
	p.limit = s.Limit
	return p, nil
}

// scalarProject evaluates a select of values that read no column once,
// giving one row (the input is not read).
func (b *builder) scalarProject(p *lazy.Project) (Operator, error) {
	one := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	pl := newPipeline(one.Schema(), []arrow.RecordBatch{one}, -1)
	pl.then(b.projectFn(p.Exprs, p.Schema()), p.Schema())
	return pl, nil
}

func selectColumns(names []string, schema *arrow.Schema) batchFn {
	return func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
		defer rb.Release()
		cols := make([]arrow.Array, len(names))
		for i, name := range names {
			cols[i] = rb.Column(rb.Schema().FieldIndices(name)[0])
		}
		return array.NewRecordBatch(schema, cols, rb.NumRows()), nil
	}
}

func (b *builder) filterFn(pred lazy.Expr) batchFn { return b.filterSelectFn(pred, nil) }

// filterSelectFn keeps the rows where pred holds and, when out is set, only
// out's columns (by name): a scan's filter gathers the kept rows of the
// columns it hands on, not of those read only for the predicate (Q6 reads
// four columns and needs two after its filter).
func (b *builder) filterSelectFn(pred lazy.Expr, out *arrow.Schema) batchFn {
	mem := b.mem
	return func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
		defer rb.Release()
		n := int(rb.NumRows())
		v, err := evalExpr(mem, pred, rb)
		if err != nil {
			return nil, err
		}
		mask, kept := kernels.SelectionMask(mem, v, n)
		v.Release()
		defer mask.Release()
		if kept == 0 {
			return nil, nil
		}
		schema, in := rb.Schema(), rb.Columns()
		if out != nil {
			schema, in = out, make([]arrow.Array, out.NumFields())
			for i, f := range out.Fields() {
				in[i] = rb.Column(rb.Schema().FieldIndices(f.Name)[0])
			}
		}
		if kept == n {
			return array.NewRecordBatch(schema, in, int64(n)), nil
		}
		sel := kernels.NewSelection(mask.Bytes(), n)
		defer sel.Release()
		cols := make([]arrow.Array, len(in))
		defer func() {
			for _, c := range cols {
				if c != nil {
					c.Release()
				}
			}
		}()
		for i := range cols {
			if cols[i], err = kernels.Take(mem, in[i], sel); err != nil {
				return nil, err
			}
		}
		return array.NewRecordBatch(schema, cols, int64(kept)), nil
	}
}

func (b *builder) projectFn(exprs []lazy.Expr, schema *arrow.Schema) batchFn {
	mem := b.mem
	return func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
		defer rb.Release()
		n := int(rb.NumRows())
		cols := make([]arrow.Array, len(exprs))
		defer func() {
			for _, c := range cols {
				if c != nil {
					c.Release()
				}
			}
		}()
		for i, e := range exprs {
			v, err := evalExpr(mem, e, rb)
			if err != nil {
				return nil, err
			}
			cols[i], err = v.Materialize(mem, n)
			v.Release()
			if err != nil {
				return nil, err
			}
		}
		return array.NewRecordBatch(schema, cols, int64(n)), nil
	}
}

// workMem allocates the executor's intermediate results: Go memory, which
// the Go heap recycles without page faults. Only finalize's output, which
// crosses the C boundary, is allocated with the caller's allocator.
var workMem memory.Allocator = memory.NewGoAllocator()

// scanMem allocates what partitioned sources decode: Go memory like
// workMem's, but whose AllocateUninit skips zeroing, which cost Q6 an
// eighth of its time. The Parquet decoders write every byte they allocate
// that way (null slots included); the kernels' AllocateUninit calls keep
// workMem's zeroed memory until each is checked for slots it leaves
// unwritten (null slots, which later code may read).
var scanMem memory.Allocator = core.NewGoAllocator()

// Run executes an already optimized plan and returns its result as a table
// of one batch, allocated with out (or shared with the sources). A single
// contiguous batch lets to_numpy() of a result column share its memory.
func Run(ctx context.Context, out memory.Allocator, p lazy.Plan) (tbl *core.Table, err error) {
	return runProfiled(ctx, out, p, nil)
}

// runProfiled is Run with the profiler pr (nil: none; see RunWith).
func runProfiled(ctx context.Context, out memory.Allocator, p lazy.Plan, pr *profiler) (tbl *core.Table, err error) {
	defer recoverAsError(&err)
	b := &builder{mem: workMem, ctx: ctx, prof: pr}
	defer func() {
		for _, c := range b.closers {
			c()
		}
	}()
	op, err := b.build(p)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	var batches []arrow.RecordBatch
	defer func() {
		for _, rb := range batches {
			rb.Release()
		}
	}()
	for {
		rb, err := op.Next(ctx)
		if err != nil {
			return nil, err
		}
		if rb == nil {
			break
		}
		batches = append(batches, rb)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	schema := p.Schema()
	rb, err := finalize(out, schema, batches, sourceBuffers(p))
	if err != nil {
		return nil, err
	}
	return core.NewTable(schema, []arrow.RecordBatch{rb}), nil
}

// join builds a hash join: the build side becomes an operator read on first
// probe; the probe side gets the probe as a row-wise step.
func (b *builder) join(n *lazy.Join) (Operator, error) {
	if n.Type == lazy.JoinCross {
		return b.crossJoin(n) // cross_join.go
	}
	probePlan, buildPlan := n.Left, n.Right
	probeKeys, buildKeys := n.LeftOn, n.RightOn
	// An inner join hashes the smaller input and streams the larger one;
	// left, semi and anti joins hash the left input when the right one is
	// much larger.
	probeLeft := n.ProbesLeft()
	if n.Type == lazy.JoinLeft && !probeLeft {
		return b.leftJoinHashingLeft(n)
	}
	if (n.Type == lazy.JoinSemi || n.Type == lazy.JoinAnti) && !probeLeft {
		return b.semiJoinHashingLeft(n)
	}
	if !probeLeft {
		probePlan, buildPlan = n.Right, n.Left
		probeKeys, buildKeys = n.RightOn, n.LeftOn
	}
	buildOp, err := b.build(buildPlan)
	if err != nil {
		return nil, err
	}
	j := &hashJoin{mem: b.mem, ctx: b.ctx, node: n, build: buildOp, probeLeft: probeLeft,
		probeKeys: probeKeys, buildKeys: buildKeys}
	b.closers = append(b.closers, j.close)
	withdraw := b.offerFilter(n, j)
	probeOp, err := b.build(probePlan)
	withdraw()
	if err != nil {
		return nil, err
	}
	op := b.attach(probeOp, j.probe, n.Schema())
	if n.Type == lazy.JoinFull {
		return &fullJoinTail{input: op, join: j}, nil
	}
	return op, nil
}

// leftJoinHashingLeft runs a left join whose right input is much larger by
// hashing the left one: the right input streams through an inner probe,
// left rows no right row matched are appended, and a stable sort on the
// left row number restores the left input's order (Polars' left join order).
func (b *builder) leftJoinHashingLeft(n *lazy.Join) (Operator, error) {
	buildOp, err := b.build(n.Left)
	if err != nil {
		return nil, err
	}
	j := &hashJoin{mem: b.mem, ctx: b.ctx, node: n, build: buildOp, probeLeft: false,
		probeKeys: n.RightOn, buildKeys: n.LeftOn, probeType: lazy.JoinInner, buildRowCol: true}
	b.closers = append(b.closers, j.close)
	withdraw := b.offerFilter(n, j)
	probeOp, err := b.build(n.Right)
	withdraw()
	if err != nil {
		return nil, err
	}
	withRow := &fullJoinTail{input: b.attach(probeOp, j.probe, j.outSchema()), join: j}
	sorted := &buildOrderOp{mem: b.mem, input: withRow, schema: j.outSchema()} // join_left_order.go
	return b.attach(sorted, selectColumns(columnNames(n.Schema()), n.Schema()), n.Schema()), nil
}

// semiJoinHashingLeft plans a semi or anti join that hashes its left input
// (see semiHashingLeft).
func (b *builder) semiJoinHashingLeft(n *lazy.Join) (Operator, error) {
	buildOp, err := b.build(n.Left)
	if err != nil {
		return nil, err
	}
	j := &hashJoin{mem: b.mem, ctx: b.ctx, node: n, build: buildOp, probeLeft: false,
		probeKeys: n.RightOn, buildKeys: n.LeftOn}
	s := &semiHashingLeft{join: j}
	j.semiLeft = s
	b.closers = append(b.closers, j.close)
	withdraw := b.offerFilter(n, j)
	probeOp, err := b.build(n.Right)
	withdraw()
	if err != nil {
		return nil, err
	}
	s.probe = b.attach(probeOp, s.mark, probeOp.Schema())
	return s, nil
}
