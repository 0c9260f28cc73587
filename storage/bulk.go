package storage

import (
	"bytes"
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
// Constraint error naming the value). It falls back to Insert for small
// loads, tables with secondary indexes, and input whose batches are not in
// ascending key order (each batch may be unordered). Afterwards the
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
		n, ok, err := t.loadSorted(d, batches)
		if err != nil || ok {
			return n, err
		}
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

// loadSorted writes the batches as one sstable. ok is false (and nothing
// was kept) when the batches are not in ascending key order.
func (t *Txn) loadSorted(d *TableDesc, batches []arrow.RecordBatch) (n int64, ok bool, err error) {
	db := t.db
	dir := filepath.Join(db.dir, tmpDirName)
	if err := db.fs.MkdirAll(dir, 0o755); err != nil {
		return 0, false, storageError(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("load-%d-%d.sst", os.Getpid(), spillSeq.Add(1)))
	f, err := db.fs.Create(path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return 0, false, storageError(err)
	}
	w := sstable.NewWriter(objstorageprovider.NewFileWritable(f), db.po.MakeWriterOptions(0, db.pdb.TableFormat()))
	keep := false
	defer func() {
		if !keep {
			_ = w.Close()
			_ = db.fs.Remove(path)
		}
	}()
	// Batches are bound and given their generated ids in order (so hidden
	// row ids ascend across batches), encoded in parallel, and written in
	// order.
	builders := make([]*rowBuilder, len(batches))
	for i, b := range batches {
		if b.NumRows() == 0 {
			continue
		}
		readers, err := boundColumns(d, b, false)
		if err != nil {
			return 0, false, err
		}
		if builders[i], err = t.newRowBuilder(d, readers, int(b.NumRows())); err != nil {
			return 0, false, err
		}
	}
	enc := encodeParallel(d, builders)
	defer enc.stop()
	vals := make([]datum, len(d.Columns))
	var prev []byte
	for i, rb := range builders {
		if rb == nil {
			continue
		}
		e, err := enc.next(i)
		if err != nil {
			return 0, false, err
		}
		nrows := len(e.order)
		for j := 1; j < nrows; j++ {
			if bytes.Equal(e.key(e.order[j-1]), e.key(e.order[j])) {
				if err := rb.values(e.order[j], vals); err != nil {
					return 0, false, err
				}
				return 0, false, t.uniqueError(d, d.pk, vals, "primary key violation")
			}
		}
		if prev != nil && bytes.Compare(e.key(e.order[0]), prev) <= 0 {
			return 0, false, nil // batches overlap: the general path sorts it out
		}
		for _, i := range e.order {
			if err := w.Set(e.key(i), e.val(i)); err != nil {
				return 0, false, storageError(err)
			}
		}
		prev = append(prev[:0], e.key(e.order[nrows-1])...)
		n += int64(nrows)
		enc.done(e)
	}
	keep = true
	if err := w.Close(); err != nil {
		_ = db.fs.Remove(path)
		return 0, false, storageError(err)
	}
	lo := rowPrefix(d.ID)
	t.bulk = append(t.bulk, bulkFile{path: path, lo: lo, hi: prefixEnd(lo)})
	t.sealed = true
	return n, true, nil
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

// done hands an encoding back for reuse.
func (p *parallelEncoder) done(e *encodedRows) {
	p.release(p.from)
	p.from++
	p.pool.Put(e)
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
