package kernels_test

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// castCase casts in to dt both ways: non-strict must give want (nulls where
// a value does not fit); strict must give the same when want has no more
// nulls than in, and otherwise fail with a ComputeError naming the first
// value that does not fit.
type castCase struct {
	from arrow.DataType
	in   []any
	to   arrow.DataType
	want []any
}

func runCast(t *testing.T, c castCase) {
	t.Helper()
	firstBad := -1
	for i := range c.in {
		if c.in[i] != nil && c.want[i] == nil {
			firstBad = i
			break
		}
	}
	for _, off := range offsets {
		mem := newMem()
		a := makeArray(t, mem, c.from, c.in, off)
		what := fmt.Sprintf("cast %s %v to %s (offset %d)", c.from, c.in, c.to, off)

		got, err := kernels.Cast(mem, a, c.to, false)
		if err != nil {
			t.Fatalf("%s, non-strict: %v", what, err)
		}
		checkArray(t, got, c.to, c.want, what+", non-strict")
		got.Release()

		got, err = kernels.Cast(mem, a, c.to, true)
		switch {
		case firstBad < 0 && err != nil:
			t.Errorf("%s, strict: %v", what, err)
		case firstBad < 0:
			checkArray(t, got, c.to, c.want, what+", strict")
			got.Release()
		case err == nil:
			t.Errorf("%s, strict: no error, want one for row %d (%v); got %v", what, firstBad, c.in[firstBad], valuesOf(t, got))
			got.Release()
		default:
			ce := wantKind(t, err, core.KindCompute)
			if !strings.Contains(ce.Message, "strict cast from") || !strings.Contains(ce.Message, "strict=False") {
				t.Errorf("%s, strict: message %q", what, ce.Message)
			}
			// The value is shown exactly; floats as a cast to String prints them.
			shown := fmt.Sprint(c.in[firstBad])
			if f, isFloat := c.in[firstBad].(float64); isFloat {
				shown = kernels.FormatFloat(f, c.from.(arrow.FixedWidthDataType).BitWidth())
			}
			if !strings.Contains(ce.Message, shown) {
				t.Errorf("%s, strict: message %q does not show the value %s", what, ce.Message, shown)
			}
		}
		a.Release()
		mem.AssertSize(t, 0)
	}
}

func fitsIn(v *big.Int, s intSpec) bool { return v.Cmp(s.min()) >= 0 && v.Cmp(s.max()) <= 0 }

// Every integer type to every other: values that fit are kept, the others
// fail a strict cast and become null in a non-strict one.
func TestCastIntegers(t *testing.T) {
	for _, from := range intTypes {
		fs := specOf(from)
		in := append(fs.interesting(), nil)
		for _, to := range intTypes {
			ts := specOf(to)
			want := make([]any, len(in))
			for i, v := range in {
				if v != nil && fitsIn(bigOf(v), ts) {
					want[i] = ts.value(bigOf(v))
				}
			}
			runCast(t, castCase{from, in, to, want})
		}
	}
}

func TestCastIntegersToFloats(t *testing.T) {
	runCast(t, castCase{i64, anys[any](int64(1), nil, int64(-3), int64(1)<<53+1, int64(math.MinInt64)), f64,
		anys[any](1.0, nil, -3.0, float64(int64(1)<<53+1), -9.223372036854775808e18)})
	runCast(t, castCase{u64, anys[any](uint64(math.MaxUint64), uint64(7)), f32,
		anys[any](float64(float32(math.MaxUint64)), 7.0)})
	runCast(t, castCase{i8, anys[any](int64(-128), nil, int64(127)), f32, anys[any](-128.0, nil, 127.0)})
	runCast(t, castCase{i32, anys[any](int64(16777217)), f32, anys[any](16777216.0)})
}

