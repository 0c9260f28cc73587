package kernels

import (
	"math"
	"math/big"
	"strconv"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// toDecimal converts numbers, strings and decimals to Decimal128(p, s),
// exactly: each value is read as the exact number it shows (a float by its
// shortest text: 3.65 is 3.65, not 3.6499…), rounded to the scale with
// halves to even, as Polars' cast does (3.75 → 3.8, 3.65 → 3.6, -0.05 →
// 0.0 at scale 1), and must fit the precision. SQL's CAST rounds halves away
// from zero before it (sqlexec).
func (c *caster) toDecimal() (arrow.Array, error) {
	if out, ok, err := c.toDecimalExact(); ok {
		return out, err
	}
	dt := c.to.(*arrow.Decimal128Type)
	from := c.src.DataType()
	var at func(i int) (*big.Rat, string)
	switch {
	case core.IsSigned(from):
		at = func(i int) (*big.Rat, string) {
			v := signedAt(c.src, i)
			return new(big.Rat).SetInt64(v), strconv.FormatInt(v, 10)
		}
	case core.IsUnsigned(from):
		at = func(i int) (*big.Rat, string) {
			v := unsignedAt(c.src, i)
			return new(big.Rat).SetFrac(new(big.Int).SetUint64(v), big.NewInt(1)), strconv.FormatUint(v, 10)
		}
	case core.IsFloat(from):
		f := func(i int) float64 { return c.src.(*array.Float64).Value(i) }
		if from.ID() == arrow.FLOAT32 {
			f = func(i int) float64 { return float64(c.src.(*array.Float32).Value(i)) }
		}
		bits := 64
		if from.ID() == arrow.FLOAT32 {
			bits = 32
		}
		at = func(i int) (*big.Rat, string) {
			v := f(i)
			s := strconv.FormatFloat(v, 'g', -1, bits)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, s
			}
			r, _ := new(big.Rat).SetString(s)
			return r, s
		}
	case from.ID() == arrow.DECIMAL128:
		d := c.src.(*array.Decimal128)
		scale := d.DataType().(*arrow.Decimal128Type).Scale
		at = func(i int) (*big.Rat, string) {
			v := d.Value(i)
			return new(big.Rat).SetFrac(v.BigInt(), pow10(int64(scale))), v.ToString(scale)
		}
	case core.IsString(from):
		str := StringAt(c.src)
		at = func(i int) (*big.Rat, string) {
			s := str(i)
			r, ok := new(big.Rat).SetString(s)
			if !ok {
				return nil, strconv.Quote(s)
			}
			return r, strconv.Quote(s)
		}
	default:
		return nil, core.Errorf(core.KindNotSupported, "casting %s to %s is not supported",
			core.DTypeName(from), core.DTypeName(c.to))
	}
	b := array.NewDecimal128Builder(c.mem, dt)
	defer b.Release()
	n := c.src.Len()
	b.Reserve(n)
	for i := range n {
		if c.src.IsNull(i) {
			b.AppendNull()
			continue
		}
		r, shown := at(i)
		if r != nil {
			if v, ok := RatToDecimal(r, dt, false); ok {
				b.UnsafeAppend(v)
				continue
			}
		}
		if c.strict {
			return nil, c.reject(i, shown) // the error; a non-strict reject would allocate a validity unused here
		}
		b.AppendNull()
	}
	return b.NewArray(), nil
}

// RatToDecimal rounds r to t's scale, halves away from zero (halfAway) or
// to even, and reports whether the result fits t's precision.
func RatToDecimal(r *big.Rat, t *arrow.Decimal128Type, halfAway bool) (decimal128.Num, bool) {
	x := new(big.Rat).Mul(r, new(big.Rat).SetInt(pow10(int64(t.Scale))))
	q, m := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	if c := twice.Cmp(x.Denom()); c > 0 || c == 0 && (halfAway || q.Bit(0) == 1) {
		q.Add(q, big.NewInt(int64(x.Sign())))
	}
	if q.BitLen() > 126 {
		return decimal128.Num{}, false
	}
	n := decimal128.FromBigInt(q)
	return n, n.FitsInPrecision(t.Precision)
}

func pow10(e int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(e), nil) }
