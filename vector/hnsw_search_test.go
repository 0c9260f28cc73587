package vector

import (
	"math"
	"slices"
	"testing"
)

// TestUpperBeamWidths checks searchGraphW for upper-level beams of width 1
// (hnswlib's greedy descent), 2 and 4 on clustered data: k distinct
// results, sorted, with their true distances, and recall that the wider
// beams do not lose (they start level 0 from more, and better, nodes).
func TestUpperBeamWidths(t *testing.T) {
	const n, nq, d, k, ef = 20000, 200, 32, 10, 10
	base := clustered(41, n, d, 200)
	queries := clustered(42, nq, d, 200)
	h := mustHNSW(t, d, HNSWOptions{M: 8, EfConstruction: 64, Seed: 3})
	if err := h.Add(base, nil); err != nil {
		t.Fatal(err)
	}
	if h.maxLevel < 2 {
		t.Fatalf("the graph has %d upper levels; the test needs several", h.maxLevel)
	}
	want := make([][]int64, nq)
	for qi := range want {
		want[qi] = bruteForce(L2, base, seq(n), d, queries[qi*d:(qi+1)*d], k, nil)
	}
	hits := map[int]int{}
	s := &searcher{}
	for _, w := range []int{1, 2, 4} {
		for qi := 0; qi < nq; qi++ {
			q := queries[qi*d : (qi+1)*d]
			res := h.searchGraphW(q, k, ef, w, nil, s)
			if len(res) != k {
				t.Fatalf("w=%d query %d: %d results", w, qi, len(res))
			}
			got := make([]int64, k)
			for i, r := range res {
				if i > 0 && res[i-1].d > r.d {
					t.Fatalf("w=%d query %d: results out of order: %v", w, qi, res)
				}
				// (The gather kernel sums in another order than dist.)
				if dd := h.dist(q, r.id); math.Abs(float64(dd-r.d)) > 1e-5*float64(dd) {
					t.Fatalf("w=%d query %d: node %d reported at %v, is at %v", w, qi, r.id, r.d, dd)
				}
				got[i] = int64(r.id)
			}
			slices.Sort(got)
			if len(slices.Compact(got)) != k {
				t.Fatalf("w=%d query %d: duplicate results %v", w, qi, res)
			}
			hits[w] += recall(got, want[qi])
		}
	}
	t.Logf("recall@%d at ef %d by beam width: %v of %d", k, ef, hits, nq*k)
	for _, w := range []int{1, 2, 4} {
		if r := float64(hits[w]) / (nq * k); r < 0.8 {
			t.Errorf("w=%d: recall %.3f", w, r)
		}
	}
	if hits[4] < hits[1]-nq*k/100 || hits[2] < hits[1]-nq*k/100 {
		t.Errorf("wider beams lost recall: %v", hits)
	}
}
