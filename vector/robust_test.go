package vector

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// bothKinds builds a flat and an HNSW index of metric m over base.
func bothKinds(t *testing.T, d int, m Metric, base []float32) []Index {
	t.Helper()
	f, _ := NewFlat(d, m)
	h, _ := NewHNSW(d, m, HNSWOptions{M: 4, EfConstruction: 32, Seed: 1})
	for _, idx := range []Index{f, h} {
		if err := idx.Add(base, nil); err != nil {
			t.Fatal(err)
		}
	}
	return []Index{f, h}
}

// A k far beyond the rows (a LIMIT of 2^31-1 reaches Search as such a k)
// must not size anything by k but the caller's result buffers: the heaps
// used to be allocated with capacity k.
func TestSearchHugeKAllocatesByRows(t *testing.T) {
	d := 4
	base := clustered(1, 50, d, 3)
	const k = 1 << 20
	ids, dists := make([]int64, k), make([]float32, k)
	for _, idx := range bothKinds(t, d, L2, base) {
		for _, f := range []*Filter{nil, {IDs: []int64{1, 2, 3}}} {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			if err := idx.Search(base[:d], k, 0, f, ids, dists); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Fatalf("%T filter %v: search with k=%d over 50 rows allocated %d bytes", idx, f != nil, k, grew)
			}
			want := 50
			if f != nil {
				want = 3
			}
			if ids[want-1] < 0 || ids[want] != -1 || !math.IsInf(float64(dists[k-1]), 1) {
				t.Fatalf("%T: want %d rows then padding, got %v…", idx, want, ids[:want+1])
			}
		}
	}
}

func TestSearchRejectsBadK(t *testing.T) {
	d := 2
	for _, idx := range bothKinds(t, d, L2, clustered(2, 10, d, 2)) {
		for _, k := range []int{0, -1, math.MinInt} {
			err := idx.Search([]float32{0, 0}, k, 0, nil, nil, nil)
			if core.KindOf(err) != core.KindInvalidInput {
				t.Fatalf("k=%d: %v", k, err)
			}
		}
		// 4 × 2^62 wraps to 0: empty buffers must not pass the check.
		q := make([]float32, 4*d)
		err := idx.Search(q, 1<<62, 0, nil, nil, nil)
		if core.KindOf(err) != core.KindInvalidInput {
			t.Fatalf("overflowing nq×k: %v", err)
		}
	}
}

// HNSW graphs under "ip" in two or three dimensions leave points nobody
// links to (a point inside the hull is no one's nearest by inner product):
// the walk used to return fewer than k rows while thousands existed.
func TestHNSWInnerProductLowDimReturnsK(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{2, 3} {
		n := 2000
		base := make([]float32, n*d)
		for i := range base {
			base[i] = float32(r.NormFloat64())
		}
		h, _ := NewHNSW(d, InnerProduct, HNSWOptions{M: 4, EfConstruction: 50, Seed: 5})
		if err := h.Add(base, nil); err != nil {
			t.Fatal(err)
		}
		mask := make([]bool, n)
		for i := range mask {
			mask[i] = i%2 == 0
		}
		for _, c := range []struct {
			f    *Filter
			k    int
			want int
		}{{nil, n / 2, n / 2}, {nil, n, n}, {nil, n + 5, n}, {&Filter{Mask: mask}, n / 3, n / 3}, {&Filter{Mask: mask}, n, n / 2}} {
			q := make([]float32, 5*d)
			for i := range q {
				q[i] = float32(r.NormFloat64())
			}
			ids, dists := search(t, h, q, c.k, 0, c.f)
			for qi := 0; qi < 5; qi++ {
				got := ids[qi*c.k : (qi+1)*c.k]
				found := slices.IndexFunc(got, func(id int64) bool { return id < 0 })
				if found < 0 {
					found = c.k
				}
				if found != c.want {
					t.Fatalf("d=%d k=%d filter=%v: %d rows, want %d", d, c.k, c.f != nil, found, c.want)
				}
				if !slices.IsSortedFunc(dists[qi*c.k:qi*c.k+found], cmpF) {
					t.Fatalf("d=%d: distances not sorted", d)
				}
				if c.f != nil && slices.ContainsFunc(got[:found], func(id int64) bool { return id%2 != 0 }) {
					t.Fatalf("d=%d: a filtered-out row came back", d)
				}
			}
		}
	}
}

