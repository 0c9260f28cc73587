package vector

import (
	"sync"
)

// Flat is an exact index: a search computes the distance to every vector.
// Removing a vector moves the last row into its place, so the rows stay
// dense and a search never meets a tombstone. Among equally distant
// vectors the one stored first (lower row) wins.
type Flat struct {
	mu sync.RWMutex
	store
	norms   []float32 // ||x||² of each row, for L2 (see exact.go)
	scratch sync.Pool // *flatScratch
}

type flatScratch struct {
	h    maxHeap
	dist []float32
}

// NewFlat returns an empty exact index for vectors of dimension dim.
func NewFlat(dim int, metric Metric) (*Flat, error) {
	s, err := newStore(dim, metric)
	if err != nil {
		return nil, err
	}
	return newFlatFromStore(s), nil
}

// newFlatFromStore wraps rows already in s (a new or a loaded index).
func newFlatFromStore(s store) *Flat {
	f := &Flat{store: s}
	f.scratch.New = func() any { return &flatScratch{dist: make([]float32, exactBlock)} }
	f.addNorms()
	return f
}

// addNorms extends norms to every row (L2 only).
func (f *Flat) addNorms() {
	if f.metric != L2 {
		return
	}
	for i := len(f.norms); i < f.rows(); i++ {
		x := f.vec(uint32(i))
		f.norms = append(f.norms, dot(x, x))
	}
}

var _ Index = (*Flat)(nil)

func (f *Flat) Dim() int       { return f.dim }
func (f *Flat) Metric() Metric { return f.metric }

func (f *Flat) Len() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.rows()
}

func (f *Flat) Add(vectors []float32, ids []int64) error {
	n, err := checkVectors(vectors, f.dim, f.metric, "vectors")
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ids, err = f.checkNewIDs(ids, n)
	if err != nil {
		return err
	}
	f.appendRows(vectors, ids)
	f.addNorms()
	return nil
}

func (f *Flat) Remove(ids []int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	removed := 0
	d := f.dim
	for _, id := range ids {
		i, ok := f.byExt[id]
		if !ok {
			continue
		}
		delete(f.byExt, id)
		last := uint32(f.rows() - 1)
		if i != last {
			copy(f.vecs[int(i)*d:int(i+1)*d], f.vecs[int(last)*d:int(last+1)*d])
			f.ext[i] = f.ext[last]
			f.byExt[f.ext[i]] = i
			if f.metric == L2 {
				f.norms[i] = f.norms[last]
			}
		}
		f.vecs = f.vecs[:int(last)*d]
		f.ext = f.ext[:last]
		if f.metric == L2 {
			f.norms = f.norms[:last]
		}
		removed++
	}
	return removed, nil
}

func (f *Flat) Search(queries []float32, k, ef int, filter *Filter, ids []int64, dists []float32) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	qs, nq, err := f.prepareQueries(queries, k, ids, dists)
	if err != nil {
		return err
	}
	acc := f.resolve(filter)
	if acc == nil {
		if f.rows() == 0 {
			for qi := 0; qi < nq; qi++ {
				f.writeResults(nil, ids[qi*k:(qi+1)*k], dists[qi*k:(qi+1)*k])
			}
			return nil
		}
		// Heaps hold at most the rows there are, whatever k is (the rest
		// of each result is padding): k can be as large as 2^31 or more.
		res, err := f.exactAll(qs, nq, min(k, f.rows()), f.norms)
		if err != nil {
			return err
		}
		for qi, r := range res {
			f.writeResults(r, ids[qi*k:(qi+1)*k], dists[qi*k:(qi+1)*k])
		}
		return nil
	}
	return parallelFor(nq, func(qi int) error {
		sc := f.scratch.Get().(*flatScratch)
		defer f.scratch.Put(sc)
		res := f.exact(qs[qi*f.dim:(qi+1)*f.dim], min(k, acc.n), acc, &sc.h, sc.dist)
		f.writeResults(res, ids[qi*k:(qi+1)*k], dists[qi*k:(qi+1)*k])
		return nil
	})
}
