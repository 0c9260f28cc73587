package fn

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// is_in(x) with options {"values": [...]}: whether each value of x is one of
// a list of scalars (null where x is null, as in Polars; SQL's IN adds its
// own null rule around the call). The list's NaN and infinities, which JSON
// numbers cannot carry, come in "non_finite" by name ("nan", "inf",
// "-inf"). Temporal values come as integers with "dtype" naming their type:
// "Date" (days), "Datetime(time_unit='us')" and "Duration(time_unit='us')"
// (microseconds); they match only a column of the same kind, in its own
// unit, as in Polars.
var isInFunctions = []*Scalar{{
	Name: "is_in", Python: []string{"Expr.is_in"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
	Type: isInType, Eval: evalIsIn,
}}

func isInType(b *Binding) error {
	vals, ok := b.Opts["values"].([]any)
	if !ok {
		return core.Errorf(core.KindInvalidInput, "is_in needs a list of values")
	}
	b.Out = boolean
	t := b.Args[0].DataType()
	if t.ID() == arrow.NULL {
		return nil // a null is in no list: every row is null, whatever the values
	}
	if name, typed := b.Opts["dtype"].(string); typed {
		vt, err := core.ParseDType(name)
		if err != nil {
			return err
		}
		if _, ok := tickScale(vt, t); !ok {
			return core.Errorf(core.KindCompute, "is_in cannot check %s values against a list of %s values",
				core.DTypeName(t), core.DTypeName(vt))
		}
		return nil
	}
	var fits func(v any) bool
	switch {
	case core.IsNumeric(t):
		fits = func(v any) bool { return isNumber(v) }
	case core.IsString(t):
		fits = func(v any) bool { _, ok := v.(string); return ok }
	case t.ID() == arrow.BOOL:
		fits = func(v any) bool { _, ok := v.(bool); return ok }
	case kernels.IntLike(t):
		// Temporal values as their ticks (days of a Date): whole numbers only.
		fits = func(v any) bool { _, ok := exactInt64(v); return ok && isNumber(v) }
	default:
		return core.Errorf(core.KindNotSupported, "is_in on %s values is not supported", core.DTypeName(t))
	}
	for _, v := range vals {
		if v != nil && !fits(v) {
			return core.Errorf(core.KindCompute, "is_in value %v cannot be compared with %s values", v, core.DTypeName(t))
		}
	}
	return nil
}

func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64, uint64:
		return true
	}
	return false
}

// tickScale is how the ticks of a typed value list (vt, as "dtype" names it)
// convert to ticks of a column of type t: multiply by mul when mul > 0,
// divide by -mul (exactly, or the value cannot match) when mul < 0. ok is
// false when the kinds differ: a Date list never matches a Datetime column.
func tickScale(vt, t arrow.DataType) (mul int64, ok bool) {
	perDay := func(u arrow.TimeUnit) int64 { return 86_400 * core.UnitsPerSecond(u) }
	ratio := func(from, to int64) int64 {
		if to >= from {
			return to / from
		}
		return -(from / to)
	}
	switch vt.ID() {
	case arrow.DATE32:
		switch t.ID() {
		case arrow.DATE32:
			return 1, true
		case arrow.DATE64:
			return perDay(arrow.Millisecond), true
		}
	case arrow.TIMESTAMP, arrow.DURATION:
		if vt.ID() != t.ID() {
			return 0, false
		}
		from, to := core.UnitsPerSecond(unitOf(vt)), core.UnitsPerSecond(unitOf(t))
		return ratio(from, to), true
	}
	return 0, false
}

func unitOf(t arrow.DataType) arrow.TimeUnit {
	if u, ok := t.(interface{ TimeUnit() arrow.TimeUnit }); ok {
		return u.TimeUnit()
	}
	return arrow.Second
}

// scaleTick converts v by a tickScale factor; ok is false when the result
// is not a whole number of the column's ticks or does not fit an int64.
func scaleTick(v, mul int64) (int64, bool) {
	switch {
	case mul == 1:
		return v, true
	case mul > 1:
		if v > math.MaxInt64/mul || v < math.MinInt64/mul {
			return 0, false
		}
		return v * mul, true
	default:
		return v / -mul, v%-mul == 0
	}
}

