package kernels

import (
	"math"
	"math/big"
	"math/bits"
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
	xr, xs, xScalar := decOperand(a)
	yr, ys, yScalar := decOperand(b)
	validity := andValidity(mem, a, b, n)
	buf := core.AllocateWritten(mem, n*16) // every row is computed or, null, cleared
	res := decSlice(buf, n)
	var vb []byte
	if validity != nil {
		vb = validity.Bytes()
	}
	mulFast := op == Mul && p.up == 0 && (p.down == 0 || p.down == 2)
	addFast := (op == Add || op == Sub) && p.fx != 0 && p.fy != 0
	// checked computes rows [lo, hi) one by one, with every check.
	checked := func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			if vb != nil && !bitutil.BitIsSet(vb, i) {
				res[i] = decimal128.Num{}
				continue
			}
			if !xScalar {
				xs = decimalAt(xr, i)
			}
			if !yScalar {
				ys = decimalAt(yr, i)
			}
			// The common case inline (no call per row): operands of 64 bits,
			// a product rounded back by 10^0 or 10^2, a sum of scaled values.
			x, y := int64(xs.LowBits()), int64(ys.LowBits())
			if xs.HighBits() == x>>63 && ys.HighBits() == y>>63 && x != math.MinInt64 && y != math.MinInt64 {
				switch {
				case mulFast:
					carry, m := bits.Mul64(abs64(x), abs64(y))
					if carry != 0 {
						break
					}
					if p.down == 2 {
						q := m / 100 // a constant divisor: a multiplication
						if rem := m - q*100; rem > 50 || rem == 50 && (p.halfAway || q&1 == 1) {
							q++
						}
						m = q
					}
					if m <= uint64(p.limit) {
						r := int64(m)
						if (x < 0) != (y < 0) {
							r = -r
						}
						res[i] = decimal128.New(r>>63, uint64(r))
						continue
					}
				case addFast:
					a, ok1 := mulSmall(x, p.fx)
					b, ok2 := mulSmall(y, p.fy)
					if op == Sub {
						b = -b
					}
					r := a + b
					if ok1 && ok2 && (a^r)&(b^r) >= 0 && r <= p.limit && r >= -p.limit {
						res[i] = decimal128.New(r>>63, uint64(r))
						continue
					}
				}
				if r, ok := p.apply64(xs, ys); ok {
					res[i] = r
					continue
				}
			}
			xv, yv := toSdec(xs), toSdec(ys)
			if op == Div && yv.m.isZero() {
				if !o.ZeroDivNull {
					return core.Errorf(core.KindCompute, "division by zero: %s / 0; use .when() to skip zero divisors, or cast to Float64 for inf",
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
				return p.overflow(xv, yv, decScale(a.Type), decScale(b.Type))
			}
			res[i] = r.num()
		}
		return nil
	}
	words := decWords(buf, n)
	xw := [2]uint64{xs.LowBits(), uint64(xs.HighBits())}
	yw := [2]uint64{ys.LowBits(), uint64(ys.HighBits())}
	for lo := 0; lo < n; lo += decBlock {
		hi := min(lo+decBlock, n)
		if op != Div { // (a zero divisor needs the per-row path)
			x, okx := asDec64(block128(xr, lo, hi), xw, xScalar, hi-lo)
			y, oky := asDec64(block128(yr, lo, hi), yw, yScalar, hi-lo)
			if okx && oky && p.arith64(words[2*lo:2*hi], x, y, hi-lo) {
				continue
			}
		}
		if err := checked(lo, hi); err != nil {
			releaseAll(validity, buf)
			return nil, err
		}
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
	// For apply64: 10^xUp, 10^yUp, 10^up, 10^down (0 when above 10^18),
	// and the largest magnitude out's precision holds.
	fx, fy, fup, fdown uint64
	limit              int64
}

// pow64 is 10^k, or 0 when it passes 10^18.
func pow64(k int32) uint64 {
	if k > 18 {
		return 0
	}
	return pow10u128[k].lo
}

// apply64 computes x op y when both operands and every intermediate fit
// 64 bits: the common case (money columns of precision <= 18) without
// the 128-bit paths. ok is false otherwise (also for a zero divisor and
// for a result that does not fit out's precision: the caller's general
// path reports those).
func (p *decPlan) apply64(xn, yn decimal128.Num) (decimal128.Num, bool) {
	x, y := int64(xn.LowBits()), int64(yn.LowBits())
	if xn.HighBits() != x>>63 || yn.HighBits() != y>>63 || x == math.MinInt64 || y == math.MinInt64 {
		return decimal128.Num{}, false
	}
	var r int64
	switch p.op {
	case Add, Sub:
		if p.fx == 0 || p.fy == 0 {
			return decimal128.Num{}, false
		}
		a, ok1 := mulSmall(x, p.fx)
		b, ok2 := mulSmall(y, p.fy)
		if !ok1 || !ok2 {
			return decimal128.Num{}, false
		}
		if p.op == Sub {
			b = -b
		}
		r = a + b
		if (a^r)&(b^r) < 0 {
			return decimal128.Num{}, false
		}
	case Mul:
		neg := (x < 0) != (y < 0)
		hi, m := bits.Mul64(abs64(x), abs64(y))
		if hi != 0 {
			return decimal128.Num{}, false
		}
		switch {
		case p.down > 0:
			if p.fdown == 0 {
				return decimal128.Num{}, false
			}
			q, rem := m/p.fdown, m%p.fdown
			if roundsUp(rem, p.fdown, q&1 == 1, p.halfAway) {
				q++
			}
			m = q
		case p.up > 0:
			if p.fup == 0 {
				return decimal128.Num{}, false
			}
			if hi, m = bits.Mul64(m, p.fup); hi != 0 {
				return decimal128.Num{}, false
			}
		}
		if m > math.MaxInt64 {
			return decimal128.Num{}, false
		}
		r = int64(m)
		if neg {
			r = -r
		}
	case Div:
		if y == 0 || p.fx == 0 || p.fy == 0 {
			return decimal128.Num{}, false
		}
		neg := (x < 0) != (y < 0)
		hi, num := bits.Mul64(abs64(x), p.fx)
		hi2, den := bits.Mul64(abs64(y), p.fy)
		if hi != 0 || hi2 != 0 {
			return decimal128.Num{}, false
		}
		q, rem := num/den, num%den
		if roundsUp(rem, den, q&1 == 1, p.halfAway) {
			q++
		}
		if q > math.MaxInt64 {
			return decimal128.Num{}, false
		}
		r = int64(q)
		if neg {
			r = -r
		}
	default:
		return decimal128.Num{}, false
	}
	if r > p.limit || r < -p.limit {
		return decimal128.Num{}, false
	}
	return decimal128.New(r>>63, uint64(r)), true
}

// mulSmall returns x·f (f >= 1); ok is false when it passes int64.
func mulSmall(x int64, f uint64) (int64, bool) {
	if f == 1 {
		return x, true
	}
	if x > -1<<31 && x < 1<<31 && f < 1<<31 {
		return x * int64(f), true // |x·f| < 2^62
	}
	hi, m := bits.Mul64(abs64(x), f)
	if hi != 0 || m > math.MaxInt64 {
		return 0, false
	}
	if x < 0 {
		return -int64(m), true
	}
	return int64(m), true
}

func abs64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

func newDecPlan(op ArithOp, sx, sy int32, out *arrow.Decimal128Type, halfAway bool) (*decPlan, error) {
	p := &decPlan{op: op, halfAway: halfAway, out: out, limit: math.MaxInt64}
	if out.Precision <= 18 {
		p.limit = int64(pow10u128[out.Precision].lo) - 1
	}
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
	p.fx, p.fy, p.fup, p.fdown = pow64(p.xUp), pow64(p.yUp), pow64(p.up), pow64(p.down)
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

// decOperand is an operand's words (an array) or its value (a scalar;
// null reads as zero, its rows are null anyway).
func decOperand(v Value) (raw []uint64, scalar decimal128.Num, isScalar bool) {
	if v.IsScalar() {
		d, _ := v.Scalar.(decimal128.Num)
		return nil, d, true
	}
	return values128(v.Array), decimal128.Num{}, false
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

// decWords views a buffer of n Decimal128 values as pairs of words.
func decWords(buf *memory.Buffer, n int) []uint64 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(&buf.Bytes()[0])), 2*n)
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
