package exec

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
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
	st.grow(max(parts.groups, 1))
	if p, ok := st.(pairAggState); ok {
		// corr and cov do not depend on the order of rows.
		x, err := evalArrays(mem, []lazy.Expr{a.X, a.Y}, rb)
		if err != nil {
			return nil, err
		}
		defer releaseArrays(x)
		p.updatePair(parts.gids, x[0], x[1])
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
	st.update(gids, in, 0)
	return broadcastAgg(mem, st, parts)
}

// broadcastAgg gives every row its partition's aggregate.
func broadcastAgg(mem memory.Allocator, st aggState, parts *partitions) (arrow.Array, error) {
	per, err := st.finish(mem)
	if err != nil {
		return nil, err
	}
	defer per.Release()
	return kernels.Gather(mem, per, parts.gids)
}

// windowCall computes an order-dependent function along each partition.
func windowCall(mem memory.Allocator, rb arrow.RecordBatch, c *lazy.Call, parts *partitions) (arrow.Array, error) {
	args := make([]arrow.Array, len(c.Args))
	defer func() {
		for _, a := range args {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, e := range c.Args {
		a, err := evalArray(mem, e, rb)
		if err != nil {
			return nil, err
		}
		args[i] = a
	}
	n := int(rb.NumRows())
	switch c.Name {
	case "shift":
		k := int(lazy.OptFloat(c.Opts, "n", 1))
		src := make([]int32, n)
		filled := make([]byte, bitutil.BytesForBits(int64(n)))
		for g := range parts.groups {
			part := parts.order[parts.starts[g]:parts.starts[g+1]]
			for i, row := range part {
				j := i - k
				if j < 0 || j >= len(part) {
					src[row] = -1
					bitutil.SetBit(filled, int(row))
				} else {
					src[row] = part[j]
				}
			}
		}
		shifted, err := kernels.Gather(mem, args[0], src)
		if err != nil {
			return nil, err
		}
		defer shifted.Release()
		if args[1].NullN() == args[1].Len() {
			shifted.Retain()
			return shifted, nil
		}
		return kernels.IfElse(mem, filled, kernels.ArrayValue(args[1]), kernels.ArrayValue(shifted), c.Type, n)
	case "diff":
		k := int(lazy.OptFloat(c.Opts, "n", 1))
		shiftCall := &lazy.Call{Name: "shift", Args: c.Args, Opts: map[string]any{"n": float64(k)}, Type: c.Type}
		nulls, err := kernels.Broadcast(mem, nil, c.Type, n)
		if err != nil {
			return nil, err
		}
		defer nulls.Release()
		prev, err := windowCallArgs(mem, shiftCall, []arrow.Array{args[0], nulls}, parts, n)
		if err != nil {
			return nil, err
		}
		defer prev.Release()
		return kernels.Arith(mem, kernels.Sub, kernels.ArrayValue(args[0]), kernels.ArrayValue(prev), n)
	case "rank":
		return rankWindow(mem, args[0], c, parts)
	case "frame_agg":
		return frameAgg(mem, c, args[0], parts)
	}
	return cumulative(mem, c, args[0], parts)
}

func windowCallArgs(mem memory.Allocator, c *lazy.Call, args []arrow.Array, parts *partitions, n int) (arrow.Array, error) {
	fields := make([]arrow.Field, len(args))
	exprs := make([]lazy.Expr, len(args))
	for i, a := range args {
		fields[i] = arrow.Field{Name: fmt.Sprintf("a%d", i), Type: a.DataType(), Nullable: true}
		exprs[i] = &lazy.Column{Name: fields[i].Name, Type: a.DataType()}
	}
	rb := array.NewRecordBatch(arrow.NewSchema(fields, nil), args, int64(n))
	defer rb.Release()
	call := *c
	call.Args = exprs
	return windowCall(mem, rb, &call, parts)
}

// cumulative runs cum_sum, cum_prod, cum_min, cum_max and cum_count.
func cumulative(mem memory.Allocator, c *lazy.Call, x arrow.Array, parts *partitions) (arrow.Array, error) {
	n := x.Len()
	out := make([]float64, n)
	outI := make([]int64, n)
	valid := make([]bool, n)
	isFloat := core.IsFloat(x.DataType()) && c.Name != "cum_count"
	isNull := x.DataType().ID() == arrow.NULL
	unsigned64 := x.DataType().ID() == arrow.UINT64
	var getF func(int) float64
	var getI []int64
	if isFloat {
		getF = numericAsFloat(x)
	} else if c.Name == "cum_count" {
	} else if x.DataType().ID() == arrow.UINT64 {
		u := kernels.Values[uint64](x)
		getI = make([]int64, n)
		for i, v := range u {
			getI[i] = int64(v)
		}
	} else if c.Name != "cum_count" {
		getI = intKeys(x, nil)
	}
	for g := range parts.groups {
		var accF float64
		var accI int64
		seen := false
		count := int64(0)
		for _, row := range parts.order[parts.starts[g]:parts.starts[g+1]] {
			r := int(row)
			if c.Name == "cum_count" {
				if !isNull && x.IsValid(r) {
					count++
				}
				outI[r], valid[r] = count, true
				continue
			}
			if x.IsNull(r) {
				continue // null stays null; the running value goes on
			}
			valid[r] = true
			if isFloat {
				v := getF(r)
				switch {
				case !seen || (accF != accF && (c.Name == "cum_min" || c.Name == "cum_max")):
					accF = v
				case v != v && (c.Name == "cum_min" || c.Name == "cum_max"):
					// NaN never wins a running min or max (as in Polars).
				case c.Name == "cum_sum":
					accF += v
				case c.Name == "cum_prod":
					accF *= v
				case c.Name == "cum_min":
					accF = min(accF, v)
				case c.Name == "cum_max":
					accF = max(accF, v)
				}
				out[r] = accF
			} else {
				v := getI[r]
				switch {
				case !seen:
					accI = v
				case c.Name == "cum_sum":
					accI += v
				case c.Name == "cum_prod":
					accI *= v
				case c.Name == "cum_min" && unsigned64:
					accI = int64(min(uint64(accI), uint64(v)))
				case c.Name == "cum_max" && unsigned64:
					accI = int64(max(uint64(accI), uint64(v)))
				case c.Name == "cum_min":
					accI = min(accI, v)
				case c.Name == "cum_max":
					accI = max(accI, v)
				}
				outI[r] = accI
			}
			seen = true
		}
	}
	if isFloat {
		return numArray(mem, c.Type, out, valid)
	}
	if c.Type.ID() == arrow.UINT64 && c.Name != "cum_count" {
		u := make([]uint64, n)
		for i, v := range outI {
			u[i] = uint64(v)
		}
		return numArray(mem, c.Type, u, valid)
	}
	return numArray(mem, c.Type, outI, valid)
}

// rankWindow ranks values within each partition (nulls get null ranks).
func rankWindow(mem memory.Allocator, x arrow.Array, c *lazy.Call, parts *partitions) (arrow.Array, error) {
	method := lazy.OptString(c.Opts, "method", "average")
	desc := lazy.OptBool(c.Opts, "descending", false)
	cmpFn, err := comparator(x, lazy.SortKey{Descending: desc})
	if err != nil {
		return nil, err
	}
	n := x.Len()
	ranks := make([]float64, n)
	valid := make([]bool, n)
	for g := range parts.groups {
		var rows []int32
		for _, r := range parts.order[parts.starts[g]:parts.starts[g+1]] {
			if x.IsValid(int(r)) {
				rows = append(rows, r)
			}
		}
		slices.SortStableFunc(rows, cmpFn)
		dense := 0
		for i := 0; i < len(rows); {
			j := i + 1
			for j < len(rows) && cmpFn(rows[i], rows[j]) == 0 {
				j++
			}
			dense++
			for k := i; k < j; k++ {
				var r float64
				switch method {
				case "average":
					r = float64(i+j+1) / 2
				case "min":
					r = float64(i + 1)
				case "max":
					r = float64(j)
				case "dense":
					r = float64(dense)
				case "ordinal":
					r = float64(k + 1)
				}
				ranks[rows[k]], valid[rows[k]] = r, true
			}
			i = j
		}
	}
	if method == "average" {
		return numArray(mem, c.Type, ranks, valid)
	}
	u := make([]int64, n)
	for i, r := range ranks {
		u[i] = int64(r)
	}
	return numArray(mem, c.Type, u, valid)
}
