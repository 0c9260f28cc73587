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
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/objstorage/objstorageprovider"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/alopexdb/alopex/core"
)

// bulkIngestMinRows is the smallest load LoadNew and LoadAppend write as
// sstables: below it the ingestion's fixed cost (a memtable flush, a
// manifest sync) is more than the pending-writes path costs. A variable so
// tests can lower it.
var bulkIngestMinRows = 50_000

// LoadNew inserts batches into table, which this transaction created and
// which holds nothing yet (db.create_table, CREATE TABLE … AS): rows are
// encoded straight into sorted sstables that Commit ingests atomically
// with the transaction's other writes, skipping the pending writes, the
// WAL and the memtable. Keys are checked unique (a duplicate is a
// Constraint error naming the value). Input in ascending key order streams
// to the file in bounded memory; other input is encoded whole and merged.
// It falls back to Insert for small loads, tables with secondary indexes
// and NULLs given for an AUTO_INCREMENT column (loadFast). Afterwards the
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
	if n, ok, err := t.loadNewSorted(d, batches); ok || err != nil {
		return n, err
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

// loadNewSorted is LoadNew's sstable path for row table d: ok is false,
// with nothing written, when the load does not qualify (loadFast, a table
// this transaction created, empty).
func (t *Txn) loadNewSorted(d *TableDesc, batches []arrow.RecordBatch) (n int64, ok bool, err error) {
	if !t.loadFast(d, batches) {
		return 0, false, nil
	}
	// Only a table this transaction created: no other transaction can
	// write its keys, so they need no conflict tracking.
	if ok, err = t.createdHere(d); !ok || err != nil {
		return 0, false, err
	}
	if ok, err = t.tableEmpty(d); !ok || err != nil {
		return 0, false, err
	}
	n, err = t.loadSorted(d, batches, false)
	return n, true, err
}

// LoadCreated is LoadNew for a statement that reports its own errors
// (CREATE TABLE … AS SELECT in a transaction of its own): batches go to
// sorted sstables when they qualify, and otherwise ok is false with
// nothing written — also when the load fails (a NULL in a NOT NULL
// column, a duplicate key) — and the caller inserts them with Insert,
// which fails the same way and numbers the row in its error, as
// LoadAppend's callers do. After ok, the transaction can only be
// committed or rolled back.
func (t *Txn) LoadCreated(table string, batches []arrow.RecordBatch) (n int64, ok bool, err error) {
	if t.sealed {
		return 0, false, errSealed()
	}
	if t.done {
		return 0, false, errTxnDone()
	}
	d, err := t.tableForWrite(table)
	if err != nil {
		return 0, false, err
	}
	if len(d.VectorIndexes) > 0 {
		return 0, false, nil
	}
	n, ok, err = t.loadNewSorted(d, batches)
	switch {
	case !ok:
		return 0, false, err // does not qualify, or reading the table failed
	case err != nil:
		return 0, false, nil // the load failed: the caller's Insert reports it
	}
	return n, true, nil
}

// LoadAppend is the fast path of inserting batches into an existing
// table (db.insert, write_database's append, an autocommit INSERT …
// SELECT): for a large load into a row table without secondary or vector
// indexes by a transaction that wrote nothing before, the mechanism of
// LoadNew (sorted sstables that Commit ingests) with the semantics of
// Insert with ConflictError. Each new key is checked against the table's
// keys in the transaction's snapshot (a merge walk, as the keys are
// written in order) and against the load's other keys. The loaded keys
// are kept so that Commit detects write conflicts with concurrent
// transactions exactly as for inserted rows (ingest.go). As after
// LoadNew, a transaction that took the fast path (ok) can only be
// committed or rolled back.
//
// ok is false, with nothing written, when the load does not qualify, and
// also when it fails (a duplicate key, a NULL in a NOT NULL column, a
// value that does not convert): the caller then inserts the batches with
// Insert, which fails the same way and reports the error as an insert
// does, with the row number in the caller's batch.
func (t *Txn) LoadAppend(table string, batches []arrow.RecordBatch) (n int64, ok bool, err error) {
	if t.sealed {
		return 0, false, errSealed()
	}
	if t.done {
		return 0, false, errTxnDone()
	}
	d, err := t.tableForWrite(table)
	if err != nil {
		return 0, false, err
	}
	// Vector indexes learn a commit's rows from its pending writes
	// (vecOnCommit); earlier writes of the transaction would have to be
	// kept out of the loaded key range.
	if !t.loadFast(d, batches) || len(d.VectorIndexes) > 0 || !t.pend.empty() {
		return 0, false, nil
	}
	n, err = t.loadSorted(d, batches, true)
	return n, err == nil, nil
}

// loadFast reports whether batches are a load into row table d that
// sstables serve better than pending writes, with the semantics of Insert.
func (t *Txn) loadFast(d *TableDesc, batches []arrow.RecordBatch) bool {
	total := 0
	for _, b := range batches {
		total += int(b.NumRows())
	}
	return total >= bulkIngestMinRows && len(d.Indexes) == 0 && t.db.dir != "" && !t.db.opts.ReadOnly &&
		!d.IsColumnar() && !autoIncNulls(d, batches)
}

// autoIncNulls reports whether batches give d's AUTO_INCREMENT column with
// NULLs, which take the counter's next values one row at a time in row
// order (fillAutoInc): the parallel encoding of loadSorted would hand them
// out in another order.
func autoIncNulls(d *TableDesc, batches []arrow.RecordBatch) bool {
	if d.autoInc < 0 {
		return false
	}
	name := d.Columns[d.autoInc].Name
	for _, b := range batches {
		for j, f := range b.Schema().Fields() {
			if strings.EqualFold(f.Name, name) && b.Column(j).NullN() > 0 {
				return true
			}
		}
	}
	return false
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

// loadSorted writes the batches as one sstable; appending, into a table
// that may hold rows.
func (t *Txn) loadSorted(d *TableDesc, batches []arrow.RecordBatch, appending bool) (int64, error) {
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
	path, n, keys, ordered, err := t.writeLoad(d, builders, false, appending)
	if err == nil && !ordered {
		path, n, keys, _, err = t.writeLoad(d, builders, true, appending)
	}
	if err != nil {
		return 0, err
	}
	lo := rowPrefix(d.ID)
	t.bulk = append(t.bulk, bulkFile{path: path, lo: lo, hi: prefixEnd(lo), keys: keys})
	t.sealed = true
	return n, nil
}

// loadPieceRows is the size of the pieces LoadNew encodes at once.
const loadPieceRows = 64 * 1024

// writeLoad writes the rows of builders to a new sstable and returns its
// path. Without merge it stops (ordered false, nothing kept) at the first
// piece whose keys do not all follow the previous piece's; with merge it
// encodes every piece first and merges them. A duplicate key is a
// Constraint error. Appending, a key the table already holds is one too,
// and the keys written are returned.
func (t *Txn) writeLoad(d *TableDesc, builders []*rowBuilder, merge, appending bool) (path string, n int64, keys *loadedKeys, ordered bool, err error) {
	db := t.db
	dir := filepath.Join(db.dir, tmpDirName)
	if err := db.fs.MkdirAll(dir, 0o755); err != nil {
		return "", 0, nil, false, storageError(err)
	}
	file := filepath.Join(dir, fmt.Sprintf("load-%d-%d.sst", os.Getpid(), spillSeq.Add(1)))
	f, err := db.fs.Create(file, vfs.WriteCategoryUnspecified)
	if err != nil {
		return "", 0, nil, false, storageError(err)
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
	// put writes one row, in key order. Appending, the table's keys are
	// walked forward beside the load's (keyProbe), unless the keys are
	// generated ones no row can hold yet.
	var probe *keyProbe
	if appending {
		keys = &loadedKeys{}
		if len(builders) > 0 && !builders[0].keyGenerated {
			lo := rowPrefix(d.ID)
			probe = newKeyProbe(t, lo, prefixEnd(lo))
			defer probe.close()
		}
	}
	put := func(rb *rowBuilder, e *encodedRows, row int) error {
		k := e.key(row)
		if probe != nil {
			taken, err := probe.exists(k)
			if err != nil {
				return err
			}
			if taken {
				return dupError(rb, row)
			}
		}
		if keys != nil {
			keys.add(k)
		}
		return storageError(w.Set(k, e.val(row)))
	}
	var prev []byte
	var runs []*encodedRows
	for i, rb := range builders {
		e, err := enc.next(i)
		if err != nil {
			return "", 0, nil, false, err
		}
		nrows := len(e.order)
		for j := 1; j < nrows; j++ {
			if bytes.Equal(e.key(e.order[j-1]), e.key(e.order[j])) {
				return "", 0, nil, false, dupError(rb, e.order[j])
			}
		}
		if merge {
			runs = append(runs, e)
			enc.done(nil)
			continue
		}
		if prev != nil && bytes.Compare(e.key(e.order[0]), prev) <= 0 {
			return "", 0, nil, false, nil
		}
		for _, i := range e.order {
			if err := put(rb, e, i); err != nil {
				return "", 0, nil, false, err
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
				return "", 0, nil, false, dupError(builders[top.run], row)
			}
			if err := put(builders[top.run], e, row); err != nil {
				return "", 0, nil, false, err
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
		return "", 0, nil, false, storageError(err)
	}
	return file, n, keys, true, nil
}

// loadedKeys are the keys of a load into an existing table, in ascending
// order, in one arena.
type loadedKeys struct {
	buf  []byte
	offs []int // start offsets; one more than keys once a key is added
}

func (k *loadedKeys) add(key []byte) {
	if len(k.offs) == 0 {
		k.offs = append(k.offs, 0)
	}
	k.buf = append(k.buf, key...)
	k.offs = append(k.offs, len(k.buf))
}

func (k *loadedKeys) len() int {
	if k == nil {
		return 0
	}
	return max(0, len(k.offs)-1)
}

func (k *loadedKeys) at(i int) []byte { return k.buf[k.offs[i]:k.offs[i+1]] }

// has reports whether key is one of the keys (a binary search).
func (k *loadedKeys) has(key string) bool {
	n := k.len()
	i := sort.Search(n, func(i int) bool { return string(k.at(i)) >= key })
	return i < n && string(k.at(i)) == key
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

// bulkFile is an sstable LoadNew or LoadAppend wrote, holding keys in
// [lo, hi) only. keys are the keys of a load into an existing table
// (nil: a table the transaction created, whose keys no other
// transaction can write).
type bulkFile struct {
	path   string
	lo, hi []byte
	keys   *loadedKeys
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
