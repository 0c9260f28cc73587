package vector

import "math"

// preferExact tells whether a search whose filter allows `allowed` of
// `live` rows should scan the allowed rows instead of walking the graph.
// The walk steps through rejected nodes until it holds ef accepted ones, so
// it costs about ef/fraction distance computations times a constant; the
// scan costs `allowed`. They meet where allowed² = exactCost·ef·live.
// BenchmarkFilteredCutoff (100,000 × 128, ef 64, 1 thread; q/s walk /
// scan): 0.1% 12 / 182,386; 1% 138 / 21,888; 3% 345 / 3,995; 5% 787 /
// 2,151; 10% 843 / 910 — the crossover is near 10% there, which
// exactCost = 16 reproduces; at 200,000 rows it falls to 7%, at 1M to 3%.
func preferExact(allowed, live, ef int) bool {
	return float64(allowed)*float64(allowed) < exactCost*float64(ef)*float64(live)
}

const exactCost = 16

// Search is the k-NN search of the Index interface. With a filter (or
// tombstones) the graph search walks through rejected nodes and keeps
// going until it holds ef accepted ones, as hnswlib does; when the filter
// allows few rows (see preferExact: below ~10% of 100,000 rows at ef 64),
// the allowed rows are searched exactly instead. A row the filter rejects
// is never returned, and min(k, eligible rows) rows always come back:
// when the walk finds fewer (parts of the graph it cannot reach from the
// entry point, which "ip" graphs in low dimensions have: a point that is
// nobody's nearest neighbour by inner product gets no in-links), the
// eligible rows are searched exactly.
func (h *HNSW) Search(queries []float32, k, ef int, filter *Filter, ids []int64, dists []float32) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	qs, nq, err := h.prepareQueries(queries, k, ids, dists)
	if err != nil {
		return err
	}
	acc := h.resolve(filter)
	eligible := h.rows() - h.nDead
	if acc != nil {
		eligible = acc.n
	}
	// At most `eligible` results exist: the heaps and the breadth never
	// need more, whatever k is (the rest of each result is padding).
	want := min(k, eligible)
	if ef <= 0 {
		ef = h.efSearch
	}
	ef = max(ef, want)
	useExact := acc != nil && preferExact(acc.n, h.rows()-h.nDead, ef)
	return parallelFor(nq, func(qi int) error {
		s := h.search.Get().(*searcher)
		defer h.search.Put(s)
		q := qs[qi*h.dim : (qi+1)*h.dim]
		var res []item
		if want > 0 && h.entry >= 0 && !useExact {
			res = h.searchGraph(q, want, ef, acc, s)
		}
		if want > 0 && len(res) < want {
			// Exact over the eligible rows: few of them, or the walk came
			// up short.
			if len(s.exactDist) < exactBlock {
				s.exactDist = make([]float32, exactBlock)
			}
			res = h.exact(q, want, acc, &s.top, s.exactDist)
		}
		h.writeResults(res, ids[qi*k:(qi+1)*k], dists[qi*k:(qi+1)*k])
		return nil
	})
}

// searchGraph descends the upper levels and searches level 0 with breadth
// ef; it returns up to k accepted items, closest first.
//
// hnswlib descends the upper levels greedily, one node wide. On clustered
// data that greedy walk can end in the wrong cluster, from where a narrow
// level-0 search never gets out: on 200,000 clustered vectors 4% of the
// queries found none of their 10 neighbours at ef 16 (the recall cost was
// 0.92 against 0.96), in hnswlib's graphs as in ours. Carrying a beam of a
// few nodes down the upper levels (upperWidth) and starting level 0 from
// all of them costs ~10% more distances at ef 16 and reaches recall 0.99
// at ef 32 instead of 96.
func (h *HNSW) searchGraph(q []float32, k, ef int, acc *accept, s *searcher) []item {
	return h.searchGraphW(q, k, ef, upperWidth(ef), acc, s)
}

// searchGraphW is searchGraph with an upper-level beam of width w.
func (h *HNSW) searchGraphW(q []float32, k, ef, w int, acc *accept, s *searcher) []item {
	vl := h.getVisited()
	defer h.visited.Put(vl)
	entries := append(s.entries[:0], item{h.dist(q, uint32(h.entry)), uint32(h.entry)})
	for l := h.maxLevel; l > 0; l-- {
		entries = h.beam(q, entries, l, w, vl, s, false)
		vl.next()
	}
	s.entries = entries
	top, cand := s.top[:0], s.cand[:0]
	lower := float32(math.Inf(1))
	for _, e := range entries {
		vl.visit(e.id)
		if acc == nil || acc.allow.has(e.id) {
			if len(top) < ef {
				top.push(e)
			}
			lower = top[0].d
		}
		cand.push(e)
	}
	stride := h.stride0()
	links0 := h.links0
	for len(cand) > 0 {
		c := cand.pop()
		if c.d > lower && (len(top) >= ef || acc == nil) {
			break
		}
		if len(cand) > 0 {
			// The next node to expand is likely the current runner-up:
			// fetch its links while this node's neighbours are measured.
			prefetchLinks(&links0[int(cand[0].id)*stride])
		}
		o := int(c.id) * stride
		ln := links0[o : o+stride : o+stride]
		nb, dd := h.measureUnvisited(q, ln[1:1+ln[0]], vl, s)
		for i, n := range nb {
			d := dd[i]
			if len(top) < ef || d < lower {
				cand.push(item{d, n})
				if acc == nil || acc.allow.has(n) {
					if len(top) < ef {
						top.push(item{d, n})
					} else {
						top.replaceTop(item{d, n})
					}
					lower = top[0].d
				}
			}
		}
	}
	for len(top) > k {
		top.pop()
	}
	s.sorted = top.sortAscending(s.sorted)
	s.top, s.cand = top[:0], cand[:0]
	return s.sorted
}

