package vector

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randVec(r *rand.Rand, d int) []float32 {
	v := make([]float32, d)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func refDist(k Kernel, a, b []float32) float64 {
	var s, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		switch k {
		case KernelSquaredL2, KernelL2:
			s += (x - y) * (x - y)
		case KernelL1:
			s += math.Abs(x - y)
		case KernelDot, KernelCosine:
			s += x * y
			na += x * x
			nb += y * y
		}
	}
	switch k {
	case KernelL2:
		return math.Sqrt(s)
	case KernelCosine:
		return 1 - s/math.Sqrt(na*nb)
	}
	return s
}

// The kernels accumulate in float32; against a float64 reference we allow a
// relative error of 1e-5·sqrt(d) of the sum of magnitudes involved.
func tolerance(k Kernel, a, b []float32) float64 {
	var mag float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		switch k {
		case KernelSquaredL2, KernelL2:
			mag += (x - y) * (x - y)
		case KernelL1:
			mag += math.Abs(x - y)
		default:
			mag += math.Abs(x * y)
		}
	}
	if k == KernelCosine {
		mag = 1
	}
	if k == KernelL2 {
		mag = math.Sqrt(mag)
	}
	return 1e-5*math.Sqrt(float64(len(a)))*mag + 1e-6
}

func TestKernelsAgainstFloat64Reference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	kernels := map[Kernel]func(a, b []float32) (float32, error){
		KernelSquaredL2: SquaredL2, KernelL2: EuclideanL2, KernelDot: Dot, KernelCosine: CosineDistance, KernelL1: L1,
	}
	for _, d := range []int{1, 2, 3, 4, 7, 15, 16, 17, 31, 33, 127, 128, 1536} {
		for trial := 0; trial < 20; trial++ {
			a, b := randVec(r, d), randVec(r, d)
			for k, fn := range kernels {
				got, err := fn(a, b)
				if err != nil {
					t.Fatal(err)
				}
				want := refDist(k, a, b)
				if math.Abs(float64(got)-want) > tolerance(k, a, b) {
					t.Fatalf("kernel %d d=%d: got %v want %v (tol %v)", k, d, got, want, tolerance(k, a, b))
				}
			}
		}
	}
}

func TestBatchKernelsMatchPairwise(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 3, 127, 1536} {
		n, nq := 37, 5
		base := randVec(r, n*d)
		queries := randVec(r, nq*d)
		norms := make([]float32, n)
		if err := Norms(base, d, norms); err != nil {
			t.Fatal(err)
		}
		for _, k := range []Kernel{KernelSquaredL2, KernelL2, KernelDot, KernelCosine, KernelL1} {
			out := make([]float32, nq*n)
			if err := DistancesBatch(k, queries, base, norms, d, out); err != nil {
				t.Fatal(err)
			}
			for qi := 0; qi < nq; qi++ {
				q := queries[qi*d : (qi+1)*d]
				for i := 0; i < n; i++ {
					b := base[i*d : (i+1)*d]
					want := refDist(k, q, b)
					if got := out[qi*n+i]; math.Abs(float64(got)-want) > tolerance(k, q, b) {
						t.Fatalf("kernel %d d=%d q=%d i=%d: got %v want %v", k, d, qi, i, got, want)
					}
				}
			}
		}
	}
}

func TestKernelsRejectBadLengths(t *testing.T) {
	if _, err := SquaredL2(nil, nil); err == nil {
		t.Fatal("empty vectors accepted")
	}
	if _, err := Dot([]float32{1, 2}, []float32{1}); err == nil {
		t.Fatal("mismatched lengths accepted")
	}
	if err := Distances(KernelSquaredL2, []float32{1, 2}, []float32{1, 2, 3}, nil, make([]float32, 2)); err == nil {
		t.Fatal("ragged base accepted")
	}
	if err := Distances(KernelCosine, []float32{1}, []float32{1, 2}, []float32{1}, make([]float32, 2)); err == nil {
		t.Fatal("missing norms accepted")
	}
}

func TestCosineOfZeroVectorIsOne(t *testing.T) {
	got, _ := CosineDistance([]float32{0, 0, 0}, []float32{1, 2, 3})
	if got != 1 {
		t.Fatalf("got %v", got)
	}
}

// Benchmarks comparing vek's AVX2 kernels with 4-way unrolled Go loops; the
// numbers decide the cut-over in dot and sqL2 (see BENCHMARKS.md).
func benchPair(b *testing.B, d int, fn func(a, b []float32) float32) {
	r := rand.New(rand.NewPCG(5, 6))
	x, y := randVec(r, d), randVec(r, d)
	var s float32
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s += fn(x, y)
	}
	sink = s
}

var sink float32

func BenchmarkKernels(b *testing.B) {
	vekSq := func(x, y []float32) float32 { d := vekDistance(x, y); return d * d }
	for _, d := range []int{4, 8, 16, 32, 128, 1536} {
		b.Run("sqL2/vek/d="+itoa(d), func(b *testing.B) { benchPair(b, d, vekSq) })
		b.Run("sqL2/go4/d="+itoa(d), func(b *testing.B) { benchPair(b, d, sqL2Small) })
		b.Run("dot/vek/d="+itoa(d), func(b *testing.B) { benchPair(b, d, vekDot) })
		b.Run("dot/go4/d="+itoa(d), func(b *testing.B) { benchPair(b, d, dotSmall) })
		b.Run("l1/vek/d="+itoa(d), func(b *testing.B) { benchPair(b, d, vekL1) })
		b.Run("l1/go4/d="+itoa(d), func(b *testing.B) { benchPair(b, d, l1Small) })
	}
}
