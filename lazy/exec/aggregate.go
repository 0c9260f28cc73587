package exec

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// hashAggOp is a hash aggregation. Workers aggregate their morsels into
// private hash tables (no locks); the tables are then merged partition by
// partition in parallel (a group's partition is a hash of its key, so every
// partition is merged by one goroutine). Groups come out in order of first
// appearance in the input, which makes the output deterministic.
type hashAggOp struct {
	mem    memory.Allocator
	input  Operator
	node   *lazy.Aggregate
	aggs   []*lazy.Agg
	done   bool
	schema *arrow.Schema
}

func newHashAgg(mem memory.Allocator, input Operator, n *lazy.Aggregate) (*hashAggOp, error) {
	op := &hashAggOp{mem: mem, input: input, node: n, schema: n.Schema()}
	for _, e := range n.Aggregates {
		a, ok := lazy.StripAlias(e).(*lazy.Agg)
		if !ok {
			return nil, core.Errorf(core.KindInternal, "aggregate node holds a non-aggregate %s", e)
		}
		op.aggs = append(op.aggs, decimalMeanInput(a))
	}
	return op, nil
}

// decimalMeanInput gives a mean of a decimal cast to Float64 (how the plan
// types the mean of decimals, as Polars) the decimals themselves: mean's
// state converts them as the cast does, a block at a time (fn's meanState),
// instead of the cast making a float array of every batch. The result is
// the same float. Any other aggregate is returned as it is.
func decimalMeanInput(a *lazy.Agg) *lazy.Agg {
	c, ok := a.X.(*lazy.Cast)
	if a.Func != fn.AggMean || !ok || c.To.ID() != arrow.FLOAT64 || c.X.DataType().ID() != arrow.DECIMAL128 {
		return a
	}
	b := *a
	b.X = c.X
	return &b
}

func (op *hashAggOp) Schema() *arrow.Schema { return op.schema }
func (op *hashAggOp) Close()                { op.input.Close() }

// groupTable maps keys to dense group ids and remembers, per group, its key
// and the position of its first row.
type groupTable struct {
	intMode   bool
	strMode   bool // one string key: the value itself is the map key
	ints      *intMap
	dir       *directGroups // one integer key of a dense range, instead of ints (groupdirect.go)
	slotMem   memory.Allocator
	keyLo     int64 // the range of intKeys but nulls; keyHi < keyLo: none
	keyHi     int64
	nullGroup int32
	strs      *bytesMap   // one string key
	index     *groupIndex // row-encoded keys, copied into arena
	arena     keyArena
	intKeys   []int64
	keyNull   []bool
	strKeys   []string
	hashes    []uint64 // string and byte keys: each group's hashBytes (0 for null), reused by the merge
	first     []int64
	packed    *packedKeys // two packed key columns (agg_packed.go): ints holds the packed codes
}

// Key modes of a group table.
const (
	keysBytes  = iota // row-encoded keys (any types, any number)
	keysInt           // one integer-like key
	keysString        // one string key
)

func newGroupTable(mode int) *groupTable { return newGroupTableIn(mode, nil) }

// newGroupTableIn is newGroupTable with the hash table's large slot arrays
// from mem (allocSlots): the table must then be dropped (dropIndex) once
// no more groups are looked up, or its slots are never freed.
func newGroupTableIn(mode int, mem memory.Allocator) *groupTable {
	t := &groupTable{intMode: mode == keysInt, strMode: mode == keysString, nullGroup: -1, slotMem: mem, keyLo: 1}
	switch mode {
	case keysInt:
		t.ints = newIntMapIn(mem, 0)
	case keysString:
		t.strs = newBytesMap(0)
	default:
		t.index = newGroupIndex(mem, 0)
	}
	return t
}

// internString finds or adds the group of a string key; s may point into
// an Arrow buffer: it is copied only when a new group is made.
func (t *groupTable) internString(s string, pos int64) int32 {
	k := unsafe.Slice(unsafe.StringData(s), len(s))
	return t.internStringHash(k, hashBytes(k), pos)
}

