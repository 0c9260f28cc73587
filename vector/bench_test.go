package vector

import (
	"fmt"
	"sync"
	"testing"
)

// Benchmarks on clustered data shaped like the Python benchmark's synthetic
// set (d=128). The indexes are built once per process and shared.

const benchDim = 128

var benchData = struct {
	sync.Once
	base, queries []float32
	hnsw          *HNSW
}{}

const benchRows, benchQueries = 100_000, 1000

func benchSet(b *testing.B, withHNSW bool) ([]float32, []float32, *HNSW) {
	benchData.Do(func() {
		benchData.base = clustered(11, benchRows, benchDim, 100)
		benchData.queries = clustered(12, benchQueries, benchDim, 100)
	})
	if withHNSW && benchData.hnsw == nil {
		h, err := NewHNSW(benchDim, L2, HNSWOptions{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		if err := h.Add(benchData.base, nil); err != nil {
			b.Fatal(err)
		}
		benchData.hnsw = h
	}
	return benchData.base, benchData.queries, benchData.hnsw
}

// BenchmarkFlatSearch reports queries per second of exact search over
// 100,000 × 128 vectors for batches of 1, 8 and 256 queries.
func BenchmarkFlatSearch(b *testing.B) {
	base, qs, _ := benchSet(b, false)
	f, _ := NewFlat(benchDim, L2)
	if err := f.Add(base, nil); err != nil {
		b.Fatal(err)
	}
	const k = 10
	for _, nq := range []int{1, 8, 256} {
		b.Run(fmt.Sprintf("nq=%d", nq), func(b *testing.B) {
			ids, dists := make([]int64, nq*k), make([]float32, nq*k)
			for b.Loop() {
				if err := f.Search(qs[:nq*benchDim], k, 0, nil, ids, dists); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(nq*b.N)/b.Elapsed().Seconds(), "q/s")
		})
	}
}

// BenchmarkHNSWSearch reports queries per second at a few ef values, one
// query per call (the single-thread path of a batch).
func BenchmarkHNSWSearch(b *testing.B) {
	_, qs, h := benchSet(b, true)
	const k = 10
	ids, dists := make([]int64, k), make([]float32, k)
	for _, ef := range []int{16, 64} {
		b.Run(fmt.Sprintf("ef=%d", ef), func(b *testing.B) {
			i := 0
			for b.Loop() {
				q := qs[i%benchQueries*benchDim : (i%benchQueries+1)*benchDim]
				if err := h.Search(q, k, ef, nil, ids, dists); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "q/s")
		})
	}
}
