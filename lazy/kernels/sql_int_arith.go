package kernels

import (
	"math/bits"
	"strconv"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SQLIntArith is MySQL's checked integer arithmetic: x op y ("add", "sub"
// or "mul") over n rows, each operand an Int64 or a Uint64, the result of
// type out (Int64, or Uint64 when an operand is unsigned). The exact result
// is formed in 128 bits and must fit out; one that does not is an error
// naming the values.
func SQLIntArith(mem memory.Allocator, out arrow.DataType, op string, xv, yv Value, n int) (arrow.Array, error) {
	x, y, err := materializePair(mem, xv, yv, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	defer y.Release()
	ax, ay := sqlIntWide(x), sqlIntWide(y)
	unsigned := core.IsUnsigned(out)
	b := array.NewBuilder(mem, out)
	defer b.Release()
	b.Reserve(n)
	for i := range n {
		if x.IsNull(i) || y.IsNull(i) {
			b.AppendNull()
			continue
		}
		hi, lo, ok := sqlIntOp(op, ax(i), ay(i))
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
				name, sqlIntText(x, i), sym, sqlIntText(y, i))
		}
	}
	return b.NewArray(), nil
}

// sqlInt is a two's-complement 128-bit integer.
type sqlInt struct {
	hi int64
	lo uint64
}

// sqlIntWide reads an Int64 or Uint64 array's values as 128-bit integers.
func sqlIntWide(a arrow.Array) func(int) sqlInt {
	if core.IsUnsigned(a.DataType()) {
		v := values[uint64](a)
		return func(i int) sqlInt { return sqlInt{0, v[i]} }
	}
	v := values[int64](a)
	return func(i int) sqlInt { return sqlInt{v[i] >> 63, uint64(v[i])} }
}

// sqlIntOp computes a op b for operands that fit 65 bits; ok is false when
// a product's magnitude passes 2^64 (out of range for any output).
func sqlIntOp(op string, a, b sqlInt) (hi int64, lo uint64, ok bool) {
	switch op {
	case "add":
		lo, carry := bits.Add64(a.lo, b.lo, 0)
		return a.hi + b.hi + int64(carry), lo, true
	case "sub":
		lo, borrow := bits.Sub64(a.lo, b.lo, 0)
		return a.hi - b.hi - int64(borrow), lo, true
	}
	ma, na := sqlIntMagnitude(a)
	mb, nb := sqlIntMagnitude(b)
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

// sqlIntMagnitude is |v| and whether v is negative (|v| < 2^64 for 65-bit
// values).
func sqlIntMagnitude(v sqlInt) (uint64, bool) {
	if v.hi < 0 {
		return -v.lo, true
	}
	return v.lo, false
}

// sqlIntText prints row i of an integer array for an error message.
func sqlIntText(a arrow.Array, i int) string {
	if core.IsUnsigned(a.DataType()) {
		return strconv.FormatUint(values[uint64](a)[i], 10)
	}
	return strconv.FormatInt(values[int64](a)[i], 10)
}
