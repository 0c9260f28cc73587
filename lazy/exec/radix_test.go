package exec

import (
	"fmt"
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
			checkSortByKey(t, keys, "random")
			// A few ascending runs (as groups' first rows come), with
			// keys equal across runs: the merge of runs.
			for _, runs := range []int{2, 3, 8, 40, 100} {
				sorted := slices.Clone(keys)
				for r := range runs {
					slices.Sort(sorted[r*n/runs : (r+1)*n/runs])
				}
				checkSortByKey(t, sorted, fmt.Sprintf("%d runs", runs))
			}
		}
	}
}

// checkSortByKey compares sortByKey with a stable comparison sort.
func checkSortByKey(t *testing.T, keys []uint64, what string) {
	t.Helper()
	got := sortByKey(keys)
	want := make([]int32, len(keys))
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
		t.Fatalf("n=%d %s: sortByKey differs from a stable sort", len(keys), what)
	}
}
