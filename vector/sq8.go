package vector

import (
	"math"
	"slices"
)

// Scalar quantization (sq8): an HNSW index created with Quantization "sq8"
// keeps one byte per dimension instead of a float32 — a quarter of the
// vectors' memory. Dimension d of a row is lo[d] + step[d]·code, with
// step[d] = (hi[d]-lo[d])/255 over the range [lo[d], hi[d]] of the values
// seen so far (after normalisation for cosine).
//
// The range is learned from the data and only ever widens: the first Add
// sets it to its vectors' per-dimension minimum and maximum; a later Add
// with a value outside it widens that dimension (with an eighth of the new
// span as margin on the side that grew, so a trickle of slightly larger
// values does not widen it every time) and re-encodes the existing codes
// of that dimension from their decoded values. Nothing is clamped, so a
// later vector far outside the first batch's range is still represented
// within half a step; the cost of widening is coarser steps (and the
// rounding of the re-encoded rows) in that dimension.
//
// Graph construction and searches compute the distance between a float32
// vector (the query, or a decoded row) and the codes (asymmetric
// distance); the distances a search returns are therefore approximate.
// Callers that hold the full vectors re-rank: search for
// RefineCandidates(k, ef) candidates, then order them with ExactDistance.

// QuantizationSQ8 is the Quantization option of an int8 scalar-quantized
// HNSW index.
const QuantizationSQ8 = "sq8"

// CheckQuantization validates a Quantization option: "" (float32
// vectors) or "sq8".
func CheckQuantization(q string) error {
	switch q {
	case "", QuantizationSQ8:
		return nil
	}
	return invalid("unknown quantization %q: use 'sq8' (or none for float32 vectors)", q)
}

// sq8 holds a store's vectors as codes (rows × dim bytes).
type sq8 struct {
	lo, step []float32 // per dimension; empty until the first rows
	codes    []uint8
	// norms holds each row's Σ (step·code)², for the fast L2 distance
	// (sq8_fast.go); computed from the codes, not saved.
	norms []float32
}

// refineFactor is how many candidates per result a quantized search
// fetches for re-ranking (with at least ef of them).
const refineFactor = 4

// RefineCandidates is how many candidates to ask a quantized index for
// when k results will be kept after re-ranking with exact distances.
func RefineCandidates(k, ef int) int { return max(k*refineFactor, ef) }

// ExactDistance is the distance m orders by between q and v as a float32
// index computes it (cosine normalises both), the distance to re-rank the
// candidates of a quantized search with.
func ExactDistance(m Metric, q, v []float32) float32 {
	switch m {
	case L2:
		return sqL2(q, v)
	case Cosine:
		q, v = slices.Clone(q), slices.Clone(v)
		normalize(q)
		normalize(v)
	}
	return 1 - dot(q, v)
}

// decoded returns row i as float32s, in buf when the store is quantized.
func (s *store) decoded(i uint32, buf []float32) []float32 {
	if s.sq == nil {
		return s.vec(i)
	}
	buf = buf[:s.dim]
	c := s.code(i)
	for d := range buf {
		buf[d] = s.sq.lo[d] + s.sq.step[d]*float32(c[d])
	}
	return buf
}

func (s *store) code(i uint32) []uint8 {
	o := int(i) * s.dim
	return s.sq.codes[o : o+s.dim : o+s.dim]
}

// distSQ8 is dist for a quantized store: q against row i's codes. Four
// accumulators let the loop's independent multiply-adds overlap.
func (s *store) distSQ8(q []float32, i uint32) float32 {
	c, lo, step := s.code(i), s.sq.lo, s.sq.step
	n := len(c)
	q, lo, step = q[:n], lo[:n], step[:n]
	var s0, s1, s2, s3 float32
	d := 0
	if s.metric == L2 {
		for ; d+4 <= n; d += 4 {
			e0 := q[d] - (lo[d] + step[d]*float32(c[d]))
			e1 := q[d+1] - (lo[d+1] + step[d+1]*float32(c[d+1]))
			e2 := q[d+2] - (lo[d+2] + step[d+2]*float32(c[d+2]))
			e3 := q[d+3] - (lo[d+3] + step[d+3]*float32(c[d+3]))
			s0, s1, s2, s3 = s0+e0*e0, s1+e1*e1, s2+e2*e2, s3+e3*e3
		}
		for ; d < n; d++ {
			e := q[d] - (lo[d] + step[d]*float32(c[d]))
			s0 += e * e
		}
		return (s0 + s1) + (s2 + s3)
	}
	for ; d+4 <= n; d += 4 {
		s0 += q[d] * (lo[d] + step[d]*float32(c[d]))
		s1 += q[d+1] * (lo[d+1] + step[d+1]*float32(c[d+1]))
		s2 += q[d+2] * (lo[d+2] + step[d+2]*float32(c[d+2]))
		s3 += q[d+3] * (lo[d+3] + step[d+3]*float32(c[d+3]))
	}
	for ; d < n; d++ {
		s0 += q[d] * (lo[d] + step[d]*float32(c[d]))
	}
	return 1 - ((s0 + s1) + (s2 + s3))
}

// distRowsSQ8 is distRows for a quantized store: both rows decoded on the
// fly (for L2 the offsets cancel).
func (s *store) distRowsSQ8(i, j uint32) float32 {
	a, b, lo, step := s.code(i), s.code(j), s.sq.lo, s.sq.step
	b, lo, step = b[:len(a)], lo[:len(a)], step[:len(a)]
	var sum float32
	if s.metric == L2 {
		for d, x := range a {
			diff := step[d] * (float32(x) - float32(b[d]))
			sum += diff * diff
		}
		return sum
	}
	for d, x := range a {
		sum += (lo[d] + step[d]*float32(x)) * (lo[d] + step[d]*float32(b[d]))
	}
	return 1 - sum
}

