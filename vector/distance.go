package vector

import (
	"fmt"
	"math"

	"github.com/viterin/vek/vek32"
)

// Metric is the distance an index orders neighbours by. Smaller is closer
// for every metric.
type Metric uint8

const (
	// L2 is the squared Euclidean distance sum((a-b)²), as hnswlib and
	// FAISS report it: the square root is never taken, it does not change
	// the order.
	L2 Metric = iota
	// InnerProduct is 1 - a·b (hnswlib's "ip" space); it can be negative.
	InnerProduct
	// Cosine is 1 - cos(a, b). Indexes normalise vectors when they are
	// added and queries when they search, then compute 1 - a·b.
	Cosine
)

// String returns the metric's name as the Python API spells it.
func (m Metric) String() string {
	switch m {
	case L2:
		return "l2"
	case InnerProduct:
		return "ip"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("Metric(%d)", uint8(m))
}

// ParseMetric reads "l2", "ip" or "cosine".
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "l2":
		return L2, nil
	case "ip":
		return InnerProduct, nil
	case "cosine":
		return Cosine, nil
	}
	return 0, invalid("unknown metric %q: use \"l2\", \"ip\" or \"cosine\"", s)
}

// The exported kernels check their arguments and return an error instead of
// letting vek panic; the unexported ones below them trust their caller (the
// indexes validate dimensions once, at their boundary).

func checkPair(a, b []float32) error {
	if len(a) == 0 {
		return invalid("distance between empty vectors")
	}
	if len(a) != len(b) {
		return invalid("distance between vectors of dimension %d and %d", len(a), len(b))
	}
	return nil
}

// SquaredL2 returns sum((a[i]-b[i])²).
func SquaredL2(a, b []float32) (float32, error) {
	if err := checkPair(a, b); err != nil {
		return 0, err
	}
	return sqL2(a, b), nil
}

// EuclideanL2 returns sqrt(sum((a[i]-b[i])²)).
func EuclideanL2(a, b []float32) (float32, error) {
	if err := checkPair(a, b); err != nil {
		return 0, err
	}
	return vek32.Distance(a, b), nil
}

// Dot returns the inner product a·b.
func Dot(a, b []float32) (float32, error) {
	if err := checkPair(a, b); err != nil {
		return 0, err
	}
	return dot(a, b), nil
}

// CosineDistance returns 1 - a·b/(|a||b|); 1 when either vector is zero.
func CosineDistance(a, b []float32) (float32, error) {
	if err := checkPair(a, b); err != nil {
		return 0, err
	}
	return cosineDistance(a, b, norm(a), norm(b)), nil
}

// L1 returns sum(|a[i]-b[i]|).
func L1(a, b []float32) (float32, error) {
	if err := checkPair(a, b); err != nil {
		return 0, err
	}
	return l1(a, b), nil
}

func cosineDist(dot, na, nb float32) float32 {
	if na == 0 || nb == 0 {
		return 1
	}
	return 1 - dot/(na*nb)
}

// cosineDistance is 1 - cos(a, b) given the norms of a and b. Finite vectors
// whose dot product or product of norms overflows float32 (components near
// 1e19 and beyond) are measured again in float64: in float32 the distance
// would come out NaN, or 1 where dot/inf rounds to 0.
func cosineDistance(a, b []float32, na, nb float32) float32 {
	d := dot(a, b)
	if den := na * nb; !math.IsInf(float64(d), 0) && !math.IsInf(float64(den), 0) {
		return cosineDist(d, na, nb)
	}
	if na == 0 || nb == 0 {
		return 1
	}
	var ab float64
	for i, v := range a {
		ab += float64(v) * float64(b[i])
	}
	return float32(1 - ab/(math.Sqrt(squaredNorm64(a))*math.Sqrt(squaredNorm64(b))))
}

// Kernel names a pairwise distance for the batch functions.
type Kernel uint8

const (
	KernelSquaredL2 Kernel = iota
	KernelL2
	KernelDot
	KernelCosine
	KernelL1
)

func checkBatch(q, base []float32, out []float32) error {
	d := len(q)
	if d == 0 {
		return invalid("empty query vector")
	}
	if len(base) != len(out)*d {
		return invalid("base holds %d floats; %d vectors of dimension %d need %d", len(base), len(out), d, len(out)*d)
	}
	return nil
}

