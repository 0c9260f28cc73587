package vector

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sq8Store is a quantized store of n random rows of dimension d, its
// ranges widened once by a second, larger batch (re-encoding, new norms).
func sq8Store(t testing.TB, metric Metric, n, d int) *HNSW {
	h, err := NewHNSW(d, metric, HNSWOptions{Seed: 3, M: 8, EfConstruction: 16, Quantization: QuantizationSQ8})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, uint64(d)))
	for _, scale := range []float32{1, 3} {
		v := make([]float32, n*d)
		for i := range v {
			v[i] = scale * float32(r.NormFloat64())
		}
		if err := h.Add(v, nil); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// The batched sq8 distance (the AVX2 kernel over a prepared query) equals
// decoding each row, for every metric, with and without a 16-code tail.
func TestSQ8FastDistanceMatchesDecoded(t *testing.T) {
	if !hasAVX2FMA {
		t.Skip("no AVX2")
	}
	for _, metric := range []Metric{L2, InnerProduct, Cosine} {
		for _, d := range []int{8, 24, 128} {
			h := sq8Store(t, metric, 300, d)
			q := make([]float32, d)
			for i := range q {
				q[i] = float32(i%7) - 3
			}
			if metric == Cosine {
				normalize(q)
			}
			ids := make([]uint32, h.rows())
			for i := range ids {
				ids[i] = uint32(len(ids) - 1 - i)
			}
			fast := make([]float32, len(ids))
			if !h.distManySQ8(q, ids, fast) {
				t.Fatalf("%v d=%d: the fast path declined", metric, d)
			}
			for i, id := range ids {
				want := h.distSQ8(q, id)
				if diff := math.Abs(float64(fast[i] - want)); diff > 1e-4*max(1, math.Abs(float64(want))) {
					t.Fatalf("%v d=%d row %d: fast %g, decoded %g", metric, d, id, fast[i], want)
				}
			}
		}
	}
}

// BenchmarkSQ8Distances: the distances of a node's neighbours (32 rows of
// 128 codes), decoding each code against the batched kernel.
func BenchmarkSQ8Distances(b *testing.B) {
	h := sq8Store(b, L2, 5000, 128)
	q := make([]float32, 128)
	for i := range q {
		q[i] = float32(i%5) - 2
	}
	ids := make([]uint32, 32)
	for i := range ids {
		ids[i] = uint32(i * 97 % h.rows())
	}
	out := make([]float32, len(ids))
	b.Run("decoded", func(b *testing.B) {
		for b.Loop() {
			for i, id := range ids {
				out[i] = h.distSQ8(q, id)
			}
		}
	})
	b.Run("batched", func(b *testing.B) {
		for b.Loop() {
			h.distMany(q, ids, out)
		}
	})
}
