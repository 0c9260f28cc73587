package fn

// This file: min and max per group (numeric, decimal, string), and any/all, which
// also serve min and max of booleans.

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func newMinMax(in arrow.DataType, isMax bool) (AggState, error) {
	switch in.ID() {
	case arrow.INT8:
		return &minMaxState[int8]{max: isMax, t: in}, nil
	case arrow.INT16:
		return &minMaxState[int16]{max: isMax, t: in}, nil
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		return &minMaxState[int32]{max: isMax, t: in}, nil
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.DURATION, arrow.TIME64:
		return &minMaxState[int64]{max: isMax, t: in}, nil
	case arrow.UINT8:
		return &minMaxState[uint8]{max: isMax, t: in}, nil
	case arrow.UINT16:
		return &minMaxState[uint16]{max: isMax, t: in}, nil
	case arrow.UINT32:
		return &minMaxState[uint32]{max: isMax, t: in}, nil
	case arrow.UINT64:
		return &minMaxState[uint64]{max: isMax, t: in}, nil
	case arrow.FLOAT32:
		return &minMaxState[float32]{max: isMax, t: in}, nil
	case arrow.FLOAT64:
		return &minMaxState[float64]{max: isMax, t: in}, nil
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return &strMinMaxState{max: isMax, t: in}, nil
	case arrow.BOOL:
		return &anyAllState{all: !isMax, minMax: true}, nil
	case arrow.NULL:
		return &nullState{}, nil
	case arrow.DECIMAL128:
		return &decMinMaxState{max: isMax, t: in}, nil
	}
	return nil, core.Errorf(core.KindNotSupported, "min/max of %s", core.DTypeName(in))
}

// decMinMaxState is min/max of Decimal128 values (the type is kept).
type decMinMaxState struct {
	v   []decimal128.Num
	has []bool
	max bool
	t   arrow.DataType
}

func (s *decMinMaxState) Grow(n int) { s.v, s.has = growTo(s.v, n), growTo(s.has, n) }
func (s *decMinMaxState) put(g int32, x decimal128.Num) {
	if c := x.Cmp(s.v[g]); !s.has[g] || (s.max && c > 0) || (!s.max && c < 0) {
		s.v[g], s.has[g] = x, true
	}
}
func (s *decMinMaxState) Update(gids []int32, arr arrow.Array, _ int64) {
	d := arr.(*array.Decimal128)
	for i, g := range gids {
		if d.IsValid(i) {
			s.put(g, d.Value(i))
		}
	}
}
func (s *decMinMaxState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*decMinMaxState)
	for i, g := range srcG {
		if o.has[g] {
			s.put(dstG[i], o.v[g])
		}
	}
}
func (s *decMinMaxState) Finish(mem memory.Allocator) (arrow.Array, error) {
	return decimalArray(mem, s.t, s.v, s.has), nil
}

func decimalArray(mem memory.Allocator, t arrow.DataType, v []decimal128.Num, valid []bool) arrow.Array {
	b := array.NewDecimal128Builder(mem, t.(*arrow.Decimal128Type))
	defer b.Release()
	b.Reserve(len(v))
	for i, x := range v {
		if valid[i] {
			b.UnsafeAppend(x)
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray()
}

// minMaxState skips nulls and NaN; a group of only NaN gives NaN.
type minMaxState[T kernels.Num] struct {
	v   []T
	has []bool
	nan []bool
	max bool
	t   arrow.DataType
}

func (s *minMaxState[T]) Grow(n int) {
	s.v, s.has, s.nan = growTo(s.v, n), growTo(s.has, n), growTo(s.nan, n)
}
func (s *minMaxState[T]) put(g int32, x T) {
	if x != x {
		s.nan[g] = true
		return
	}
	if !s.has[g] || (s.max && x > s.v[g]) || (!s.max && x < s.v[g]) {
		s.v[g], s.has[g] = x, true
	}
}
func (s *minMaxState[T]) Update(gids []int32, arr arrow.Array, _ int64) {
	v := kernels.Values[T](arr)
	nulls := arr.NullN() > 0
	for i, g := range gids {
		if nulls && arr.IsNull(i) {
			continue
		}
		s.put(g, v[i])
	}
}
func (s *minMaxState[T]) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*minMaxState[T])
	for i, g := range srcG {
		if o.has[g] {
			s.put(dstG[i], o.v[g])
		}
		if o.nan[g] {
			s.nan[dstG[i]] = true
		}
	}
}
func (s *minMaxState[T]) Finish(mem memory.Allocator) (arrow.Array, error) {
	valid := make([]bool, len(s.v))
	for i := range valid {
		valid[i] = s.has[i]
		if !s.has[i] && s.nan[i] {
			var z T
			s.v[i] = z / z // NaN, only reachable for float types
			valid[i] = true
		}
	}
	return kernels.NumArray(mem, s.t, s.v, valid)
}

