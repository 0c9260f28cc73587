package exec

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func init() {
	floatFns := map[string]func(float64) float64{
		"sqrt": math.Sqrt, "exp": math.Exp, "log": math.Log, "log10": math.Log10, "log1p": math.Log1p,
		"sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "floor": math.Floor, "ceil": math.Ceil,
	}
	for name, f := range floatFns {
		registerEval(name, func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
			return mapFloat(mem, args[0], n, f)
		})
	}
	registerEval("abs", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		return mapNum(mem, args[0], n, numOp{name: "abs"})
	})
	registerEval("sign", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		return mapNum(mem, args[0], n, numOp{name: "sign"})
	})
	registerEval("round", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		scale := math.Pow(10, lazy.OptFloat(c.Opts, "decimals", 0))
		even := lazy.OptString(c.Opts, "mode", "half_to_even") == "half_to_even"
		t := c.Type
		if !core.IsFloat(t) {
			return materialize(mem, args[0], n) // integers are already round
		}
		return mapFloat(mem, args[0], n, func(x float64) float64 {
			y := x * scale
			if math.IsInf(y, 0) {
				return x
			}
			if even {
				return math.RoundToEven(y) / scale
			}
			return math.Round(y) / scale
		})
	})
	registerEval("pow", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		x, y, err := materializePair(mem, args, n)
		if err != nil {
			return nil, err
		}
		defer x.Release()
		defer y.Release()
		if core.IsInteger(c.Type) {
			bx, ey := intKeys(x, nil), intKeys(y, nil)
			out := make([]int64, n)
			valid := make([]bool, n)
			for i := range n {
				if x.IsValid(i) && y.IsValid(i) && ey[i] >= 0 {
					r, b := int64(1), bx[i]
					for e := ey[i]; e > 0; e >>= 1 {
						if e&1 == 1 {
							r *= b
						}
						b *= b
					}
					out[i], valid[i] = r, true
				}
			}
			return numArray(mem, c.Type, out, valid)
		}
		gx, gy := numericAsFloat(x), numericAsFloat(y)
		out := make([]float64, n)
		valid := make([]bool, n)
		for i := range n {
			if x.IsValid(i) && y.IsValid(i) {
				out[i], valid[i] = math.Pow(gx(i), gy(i)), true
			}
		}
		return numArray(mem, c.Type, out, valid)
	})
	floatTest := func(name string, test func(float64) bool) {
		registerEval(name, func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
			x, err := materialize(mem, args[0], n)
			if err != nil {
				return nil, err
			}
			defer x.Release()
			get := numericAsFloat(x)
			b := array.NewBooleanBuilder(mem)
			defer b.Release()
			b.Reserve(n)
			for i := range n {
				if x.IsNull(i) {
					b.AppendNull()
				} else {
					b.UnsafeAppend(test(get(i)))
				}
			}
			return b.NewArray(), nil
		})
	}
	floatTest("is_nan", math.IsNaN)
	floatTest("is_not_nan", func(f float64) bool { return !math.IsNaN(f) })
	floatTest("is_finite", func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) })
	floatTest("is_infinite", func(f float64) bool { return math.IsInf(f, 0) })
	registerEval("clip", evalClip)
	coalesce := func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		// Fold from the last argument: keep arg i where it is not null.
		acc, err := materialize(mem, args[len(args)-1], n)
		if err != nil {
			return nil, err
		}
		for i := len(args) - 2; i >= 0; i-- {
			mask := kernels.ValidMask(mem, args[i], n)
			next, err := kernels.IfElse(mem, mask.Bytes(), args[i], kernels.ArrayValue(acc), c.Type, n)
			mask.Release()
			acc.Release()
			if err != nil {
				return nil, err
			}
			acc = next
		}
		return acc, nil
	}
	registerEval("fill_null", coalesce)
	registerEval("coalesce", coalesce)
	registerEval("fill_nan", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		if len(args) == 1 {
			return materialize(mem, args[0], n)
		}
		x, err := materialize(mem, args[0], n)
		if err != nil {
			return nil, err
		}
		defer x.Release()
		get := numericAsFloat(x)
		mask := make([]byte, bitutil.BytesForBits(int64(n)))
		for i := range n {
			if x.IsValid(i) && math.IsNaN(get(i)) {
				bitutil.SetBit(mask, i)
			}
		}
		return kernels.IfElse(mem, mask, args[1], kernels.ArrayValue(x), c.Type, n)
	})
	registerEval("when", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		acc, err := materialize(mem, args[len(args)-1], n)
		if err != nil {
			return nil, err
		}
		for i := len(args) - 3; i >= 0; i -= 2 {
			mask, _ := kernels.SelectionMask(mem, args[i], n) // null conditions are false
			next, err := kernels.IfElse(mem, mask.Bytes(), args[i+1], kernels.ArrayValue(acc), c.Type, n)
			mask.Release()
			acc.Release()
			if err != nil {
				return nil, err
			}
			acc = next
		}
		return acc, nil
	})
	registerEval("is_in", evalIsIn)
}

func absOf[T kernels.Num](x T) T {
	if x < 0 {
		return -x
	}
	return x
}

func signOf[T kernels.Num](x T) T {
	switch {
	case x > 0:
		return 1
	case x < 0:
		var m T
		return m - 1
	}
	return x // 0, -0.0 or NaN
}

