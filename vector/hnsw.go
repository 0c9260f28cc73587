package vector

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// HNSW is a hierarchical navigable small world graph (Malkov & Yashunin),
// laid out the way hnswlib lays it out:
//
//   - level 0, where every search spends most of its time, is one []uint32
//     with a fixed stride of 1+2m per node: the neighbour count, then up to
//     2m neighbour ids; the vectors are one []float32 (store.vecs), so a
//     node's links and its vector are each one contiguous, predictable read;
//   - upper levels (few nodes: a node reaches level l with probability m^-l)
//     live in a separate []uint32 pool, stride 1+m per level, found through
//     upperAt;
//   - a search marks visited nodes in an epoch-tagged []uint16 taken from a
//     pool, so nothing is allocated or hashed on the search path.
//
// Removed vectors stay in the graph as tombstones: searches walk through
// them (the graph stays connected) but never return them. Compact rebuilds
// the graph without them.
//
// Add inserts in parallel on all cores. During Add each node's mutex
// orders the writers of its link lists (a goroutine holds at most one of
// them at a time, so the locks cannot deadlock); readers copy a list with
// atomic loads instead (readLinks). Searches run under the index's read lock
// and Add under its write lock, so searches read links plainly.
type HNSW struct {
	mu sync.RWMutex
	store

	m, m0          int // links per node on upper levels, on level 0
	efConstruction int
	efSearch       int
	levelMult      float64
	rng            *rand.Rand

	links0 []uint32 // rows × (1+m0)
	// links0Mem owns links0's memory when it is a slab (slab.go); nil otherwise.
	links0Mem *slab
	levels    []uint8  // top level of each node
	upperAt   []uint32 // offset into upper of node i's level 1 (when levels[i] > 0)
	upper     []uint32 // level l ≥ 1 of node i: upper[upperAt[i]+(l-1)*(1+m) ...]

	entry    int64 // entry point (internal id), -1 while empty
	maxLevel int

	// Only during Add.
	locks []sync.Mutex
	epMu  sync.Mutex
	// linked[i] is the lowest level at which node i has its own link list
	// (notLinked before its first); rows from earlier Adds are 0.
	linked []atomic.Uint32

	visited sync.Pool // *visitList
	search  sync.Pool // *searcher
}

// HNSWOptions are the parameters of an HNSW index. Zero values take the
// defaults (hnswlib's): M 16, EfConstruction 200, EfSearch 64.
type HNSWOptions struct {
	M              int
	EfConstruction int
	EfSearch       int
	Seed           uint64
	// Quantization is "" (float32 vectors) or "sq8" (one byte per
	// dimension, approximate distances: see sq8.go).
	Quantization string
}

// maxLevelCap bounds node levels (they are stored in a byte; with m ≥ 2 a
// level above 30 has probability below 2^-30 per node).
const maxLevelCap = 30

// NewHNSW returns an empty HNSW index.
func NewHNSW(dim int, metric Metric, o HNSWOptions) (*HNSW, error) {
	s, err := newStore(dim, metric)
	if err != nil {
		return nil, err
	}
	if o.M == 0 {
		o.M = 16
	}
	if o.EfConstruction == 0 {
		o.EfConstruction = 200
	}
	if o.EfSearch == 0 {
		o.EfSearch = 64
	}
	if o.M < 2 || o.M > 2048 {
		return nil, invalid("m must be between 2 and 2048, got %d", o.M)
	}
	if o.EfConstruction < 1 || o.EfSearch < 1 {
		return nil, invalid("ef_construction and ef_search must be positive, got %d and %d", o.EfConstruction, o.EfSearch)
	}
	if err := CheckQuantization(o.Quantization); err != nil {
		return nil, err
	}
	if o.Quantization == QuantizationSQ8 {
		s.sq = &sq8{}
	}
	h := &HNSW{
		store: s, m: o.M, m0: 2 * o.M,
		efConstruction: max(o.EfConstruction, o.M), efSearch: o.EfSearch,
		levelMult: 1 / math.Log(float64(o.M)),
		rng:       newRand(o.Seed),
		entry:     -1,
	}
	h.init()
	return h, nil
}

