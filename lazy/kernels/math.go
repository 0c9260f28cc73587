package kernels

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Element-wise math and null handling: the kernels of the general scalar
// functions (lazy/fn/math.go). Arguments arrive in the types the functions'
// rules cast them to.

// MapFloat applies f to each value of a Float32 or Float64 argument.
func MapFloat(mem memory.Allocator, v Value, n int, f func(float64) float64) (arrow.Array, error) {
	x, err := v.Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	if x.DataType().ID() == arrow.FLOAT32 {
		return mapTyped(mem, x, func(v float32) float32 { return float32(f(float64(v))) }), nil
	}
	return mapTyped(mem, x, f), nil
}

// NumOp names an element-wise numeric operation: "abs", "sign" or "clip"
// (Lo and Hi are clip's bounds, nil for none, in the argument's type).
type NumOp struct {
	Name   string
	Lo, Hi any
}

func opFunc[T Num](op NumOp) func(T) T {
	switch op.Name {
	case "abs":
		return func(x T) T {
			if x < 0 {
				return -x
			}
			if x == 0 {
				return 0 // -0.0 too, as Polars (Rust's abs) gives
			}
			return x
		}
	case "sign":
		return func(x T) T {
			switch {
			case x > 0:
				return 1
			case x < 0:
				var m T
				return m - 1
			}
			return x // 0, -0.0 or NaN
		}
	case "clip":
		hasLo, hasHi := op.Lo != nil, op.Hi != nil
		lo, hi := ScalarAs[T](op.Lo), ScalarAs[T](op.Hi)
		return func(x T) T {
			if hasLo && x < lo {
				return lo
			}
			if hasHi && x > hi {
				return hi
			}
			return x
		}
	}
	return func(x T) T { return x }
}

// MapNum applies a numeric operation to a numeric argument of any width.
func MapNum(mem memory.Allocator, v Value, n int, op NumOp) (arrow.Array, error) {
	x, err := v.Materialize(mem, n)
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
	return nil, core.Errorf(core.KindNotSupported, "%s of %s values is not supported", op.Name, core.DTypeName(x.DataType()))
}

// mapTyped builds an array of f over the values of x (nulls kept).
func mapTyped[T Num](mem memory.Allocator, x arrow.Array, f func(T) T) arrow.Array {
	src := values[T](x)
	b := array.NewBuilder(mem, x.DataType())
	defer b.Release()
	b.Reserve(len(src))
	for i, v := range src {
		if x.IsNull(i) {
			b.AppendNull()
			continue
		}
		AppendNum(b, f(v))
	}
	return b.NewArray()
}

