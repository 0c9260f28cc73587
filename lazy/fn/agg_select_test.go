package fn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSelectQuantileMatchesSort checks quantiles by selection against the
// sorted values, over sizes around the insertion-sort cutoff, duplicates
// and NaN, for every interpolation.
func TestSelectQuantileMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 16, 17, 18, 40, 257, 1000} {
		for trial := range 20 {
			v := make([]float64, n)
			for i := range v {
				switch r := rng.IntN(20); {
				case r == 0:
					v[i] = math.NaN()
				case r < 8 && trial%2 == 0:
					v[i] = float64(rng.IntN(4)) // many ties
				default:
					v[i] = rng.NormFloat64()
				}
			}
			sorted := slices.Clone(v)
			slices.SortFunc(sorted, func(a, b float64) int {
				switch {
				case nanLast(a, b):
					return -1
				case nanLast(b, a):
					return 1
				}
				return 0
			})
			for _, q := range []float64{0, 0.1, 0.25, 0.5, 0.77, 0.9, 1} {
				for _, interp := range []string{"nearest", "lower", "higher", "midpoint", "linear"} {
					want := quantileOf(sorted, q, interp)
					got := selectQuantile(slices.Clone(v), q, interp)
					if got != want && !(got != got && want != want) {
						t.Fatalf("n=%d q=%v %s: selection gives %v, sort %v (%v)", n, q, interp, got, want, v)
					}
				}
			}
		}
	}
}

// Groups of 100 values (the suite's 10K groups of 10M rows have 1000):
// selection against the sort it replaced.
func benchQuantile(b *testing.B, f func([]float64) float64) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]float64, 100*1000)
	for i := range src {
		src[i] = rng.Float64()
	}
	v := make([]float64, len(src))
	b.ResetTimer()
	for range b.N {
		copy(v, src)
		for g := 0; g < len(v); g += 100 {
			f(v[g : g+100])
		}
	}
}

func BenchmarkMedianSelect(b *testing.B) {
	benchQuantile(b, func(v []float64) float64 { return selectQuantile(v, 0.5, "linear") })
}

func BenchmarkMedianSort(b *testing.B) {
	benchQuantile(b, func(v []float64) float64 {
		slices.SortFunc(v, func(a, b float64) int {
			switch {
			case nanLast(a, b):
				return -1
			case nanLast(b, a):
				return 1
			}
			return 0
		})
		return quantileOf(v, 0.5, "linear")
	})
}
