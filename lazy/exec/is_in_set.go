package exec

import (
	"math"
	"runtime"
	"sync"
	"weak"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
)

// isInSets keeps the probe set of each is_in call while the call (its
// plan) is alive. A query evaluates the call once per morsel, and
// rebuilding a set of a million values for every morsel made is_in
// quadratic-looking: rows/morsel × values. Keys are weak pointers, and an
// entry is dropped when its call is collected.
var isInSets sync.Map // weak.Pointer[lazy.Call] → S

// isInSet returns c's set, built once by build.
func isInSet[S any](c *lazy.Call, build func() S) S {
	key := weak.Make(c)
	if s, ok := isInSets.Load(key); ok {
		if set, ok := s.(S); ok {
			return set
		}
		return build() // the same call over another type: not cached
	}
	set := build()
	if _, loaded := isInSets.LoadOrStore(key, set); !loaded {
		runtime.AddCleanup(c, func(k weak.Pointer[lazy.Call]) { isInSets.Delete(k) }, key)
	}
	return set
}

// Numeric sets are keyed by the exact value in the column's own type:
// keying every number as a float64 made 2**53+1 match 2**53, and every
// Int64/UInt64 pair above 2**53 that rounds alike. A list value that the
// column's type cannot hold exactly (2.5 or 2**63 for an Int64 column, -1
// for a UInt64 one) can never match and is left out.
type (
	intInSet  map[int64]struct{}
	uintInSet map[uint64]struct{}
	// floatInSet holds floats with -0.0 stored as 0.0 (they are equal), and
	// NaN as a flag, since NaN is no usable map key; as in Polars, NaN is in
	// a list that holds NaN.
	floatInSet struct {
		vals map[float64]struct{}
		nan  bool
	}
)

// exactInt64 is v as an int64 when v is a number that an int64 holds
// exactly (bools count as 0 and 1).
func exactInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case uint64:
		return int64(x), x <= math.MaxInt64
	case float64:
		// -2**63 is exact in float64; 2**63 is the first value past the range.
		if x == math.Trunc(x) && x >= -(1<<63) && x < 1<<63 {
			return int64(x), true
		}
	case bool:
		return int64(b2i(x)), true
	}
	return 0, false
}

// exactUint64 is v as a uint64 when v is a number that a uint64 holds exactly.
func exactUint64(v any) (uint64, bool) {
	switch x := v.(type) {
	case int64:
		return uint64(x), x >= 0
	case uint64:
		return x, true
	case float64:
		if x == math.Trunc(x) && x >= 0 && x < 1<<64 {
			return uint64(x), true
		}
	case bool:
		return uint64(b2i(x)), true
	}
	return 0, false
}

func newIntInSet(vals []any) intInSet {
	set := make(intInSet, len(vals))
	for _, v := range vals {
		if k, ok := exactInt64(v); ok {
			set[k] = struct{}{}
		}
	}
	return set
}

func newUintInSet(vals []any) uintInSet {
	set := make(uintInSet, len(vals))
	for _, v := range vals {
		if k, ok := exactUint64(v); ok {
			set[k] = struct{}{}
		}
	}
	return set
}

// newFloatInSet builds the set of a float column; integers are compared
// as the float64 they convert to, as Polars and DuckDB cast them. Non-finite
// values come apart from the JSON-encodable ones, as "nan", "inf", "-inf".
func newFloatInSet(vals []any, nonFinite []any) floatInSet {
	set := floatInSet{vals: make(map[float64]struct{}, len(vals))}
	add := func(f float64) {
		switch {
		case math.IsNaN(f):
			set.nan = true
		default:
			set.vals[f+0] = struct{}{} // -0.0 + 0 is +0.0
		}
	}
	for _, v := range vals {
		switch x := v.(type) {
		case bool:
			add(float64(b2i(x)))
		default:
			if f, ok := scalarFloat(v); ok {
				add(f)
			}
		}
	}
	for _, v := range nonFinite {
		switch v {
		case "nan":
			add(math.NaN())
		case "inf":
			add(math.Inf(1))
		case "-inf":
			add(math.Inf(-1))
		}
	}
	return set
}

func (s floatInSet) has(f float64) bool {
	if f != f {
		return s.nan
	}
	_, ok := s.vals[f+0]
	return ok
}

// probeIsIn appends, for each row of x, whether its value is in set (null
// for a null row).
func probeIsIn[T any](b *array.BooleanBuilder, x arrow.Array, vals []T, in func(T) bool) {
	if x.NullN() == 0 {
		for _, v := range vals {
			b.UnsafeAppend(in(v))
		}
		return
	}
	for i, v := range vals {
		if x.IsNull(i) {
			b.AppendNull()
		} else {
			b.UnsafeAppend(in(v))
		}
	}
}

// isInNumeric probes the numeric, boolean or integer-like (temporal)
// column x against the list of c, with a set keyed in x's type.
func isInNumeric(b *array.BooleanBuilder, c *lazy.Call, x arrow.Array, vals []any) error {
	t := x.DataType()
	switch {
	case t.ID() == arrow.UINT64:
		set := isInSet(c, func() uintInSet { return newUintInSet(vals) })
		probeIsIn(b, x, kernels.Values[uint64](x), func(v uint64) bool { _, ok := set[v]; return ok })
	case intKeyable(t):
		set := isInSet(c, func() intInSet { return newIntInSet(vals) })
		probeIsIn(b, x, intKeys(x, nil), func(v int64) bool { _, ok := set[v]; return ok })
	case t.ID() == arrow.FLOAT64:
		set := isInSet(c, func() floatInSet { return newFloatInSet(vals, nonFiniteOpt(c)) })
		probeIsIn(b, x, kernels.Values[float64](x), set.has)
	case t.ID() == arrow.FLOAT32:
		set := isInSet(c, func() floatInSet { return newFloatInSet(vals, nonFiniteOpt(c)) })
		probeIsIn(b, x, kernels.Values[float32](x), func(v float32) bool { return set.has(float64(v)) })
	case t.ID() == arrow.BOOL:
		set := isInSet(c, func() intInSet { return newIntInSet(vals) })
		bx := x.(*array.Boolean)
		_, hasFalse := set[0]
		_, hasTrue := set[1]
		for i := range x.Len() {
			switch {
			case bx.IsNull(i):
				b.AppendNull()
			case bx.Value(i):
				b.UnsafeAppend(hasTrue)
			default:
				b.UnsafeAppend(hasFalse)
			}
		}
	default:
		return core.Errorf(core.KindNotSupported, "is_in on %s values", core.DTypeName(t))
	}
	return nil
}

// nonFiniteOpt is the "non_finite" option of an is_in call: the NaN and
// infinities of the list, which JSON numbers cannot carry.
func nonFiniteOpt(c *lazy.Call) []any {
	v, _ := c.Opts["non_finite"].([]any)
	return v
}
