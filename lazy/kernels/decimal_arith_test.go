package kernels_test

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func decArray(t *testing.T, mem memory.Allocator, typ *arrow.Decimal128Type, vals ...string) arrow.Array {
	t.Helper()
	b := array.NewDecimal128Builder(mem, typ)
	defer b.Release()
	for _, v := range vals {
		if v == "" {
			b.AppendNull()
			continue
		}
		n, err := decimal128.FromString(v, typ.Precision, typ.Scale)
		if err != nil {
			t.Fatal(err)
		}
		b.Append(n)
	}
	return b.NewArray()
}

func decStrings(a arrow.Array) []string {
	d := a.(*array.Decimal128)
	s := d.DataType().(*arrow.Decimal128Type).Scale
	out := make([]string, d.Len())
	for i := range out {
		if d.IsValid(i) {
			out[i] = d.Value(i).ToString(s)
		}
	}
	return out
}

func dec(p, s int32) *arrow.Decimal128Type { return &arrow.Decimal128Type{Precision: p, Scale: s} }

// TestDecimalArithRounding pins the values Polars 2.1 gives (halves to
// even) and MySQL's (halves away from zero), nulls and negatives included.
func TestDecimalArithRounding(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := decArray(t, mem, dec(10, 3), "1.250", "1.350", "-1.250", "-1.350", "0.050", "-0.050", "1.255", "")
	defer a.Release()
	b := decArray(t, mem, dec(5, 1), "0.1", "0.1", "0.1", "0.1", "0.1", "0.1", "0.1", "0.1")
	defer b.Release()
	for _, c := range []struct {
		op   kernels.ArithOp
		out  *arrow.Decimal128Type
		away bool
		want string
	}{
		{kernels.Mul, dec(38, 2), false, "0.12 0.14 -0.12 -0.14 0.00 0.00 0.13 "},
		{kernels.Mul, dec(38, 2), true, "0.13 0.14 -0.13 -0.14 0.01 -0.01 0.13 "},
		{kernels.Mul, dec(38, 4), false, "0.1250 0.1350 -0.1250 -0.1350 0.0050 -0.0050 0.1255 "},
		{kernels.Add, dec(38, 3), false, "1.350 1.450 -1.150 -1.250 0.150 0.050 1.355 "},
		{kernels.Sub, dec(38, 3), false, "1.150 1.250 -1.350 -1.450 -0.050 -0.150 1.155 "},
		{kernels.Div, dec(38, 3), false, "12.500 13.500 -12.500 -13.500 0.500 -0.500 12.550 "},
		{kernels.Div, dec(38, 0), false, "12 14 -12 -14 0 0 13 "},
		{kernels.Div, dec(38, 0), true, "13 14 -13 -14 1 -1 13 "},
	} {
		out, err := kernels.DecimalArith(mem, c.op, kernels.ArrayValue(a), kernels.ArrayValue(b), a.Len(), c.out,
			kernels.DecimalOptions{HalfAway: c.away})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(decStrings(out), " "); got != c.want {
			t.Errorf("op %d to %s (away %v): got %q, want %q", c.op, c.out, c.away, got, c.want)
		}
		out.Release()
	}
}

// TestDecimalArithMatchesBig checks the 128-bit paths against exact
// rational arithmetic on random values of every size, at offsets.
func TestDecimalArithMatchesBig(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		var sb strings.Builder
		if rng.IntN(2) == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(byte('1' + rng.IntN(9)))
		for range n - 1 {
			sb.WriteByte(byte('0' + rng.IntN(10)))
		}
		return sb.String()
	}
	for _, sizes := range [][2]int{{3, 2}, {12, 9}, {18, 18}, {19, 5}, {25, 14}, {37, 2}} {
		for _, scales := range [][2]int32{{2, 2}, {0, 4}, {6, 1}} {
			ta, tb := dec(38, scales[0]), dec(38, scales[1])
			var va, vb []string
			for range 64 {
				va = append(va, withScale(digits(1+rng.IntN(sizes[0])), scales[0]))
				vb = append(vb, withScale(digits(1+rng.IntN(sizes[1])), scales[1]))
			}
			a, b := decArray(t, mem, ta, va...), decArray(t, mem, tb, vb...)
			for _, op := range []kernels.ArithOp{kernels.Add, kernels.Sub, kernels.Mul, kernels.Div} {
				for _, away := range []bool{false, true} {
					outS := max(scales[0], scales[1]) + int32(rng.IntN(3))
					for _, off := range offsets[:3] {
						sa, sb := array.NewSlice(a, int64(off), int64(a.Len())), array.NewSlice(b, int64(off), int64(b.Len()))
						checkAgainstBig(t, mem, op, sa, sb, dec(38, outS), away)
						sa.Release()
						sb.Release()
					}
				}
			}
			a.Release()
			b.Release()
		}
	}
}

func withScale(digits string, s int32) string {
	neg := strings.HasPrefix(digits, "-")
	d := strings.TrimPrefix(digits, "-")
	for int32(len(d)) <= s {
		d = "0" + d
	}
	if s > 0 {
		d = d[:int32(len(d))-s] + "." + d[int32(len(d))-s:]
	}
	if neg {
		return "-" + d
	}
	return d
}

