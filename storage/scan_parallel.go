package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cockroachdb/pebble/v2"

	"github.com/alopexdb/alopex/core"
)

// minParallelScanBytes is the least on-disk size of a scan's key ranges
// worth splitting: below it, starting goroutines and estimating split
// keys costs more than reading on one core. (A variable for tests.)
var minParallelScanBytes uint64 = 4 << 20

// piecesPerWorker over-splits a parallel scan so that a worker slowed down
// (by another process on its core, or by denser rows in its key range)
// leaves pieces to the others.
const piecesPerWorker = 4

// maxPieceBytes bounds the on-disk size of one piece of a parallel scan. A
// piece is read whole into memory ahead of the consumer, so the memory of a
// scan is about piecesAhead pieces, whatever the table's size. (A variable
// for tests.)
var maxPieceBytes uint64 = 4 << 20

// piecesAhead is how many pieces per worker a parallel scan reads ahead of
// the one its consumer is on.
const piecesAhead = 2

// ScanParallel streams a scan (as Scan would, same options) in key order,
// with up to workers goroutines reading disjoint key sub-ranges ahead of
// the consumer, each with its own iterator. Table scans are split by
// pebble's estimate of the bytes in their key ranges into pieces of at
// most a few MiB, of which at most piecesAhead per worker are read or held
// at a time, so memory stays bounded however large the table; tables small
// or still in memtables are read by one goroutine (the caller's, in Next).
//
// Every iterator is opened here (an index scan is read whole here), so the
// reader sees the transaction as it is now, whatever the transaction
// writes while it is read, and its Next never touches the transaction's
// own state: it may run on another goroutine than the transaction's
// writes, one goroutine at a time. Like Scan's, the reader must be
// released before the transaction ends.
func (t *Txn) ScanParallel(ctx context.Context, table string, opts ScanOptions, workers int) (array.RecordReader, error) {
	rr, err := t.Scan(table, opts)
	if err != nil {
		return nil, err
	}
	first := rr.(*tableReader)
	if first.index != nil {
		// An index scan reads each row by a point lookup in the
		// transaction's current view, not the one at its start: it is read
		// here, whole (an index scan is chosen for a selective predicate).
		defer first.Release()
		batches, err := drain(ctx, first)
		if err != nil {
			return nil, err
		}
		defer releaseAll(batches)
		return array.NewRecordReader(first.schema, batches)
	}
	var pieces [][][2][]byte
	if workers > 1 && !fullKeyPoints(opts.Ranges, len(first.d.pk)) {
		pieces = t.splitRanges(first.ranges, workers*piecesPerWorker)
	}
	if len(pieces) < 2 {
		return first, nil
	}
	first.Release()
	s := &parallelScan{tx: t, ctx: ctx, schema: first.schema, workers: workers, refs: 1}
	for _, piece := range pieces {
		r := &tableReader{tx: t, d: first.d, batchSize: first.batchSize, mem: first.mem, refs: 1, prefix: first.prefix, ranges: piece}
		err := r.bindColumns(opts.Columns)
		if err == nil {
			// The pieces belong to s, which the transaction closes: a
			// piece must not be closed under a worker reading it.
			r.it, err = t.iter(r.ranges[0][0], r.ranges[len(r.ranges)-1][1])
		}
		if err != nil {
			r.close()
			s.close()
			return nil, err
		}
		r.seekRange()
		s.pieces = append(s.pieces, r)
	}
	return s.begin(), nil
}

// begin readies the scan's results, one per piece, and registers the scan
// with its transaction (which closes it at its end).
func (s *parallelScan) begin() *parallelScan {
	s.results = make([]pieceResult, len(s.pieces))
	for i := range s.results {
		s.results[i].done = make(chan struct{})
	}
	s.tx.register(s)
	return s
}

// ScanAll reads a whole ScanParallel into record batches, which the caller
// releases.
func (t *Txn) ScanAll(ctx context.Context, table string, opts ScanOptions, workers int) (*arrow.Schema, []arrow.RecordBatch, error) {
	rr, err := t.ScanParallel(ctx, table, opts, workers)
	if err != nil {
		return nil, nil, err
	}
	defer rr.Release()
	batches, err := drain(ctx, rr)
	return rr.Schema(), batches, err
}

