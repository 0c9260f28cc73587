package storage

import (
	"bytes"
	"errors"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/cockroachdb/pebble/v2"

	"github.com/alopexdb/alopex/core"
)

// getsUpTo is the number of keys GetMany reads with one Get each; more
// keys share one iterator. A Get consults every level (bloom filters
// skip most), an iterator costs more to open but then moves forward from
// key to key through blocks it already holds.
const getsUpTo = 8

// GetMany returns the visible columns of the rows whose primary key values
// are among keys (one value per key column each, as Get takes them), as Go
// values (see datumToGo's types): in key order, each row once, keys
// without a row or with a NULL value skipped. A value that does not
// convert exactly to its column's type is an InvalidInput error (the
// caller's own conversions decide what it means).
//
// The keys are encoded and sorted first, so that a batch of lookups is one
// forward walk of the store rather than a search per key.
func (t *Txn) GetMany(table string, keys [][]any) ([][]any, error) {
	d, enc, err := t.manyKeys(table, keys)
	if err != nil || len(enc) == 0 {
		return nil, err
	}
	if d.IsColumnar() {
		// Rows may be in segments: one at a time, as Get reads them.
		out := make([][]any, 0, len(enc))
		for _, k := range enc {
			row, ok, err := t.rowAt(d, k)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, row)
			}
		}
		return out, nil
	}
	return collectRows(d, len(enc), func(fn func([]datum) error) error {
		return readRows(t.snap, t.pend, d, enc, getsUpTo, fn)
	})
}

// GetManyFunc is GetMany handing each row to fn as it is read, without
// making Go values of it (see Row). ok is false, and fn not called, for a
// columnar table (its rows may be in segments): use GetMany.
func (t *Txn) GetManyFunc(table string, keys [][]any, fn func(Row) error) (ok bool, err error) {
	d, enc, err := t.manyKeys(table, keys)
	if err != nil {
		return false, err
	}
	if d.IsColumnar() {
		return false, nil
	}
	if len(enc) == 0 {
		return true, nil
	}
	return true, readRows(t.snap, t.pend, d, enc, getsUpTo, rowFunc(d, fn))
}

// manyKeys is the table's descriptor and the encoded keys of GetMany.
func (t *Txn) manyKeys(table string, keys [][]any) (*TableDesc, [][]byte, error) {
	if t.done {
		return nil, nil, errTxnDone()
	}
	if t.sealed {
		return nil, nil, errSealed()
	}
	d, err := t.Table(table)
	if err != nil {
		return nil, nil, err
	}
	enc, err := d.encodeKeys(keys)
	return d, enc, err
}

// Row is a stored row as GetManyFunc reads it: its visible columns, by
// position. It is valid only during the call it is passed to (text,
// binary and vector values point into the store's memory). Each accessor
// is for the columns of some types, and a NULL value (Null) has none.
type Row struct {
	d    *TableDesc
	vals []datum
}

// col is the datum of visible column i.
func (r Row) col(i int) *datum {
	if r.d.HasHiddenRowID() {
		for c := range r.d.Columns {
			if r.d.Columns[c].Hidden {
				continue
			}
			if i == 0 {
				return &r.vals[c]
			}
			i--
		}
	}
	return &r.vals[i]
}

// Null reports whether visible column i is NULL.
func (r Row) Null(i int) bool { return r.col(i).null }

// Int is the value of a signed integer column, a date (days since the
// epoch), a timestamp (microseconds since the epoch) or a boolean (0, 1).
func (r Row) Int(i int) int64 { return r.col(i).i }

// Uint is the value of an unsigned integer column.
func (r Row) Uint(i int) uint64 { return r.col(i).u }

// Float is the value of a float column (float32 widened exactly).
func (r Row) Float(i int) float64 { return r.col(i).f }

// Decimal is the unscaled value of a decimal column.
func (r Row) Decimal(i int) decimal128.Num { return r.col(i).d }

// Bytes is the value of a text or binary column, or a vector's
// little-endian float32s: the store's memory, not to be kept or changed.
func (r Row) Bytes(i int) []byte { return r.col(i).b }

// rowFunc adapts fn to readRows.
func rowFunc(d *TableDesc, fn func(Row) error) func([]datum) error {
	return func(vals []datum) error { return fn(Row{d: d, vals: vals}) }
}

