package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/alopexdb/alopex/core"
)

var int64Type = arrow.PrimitiveTypes.Int64

// colReader reads row i of an incoming column as an exact value of a
// column type. A value that does not convert exactly is an error naming
// what it is (the caller adds table, column and row).
type colReader func(i int) (datum, error)

// lossyError is the reason a value does not fit a column; the writer wraps
// it with the table, column and row.
type lossyError struct{ msg string }

func (e *lossyError) Error() string { return e.msg }

func lossy(format string, args ...any) error { return &lossyError{fmt.Sprintf(format, args...)} }

// newColReader returns a reader of arr as values of t, or an error when the
// types are incompatible altogether.
func newColReader(arr arrow.Array, t *colType) (colReader, error) {
	if arr.DataType().ID() == arrow.NULL {
		return func(int) (datum, error) { return nullDatum, nil }, nil
	}
	var r colReader
	switch t.kind {
	case kInt, kUint:
		r = intReader(arr, t)
	case kFloat32, kFloat64:
		r = floatReader(arr, t)
	case kDecimal:
		r = decimalReader(arr, t)
	case kString, kBinary:
		r = bytesReader(arr, t)
	case kBool:
		if a, ok := arr.(*array.Boolean); ok {
			r = func(i int) (datum, error) { return datum{i: b2i(a.Value(i))}, nil }
		}
	case kDate, kTimestamp:
		r = timeReader(arr, t)
	case kVector:
		r = vectorReader(arr, t)
	}
	if r == nil {
		return nil, core.Errorf(core.KindSchema, "a %s column cannot hold values of type %s", t.arrow, arr.DataType())
	}
	return func(i int) (datum, error) {
		if arr.IsNull(i) {
			return nullDatum, nil
		}
		return r(i)
	}, nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// fitInt checks a signed value against an integer column's range.
func fitInt(t *colType, v int64) (datum, error) {
	if t.kind == kUint {
		if v < 0 || uint64(v) > t.umax {
			return datum{}, lossy("%d is out of range for %s", v, t.arrow)
		}
		return datum{u: uint64(v)}, nil
	}
	if v < t.min || v > t.max {
		return datum{}, lossy("%d is out of range for %s", v, t.arrow)
	}
	return datum{i: v}, nil
}

func fitUint(t *colType, v uint64) (datum, error) {
	if t.kind == kUint {
		if v > t.umax {
			return datum{}, lossy("%d is out of range for %s", v, t.arrow)
		}
		return datum{u: v}, nil
	}
	if v > uint64(t.max) {
		return datum{}, lossy("%d is out of range for %s", v, t.arrow)
	}
	return datum{i: int64(v)}, nil
}

func fitFloatAsInt(t *colType, f float64) (datum, error) {
	if f != math.Trunc(f) || math.IsInf(f, 0) {
		return datum{}, lossy("%v is not an integer", f)
	}
	if f >= -(1<<63) && f < 1<<63 {
		return fitInt(t, int64(f))
	}
	if f >= 0 && f < 1<<64 {
		return fitUint(t, uint64(f))
	}
	return datum{}, lossy("%v is out of range for %s", f, t.arrow)
}

func intReader(arr arrow.Array, t *colType) colReader {
	switch a := arr.(type) {
	case *array.Int8:
		return func(i int) (datum, error) { return fitInt(t, int64(a.Value(i))) }
	case *array.Int16:
		return func(i int) (datum, error) { return fitInt(t, int64(a.Value(i))) }
	case *array.Int32:
		return func(i int) (datum, error) { return fitInt(t, int64(a.Value(i))) }
	case *array.Int64:
		return func(i int) (datum, error) { return fitInt(t, a.Value(i)) }
	case *array.Uint8:
		return func(i int) (datum, error) { return fitUint(t, uint64(a.Value(i))) }
	case *array.Uint16:
		return func(i int) (datum, error) { return fitUint(t, uint64(a.Value(i))) }
	case *array.Uint32:
		return func(i int) (datum, error) { return fitUint(t, uint64(a.Value(i))) }
	case *array.Uint64:
		return func(i int) (datum, error) { return fitUint(t, a.Value(i)) }
	case *array.Float32:
		return func(i int) (datum, error) { return fitFloatAsInt(t, float64(a.Value(i))) }
	case *array.Float64:
		return func(i int) (datum, error) { return fitFloatAsInt(t, a.Value(i)) }
	case *array.Boolean:
		return func(i int) (datum, error) { return fitInt(t, b2i(a.Value(i))) }
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(i int) (datum, error) {
			v := a.Value(i)
			n, ok := rescale(v, scale, 0)
			if !ok {
				return datum{}, lossy("%s is not an integer", v.ToString(scale))
			}
			if !n.FitsInPrecision(19) {
				return datum{}, lossy("%s is out of range for %s", v.ToString(scale), t.arrow)
			}
			b := n.BigInt()
			if b.IsInt64() {
				return fitInt(t, b.Int64())
			}
			if b.IsUint64() {
				return fitUint(t, b.Uint64())
			}
			return datum{}, lossy("%s is out of range for %s", v.ToString(scale), t.arrow)
		}
	}
	return nil
}

// fitFloat checks that f is representable in the column's float width.
func fitFloat(t *colType, f float64) (datum, error) {
	if t.kind == kFloat32 && !math.IsNaN(f) && float64(float32(f)) != f {
		return datum{}, lossy("%v is not exactly representable as float32", f)
	}
	return datum{f: f}, nil
}

func intToFloat(t *colType, v int64) (datum, error) {
	f := float64(v)
	if f >= 1<<63 || int64(f) != v {
		return datum{}, lossy("%d is not exactly representable as %s", v, t.arrow)
	}
	return fitFloat(t, f)
}

func uintToFloat(t *colType, v uint64) (datum, error) {
	f := float64(v)
	if f >= 1<<64 || uint64(f) != v {
		return datum{}, lossy("%d is not exactly representable as %s", v, t.arrow)
	}
	return fitFloat(t, f)
}

func floatReader(arr arrow.Array, t *colType) colReader {
	switch a := arr.(type) {
	case *array.Float32:
		return func(i int) (datum, error) { return datum{f: float64(a.Value(i))}, nil }
	case *array.Float64:
		return func(i int) (datum, error) { return fitFloat(t, a.Value(i)) }
	case *array.Int8:
		return func(i int) (datum, error) { return intToFloat(t, int64(a.Value(i))) }
	case *array.Int16:
		return func(i int) (datum, error) { return intToFloat(t, int64(a.Value(i))) }
	case *array.Int32:
		return func(i int) (datum, error) { return intToFloat(t, int64(a.Value(i))) }
	case *array.Int64:
		return func(i int) (datum, error) { return intToFloat(t, a.Value(i)) }
	case *array.Uint8:
		return func(i int) (datum, error) { return uintToFloat(t, uint64(a.Value(i))) }
	case *array.Uint16:
		return func(i int) (datum, error) { return uintToFloat(t, uint64(a.Value(i))) }
	case *array.Uint32:
		return func(i int) (datum, error) { return uintToFloat(t, uint64(a.Value(i))) }
	case *array.Uint64:
		return func(i int) (datum, error) { return uintToFloat(t, a.Value(i)) }
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(i int) (datum, error) {
			v := a.Value(i)
			f := v.ToFloat64(scale)
			back, err := decimal128.FromFloat64(f, 38, scale)
			if err != nil || back != v {
				return datum{}, lossy("%s is not exactly representable as %s", v.ToString(scale), t.arrow)
			}
			return fitFloat(t, f)
		}
	}
	return nil
}

// rescale changes the scale of an unscaled decimal value exactly; ok is
// false when digits would be lost or it overflows 128 bits.
func rescale(v decimal128.Num, from, to int32) (decimal128.Num, bool) {
	if from == to {
		return v, true
	}
	b := v.BigInt()
	if to > from {
		b.Mul(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(to-from)), nil))
	} else {
		var rem big.Int
		b.QuoRem(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(from-to)), nil), &rem)
		if rem.Sign() != 0 {
			return v, false
		}
	}
	if b.BitLen() > 127 {
		return v, false
	}
	return decimal128.FromBigInt(b), true
}