// parallelScan is the RecordReader of a split ScanParallel. Workers claim
// pieces in key order, each after taking a token, and read a piece whole
// into its result; the consumer hands the batches out piece after piece
// and returns a token when it leaves a piece, so that at most
// piecesAhead*workers pieces are read or held at a time.
type parallelScan struct {
	tx      *Txn
	schema  *arrow.Schema
	workers int
	pieces  []*tableReader
	results []pieceResult

	ctx     context.Context // the caller's: cancelling it stops the workers
	started bool
	cancel  context.CancelFunc
	tokens  chan struct{}
	claimed atomic.Int64
	wg      sync.WaitGroup

	cur    int // the piece being handed out
	pos    int // the next batch of it
	rb     arrow.RecordBatch
	err    error
	refs   int64
	closed bool
}

type pieceResult struct {
	done    chan struct{}
	batches []arrow.RecordBatch
	err     error
}

var _ array.RecordReader = (*parallelScan)(nil)

func (s *parallelScan) start() {
	s.started = true
	ctx, cancel := context.WithCancel(s.ctx)
	s.cancel = cancel
	ahead := piecesAhead * s.workers
	s.tokens = make(chan struct{}, ahead)
	for range min(ahead, len(s.pieces)) {
		s.tokens <- struct{}{}
	}
	for range min(s.workers, len(s.pieces)) {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case <-s.tokens:
				}
				i := int(s.claimed.Add(1) - 1)
				if i >= len(s.pieces) {
					return
				}
				res := &s.results[i]
				res.batches, res.err = drainSafely(ctx, s.pieces[i])
				close(res.done)
				if res.err != nil {
					return
				}
			}
		}()
	}
}

func (s *parallelScan) Schema() *arrow.Schema          { return s.schema }
func (s *parallelScan) Record() arrow.RecordBatch      { return s.rb }
func (s *parallelScan) RecordBatch() arrow.RecordBatch { return s.rb }
func (s *parallelScan) Err() error                     { return s.err }
func (s *parallelScan) Retain()                        { atomic.AddInt64(&s.refs, 1) }

// Release drops a reference; the last one stops the workers and frees what
// the scan holds.
func (s *parallelScan) Release() {
	if atomic.AddInt64(&s.refs, -1) == 0 {
		s.close()
		s.tx.unregister(s)
	}
}

// Next hands out the next batch, waiting for its piece to be read.
func (s *parallelScan) Next() bool {
	if s.rb != nil {
		s.rb.Release()
		s.rb = nil
	}
	if s.err != nil {
		return false
	}
	if s.closed {
		if s.tx.done {
			s.err = core.Errorf(core.KindInvalidInput, "the transaction of this scan has ended; read the scan before committing")
		}
		return false
	}
	if !s.started {
		s.start()
	}
	for s.cur < len(s.results) {
		res := &s.results[s.cur]
		select {
		case <-res.done:
		case <-s.ctx.Done():
			s.err = s.ctx.Err()
			return false
		}
		if res.err != nil {
			s.err = res.err
			return false
		}
		if s.pos < len(res.batches) {
			s.rb = res.batches[s.pos]
			res.batches[s.pos] = nil
			s.pos++
			return true
		}
		res.batches = nil
		s.cur++
		s.pos = 0
		select {
		case s.tokens <- struct{}{}: // room for one more piece ahead
		default:
		}
	}
	return false
}

// close stops the workers and releases the pieces and unread batches; the
// transaction calls it when it ends first.
func (s *parallelScan) close() {
	if s.closed {
		return
	}
	s.closed = true
	if s.cancel != nil {
		s.cancel()
		s.wg.Wait()
	}
	if s.rb != nil {
		s.rb.Release()
		s.rb = nil
	}
	for i := range s.results {
		releaseAll(s.results[i].batches)
		s.results[i].batches = nil
	}
	for _, r := range s.pieces {
		r.close()
	}
}

// fullKeyPoints reports whether ranges are all single rows (a value for
// every key column, both bounds inclusive and equal): point lookups, read
// without asking pebble for size estimates.
func fullKeyPoints(ranges []KeyRange, keyCols int) bool {
	for _, r := range ranges {
		if len(r.Lower) != keyCols || r.LowerExclusive || r.UpperExclusive || !reflect.DeepEqual(r.Lower, r.Upper) {
			return false
		}
	}
	return len(ranges) > 0
}

