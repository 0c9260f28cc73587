package exec

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
)

// isInRows evaluates is_in(values) over x and returns each row as "T", "F"
// or "null".
func isInRows(t *testing.T, x arrow.Array, opts map[string]any) []string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	c := &lazy.Call{Name: "is_in", Opts: opts}
	out, err := evalIsIn(mem, c, []kernels.Value{kernels.ArrayValue(x)}, x.Len())
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	b := out.(*array.Boolean)
	rows := make([]string, b.Len())
	for i := range rows {
		switch {
		case b.IsNull(i):
			rows[i] = "null"
		case b.Value(i):
			rows[i] = "T"
		default:
			rows[i] = "F"
		}
	}
	return rows
}

func wantRows(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: got %v, want %v", i, got, want)
		}
	}
}

// TestIsInExactInt64 pins is_in on Int64 values that float64 cannot tell
// apart: 2**53 and 2**53+1 were one key when the set was keyed by float64.
func TestIsInExactInt64(t *testing.T) {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues([]int64{1 << 53, 1<<53 + 1, math.MaxInt64, math.MaxInt64 - 1, math.MinInt64, 3, 2}, nil)
	b.AppendNull()
	x := b.NewArray()
	defer x.Release()
	got := isInRows(t, x, map[string]any{"values": []any{
		int64(1<<53 + 1), int64(math.MaxInt64), float64(math.MinInt64), 3.0, 2.5, uint64(math.MaxUint64), float64(1 << 63),
	}})
	wantRows(t, got, "F", "T", "T", "F", "T", "T", "F", "null")
}

func TestIsInExactUint64(t *testing.T) {
	b := array.NewUint64Builder(memory.DefaultAllocator)
	b.AppendValues([]uint64{math.MaxUint64, math.MaxUint64 - 1, 1 << 63, 1<<53 + 1, 1 << 53, 0}, nil)
	x := b.NewArray()
	defer x.Release()
	got := isInRows(t, x, map[string]any{"values": []any{
		uint64(math.MaxUint64), uint64(1 << 63), int64(1<<53 + 1), int64(-1), 0.0,
	}})
	wantRows(t, got, "T", "F", "T", "T", "F", "T")
}

// TestIsInFloatSpecials: -0.0 equals 0.0 and NaN is in a list holding NaN,
// as in Polars; integers compare as the float64 they convert to.
func TestIsInFloatSpecials(t *testing.T) {
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	b.AppendValues([]float64{math.NaN(), math.Copysign(0, -1), 0, 1.5, math.Inf(1), math.Inf(-1), 1 << 53}, nil)
	b.AppendNull()
	x := b.NewArray()
	defer x.Release()
	got := isInRows(t, x, map[string]any{"values": []any{0.0, int64(1 << 53)}, "non_finite": []any{"nan", "inf"}})
	wantRows(t, got, "T", "T", "T", "F", "T", "F", "T", "null")
	got = isInRows(t, x, map[string]any{"values": []any{math.Copysign(0, -1), 1.5}})
	wantRows(t, got, "F", "T", "T", "T", "F", "F", "F", "null")
}

func TestIsInFloat32AndBool(t *testing.T) {
	fb := array.NewFloat32Builder(memory.DefaultAllocator)
	fb.AppendValues([]float32{float32(math.NaN()), 0.5, 2}, nil)
	f := fb.NewArray()
	defer f.Release()
	wantRows(t, isInRows(t, f, map[string]any{"values": []any{0.5, int64(2)}, "non_finite": []any{"nan"}}), "T", "T", "T")

	bb := array.NewBooleanBuilder(memory.DefaultAllocator)
	bb.AppendValues([]bool{true, false}, nil)
	bb.AppendNull()
	bl := bb.NewArray()
	defer bl.Release()
	wantRows(t, isInRows(t, bl, map[string]any{"values": []any{true}}), "T", "F", "null")
}
