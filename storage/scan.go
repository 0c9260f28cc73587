package storage

import (
	"bytes"
	"math"
	"sort"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// KeyRange bounds a scan on a prefix of the key columns (of the primary
// key, or of the index being scanned). The zero value is the whole table.
// Keys order as their values, NULL first (only index columns hold NULLs: an
// unbounded lower end includes them; Lower [nil] with LowerExclusive skips
// them).
type KeyRange struct {
	// Lower holds values for the first len(Lower) key columns; nil: no
	// lower bound.
	Lower          []any
	LowerExclusive bool
	// Upper holds values for the first len(Upper) key columns; nil: no
	// upper bound.
	Upper          []any
	UpperExclusive bool
}

// ScanOptions say what Scan reads.
type ScanOptions struct {
	// Columns to return, in this order; nil: every visible column. May
	// include RowIDColumn.
	Columns []string
	// Ranges restrict the scan to keys in any of them (nil: everything).
	// They are read in key order; overlapping ranges are read once.
	Ranges []KeyRange
	// Index names a secondary index to scan instead of the table: Ranges
	// then bound the index's columns and rows come out in index order.
	Index string
	// BatchSize is the number of rows per record batch (0:
	// DefaultBatchSize).
	BatchSize int
	// Mem allocates the batches (nil: the Go allocator).
	Mem memory.Allocator
}

// Scan reads a table in key (or index) order from the transaction's
// snapshot and its own writes. The reader must be released before the
// transaction ends (it stops with an error if the transaction ends first).
func (t *Txn) Scan(table string, opts ScanOptions) (array.RecordReader, error) {
	if t.done {
		return nil, errTxnDone()
	}
	d, err := t.Table(table)
	if err != nil {
		return nil, err
	}
	r, err := newTableReader(t, d, opts.Columns, opts.BatchSize, opts.Mem)
	if err != nil {
		return nil, err
	}
	keyCols := d.pk
	prefix := rowPrefix(d.ID)
	if opts.Index != "" {
		ix := d.Index(opts.Index)
		if ix == nil {
			return nil, core.Errorf(core.KindInvalidInput, "table %q has no index %q", d.Name, opts.Index).With("index", opts.Index)
		}
		r.index = ix
		keyCols = ix.cols
		prefix = indexPrefix(d.ID, ix.ID)
	}
	r.prefix = prefix
	if r.ranges, err = encodeRanges(d, keyCols, prefix, opts.Ranges); err != nil {
		return nil, err
	}
	if err := t.openReader(r); err != nil {
		return nil, err
	}
	t.register(r)
	return r, nil
}

// txnReader is a reader the transaction closes when it ends before the
// reader is released.
type txnReader interface{ close() }

func (t *Txn) register(r txnReader) {
	if t.readers == nil {
		t.readers = map[txnReader]struct{}{}
	}
	t.readers[r] = struct{}{}
}

func (t *Txn) unregister(r txnReader) {
	if t.readers != nil {
		delete(t.readers, r)
	}
}

// openReader opens r's iterator over r.ranges.
func (t *Txn) openReader(r *tableReader) error {
	// The iterator's bounds span the ranges, so pebble never reads past
	// them; the ranges inside are reached by seeks.
	lo, hi := r.prefix, prefixEnd(r.prefix)
	if len(r.ranges) > 0 {
		lo, hi = r.ranges[0][0], r.ranges[len(r.ranges)-1][1]
	}
	var err error
	if r.it, err = t.iter(lo, hi); err != nil {
		return err
	}
	r.seekRange()
	return nil
}

// encodeRanges turns KeyRanges into sorted, disjoint [lo, hi) key ranges.
func encodeRanges(d *TableDesc, keyCols []int, prefix []byte, ranges []KeyRange) ([][2][]byte, error) {
	if len(ranges) == 0 {
		return [][2][]byte{{prefix, prefixEnd(prefix)}}, nil
	}
	out := make([][2][]byte, 0, len(ranges))
	for _, kr := range ranges {
		lo, err := encodeBound(d, keyCols, prefix, kr.Lower, kr.LowerExclusive)
		if err != nil {
			return nil, err
		}
		hi, err := encodeBound(d, keyCols, prefix, kr.Upper, !kr.UpperExclusive)
		if err != nil {
			return nil, err
		}
		if kr.Upper == nil {
			hi = prefixEnd(prefix)
		}
		if bytes.Compare(lo, hi) < 0 {
			out = append(out, [2][]byte{lo, hi})
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i][0], out[j][0]) < 0 })
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && bytes.Compare(r[0], merged[n-1][1]) <= 0 {
			if bytes.Compare(r[1], merged[n-1][1]) > 0 {
				merged[n-1][1] = r[1]
			}
			continue
		}
		merged = append(merged, r)
	}
	return merged, nil
}

