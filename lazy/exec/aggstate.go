package exec

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// aggState accumulates one aggregate for many groups, indexed by group id.
// update folds a batch in (gids[i] is the group of row i; arr is nil for
// len; base is the position of the batch's first row, for first and last);
// merge folds other states' groups srcG into this state's groups dstG;
// finish builds the result column in group id order.
type aggState interface {
	grow(n int)
	update(gids []int32, arr arrow.Array, base int64)
	merge(src aggState, srcG, dstG []int32)
	finish(mem memory.Allocator) (arrow.Array, error)
}

// growTo extends s to n elements, the new ones zero. When it must
// reallocate, capacity at least doubles: append grows a large slice by a
// quarter, which copied the per-group arrays of a million groups about
// five times over, each time into fresh pages the kernel faults in
// (memmove and page faults were a tenth of TPC-H Q18's profile).
func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	if n <= cap(s) {
		old := len(s)
		s = s[:n]
		clear(s[old:])
		return s
	}
	out := make([]T, n, max(n, 2*cap(s)))
	copy(out, s)
	return out
}

// appendGrow is append of one element that doubles the capacity when it
// must grow (see growTo): a group table's per-group arrays.
func appendGrow[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 8))
	}
	return append(s, v)
}

// newAggState returns the state for one resolved aggregate.
func newAggState(a *lazy.Agg) (aggState, error) {
	var in arrow.DataType
	if a.X != nil {
		in = a.X.DataType()
	}
	switch a.Func {
	case lazy.AggLen:
		return &countState{all: true}, nil
	case lazy.AggCount:
		return &countState{}, nil
	case lazy.AggSum:
		return newSumState(in, a.Type)
	case lazy.AggMean:
		return &meanState{out: a.Type}, nil
	case lazy.AggStd, lazy.AggVar:
		return &varState{out: a.Type, ddof: a.Param, std: a.Func == lazy.AggStd}, nil
	case lazy.AggMin, lazy.AggMax:
		return newMinMax(in, a.Func == lazy.AggMax)
	case lazy.AggFirst, lazy.AggLast:
		return &firstLastState{last: a.Func == lazy.AggLast, vals: newStore(in)}, nil
	case lazy.AggAny, lazy.AggAll:
		return &anyAllState{all: a.Func == lazy.AggAll}, nil
	case lazy.AggMedian:
		return &quantileState{out: a.Type, q: 0.5, interp: "linear"}, nil
	case lazy.AggQuantile:
		return &quantileState{out: a.Type, q: a.Param, interp: a.Interp}, nil
	case lazy.AggNUnique:
		return &nUniqueState{}, nil
	case lazy.AggCorr, lazy.AggCov:
		return &corrCovState{corr: a.Func == lazy.AggCorr, ddof: a.Param}, nil
	case lazy.AggTopK, lazy.AggBottomK:
		return newTopKState(a)
	}
	return nil, core.Errorf(core.KindNotSupported, "aggregate %s is not supported", a.Func)
}

// intAt reads row i of an integer-like fixed-width array as an int64.
func intAt(a arrow.Array, i int) int64 {
	unsigned := core.IsUnsigned(a.DataType())
	switch a.DataType().(arrow.FixedWidthDataType).BitWidth() {
	case 8:
		if unsigned {
			return int64(kernels.Values[uint8](a)[i])
		}
		return int64(kernels.Values[int8](a)[i])
	case 16:
		if unsigned {
			return int64(kernels.Values[uint16](a)[i])
		}
		return int64(kernels.Values[int16](a)[i])
	case 32:
		if unsigned {
			return int64(kernels.Values[uint32](a)[i])
		}
		return int64(kernels.Values[int32](a)[i])
	}
	return kernels.Values[int64](a)[i]
}

// --- count / len -------------------------------------------------------------

type countState struct {
	all bool // len: count nulls too
	n   []int64
}

func (s *countState) grow(n int) { s.n = growTo(s.n, n) }
func (s *countState) update(gids []int32, arr arrow.Array, _ int64) {
	if !s.all && arr != nil && arr.DataType().ID() == arrow.NULL {
		return // a Null column has no values to count
	}
	if s.all || arr == nil || arr.NullN() == 0 {
		for _, g := range gids {
			s.n[g]++
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			s.n[g]++
		}
	}
}
func (s *countState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*countState)
	for i, g := range srcG {
		s.n[dstG[i]] += o.n[g]
	}
}
func (s *countState) finish(mem memory.Allocator) (arrow.Array, error) {
	b := array.NewUint32Builder(mem)
	defer b.Release()
	b.Reserve(len(s.n))
	for _, v := range s.n {
		b.UnsafeAppend(uint32(v))
	}
	return b.NewArray(), nil
}