func (h *HNSW) init() {
	h.visited.New = func() any { return &visitList{} }
	h.search.New = func() any { return &searcher{} }
}

var _ Index = (*HNSW)(nil)

func (h *HNSW) Dim() int       { return h.dim }
func (h *HNSW) Metric() Metric { return h.metric }

// Params reports m, ef_construction and the default ef_search.
func (h *HNSW) Params() (m, efConstruction, efSearch int) {
	return h.m, h.efConstruction, h.efSearch
}

// SetEfSearch changes the default search breadth.
func (h *HNSW) SetEfSearch(ef int) error {
	if ef < 1 {
		return invalid("ef_search must be positive, got %d", ef)
	}
	h.mu.Lock()
	h.efSearch = ef
	h.mu.Unlock()
	return nil
}

func (h *HNSW) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.rows() - h.nDead
}

func (h *HNSW) stride0() int { return 1 + h.m0 }

// links returns node i's link list at level l: the count slot, then room
// for the maximum number of links.
func (h *HNSW) links(i uint32, l int) []uint32 {
	if l == 0 {
		o := int(i) * (1 + h.m0)
		return h.links0[o : o+1+h.m0 : o+1+h.m0]
	}
	o := int(h.upperAt[i]) + (l-1)*(1+h.m)
	return h.upper[o : o+1+h.m : o+1+h.m]
}

func (h *HNSW) randomLevel() int {
	u := h.rng.Float64()
	if u == 0 {
		u = math.SmallestNonzeroFloat64
	}
	return min(int(-math.Log(u)*h.levelMult), maxLevelCap)
}

// Add inserts the vectors on all cores.
func (h *HNSW) Add(vectors []float32, ids []int64) error {
	n, err := checkVectors(vectors, h.dim, h.metric, "vectors")
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ids, err = h.checkNewIDs(ids, n)
	if err != nil {
		return err
	}
	first := h.rows()
	h.appendRows(vectors, ids)
	h.grow(first, h.rows())
	h.locks = make([]sync.Mutex, h.rows())
	h.linked = make([]atomic.Uint32, h.rows())
	for i := first; i < h.rows(); i++ {
		h.linked[i].Store(notLinked)
	}
	defer func() { h.locks, h.linked = nil, nil }()
	start := first
	if h.entry < 0 {
		h.entry, h.maxLevel = int64(first), int(h.levels[first])
		h.linked[first].Store(0)
		start++
	}
	return h.insertRange(start, h.rows())
}

// grow makes room for the links of rows [from, to) and draws their levels.
func (h *HNSW) grow(from, to int) {
	h.links0 = growHuge(h.links0, &h.links0Mem, (to-from)*h.stride0())
	for i := from; i < to; i++ {
		l := h.randomLevel()
		h.levels = append(h.levels, uint8(l))
		h.upperAt = append(h.upperAt, uint32(len(h.upper)))
		if l > 0 {
			h.upper = append(h.upper, make([]uint32, l*(1+h.m))...)
		}
	}
}

func (h *HNSW) insertRange(from, to int) error {
	var next atomic.Int64
	next.Store(int64(from))
	workers := min(runtime.GOMAXPROCS(0), to-from)
	return parallelFor(workers, func(int) error {
		s := h.search.Get().(*searcher)
		defer h.search.Put(s)
		for {
			i := next.Add(1) - 1
			if i >= int64(to) {
				return nil
			}
			h.insert(uint32(i), s)
		}
	})
}

