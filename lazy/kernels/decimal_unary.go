package kernels

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// decimalMap applies f to every valid value of a Decimal128 array, giving
// an array of type out (the same scale: negation, abs and rounding keep the
// scale). f reports false when its result does not fit out; the error
// then names the value.
func decimalMap(mem memory.Allocator, a arrow.Array, out *arrow.Decimal128Type, what string, f func(sdecValue) (sdecValue, bool)) (arrow.Array, error) {
	n := a.Len()
	read := decReader(ArrayValue(a))
	buf := core.AllocateUninit(mem, n*16)
	res := decSlice(buf, n)
	scale := decScale(a.DataType())
	for i := range n {
		if a.IsNull(i) {
			res[i] = decimal128.Num{}
			continue
		}
		r, ok := f(sdecValue(read(i)))
		if !ok || !sdec(r).fits(out.Precision) {
			buf.Release()
			return nil, core.Errorf(core.KindCompute, "overflow in decimal %s: the result for %s does not fit %s",
				what, a.(*array.Decimal128).Value(i).ToString(scale), core.DTypeName(out))
		}
		res[i] = sdec(r).num()
	}
	return makeArray(out, n, validityOf(mem, a), buf), nil
}

// sdecValue is a decimal's scaled integer, as decimalMap's functions see it.
type sdecValue sdec

// DecimalNegate is -x, in x's type.
func DecimalNegate(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	return decimalMap(mem, a, a.DataType().(*arrow.Decimal128Type), "negation", func(x sdecValue) (sdecValue, bool) {
		x.neg = !x.neg && !x.m.isZero()
		return x, true
	})
}

// DecimalAbs is |x|, in x's type.
func DecimalAbs(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	return decimalMap(mem, a, a.DataType().(*arrow.Decimal128Type), "abs", func(x sdecValue) (sdecValue, bool) {
		x.neg = false
		return x, true
	})
}

// DecimalRound rounds x to decimals digits after the point, keeping x's
// scale (as Polars: 1.25 round(1) is 1.20 of the same scale), halves to
// even or away from zero; out is x's type with room for one more digit.
func DecimalRound(mem memory.Allocator, a arrow.Array, decimals int32, halfAway bool, out *arrow.Decimal128Type) (arrow.Array, error) {
	k := decScale(a.DataType()) - decimals
	if k <= 0 {
		return decimalMap(mem, a, out, "round", func(x sdecValue) (sdecValue, bool) { return x, true })
	}
	return decimalMap(mem, a, out, "round", func(x sdecValue) (sdecValue, bool) {
		if k > 38 {
			return sdecValue{}, true // every value rounds to zero: |x| < 10^38
		}
		d := pow10u128[k]
		var q u128
		if k <= 19 {
			q, _ = x.m.divRound(d, halfAway)
		} else {
			r, ok := sdecFromBig(bigDivRound(sdec{m: x.m}.big(), pow10(int64(k)), halfAway))
			if !ok {
				return x, false
			}
			q = r.m
		}
		m, ok := q.mul(d)
		return sdecValue{x.neg && !m.isZero(), m}, ok
	})
}