// appendSQ8 encodes vectors (already normalised for cosine), widening the
// ranges first when they hold values outside them.
func (s *store) appendSQ8(vectors []float32) {
	q, dim := s.sq, s.dim
	bmin := slices.Clone(vectors[:dim])
	bmax := slices.Clone(vectors[:dim])
	for o := dim; o < len(vectors); o += dim {
		for d, v := range vectors[o : o+dim] {
			bmin[d] = min(bmin[d], v)
			bmax[d] = max(bmax[d], v)
		}
	}
	if len(q.lo) == 0 {
		q.lo, q.step = bmin, make([]float32, dim)
		for d := range q.step {
			q.step[d] = stepOf(bmin[d], bmax[d])
		}
	} else {
		widened := false
		for d := range dim {
			lo, hi := q.lo[d], q.lo[d]+255*q.step[d]
			if bmin[d] >= lo && bmax[d] <= hi {
				continue
			}
			nlo, nhi := min(lo, bmin[d]), max(hi, bmax[d])
			margin := (nhi - nlo) / 8
			if nlo < lo {
				nlo -= margin
			}
			if nhi > hi {
				nhi += margin
			}
			s.reencode(d, nlo, stepOf(nlo, nhi))
			widened = true
		}
		if widened {
			q.setNorms(dim, 0)
		}
	}
	first := len(q.codes)
	q.codes = append(q.codes, make([]uint8, len(vectors))...)
	for o := 0; o < len(vectors); o += dim {
		c := q.codes[first+o : first+o+dim]
		for d, v := range vectors[o : o+dim] {
			c[d] = encode(v, q.lo[d], q.step[d])
		}
	}
	q.setNorms(dim, first/dim)
}

// stepOf is the step of 256 codes spanning [lo, hi], finite even when the
// span overflows float32.
func stepOf(lo, hi float32) float32 {
	st := float32((float64(hi) - float64(lo)) / 255)
	if math.IsInf(float64(st), 0) {
		return math.MaxFloat32
	}
	return st
}

// reencode moves dimension d of every row to a new range.
func (s *store) reencode(d int, lo, step float32) {
	q := s.sq
	olo, ostep := q.lo[d], q.step[d]
	for o := d; o < len(q.codes); o += s.dim {
		q.codes[o] = encode(olo+ostep*float32(q.codes[o]), lo, step)
	}
	q.lo[d], q.step[d] = lo, step
}

func encode(v, lo, step float32) uint8 {
	if step == 0 {
		return 0
	}
	x := math.Round((float64(v) - float64(lo)) / float64(step))
	return uint8(min(255, max(0, x)))
}

// Quantization reports the index's quantization: "" or "sq8".
func (h *HNSW) Quantization() string {
	if h.sq != nil {
		return QuantizationSQ8
	}
	return ""
}

// MemoryBytes is the memory the index's vectors, ids and graph take (the
// arrays' lengths; the id map and allocation slack excluded).
func (h *HNSW) MemoryBytes() int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 4*len(h.vecs) + 8*len(h.ext) + 8*len(h.dead)
	if h.sq != nil {
		n += len(h.sq.codes) + 8*len(h.sq.lo) + 4*len(h.sq.norms)
	}
	n += 4*len(h.links0) + len(h.levels) + 4*len(h.upperAt) + 4*len(h.upper)
	return int64(n)
}

// encode is the SQ8_ section of a saved index: lo, step, then the codes.
func (q *sq8) encode(dim int) []byte {
	lo, step := q.lo, q.step
	if len(lo) == 0 { // no rows yet
		lo, step = make([]float32, dim), make([]float32, dim)
	}
	out := make([]byte, 0, 8*dim+len(q.codes))
	out = append(out, asBytes(lo)...)
	out = append(out, asBytes(step)...)
	return append(out, q.codes...)
}

// decodeSQ8 reads the SQ8_ section of a file into s.sq, checking that the
// ranges are finite and the steps not negative (any code is valid).
func (s *store) decodeSQ8(r *reader, limit uint64, m meta) error {
	size, ok := mul(limit, m.rows, uint64(m.dim))
	if ok {
		size, ok = size+8*uint64(m.dim), size+8*uint64(m.dim) <= limit
	}
	if !ok {
		return r.fail(r.off, "truncated: %d quantized rows of dimension %d do not fit in the %d-byte file", m.rows, m.dim, limit)
	}
	b, off, err := r.section("SQ8_", size)
	if err != nil {
		return err
	}
	dim := int(m.dim)
	s.sq = &sq8{
		lo:    fromBytes[float32](b, dim),
		step:  fromBytes[float32](b[4*dim:], dim),
		codes: slices.Clone(b[8*dim:]),
	}
	for i, v := range append(slices.Clone(s.sq.lo), s.sq.step...) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || (i >= dim && v < 0) {
			return r.fail(off+4*i, "quantization range value is %v", v)
		}
	}
	for d, lo := range s.sq.lo {
		if hi := float64(lo) + 255*float64(s.sq.step[d]); hi > math.MaxFloat32 {
			return r.fail(off+4*(dim+d), "quantization range of dimension %d ends at %g, past float32", d, hi)
		}
	}
	if m.rows == 0 {
		s.sq.lo, s.sq.step = nil, nil // trained by the first Add
	} else {
		s.sq.setNorms(dim, 0)
	}
	return nil
}
