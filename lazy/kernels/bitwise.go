package kernels

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Bitwise applies and/or/xor bit by bit to two integer operands of the same
// type (Polars' & | ^ on integers); null where either side is null.
func Bitwise(mem memory.Allocator, op LogicOp, a, b Value, n int) (arrow.Array, error) {
	if a.IsScalar() && b.IsScalar() {
		arr, err := a.Materialize(mem, n)
		if err != nil {
			return nil, err
		}
		defer arr.Release()
		a = ArrayValue(arr)
	}
	switch a.Type.ID() {
	case arrow.INT8:
		return bitwise[int8](mem, op, a, b, n), nil
	case arrow.INT16:
		return bitwise[int16](mem, op, a, b, n), nil
	case arrow.INT32:
		return bitwise[int32](mem, op, a, b, n), nil
	case arrow.INT64:
		return bitwise[int64](mem, op, a, b, n), nil
	case arrow.UINT8:
		return bitwise[uint8](mem, op, a, b, n), nil
	case arrow.UINT16:
		return bitwise[uint16](mem, op, a, b, n), nil
	case arrow.UINT32:
		return bitwise[uint32](mem, op, a, b, n), nil
	case arrow.UINT64:
		return bitwise[uint64](mem, op, a, b, n), nil
	}
	return nil, typeErr("bitwise logic", a.Type)
}

func bitwise[T Int](mem memory.Allocator, op LogicOp, a, b Value, n int) arrow.Array {
	validity := andValidity(mem, a, b, n)
	buf, out := allocValues[T](mem, n)
	av, bv, as, bs := operands[T](a, b)
	at := func(v []T, s T, i int) T {
		if v != nil {
			return v[i]
		}
		return s
	}
	for i := range out {
		x, y := at(av, as, i), at(bv, bs, i)
		switch op {
		case And:
			out[i] = x & y
		case Or:
			out[i] = x | y
		default:
			out[i] = x ^ y
		}
	}
	return makeArray(a.Type, n, validity, buf)
}

// BitNot flips every bit of an integer array.
func BitNot(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	switch a.DataType().ID() {
	case arrow.INT8:
		return bitNot[int8](mem, a), nil
	case arrow.INT16:
		return bitNot[int16](mem, a), nil
	case arrow.INT32:
		return bitNot[int32](mem, a), nil
	case arrow.INT64:
		return bitNot[int64](mem, a), nil
	case arrow.UINT8:
		return bitNot[uint8](mem, a), nil
	case arrow.UINT16:
		return bitNot[uint16](mem, a), nil
	case arrow.UINT32:
		return bitNot[uint32](mem, a), nil
	case arrow.UINT64:
		return bitNot[uint64](mem, a), nil
	}
	return nil, typeErr("bitwise not", a.DataType())
}

func bitNot[T Int](mem memory.Allocator, a arrow.Array) arrow.Array {
	src := values[T](a)
	buf, out := allocValues[T](mem, len(src))
	for i, x := range src {
		out[i] = ^x
	}
	return makeArray(a.DataType(), len(src), validityOf(mem, a), buf)
}

// CompareMixed compares an Int64 operand with a UInt64 one exactly (no
// 64-bit type holds both ranges). Either side may be the signed one.
func CompareMixed(mem memory.Allocator, op CmpOp, a, b Value, n int) (arrow.Array, error) {
	if a.Type.ID() == arrow.UINT64 {
		a, b, op = b, a, op.Flip()
	}
	if a.Type.ID() != arrow.INT64 || b.Type.ID() != arrow.UINT64 {
		return nil, core.Errorf(core.KindInternal, "CompareMixed needs Int64 and UInt64, got %s and %s",
			core.DTypeName(a.Type), core.DTypeName(b.Type))
	}
	if a.IsScalar() && b.IsScalar() {
		arr, err := a.Materialize(mem, n)
		if err != nil {
			return nil, err
		}
		defer arr.Release()
		a = ArrayValue(arr)
	}
	validity := andValidity(mem, a, b, n)
	out := allocBitmap(mem, n)
	bits := out.Bytes()
	av, _, as, _ := operands[int64](a, a)
	_, bv, _, bs := operands[uint64](b, b)
	for i := range n {
		x, y := as, bs
		if av != nil {
			x = av[i]
		}
		if bv != nil {
			y = bv[i]
		}
		c := 0 // sign of x - y
		switch {
		case x < 0 || uint64(x) < y:
			c = -1
		case uint64(x) > y:
			c = 1
		}
		bits[i>>3] |= b2u(cmpResult(op, c)) << (i & 7)
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, validity, out), nil
}