// Floats to integers truncate toward zero and must then fit; NaN and the
// infinities never do. The results are Polars':
// pl.Series([...]).cast(pl.UInt8, strict=False).
func TestCastFloatsToIntegers(t *testing.T) {
	cases := []castCase{
		{f64, anys[any](-0.5, 0.9, -0.9, 255.9, 256.0, -1.0, nil), u8,
			anys[any](uint64(0), uint64(0), uint64(0), uint64(255), nil, nil, nil)},
		{f64, anys[any](-128.5, -128.9, -129.0, 127.9, 128.0, 3.7, -3.7), i8,
			anys[any](int64(-128), int64(-128), nil, int64(127), nil, int64(3), int64(-3))},
		{f64, anys[any](nan, inf, -inf, 9.3e18, -9.223372036854775808e18, 9.223372036854775807e18, 1e15), i64,
			anys[any](nil, nil, nil, nil, int64(math.MinInt64), nil, int64(1e15))},
		{f64, anys[any](1.8446744073709550e19, 1.8446744073709552e19, -0.99), u64,
			anys[any](uint64(18446744073709549568), nil, uint64(0))},
		{f32, anys[any](2147483520.0, 2147483648.0, -2147483648.0, nan), i32,
			anys[any](int64(2147483520), nil, int64(math.MinInt32), nil)},
		{f32, anys[any](65535.5, 65536.0, -0.75), u16, anys[any](uint64(65535), nil, uint64(0))},
	}
	for _, c := range cases {
		runCast(t, c)
	}
}

func TestCastFloatWidths(t *testing.T) {
	runCast(t, castCase{f64, anys[any](0.1, 1e300, -1e300, nan, nil, negZero), f32,
		anys[any](float64(float32(0.1)), inf, -inf, nan, nil, negZero)})
	runCast(t, castCase{f32, anys[any](float64(float32(0.1)), inf), f64, anys[any](float64(float32(0.1)), inf)})
}

func TestCastBooleans(t *testing.T) {
	runCast(t, castCase{boo, anys[any](true, false, nil), i8, anys[any](int64(1), int64(0), nil)})
	runCast(t, castCase{boo, anys[any](true, false, nil), u64, anys[any](uint64(1), uint64(0), nil)})
	runCast(t, castCase{boo, anys[any](true, false, nil), f64, anys[any](1.0, 0.0, nil)})
	// Numbers are true when not zero; NaN is not zero (as in Polars).
	runCast(t, castCase{f64, anys[any](0.0, 0.5, nan, -1.0, negZero, nil), boo, anys[any](false, true, true, true, false, nil)})
	runCast(t, castCase{i32, anys[any](int64(0), int64(2), int64(-1), nil), boo, anys[any](false, true, true, nil)})
	runCast(t, castCase{u8, anys[any](uint64(0), uint64(255)), boo, anys[any](false, true)})
}

func TestCastStringsToNumbers(t *testing.T) {
	runCast(t, castCase{str, anys[any]("1", "-7", "+3", "-0", nil, "9223372036854775807"), i64,
		anys[any](int64(1), int64(-7), int64(3), int64(0), nil, int64(math.MaxInt64))})
	// Not integers: a fraction, a word, an empty string, hex, underscores.
	runCast(t, castCase{str, anys[any]("1", "1.5", "abc", "", "0x10", "1_000", "9223372036854775808"), i64,
		anys[any](int64(1), nil, nil, nil, nil, nil, nil)})
	runCast(t, castCase{str, anys[any]("127", "300", "-129"), i8, anys[any](int64(127), nil, nil)})
	runCast(t, castCase{lstr, anys[any]("255", "-1", "18446744073709551615"), u64,
		anys[any](uint64(255), nil, uint64(math.MaxUint64))})
	runCast(t, castCase{str, anys[any]("-1", "256", "7"), u8, anys[any](nil, nil, uint64(7))})
	runCast(t, castCase{str, anys[any]("1e3", "nan", "NaN", "inf", "-inf", "infinity", ".5", "5.", "-2.25", nil, "abc"), f64,
		anys[any](1000.0, nan, nan, inf, -inf, inf, 0.5, 5.0, -2.25, nil, nil)})
	runCast(t, castCase{str, anys[any]("0.1", "x"), f32, anys[any](float64(float32(0.1)), nil)})
	runCast(t, castCase{arrow.BinaryTypes.StringView, anys[any]("12", "a string longer than twelve bytes", nil), i32,
		anys[any](int64(12), nil, nil)})
}