// internStringHash is internString of a key whose hash is known.
func (t *groupTable) internStringHash(k []byte, h uint64, pos int64) int32 {
	g, found, key := t.strs.getOrPutHash(k, h, int32(len(t.first)))
	if found {
		return g
	}
	t.strKeys = appendGrow(t.strKeys, key)
	t.hashes = appendGrow(t.hashes, h)
	t.keyNull = appendGrow(t.keyNull, false)
	t.first = appendGrow(t.first, pos)
	return g
}

func (t *groupTable) internStringNull(pos int64) int32 {
	if t.nullGroup >= 0 {
		return t.nullGroup
	}
	g := int32(len(t.first))
	t.nullGroup = g
	t.strKeys = appendGrow(t.strKeys, "")
	t.hashes = appendGrow(t.hashes, 0)
	t.keyNull = appendGrow(t.keyNull, true)
	t.first = appendGrow(t.first, pos)
	return g
}

func (t *groupTable) size() int { return len(t.first) }

// releaseSlots frees the hash table of a table whose groups are no longer
// looked up but still merged (by their keys and hashes).
func (t *groupTable) releaseSlots() {
	if t.ints != nil {
		t.ints.release()
	}
	if t.index != nil {
		t.index.release()
	}
	if t.dir != nil {
		t.dir.release()
	}
	t.ints, t.index, t.dir = nil, nil, nil
}

// dropIndex frees what only finding groups needs (the hash table and the
// groups' hashes) once no more groups will be looked up: the output needs
// the keys alone, and the index is most of a table's bytes. The keys of a
// string table stay valid: they point into the arena's chunks, which the
// garbage collector keeps for them. Slots from slotMem go
// back to it here, for the next table to reuse; dropping twice is harmless.
func (t *groupTable) dropIndex() {
	t.releaseSlots()
	t.strs, t.hashes = nil, nil
}

func (t *groupTable) internInt(k int64, pos int64) int32 {
	if d := t.dir; d != nil {
		// k - lo wraps to beyond the array for every key outside it.
		if i := uint64(k - d.lo); i < uint64(len(d.slots)) {
			if g := d.slots[i]; g != 0 {
				return g - 1
			}
			g := int32(len(t.first))
			d.slots[i] = g + 1
			t.addInt(k, pos)
			return g
		}
		t.toHash(0) // a key outside the array (reserveInts not told of it)
	}
	g, found := t.ints.getOrPut(k, int32(len(t.first)))
	if found {
		return g
	}
	t.addInt(k, pos)
	return g
}

func (t *groupTable) addInt(k int64, pos int64) {
	if t.keyHi < t.keyLo {
		t.keyLo, t.keyHi = k, k
	} else {
		t.keyLo, t.keyHi = min(t.keyLo, k), max(t.keyHi, k)
	}
	t.intKeys = appendGrow(t.intKeys, k)
	t.keyNull = appendGrow(t.keyNull, false)
	t.first = appendGrow(t.first, pos)
}

func (t *groupTable) internNull(pos int64) int32 {
	if t.nullGroup >= 0 {
		return t.nullGroup
	}
	g := int32(len(t.first))
	t.nullGroup = g
	t.intKeys = appendGrow(t.intKeys, 0)
	t.keyNull = appendGrow(t.keyNull, true)
	t.first = appendGrow(t.first, pos)
	return g
}

func (t *groupTable) internBytes(k []byte, pos int64) int32 {
	return t.internBytesHash(k, hashBytes(k), pos)
}

// internBytesHash is internBytes of a key whose hash is known.
func (t *groupTable) internBytesHash(k []byte, h uint64, pos int64) int32 {
	t.index.reserve(t.hashes)
	g, slot := t.index.find(k, h, t.strKeys)
	if g >= 0 {
		return g
	}
	return t.addBytes(t.arena.store(k), h, slot, pos)
}