// encodeBound encodes bound values on a key prefix; past is true for the
// bound that lies after every key starting with the values (an exclusive
// lower or an inclusive upper bound).
func encodeBound(d *TableDesc, keyCols []int, prefix []byte, values []any, past bool) ([]byte, error) {
	if len(values) > len(keyCols) {
		return nil, core.Errorf(core.KindInvalidInput, "a key range of table %q has %d values for %d key columns", d.Name, len(values), len(keyCols))
	}
	b := append([]byte(nil), prefix...)
	for i, v := range values {
		c := &d.Columns[keyCols[i]]
		x, err := goToDatum(&c.typ, v)
		if err != nil {
			// A bound past the column's range (id = 256 on a TINYINT
			// UNSIGNED key) lies before or after every key of the prefix so
			// far: it selects no row or every row, not an error.
			switch outOfIntRange(&c.typ, v) {
			case -1:
				return b, nil
			case 1:
				return prefixEnd(b), nil
			}
			return nil, core.Errorf(core.KindInvalidInput, "key range bound for column %q of table %q: %v", c.Name, d.Name, err).With("column", c.Name)
		}
		b = appendKey(b, &c.typ, x)
	}
	if past {
		if len(values) == 0 {
			return prefixEnd(prefix), nil
		}
		return prefixEnd(b), nil
	}
	return b, nil
}

// outOfIntRange tells where a whole number v lies against an integer
// column's range: -1 below it, 1 above it, 0 inside it or when v is no
// whole number or t no integer type.
func outOfIntRange(t *colType, v any) int {
	if t.kind != kInt && t.kind != kUint {
		return 0
	}
	switch x := v.(type) {
	case int64:
		switch {
		case t.kind == kUint && x < 0, t.kind == kInt && x < t.min:
			return -1
		case t.kind == kUint && uint64(x) > t.umax, t.kind == kInt && x > t.max:
			return 1
		}
	case uint64:
		if (t.kind == kUint && x > t.umax) || (t.kind == kInt && x > uint64(t.max)) {
			return 1
		}
	case float64:
		switch {
		case x != math.Trunc(x) || math.IsNaN(x):
			return 0
		case x < -(1 << 63):
			return -1
		case x >= 1<<64:
			return 1
		case x < 1<<63:
			return outOfIntRange(t, int64(x))
		default:
			return outOfIntRange(t, uint64(x))
		}
	}
	return 0
}

// reserveRows is how many rows a scan makes room for in its builders at a
// time.
const reserveRows = 1024

// tableReader is the RecordReader of Scan.
type tableReader struct {
	tx        *Txn
	d         *TableDesc
	index     *IndexDesc
	cols      []int // table positions of the output columns
	outOf     []int // table position -> decoder slot, -1 if not read
	slot      []int // output column -> decoder slot
	schema    *arrow.Schema
	dec       *rowDecoder
	sinks     []colSink
	builders  []array.Builder
	room      int         // rows the builders have room for (reserved, not yet appended)
	vals      []datum     // one per output column: the current row
	seen      []bool      // scratch of dec
	prefix    []byte      // of the table's rows or the index's entries
	ranges    [][2][]byte // sorted, disjoint [lo, hi) key ranges to read
	points    bool        // each range is one key, read by a seek (ScanKeys)
	ri        int
	it        *mergedIter
	batchSize int
	mem       memory.Allocator
	cur       arrow.RecordBatch
	err       error
	refs      int64
	closed    bool
}

var _ array.RecordReader = (*tableReader)(nil)

