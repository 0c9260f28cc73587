package exec

import (
	"container/heap"
	"context"
	"math"
	"sort"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// VectorTopK execution (planner side: lazy/vector_topk.go).
//
// Exact: each input batch's distances are computed, the rows that beat the
// current k-th best are gathered into a small candidate batch, and a
// bounded max-heap of size k keeps the best (never a full sort). Rows are
// ordered exactly as the stable sort they replace orders them: nulls first
// unless NullsLast, NaN above every number, ties by input order.
//
// With an index: the predicates under the top-k are evaluated over the
// indexed frame to make the allow-list, the index is searched with it, the
// rows found are gathered (in frame order) and the plan under the top-k
// runs over just those rows, followed by the exact top-k to order them.

func (b *builder) vectorTopK(n *lazy.VectorTopK) (Operator, error) {
	if n.Index != nil {
		indexed := b.indexedInput
		if n.Index.Stored != nil {
			indexed = b.storedIndexedInput
		}
		sub, ok, err := indexed(n)
		if err != nil {
			return nil, err
		}
		if ok {
			return b.exactTopK(sub, n)
		}
	}
	return b.exactTopK(n.Input, n)
}

func (b *builder) exactTopK(input lazy.Plan, n *lazy.VectorTopK) (Operator, error) {
	in, err := b.build(input)
	if err != nil {
		return nil, err
	}
	return &topKOp{mem: b.mem, input: in, key: n.Key, k: int(n.K), schema: n.Schema()}, nil
}

// indexedInput searches the attached index and returns n.Input with its
// indexed scan replaced by a scan of the rows found. ok is false when the
// index cannot answer (null vectors that would sort first, or a search that
// found fewer rows than are allowed): the caller then runs the exact top-k.
func (b *builder) indexedInput(n *lazy.VectorTopK) (lazy.Plan, bool, error) {
	use := n.Index
	src := use.Source
	batches := src.Batches()
	total := int(src.NumRows())
	var preds []lazy.Expr
	if use.Scan.Predicate != nil {
		preds = append(preds, use.Scan.Predicate)
	}
	preds = append(preds, use.Filters...)
	var mask []bool
	allowed := total
	if len(preds) > 0 {
		mask = make([]bool, total)
		allowed = 0
	}
	col := src.Schema().FieldIndices(src.Column)[0]
	nullVectors := false
	base := 0
	for _, rb := range batches {
		rows := int(rb.NumRows())
		if rb.Column(col).NullN() > 0 {
			nullVectors = true
		}
		if mask != nil {
			ok, err := predicateMask(b.mem, preds, rb)
			if err != nil {
				return nil, false, err
			}
			for i, keep := range ok {
				if keep {
					mask[base+i] = true
					allowed++
				}
			}
		}
		base += rows
	}
	if nullVectors && !n.Key.NullsLast {
		return nil, false, nil
	}
	// The index returns at most the allowed rows: k (a LIMIT, up to
	// 2^63-1) only sizes the buffers up to that.
	k := int(min(n.K, int64(allowed)))
	var found []int64
	if k > 0 {
		ids := make([]int64, k)
		dists := make([]float32, k)
		var filter *vector.Filter
		if mask != nil {
			filter = &vector.Filter{Mask: mask}
		}
		if err := src.Index.Search(use.Query, k, 0, filter, ids, dists); err != nil {
			return nil, false, err
		}
		for _, id := range ids {
			if id >= 0 {
				if id >= int64(total) || (mask != nil && !mask[id]) {
					return nil, false, core.Errorf(core.KindInternal, "vector index returned row %d, which is not allowed", id)
				}
				found = append(found, id)
			}
		}
		if len(found) < min(k, allowed) {
			return nil, false, nil
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i] < found[j] })
	rb, err := gatherRows(b.mem, src.Schema(), batches, found)
	if err != nil {
		return nil, false, err
	}
	table := core.NewTable(src.Schema(), []arrow.RecordBatch{rb})
	b.closers = append(b.closers, table.Release)
	return replaceScan(n.Input, src, table), true, nil
}