func fitDecimal(t *colType, v decimal128.Num, scale int32, show func() string) (datum, error) {
	n, ok := rescale(v, scale, t.scale)
	if !ok {
		return datum{}, lossy("%s does not fit %s without rounding", show(), t.arrow)
	}
	if !n.FitsInPrecision(t.prec) {
		return datum{}, lossy("%s has more than %d digits (%s)", show(), t.prec, t.arrow)
	}
	return datum{d: n}, nil
}

func decimalReader(arr arrow.Array, t *colType) colReader {
	fromInt := func(v int64) (datum, error) {
		return fitDecimal(t, decimal128.FromI64(v), 0, func() string { return fmt.Sprint(v) })
	}
	switch a := arr.(type) {
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(i int) (datum, error) {
			v := a.Value(i)
			return fitDecimal(t, v, scale, func() string { return v.ToString(scale) })
		}
	case *array.Int8:
		return func(i int) (datum, error) { return fromInt(int64(a.Value(i))) }
	case *array.Int16:
		return func(i int) (datum, error) { return fromInt(int64(a.Value(i))) }
	case *array.Int32:
		return func(i int) (datum, error) { return fromInt(int64(a.Value(i))) }
	case *array.Int64:
		return func(i int) (datum, error) { return fromInt(a.Value(i)) }
	case *array.Uint8:
		return func(i int) (datum, error) { return fromInt(int64(a.Value(i))) }
	case *array.Uint16:
		return func(i int) (datum, error) { return fromInt(int64(a.Value(i))) }
	case *array.Uint32:
		return func(i int) (datum, error) { return fromInt(int64(a.Value(i))) }
	case *array.Uint64:
		return func(i int) (datum, error) {
			v := a.Value(i)
			return fitDecimal(t, decimal128.FromU64(v), 0, func() string { return fmt.Sprint(v) })
		}
	case *array.Float64, *array.Float32:
		get := func(i int) float64 {
			if f, ok := a.(*array.Float64); ok {
				return f.Value(i)
			}
			return float64(a.(*array.Float32).Value(i))
		}
		return func(i int) (datum, error) {
			f := get(i)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return datum{}, lossy("%v cannot be stored in %s", f, t.arrow)
			}
			// Exact: the float's binary value must have a finite decimal
			// expansion within the column's scale.
			r, _ := new(big.Rat).SetString(fmt.Sprintf("%.17g", f))
			if r == nil || !exactFloat(f, r) {
				return datum{}, lossy("%v cannot be stored exactly in %s", f, t.arrow)
			}
			r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(t.scale)), nil)))
			if !r.IsInt() || r.Num().BitLen() > 127 {
				return datum{}, lossy("%v does not fit %s without rounding", f, t.arrow)
			}
			n := decimal128.FromBigInt(r.Num())
			if !n.FitsInPrecision(t.prec) {
				return datum{}, lossy("%v has more than %d digits (%s)", f, t.prec, t.arrow)
			}
			return datum{d: n}, nil
		}
	}
	return nil
}