// Polars has no String to Boolean cast; neither do we.
func TestCastStringsToBooleanIsNotSupported(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	b := array.NewStringBuilder(mem)
	b.Append("true")
	a := b.NewArray()
	b.Release()
	defer a.Release()
	_, err := kernels.Cast(mem, a, arrow.FixedWidthTypes.Boolean, false)
	if core.KindOf(err) != core.KindNotSupported {
		t.Fatalf("got %v, want NotSupportedError", err)
	}
}

func TestCastToString(t *testing.T) {
	runCast(t, castCase{i64, anys[any](int64(0), int64(-5), int64(math.MaxInt64), nil, int64(math.MinInt64)), str,
		anys[any]("0", "-5", "9223372036854775807", nil, "-9223372036854775808")})
	runCast(t, castCase{i8, anys[any](int64(-128), int64(7)), str, anys[any]("-128", "7")})
	runCast(t, castCase{u64, anys[any](uint64(math.MaxUint64), nil), str, anys[any]("18446744073709551615", nil)})
	runCast(t, castCase{u16, anys[any](uint64(65535)), str, anys[any]("65535")})
	runCast(t, castCase{boo, anys[any](true, false, nil), str, anys[any]("true", "false", nil)})
	runCast(t, castCase{lstr, anys[any]("é", nil, ""), str, anys[any]("é", nil, "")})
}

// Floats print as Polars prints them in a cast to String:
// pl.Series([...], dtype=pl.Float64).cast(pl.String).
func TestCastFloatsToString(t *testing.T) {
	f64Cases := []struct {
		v    float64
		want string
	}{
		{1.0, "1.0"}, {2.5, "2.5"}, {100.0, "100.0"}, {-0.0, "0.0"}, {negZero, "-0.0"},
		{123.456, "123.456"}, {0.30000000000000004, "0.30000000000000004"},
		{1e6, "1000000.0"}, {1234567.0, "1234567.0"}, {1e15, "1000000000000000.0"},
		{1.234e15, "1234000000000000.0"}, {123456789012345.6, "123456789012345.6"},
		{1234567890123456.8, "1234567890123456.8"},
		{1e16, "1e+16"}, {1.25e16, "1.25e+16"}, {12345678901234567.0, "1.2345678901234568e+16"},
		{1e21, "1e+21"}, {1e100, "1e+100"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
		{1e-4, "0.0001"}, {1e-5, "0.00001"}, {1.5e-5, "0.000015"}, {0.00012, "0.00012"}, {1.2e-5, "0.000012"},
		{1e-6, "1e-6"}, {1.5e-6, "1.5e-6"}, {9.99e-6, "9.99e-6"}, {-1e-7, "-1e-7"}, {5e-324, "5e-324"},
		{-1234.5, "-1234.5"}, {-1e16, "-1e+16"},
		{nan, "NaN"}, {inf, "inf"}, {-inf, "-inf"},
	}
	var in, want []any
	for _, c := range f64Cases {
		in, want = append(in, c.v), append(want, c.want)
		if got := kernels.FormatFloat(c.v, 64); got != c.want {
			t.Errorf("FormatFloat(%v, 64) = %q, want %q", c.v, got, c.want)
		}
	}
	runCast(t, castCase{f64, append(in, nil), str, append(want, nil)})

	f32Cases := []struct {
		v    float32
		want string
	}{
		{1e6, "1000000.0"}, {1e12, "1000000000000.0"}, {1e13, "1e+13"}, {1e15, "1e+15"},
		{16777216, "16777216.0"}, {16777217, "16777216.0"}, {99999999, "100000000.0"}, {1.5e9, "1500000000.0"},
		{123456.7, "123456.7"}, {0.1, "0.1"}, {3.4e38, "3.4e+38"},
		{1e-5, "0.00001"}, {1.1e-5, "0.000011"}, {1e-6, "0.000001"}, {1e-7, "1e-7"},
	}
	in, want = nil, nil
	for _, c := range f32Cases {
		in, want = append(in, float64(c.v)), append(want, c.want)
		if got := kernels.FormatFloat(float64(c.v), 32); got != c.want {
			t.Errorf("FormatFloat(%v, 32) = %q, want %q", c.v, got, c.want)
		}
	}
	runCast(t, castCase{f32, in, str, want})
}

func TestCastFromNull(t *testing.T) {
	for _, to := range []arrow.DataType{i8, u32, f64, boo, str, arrow.FixedWidthTypes.Date32} {
		mem := newMem()
		a := array.NewNull(3)
		for _, strict := range []bool{true, false} {
			got, err := kernels.Cast(mem, a, to, strict)
			if err != nil {
				t.Fatalf("Null to %s: %v", to, err)
			}
			if !arrow.TypeEqual(got.DataType(), to) || got.NullN() != 3 || got.Len() != 3 {
				t.Errorf("Null to %s: %s with %d nulls of %d", to, got.DataType(), got.NullN(), got.Len())
			}
			got.Release()
		}
		a.Release()
		mem.AssertSize(t, 0)
	}
}

// A cast to the array's own type hands the array back, one reference more.
func TestCastToSameType(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, i32, anys[any](int64(1), nil), 3)
	got, err := kernels.Cast(mem, a, i32, true)
	if err != nil {
		t.Fatal(err)
	}
	if got != a {
		t.Errorf("Cast to the same type copied the array")
	}
	a.Release()
	checkArray(t, got, i32, anys[any](int64(1), nil), "same type")
	got.Release()
}

