package kernels

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// DecimalFloats sets dst[i] to the Float64 of the i-th Decimal128 of
// words (pairs of words, as Decimal128Words gives) of the scale: the cast
// of decimals to Float64, which aggregates taking decimals as floats
// (mean) share, so that they see the same floats as the cast gives.
func DecimalFloats(dst []float64, words []uint64, scale int32) {
	words = words[:2*len(dst)]
	div := math.Pow10(int(scale))
	for i := range dst {
		lo, hi := words[2*i], int64(words[2*i+1])
		if hi == int64(lo)>>63 {
			// Fits in an int64: the common case for precision <= 18.
			dst[i] = float64(int64(lo)) / div
			continue
		}
		dst[i] = decimal128.New(hi, lo).ToFloat64(scale)
	}
}

// toDecimalExact casts integers and decimals to Decimal128 in scaled
// integers, without the rational arithmetic toDecimal uses for the other
// sources: a scale going up is exact, a scale going down rounds halves to
// even (as Polars' cast). ok is false for a source it does not handle.
func (c *caster) toDecimalExact() (arrow.Array, bool, error) {
	dt := c.to.(*arrow.Decimal128Type)
	from := c.src.DataType()
	var read func(int) sdec
	var shown func(int) string
	var k int32 // target scale minus source scale
	switch {
	case from.ID() == arrow.DECIMAL128:
		read = decReader(ArrayValue(c.src))
		sc := decScale(from)
		shown = func(i int) string { return read(i).num().ToString(sc) }
		k = dt.Scale - sc
	case core.IsSigned(from):
		read = func(i int) sdec {
			v := signedAt(c.src, i)
			if v < 0 {
				return sdec{true, u128{0, uint64(-v)}} // -MinInt64 as uint64 is its magnitude
			}
			return sdec{false, u128{0, uint64(v)}}
		}
		shown = func(i int) string { return strconv.FormatInt(signedAt(c.src, i), 10) }
		k = dt.Scale
	case core.IsUnsigned(from):
		read = func(i int) sdec { return sdec{false, u128{0, unsignedAt(c.src, i)}} }
		shown = func(i int) string { return strconv.FormatUint(unsignedAt(c.src, i), 10) }
		k = dt.Scale
	default:
		return nil, false, nil
	}
	n := c.src.Len()
	buf := core.AllocateUninit(c.mem, n*16)
	res := decSlice(buf, n)
	for i := range n {
		if c.src.IsNull(i) {
			res[i] = decimal128.Num{}
			continue
		}
		x, ok := rescale(read(i), k)
		if ok && x.fits(dt.Precision) {
			res[i] = x.num()
			continue
		}
		res[i] = decimal128.Num{}
		if err := c.reject(i, shown(i)); err != nil {
			buf.Release()
			return nil, true, err
		}
	}
	return makeArray(c.to, n, c.outValidity(), buf), true, nil
}

// rescale moves x by k decimal places: up exactly, down rounding halves
// to even; ok is false when the result passes 128 bits.
func rescale(x sdec, k int32) (sdec, bool) {
	switch {
	case k == 0:
		return x, true
	case k > 0:
		m, ok := scaleUp(x.m, k)
		return sdec{x.neg, m}, ok
	case k >= -19:
		q, _ := x.m.divRound(pow10u128[-k], false)
		return sdec{x.neg && !q.isZero(), q}, true
	}
	return sdecFromBig(bigDivRound(x.big(), pow10(int64(-k)), false))
}

// decimalToInt casts Decimal128 values to an integer type, dropping the
// fraction (toward zero, as Polars' cast; SQL rounds before it), through
// Int64: a value beyond Int64 does not fit.
func (c *caster) decimalToInt() (arrow.Array, error) {
	sc := decScale(c.src.DataType())
	read := decReader(ArrayValue(c.src))
	n := c.src.Len()
	buf, out := allocValues[int64](c.mem, n)
	for i := range n {
		out[i] = 0
		if c.src.IsNull(i) {
			continue
		}
		x := read(i)
		q, ok := truncScale(x.m, sc)
		if ok && q.hi == 0 && (q.lo <= math.MaxInt64 || x.neg && q.lo == 1<<63) {
			v := int64(q.lo)
			if x.neg {
				v = -v
			}
			out[i] = v
			continue
		}
		if err := c.reject(i, x.num().ToString(sc)); err != nil {
			buf.Release()
			return nil, err
		}
	}
	arr := makeArray(arrow.PrimitiveTypes.Int64, n, c.outValidity(), buf)
	c.validity = nil
	if c.to.ID() == arrow.INT64 {
		return arr, nil
	}
	defer arr.Release()
	return Cast(c.mem, arr, c.to, c.strict)
}

// truncScale is m / 10^k rounded toward zero.
func truncScale(m u128, k int32) (u128, bool) {
	switch {
	case k == 0:
		return m, true
	case k <= 19:
		d := pow10u128[k].lo
		qhi, r := m.hi/d, m.hi%d
		qlo, _ := bits.Div64(r, m.lo, d)
		return u128{qhi, qlo}, true
	}
	q, ok := sdecFromBig(new(big.Int).Quo(sdec{m: m}.big(), pow10(int64(k))))
	return q.m, ok
}