// exactFloat reports whether r (a short decimal spelling of f) is f's
// exact value; otherwise storing r would silently change the number.
func exactFloat(f float64, r *big.Rat) bool {
	exact := new(big.Rat)
	exact.SetFloat64(f)
	return exact.Cmp(r) == 0
}

func bytesReader(arr arrow.Array, t *colType) colReader {
	switch a := arr.(type) {
	case *array.String:
		// Slices of the array's buffer: the encoders copy what they keep.
		data, offs := a.ValueBytes(), a.ValueOffsets()
		base := offs[0]
		return func(i int) (datum, error) { return datum{b: data[offs[i]-base : offs[i+1]-base]}, nil }
	case *array.LargeString:
		data, offs := a.ValueBytes(), a.ValueOffsets()
		base := offs[0]
		return func(i int) (datum, error) { return datum{b: data[offs[i]-base : offs[i+1]-base]}, nil }
	case *array.StringView:
		return func(i int) (datum, error) { return datum{b: []byte(a.Value(i))}, nil }
	}
	if t.kind != kBinary {
		return nil
	}
	switch a := arr.(type) {
	case *array.Binary:
		return func(i int) (datum, error) { return datum{b: a.Value(i)}, nil }
	case *array.LargeBinary:
		return func(i int) (datum, error) { return datum{b: a.Value(i)}, nil }
	case *array.BinaryView:
		return func(i int) (datum, error) { return datum{b: a.Value(i)}, nil }
	case *array.FixedSizeBinary:
		return func(i int) (datum, error) { return datum{b: a.Value(i)}, nil }
	}
	return nil
}

