package kernels

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// IntRange is the inclusive interval [Lo, Hi] of integers, empty when
// Empty is set: what a comparison of an integer column (or of a Decimal's
// unscaled integers) with a constant keeps, and what several such
// comparisons of one column ANDed together keep (their intersection).
type IntRange struct {
	Lo, Hi int64
	Empty  bool
}

// Intersect is the interval both r and o hold.
func (r IntRange) Intersect(o IntRange) IntRange {
	out := IntRange{Lo: max(r.Lo, o.Lo), Hi: min(r.Hi, o.Hi), Empty: r.Empty || o.Empty}
	out.Empty = out.Empty || out.Lo > out.Hi
	return out
}

// CmpRange is the interval of integers x for which x op c holds; ok is
// false for NotEq, which is not an interval.
func CmpRange(op CmpOp, c int64) (r IntRange, ok bool) {
	all := IntRange{Lo: math.MinInt64, Hi: math.MaxInt64}
	switch op {
	case Eq:
		return IntRange{Lo: c, Hi: c}, true
	case Lt:
		if c == math.MinInt64 {
			return IntRange{Empty: true}, true
		}
		all.Hi = c - 1
	case LtEq:
		all.Hi = c
	case Gt:
		if c == math.MaxInt64 {
			return IntRange{Empty: true}, true
		}
		all.Lo = c + 1
	case GtEq:
		all.Lo = c
	default:
		return r, false
	}
	return all, true
}

