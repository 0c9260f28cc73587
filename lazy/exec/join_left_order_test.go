package exec

import (
	"slices"
	"testing"
)

// countingOrder sorts by key stably: equal keys keep their input order.
func TestCountingOrder(t *testing.T) {
	for _, tc := range []struct {
		keys []int32
		want []int32
	}{
		{nil, []int32{}},
		{[]int32{0}, []int32{0}},
		{[]int32{2, 0, 2, 1, 0, 5}, []int32{1, 4, 3, 0, 2, 5}},
		{[]int32{3, 3, 3}, []int32{0, 1, 2}},
	} {
		got, err := countingOrder(tc.keys)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("countingOrder(%v) = %v, %v; want %v", tc.keys, got, err, tc.want)
		}
	}
	if _, err := countingOrder([]int32{1, -1}); err == nil {
		t.Error("a negative key gave no error")
	}
}
