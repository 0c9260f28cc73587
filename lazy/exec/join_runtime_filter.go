package exec

import (
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// joinFilter is what a hash join knows of its build keys once it has read
// them, for a RuntimeFilter on its probe side: whether any key can match
// at all, the range of each integer key, and (for builds small enough that
// it stays in cache) a blocked Bloom filter of the keys as the join table
// derives them. A probe row that fails it has no partner: null keys, keys
// outside a range, keys the Bloom filter has never seen.
type joinFilter struct {
	table  *joinTable
	empty  bool // no build row without a null key
	ranges []keyRange
	bloom  []uint64 // nil: none
	shift  uint     // 64 - log2(len(bloom))
	// bits, for one integer key of a dense range, replaces the Bloom
	// filter: bit v-lo is set for each build key v (exact, no hash).
	bits []uint64

	// The filter switches itself off when it keeps nearly every row it sees:
	// then it is only cost.
	seen, kept atomic.Int64
	off        atomic.Bool
}

// keyRange is the range of one build key's values (ok: an integer key with
// at least one non-null value).
type keyRange struct {
	lo, hi int64
	ok     bool
}

const (
	// bloomMaxKeys bounds the builds that get a Bloom filter (16 bits a
	// key: 16 MiB at this bound); larger ones get ranges only.
	bloomMaxKeys = 8 << 20
	// filterTrialRows is how many rows the filter sees before it judges
	// itself; filterUselessShare is the share of rows kept above which it
	// switches off.
	filterTrialRows    = 1 << 18
	filterUselessShare = 0.9
)

// newJoinFilter derives the filter from the build keys of table t.
func newJoinFilter(t *joinTable, keys []arrow.Array) (*joinFilter, error) {
	n := 0
	if len(keys) > 0 {
		n = keys[0].Len()
	}
	f := &joinFilter{table: t, ranges: make([]keyRange, len(keys))}
	for i, k := range keys {
		if intKeyable(k.DataType()) {
			f.ranges[i] = intRange(k)
		}
	}
	var hashes []uint64
	var valid []bool
	count := 0
	if t.mode == keysInt {
		count = n - keys[0].NullN() // (hashed only for a Bloom filter)
	} else {
		var err error
		if hashes, valid, err = t.keyHashes(keys, n); err != nil {
			return nil, err
		}
		for _, v := range valid {
			if v {
				count++
			}
		}
	}
	f.empty = count == 0
	if count == 0 || count > bloomMaxKeys {
		return f, nil
	}
	words := 1 << max(bits.Len(uint(count/4)), 1)
	if r := f.ranges[0]; t.mode == keysInt && r.ok && uint64(r.hi)-uint64(r.lo) < uint64(words)*64 {
		// The keys span no more bits than the Bloom filter would take
		// (dense ids, dates: TPC-H's order keys of a filtered orders):
		// one exact bit a value is smaller and cheaper to test.
		f.bits = make([]uint64, (uint64(r.hi)-uint64(r.lo))/64+1)
		nulls := keys[0].NullN() > 0
		for i, v := range intKeys(keys[0], nil) {
			if !nulls || !keys[0].IsNull(i) {
				d := uint64(v) - uint64(r.lo)
				f.bits[d>>6] |= 1 << (d & 63)
			}
		}
		return f, nil
	}
	if hashes == nil {
		var err error
		if hashes, valid, err = t.keyHashes(keys, n); err != nil {
			return nil, err
		}
	}
	f.bloom = make([]uint64, words)
	f.shift = uint(64 - bits.TrailingZeros(uint(words)))
	for i, h := range hashes {
		if valid[i] {
			f.bloom[h>>f.shift] |= bloomBits(h)
		}
	}
	return f, nil
}

// bloomBits is the mask of three bits a hash sets in its word.
func bloomBits(h uint64) uint64 {
	return 1<<(h&63) | 1<<((h>>6)&63) | 1<<((h>>12)&63)
}

func intRange(a arrow.Array) keyRange {
	var null func(int) bool
	if a.NullN() > 0 {
		null = a.IsNull
	}
	lo, hi := minMaxInts(intKeys(a, nil), null)
	if hi < lo {
		return keyRange{}
	}
	return keyRange{lo: lo, hi: hi, ok: true}
}

// keyHashes hashes each row's keys the way the table derives them (int,
// packed ints, string or row encoding); valid is false where a key is null
// (or, packed, outside its build range), which never matches.
func (t *joinTable) keyHashes(keys []arrow.Array, n int) ([]uint64, []bool, error) {
	hashes, valid := make([]uint64, n), make([]bool, n)
	switch t.mode {
	case keysInt:
		nulls := keys[0].NullN() > 0
		for i, v := range intKeys(keys[0], nil) {
			valid[i] = !nulls || !keys[0].IsNull(i)
			hashes[i] = hashInt(v)
		}
	case keysPacked:
		vals := make([][]int64, len(keys))
		for i, k := range keys {
			vals[i] = int64Values(k)
		}
		packed, skip := t.packAll(keys, vals, n)
		for i, k := range packed {
			hashes[i], valid[i] = hashInt(k), !skip[i]
		}
	case keysShort:
		vals, skip, _ := shortStringKeys(keys[0], false)
		for i, v := range vals {
			hashes[i], valid[i] = hashInt(v), skip == nil || !skip[i]
		}
	case keysString:
		at := kernels.StringAt(keys[0])
		for i := range n {
			if keys[0].IsNull(i) {
				continue
			}
			s := at(i)
			hashes[i], valid[i] = hashBytes(unsafe.Slice(unsafe.StringData(s), len(s))), true
		}
	default:
		enc, err := newRowEncoder(keys)
		if err != nil {
			return nil, nil, err
		}
		var buf []byte
		for i := range n {
			if anyNull(keys, i) {
				continue
			}
			buf = enc.encode(buf[:0], i)
			hashes[i], valid[i] = hashBytes(buf), true
		}
	}
	return hashes, valid, nil
}

// keep lists the probe rows (of n, with keys evaluated) that may match.
func (f *joinFilter) keep(keys []arrow.Array, n int) ([]int32, error) {
	if f.table.mode == keysInt && keys[0].NullN() == 0 && f.ranges[0].ok {
		return f.keepInts(int64Values(keys[0])), nil
	}
	out := make([]int32, 0, n)
	if f.table.mode == keysInt {
		// One pass, without per-row temporaries.
		a, r := keys[0], f.ranges[0]
		nulls := a.NullN() > 0
		for i, v := range int64Values(a) {
			if (nulls && a.IsNull(i)) || (r.ok && (v < r.lo || v > r.hi)) {
				continue
			}
			if f.bits != nil {
				if d := uint64(v) - uint64(r.lo); f.bits[d>>6]&(1<<(d&63)) == 0 {
					continue
				}
			} else if f.bloom != nil {
				h := hashInt(v)
				if b := bloomBits(h); f.bloom[h>>f.shift]&b != b {
					continue
				}
			}
			out = append(out, int32(i))
		}
		return out, nil
	}
	ok := make([]bool, n)
	for i := range ok {
		ok[i] = true
	}
	for k, r := range f.ranges {
		if !r.ok {
			continue
		}
		for i, v := range int64Values(keys[k]) {
			if v < r.lo || v > r.hi {
				ok[i] = false
			}
		}
	}
	hashes, valid, err := f.table.keyHashes(keys, n)
	if err != nil {
		return nil, err
	}
	for i, h := range hashes {
		if !ok[i] || !valid[i] {
			continue
		}
		if f.bloom != nil {
			if b := bloomBits(h); f.bloom[h>>f.shift]&b != b {
				continue
			}
		}
		out = append(out, int32(i))
	}
	return out, nil
}

// keepInts is keep for one integer key without nulls, the common case:
// branch-free, as about half the rows pass where a filter is worth its
// cost, and a branch on each would be mispredicted as often. Every row's
// index is written and the count advanced only for a row that passes.
func (f *joinFilter) keepInts(vals []int64) []int32 {
	out := make([]int32, len(vals))
	r := f.ranges[0]
	lo, span := uint64(r.lo), uint64(r.hi)-uint64(r.lo)
	k := 0
	switch {
	case f.bits != nil: // bit v-lo of each build key v, for v in [lo, hi]
		words := f.bits
		for i, v := range vals {
			d := uint64(v) - lo
			c := min(d, span) // in range for the load; d > span fails below
			out[k] = int32(i)
			k += int(words[c>>6]>>(c&63)&1) & b2i(d <= span)
		}
	case f.bloom != nil:
		bloom, shift := f.bloom, f.shift
		for i, v := range vals {
			h := hashInt(v)
			b := bloomBits(h)
			out[k] = int32(i)
			k += b2i(bloom[h>>shift]&b == b) & b2i(uint64(v)-lo <= span)
		}
	default:
		for i, v := range vals {
			out[k] = int32(i)
			k += b2i(uint64(v)-lo <= span)
		}
	}
	return out[:k]
}

// int64Values is the values of an integer-like array as int64: Int64's
// own buffer, other widths widened.
func int64Values(a arrow.Array) []int64 {
	if a.DataType().ID() == arrow.INT64 {
		return kernels.Values[int64](a)
	}
	return intKeys(a, nil)
}

// mayMatchPiece reports whether a piece of a scan, by its statistics, may
// hold a probe row with a partner: false when an integer key column has
// only nulls there, or its min and max miss the build range.
func (f *joinFilter) mayMatchPiece(probeKeys []lazy.Expr, src lazy.PartitionedSource, piece int) bool {
	if f.empty {
		return false
	}
	for k, r := range f.ranges {
		col, ok := plainIntColumn(probeKeys[k])
		if !ok || !r.ok {
			continue
		}
		lo, hi, nulls, have := src.PieceStats(piece, col)
		if !have {
			continue
		}
		if nulls == src.PieceRows(piece) {
			return false
		}
		l, okL := lo.(int64)
		h, okH := hi.(int64)
		if okL && okH && (h < r.lo || l > r.hi) {
			return false
		}
	}
	return true
}

// plainIntColumn returns the column a key reads when the key is the column
// itself or an integer cast of an integer column: then the column's
// statistics bound the key's values.
func plainIntColumn(e lazy.Expr) (string, bool) {
	for {
		switch x := e.(type) {
		case *lazy.Column:
			return x.Name, true
		case *lazy.Cast:
			if !core.IsInteger(x.X.DataType()) || !core.IsInteger(x.To) {
				return "", false
			}
			e = x.X
		default:
			return "", false
		}
	}
}

// apply is keep, counting the rows seen and kept while the filter judges
// itself (the first filterTrialRows): it switches off when it kept nearly
// all.
func (f *joinFilter) apply(keys []arrow.Array, n int) ([]int32, error) {
	idx, err := f.keep(keys, n)
	if err != nil {
		return nil, err
	}
	if seen := f.seen.Add(int64(n)); seen-int64(n) < filterTrialRows {
		kept := f.kept.Add(int64(len(idx)))
		if seen >= filterTrialRows && float64(kept) > filterUselessShare*float64(seen) {
			f.off.Store(true)
		}
	}
	return idx, nil
}

// filterStep is the row-wise step of a RuntimeFilter: it waits for the
// join's build side and drops the rows that cannot match.
func (j *hashJoin) filterStep(keys []lazy.Expr) batchFn {
	return func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
		if err := j.prepare(); err != nil {
			rb.Release()
			return nil, err
		}
		f := j.filter
		if f == nil || f.off.Load() {
			return rb, nil
		}
		defer rb.Release()
		n := int(rb.NumRows())
		if f.empty {
			return nil, nil
		}
		ka, err := evalArrays(j.mem, keys, rb)
		if err != nil {
			return nil, err
		}
		defer releaseArrays(ka)
		idx, err := f.apply(ka, n)
		if err != nil {
			return nil, err
		}
		if len(idx) == n {
			rb.Retain()
			return rb, nil
		}
		if len(idx) == 0 {
			return nil, nil
		}
		sel := &kernels.Selection{Idx: idx, N: n}
		cols := make([]arrow.Array, rb.NumCols())
		defer func() {
			for _, c := range cols {
				if c != nil {
					c.Release()
				}
			}
		}()
		for i := range cols {
			if cols[i], err = kernels.Take(j.mem, rb.Column(i), sel); err != nil {
				return nil, err
			}
		}
		return array.NewRecordBatch(rb.Schema(), cols, int64(len(idx))), nil
	}
}

