package storage

import (
	"bytes"
	"container/heap"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/objstorage/objstorageprovider"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/alopexdb/alopex/core"
)

// bulkIngestMinRows is the smallest load LoadNew writes as sstables: below
// it the ingestion's fixed cost (a memtable flush, a manifest sync) is more
// than the pending-writes path costs. A variable so tests can lower it.
var bulkIngestMinRows = 50_000

// LoadNew inserts batches into table, which this transaction created and
// which holds nothing yet (db.create_table, CREATE TABLE … AS): rows are
// encoded straight into sorted sstables that Commit ingests atomically
// with the transaction's other writes, skipping the pending writes, the
// WAL and the memtable. Keys are checked unique (a duplicate is a
// Constraint error naming the value). Input in ascending key order streams
// to the file in bounded memory; other input is encoded whole and merged.
// It falls back to Insert for small loads and tables with secondary
// indexes. Afterwards the
// transaction must be committed or rolled back at once: its reads would not
// see the loaded rows, so further statements fail.
func (t *Txn) LoadNew(table string, batches []arrow.RecordBatch) (int64, error) {
	if t.sealed {
		return 0, errSealed()
	}
	d, err := t.tableForWrite(table)
	if err != nil {
		return 0, err
	}
	if d.IsColumnar() {
		return t.loadNewColumnar(d, batches) // columnar_load.go
	}
	total := 0
	for _, b := range batches {
		total += int(b.NumRows())
	}
	fast := total >= bulkIngestMinRows && len(d.Indexes) == 0 && t.db.dir != "" && !t.db.opts.ReadOnly
	if fast {
		// Only a table this transaction created: no other transaction can
		// write its keys, so they need no conflict tracking.
		if fast, err = t.createdHere(d); err != nil {
			return 0, err
		}
	}
	if fast {
		if fast, err = t.tableEmpty(d); err != nil {
			return 0, err
		}
	}
	if fast {
		return t.loadSorted(d, batches)
	}
	var n int64
	for _, b := range batches {
		if b.NumRows() == 0 {
			continue
		}
		m, err := t.Insert(table, b, ConflictError)
		if err != nil {
			return 0, err
		}
		n += m
	}
	return n, nil
}

// createdHere reports whether table d was created by this transaction: the
// snapshot has no table of its id under its name.
func (t *Txn) createdHere(d *TableDesc) (bool, error) {
	v, closer, err := t.snap.Get(tableKey(d.Name))
	if errors.Is(err, pebble.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, storageError(err)
	}
	defer closer.Close()
	old, err := t.db.decodeDesc(v)
	if err != nil {
		return false, err
	}
	return old.ID != d.ID, nil
}

// tableEmpty reports whether no key of table d exists, committed or
// pending: its key range is then free for ingested sstables.
func (t *Txn) tableEmpty(d *TableDesc) (bool, error) {
	lo := tablePrefix(d.ID)
	it, err := t.iter(lo, prefixEnd(lo))
	if err != nil {
		return false, err
	}
	empty := !it.Valid()
	if cerr := it.Close(); cerr != nil {
		return false, cerr
	}
	return empty, nil
}

// encodedRows are one batch's rows, encoded, in an arena.
type encodedRows struct {
	keys, vals []byte
	koff, voff []int // start offsets; one more than rows
	order      []int // row order by key
}

func (e *encodedRows) key(i int) []byte { return e.keys[e.koff[i]:e.koff[i+1]] }
func (e *encodedRows) val(i int) []byte { return e.vals[e.voff[i]:e.voff[i+1]] }

// loadSorted writes the batches as one sstable.
func (t *Txn) loadSorted(d *TableDesc, batches []arrow.RecordBatch) (int64, error) {
	// Batches are cut into pieces (zero-copy slices) so that they encode in
	// parallel and in bounded memory, then bound and given their generated
	// ids in order (so hidden row ids ascend across pieces).
	var builders []*rowBuilder
	for _, b := range batches {
		for lo := int64(0); lo < b.NumRows(); lo += loadPieceRows {
			piece := b.NewSlice(lo, min(lo+loadPieceRows, b.NumRows()))
			defer piece.Release()
			readers, err := boundColumns(d, piece, false)
			if err != nil {
				return 0, err
			}
			rb, err := t.newRowBuilder(d, readers, int(piece.NumRows()))
			if err != nil {
				return 0, err
			}
			builders = append(builders, rb)
		}
	}
	// Input in ascending key order (pieces each in order or not) streams to
	// the file; otherwise every piece is encoded, then merged.
	path, n, ordered, err := t.writeLoad(d, builders, false)
	if err == nil && !ordered {
		path, n, _, err = t.writeLoad(d, builders, true)
	}
	if err != nil {
		return 0, err
	}
	lo := rowPrefix(d.ID)
	t.bulk = append(t.bulk, bulkFile{path: path, lo: lo, hi: prefixEnd(lo)})
	t.sealed = true
	return n, nil
}

