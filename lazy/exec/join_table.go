package exec

import (
	"math/bits"
	"runtime"

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

const (
	// directSlack bounds the key range a direct index may span: up to
	// eight slots a build row (plus a little for tiny builds). Its 4-byte
	// slots then take no more memory than a hash table's 16-byte ones at
	// its load factor (2 to 4 slots a key), and a probe is one load with
	// no key compare. Eight takes TPC-H's order keys (a quarter of their
	// range used) even after a filter halves the orders.
	directSlack = 8
	directMin   = 1 << 12
	// partRows is the build rows a hash partition aims at: 16K keys in
	// 32K 16-byte slots, 512 KiB, a table that stays in L2 while it is
	// built. maxPartBits caps the partitions (and the per-worker counts).
	partRows    = 1 << 14
	maxPartBits = 10
)

// buildIntIndex indexes the build keys vals (rows with skip set hold no
// key; skip may be nil), setting next to chain rows of equal keys in input
// order. Keys of a dense range (ids, dates, codes: most primary keys) get
// a direct index; others a hash index, partitioned and built on all cores
// when large.
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
	if span := uint64(hi) - uint64(lo); seen && hi >= lo && span < uint64(directSlack*len(vals)+directMin) {
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

// hashIndex is an open-addressing hash table (linear probing, the key in
// the slot beside its chain head, so a probe touches one cache line and
// compares keys only there) split by the top bits of the key's hash into
// partitions. Each key is hashed once per side; a large build is scattered
// by partition and each partition built by one worker, in cache and with no
// lock.
type hashIndex struct {
	parts    []hashPart
	partBits uint
}

type hashPart struct {
	slots []joinSlot
	shift uint // 64 - log2(len(slots)), applied to the hash after the partition bits
}

type joinSlot struct {
	key int64
	row int32 // chain head + 1; 0: empty
}

func buildHashIndex(vals []int64, skip []bool, next []int32) *hashIndex {
	n := len(vals)
	partBits := uint(0)
	if n > partRows {
		partBits = min(uint(bits.Len(uint(n/partRows))), maxPartBits)
	}
	parts := 1 << partBits
	ix := &hashIndex{parts: make([]hashPart, parts), partBits: partBits}
	hashes := make([]uint64, n)
	// Hash and count by partition, per chunk of rows.
	chunks := max(1, min(runtime.GOMAXPROCS(0), n/partRows))
	size := (n + chunks - 1) / chunks
	counts := make([][]int32, chunks)
	parallelRanges(chunks, 1, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			cnt := make([]int32, parts)
			for i := c * size; i < min(n, (c+1)*size); i++ {
				if skip != nil && skip[i] {
					next[i] = -1
					continue
				}
				h := hashInt(vals[i])
				hashes[i] = h
				cnt[ix.part(h)]++
			}
			counts[c] = cnt
		}
	})
	// Each chunk's rows of a partition go after the earlier chunks' ones,
	// so a partition's row list is in input order.
	start := make([]int32, parts+1)
	offs := make([][]int32, chunks)
	pos := int32(0)
	for p := range parts {
		start[p] = pos
		for c := range chunks {
			if offs[c] == nil {
				offs[c] = make([]int32, parts)
			}
			offs[c][p] = pos
			pos += counts[c][p]
		}
	}
	start[parts] = pos
	rows := make([]int32, pos)
	parallelRanges(chunks, 1, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			off := offs[c]
			for i := c * size; i < min(n, (c+1)*size); i++ {
				if skip != nil && skip[i] {
					continue
				}
				p := ix.part(hashes[i])
				rows[off[p]] = int32(i)
				off[p]++
			}
		}
	})
	parallelRanges(parts, 1, func(p0, p1 int) {
		for p := p0; p < p1; p++ {
			ix.parts[p].build(vals, hashes, rows[start[p]:start[p+1]], partBits, next)
		}
	})
	return ix
}

func (ix *hashIndex) part(h uint64) int {
	if ix.partBits == 0 {
		return 0
	}
	return int(h >> (64 - ix.partBits))
}

// build indexes a partition's rows (ascending), walking them backwards and
// pushing each on the front of its key's chain.
func (hp *hashPart) build(vals []int64, hashes []uint64, rows []int32, partBits uint, next []int32) {
	size := 1 << bits.Len(uint(max(16, 2*len(rows))-1))
	hp.slots = make([]joinSlot, size)
	hp.shift = uint(64 - bits.Len(uint(size-1)))
	mask := size - 1
	for r := len(rows) - 1; r >= 0; r-- {
		row := rows[r]
		k := vals[row]
		i := int((hashes[row] << partBits) >> hp.shift)
		for {
			s := &hp.slots[i]
			if s.row == 0 {
				s.key, s.row = k, row+1
				next[row] = -1
				break
			}
			if s.key == k {
				next[row] = s.row - 1
				s.row = row + 1
				break
			}
			i = (i + 1) & mask
		}
	}
}

// heads hashes the whole batch first, then looks the keys up: the lookup
// loop carries no dependency from one row to the next, so the memory
// accesses of consecutive rows overlap. A run of equal keys (sorted or
// clustered probe sides) is looked up once.
func (ix *hashIndex) heads(vals []int64, skip []bool, out []int32) {
	hashes := make([]uint64, len(vals))
	for i, v := range vals {
		hashes[i] = hashInt(v)
	}
	prevV, prevH, have := int64(0), int32(-1), false
	for i, v := range vals {
		switch {
		case skip != nil && skip[i]:
			out[i] = -1
		case have && v == prevV:
			out[i] = prevH
		default:
			prevV, prevH, have = v, ix.lookup(v, hashes[i]), true
			out[i] = prevH
		}
	}
}

func (ix *hashIndex) lookup(k int64, h uint64) int32 {
	hp := &ix.parts[ix.part(h)]
	mask := len(hp.slots) - 1
	for i := int((h << ix.partBits) >> hp.shift); ; i = (i + 1) & mask {
		s := &hp.slots[i]
		if s.row == 0 {
			return -1
		}
		if s.key == k {
			return s.row - 1
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
		k := uint64(len(s)) << 56
		for b := len(s) - 1; b >= 0; b-- {
			k |= uint64(s[b]) << (8 * b)
		}
		vals[i] = int64(k)
	}
	return vals, skip, true
}
