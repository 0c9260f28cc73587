package kernels

import (
	"cmp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// CmpOp is a comparison operator.
type CmpOp int

// The comparison operators. Floats compare as Polars does: NaN equals NaN
// and is greater than every other value, so comparisons are a total order.
const (
	Eq CmpOp = iota
	NotEq
	Lt
	LtEq
	Gt
	GtEq
)

// Flip is the comparison with its operands swapped (a < b is b > a).
func (op CmpOp) Flip() CmpOp {
	switch op {
	case Lt:
		return Gt
	case LtEq:
		return GtEq
	case Gt:
		return Lt
	case GtEq:
		return LtEq
	}
	return op
}

// Compare compares two operands of the same type over n rows, giving a
// Boolean array that is null where either side is null.
func Compare(mem memory.Allocator, op CmpOp, a, b Value, n int) (arrow.Array, error) {
	if a.Type.ID() == arrow.NULL || b.Type.ID() == arrow.NULL {
		// Every row of a Null operand is null, and so is every comparison.
		return Broadcast(mem, nil, arrow.FixedWidthTypes.Boolean, n)
	}
	if a.IsScalar() && b.IsScalar() {
		arr, err := a.Materialize(mem, n)
		if err != nil {
			return nil, err
		}
		defer arr.Release()
		a = ArrayValue(arr)
	}
	if a.IsScalar() {
		a, b, op = b, a, op.Flip()
	}
	if (op == Eq || op == NotEq) && b.IsScalar() {
		// Equality with one string: lengths first, bytes when they agree.
		if s, isStr := b.Scalar.(string); isStr {
			if eq, ok := StringsIn(mem, a.Array, []string{s}); ok {
				if op == Eq {
					return eq, nil
				}
				defer eq.Release()
				return Not(mem, eq)
			}
		}
	}
	validity := andValidity(mem, a, b, n)
	out := allocBitmap(mem, n)
	bits := out.Bytes()
	var err error
	switch a.Type.ID() {
	case arrow.INT8:
		compareNum[int8](op, a, b, bits)
	case arrow.INT16:
		compareNum[int16](op, a, b, bits)
	case arrow.INT32, arrow.DATE32:
		compareNum[int32](op, a, b, bits)
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
		compareNum[int64](op, a, b, bits)
	case arrow.UINT8:
		compareNum[uint8](op, a, b, bits)
	case arrow.UINT16:
		compareNum[uint16](op, a, b, bits)
	case arrow.UINT32:
		compareNum[uint32](op, a, b, bits)
	case arrow.UINT64:
		compareNum[uint64](op, a, b, bits)
	case arrow.FLOAT32:
		compareNum[float32](op, a, b, bits)
	case arrow.FLOAT64:
		compareNum[float64](op, a, b, bits)
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		compareStrings(op, a, b, bits)
	case arrow.BOOL:
		compareBools(op, a, b, bits, n)
	default:
		err = typeErr("comparison", a.Type)
	}
	if err != nil {
		out.Release()
		if validity != nil {
			validity.Release()
		}
		return nil, err
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, validity, out), nil
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// NaN-aware total order: x != x is only true for NaN and folds away for integers.
func eqNaN[T Num](x, y T) bool { return x == y || (x != x && y != y) }
func ltNaN[T Num](x, y T) bool { return x < y || (x == x && y != y) }
func leNaN[T Num](x, y T) bool { return x <= y || y != y }

func compareNum[T Num](op CmpOp, a, b Value, bits []byte) {
	av := values[T](a.Array)
	if b.IsScalar() {
		// Eight results are packed in a register and stored as one byte.
		s := scalarAs[T](b.Scalar)
		full := len(av) &^ 7
		switch op {
		case Eq:
			for i := 0; i < full; i += 8 {
				var w byte
				for j, x := range av[i : i+8 : i+8] {
					w |= b2u(eqNaN(x, s)) << j
				}
				bits[i>>3] = w
			}
			for i := full; i < len(av); i++ {
				x := av[i]
				bits[i>>3] |= b2u(eqNaN(x, s)) << (i & 7)
			}
		case NotEq:
			for i := 0; i < full; i += 8 {
				var w byte
				for j, x := range av[i : i+8 : i+8] {
					w |= b2u(!eqNaN(x, s)) << j
				}
				bits[i>>3] = w
			}
			for i := full; i < len(av); i++ {
				x := av[i]
				bits[i>>3] |= b2u(!eqNaN(x, s)) << (i & 7)
			}
		case Lt:
			for i := 0; i < full; i += 8 {
				var w byte
				for j, x := range av[i : i+8 : i+8] {
					w |= b2u(ltNaN(x, s)) << j
				}
				bits[i>>3] = w
			}
			for i := full; i < len(av); i++ {
				x := av[i]
				bits[i>>3] |= b2u(ltNaN(x, s)) << (i & 7)
			}
		case LtEq:
			for i := 0; i < full; i += 8 {
				var w byte
				for j, x := range av[i : i+8 : i+8] {
					w |= b2u(leNaN(x, s)) << j
				}
				bits[i>>3] = w
			}
			for i := full; i < len(av); i++ {
				x := av[i]
				bits[i>>3] |= b2u(leNaN(x, s)) << (i & 7)
			}
		case Gt:
			for i := 0; i < full; i += 8 {
				var w byte
				for j, x := range av[i : i+8 : i+8] {
					w |= b2u(ltNaN(s, x)) << j
				}
				bits[i>>3] = w
			}
			for i := full; i < len(av); i++ {
				x := av[i]
				bits[i>>3] |= b2u(ltNaN(s, x)) << (i & 7)
			}
		case GtEq:
			for i := 0; i < full; i += 8 {
				var w byte
				for j, x := range av[i : i+8 : i+8] {
					w |= b2u(leNaN(s, x)) << j
				}
				bits[i>>3] = w
			}
			for i := full; i < len(av); i++ {
				x := av[i]
				bits[i>>3] |= b2u(leNaN(s, x)) << (i & 7)
			}
		}
		return
	}
	bv := values[T](b.Array)
	bv = bv[:len(av)]
	full := len(av) &^ 7
	switch op {
	case Eq:
		for i := 0; i < full; i += 8 {
			var w byte
			ys := bv[i : i+8 : i+8]
			for j, x := range av[i : i+8 : i+8] {
				y := ys[j]
				w |= b2u(eqNaN(x, y)) << j
			}
			bits[i>>3] = w
		}
		for i := full; i < len(av); i++ {
			x, y := av[i], bv[i]
			bits[i>>3] |= b2u(eqNaN(x, y)) << (i & 7)
		}
	case NotEq:
		for i := 0; i < full; i += 8 {
			var w byte
			ys := bv[i : i+8 : i+8]
			for j, x := range av[i : i+8 : i+8] {
				y := ys[j]
				w |= b2u(!eqNaN(x, y)) << j
			}
			bits[i>>3] = w
		}
		for i := full; i < len(av); i++ {
			x, y := av[i], bv[i]
			bits[i>>3] |= b2u(!eqNaN(x, y)) << (i & 7)
		}
	case Lt:
		for i := 0; i < full; i += 8 {
			var w byte
			ys := bv[i : i+8 : i+8]
			for j, x := range av[i : i+8 : i+8] {
				y := ys[j]
				w |= b2u(ltNaN(x, y)) << j
			}
			bits[i>>3] = w
		}
		for i := full; i < len(av); i++ {
			x, y := av[i], bv[i]
			bits[i>>3] |= b2u(ltNaN(x, y)) << (i & 7)
		}
	case LtEq:
		for i := 0; i < full; i += 8 {
			var w byte
			ys := bv[i : i+8 : i+8]
			for j, x := range av[i : i+8 : i+8] {
				y := ys[j]
				w |= b2u(leNaN(x, y)) << j
			}
			bits[i>>3] = w
		}
		for i := full; i < len(av); i++ {
			x, y := av[i], bv[i]
			bits[i>>3] |= b2u(leNaN(x, y)) << (i & 7)
		}
	case Gt:
		for i := 0; i < full; i += 8 {
			var w byte
			ys := bv[i : i+8 : i+8]
			for j, x := range av[i : i+8 : i+8] {
				y := ys[j]
				w |= b2u(ltNaN(y, x)) << j
			}
			bits[i>>3] = w
		}
		for i := full; i < len(av); i++ {
			x, y := av[i], bv[i]
			bits[i>>3] |= b2u(ltNaN(y, x)) << (i & 7)
		}
	case GtEq:
		for i := 0; i < full; i += 8 {
			var w byte
			ys := bv[i : i+8 : i+8]
			for j, x := range av[i : i+8 : i+8] {
				y := ys[j]
				w |= b2u(leNaN(y, x)) << j
			}
			bits[i>>3] = w
		}
		for i := full; i < len(av); i++ {
			x, y := av[i], bv[i]
			bits[i>>3] |= b2u(leNaN(y, x)) << (i & 7)
		}
	}
}

func cmpResult(op CmpOp, c int) bool {
	switch op {
	case Eq:
		return c == 0
	case NotEq:
		return c != 0
	case Lt:
		return c < 0
	case LtEq:
		return c <= 0
	case Gt:
		return c > 0
	}
	return c >= 0
}

// StringAt returns a function reading the i-th string of any string layout.
func StringAt(a arrow.Array) func(int) string {
	switch s := a.(type) {
	case *array.String:
		return s.Value
	case *array.LargeString:
		return s.Value
	case *array.StringView:
		return s.Value
	}
	return func(int) string { return "" }
}

func compareStrings(op CmpOp, a, b Value, bits []byte) {
	at := StringAt(a.Array)
	n := a.Array.Len()
	if b.IsScalar() {
		s, _ := b.Scalar.(string)
		for i := range n {
			bits[i>>3] |= b2u(cmpResult(op, strings.Compare(at(i), s))) << (i & 7)
		}
		return
	}
	bt := StringAt(b.Array)
	for i := range n {
		bits[i>>3] |= b2u(cmpResult(op, strings.Compare(at(i), bt(i)))) << (i & 7)
	}
}

func compareBools(op CmpOp, a, b Value, bits []byte, n int) {
	if n == 0 {
		return // an empty array may come without a value buffer
	}
	ab, aoff := a.Array.Data().Buffers()[1].Bytes(), a.Array.Data().Offset()
	get := func(v Value, i int) bool {
		if v.IsScalar() {
			x, _ := v.Scalar.(bool)
			return x
		}
		return bitutil.BitIsSet(v.Array.Data().Buffers()[1].Bytes(), v.Array.Data().Offset()+i)
	}
	for i := range n {
		x := bitutil.BitIsSet(ab, aoff+i)
		y := get(b, i)
		bits[i>>3] |= b2u(cmpResult(op, cmp.Compare(b2u(x), b2u(y)))) << (i & 7)
	}
}