// insert links node c into the graph (hnswlib's addPoint).
func (h *HNSW) insert(c uint32, s *searcher) {
	level := int(h.levels[c])
	h.epMu.Lock()
	ep, top := uint32(h.entry), h.maxLevel
	if level <= top {
		h.epMu.Unlock()
	} else {
		// A node that becomes the new entry point keeps the entry point
		// fixed until it is linked, as hnswlib does.
		defer func() {
			h.entry, h.maxLevel = int64(c), level
			h.epMu.Unlock()
		}()
	}
	s.qbuf = slices.Grow(s.qbuf[:0], h.dim)
	q := h.decoded(c, s.qbuf)
	cur, curDist := ep, h.dist(q, ep)
	for l := top; l > level; l-- {
		cur, curDist = h.greedyLocked(q, cur, curDist, l, s)
	}
	for l := min(level, top); l >= 0; l-- {
		h.awaitLinked(cur, c, l)
		cands := h.searchLayerBuild(q, cur, l, s)
		cur = h.connect(c, cands, l, s)
		h.linked[c].Store(uint32(l))
	}
}

// notLinked marks a node whose insertion has not linked any level yet.
const notLinked = math.MaxUint32

// awaitLinked waits until ep, the entry point of c's search at level l,
// has its own links at l. A concurrent insertion can hand c an entry point
// found through a level above that is itself still being inserted; searched
// from there, level l would offer c that one node, and c would end up with a
// single link (hnswlib holds each inserting node's lock for the whole
// insertion, which has the same effect). Waiting only on nodes inserted
// before c (lower ids) rules out cycles of waits; an entry point inserted
// after c is used as it is, and connect keeps the back-links it gets.
func (h *HNSW) awaitLinked(ep, c uint32, l int) {
	if ep >= c {
		return
	}
	for h.linked[ep].Load() > uint32(l) {
		runtime.Gosched()
	}
}

// greedyLocked walks level l towards q while a neighbour is closer.
func (h *HNSW) greedyLocked(q []float32, cur uint32, curDist float32, l int, s *searcher) (uint32, float32) {
	for changed := true; changed; {
		changed = false
		s.nb = h.readLinks(cur, l, s.nb)
		dd := s.distBuf(len(s.nb))
		h.distMany(q, s.nb, dd)
		for i, n := range s.nb {
			if d := dd[i]; d < curDist {
				cur, curDist, changed = n, d, true
			}
		}
	}
	return cur, curDist
}

// readLinks copies node i's links at level l without taking its lock.
// Writers (connect, under the node's lock) store the entries before the
// count, atomically, so a reader sees a whole list or, while a full list is
// being pruned in place, a mix of old and new neighbours: nodes of the
// graph either way, which the search weighs like any other candidates.
// hnswlib reads under the lock; the lock's cache miss and atomic exchange
// were a quarter of the build's time.
func (h *HNSW) readLinks(i uint32, l int, buf []uint32) []uint32 {
	ln := h.links(i, l)
	n := atomic.LoadUint32(&ln[0])
	buf = buf[:0]
	for j := range ln[1 : 1+n] {
		buf = append(buf, atomic.LoadUint32(&ln[1+j]))
	}
	return buf
}

// setLinks replaces a link list (its node's lock held): entries first,
// then the count, for readLinks.
func setLinks(ln []uint32, ids []item) {
	for i, it := range ids {
		atomic.StoreUint32(&ln[1+i], it.id)
	}
	atomic.StoreUint32(&ln[0], uint32(len(ids)))
}

// searchLayerBuild is the ef_construction-wide search of one level while
// the graph is being built (tombstones included) and returns the
// candidates closest first.
func (h *HNSW) searchLayerBuild(q []float32, ep uint32, l int, s *searcher) []item {
	vl := h.getVisited()
	defer h.visited.Put(vl)
	s.sorted = append(s.sorted[:0], item{h.dist(q, ep), ep})
	s.sorted = h.beam(q, s.sorted, l, h.efConstruction, vl, s, true)
	return s.sorted
}

// selectNeighbors is hnswlib's heuristic (getNeighborsByHeuristic2): walk
// the candidates closest first and keep one only if it is closer to the
// base than to every one kept so far, up to max. It keeps the links
// spread in different directions instead of all into the nearest cluster.
// cands must be sorted closest first; the result reuses out.
func (h *HNSW) selectNeighbors(cands []item, max int, out []item) []item {
	out = out[:0]
	if len(cands) <= max {
		return append(out, cands...)
	}
	for _, c := range cands {
		good := true
		for _, r := range out {
			if h.distRows(c.id, r.id) < c.d {
				good = false
				break
			}
		}
		if good {
			out = append(out, c)
			if len(out) >= max {
				break
			}
		}
	}
	return out
}

