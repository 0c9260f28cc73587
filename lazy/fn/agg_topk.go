package fn

import (
	"cmp"
	"slices"
	"strings"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// topKSlots is the largest k kept in fixed slots per group; a larger k
// collects each group's values and sorts them at the end.
const topKSlots = 8

// topKState keeps the k largest (top_k) or smallest (bottom_k) values of
// each group and gives them as a list, best first. As in Polars, NaN
// orders above every number, non-null values are preferred and nulls fill
// a list only when a group has fewer than k of them. A small k keeps the
// best values in k slots per group, sorted, so a row costs a comparison
// with the group's worst kept value (a selection, never a sort of the
// group); a large k collects the values and sorts each group once.
type topKState[T cmp.Ordered] struct {
	k      int
	bottom bool
	t      arrow.DataType // the values' type
	read   func(arrow.Array) []T
	keep   func(T) T // copies a value out of the batch's buffers (strings)
	slots  []T       // small k: group g's values at [g*k, g*k+cnt[g])
	cnt    []int32
	lists  [][]T // large k: every value of each group
	nulls  []int32
}

func newTopKState(c *AggCall) (AggState, error) {
	t := c.In
	k := int(c.Param)
	bottom := c.Name == AggBottomK
	switch {
	case core.IsString(t):
		at := func(arr arrow.Array) []string {
			get := kernels.StringAt(arr)
			out := make([]string, arr.Len())
			for i := range out {
				if arr.IsValid(i) {
					out[i] = get(i)
				}
			}
			return out
		}
		return &topKState[string]{k: k, bottom: bottom, t: t, read: at, keep: strings.Clone}, nil
	}
	switch t.ID() {
	case arrow.INT8:
		return newFixedTopK[int8](k, bottom, t), nil
	case arrow.INT16:
		return newFixedTopK[int16](k, bottom, t), nil
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		return newFixedTopK[int32](k, bottom, t), nil
	case arrow.INT64, arrow.DATE64, arrow.TIME64, arrow.TIMESTAMP, arrow.DURATION:
		return newFixedTopK[int64](k, bottom, t), nil
	case arrow.UINT8:
		return newFixedTopK[uint8](k, bottom, t), nil
	case arrow.UINT16:
		return newFixedTopK[uint16](k, bottom, t), nil
	case arrow.UINT32:
		return newFixedTopK[uint32](k, bottom, t), nil
	case arrow.UINT64:
		return newFixedTopK[uint64](k, bottom, t), nil
	case arrow.FLOAT32:
		return newFixedTopK[float32](k, bottom, t), nil
	case arrow.FLOAT64:
		return newFixedTopK[float64](k, bottom, t), nil
	}
	return nil, core.Errorf(core.KindNotSupported, "%s of %s values is not supported", c.Name, core.DTypeName(t))
}

func newFixedTopK[T kernels.Num](k int, bottom bool, t arrow.DataType) *topKState[T] {
	return &topKState[T]{k: k, bottom: bottom, t: t, read: kernels.Values[T], keep: func(v T) T { return v }}
}

// better reports whether a ranks before b: larger for top_k, smaller for
// bottom_k, NaN above every number (a != a only for NaN).
func (s *topKState[T]) better(a, b T) bool {
	if s.bottom {
		return a < b || (b != b && a == a)
	}
	return a > b || (a != a && b == b)
}

func (s *topKState[T]) small() bool { return s.k <= topKSlots }

func (s *topKState[T]) Grow(n int) {
	s.nulls = growTo(s.nulls, n)
	if s.small() {
		s.cnt = growTo(s.cnt, n)
		s.slots = growTo(s.slots, n*s.k)
	} else {
		s.lists = growTo(s.lists, n)
	}
}

// offer puts v among group g's best values if it ranks there.
func (s *topKState[T]) offer(g int32, v T) {
	if !s.small() {
		s.lists[g] = append(s.lists[g], s.keep(v))
		return
	}
	k := s.k
	vals := s.slots[int(g)*k : int(g)*k+k]
	n := int(s.cnt[g])
	if n == k {
		if k == 0 || !s.better(v, vals[k-1]) {
			return
		}
		n-- // the worst kept value drops out
	} else {
		s.cnt[g]++
	}
	i := n
	for ; i > 0 && s.better(v, vals[i-1]); i-- {
		vals[i] = vals[i-1]
	}
	vals[i] = s.keep(v)
}

func (s *topKState[T]) Update(gids []int32, arr arrow.Array, _ int64) {
	vals := s.read(arr)
	if arr.NullN() == 0 {
		for i, g := range gids {
			s.offer(g, vals[i])
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			s.offer(g, vals[i])
		} else {
			s.nulls[g]++
		}
	}
}

func (s *topKState[T]) Merge(src AggState, srcG, dstG []int32) {
	o := src.(*topKState[T])
	for i, g := range srcG {
		d := dstG[i]
		s.nulls[d] += o.nulls[g]
		if s.small() {
			for _, v := range o.slots[int(g)*s.k : int(g)*s.k+int(o.cnt[g])] {
				s.offer(d, v)
			}
		} else {
			s.lists[d] = append(s.lists[d], o.lists[g]...)
		}
	}
}

// best returns group g's kept values, best first (at most k).
func (s *topKState[T]) best(g int) []T {
	if s.small() {
		return s.slots[g*s.k : g*s.k+int(s.cnt[g])]
	}
	v := s.lists[g]
	slices.SortFunc(v, func(a, b T) int {
		switch {
		case s.better(a, b):
			return -1
		case s.better(b, a):
			return 1
		}
		return 0
	})
	return v[:min(len(v), s.k)]
}

func (s *topKState[T]) Finish(mem memory.Allocator) (arrow.Array, error) {
	groups := len(s.nulls)
	offsets := make([]int32, groups+1)
	var flat []T
	var valid []bool
	for g := range groups {
		v := s.best(g)
		flat = append(flat, v...)
		fill := min(int(s.nulls[g]), s.k-len(v))
		if fill > 0 && valid == nil {
			valid = make([]bool, len(flat)-len(v), len(flat)+fill)
			for i := range valid {
				valid[i] = true
			}
		}
		if valid != nil {
			for range v {
				valid = append(valid, true)
			}
			var zero T
			for range fill {
				flat = append(flat, zero)
				valid = append(valid, false)
			}
		}
		offsets[g+1] = int32(len(flat))
	}
	values, err := s.values(mem, flat, valid)
	if err != nil {
		return nil, err
	}
	defer values.Release()
	return listArray(mem, arrow.ListOf(s.t), offsets, values), nil
}

// values builds the list's child array from the kept values.
func (s *topKState[T]) values(mem memory.Allocator, flat []T, valid []bool) (arrow.Array, error) {
	if strs, ok := any(flat).([]string); ok {
		if valid == nil {
			valid = make([]bool, len(strs))
			for i := range valid {
				valid[i] = true
			}
		}
		return StringArray(mem, s.t, strs, valid)
	}
	return fixedWidthArray(mem, s.t, flat, valid), nil
}

// fixedWidthArray builds an array of fixed-width type t (whose values are
// laid out as T) from values and validity (nil: all valid).
func fixedWidthArray[T any](mem memory.Allocator, t arrow.DataType, vals []T, valid []bool) arrow.Array {
	var zero T
	size := len(vals) * int(unsafe.Sizeof(zero))
	data := memory.NewResizableBuffer(mem)
	data.Resize(size)
	if size > 0 {
		copy(data.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(vals))), size))
	}
	var bitmap *memory.Buffer
	nulls := 0
	if valid != nil {
		bitmap = memory.NewResizableBuffer(mem)
		bitmap.Resize(int(bitutil.BytesForBits(int64(len(vals)))))
		b := bitmap.Bytes()
		clear(b)
		for i, ok := range valid {
			if ok {
				bitutil.SetBit(b, i)
			} else {
				nulls++
			}
		}
	}
	d := array.NewData(t, len(vals), []*memory.Buffer{bitmap, data}, nil, nulls, 0)
	defer d.Release()
	data.Release()
	if bitmap != nil {
		bitmap.Release()
	}
	return array.MakeFromData(d)
}

// listArray wraps values in a List array with the given offsets (no null lists).
func listArray(mem memory.Allocator, t arrow.DataType, offsets []int32, values arrow.Array) arrow.Array {
	off := memory.NewResizableBuffer(mem)
	off.Resize(len(offsets) * 4)
	copy(off.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(offsets))), len(offsets)*4))
	d := array.NewData(t, len(offsets)-1, []*memory.Buffer{nil, off}, []arrow.ArrayData{values.Data()}, 0, 0)
	defer d.Release()
	off.Release()
	return array.MakeFromData(d)
}
