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
// sorting at the end (no hash set: a set of millions of pairs is bound by
// cache misses); other values are kept in a set of 4-byte group id +
// encoded value.
type nUniqueState struct {
	env    *AggEnv
	groups int
	pairs  [][][2]int64        // chunks of (group, value), duplicates included
	nulls  map[int32]struct{}  // groups that saw a null
	strs   map[string]struct{} // 4-byte group id + encoded value
	buf    []byte

	// byGroup indexes pairs and strs by group (built once, when this
	// state is merged into others, so that each merge touches only the
	// groups it is given).
	byGroup sync.Once
	offs    []int32
	ivals   []int64
	soffs   []int32
	svals   []string
}

func (s *nUniqueState) Grow(n int) { s.groups = max(s.groups, n) }

func (s *nUniqueState) Update(gids []int32, arr arrow.Array, _ int64) {
	t := arr.DataType()
	if kernels.IntLike(t) || core.IsInteger(t) || t.ID() == arrow.BOOL {
		if s.nulls == nil {
			s.nulls = map[int32]struct{}{}
		}
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
		nulls := arr.NullN() > 0
		chunk := make([][2]int64, 0, len(gids))
		for i, g := range gids {
			if nulls && arr.IsNull(i) {
				s.nulls[g] = struct{}{}
				continue
			}
			chunk = append(chunk, [2]int64{int64(g), vals[i]})
		}
		s.pairs = append(s.pairs, chunk)
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
		s.offs = make([]int32, s.groups+1)
		n := 0
		for _, c := range s.pairs {
			for _, p := range c {
				s.offs[p[0]+1]++
			}
			n += len(c)
		}
		for i := 1; i < len(s.offs); i++ {
			s.offs[i] += s.offs[i-1]
		}
		fill := append([]int32(nil), s.offs[:s.groups]...)
		s.ivals = make([]int64, n)
		for _, c := range s.pairs {
			for _, p := range c {
				s.ivals[fill[p[0]]] = p[1]
				fill[p[0]]++
			}
		}
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
	})
}

func (s *nUniqueState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*nUniqueState)
	o.buildByGroup()
	if o.nulls != nil && s.nulls == nil {
		s.nulls = map[int32]struct{}{}
	}
	if len(o.svals) > 0 && s.strs == nil {
		s.strs = map[string]struct{}{}
	}
	total := 0
	for _, g := range srcG {
		total += int(o.offs[g+1] - o.offs[g])
	}
	chunk := make([][2]int64, 0, total)
	for i, g := range srcG {
		d := dstG[i]
		for _, v := range o.ivals[o.offs[g]:o.offs[g+1]] {
			chunk = append(chunk, [2]int64{int64(d), v})
		}
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
	if len(chunk) > 0 {
		s.pairs = append(s.pairs, chunk)
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
