package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/lazy"
)

// Selection vectors (DuckDB's and Velox's SelectionVector, CockroachDB
// colexec's Batch.Selection): a scan whose filter keeps most of a piece's
// rows hands on the columns as read together with the positions of the
// kept rows, instead of gathering every column at them; a projection
// evaluates over all the rows and keeps the selection, and the hash
// aggregate groups and folds only the selected rows. Gathering 16-byte
// decimals at 98% of the rows cost TPC-H Q1 a sixth of its time.
//
// What holds: a selBatch exists only inside a pipeline, between its source
// and the steps or sink that said they take selections (pipeline.run);
// every other consumer gets compact's gathered batch, so no operator has to
// understand selections for results to be right. Where a step evaluates
// expressions over all the rows, they are row-wise (a row's result does not
// depend on other rows: selectionSafe), and an error on the whole batch is
// never reported as such: the step runs again over the gathered rows,
// which raises exactly when a kept row fails (a filtered-out row's
// overflow or division by zero must not raise).

// selBatch is a batch whose rows are those of RecordBatch at sel. Its
// NumRows is that of all the rows: only code that knows selections may
// see one (selectionOf).
type selBatch struct {
	arrow.RecordBatch
	sel []int32 // ascending positions of the rows held; read-only, shared
}

// selMinKept is the fraction of a piece's rows a filter must keep for the
// scan to hand them on as a selection instead of gathering them: below
// it, the work the steps after the scan do for the rows dropped outweighs
// the gather saved. Measured on TPC-H Q1's shape at SF 1 (CPU time, 2 cores
// under load): handing on a selection cost 20% more at 49% kept and saved
// 20% at 71%, 15% at 98%.
const selMinKept = 0.6

// withSelection wraps rb (taking over its reference) as the rows at sel.
func withSelection(rb arrow.RecordBatch, sel []int32) arrow.RecordBatch {
	return &selBatch{RecordBatch: rb, sel: sel}
}

// selectionOf splits rb into its columns as held and its selection (nil:
// every row); the reference stays rb's.
func selectionOf(rb arrow.RecordBatch) (arrow.RecordBatch, []int32) {
	if sb, ok := rb.(*selBatch); ok {
		return sb.RecordBatch, sb.sel
	}
	return rb, nil
}

// selectedRows is the number of rows rb holds.
func selectedRows(rb arrow.RecordBatch) int64 {
	if sb, ok := rb.(*selBatch); ok {
		return int64(len(sb.sel))
	}
	return rb.NumRows()
}

// compact returns rb as a plain batch (gathering a selBatch's rows),
// taking over rb's reference: the boundary to code that knows no
// selections (gatherBatch, sort.go's, at ascending positions).
func compact(mem memory.Allocator, rb arrow.RecordBatch) (arrow.RecordBatch, error) {
	sb, ok := rb.(*selBatch)
	if !ok {
		return rb, nil
	}
	defer sb.RecordBatch.Release()
	return gatherBatch(mem, sb.RecordBatch, sb.sel)
}

// selectionSafe reports whether exprs can be evaluated over a selBatch's
// rows, selected or not: they are row-wise (dictTestable's kinds), so the
// selected rows' results are those over the gathered rows.
func selectionSafe(exprs ...lazy.Expr) bool {
	for _, e := range exprs {
		if e != nil && !dictTestable(e) {
			return false
		}
	}
	return true
}

// selectionStep makes fn, a row-wise step whose expressions are
// selectionSafe and which keeps every row (a projection), take selBatches:
// it runs over all the rows and the result keeps the selection. When it
// fails there, it runs again over the gathered rows, so that only a
// selected row's error is reported.
func selectionStep(mem memory.Allocator, fn batchFn) batchFn {
	return func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
		inner, sel := selectionOf(rb)
		if sel == nil {
			return fn(rb)
		}
		inner.Retain() // for the retry: fn takes over one reference
		out, err := fn(inner)
		if err == nil {
			inner.Release()
			if out == nil {
				return nil, nil
			}
			return withSelection(out, sel), nil
		}
		g, gerr := gatherBatch(mem, inner, sel)
		inner.Release()
		if gerr != nil {
			return nil, gerr
		}
		return fn(g)
	}
}

// attachProject adds the projection of exprs to in (attach), as a step
// that takes selections when in is a pipeline and exprs are
// selectionSafe.
func (b *builder) attachProject(in Operator, exprs []lazy.Expr, schema *arrow.Schema) Operator {
	fn := b.projectFn(exprs, schema)
	if p, ok := in.(*pipeline); ok && p.limit < 0 && selectionSafe(exprs...) {
		p.thenSel(selectionStep(b.mem, fn), schema)
		return p
	}
	return b.attach(in, fn, schema)
}
