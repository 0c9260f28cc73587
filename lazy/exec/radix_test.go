package exec

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortByKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 17, 1000, 70000} {
		for _, spread := range []uint64{1, 300, 1 << 20, 1 << 62} {
			keys := make([]uint64, n)
			for i := range keys {
				keys[i] = (rng.Uint64() % spread) << 7
			}
			got := sortByKey(keys)
			want := make([]int32, n)
			for i := range want {
				want[i] = int32(i)
			}
			slices.SortStableFunc(want, func(a, b int32) int {
				switch {
				case keys[a] < keys[b]:
					return -1
				case keys[a] > keys[b]:
					return 1
				}
				return 0
			})
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d spread=%d: sortByKey differs from a stable sort", n, spread)
			}
		}
	}
}
