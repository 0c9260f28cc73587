// Package kernels holds the typed, vectorized functions the executor applies
// to Arrow arrays: arithmetic (exact decimal arithmetic in int64/int128
// included), comparison, boolean logic, casts, selection and gathers,
// strings (case, patterns, graphemes, parsing and formatting of times),
// lists and dictionaries. Every kernel works on whole arrays (or an array and a scalar)
// and dispatches on the type once per call, never per value. Output buffers
// come from the allocator passed in, so results can cross the C boundary.
package kernels

import (
	"fmt"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Value is an evaluated expression: a column (Array set) or one scalar
// broadcast over every row (Array nil; Scalar nil means null). Scalars hold
// the same Go types as lazy.Literal: bool, int64, uint64, float64, string.
type Value struct {
	Array  arrow.Array
	Scalar any
	Type   arrow.DataType
}

// ArrayValue wraps an array; the Value takes over the caller's reference.
func ArrayValue(a arrow.Array) Value { return Value{Array: a, Type: a.DataType()} }

// ScalarValue wraps a scalar of type t.
func ScalarValue(v any, t arrow.DataType) Value { return Value{Scalar: v, Type: t} }

// IsScalar reports whether v is a broadcast scalar.
func (v Value) IsScalar() bool { return v.Array == nil }

// Release drops the Value's reference to its array, if any.
func (v Value) Release() {
	if v.Array != nil {
		v.Array.Release()
	}
}

// Materialize returns v as an array of n rows (the caller owns the reference).
func (v Value) Materialize(mem memory.Allocator, n int) (arrow.Array, error) {
	if v.Array != nil {
		v.Array.Retain()
		return v.Array, nil
	}
	return Broadcast(mem, v.Scalar, v.Type, n)
}

// Num is the set of Go types that back Arrow's numeric arrays.
type Num interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// Int is the set of integer Go types.
type Int interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Float is the set of floating point Go types.
type Float interface{ ~float32 | ~float64 }

// Values returns the typed values of a fixed-width primitive array (T must
// match its layout), honouring its offset. The slice aliases a's buffer.
func Values[T Num](a arrow.Array) []T { return values[T](a) }

// values returns the typed values of a fixed-width primitive array, honouring its offset.
func values[T Num](a arrow.Array) []T {
	d := a.Data()
	buf := d.Buffers()[1]
	if buf == nil || buf.Len() == 0 {
		return nil
	}
	b := buf.Bytes()
	all := unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/int(unsafe.Sizeof(*new(T))))
	return all[d.Offset() : d.Offset()+d.Len()]
}

// allocValues allocates a buffer for n values of T; the caller owns the buffer.
func allocValues[T Num](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	size := n * int(unsafe.Sizeof(*new(T)))
	buf := core.AllocateUninit(mem, size)
	if n == 0 {
		return buf, nil
	}
	b := buf.Bytes()
	return buf, unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

// allocWritten is allocValues for a kernel that writes all n values, null
// slots included, so that even the executor's working memory need not be
// cleared first (core.AllocateWritten).
func allocWritten[T Num](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	size := n * int(unsafe.Sizeof(*new(T)))
	buf := core.AllocateWritten(mem, size)
	if n == 0 {
		return buf, nil
	}
	b := buf.Bytes()
	return buf, unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

// allocBitmap allocates a zeroed bitmap of n bits.
func allocBitmap(mem memory.Allocator, n int) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	b := buf.Bytes()
	clear(b)
	return buf
}

// makeArray assembles an array from buffers, releasing the caller's
// references to them. A validity buffer with no nulls is dropped.
func makeArray(t arrow.DataType, n int, validity *memory.Buffer, bufs ...*memory.Buffer) arrow.Array {
	nulls := 0
	if validity != nil {
		nulls = n - bitutil.CountSetBits(validity.Bytes(), 0, n)
		if nulls == 0 {
			validity.Release()
			validity = nil
		}
	}
	all := append([]*memory.Buffer{validity}, bufs...)
	data := array.NewData(t, n, all, nil, nulls, 0)
	for _, b := range all {
		if b != nil {
			b.Release()
		}
	}
	defer data.Release()
	return array.MakeFromData(data)
}

// validityOf returns a bitmap for a's validity aligned to bit 0 (nil when a
// has no nulls). The caller owns it.
func validityOf(mem memory.Allocator, a arrow.Array) *memory.Buffer {
	if a.NullN() == 0 {
		return nil
	}
	n := a.Len()
	out := allocBitmap(mem, n)
	if a.DataType().ID() == arrow.NULL {
		return out
	}
	bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), n, out.Bytes(), 0)
	return out
}