// --- sum -----------------------------------------------------------------------

// sumState adds values of type T into accumulators of type A (the result
// type, or float64 for floats), skipping nulls; empty groups sum to 0.
type sumState[T, A kernels.Num] struct {
	acc []A
	out arrow.DataType
}

func newSumState(in, out arrow.DataType) (aggState, error) {
	switch in.ID() {
	case arrow.NULL:
		return &sumState[int64, int64]{out: out}, nil
	case arrow.BOOL:
		return &boolSumState{}, nil
	case arrow.INT8:
		return &sumState[int8, int64]{out: out}, nil
	case arrow.INT16:
		return &sumState[int16, int64]{out: out}, nil
	case arrow.INT32:
		return &sumState[int32, int32]{out: out}, nil
	case arrow.INT64:
		return &sumState[int64, int64]{out: out}, nil
	case arrow.UINT8:
		return &sumState[uint8, int64]{out: out}, nil
	case arrow.UINT16:
		return &sumState[uint16, int64]{out: out}, nil
	case arrow.UINT32:
		return &sumState[uint32, uint32]{out: out}, nil
	case arrow.UINT64:
		return &sumState[uint64, uint64]{out: out}, nil
	case arrow.FLOAT32:
		return &floatSumState{out: out}, nil
	case arrow.FLOAT64:
		return &floatSumState{out: out}, nil
	case arrow.DECIMAL128:
		return newDecSumState(out), nil
	}
	return nil, core.Errorf(core.KindNotSupported, "sum of %s", core.DTypeName(in))
}

// neumaier is a compensated running sum: the result is (almost always)
// the exactly rounded sum, whatever the order of additions, so float sums
// do not depend on how morsels were split among workers.
type neumaier struct{ sum, c float64 }

func (k *neumaier) add(x float64) {
	t := k.sum + x
	if math.IsInf(t, 0) || math.IsNaN(t) {
		k.sum = t
		return
	}
	if math.Abs(k.sum) >= math.Abs(x) {
		k.c += (k.sum - t) + x
	} else {
		k.c += (x - t) + k.sum
	}
	k.sum = t
}

func (k *neumaier) merge(o neumaier) {
	k.add(o.sum)
	k.add(o.c)
}

func (k neumaier) value() float64 {
	if math.IsInf(k.sum, 0) || math.IsNaN(k.sum) {
		return k.sum
	}
	return k.sum + k.c
}

// floatSumState sums floats with compensation.
type floatSumState struct {
	acc []neumaier
	out arrow.DataType
}

func (s *floatSumState) grow(n int) { s.acc = growTo(s.acc, n) }
func (s *floatSumState) update(gids []int32, arr arrow.Array, _ int64) {
	switch arr.DataType().ID() {
	case arrow.FLOAT64:
		floatSumUpdate[float64](s.acc, gids, arr)
	case arrow.FLOAT32:
		floatSumUpdate[float32](s.acc, gids, arr)
	}
}

func floatSumUpdate[T kernels.Float](acc []neumaier, gids []int32, arr arrow.Array) {
	v := kernels.Values[T](arr)
	if arr.NullN() == 0 {
		for i, g := range gids {
			acc[g].add(float64(v[i]))
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			acc[g].add(float64(v[i]))
		}
	}
}

func (s *floatSumState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*floatSumState)
	for i, g := range srcG {
		s.acc[dstG[i]].merge(o.acc[g])
	}
}
func (s *floatSumState) finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.acc))
	for i, a := range s.acc {
		out[i] = a.value()
	}
	return numArray(mem, s.out, out, nil)
}

func (s *sumState[T, A]) grow(n int) { s.acc = growTo(s.acc, n) }
func (s *sumState[T, A]) update(gids []int32, arr arrow.Array, _ int64) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	v := kernels.Values[T](arr)
	acc := s.acc
	if arr.NullN() == 0 {
		for i, g := range gids {
			acc[g] += A(v[i])
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			acc[g] += A(v[i])
		}
	}
}
func (s *sumState[T, A]) merge(src aggState, srcG, dstG []int32) {
	o := src.(*sumState[T, A])
	for i, g := range srcG {
		s.acc[dstG[i]] += o.acc[g]
	}
}
func (s *sumState[T, A]) finish(mem memory.Allocator) (arrow.Array, error) {
	return numArray(mem, s.out, s.acc, nil)
}

type boolSumState struct{ n []int64 }

