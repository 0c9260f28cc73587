package vector

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotTileKernels checks every tile kernel the CPU runs against the
// pairwise dot product, on shapes that leave remainders in queries, rows
// and dimensions.
func TestDotTileKernels(t *testing.T) {
	defer func(k int) { tileKernel = k }(tileKernel)
	r := rand.New(rand.NewPCG(1, 2))
	kernels := []int{0}
	if hasAVX2FMA {
		kernels = append(kernels, 1)
	}
	if hasAVX512 {
		kernels = append(kernels, 2)
	}
	for _, kern := range kernels {
		tileKernel = kern
		for _, d := range []int{1, 7, 8, 9, 16, 17, 24, 33, 128, 130} {
			for _, shape := range [][2]int{{1, 1}, {4, 3}, {4, 6}, {5, 7}, {9, 13}, {12, 30}} {
				nq, nx := shape[0], shape[1]
				qs, xs := randVec(r, nq*d), randVec(r, nx*d)
				ldo := nx + 2
				dots := make([]float32, nq*ldo)
				dotTile(qs, nq, xs, nx, d, dots, ldo)
				for i := 0; i < nq; i++ {
					for j := 0; j < nx; j++ {
						want := refDist(KernelDot, qs[i*d:(i+1)*d], xs[j*d:(j+1)*d])
						got := float64(dots[i*ldo+j])
						if math.Abs(got-want) > 1e-4*(1+float64(d)) {
							t.Fatalf("kernel %d d=%d %dx%d: dots[%d][%d] = %v, want %v", kern, d, nq, nx, i, j, got, want)
						}
					}
				}
			}
		}
	}
}

// TestFlatKernelsAgree runs exact search with every tile kernel on a batch
// large enough to split the base into chunks.
func TestFlatKernelsAgree(t *testing.T) {
	best := tileKernel
	defer func() { tileKernel = best }()
	n, d, k := 3000, 40, 5
	base := clustered(21, n, d, 10)
	qs := clustered(22, 70, d, 10)
	for _, metric := range []Metric{L2, InnerProduct, Cosine} {
		f, _ := NewFlat(d, metric)
		f.Add(base, nil)
		var first []int64
		for kern := 0; kern <= best; kern++ {
			tileKernel = kern
			ids, _ := search(t, f, qs, k, 0, nil)
			if first == nil {
				first = ids
				continue
			}
			hit := 0
			for qi := 0; qi < len(ids)/k; qi++ {
				hit += recall(ids[qi*k:(qi+1)*k], first[qi*k:(qi+1)*k])
			}
			if hit < len(first)-2 { // near-ties may swap
				t.Fatalf("%v kernel %d: %d of %d ids agree with the Go kernel", metric, kern, hit, len(first))
			}
		}
	}
}

// BenchmarkDotTile measures the tile kernels alone on a 64-query × 132-row
// tile at d=128, in GFLOP/s.
func BenchmarkDotTile(b *testing.B) {
	best := tileKernel
	defer func() { tileKernel = best }()
	r := rand.New(rand.NewPCG(1, 2))
	const nq, nx, d = tileQueries, tileRows, 128
	qs, xs := randVec(r, nq*d), randVec(r, nx*d)
	dots := make([]float32, nq*nx)
	for kern := 0; kern <= best; kern++ {
		b.Run(fmt.Sprintf("kernel=%d", kern), func(b *testing.B) {
			tileKernel = kern
			for b.Loop() {
				dotTile(qs, nq, xs, nx, d, dots, nx)
			}
			b.ReportMetric(float64(2*nq*nx*d)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestDistManyMatchesDist checks the gather kernels against the pairwise
// distance on every metric and on dimensions with and without a tail.
func TestDistManyMatchesDist(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, metric := range []Metric{L2, InnerProduct} {
		for _, d := range []int{3, 8, 16, 24, 32, 40, 48, 56, 128, 136, 1536} {
			s, _ := newStore(d, metric)
			n := 50
			s.appendRows(randVec(r, n*d), seq(n))
			q := randVec(r, d)
			ids := []uint32{7, 0, 49, 3, 3, 12}
			out := make([]float32, len(ids)+1)
			s.distMany(q, ids, out)
			for i, id := range ids {
				want := s.dist(q, id)
				if math.Abs(float64(out[i]-want)) > 1e-4*(1+math.Abs(float64(want))) {
					t.Fatalf("%v d=%d: distMany[%d] = %v, dist = %v", metric, d, i, out[i], want)
				}
			}
		}
	}
}

// Far from the origin the norm expansion of L2 cannot order near ties in
// float32; the unfiltered flat search still returns the exact order.
func TestFlatL2FarFromOrigin(t *testing.T) {
	f, err := NewFlat(2, L2)
	if err != nil {
		t.Fatal(err)
	}
	var vecs []float32
	for i := range 5000 {
		vecs = append(vecs, float32(i), 0)
	}
	if err := f.Add(vecs, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []float32{3000.2, 4000.3, 1234.6} {
		ids, dists := make([]int64, 2), make([]float32, 2)
		if err := f.Search([]float32{q, 0}, 2, 0, nil, ids, dists); err != nil {
			t.Fatal(err)
		}
		near := int64(math.Round(float64(q)))
		second := near - 1
		if float64(q) > float64(near) {
			second = near + 1
		}
		if ids[0] != near || ids[1] != second {
			t.Fatalf("nearest to %v: %v (%v)", q, ids, dists)
		}
	}
}
