package fn

// This file: first and last per group, and store, the typed per-group column of
// values they keep.

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// firstLastState keeps, per group, the value at the smallest (first) or
// largest (last) row position; nulls count as values, as in Polars.
type firstLastState struct {
	last bool
	pos  []int64
	set  []bool
	vals *store
}

func (s *firstLastState) Grow(n int) {
	s.pos, s.set = growTo(s.pos, n), growTo(s.set, n)
	s.vals.Grow(n)
}
func (s *firstLastState) better(g int32, p int64) bool {
	return !s.set[g] || (s.last && p > s.pos[g]) || (!s.last && p < s.pos[g])
}
func (s *firstLastState) Update(gids []int32, arr arrow.Array, base int64) {
	for i, g := range gids {
		if p := base + int64(i); s.better(g, p) {
			s.pos[g], s.set[g] = p, true
			s.vals.set(g, arr, i)
		}
	}
}
func (s *firstLastState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*firstLastState)
	for i, g := range srcG {
		d := dstG[i]
		if o.set[g] && s.better(d, o.pos[g]) {
			s.pos[d], s.set[d] = o.pos[g], true
			s.vals.copyFrom(o.vals, g, d)
		}
	}
}
func (s *firstLastState) Finish(mem memory.Allocator) (arrow.Array, error) { return s.vals.build(mem) }

// store holds one value per group of any scalar type: numbers as their
// int64/float64 form, strings as strings; valid marks non-null values.
type store struct {
	t     arrow.DataType
	decs  []decimal128.Num
	ints  []int64
	flts  []float64
	strs  []string
	valid []bool
}

func newStore(t arrow.DataType) *store { return &store{t: t} }

func (s *store) Grow(n int) {
	s.valid = growTo(s.valid, n)
	switch {
	case s.t.ID() == arrow.DECIMAL128:
		s.decs = growTo(s.decs, n)
	case core.IsFloat(s.t):
		s.flts = growTo(s.flts, n)
	case core.IsString(s.t) || s.t.ID() == arrow.BINARY || s.t.ID() == arrow.LARGE_BINARY:
		s.strs = growTo(s.strs, n)
	default:
		s.ints = growTo(s.ints, n)
	}
}

func (s *store) set(g int32, arr arrow.Array, i int) {
	if arr.IsNull(i) {
		s.valid[g] = false
		return
	}
	s.valid[g] = true
	switch a := arr.(type) {
	case *array.Float64:
		s.flts[g] = a.Value(i)
	case *array.Float32:
		s.flts[g] = float64(a.Value(i))
	case *array.Boolean:
		s.ints[g] = int64(BoolToInt(a.Value(i)))
	case *array.Decimal128:
		s.decs[g] = a.Value(i)
	case *array.Binary:
		s.strs[g] = string(a.Value(i))
	case *array.LargeBinary:
		s.strs[g] = string(a.Value(i))
	default:
		switch {
		case core.IsString(s.t):
			s.strs[g] = strings.Clone(kernels.StringAt(arr)(i))
		case s.t.ID() == arrow.UINT64:
			s.ints[g] = int64(kernels.Values[uint64](arr)[i])
		case s.t.ID() == arrow.NULL:
			s.valid[g] = false
		default:
			s.ints[g] = IntAt(arr, i)
		}
	}
}

// BoolToInt is 1 for true, 0 for false.
func BoolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *store) copyFrom(o *store, src, dst int32) {
	s.valid[dst] = o.valid[src]
	switch {
	case s.decs != nil:
		s.decs[dst] = o.decs[src]
	case s.flts != nil:
		s.flts[dst] = o.flts[src]
	case s.strs != nil:
		s.strs[dst] = o.strs[src]
	case s.ints != nil:
		s.ints[dst] = o.ints[src]
	}
}

func (s *store) build(mem memory.Allocator) (arrow.Array, error) {
	switch {
	case s.t.ID() == arrow.NULL:
		return array.NewNull(len(s.valid)), nil
	case s.t.ID() == arrow.DECIMAL128:
		return decimalArray(mem, s.t, s.decs, s.valid), nil
	case s.t.ID() == arrow.BOOL:
		b := array.NewBooleanBuilder(mem)
		defer b.Release()
		for i, v := range s.ints {
			if s.valid[i] {
				b.Append(v != 0)
			} else {
				b.AppendNull()
			}
		}
		return b.NewArray(), nil
	case core.IsFloat(s.t):
		return kernels.NumArray(mem, s.t, s.flts, s.valid)
	case core.IsString(s.t) || s.t.ID() == arrow.BINARY || s.t.ID() == arrow.LARGE_BINARY:
		return StringArray(mem, s.t, s.strs, s.valid)
	case s.t.ID() == arrow.UINT64:
		u := make([]uint64, len(s.ints))
		for i, v := range s.ints {
			u[i] = uint64(v)
		}
		return kernels.NumArray(mem, s.t, u, s.valid)
	}
	return kernels.NumArray(mem, s.t, s.ints, s.valid)
}
