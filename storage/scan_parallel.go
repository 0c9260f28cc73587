package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
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

// ScanAll reads a whole scan (as Scan would, same options) into record
// batches, in key order, with up to workers goroutines, each reading
// disjoint key sub-ranges with its own iterator on the transaction's
// snapshot. Table scans are split by pebble's estimate of the bytes in
// their key ranges; index scans, and tables small or still in memtables,
// are read by one goroutine. The caller releases the batches.
func (t *Txn) ScanAll(ctx context.Context, table string, opts ScanOptions, workers int) (*arrow.Schema, []arrow.RecordBatch, error) {
	rr, err := t.Scan(table, opts)
	if err != nil {
		return nil, nil, err
	}
	first := rr.(*tableReader)
	schema := first.schema
	var pieces [][][2][]byte
	if workers > 1 && first.index == nil && !fullKeyPoints(opts.Ranges, len(first.d.pk)) {
		pieces = t.splitRanges(first.ranges, workers*piecesPerWorker)
	}
	if len(pieces) < 2 {
		defer first.Release()
		batches, err := drain(ctx, first)
		return schema, batches, err
	}
	first.Release()
	readers := make([]*tableReader, 0, len(pieces))
	defer func() {
		for _, r := range readers {
			r.Release()
		}
	}()
	for _, piece := range pieces {
		r := &tableReader{tx: t, d: first.d, batchSize: first.batchSize, mem: first.mem, refs: 1, prefix: first.prefix, ranges: piece}
		if err := r.bindColumns(opts.Columns); err != nil {
			return nil, nil, err
		}
		if err := t.openReader(r); err != nil {
			return nil, nil, err
		}
		readers = append(readers, r)
	}
	out := make([][]arrow.RecordBatch, len(readers))
	errs := make([]error, len(readers))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(readers)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(readers) {
					return
				}
				out[i], errs[i] = drainSafely(ctx, readers[i])
				if errs[i] != nil {
					next.Store(int64(len(readers))) // the others stop at their next piece
					return
				}
			}
		}()
	}
	wg.Wait()
	var batches []arrow.RecordBatch
	for _, bs := range out {
		batches = append(batches, bs...)
	}
	for _, err := range errs {
		if err != nil {
			for _, b := range batches {
				b.Release()
			}
			return nil, nil, err
		}
	}
	return schema, batches, nil
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
func drain(ctx context.Context, r *tableReader) ([]arrow.RecordBatch, error) {
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
		b.Release()
	}
}

// splitRanges cuts sorted, disjoint key ranges into up to n pieces of
// about the same size on disk, each a run of ranges in key order; nil when
// they are too small to be worth it. One range is split at keys found by
// bisection on pebble's size estimate; several ranges are grouped whole.
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
