package exec

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// windowOp materializes its input and appends one column per window
// expression. A window's partitions are found by hashing the partition keys;
// aggregates inside it are computed per partition and broadcast back to the
// rows; order-dependent functions run along each partition in order (the
// order_by keys, else input order). Every result is in input row order.
type windowOp struct {
	mem   memory.Allocator
	input Operator
	node  *lazy.WindowNode
	done  bool
}

func (w *windowOp) Schema() *arrow.Schema { return w.node.Schema() }
func (w *windowOp) Close()                { w.input.Close() }

func (w *windowOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if w.done {
		return nil, nil
	}
	w.done = true
	rb, err := collectAll(ctx, w.mem, w.input, w.input.Schema())
	if err != nil {
		return nil, err
	}
	defer rb.Release()
	cols := append([]arrow.Array(nil), rb.Columns()...)
	for _, c := range cols {
		c.Retain()
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, wc := range w.node.Columns {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		arr, err := evalWindow(w.mem, rb, wc.W)
		if err != nil {
			return nil, err
		}
		cols = append(cols, arr)
	}
	return array.NewRecordBatch(w.node.Schema(), cols, rb.NumRows()), nil
}

// partitions assigns each row a partition id and returns the rows grouped
// by partition, each partition in order.
type partitions struct {
	gids   []int32
	groups int
	order  []int32 // rows, partition by partition, each in window order
	starts []int   // order[starts[p]:starts[p+1]] is partition p
}

func partitionRows(mem memory.Allocator, rb arrow.RecordBatch, w *lazy.Window) (*partitions, error) {
	n := int(rb.NumRows())
	p := &partitions{gids: make([]int32, n)}
	if len(w.PartitionBy) > 0 {
		keys, err := evalArrays(mem, w.PartitionBy, rb)
		if err != nil {
			return nil, err
		}
		defer releaseArrays(keys)
		op := &hashAggOp{node: &lazy.Aggregate{Keys: w.PartitionBy}}
		t := newGroupTable(op.keyMode())
		wk := &aggWorker{table: t}
		if err := op.assignGroups(wk, keys, n, 0); err != nil {
			return nil, err
		}
		copy(p.gids, wk.gids)
		p.groups = t.size()
	} else if n > 0 {
		p.groups = 1
	}
	// Counting sort by partition keeps input order inside each partition.
	counts := make([]int, p.groups+1)
	for _, g := range p.gids {
		counts[g+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	p.starts = append([]int(nil), counts...)
	p.order = make([]int32, n)
	fill := append([]int(nil), counts[:p.groups]...)
	for row, g := range p.gids {
		p.order[fill[g]] = int32(row)
		fill[g]++
	}
	if len(w.OrderBy) > 0 {
		keys, err := evalArrays(mem, lazy.SortExprs(w.OrderBy), rb)
		if err != nil {
			return nil, err
		}
		defer releaseArrays(keys)
		cmps := make([]func(a, b int32) int, len(w.OrderBy))
		for i, k := range w.OrderBy {
			if cmps[i], err = comparator(keys[i], k); err != nil {
				return nil, err
			}
		}
		for g := range p.groups {
			part := p.order[p.starts[g]:p.starts[g+1]]
			slices.SortFunc(part, func(a, b int32) int {
				for _, c := range cmps {
					if r := c(a, b); r != 0 {
						return r
					}
				}
				return cmp.Compare(a, b)
			})
		}
	}
	return p, nil
}

// evalWindow computes one window expression over the whole batch.
func evalWindow(mem memory.Allocator, rb arrow.RecordBatch, w *lazy.Window) (arrow.Array, error) {
	parts, err := partitionRows(mem, rb, w)
	if err != nil {
		return nil, err
	}
	n := int(rb.NumRows())
	// Compute every aggregate and order-dependent call inside X as a
	// row-aligned column, then evaluate X row by row over them.
	var extra []arrow.Array
	var fields []arrow.Field
	defer func() {
		for _, a := range extra {
			a.Release()
		}
	}()
	var failed error
	// wide is the input plus the columns computed so far: inner parts of X
	// (computed first, bottom-up) are read by the outer ones.
	wide := rb
	wide.Retain()
	defer func() { wide.Release() }()
	taken := func(name string) bool { return len(rb.Schema().FieldIndices(name)) > 0 }
	x := lazy.Transform(w.X, func(e lazy.Expr) lazy.Expr {
		if failed != nil {
			return e
		}
		var arr arrow.Array
		switch node := e.(type) {
		case *lazy.Agg:
			arr, failed = windowAgg(mem, wide, node, parts, len(w.OrderBy) > 0)
		case *lazy.Call:
			if !lazy.IsWindowFunction(node.Name) {
				return e
			}
			arr, failed = windowCall(mem, wide, node, parts)
		default:
			return e
		}
		if failed != nil {
			return e
		}
		name := ""
		for i := len(extra); ; i++ {
			if name = fmt.Sprintf("__w%d", i); !taken(name) {
				break
			}
		}
		extra = append(extra, arr)
		fields = append(fields, arrow.Field{Name: name, Type: arr.DataType(), Nullable: true})
		allFields := append(append([]arrow.Field(nil), rb.Schema().Fields()...), fields...)
		allCols := append(append([]arrow.Array(nil), rb.Columns()...), extra...)
		next := array.NewRecordBatch(arrow.NewSchema(allFields, nil), allCols, int64(n))
		wide.Release()
		wide = next
		return &lazy.Column{Name: name, Type: arr.DataType()}
	})
	if failed != nil {
		return nil, failed
	}
	return evalArray(mem, x, wide)
}

// windowAgg computes an aggregate per partition and broadcasts it.
func windowAgg(mem memory.Allocator, rb arrow.RecordBatch, a *lazy.Agg, parts *partitions, ordered bool) (arrow.Array, error) {
	if lazy.IsListAgg(a.Func) {
		return nil, core.Errorf(core.KindNotSupported,
			"%s over a window is not supported: it gives a list per group; use it inside group_by().agg()", a)
	}
	st, err := newAggState(a)
	if err != nil {
		return nil, err
	}
	st.Grow(max(parts.groups, 1))
	if p, ok := st.(pairAggState); ok {
		// corr and cov do not depend on the order of rows.
		x, err := evalArrays(mem, []lazy.Expr{a.X, a.Y}, rb)
		if err != nil {
			return nil, err
		}
		defer releaseArrays(x)
		p.UpdatePair(parts.gids, x[0], x[1])
		return broadcastAgg(mem, st, parts)
	}
	var in arrow.Array
	if a.X != nil {
		if in, err = evalArray(mem, a.X, rb); err != nil {
			return nil, err
		}
		defer in.Release()
	}
	gids := parts.gids
	if ordered {
		// Feed rows in window order, so that first/last follow order_by.
		gids = make([]int32, len(parts.order))
		for i, r := range parts.order {
			gids[i] = parts.gids[r]
		}
		if in != nil {
			sorted, err := kernels.Gather(mem, in, parts.order)
			if err != nil {
				return nil, err
			}
			defer sorted.Release()
			in = sorted
		}
	}
	st.Update(gids, in, 0)
	return broadcastAgg(mem, st, parts)
}

// broadcastAgg gives every row its partition's aggregate.
func broadcastAgg(mem memory.Allocator, st aggState, parts *partitions) (arrow.Array, error) {
	per, err := st.Finish(mem)
	if err != nil {
		return nil, err
	}
	defer per.Release()
	return kernels.Gather(mem, per, parts.gids)
}

// windowCall computes an order-dependent function (a window entry of the
// registry) along each partition.
func windowCall(mem memory.Allocator, rb arrow.RecordBatch, c *lazy.Call, parts *partitions) (arrow.Array, error) {
	w, ok := fn.LookupWindow(c.Name)
	if !ok {
		return nil, core.Errorf(core.KindNotSupported, "window function %q has no implementation", c.Name)
	}
	args, err := evalArrays(mem, c.Args, rb)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(args)
	view := &fn.Partitions{Order: parts.order, Starts: parts.starts[:parts.groups+1],
		Compare: func(x arrow.Array, descending bool) (func(a, b int32) int, error) {
			return comparator(x, lazy.SortKey{Descending: descending})
		}}
	out, err := w.Eval(mem, &fn.Invocation{Opts: c.Opts, Type: c.Type, Memo: callMemo{c}}, args, view)
	if err != nil {
		return nil, withExpr(err, c)
	}
	return out, nil
}
