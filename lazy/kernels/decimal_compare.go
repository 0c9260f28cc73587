package kernels

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DecimalCompare compares two Decimal128 operands of any scales exactly:
// the one of smaller scale is brought to the other's (a value that passes
// 128 bits on the way is larger in magnitude than any Decimal128 value).
// Nulls propagate.
func DecimalCompare(mem memory.Allocator, op CmpOp, a, b Value, n int) (arrow.Array, error) {
	sa, sb := decScale(a.Type), decScale(b.Type)
	s := max(sa, sb)
	x, y := decReader(a), decReader(b)
	validity := andValidity(mem, a, b, n)
	out := allocBitmap(mem, n)
	bits := out.Bytes()
	for i := range n {
		c := cmpScaled(x(i), s-sa, y(i), s-sb)
		bits[i>>3] |= b2u(cmpResult(op, c)) << (i & 7)
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, validity, out), nil
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