// DecimalFloatRange is the interval of unscaled values u of a Decimal of
// type t for which cast(u) op c holds, cast being the cast to Float64
// (fromDecimal: float64(u)/10^scale for precision at most 18, a
// non-decreasing function of u). The bounds are found by bisecting that
// very function, so the interval keeps exactly the rows casting and
// comparing keeps. ok is false for NotEq, a NaN c, or precision above 18.
func DecimalFloatRange(t *arrow.Decimal128Type, op CmpOp, c float64) (r IntRange, ok bool) {
	if t.Precision > 18 || math.IsNaN(c) || op == NotEq {
		return r, false
	}
	div := math.Pow10(int(t.Scale))
	// Unscaled values of precision <= 18 lie in [-limit, limit].
	const limit = int64(999_999_999_999_999_999)
	// first returns the least u in [-limit, limit+1] whose cast is above
	// c (or at least c), limit+1 when none is.
	first := func(strict bool) int64 {
		lo, hi := -limit, limit+1
		for lo < hi {
			mid := lo + (hi-lo)/2
			if f := float64(mid) / div; f > c || (!strict && f == c) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return lo
	}
	ge, gt := first(false), first(true) // cast < c <=> u < ge; cast <= c <=> u < gt
	switch op {
	case Lt:
		r = IntRange{Lo: -limit, Hi: ge - 1}
	case LtEq:
		r = IntRange{Lo: -limit, Hi: gt - 1}
	case Gt:
		r = IntRange{Lo: gt, Hi: limit}
	case GtEq:
		r = IntRange{Lo: ge, Hi: limit}
	case Eq:
		r = IntRange{Lo: ge, Hi: gt - 1}
	}
	r.Empty = r.Lo > r.Hi
	return r, true
}

// CompareDecimalAsFloat compares a Decimal128 array cast to Float64 with a
// Float64 constant c, cast(dec) op c, on the unscaled integers without
// casting (see DecimalFloatRange); the result is null where dec is null.
// TPC-H's `l_quantity < 24` on a Decimal column is this comparison. ok is
// false when this path does not apply: the caller casts and compares.
func CompareDecimalAsFloat(mem memory.Allocator, op CmpOp, dec arrow.Array, c float64) (out arrow.Array, ok bool) {
	t, isDec := dec.DataType().(*arrow.Decimal128Type)
	if !isDec {
		return nil, false
	}
	negate := op == NotEq
	if negate {
		op = Eq
	}
	r, ok := DecimalFloatRange(t, op, c)
	if !ok {
		return nil, false
	}
	return inRange(mem, dec, r, negate)
}

// InRange gives, for each row of an integer, date, timestamp or Decimal128
// (precision at most 18) array, whether its value (a Decimal's unscaled
// integer) lies in r, null where the row is null: several comparisons of
// one column with constants in one pass. ok is false for other types.
func InRange(mem memory.Allocator, a arrow.Array, r IntRange) (arrow.Array, bool) {
	return inRange(mem, a, r, false)
}

func inRange(mem memory.Allocator, a arrow.Array, r IntRange, negate bool) (arrow.Array, bool) {
	n := a.Len()
	bits := allocBitmap(mem, n)
	b := bits.Bytes()
	// One unsigned comparison tests both bounds: u-lo <= hi-lo in
	// arithmetic modulo 2^64 holds exactly when lo <= u <= hi.
	lo, width := uint64(r.Lo), uint64(r.Hi)-uint64(r.Lo)
	ok := true
	switch {
	case a.DataType().ID() == arrow.DECIMAL128 && a.DataType().(*arrow.Decimal128Type).Precision <= 18:
		// (Also when r is empty: the pass checks every value fits an int64.)
		ok = inRange128(values128(a), lo, width, negate, b)
		if ok && r.Empty {
			clear(b)
			if negate {
				setAll(b, n)
			}
		}
	case r.Empty:
		if negate {
			setAll(b, n)
		}
	case a.DataType().ID() == arrow.INT32 || a.DataType().ID() == arrow.DATE32:
		inRangeInt(values[int32](a), lo, width, negate, b)
	case a.DataType().ID() == arrow.INT64 || a.DataType().ID() == arrow.TIMESTAMP || a.DataType().ID() == arrow.DATE64:
		inRangeInt(values[int64](a), lo, width, negate, b)
	default:
		ok = false
	}
	if !ok {
		bits.Release()
		return nil, false
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, validityOf(mem, a), bits), true
}

func setAll(bits []byte, n int) {
	for i := range n {
		bits[i>>3] |= 1 << (i & 7)
	}
}

func inRangeInt[T int32 | int64](vals []T, lo, width uint64, negate bool, bits []byte) {
	n := len(vals)
	flip := byte(0)
	if negate {
		flip = 0xff
	}
	full := n &^ 7
	for i := 0; i < full; i += 8 {
		var b byte
		for j, u := range vals[i : i+8 : i+8] {
			b |= b2u(uint64(int64(u))-lo <= width) << j
		}
		bits[i>>3] = b ^ flip
	}
	for i := full; i < n; i++ {
		bits[i>>3] |= b2u((uint64(int64(vals[i]))-lo <= width) != negate) << (i & 7)
	}
}

// inRange128 is inRangeInt over the low words of Decimal128 values (raw
// holds two words per value). It returns false when some value (a null
// slot's, or data beyond its declared precision) does not fit an int64,
// which the cast converts another way.
func inRange128(raw []uint64, lo, width uint64, negate bool, bits []byte) bool {
	n := len(raw) / 2
	flip := byte(0)
	if negate {
		flip = 0xff
	}
	var wide uint64 // nonzero once a high word is not the low word's sign
	full := n &^ 7
	for i := 0; i < full; i += 8 {
		w := raw[2*i : 2*i+16 : 2*i+16]
		var b byte
		for j := range 8 {
			u := w[2*j]
			wide |= w[2*j+1] ^ uint64(int64(u)>>63)
			b |= b2u(u-lo <= width) << j
		}
		bits[i>>3] = b ^ flip
	}
	for i := full; i < n; i++ {
		u := raw[2*i]
		wide |= raw[2*i+1] ^ uint64(int64(u)>>63)
		bits[i>>3] |= b2u((u-lo <= width) != negate) << (i & 7)
	}
	return wide == 0
}
