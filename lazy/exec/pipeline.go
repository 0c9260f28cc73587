package exec

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
)

// MorselRows is the number of rows in the unit of parallel work.
var MorselRows = 64 * 1024

// pipeline runs a chain of row-wise steps over morsels on all cores and
// hands the results out in morsel order, so that parallelism never changes
// the order of rows. Workers run at most a window of morsels ahead of the
// consumer, which bounds the memory held by finished but unread results.
// With a limit, the pipeline stops scheduling morsels once the consumer has
// seen that many rows.
type pipeline struct {
	schema  *arrow.Schema
	morsels []arrow.RecordBatch // owned; released as they are consumed
	// load, when set, produces morsel i on demand (a row group of a file)
	// instead of morsels; count is then the number of morsels.
	load  func(ctx context.Context, i int) (arrow.RecordBatch, error)
	count int
	// pull, when set, produces the morsels one after the other, nil at the
	// end (a stream of unknown length: a stored table's scan). Workers
	// call it one at a time, under pullMu; morsel i is the i-th pulled.
	// onClose then releases what it reads from.
	pull    func(ctx context.Context) (arrow.RecordBatch, error)
	pullMu  sync.Mutex
	pulled  int
	ended   bool // pull returned nil or an error
	onClose func()
	// prepare, when set, runs once before the first morsel is taken (a
	// cached subplan computes its batches and sets morsels there).
	prepare func(ctx context.Context) error
	fns     []batchFn
	// selSteps marks the steps (by index in fns) that take selBatches
	// (selectionStep); run gathers the rows before any other.
	selSteps map[int]bool
	limit    int64 // -1: none

	started bool
	cancel  context.CancelFunc
	slots   []slot
	next    int   // next slot the consumer reads
	emitted int64 // rows handed to the consumer
	tokens  chan struct{}
	wg      sync.WaitGroup
}

// slot is one morsel's result. A pulled pipeline reuses a ring of window
// slots: morsel i goes to slot i%window, which the consumer renews when it
// has read it, before it hands the worker that may fill it next a token.
type slot struct {
	done chan struct{}
	rb   arrow.RecordBatch
	err  error
	end  bool // a pulled pipeline's stream ended here
}

func newPipeline(schema *arrow.Schema, morsels []arrow.RecordBatch, limit int64) *pipeline {
	return &pipeline{schema: schema, morsels: morsels, limit: limit}
}

func (p *pipeline) Schema() *arrow.Schema { return p.schema }

// numMorsels is the number of morsels (-1: unknown, pulled).
func (p *pipeline) numMorsels() int {
	if p.pull != nil {
		return -1
	}
	if p.load != nil {
		return p.count
	}
	return len(p.morsels)
}

// take hands over morsel i (loading it if the pipeline reads on demand).
func (p *pipeline) take(ctx context.Context, i int) (arrow.RecordBatch, error) {
	if p.load != nil {
		return p.load(ctx, i)
	}
	m := p.morsels[i]
	p.morsels[i] = nil
	return m, nil
}

// process takes morsel i and runs the steps over it; keepSel: the caller
// takes a selBatch (else it gets plain batches).
func (p *pipeline) process(ctx context.Context, i int, keepSel bool) (rb arrow.RecordBatch, err error) {
	defer recoverAsError(&err)
	m, err := p.take(ctx, i)
	if err != nil || m == nil {
		return nil, err
	}
	return p.run(m, keepSel)
}

// then appends a row-wise step.
func (p *pipeline) then(fn batchFn, schema *arrow.Schema) {
	p.fns = append(p.fns, fn)
	p.schema = schema
}

// thenSel appends a step that takes selBatches (see selectionStep).
func (p *pipeline) thenSel(fn batchFn, schema *arrow.Schema) {
	if p.selSteps == nil {
		p.selSteps = map[int]bool{}
	}
	p.selSteps[len(p.fns)] = true
	p.then(fn, schema)
}

// run runs the steps over a morsel, gathering a selBatch's rows before the
// first step that does not take selections, and at the end unless keepSel.
func (p *pipeline) run(rb arrow.RecordBatch, keepSel bool) (out arrow.RecordBatch, err error) {
	defer recoverAsError(&err)
	out = rb
	for k, fn := range p.fns {
		if !p.selSteps[k] {
			if out, err = compact(workMem, out); err != nil {
				return nil, err
			}
		}
		if out, err = fn(out); err != nil || out == nil {
			return nil, err
		}
	}
	if !keepSel {
		return compact(workMem, out)
	}
	return out, nil
}

