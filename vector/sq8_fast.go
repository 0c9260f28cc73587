package vector

// The sq8 distance of many rows at once (distMany's hot path for a
// quantized store). Row j of dimension d decodes to lo[d] + step[d]·c[d],
// so for a query q:
//
//	L2:  Σ (q[d]-lo[d] - step[d]·c[d])² = Σ a[d]² - 2 Σ w[d]·c[d] + Σ (step[d]·c[d])²
//	     with a = q - lo, w = a·step;
//	dot: Σ q[d]·(lo[d] + step[d]·c[d]) = Σ q[d]·lo[d] + Σ w[d]·c[d] with w = q·step.
//
// The first and last L2 terms are a constant per query and one per row
// (sq8.norms, kept with the codes), leaving one multiply-add per code —
// against a subtraction, two multiplies and an add when each code is
// decoded — which the AVX2 kernel (sq8gather_amd64.s) runs 8 codes at a
// time. The L2 identity loses a little precision to cancellation; the
// codes' own rounding (half a step) is far larger, and callers re-rank
// with exact distances (RefineCandidates).

// maxFastSQ8Dim is the largest dimension distManySQ8 prepares the query
// for on the stack.
const maxFastSQ8Dim = 1024

// distManySQ8 writes dist(q, ids[i]) to out[i] with the AVX2 kernel and
// reports whether it could (the CPU, a dimension that is a multiple of 8,
// trained ranges).
func (s *store) distManySQ8(q []float32, ids []uint32, out []float32) bool {
	sq, dim := s.sq, s.dim
	if !hasAVX2FMA || dim%8 != 0 || dim > maxFastSQ8Dim || len(sq.lo) != dim || len(sq.norms)*dim != len(sq.codes) {
		return false
	}
	var buf [maxFastSQ8Dim]float32
	w, lo, step := buf[:dim], sq.lo[:dim], sq.step[:dim]
	q = q[:dim]
	var c float32
	if s.metric == L2 {
		for d := range w {
			a := q[d] - lo[d]
			w[d] = a * step[d]
			c += a * a
		}
	} else {
		for d := range w {
			w[d] = q[d] * step[d]
			c += q[d] * lo[d]
		}
	}
	dotU8GatherAVX2(&w[0], &sq.codes[0], dim, &ids[0], len(ids), &out[0])
	if s.metric == L2 {
		for i, id := range ids {
			out[i] = max(0, c-2*out[i]+sq.norms[id]) // never below 0 by cancellation
		}
	} else {
		for i, v := range out {
			out[i] = 1 - (c + v)
		}
	}
	return true
}

// rowNorm is Σ (step[d]·c[d])² of the codes of one row: its term of the L2
// identity above.
func (q *sq8) rowNorm(codes []uint8) float32 {
	var n float32
	step := q.step[:len(codes)]
	for d, c := range codes {
		x := step[d] * float32(c)
		n += x * x
	}
	return n
}

// setNorms computes the norms of the rows from row first on (all of them
// after the ranges changed).
func (q *sq8) setNorms(dim, first int) {
	rows := len(q.codes) / dim
	q.norms = append(q.norms[:first], make([]float32, rows-first)...)
	for r := first; r < rows; r++ {
		q.norms[r] = q.rowNorm(q.codes[r*dim : (r+1)*dim])
	}
}
