package fn

// This file: n_unique per group.

import (
	"encoding/binary"
	"slices"
	"sync"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// nUniqueState counts distinct values per group; null is a value of its own.
// Integer-like values are collected as (group, value) pairs and counted by
// sorting each group's values at the end (no hash set: a set of millions of
// pairs is bound by cache misses); other values are kept in a set of 4-byte
// group id + encoded value.
//
// The pairs are indexed by group once (a counting sort into offs/ivals),
// after the last Update and Merge: when the state is first merged into
// another, or when it finishes. Merge copies nothing: it records which of
// the source's groups go to which of its own, and the index copies each
// source group's values straight to their place (one copy of every value,
// where collecting merged pairs and sorting them again made three).
type nUniqueState struct {
	env    *AggEnv
	groups int
	chunks []nUniqueChunk      // Update's pairs, until indexed
	merged []nUniqueMerge      // Merge's sources, until indexed
	nulls  map[int32]struct{}  // groups that saw a null
	strs   map[string]struct{} // 4-byte group id + encoded value
	buf    []byte

	// byGroup indexes the pairs and strs by group: group g's integer
	// values are ivals[offs[g]:offs[g+1]], its other values
	// svals[soffs[g]:soffs[g+1]] (built once, so that each merge touches
	// only the groups it is given).
	byGroup sync.Once
	offs    []int32
	ivals   []int64
	soffs   []int32
	svals   []string
}

// nUniqueChunk is one Update's non-null pairs: gids[i] saw vals[i].
type nUniqueChunk struct {
	gids []int32
	vals []int64
}

// nUniqueMerge is one Merge: the source's group srcG[i] goes to dstG[i].
// The source is indexed (Merge indexes it) and is not updated again.
type nUniqueMerge struct {
	src        *nUniqueState
	srcG, dstG []int32
}

func (s *nUniqueState) Grow(n int) { s.groups = max(s.groups, n) }

func (s *nUniqueState) Update(gids []int32, arr arrow.Array, _ int64) {
	t := arr.DataType()
	if kernels.IntLike(t) || core.IsInteger(t) || t.ID() == arrow.BOOL {
		var vals []int64
		switch {
		case t.ID() == arrow.BOOL:
			b := arr.(*array.Boolean)
			vals = make([]int64, arr.Len())
			for i := range vals {
				if b.Value(i) {
					vals[i] = 1
				}
			}
		case t.ID() == arrow.UINT64:
			u := kernels.Values[uint64](arr)
			vals = make([]int64, len(u))
			for i, v := range u {
				vals[i] = int64(v)
			}
		default:
			vals = kernels.Int64Keys(arr, nil)
		}
		// gids is the caller's buffer: copied (4 bytes a row, where a
		// (group, value) pair of int64 took 8 more).
		g := slices.Clone(gids)
		if arr.NullN() > 0 {
			if s.nulls == nil {
				s.nulls = map[int32]struct{}{}
			}
			k := 0
			for i := range g {
				if arr.IsNull(i) {
					s.nulls[g[i]] = struct{}{}
					continue
				}
				g[k], vals[k] = g[i], vals[i]
				k++
			}
			g, vals = g[:k], vals[:k]
		}
		if len(g) > 0 {
			s.chunks = append(s.chunks, nUniqueChunk{g, vals})
		}
		return
	}
	if s.strs == nil {
		s.strs = map[string]struct{}{}
	}
	enc, err := s.env.RowEncoder(arr)
	if err != nil {
		return // nested types are refused when planned
	}
	for i, g := range gids {
		s.buf = binary.LittleEndian.AppendUint32(s.buf[:0], uint32(g))
		s.buf = enc.Encode(s.buf, i)
		if _, ok := s.strs[unsafe.String(unsafe.SliceData(s.buf), len(s.buf))]; !ok {
			s.strs[string(s.buf)] = struct{}{}
		}
	}
}

func (s *nUniqueState) buildByGroup() {
	s.byGroup.Do(func() {
		offs := make([]int32, s.groups+1)
		for _, c := range s.chunks {
			for _, g := range c.gids {
				offs[g+1]++
			}
		}
		for _, m := range s.merged {
			o := m.src
			for i, g := range m.srcG {
				offs[m.dstG[i]+1] += o.offs[g+1] - o.offs[g]
			}
		}
		for i := 1; i < len(offs); i++ {
			offs[i] += offs[i-1]
		}
		ivals := make([]int64, offs[s.groups])
		// Filled by ranges of groups on the executor's cores: each range
		// reads every pair and writes its own (a state indexed when it is
		// first merged is indexed while the other merges wait for it).
		s.env.ParallelRanges(s.groups, 1<<16, func(lo, hi int) {
			fill := slices.Clone(offs[lo:hi]) // group g's next place: fill[g-lo]
			span := uint32(hi - lo)
			for _, c := range s.chunks {
				for i, g := range c.gids {
					if r := uint32(int(g) - lo); r < span {
						ivals[fill[r]] = c.vals[i]
						fill[r]++
					}
				}
			}
			for _, m := range s.merged {
				o := m.src
				for i, g := range m.srcG {
					r := uint32(int(m.dstG[i]) - lo)
					if r >= span {
						continue
					}
					src := o.ivals[o.offs[g]:o.offs[g+1]]
					if len(src) <= 8 {
						// Most groups hold a few values: a loop beats
						// memmove's call for them.
						dst := ivals[fill[r] : int(fill[r])+len(src)]
						for j, v := range src {
							dst[j] = v
						}
					} else {
						copy(ivals[fill[r]:], src)
					}
					fill[r] += int32(len(src))
				}
			}
		})
		// The pairs live in ivals now; the sources' values are no longer
		// needed here.
		s.offs, s.ivals, s.chunks, s.merged = offs, ivals, nil, nil

		s.soffs = make([]int32, s.groups+1)
		for k := range s.strs {
			s.soffs[int32(binary.LittleEndian.Uint32([]byte(k[:4])))+1]++
		}
		for i := 1; i < len(s.soffs); i++ {
			s.soffs[i] += s.soffs[i-1]
		}
		sfill := append([]int32(nil), s.soffs[:s.groups]...)
		s.svals = make([]string, len(s.strs))
		for k := range s.strs {
			g := int32(binary.LittleEndian.Uint32([]byte(k[:4])))
			s.svals[sfill[g]] = k[4:]
			sfill[g]++
		}
		s.strs = nil
	})
}

func (s *nUniqueState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*nUniqueState)
	o.buildByGroup()
	if len(o.nulls) > 0 && s.nulls == nil {
		s.nulls = map[int32]struct{}{}
	}
	if len(o.svals) > 0 && s.strs == nil {
		s.strs = map[string]struct{}{}
	}
	if len(o.ivals) > 0 {
		// The caller's slices are copied: they may be reused.
		s.merged = append(s.merged, nUniqueMerge{o, slices.Clone(srcG), slices.Clone(dstG)})
	}
	if len(o.svals) == 0 && len(o.nulls) == 0 {
		return // integers only: nothing more to look up per group
	}
	for i, g := range srcG {
		d := dstG[i]
		if o.soffs[g] < o.soffs[g+1] {
			prefix := string(binary.LittleEndian.AppendUint32(nil, uint32(d)))
			for _, v := range o.svals[o.soffs[g]:o.soffs[g+1]] {
				s.strs[prefix+v] = struct{}{}
			}
		}
		if _, ok := o.nulls[g]; ok {
			s.nulls[d] = struct{}{}
		}
	}
}