// gatherRows gathers rows (global positions, increasing) of the batches.
func gatherRows(mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch, rows []int64) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, schema.NumFields())
	for c := range cols {
		var parts []arrow.Array
		base, j := int64(0), 0
		for _, rb := range batches {
			var idx []int32
			for j < len(rows) && rows[j] < base+rb.NumRows() {
				idx = append(idx, int32(rows[j]-base))
				j++
			}
			if len(idx) > 0 {
				g, err := kernels.Gather(mem, rb.Column(c), idx)
				if err != nil {
					return nil, err
				}
				parts = append(parts, g)
			}
			base += rb.NumRows()
		}
		var err error
		switch len(parts) {
		case 0:
			cols[c], err = array.MakeArrayOfNull(mem, schema.Field(c).Type, 0), nil
		case 1:
			cols[c] = parts[0]
		default:
			cols[c], err = array.Concatenate(parts, mem)
			for _, p := range parts {
				p.Release()
			}
		}
		if err != nil {
			return nil, err
		}
	}
	rb := array.NewRecordBatch(schema, cols, int64(len(rows)))
	for _, c := range cols {
		c.Release()
	}
	return rb, nil
}

// replaceScan returns p with the scans of src reading table instead (with
// the same pushed-down columns and predicate).
func replaceScan(p lazy.Plan, src lazy.Source, table lazy.Source) lazy.Plan {
	if s, ok := p.(*lazy.Scan); ok {
		if s.Source == src {
			return lazy.NewScan(table).WithPushdown(s.Columns, s.Predicate, s.Limit)
		}
		return p
	}
	ch := p.Children()
	if len(ch) == 0 {
		return p
	}
	next := make([]lazy.Plan, len(ch))
	for i, c := range ch {
		next[i] = replaceScan(c, src, table)
	}
	return p.WithChildren(next)
}

// topKItem is one candidate row: its key and its position among the
// candidates (which is also input order, so it breaks ties).
type topKItem struct {
	null bool
	v    float64
	seq  int
}

type topKHeap struct {
	items          []topKItem
	desc, nullLast bool
}

// before reports whether a sorts before b.
func (h *topKHeap) before(a, b topKItem) bool {
	if a.null != b.null {
		return a.null != h.nullLast
	}
	if !a.null && a.v != b.v && !(math.IsNaN(a.v) && math.IsNaN(b.v)) {
		var less bool
		switch {
		case math.IsNaN(a.v):
			less = false
		case math.IsNaN(b.v):
			less = true
		default:
			less = a.v < b.v
		}
		return less != h.desc
	}
	return a.seq < b.seq
}

