package kernels

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DecimalCompare compares two Decimal128 operands of any scales exactly:
// the one of smaller scale is brought to the other's (a value that passes
// 128 bits on the way is larger in magnitude than any Decimal128 value).
// Nulls propagate.
func DecimalCompare(mem memory.Allocator, op CmpOp, a, b Value, n int) (arrow.Array, error) {
	sa, sb := decScale(a.Type), decScale(b.Type)
	s := max(sa, sb)
	xr, xs, xScalar := decOperand(a)
	yr, ys, yScalar := decOperand(b)
	fx, fy := pow64(s-sa), pow64(s-sb)
	validity := andValidity(mem, a, b, n)
	out := allocBitmap(mem, n)
	bits := out.Bytes()
	for i := range n {
		if !xScalar {
			xs = decimalAt(xr, i)
		}
		if !yScalar {
			ys = decimalAt(yr, i)
		}
		c, ok := cmp64(xs, fx, ys, fy)
		if !ok {
			c = cmpScaled(toSdec(xs), s-sa, toSdec(ys), s-sb)
		}
		bits[i>>3] |= b2u(cmpResult(op, c)) << (i & 7)
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, validity, out), nil
}

// cmp64 compares x·fx with y·fy when both fit 64 bits (fx, fy nonzero).
func cmp64(xn decimal128.Num, fx uint64, yn decimal128.Num, fy uint64) (int, bool) {
	x, y := int64(xn.LowBits()), int64(yn.LowBits())
	if fx == 0 || fy == 0 || xn.HighBits() != x>>63 || yn.HighBits() != y>>63 || x == math.MinInt64 || y == math.MinInt64 {
		return 0, false
	}
	a, ok1 := mulSmall(x, fx)
	b, ok2 := mulSmall(y, fy)
	if !ok1 || !ok2 {
		return 0, false
	}
	switch {
	case a < b:
		return -1, true
	case a > b:
		return 1, true
	}
	return 0, true
}

// cmpScaled compares x·10^kx with y·10^ky (one of kx, ky is zero).
func cmpScaled(x sdec, kx int32, y sdec, ky int32) int {
	if x.m.isZero() && y.m.isZero() {
		return 0
	}
	if x.neg != y.neg || x.m.isZero() || y.m.isZero() {
		return sign(x) - sign(y)
	}
	xm, okx := scaleUp(x.m, kx)
	ym, oky := scaleUp(y.m, ky)
	var c int
	switch {
	case !okx:
		c = 1
	case !oky:
		c = -1
	default:
		c = xm.cmp(ym)
	}
	if x.neg {
		return -c
	}
	return c
}

func sign(x sdec) int {
	switch {
	case x.m.isZero():
		return 0
	case x.neg:
		return -1
	}
	return 1
}