func checkAgainstBig(t *testing.T, mem memory.Allocator, op kernels.ArithOp, a, b arrow.Array, out *arrow.Decimal128Type, away bool) {
	t.Helper()
	res, err := kernels.DecimalArith(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), a.Len(), out, kernels.DecimalOptions{HalfAway: away})
	want := make([]string, a.Len())
	fits := true
	for i := range want {
		x := ratOf(a, i)
		y := ratOf(b, i)
		r := new(big.Rat)
		switch op {
		case kernels.Add:
			r.Add(x, y)
		case kernels.Sub:
			r.Sub(x, y)
		case kernels.Mul:
			r.Mul(x, y)
		case kernels.Div:
			if y.Sign() == 0 {
				fits = false
				continue
			}
			r.Quo(x, y)
		}
		n, ok := kernels.RatToDecimal(r, out, away)
		if !ok {
			fits = false
			continue
		}
		want[i] = n.ToString(out.Scale)
	}
	if !fits {
		if err == nil {
			res.Release()
			t.Errorf("op %d: want an overflow error", op)
		}
		return
	}
	if err != nil {
		t.Fatalf("op %d: %v", op, err)
	}
	defer res.Release()
	got := decStrings(res)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("op %d to %s (away %v) row %d: %s, %s gives %s, want %s", op, out, away, i,
				a.(*array.Decimal128).ValueStr(i), b.(*array.Decimal128).ValueStr(i), got[i], want[i])
		}
	}
}

func ratOf(a arrow.Array, i int) *big.Rat {
	d := a.(*array.Decimal128)
	s := d.DataType().(*arrow.Decimal128Type).Scale
	return new(big.Rat).SetFrac(d.Value(i).BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil))
}

// TestDecimalArithErrors: overflow and division by zero are errors naming
// the values (Polars), or null for a zero divisor (MySQL).
func TestDecimalArithErrors(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	nines := strings.Repeat("9", 38)
	a := decArray(t, mem, dec(38, 0), nines, "1")
	defer a.Release()
	one := decArray(t, mem, dec(38, 0), "1", "0")
	defer one.Release()
	_, err := kernels.DecimalArith(mem, kernels.Add, kernels.ArrayValue(a), kernels.ArrayValue(one), 2, dec(38, 0), kernels.DecimalOptions{})
	if err == nil || !strings.Contains(err.Error(), "overflow in decimal addition: "+nines+" + 1") {
		t.Errorf("add overflow: %v", err)
	}
	_, err = kernels.DecimalArith(mem, kernels.Mul, kernels.ArrayValue(a), kernels.ArrayValue(a), 2, dec(38, 0), kernels.DecimalOptions{})
	if err == nil || !strings.Contains(err.Error(), "overflow in decimal multiplication") {
		t.Errorf("mul overflow: %v", err)
	}
	small := array.NewSlice(a, 1, 2)
	defer small.Release()
	zero := array.NewSlice(one, 1, 2)
	defer zero.Release()
	_, err = kernels.DecimalArith(mem, kernels.Div, kernels.ArrayValue(small), kernels.ArrayValue(zero), 1, dec(38, 0), kernels.DecimalOptions{})
	if err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("division by zero: %v", err)
	}
	out, err := kernels.DecimalArith(mem, kernels.Div, kernels.ArrayValue(a), kernels.ArrayValue(one), 2, dec(38, 0), kernels.DecimalOptions{ZeroDivNull: true})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if got := decStrings(out); got[0] != nines || got[1] != "" || out.NullN() != 1 {
		t.Errorf("SQL division by zero: got %q", got)
	}
}

// TestDecimalCompareAcrossScales compares values of different scales
// exactly, also where scaling one up passes 128 bits.
func TestDecimalCompareAcrossScales(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := decArray(t, mem, dec(38, 0), "1", "-2", strings.Repeat("9", 38), "0", "")
	defer a.Release()
	b := decArray(t, mem, dec(38, 30), "1.000", "-1.5", "1", "-0.0", "1")
	defer b.Release()
	out, err := kernels.DecimalCompare(mem, kernels.Lt, kernels.ArrayValue(a), kernels.ArrayValue(b), a.Len())
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if got := out.String(); got != "[false true false false (null)]" {
		t.Errorf("a < b: %s", got)
	}
}

// BenchmarkDecimalMul is TPC-H Q1's price * (1 - discount) in Polars'
// types (Decimal(15, 2) operands, the product rounded back to scale 2).
func BenchmarkDecimalMul(b *testing.B) {
	mem := memory.NewGoAllocator()
	const n = 1 << 16
	bld := array.NewDecimal128Builder(mem, dec(15, 2))
	for i := range n {
		bld.Append(decimal128.FromI64(int64(90000 + i*37%100000)))
	}
	x := bld.NewArray()
	defer x.Release()
	b.SetBytes(n * 16)
	for b.Loop() {
		out, err := kernels.DecimalArith(mem, kernels.Mul, kernels.ArrayValue(x), kernels.ArrayValue(x), n, dec(38, 2), kernels.DecimalOptions{})
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
}

// TestDecimalToInteger: a cast to an integer drops the fraction toward
// zero (SQL's CAST AS SIGNED rounds first); a value beyond the type is
// null when the cast is not strict.
func TestDecimalToInteger(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := decArray(t, mem, dec(38, 2), "2.99", "-2.99", "0.49", "", "300.00", "-99999999999999999999.00")
	defer a.Release()
	for _, c := range []struct {
		to   arrow.DataType
		want string
	}{
		{i64, "[2 -2 0 (null) 300 (null)]"},
		{u8, "[2 (null) 0 (null) (null) (null)]"},
	} {
		out, err := kernels.Cast(mem, a, c.to, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != c.want {
			t.Errorf("to %s: %s, want %s", c.to, got, c.want)
		}
		out.Release()
	}
	if _, err := kernels.Cast(mem, a, i64, true); err == nil || !strings.Contains(err.Error(), "-99999999999999999999.00") {
		t.Errorf("strict cast: %v", err)
	}
}
