package storage

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

// OnConflict says what Insert does with a row whose primary key or unique
// index values are already taken.
type OnConflict int

const (
	// ConflictError fails the statement with a Constraint error.
	ConflictError OnConflict = iota
	// ConflictIgnore skips the row (INSERT IGNORE).
	ConflictIgnore
	// ConflictReplace deletes the rows in the way, then inserts (REPLACE).
	ConflictReplace
)

// boundColumns maps the columns of an incoming batch onto a table's
// columns by name (case-insensitively): readers[i] reads table column i,
// nil when the batch lacks it.
func boundColumns(d *TableDesc, rows arrow.RecordBatch, allowRowID bool) ([]colReader, error) {
	if rows == nil {
		return nil, core.Errorf(core.KindInvalidInput, "no rows given for table %q", d.Name)
	}
	readers := make([]colReader, len(d.Columns))
	seen := map[string]bool{}
	for j, f := range rows.Schema().Fields() {
		lname := strings.ToLower(f.Name)
		if seen[lname] {
			return nil, core.Errorf(core.KindInvalidInput, "column %q appears twice in the rows for table %q", f.Name, d.Name).With("column", f.Name)
		}
		seen[lname] = true
		i, err := d.columnIndex(f.Name)
		if err != nil {
			return nil, err
		}
		c := &d.Columns[i]
		if c.Hidden && !allowRowID {
			return nil, core.Errorf(core.KindInvalidInput, "the hidden column %q of table %q cannot be written", c.Name, d.Name)
		}
		r, err := newColReader(rows.Column(j), &c.typ)
		if err != nil {
			return nil, core.Errorf(core.KindOf(err), "table %q, column %q: %v", d.Name, c.Name, err).With("table", d.Name).With("column", c.Name)
		}
		readers[i] = r
	}
	return readers, nil
}

// checkNotNull returns the Constraint error of the first NOT NULL column of
// vals holding NULL.
func (d *TableDesc) checkNotNull(vals []datum, row int) error {
	for i := range d.Columns {
		c := &d.Columns[i]
		if c.NotNull && vals[i].null {
			return core.Errorf(core.KindConstraint, "NULL in NOT NULL column %q of table %q (row %d)", c.Name, d.Name, row).With("table", d.Name).With("column", c.Name).With("row", row)
		}
	}
	return nil
}

