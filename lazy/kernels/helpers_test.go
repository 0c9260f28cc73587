package kernels_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// offsets are the data offsets every kernel is tried at: kernels must honour
// Data().Offset() of sliced arrays, also when it is not a multiple of 8 (the
// validity and Boolean bitmaps then start inside a byte). The executor hands
// kernels such slices: it cuts scans into morsels with NewSlice.
var offsets = []int{0, 1, 3, 8, 13}

// newMem returns an allocator that counts its bytes; every kernel test
// defers mem.AssertSize(t, 0) to prove its arrays are all released.
func newMem() *memory.CheckedAllocator {
	return memory.NewCheckedAllocator(memory.NewGoAllocator())
}

var (
	i8   = arrow.PrimitiveTypes.Int8
	i16  = arrow.PrimitiveTypes.Int16
	i32  = arrow.PrimitiveTypes.Int32
	i64  = arrow.PrimitiveTypes.Int64
	u8   = arrow.PrimitiveTypes.Uint8
	u16  = arrow.PrimitiveTypes.Uint16
	u32  = arrow.PrimitiveTypes.Uint32
	u64  = arrow.PrimitiveTypes.Uint64
	f32  = arrow.PrimitiveTypes.Float32
	f64  = arrow.PrimitiveTypes.Float64
	boo  = arrow.FixedWidthTypes.Boolean
	str  = arrow.BinaryTypes.String
	lstr = arrow.BinaryTypes.LargeString
)

var intTypes = []arrow.DataType{i8, i16, i32, i64, u8, u16, u32, u64}

// makeArray builds an array of type dt from vals (nil is null) whose data
// starts at offset off: it builds off junk rows (some null) first and slices
// them away. Values are given as int64 or uint64 (integers), float64, bool
// or string, and converted to dt.
func makeArray(t testing.TB, mem memory.Allocator, dt arrow.DataType, vals []any, off int) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for i := range off {
		if i%3 == 1 {
			b.AppendNull()
		} else {
			appendValue(t, b, junk(dt, i))
		}
	}
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
		} else {
			appendValue(t, b, v)
		}
	}
	full := b.NewArray()
	if off == 0 {
		return full
	}
	defer full.Release()
	out := array.NewSlice(full, int64(off), int64(off+len(vals)))
	if out.Data().Offset() != off {
		t.Fatalf("slice has offset %d, want %d", out.Data().Offset(), off)
	}
	return out
}

// junk is a value of dt for the padding rows sliced away.
func junk(dt arrow.DataType, i int) any {
	switch {
	case dt.ID() == arrow.BOOL:
		return i%2 == 0
	case dt.ID() == arrow.STRING || dt.ID() == arrow.LARGE_STRING || dt.ID() == arrow.STRING_VIEW:
		return fmt.Sprintf("junk%d", i)
	case dt.ID() == arrow.FLOAT32 || dt.ID() == arrow.FLOAT64 || dt.ID() == arrow.FLOAT16:
		return 99.5
	case core.IsUnsigned(dt):
		return uint64(99)
	}
	return int64(99)
}

func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case uint64:
		return int64(x)
	case int:
		return int64(x)
	}
	panic(fmt.Sprintf("not an integer: %#v", v))
}

func asUint64(v any) uint64 {
	switch x := v.(type) {
	case int64:
		return uint64(x)
	case uint64:
		return x
	case int:
		return uint64(x)
	}
	panic(fmt.Sprintf("not an integer: %#v", v))
}

func asFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	panic(fmt.Sprintf("not a number: %#v", v))
}

func appendValue(t testing.TB, b array.Builder, v any) {
	t.Helper()
	switch b := b.(type) {
	case *array.Int8Builder:
		b.Append(int8(asInt64(v)))
	case *array.Int16Builder:
		b.Append(int16(asInt64(v)))
	case *array.Int32Builder:
		b.Append(int32(asInt64(v)))
	case *array.Int64Builder:
		b.Append(asInt64(v))
	case *array.Uint8Builder:
		b.Append(uint8(asUint64(v)))
	case *array.Uint16Builder:
		b.Append(uint16(asUint64(v)))
	case *array.Uint32Builder:
		b.Append(uint32(asUint64(v)))
	case *array.Uint64Builder:
		b.Append(asUint64(v))
	case *array.Float16Builder:
		b.Append(float16.New(float32(asFloat(v))))
	case *array.Float32Builder:
		b.Append(float32(asFloat(v)))
	case *array.Float64Builder:
		b.Append(asFloat(v))
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.LargeStringBuilder:
		b.Append(v.(string))
	case *array.StringViewBuilder:
		b.Append(v.(string))
	case *array.Date32Builder:
		b.Append(arrow.Date32(asInt64(v)))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(asInt64(v)))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(asInt64(v)))
	case *array.NullBuilder:
		b.AppendNull()
	default:
		t.Fatalf("appendValue: no case for %T", b)
	}
}