// Finite vectors near the float32 limit: l2 and ip reject those whose
// distances would overflow (they used to come back as ±Inf or not at
// all), naming the row; cosine normalises in float64 and takes them.
func TestNearOverflowVectors(t *testing.T) {
	huge := []float32{3e38, 3e38, 1e20, 1e20, 1, 1, -2e19, 1e19}
	for _, m := range []Metric{L2, InnerProduct} {
		for _, idx := range bothKinds(t, 2, m, []float32{1, 2}) {
			err := idx.Add(huge, nil)
			if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), "row 0") {
				t.Fatalf("%s %T: add: %v", m, idx, err)
			}
			err = idx.Add([]float32{1, 1, 1e20, 0}, nil)
			if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), "row 1") {
				t.Fatalf("%s %T: add row 1: %v", m, idx, err)
			}
			if idx.Len() != 1 {
				t.Fatalf("a failed add changed the index")
			}
			err = idx.Search([]float32{1e20, 1}, 1, 0, nil, make([]int64, 1), make([]float32, 1))
			if core.KindOf(err) != core.KindInvalidInput {
				t.Fatalf("%s %T: search: %v", m, idx, err)
			}
			// Just inside the bound every distance stays finite.
			edge := float32(math.Sqrt(maxSquaredNorm/2)) * 0.999
			if err := idx.Add([]float32{edge, edge, -edge, -edge}, nil); err != nil {
				t.Fatalf("%s: the largest allowed vectors: %v", m, err)
			}
			ids, dists := search(t, idx, []float32{-edge, -edge}, 3, 0, nil)
			if slices.Contains(ids, -1) || slices.ContainsFunc(dists, func(v float32) bool { return math.IsInf(float64(v), 0) }) {
				t.Fatalf("%s %T: %v %v", m, idx, ids, dists)
			}
		}
	}
	for _, idx := range bothKinds(t, 2, Cosine, huge) {
		ids, dists := search(t, idx, []float32{3e38, 3e38}, 4, 0, nil)
		if slices.Contains(ids, -1) {
			t.Fatalf("cosine %T dropped rows: %v", idx, ids)
		}
		// Rows 0-2 point along (1, 1); row 3 along (-2, 1).
		if !slices.Equal(ids[3:], []int64{3}) || math.Abs(float64(dists[0])) > 1e-6 || math.Abs(float64(dists[3])-(1+1/math.Sqrt(10))) > 1e-5 {
			t.Fatalf("cosine %T: %v %v", idx, ids, dists)
		}
	}
}

func TestIDsAtTheEndOfInt64(t *testing.T) {
	for _, idx := range bothKinds(t, 1, L2, []float32{1}) {
		if err := idx.Add([]float32{2}, []int64{math.MaxInt64}); core.KindOf(err) != core.KindInvalidInput {
			t.Fatalf("id 2^63-1: %v", err)
		}
		if err := idx.Add([]float32{2}, []int64{maxID}); err != nil {
			t.Fatal(err)
		}
		// The next generated id would be 2^63-1, past the last one.
		if err := idx.Add([]float32{3}, nil); core.KindOf(err) != core.KindInvalidInput {
			t.Fatalf("generated id past maxID: %v", err)
		}
		if idx.Len() != 2 {
			t.Fatalf("len %d", idx.Len())
		}
	}
}

// A saved next id outside [0, 2^63-1] would make Add generate negative ids.
func TestLoadRejectsBadNextID(t *testing.T) {
	empty, _ := NewFlat(2, L2)
	path := filepath.Join(t.TempDir(), "empty.bin")
	if err := empty.Save(path); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range []int64{-5, math.MinInt64, math.MaxInt64, 0} {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint64(b[16+16+36:], uint64(next))
		idx, err := Decode(reseal(b), "x")
		if next >= 0 && next <= maxID+1 {
			if err != nil {
				t.Fatalf("next id %d: %v", next, err)
			}
			if next == math.MaxInt64 {
				if err := idx.Add([]float32{1, 2}, nil); core.KindOf(err) != core.KindInvalidInput {
					t.Fatalf("add after next id %d: %v", next, err)
				}
			}
			continue
		}
		wantInvalid(t, err, fmt.Sprintf("next id %d", next))
	}
}

// TestCosineDistanceNearOverflow: the dot product and the product of norms of
// finite vectors near float32's maximum overflow; the distance must still be
// the true one (0 for parallel, 2 for opposite, 1 for orthogonal vectors).
func TestCosineDistanceNearOverflow(t *testing.T) {
	const big = 3e38
	cases := []struct {
		a, b []float32
		want float32
	}{
		{[]float32{big, big}, []float32{big, big}, 0},
		{[]float32{big, 0}, []float32{-big, 0}, 2},
		{[]float32{big, 0}, []float32{0, 1e20}, 1},
		{[]float32{1e20, 1e20}, []float32{2e20, 2e20}, 0},
	}
	for _, c := range cases {
		got, err := CosineDistance(c.a, c.b)
		if err != nil || !(math.Abs(float64(got-c.want)) <= 1e-6) {
			t.Errorf("CosineDistance(%v, %v) = %v, %v; want %v", c.a, c.b, got, err, c.want)
		}
		norms := []float32{0}
		if err := Norms(c.b, len(c.b), norms); err != nil {
			t.Fatal(err)
		}
		out := []float32{0}
		if err := Distances(KernelCosine, c.a, c.b, norms, out); err != nil || !(math.Abs(float64(out[0]-c.want)) <= 1e-6) {
			t.Errorf("Distances(cosine, %v, %v) = %v, %v; want %v", c.a, c.b, out[0], err, c.want)
		}
	}
}
