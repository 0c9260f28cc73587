package vector

import (
	"math"
	"slices"
	"unsafe"
)

// Index is what the flat and HNSW indexes share. Every method is safe to
// call from several goroutines: searches run concurrently with each other;
// Add and Remove wait for running searches and block new ones.
type Index interface {
	// Dim is the dimension of the vectors.
	Dim() int
	// Metric is the distance the index orders by.
	Metric() Metric
	// Len counts the vectors that searches can return (removed ones excluded).
	Len() int
	// Add copies n = len(vectors)/Dim() vectors (row major) into the index
	// under the external ids ids (nil: the ids following the largest one
	// used so far, starting at 0). An id already present is an error; the
	// index is left unchanged by a failed Add.
	Add(vectors []float32, ids []int64) error
	// Remove drops the vectors with these ids and reports how many were
	// present; ids that are not present are ignored.
	Remove(ids []int64) (int, error)
	// Search finds the k nearest vectors to each of the nq = len(queries)/Dim()
	// queries and writes their ids and distances, closest first, to
	// ids[i*k:(i+1)*k] and dists[i*k:(i+1)*k]. When fewer than k vectors
	// qualify the rest is padded with id -1 and distance +Inf. ef is the
	// HNSW search breadth (0: the index's default; ignored by flat). Only
	// the caller's buffers are sized by k: the search itself allocates by
	// the rows there are, so k may be as large as the caller can hold.
	// The l2 and ip metrics reject queries whose squared norm exceeds
	// maxSquaredNorm, as Add rejects such vectors.
	Search(queries []float32, k, ef int, filter *Filter, ids []int64, dists []float32) error
	// Save writes the index to path (see format.go).
	Save(path string) error
}

// Filter restricts a search to some vectors. Exactly one of the fields is
// set. Mask[i] tells whether the vector with external id i may be returned
// (ids outside the mask are excluded); Bits is the same as a bitset (bit
// i%64 of Bits[i/64]: eight times smaller, for callers that keep one per
// filter); IDs lists the external ids that may be returned (ids not in the
// index are ignored).
type Filter struct {
	Mask []bool
	Bits []uint64
	IDs  []int64
}

// store holds the vectors and the mapping between the external int64 ids
// and the internal uint32 row numbers both indexes use. Internal ids are
// dense: row i is vecs[i*dim:(i+1)*dim].
type store struct {
	dim    int
	metric Metric
	vecs   []float32
	// vecsMem owns vecs' memory when it is a slab (slab.go); nil otherwise.
	vecsMem *slab
	ext     []int64          // internal -> external id
	byExt   map[int64]uint32 // external -> internal id, live rows only
	dead    bitset           // removed rows (HNSW keeps them as tombstones)
	nDead   int
	nextID  int64 // the id Add gives the next vector when ids are omitted
	// sq holds the vectors as int8 codes instead of vecs (sq8.go); nil
	// for float32 vectors.
	sq *sq8
}

func newStore(dim int, metric Metric) (store, error) {
	if dim <= 0 {
		return store{}, invalid("the dimension must be positive, got %d", dim)
	}
	if metric > Cosine {
		return store{}, invalid("unknown metric %d", metric)
	}
	return store{dim: dim, metric: metric, byExt: map[int64]uint32{}}, nil
}

func (s *store) rows() int { return len(s.ext) }

func (s *store) vec(i uint32) []float32 {
	o := int(i) * s.dim
	return s.vecs[o : o+s.dim : o+s.dim]
}

// dist is the metric's distance between q (already normalised for cosine)
// and row i. It is distMany's kernel for one row where that kernel runs:
// the graph's neighbour selection measures pairs, and a pair then costs
// one call, not vek's call with a square root undone by squaring.
func (s *store) dist(q []float32, i uint32) float32 {
	if s.sq != nil {
		return s.distSQ8(q, i)
	}
	if k := s.gather(); k != gatherGo {
		var out float32
		s.gatherRows(k, q, &i, 1, &out)
		return out
	}
	if s.metric == L2 {
		return sqL2(q, s.vec(i))
	}
	return 1 - dot(q, s.vec(i))
}

func (s *store) distRows(i, j uint32) float32 {
	if s.sq != nil {
		return s.distRowsSQ8(i, j)
	}
	return s.dist(s.vec(i), j)
}