// pullNext pulls the next morsel and its index; m is nil at the end of
// the stream (err says why, if it did not simply end).
func (p *pipeline) pullNext(ctx context.Context) (m arrow.RecordBatch, i int, err error) {
	p.pullMu.Lock()
	defer p.pullMu.Unlock()
	if p.ended {
		return nil, -1, nil
	}
	i = p.pulled
	func() {
		defer recoverAsError(&err)
		m, err = p.pull(ctx)
	}()
	if m == nil || err != nil {
		p.ended = true
		if m != nil {
			m.Release()
		}
		return nil, i, err
	}
	p.pulled++
	return m, i, nil
}

// startPulled starts the workers of a pulled pipeline: each takes a token,
// pulls a morsel and runs the steps over it into its slot of the ring.
func (p *pipeline) startPulled(ctx context.Context) {
	workers := max(1, runtime.GOMAXPROCS(0))
	window := windowFor(workers)
	p.slots = make([]slot, window)
	for i := range p.slots {
		p.slots[i].done = make(chan struct{})
	}
	p.tokens = make(chan struct{}, window)
	for range window {
		p.tokens <- struct{}{}
	}
	ctx, p.cancel = context.WithCancel(ctx)
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for p.awaitToken(ctx) {
				m, i, err := p.pullNext(ctx)
				if i < 0 { // another worker met the end
					return
				}
				s := &p.slots[i%window]
				if m == nil {
					s.err, s.end = err, true
					close(s.done)
					return
				}
				s.rb, s.err = p.run(m, false)
				close(s.done)
			}
		}()
	}
}

// awaitToken waits for a window slot: false once ctx is cancelled or the
// tokens are closed, when a worker stops.
func (p *pipeline) awaitToken(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case _, ok := <-p.tokens:
		return ok
	}
}

func (p *pipeline) start(ctx context.Context) {
	p.started = true
	if p.pull != nil {
		p.startPulled(ctx)
		return
	}
	n := p.numMorsels()
	p.slots = make([]slot, n)
	for i := range p.slots {
		p.slots[i].done = make(chan struct{})
	}
	workers := min(runtime.GOMAXPROCS(0), n)
	// With a single morsel or a cheap pipeline there is nothing to overlap.
	if n <= 1 {
		workers = min(workers, 1)
	}
	window := windowFor(workers)
	p.tokens = make(chan struct{}, window)
	for range min(window, n) {
		p.tokens <- struct{}{}
	}
	ctx, p.cancel = context.WithCancel(ctx)
	var claimed atomic.Int64
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for p.awaitToken(ctx) {
				i := int(claimed.Add(1) - 1)
				if i >= n {
					return
				}
				s := &p.slots[i]
				if err := ctx.Err(); err != nil {
					s.err = err
				} else {
					s.rb, s.err = p.process(ctx, i, false)
				}
				close(s.done)
			}
		}()
	}
}

// ready runs the prepare step, if any, once.
func (p *pipeline) ready(ctx context.Context) error {
	if p.prepare == nil {
		return nil
	}
	f := p.prepare
	p.prepare = nil
	return f(ctx)
}

func (p *pipeline) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !p.started {
		if err := p.ready(ctx); err != nil {
			return nil, err
		}
		p.start(ctx)
	}
	for {
		if p.limit >= 0 && p.emitted >= p.limit {
			return nil, nil
		}
		if p.pull == nil && p.next >= len(p.slots) {
			return nil, nil
		}
		s := &p.slots[p.next%len(p.slots)]
		select {
		case <-s.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if p.pull != nil {
			if s.end {
				return nil, s.err // (the slot stays: Next keeps returning the end)
			}
			got := *s
			*s = slot{done: make(chan struct{})}
			s = &got
		}
		p.next++
		select {
		case p.tokens <- struct{}{}:
		default:
		}
		if s.err != nil {
			return nil, s.err
		}
		rb := s.rb
		s.rb = nil
		if rb == nil || rb.NumRows() == 0 {
			if rb != nil {
				rb.Release()
			}
			continue
		}
		if p.limit >= 0 && p.emitted+rb.NumRows() > p.limit {
			cut := rb.NewSlice(0, p.limit-p.emitted)
			rb.Release()
			rb = cut
		}
		p.emitted += rb.NumRows()
		return rb, nil
	}
}

func (p *pipeline) Close() {
	if p.cancel != nil {
		p.cancel()
	}
	if p.tokens != nil {
		close(p.tokens)
	}
	p.wg.Wait()
	for i := range p.slots {
		if p.slots[i].rb != nil {
			p.slots[i].rb.Release()
		}
	}
	for _, m := range p.morsels {
		if m != nil {
			m.Release()
		}
	}
	p.morsels = nil
	if p.onClose != nil {
		p.onClose()
		p.onClose = nil
	}
}

