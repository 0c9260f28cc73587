package storage

import (
	"bytes"
	"errors"
	"slices"

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
	enc, err := d.encodeKeys(keys)
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
	return readRows(t.snap, t.pend, d, enc, getsUpTo)
}

// readRows reads the rows of enc (sorted row keys of d) from r overlaid
// with pend (nil: no writes of one's own), by Gets when there are at most
// maxGets keys.
func readRows(r pebble.Reader, pend *pendingWrites, d *TableDesc, enc [][]byte, maxGets int) ([][]any, error) {
	out := make([][]any, 0, len(enc))
	rd := rowReader{d: d, vals: make([]datum, len(d.Columns)), seen: make([]bool, len(d.Columns))}
	var err error
	if len(enc) <= maxGets {
		for _, k := range enc {
			if pend != nil { // the transaction's own writes win over the store
				if w, ok := pend.get(string(k)); ok {
					if !w.del {
						if out, err = rd.appendRow(out, k, w.val); err != nil {
							return nil, err
						}
					}
					continue
				}
			}
			v, closer, err := r.Get(k)
			if errors.Is(err, pebble.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, storageError(err)
			}
			out, err = rd.appendRow(out, k, v)
			closer.Close()
			if err != nil {
				return nil, err
			}
		}
		return out, pend.failed()
	}
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: enc[0], UpperBound: append(slices.Clip(enc[len(enc)-1]), 0)})
	if err != nil {
		return nil, storageError(err)
	}
	defer it.Close()
	for _, k := range enc {
		if pend != nil {
			if w, ok := pend.get(string(k)); ok {
				if !w.del {
					if out, err = rd.appendRow(out, k, w.val); err != nil {
						return nil, err
					}
				}
				continue
			}
		}
		if !it.SeekGE(k) || !bytes.Equal(it.Key(), k) {
			if err := it.Error(); err != nil {
				return nil, storageError(err)
			}
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, storageError(err)
		}
		if out, err = rd.appendRow(out, k, v); err != nil {
			return nil, err
		}
	}
	return out, pend.failed()
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

// rowReader decodes whole rows into Go values, reusing its scratch space.
type rowReader struct {
	d    *TableDesc
	vals []datum
	seen []bool
}

// appendRow appends the visible columns of the row (key, val) to out.
// val may be the store's memory: every value is copied out of it.
func (r *rowReader) appendRow(out [][]any, key, val []byte) ([][]any, error) {
	d := r.d
	if err := d.allCols.decode(key, val, r.vals, r.seen); err != nil {
		return nil, err
	}
	row := make([]any, 0, len(d.Columns))
	for i := range d.Columns {
		if !d.Columns[i].Hidden {
			row = append(row, datumToGo(&d.Columns[i].typ, r.vals[i]))
		}
	}
	return append(out, row), nil
}
