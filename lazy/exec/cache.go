package exec

import (
	"context"
	"slices"
	"sync"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// cacheEntry holds the result of a cached subplan (lazy.Cache): the first
// occurrence to be read computes it, every occurrence reads the same
// batches, and they are released once the last occurrence has taken them.
type cacheEntry struct {
	once    sync.Once
	input   Operator
	mu      sync.Mutex
	batches []arrow.RecordBatch
	err     error
	waiting int // occurrences that have not taken the batches yet
}

// fill computes the subplan, once; the batches keep the subplan's row order.
func (e *cacheEntry) fill(ctx context.Context) error {
	e.once.Do(func() {
		type part struct {
			seq int
			rb  arrow.RecordBatch
		}
		var mu sync.Mutex
		var parts []part
		_, err := consume(ctx, e.input, func(_, seq int, rb arrow.RecordBatch) error {
			mu.Lock()
			parts = append(parts, part{seq, rb})
			mu.Unlock()
			return nil
		})
		e.input.Close()
		e.input = nil
		slices.SortFunc(parts, func(a, b part) int { return a.seq - b.seq })
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, p := range parts {
			e.batches = append(e.batches, p.rb)
		}
		e.err = err
	})
	return e.err
}

// take hands one occurrence its own references to the batches.
func (e *cacheEntry) take() []arrow.RecordBatch {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]arrow.RecordBatch, len(e.batches))
	for i, rb := range e.batches {
		rb.Retain()
		out[i] = rb
	}
	e.waiting--
	if e.waiting == 0 {
		e.releaseLocked()
	}
	return out
}

func (e *cacheEntry) releaseLocked() {
	for _, rb := range e.batches {
		rb.Release()
	}
	e.batches = nil
}

// close releases what is left when the query ends (an occurrence that was
// never read, or an input never computed).
func (e *cacheEntry) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.input != nil {
		e.input.Close()
		e.input = nil
	}
	e.releaseLocked()
}

// cache builds one occurrence of a cached subplan: a pipeline whose morsels
// are the cached batches, so that work above it runs on all cores.
func (b *builder) cache(n *lazy.Cache) (Operator, error) {
	if b.caches == nil {
		b.caches = map[int]*cacheEntry{}
	}
	e, ok := b.caches[n.ID]
	if !ok {
		in, err := b.build(n.Input)
		if err != nil {
			return nil, err
		}
		e = &cacheEntry{input: in}
		b.caches[n.ID] = e
		b.closers = append(b.closers, e.close)
	}
	e.waiting++
	p := newPipeline(n.Schema(), nil, -1)
	p.prepare = func(ctx context.Context) error {
		if err := e.fill(ctx); err != nil {
			return err
		}
		p.morsels = e.take()
		return nil
	}
	return p, nil
}