// andValidity combines the validity of two operands (arrays or scalars) into
// one bitmap of n bits, or nil when every row is valid.
func andValidity(mem memory.Allocator, a, b Value, n int) *memory.Buffer {
	if (a.IsScalar() && a.Scalar == nil) || (b.IsScalar() && b.Scalar == nil) {
		return allocBitmap(mem, n) // all null
	}
	aNull := !a.IsScalar() && a.Array.NullN() > 0
	bNull := !b.IsScalar() && b.Array.NullN() > 0
	switch {
	case aNull && bNull:
		out := allocBitmap(mem, n)
		bitutil.BitmapAnd(a.Array.NullBitmapBytes(), b.Array.NullBitmapBytes(),
			int64(a.Array.Data().Offset()), int64(b.Array.Data().Offset()), out.Bytes(), 0, int64(n))
		return out
	case aNull:
		return validityOf(mem, a.Array)
	case bNull:
		return validityOf(mem, b.Array)
	}
	return nil
}

// Broadcast builds an array of n copies of a scalar (nil: n nulls).
func Broadcast(mem memory.Allocator, v any, t arrow.DataType, n int) (arrow.Array, error) {
	if v == nil {
		if t.ID() == arrow.NULL {
			return array.NewNull(n), nil
		}
		b := NewBuilder(mem, t)
		defer b.Release()
		b.AppendNulls(n)
		return b.NewArray(), nil
	}
	switch t.ID() {
	case arrow.INT8:
		return fillNum(mem, t, int8(v.(int64)), n), nil
	case arrow.INT16:
		return fillNum(mem, t, int16(v.(int64)), n), nil
	case arrow.INT32:
		return fillNum(mem, t, int32(v.(int64)), n), nil
	case arrow.INT64:
		return fillNum(mem, t, v.(int64), n), nil
	case arrow.UINT8:
		return fillNum(mem, t, uint8(v.(uint64)), n), nil
	case arrow.UINT16:
		return fillNum(mem, t, uint16(v.(uint64)), n), nil
	case arrow.UINT32:
		return fillNum(mem, t, uint32(v.(uint64)), n), nil
	case arrow.UINT64:
		return fillNum(mem, t, v.(uint64), n), nil
	case arrow.DATE32, arrow.TIME32:
		return fillNum(mem, t, int32(scalarAs[int64](v)), n), nil
	case arrow.TIMESTAMP, arrow.DURATION, arrow.DATE64, arrow.TIME64:
		return fillNum(mem, t, scalarAs[int64](v), n), nil
	case arrow.FLOAT32:
		return fillNum(mem, t, float32(v.(float64)), n), nil
	case arrow.FLOAT64:
		return fillNum(mem, t, v.(float64), n), nil
	case arrow.BOOL:
		buf := allocBitmap(mem, n)
		if v.(bool) {
			bitutil.SetBitsTo(buf.Bytes(), 0, int64(n), true)
		}
		return makeArray(t, n, nil, buf), nil
	case arrow.FIXED_SIZE_LIST:
		// A vector constant ([]float32, as decodeVectorLiteral makes it):
		// SQL values stored into VECTOR columns.
		lt := t.(*arrow.FixedSizeListType)
		q, ok := v.([]float32)
		if !ok || lt.Elem().ID() != arrow.FLOAT32 || len(q) != int(lt.Len()) {
			break
		}
		b := array.NewFixedSizeListBuilder(mem, lt.Len(), lt.Elem())
		defer b.Release()
		vb := b.ValueBuilder().(*array.Float32Builder)
		vb.Reserve(n * len(q))
		for range n {
			b.Append(true)
			vb.AppendValues(q, nil)
		}
		return b.NewArray(), nil
	case arrow.DECIMAL128:
		// Exact decimal constants: SQL values stored into DECIMAL columns.
		b := array.NewDecimal128Builder(mem, t.(*arrow.Decimal128Type))
		defer b.Release()
		d := v.(decimal128.Num)
		b.Reserve(n)
		for range n {
			b.UnsafeAppend(d)
		}
		return b.NewArray(), nil
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		s := v.(string)
		b.ReserveData(len(s) * n)
		for range n {
			b.Append(s)
		}
		return b.NewArray(), nil
	}
	if core.IsCategorical(t) {
		s, err := Broadcast(mem, v, arrow.BinaryTypes.String, n)
		if err != nil {
			return nil, err
		}
		defer s.Release()
		return DictEncode(mem, s)
	}
	return nil, core.Errorf(core.KindNotSupported, "cannot broadcast a %s literal", core.DTypeName(t))
}

func fillNum[T Num](mem memory.Allocator, t arrow.DataType, v T, n int) arrow.Array {
	buf, out := allocValues[T](mem, n)
	for i := range out {
		out[i] = v
	}
	return makeArray(t, n, nil, buf)
}

func typeErr(op string, t arrow.DataType) error {
	return core.Errorf(core.KindNotSupported, "%s is not supported for %s values", op, core.DTypeName(t))
}

func errorf(format string, args ...any) error {
	return core.Errorf(core.KindCompute, "%s", fmt.Sprintf(format, args...))
}
