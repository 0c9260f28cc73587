package exec

import (
	"context"
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// crossStreamRight is the most right rows for which a cross join streams
// its left input (each left batch becomes the one batch of its pairs): the
// pairs of a batch are then at most that many times the batch.
const crossStreamRight = 4

// crossJoin pairs every left row with every right row, left row by left
// row (the pairs of left row i, in right order, come before those of i+1).
//
// The right input is read whole first. When it has at most
// crossStreamRight rows, the left input streams through a row-wise step as
// in any hash join. Otherwise the pairs can be far more than memory holds
// (a correlated subquery without an equality is applied over the cross
// join of its outer rows with the subquery's rows), so the left input is
// read whole too and the pairs become the morsels of a pipeline, blocks of
// consecutive pairs made on demand: the row-wise steps above the join (the
// filter of the correlation) run on each block on all cores, an aggregate
// above consumes the blocks as they come, and only a window of blocks
// exists at once. Memory stays O(left + right) whatever their product, and
// cancellation is seen between blocks.
type crossJoin struct {
	join *hashJoin // the right input materialized and the pair assembly
	left Operator
	// fns are the row-wise steps attached above the join, run on its
	// pairs; schema is their output.
	fns    []batchFn
	schema *arrow.Schema

	inner   Operator          // what Next reads, set on first use
	blocked bool              // inner is the pipeline of pair blocks
	lefts   arrow.RecordBatch // the left input, when blocked
}

var _ stagedOperator = &crossJoin{}

// stagedOperator is an operator that decides how to run when it is first
// read: stage returns the operator that runs it (a pipeline that consume
// can drain on all cores, or any other).
type stagedOperator interface {
	Operator
	stage(ctx context.Context) (Operator, error)
}

func (c *crossJoin) Schema() *arrow.Schema { return c.schema }

func (c *crossJoin) Next(ctx context.Context) (arrow.RecordBatch, error) {
	op, err := c.stage(ctx)
	if err != nil {
		return nil, err
	}
	return op.Next(ctx)
}

func (c *crossJoin) stage(ctx context.Context) (op Operator, err error) {
	if c.inner != nil {
		return c.inner, nil
	}
	defer recoverAsError(&err)
	j := c.join
	if err := j.prepare(); err != nil {
		return nil, err
	}
	m := j.rows.NumRows()
	if m <= crossStreamRight {
		c.inner = attachSteps(c.left, append([]batchFn{j.probe}, c.fns...), c.schema)
		return c.inner, nil
	}
	lefts, err := collectAll(ctx, j.mem, c.left, c.left.Schema())
	if err != nil {
		return nil, err
	}
	c.lefts, c.blocked = lefts, true
	n := lefts.NumRows()
	if n > math.MaxInt32 || m > math.MaxInt32 {
		return nil, core.Errorf(core.KindNotSupported,
			"a cross join of %d by %d rows is not supported: each side may have at most %d rows", n, m, math.MaxInt32)
	}
	pairs := n * m // < 2^62
	size := crossBlockPairs(n, m)
	p := newPipeline(j.node.Schema(), nil, -1)
	p.count = int((pairs + size - 1) / size)
	p.load = func(_ context.Context, i int) (arrow.RecordBatch, error) {
		from := int64(i) * size
		to := min(from+size, pairs)
		lIdx, rIdx := make([]int32, to-from), make([]int32, to-from)
		for k := from; k < to; k++ {
			lIdx[k-from], rIdx[k-from] = int32(k/m), int32(k%m)
		}
		return j.assemble(lefts, lIdx, rIdx)
	}
	p.fns, p.schema = c.fns, c.schema
	c.inner = p
	return p, nil
}

// crossBlockPairs is the number of pairs in a block of an n by m cross
// join: a morsel's worth, or more when that would make more blocks than
// n + m (each block costs a pipeline slot, and the slots must stay
// O(n + m) too).
func crossBlockPairs(n, m int64) int64 {
	size := int64(MorselRows)
	if n+m > 0 {
		size = max(size, (n*m+n+m-1)/(n+m))
	}
	return size
}

func (c *crossJoin) Close() {
	if c.inner != nil {
		c.inner.Close()
	}
	if c.inner == nil || c.blocked {
		c.left.Close() // a streaming inner holds the left input and closed it
	}
	if c.lefts != nil {
		c.lefts.Release()
	}
}

// crossJoin builds a cross join (see crossJoin).
func (b *builder) crossJoin(n *lazy.Join) (Operator, error) {
	right, err := b.build(n.Right)
	if err != nil {
		return nil, err
	}
	j := &hashJoin{mem: b.mem, ctx: b.ctx, node: n, build: right, probeLeft: true}
	b.closers = append(b.closers, j.close)
	left, err := b.build(n.Left)
	if err != nil {
		return nil, err
	}
	return &crossJoin{join: j, left: left, schema: n.Schema()}, nil
}
