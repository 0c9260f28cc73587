package kernels_test

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
)

var arithNames = map[kernels.ArithOp]string{
	kernels.Add: "+", kernels.Sub: "-", kernels.Mul: "*", kernels.Div: "/", kernels.FloorDiv: "//", kernels.Mod: "%", kernels.Rem: "rem",
}

// intSpec describes an integer type for the big.Int reference below.
type intSpec struct {
	dt     arrow.DataType
	bits   uint
	signed bool
}

func specOf(dt arrow.DataType) intSpec {
	return intSpec{dt: dt, bits: uint(dt.(arrow.FixedWidthDataType).BitWidth()), signed: core.IsSigned(dt)}
}

func (s intSpec) min() *big.Int {
	if !s.signed {
		return big.NewInt(0)
	}
	return new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), s.bits-1))
}

func (s intSpec) max() *big.Int {
	b := s.bits
	if s.signed {
		b--
	}
	return new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), b), big.NewInt(1))
}

// wrap reduces x modulo 2^bits, two's complement for signed types, and
// returns it as valuesOf would: int64 or uint64.
func (s intSpec) wrap(x *big.Int) any {
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), s.bits), big.NewInt(1))
	u := new(big.Int).And(x, mask).Uint64()
	if !s.signed {
		return u
	}
	shift := 64 - s.bits
	return int64(u<<shift) >> shift // sign-extend
}

func (s intSpec) value(x *big.Int) any {
	if s.signed {
		return x.Int64()
	}
	return x.Uint64()
}

func bigOf(v any) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case uint64:
		return new(big.Int).SetUint64(x)
	}
	panic(fmt.Sprintf("bigOf(%#v)", v))
}

// interesting returns the values worth combining for a type: small ones of
// both signs, and the extremes where arithmetic wraps.
func (s intSpec) interesting() []any {
	vals := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(3), big.NewInt(7), s.max(),
		new(big.Int).Sub(s.max(), big.NewInt(1))}
	if s.signed {
		vals = append(vals, big.NewInt(-1), big.NewInt(-2), big.NewInt(-7), s.min(), new(big.Int).Add(s.min(), big.NewInt(1)))
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = s.value(v)
	}
	return out
}

// refIntArith is Python's integer arithmetic (floor division, remainder
// with the divisor's sign), null on division by zero, then wrapped to the
// type as Polars does on overflow.
func refIntArith(s intSpec, op kernels.ArithOp, a, b any) any {
	if a == nil || b == nil {
		return nil
	}
	x, y := bigOf(a), bigOf(b)
	var r *big.Int
	switch op {
	case kernels.Add:
		r = new(big.Int).Add(x, y)
	case kernels.Sub:
		r = new(big.Int).Sub(x, y)
	case kernels.Mul:
		r = new(big.Int).Mul(x, y)
	case kernels.FloorDiv, kernels.Mod:
		if y.Sign() == 0 {
			return nil
		}
		// big's Div and Mod are Euclidean (0 <= m < |y|); floor division
		// differs for a negative divisor and a non-zero remainder.
		q, m := new(big.Int).DivMod(x, y, new(big.Int))
		if y.Sign() < 0 && m.Sign() != 0 {
			q.Sub(q, big.NewInt(1))
			m.Add(m, y)
		}
		r = q
		if op == kernels.Mod {
			r = m
		}
	}
	return s.wrap(r)
}

