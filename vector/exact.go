package vector

import (
	"math"
	"runtime"
	"slices"
)

// Exact search without a filter is a matrix product: the distances from a
// group of queries to a block of base rows come from their dot products,
//
//	L2:     ||q||² − 2 q·x + ||x||²  (base norms precomputed at Add)
//	ip/cos: 1 − q·x,
//
// computed a tile at a time by a register-blocked kernel (dotTile) that
// loads each chunk of a base row once for four queries. The k best of each
// query are kept in a bounded max-heap; a distance only reaches the heap
// when it beats the heap's worst. Work is split over (query group, base
// chunk) pairs so that a batch of one query still uses every core.
//
// The expanded L2 form loses a little precision when distances are small
// next to the norms (as FAISS's and NumPy's do), so the distances of the k
// rows finally returned are recomputed directly and those k re-sorted.

const (
	// tileQueries and tileRows size one tile of dot products: the queries
	// of a group (64 × d floats stay in L1/L2 while a block streams past)
	// and the base rows of a block (a multiple of the kernels' 3 and 6 rows).
	tileQueries = 64
	tileRows    = 132
)

// tileKernel says which assembly kernel dotTile uses: 0 none (pure Go),
// 1 AVX2 (4 queries × 3 rows, 8-float chunks), 2 AVX-512 (4 × 6, 16-float
// chunks). A variable so tests can run every kernel the CPU has.
var tileKernel = func() int {
	switch {
	case hasAVX512:
		return 2
	case hasAVX2FMA:
		return 1
	}
	return 0
}()

// dotTile writes dots[i*ldo+j] = q_i·x_j for nq queries (rows of qs) and
// nx base rows (rows of xs), both of dimension d.
func dotTile(qs []float32, nq int, xs []float32, nx, d int, dots []float32, ldo int) {
	xr, chunk := 0, 0
	switch {
	case tileKernel == 2 && d >= 16:
		xr, chunk = 6, 16
	case tileKernel >= 1 && d >= 8:
		xr, chunk = 3, 8
	}
	nq4 := 0
	if xr > 0 {
		// Base strips outside, query strips inside: the strip's xr rows
		// stay in L1 while the group's queries (64 × d floats) stream past.
		nq4 = nq &^ 3
		dc := d / chunk * chunk // the kernel's part of each vector; Go adds the rest
		var out [24]float32
		j := 0
		for ; j+xr <= nx; j += xr {
			for i := 0; i < nq4; i += 4 {
				if xr == 6 {
					dotTile4x6AVX512(&qs[i*d], d, &xs[j*d], d, dc, &out)
				} else {
					dotTile4x3AVX2(&qs[i*d], d, &xs[j*d], d, dc, (*[12]float32)(out[:12]))
				}
				if dc < d {
					for a := 0; a < 4; a++ {
						for b := 0; b < xr; b++ {
							out[a*xr+b] += dotSmall(qs[(i+a)*d+dc:(i+a+1)*d], xs[(j+b)*d+dc:(j+b+1)*d])
						}
					}
				}
				for a := 0; a < 4; a++ {
					o := (i+a)*ldo + j
					copy(dots[o:o+xr], out[a*xr:(a+1)*xr])
				}
			}
		}
		for ; j < nx; j++ {
			x := xs[j*d : (j+1)*d]
			for i := 0; i < nq4; i++ {
				dots[i*ldo+j] = dot(qs[i*d:(i+1)*d], x)
			}
		}
	}
	for i := nq4; i < nq; i++ {
		q := qs[i*d : (i+1)*d]
		row := dots[i*ldo : i*ldo+nx]
		for j := range row {
			row[j] = dot(q, xs[j*d:(j+1)*d])
		}
	}
}