// loadPieceRows is the size of the pieces LoadNew encodes at once.
const loadPieceRows = 64 * 1024

// writeLoad writes the rows of builders to a new sstable and returns its
// path. Without merge it stops (ordered false, nothing kept) at the first
// piece whose keys do not all follow the previous piece's; with merge it
// encodes every piece first and merges them. A duplicate key is a
// Constraint error.
func (t *Txn) writeLoad(d *TableDesc, builders []*rowBuilder, merge bool) (path string, n int64, ordered bool, err error) {
	db := t.db
	dir := filepath.Join(db.dir, tmpDirName)
	if err := db.fs.MkdirAll(dir, 0o755); err != nil {
		return "", 0, false, storageError(err)
	}
	file := filepath.Join(dir, fmt.Sprintf("load-%d-%d.sst", os.Getpid(), spillSeq.Add(1)))
	f, err := db.fs.Create(file, vfs.WriteCategoryUnspecified)
	if err != nil {
		return "", 0, false, storageError(err)
	}
	w := sstable.NewWriter(objstorageprovider.NewFileWritable(f), db.po.MakeWriterOptions(0, db.pdb.TableFormat()))
	closed := false
	defer func() {
		if !closed {
			_ = w.Close()
		}
		if err != nil || !ordered {
			_ = db.fs.Remove(file)
		}
	}()
	enc := encodeParallel(d, builders)
	defer enc.stop()
	vals := make([]datum, len(d.Columns))
	dupError := func(rb *rowBuilder, row int) error {
		if err := rb.values(row, vals); err != nil {
			return err
		}
		return t.uniqueError(d, d.pk, vals, "primary key violation")
	}
	var prev []byte
	var runs []*encodedRows
	for i, rb := range builders {
		e, err := enc.next(i)
		if err != nil {
			return "", 0, false, err
		}
		nrows := len(e.order)
		for j := 1; j < nrows; j++ {
			if bytes.Equal(e.key(e.order[j-1]), e.key(e.order[j])) {
				return "", 0, false, dupError(rb, e.order[j])
			}
		}
		if merge {
			runs = append(runs, e)
			enc.done(nil)
			continue
		}
		if prev != nil && bytes.Compare(e.key(e.order[0]), prev) <= 0 {
			return "", 0, false, nil
		}
		for _, i := range e.order {
			if err := w.Set(e.key(i), e.val(i)); err != nil {
				return "", 0, false, storageError(err)
			}
		}
		prev = append(prev[:0], e.key(e.order[nrows-1])...)
		n += int64(nrows)
		enc.done(e)
	}
	if merge {
		h := &runHeap{runs: runs}
		for r := range runs {
			if len(runs[r].order) > 0 {
				h.items = append(h.items, runPos{run: r})
			}
		}
		heap.Init(h)
		for h.Len() > 0 {
			top := h.items[0]
			e := runs[top.run]
			row := e.order[top.pos]
			k := e.key(row)
			if prev != nil && bytes.Equal(k, prev) {
				return "", 0, false, dupError(builders[top.run], row)
			}
			if err := w.Set(k, e.val(row)); err != nil {
				return "", 0, false, storageError(err)
			}
			prev = append(prev[:0], k...)
			n++
			if h.items[0].pos++; h.items[0].pos < len(e.order) {
				heap.Fix(h, 0)
			} else {
				heap.Pop(h)
			}
		}
	}
	ordered = true
	closed = true
	if err := w.Close(); err != nil {
		return "", 0, false, storageError(err)
	}
	return file, n, true, nil
}

// runHeap orders the next rows of sorted runs by key, for the merge.
type runHeap struct {
	runs  []*encodedRows
	items []runPos
}

type runPos struct{ run, pos int }

