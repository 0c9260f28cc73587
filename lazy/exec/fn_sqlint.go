package exec

import (
	"math/bits"
	"strconv"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MySQL's checked integer arithmetic (lazy.SQLIntArith). Each operand is an
// Int64 or a Uint64 (the plan casts them); the exact result is formed in 128
// bits and must fit the output type.
func init() {
	registerEval(lazy.SQLIntArith, func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		op := lazy.OptString(c.Opts, "op", "")
		x, y, err := materializePair(mem, args, n)
		if err != nil {
			return nil, err
		}
		defer x.Release()
		defer y.Release()
		ax, ay := wide128(x), wide128(y)
		unsigned := core.IsUnsigned(c.Type)
		b := array.NewBuilder(mem, c.Type)
		defer b.Release()
		b.Reserve(n)
		for i := range n {
			if x.IsNull(i) || y.IsNull(i) {
				b.AppendNull()
				continue
			}
			hi, lo, ok := arith128(op, ax(i), ay(i))
			switch {
			case ok && unsigned && hi == 0:
				b.(*array.Uint64Builder).UnsafeAppend(lo)
			case ok && !unsigned && hi == int64(lo)>>63:
				b.(*array.Int64Builder).UnsafeAppend(int64(lo))
			default:
				name := "BIGINT"
				if unsigned {
					name = "BIGINT UNSIGNED"
				}
				sym := map[string]string{"add": "+", "sub": "-", "mul": "*"}[op]
				return nil, core.Errorf(core.KindCompute,
					"%s value is out of range: %s %s %s; CAST an operand AS DOUBLE or DECIMAL to compute beyond 64 bits",
					name, valueText(x, i), sym, valueText(y, i))
			}
		}
		return b.NewArray(), nil
	})
}

// int128 is a two's-complement 128-bit integer.
type int128 struct {
	hi int64
	lo uint64
}

// wide128 reads an Int64 or Uint64 array's values as 128-bit integers.
func wide128(a arrow.Array) func(int) int128 {
	if core.IsUnsigned(a.DataType()) {
		v := kernels.Values[uint64](a)
		return func(i int) int128 { return int128{0, v[i]} }
	}
	v := kernels.Values[int64](a)
	return func(i int) int128 { return int128{v[i] >> 63, uint64(v[i])} }
}

// arith128 computes a op b for operands that fit 65 bits; ok is false when
// a product's magnitude passes 2^64 (out of range for any output).
func arith128(op string, a, b int128) (hi int64, lo uint64, ok bool) {
	switch op {
	case "add":
		lo, carry := bits.Add64(a.lo, b.lo, 0)
		return a.hi + b.hi + int64(carry), lo, true
	case "sub":
		lo, borrow := bits.Sub64(a.lo, b.lo, 0)
		return a.hi - b.hi - int64(borrow), lo, true
	}
	ma, na := magnitude(a)
	mb, nb := magnitude(b)
	h, l := bits.Mul64(ma, mb)
	if h != 0 {
		return 0, 0, false
	}
	if na != nb && l != 0 {
		// Negate: two's complement of the 128-bit magnitude.
		return -1, -l, true
	}
	return 0, l, true
}

// magnitude is |v| and whether v is negative (|v| < 2^64 for 65-bit values).
func magnitude(v int128) (uint64, bool) {
	if v.hi < 0 {
		return -v.lo, true
	}
	return v.lo, false
}

// valueText prints row i of an integer array for an error message.
func valueText(a arrow.Array, i int) string {
	if core.IsUnsigned(a.DataType()) {
		return strconv.FormatUint(kernels.Values[uint64](a)[i], 10)
	}
	return strconv.FormatInt(kernels.Values[int64](a)[i], 10)
}