func TestArithIntegersAgainstReference(t *testing.T) {
	for _, dt := range intTypes {
		s := specOf(dt)
		vals := s.interesting()
		// Every pair, plus a null on each side.
		var as, bs []any
		for _, x := range vals {
			for _, y := range vals {
				as, bs = append(as, x), append(bs, y)
			}
		}
		as, bs = append(as, nil, vals[1]), append(bs, vals[1], nil)
		for _, op := range []kernels.ArithOp{kernels.Add, kernels.Sub, kernels.Mul, kernels.FloorDiv, kernels.Mod} {
			want := make([]any, len(as))
			for i := range as {
				want[i] = refIntArith(s, op, as[i], bs[i])
			}
			for _, off := range offsets {
				t.Run(fmt.Sprintf("%s/%s/offset=%d", dt, arithNames[op], off), func(t *testing.T) {
					mem := newMem()
					defer mem.AssertSize(t, 0)
					a := makeArray(t, mem, dt, as, off)
					defer a.Release()
					b := makeArray(t, mem, dt, bs, (off*3)%17)
					defer b.Release()
					got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), len(as))
					if err != nil {
						t.Fatal(err)
					}
					defer got.Release()
					checkArray(t, got, dt, want, "array op array")
				})
			}
		}
	}
}

// Array with scalar, scalar with array and scalar with scalar give the same
// as array with array.
func TestArithIntegersWithScalars(t *testing.T) {
	for _, dt := range intTypes {
		s := specOf(dt)
		vals := append(s.interesting(), nil)
		for _, op := range []kernels.ArithOp{kernels.Add, kernels.Sub, kernels.Mul, kernels.FloorDiv, kernels.Mod} {
			for _, sc := range []any{s.value(big.NewInt(3)), s.value(big.NewInt(0)), s.value(s.max()), nil} {
				t.Run(fmt.Sprintf("%s/%s/%v", dt, arithNames[op], sc), func(t *testing.T) {
					mem := newMem()
					defer mem.AssertSize(t, 0)
					a := makeArray(t, mem, dt, vals, 5)
					defer a.Release()
					n := len(vals)

					wantAS := make([]any, n)
					wantSA := make([]any, n)
					for i, v := range vals {
						wantAS[i] = refIntArith(s, op, v, sc)
						wantSA[i] = refIntArith(s, op, sc, v)
					}
					got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ScalarValue(sc, dt), n)
					if err != nil {
						t.Fatal(err)
					}
					checkArray(t, got, dt, wantAS, "array op scalar")
					got.Release()

					got, err = kernels.Arith(mem, op, kernels.ScalarValue(sc, dt), kernels.ArrayValue(a), n)
					if err != nil {
						t.Fatal(err)
					}
					checkArray(t, got, dt, wantSA, "scalar op array")
					got.Release()

					got, err = kernels.Arith(mem, op, kernels.ScalarValue(s.value(big.NewInt(7)), dt), kernels.ScalarValue(sc, dt), 3)
					if err != nil {
						t.Fatal(err)
					}
					w := refIntArith(s, op, s.value(big.NewInt(7)), sc)
					checkArray(t, got, dt, []any{w, w, w}, "scalar op scalar")
					got.Release()
				})
			}
		}
	}
}

// The examples of the Python documentation, spelled out.
func TestArithIntegersPythonSemantics(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	cases := []struct {
		op         kernels.ArithOp
		x, y, want any
	}{
		{kernels.FloorDiv, int64(7), int64(2), int64(3)},
		{kernels.FloorDiv, int64(7), int64(-2), int64(-4)},
		{kernels.FloorDiv, int64(-7), int64(2), int64(-4)},
		{kernels.FloorDiv, int64(-7), int64(-2), int64(3)},
		{kernels.FloorDiv, int64(-8), int64(2), int64(-4)},
		{kernels.Mod, int64(7), int64(2), int64(1)},
		{kernels.Mod, int64(-7), int64(2), int64(1)},
		{kernels.Mod, int64(7), int64(-2), int64(-1)},
		{kernels.Mod, int64(-7), int64(-2), int64(-1)},
		{kernels.Mod, int64(-8), int64(2), int64(0)},
		// Division by zero is null, as in Polars.
		{kernels.FloorDiv, int64(5), int64(0), nil},
		{kernels.Mod, int64(5), int64(0), nil},
		{kernels.FloorDiv, int64(0), int64(0), nil},
		// Overflow wraps around, as in Polars.
		{kernels.Add, int64(math.MaxInt64), int64(1), int64(math.MinInt64)},
		{kernels.Sub, int64(math.MinInt64), int64(1), int64(math.MaxInt64)},
		{kernels.Mul, int64(math.MaxInt64), int64(2), int64(-2)},
		{kernels.FloorDiv, int64(math.MinInt64), int64(-1), int64(math.MinInt64)},
		{kernels.Mod, int64(math.MinInt64), int64(-1), int64(0)},
	}
	var xs, ys, want []any
	for _, c := range cases {
		xs, ys, want = append(xs, c.x), append(ys, c.y), append(want, c.want)
	}
	for _, off := range offsets {
		a := makeArray(t, mem, i64, xs, off)
		b := makeArray(t, mem, i64, ys, off+2)
		for _, op := range []kernels.ArithOp{kernels.Add, kernels.Sub, kernels.Mul, kernels.FloorDiv, kernels.Mod} {
			got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), len(xs))
			if err != nil {
				t.Fatal(err)
			}
			vals := valuesOf(t, got)
			for i, c := range cases {
				if c.op == op && !sameValue(vals[i], c.want) {
					t.Errorf("offset %d: %v %s %v = %v, want %v", off, c.x, arithNames[op], c.y, vals[i], c.want)
				}
			}
			got.Release()
		}
		a.Release()
		b.Release()
	}
}

