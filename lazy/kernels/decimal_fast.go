package kernels

import (
	"math"
	"math/bits"
)

// The int64 fast path of DecimalArith. Money columns (precision <= 18)
// hold scaled integers that fit an int64, and so do their sums and most
// products. Rather than prove that per row, DecimalArith works in blocks
// of decBlock rows: one pass over each operand's block bounds its largest
// magnitude; when the bounds say no result of the block can pass an int64
// or the output precision, a loop specialised for the operator and the
// rescale runs without any check (on the block the bound pass just brought
// into the cache), else the block takes the checked per-row path. Every slot is computed, null or not: the
// bounds cover the (arbitrary) values under nulls too, and the result's
// validity is the AND of the operands'.

// decBlock is the number of rows bounded at a time: small enough that a
// block's operands stay in the L1 cache between the bound and the loop.
const decBlock = 1024

// block128 is rows [lo, hi) of values128's words (nil for a scalar).
func block128(raw []uint64, lo, hi int) []uint64 {
	if raw == nil {
		return nil
	}
	return raw[2*lo : 2*hi]
}

// dec64 is a Decimal128 operand whose values all fit an int64: the low
// words of an array (stride 2, the high words being their sign) or a
// scalar (stride 0), and the largest magnitude.
type dec64 struct {
	w      []uint64
	stride int
	max    uint64
}

// asDec64 reads an operand of n rows as a dec64; ok is false when some
// value does not fit an int64 (or is math.MinInt64).
func asDec64(raw []uint64, scalar [2]uint64, isScalar bool, n int) (d dec64, ok bool) {
	if isScalar {
		raw, n = scalar[:], 1
	} else {
		d.stride = 2
	}
	if len(raw) < 2*n {
		return d, false
	}
	d.w = raw
	d.max, ok = Int64Bound(raw[:2*n])
	return d, ok
}

// Int64Bound returns the largest magnitude of Decimal128 words (pairs of
// words, as Decimal128Words gives); ok is false when some value does not
// fit an int64 (or is math.MinInt64).
func Int64Bound(words []uint64) (maxAbs uint64, ok bool) {
	var bad, mx uint64
	for i := 0; i+1 < len(words); i += 2 {
		lo, hi := words[i], words[i+1]
		s := uint64(int64(lo) >> 63)
		bad |= hi ^ s
		mx = max(mx, (lo^s)-s) // |lo|, with MinInt64 reading as 2^63
	}
	return mx, bad == 0 && mx <= math.MaxInt64
}

// at is the i-th value.
func (d dec64) at(i int) int64 { return int64(d.w[i*d.stride]) }

// mulBound returns a·b, ok false when it passes limit.
func mulBound(a, b, limit uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	return lo, hi == 0 && lo <= limit
}

// divider divides by a constant d >= 2 with a multiplication and a shift:
// for n < 2^63, n/d = hi64(n·m) >> s, with m = ceil(2^(63+l)/d) and
// l = ceil(log2 d). (m·d exceeds 2^(63+l) by less than d <= 2^l, so
// n·m/2^(63+l) exceeds n/d by less than 1/d: not enough to reach the next
// integer.)
type divider struct {
	d, m uint64
	s    uint
}

func newDivider(d uint64) divider {
	l := uint(bits.Len64(d - 1))
	// 2^(63+l) as two words; its high word 2^(l-1) is below d.
	q, r := bits.Div64(1<<(l-1), 0, d)
	if r != 0 {
		q++
	}
	return divider{d: d, m: q, s: l - 1}
}

func (v divider) quo(n uint64) uint64 {
	hi, _ := bits.Mul64(n, v.m)
	return hi >> v.s
}

// roundDiv divides x by v.d, rounding halves away from zero (halfAway) or
// to even, without a branch on the data.
func (v divider) roundDiv(x int64, halfAway bool) int64 {
	s := x >> 63
	a := uint64((x ^ s) - s)
	q := v.quo(a)
	twice := 2 * (a - q*v.d) // below 2·10^18: no overflow
	var up uint64
	if twice > v.d {
		up = 1
	}
	if twice == v.d && (halfAway || q&1 == 1) {
		up = 1
	}
	return (int64(q+up) ^ s) - s
}