// Distances computes the distance from one query q (dimension d = len(q))
// to each of the len(out) vectors stored contiguously in base (n×d, row
// major) and writes them to out. For KernelCosine, baseNorms holds the
// precomputed norms of the base vectors (see Norms); it is ignored
// otherwise. For KernelDot the values are dot products (larger is closer).
func Distances(k Kernel, q, base, baseNorms, out []float32) error {
	if err := checkBatch(q, base, out); err != nil {
		return err
	}
	d := len(q)
	switch k {
	case KernelSquaredL2:
		for i := range out {
			out[i] = sqL2(q, base[i*d:(i+1)*d])
		}
	case KernelL2:
		for i := range out {
			out[i] = vek32.Distance(q, base[i*d:(i+1)*d])
		}
	case KernelDot:
		for i := range out {
			out[i] = dot(q, base[i*d:(i+1)*d])
		}
	case KernelL1:
		for i := range out {
			out[i] = l1(q, base[i*d:(i+1)*d])
		}
	case KernelCosine:
		if len(baseNorms) != len(out) {
			return invalid("cosine needs %d base norms, got %d", len(out), len(baseNorms))
		}
		qn := norm(q)
		for i := range out {
			out[i] = cosineDistance(q, base[i*d:(i+1)*d], qn, baseNorms[i])
		}
	default:
		return invalid("unknown kernel %d", k)
	}
	return nil
}

// Norms writes the Euclidean norm of each of the len(out) d-dimensional
// vectors in base to out.
func Norms(base []float32, d int, out []float32) error {
	if d <= 0 || len(base) != len(out)*d {
		return invalid("base holds %d floats, not %d vectors of dimension %d", len(base), len(out), d)
	}
	for i := range out {
		out[i] = norm(base[i*d : (i+1)*d])
	}
	return nil
}

// DistancesBatch computes the distances of nq = len(queries)/d queries to
// the n = len(base)/d base vectors into out (nq×n, row major), spreading the
// queries over all cores.
func DistancesBatch(k Kernel, queries, base, baseNorms []float32, d int, out []float32) error {
	if d <= 0 || len(queries)%d != 0 || len(base)%d != 0 {
		return invalid("queries (%d floats) and base (%d floats) are not whole vectors of dimension %d", len(queries), len(base), d)
	}
	nq, n := len(queries)/d, len(base)/d
	if len(out) != nq*n {
		return invalid("out holds %d floats, need %d×%d", len(out), nq, n)
	}
	if k == KernelCosine && len(baseNorms) != n {
		return invalid("cosine needs %d base norms, got %d", n, len(baseNorms))
	}
	if n == 0 {
		return nil
	}
	return parallelFor(nq, func(i int) error {
		return Distances(k, queries[i*d:(i+1)*d], base, baseNorms, out[i*n:(i+1)*n])
	})
}

// Trusted kernels: len(a) == len(b) > 0 is the caller's promise.

// smallDim is the dimension below which the 4-way unrolled Go loops beat
// vek's AVX2 kernels (which process 32 floats per step and finish with a
// scalar loop). Measured with BenchmarkKernels on this machine (AVX2+FMA,
// ns per pair, vek / Go): sqL2 d=16 11.5 / 6.4, d=32 5.4 / 11.3,
// d=128 9.2 / 46.1, d=1536 71.9 / 479; dot d=16 7.2 / 6.4, d=32 4.0 / 10.3.
const smallDim = 32

func l1(a, b []float32) float32 {
	if len(a) < smallDim {
		return l1Small(a, b)
	}
	return vek32.ManhattanDistance(a, b)
}

func dot(a, b []float32) float32 {
	if len(a) < smallDim {
		return dotSmall(a, b)
	}
	return vek32.Dot(a, b)
}

func sqL2(a, b []float32) float32 {
	if len(a) < smallDim {
		return sqL2Small(a, b)
	}
	d := vek32.Distance(a, b)
	return d * d
}

func norm(a []float32) float32 {
	sq := dot(a, a)
	if math.IsInf(float64(sq), 0) {
		return float32(math.Sqrt(squaredNorm64(a)))
	}
	return float32(math.Sqrt(float64(sq)))
}

// squaredNorm64 is ||a||² summed in float64, where no finite float32 vector
// of a realistic dimension overflows.
func squaredNorm64(a []float32) float64 {
	var s float64
	for _, v := range a {
		s += float64(v) * float64(v)
	}
	return s
}

// dotSmall and sqL2Small are 4-way unrolled loops for short vectors, where
// vek's call overhead and scalar tail cost more than they save.
func dotSmall(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func sqL2Small(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

func l1Small(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += abs32(a[i] - b[i])
		s1 += abs32(a[i+1] - b[i+1])
		s2 += abs32(a[i+2] - b[i+2])
		s3 += abs32(a[i+3] - b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += abs32(a[i] - b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