// The gather kernels distMany and dist run on float32 rows.
const (
	gatherGo     = iota // pure Go (no AVX2, or a dimension the kernels do not take)
	gatherAVX2          // 8 floats a step: d ≥ 16, a multiple of 8
	gatherAVX512        // 64 floats a step: d a multiple of 16
)

// gatherKernel is the widest gather kernel the CPU runs; a variable so
// that tests and benchmarks can run each one.
var gatherKernel = func() int {
	switch {
	case hasAVX512:
		return gatherAVX512
	case hasAVX2FMA:
		return gatherAVX2
	}
	return gatherGo
}()

// gather returns the kernel for this store's rows.
func (s *store) gather() int {
	switch {
	case s.sq != nil || s.dim < 16 || s.dim%8 != 0 || gatherKernel == gatherGo:
		return gatherGo
	case gatherKernel == gatherAVX512 && s.dim%16 == 0:
		return gatherAVX512
	}
	return gatherAVX2
}

// gatherRows writes dist(q, ids[i]) to out[i] for i < n (n > 0) with
// kernel k (not gatherGo).
func (s *store) gatherRows(k int, q []float32, ids *uint32, n int, out *float32) {
	switch {
	case s.metric == L2 && k == gatherAVX512:
		sqL2GatherAVX512(&q[0], &s.vecs[0], s.dim, ids, n, out)
		return
	case s.metric == L2:
		sqL2GatherAVX2(&q[0], &s.vecs[0], s.dim, ids, n, out)
		return
	case k == gatherAVX512:
		dotGatherAVX512(&q[0], &s.vecs[0], s.dim, ids, n, out)
	default:
		dotGatherAVX2(&q[0], &s.vecs[0], s.dim, ids, n, out)
	}
	o := unsafe.Slice(out, n)
	for i, v := range o {
		o[i] = 1 - v
	}
}

// distMany writes dist(q, ids[i]) to out[i] (len(out) ≥ len(ids)). The
// graph searches compute a node's unvisited neighbours in one call: on
// AVX2 one assembly loop over the rows, prefetching each next row.
func (s *store) distMany(q []float32, ids []uint32, out []float32) {
	if len(ids) == 0 {
		return
	}
	out = out[:len(ids)]
	if s.sq != nil && s.distManySQ8(q, ids, out) {
		return
	}
	if k := s.gather(); k != gatherGo {
		s.gatherRows(k, q, &ids[0], len(ids), &out[0])
		return
	}
	for i, id := range ids {
		out[i] = s.dist(q, id)
	}
}

// maxSquaredNorm bounds ||x||² of the vectors of the "l2" and "ip" indexes
// (and their queries): a quarter of the largest float32, so that every
// distance between two such vectors, ||a-b||² ≤ 2||a||² + 2||b||² and
// |a·b| ≤ ||a||·||b||, and every partial sum on the way, stays a finite
// float32. Beyond it distances overflow to ±Inf and rows stop being
// ordered (they would silently drop out of the results). Cosine indexes
// normalise in float64 and take any finite vector.
const maxSquaredNorm = math.MaxFloat32 / 4

// checkVectors validates a batch of vectors for an index of metric m:
// whole rows of the index's dimension, nothing empty, every value finite,
// and for l2 and ip a squared norm within maxSquaredNorm.
func checkVectors(vectors []float32, dim int, m Metric, what string) (int, error) {
	if len(vectors) == 0 {
		return 0, invalid("no %s given", what)
	}
	if len(vectors)%dim != 0 {
		return 0, invalid("%s hold %d values, which is not a whole number of rows of dimension %d", what, len(vectors), dim)
	}
	for i, v := range vectors {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return 0, invalid("%s: row %d, dim %d is %v; only finite values are allowed", what, i/dim, i%dim, v).
				With("row", i/dim).With("dim", i%dim)
		}
	}
	if m != Cosine {
		for o := 0; o < len(vectors); o += dim {
			if sq := squaredNorm64(vectors[o : o+dim]); sq > maxSquaredNorm {
				row := o / dim
				return 0, invalid("%s: row %d has norm %.4g, too large for %s distances in float32 (the norm must be at most %.4g); "+
					"scale the vectors down or use metric \"cosine\"", what, row, math.Sqrt(sq), m, math.Sqrt(maxSquaredNorm)).With("row", row)
			}
		}
	}
	return len(vectors) / dim, nil
}

// maxID is the largest id: the next id to generate (nextID, saved with the
// index) must stay an int64.
const maxID = math.MaxInt64 - 1