const usPerDay = 86400 * 1_000_000

func timeReader(arr arrow.Array, t *colType) colReader {
	switch a := arr.(type) {
	case *array.Date32:
		if t.kind == kDate {
			return func(i int) (datum, error) { return datum{i: int64(a.Value(i))}, nil }
		}
		return func(i int) (datum, error) { return datum{i: int64(a.Value(i)) * usPerDay}, nil }
	case *array.Date64:
		return func(i int) (datum, error) {
			ms := int64(a.Value(i))
			if ms%86_400_000 != 0 {
				return datum{}, lossy("date64 value %d is not a whole day", ms)
			}
			if t.kind == kDate {
				return datum{i: ms / 86_400_000}, nil
			}
			return datum{i: ms * 1000}, nil
		}
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return func(i int) (datum, error) {
			v := int64(a.Value(i))
			var us int64
			switch unit {
			case arrow.Second:
				us = v * 1_000_000
				if us/1_000_000 != v {
					return datum{}, lossy("timestamp %d s is out of range", v)
				}
			case arrow.Millisecond:
				us = v * 1000
				if us/1000 != v {
					return datum{}, lossy("timestamp %d ms is out of range", v)
				}
			case arrow.Microsecond:
				us = v
			case arrow.Nanosecond:
				if v%1000 != 0 {
					return datum{}, lossy("timestamp %d ns has sub-microsecond digits (stored timestamps are in microseconds)", v)
				}
				us = v / 1000
			}
			if t.kind == kDate {
				if us%usPerDay != 0 {
					return datum{}, lossy("timestamp %s is not midnight (a DATE column holds days)", time.UnixMicro(us).UTC().Format(time.RFC3339Nano))
				}
				return datum{i: us / usPerDay}, nil
			}
			return datum{i: us}, nil
		}
	}
	return nil
}

func vectorReader(arr arrow.Array, t *colType) colReader {
	var offsets func(i int) (int, int)
	var values arrow.Array
	switch a := arr.(type) {
	case *array.FixedSizeList:
		n := int(a.DataType().(*arrow.FixedSizeListType).Len())
		values = a.ListValues()
		off := a.Offset()
		offsets = func(i int) (int, int) { return (off + i) * n, (off + i + 1) * n }
	case *array.List:
		values = a.ListValues()
		offsets = func(i int) (int, int) { s, e := a.ValueOffsets(i); return int(s), int(e) }
	case *array.LargeList:
		values = a.ListValues()
		offsets = func(i int) (int, int) { s, e := a.ValueOffsets(i); return int(s), int(e) }
	default:
		return nil
	}
	var get func(j int) (float32, error)
	switch v := values.(type) {
	case *array.Float32:
		get = func(j int) (float32, error) { return v.Value(j), nil }
	case *array.Float64:
		get = func(j int) (float32, error) {
			f := v.Value(j)
			if float64(float32(f)) != f && !math.IsNaN(f) {
				return 0, lossy("vector element %v is not exactly representable as float32", f)
			}
			return float32(f), nil
		}
	default:
		return nil
	}
	return func(i int) (datum, error) {
		s, e := offsets(i)
		if e-s != t.dim {
			return datum{}, lossy("a vector of dimension %d does not fit VECTOR(%d)", e-s, t.dim)
		}
		b := make([]byte, 4*t.dim)
		for j := s; j < e; j++ {
			if values.IsNull(j) {
				return datum{}, lossy("vector element %d is null", j-s)
			}
			f, err := get(j)
			if err != nil {
				return datum{}, err
			}
			binary.LittleEndian.PutUint32(b[4*(j-s):], math.Float32bits(f))
		}
		return datum{b: b}, nil
	}
}