func TestArithUInt8Wraps(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, u8, anys[any](uint64(0), uint64(255), uint64(16)), 3)
	defer a.Release()
	for op, want := range map[kernels.ArithOp][]any{
		kernels.Add: anys[any](uint64(1), uint64(0), uint64(17)),
		kernels.Sub: anys[any](uint64(255), uint64(254), uint64(15)),
		kernels.Mul: anys[any](uint64(0), uint64(255), uint64(16)),
	} {
		got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ScalarValue(uint64(1), u8), 3)
		if err != nil {
			t.Fatal(err)
		}
		checkArray(t, got, u8, want, "u8 "+arithNames[op]+" 1")
		got.Release()
	}
}

// floatCase values are Python's (and Polars') results.
type floatCase struct {
	x, y                           float64
	add, sub, mul, div, floor, mod float64
}

var inf, nan, negZero = math.Inf(1), math.NaN(), math.Copysign(0, -1)

var floatCases = []floatCase{
	{7, 2, 9, 5, 14, 3.5, 3, 1},
	{-7, 2, -5, -9, -14, -3.5, -4, 1},
	{7, -2, 5, 9, -14, -3.5, -4, -1},
	{-7, -2, -9, -5, 14, 3.5, 3, -1},
	{7.5, 2, 9.5, 5.5, 15, 3.75, 3, 1.5},
	{-7.5, 2, -5.5, -9.5, -15, -3.75, -4, 0.5},
	{7.5, -2, 5.5, 9.5, -15, -3.75, -4, -0.5},
	{-2, 2, 0, -4, -4, -1, -1, 0}, // the remainder is +0.0, not -0.0
	{0.5, 0.25, 0.75, 0.25, 0.125, 2, 2, 0},
	// Division by zero: x % 0.0 is NaN, x // 0.0 is ±inf (0 // 0 is NaN).
	{5, 0, 5, 5, 0, inf, inf, nan},
	{-5, 0, -5, -5, negZero, -inf, -inf, nan},
	{0, 0, 0, 0, 0, nan, nan, nan},
	// NaN and infinities propagate.
	{nan, 2, nan, nan, nan, nan, nan, nan},
	{2, nan, nan, nan, nan, nan, nan, nan},
	{inf, 2, inf, inf, inf, inf, inf, nan},
	{-inf, 2, -inf, -inf, -inf, -inf, -inf, nan},
	{inf, inf, inf, nan, inf, nan, nan, nan},
}

func floatWant(c floatCase, op kernels.ArithOp) float64 {
	return map[kernels.ArithOp]float64{
		kernels.Add: c.add, kernels.Sub: c.sub, kernels.Mul: c.mul,
		kernels.Div: c.div, kernels.FloorDiv: c.floor, kernels.Mod: c.mod,
	}[op]
}