// internBytesRef is internBytesHash of a key in a buffer that never
// changes and outlives the table's keys (a partitioned morsel's encoded
// keys): a new group keeps the key where it is instead of copying it.
func (t *groupTable) internBytesRef(k []byte, h uint64, pos int64) int32 {
	t.index.reserve(t.hashes)
	g, slot := t.index.find(k, h, t.strKeys)
	if g >= 0 {
		return g
	}
	return t.addBytes(unsafe.String(unsafe.SliceData(k), len(k)), h, slot, pos)
}

func (t *groupTable) addBytes(key string, h uint64, slot int, pos int64) int32 {
	g := int32(len(t.first))
	t.index.insert(slot, h, g)
	t.strKeys = appendGrow(t.strKeys, key)
	t.hashes = appendGrow(t.hashes, h)
	t.first = appendGrow(t.first, pos)
	return g
}

// aggWorker is one worker's private table and aggregate states.
type aggWorker struct {
	table  *groupTable
	states []aggState
	gids   []int32
	ikeys  []int64
	buf    []byte
	prev   []byte // the previous row's encoded key
	// A Categorical key's groups by code, valid while batches carry the
	// dictionary dictOf (see assignCategorical).
	dictOf   arrow.ArrayData
	dictGids []int32
	codes    []int32
	// Radix partitioning (agg_radix.go): rows aggregated so far, whether
	// this worker now partitions rows instead, and the morsels it did so.
	rows      int64
	scatter   bool
	scattered []scatteredMorsel
	// Partitioned morsels' encoded keys, outside the Go heap (keepKeys),
	// and the buffer they are encoded in first.
	keyBufs    []*memory.Buffer
	keyScratch []byte
}

func (op *hashAggOp) newStates() ([]aggState, error) {
	states := make([]aggState, len(op.aggs))
	for i, a := range op.aggs {
		s, err := newAggState(a)
		if err != nil {
			return nil, err
		}
		states[i] = s
	}
	return states, nil
}

// newWorkerTable is a worker's table: packed when the key allows it.
func (op *hashAggOp) newWorkerTable() *groupTable {
	types := make([]arrow.DataType, len(op.node.Keys))
	for i, k := range op.node.Keys {
		types[i] = k.DataType()
	}
	if !packable(types) {
		return newGroupTableIn(op.keyMode(), slotMem)
	}
	return &groupTable{nullGroup: -1, ints: newIntMapIn(slotMem, 0), packed: newPackedKeys(types)}
}

func (op *hashAggOp) keyMode() int {
	switch {
	case len(op.node.Keys) == 1 && intKeyable(op.node.Keys[0].DataType()):
		return keysInt
	case len(op.node.Keys) == 1 && (core.IsString(op.node.Keys[0].DataType()) || core.IsCategorical(op.node.Keys[0].DataType())):
		return keysString
	}
	return keysBytes
}

// morselInputs are one morsel's evaluated key columns, aggregate inputs and
// second inputs (Y of corr and cov); entries are nil where there is none.
type morselInputs struct {
	keys, inputs, seconds []arrow.Array
	n                     int
}

func (m *morselInputs) release() {
	releaseArrays(m.keys)
	releaseArrays(m.inputs)
	releaseArrays(m.seconds)
}

// evalInputs evaluates a morsel's keys and aggregate inputs; the caller
// releases them (after an error there is nothing to release).
func (op *hashAggOp) evalInputs(rb arrow.RecordBatch) (*morselInputs, error) {
	m := &morselInputs{
		keys:    make([]arrow.Array, len(op.node.Keys)),
		inputs:  make([]arrow.Array, len(op.aggs)),
		seconds: make([]arrow.Array, len(op.aggs)),
		n:       int(rb.NumRows()),
	}
	var err error
	for i, k := range op.node.Keys {
		if m.keys[i], err = evalArray(op.mem, k, rb); err != nil {
			m.release()
			return nil, err
		}
	}
	for i, a := range op.aggs {
		if a.X == nil {
			continue
		}
		if m.inputs[i], err = evalArray(op.mem, a.X, rb); err != nil {
			m.release()
			return nil, err
		}
		if a.Y != nil {
			if m.seconds[i], err = evalArray(op.mem, a.Y, rb); err != nil {
				m.release()
				return nil, err
			}
		}
	}
	for _, list := range [][]arrow.Array{m.keys, m.inputs, m.seconds} {
		settleNullCounts(list) // partitions of a radix-partitioned merge share them
	}
	return m, nil
}