// valuesOf reads an array back as Go values: nil for nulls, int64 for
// signed integers and temporal types, uint64 for unsigned, float64 for
// floats, bool and string.
func valuesOf(t testing.TB, a arrow.Array) []any {
	t.Helper()
	out := make([]any, a.Len())
	for i := range out {
		if a.IsNull(i) {
			continue
		}
		switch a := a.(type) {
		case *array.Int8:
			out[i] = int64(a.Value(i))
		case *array.Int16:
			out[i] = int64(a.Value(i))
		case *array.Int32:
			out[i] = int64(a.Value(i))
		case *array.Int64:
			out[i] = a.Value(i)
		case *array.Uint8:
			out[i] = uint64(a.Value(i))
		case *array.Uint16:
			out[i] = uint64(a.Value(i))
		case *array.Uint32:
			out[i] = uint64(a.Value(i))
		case *array.Uint64:
			out[i] = a.Value(i)
		case *array.Float16:
			out[i] = float64(a.Value(i).Float32())
		case *array.Float32:
			out[i] = float64(a.Value(i))
		case *array.Float64:
			out[i] = a.Value(i)
		case *array.Boolean:
			out[i] = a.Value(i)
		case *array.String:
			out[i] = a.Value(i)
		case *array.LargeString:
			out[i] = a.Value(i)
		case *array.StringView:
			out[i] = a.Value(i)
		case *array.Date32:
			out[i] = int64(a.Value(i))
		case *array.Timestamp:
			out[i] = int64(a.Value(i))
		case *array.Duration:
			out[i] = int64(a.Value(i))
		default:
			t.Fatalf("valuesOf: no case for %T", a)
		}
	}
	return out
}

// sameValue compares two values as valuesOf returns them; NaN equals NaN
// and the sign of zero counts.
func sameValue(a, b any) bool {
	fa, aok := a.(float64)
	fb, bok := b.(float64)
	if aok && bok {
		if math.IsNaN(fa) || math.IsNaN(fb) {
			return math.IsNaN(fa) && math.IsNaN(fb)
		}
		return fa == fb && math.Signbit(fa) == math.Signbit(fb)
	}
	return a == b
}

// checkArray compares a result with the expected values and checks that it
// is a well-formed array of type dt: its stored null count is the real one.
func checkArray(t testing.TB, got arrow.Array, dt arrow.DataType, want []any, what string) {
	t.Helper()
	if !arrow.TypeEqual(got.DataType(), dt) {
		t.Errorf("%s: type %s, want %s", what, got.DataType(), dt)
	}
	if err := array.ValidateFull(got); err != nil {
		t.Errorf("%s: invalid array: %v", what, err)
	}
	nulls := 0
	for i := range got.Len() {
		if !got.IsValid(i) {
			nulls++
		}
	}
	if got.NullN() != nulls {
		t.Errorf("%s: NullN() = %d but %d rows are null", what, got.NullN(), nulls)
	}
	vals := valuesOf(t, got)
	if len(vals) != len(want) {
		t.Errorf("%s: %d rows, want %d: %v", what, len(vals), len(want), vals)
		return
	}
	for i := range want {
		if !sameValue(vals[i], want[i]) {
			t.Errorf("%s: row %d = %#v, want %#v (all: %v)", what, i, vals[i], want[i], vals)
			return
		}
	}
}

// wantKind fails the test unless err is a *core.Error of kind want.
func wantKind(t testing.TB, err error, want core.Kind) *core.Error {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *core.Error of kind %s", err, err, want)
	}
	if ce.Kind != want {
		t.Fatalf("error kind %s, want %s: %v", ce.Kind, want, err)
	}
	return ce
}

func anys[T any](xs ...T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
