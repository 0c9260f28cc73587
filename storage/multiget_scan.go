package storage

import (
	"bytes"
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// keysPerPiece bounds the keys one worker of a key-set scan reads as one
// piece; a set smaller than two pieces is read by one goroutine (starting
// workers costs more than a few thousand lookups). Variables for tests.
var (
	minKeysPerPiece = 2048
	maxKeysPerPiece = 16384
)

// KeySetOptions say what ScanKeys reads.
type KeySetOptions struct {
	// Columns to return, in this order; nil: every visible column.
	Columns []string
	// Keys are values of the table's key column (one key column: the
	// primary key or the hidden row id), as Get takes them, in any order,
	// with repeats and NULLs (which match no row).
	Keys []any
	// Sorted says Keys are in increasing order without repeats or NULLs:
	// their row keys then need no sort.
	Sorted bool
	// BatchSize is the number of rows per record batch (0:
	// DefaultBatchSize).
	BatchSize int
	// Mem allocates the batches (nil: the Go allocator).
	Mem memory.Allocator
}

// ScanKeys streams the rows of a table with one key column whose key is
// among opts.Keys, each once, in key order, from the transaction's
// snapshot and its own writes: a batched lookup by primary key. The keys
// are encoded and sorted, then read by forward seeks of one iterator
// (pebble turns a seek to a later key into steps forward through blocks it
// holds), split into pieces of consecutive keys that up to workers
// goroutines read ahead of the consumer, as ScanParallel does. Columns are
// decoded straight into Arrow builders. Like Scan's, the reader must be
// released before the transaction ends.
func (t *Txn) ScanKeys(ctx context.Context, table string, opts KeySetOptions, workers int) (array.RecordReader, error) {
	if t.done {
		return nil, errTxnDone()
	}
	if t.sealed {
		return nil, errSealed()
	}
	d, err := t.Table(table)
	if err != nil {
		return nil, err
	}
	if d.IsColumnar() || len(d.pk) != 1 {
		return nil, core.Errorf(core.KindNotSupported, "a key-set scan reads a row table with one key column; table %q is not one", d.Name)
	}
	enc, err := d.encodeKeyColumn(opts.Keys, opts.Sorted)
	if err != nil {
		return nil, err
	}
	// Each key is a range [k, k+0x00): the one row of that key. The 0x00
	// is in the key's array already (see encodeKeyColumn).
	points := make([][2][]byte, len(enc))
	for i, k := range enc {
		points[i] = [2][]byte{k, k[:len(k)+1]}
	}
	newPiece := func(keys [][2][]byte) (*tableReader, error) {
		r, err := newTableReader(t, d, opts.Columns, opts.BatchSize, opts.Mem)
		if err != nil {
			return nil, err
		}
		r.prefix, r.ranges, r.points = rowPrefix(d.ID), keys, true
		if len(keys) == 0 { // no key to read: an empty iterator is enough
			keys = [][2][]byte{{r.prefix, r.prefix}}
		}
		it, err := t.iter(keys[0][0], keys[len(keys)-1][1])
		if err != nil {
			r.close()
			return nil, err
		}
		r.it = it
		return r, nil
	}
	per := min(max(len(points)/max(workers*piecesPerWorker, 1), minKeysPerPiece), maxKeysPerPiece)
	if workers < 2 || len(points) < 2*per {
		r, err := newPiece(points)
		if err != nil {
			return nil, err
		}
		t.register(r)
		return r, nil
	}
	s := &parallelScan{tx: t, ctx: ctx, workers: workers, refs: 1}
	for lo := 0; lo < len(points); lo += per {
		r, err := newPiece(points[lo:min(lo+per, len(points))])
		if err != nil {
			s.close()
			return nil, err
		}
		s.schema = r.schema
		s.pieces = append(s.pieces, r)
	}
	return s.begin(), nil
}

// encodeKeyColumn returns the row keys of values of d's one key column,
// sorted and without repeats (unless sorted says they are already);
// NULLs, which match no row, are left out. A value that does not convert
// exactly to the column's type is an InvalidInput error.
func (d *TableDesc) encodeKeyColumn(values []any, sorted bool) ([][]byte, error) {
	c := &d.Columns[d.pk[0]]
	prefix := rowPrefix(d.ID)
	enc := make([][]byte, 0, len(values))
	// One buffer for all keys (a fixed-width key is 9 bytes, and a 0x00
	// follows each).
	buf := make([]byte, 0, len(values)*(len(prefix)+10))
	for _, v := range values {
		x, err := goToDatum(&c.typ, v)
		if err != nil {
			return nil, core.Errorf(core.KindInvalidInput, "key value for column %q of table %q: %v", c.Name, d.Name, err).With("column", c.Name)
		}
		if x.null {
			continue
		}
		start := len(buf)
		buf = append(buf, prefix...)
		buf = appendKey(buf, &c.typ, x)
		end := len(buf)
		buf = append(buf, 0)
		// Earlier keys keep the array they were written in when buf grows.
		// Each key's capacity takes in the 0x00 after it (k[:len(k)+1] is
		// the end of its range) and no more.
		enc = append(enc, buf[start:end:end+1])
	}
	if !sorted && len(enc) > 1 && !slices.IsSortedFunc(enc, bytes.Compare) {
		slices.SortFunc(enc, bytes.Compare)
	}
	if !sorted {
		enc = slices.CompactFunc(enc, bytes.Equal)
	}
	return enc, nil
}

// nextPoint reads the row of the next key of a key-set scan (r.points),
// if there is one: a seek to the key, never a step past it, so that the
// next seek, to a later key, moves forward from where this one stopped.
func (r *tableReader) nextPoint() (found bool, err error) {
	k := r.ranges[r.ri]
	r.ri++
	r.it.seek(k[0], k[1])
	if !r.it.Valid() {
		return false, r.it.Error()
	}
	if !bytes.Equal(r.it.Key(), k[0]) {
		return false, nil
	}
	return true, r.readRow(r.it.Key(), r.it.Value())
}
