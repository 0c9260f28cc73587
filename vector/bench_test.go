package vector

import (
	"flag"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
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

// BenchmarkFilteredCutoff compares, for filters allowing a fraction of the
// 100,000 rows (every 1/fraction-th row), the graph walk (which steps
// through rejected nodes until it holds ef accepted ones) with the exact
// scan of the allowed rows; it reports q/s and the walk's recall@10. The
// crossover sets exactCost (see preferExact).
func BenchmarkFilteredCutoff(b *testing.B) {
	_, qs, h := benchSet(b, true)
	const k, ef = 10, 64
	for _, pct := range []float64{0.1, 0.3, 1, 2, 3, 5, 10} {
		step := int(100 / pct)
		var allowed []int64
		for i := 0; i < benchRows; i += step {
			allowed = append(allowed, int64(i))
		}
		acc := h.resolve(&Filter{IDs: allowed})
		nq := 200
		want := make([][]item, nq)
		s := &searcher{exactDist: make([]float32, exactBlock)}
		for qi := range want {
			want[qi] = slices.Clone(h.exact(qs[qi*benchDim:(qi+1)*benchDim], k, acc, &s.top, s.exactDist))
		}
		for _, mode := range []string{"graph", "exact"} {
			b.Run(fmt.Sprintf("pct=%v/%s", pct, mode), func(b *testing.B) {
				hits, total, i := 0, 0, 0
				for b.Loop() {
					qi := i % nq
					q := qs[qi*benchDim : (qi+1)*benchDim]
					var res []item
					if mode == "graph" {
						res = h.searchGraph(q, k, ef, acc, s)
					} else {
						res = h.exact(q, k, acc, &s.top, s.exactDist)
					}
					for _, r := range res {
						for _, w := range want[qi] {
							if r.id == w.id {
								hits++
							}
						}
					}
					total += len(want[qi])
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "q/s")
				b.ReportMetric(float64(hits)/float64(total), "recall")
			})
		}
	}
}

// BenchmarkUpperWidth compares beam widths for the upper levels (1 is
// hnswlib's greedy descent) at a few ef values: q/s and recall@10 against
// the exact search, one query per call. It sets upperWidth.
func BenchmarkUpperWidth(b *testing.B) {
	_, qs, h := benchSet(b, true)
	const k = 10
	want := make([][]item, benchQueries)
	s := &searcher{exactDist: make([]float32, exactBlock)}
	for qi := range want {
		want[qi] = slices.Clone(h.exact(qs[qi*benchDim:(qi+1)*benchDim], k, nil, &s.top, s.exactDist))
	}
	for _, ef := range []int{10, 16, 32} {
		for _, w := range []int{1, 2, 4, 8} {
			b.Run(fmt.Sprintf("ef=%d/w=%d", ef, w), func(b *testing.B) {
				hits, total, i := 0, 0, 0
				for b.Loop() {
					qi := i % benchQueries
					res := h.searchGraphW(qs[qi*benchDim:(qi+1)*benchDim], k, ef, w, nil, s)
					for _, r := range res {
						for _, x := range want[qi] {
							if r.id == x.id {
								hits++
							}
						}
					}
					total += k
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "q/s")
				b.ReportMetric(float64(hits)/float64(total), "recall")
			})
		}
	}
}

var (
	buildRows   = flag.Int("build-rows", 200_000, "rows of BenchmarkHNSWBuild")
	buildKernel = flag.Int("build-kernel", -1, "gather kernel of BenchmarkHNSWBuild (-1: the CPU's widest; 0 Go, 1 AVX2, 2 AVX-512)")
)

// BenchmarkHNSWBuild builds the index of bench/vector_store_bench.py
// (build-rows × 128 of its clustered set, m 16, ef_construction 200) in one
// Add ("whole") and as a stored table's index is built, 4,096 rows per Add
// after a Reserve ("batches"). It reports the CPU seconds of the build
// (all threads), and recall@10 and single-query q/s at ef 32 against the
// exact answers of 200 queries: a faster build must not cost either.
func BenchmarkHNSWBuild(b *testing.B) {
	n := *buildRows
	base := clusteredWith(21, n, benchDim, 100, 16, 0.05)
	qs := clusteredWith(22, 200, benchDim, 100, 16, 0.05)
	const k, ef = 10, 32
	nq := len(qs) / benchDim
	flat, _ := NewFlat(benchDim, L2)
	if err := flat.Add(base, nil); err != nil {
		b.Fatal(err)
	}
	want := make([]int64, nq*k)
	if err := flat.Search(qs, k, 0, nil, want, make([]float32, nq*k)); err != nil {
		b.Fatal(err)
	}
	if *buildKernel >= 0 {
		defer func(k int) { gatherKernel = k }(gatherKernel)
		gatherKernel = *buildKernel
	}
	for _, mode := range []string{"whole", "batches"} {
		b.Run(mode, func(b *testing.B) {
			var h *HNSW
			cpu := 0.0
			for b.Loop() {
				h, _ = NewHNSW(benchDim, L2, HNSWOptions{M: 16, EfConstruction: 200, Seed: 1})
				c0 := cpuSeconds()
				if mode == "whole" {
					if err := h.Add(base, nil); err != nil {
						b.Fatal(err)
					}
				} else {
					const batch = 4096
					h.Reserve(n)
					for s := 0; s < n; s += batch {
						e := min(n, s+batch)
						if err := h.Add(base[s*benchDim:e*benchDim], nil); err != nil {
							b.Fatal(err)
						}
					}
				}
				cpu += cpuSeconds() - c0
			}
			b.StopTimer()
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
			ids, dists := make([]int64, k), make([]float32, k)
			hits := 0
			t0 := time.Now()
			for rep := 0; rep < 5; rep++ {
				for qi := range nq {
					if err := h.Search(qs[qi*benchDim:(qi+1)*benchDim], k, ef, nil, ids, dists); err != nil {
						b.Fatal(err)
					}
					if rep == 0 {
						hits += recall(ids, want[qi*k:(qi+1)*k])
					}
				}
			}
			b.ReportMetric(float64(5*nq)/time.Since(t0).Seconds(), "q/s@ef32")
			b.ReportMetric(float64(hits)/float64(nq*k), "recall@ef32")
		})
	}
}
