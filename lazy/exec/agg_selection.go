package exec

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// The hash aggregate over selBatches (selection.go): keys and inputs are
// evaluated over all the rows of a chunk, the rows at the selection
// alone assigned to groups (so that a filtered-out row never makes one:
// two packed keys are coded where they are, others gathered), and the
// states fold in the selected rows where they are (updateStates). A row's
// position (first and last, the groups' order) is its index among the
// selected rows, as in the gathered batch.

// takesSelections reports whether the aggregate's keys and inputs can be
// evaluated over rows a selection leaves out (selectionSafe).
func (op *hashAggOp) takesSelections() bool {
	if !selectionSafe(op.node.Keys...) {
		return false
	}
	for _, a := range op.aggs {
		if !selectionSafe(a.X, a.Y) {
			return false
		}
	}
	return true
}

// consumeSel folds the rows of rb at sel into w, aggChunk selected rows at
// a time; base is the position of the first selected row.
func (op *hashAggOp) consumeSel(w *aggWorker, rb arrow.RecordBatch, sel []int32, base int64) error {
	local := make([]int32, 0, min(len(sel), aggChunk))
	for lo := 0; lo < len(sel); lo += aggChunk {
		hi := min(lo+aggChunk, len(sel))
		from := sel[lo]
		local = local[:0]
		for _, j := range sel[lo:hi] {
			local = append(local, j-from)
		}
		chunk := rb.NewSlice(int64(from), int64(sel[hi-1])+1)
		err := op.consumeChunkSel(w, chunk, local, base+int64(lo))
		chunk.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// consumeChunkSel folds the rows of rb at sel into w. When evaluating over
// all of rb's rows fails, the chunk's selected rows are gathered and
// folded as a plain chunk, which fails only if a selected row does.
func (op *hashAggOp) consumeChunkSel(w *aggWorker, rb arrow.RecordBatch, sel []int32, base int64) error {
	m, err := op.evalInputs(rb)
	if err != nil {
		g, gerr := gatherBatch(op.mem, rb, sel)
		if gerr != nil {
			return gerr
		}
		defer g.Release()
		return op.consumeChunk(w, g, base)
	}
	defer m.release()
	if w.table.packed != nil { // codes the keys where they are
		w.gids = slices.Grow(w.gids[:0], len(sel))[:len(sel)]
		if err := w.assignPacked(m.keys, sel, base); err != nil {
			return err
		}
		return op.updateStates(w, m, sel, base)
	}
	keys, err := gatherArrays(op.mem, m.keys, sel)
	if err != nil {
		return err
	}
	releaseArrays(m.keys)
	m.keys, m.n = keys, len(sel)
	if err := op.assignGroups(w, m.keys, m.n, base); err != nil {
		return err
	}
	return op.updateStates(w, m, sel, base)
}
