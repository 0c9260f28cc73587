package kernels

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// IfElse picks, row by row, a where the bit of mask is set and b elsewhere
// (mask is a plain bitmap of n bits from bit 0). a and b have type t.
func IfElse(mem memory.Allocator, mask []byte, a, b Value, t arrow.DataType, n int) (arrow.Array, error) {
	aa, err := a.Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	defer aa.Release()
	bb, err := b.Materialize(mem, n)
	if err != nil {
		return nil, err
	}
	defer bb.Release()
	if t.ID() == arrow.NULL {
		return array.NewNull(n), nil
	}
	// Validity: from a where the mask is set, from b elsewhere.
	var validity *memory.Buffer
	if aa.NullN() > 0 || bb.NullN() > 0 {
		validity = allocBitmap(mem, n)
		vb := validity.Bytes()
		for i := range n {
			src := bb
			if bitutil.BitIsSet(mask, i) {
				src = aa
			}
			if src.IsValid(i) {
				bitutil.SetBit(vb, i)
			}
		}
	}
	switch {
	case t.ID() == arrow.BOOL:
		out := allocBitmap(mem, n)
		ob := out.Bytes()
		x, y := aa.(*array.Boolean), bb.(*array.Boolean)
		for i := range n {
			v := y.Value(i)
			if bitutil.BitIsSet(mask, i) {
				v = x.Value(i)
			}
			if v {
				bitutil.SetBit(ob, i)
			}
		}
		return makeArray(t, n, validity, out), nil
	case core.IsString(t):
		releaseAll(validity)
		at, bt := StringAt(aa), StringAt(bb)
		bld := array.NewStringBuilder(mem)
		defer bld.Release()
		bld.Reserve(n)
		for i := range n {
			src, get := bb, bt
			if bitutil.BitIsSet(mask, i) {
				src, get = aa, at
			}
			if src.IsNull(i) {
				bld.AppendNull()
			} else {
				bld.Append(get(i))
			}
		}
		return bld.NewArray(), nil
	}
	if fw, ok := t.(arrow.FixedWidthDataType); ok {
		switch fw.BitWidth() {
		case 8:
			return ifElseFixed[uint8](mem, mask, aa, bb, t, n, validity), nil
		case 16:
			return ifElseFixed[uint16](mem, mask, aa, bb, t, n, validity), nil
		case 32:
			return ifElseFixed[uint32](mem, mask, aa, bb, t, n, validity), nil
		case 64:
			return ifElseFixed[uint64](mem, mask, aa, bb, t, n, validity), nil
		case 128:
			return ifElse128(mem, mask, aa, bb, t, n, validity), nil
		}
	}
	releaseAll(validity)
	return nil, typeErr("conditional selection", t)
}

func ifElseFixed[T Num](mem memory.Allocator, mask []byte, a, b arrow.Array, t arrow.DataType, n int, validity *memory.Buffer) arrow.Array {
	av, bv := values[T](a), values[T](b)
	buf, out := allocValues[T](mem, n)
	for i := range out {
		if mask[i>>3]&(1<<(i&7)) != 0 {
			out[i] = av[i]
		} else {
			out[i] = bv[i]
		}
	}
	return makeArray(t, n, validity, buf)
}

// ValidMask returns a bitmap of the rows where v is not null.
func ValidMask(mem memory.Allocator, v Value, n int) *memory.Buffer {
	out := allocBitmap(mem, n)
	switch {
	case v.IsScalar():
		if v.Scalar != nil {
			bitutil.SetBitsTo(out.Bytes(), 0, int64(n), true)
		}
	case v.Array.DataType().ID() == arrow.NULL:
	case v.Array.NullN() == 0:
		bitutil.SetBitsTo(out.Bytes(), 0, int64(n), true)
	default:
		bitutil.CopyBitmap(v.Array.NullBitmapBytes(), v.Array.Data().Offset(), n, out.Bytes(), 0)
	}
	return out
}
