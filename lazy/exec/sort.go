package exec

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// sortOp materializes its input, computes a stable sort permutation over the
// keys and gathers every column in that order.
type sortOp struct {
	mem    memory.Allocator
	input  Operator
	keys   []lazy.SortKey
	schema *arrow.Schema
	done   bool
}

func (s *sortOp) Schema() *arrow.Schema { return s.schema }
func (s *sortOp) Close()                { s.input.Close() }

func (s *sortOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	rb, err := collectAll(ctx, s.mem, s.input, s.schema)
	if err != nil || rb == nil {
		return nil, err
	}
	defer rb.Release()
	keys, err := evalArrays(s.mem, lazy.SortExprs(s.keys), rb)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(keys)
	perm, err := sortPermutation(keys, s.keys)
	if err != nil {
		return nil, err
	}
	return gatherBatch(s.mem, rb, perm)
}

// collectAll reads every batch of op into one batch (nil for no rows is
// never returned: an empty input gives an empty batch).
func collectAll(ctx context.Context, mem memory.Allocator, op Operator, schema *arrow.Schema) (arrow.RecordBatch, error) {
	var batches []arrow.RecordBatch // by morsel; nil where a morsel kept no rows
	defer func() {
		for _, b := range batches {
			if b != nil {
				b.Release()
			}
		}
	}()
	var mu sync.Mutex
	if _, err := consume(ctx, op, func(_, seq int, rb arrow.RecordBatch) error {
		mu.Lock()
		defer mu.Unlock()
		for len(batches) <= seq {
			batches = append(batches, nil)
		}
		batches[seq] = rb
		return nil
	}); err != nil {
		return nil, err
	}
	live := batches[:0:0]
	for _, b := range batches {
		if b != nil && b.NumRows() > 0 {
			live = append(live, b)
		}
	}
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	var rows int64
	for _, b := range live {
		rows += b.NumRows()
	}
	for i, f := range schema.Fields() {
		switch len(live) {
		case 0:
			bld := kernels.NewBuilder(mem, f.Type)
			cols[i] = bld.NewArray()
			bld.Release()
		case 1:
			cols[i] = live[0].Column(i)
			cols[i].Retain()
		default:
			parts := make([]arrow.Array, len(live))
			for j, b := range live {
				parts[j] = b.Column(i)
			}
			if whole := rejoinSlices(parts); whole != nil {
				cols[i] = whole
				continue
			}
			c, err := array.Concatenate(parts, mem)
			if err != nil {
				return nil, err
			}
			cols[i] = c
		}
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

// gatherBatch returns rb's rows in the order perm.
func gatherBatch(mem memory.Allocator, rb arrow.RecordBatch, perm []int32) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, rb.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i := range cols {
		c, err := kernels.Gather(mem, rb.Column(i), perm)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	return array.NewRecordBatch(rb.Schema(), cols, int64(len(perm))), nil
}

// sortPermutation returns the row order that sorts the key columns stably.
func sortPermutation(keys []arrow.Array, spec []lazy.SortKey) ([]int32, error) {
	n := 0
	if len(keys) > 0 {
		n = keys[0].Len()
	}
	if len(keys) == 1 {
		if perm, ok := sortSingle(keys[0], spec[0]); ok {
			return perm, nil
		}
	}
	cmps := make([]func(a, b int32) int, len(keys))
	for i, k := range keys {
		c, err := comparator(k, spec[i])
		if err != nil {
			return nil, err
		}
		cmps[i] = c
	}
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	// pdqsort with the row number as the last key: as stable as a stable
	// sort, and much faster than Go's SortStableFunc.
	slices.SortFunc(perm, func(a, b int32) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return cmp.Compare(a, b)
	})
	return perm, nil
}

// totalCmp orders numbers with NaN above everything (and equal to itself).
func totalCmp[T kernels.Num](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	case x == y:
		return 0
	case x != x && y != y:
		return 0
	case x != x:
		return 1
	}
	return -1
}

// categoricalRanks returns the lexical rank of each value of a Categorical
// array's dictionary and the array's codes: within one array (one
// dictionary) comparing ranks of codes orders rows by value, as Polars sorts
// categoricals, without comparing a string per pair.
func categoricalRanks(a arrow.Array) (rank []int32, codes []int32, err error) {
	d := a.(*array.Dictionary)
	dict := d.Dictionary()
	codes = kernels.DictCodes(d, nil)
	if err := kernels.CheckDictCodes(codes, dict.Len()); err != nil {
		return nil, nil, err
	}
	at := kernels.StringAt(dict)
	order := make([]int32, dict.Len())
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(at(int(x)), at(int(y))) })
	// Equal values (a dictionary may repeat one) share a rank.
	rank = make([]int32, dict.Len())
	r := int32(0)
	for k, i := range order {
		if k > 0 && at(int(i)) != at(int(order[k-1])) {
			r++
		}
		rank[i] = r
	}
	for i, c := range codes {
		if c < 0 {
			codes[i] = 0 // a null row: placed by the null check, its code unused
		}
	}
	if len(rank) == 0 {
		rank = []int32{0}
	}
	return rank, codes, nil
}