// checkNewIDs validates ids for n new vectors and returns them (generated
// when ids is nil).
func (s *store) checkNewIDs(ids []int64, n int) ([]int64, error) {
	if ids == nil {
		if s.nextID > maxID-int64(n)+1 {
			return nil, invalid("no ids left to generate for %d vectors after id %d; pass ids explicitly", n, s.nextID-1)
		}
		out := make([]int64, n)
		for i := range out {
			out[i] = s.nextID + int64(i)
		}
		return out, nil
	}
	if len(ids) != n {
		return nil, invalid("%d ids given for %d vectors", len(ids), n)
	}
	seen := make(map[int64]struct{}, len(ids))
	for i, id := range ids {
		if id < 0 || id > maxID {
			return nil, invalid("ids must be between 0 and %d: ids[%d] is %d", int64(maxID), i, id).With("row", i)
		}
		if _, ok := s.byExt[id]; ok {
			return nil, invalid("id %d (row %d) is already in the index; remove it first", id, i).With("row", i)
		}
		if _, ok := seen[id]; ok {
			return nil, invalid("id %d appears twice among the ids given (second time at row %d)", id, i).With("row", i)
		}
		seen[id] = struct{}{}
	}
	return ids, nil
}

// appendRows copies vectors (normalised for cosine) and their ids in.
func (s *store) appendRows(vectors []float32, ids []int64) {
	if s.sq != nil {
		if s.metric == Cosine {
			vectors = slices.Clone(vectors)
			for o := 0; o < len(vectors); o += s.dim {
				normalize(vectors[o : o+s.dim])
			}
		}
		s.appendSQ8(vectors)
		s.appendIDs(ids)
		return
	}
	first := len(s.vecs)
	s.vecs = growHuge(s.vecs, &s.vecsMem, len(vectors))
	copy(s.vecs[first:], vectors)
	if s.metric == Cosine {
		for o := first; o < len(s.vecs); o += s.dim {
			normalize(s.vecs[o : o+s.dim])
		}
	}
	s.appendIDs(ids)
}

// appendIDs maps the ids of rows just appended.
func (s *store) appendIDs(ids []int64) {
	base := uint32(len(s.ext))
	for i, id := range ids {
		s.byExt[id] = base + uint32(i)
		if id >= s.nextID {
			s.nextID = id + 1
		}
	}
	s.ext = append(s.ext, ids...)
	s.dead = s.dead.grow(len(s.ext))
}

// normalize scales v to unit length, in float64: the squared norm of a
// finite float32 vector can overflow float32 (components near 1e20 do).
func normalize(v []float32) {
	sq := squaredNorm64(v)
	if sq == 0 {
		return
	}
	inv := 1 / math.Sqrt(sq)
	for i := range v {
		v[i] = float32(float64(v[i]) * inv)
	}
}

// prepareQueries validates queries and returns them ready for dist:
// normalised copies for cosine, the caller's slice otherwise.
func (s *store) prepareQueries(queries []float32, k int, ids []int64, dists []float32) ([]float32, int, error) {
	nq, err := checkVectors(queries, s.dim, s.metric, "queries")
	if err != nil {
		return nil, 0, err
	}
	if k <= 0 {
		return nil, 0, invalid("k must be positive, got %d", k)
	}
	if k > len(ids)/nq || len(ids) != nq*k || len(dists) != nq*k {
		return nil, 0, invalid("result buffers hold %d ids and %d distances, need %d×%d", len(ids), len(dists), nq, k)
	}
	if s.metric == Cosine {
		queries = slices.Clone(queries)
		for o := 0; o < len(queries); o += s.dim {
			normalize(queries[o : o+s.dim])
		}
	}
	return queries, nq, nil
}

// accept is a resolved filter over internal ids: nil accepts every live
// row; otherwise exactly the rows in allow.
type accept struct {
	allow bitset
	n     int // rows allowed
}

