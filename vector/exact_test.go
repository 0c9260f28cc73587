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

// TestDistManyMatchesDist checks each gather kernel the CPU runs, through
// distMany and the pairwise dist, against the distance summed in float64,
// on every metric and on dimensions with and without a tail.
func TestDistManyMatchesDist(t *testing.T) {
	kernels := []int{gatherGo}
	if hasAVX2FMA {
		kernels = append(kernels, gatherAVX2)
	}
	if hasAVX512 {
		kernels = append(kernels, gatherAVX512)
	}
	defer func(k int) { gatherKernel = k }(gatherKernel)
	r := rand.New(rand.NewPCG(3, 4))
	for _, k := range kernels {
		gatherKernel = k
		for _, metric := range []Metric{L2, InnerProduct} {
			for _, d := range []int{3, 8, 16, 24, 32, 40, 48, 56, 64, 80, 128, 136, 144, 1536} {
				s, _ := newStore(d, metric)
				n := 50
				s.appendRows(randVec(r, n*d), seq(n))
				q := randVec(r, d)
				ids := []uint32{7, 0, 49, 3, 3, 12}
				out := make([]float32, len(ids)+1)
				s.distMany(q, ids, out)
				for i, id := range ids {
					var want float64
					for j, x := range s.vec(id) {
						if metric == L2 {
							want += (float64(q[j]) - float64(x)) * (float64(q[j]) - float64(x))
						} else {
							want += float64(q[j]) * float64(x)
						}
					}
					if metric != L2 {
						want = 1 - want
					}
					tol := 1e-4 * (1 + math.Abs(want))
					if math.Abs(float64(out[i])-want) > tol {
						t.Fatalf("kernel %d %v d=%d: distMany[%d] = %v, want %v", k, metric, d, i, out[i], want)
					}
					if got := s.dist(q, id); math.Abs(float64(got)-want) > tol {
						t.Fatalf("kernel %d %v d=%d: dist(q, %d) = %v, want %v", k, metric, d, id, got, want)
					}
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

// BenchmarkGather measures distMany of 32 rows of dimension 128 (a level-0
// node's neighbours) with each gather kernel the CPU runs: rows in cache
// (32 of 2,048) and rows anywhere in 100 MiB (200,000 rows).
func BenchmarkGather(b *testing.B) {
	const d, n = 128, 32
	r := rand.New(rand.NewPCG(5, 6))
	rows := 200_000
	s, _ := newStore(d, L2)
	s.appendRows(randVec(r, rows*d), seq(rows))
	q := randVec(r, d)
	out := make([]float32, n)
	defer func(k int) { gatherKernel = k }(gatherKernel)
	for _, k := range []int{gatherAVX2, gatherAVX512} {
		if k == gatherAVX2 && !hasAVX2FMA || k == gatherAVX512 && !hasAVX512 {
			continue
		}
		for _, span := range []int{2048, rows} {
			ids := make([][]uint32, 1024)
			for i := range ids {
				ids[i] = make([]uint32, n)
				for j := range ids[i] {
					ids[i][j] = uint32(r.IntN(span))
				}
			}
			b.Run(fmt.Sprintf("kernel=%d/span=%d", k, span), func(b *testing.B) {
				gatherKernel = k
				i := 0
				for b.Loop() {
					s.distMany(q, ids[i%len(ids)], out)
					i++
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
			})
		}
	}
}