// goToDatum converts a Go value (a default, a key of Get or a range bound)
// exactly to a value of t. nil is NULL.
func goToDatum(t *colType, v any) (datum, error) {
	switch x := v.(type) {
	case nil:
		return nullDatum, nil
	case int:
		return goInt(t, int64(x))
	case int8:
		return goInt(t, int64(x))
	case int16:
		return goInt(t, int64(x))
	case int32:
		return goInt(t, int64(x))
	case int64:
		return goInt(t, x)
	case uint:
		return goUint(t, uint64(x))
	case uint8:
		return goUint(t, uint64(x))
	case uint16:
		return goUint(t, uint64(x))
	case uint32:
		return goUint(t, uint64(x))
	case uint64:
		return goUint(t, x)
	case float32:
		return goFloat(t, float64(x))
	case float64:
		return goFloat(t, x)
	case bool:
		if t.kind == kBool {
			return datum{i: b2i(x)}, nil
		}
	case string:
		if t.kind == kString || t.kind == kBinary {
			return datum{b: []byte(x)}, nil
		}
	case []byte:
		if t.kind == kBinary || t.kind == kString {
			return datum{b: x}, nil
		}
	case decimal128.Num:
		if t.kind == kDecimal {
			return fitDecimal(t, x, t.scale, func() string { return x.ToString(t.scale) })
		}
	case time.Time:
		us := x.UnixMicro()
		if t.kind == kTimestamp {
			if x.Nanosecond()%1000 != 0 {
				return datum{}, lossy("%s has sub-microsecond digits", x)
			}
			return datum{i: us}, nil
		}
		if t.kind == kDate {
			y, m, d := x.Date()
			return datum{i: int64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)}, nil
		}
	case []float32:
		if t.kind == kVector {
			if len(x) != t.dim {
				return datum{}, lossy("a vector of dimension %d does not fit VECTOR(%d)", len(x), t.dim)
			}
			b := make([]byte, 4*len(x))
			for i, f := range x {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
			}
			return datum{b: b}, nil
		}
	}
	return datum{}, lossy("a Go %T (%v) cannot be a value of type %s", v, v, t.arrow)
}

func goInt(t *colType, v int64) (datum, error) {
	switch t.kind {
	case kInt, kUint:
		return fitInt(t, v)
	case kFloat32, kFloat64:
		return intToFloat(t, v)
	case kDecimal:
		return fitDecimal(t, decimal128.FromI64(v), 0, func() string { return fmt.Sprint(v) })
	case kDate, kTimestamp:
		return datum{i: v}, nil
	case kBool:
		if v == 0 || v == 1 {
			return datum{i: v}, nil
		}
	}
	return datum{}, lossy("%d cannot be a value of type %s", v, t.arrow)
}

func goUint(t *colType, v uint64) (datum, error) {
	switch t.kind {
	case kInt, kUint:
		return fitUint(t, v)
	case kFloat32, kFloat64:
		return uintToFloat(t, v)
	case kDecimal:
		return fitDecimal(t, decimal128.FromU64(v), 0, func() string { return fmt.Sprint(v) })
	}
	return datum{}, lossy("%d cannot be a value of type %s", v, t.arrow)
}

func goFloat(t *colType, f float64) (datum, error) {
	switch t.kind {
	case kFloat32, kFloat64:
		return fitFloat(t, f)
	case kInt, kUint:
		return fitFloatAsInt(t, f)
	}
	return datum{}, lossy("%v cannot be a value of type %s", f, t.arrow)
}

// datumToGo is the Go value of v (the inverse of goToDatum): int64, uint64,
// float64 (float32 columns too), decimal128.Num, string, []byte, bool,
// int32 days (dates), time.Time (UTC, timestamps), []float32, or nil.
func datumToGo(t *colType, v datum) any {
	if v.null {
		return nil
	}
	switch t.kind {
	case kInt:
		return v.i
	case kUint:
		return v.u
	case kFloat32, kFloat64:
		return v.f
	case kDecimal:
		return v.d
	case kString:
		return string(v.b)
	case kBinary:
		return append([]byte(nil), v.b...)
	case kBool:
		return v.i != 0
	case kDate:
		return int32(v.i)
	case kTimestamp:
		return time.UnixMicro(v.i).UTC()
	case kVector:
		out := make([]float32, t.dim)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(v.b[4*i:]))
		}
		return out
	}
	return nil
}