// Insert inserts rows into table and returns the rows affected as MySQL
// counts them: the rows inserted plus, with ConflictReplace, the rows
// deleted to make room (a row replaced counts twice). Columns are matched by name;
// omitted ones take their default, NULL, or the next AUTO_INCREMENT value.
// Every value is converted exactly to its column's type (a lossy conversion
// is an InvalidInput error naming column and row). A violated constraint
// fails the whole statement, which then has no effect.
func (t *Txn) Insert(table string, rows arrow.RecordBatch, onConflict OnConflict) (int64, error) {
	var n int64
	err := t.statement(func() error {
		d, err := t.tableForWrite(table)
		if err != nil {
			return err
		}
		if done, m, err := t.insertColumnarBulk(d, rows, onConflict); done || err != nil {
			n = m
			return err // a big insert into an empty columnar table: columnar_load.go
		}
		readers, err := boundColumns(d, rows, false)
		if err != nil {
			return err
		}
		n, err = t.insertRows(d, readers, int(rows.NumRows()), onConflict)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// rowBuilder turns the rows of one input batch into column values: read,
// generated (hidden row ids, AUTO_INCREMENT values taken in one block) or
// defaulted, checked for NOT NULL.
type rowBuilder struct {
	t         *Txn
	d         *TableDesc
	readers   []colReader
	nrows     int
	genCol    int // the column whose values the insert generates (-1: none)
	generated uint64
	// keyGenerated: the key is the generated column, so it cannot exist
	// yet and needs no lookup.
	keyGenerated bool
}

func (t *Txn) newRowBuilder(d *TableDesc, readers []colReader, nrows int) (*rowBuilder, error) {
	b := &rowBuilder{t: t, d: d, readers: readers, nrows: nrows, genCol: -1}
	if d.HasHiddenRowID() {
		b.genCol = d.pk[0]
	} else if d.autoInc >= 0 && readers[d.autoInc] == nil {
		b.genCol = d.autoInc
	}
	if b.genCol >= 0 && nrows > 0 {
		key := rowIDCounter(d.ID)
		if b.genCol == d.autoInc {
			key = autoIncCounter(d.ID)
		}
		var err error
		if b.generated, err = t.db.alloc.takeIn(t, key, uint64(nrows)); err != nil {
			return nil, err
		}
	}
	b.keyGenerated = b.genCol >= 0 && len(d.pk) == 1 && d.pk[0] == b.genCol
	return b, nil
}

// values fills vals with row's column values.
func (b *rowBuilder) values(row int, vals []datum) error {
	d := b.d
	for i := range d.Columns {
		c := &d.Columns[i]
		switch {
		case i == b.genCol:
			v := b.generated + uint64(row)
			if c.typ.kind == kInt && v > uint64(c.typ.max) || c.typ.kind == kUint && v > c.typ.umax {
				return outOfIDs(d, c, row)
			}
			vals[i] = genDatum(&c.typ, v)
		case b.readers[i] != nil:
			v, err := b.readers[i](row)
			if err != nil {
				return rowError(d, c.Name, row, err)
			}
			vals[i] = v
		default:
			vals[i] = c.defaultV
		}
	}
	if a := d.autoInc; a >= 0 && a != b.genCol {
		if err := b.t.fillAutoInc(d, vals, row); err != nil {
			return err
		}
	}
	return d.checkNotNull(vals, row)
}

func (t *Txn) insertRows(d *TableDesc, readers []colReader, nrows int, onConflict OnConflict) (int64, error) {
	// Keys the insert generates itself (hidden row ids, AUTO_INCREMENT
	// values never handed out before) cannot exist: skip their lookup.
	rb, err := t.newRowBuilder(d, readers, nrows)
	if err != nil {
		return 0, err
	}
	keyGenerated := rb.keyGenerated
	lo := rowPrefix(d.ID)
	probe := newKeyProbe(t, lo, prefixEnd(lo))
	defer probe.close()
	vals := make([]datum, len(d.Columns))
	old := make([]datum, len(d.Columns))
	var n int64
	var keyBuf, valBuf []byte
	for row := 0; row < nrows; row++ {
		if err := rb.values(row, vals); err != nil {
			return 0, err
		}
		keyBuf = d.appendRowKey(keyBuf[:0], vals)
		pk := d.pkBytes(keyBuf)
		if !keyGenerated {
			exists, err := probe.exists(keyBuf)
			if err == nil && !exists {
				exists, err = t.inSegments(d, pk) // a columnar table's other rows
			}
			if err != nil {
				return 0, err
			}
			if exists {
				switch onConflict {
				case ConflictIgnore:
					continue
				case ConflictReplace:
					if _, err := t.rowByPK(d, pk, old); err != nil {
						return 0, err
					}
					t.deleteRow(d, old, pk)
					n++
				default:
					return 0, t.uniqueError(d, d.pk, vals, "primary key violation")
				}
			}
		}
		skip := false
		for i := range d.Indexes {
			ix := &d.Indexes[i]
			if !ix.Unique {
				continue
			}
			holder, err := t.uniqueHolder(d, ix, vals, pk)
			if err != nil {
				return 0, err
			}
			if holder == nil {
				continue
			}
			switch onConflict {
			case ConflictIgnore:
				skip = true
			case ConflictReplace:
				holder = bytes.Clone(holder)
				if _, err := t.rowByPK(d, holder, old); err != nil {
					return 0, err
				}
				t.deleteRow(d, old, holder)
				n++
			default:
				return 0, t.uniqueError(d, ix.cols, vals, fmt.Sprintf("unique index %q violation", ix.Name))
			}
			if skip {
				break
			}
		}
		if skip {
			continue
		}
		valBuf = d.appendRowValue(valBuf[:0], vals) // put copies it
		if err := t.put(keyBuf, valBuf); err != nil {
			return 0, err
		}
		if err := t.putIndexEntries(d, vals, pk); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

func outOfIDs(d *TableDesc, c *ColumnDesc, row int) error {
	return core.Errorf(core.KindConstraint, "AUTO_INCREMENT column %q of table %q is out of values of type %s (row %d); use a wider integer type", c.Name, d.Name, c.Type, row).With("table", d.Name).With("column", c.Name)
}

func genDatum(t *colType, v uint64) datum {
	if t.kind == kUint {
		return datum{u: v}
	}
	return datum{i: int64(v)}
}

// fillAutoInc gives a NULL AUTO_INCREMENT value the next counter value, or
// moves the counter past an explicit one.
func (t *Txn) fillAutoInc(d *TableDesc, vals []datum, row int) error {
	a := d.autoInc
	c := &d.Columns[a]
	key := autoIncCounter(d.ID)
	if vals[a].null {
		v, err := t.db.alloc.takeIn(t, key, 1)
		if err != nil {
			return err
		}
		if c.typ.kind == kInt && v > uint64(c.typ.max) || c.typ.kind == kUint && v > c.typ.umax {
			return outOfIDs(d, c, row)
		}
		vals[a] = genDatum(&c.typ, v)
		return nil
	}
	if c.typ.kind == kUint {
		return t.db.alloc.observeIn(t, key, vals[a].u)
	}
	if vals[a].i > 0 {
		return t.db.alloc.observeIn(t, key, uint64(vals[a].i))
	}
	return nil
}

// keyReaders binds the key columns of table (or RowIDColumn) in a batch of
// keys; the batch may hold other columns too.
func keyReaders(d *TableDesc, keys arrow.RecordBatch) ([]colReader, error) {
	all, err := boundColumns(d, keys, true)
	if err != nil {
		return nil, err
	}
	for _, p := range d.pk {
		if all[p] == nil {
			return nil, core.Errorf(core.KindInvalidInput, "the rows for table %q lack its key column %q", d.Name, d.Columns[p].Name).With("column", d.Columns[p].Name)
		}
	}
	return all, nil
}

// appendKeyOf reads the key columns of a row and appends its row key; ok is
// false when a key value is NULL (no row has it).
func (d *TableDesc) appendKeyOf(b []byte, readers []colReader, row int, vals []datum) ([]byte, bool, error) {
	for _, p := range d.pk {
		v, err := readers[p](row)
		if err != nil {
			return nil, false, rowError(d, d.Columns[p].Name, row, err)
		}
		if v.null {
			return b, false, nil
		}
		vals[p] = v
	}
	return d.appendRowKey(b, vals), true, nil
}

// Delete deletes the rows whose keys (the key columns, or RowIDColumn) are
// in keys, with their index entries, and returns how many existed.
func (t *Txn) Delete(table string, keys arrow.RecordBatch) (int64, error) {
	var n int64
	err := t.statement(func() error {
		d, err := t.tableForWrite(table)
		if err != nil {
			return err
		}
		readers, err := keyReaders(d, keys)
		if err != nil {
			return err
		}
		vals := make([]datum, len(d.Columns))
		var key []byte
		for row := 0; row < int(keys.NumRows()); row++ {
			var ok bool
			if key, ok, err = d.appendKeyOf(key[:0], readers, row, vals); err != nil {
				return err
			} else if !ok {
				continue
			}
			found, err := t.deleteKey(d, key, vals)
			if err != nil {
				return err
			}
			if found {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Update replaces rows by key: each row of rows names an existing row by
// its key columns (or RowIDColumn) and gives new values for the columns it
// holds (the others keep theirs). Rows whose key does not exist are
// skipped. It returns how many rows were found. Constraints and indexes are
// checked and maintained as by Insert.
func (t *Txn) Update(table string, rows arrow.RecordBatch) (int64, error) {
	return t.UpdateKeys(table, nil, rows)
}

// UpdateKeys is Update where keys (same number of rows, key columns or
// RowIDColumn) names the rows to change, so rows may change key columns:
// a row whose key changes moves (delete + insert), failing with a
// Constraint error if the new key is taken. keys nil is Update.
func (t *Txn) UpdateKeys(table string, keys, rows arrow.RecordBatch) (int64, error) {
	var n int64
	err := t.statement(func() error {
		d, err := t.tableForWrite(table)
		if err != nil {
			return err
		}
		readers, err := boundColumns(d, rows, true)
		if err != nil {
			return err
		}
		oldReaders := readers
		if keys != nil {
			if keys.NumRows() != rows.NumRows() {
				return core.Errorf(core.KindInvalidInput, "update of table %q: %d keys for %d rows", d.Name, keys.NumRows(), rows.NumRows())
			}
			if oldReaders, err = keyReaders(d, keys); err != nil {
				return err
			}
		} else {
			for _, p := range d.pk {
				if readers[p] == nil {
					return core.Errorf(core.KindInvalidInput, "the rows for table %q lack its key column %q", d.Name, d.Columns[p].Name).With("column", d.Columns[p].Name)
				}
			}
		}
		n, err = t.updateRows(d, oldReaders, readers, int(rows.NumRows()))
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (t *Txn) updateRows(d *TableDesc, keyR, readers []colReader, nrows int) (int64, error) {
	old := make([]datum, len(d.Columns))
	vals := make([]datum, len(d.Columns))
	var n int64
	var oldKey, newKey []byte
	for row := 0; row < nrows; row++ {
		var ok bool
		var err error
		if oldKey, ok, err = d.appendKeyOf(oldKey[:0], keyR, row, old); err != nil {
			return 0, err
		} else if !ok {
			continue
		}
		oldPK := bytes.Clone(d.pkBytes(oldKey))
		found, err := t.rowByPK(d, oldPK, old)
		if err != nil {
			return 0, err
		}
		if !found {
			continue
		}
		copy(vals, old)
		for i, r := range readers {
			if r == nil {
				continue
			}
			if vals[i], err = r(row); err != nil {
				return 0, rowError(d, d.Columns[i].Name, row, err)
			}
		}
		if err := d.checkNotNull(vals, row); err != nil {
			return 0, err
		}
		if a := d.autoInc; a >= 0 {
			if err := t.fillAutoInc(d, vals, row); err != nil {
				return 0, err
			}
		}
		newKey = d.appendRowKey(newKey[:0], vals)
		newPK := bytes.Clone(d.pkBytes(newKey))
		moved := !bytes.Equal(oldPK, newPK)
		t.deleteIndexEntries(d, old, oldPK)
		if moved {
			t.del(oldKey)
			if exists, err := t.existsAnywhere(d, newKey); err != nil {
				return 0, err
			} else if exists {
				return 0, t.uniqueError(d, d.pk, vals, "primary key violation")
			}
		}
		for i := range d.Indexes {
			ix := &d.Indexes[i]
			if !ix.Unique {
				continue
			}
			if holder, err := t.uniqueHolder(d, ix, vals, newPK); err != nil {
				return 0, err
			} else if holder != nil {
				return 0, t.uniqueError(d, ix.cols, vals, fmt.Sprintf("unique index %q violation", ix.Name))
			}
		}
		if err := t.put(bytes.Clone(newKey), d.appendRowValue(nil, vals)); err != nil {
			return 0, err
		}
		if err := t.putIndexEntries(d, vals, newPK); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
