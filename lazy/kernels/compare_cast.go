package kernels

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// CompareDecimalAsFloat compares a Decimal128 array cast to Float64 with a
// Float64 constant c, op applied as cast(dec) op c, without casting: the
// cast of a decimal of precision at most 18 is float64(unscaled)/10^scale
// (fromDecimal), a non-decreasing function of the unscaled integer, so the
// rows where it is below (or at most) c are those whose unscaled value is
// below one threshold, found once by bisection over that very function.
// The result, null where dec is null, is exactly what casting and comparing
// gives (TPC-H's `l_quantity < 24` on a Decimal column is this comparison).
// ok is false when this path does not apply (precision above 18, c NaN):
// the caller then casts and compares.
func CompareDecimalAsFloat(mem memory.Allocator, op CmpOp, dec arrow.Array, c float64) (out arrow.Array, ok bool) {
	t, isDec := dec.DataType().(*arrow.Decimal128Type)
	if !isDec || t.Precision > 18 || math.IsNaN(c) {
		return nil, false
	}
	div := math.Pow10(int(t.Scale))
	asFloat := func(u int64) float64 { return float64(u) / div }
	// Unscaled values of precision <= 18 lie in [-limit, limit].
	const limit = int64(999_999_999_999_999_999)
	// first returns the least u in [-limit, limit+1] for which above(u)
	// holds (limit+1 when none does); above must be monotone.
	first := func(above func(float64) bool) int64 {
		lo, hi := -limit, limit+1
		for lo < hi {
			mid := lo + (hi-lo)/2
			if above(asFloat(mid)) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return lo
	}
	ge := first(func(f float64) bool { return f >= c }) // cast < c  <=> u < ge
	gt := first(func(f float64) bool { return f > c })  // cast <= c <=> u < gt
	// Every comparison is u in [lo, hi), or its complement.
	var lo, hi int64
	negate := false
	switch op {
	case Lt:
		lo, hi = -limit, ge
	case LtEq:
		lo, hi = -limit, gt
	case Gt:
		lo, hi = gt, limit+1
	case GtEq:
		lo, hi = ge, limit+1
	case Eq:
		lo, hi = ge, gt
	case NotEq:
		lo, hi, negate = ge, gt, true
	default:
		return nil, false
	}
	n := dec.Len()
	bits := allocBitmap(mem, n)
	if !inRange128(values128(dec), lo, hi, negate, bits.Bytes()) {
		bits.Release()
		return nil, false
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, validityOf(mem, dec), bits), true
}

// inRange128 sets bit i of bits where the low word of Decimal128 value i
// (raw holds two words per value), read as an int64, lies in [lo, hi)
// (outside it when negate). One unsigned comparison tests both bounds:
// hi-lo and u-lo stay below 2^63 for precision <= 18. It returns false when
// some value (a null slot's, or data beyond its declared precision) does
// not fit an int64, which the cast converts another way.
func inRange128(raw []uint64, lo, hi int64, negate bool, bits []byte) bool {
	n := len(raw) / 2
	width := uint64(hi - lo)
	if hi < lo {
		width = 0
	}
	flip := byte(0)
	if negate {
		flip = 0xff
	}
	var wide uint64 // nonzero once a high word is not the low word's sign
	full := n &^ 7
	for i := 0; i < full; i += 8 {
		w := raw[2*i : 2*i+16]
		var b byte
		for j := range 8 {
			u := int64(w[2*j])
			wide |= w[2*j+1] ^ uint64(u>>63)
			b |= b2u(uint64(u-lo) < width) << j
		}
		bits[i>>3] = b ^ flip
	}
	for i := full; i < n; i++ {
		u := int64(raw[2*i])
		wide |= raw[2*i+1] ^ uint64(u>>63)
		bits[i>>3] |= b2u((uint64(u-lo) < width) != negate) << (i & 7)
	}
	return wide == 0
}