// arith64 computes the batch in res (2 words a row) when the operands'
// bounds allow the unchecked loops; ok is false when they do not (or for
// Div, whose zero divisors need the per-row path).
func (p *decPlan) arith64(res []uint64, x, y dec64, n int) bool {
	if x.stride == 0 && y.stride == 0 {
		return false // (a constant: the plan folds it; not worth a loop)
	}
	limit := uint64(p.limit)
	switch p.op {
	case Add, Sub:
		if p.fx == 0 || p.fy == 0 {
			return false
		}
		bx, ok1 := mulBound(x.max, p.fx, limit)
		by, ok2 := mulBound(y.max, p.fy, limit)
		if !ok1 || !ok2 || bx+by > limit { // (bx+by < 2^64: both <= limit < 2^63)
			return false
		}
		fy := int64(p.fy)
		if p.op == Sub {
			fy = -fy
		}
		addLoop(res, x, int64(p.fx), y, fy, n)
		return true
	case Mul:
		prod, ok := mulBound(x.max, y.max, math.MaxInt64)
		if !ok {
			return false
		}
		switch {
		case p.down > 0:
			if p.fdown == 0 || prod/p.fdown+1 > limit {
				return false
			}
			mulDownLoop(res, x, y, newDivider(p.fdown), p.halfAway, n)
		default:
			if p.fup == 0 {
				return false
			}
			if _, ok := mulBound(prod, p.fup, limit); !ok {
				return false
			}
			mulLoop(res, x, y, int64(p.fup), n)
		}
		return true
	}
	return false
}

// put writes r as the i-th Decimal128 of res.
func put(res []uint64, i int, r int64) {
	res[2*i] = uint64(r)
	res[2*i+1] = uint64(r >> 63)
}

// addLoop computes x·fx + y·fy (one operand at most a scalar): a plain
// add or subtract when both are of the output scale (fx = 1, fy = ±1),
// and with a scalar operand a multiply-add by a constant.
func addLoop(res []uint64, x dec64, fx int64, y dec64, fy int64, n int) {
	res = res[:2*n]
	switch {
	case x.stride == 0:
		c, yw := x.at(0)*fx, y.w[:2*n]
		for i := 0; i < len(yw); i += 2 {
			r := c + int64(yw[i])*fy
			res[i], res[i+1] = uint64(r), uint64(r>>63)
		}
	case y.stride == 0:
		c, xw := y.at(0)*fy, x.w[:2*n]
		for i := 0; i < len(xw); i += 2 {
			r := int64(xw[i])*fx + c
			res[i], res[i+1] = uint64(r), uint64(r>>63)
		}
	case fx == 1 && fy == 1:
		xw, yw := x.w[:2*n], y.w[:2*n]
		for i := 0; i < len(xw); i += 2 {
			r := int64(xw[i]) + int64(yw[i])
			res[i], res[i+1] = uint64(r), uint64(r>>63)
		}
	case fx == 1 && fy == -1:
		xw, yw := x.w[:2*n], y.w[:2*n]
		for i := 0; i < len(xw); i += 2 {
			r := int64(xw[i]) - int64(yw[i])
			res[i], res[i+1] = uint64(r), uint64(r>>63)
		}
	default:
		xw, yw := x.w[:2*n], y.w[:2*n]
		for i := 0; i < len(xw); i += 2 {
			r := int64(xw[i])*fx + int64(yw[i])*fy
			res[i], res[i+1] = uint64(r), uint64(r>>63)
		}
	}
}

// mulLoop computes x·y·f (f = 10^up, 1 when the product is of the output
// scale; one operand at most a scalar).
func mulLoop(res []uint64, x, y dec64, f int64, n int) {
	res = res[:2*n]
	if x.stride == 0 {
		x, y = y, x
	}
	if y.stride == 0 {
		c, xw := y.at(0)*f, x.w[:2*n]
		for i := 0; i < len(xw); i += 2 {
			r := int64(xw[i]) * c
			res[i], res[i+1] = uint64(r), uint64(r>>63)
		}
		return
	}
	xw, yw := x.w[:2*n], y.w[:2*n]
	if f == 1 {
		for i := 0; i < len(xw); i += 2 {
			r := int64(xw[i]) * int64(yw[i])
			res[i], res[i+1] = uint64(r), uint64(r>>63)
		}
		return
	}
	for i := 0; i < len(xw); i += 2 {
		r := int64(xw[i]) * int64(yw[i]) * f
		res[i], res[i+1] = uint64(r), uint64(r>>63)
	}
}

// mulDownLoop computes x·y rounded back by 10^down (div.d).
func mulDownLoop(res []uint64, x, y dec64, div divider, halfAway bool, n int) {
	res = res[:2*n]
	if x.stride == 0 {
		x, y = y, x
	}
	if y.stride == 0 {
		c := y.at(0)
		for i := range n {
			put(res, i, div.roundDiv(x.at(i)*c, halfAway))
		}
		return
	}
	xw, yw := x.w[:2*n], y.w[:2*n]
	for i := 0; i < len(xw); i += 2 {
		r := div.roundDiv(int64(xw[i])*int64(yw[i]), halfAway)
		res[i], res[i+1] = uint64(r), uint64(r>>63)
	}
}
