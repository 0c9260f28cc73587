package exec

import (
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// directGroups finds the group of an integer key of a dense range (order
// and customer ids, dates, codes) in an array indexed by key - lo: one load,
// no hashing, no key compare, no probing, and keys that come in order (a
// table clustered by its key, as TPC-H's lineitem by l_orderkey) walk the
// array in order instead of jumping about a hash table. Slots hold the
// group id + 1 (0: no group), so a zeroed array is empty.
type directGroups struct {
	lo    int64
	slots []int32
	mem   memory.Allocator
	buf   *memory.Buffer // nil when slots are on the Go heap
}

// directLimit is the widest key range a direct array may span for keys
// distinct keys: at 4 bytes a key of the range against a hash table's 16 a
// slot (intMap, hashSlots), the direct array is then no larger than the hash
// table the keys would need, plus a little that tiny key sets may always
// take. The join's build (buildIntIndex) and the group-by share it.
func directLimit(keys int) uint64 {
	return uint64(4*hashSlots(keys) + directMin)
}

func newDirectGroups(mem memory.Allocator, lo int64, span uint64) *directGroups {
	d := &directGroups{lo: lo, mem: mem}
	d.slots, d.buf = allocSlots[int32](mem, int(span))
	return d
}

// hi is the last key the array covers.
func (d *directGroups) hi() int64 { return d.lo + int64(len(d.slots)) - 1 }

func (d *directGroups) release() {
	freeSlots(d.buf)
	d.slots, d.buf = nil, nil
}

// reserveInts readies an integer-keyed table for keys in [lo, hi] (lo <=
// hi), up to n of them new groups. While the table's keys, with these, span
// a range no wider than directLimit of its groups, it finds them in a
// direct array, widened as keys arrive (by as much again as it spans, up to
// the limit, so that ascending keys copy it O(log) times); when they spread
// wider, on the hash table. A table on the hash table moves to an array
// once its groups make the range dense enough (keys that came in random
// order over a dense range). It only picks the structure: internInt finds
// every key in either.
func (t *groupTable) reserveInts(lo, hi int64, n int) {
	if hi < lo {
		return
	}
	if t.keyHi >= t.keyLo {
		lo, hi = min(lo, t.keyLo), max(hi, t.keyHi)
	}
	d := t.dir
	if d != nil && lo >= d.lo && hi <= d.hi() {
		return
	}
	limit := directLimit(t.size() + n)
	need := uint64(hi) - uint64(lo) + 1
	if need == 0 || need > limit { // 0: the whole int64 range
		t.toHash(n)
		return
	}
	down := false
	target := need
	if d != nil {
		// Widen by as much again as the array spans, on the side keys
		// arrived, keeping the room on the other.
		down = lo < d.lo
		lo, hi = min(lo, d.lo), max(hi, d.hi())
		need = uint64(hi) - uint64(lo) + 1
		target = need + uint64(len(d.slots))
	}
	// A power of two of slots where the limit allows: slotMem reuses freed
	// blocks of the same size, as the hash tables' (powers of two) are.
	size := max(need, min(target, limit))
	if p := uint64(1) << bits.Len64(target-1); p <= limit {
		size = p
	}
	if extra := size - need; down {
		lo -= int64(min(extra, uint64(lo)+1<<63)) // no further than MinInt64
	} else {
		hi += int64(min(extra, uint64(math.MaxInt64)-uint64(hi)))
	}
	nd := newDirectGroups(t.slotMem, lo, uint64(hi)-uint64(lo)+1)
	if d != nil {
		copy(nd.slots[d.lo-lo:], d.slots)
		d.release()
	} else {
		for g, k := range t.intKeys {
			if !t.keyNull[g] {
				nd.slots[k-lo] = int32(g) + 1
			}
		}
		if t.ints != nil {
			t.ints.release()
			t.ints = nil
		}
	}
	t.dir = nd
}

// toHash moves an integer-keyed table's groups from its direct array to a
// hash table, with room for up to more new groups (the rows about to be
// looked up), as many as it holds at most: a table sized for its groups
// alone is full at once and grows, rehashing them all again, while a
// few groups of a wide range must not take a table sized for a morsel.
func (t *groupTable) toHash(more int) {
	capacity := t.size() + min(more, t.size())
	d := t.dir
	if d == nil {
		if t.ints == nil { // a merge's table, made with neither
			t.ints = newIntMapIn(t.slotMem, capacity)
		}
		return
	}
	m := newIntMapIn(t.slotMem, capacity)
	for g, k := range t.intKeys {
		if !t.keyNull[g] {
			m.getOrPut(k, int32(g))
		}
	}
	d.release()
	t.dir, t.ints = nil, m
}

// minMaxInts is the smallest and largest of keys, skipping rows that null
// marks (nil: none); hi < lo when there is no key.
func minMaxInts(keys []int64, null func(int) bool) (lo, hi int64) {
	lo, hi = math.MaxInt64, math.MinInt64
	for i, k := range keys {
		if null != nil && null(i) {
			continue
		}
		lo, hi = min(lo, k), max(hi, k)
	}
	return lo, hi
}

// workersKeyRange is the range of the workers' integer group keys (the
// first and the number of keys it spans), when it is dense enough for
// direct arrays (directLimit) of total groups.
func workersKeyRange(workers []*aggWorker, total int) (lo int64, span uint64, ok bool) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, w := range workers {
		t := w.table
		l, h := minMaxInts(t.intKeys, func(g int) bool { return t.keyNull[g] })
		lo, hi = min(lo, l), max(hi, h)
	}
	span = uint64(hi) - uint64(lo) + 1
	if hi < lo || span == 0 || span > directLimit(total) {
		return 0, 0, false
	}
	return lo, span, true
}

// listsKeyRange is the range of the integer keys of the groups the workers
// hand partition p (lists: worker -> partition -> groups), and their
// number, as reserveInts takes them.
func listsKeyRange(workers []*aggWorker, lists [][][]int32, p int) (lo, hi int64, n int) {
	lo, hi = math.MaxInt64, math.MinInt64
	for wi, w := range workers {
		t := w.table
		for _, g := range lists[wi][p] {
			if !t.keyNull[g] {
				k := t.intKeys[g]
				lo, hi = min(lo, k), max(hi, k)
			}
		}
		n += len(lists[wi][p])
	}
	return lo, hi, n
}