// mapFloat applies f to a float array (after the planner's cast to float).
func mapFloat(mem memory.Allocator, v kernels.Value, n int, f func(float64) float64) (arrow.Array, error) {
	x, err := materialize(mem, v, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	if x.DataType().ID() == arrow.FLOAT32 {
		return mapTyped(mem, x, func(v float32) float32 { return float32(f(float64(v))) }), nil
	}
	return mapTyped(mem, x, f), nil
}

// numOp names an element-wise numeric operation; lo and hi are clip's bounds.
type numOp struct {
	name         string
	lo, hi       any
	hasLo, hasHi bool
}

func opFunc[T kernels.Num](op numOp) func(T) T {
	switch op.name {
	case "abs":
		return absOf[T]
	case "sign":
		return signOf[T]
	case "clip":
		lo, hi := kernels.ScalarAs[T](op.lo), kernels.ScalarAs[T](op.hi)
		return func(x T) T {
			if op.hasLo && x < lo {
				return lo
			}
			if op.hasHi && x > hi {
				return hi
			}
			return x
		}
	}
	return func(x T) T { return x }
}

// mapNum applies a numeric operation to any numeric array.
func mapNum(mem memory.Allocator, v kernels.Value, n int, op numOp) (arrow.Array, error) {
	x, err := materialize(mem, v, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	switch x.DataType().ID() {
	case arrow.INT8:
		return mapTyped(mem, x, opFunc[int8](op)), nil
	case arrow.INT16:
		return mapTyped(mem, x, opFunc[int16](op)), nil
	case arrow.INT32:
		return mapTyped(mem, x, opFunc[int32](op)), nil
	case arrow.INT64:
		return mapTyped(mem, x, opFunc[int64](op)), nil
	case arrow.UINT8:
		return mapTyped(mem, x, opFunc[uint8](op)), nil
	case arrow.UINT16:
		return mapTyped(mem, x, opFunc[uint16](op)), nil
	case arrow.UINT32:
		return mapTyped(mem, x, opFunc[uint32](op)), nil
	case arrow.UINT64:
		return mapTyped(mem, x, opFunc[uint64](op)), nil
	case arrow.FLOAT32:
		return mapTyped(mem, x, opFunc[float32](op)), nil
	case arrow.FLOAT64:
		return mapTyped(mem, x, opFunc[float64](op)), nil
	}
	return nil, core.Errorf(core.KindNotSupported, "numeric function on %s", core.DTypeName(x.DataType()))
}

// mapTyped builds an array of f over the values of x (nulls kept).
func mapTyped[T kernels.Num](mem memory.Allocator, x arrow.Array, f func(T) T) arrow.Array {
	src := kernels.Values[T](x)
	b := array.NewBuilder(mem, x.DataType())
	defer b.Release()
	b.Reserve(len(src))
	for i, v := range src {
		if x.IsNull(i) {
			b.AppendNull()
			continue
		}
		appendNum(b, f(v))
	}
	return b.NewArray()
}

// appendNum appends v to a numeric or temporal builder (which must have
// room reserved), converting it to the builder's type; false when the
// builder is of another kind.
func appendNum[T kernels.Num](b array.Builder, v T) bool {
	switch bb := b.(type) {
	case *array.Int8Builder:
		bb.UnsafeAppend(int8(v))
	case *array.Int16Builder:
		bb.UnsafeAppend(int16(v))
	case *array.Int32Builder:
		bb.UnsafeAppend(int32(v))
	case *array.Int64Builder:
		bb.UnsafeAppend(int64(v))
	case *array.Uint8Builder:
		bb.UnsafeAppend(uint8(v))
	case *array.Uint16Builder:
		bb.UnsafeAppend(uint16(v))
	case *array.Uint32Builder:
		bb.UnsafeAppend(uint32(v))
	case *array.Uint64Builder:
		bb.UnsafeAppend(uint64(v))
	case *array.Float32Builder:
		bb.UnsafeAppend(float32(v))
	case *array.Float64Builder:
		bb.UnsafeAppend(float64(v))
	case *array.Date32Builder:
		bb.UnsafeAppend(arrow.Date32(v))
	case *array.Date64Builder:
		bb.UnsafeAppend(arrow.Date64(v))
	case *array.TimestampBuilder:
		bb.UnsafeAppend(arrow.Timestamp(v))
	case *array.DurationBuilder:
		bb.UnsafeAppend(arrow.Duration(v))
	default:
		return false
	}
	return true
}

func evalClip(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
	lo, hi := args[1], args[2]
	if !lo.IsScalar() || !hi.IsScalar() {
		return nil, core.Errorf(core.KindNotSupported, "clip with column bounds is not supported yet; use literal bounds")
	}
	return mapNum(mem, args[0], n, numOp{name: "clip", lo: lo.Scalar, hi: hi.Scalar,
		hasLo: lo.Scalar != nil, hasHi: hi.Scalar != nil})
}

func scalarFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
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

func evalIsIn(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
	x, err := materialize(mem, args[0], n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	vals, _ := c.Opts["values"].([]any)
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	t := x.DataType()
	switch {
	case core.IsString(t):
		if few := fewStrings(vals); few != nil {
			if out, ok := kernels.StringsIn(mem, x, few); ok {
				return out, nil
			}
		}
		set := isInSet(c, func() map[string]bool {
			set := make(map[string]bool, len(vals))
			for _, v := range vals {
				if s, ok := v.(string); ok {
					set[s] = true
				}
			}
			return set
		})
		at := kernels.StringAt(x)
		for i := range n {
			if x.IsNull(i) {
				b.AppendNull()
			} else {
				b.UnsafeAppend(set[at(i)])
			}
		}
	case core.IsNumeric(t) || t.ID() == arrow.BOOL || intKeyable(t):
		if err := isInNumeric(b, c, x, vals); err != nil {
			return nil, err
		}
	default:
		return nil, core.Errorf(core.KindNotSupported, "is_in on %s values", core.DTypeName(t))
	}
	return b.NewArray(), nil
}
