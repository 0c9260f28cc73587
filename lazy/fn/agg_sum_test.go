package fn

import (
	"math"
	"testing"

	"github.com/alopexdb/alopex/internal/testkit"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A checked sum (SQL's SUM) is exact when partial sums wrap and come back,
// across a merge of two workers' states too, and an error when the total
// is out of range; the unchecked sum wraps, as Polars' does.
func TestCheckedSum(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	i64 := arrow.PrimitiveTypes.Int64
	run := func(checked bool, halves ...[]any) (any, error) {
		var states []AggState
		for _, h := range halves {
			s, err := newSumState(i64, i64, checked)
			if err != nil {
				t.Fatal(err)
			}
			s.Grow(1)
			arr := testkit.Array(t, mem, i64, h)
			s.Update(make([]int32, len(h)), arr, 0)
			arr.Release()
			states = append(states, s)
		}
		for _, o := range states[1:] {
			states[0].Merge(o, []int32{0}, []int32{0})
		}
		out, err := states[0].Finish(mem)
		if err != nil {
			return nil, err
		}
		defer out.Release()
		return testkit.Values(t, out)[0], nil
	}
	big := int64(math.MaxInt64)
	for _, c := range []struct {
		halves [][]any
		want   any // nil: out of range
	}{
		{[][]any{{big, int64(1), int64(-5)}}, big - 4},
		{[][]any{{big, int64(1)}, {int64(-5), nil}}, big - 4},
		{[][]any{{big}, {int64(1)}}, nil},
		{[][]any{{int64(math.MinInt64)}, {int64(-1)}}, nil},
		{[][]any{{int64(math.MinInt64), int64(-1), int64(1)}}, int64(math.MinInt64)},
		{[][]any{{big, big, big}, {big, int64(4), nil}}, nil},
	} {
		got, err := run(true, c.halves...)
		if c.want == nil {
			if err == nil {
				t.Errorf("%v: %v, want an out-of-range error", c.halves, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%v: %v, %v; want %v", c.halves, got, err, c.want)
		}
	}
	if got, err := run(false, []any{big}, []any{int64(1)}); err != nil || got != int64(math.MinInt64) {
		t.Errorf("unchecked: %v, %v; want a wrapped sum", got, err)
	}
}
