package exec

import (
	"math"
	"slices"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Radix-partitioned aggregation for keys with many groups. A worker
// pre-aggregates its morsels into a private table while that reduces rows;
// once its table holds scatterMinGroups groups and more than three groups
// for every four rows it has seen (the keys are nearly unique, as a key of
// six columns or an id), pre-aggregating only builds a table as large as the
// input that the merge then builds again. From then on the worker only
// evaluates a morsel's keys and inputs and splits its rows into
// scatterParts partitions by the hash of their key; the merge, which owns
// whole partitions (one goroutine each, the same hash as for the
// pre-aggregated groups), aggregates each partition's rows straight into
// the partition's table, so every such row is hashed into a table once.

// scatterMinGroups is the size a worker's table must reach before it may
// switch to partitioning rows (a variable so that tests can lower it).
var scatterMinGroups = 1 << 16

// scatterParts is the number of partitions of scattered rows: enough that a
// partition's table of a few million groups stays near the cache's size.
const scatterParts = 64

// scatteredMorsel is a morsel whose rows were partitioned, not aggregated.
// Row-encoded keys (several columns) are encoded and hashed once, here:
// the rows' encodings sit end to end in keys (row i's from offs[i] to
// offs[i+1]) beside their hashes, and the partition's aggregation probes its
// table with them instead of gathering the key columns and encoding again.
type scatteredMorsel struct {
	seq    int
	in     *morselInputs
	parts  [][]int32 // partition -> the morsel's rows in it, ascending
	keys   []byte    // row-encoded keys only
	offs   []uint32
	hashes []uint64
}

// partOf is the partition of a key's hash among parts: from the upper half
// of the hash, since hashBytes sets the lowest bit and the tables' slots
// are picked by multiplying the whole hash.
func partOf(h uint64, parts int) int { return int((h >> 32) % uint64(parts)) }

// canScatter reports whether rows may skip pre-aggregation: there are keys,
// and no aggregate depends on the order of rows (first and last compare
// positions of rows within one table).
func (op *hashAggOp) canScatter() bool {
	if len(op.node.Keys) == 0 {
		return false
	}
	for _, a := range op.aggs {
		if entry, _ := a.Func.Entry(); entry == nil || entry.Ordered {
			return false
		}
	}
	return true
}

// shouldScatter reports whether w's pre-aggregation stopped paying.
func (w *aggWorker) shouldScatter() bool {
	g := int64(w.table.size())
	return g >= int64(scatterMinGroups) && 4*g > 3*w.rows
}

// scatter evaluates a morsel and keeps its rows split by partition.
func (op *hashAggOp) scatter(w *aggWorker, rb arrow.RecordBatch, seq int) error {
	defer rb.Release()
	m, err := op.evalInputs(rb)
	if err != nil {
		return err
	}
	parts := make([][]int32, scatterParts)
	sm := scatteredMorsel{seq: seq, in: m, parts: parts}
	encoded := false
	if op.keyMode() == keysBytes {
		sm.keys = w.keyScratch[:0]
		if encoded, err = sm.encodeKeys(m.keys); err != nil {
			m.release()
			return err
		}
		if encoded {
			w.keyScratch = sm.keys
			sm.keys = w.keepKeys(slotMem, sm.keys)
		}
	}
	if encoded {
		for i, h := range sm.hashes {
			p := partOf(h, scatterParts)
			parts[p] = append(parts[p], int32(i))
		}
		// The key columns are no longer needed: only the values are.
		releaseArrays(m.keys)
		clear(m.keys)
	} else {
		err = op.rowHashes(w, m.keys, func(i int, h uint64) {
			p := partOf(h, scatterParts)
			parts[p] = append(parts[p], int32(i))
		})
		if err != nil {
			m.release()
			return err
		}
	}
	w.scattered = append(w.scattered, sm)
	return nil
}

// keepKeys copies a morsel's encoded keys out of the Go heap into a buffer
// of mem (slotMem: the executor's own allocator is the Go heap's), which
// the worker frees once the output is built (releaseKeys):
// the partitions' groups reference their keys there until then, and as the
// largest part of a many-group aggregation's memory they would otherwise
// be doubled by the garbage collector's headroom.
func (w *aggWorker) keepKeys(mem memory.Allocator, keys []byte) []byte {
	if len(keys) == 0 {
		return keys
	}
	buf := core.AllocateUninit(mem, len(keys))
	w.keyBufs = append(w.keyBufs, buf)
	b := buf.Bytes()[:len(keys):len(keys)]
	copy(b, keys)
	return b
}

// releaseKeys frees the workers' kept keys (keepKeys).
func releaseKeys(workers []*aggWorker) {
	for _, w := range workers {
		if w == nil {
			continue
		}
		for _, b := range w.keyBufs {
			b.Release()
		}
		w.keyBufs = nil
	}
}

// encodeKeys row-encodes and hashes every row's key; false (and nothing
// kept) when the morsel's keys take more bytes than 32-bit offsets reach.
func (sm *scatteredMorsel) encodeKeys(keys []arrow.Array) (bool, error) {
	enc, err := newRowEncoder(keys)
	if err != nil {
		return false, err
	}
	n := keys[0].Len()
	sm.offs = make([]uint32, n+1)
	sm.hashes = make([]uint64, n)
	for i := range n {
		if i == 1 {
			// Room for every row at about the first row's size.
			sm.keys = slices.Grow(sm.keys, (n-1)*(len(sm.keys)+4))
		}
		start := len(sm.keys)
		sm.keys = enc.encode(sm.keys, i)
		if uint64(len(sm.keys)) > math.MaxUint32 {
			sm.keys, sm.offs, sm.hashes = nil, nil, nil
			return false, nil
		}
		sm.offs[i+1] = uint32(len(sm.keys))
		sm.hashes[i] = hashBytes(sm.keys[start:])
	}
	return true, nil
}

// rowHashes calls fn with each row's key hash: the hash merge gives the
// row's group (hashInt of an integer key, the string or the row encoding
// (hashBytes), 0 for a null single key).
func (op *hashAggOp) rowHashes(w *aggWorker, keys []arrow.Array, fn func(i int, h uint64)) error {
	k := keys[0]
	n := k.Len()
	switch op.keyMode() {
	case keysInt:
		w.ikeys = intKeys(k, w.ikeys)
		for i, v := range w.ikeys {
			if k.IsNull(i) {
				fn(i, 0)
			} else {
				fn(i, hashInt(v))
			}
		}
	case keysString:
		at := kernels.StringAt(k)
		if d, ok := k.(*array.Dictionary); ok {
			var err error
			if at, err = categoricalAt(d); err != nil {
				return err
			}
		}
		for i := range n {
			if k.IsNull(i) {
				fn(i, 0)
			} else {
				s := at(i)
				fn(i, hashBytes(unsafe.Slice(unsafe.StringData(s), len(s))))
			}
		}
	default:
		enc, err := newRowEncoder(keys)
		if err != nil {
			return err
		}
		for i := range n {
			w.buf = enc.encode(w.buf[:0], i)
			fn(i, hashBytes(w.buf))
		}
	}
	return nil
}

// aggregateScattered folds the rows of partition p of every scattered
// morsel (in morsel order) into the partition's table and states.
func (op *hashAggOp) aggregateScattered(pw *aggWorker, morsels []scatteredMorsel, p int) error {
	// Rows get positions far above any real one, so that the loop below
	// replaces a new group's first position with its row's real one.
	const unplaced = int64(1) << 62
	for _, sm := range morsels {
		rows := sm.parts[p]
		if len(rows) == 0 {
			continue
		}
		g, err := gatherInputs(op, sm.in, rows)
		if err != nil {
			return err
		}
		if sm.keys != nil {
			// Keys encoded and hashed when the rows were partitioned.
			// The table references them where they are, uncopied.
			pw.gids = slices.Grow(pw.gids[:0], len(rows))[:len(rows)]
			for i, r := range rows {
				k := sm.keys[sm.offs[r]:sm.offs[r+1]]
				pw.gids[i] = pw.table.internBytesRef(k, sm.hashes[r], unplaced)
			}
			err = op.updateStates(pw, g, nil, unplaced)
		} else {
			err = op.aggregate(pw, g, unplaced)
		}
		g.release()
		if err != nil {
			return err
		}
		first := pw.table.first
		for i, gid := range pw.gids {
			if pos := int64(sm.seq)<<32 | int64(rows[i]); pos < first[gid] {
				first[gid] = pos
			}
		}
	}
	return nil
}

// gatherInputs takes the given rows of a morsel's evaluated columns.
func gatherInputs(op *hashAggOp, m *morselInputs, rows []int32) (*morselInputs, error) {
	out := &morselInputs{n: len(rows)}
	var err error
	if out.keys, err = gatherArrays(op.mem, m.keys, rows); err != nil {
		return nil, err
	}
	if out.inputs, err = gatherArrays(op.mem, m.inputs, rows); err != nil {
		releaseArrays(out.keys)
		return nil, err
	}
	if out.seconds, err = gatherArrays(op.mem, m.seconds, rows); err != nil {
		releaseArrays(out.keys)
		releaseArrays(out.inputs)
		return nil, err
	}
	return out, nil
}

// gatherArrays takes the given rows of each array (nil stays nil); the
// caller releases them (after an error there is nothing to release).
func gatherArrays(mem memory.Allocator, as []arrow.Array, rows []int32) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(as))
	for i, a := range as {
		if a == nil {
			continue
		}
		g, err := kernels.Gather(mem, a, rows)
		if err != nil {
			releaseArrays(out)
			return nil, err
		}
		out[i] = g
	}
	return out, nil
}

// scatteredBySeq collects the workers' scattered morsels in input order.
func scatteredBySeq(workers []*aggWorker) []scatteredMorsel {
	var all []scatteredMorsel
	for _, w := range workers {
		all = append(all, w.scattered...)
	}
	slices.SortFunc(all, func(a, b scatteredMorsel) int { return a.seq - b.seq })
	return all
}

// releaseScattered frees the workers' scattered morsels.
func releaseScattered(workers []*aggWorker) {
	for _, w := range workers {
		if w == nil {
			continue
		}
		for _, sm := range w.scattered {
			sm.in.release()
		}
		w.scattered = nil
	}
}