func (r *tableReader) bindColumns(names []string) error {
	d := r.d
	if names == nil {
		for i, c := range d.Columns {
			if !c.Hidden {
				r.cols = append(r.cols, i)
			}
		}
	} else {
		for _, n := range names {
			i, err := d.columnIndex(n)
			if err != nil {
				return err
			}
			r.cols = append(r.cols, i)
		}
	}
	r.outOf = make([]int, len(d.Columns))
	for i := range r.outOf {
		r.outOf[i] = -1
	}
	fields := make([]arrow.Field, len(r.cols))
	r.builders = make([]array.Builder, len(r.cols))
	r.sinks = make([]colSink, len(r.cols))
	// A column named twice is decoded once, into the slot of its first
	// output column.
	var decoded []int
	r.slot = make([]int, len(r.cols))
	for j, i := range r.cols {
		c := &d.Columns[i]
		if r.outOf[i] < 0 {
			r.outOf[i] = len(decoded)
			decoded = append(decoded, i)
		}
		r.slot[j] = r.outOf[i]
		fields[j] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: !c.NotNull}
		r.builders[j] = array.NewBuilder(r.mem, c.Type)
		r.sinks[j] = newColSink(r.builders[j], &c.typ)
	}
	r.dec = newRowDecoder(d, decoded)
	r.vals = make([]datum, len(decoded))
	r.seen = make([]bool, len(decoded))
	r.schema = arrow.NewSchema(fields, nil)
	return nil
}

func (r *tableReader) seekRange() {
	if r.ri < len(r.ranges) {
		r.it.seek(r.ranges[r.ri][0], r.ranges[r.ri][1])
	}
}

// Schema is the schema of the output batches.
func (r *tableReader) Schema() *arrow.Schema { return r.schema }

// Record is the current batch (valid until the next call to Next).
func (r *tableReader) Record() arrow.RecordBatch { return r.cur }

