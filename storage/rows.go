package storage

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/alopexdb/alopex/core"
)

// Row encoding helpers shared by the writers, the scans and index builds: a
// row is a []datum with one value per TableDesc column.

// appendRowKey appends the row key of vals: rowPrefix then the key columns.
func (d *TableDesc) appendRowKey(b []byte, vals []datum) []byte {
	b = appendRowPrefix(b, d.ID)
	for _, p := range d.pk {
		b = appendKey(b, &d.Columns[p].typ, vals[p])
	}
	return b
}

// pkBytes is the key-column part of a row key.
func (d *TableDesc) pkBytes(rowKey []byte) []byte { return rowKey[rowPrefixLen:] }

// appendRowValue appends the row value of vals: every non-key column.
func (d *TableDesc) appendRowValue(b []byte, vals []datum) []byte {
	b = appendRowHeader(b, d.SchemaVersion)
	for i := range d.Columns {
		if d.isKey(i) {
			continue
		}
		c := &d.Columns[i]
		b = appendField(b, c.ID, &c.typ, vals[i])
	}
	return b
}

func (d *TableDesc) isKey(i int) bool { return d.keyCol[i] }

// decodeRow fills vals (len(d.Columns)) from a row's key and value: key
// columns from the key, the others from the value, and columns the value
// lacks (added after it was written) from their defaults.
func (d *TableDesc) decodeRow(key, val []byte, vals []datum) error {
	return d.allCols.decode(key, val, vals, make([]bool, len(d.Columns)))
}

// indexKey returns the key of a row's entry in ix and whether it is in the
// unique form ({values} -> pk; only for a unique index over values without
// NULL: NULLs never conflict, so such entries take the non-unique form
// {values}{pk} with an empty value).
func (d *TableDesc) indexKey(ix *IndexDesc, vals []datum, pk []byte) (key []byte, unique bool) {
	key = indexPrefix(d.ID, ix.ID)
	unique = ix.Unique
	for _, p := range ix.cols {
		key = appendKey(key, &d.Columns[p].typ, vals[p])
		if vals[p].null {
			unique = false
		}
	}
	if !unique {
		key = append(key, pk...)
	}
	return key, unique
}

// indexEntryPK returns the primary-key bytes an index entry points at.
func (d *TableDesc) indexEntryPK(ix *IndexDesc, key, val []byte) ([]byte, error) {
	rest := key[min(len(key), indexPrefixLen):]
	for _, p := range ix.cols {
		var err error
		if _, rest, err = decodeKey(rest, &d.Columns[p].typ); err != nil {
			return nil, err
		}
	}
	if len(rest) == 0 {
		return val, nil // unique form
	}
	return rest, nil
}

