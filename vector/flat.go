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
	f := &Flat{store: s}
	f.scratch.New = func() any { return &flatScratch{dist: make([]float32, exactBlock)} }
	return f, nil
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
	n, err := checkVectors(vectors, f.dim, "vectors")
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
		}
		f.vecs = f.vecs[:int(last)*d]
		f.ext = f.ext[:last]
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
	if acc == nil && nq > 1 {
		groups := (nq + exactGroup - 1) / exactGroup
		return parallelFor(groups, func(g int) error {
			lo, hi := g*exactGroup, min((g+1)*exactGroup, nq)
			qv := make([][]float32, hi-lo)
			for i := range qv {
				qv[i] = qs[(lo+i)*f.dim : (lo+i+1)*f.dim]
			}
			res := f.exactMany(qv, k, make([]maxHeap, len(qv)), make([]float32, exactBlock))
			for i, r := range res {
				qi := lo + i
				f.writeResults(r, ids[qi*k:(qi+1)*k], dists[qi*k:(qi+1)*k])
			}
			return nil
		})
	}
	return parallelFor(nq, func(qi int) error {
		sc := f.scratch.Get().(*flatScratch)
		defer f.scratch.Put(sc)
		res := f.exact(qs[qi*f.dim:(qi+1)*f.dim], k, acc, &sc.h, sc.dist)
		f.writeResults(res, ids[qi*k:(qi+1)*k], dists[qi*k:(qi+1)*k])
		return nil
	})
}
