package exec

import (
	"context"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// hashJoin is a hash join. The build side is read whole into one batch and
// indexed by key (head row per key, rows of equal keys chained in input
// order); the probe side streams through as a row-wise step of its
// pipeline, so probing runs on all cores. The build happens on first use.
type hashJoin struct {
	mem   memory.Allocator
	ctx   context.Context
	node  *lazy.Join
	build Operator
	// probeLeft says the left input is probed (all joins but right).
	probeLeft bool
	probeKeys []lazy.Expr
	buildKeys []lazy.Expr

	// probeType, when set, is how probe rows combine (an inner probe for a
	// left join that hashes its left side); buildRowCol adds the build row
	// of each output row as a last Int32 column (to restore left order).
	probeType   lazy.JoinType
	buildRowCol bool
	// semiLeft is set when a semi/anti join hashes its left side.
	semiLeft *semiHashingLeft

	once    sync.Once
	err     error
	rows    arrow.RecordBatch // the build side, materialized
	table   *joinTable
	matched []uint32 // full joins: build rows that found a partner (atomic)
	// wantFilter asks prepare for filter, the runtime filter of the build
	// keys (join_runtime_filter.go).
	wantFilter bool
	filter     *joinFilter
}

// joinTable maps keys to the first build row holding them; next chains the
// other rows with the same key, in order.
type joinTable struct {
	mode int
	ints intIndex  // integer keys, and several packed ones (join_table.go)
	strs *bytesMap // string keys, and row-encoded keys of several columns
	next []int32
	// Several integer keys whose build-side ranges fit 63 bits together
	// are packed into one int64 (key i as value-packMin[i] shifted by
	// packShift[i]) and kept in ints; a probe value outside its build range
	// cannot match.
	packMin   []int64
	packSpan  []uint64
	packShift []uint
}

// Join table modes beside the group table's: several integer keys packed
// in ints; one string key of short values packed in ints (shortStringKeys).
const (
	keysPacked = -1
	keysShort  = -2
)

// planPacking decides whether the build keys can be packed and sets the
// ranges; it reports false when they do not fit.
func (t *joinTable) planPacking(keys []arrow.Array, vals [][]int64) bool {
	var shift uint
	t.packMin = make([]int64, len(keys))
	t.packSpan = make([]uint64, len(keys))
	t.packShift = make([]uint, len(keys))
	for i := len(keys) - 1; i >= 0; i-- {
		lo, hi, seen := int64(0), int64(0), false
		nulls := keys[i].NullN() > 0
		for r, v := range vals[i] {
			if nulls && keys[i].IsNull(r) {
				continue
			}
			if !seen || v < lo {
				lo = v
			}
			if !seen || v > hi {
				hi = v
			}
			seen = true
		}
		span := uint64(hi) - uint64(lo) // wraps correctly for any int64 range
		if hi < lo || span > 1<<62 {
			return false
		}
		t.packMin[i], t.packSpan[i], t.packShift[i] = lo, span, shift
		shift += uint(bits.Len64(span))
		if shift > 63 {
			return false
		}
	}
	return true
}

func (t *joinTable) lookupString(s string) int32 {
	h, _ := t.strs.get(unsafe.Slice(unsafe.StringData(s), len(s)))
	return h
}

func joinKeyMode(keys []lazy.Expr) int {
	if len(keys) == 1 && intKeyable(keys[0].DataType()) {
		return keysInt
	}
	if len(keys) == 1 && core.IsString(keys[0].DataType()) {
		return keysString
	}
	return keysBytes
}

func anyNull(keys []arrow.Array, i int) bool {
	for _, k := range keys {
		if k.IsNull(i) {
			return true
		}
	}
	return false
}

// prepare materializes and indexes the build side, once.
func (j *hashJoin) prepare() error {
	j.once.Do(func() {
		defer recoverAsError(&j.err)
		rows, err := collectAll(j.ctx, j.mem, j.build, j.build.Schema())
		if err != nil {
			j.err = err
			return
		}
		j.rows = rows
		settleNullCounts(rows.Columns()) // the probes share them
		n := int(rows.NumRows())
		if j.node.Type == lazy.JoinFull || j.buildRowCol || j.semiLeft != nil {
			j.matched = make([]uint32, n)
			if j.semiLeft != nil {
				j.semiLeft.marked = j.matched
			}
		}
		if j.node.Type == lazy.JoinCross {
			return
		}
		keys, err := evalArrays(j.mem, j.buildKeys, rows)
		if err != nil {
			j.err = err
			return
		}
		defer releaseArrays(keys)
		t := &joinTable{mode: joinKeyMode(j.buildKeys), next: make([]int32, n)}
		var packVals [][]int64
		if t.mode == keysBytes && allIntKeyable(keys) {
			packVals = make([][]int64, len(keys))
			for i, k := range keys {
				packVals[i] = intKeys(k, nil)
			}
			if t.planPacking(keys, packVals) {
				t.mode = keysPacked
			}
		}
		switch t.mode {
		case keysInt:
			t.ints = buildIntIndex(int64Values(keys[0]), nullMask(keys[0]), t.next)
		case keysPacked:
			packed, skip := t.packAll(keys, packVals, n)
			t.ints = buildIntIndex(packed, skip, t.next)
		// Below, walk backwards and push on the front: chains come out in
		// input order.
		case keysString:
			if vals, skip, ok := shortStringKeys(keys[0], true); ok {
				t.mode = keysShort
				t.ints = buildIntIndex(vals, skip, t.next)
				break
			}
			t.strs = newBytesMap(n)
			at := kernels.StringAt(keys[0])
			for i := n - 1; i >= 0; i-- {
				if keys[0].IsNull(i) {
					t.next[i] = -1
					continue
				}
				s := at(i)
				t.next[i] = t.strs.swap(unsafe.Slice(unsafe.StringData(s), len(s)), int32(i))
			}
		default:
			t.strs = newBytesMap(n)
			enc, err := newRowEncoder(keys)
			if err != nil {
				j.err = err
				return
			}
			var buf []byte
			for i := n - 1; i >= 0; i-- {
				if anyNull(keys, i) {
					t.next[i] = -1
					continue
				}
				buf = enc.encode(buf[:0], i)
				t.next[i] = t.strs.swap(buf, int32(i))
			}
		}
		if j.wantFilter {
			if j.filter, err = newJoinFilter(t, keys); err != nil {
				j.err = err
				return
			}
		}
		j.table = t
	})
	return j.err
}

// packAll packs the keys of rows 0..n-1, a column at a time; skip is set
// where a key is null or outside its build range (no match).
func (t *joinTable) packAll(keys []arrow.Array, vals [][]int64, n int) ([]int64, []bool) {
	packed, skip := make([]int64, n), make([]bool, n)
	for c, a := range keys {
		lo, span, shift := uint64(t.packMin[c]), t.packSpan[c], t.packShift[c]
		for i, v := range vals[c][:n] {
			d := uint64(v) - lo
			if d > span {
				skip[i] = true
			}
			packed[i] |= int64(d << shift)
		}
		if a.NullN() > 0 {
			for i := range n {
				if a.IsNull(i) {
					skip[i] = true
				}
			}
		}
	}
	return packed, skip
}

// nullMask is a's validity as a skip mask, nil when a has no nulls.
func nullMask(a arrow.Array) []bool {
	if a.NullN() == 0 {
		return nil
	}
	skip := make([]bool, a.Len())
	for i := range skip {
		skip[i] = a.IsNull(i)
	}
	return skip
}

// heads returns, for each probe row, the first matching build row or -1.
func (j *hashJoin) heads(keys []arrow.Array, n int) ([]int32, error) {
	out := make([]int32, n)
	t := j.table
	switch t.mode {
	case keysInt:
		t.ints.heads(int64Values(keys[0]), nullMask(keys[0]), out)
	case keysPacked:
		vals := make([][]int64, len(keys))
		for i, k := range keys {
			vals[i] = int64Values(k)
		}
		packed, skip := t.packAll(keys, vals, n)
		t.ints.heads(packed, skip, out)
	case keysShort:
		vals, skip, _ := shortStringKeys(keys[0], false)
		t.ints.heads(vals, skip, out)
	case keysString:
		at := kernels.StringAt(keys[0])
		for i := range n {
			if keys[0].IsNull(i) {
				out[i] = -1
			} else {
				out[i] = t.lookupString(at(i))
			}
		}
	default:
		enc, err := newRowEncoder(keys)
		if err != nil {
			return nil, err
		}
		var buf []byte
		for i := range n {
			if anyNull(keys, i) {
				out[i] = -1
				continue
			}
			buf = enc.encode(buf[:0], i)
			out[i], _ = t.strs.get(buf)
		}
	}
	return out, nil
}

// probe is the row-wise step applied to each probe batch.
func (j *hashJoin) probe(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer rb.Release()
	if err := j.prepare(); err != nil {
		return nil, err
	}
	n := int(rb.NumRows())
	var pIdx, bIdx []int32
	how := j.node.Type
	if j.probeType != "" {
		how = j.probeType
	}
	switch how {
	case lazy.JoinCross:
		m := int32(j.rows.NumRows())
		pIdx = make([]int32, 0, n*int(m))
		bIdx = make([]int32, 0, n*int(m))
		for i := range n {
			for b := range m {
				pIdx = append(pIdx, int32(i))
				bIdx = append(bIdx, b)
			}
		}
	default:
		keys, err := evalArrays(j.mem, j.probeKeys, rb)
		if err != nil {
			return nil, err
		}
		defer releaseArrays(keys)
		heads, err := j.heads(keys, n)
		if err != nil {
			return nil, err
		}
		switch how {
		case lazy.JoinSemi, lazy.JoinAnti:
			keep := how == lazy.JoinSemi
			for i, h := range heads {
				if (h >= 0) == keep {
					pIdx = append(pIdx, int32(i))
				}
			}
		default:
			outer := how != lazy.JoinInner
			pIdx = make([]int32, 0, n)
			bIdx = make([]int32, 0, n)
			for i, h := range heads {
				if h < 0 {
					if outer {
						pIdx = append(pIdx, int32(i))
						bIdx = append(bIdx, -1)
					}
					continue
				}
				for b := h; b >= 0; b = j.table.next[b] {
					pIdx = append(pIdx, int32(i))
					bIdx = append(bIdx, b)
					if j.matched != nil {
						atomic.StoreUint32(&j.matched[b], 1)
					}
				}
			}
		}
	}
	return j.assemble(rb, pIdx, bIdx)
}

// assemble gathers the output columns: probe rows pIdx beside build rows
// bIdx (-1: nulls; nil pIdx: all nulls on the probe side).
func (j *hashJoin) assemble(probe arrow.RecordBatch, pIdx, bIdx []int32) (arrow.RecordBatch, error) {
	rows := len(bIdx)
	if pIdx != nil {
		rows = len(pIdx)
	}
	ncols := len(j.node.Columns)
	if j.buildRowCol {
		ncols++
	}
	cols := make([]arrow.Array, ncols)
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	if j.buildRowCol {
		b := array.NewInt32Builder(j.mem)
		b.AppendValues(bIdx, nil)
		cols[ncols-1] = b.NewArray()
		b.Release()
	}
	probeSide := lazy.LeftSide
	if !j.probeLeft {
		probeSide = lazy.RightSide
	}
	for i, c := range j.node.Columns {
		var err error
		if c.Side == probeSide {
			if pIdx == nil {
				cols[i], err = kernels.Broadcast(j.mem, nil, j.node.Schema().Field(i).Type, rows)
			} else {
				src := probe.Column(probe.Schema().FieldIndices(c.Source)[0])
				cols[i], err = kernels.Gather(j.mem, src, pIdx)
			}
		} else {
			src := j.rows.Column(j.rows.Schema().FieldIndices(c.Source)[0])
			if bIdx == nil {
				cols[i], err = kernels.Broadcast(j.mem, nil, src.DataType(), rows)
			} else {
				cols[i], err = kernels.Gather(j.mem, src, bIdx)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return array.NewRecordBatch(j.outSchema(), cols, int64(rows)), nil
}

// buildRowName names the extra column of build rows.
const buildRowName = "__join_build_row"

func (j *hashJoin) outSchema() *arrow.Schema {
	if !j.buildRowCol {
		return j.node.Schema()
	}
	fields := append(append([]arrow.Field(nil), j.node.Schema().Fields()...),
		arrow.Field{Name: buildRowName, Type: arrow.PrimitiveTypes.Int32})
	return arrow.NewSchema(fields, nil)
}

// fullJoinTail passes the probed rows through and then emits the build rows
// no probe row matched, with nulls on the probe side.
type fullJoinTail struct {
	input Operator
	join  *hashJoin
	done  bool
}

func (f *fullJoinTail) Schema() *arrow.Schema { return f.join.outSchema() }
func (f *fullJoinTail) Close()                { f.input.Close() }

func (f *fullJoinTail) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if f.done {
		return nil, nil
	}
	rb, err := f.input.Next(ctx)
	if err != nil || rb != nil {
		return rb, err
	}
	f.done = true
	if err := f.join.prepare(); err != nil {
		return nil, err
	}
	var unmatched []int32
	for i, m := range f.join.matched {
		if atomic.LoadUint32(&m) == 0 {
			unmatched = append(unmatched, int32(i))
		}
	}
	if len(unmatched) == 0 {
		return nil, nil
	}
	empty := array.NewRecordBatch(f.join.probeSchema(), nil, 0)
	defer empty.Release()
	return f.join.assemble(empty, nil, unmatched)
}

func (j *hashJoin) probeSchema() *arrow.Schema {
	if j.probeLeft {
		return j.node.Left.Schema()
	}
	return j.node.Right.Schema()
}

func (j *hashJoin) close() {
	j.build.Close()
	if j.rows != nil {
		j.rows.Release()
	}
}

// semiHashingLeft runs a semi or anti join whose right input is much larger
// by hashing the left one: the right input streams through (in parallel),
// marking the left keys it meets; then the left rows are kept (semi) or
// dropped (anti) by that mark, in left order.
type semiHashingLeft struct {
	join   *hashJoin
	probe  Operator
	done   bool
	marked []uint32 // per left row chain head: seen by a right row (atomic)
}

func (s *semiHashingLeft) Schema() *arrow.Schema { return s.join.node.Schema() }
func (s *semiHashingLeft) Close()                { s.probe.Close() }

// mark is the row-wise step on right batches: it records the left key
// chains that right rows hit and passes nothing on.
func (s *semiHashingLeft) mark(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer rb.Release()
	j := s.join
	if err := j.prepare(); err != nil {
		return nil, err
	}
	keys, err := evalArrays(j.mem, j.probeKeys, rb)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(keys)
	heads, err := j.heads(keys, int(rb.NumRows()))
	if err != nil {
		return nil, err
	}
	for _, h := range heads {
		if h >= 0 && atomic.LoadUint32(&s.marked[h]) == 0 {
			atomic.StoreUint32(&s.marked[h], 1)
		}
	}
	return nil, nil
}

func (s *semiHashingLeft) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	if _, err := consume(ctx, s.probe, func(_, _ int, rb arrow.RecordBatch) error {
		rb.Release()
		return nil
	}); err != nil {
		return nil, err
	}
	j := s.join
	if err := j.prepare(); err != nil {
		return nil, err
	}
	n := int(j.rows.NumRows())
	// A left row matches when the head of its key's chain was marked.
	matched := make([]bool, n)
	for h := range s.marked {
		if s.marked[h] == 0 {
			continue
		}
		for b := int32(h); b >= 0; b = j.table.next[b] {
			matched[b] = true
		}
	}
	keep := j.node.Type == lazy.JoinSemi
	var idx []int32
	for i, m := range matched {
		if m == keep {
			idx = append(idx, int32(i))
		}
	}
	cols := make([]arrow.Array, len(j.node.Columns))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, c := range j.node.Columns {
		src := j.rows.Column(j.rows.Schema().FieldIndices(c.Source)[0])
		g, err := kernels.Gather(j.mem, src, idx)
		if err != nil {
			return nil, err
		}
		cols[i] = g
	}
	return array.NewRecordBatch(j.node.Schema(), cols, int64(len(idx))), nil
}

func allIntKeyable(keys []arrow.Array) bool {
	for _, k := range keys {
		if !intKeyable(k.DataType()) {
			return false
		}
	}
	return true
}
