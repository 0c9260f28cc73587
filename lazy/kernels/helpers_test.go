package kernels_test

import (
	"github.com/alopexdb/alopex/internal/testkit"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
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

// The shared test helpers (internal/testkit) under this package's names.
var (
	makeArray = testkit.ArrayAt
	junk      = testkit.Junk
	valuesOf  = testkit.Values
	sameValue = testkit.SameValue
	wantKind  = testkit.WantKind
)

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

func anys[T any](xs ...T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
