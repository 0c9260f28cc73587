package kernels

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// LogicOp is a boolean connective.
type LogicOp int

// The connectives. And and Or use Kleene (three-valued) logic, as Polars and
// SQL do: false & null is false, true | null is true. Xor is null when either
// side is null.
const (
	And LogicOp = iota
	Or
	Xor
)

// bitsOf returns a value bitmap and a validity bitmap (nil: all valid), both
// aligned to bit 0, for a Boolean operand over n rows. The caller releases
// the returned buffers.
func bitsOf(mem memory.Allocator, v Value, n int) (vals, valid *memory.Buffer) {
	vals = allocBitmap(mem, n)
	if v.IsScalar() {
		switch s := v.Scalar.(type) {
		case bool:
			if s {
				bitutil.SetBitsTo(vals.Bytes(), 0, int64(n), true)
			}
		default:
			valid = allocBitmap(mem, n)
		}
		return vals, valid
	}
	if v.Array.DataType().ID() == arrow.NULL {
		return vals, allocBitmap(mem, n)
	}
	// An empty array may come without a value buffer.
	if d := v.Array.Data(); d.Buffers()[1] != nil {
		bitutil.CopyBitmap(d.Buffers()[1].Bytes(), d.Offset(), n, vals.Bytes(), 0)
	}
	return vals, validityOf(mem, v.Array)
}

func releaseAll(bufs ...*memory.Buffer) {
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
}

// Logic combines two Boolean operands over n rows.
func Logic(mem memory.Allocator, op LogicOp, a, b Value, n int) (arrow.Array, error) {
	av, aValid := bitsOf(mem, a, n)
	bv, bValid := bitsOf(mem, b, n)
	defer releaseAll(av, aValid, bv, bValid)
	out := allocBitmap(mem, n)
	x, y, o := av.Bytes(), bv.Bytes(), out.Bytes()
	switch op {
	case And:
		for i := range o {
			o[i] = x[i] & y[i]
		}
	case Or:
		for i := range o {
			o[i] = x[i] | y[i]
		}
	case Xor:
		for i := range o {
			o[i] = x[i] ^ y[i]
		}
	}
	var valid *memory.Buffer
	if aValid != nil || bValid != nil {
		valid = allocBitmap(mem, n)
		vo := valid.Bytes()
		full := func(b *memory.Buffer, i int) byte {
			if b == nil {
				return 0xFF
			}
			return b.Bytes()[i]
		}
		for i := range vo {
			va, vb := full(aValid, i), full(bValid, i)
			switch op {
			case And:
				// Known when both are known, or either is a known false.
				vo[i] = (va & vb) | (va &^ x[i]) | (vb &^ y[i])
			case Or:
				// Known when both are known, or either is a known true.
				vo[i] = (va & vb) | (va & x[i]) | (vb & y[i])
			case Xor:
				vo[i] = va & vb
			}
		}
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, out), nil
}

// Not negates a Boolean array; nulls stay null.
func Not(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	n := a.Len()
	if a.DataType().ID() == arrow.NULL {
		return Broadcast(mem, nil, arrow.FixedWidthTypes.Boolean, n)
	}
	vals, valid := bitsOf(mem, ArrayValue(a), n)
	b := vals.Bytes()
	for i := range b {
		b[i] = ^b[i]
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, vals), nil
}

// IsNull returns a Boolean array, true where a is null (never null itself).
// With negate it is is_not_null.
func IsNull(mem memory.Allocator, a arrow.Array, negate bool) arrow.Array {
	n := a.Len()
	out := allocBitmap(mem, n)
	switch {
	case a.DataType().ID() == arrow.NULL:
		if !negate {
			bitutil.SetBitsTo(out.Bytes(), 0, int64(n), true)
		}
	case a.NullN() == 0:
		if negate {
			bitutil.SetBitsTo(out.Bytes(), 0, int64(n), true)
		}
	default:
		bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), n, out.Bytes(), 0)
		if !negate {
			b := out.Bytes()
			for i := range b {
				b[i] = ^b[i]
			}
		}
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, nil, out)
}

// SelectionMask turns a Boolean predicate result into a plain bitmap of the
// rows to keep (null counts as false) and the number of rows kept.
func SelectionMask(mem memory.Allocator, pred Value, n int) (*memory.Buffer, int) {
	vals, valid := bitsOf(mem, pred, n)
	if valid != nil {
		b, v := vals.Bytes(), valid.Bytes()
		for i := range b {
			b[i] &= v[i]
		}
		valid.Release()
	}
	return vals, bitutil.CountSetBits(vals.Bytes(), 0, n)
}
