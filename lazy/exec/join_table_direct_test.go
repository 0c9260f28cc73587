package exec

import (
	"slices"
	"testing"
)

// Keys using a tenth of their range get the direct index when it is no
// larger than the hash index (4-byte slots over the range against 16-byte
// ones, twice the keys rounded up to a power of two), and the hash index
// past that; both find the same chain heads.
func TestBuildIntIndexDirectWhenNoLarger(t *testing.T) {
	for _, tc := range []struct {
		step   int64
		direct bool
	}{{10, true}, {15, false}} {
		const n = 100_000 // 2^18 hash slots: a direct index up to 2^20 keys
		vals := make([]int64, n)
		for i := range vals {
			vals[i] = int64(i) * tc.step
		}
		next := make([]int32, n)
		ix := buildIntIndex(vals, nil, next)
		if _, ok := ix.(*directIndex); ok != tc.direct {
			t.Fatalf("step %d: direct index %v, want %v", tc.step, ok, tc.direct)
		}
		probe := []int64{0, tc.step * 7, tc.step*7 + 1, -1, tc.step * n}
		out := make([]int32, len(probe))
		ix.heads(probe, nil, out)
		if want := []int32{0, 7, -1, -1, -1}; !slices.Equal(out, want) {
			t.Fatalf("step %d: heads %v, want %v", tc.step, out, want)
		}
	}
}
