package storage

import (
	"bytes"
	"runtime"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// columnarLoad writes rows into an empty columnar table as segments, fed
// part by part (a Parquet row group, a query's batch): every load into
// segments (LoadNew, LoadStream, a big INSERT into an empty table,
// OPTIMIZE) goes through it. While the keys ascend, a segment is cut as
// soon as its rows are in, and its column chunks are encoded by a pool of
// workers while the caller converts the next part and a writer puts
// finished segments, in order, into the chunk file: reading, key
// building, compression and writing overlap, and at most loadInFlight
// segments are held at once. Input whose keys stop ascending is kept from
// there on, sorted at finish and written as further segments (which may
// overlap the earlier ones in key range; each segment is in key order,
// which is what reads rely on), its keys checked against the ones already
// written by decoding their key chunks, which are kept for that.
type columnarLoad struct {
	t      *Txn
	d      *TableDesc
	toFile bool
	file   *chunkFile
	byID   []int // column positions in column-id order: a file's keys must ascend

	pending     []*tableColumns // ascending rows not yet cut into segments
	pendingRows int
	last        []byte          // the greatest key seen while ascending
	rest        []*tableColumns // the rows from the first part out of order on
	total       int64

	work   chan chunkJob
	queue  chan *loadSegment
	wg     sync.WaitGroup // workers and writer
	mu     sync.Mutex
	err    error          // the first encoding or writing error
	done   []*loadSegment // segments the writer finished, in order
	closed bool
}

// loadSegment is one segment of a load on its way to the writer.
type loadSegment struct {
	id     uint64
	desc   segmentDesc
	chunks [][]byte // by table column; after writing only the key columns' stay
	left   sync.WaitGroup
	errs   []error
}

type chunkJob struct {
	seg    *loadSegment
	col    int
	pieces []arrow.Array // the column's rows, one piece per part spanned
}

// loadInFlight bounds the segments a load holds (cut, not yet written)
// per worker.
const loadInFlight = 2

// newColumnarLoad starts a load into empty columnar table d; with toFile
// the chunks go to an sstable ingested at commit (a table this
// transaction created, on disk).
func (t *Txn) newColumnarLoad(d *TableDesc, toFile bool) (*columnarLoad, error) {
	l := &columnarLoad{t: t, d: d, toFile: toFile}
	if toFile {
		f, err := t.newChunkFile()
		if err != nil {
			return nil, err
		}
		l.file = f
	}
	l.byID = make([]int, len(d.Columns))
	for i := range l.byID {
		l.byID[i] = i
	}
	sort.Slice(l.byID, func(a, b int) bool { return d.Columns[l.byID[a]].ID < d.Columns[l.byID[b]].ID })
	workers := max(1, runtime.GOMAXPROCS(0))
	l.work = make(chan chunkJob)
	l.queue = make(chan *loadSegment, workers*loadInFlight)
	for range workers {
		l.wg.Add(1)
		go l.encode()
	}
	l.wg.Add(1)
	go l.write()
	return l, nil
}

// encode is a worker: it compresses column chunks and takes their zone maps.
func (l *columnarLoad) encode() {
	defer l.wg.Done()
	for j := range l.work {
		c := &l.d.Columns[j.col]
		sl, err := concatPieces(j.pieces)
		var b []byte
		if err == nil {
			var dict []string
			b, err = encodeChunkDict(sl, &dict)
			j.seg.desc.Columns[j.col] = zoneMap(c.ID, &c.typ, sl, dict)
			sl.Release()
		}
		j.seg.chunks[j.col], j.seg.errs[j.col] = b, err
		j.seg.left.Done()
	}
}

// write is the writer: it takes the segments in order as their chunks are
// done and adds them to the chunk file (without one they wait for finish,
// which puts them in the transaction's writes).
func (l *columnarLoad) write() {
	defer l.wg.Done()
	for s := range l.queue {
		s.left.Wait()
		err := l.failed()
		for _, e := range s.errs {
			if err == nil {
				err = e
			}
		}
		if err == nil && l.file != nil {
			for _, i := range l.byID {
				if err = l.file.add(segChunkKey(l.d.ID, s.id, l.d.Columns[i].ID), s.chunks[i]); err != nil {
					break
				}
			}
			for i := range s.chunks {
				if !l.d.isPK(i) {
					s.chunks[i] = nil
				}
			}
		}
		l.mu.Lock()
		if err != nil && l.err == nil {
			l.err = err
		}
		l.done = append(l.done, s)
		l.mu.Unlock()
	}
}

func (l *columnarLoad) failed() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// add takes the rows of p (the load retains what it keeps; the caller
// still releases p). A duplicate key is a Constraint error naming it.
func (l *columnarLoad) add(p *tableColumns) error {
	if err := l.failed(); err != nil {
		return err
	}
	n := len(p.keys)
	if n == 0 {
		return nil
	}
	l.total += int64(n)
	// Equal neighbours are a duplicate whatever the order.
	ascending := len(l.rest) == 0 && (l.last == nil || bytes.Compare(l.last, p.keys[0]) <= 0)
	if l.last != nil && bytes.Equal(l.last, p.keys[0]) {
		return l.dupError(p, 0)
	}
	for i := 1; i < n; i++ {
		switch c := bytes.Compare(p.keys[i-1], p.keys[i]); {
		case c == 0:
			return l.dupError(p, i)
		case c > 0:
			ascending = false
		}
	}
	kept := &tableColumns{cols: make([]arrow.Array, len(p.cols)), keys: p.keys}
	for i, c := range p.cols {
		c.Retain()
		kept.cols[i] = c
	}
	if !ascending {
		// From here on the rows are kept and sorted at finish.
		l.rest = append(l.rest, l.pending...)
		l.rest = append(l.rest, kept)
		l.pending, l.pendingRows = nil, 0
		return nil
	}
	l.last = p.keys[n-1]
	l.pending = append(l.pending, kept)
	l.pendingRows += n
	return l.cut(false)
}

// cut hands the pending rows' segments to the workers: all of them at the
// end, else all but the last (which later parts may extend). Cut this way
// the segments are the ones segmentCuts gives for the whole input.
func (l *columnarLoad) cut(end bool) error {
	if l.pendingRows < segmentRows && !end {
		return nil
	}
	cuts := segmentCuts(l.pending, l.pendingRows)
	last := len(cuts) - 1
	if !end && cuts[last]-cuts[last-1] < segmentRows {
		last--
	}
	if last <= 0 {
		return nil
	}
	for s := 0; s < last; s++ {
		if err := l.emit(l.pending, cuts[s], cuts[s+1]); err != nil {
			return err
		}
	}
	// Drop the parts wholly written.
	used := cuts[last]
	k := 0
	for k < len(l.pending) && len(l.pending[k].keys) <= used {
		used -= len(l.pending[k].keys)
		l.pending[k].release()
		k++
	}
	if k < len(l.pending) && used > 0 {
		p := l.pending[k]
		rest := &tableColumns{cols: make([]arrow.Array, len(p.cols)), keys: p.keys[used:]}
		for i, c := range p.cols {
			rest.cols[i] = array.NewSlice(c, int64(used), int64(c.Len()))
		}
		p.release()
		l.pending[k] = rest
	}
	l.pending = l.pending[k:]
	l.pendingRows -= cuts[last]
	return nil
}

// emit queues the segment of rows lo..hi of parts (counted across them).
func (l *columnarLoad) emit(parts []*tableColumns, lo, hi int) error {
	id, err := l.t.db.alloc.take(segmentCounter, 1)
	if err != nil {
		return err
	}
	d := l.d
	s := &loadSegment{id: id, chunks: make([][]byte, len(d.Columns)), errs: make([]error, len(d.Columns)),
		desc: segmentDesc{Rows: hi - lo, Columns: make([]segmentColumn, len(d.Columns)), First: partKey(parts, lo), Last: partKey(parts, hi-1)}}
	s.left.Add(len(d.Columns))
	l.queue <- s // blocks while loadInFlight segments per worker wait: the load's memory bound
	for i := range d.Columns {
		l.work <- chunkJob{seg: s, col: i, pieces: slicesOfParts(parts, i, lo, hi)}
	}
	return nil
}

// finish writes what is left, waits for the segments and puts their
// descriptors (and, without a file, their chunks) into the transaction;
// with a file, Commit ingests it. It returns the number of rows loaded.
func (l *columnarLoad) finish() (int64, error) {
	err := l.cut(true)
	if err == nil && len(l.rest) > 0 {
		err = l.finishUnordered()
	}
	l.stop()
	if err == nil {
		err = l.failed()
	}
	if err != nil {
		return 0, err
	}
	t, d := l.t, l.d
	for _, s := range l.done {
		if l.file == nil {
			for _, i := range l.byID {
				if err := t.put(segChunkKey(d.ID, s.id, d.Columns[i].ID), s.chunks[i]); err != nil {
					return 0, err
				}
			}
		}
		if err := t.put(segDescKey(d.ID, s.id), s.desc.marshal()); err != nil {
			return 0, err
		}
	}
	if l.file != nil {
		path, err := l.file.finish()
		l.file = nil
		if err != nil {
			return 0, err
		}
		if len(l.done) > 0 {
			lo := append(tablePrefix(d.ID), markSegChunk)
			t.bulk = append(t.bulk, bulkFile{path: path, lo: lo, hi: prefixEnd(lo)})
		} else {
			_ = t.db.fs.Remove(path)
		}
	}
	t.segmentsChanged(d)
	return l.total, nil
}

// finishUnordered sorts the rows kept since the input stopped ascending,
// checks their keys against each other and against the segments already
// cut, and writes them as further segments.
func (l *columnarLoad) finishUnordered() error {
	d := l.d
	total := 0
	for _, p := range l.rest {
		total += len(p.keys)
	}
	keys := make([][]byte, 0, total)
	for _, p := range l.rest {
		keys = append(keys, p.keys...)
	}
	perm, err := sortedColumns(d, l.rest, keys)
	if err != nil {
		return err
	}
	defer perm.release()
	for i := 1; i < len(perm.keys); i++ {
		if bytes.Equal(perm.keys[i-1], perm.keys[i]) {
			return l.dupError(perm, i)
		}
	}
	// The segments cut so far: wait for them, then look for each of their
	// keys in the sorted rows.
	l.drain()
	if err := l.failed(); err != nil {
		return err
	}
	l.mu.Lock()
	written := append([]*loadSegment(nil), l.done...)
	l.mu.Unlock()
	lo, hi := perm.keys[0], perm.keys[len(perm.keys)-1]
	for _, s := range written {
		if bytes.Compare(s.desc.Last, lo) < 0 || bytes.Compare(hi, s.desc.First) < 0 {
			continue
		}
		cols := make([]arrow.Array, len(d.Columns))
		for _, c := range d.pk {
			a, err := decodeChunk(s.chunks[c], d.Columns[c].Type, s.desc.Rows, memory.DefaultAllocator)
			if err != nil {
				return err
			}
			defer a.Release()
			cols[c] = a
		}
		for _, k := range keysOf(d, cols, s.desc.Rows) {
			i := sort.Search(len(perm.keys), func(i int) bool { return bytes.Compare(perm.keys[i], k) >= 0 })
			if i < len(perm.keys) && bytes.Equal(perm.keys[i], k) {
				return l.dupError(perm, i)
			}
		}
	}
	l.restart()
	for _, p := range l.rest {
		p.release()
	}
	l.rest = nil
	l.pending, l.pendingRows = []*tableColumns{perm}, len(perm.keys)
	perm.retain()
	return l.cut(true)
}

// drain waits for every segment cut so far to be written; restart
// starts the workers and writer again.
func (l *columnarLoad) drain() {
	if !l.closed {
		close(l.work)
		close(l.queue)
		l.closed = true
	}
	l.wg.Wait()
}

func (l *columnarLoad) restart() {
	workers := max(1, runtime.GOMAXPROCS(0))
	l.work = make(chan chunkJob)
	l.queue = make(chan *loadSegment, workers*loadInFlight)
	l.closed = false
	for range workers {
		l.wg.Add(1)
		go l.encode()
	}
	l.wg.Add(1)
	go l.write()
}

// stop ends the workers and releases what the load holds.
func (l *columnarLoad) stop() {
	l.drain()
	for _, p := range l.pending {
		p.release()
	}
	for _, p := range l.rest {
		p.release()
	}
	l.pending, l.rest = nil, nil
}

// abort ends a load that will not finish: nothing of it was put in the
// transaction, and its file is deleted.
func (l *columnarLoad) abort() {
	l.stop()
	if l.file != nil {
		l.file.abort()
		l.file = nil
	}
}

// dupError is the Constraint error of the duplicate key of row at of p.
func (l *columnarLoad) dupError(p *tableColumns, at int) error {
	d := l.d
	vals := make([]datum, len(d.Columns))
	for _, c := range d.pk {
		r, _ := newColReader(p.cols[c], &d.Columns[c].typ)
		vals[c], _ = r(at)
	}
	return l.t.uniqueError(d, d.pk, vals, "primary key violation")
}

func (tc *tableColumns) retain() {
	for _, c := range tc.cols {
		if c != nil {
			c.Retain()
		}
	}
}

// isPK reports whether column i is (part of) the primary key.
func (d *TableDesc) isPK(i int) bool {
	for _, p := range d.pk {
		if p == i {
			return true
		}
	}
	return false
}

// slicesOfParts returns rows lo..hi (counted across parts, one after the
// other) of table column col, as slices of the parts it spans.
func slicesOfParts(parts []*tableColumns, col, lo, hi int) []arrow.Array {
	var pieces []arrow.Array
	start := 0
	for _, p := range parts {
		n := len(p.keys)
		if a, b := max(lo, start), min(hi, start+n); a < b {
			pieces = append(pieces, array.NewSlice(p.cols[col], int64(a-start), int64(b-start)))
		}
		start += n
	}
	return pieces
}

// concatPieces is the one array of pieces (released).
func concatPieces(pieces []arrow.Array) (arrow.Array, error) {
	if len(pieces) == 1 {
		return pieces[0], nil
	}
	defer func() {
		for _, p := range pieces {
			p.Release()
		}
	}()
	out, err := array.Concatenate(pieces, memory.DefaultAllocator)
	if err != nil {
		return nil, core.Errorf(core.KindInternal, "storage: concatenating rows: %v", err)
	}
	return out, nil
}
