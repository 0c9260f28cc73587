package kernels

import (
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Decimal values are scaled integers: the value 12.34 of a Decimal(p, 2) is
// the integer 1234. The kernels compute on a sign and a 128-bit magnitude
// (u128), which holds every Decimal128 value (|v| < 10^38 < 2^127) and most
// intermediate results; the rare intermediate that does not fit 128 bits
// (a product of two 20-digit values before it is rounded back, a dividend
// scaled beyond 10^38) is computed with math/big instead, so no result
// ever wraps.

// u128 is an unsigned 128-bit integer.
type u128 struct{ hi, lo uint64 }

// sdec is a decimal's scaled integer as a sign and a magnitude.
type sdec struct {
	neg bool
	m   u128
}

// pow10u128[k] is 10^k for k <= 38.
var pow10u128 = func() [39]u128 {
	var t [39]u128
	t[0] = u128{0, 1}
	for k := 1; k < len(t); k++ {
		t[k], _ = t[k-1].mul64(10)
	}
	return t
}()

func (a u128) isZero() bool { return a.hi == 0 && a.lo == 0 }

func (a u128) cmp(b u128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

// add returns a + b; ok is false when the sum passes 2^128.
func (a u128) add(b u128) (u128, bool) {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, c2 := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}, c2 == 0
}

// sub returns a - b for a >= b.
func (a u128) sub(b u128) u128 {
	lo, c := bits.Sub64(a.lo, b.lo, 0)
	hi, _ := bits.Sub64(a.hi, b.hi, c)
	return u128{hi, lo}
}

// mul64 returns a * m; ok is false when the product passes 2^128.
func (a u128) mul64(m uint64) (u128, bool) {
	h1, l1 := bits.Mul64(a.lo, m)
	h2, l2 := bits.Mul64(a.hi, m)
	hi, c := bits.Add64(h1, l2, 0)
	return u128{hi, l1}, h2 == 0 && c == 0
}

// mul returns a * b; ok is false when the product passes 2^128.
func (a u128) mul(b u128) (u128, bool) {
	switch {
	case a.hi == 0:
		return b.mul64(a.lo)
	case b.hi == 0:
		return a.mul64(b.lo)
	}
	return u128{}, false
}

// divRound divides a by d (0 < d < 2^64) and rounds the quotient: halves
// away from zero (halfAway) or to even; ok is false when d does not fit 64
// bits.
func (a u128) divRound(d u128, halfAway bool) (u128, bool) {
	if d.hi != 0 {
		return u128{}, false
	}
	qhi, r := a.hi/d.lo, a.hi%d.lo
	qlo, rem := bits.Div64(r, a.lo, d.lo)
	q := u128{qhi, qlo}
	if roundsUp(rem, d.lo, qlo&1 == 1, halfAway) {
		q, _ = q.add(u128{0, 1})
	}
	return q, true
}

// roundsUp reports whether a quotient with remainder rem of divisor d
// rounds away from zero.
func roundsUp(rem, d uint64, odd, halfAway bool) bool {
	half := d - rem // rem compared with d/2 without overflow: rem > d - rem
	switch {
	case rem > half:
		return true
	case rem == half:
		return halfAway || odd
	}
	return false
}

// toSdec reads a Decimal128 value.
func toSdec(n decimal128.Num) sdec {
	hi, lo := n.HighBits(), n.LowBits()
	if hi < 0 {
		lo, c := bits.Sub64(0, lo, 0)
		h, _ := bits.Sub64(0, uint64(hi), c)
		return sdec{true, u128{h, lo}}
	}
	return sdec{false, u128{uint64(hi), lo}}
}

// num writes x as a Decimal128 value (x's magnitude is below 2^127).
func (x sdec) num() decimal128.Num {
	if x.neg && !x.m.isZero() {
		lo, c := bits.Sub64(0, x.m.lo, 0)
		hi, _ := bits.Sub64(0, x.m.hi, c)
		return decimal128.New(int64(hi), lo)
	}
	return decimal128.New(int64(x.m.hi), x.m.lo)
}

// fits reports whether |x| < 10^precision.
func (x sdec) fits(precision int32) bool { return x.m.cmp(pow10u128[precision]) < 0 }

func (x sdec) big() *big.Int {
	b := new(big.Int).SetUint64(x.m.hi)
	b.Lsh(b, 64).Or(b, new(big.Int).SetUint64(x.m.lo))
	if x.neg {
		b.Neg(b)
	}
	return b
}

// sdecFromBig converts b; ok is false when |b| passes 128 bits.
func sdecFromBig(b *big.Int) (sdec, bool) {
	if b.BitLen() > 128 {
		return sdec{}, false
	}
	a := new(big.Int).Abs(b)
	lo := new(big.Int).And(a, new(big.Int).SetUint64(^uint64(0))).Uint64()
	hi := new(big.Int).Rsh(a, 64).Uint64()
	return sdec{b.Sign() < 0, u128{hi, lo}}, true
}

// addSigned returns a + b; ok is false when the magnitude passes 2^128.
func addSigned(a, b sdec) (sdec, bool) {
	if a.neg == b.neg {
		m, ok := a.m.add(b.m)
		return sdec{a.neg, m}, ok
	}
	if a.m.cmp(b.m) >= 0 {
		return sdec{a.neg, a.m.sub(b.m)}, true
	}
	return sdec{b.neg, b.m.sub(a.m)}, true
}

// bigDivRound divides a by d (d != 0), rounding halves away from zero
// (halfAway) or to even.
func bigDivRound(a, d *big.Int, halfAway bool) *big.Int {
	q, r := new(big.Int).QuoRem(a, d, new(big.Int))
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	c := twice.Cmp(new(big.Int).Abs(d))
	if c > 0 || c == 0 && (halfAway || q.Bit(0) == 1) {
		if (a.Sign() < 0) != (d.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}