// exactAll finds the k nearest rows to each of the nq queries in qs
// (prepared: normalised for cosine) among all rows. norms holds ||x||² of
// every row for L2 (ignored otherwise). It returns one sorted result per
// query.
//
// For L2 the tiles rank rows by ||q||² + ||x||² - 2q·x, which cancels
// catastrophically in float32 far from the origin (vectors near 3000 in
// each coordinate: errors of about 1 in squared distances of 0.04 and
// 0.6), so a wider pool of candidates is ranked that way and then
// re-ranked by exact distances.
func (s *store) exactAll(qs []float32, nq, k int, norms []float32) ([][]item, error) {
	want := k
	if s.metric == L2 {
		k = min(s.rows(), k+max(k, 16))
	}
	rows, d := s.rows(), s.dim
	groups := (nq + tileQueries - 1) / tileQueries
	blocks := (rows + tileRows - 1) / tileRows
	// Enough units to keep every core busy, without splitting the base
	// into pieces so small that merging their heaps costs more than it saves.
	chunks := 1
	if workers := runtime.GOMAXPROCS(0); groups < 2*workers {
		chunks = max(1, min(blocks, (2*workers+groups-1)/groups))
	}
	blocksPerChunk := (blocks + chunks - 1) / chunks
	chunks = (blocks + blocksPerChunk - 1) / blocksPerChunk

	qn := make([]float32, nq)
	if s.metric == L2 {
		for i := range qn {
			q := qs[i*d : (i+1)*d]
			qn[i] = dot(q, q)
		}
	}
	heaps := make([]maxHeap, nq*chunks) // heaps[c*nq+qi]
	err := parallelFor(groups*chunks, func(u int) error {
		g, c := u/chunks, u%chunks
		lo, hi := g*tileQueries, min((g+1)*tileQueries, nq)
		gq := hi - lo
		hs := heaps[c*nq+lo : c*nq+hi]
		worst := make([]float32, gq)
		for i := range worst {
			worst[i] = float32(math.Inf(1))
			hs[i] = make(maxHeap, 0, k)
		}
		dots := make([]float32, gq*tileRows)
		first := c * blocksPerChunk * tileRows
		last := min(rows, (c+1)*blocksPerChunk*tileRows)
		for b := first; b < last; b += tileRows {
			e := min(b+tileRows, last)
			nx := e - b
			dotTile(qs[lo*d:hi*d], gq, s.vecs[b*d:e*d], nx, d, dots, tileRows)
			for i := 0; i < gq; i++ {
				row := dots[i*tileRows : i*tileRows+nx]
				h, w := &hs[i], worst[i]
				if s.metric == L2 {
					qni, xn := qn[lo+i], norms[b:e]
					for j, dv := range row {
						if dist := qni + xn[j] - 2*dv; dist < w {
							w = consider(h, k, item{dist, uint32(b + j)})
						}
					}
				} else {
					for j, dv := range row {
						if dist := 1 - dv; dist < w {
							w = consider(h, k, item{dist, uint32(b + j)})
						}
					}
				}
				worst[i] = w
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := make([][]item, nq)
	for qi := range res {
		h := &heaps[qi]
		for c := 1; c < chunks; c++ {
			for _, it := range heaps[c*nq+qi] {
				consider(h, k, it)
			}
		}
		r := h.sortAscending(nil)
		if s.metric == L2 {
			q := qs[qi*d : (qi+1)*d]
			for j := range r {
				r[j].d = sqL2(q, s.vec(r[j].id))
			}
			slices.SortFunc(r, cmpItem)
		}
		res[qi] = r[:min(len(r), want)]
	}
	return res, nil
}

// consider offers it to the bounded heap h of at most k items and returns
// the distance a later item must beat (+Inf while h is not full).
func consider(h *maxHeap, k int, it item) float32 {
	if len(*h) < k {
		h.push(it)
	} else if it.less((*h)[0]) {
		h.replaceTop(it)
	}
	if len(*h) < k {
		return float32(math.Inf(1))
	}
	return (*h)[0].d
}
