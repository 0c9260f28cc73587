package kernels

import (
	"math/big"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DecimalOptions say how DecimalArith rounds and what a zero divisor gives.
type DecimalOptions struct {
	// HalfAway rounds halves away from zero (MySQL); otherwise halves go
	// to even (Polars).
	HalfAway bool
	// ZeroDivNull makes a division by zero null (MySQL); otherwise it is
	// an error (Polars).
	ZeroDivNull bool
}

// DecimalArith computes a op b (Add, Sub, Mul or Div) for two Decimal128
// operands of any scales, exactly, then rounds once to out's scale. The
// output scale must be at least the larger operand scale for Add and Sub,
// and the operands' own scale for Div's dividend. A result that does not fit
// out's precision is an error naming the values (never a wrapped value);
// nulls propagate.
func DecimalArith(mem memory.Allocator, op ArithOp, a, b Value, n int, out *arrow.Decimal128Type, o DecimalOptions) (arrow.Array, error) {
	p, err := newDecPlan(op, decScale(a.Type), decScale(b.Type), out, o.HalfAway)
	if err != nil {
		return nil, err
	}
	x, y := decReader(a), decReader(b)
	validity := andValidity(mem, a, b, n)
	buf := core.AllocateUninit(mem, n*16)
	res := decSlice(buf, n)
	var vb []byte
	if validity != nil {
		vb = validity.Bytes()
	}
	for i := range n {
		if vb != nil && !bitutil.BitIsSet(vb, i) {
			res[i] = decimal128.Num{}
			continue
		}
		xv, yv := x(i), y(i)
		if op == Div && yv.m.isZero() {
			if !o.ZeroDivNull {
				releaseAll(validity, buf)
				return nil, core.Errorf(core.KindCompute, "division by zero: %s / 0; use .when() to skip zero divisors, or cast to Float64 for inf",
					xv.num().ToString(decScale(a.Type)))
			}
			if validity == nil {
				validity = allBitsSet(mem, n)
				vb = validity.Bytes()
			}
			bitutil.ClearBit(vb, i)
			res[i] = decimal128.Num{}
			continue
		}
		r, ok := p.apply(xv, yv)
		if !ok {
			r, ok = p.applyBig(xv, yv)
		}
		if !ok || !r.fits(out.Precision) {
			releaseAll(validity, buf)
			return nil, p.overflow(xv, yv, decScale(a.Type), decScale(b.Type))
		}
		res[i] = r.num()
	}
	return makeArray(out, n, validity, buf), nil
}

// decPlan is one operator between two operand scales: how the operands
// are scaled up and how the exact result is brought to the output scale.
type decPlan struct {
	op       ArithOp
	xUp, yUp int32 // Add/Sub: each operand to the output scale; Div: dividend and divisor
	up, down int32 // Mul: product scale to output scale, up or down (rounded)
	halfAway bool
	out      *arrow.Decimal128Type
}

func newDecPlan(op ArithOp, sx, sy int32, out *arrow.Decimal128Type, halfAway bool) (*decPlan, error) {
	p := &decPlan{op: op, halfAway: halfAway, out: out}
	s := out.Scale
	switch op {
	case Add, Sub:
		p.xUp, p.yUp = s-sx, s-sy
	case Mul:
		if d := sx + sy - s; d > 0 {
			p.down = d
		} else {
			p.up = -d
		}
	case Div:
		// x/10^sx ÷ y/10^sy at scale s is x·10^(s+sy-sx) ÷ y (or x ÷
		// y·10^(sx-sy-s) when that power is negative).
		if k := s + sy - sx; k >= 0 {
			p.xUp = k
		} else {
			p.yUp = -k
		}
	default:
		return nil, core.Errorf(core.KindNotSupported, "decimal operator %d is not supported", op)
	}
	if p.xUp < 0 || p.yUp < 0 || p.xUp > 76 || p.yUp > 76 || p.up > 76 {
		return nil, core.Errorf(core.KindNotSupported, "decimal arithmetic from scales %d and %d to scale %d is not supported", sx, sy, s)
	}
	return p, nil
}

// scaleUp returns m·10^k; ok is false when it passes 128 bits.
func scaleUp(m u128, k int32) (u128, bool) {
	if k == 0 {
		return m, true
	}
	if k > 38 {
		return u128{}, m.isZero()
	}
	return m.mul(pow10u128[k])
}

// apply computes x op y in 128 bits; ok is false when an intermediate
// value does not fit (applyBig then computes it).
func (p *decPlan) apply(x, y sdec) (sdec, bool) {
	switch p.op {
	case Add, Sub:
		xm, ok1 := scaleUp(x.m, p.xUp)
		ym, ok2 := scaleUp(y.m, p.yUp)
		if !ok1 || !ok2 {
			return sdec{}, false
		}
		yneg := y.neg
		if p.op == Sub {
			yneg = !yneg
		}
		return addSigned(sdec{x.neg, xm}, sdec{yneg, ym})
	case Mul:
		m, ok := x.m.mul(y.m)
		if !ok {
			return sdec{}, false
		}
		if p.down > 0 {
			if p.down > 19 {
				return sdec{}, false
			}
			m, _ = m.divRound(pow10u128[p.down], p.halfAway)
		} else if m, ok = scaleUp(m, p.up); !ok {
			return sdec{}, false
		}
		return sdec{x.neg != y.neg && !m.isZero(), m}, true
	case Div:
		num, ok1 := scaleUp(x.m, p.xUp)
		den, ok2 := scaleUp(y.m, p.yUp)
		if !ok1 || !ok2 {
			return sdec{}, false
		}
		q, ok := num.divRound(den, p.halfAway)
		if !ok {
			return sdec{}, false
		}
		return sdec{x.neg != y.neg && !q.isZero(), q}, true
	}
	return sdec{}, false
}

// applyBig computes x op y with math/big; ok is false when the result
// passes 128 bits (and so any precision).
func (p *decPlan) applyBig(x, y sdec) (sdec, bool) {
	bx, by := x.big(), y.big()
	ten := func(k int32) *big.Int { return pow10(int64(k)) }
	var r *big.Int
	switch p.op {
	case Add:
		r = new(big.Int).Add(bx.Mul(bx, ten(p.xUp)), by.Mul(by, ten(p.yUp)))
	case Sub:
		r = new(big.Int).Sub(bx.Mul(bx, ten(p.xUp)), by.Mul(by, ten(p.yUp)))
	case Mul:
		r = new(big.Int).Mul(bx, by)
		if p.down > 0 {
			r = bigDivRound(r, ten(p.down), p.halfAway)
		} else {
			r.Mul(r, ten(p.up))
		}
	case Div:
		r = bigDivRound(bx.Mul(bx, ten(p.xUp)), by.Mul(by, ten(p.yUp)), p.halfAway)
	}
	return sdecFromBig(r)
}

var decOpNames = map[ArithOp][2]string{Add: {"addition", "+"}, Sub: {"subtraction", "-"},
	Mul: {"multiplication", "*"}, Div: {"division", "/"}}

func (p *decPlan) overflow(x, y sdec, sx, sy int32) error {
	name := decOpNames[p.op]
	return core.Errorf(core.KindCompute,
		"overflow in decimal %s: %s %s %s does not fit %s; cast the operands to Float64 for an approximate result",
		name[0], x.num().ToString(sx), name[1], y.num().ToString(sy), core.DTypeName(p.out))
}

// decScale is a Decimal128 type's scale (0 for anything else).
func decScale(t arrow.DataType) int32 {
	if d, ok := t.(*arrow.Decimal128Type); ok {
		return d.Scale
	}
	return 0
}

// decReader reads a Decimal128 operand (array or scalar) by row.
func decReader(v Value) func(int) sdec {
	if v.IsScalar() {
		var x sdec
		if d, ok := v.Scalar.(decimal128.Num); ok {
			x = toSdec(d)
		}
		return func(int) sdec { return x }
	}
	raw := values128(v.Array)
	return func(i int) sdec { return toSdec(decimalAt(raw, i)) }
}

// decimalAt is the i-th value of values128's words.
func decimalAt(raw []uint64, i int) decimal128.Num {
	return decimal128.New(int64(raw[2*i+1]), raw[2*i])
}

// decSlice views a buffer of n Decimal128 values.
func decSlice(buf *memory.Buffer, n int) []decimal128.Num {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*decimal128.Num)(unsafe.Pointer(&buf.Bytes()[0])), n)
}

// allBitsSet allocates a bitmap of n set bits.
func allBitsSet(mem memory.Allocator, n int) *memory.Buffer {
	b := allocBitmap(mem, n)
	bitutil.SetBitsTo(b.Bytes(), 0, int64(n), true)
	return b
}

// Decimal128Words returns a Decimal128 array's values as pairs of words
// (low, then high, two's complement), honouring the array's offset.
func Decimal128Words(a arrow.Array) []uint64 { return values128(a) }