func (h *topKHeap) Len() int           { return len(h.items) }
func (h *topKHeap) Less(i, j int) bool { return h.before(h.items[j], h.items[i]) } // worst on top
func (h *topKHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *topKHeap) Push(x any)         { h.items = append(h.items, x.(topKItem)) }
func (h *topKHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

type topKOp struct {
	mem    memory.Allocator
	input  Operator
	key    lazy.SortKey
	k      int
	schema *arrow.Schema
	done   bool
}

var _ Operator = &topKOp{}

func (o *topKOp) Schema() *arrow.Schema { return o.schema }
func (o *topKOp) Close()                { o.input.Close() }

func (o *topKOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if o.done {
		return nil, nil
	}
	o.done = true
	h := &topKHeap{desc: o.key.Descending, nullLast: o.key.NullsLast}
	var cands []arrow.RecordBatch // candidate rows, in input order
	defer func() {
		for _, c := range cands {
			c.Release()
		}
	}()
	seq := 0
	for {
		rb, err := o.input.Next(ctx)
		if err != nil {
			return nil, err
		}
		if rb == nil {
			break
		}
		if o.k == 0 {
			rb.Release()
			continue
		}
		keep, items, err := o.candidates(h, rb, seq)
		if err != nil {
			rb.Release()
			return nil, err
		}
		if len(keep) > 0 {
			cols := make([]arrow.Array, rb.NumCols())
			for i := range cols {
				if cols[i], err = kernels.Gather(o.mem, rb.Column(i), keep); err != nil {
					rb.Release()
					return nil, err
				}
			}
			cands = append(cands, array.NewRecordBatch(rb.Schema(), cols, int64(len(keep))))
			for _, c := range cols {
				c.Release()
			}
			for _, it := range items {
				if h.Len() < o.k {
					heap.Push(h, it)
				} else if h.before(it, h.items[0]) {
					h.items[0] = it
					heap.Fix(h, 0)
				}
			}
			seq += len(keep)
		}
		rb.Release()
	}
	best := append([]topKItem(nil), h.items...)
	sort.Slice(best, func(i, j int) bool { return h.before(best[i], best[j]) })
	idx := make([]int32, len(best))
	for i, it := range best {
		idx[i] = int32(it.seq)
	}
	all, err := concatBatches(o.mem, o.schema, cands)
	if err != nil {
		return nil, err
	}
	defer all.Release()
	cols := make([]arrow.Array, all.NumCols())
	for i := range cols {
		if cols[i], err = kernels.Gather(o.mem, all.Column(i), idx); err != nil {
			return nil, err
		}
	}
	out := array.NewRecordBatch(o.schema, cols, int64(len(idx)))
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

// candidates evaluates the key over rb and returns the rows that could
// enter the top k (those beating the current k-th, among themselves at most
// k), with their items numbered from seq in input order.
func (o *topKOp) candidates(h *topKHeap, rb arrow.RecordBatch, seq int) ([]int32, []topKItem, error) {
	n := int(rb.NumRows())
	v, err := evalExpr(o.mem, o.key.Expr, rb)
	if err != nil {
		return nil, nil, err
	}
	arr, err := v.Materialize(o.mem, n)
	v.Release()
	if err != nil {
		return nil, nil, err
	}
	defer arr.Release()
	val := func(i int) float64 { return 0 }
	switch a := arr.(type) {
	case *array.Float32:
		val = func(i int) float64 { return float64(a.Value(i)) }
	case *array.Float64:
		val = a.Value
	default:
		return nil, nil, core.Errorf(core.KindInternal, "vector top-k key of type %s", core.DTypeName(arr.DataType()))
	}
	local := &topKHeap{desc: h.desc, nullLast: h.nullLast}
	for i := range n {
		it := topKItem{null: arr.IsNull(i), seq: seq + i} // after every earlier candidate
		if !it.null {
			it.v = val(i)
		}
		if h.Len() == o.k && !h.before(it, h.items[0]) {
			continue
		}
		if local.Len() < o.k {
			heap.Push(local, it)
		} else if local.before(it, local.items[0]) {
			local.items[0] = it
			heap.Fix(local, 0)
		}
	}
	items := local.items
	sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
	keep := make([]int32, len(items))
	for j := range items {
		keep[j] = int32(items[j].seq - seq)
		items[j].seq = seq + j
	}
	return keep, items, nil
}

func concatBatches(mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, schema.NumFields())
	for c := range cols {
		parts := make([]arrow.Array, len(batches))
		for i, rb := range batches {
			parts[i] = rb.Column(c)
		}
		var err error
		if len(parts) == 0 {
			cols[c], err = array.MakeArrayOfNull(mem, schema.Field(c).Type, 0), nil
		} else {
			cols[c], err = array.Concatenate(parts, mem)
		}
		if err != nil {
			return nil, err
		}
	}
	var rows int64
	for _, rb := range batches {
		rows += rb.NumRows()
	}
	rb := array.NewRecordBatch(schema, cols, rows)
	for _, c := range cols {
		c.Release()
	}
	return rb, nil
}

// predicateMask tells which rows of rb pass every predicate (NULL fails).
func predicateMask(mem memory.Allocator, preds []lazy.Expr, rb arrow.RecordBatch) ([]bool, error) {
	rows := int(rb.NumRows())
	ok := make([]bool, rows)
	for i := range ok {
		ok[i] = true
	}
	for _, p := range preds {
		v, err := evalExpr(mem, p, rb)
		if err != nil {
			return nil, err
		}
		arr, err := v.Materialize(mem, rows)
		v.Release()
		if err != nil {
			return nil, err
		}
		bools := arr.(*array.Boolean)
		for i := range rows {
			ok[i] = ok[i] && bools.IsValid(i) && bools.Value(i)
		}
		arr.Release()
	}
	return ok, nil
}
