package kernels

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestDividerMatchesDivision: the multiply-and-shift quotient is n/d for
// every power of ten the rescale uses and for random divisors, at the
// edges of the dividend range.
func TestDividerMatchesDivision(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ds []uint64
	for k := int32(1); k <= 18; k++ {
		ds = append(ds, pow64(k))
	}
	ds = append(ds, 2, 3, 7, 1<<40, 1<<62-1, 1<<62+1, math.MaxInt64)
	for range 200 {
		ds = append(ds, 2+rng.Uint64N(math.MaxInt64-2))
	}
	for _, d := range ds {
		v := newDivider(d)
		ns := []uint64{0, 1, d - 1, d, d + 1, math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64 / d * d, math.MaxInt64/d*d - 1}
		for range 200 {
			ns = append(ns, rng.Uint64N(math.MaxInt64))
		}
		for _, n := range ns {
			if n > math.MaxInt64 {
				continue
			}
			if got := v.quo(n); got != n/d {
				t.Fatalf("%d / %d: got %d, want %d", n, d, got, n/d)
			}
		}
	}
}

// decCase is one batch of DecimalArith: operand values (garbage under
// nulls, which the fast path computes on too), scales and output type.
type decCase struct {
	op         ArithOp
	x, y       []decimal128.Num
	xNull      []bool
	sx, sy     int32
	xSc, ySc   bool // the operand is a scalar (its first value)
	out        *arrow.Decimal128Type
	halfAway   bool
	magnitudes [2]uint64
}

func randDec(rng *rand.Rand, bound uint64) decimal128.Num {
	v := int64(rng.Uint64N(bound + 1))
	if rng.IntN(2) == 0 {
		v = -v
	}
	return decimal128.FromI64(v)
}

func (c *decCase) value(v []decimal128.Num, sc bool, typ arrow.DataType, mem memory.Allocator, nulls []bool) Value {
	if sc {
		return Value{Scalar: v[0], Type: typ}
	}
	b := array.NewDecimal128Builder(mem, typ.(*arrow.Decimal128Type))
	defer b.Release()
	valid := make([]bool, len(v))
	for i := range valid {
		valid[i] = nulls == nil || !nulls[i]
	}
	b.AppendValues(v, valid)
	return ArrayValue(b.NewArray())
}

func ratAt(n decimal128.Num, s int32) *big.Rat {
	return new(big.Rat).SetFrac(n.BigInt(), pow10(int64(s)))
}