// AppendNum appends v to a numeric or temporal builder (which must have
// room reserved), converting it to the builder's type; false when the
// builder is of another kind.
func AppendNum[T Num](b array.Builder, v T) bool {
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

// NumericAsFloat reads a numeric or boolean array as float64 values (NaN
// for any other type, temporal ones included).
func NumericAsFloat(arr arrow.Array) func(int) float64 {
	switch a := arr.(type) {
	case *array.Float64:
		v := a.Float64Values()
		return func(i int) float64 { return v[i] }
	case *array.Float32:
		v := a.Float32Values()
		return func(i int) float64 { return float64(v[i]) }
	case *array.Boolean:
		return func(i int) float64 {
			if a.Value(i) {
				return 1
			}
			return 0
		}
	}
	switch arr.DataType().ID() {
	case arrow.INT8:
		return floatOf(values[int8](arr))
	case arrow.INT16:
		return floatOf(values[int16](arr))
	case arrow.INT32:
		return floatOf(values[int32](arr))
	case arrow.INT64:
		return floatOf(values[int64](arr))
	case arrow.UINT8:
		return floatOf(values[uint8](arr))
	case arrow.UINT16:
		return floatOf(values[uint16](arr))
	case arrow.UINT32:
		return floatOf(values[uint32](arr))
	case arrow.UINT64:
		return floatOf(values[uint64](arr))
	}
	return func(int) float64 { return math.NaN() }
}

func floatOf[T Num](v []T) func(int) float64 {
	return func(i int) float64 { return float64(v[i]) }
}

// Pow raises x to y: integers by squaring (wrapping, as in Polars) when t is
// an integer type, floats otherwise. A negative integer exponent is an error,
// as in Polars: its result is not an integer.
func Pow(mem memory.Allocator, t arrow.DataType, xv, yv Value, n int) (arrow.Array, error) {
	x, err := xv.Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	y, err := yv.Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	defer y.Release()
	b := array.NewBuilder(mem, t)
	defer b.Release()
	b.Reserve(n)
	if core.IsInteger(t) {
		bx, ey := NumericAsInt(x), values[int64](y)
		for i := range n {
			if x.IsNull(i) || y.IsNull(i) {
				b.AppendNull()
				continue
			}
			if ey[i] < 0 {
				return nil, core.Errorf(core.KindCompute,
					"raising an integer to the negative power %d has no integer result; "+
						"cast the base or the exponent to Float64 first", ey[i])
			}
			r, base := int64(1), bx(i)
			for e := ey[i]; e > 0; e >>= 1 {
				if e&1 == 1 {
					r *= base
				}
				base *= base
			}
			AppendNum(b, r)
		}
		return b.NewArray(), nil
	}
	gx, gy := NumericAsFloat(x), NumericAsFloat(y)
	for i := range n {
		if x.IsNull(i) || y.IsNull(i) {
			b.AppendNull()
			continue
		}
		AppendNum(b, math.Pow(gx(i), gy(i)))
	}
	return b.NewArray(), nil
}

// NumericAsInt reads an integer array as int64 values (UInt64 wraps).
func NumericAsInt(arr arrow.Array) func(int) int64 {
	switch arr.DataType().ID() {
	case arrow.INT8:
		return intOf(values[int8](arr))
	case arrow.INT16:
		return intOf(values[int16](arr))
	case arrow.INT32:
		return intOf(values[int32](arr))
	case arrow.UINT8:
		return intOf(values[uint8](arr))
	case arrow.UINT16:
		return intOf(values[uint16](arr))
	case arrow.UINT32:
		return intOf(values[uint32](arr))
	case arrow.UINT64:
		return intOf(values[uint64](arr))
	}
	return intOf(values[int64](arr))
}

func intOf[T Num](v []T) func(int) int64 {
	return func(i int) int64 { return int64(v[i]) }
}

// FloatTest is a Boolean of test over each value of a numeric argument
// (null where it is null).
func FloatTest(mem memory.Allocator, v Value, n int, test func(float64) bool) (arrow.Array, error) {
	x, err := v.Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	get := NumericAsFloat(x)
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
}

// Coalesce is, per row, the first of args that is not null (all of type t).
func Coalesce(mem memory.Allocator, t arrow.DataType, args []Value, n int) (arrow.Array, error) {
	// Fold from the last argument: keep arg i where it is not null.
	acc, err := args[len(args)-1].Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	for i := len(args) - 2; i >= 0; i-- {
		mask := ValidMask(mem, args[i], n)
		next, err := IfElse(mem, mask.Bytes(), args[i], ArrayValue(acc), t, n)
		mask.Release()
		acc.Release()
		if err != nil {
			return nil, err
		}
		acc = next
	}
	return acc, nil
}

// FillNaN replaces the NaNs of x by fill (both of type t; nulls stay null).
func FillNaN(mem memory.Allocator, t arrow.DataType, xv, fill Value, n int) (arrow.Array, error) {
	x, err := xv.Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	get := NumericAsFloat(x)
	mask := make([]byte, bitutil.BytesForBits(int64(n)))
	for i := range n {
		if x.IsValid(i) && math.IsNaN(get(i)) {
			bitutil.SetBit(mask, i)
		}
	}
	return IfElse(mem, mask, fill, ArrayValue(x), t, n)
}

// When is the value of the first true condition per row: args are
// condition/value pairs and an otherwise value (values of type t; a null
// condition is false).
func When(mem memory.Allocator, t arrow.DataType, args []Value, n int) (arrow.Array, error) {
	acc, err := args[len(args)-1].Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	for i := len(args) - 3; i >= 0; i -= 2 {
		mask, _ := SelectionMask(mem, args[i], n)
		next, err := IfElse(mem, mask.Bytes(), args[i+1], ArrayValue(acc), t, n)
		mask.Release()
		acc.Release()
		if err != nil {
			return nil, err
		}
		acc = next
	}
	return acc, nil
}