func TestArithFloats(t *testing.T) {
	for _, dt := range []arrow.DataType{f32, f64} {
		var xs, ys []any
		for _, c := range floatCases {
			xs, ys = append(xs, c.x), append(ys, c.y)
		}
		xs, ys = append(xs, nil, 1.0), append(ys, 1.0, nil)
		for _, op := range []kernels.ArithOp{kernels.Add, kernels.Sub, kernels.Mul, kernels.Div, kernels.FloorDiv, kernels.Mod} {
			want := make([]any, len(xs))
			for i, c := range floatCases {
				want[i] = floatWant(c, op)
			}
			for _, off := range offsets {
				t.Run(fmt.Sprintf("%s/%s/offset=%d", dt, arithNames[op], off), func(t *testing.T) {
					mem := newMem()
					defer mem.AssertSize(t, 0)
					a := makeArray(t, mem, dt, xs, off)
					defer a.Release()
					b := makeArray(t, mem, dt, ys, 13-off)
					defer b.Release()
					got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), len(xs))
					if err != nil {
						t.Fatal(err)
					}
					defer got.Release()
					checkArray(t, got, dt, want, fmt.Sprintf("%v %s %v", xs, arithNames[op], ys))

					// The same with the divisor as a scalar, row by row.
					for i, c := range floatCases {
						got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ScalarValue(c.y, dt), len(xs))
						if err != nil {
							t.Fatal(err)
						}
						if v := valuesOf(t, got)[i]; !sameValue(v, want[i]) {
							t.Errorf("%v %s scalar %v = %v, want %v", c.x, arithNames[op], c.y, v, want[i])
						}
						got.Release()
						got, err = kernels.Arith(mem, op, kernels.ScalarValue(c.x, dt), kernels.ArrayValue(b), len(xs))
						if err != nil {
							t.Fatal(err)
						}
						if v := valuesOf(t, got)[i]; !sameValue(v, want[i]) {
							t.Errorf("scalar %v %s %v = %v, want %v", c.x, arithNames[op], c.y, v, want[i])
						}
						got.Release()
					}
				})
			}
		}
	}
}

// Float32 arithmetic happens in float32: 0.1f + 0.2f is float32(0.3), not float64 0.3.
func TestArithFloat32Precision(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, f32, anys[any](float64(float32(0.1))), 0)
	defer a.Release()
	got, err := kernels.Arith(mem, kernels.Add, kernels.ArrayValue(a), kernels.ScalarValue(float64(float32(0.2)), f32), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	checkArray(t, got, f32, anys[any](float64(float32(0.1)+float32(0.2))), "0.1f + 0.2f")
}

func TestArithNullScalar(t *testing.T) {
	for _, dt := range []arrow.DataType{i32, u64, f64} {
		mem := newMem()
		a := makeArray(t, mem, dt, anys[any](int64(1), nil, int64(3)), 2)
		for _, op := range []kernels.ArithOp{kernels.Add, kernels.Mul, kernels.FloorDiv, kernels.Mod} {
			got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ScalarValue(nil, dt), 3)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, dt, []any{nil, nil, nil}, fmt.Sprintf("%s %s null", dt, arithNames[op]))
			got.Release()
		}
		a.Release()
		mem.AssertSize(t, 0)
	}
}

func TestArithEmpty(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	for _, dt := range []arrow.DataType{i8, u32, f32} {
		a := makeArray(t, mem, dt, nil, 0)
		for _, op := range []kernels.ArithOp{kernels.Add, kernels.FloorDiv, kernels.Mod} {
			got, err := kernels.Arith(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(a), 0)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, dt, nil, "empty")
			got.Release()
		}
		a.Release()
	}
}