// drain reads every batch of r (retained for the caller).
func drain(ctx context.Context, r array.RecordReader) ([]arrow.RecordBatch, error) {
	var out []arrow.RecordBatch
	for r.Next() {
		if err := ctx.Err(); err != nil {
			releaseAll(out)
			return nil, err
		}
		rb := r.RecordBatch()
		rb.Retain()
		out = append(out, rb)
	}
	if err := r.Err(); err != nil {
		releaseAll(out)
		return nil, err
	}
	return out, nil
}

// drainSafely is drain on a goroutine of its own: a panic becomes an
// Internal error (it would otherwise end the process).
func drainSafely(ctx context.Context, r *tableReader) (out []arrow.RecordBatch, err error) {
	defer func() {
		if p := recover(); p != nil {
			releaseAll(out)
			out, err = nil, core.Errorf(core.KindInternal, "storage: parallel scan of table %q failed: %v", r.d.Name, p)
		}
	}()
	return drain(ctx, r)
}

func releaseAll(bs []arrow.RecordBatch) {
	for _, b := range bs {
		if b != nil {
			b.Release()
		}
	}
}

// splitRanges cuts sorted, disjoint key ranges into pieces of about the
// same size on disk, at least n and enough that none is over
// maxPieceBytes, each a run of ranges in key order; nil when they are too
// small to be worth it. One range is split at keys found by bisection on
// pebble's size estimate; several ranges are grouped whole.
func (t *Txn) splitRanges(ranges [][2][]byte, n int) [][][2][]byte {
	sizes := make([]uint64, len(ranges))
	var total uint64
	for i, r := range ranges {
		s, err := t.db.pdb.EstimateDiskUsage(r[0], r[1])
		if err != nil {
			return nil
		}
		sizes[i], total = s, total+s
	}
	if total < minParallelScanBytes || n < 2 {
		return nil
	}
	n = max(n, int(total/maxPieceBytes)+1)
	if len(ranges) == 1 {
		lo, hi := ranges[0][0], ranges[0][1]
		first, last, ok := t.firstLastKeys(lo, hi)
		if !ok {
			return nil
		}
		var pieces [][][2][]byte
		from := lo
		for i := 1; i < n; i++ {
			k := t.splitKey(lo, first, last, total*uint64(i)/uint64(n))
			if k == nil || bytes.Compare(k, from) <= 0 || bytes.Compare(k, hi) >= 0 {
				continue
			}
			pieces = append(pieces, [][2][]byte{{from, k}})
			from = k
		}
		return append(pieces, [][2][]byte{{from, hi}})
	}
	var pieces [][][2][]byte
	var cur [][2][]byte
	var acc uint64
	for i, r := range ranges {
		cur = append(cur, r)
		acc += sizes[i]
		if acc*uint64(n) >= total*uint64(len(pieces)+1) {
			pieces, cur = append(pieces, cur), nil
		}
	}
	if len(cur) > 0 {
		pieces = append(pieces, cur)
	}
	return pieces
}

// firstLastKeys returns the first and last keys of the snapshot in
// [lo, hi); ok is false when there are fewer than two.
func (t *Txn) firstLastKeys(lo, hi []byte) (first, last []byte, ok bool) {
	it, err := t.snap.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, nil, false
	}
	defer it.Close()
	if !it.First() {
		return nil, nil, false
	}
	first = bytes.Clone(it.Key())
	if !it.Last() {
		return nil, nil, false
	}
	last = bytes.Clone(it.Key())
	return first, last, bytes.Compare(first, last) < 0
}

// splitKey returns a key k in (first, last] with about target bytes on
// disk in [lo, k), or nil. The keys between first and last are numbered by
// the 8 bytes after their common prefix (where the stored keys differ),
// and the number is bisected.
func (t *Txn) splitKey(lo, first, last []byte, target uint64) []byte {
	cp := 0
	for cp < len(first) && cp < len(last) && first[cp] == last[cp] {
		cp++
	}
	window := func(b []byte) uint64 {
		var w [8]byte
		copy(w[:], b[min(cp, len(b)):])
		return binary.BigEndian.Uint64(w[:])
	}
	keyAt := func(x uint64) []byte {
		return binary.BigEndian.AppendUint64(bytes.Clone(first[:cp]), x)
	}
	a, b := window(first), window(last)
	for b-a >= 2 {
		m := a + (b-a)/2
		s, err := t.db.pdb.EstimateDiskUsage(lo, keyAt(m))
		if err != nil {
			return nil
		}
		if s < target {
			a = m
		} else {
			b = m
		}
	}
	return keyAt(b)
}