// comparator compares two rows of one key, nulls placed per spec.
func comparator(a arrow.Array, spec lazy.SortKey) (func(x, y int32) int, error) {
	var cmpValues func(x, y int32) int
	t := a.DataType()
	switch {
	case t.ID() == arrow.NULL:
		return func(int32, int32) int { return 0 }, nil
	case core.IsString(t) || t.ID() == arrow.BINARY || t.ID() == arrow.LARGE_BINARY:
		at := kernels.StringAt(a)
		if !core.IsString(t) {
			at = binaryAt(a)
		}
		cmpValues = func(x, y int32) int { return strings.Compare(at(int(x)), at(int(y))) }
	case core.IsCategorical(t):
		rank, codes, err := categoricalRanks(a)
		if err != nil {
			return nil, err
		}
		cmpValues = func(x, y int32) int { return cmp.Compare(rank[codes[x]], rank[codes[y]]) }
	case t.ID() == arrow.BOOL:
		b := a.(*array.Boolean)
		cmpValues = func(x, y int32) int { return cmp.Compare(b2i(b.Value(int(x))), b2i(b.Value(int(y)))) }
	case t.ID() == arrow.FLOAT64:
		v := kernels.Values[float64](a)
		cmpValues = func(x, y int32) int { return totalCmp(v[x], v[y]) }
	case t.ID() == arrow.FLOAT32:
		v := kernels.Values[float32](a)
		cmpValues = func(x, y int32) int { return totalCmp(v[x], v[y]) }
	case t.ID() == arrow.UINT64:
		v := kernels.Values[uint64](a)
		cmpValues = func(x, y int32) int { return cmp.Compare(v[x], v[y]) }
	case intKeyable(t):
		v := intKeys(a, nil)
		cmpValues = func(x, y int32) int { return cmp.Compare(v[x], v[y]) }
	case t.ID() == arrow.DECIMAL128:
		d := a.(*array.Decimal128)
		cmpValues = func(x, y int32) int { return d.Value(int(x)).Cmp(d.Value(int(y))) }
	default:
		return nil, core.Errorf(core.KindNotSupported, "sorting by %s is not supported", core.DTypeName(t))
	}
	desc := spec.Descending
	nullsLast := spec.NullsLast
	hasNulls := a.NullN() > 0
	return func(x, y int32) int {
		if hasNulls {
			xn, yn := a.IsNull(int(x)), a.IsNull(int(y))
			switch {
			case xn && yn:
				return 0
			case xn:
				if nullsLast {
					return 1
				}
				return -1
			case yn:
				if nullsLast {
					return -1
				}
				return 1
			}
		}
		c := cmpValues(x, y)
		if desc {
			return -c
		}
		return c
	}, nil
}

// sortSingle is the fast path for one numeric or string key: sort
// (value, row) pairs with the comparison inlined, nulls placed apart.
func sortSingle(a arrow.Array, spec lazy.SortKey) ([]int32, bool) {
	switch a.DataType().ID() {
	case arrow.FLOAT64:
		return sortPairs(a, kernels.Values[float64](a), spec), true
	case arrow.FLOAT32:
		return sortPairs(a, kernels.Values[float32](a), spec), true
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION, arrow.DATE64:
		return sortPairs(a, kernels.Values[int64](a), spec), true
	case arrow.INT32, arrow.DATE32:
		return sortPairs(a, kernels.Values[int32](a), spec), true
	case arrow.UINT64:
		return sortPairs(a, kernels.Values[uint64](a), spec), true
	case arrow.UINT32:
		return sortPairs(a, kernels.Values[uint32](a), spec), true
	case arrow.INT16:
		return sortPairs(a, kernels.Values[int16](a), spec), true
	case arrow.INT8:
		return sortPairs(a, kernels.Values[int8](a), spec), true
	case arrow.UINT16:
		return sortPairs(a, kernels.Values[uint16](a), spec), true
	case arrow.UINT8:
		return sortPairs(a, kernels.Values[uint8](a), spec), true
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		at := kernels.StringAt(a)
		vals := make([]string, a.Len())
		for i := range vals {
			vals[i] = at(i)
		}
		return sortPairsOrdered(a, vals, spec, strings.Compare), true
	case arrow.DICTIONARY:
		rank, codes, err := categoricalRanks(a)
		if err != nil {
			return nil, false // the comparator reports it
		}
		for i, c := range codes {
			codes[i] = rank[c]
		}
		return sortPairs(a, codes, spec), true
	}
	return nil, false
}