func (s *nUniqueState) Finish(mem memory.Allocator) (arrow.Array, error) {
	// Bucket the values by group (a counting sort, linear), then count the
	// distinct values of each group on its own: groups are usually small,
	// and sorting a few values in place beats sorting all pairs at once.
	s.buildByGroup()
	n := make([]int64, s.groups)
	s.env.ParallelRanges(s.groups, 4096, func(lo, hi int) {
		for g := lo; g < hi; g++ {
			n[g] = distinctCount(s.ivals[s.offs[g]:s.offs[g+1]])
		}
	})
	for g := range s.nulls {
		n[g]++
	}
	for g := range s.groups {
		n[g] += int64(s.soffs[g+1] - s.soffs[g])
	}
	return kernels.NumArray(mem, arrow.PrimitiveTypes.Uint32, n, nil)
}

// distinctCount sorts v in place and counts its distinct values.
func distinctCount(v []int64) int64 {
	switch len(v) {
	case 0:
		return 0
	case 1:
		return 1
	}
	if len(v) <= 8 {
		// Compare each value with those before it: fewer steps than
		// sorting so few, and no writes.
		c := int64(0)
	next:
		for i, x := range v {
			for _, y := range v[:i] {
				if x == y {
					continue next
				}
			}
			c++
		}
		return c
	}
	if len(v) <= 24 {
		for i := 1; i < len(v); i++ {
			for j := i; j > 0 && v[j] < v[j-1]; j-- {
				v[j], v[j-1] = v[j-1], v[j]
			}
		}
	} else {
		slices.Sort(v)
	}
	c := int64(1)
	for i := 1; i < len(v); i++ {
		if v[i] != v[i-1] {
			c++
		}
	}
	return c
}