// resolve turns a filter (and the tombstones) into the rows a search may
// return. It returns nil when every row qualifies.
func (s *store) resolve(f *Filter) *accept {
	rows := s.rows()
	if f == nil {
		if s.nDead == 0 {
			return nil
		}
		a := &accept{allow: newBitset(rows)}
		for i := range a.allow {
			a.allow[i] = ^s.dead[i]
		}
		if r := rows % 64; r != 0 {
			a.allow[len(a.allow)-1] &= (1 << r) - 1
		}
		a.n = rows - s.nDead
		return a
	}
	a := &accept{allow: newBitset(rows)}
	switch {
	case f.Bits != nil:
		bits := bitset(f.Bits)
		for i, id := range s.ext {
			if id >= 0 && id < int64(len(bits))*64 && bits.has(uint32(id)) && !s.dead.has(uint32(i)) {
				a.allow.set(uint32(i))
			}
		}
	case f.Mask != nil:
		for i, id := range s.ext {
			if id >= 0 && id < int64(len(f.Mask)) && f.Mask[id] && !s.dead.has(uint32(i)) {
				a.allow.set(uint32(i))
			}
		}
	default:
		for _, id := range f.IDs {
			if i, ok := s.byExt[id]; ok {
				a.allow.set(i)
			}
		}
	}
	a.n = a.allow.count()
	return a
}

// writeResults writes the sorted items of one query, padded to k.
func (s *store) writeResults(res []item, ids []int64, dists []float32) {
	for j := range ids {
		if j < len(res) {
			ids[j] = s.ext[res[j].id]
			dists[j] = res[j].d
		} else {
			ids[j] = -1
			dists[j] = float32(math.Inf(1))
		}
	}
}

// exactBlock is how many rows exact search computes distances for at once.
const exactBlock = 256

// exact finds the k nearest rows to q among those acc accepts (nil: all)
// by computing every distance; h is scratch.
func (s *store) exact(q []float32, k int, acc *accept, h *maxHeap, scratch []float32) []item {
	*h = (*h)[:0]
	if k <= 0 {
		return nil
	}
	rows := s.rows()
	consider := func(d float32, i uint32) {
		it := item{d, i}
		if len(*h) < k {
			h.push(it)
		} else if it.less((*h)[0]) {
			h.replaceTop(it)
		}
	}
	if acc == nil && s.sq == nil {
		d := s.dim
		for b := 0; b < rows; b += exactBlock {
			e := min(b+exactBlock, rows)
			out := scratch[:e-b]
			base := s.vecs[b*d : e*d]
			if s.metric == L2 {
				for i := range out {
					out[i] = sqL2(q, base[i*d:(i+1)*d:(i+1)*d])
				}
			} else {
				for i := range out {
					out[i] = 1 - dot(q, base[i*d:(i+1)*d:(i+1)*d])
				}
			}
			for i, dv := range out {
				if len(*h) < k || dv <= (*h)[0].d {
					consider(dv, uint32(b+i))
				}
			}
		}
	} else {
		// Allowed rows in batches through distMany, which prefetches each
		// next row: scattered rows otherwise cost a cache miss each.
		var idBuf [exactBlock]uint32
		batch := idBuf[:0]
		flush := func() {
			out := scratch[:len(batch)]
			s.distMany(q, batch, out)
			for j, dv := range out {
				if len(*h) < k || dv <= (*h)[0].d {
					consider(dv, batch[j])
				}
			}
			batch = batch[:0]
		}
		each := func(i uint32) {
			batch = append(batch, i)
			if len(batch) == exactBlock {
				flush()
			}
		}
		if acc != nil {
			acc.allow.each(rows, each)
		} else {
			for i := range rows {
				each(uint32(i))
			}
		}
		flush()
	}
	return h.sortAscending(nil)
}

// growHuge extends s by n zeroed elements. The arrays a search reads at
// random (the vectors, the level-0 links) grow through it: a new backing
// array is advised to use huge pages (adviseHuge) before it is written.
//
// mem owns s's memory (slab.go): a new backing array replaces it, and the
// old one is freed at once (callers hold the index's write lock).
func growHuge[T float32 | uint32](s []T, mem **slab, n int) []T {
	if len(s)+n <= cap(s) {
		s = s[:len(s)+n]
		clear(s[len(s)-n:])
		return s
	}
	// Doubling, up to 16 MiB; then an eighth more: a slab of 100 MiB
	// grown by one commit's rows would otherwise take 200 MiB (and 300
	// at the copy).
	next := 2 * cap(s)
	if cap(s)*int(unsafe.Sizeof(s[0])) >= 16<<20 {
		next = cap(s) + cap(s)/8
	}
	grown, gmem := makeSlab[T](len(s)+n, max(next, len(s)+n))
	adviseHuge(asBytes(grown[:cap(grown)]))
	copy(grown, s)
	collapseHuge(asBytes(grown))
	(*mem).free()
	*mem = gmem
	return grown
}
