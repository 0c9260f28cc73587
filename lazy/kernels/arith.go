package kernels

import (
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ArithOp is an arithmetic operator.
type ArithOp int

// The arithmetic operators. Div is true division (floats only: the planner
// casts integers to Float64 first). FloorDiv and Mod follow Python: the
// quotient rounds toward negative infinity and the remainder takes the sign
// of the divisor; an integer division by zero gives null, as in Polars.
// Rem is the truncated remainder (C's fmod, SQL's MOD): it takes the sign
// of the dividend. Remainders are exact at any magnitude.
const (
	Add ArithOp = iota
	Sub
	Mul
	Div
	FloorDiv
	Mod
	Rem
)

// Arith applies op to two operands of the same numeric type over n rows.
// Integer overflow wraps around.
func Arith(mem memory.Allocator, op ArithOp, a, b Value, n int) (arrow.Array, error) {
	if a.IsScalar() && b.IsScalar() {
		arr, err := a.Materialize(mem, n)
		if err != nil {
			return nil, err
		}
		defer arr.Release()
		a = ArrayValue(arr)
	}
	t := a.Type
	switch t.ID() {
	case arrow.INT8:
		return arithInt[int8](mem, op, a, b, n)
	case arrow.INT16:
		return arithInt[int16](mem, op, a, b, n)
	case arrow.INT32:
		return arithInt[int32](mem, op, a, b, n)
	case arrow.INT64:
		return arithInt[int64](mem, op, a, b, n)
	case arrow.UINT8:
		return arithInt[uint8](mem, op, a, b, n)
	case arrow.UINT16:
		return arithInt[uint16](mem, op, a, b, n)
	case arrow.UINT32:
		return arithInt[uint32](mem, op, a, b, n)
	case arrow.UINT64:
		return arithInt[uint64](mem, op, a, b, n)
	case arrow.FLOAT32:
		return arithFloat[float32](mem, op, a, b, n)
	case arrow.FLOAT64:
		return arithFloat[float64](mem, op, a, b, n)
	}
	if op == Add && (t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING || t.ID() == arrow.STRING_VIEW) {
		return concatStrings(mem, a, b, n)
	}
	return nil, typeErr("arithmetic", t)
}

// ScalarAs converts a scalar (int64, uint64, float64 or bool) to T.
func ScalarAs[T Num](v any) T { return scalarAs[T](v) }

// scalarAs converts a scalar (int64, uint64 or float64) to T.
func scalarAs[T Num](v any) T {
	switch x := v.(type) {
	case int64:
		return T(x)
	case uint64:
		return T(x)
	case float64:
		return T(x)
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

// operands returns typed views: a slice for an array operand, or a scalar.
func operands[T Num](a, b Value) (av, bv []T, as, bs T) {
	if a.IsScalar() {
		as = scalarAs[T](a.Scalar)
	} else {
		av = values[T](a.Array)
	}
	if b.IsScalar() {
		bs = scalarAs[T](b.Scalar)
	} else {
		bv = values[T](b.Array)
	}
	return
}

// basic applies +, - or * (shared by integers and floats).
func basic[T Num](op ArithOp, av, bv []T, as, bs T, out []T) {
	switch {
	case av != nil && bv != nil:
		av, bv = av[:len(out)], bv[:len(out)]
		switch op {
		case Add:
			for i := range out {
				out[i] = av[i] + bv[i]
			}
		case Sub:
			for i := range out {
				out[i] = av[i] - bv[i]
			}
		case Mul:
			for i := range out {
				out[i] = av[i] * bv[i]
			}
		}
	case av != nil:
		av = av[:len(out)]
		switch op {
		case Add:
			for i := range out {
				out[i] = av[i] + bs
			}
		case Sub:
			for i := range out {
				out[i] = av[i] - bs
			}
		case Mul:
			for i := range out {
				out[i] = av[i] * bs
			}
		}
	default:
		bv = bv[:len(out)]
		switch op {
		case Add:
			for i := range out {
				out[i] = as + bv[i]
			}
		case Sub:
			for i := range out {
				out[i] = as - bv[i]
			}
		case Mul:
			for i := range out {
				out[i] = as * bv[i]
			}
		}
	}
}

func arithFloat[T Float](mem memory.Allocator, op ArithOp, a, b Value, n int) (arrow.Array, error) {
	validity := andValidity(mem, a, b, n)
	buf, out := allocValues[T](mem, n)
	av, bv, as, bs := operands[T](a, b)
	at := func(v []T, s T, i int) T {
		if v != nil {
			return v[i]
		}
		return s
	}
	switch op {
	case Add, Sub, Mul:
		basic(op, av, bv, as, bs, out)
	case Div:
		switch {
		case av != nil && bv != nil:
			for i := range out {
				out[i] = av[i] / bv[i]
			}
		case av != nil:
			for i := range out {
				out[i] = av[i] / bs
			}
		default:
			for i := range out {
				out[i] = as / bv[i]
			}
		}
	case FloorDiv:
		for i := range out {
			out[i] = T(math.Floor(float64(at(av, as, i) / at(bv, bs, i))))
		}
	case Mod:
		for i := range out {
			out[i] = pyModFloat(at(av, as, i), at(bv, bs, i))
		}
	case Rem:
		for i := range out {
			out[i] = T(math.Mod(float64(at(av, as, i)), float64(at(bv, bs, i))))
		}
	}
	return makeArray(a.Type, n, validity, buf), nil
}

// pyModFloat is Polars' float remainder x - y*floor(x/y): the divisor's
// sign, NaN for a zero or infinite divisor. Polars evaluates the formula as
// written, in the operands' precision; so do we while the quotient is an
// exact integer of that precision (below 2^24 for Float32, 2^53 for
// Float64), which keeps results bit for bit Polars'. Beyond, the formula
// loses every digit (1e17 % 0.3 gave -16.0): there the remainder is
// math.Mod's exact one (the dividend's sign) moved into the divisor's.
func pyModFloat[T Float](x, y T) T {
	q := math.Floor(float64(x / y))
	limit := float64(1 << 53)
	if unsafe.Sizeof(x) == 4 {
		limit = 1 << 24
	}
	if math.Abs(q) < limit {
		return x - y*T(q)
	}
	fx, fy := float64(x), float64(y)
	if math.IsInf(fy, 0) {
		return T(math.NaN())
	}
	r := math.Mod(fx, fy)
	if r == 0 {
		return 0
	}
	if (r < 0) != (fy < 0) {
		r += fy
	}
	return T(r)
}

func arithInt[T Int](mem memory.Allocator, op ArithOp, a, b Value, n int) (arrow.Array, error) {
	validity := andValidity(mem, a, b, n)
	buf, out := allocValues[T](mem, n)
	av, bv, as, bs := operands[T](a, b)
	switch op {
	case Add, Sub, Mul:
		basic(op, av, bv, as, bs, out)
	case Div:
		buf.Release()
		if validity != nil {
			validity.Release()
		}
		return nil, typeErr("integer true division", a.Type)
	case FloorDiv, Mod, Rem:
		// Rows dividing by zero become null.
		var zero bool
		for i := range out {
			x, y := as, bs
			if av != nil {
				x = av[i]
			}
			if bv != nil {
				y = bv[i]
			}
			if y == 0 {
				if validity == nil {
					validity = allocBitmap(mem, n)
					bitutil.SetBitsTo(validity.Bytes(), 0, int64(n), true)
				}
				zero = true
				bitutil.ClearBit(validity.Bytes(), i)
				out[i] = 0
				continue
			}
			switch op {
			case FloorDiv:
				out[i] = floorDivInt(x, y)
			case Mod:
				out[i] = floorModInt(x, y)
			default:
				out[i] = remInt(x, y)
			}
		}
		_ = zero
	}
	return makeArray(a.Type, n, validity, buf), nil
}

func floorDivInt[T Int](x, y T) T {
	q := x / y
	var zero T
	if (x%y != 0) && ((x < zero) != (y < zero)) {
		q--
	}
	return q
}

func floorModInt[T Int](x, y T) T {
	r := x % y
	var zero T
	if r != 0 && ((r < zero) != (y < zero)) {
		r += y
	}
	return r
}

// remInt is the truncated remainder; MinInt % -1 is 0 in Go, as in SQL.
func remInt[T Int](x, y T) T { return x % y }

// Negate returns -a for a numeric array.
func Negate(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	zero := ScalarValue(int64(0), a.DataType())
	if core := a.DataType().ID(); core == arrow.FLOAT32 || core == arrow.FLOAT64 {
		zero = ScalarValue(float64(0), a.DataType())
		// -x, not 0-x, so that -(0.0) is -0.0.
		return negFloat(mem, a)
	}
	return Arith(mem, Sub, zero, ArrayValue(a), a.Len())
}

func negFloat(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	n := a.Len()
	validity := validityOf(mem, a)
	if a.DataType().ID() == arrow.FLOAT32 {
		buf, out := allocValues[float32](mem, n)
		for i, v := range values[float32](a) {
			out[i] = -v
		}
		return makeArray(a.DataType(), n, validity, buf), nil
	}
	buf, out := allocValues[float64](mem, n)
	for i, v := range values[float64](a) {
		out[i] = -v
	}
	return makeArray(a.DataType(), n, validity, buf), nil
}