// runtimeFilter builds a RuntimeFilter node: the filter step of the join
// that provides it, over its input. A chain of filters over a scan of
// pieces is built as one: the scan skips the pieces whose key statistics
// miss a build range and, reading chosen rows, tests the keys before it
// reads the other columns (join_scan_filter.go). A filter whose join is
// not being built above it (it cannot wait for a build it is part of)
// passes its input through.
func (b *builder) runtimeFilter(n *lazy.RuntimeFilter) (Operator, error) {
	var chain []*lazy.RuntimeFilter // innermost first
	var p lazy.Plan = n
	for {
		f, ok := p.(*lazy.RuntimeFilter)
		if !ok {
			break
		}
		chain = append([]*lazy.RuntimeFilter{f}, chain...)
		p = f.Input
	}
	sf := &scanFilters{}
	for _, f := range chain {
		if j := b.filterJoins[f.ID]; j != nil {
			sf.stages = append(sf.stages, scanFilterStage{join: j, keys: f.Keys})
		}
	}
	var in Operator
	var err error
	if s, ok := p.(*lazy.Scan); ok && len(sf.stages) > 0 {
		if src, ok := s.Source.(lazy.PartitionedSource); ok {
			in, err = b.partitionedScan(s, src, sf)
		}
	}
	if in == nil && err == nil {
		in, err = b.build(p)
	}
	if err != nil || sf.inScan {
		return in, err
	}
	for _, st := range sf.stages {
		in = b.attach(in, st.join.filterStep(st.keys), n.Schema())
	}
	return in, nil
}

// offerFilter makes join j the provider of its runtime filter while its
// probe side is built; the returned function withdraws it.
func (b *builder) offerFilter(n *lazy.Join, j *hashJoin) func() {
	if n.RuntimeFilterID == 0 {
		return func() {}
	}
	if b.filterJoins == nil {
		b.filterJoins = map[int]*hashJoin{}
	}
	j.wantFilter = true
	b.filterJoins[n.RuntimeFilterID] = j
	return func() { delete(b.filterJoins, n.RuntimeFilterID) }
}