func (s *boolSumState) grow(n int) { s.n = growTo(s.n, n) }
func (s *boolSumState) update(gids []int32, arr arrow.Array, _ int64) {
	b := arr.(*array.Boolean)
	for i, g := range gids {
		if b.IsValid(i) && b.Value(i) {
			s.n[g]++
		}
	}
}
func (s *boolSumState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*boolSumState)
	for i, g := range srcG {
		s.n[dstG[i]] += o.n[g]
	}
}
func (s *boolSumState) finish(mem memory.Allocator) (arrow.Array, error) {
	return numArray(mem, arrow.PrimitiveTypes.Uint32, s.n, nil)
}

// --- mean and variance ---------------------------------------------------------------

type meanState struct {
	sum []neumaier
	n   []int64
	out arrow.DataType
}

func (s *meanState) grow(n int) { s.sum, s.n = growTo(s.sum, n), growTo(s.n, n) }
func (s *meanState) update(gids []int32, arr arrow.Array, _ int64) {
	switch arr.DataType().ID() {
	case arrow.NULL:
		return
	case arrow.FLOAT64:
		meanUpdate[float64](s, gids, arr)
		return
	case arrow.FLOAT32:
		meanUpdate[float32](s, gids, arr)
		return
	case arrow.INT64:
		meanUpdate[int64](s, gids, arr)
		return
	case arrow.INT32:
		meanUpdate[int32](s, gids, arr)
		return
	}
	get := numericAsFloat(arr)
	for i, g := range gids {
		if arr.IsValid(i) {
			s.sum[g].add(get(i))
			s.n[g]++
		}
	}
}
func meanUpdate[T kernels.Num](s *meanState, gids []int32, arr arrow.Array) {
	v := kernels.Values[T](arr)
	sum, n := s.sum, s.n
	if arr.NullN() == 0 {
		for i, g := range gids {
			sum[g].add(float64(v[i]))
			n[g]++
		}
		return
	}
	for i, g := range gids {
		if arr.IsValid(i) {
			sum[g].add(float64(v[i]))
			n[g]++
		}
	}
}

func (s *meanState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*meanState)
	for i, g := range srcG {
		s.sum[dstG[i]].merge(o.sum[g])
		s.n[dstG[i]] += o.n[g]
	}
}
func (s *meanState) finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.sum))
	valid := make([]bool, len(s.sum))
	for i := range out {
		if s.n[i] > 0 {
			out[i] = s.sum[i].value() / float64(s.n[i])
			valid[i] = true
		}
	}
	return numArray(mem, s.out, out, valid)
}

// varState keeps count, mean and the sum of squared deviations (Welford),
// merged with Chan's formula.
type varState struct {
	n, mean, m2 []float64
	ddof        float64
	std         bool
	out         arrow.DataType
}

func (s *varState) grow(n int) {
	s.n, s.mean, s.m2 = growTo(s.n, n), growTo(s.mean, n), growTo(s.m2, n)
}
func (s *varState) update(gids []int32, arr arrow.Array, _ int64) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	get := numericAsFloat(arr)
	for i, g := range gids {
		if !arr.IsValid(i) {
			continue
		}
		x := get(i)
		s.n[g]++
		d := x - s.mean[g]
		s.mean[g] += d / s.n[g]
		s.m2[g] += d * (x - s.mean[g])
	}
}
func (s *varState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*varState)
	for i, g := range srcG {
		d := dstG[i]
		if o.n[g] == 0 {
			continue
		}
		n := s.n[d] + o.n[g]
		delta := o.mean[g] - s.mean[d]
		s.m2[d] += o.m2[g] + delta*delta*s.n[d]*o.n[g]/n
		s.mean[d] += delta * o.n[g] / n
		s.n[d] = n
	}
}
func (s *varState) finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.n))
	valid := make([]bool, len(s.n))
	for i := range out {
		if s.n[i]-s.ddof > 0 {
			v := s.m2[i] / (s.n[i] - s.ddof)
			if s.std {
				v = math.Sqrt(v)
			}
			out[i], valid[i] = v, true
		}
	}
	return numArray(mem, s.out, out, valid)
}

// --- min and max ---------------------------------------------------------------

