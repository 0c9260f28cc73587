package kernels

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestGatherNested(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		typ  arrow.DataType
		json string
	}{
		{arrow.ListOf(arrow.BinaryTypes.String), `[["a","b"], null, [], ["c"], [null, "d"], ["e","f","g"]]`},
		{arrow.LargeListOf(arrow.PrimitiveTypes.Int64), `[[1,2], null, [], [3], [null, 4], [5,6,7]]`},
		{arrow.FixedSizeListOf(2, arrow.PrimitiveTypes.Float32), `[[1,2], null, [3,4], [5,6], [7,8], [9,10]]`},
		{arrow.FixedSizeListOf(2, arrow.PrimitiveTypes.Int64), `[[1,2], null, [3,null], [5,6], [7,8], [9,10]]`},
	} {
		full, _, err := array.FromJSON(mem, tc.typ, strings.NewReader(tc.json))
		if err != nil {
			t.Fatal(err)
		}
		// A slice exercises the offsets of parent and child.
		a := array.NewSlice(full, 1, 6)
		full.Release()
		idx := []int32{4, 0, 2, 2, 1, 3}
		got, err := Gather(mem, a, idx)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]string, len(idx))
		for j, i := range idx {
			want[j] = a.ValueStr(int(i))
		}
		for j := range idx {
			if g := got.ValueStr(j); g != want[j] {
				t.Errorf("%s row %d: got %s, want %s", tc.typ, j, g, want[j])
			}
		}
		if got.NullN() != 1 {
			t.Errorf("%s: %d nulls, want 1", tc.typ, got.NullN())
		}
		got.Release()
		withMissing, err := Gather(mem, a, []int32{-1, 3})
		if err != nil {
			t.Fatal(err)
		}
		if !withMissing.IsNull(0) || withMissing.ValueStr(1) != a.ValueStr(3) {
			t.Errorf("%s: gather with -1 gave %v", tc.typ, withMissing)
		}
		withMissing.Release()
		a.Release()
	}
}

// An empty vector column (as after filtering every row out) may have no
// value buffer at all: gathering nothing from it must not dereference it.
func TestGatherEmptyFixedSizeList(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewFixedSizeListBuilder(mem, 2, arrow.PrimitiveTypes.Float32)
	a := b.NewArray()
	b.Release()
	defer a.Release()
	got, err := Gather(mem, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 0 || !arrow.TypeEqual(got.DataType(), a.DataType()) {
		t.Errorf("got %s of length %d", got.DataType(), got.Len())
	}
	got.Release()
}