// connect links c to its selected neighbours at level l and each of them
// back to c, pruning their lists with the heuristic when full. It returns
// the closest neighbour, the entry point for the level below.
func (h *HNSW) connect(c uint32, cands []item, l int, s *searcher) uint32 {
	maxLinks := h.m
	if l == 0 {
		maxLinks = h.m0
	}
	s.sel = h.selectNeighbors(cands, h.m, s.sel)
	h.locks[c].Lock()
	ln := h.links(c, l)
	if ln[0] == 0 {
		setLinks(ln, s.sel)
	} else {
		// Another insertion reached c through a level above (c was its
		// entry point here) and linked back to c before c got its own
		// list at this level. Keep those links: overwriting them would
		// leave that node without in-links, unreachable.
		s.prune = s.prune[:0]
		for _, x := range ln[1 : 1+ln[0]] {
			s.prune = append(s.prune, item{h.distRows(c, x), x})
		}
		for _, it := range s.sel {
			if !slices.ContainsFunc(s.prune, func(p item) bool { return p.id == it.id }) {
				s.prune = append(s.prune, it)
			}
		}
		slices.SortFunc(s.prune, cmpItem)
		s.kept = h.selectNeighbors(s.prune, maxLinks, s.kept)
		setLinks(ln, s.kept)
	}
	h.locks[c].Unlock()
	for _, it := range s.sel {
		n := it.id
		h.locks[n].Lock()
		nl := h.links(n, l)
		cnt := int(nl[0])
		if cnt < maxLinks {
			atomic.StoreUint32(&nl[1+cnt], c)
			atomic.StoreUint32(&nl[0], uint32(cnt+1))
		} else {
			s.prune = s.prune[:0]
			s.prune = append(s.prune, item{h.distRows(n, c), c})
			for _, x := range nl[1 : 1+cnt] {
				s.prune = append(s.prune, item{h.distRows(n, x), x})
			}
			slices.SortFunc(s.prune, cmpItem)
			s.kept = h.selectNeighbors(s.prune, maxLinks, s.kept)
			setLinks(nl, s.kept)
		}
		h.locks[n].Unlock()
	}
	return s.sel[0].id
}

func cmpItem(a, b item) int {
	if a.less(b) {
		return -1
	}
	if b.less(a) {
		return 1
	}
	return 0
}

// searcher is one goroutine's scratch space.
type searcher struct {
	top               maxHeap
	cand              minHeap
	nb                []uint32
	sorted, sel, kept []item
	prune             []item
	exactDist         []float32
	nbDist            []float32 // distances of nb, from distMany
	entries           []item    // the upper levels' beam
	qbuf              []float32 // a decoded row (quantized stores)
}

// distBuf returns scratch room for n distances.
func (s *searcher) distBuf(n int) []float32 {
	if cap(s.nbDist) < n {
		s.nbDist = make([]float32, max(n, 64))
	}
	return s.nbDist[:n]
}

// visitList marks visited nodes with the current epoch; moving to the next
// epoch forgets every mark at once.
type visitList struct {
	marks []uint16
	epoch uint16
}

func (h *HNSW) getVisited() *visitList {
	vl := h.visited.Get().(*visitList)
	n := h.rows()
	if len(vl.marks) < n {
		vl.marks = make([]uint16, n+n/4)
		vl.epoch = 0
	}
	vl.next()
	return vl
}

// next forgets every mark.
func (vl *visitList) next() {
	vl.epoch++
	if vl.epoch == 0 {
		clear(vl.marks)
		vl.epoch = 1
	}
}

// visit marks i and reports whether it was already marked.
func (vl *visitList) visit(i uint32) bool {
	if vl.marks[i] == vl.epoch {
		return true
	}
	vl.marks[i] = vl.epoch
	return false
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }
