package kernels

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// DecimalCmpRange is the interval of unscaled values u of a Decimal of
// type t for which u/10^t.Scale op c/10^cScale holds, exactly: a Decimal
// column compared with a Decimal constant of any scale (Q6's `l_quantity
// < 24`, the integer cast to a Decimal) then tests its unscaled integers
// against one interval (InRange) instead of comparing 128-bit values row
// by row. ok is false for NotEq, or when the constant at the column's
// scale does not fit an int64.
func DecimalCmpRange(t *arrow.Decimal128Type, op CmpOp, c decimal128.Num, cScale int32) (r IntRange, ok bool) {
	v := int64(c.LowBits())
	if c.HighBits() != v>>63 || op == NotEq {
		return r, false
	}
	if k := t.Scale - cScale; k >= 0 {
		// The constant at the column's scale is an integer.
		f := pow64(k)
		if f == 0 {
			return r, false
		}
		cu, fits := mulSmall(v, f)
		if !fits {
			return r, false
		}
		return CmpRange(op, cu)
	}
	// u·10^k op c with k = cScale - t.Scale > 0: compare u with c/10^k
	// rounded down (floor) or up (ceil).
	f := pow64(cScale - t.Scale)
	if f == 0 || f > math.MaxInt64 {
		return r, false
	}
	q, rem := v/int64(f), v%int64(f)
	floor, ceil := q, q
	if rem < 0 {
		floor--
	} else if rem > 0 {
		ceil++
	}
	switch op {
	case Eq:
		if rem != 0 {
			return IntRange{Empty: true}, true
		}
		return CmpRange(Eq, q)
	case Lt: // u < c/10^k <=> u < ceil
		return CmpRange(Lt, ceil)
	case LtEq: // u <= floor
		return CmpRange(LtEq, floor)
	case Gt: // u > floor
		return CmpRange(Gt, floor)
	case GtEq: // u >= ceil
		return CmpRange(GtEq, ceil)
	}
	return r, false
}