// measureUnvisited marks the nodes of links visited and returns those
// that were not, with their distances to q (in scratch space of s; links
// may itself be s.nb).
func (h *HNSW) measureUnvisited(q []float32, links []uint32, vl *visitList, s *searcher) ([]uint32, []float32) {
	nb := s.nb[:0]
	for _, n := range links {
		if !vl.visit(n) {
			nb = append(nb, n)
		}
	}
	s.nb = nb
	dd := s.distBuf(len(nb))
	h.distMany(q, nb, dd)
	return nb, dd
}

// upperWidth is the beam width of the upper levels for a search of
// breadth ef: 2 below ef 24, then ef/8 up to 4. BenchmarkUpperWidth (and
// the 200,000-vector set of bench/vector_bench.py) show width 2 costing
// ~10% at ef 10-16 for most of the recall a wider beam gains; 4 pays off
// only towards recall 0.99.
func upperWidth(ef int) int { return min(4, max(2, ef/8)) }

// beam searches level l from the entries, keeping the w closest nodes
// found (hnswlib's searchBaseLayer), and returns them closest first in the
// entries' memory. During a build (building) it reads link lists with
// readLinks, as insertions run beside it.
func (h *HNSW) beam(q []float32, entries []item, l, w int, vl *visitList, s *searcher, building bool) []item {
	top, cand := s.top[:0], s.cand[:0]
	for _, e := range entries {
		vl.visit(e.id)
		top.push(e)
		cand.push(e)
	}
	for len(top) > w {
		top.pop()
	}
	lower := top[0].d
	for len(cand) > 0 {
		c := cand.pop()
		if c.d > lower && len(top) >= w {
			break
		}
		var links []uint32
		if building {
			if l == 0 && len(cand) > 0 {
				prefetchLinks(&h.links0[int(cand[0].id)*h.stride0()])
			}
			s.nb = h.readLinks(c.id, l, s.nb)
			links = s.nb
		} else {
			ln := h.links(c.id, l)
			links = ln[1 : 1+ln[0]]
		}
		nb, dd := h.measureUnvisited(q, links, vl, s)
		for i, n := range nb {
			d := dd[i]
			if len(top) < w || d < lower {
				cand.push(item{d, n})
				if len(top) < w {
					top.push(item{d, n})
				} else {
					top.replaceTop(item{d, n})
				}
				lower = top[0].d
			}
		}
	}
	out := top.sortAscending(entries[:0])
	s.top, s.cand = top[:0], cand[:0]
	return out
}

// Remove tombstones the vectors: searches walk through them but never
// return them. Compact drops them for good.
func (h *HNSW) Remove(ids []int64) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	removed := 0
	for _, id := range ids {
		i, ok := h.byExt[id]
		if !ok {
			continue
		}
		delete(h.byExt, id)
		h.dead.set(i)
		h.nDead++
		removed++
	}
	return removed, nil
}

// Compact rebuilds the graph from the live vectors, dropping tombstones;
// the ids stay the same.
func (h *HNSW) Compact() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.nDead == 0 {
		return nil
	}
	fresh, err := NewHNSW(h.dim, h.metric, HNSWOptions{M: h.m, EfConstruction: h.efConstruction, EfSearch: h.efSearch, Seed: h.rng.Uint64(), Quantization: h.Quantization()})
	if err != nil {
		return err
	}
	live := h.rows() - h.nDead
	vecs := make([]float32, 0, live*h.dim)
	ids := make([]int64, 0, live)
	buf := make([]float32, h.dim)
	for i := range h.ext {
		if !h.dead.has(uint32(i)) {
			vecs = append(vecs, h.decoded(uint32(i), buf)...)
			ids = append(ids, h.ext[i])
		}
	}
	if live > 0 {
		if err := fresh.Add(vecs, ids); err != nil {
			return err
		}
	}
	nextID := h.nextID
	h.store, h.links0, h.levels, h.upperAt, h.upper = fresh.store, fresh.links0, fresh.levels, fresh.upperAt, fresh.upper
	h.links0Mem = fresh.links0Mem
	h.entry, h.maxLevel, h.rng = fresh.entry, fresh.maxLevel, fresh.rng
	h.nextID = nextID
	return nil
}