// putIndexEntries writes the index entries of a row.
func (t *Txn) putIndexEntries(d *TableDesc, vals []datum, pk []byte) error {
	for i := range d.Indexes {
		ix := &d.Indexes[i]
		k, unique := d.indexKey(ix, vals, pk)
		var v []byte
		if unique {
			v = bytes.Clone(pk) // pk may alias the caller's reused key buffer
		}
		if err := t.put(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (t *Txn) deleteIndexEntries(d *TableDesc, vals []datum, pk []byte) {
	for i := range d.Indexes {
		k, _ := d.indexKey(&d.Indexes[i], vals, pk)
		t.del(k)
	}
}

// uniqueHolder returns the primary key of another row that holds vals'
// values in a unique index ix, or nil.
func (t *Txn) uniqueHolder(d *TableDesc, ix *IndexDesc, vals []datum, pk []byte) ([]byte, error) {
	k, unique := d.indexKey(ix, vals, pk)
	if !unique {
		return nil, nil
	}
	v, ok, err := t.get(k)
	if err != nil || !ok || bytes.Equal(v, pk) {
		return nil, err
	}
	return v, nil
}

// rowByPK reads the row with key columns pk into vals; ok is false when
// there is none.
func (t *Txn) rowByPK(d *TableDesc, pk []byte, vals []datum) (bool, error) {
	key := append(rowPrefix(d.ID), pk...)
	v, ok, err := t.get(key)
	if err != nil {
		return false, err
	}
	if !ok {
		if d.IsColumnar() {
			// The write paths read a row to change it: a segment row
			// moves to the delta first (segment_rows.go).
			return t.segmentRowToDelta(d, pk, vals)
		}
		return false, nil
	}
	return true, d.decodeRow(key, v, vals)
}

// deleteRow deletes a row (read into vals) and its index entries.
func (t *Txn) deleteRow(d *TableDesc, vals []datum, pk []byte) {
	t.deleteIndexEntries(d, vals, pk)
	t.del(append(rowPrefix(d.ID), pk...))
}

// countRows counts up to limit rows of a table in this transaction's view.
func (t *Txn) countRows(d *TableDesc, limit int64) (int64, error) {
	lo := rowPrefix(d.ID)
	it, err := t.iter(lo, prefixEnd(lo))
	if err != nil {
		return 0, err
	}
	defer it.Close()
	var n int64
	for ; it.Valid() && (limit <= 0 || n < limit); it.Next() {
		n++
	}
	return n, it.Error()
}

// buildIndex writes the entries of a new index for every row, checking
// uniqueness.
//
// The entries go to the transaction's writes a chunk at a time (which
// spill to disk past their memory budget), not collected for the whole
// table first: 200,000 rows held ~30 MiB of entries for one secondary
// index, doubled by the collector's headroom. The rows are read by an
// iterator reopened after each chunk, since the writes must not change
// under an open one.
func (t *Txn) buildIndex(d *TableDesc, ix *IndexDesc) error {
	// Each row block is read once: none is left in the cache.
	defer t.db.boundCacheGrowth()()
	lo, hi := rowPrefix(d.ID), prefixEnd(rowPrefix(d.ID))
	vals := make([]datum, len(d.Columns))
	var (
		buf   []byte // the chunk's keys and values, back to back
		spans []int  // per entry: the end of its key, then of its value, in buf
		seen  = map[string]bool{}
	)
	for lo != nil {
		it, err := t.iter(lo, hi)
		if err != nil {
			return err
		}
		buf, spans, lo = buf[:0], spans[:0], nil
		clear(seen)
		for ; it.Valid(); it.Next() {
			if len(buf) >= indexBuildChunk {
				lo = append([]byte(nil), it.Key()...) // the next chunk starts here
				break
			}
			if err := d.decodeRow(it.Key(), it.Value(), vals); err != nil {
				it.Close()
				return err
			}
			pk := d.pkBytes(it.Key())
			k, unique := d.indexKey(ix, vals, pk)
			buf = append(buf, k...)
			spans = append(spans, len(buf))
			if unique {
				dup := seen[string(k)]
				if !dup {
					// An earlier chunk's entry is among the writes.
					w, ok := t.pend.get(string(k))
					dup = ok && !w.del
				}
				if dup {
					it.Close()
					return t.uniqueError(d, ix.cols, vals, "cannot create unique index "+quote(ix.Name))
				}
				seen[string(k)] = true
				buf = append(buf, pk...)
			}
			spans = append(spans, len(buf))
		}
		err = it.Error()
		it.Close()
		if err != nil {
			return err
		}
		at := 0
		for i := 0; i < len(spans); i += 2 {
			k, v := buf[at:spans[i]], buf[spans[i]:spans[i+1]]
			if len(v) == 0 {
				v = nil
			}
			if err := t.put(k, v); err != nil {
				return err
			}
			at = spans[i+1]
		}
	}
	return nil
}

// indexBuildChunk is the bytes of index entries buildIndex writes at a time.
var indexBuildChunk = 1 << 20 // a variable: tests make chunks small

func quote(s string) string { return `"` + s + `"` }

// uniqueError is the Constraint error of a duplicate in columns cols.
func (t *Txn) uniqueError(d *TableDesc, cols []int, vals []datum, context string) error {
	names := make([]string, len(cols))
	shown := make([]string, len(cols))
	values := make([]any, len(cols))
	for i, p := range cols {
		c := &d.Columns[p]
		names[i] = c.Name
		values[i] = datumToGo(&c.typ, vals[p])
		shown[i] = showValue(values[i])
	}
	what := "duplicate value"
	if len(cols) > 1 {
		what = "duplicate values"
	}
	msg := fmt.Sprintf("%s (%s)=(%s) in table %q", what, strings.Join(names, ", "), strings.Join(shown, ", "), d.Name)
	if context != "" {
		msg = context + ": " + msg
	}
	return core.Errorf(core.KindConstraint, "%s", msg).With("table", d.Name).With("columns", names).With("values", values)
}

func showValue(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []byte:
		return fmt.Sprintf("x'%x'", x)
	case nil:
		return "NULL"
	}
	return fmt.Sprint(v)
}

// rowError wraps a per-value error with table, column and row.
func rowError(d *TableDesc, col string, row int, err error) error {
	var le *lossyError
	if errors.As(err, &le) {
		return core.Errorf(core.KindInvalidInput, "table %q, column %q, row %d: %s", d.Name, col, row, le.msg).With("table", d.Name).With("column", col).With("row", row)
	}
	return err
}