// collectRows makes Go values of the rows read (see read): the visible
// columns of each.
func collectRows(d *TableDesc, n int, read func(fn func([]datum) error) error) ([][]any, error) {
	out := make([][]any, 0, n)
	err := read(func(vals []datum) error {
		row := make([]any, 0, len(d.Columns))
		for i := range d.Columns {
			if !d.Columns[i].Hidden {
				row = append(row, datumToGo(&d.Columns[i].typ, vals[i]))
			}
		}
		out = append(out, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readRows reads the rows of enc (sorted row keys of d) from r overlaid
// with pend (nil: no writes of one's own), by Gets when there are at most
// maxGets keys, and passes each, decoded, to fn (the values are valid
// until fn returns).
func readRows(r pebble.Reader, pend *pendingWrites, d *TableDesc, enc [][]byte, maxGets int, fn func([]datum) error) error {
	if len(enc) > maxGets {
		it, err := r.NewIter(&pebble.IterOptions{LowerBound: enc[0], UpperBound: append(slices.Clip(enc[len(enc)-1]), 0)})
		if err != nil {
			return storageError(err)
		}
		defer it.Close()
		return readRowsIter(it, pend, d, enc, fn)
	}
	rd := newRowScratch(d)
	defer rd.release()
	for _, k := range enc {
		if w, ok := pendingAt(pend, k); ok { // the transaction's own writes win over the store
			if !w.del {
				if err := rd.emit(k, w.val, fn); err != nil {
					return err
				}
			}
			continue
		}
		v, closer, err := r.Get(k)
		if errors.Is(err, pebble.ErrNotFound) {
			continue
		}
		if err != nil {
			return storageError(err)
		}
		err = rd.emit(k, v, fn)
		closer.Close()
		if err != nil {
			return err
		}
	}
	return pend.failed()
}

// readRowsIter is readRows with an iterator: a single key is a prefix seek
// (bloom filters skip the sstables without it), several keys one forward
// walk.
func readRowsIter(it *pebble.Iterator, pend *pendingWrites, d *TableDesc, enc [][]byte, fn func([]datum) error) error {
	rd := newRowScratch(d)
	defer rd.release()
	for _, k := range enc {
		if w, ok := pendingAt(pend, k); ok {
			if !w.del {
				if err := rd.emit(k, w.val, fn); err != nil {
					return err
				}
			}
			continue
		}
		v, found, err := seekRow(it, k, len(enc) == 1)
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		if err := rd.emit(k, v, fn); err != nil {
			return err
		}
	}
	return pend.failed()
}

// encodeKeys returns the row keys of keys, sorted and without duplicates;
// keys with a NULL value (which match no row) are left out.
func (d *TableDesc) encodeKeys(keys [][]any) ([][]byte, error) {
	enc := make([][]byte, 0, len(keys))
	buf := make([]byte, 0, len(keys)*(rowPrefixLen+9*len(d.pk)))
	for _, key := range keys {
		if len(key) != len(d.pk) {
			return nil, core.Errorf(core.KindInvalidInput, "table %q has %d key columns; got %d key values", d.Name, len(d.pk), len(key))
		}
		start := len(buf)
		buf = appendRowPrefix(buf, d.ID)
		null := false
		for i, p := range d.pk {
			c := &d.Columns[p]
			v, err := goToDatum(&c.typ, key[i])
			if err != nil {
				return nil, core.Errorf(core.KindInvalidInput, "key value for column %q of table %q: %v", c.Name, d.Name, err).With("column", c.Name)
			}
			if v.null {
				null = true
				break
			}
			buf = appendKey(buf, &c.typ, v)
		}
		if null {
			buf = buf[:start]
			continue
		}
		// Earlier keys keep the array they were written in when buf grows.
		enc = append(enc, buf[start:len(buf):len(buf)])
	}
	if len(enc) > 1 {
		slices.SortFunc(enc, bytes.Compare)
		enc = slices.CompactFunc(enc, bytes.Equal)
	}
	return enc, nil
}

// pendingAt is pend's write of key k, if any (pend nil: none).
func pendingAt(pend *pendingWrites, k []byte) (pendingWrite, bool) {
	if pend == nil {
		return pendingWrite{}, false
	}
	return pend.get(string(k))
}

// rowScratch decodes whole rows, reusing its space.
type rowScratch struct {
	d    *TableDesc
	vals []datum
	seen []bool
}

// rowScratches recycles rowScratch space: a point read then allocates none.
var rowScratches = sync.Pool{New: func() any { return new(rowScratch) }}

// newRowScratch returns scratch space for rows of d; release it when done.
func newRowScratch(d *TableDesc) *rowScratch {
	r := rowScratches.Get().(*rowScratch)
	r.d = d
	if n := len(d.Columns); cap(r.vals) < n {
		r.vals, r.seen = make([]datum, n), make([]bool, n)
	} else {
		r.vals, r.seen = r.vals[:n], r.seen[:n]
	}
	return r
}

func (r *rowScratch) release() {
	if cap(r.vals) > 256 { // a very wide table's space goes back to the GC
		return
	}
	clear(r.vals) // drop references into the store's memory
	r.d = nil
	rowScratches.Put(r)
}

// emit decodes the row (key, val) and passes it to fn.
func (r *rowScratch) emit(key, val []byte, fn func([]datum) error) error {
	if err := r.d.allCols.decode(key, val, r.vals, r.seen); err != nil {
		return err
	}
	return fn(r.vals)
}