// mapOp applies row-wise steps to another operator's batches, in order, on
// the calling goroutine (used above operators that are not morsel sources).
type mapOp struct {
	input  Operator
	fns    []batchFn
	schema *arrow.Schema
}

func (m *mapOp) Schema() *arrow.Schema { return m.schema }

func (m *mapOp) Next(ctx context.Context) (out arrow.RecordBatch, err error) {
	defer recoverAsError(&err)
	for {
		rb, err := m.input.Next(ctx)
		if err != nil || rb == nil {
			return nil, err
		}
		for _, fn := range m.fns {
			if rb, err = fn(rb); err != nil || rb == nil {
				break
			}
		}
		if err != nil {
			return nil, err
		}
		if rb != nil {
			return rb, nil
		}
	}
}

func (m *mapOp) Close() { m.input.Close() }

// sliceOp skips offset rows and then passes at most length rows (-1: all).
type sliceOp struct {
	input          Operator
	offset, length int64
	seen, emitted  int64
}

func (s *sliceOp) Schema() *arrow.Schema { return s.input.Schema() }

func (s *sliceOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if s.length >= 0 && s.emitted >= s.length {
			return nil, nil
		}
		rb, err := s.input.Next(ctx)
		if err != nil || rb == nil {
			return nil, err
		}
		n := rb.NumRows()
		start := max(s.offset-s.seen, 0)
		s.seen += n
		if start >= n {
			rb.Release()
			continue
		}
		end := n
		if s.length >= 0 {
			// Not start+length-emitted: a LIMIT near 2^63 would overflow.
			end = start + min(n-start, s.length-s.emitted)
		}
		out := rb
		if start != 0 || end != n {
			out = rb.NewSlice(start, end)
			rb.Release()
		}
		s.emitted += out.NumRows()
		return out, nil
	}
}

func (s *sliceOp) Close() { s.input.Close() }

// drain runs every morsel through the pipeline on all cores and hands each
// result to sink, in no particular order: worker is the index of the
// calling worker (so sinks can keep per-worker state without locks) and seq
// the morsel's index (its position in the input). Sink takes over rb, a
// selBatch only when keepSel.
func (p *pipeline) drain(ctx context.Context, workers int, keepSel bool, sink func(worker, seq int, rb arrow.RecordBatch) error) error {
	n := p.numMorsels()
	var claimed atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer recoverAsError(&errs[w])
			for {
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				var rb arrow.RecordBatch
				var err error
				i := -1
				if p.pull != nil {
					var m arrow.RecordBatch
					if m, i, err = p.pullNext(ctx); m != nil {
						rb, err = p.run(m, keepSel)
					} else if err == nil {
						return
					}
				} else {
					if i = int(claimed.Add(1) - 1); i >= n {
						return
					}
					rb, err = p.process(ctx, i, keepSel)
				}
				if err == nil && rb != nil {
					err = sink(w, i, rb)
				}
				if err != nil {
					errs[w] = err
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// consume hands every batch of op to sink, on all cores when op is a
// parallel pipeline, else in order on this goroutine (worker 0). It returns
// the number of workers used. A staged operator is staged first, so that
// the pipeline it runs as is drained on all cores.
func consume(ctx context.Context, op Operator, sink func(worker, seq int, rb arrow.RecordBatch) error) (int, error) {
	return consumeSel(ctx, op, false, sink)
}

// consumeSel is consume whose sink takes selBatches when keepSel.
func consumeSel(ctx context.Context, op Operator, keepSel bool, sink func(worker, seq int, rb arrow.RecordBatch) error) (int, error) {
	if s, ok := op.(stagedOperator); ok {
		var err error
		if op, err = s.stage(ctx); err != nil {
			return 1, err
		}
	}
	if pl, ok := op.(*pipeline); ok && pl.limit < 0 && !pl.started {
		if err := pl.ready(ctx); err != nil {
			return 1, err
		}
		workers := max(1, runtime.GOMAXPROCS(0))
		if n := pl.numMorsels(); n >= 0 {
			workers = max(1, min(workers, n))
		}
		return workers, pl.drain(ctx, workers, keepSel, sink)
	}
	for seq := 0; ; seq++ {
		rb, err := op.Next(ctx)
		if err != nil {
			return 1, err
		}
		if rb == nil {
			return 1, nil
		}
		if err := sink(0, seq, rb); err != nil {
			return 1, err
		}
	}
}