func newMinMax(in arrow.DataType, isMax bool) (aggState, error) {
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

func (s *decMinMaxState) grow(n int) { s.v, s.has = growTo(s.v, n), growTo(s.has, n) }
func (s *decMinMaxState) put(g int32, x decimal128.Num) {
	if c := x.Cmp(s.v[g]); !s.has[g] || (s.max && c > 0) || (!s.max && c < 0) {
		s.v[g], s.has[g] = x, true
	}
}
func (s *decMinMaxState) update(gids []int32, arr arrow.Array, _ int64) {
	d := arr.(*array.Decimal128)
	for i, g := range gids {
		if d.IsValid(i) {
			s.put(g, d.Value(i))
		}
	}
}
func (s *decMinMaxState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*decMinMaxState)
	for i, g := range srcG {
		if o.has[g] {
			s.put(dstG[i], o.v[g])
		}
	}
}
func (s *decMinMaxState) finish(mem memory.Allocator) (arrow.Array, error) {
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

func (s *minMaxState[T]) grow(n int) {
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
func (s *minMaxState[T]) update(gids []int32, arr arrow.Array, _ int64) {
	v := kernels.Values[T](arr)
	nulls := arr.NullN() > 0
	for i, g := range gids {
		if nulls && arr.IsNull(i) {
			continue
		}
		s.put(g, v[i])
	}
}
func (s *minMaxState[T]) merge(src aggState, srcG, dstG []int32) {
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
func (s *minMaxState[T]) finish(mem memory.Allocator) (arrow.Array, error) {
	valid := make([]bool, len(s.v))
	for i := range valid {
		valid[i] = s.has[i]
		if !s.has[i] && s.nan[i] {
			var z T
			s.v[i] = z / z // NaN, only reachable for float types
			valid[i] = true
		}
	}
	return numArray(mem, s.t, s.v, valid)
}

type strMinMaxState struct {
	v   []string
	has []bool
	max bool
	t   arrow.DataType
}

func (s *strMinMaxState) grow(n int) { s.v, s.has = growTo(s.v, n), growTo(s.has, n) }
func (s *strMinMaxState) put(g int32, x string) {
	if !s.has[g] || (s.max && x > s.v[g]) || (!s.max && x < s.v[g]) {
		s.v[g], s.has[g] = strings.Clone(x), true
	}
}
func (s *strMinMaxState) update(gids []int32, arr arrow.Array, _ int64) {
	at := kernels.StringAt(arr)
	for i, g := range gids {
		if arr.IsValid(i) {
			if x := at(i); !s.has[g] || (s.max && x > s.v[g]) || (!s.max && x < s.v[g]) {
				s.put(g, x)
			}
		}
	}
}
func (s *strMinMaxState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*strMinMaxState)
	for i, g := range srcG {
		if o.has[g] {
			s.put(dstG[i], o.v[g])
		}
	}
}
func (s *strMinMaxState) finish(mem memory.Allocator) (arrow.Array, error) {
	return stringArray(mem, s.t, s.v, s.has)
}

func stringArray(mem memory.Allocator, t arrow.DataType, v []string, valid []bool) (arrow.Array, error) {
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

type nullState struct{ n int }

func (s *nullState) grow(n int)                                       { s.n = max(s.n, n) }
func (s *nullState) update([]int32, arrow.Array, int64)               {}
func (s *nullState) merge(aggState, []int32, []int32)                 {}
func (s *nullState) finish(mem memory.Allocator) (arrow.Array, error) { return array.NewNull(s.n), nil }

// --- any / all (also min/max of booleans) -------------------------------------------

type anyAllState struct {
	all    bool
	minMax bool // min/max of Boolean: null when the group has no value
	v      []bool
	seen   []bool
}

func (s *anyAllState) grow(n int) {
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
func (s *anyAllState) update(gids []int32, arr arrow.Array, _ int64) {
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
func (s *anyAllState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*anyAllState)
	for i, g := range srcG {
		if o.seen[g] {
			s.put(dstG[i], o.v[g])
		}
	}
}
func (s *anyAllState) finish(mem memory.Allocator) (arrow.Array, error) {
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

// --- first / last -------------------------------------------------------------------

// firstLastState keeps, per group, the value at the smallest (first) or
// largest (last) row position; nulls count as values, as in Polars.
type firstLastState struct {
	last bool
	pos  []int64
	set  []bool
	vals *store
}

func (s *firstLastState) grow(n int) {
	s.pos, s.set = growTo(s.pos, n), growTo(s.set, n)
	s.vals.grow(n)
}
func (s *firstLastState) better(g int32, p int64) bool {
	return !s.set[g] || (s.last && p > s.pos[g]) || (!s.last && p < s.pos[g])
}
func (s *firstLastState) update(gids []int32, arr arrow.Array, base int64) {
	for i, g := range gids {
		if p := base + int64(i); s.better(g, p) {
			s.pos[g], s.set[g] = p, true
			s.vals.set(g, arr, i)
		}
	}
}
func (s *firstLastState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*firstLastState)
	for i, g := range srcG {
		d := dstG[i]
		if o.set[g] && s.better(d, o.pos[g]) {
			s.pos[d], s.set[d] = o.pos[g], true
			s.vals.copyFrom(o.vals, g, d)
		}
	}
}
func (s *firstLastState) finish(mem memory.Allocator) (arrow.Array, error) { return s.vals.build(mem) }

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

func (s *store) grow(n int) {
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
		s.ints[g] = int64(b2i(a.Value(i)))
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
			s.ints[g] = intAt(arr, i)
		}
	}
}

func b2i(b bool) int {
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
		return numArray(mem, s.t, s.flts, s.valid)
	case core.IsString(s.t) || s.t.ID() == arrow.BINARY || s.t.ID() == arrow.LARGE_BINARY:
		return stringArray(mem, s.t, s.strs, s.valid)
	case s.t.ID() == arrow.UINT64:
		u := make([]uint64, len(s.ints))
		for i, v := range s.ints {
			u[i] = uint64(v)
		}
		return numArray(mem, s.t, u, s.valid)
	}
	return numArray(mem, s.t, s.ints, s.valid)
}

// --- median and quantiles -----------------------------------------------------------

type quantileState struct {
	vals   [][]float64
	q      float64
	interp string
	out    arrow.DataType
}

func (s *quantileState) grow(n int) { s.vals = growTo(s.vals, n) }
func (s *quantileState) update(gids []int32, arr arrow.Array, _ int64) {
	if arr.DataType().ID() == arrow.NULL {
		return
	}
	get := numericAsFloat(arr)
	for i, g := range gids {
		if arr.IsValid(i) {
			s.vals[g] = append(s.vals[g], get(i))
		}
	}
}
func (s *quantileState) merge(src aggState, srcG, dstG []int32) {
	o := src.(*quantileState)
	for i, g := range srcG {
		s.vals[dstG[i]] = append(s.vals[dstG[i]], o.vals[g]...)
	}
}
func (s *quantileState) finish(mem memory.Allocator) (arrow.Array, error) {
	out := make([]float64, len(s.vals))
	valid := make([]bool, len(s.vals))
	for g, v := range s.vals {
		if len(v) == 0 {
			continue
		}
		out[g], valid[g] = selectQuantile(v, s.q, s.interp), true
	}
	return numArray(mem, s.out, out, valid)
}

// quantileOf is the q-quantile of sorted values with Polars' interpolations.
func quantileOf(v []float64, q float64, interp string) float64 {
	n := len(v)
	pos := q * float64(n-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	if v[lo] == v[hi] && interp != "nearest" {
		return v[lo] // also keeps ±inf from becoming NaN in the interpolation
	}
	switch interp {
	case "lower":
		return v[lo]
	case "higher":
		return v[hi]
	case "midpoint":
		return (v[lo] + v[hi]) / 2
	case "linear":
		return v[lo] + (v[hi]-v[lo])*(pos-float64(lo))
	}
	// nearest: halves round away from zero, as in Polars
	return v[int(math.Round(pos))]
}

// --- n_unique ------------------------------------------------------------------------

// nUniqueState counts distinct values per group; null is a value of its own.
// Integer-like values are collected as (group, value) pairs and counted by
// sorting at the end (no hash set: a set of millions of pairs is bound by
// cache misses); other values are kept in a set of 4-byte group id +
// encoded value.
type nUniqueState struct {
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

func (s *nUniqueState) grow(n int) { s.groups = max(s.groups, n) }

func (s *nUniqueState) update(gids []int32, arr arrow.Array, _ int64) {
	t := arr.DataType()
	if intKeyable(t) || core.IsInteger(t) || t.ID() == arrow.BOOL {
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
			vals = intKeys(arr, nil)
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
	enc, err := newRowEncoder([]arrow.Array{arr})
	if err != nil {
		return // nested types are refused when planned
	}
	for i, g := range gids {
		s.buf = binary.LittleEndian.AppendUint32(s.buf[:0], uint32(g))
		s.buf = enc.encode(s.buf, i)
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

func (s *nUniqueState) merge(src aggState, srcG, dstG []int32) {
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

func (s *nUniqueState) finish(mem memory.Allocator) (arrow.Array, error) {
	// Bucket the values by group (a counting sort, linear), then count the
	// distinct values of each group on its own: groups are usually small,
	// and sorting a few values in place beats sorting all pairs at once.
	s.buildByGroup()
	n := make([]int64, s.groups)
	parallelRanges(s.groups, 4096, func(lo, hi int) {
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
	return numArray(mem, arrow.PrimitiveTypes.Uint32, n, nil)
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