// TestDecimalArithFastMatchesGenericAndBig: for random scales, output
// precisions, operand shapes (array or scalar on either side) and
// magnitudes up to an int64 and to the output's limit, the specialised
// loops (when their bounds let them run) give the checked per-row path's
// values on every slot, and DecimalArith gives big.Rat's rounded values
// (or an overflow error) on every valid row.
func TestDecimalArithFastMatchesGenericAndBig(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(5, 6))
	bounds := []uint64{9, 999, 99_999_999, 1 << 31, 999_999_999_999_999, 999_999_999_999_999_999, math.MaxInt64}
	ran := map[ArithOp]int{}
	for iter := range 3000 {
		const n = 37
		c := decCase{op: []ArithOp{Add, Sub, Mul}[iter%3], sx: int32(rng.IntN(7)), sy: int32(rng.IntN(7)),
			halfAway: rng.IntN(2) == 0, xSc: iter%5 == 1, ySc: iter%5 == 2}
		c.magnitudes = [2]uint64{bounds[rng.IntN(len(bounds))], bounds[rng.IntN(len(bounds))]}
		prec := []int32{9, 15, 18, 19, 38}[rng.IntN(5)]
		s := max(c.sx, c.sy) + int32(rng.IntN(3))
		if c.op == Mul {
			s = int32(rng.IntN(int(c.sx + c.sy + 3)))
		}
		c.out = &arrow.Decimal128Type{Precision: prec, Scale: min(s, prec)}
		if c.out.Scale < max(c.sx, c.sy) && c.op != Mul {
			continue
		}
		c.xNull = make([]bool, n)
		for i := range n {
			c.x = append(c.x, randDec(rng, c.magnitudes[0]))
			c.y = append(c.y, randDec(rng, c.magnitudes[1]))
			c.xNull[i] = rng.IntN(6) == 0
		}
		tx, ty := &arrow.Decimal128Type{Precision: 38, Scale: c.sx}, &arrow.Decimal128Type{Precision: 38, Scale: c.sy}
		xv := c.value(c.x, c.xSc, tx, mem, c.xNull)
		yv := c.value(c.y, c.ySc, ty, mem, nil)

		// The specialised loops against the checked per-row path.
		p, err := newDecPlan(c.op, c.sx, c.sy, c.out, c.halfAway)
		if err != nil {
			t.Fatal(err)
		}
		xr, xs, xScalar := decOperand(xv)
		yr, ys, yScalar := decOperand(yv)
		x, okx := asDec64(xr, [2]uint64{xs.LowBits(), uint64(xs.HighBits())}, xScalar, n)
		y, oky := asDec64(yr, [2]uint64{ys.LowBits(), uint64(ys.HighBits())}, yScalar, n)
		res := make([]uint64, 2*n)
		if okx && oky && p.arith64(res, x, y, n) {
			ran[c.op]++
			for i := range n {
				xi, yi := c.x[0], c.y[0]
				if !c.xSc {
					xi = c.x[i]
				}
				if !c.ySc {
					yi = c.y[i]
				}
				want, ok := p.apply(toSdec(xi), toSdec(yi))
				if !ok || !want.fits(c.out.Precision) {
					t.Fatalf("case %d: the bounds let %v %d %v into the loop, whose result does not fit %s", iter, xi, c.op, yi, c.out)
				}
				if got := decimal128.New(int64(res[2*i+1]), res[2*i]); got != want.num() {
					t.Fatalf("case %d (%+v) row %d: loop gives %s, checked path %s", iter, c, i, got.ToString(c.out.Scale), want.num().ToString(c.out.Scale))
				}
			}
		}

		// DecimalArith against big.Rat on the valid rows.
		got, err := DecimalArith(mem, c.op, xv, yv, n, c.out, DecimalOptions{HalfAway: c.halfAway})
		fits := true
		want := make([]string, n)
		for i := range n {
			if !c.xSc && c.xNull[i] {
				continue
			}
			xi, yi := c.x[0], c.y[0]
			if !c.xSc {
				xi = c.x[i]
			}
			if !c.ySc {
				yi = c.y[i]
			}
			r := new(big.Rat)
			a, b := ratAt(xi, c.sx), ratAt(yi, c.sy)
			switch c.op {
			case Add:
				r.Add(a, b)
			case Sub:
				r.Sub(a, b)
			case Mul:
				r.Mul(a, b)
			}
			v, ok := RatToDecimal(r, c.out, c.halfAway)
			if !ok {
				fits = false
				break
			}
			want[i] = v.ToString(c.out.Scale)
		}
		switch {
		case !fits && err == nil:
			t.Fatalf("case %d: want an overflow error", iter)
		case fits && err != nil:
			t.Fatalf("case %d: %v", iter, err)
		case fits:
			d := got.(*array.Decimal128)
			for i := range n {
				if want[i] == "" {
					if d.IsValid(i) {
						t.Fatalf("case %d row %d: want null", iter, i)
					}
					continue
				}
				if s := d.Value(i).ToString(c.out.Scale); s != want[i] {
					t.Fatalf("case %d row %d: got %s, want %s", iter, i, s, want[i])
				}
			}
			got.Release()
		}
		xv.Release()
		yv.Release()
	}
	for _, op := range []ArithOp{Add, Sub, Mul} {
		if ran[op] < 50 {
			t.Errorf("operator %d took the specialised loops %d times: the test does not exercise them", op, ran[op])
		}
	}
}

// TestDecimalArithBlocks: a batch of several blocks where one block holds
// values beyond an int64 (it takes the checked path) and the others small
// ones (the loops), with nulls and a scalar, gives big.Rat's values on
// every valid row.
func TestDecimalArithBlocks(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 3*decBlock + 77
	tx, ty := &arrow.Decimal128Type{Precision: 38, Scale: 2}, &arrow.Decimal128Type{Precision: 38, Scale: 2}
	var c decCase
	c.xNull = make([]bool, n)
	for i := range n {
		c.x = append(c.x, randDec(rng, 99_999_999))
		c.y = append(c.y, randDec(rng, 9_999))
		if i >= decBlock+100 && i < decBlock+110 {
			c.x[i] = decimal128.FromBigInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(25), nil)).Add(decimal128.FromI64(int64(i)))
		}
		c.xNull[i] = rng.IntN(9) == 0
	}
	for _, op := range []ArithOp{Add, Sub, Mul} {
		for _, ySc := range []bool{false, true} {
			c.ySc = ySc
			xv := c.value(c.x, false, tx, mem, c.xNull)
			yv := c.value(c.y, ySc, ty, mem, nil)
			out := &arrow.Decimal128Type{Precision: 38, Scale: 2}
			got, err := DecimalArith(mem, op, xv, yv, n, out, DecimalOptions{})
			if err != nil {
				t.Fatal(err)
			}
			d := got.(*array.Decimal128)
			for i := range n {
				if c.xNull[i] {
					if d.IsValid(i) {
						t.Fatalf("op %d row %d: want null", op, i)
					}
					continue
				}
				yi := c.y[i]
				if ySc {
					yi = c.y[0]
				}
				a, b := ratAt(c.x[i], 2), ratAt(yi, 2)
				r := new(big.Rat)
				switch op {
				case Add:
					r.Add(a, b)
				case Sub:
					r.Sub(a, b)
				case Mul:
					r.Mul(a, b)
				}
				want, _ := RatToDecimal(r, out, false)
				if d.Value(i) != want {
					t.Fatalf("op %d row %d: got %s, want %s", op, i, d.Value(i).ToString(2), want.ToString(2))
				}
			}
			got.Release()
			xv.Release()
			yv.Release()
		}
	}
}