type pair[T any] struct {
	v T
	i int32
}

func sortPairs[T kernels.Num](a arrow.Array, vals []T, spec lazy.SortKey) []int32 {
	if perm, ok := radixSortInts(a, vals, spec); ok {
		return perm
	}
	return sortPairsOrdered(a, vals, spec, totalCmp[T])
}

// radixSortInts sorts by one integer key with the stable radix sort
// (sortByKey): keys are mapped to unsigned values in the same order (the
// sign bit flipped; complemented when descending, which keeps ties in input
// order). Floats go through the comparison sort (NaN and -0.0 rules).
func radixSortInts[T kernels.Num](a arrow.Array, vals []T, spec lazy.SortKey) ([]int32, bool) {
	var zero T
	var signed bool
	switch any(zero).(type) {
	case int8, int16, int32, int64:
		signed = true
	case uint8, uint16, uint32, uint64:
	default:
		return nil, false
	}
	n := len(vals)
	keys := make([]uint64, 0, n)
	rows := make([]int32, 0, n)
	var nulls []int32
	hasNulls := a.NullN() > 0
	for i, v := range vals {
		if hasNulls && a.IsNull(i) {
			nulls = append(nulls, int32(i))
			continue
		}
		k := uint64(v)
		if signed {
			k = uint64(int64(v)) ^ (1 << 63)
		}
		if spec.Descending {
			k = ^k
		}
		keys = append(keys, k)
		rows = append(rows, int32(i))
	}
	order := sortByKey(keys)
	for j, o := range order {
		order[j] = rows[o]
	}
	return placeNulls(order, nulls, spec.NullsLast), true
}

// placeNulls puts the null rows before or after the sorted others.
func placeNulls(sorted, nulls []int32, nullsLast bool) []int32 {
	if nullsLast {
		return append(sorted, nulls...)
	}
	return append(nulls, sorted...)
}

func sortPairsOrdered[T any](a arrow.Array, vals []T, spec lazy.SortKey, compare func(x, y T) int) []int32 {
	n := len(vals)
	pairs := make([]pair[T], 0, n)
	var nulls []int32
	hasNulls := a.NullN() > 0
	for i, v := range vals {
		if hasNulls && a.IsNull(i) {
			nulls = append(nulls, int32(i))
			continue
		}
		pairs = append(pairs, pair[T]{v, int32(i)})
	}
	sortPairSlice(pairs, spec.Descending, compare)
	sorted := make([]int32, len(pairs), n)
	for j, p := range pairs {
		sorted[j] = p.i
	}
	return placeNulls(sorted, nulls, spec.NullsLast)
}

// sortPairSlice sorts pairs by value (then by row, which keeps ties in input
// order), sorting halves in parallel and merging them when there are many.
func sortPairSlice[T any](pairs []pair[T], desc bool, compare func(x, y T) int) {
	less := func(x, y pair[T]) int {
		c := compare(x.v, y.v)
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	}
	workers := runtime.GOMAXPROCS(0)
	if len(pairs) < 1<<16 || workers < 2 {
		slices.SortFunc(pairs, less)
		return
	}
	chunks := workers
	size := (len(pairs) + chunks - 1) / chunks
	var wg sync.WaitGroup
	for c := 0; c < chunks; c++ {
		lo, hi := c*size, min((c+1)*size, len(pairs))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slices.SortFunc(pairs[lo:hi], less)
		}()
	}
	wg.Wait()
	// Merge the sorted runs pairwise.
	buf := make([]pair[T], len(pairs))
	for width := size; width < len(pairs); width *= 2 {
		for lo := 0; lo < len(pairs); lo += 2 * width {
			mid, hi := min(lo+width, len(pairs)), min(lo+2*width, len(pairs))
			mergeRuns(buf[lo:hi], pairs[lo:mid], pairs[mid:hi], less)
		}
		copy(pairs, buf)
	}
}

func mergeRuns[T any](dst, a, b []pair[T], less func(x, y pair[T]) int) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if less(b[j], a[i]) < 0 {
			dst[k] = b[j]
			j++
		} else {
			dst[k] = a[i]
			i++
		}
		k++
	}
	k += copy(dst[k:], a[i:])
	copy(dst[k:], b[j:])
}
