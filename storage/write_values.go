package storage

import (
	"bytes"

	"github.com/alopexdb/alopex/core"
)

// Writes of a few rows given as Go values (the SQL write fast path:
// INSERT … VALUES, UPDATE … WHERE pk = ?, DELETE … WHERE pk = ?). They are
// Insert, UpdateKeys and Delete with the values read by goToDatum instead
// of from Arrow columns: the rows then go through the same insertRows,
// updateRows and deleteKey, so defaults, AUTO_INCREMENT, NOT NULL, unique
// and primary key checks, conflicts, index entries and the counts are
// theirs. Values are goToDatum's kinds (nil is NULL) and are converted
// exactly, as Insert converts its columns; a value that does not fit is
// the same InvalidInput error naming column and row.

// valueReaders binds value j of each row (rows[r][j]) to table column
// cols[j] (a position in d.Columns).
func valueReaders(d *TableDesc, cols []int, rows [][]any, allowHidden bool) ([]colReader, error) {
	readers := make([]colReader, len(d.Columns))
	for j, p := range cols {
		if p < 0 || p >= len(d.Columns) {
			return nil, core.Errorf(core.KindInvalidInput, "table %q has no column %d", d.Name, p)
		}
		c := &d.Columns[p]
		if c.Hidden && !allowHidden {
			return nil, core.Errorf(core.KindInvalidInput, "the hidden column %q of table %q cannot be written", c.Name, d.Name)
		}
		if readers[p] != nil {
			return nil, core.Errorf(core.KindInvalidInput, "column %q appears twice in the rows for table %q", c.Name, d.Name).With("column", c.Name)
		}
		j, t := j, &c.typ
		readers[p] = func(r int) (datum, error) { return goToDatum(t, rows[r][j]) }
	}
	return readers, nil
}

// InsertValues is Insert of rows given as Go values: row r gives column
// cols[j] (a position among the table's columns: the visible ones in
// order) the value rows[r][j]; the columns not in cols take their
// defaults, NULL or generated values.
func (t *Txn) InsertValues(table string, cols []int, rows [][]any, onConflict OnConflict) (int64, error) {
	var n int64
	err := t.statement(func() error {
		d, err := t.tableForWrite(table)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if len(r) != len(cols) {
				return core.Errorf(core.KindInvalidInput, "insert into table %q: a row of %d values for %d columns", d.Name, len(r), len(cols))
			}
		}
		readers, err := valueReaders(d, cols, rows, false)
		if err != nil {
			return err
		}
		n, err = t.insertRows(d, readers, len(rows), onConflict)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// UpdateValues is UpdateKeys of the one row whose key columns hold key (in
// the order of the table's key; a NULL names no row): columns cols[j] take
// vals[j], the others keep theirs. It returns 1 when the row exists, else 0.
func (t *Txn) UpdateValues(table string, key []any, cols []int, vals []any) (int64, error) {
	var n int64
	err := t.statement(func() error {
		d, err := t.tableForWrite(table)
		if err != nil {
			return err
		}
		keyR, err := d.keyValueReaders(key)
		if err != nil {
			return err
		}
		if len(vals) != len(cols) {
			return core.Errorf(core.KindInvalidInput, "update of table %q: %d values for %d columns", d.Name, len(vals), len(cols))
		}
		readers, err := valueReaders(d, cols, [][]any{vals}, false)
		if err != nil {
			return err
		}
		n, err = t.updateRows(d, keyR, readers, 1)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// DeleteValues is Delete of the one row whose key columns hold key (a
// NULL names no row); it returns 1 when the row existed, else 0.
func (t *Txn) DeleteValues(table string, key []any) (int64, error) {
	var n int64
	err := t.statement(func() error {
		d, err := t.tableForWrite(table)
		if err != nil {
			return err
		}
		keyR, err := d.keyValueReaders(key)
		if err != nil {
			return err
		}
		vals := make([]datum, len(d.Columns))
		k, ok, err := d.appendKeyOf(nil, keyR, 0, vals)
		if err != nil || !ok {
			return err
		}
		found, err := t.deleteKey(d, k, vals)
		if found {
			n = 1
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// keyValueReaders binds the values of one key (one per key column, in key
// order) to the key columns, as keyReaders binds a batch of keys.
func (d *TableDesc) keyValueReaders(key []any) ([]colReader, error) {
	if len(key) != len(d.pk) {
		return nil, core.Errorf(core.KindInvalidInput, "table %q has %d key columns; got %d key values", d.Name, len(d.pk), len(key))
	}
	return valueReaders(d, d.pk, [][]any{key}, true)
}

// deleteKey deletes the row of row key k (and its index entries), reading
// it into vals; found is false when there is none.
func (t *Txn) deleteKey(d *TableDesc, k []byte, vals []datum) (found bool, err error) {
	pk := bytes.Clone(d.pkBytes(k))
	if found, err = t.rowByPK(d, pk, vals); err != nil || !found {
		return false, err
	}
	t.deleteRow(d, vals, pk)
	return true, nil
}