func evalIsIn(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
	x, err := args[0].Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	vals, _ := c.Opts["values"].([]any)
	t := x.DataType()
	if t.ID() == arrow.NULL {
		return kernels.Broadcast(mem, nil, boolean, n)
	}
	if core.IsString(t) {
		if few := fewStrings(vals); few != nil {
			if out, ok := kernels.StringsIn(mem, x, few); ok {
				return out, nil
			}
		}
	}
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	switch {
	case core.IsString(t):
		set := keep(c, func() stringInSet { return newStringInSet(vals) })
		at := kernels.StringAt(x)
		for i := range n {
			if x.IsNull(i) {
				b.AppendNull()
			} else {
				_, in := set[at(i)]
				b.UnsafeAppend(in)
			}
		}
	case t.ID() == arrow.UINT64:
		set := keep(c, func() uintInSet { return newUintInSet(vals) })
		probeIsIn(b, x, kernels.Values[uint64](x), func(v uint64) bool { _, ok := set[v]; return ok })
	case kernels.IntLike(t):
		set := keep(c, func() intInSet { return newIntInSet(vals, typedScale(c, t)) })
		probeIsIn(b, x, kernels.Int64Keys(x, nil), func(v int64) bool { _, ok := set[v]; return ok })
	case t.ID() == arrow.FLOAT64:
		set := keep(c, func() floatInSet { return newFloatInSet(vals, nonFinite(c)) })
		probeIsIn(b, x, kernels.Values[float64](x), set.has)
	case t.ID() == arrow.FLOAT32:
		set := keep(c, func() floatInSet { return newFloatInSet(vals, nonFinite(c)) })
		probeIsIn(b, x, kernels.Values[float32](x), func(v float32) bool { return set.has(float64(v)) })
	case t.ID() == arrow.BOOL:
		set := keep(c, func() intInSet { return newIntInSet(vals, 1) })
		bx := x.(*array.Boolean)
		_, hasFalse := set[0]
		_, hasTrue := set[1]
		for i := range n {
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
		return nil, core.Errorf(core.KindNotSupported, "is_in on %s values is not supported", core.DTypeName(t))
	}
	return b.NewArray(), nil
}

// keep returns the set of c built by build, once per call of the plan: a
// query evaluates the call once per morsel, and rebuilding a set of a
// million values each time made is_in cost rows/morsel × values. A value
// kept for the call in another type (never, for a resolved call) is not
// used.
func keep[S any](c *Invocation, build func() S) S {
	if set, ok := c.Keep(func() any { return build() }).(S); ok {
		return set
	}
	return build()
}

// typedScale is the tick conversion of c's typed value list into the
// column type t (1 for a list of plain numbers).
func typedScale(c *Invocation, t arrow.DataType) int64 {
	name, typed := c.Opts["dtype"].(string)
	if !typed {
		return 1
	}
	vt, err := core.ParseDType(name)
	if err != nil {
		return 1 // the type rule has checked it
	}
	mul, _ := tickScale(vt, t)
	return mul
}

// fewStrings returns the strings of an is_in list when there are at most
// kernels.MaxFewStrings of them (compared row by row instead of hashed),
// else nil.
func fewStrings(vals []any) []string {
	if len(vals) > kernels.MaxFewStrings {
		return nil
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Numeric sets are keyed by the exact value in the column's own type:
// keying every number as a float64 made 2**53+1 match 2**53, and every
// Int64/UInt64 pair above 2**53 that rounds alike. A list value that the
// column's type cannot hold exactly (2.5 or 2**63 for an Int64 column, -1
// for a UInt64 one) can never match and is left out.
type (
	stringInSet map[string]struct{}
	intInSet    map[int64]struct{}
	uintInSet   map[uint64]struct{}
	// floatInSet holds floats with -0.0 stored as 0.0 (they are equal), and
	// NaN as a flag, since NaN is no usable map key; as in Polars, NaN is in
	// a list that holds NaN.
	floatInSet struct {
		vals map[float64]struct{}
		nan  bool
	}
)

func newStringInSet(vals []any) stringInSet {
	set := make(stringInSet, len(vals))
	for _, v := range vals {
		if s, ok := v.(string); ok {
			set[s] = struct{}{}
		}
	}
	return set
}

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
		if x {
			return 1, true
		}
		return 0, true
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
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// newIntInSet keys the values that are whole numbers, converted to the
// column's ticks by scale (see tickScale; 1 for plain numbers).
func newIntInSet(vals []any, scale int64) intInSet {
	set := make(intInSet, len(vals))
	for _, v := range vals {
		k, ok := exactInt64(v)
		if ok {
			k, ok = scaleTick(k, scale)
		}
		if ok {
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
		if math.IsNaN(f) {
			set.nan = true
		} else {
			set.vals[f+0] = struct{}{} // -0.0 + 0 is +0.0
		}
	}
	for _, v := range vals {
		switch x := v.(type) {
		case int64:
			add(float64(x))
		case uint64:
			add(float64(x))
		case float64:
			add(x)
		case bool:
			if x {
				add(1)
			} else {
				add(0)
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

// nonFinite is the "non_finite" option of an is_in call: the NaN and
// infinities of the list, which JSON numbers cannot carry.
func nonFinite(c *Invocation) []any {
	v, _ := c.Opts["non_finite"].([]any)
	return v
}