// RecordBatch is the current batch (valid until the next call to Next).
func (r *tableReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Err is the error that stopped the reader, if any.
func (r *tableReader) Err() error { return r.err }

// Retain adds a reference.
func (r *tableReader) Retain() { atomic.AddInt64(&r.refs, 1) }

// Release drops a reference; the last one closes the reader.
func (r *tableReader) Release() {
	if atomic.AddInt64(&r.refs, -1) == 0 {
		r.close()
		if r.tx != nil {
			r.tx.unregister(r)
		}
	}
}

func (r *tableReader) close() {
	if r.closed {
		return
	}
	r.closed = true
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.it != nil {
		_ = r.it.Close()
	}
	for _, b := range r.builders {
		b.Release()
	}
}

// Next reads the next batch of up to BatchSize rows.
func (r *tableReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.err != nil {
		return false
	}
	if r.closed {
		if r.tx.done {
			r.err = core.Errorf(core.KindInvalidInput, "the transaction of this scan has ended; read the scan before committing")
		}
		return false
	}
	n := 0
	for n < r.batchSize && r.ri < len(r.ranges) {
		if r.points { // a key-set scan (multiget_scan.go)
			found, err := r.nextPoint()
			if err != nil {
				r.err = err
				return false
			}
			if found {
				n++
			}
			continue
		}
		if !r.it.Valid() {
			if err := r.it.Error(); err != nil {
				r.err = err
				return false
			}
			r.ri++
			r.seekRange()
			continue
		}
		var err error
		if r.index != nil {
			err = r.readIndexEntry()
		} else {
			err = r.readRow(r.it.Key(), r.it.Value())
		}
		if err != nil {
			r.err = err
			return false
		}
		n++
		r.it.Next()
	}
	if n == 0 {
		return false
	}
	cols := make([]arrow.Array, len(r.builders))
	for j, b := range r.builders {
		cols[j] = b.NewArray()
	}
	r.room = 0 // NewArray left the builders empty
	r.cur = array.NewRecordBatch(r.schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return true
}

// readRow decodes one row straight into the builders: only the requested
// columns, key columns from the key, the others from the value.
func (r *tableReader) readRow(key, val []byte) error {
	if err := r.dec.decode(key, val, r.vals, r.seen); err != nil {
		return err
	}
	if r.room == 0 {
		// Room for the next rows, reserved a chunk at a time: a small
		// scan allocates little, a large one grows the buffers as usual.
		for j := range r.sinks {
			r.sinks[j].reserve(reserveRows)
		}
		r.room = reserveRows
	}
	r.room--
	for j := range r.sinks {
		r.sinks[j].append(&r.vals[r.slot[j]])
	}
	return nil
}

// readIndexEntry reads the row an index entry points at.
func (r *tableReader) readIndexEntry() error {
	pk, err := r.d.indexEntryPK(r.index, r.it.Key(), r.it.Value())
	if err != nil {
		return err
	}
	key := append(rowPrefix(r.d.ID), pk...)
	val, ok, err := r.tx.get(key)
	if err != nil {
		return err
	}
	if !ok {
		return core.Errorf(core.KindInternal, "index %q of table %q points at a missing row", r.index.Name, r.d.Name)
	}
	return r.readRow(key, val)
}

// Get returns the visible columns of the row with primary key values key
// (one per key column, or the row id), as Go values (see datumToGo's
// types), or ok false when there is none: the point-lookup fast path.
func (t *Txn) Get(table string, key []any) ([]any, bool, error) {
	if t.done {
		return nil, false, errTxnDone()
	}
	d, err := t.Table(table)
	if err != nil {
		return nil, false, err
	}
	if len(key) != len(d.pk) {
		return nil, false, core.Errorf(core.KindInvalidInput, "table %q has %d key columns; got %d key values", d.Name, len(d.pk), len(key))
	}
	k := rowPrefix(d.ID)
	for i, p := range d.pk {
		c := &d.Columns[p]
		v, err := goToDatum(&c.typ, key[i])
		if err != nil {
			return nil, false, core.Errorf(core.KindInvalidInput, "key value for column %q of table %q: %v", c.Name, d.Name, err).With("column", c.Name)
		}
		if v.null {
			return nil, false, nil
		}
		k = appendKey(k, &c.typ, v)
	}
	return t.rowAt(d, k)
}

// rowAt reads the visible columns of the row with row key k as Go values:
// the transaction's own write, the store's row, or (columnar tables) the
// row in a segment.
func (t *Txn) rowAt(d *TableDesc, k []byte) ([]any, bool, error) {
	val, ok, err := t.get(k)
	if err != nil {
		return nil, false, err
	}
	vals := make([]datum, len(d.Columns))
	if !ok {
		// A columnar table's row may be in a segment (segment_rows.go).
		if ok, err = t.segmentRow(d, d.pkBytes(k), vals); err != nil || !ok {
			return nil, false, err
		}
	} else if err := d.decodeRow(k, val, vals); err != nil {
		return nil, false, err
	}
	out := make([]any, 0, len(d.Columns))
	for i := range d.Columns {
		if !d.Columns[i].Hidden {
			out = append(out, datumToGo(&d.Columns[i].typ, vals[i]))
		}
	}
	return out, true, nil
}

// ApproxRowCount estimates the number of rows of a table for the
// optimizer: exact up to a few thousand rows, then extrapolated from the
// table's share of the disk.
func (t *Txn) ApproxRowCount(table string) (int64, error) {
	d, err := t.Table(table)
	if err != nil {
		return 0, err
	}
	const exactUpTo = 4096
	n, err := t.countRows(d, exactUpTo)
	if err != nil || n < exactUpTo {
		return n, err
	}
	lo := rowPrefix(d.ID)
	bytesOnDisk, err := t.db.pdb.EstimateDiskUsage(lo, prefixEnd(lo))
	if err != nil || bytesOnDisk == 0 {
		return n, nil
	}
	sample, err := t.sampleRowBytes(lo, exactUpTo)
	if err != nil || sample == 0 {
		return n, err
	}
	return max(n, int64(bytesOnDisk)/max(1, sample/2)), nil
}

// sampleRowBytes is the mean key+value size of the first rows (the disk
// holds them compressed: callers halve it).
func (t *Txn) sampleRowBytes(lo []byte, limit int) (int64, error) {
	it, err := t.iter(lo, prefixEnd(lo))
	if err != nil {
		return 0, err
	}
	defer it.Close()
	var total, n int64
	for ; it.Valid() && n < int64(limit); it.Next() {
		total += int64(len(it.Key()) + len(it.Value()))
		n++
	}
	if n == 0 {
		return 0, it.Error()
	}
	return total / n, it.Error()
}

// newTableReader is a reader of d's columns (nil: every visible one) in
// batches of batchSize rows (0: DefaultBatchSize) allocated from mem (nil:
// the Go allocator); the caller sets what it reads and its iterator.
func newTableReader(t *Txn, d *TableDesc, columns []string, batchSize int, mem memory.Allocator) (*tableReader, error) {
	r := &tableReader{tx: t, d: d, batchSize: batchSize, mem: mem, refs: 1}
	if r.batchSize <= 0 {
		r.batchSize = DefaultBatchSize
	}
	if r.mem == nil {
		r.mem = memory.DefaultAllocator
	}
	if err := r.bindColumns(columns); err != nil {
		return nil, err
	}
	return r, nil
}