// aggChunk is the number of rows a morsel is aggregated by at a time: a
// chunk's input slices, expression intermediates and group ids stay in the
// L2 cache while every aggregate reads them, where a whole morsel's (a
// Parquet row group of ~100k rows, 16 bytes a decimal) would be fetched
// from memory again by each aggregate over the same column.
const aggChunk = 8 << 10

// consume folds a morsel into w, aggChunk rows at a time; base is the
// position of its first row (each chunk's rows keep their positions).
func (op *hashAggOp) consume(w *aggWorker, rb arrow.RecordBatch, base int64) error {
	defer rb.Release()
	if inner, sel := selectionOf(rb); sel != nil {
		return op.consumeSel(w, inner, sel, base) // agg_selection.go
	}
	n := rb.NumRows()
	if n <= 2*aggChunk {
		return op.consumeChunk(w, rb, base)
	}
	for lo := int64(0); lo < n; lo += aggChunk {
		chunk := rb.NewSlice(lo, min(lo+aggChunk, n))
		err := op.consumeChunk(w, chunk, base+lo)
		chunk.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// consumeChunk folds rb's rows into w; base is the position of its first.
func (op *hashAggOp) consumeChunk(w *aggWorker, rb arrow.RecordBatch, base int64) error {
	m, err := op.evalInputs(rb)
	if err != nil {
		return err
	}
	defer m.release()
	return op.aggregate(w, m, base)
}

// aggregate folds a morsel's rows into w's table and states.
func (op *hashAggOp) aggregate(w *aggWorker, m *morselInputs, base int64) error {
	if err := op.assignGroups(w, m.keys, m.n, base); err != nil {
		return err
	}
	return op.updateStates(w, m, nil, base)
}

// updateStates folds a morsel's aggregate inputs into w's states by the
// groups in w.gids: the inputs' rows at sel (w.gids[k] is row sel[k]'s
// group), or all of them when sel is nil. A state that takes selections
// (fn.SelUpdater) reads the rows where they are; the others get them
// gathered.
func (op *hashAggOp) updateStates(w *aggWorker, m *morselInputs, sel []int32, base int64) error {
	groups := w.table.size()
	for i, s := range w.states {
		s.Grow(groups)
		in, second := m.inputs[i], m.seconds[i]
		if su, ok := s.(fn.SelUpdater); ok && sel != nil && in != nil {
			su.UpdateSel(w.gids, in, sel)
			continue
		}
		if sel != nil {
			g, err := gatherArrays(op.mem, []arrow.Array{in, second}, sel)
			if err != nil {
				return err
			}
			defer releaseArrays(g)
			in, second = g[0], g[1]
		}
		if p, ok := s.(pairAggState); ok {
			p.UpdatePair(w.gids, in, second)
			continue
		}
		s.Update(w.gids, in, base)
	}
	return nil
}

// assignGroups sets w.gids to the group of each of the n rows of keys,
// creating groups as needed; base is the position of the first row.
func (op *hashAggOp) assignGroups(w *aggWorker, keys []arrow.Array, n int, base int64) error {
	w.gids = slices.Grow(w.gids[:0], n)[:n]
	t := w.table
	switch {
	case len(keys) == 0:
		if t.size() == 0 {
			t.first = appendGrow(t.first, base)
		}
		clear(w.gids)
	case t.packed != nil:
		return w.assignPacked(keys, nil, base)
	case t.intMode:
		w.ikeys = intKeys(keys[0], w.ikeys)
		var null func(int) bool
		if keys[0].NullN() > 0 {
			null = keys[0].IsNull
		}
		lo, hi := minMaxInts(w.ikeys, null)
		t.reserveInts(lo, hi, n)
		if null == nil {
			// Rows of one key often come together (data sorted or
			// clustered by it, as TPC-H's lineitem by l_orderkey): a run
			// reuses its group without probing the table again.
			prevK, prevG := int64(0), int32(-1)
			for i, k := range w.ikeys {
				if prevG >= 0 && k == prevK {
					w.gids[i] = prevG
					continue
				}
				prevK, prevG = k, t.internInt(k, base+int64(i))
				w.gids[i] = prevG
			}
		} else {
			for i, k := range w.ikeys {
				if keys[0].IsNull(i) {
					w.gids[i] = t.internNull(base + int64(i))
				} else {
					w.gids[i] = t.internInt(k, base+int64(i))
				}
			}
		}
	case t.strMode && keys[0].DataType().ID() == arrow.DICTIONARY:
		return w.assignCategorical(keys[0].(*array.Dictionary), base)
	case t.strMode:
		at := kernels.StringAt(keys[0])
		nulls := keys[0].NullN() > 0
		for i := range n {
			if nulls && keys[0].IsNull(i) {
				w.gids[i] = t.internStringNull(base + int64(i))
			} else {
				w.gids[i] = t.internString(at(i), base+int64(i))
			}
		}
	default:
		enc, err := newRowEncoder(keys)
		if err != nil {
			return err
		}
		prevG := int32(-1)
		for i := range n {
			w.buf = enc.encode(w.buf[:0], i)
			if prevG >= 0 && bytes.Equal(w.buf, w.prev) {
				w.gids[i] = prevG
				continue
			}
			prevG = t.internBytes(w.buf, base+int64(i))
			w.gids[i] = prevG
			w.prev = append(w.prev[:0], w.buf...)
		}
	}
	return nil
}

// assignCategorical groups rows by a Categorical key through its codes: a
// dictionary value is interned (by value, so that batches with different
// dictionaries still meet in one group) the first time a code appears, its
// group is cached by code for as long as batches share the dictionary (all
// batches of an imported column do), and every other row takes its group
// from the cache, without hashing a string per row.
func (w *aggWorker) assignCategorical(d *array.Dictionary, base int64) error {
	dict := d.Dictionary()
	if dd := d.Data().Dictionary(); dd != w.dictOf {
		w.dictOf = dd
		w.dictGids = slices.Grow(w.dictGids[:0], dict.Len())[:dict.Len()]
		for i := range w.dictGids {
			w.dictGids[i] = -1
		}
	}
	w.codes = kernels.DictCodes(d, w.codes)
	if err := kernels.CheckDictCodes(w.codes, dict.Len()); err != nil {
		return err
	}
	at := kernels.StringAt(dict)
	t := w.table
	for i, c := range w.codes {
		if c < 0 {
			w.gids[i] = t.internStringNull(base + int64(i))
			continue
		}
		g := w.dictGids[c]
		if g < 0 {
			if dict.IsNull(int(c)) {
				g = t.internStringNull(base + int64(i))
			} else {
				g = t.internString(at(int(c)), base+int64(i))
			}
			w.dictGids[c] = g
		}
		w.gids[i] = g
	}
	return nil
}

// evalArray evaluates an expression to a materialized array.
func evalArray(mem memory.Allocator, e lazy.Expr, rb arrow.RecordBatch) (arrow.Array, error) {
	v, err := evalExpr(mem, e, rb)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	return v.Materialize(mem, int(rb.NumRows()))
}

// evalArrays evaluates expressions to materialized arrays, which the caller
// releases (releaseArrays); after an error there is nothing to release.
func evalArrays(mem memory.Allocator, exprs []lazy.Expr, rb arrow.RecordBatch) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(exprs))
	for i, e := range exprs {
		a, err := evalArray(mem, e, rb)
		if err != nil {
			releaseArrays(out)
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}

func (op *hashAggOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if op.done {
		return nil, nil
	}
	op.done = true
	workers := make([]*aggWorker, runtime.GOMAXPROCS(0))
	defer releaseScattered(workers)
	defer releaseKeys(workers) // after the output: its groups' keys point into them
	defer func() {
		// Frees the hash tables' slots after an error too (see allocSlots).
		for _, w := range workers {
			if w != nil && w.table != nil {
				w.table.dropIndex()
			}
		}
	}()
	canScatter := op.canScatter()
	var initErr error
	var mu sync.Mutex
	used, err := consumeSel(ctx, op.input, op.takesSelections(), func(wid, seq int, rb arrow.RecordBatch) error {
		w := workers[wid]
		if w == nil {
			states, err := op.newStates()
			if err != nil {
				mu.Lock()
				initErr = err
				mu.Unlock()
				rb.Release()
				return err
			}
			w = &aggWorker{table: op.newWorkerTable(), states: states}
			workers[wid] = w
		}
		if w.scatter {
			rb, err := compact(op.mem, rb)
			if err != nil {
				return err
			}
			return op.scatter(w, rb, seq)
		}
		w.rows += selectedRows(rb)
		if err := op.consume(w, rb, int64(seq)<<32); err != nil {
			return err
		}
		w.scatter = canScatter && w.shouldScatter()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if initErr != nil {
		return nil, initErr
	}
	var live []*aggWorker
	for _, w := range workers[:max(used, 1)] {
		if w != nil {
			if w.table.packed != nil {
				packed := w.table
				w.table = packed.unpack(slotMem)
				packed.dropIndex()
			}
			// No more rows to look up: the worker's hash table goes back
			// to the allocator before the merge makes the partitions'.
			w.table.releaseSlots()
			live = append(live, w)
		}
	}
	if len(live) == 0 {
		states, err := op.newStates()
		if err != nil {
			return nil, err
		}
		live = append(live, &aggWorker{table: newGroupTable(op.keyMode()), states: states})
	}
	if len(op.node.Keys) == 0 && live[0].table.size() == 0 {
		// A global aggregate of no rows still gives one row.
		live[0].table.first = append(live[0].table.first, 0)
	}
	final, err := op.merge(ctx, live)
	if err != nil {
		return nil, err
	}
	// The merged partitions hold all that is left to output: the workers'
	// tables and partitioned rows can go before the output is built.
	releaseScattered(workers)
	for _, w := range live {
		w.table, w.states = nil, nil
	}
	return op.output(final)
}

// partial is one merged partition: its table and states.
type partial struct {
	table  *groupTable
	states []aggState
}

func (op *hashAggOp) merge(ctx context.Context, workers []*aggWorker) ([]partial, error) {
	scattered := scatteredBySeq(workers)
	if len(workers) == 1 && len(scattered) == 0 {
		workers[0].table.dropIndex()
		return []partial{{workers[0].table, workers[0].states}}, nil
	}
	if len(op.node.Keys) == 0 {
		// One group everywhere: fold every worker into the first.
		dst := partial{workers[0].table, workers[0].states}
		zero := []int32{0}
		for _, w := range workers[1:] {
			if w.table.size() == 0 {
				continue
			}
			if dst.table.size() == 0 {
				dst.table.first = append(dst.table.first, w.table.first[0])
			}
			for i, s := range dst.states {
				s.Grow(1)
				s.Merge(w.states[i], zero, zero)
			}
		}
		return []partial{dst}, nil
	}
	parts := 1
	total := 0
	for _, w := range workers {
		total += w.table.size()
	}
	switch {
	case len(scattered) > 0:
		parts = scatterParts // as the rows were partitioned
	case total > 4096:
		parts = 2 * runtime.GOMAXPROCS(0)
	}
	// Assign each worker's groups to partitions.
	lists := make([][][]int32, len(workers)) // worker -> partition -> groups
	intMode := workers[0].table.intMode
	mode := op.keyMode()
	// Integer keys of a dense range are partitioned by range instead of
	// hash (unless rows were scattered by hash): each partition's keys then
	// span a slice of the range, which its table indexes directly.
	byRange, lo, span := false, int64(0), uint64(0)
	if intMode && parts > 1 && len(scattered) == 0 {
		lo, span, byRange = workersKeyRange(workers, total)
	}
	for wi, w := range workers {
		lists[wi] = make([][]int32, parts)
		for g := range w.table.size() {
			var h uint64
			p := 0
			switch {
			case parts == 1:
			case intMode && w.table.keyNull[g]:
			case byRange:
				p = int((uint64(w.table.intKeys[g]-lo) * uint64(parts)) / span)
			case intMode:
				h = hashInt(w.table.intKeys[g])
				p = partOf(h, parts)
			default:
				h = w.table.hashes[g] // 0 for a null string key
				p = partOf(h, parts)
			}
			lists[wi][p] = append(lists[wi][p], int32(g))
		}
	}
	out := make([]partial, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for p := range parts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer recoverAsError(&errs[p])
			if err := ctx.Err(); err != nil {
				errs[p] = err
				return
			}
			t := newGroupTableIn(mode, slotMem)
			defer t.dropIndex() // after an error too: frees the slots
			// At most the groups the workers hand this partition: size the
			// table once instead of growing it.
			n := 0
			for wi := range workers {
				n += len(lists[wi][p])
			}
			// Rows are partitioned only while keys are nearly unique: the
			// partition's rows bound its new groups closely enough too.
			for _, sm := range scattered {
				n += len(sm.parts[p])
			}
			switch {
			case intMode:
				t.ints.release()
				t.ints = nil
				if len(scattered) == 0 {
					// Every key this partition gets is in the lists.
					t.reserveInts(listsKeyRange(workers, lists, p))
				}
				if t.dir == nil {
					t.ints.release() // as reserveInts may have made it, too small
					t.ints = newIntMapIn(slotMem, n)
				}
				t.intKeys = make([]int64, 0, n)
			case t.strMode:
				t.strs = newBytesMap(n)
			default:
				t.index.release()
				t.index = newGroupIndex(slotMem, n)
			}
			if !intMode {
				t.strKeys = make([]string, 0, n)
				t.hashes = make([]uint64, 0, n)
			}
			t.first = make([]int64, 0, n)
			states, err := op.newStates()
			if err != nil {
				errs[p] = err
				return
			}
			for wi, w := range workers {
				src := lists[wi][p]
				dst := make([]int32, len(src))
				for i, g := range src {
					pos := w.table.first[g]
					switch {
					case intMode && w.table.keyNull[g]:
						dst[i] = t.internNull(pos)
					case intMode:
						dst[i] = t.internInt(w.table.intKeys[g], pos)
					case t.strMode && w.table.keyNull[g]:
						dst[i] = t.internStringNull(pos)
					case t.strMode:
						k := w.table.strKeys[g]
						dst[i] = t.internStringHash(unsafe.Slice(unsafe.StringData(k), len(k)), w.table.hashes[g], pos)
					default:
						// The worker's arena never changes: its keys are
						// referenced, not copied again.
						k := w.table.strKeys[g]
						dst[i] = t.internBytesRef(unsafe.Slice(unsafe.StringData(k), len(k)), w.table.hashes[g], pos)
					}
					if pos < t.first[dst[i]] {
						t.first[dst[i]] = pos
					}
				}
				for j, s := range states {
					s.Grow(t.size())
					s.Merge(w.states[j], src, dst)
				}
			}
			if len(scattered) > 0 {
				pw := &aggWorker{table: t, states: states}
				if err := op.aggregateScattered(pw, scattered, p); err != nil {
					errs[p] = err
					return
				}
			}
			t.dropIndex()
			out[p] = partial{t, states}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// output builds the result batch: every partition's aggregates,
// concatenated, then put in order of first appearance; the keys are put in
// that order first and built once, straight into their columns.
func (op *hashAggOp) output(parts []partial) (arrow.RecordBatch, error) {
	mem := op.mem
	nkeys := len(op.node.Keys)
	aggCols := make([][]arrow.Array, len(op.aggs))
	var firsts []int64
	defer func() {
		for _, c := range aggCols {
			releaseArrays(c)
		}
	}()
	keyTypes := make([]arrow.DataType, nkeys)
	for i, k := range op.node.Keys {
		keyTypes[i] = k.DataType()
	}
	var (
		intKeys []int64
		strKeys []string
		keyNull []bool
	)
	total := 0
	for _, p := range parts {
		total += p.table.size()
	}
	firsts = make([]int64, 0, total)
	kt := parts[0].table // the key mode of every partition
	for i := range parts {
		// Each partition's keys and states are dropped as soon as they are
		// copied out, so that they and the whole result's do not all live
		// at once.
		t := parts[i].table
		firsts = append(firsts, t.first...)
		intKeys = append(intKeys, t.intKeys...)
		strKeys = append(strKeys, t.strKeys...)
		keyNull = append(keyNull, t.keyNull...)
		for j, s := range parts[i].states {
			s.Grow(t.size())
			arr, err := s.Finish(mem)
			if err != nil {
				return nil, err
			}
			aggCols[j] = append(aggCols[j], arr)
			parts[i].states[j] = nil
		}
		parts[i].table = nil
	}
	var order []int32
	if !slices.IsSorted(firsts) {
		// First rows are non-negative (morsel << 32 | row): sort as unsigned.
		order = sortByKey(unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(firsts))), len(firsts)))
		intKeys = permute(intKeys, order)
		keyNull = permute(keyNull, order)
		if kt.strMode {
			// Row-encoded keys are decoded through the order instead
			// (decodeKeys): no second copy of every key's header.
			strKeys = permute(strKeys, order)
		}
	}
	firsts = nil
	final := make([]arrow.Array, nkeys+len(op.aggs))
	defer releaseArrays(final)
	if nkeys > 0 {
		keys, err := buildKeys(mem, kt, keyTypes, intKeys, strKeys, keyNull, order)
		if err != nil {
			return nil, err
		}
		intKeys, strKeys, keyNull = nil, nil, nil
		copy(final, keys)
	}
	for i, parts := range aggCols {
		var whole arrow.Array
		if len(parts) == 1 {
			whole = parts[0]
			whole.Retain()
		} else {
			var err error
			if whole, err = array.Concatenate(parts, mem); err != nil {
				return nil, err
			}
		}
		if order == nil {
			final[nkeys+i] = whole
			continue
		}
		g, err := kernels.Gather(mem, whole, order)
		whole.Release()
		if err != nil {
			return nil, err
		}
		final[nkeys+i] = g
	}
	out := array.NewRecordBatch(op.schema, final, int64(total))
	return out, nil
}

// buildKeys builds the key columns of groups from their keys as a table of
// t's mode holds them (integers, strings or row encodings); ints, null and
// strings are in output order, row encodings in the given order (nil: as
// they are).
func buildKeys(mem memory.Allocator, t *groupTable, types []arrow.DataType, ints []int64, strs []string, null []bool, order []int32) ([]arrow.Array, error) {
	switch {
	case t.intMode:
		arr, err := numArray(mem, types[0], ints, notNull(null))
		if err != nil {
			return nil, err
		}
		return []arrow.Array{arr}, nil
	case t.strMode:
		arr, err := stringArray(mem, types[0], strs, notNull(null))
		if err != nil {
			return nil, err
		}
		return []arrow.Array{arr}, nil
	}
	return decodeKeys(mem, types, strs, order)
}

// permute returns xs in the given order (xs itself when empty).
func permute[T any](xs []T, order []int32) []T {
	if len(xs) == 0 {
		return xs
	}
	out := make([]T, len(order))
	for i, o := range order {
		out[i] = xs[o]
	}
	return out
}

func notNull(isNull []bool) []bool {
	out := make([]bool, len(isNull))
	for i, n := range isNull {
		out[i] = !n
	}
	return out
}