type strMinMaxState struct {
	v   []string
	has []bool
	max bool
	t   arrow.DataType
}

func (s *strMinMaxState) Grow(n int) { s.v, s.has = growTo(s.v, n), growTo(s.has, n) }
func (s *strMinMaxState) put(g int32, x string) {
	if !s.has[g] || (s.max && x > s.v[g]) || (!s.max && x < s.v[g]) {
		s.v[g], s.has[g] = strings.Clone(x), true
	}
}
func (s *strMinMaxState) Update(gids []int32, arr arrow.Array, _ int64) {
	at := kernels.StringAt(arr)
	for i, g := range gids {
		if arr.IsValid(i) {
			if x := at(i); !s.has[g] || (s.max && x > s.v[g]) || (!s.max && x < s.v[g]) {
				s.put(g, x)
			}
		}
	}
}
func (s *strMinMaxState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*strMinMaxState)
	for i, g := range srcG {
		if o.has[g] {
			s.put(dstG[i], o.v[g])
		}
	}
}
func (s *strMinMaxState) Finish(mem memory.Allocator) (arrow.Array, error) {
	return StringArray(mem, s.t, s.v, s.has)
}

// StringArray builds an array of the string type t from v, null where valid
// is false.
func StringArray(mem memory.Allocator, t arrow.DataType, v []string, valid []bool) (arrow.Array, error) {
	b := kernels.NewBuilder(mem, t)
	defer b.Release()
	b.Reserve(len(v))
	for i, x := range v {
		if !valid[i] {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.StringBuilder:
			bb.Append(x)
		case *array.LargeStringBuilder:
			bb.Append(x)
		case *array.StringViewBuilder:
			bb.Append(x)
		case *array.BinaryBuilder:
			bb.Append([]byte(x))
		case *array.BinaryDictionaryBuilder:
			if err := bb.AppendString(x); err != nil {
				return nil, err
			}
		}
	}
	return b.NewArray(), nil
}

type anyAllState struct {
	all    bool
	minMax bool // min/max of Boolean: null when the group has no value
	v      []bool
	seen   []bool
}

func (s *anyAllState) Grow(n int) {
	old := len(s.v)
	s.v, s.seen = growTo(s.v, n), growTo(s.seen, n)
	if s.all {
		for i := old; i < n; i++ {
			s.v[i] = true
		}
	}
}
func (s *anyAllState) put(g int32, x bool) {
	s.seen[g] = true
	if s.all {
		s.v[g] = s.v[g] && x
	} else {
		s.v[g] = s.v[g] || x
	}
}
func (s *anyAllState) Update(gids []int32, arr arrow.Array, _ int64) {
	b, ok := arr.(*array.Boolean)
	if !ok {
		return
	}
	for i, g := range gids {
		if b.IsValid(i) {
			s.put(g, b.Value(i))
		}
	}
}
func (s *anyAllState) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*anyAllState)
	for i, g := range srcG {
		if o.seen[g] {
			s.put(dstG[i], o.v[g])
		}
	}
}
func (s *anyAllState) Finish(mem memory.Allocator) (arrow.Array, error) {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	for i, x := range s.v {
		if s.minMax && !s.seen[i] {
			b.AppendNull()
		} else {
			b.Append(x)
		}
	}
	return b.NewArray(), nil
}