func TestCastUnsupported(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	d := makeArray(t, mem, arrow.FixedWidthTypes.Date32, anys[any](int64(1)), 0)
	defer d.Release()
	n := makeArray(t, mem, i64, anys[any](int64(1)), 0)
	defer n.Release()
	b := makeArray(t, mem, arrow.FixedWidthTypes.Boolean, anys[any](true), 0)
	defer b.Release()
	for _, c := range []struct {
		a  arrow.Array
		to arrow.DataType
	}{
		{n, arrow.BinaryTypes.Binary}, {d, arrow.BinaryTypes.Binary},
		{b, &arrow.Decimal128Type{Precision: 5, Scale: 1}},
	} {
		for _, strict := range []bool{true, false} {
			got, err := kernels.Cast(mem, c.a, c.to, strict)
			if err == nil {
				got.Release()
				t.Errorf("cast %s to %s succeeded", c.a.DataType(), c.to)
				continue
			}
			wantKind(t, err, core.KindNotSupported)
		}
	}
}

func TestCastToDecimal(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	to := &arrow.Decimal128Type{Precision: 4, Scale: 1}
	for _, c := range []struct {
		typ  arrow.DataType
		in   []any
		want []string // "" is null
	}{
		{arrow.PrimitiveTypes.Float64, anys[any](3.75, 3.65, -0.05, nil, 1e9), []string{"3.8", "3.6", "0.0", "", ""}},
		{i64, anys[any](int64(12), int64(-999), int64(1000), nil), []string{"12.0", "-999.0", "", ""}},
		{arrow.BinaryTypes.String, anys[any]("2.25", "x", "-2.35", nil), []string{"2.2", "", "-2.4", ""}},
	} {
		a := makeArray(t, mem, c.typ, c.in, 0)
		got, err := kernels.Cast(mem, a, to, false)
		if err != nil {
			t.Fatalf("cast %s: %v", c.typ, err)
		}
		d := got.(*array.Decimal128)
		for i, w := range c.want {
			s := ""
			if d.IsValid(i) {
				s = d.Value(i).ToString(to.Scale)
			}
			if s != w {
				t.Errorf("cast %s row %d: got %q, want %q", c.typ, i, s, w)
			}
		}
		if _, err := kernels.Cast(mem, a, to, true); err == nil && c.typ != i64 {
			t.Errorf("strict cast %s to %s accepted a value that does not fit", c.typ, to)
		}
		got.Release()
		a.Release()
	}
}