func TestArithErrors(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, i64, anys[any](int64(1), nil), 3)
	defer a.Release()
	// The planner casts integers to Float64 before true division.
	_, err := kernels.Arith(mem, kernels.Div, kernels.ArrayValue(a), kernels.ArrayValue(a), 2)
	wantKind(t, err, core.KindNotSupported)

	d := makeArray(t, mem, arrow.FixedWidthTypes.Date32, anys[any](int64(1)), 0)
	defer d.Release()
	_, err = kernels.Arith(mem, kernels.Add, kernels.ArrayValue(d), kernels.ArrayValue(d), 1)
	wantKind(t, err, core.KindNotSupported)

	s := makeArray(t, mem, str, anys[any]("x"), 0)
	defer s.Release()
	_, err = kernels.Arith(mem, kernels.Sub, kernels.ArrayValue(s), kernels.ArrayValue(s), 1)
	wantKind(t, err, core.KindNotSupported)
}

func TestArithStringConcat(t *testing.T) {
	for _, dt := range []arrow.DataType{str, lstr} {
		for _, off := range offsets {
			mem := newMem()
			a := makeArray(t, mem, dt, anys[any]("a", "", nil, "héllo", "x"), off)
			b := makeArray(t, mem, dt, anys[any]("b", "c", "d", " wörld", nil), off+1)
			got, err := kernels.Arith(mem, kernels.Add, kernels.ArrayValue(a), kernels.ArrayValue(b), 5)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, str, anys[any]("ab", "c", nil, "héllo wörld", nil), "array + array")
			got.Release()
			got, err = kernels.Arith(mem, kernels.Add, kernels.ArrayValue(a), kernels.ScalarValue("!", dt), 5)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, str, anys[any]("a!", "!", nil, "héllo!", "x!"), "array + scalar")
			got.Release()
			got, err = kernels.Arith(mem, kernels.Add, kernels.ScalarValue(">", dt), kernels.ArrayValue(b), 5)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, str, anys[any](">b", ">c", ">d", "> wörld", nil), "scalar + array")
			got.Release()
			got, err = kernels.Arith(mem, kernels.Add, kernels.ScalarValue(nil, dt), kernels.ArrayValue(b), 5)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, str, []any{nil, nil, nil, nil, nil}, "null + array")
			got.Release()
			a.Release()
			b.Release()
			mem.AssertSize(t, 0)
		}
	}
}

func TestNegate(t *testing.T) {
	cases := []struct {
		dt   arrow.DataType
		in   []any
		want []any
	}{
		{i8, anys[any](int64(1), int64(-128), nil, int64(127), int64(0)), anys[any](int64(-1), int64(-128), nil, int64(-127), int64(0))},
		{i64, anys[any](int64(math.MinInt64), int64(5), nil), anys[any](int64(math.MinInt64), int64(-5), nil)},
		{u8, anys[any](uint64(1), uint64(0), nil), anys[any](uint64(255), uint64(0), nil)},
		{f32, anys[any](1.5, 0.0, nil, inf), anys[any](-1.5, math.Copysign(0, -1), nil, -inf)},
		{f64, anys[any](-2.5, 0.0, math.Copysign(0, -1), nil), anys[any](2.5, math.Copysign(0, -1), 0.0, nil)},
	}
	for _, c := range cases {
		for _, off := range offsets {
			mem := newMem()
			a := makeArray(t, mem, c.dt, c.in, off)
			got, err := kernels.Negate(mem, a)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, c.dt, c.want, fmt.Sprintf("-%v (%s, offset %d)", c.in, c.dt, off))
			got.Release()
			a.Release()
			mem.AssertSize(t, 0)
		}
	}
}

// Arith results live in the allocator passed in.
func TestArithUsesGivenAllocator(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, i64, anys[any](int64(1), int64(2)), 0)
	defer a.Release()
	before := mem.CurrentAlloc()
	got, err := kernels.Arith(mem, kernels.Add, kernels.ArrayValue(a), kernels.ArrayValue(a), 2)
	if err != nil {
		t.Fatal(err)
	}
	if mem.CurrentAlloc() <= before {
		t.Errorf("the result was not allocated from the given allocator")
	}
	got.Release()
}