func (h *runHeap) Len() int { return len(h.items) }
func (h *runHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	ra, rb := h.runs[a.run], h.runs[b.run]
	return bytes.Compare(ra.key(ra.order[a.pos]), rb.key(rb.order[b.pos])) < 0
}
func (h *runHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *runHeap) Push(x any)    { h.items = append(h.items, x.(runPos)) }
func (h *runHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// encode encodes a batch's rows and orders them by key (input in key
// order needs no sort).
func (e *encodedRows) encode(d *TableDesc, rb *rowBuilder, nrows int, vals []datum) error {
	e.keys, e.vals = e.keys[:0], e.vals[:0]
	e.koff, e.voff = append(e.koff[:0], 0), append(e.voff[:0], 0)
	sorted := true
	for row := 0; row < nrows; row++ {
		if err := rb.values(row, vals); err != nil {
			return err
		}
		start := len(e.keys)
		e.keys = d.appendRowKey(e.keys, vals)
		e.koff = append(e.koff, len(e.keys))
		e.vals = d.appendRowValue(e.vals, vals)
		e.voff = append(e.voff, len(e.vals))
		if row > 0 && sorted && bytes.Compare(e.keys[e.koff[row-1]:start], e.keys[start:]) > 0 {
			sorted = false
		}
	}
	e.order = e.order[:0]
	for i := 0; i < nrows; i++ {
		e.order = append(e.order, i)
	}
	if !sorted {
		slices.SortFunc(e.order, func(a, b int) int { return bytes.Compare(e.key(a), e.key(b)) })
	}
	return nil
}

// parallelEncoder encodes batches on several goroutines, a bounded number
// ahead of the consumer, which takes them in order with next.
type parallelEncoder struct {
	jobs    []encodeJob
	slots   chan struct{} // bounds the batches encoded and not yet consumed
	stopped atomic.Bool
	pool    sync.Pool
	from    int // the first job not consumed
}

type encodeJob struct {
	e    *encodedRows
	err  error
	done chan struct{}
}

func encodeParallel(d *TableDesc, builders []*rowBuilder) *parallelEncoder {
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	p := &parallelEncoder{jobs: make([]encodeJob, len(builders)), slots: make(chan struct{}, workers+1)}
	for i := range p.jobs {
		p.jobs[i].done = make(chan struct{})
	}
	go func() {
		for i, rb := range builders {
			j := &p.jobs[i]
			if rb == nil {
				close(j.done)
				continue
			}
			p.slots <- struct{}{}
			if p.stopped.Load() {
				j.err = errStopped
				close(j.done)
				continue
			}
			go func() {
				defer close(j.done)
				e, _ := p.pool.Get().(*encodedRows)
				if e == nil {
					e = &encodedRows{}
				}
				vals := make([]datum, len(d.Columns))
				j.e, j.err = e, e.encode(d, rb, rb.nrows, vals)
			}()
		}
	}()
	return p
}

var errStopped = errors.New("stopped")

// next waits for batch i's encoding (call in order of i).
func (p *parallelEncoder) next(i int) (*encodedRows, error) {
	for ; p.from < i; p.from++ {
		p.release(p.from)
	}
	<-p.jobs[i].done
	return p.jobs[i].e, p.jobs[i].err
}

// done ends the use of the current batch's encoding: e goes back for
// reuse (nil: the caller keeps it).
func (p *parallelEncoder) done(e *encodedRows) {
	p.release(p.from)
	p.from++
	if e != nil {
		p.pool.Put(e)
	}
}

func (p *parallelEncoder) release(i int) {
	<-p.jobs[i].done
	if p.jobs[i].e != nil || p.jobs[i].err != nil {
		<-p.slots
	}
}

// stop ends the encoding early and waits for the goroutines.
func (p *parallelEncoder) stop() {
	p.stopped.Store(true)
	for ; p.from < len(p.jobs); p.from++ {
		p.release(p.from)
	}
}

// bulkFile is an sstable LoadNew wrote, holding keys in [lo, hi) only.
type bulkFile struct {
	path   string
	lo, hi []byte
}

func errSealed() error {
	return core.Errorf(core.KindInvalidInput, "this transaction bulk-loaded a new table and can only be committed or rolled back")
}

// removeBulk deletes the sstables of an ended transaction.
func (t *Txn) removeBulk() {
	for _, b := range t.bulk {
		_ = t.db.fs.Remove(b.path)
	}
	t.bulk = nil
}
