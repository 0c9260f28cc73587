package exec

import (
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
)

// intIndex finds, for integer join keys (one integer column, or several
// packed into one int64), the first build row holding each key; the join
// table's next array chains the other rows of that key in input order.
// It is read-only once built, so probes share it across workers.
type intIndex interface {
	// heads sets out[i] to the first build row of key vals[i], or -1 when
	// no build row has it or skip[i] is set (skip may be nil).
	heads(vals []int64, skip []bool, out []int32)
}

// directMin is the key range a direct index may always span (tiny builds).
const directMin = 1 << 12

// buildIntIndex indexes the build keys vals (rows with skip set hold no
// key; skip may be nil), setting next to chain rows of equal keys in input
// order. Keys of a dense range (ids, dates, codes: most primary keys) get
// a direct index; others a hash index.
func buildIntIndex(vals []int64, skip []bool, next []int32) intIndex {
	lo, hi, seen := int64(0), int64(0), false
	for i, v := range vals {
		if skip != nil && skip[i] {
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
	// A direct index takes 4 bytes a key of the range, the hash index 16 a
	// slot: the direct one whenever it is no larger (a probe is then one
	// load with no key compare). That takes keys using from a quarter to
	// an eighth of their range or more, by how the hash table rounds up:
	// TPC-H's order keys, even after a filter halves the orders (Q21).
	if span := uint64(hi) - uint64(lo); seen && hi >= lo && span < directLimit(len(vals)) {
		return buildDirectIndex(vals, skip, next, lo, int(span)+1)
	}
	return buildHashIndex(vals, skip, next)
}

// directIndex is an array of chain heads indexed by key - min.
type directIndex struct {
	min  int64
	head []int32 // -1: no row; one slot past the range, always -1
}

func buildDirectIndex(vals []int64, skip []bool, next []int32, lo int64, span int) *directIndex {
	d := &directIndex{min: lo, head: make([]int32, span+1)}
	for i := range d.head {
		d.head[i] = -1
	}
	// Walk backwards and push on the front: chains come out in input order.
	for i := len(vals) - 1; i >= 0; i-- {
		if skip != nil && skip[i] {
			next[i] = -1
			continue
		}
		k := vals[i] - lo
		next[i] = d.head[k]
		d.head[k] = int32(i)
	}
	return d
}

func (d *directIndex) heads(vals []int64, skip []bool, out []int32) {
	// head has one more slot than keys, always -1: a key outside the range
	// reads it, so the loop has no branch that the share of misses could
	// make unpredictable.
	n := uint64(len(d.head) - 1)
	head := d.head
	for i, v := range vals {
		k := uint64(v - d.min)
		if k > n {
			k = n
		}
		out[i] = head[k]
	}
	if skip != nil {
		for i, s := range skip {
			if s {
				out[i] = -1
			}
		}
	}
}

// hashIndex is the index of keys a direct array would waste memory on: an
// intMap (open addressing, the key beside its chain head in one 16-byte
// slot, so a probe touches one cache line). A table split by hash into
// cache-sized partitions and built in parallel was tried and measured
// slower to probe (65 against 36 ms of thread CPU per million probes into
// 700K keys), which outweighed its faster build: probes are the more.
type hashIndex struct{ m *intMap }

func buildHashIndex(vals []int64, skip []bool, next []int32) *hashIndex {
	m := newIntMap(len(vals))
	// Walk backwards and push on the front: chains come out in input order.
	for i := len(vals) - 1; i >= 0; i-- {
		if skip != nil && skip[i] {
			next[i] = -1
			continue
		}
		next[i] = m.swap(vals[i], int32(i))
	}
	return &hashIndex{m}
}

// heads looks the keys up; a run of equal keys (sorted or clustered probe
// sides) is looked up once.
func (ix *hashIndex) heads(vals []int64, skip []bool, out []int32) {
	prevV, prevH, have := int64(0), int32(-1), false
	for i, v := range vals {
		switch {
		case skip != nil && skip[i]:
			out[i] = -1
		case have && v == prevV:
			out[i] = prevH
		default:
			prevV, have = v, true
			prevH, _ = ix.m.get(v)
			out[i] = prevH
		}
	}
}

// maxShortKey is the longest string a short key holds: its bytes fill the
// low 7 bytes of an int64 and its length the top one.
const maxShortKey = 7

// shortStringKeys packs the strings of a (codes, ids, flags: most string
// join keys) into fixed-width int64 keys, so that they join through the
// integer index: no string hashing, no key bytes compared. Distinct strings
// pack distinct: bytes past the length are zero and the length is in the
// key. skip marks nulls, and (probe side, strict unset) strings too long to
// pack, which then match no build key; on the build side (strict) one long
// string makes it give up (ok false) for the byte-keyed table.
func shortStringKeys(a arrow.Array, strict bool) (vals []int64, skip []bool, ok bool) {
	at := kernels.StringAt(a)
	n := a.Len()
	vals, skip = make([]int64, n), nullMask(a)
	for i := range n {
		if skip != nil && skip[i] {
			continue
		}
		s := at(i)
		if len(s) > maxShortKey {
			if strict {
				return nil, nil, false
			}
			if skip == nil {
				skip = make([]bool, n)
			}
			skip[i] = true
			continue
		}
		vals[i] = packShortString(s)
	}
	return vals, skip, true
}

// packShortString is the fixed-width key of a string of at most
// maxShortKey bytes: its bytes in the low 7 bytes, its length in the top
// one, so that distinct strings give distinct keys.
func packShortString(s string) int64 {
	k := uint64(len(s)) << 56
	for b := len(s) - 1; b >= 0; b-- {
		k |= uint64(s[b]) << (8 * b)
	}
	return int64(k)
}
