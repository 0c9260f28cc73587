package storage

import (
	"slices"
	"strings"

	"github.com/alopexdb/alopex/core"
)

var (
	catalogTablePrefix = []byte{prefixCatalog, 't'}
	catalogViewPrefix  = []byte{prefixCatalog, 'v'}
	// tableIDCounter allocates table ids (counter name "table", id 0).
	tableIDCounter = counterKey("table", 0)
)

// Catalog names are case-insensitive (as MySQL's on most systems); the
// catalog key holds the lower-cased name and the descriptor the spelling
// given at creation.
func tableKey(name string) []byte {
	return append(slices.Clone(catalogTablePrefix), strings.ToLower(name)...)
}

func viewKey(name string) []byte {
	return append(slices.Clone(catalogViewPrefix), strings.ToLower(name)...)
}

func rowIDCounter(id uint64) []byte   { return counterKey("rowid", id) }
func autoIncCounter(id uint64) []byte { return counterKey("autoinc", id) }

// decodeDesc decodes a stored descriptor, sharing one decoded copy per
// distinct stored value across transactions (descriptors are immutable once
// decoded).
func (db *DB) decodeDesc(b []byte) (*TableDesc, error) {
	db.descMu.Lock()
	d, ok := db.descs[string(b)]
	db.descMu.Unlock()
	if ok {
		return d, nil
	}
	d, err := unmarshalTable(b)
	if err != nil {
		return nil, err
	}
	db.descMu.Lock()
	if len(db.descs) > 1024 {
		clear(db.descs)
	}
	db.descs[string(b)] = d
	db.descMu.Unlock()
	return d, nil
}

// Table returns the table called name as this transaction sees it, or
// TableNotFound (with suggestions).
func (t *Txn) Table(name string) (*TableDesc, error) {
	if t.done {
		return nil, errTxnDone()
	}
	d, ok, err := t.lookupTable(name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, t.tableNotFound(name)
	}
	return d, nil
}

func (t *Txn) lookupTable(name string) (*TableDesc, bool, error) {
	lname := strings.ToLower(name)
	if d, ok := t.descs[lname]; ok {
		return d, d != nil, nil
	}
	if d := t.db.cachedTable(t, lname); d != nil {
		t.setDesc(lname, d)
		return d, true, nil
	}
	v, ok, err := t.get(tableKey(name))
	if err != nil || !ok {
		return nil, false, err
	}
	d, err := t.db.decodeDesc(v)
	if err != nil {
		return nil, false, err
	}
	t.setDesc(lname, d)
	t.db.cacheTable(t, lname, d)
	return d, true, nil
}

// cachedTable returns the shared descriptor of a table when t's view of
// the catalog is the latest one (its snapshot is at or after the last
// catalog change, and it changed nothing in the catalog itself).
func (db *DB) cachedTable(t *Txn, lname string) *TableDesc {
	if t.ddl {
		return nil
	}
	db.catMu.RLock()
	defer db.catMu.RUnlock()
	if t.start < db.catVersion {
		return nil
	}
	return db.catCache[lname]
}

func (db *DB) cacheTable(t *Txn, lname string, d *TableDesc) {
	if t.ddl {
		return
	}
	db.catMu.Lock()
	if t.start >= db.catVersion && len(db.catCache) < 4096 {
		db.catCache[lname] = d
	}
	db.catMu.Unlock()
}

// catalogChanged invalidates the shared catalog: a commit at seq wrote to
// it. Called inside the commit critical section.
func (db *DB) catalogChanged(seq uint64) {
	db.catMu.Lock()
	db.catVersion = seq
	clear(db.catCache)
	db.catMu.Unlock()
}

func (t *Txn) tableNotFound(name string) error {
	names, _ := t.Tables()
	e := core.Errorf(core.KindTableNotFound, "table %q not found", name).With("table", name)
	if s := core.Suggest(name, names); len(s) > 0 {
		e.Message += "; did you mean " + strings.Join(quoteAll(s), " or ") + "?"
		e = e.With("suggestions", s)
	} else if len(names) > 0 {
		e.Message += "; the tables are " + strings.Join(names, ", ")
	} else {
		e.Message += "; the database has no tables"
	}
	return e
}

// tableForWrite returns the table a DML statement writes, guarding its
// catalog entry against concurrent DDL.
func (t *Txn) tableForWrite(name string) (*TableDesc, error) {
	d, err := t.Table(name)
	if err == nil {
		if t.guards == nil {
			t.guards = map[string]struct{}{}
		}
		t.guards[string(tableKey(name))] = struct{}{}
	}
	return d, err
}

// Tables lists the tables' names in order.
func (t *Txn) Tables() ([]string, error) {
	return t.listNames(catalogTablePrefix, func(v []byte) (string, error) {
		d, err := t.db.decodeDesc(v)
		if err != nil {
			return "", err
		}
		return d.Name, nil
	})
}

// Views lists the views' names in order.
func (t *Txn) Views() ([]string, error) {
	return t.listNames(catalogViewPrefix, func(v []byte) (string, error) {
		name, _, _ := strings.Cut(string(v), "\x00")
		return name, nil
	})
}

func (t *Txn) listNames(prefix []byte, name func(v []byte) (string, error)) ([]string, error) {
	if t.done {
		return nil, errTxnDone()
	}
	it, err := t.iter(prefix, prefixEnd(prefix))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []string
	for ; it.Valid(); it.Next() {
		n, err := name(it.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, it.Error()
}

func (t *Txn) putDesc(d *TableDesc) error {
	t.ddl = true
	t.ddlTables = append(t.ddlTables, d.ID)
	b, err := d.marshal()
	if err != nil {
		return core.Errorf(core.KindInternal, "catalog: %v", err)
	}
	if err := t.put(tableKey(d.Name), b); err != nil {
		return err
	}
	t.setDesc(strings.ToLower(d.Name), d)
	return nil
}

// CreateTable creates a table (and its indexes). A table or view of the same
// name is an InvalidInput error.
func (t *Txn) CreateTable(def TableDef) error {
	return t.statement(func() error {
		if err := t.checkNewName(def.Name); err != nil {
			return err
		}
		d, err := newTableDesc(def)
		if err != nil {
			return err
		}
		if d.ID, err = t.db.alloc.takeIn(t, tableIDCounter, 1); err != nil {
			return err
		}
		return t.putDesc(d)
	})
}

func (t *Txn) checkNewName(name string) error {
	if err := checkName("table", name); err != nil {
		return err
	}
	if _, ok, err := t.lookupTable(name); err != nil {
		return err
	} else if ok {
		return core.Errorf(core.KindInvalidInput, "table %q already exists; drop it first or choose another name", name).With("table", name)
	}
	if _, ok, err := t.get(viewKey(name)); err != nil {
		return err
	} else if ok {
		return core.Errorf(core.KindInvalidInput, "a view called %q already exists; drop it first or choose another name", name).With("table", name)
	}
	return nil
}

func checkName(what, name string) error {
	if strings.TrimSpace(name) == "" {
		return core.Errorf(core.KindInvalidInput, "a %s name must not be empty", what)
	}
	if strings.ContainsRune(name, 0) {
		return core.Errorf(core.KindInvalidInput, "%s name %q contains a NUL character", what, name)
	}
	return nil
}

// newTableDesc checks a definition and builds its descriptor (without id).
func newTableDesc(def TableDef) (*TableDesc, error) {
	d := &TableDesc{Name: def.Name, SchemaVersion: 1, nextCol: 1, nextIdx: 1}
	var err error
	if d.Storage, err = storageOf(def); err != nil {
		return nil, err
	}
	if len(def.Columns) == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "table %q needs at least one column", def.Name)
	}
	for _, c := range def.Columns {
		cd, err := newColumnDesc(def.Name, c, d.nextCol)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(c.Name, RowIDColumn) {
			return nil, core.Errorf(core.KindInvalidInput, "column name %q is reserved for the hidden row id; choose another name", c.Name)
		}
		if _, dup := d.byNameOrNil(c.Name); dup {
			return nil, core.Errorf(core.KindInvalidInput, "table %q: column %q is defined twice", def.Name, c.Name).With("column", c.Name)
		}
		d.Columns = append(d.Columns, cd)
		d.nextCol++
		d.finish()
	}
	if len(def.PrimaryKey) == 0 {
		d.Columns = append(d.Columns, rowIDColumnDesc(d.nextCol))
		d.nextCol++
		d.pk = []int{len(d.Columns) - 1}
	}
	d.finish()
	for _, name := range def.PrimaryKey {
		i, err := d.columnIndex(name)
		if err != nil {
			return nil, err
		}
		c := &d.Columns[i]
		if !c.typ.keyable() {
			return nil, core.Errorf(core.KindInvalidInput, "column %q of type %s cannot be part of a primary key", c.Name, c.Type)
		}
		if slices.Contains(d.pk, i) {
			return nil, core.Errorf(core.KindInvalidInput, "column %q appears twice in the primary key", c.Name)
		}
		c.NotNull = true // a key column is NOT NULL, as in MySQL
		d.pk = append(d.pk, i)
	}
	autoInc := 0
	for _, c := range d.Columns {
		if c.AutoIncrement {
			autoInc++
		}
	}
	if autoInc > 1 {
		return nil, core.Errorf(core.KindInvalidInput, "table %q has more than one AUTO_INCREMENT column; keep one", def.Name)
	}
	d.finish()
	for _, ix := range def.Indexes {
		ix.Table = def.Name
		if err := d.addIndex(ix); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *TableDesc) byNameOrNil(name string) (int, bool) {
	i, ok := d.byName[strings.ToLower(name)]
	return i, ok
}

func rowIDColumnDesc(id uint32) ColumnDesc {
	c := ColumnDesc{ColumnDef: ColumnDef{Name: RowIDColumn, Type: int64Type, NotNull: true}, ID: id, Hidden: true, defaultV: nullDatum}
	c.typ, _ = resolveType(int64Type)
	return c
}

func newColumnDesc(table string, c ColumnDef, id uint32) (ColumnDesc, error) {
	if err := checkName("column", c.Name); err != nil {
		return ColumnDesc{}, err
	}
	if c.Type == nil {
		return ColumnDesc{}, core.Errorf(core.KindInvalidInput, "column %q of table %q has no type", c.Name, table)
	}
	typ, err := resolveType(c.Type)
	if err != nil {
		return ColumnDesc{}, core.Errorf(core.KindOf(err), "column %q of table %q: %v", c.Name, table, err).With("column", c.Name)
	}
	cd := ColumnDesc{ColumnDef: c, ID: id, typ: typ, defaultV: nullDatum}
	if c.AutoIncrement && typ.kind != kInt && typ.kind != kUint {
		return ColumnDesc{}, core.Errorf(core.KindInvalidInput, "AUTO_INCREMENT column %q must have an integer type, not %s", c.Name, c.Type)
	}
	if c.Default != nil {
		v, err := goToDatum(&typ, c.Default)
		if err != nil {
			return ColumnDesc{}, core.Errorf(core.KindInvalidInput, "default of column %q: %v", c.Name, err).With("column", c.Name)
		}
		cd.defaultV = v
		cd.Default = datumToGo(&typ, v)
	}
	return cd, nil
}

// addIndex adds an index definition to the descriptor (no entries).
func (d *TableDesc) addIndex(ix IndexDef) error {
	if err := checkName("index", ix.Name); err != nil {
		return err
	}
	if d.Index(ix.Name) != nil || d.VectorIndex(ix.Name) != nil {
		return core.Errorf(core.KindInvalidInput, "table %q already has an index %q", d.Name, ix.Name).With("index", ix.Name)
	}
	if len(ix.Columns) == 0 {
		return core.Errorf(core.KindInvalidInput, "index %q needs at least one column", ix.Name)
	}
	desc := IndexDesc{IndexDef: IndexDef{Name: ix.Name, Table: d.Name, Unique: ix.Unique}, ID: d.nextIdx}
	for _, name := range ix.Columns {
		i, err := d.columnIndex(name)
		if err != nil {
			return err
		}
		if !d.Columns[i].typ.keyable() {
			return core.Errorf(core.KindInvalidInput, "column %q of type %s cannot be indexed by index %q (a vector index is created another way)", name, d.Columns[i].Type, ix.Name)
		}
		if slices.Contains(desc.cols, i) {
			return core.Errorf(core.KindInvalidInput, "column %q appears twice in index %q", name, ix.Name)
		}
		desc.cols = append(desc.cols, i)
	}
	d.nextIdx++
	d.Indexes = append(d.Indexes, desc)
	d.finish()
	return nil
}

// DropTable drops a table, its indexes and rows. IfExists makes a missing
// table a no-op; otherwise it is TableNotFound.
func (t *Txn) DropTable(name string, ifExists bool) error {
	return t.statement(func() error {
		d, ok, err := t.lookupTable(name)
		if err != nil {
			return err
		}
		if !ok {
			if ifExists {
				return nil
			}
			return t.tableNotFound(name)
		}
		t.ddl = true
		t.del(tableKey(name))
		t.setDesc(strings.ToLower(name), nil)
		return t.dropData(d.ID)
	})
}

// dropData schedules the deletion of a table id's keys and counters after
// commit, and hides this transaction's own pending writes under it.
func (t *Txn) dropData(id uint64) error {
	t.ddlTables = append(t.ddlTables, id)
	lo := tablePrefix(id)
	hi := prefixEnd(lo)
	keys, err := t.pend.keysIn(lo, hi)
	if err != nil {
		return err
	}
	for _, k := range keys {
		t.del([]byte(k))
	}
	t.afterCommit = append(t.afterCommit, [2][]byte{lo, hi})
	t.forget = append(t.forget, rowIDCounter(id), autoIncCounter(id))
	return nil
}

// RenameTable renames a table.
func (t *Txn) RenameTable(oldName, newName string) error {
	return t.statement(func() error {
		d, err := t.Table(oldName)
		if err != nil {
			return err
		}
		if !strings.EqualFold(oldName, newName) {
			if err := t.checkNewName(newName); err != nil {
				return err
			}
		}
		nd := d.clone()
		nd.Name = newName
		nd.SchemaVersion++
		nd.finish()
		t.del(tableKey(oldName))
		t.setDesc(strings.ToLower(oldName), nil)
		return t.putDesc(nd)
	})
}

// TruncateTable deletes every row of a table, quickly: the table gets a new
// id and the old one's keys are deleted by range after the commit. Counters
// (row id, AUTO_INCREMENT) restart.
func (t *Txn) TruncateTable(name string) error {
	return t.statement(func() error {
		d, err := t.Table(name)
		if err != nil {
			return err
		}
		nd := d.clone()
		if nd.ID, err = t.db.alloc.takeIn(t, tableIDCounter, 1); err != nil {
			return err
		}
		if err := t.dropData(d.ID); err != nil {
			return err
		}
		return t.putDesc(nd)
	})
}

// AddColumn adds a column at the end. Existing rows are not rewritten: they
// read the column's default (NULL without one). A NOT NULL column needs a
// default when the table has rows.
func (t *Txn) AddColumn(table string, col ColumnDef) error {
	return t.statement(func() error {
		d, err := t.Table(table)
		if err != nil {
			return err
		}
		if _, dup := d.byNameOrNil(col.Name); dup || strings.EqualFold(col.Name, RowIDColumn) {
			return core.Errorf(core.KindInvalidInput, "table %q already has a column %q", d.Name, col.Name).With("column", col.Name)
		}
		if col.AutoIncrement {
			return core.Errorf(core.KindNotSupported, "ADD COLUMN of an AUTO_INCREMENT column is not supported; create the table with it")
		}
		cd, err := newColumnDesc(d.Name, col, d.nextCol)
		if err != nil {
			return err
		}
		if cd.NotNull && cd.defaultV.null {
			if n, err := t.countRows(d, 1); err != nil {
				return err
			} else if n > 0 {
				return core.Errorf(core.KindConstraint, "cannot add NOT NULL column %q without a default to table %q, which has rows; give it a DEFAULT", col.Name, d.Name).With("table", d.Name).With("column", col.Name)
			}
		}
		nd := d.clone()
		// Keep the hidden row id last.
		at := len(nd.Columns)
		if nd.HasHiddenRowID() {
			at--
		}
		nd.Columns = slices.Insert(nd.Columns, at, cd)
		for i := range nd.pk {
			if nd.pk[i] >= at {
				nd.pk[i]++
			}
		}
		for i := range nd.Indexes {
			for j := range nd.Indexes[i].cols {
				if nd.Indexes[i].cols[j] >= at {
					nd.Indexes[i].cols[j]++
				}
			}
		}
		nd.nextCol++
		nd.SchemaVersion++
		nd.finish()
		return t.putDesc(nd)
	})
}

// DropColumn drops a column. Rows keep their bytes for it until rewritten;
// readers skip them. A key column, or one an index uses, cannot be dropped
// (drop the index first).
func (t *Txn) DropColumn(table, col string) error {
	return t.statement(func() error {
		d, err := t.Table(table)
		if err != nil {
			return err
		}
		i, err := d.columnIndex(col)
		if err != nil {
			return err
		}
		if slices.Contains(d.pk, i) {
			return core.Errorf(core.KindNotSupported, "cannot drop column %q of table %q: it is part of the primary key", col, d.Name)
		}
		for _, ix := range d.Indexes {
			if slices.Contains(ix.cols, i) {
				return core.Errorf(core.KindNotSupported, "cannot drop column %q of table %q: index %q uses it; drop the index first", col, d.Name, ix.Name)
			}
		}
		if name, ok := d.vectorIndexOnColumn(i); ok {
			return core.Errorf(core.KindNotSupported, "cannot drop column %q of table %q: vector index %q uses it; drop the index first", col, d.Name, name)
		}
		visible := 0
		for _, c := range d.Columns {
			if !c.Hidden {
				visible++
			}
		}
		if visible == 1 {
			return core.Errorf(core.KindInvalidInput, "cannot drop column %q: it is the only column of table %q (drop the table instead)", col, d.Name)
		}
		nd := d.clone()
		nd.Columns = slices.Delete(nd.Columns, i, i+1)
		shift := func(p []int) {
			for j := range p {
				if p[j] > i {
					p[j]--
				}
			}
		}
		shift(nd.pk)
		for j := range nd.Indexes {
			shift(nd.Indexes[j].cols)
		}
		nd.SchemaVersion++
		nd.finish()
		return t.putDesc(nd)
	})
}

// RenameColumn renames a column; rows are untouched (they carry column
// ids).
func (t *Txn) RenameColumn(table, oldName, newName string) error {
	return t.statement(func() error {
		d, err := t.Table(table)
		if err != nil {
			return err
		}
		i, err := d.columnIndex(oldName)
		if err != nil {
			return err
		}
		if d.Columns[i].Hidden {
			return core.Errorf(core.KindInvalidInput, "the hidden column %q cannot be renamed", oldName)
		}
		if err := checkName("column", newName); err != nil {
			return err
		}
		if j, dup := d.byNameOrNil(newName); (dup && j != i) || strings.EqualFold(newName, RowIDColumn) {
			return core.Errorf(core.KindInvalidInput, "table %q already has a column %q", d.Name, newName).With("column", newName)
		}
		nd := d.clone()
		nd.Columns[i].Name = newName
		nd.SchemaVersion++
		nd.finish()
		return t.putDesc(nd)
	})
}

// CreateIndex adds a secondary index and builds it from the table's rows; a
// unique index over duplicate values fails with a Constraint error and is
// not created.
func (t *Txn) CreateIndex(ix IndexDef) error {
	return t.statement(func() error {
		d, err := t.Table(ix.Table)
		if err != nil {
			return err
		}
		if err := d.rowStoreOnly("a secondary index"); err != nil {
			return err
		}
		nd := d.clone()
		if err := nd.addIndex(ix); err != nil {
			return err
		}
		nd.SchemaVersion++
		if err := t.putDesc(nd); err != nil {
			return err
		}
		return t.buildIndex(nd, &nd.Indexes[len(nd.Indexes)-1])
	})
}

// DropIndex drops a secondary index and its entries.
func (t *Txn) DropIndex(table, name string) error {
	return t.statement(func() error {
		d, err := t.Table(table)
		if err != nil {
			return err
		}
		if dropped, err := t.dropVectorIndex(d, name); dropped || err != nil {
			return err
		}
		ix := d.Index(name)
		if ix == nil {
			names := make([]string, len(d.Indexes))
			for i, x := range d.Indexes {
				names[i] = x.Name
			}
			e := core.Errorf(core.KindInvalidInput, "table %q has no index %q", d.Name, name).With("index", name)
			if s := core.Suggest(name, names); len(s) > 0 {
				e.Message += "; did you mean " + strings.Join(quoteAll(s), " or ") + "?"
			}
			return e
		}
		lo := indexPrefix(d.ID, ix.ID)
		if err := t.deleteRange(lo, prefixEnd(lo)); err != nil {
			return err
		}
		nd := d.clone()
		nd.Indexes = slices.DeleteFunc(nd.Indexes, func(x IndexDesc) bool { return x.ID == ix.ID })
		nd.SchemaVersion++
		nd.finish()
		return t.putDesc(nd)
	})
}

// deleteRange deletes every key of [lo, hi) in the transaction's view, one
// by one (so conflicts are tracked per key).
func (t *Txn) deleteRange(lo, hi []byte) error {
	it, err := t.iter(lo, hi)
	if err != nil {
		return err
	}
	var keys [][]byte
	for ; it.Valid(); it.Next() {
		keys = append(keys, slices.Clone(it.Key()))
	}
	err = it.Error()
	it.Close()
	for _, k := range keys {
		t.del(k)
	}
	return err
}

// CreateView stores a view's SQL text under name.
func (t *Txn) CreateView(name, sql string, orReplace bool) error {
	return t.statement(func() error {
		if err := checkName("view", name); err != nil {
			return err
		}
		if _, ok, err := t.get(viewKey(name)); err != nil {
			return err
		} else if ok && !orReplace {
			return core.Errorf(core.KindInvalidInput, "view %q already exists; drop it first or use CREATE OR REPLACE VIEW", name).With("table", name)
		} else if !ok {
			if err := t.checkNewName(name); err != nil {
				return err
			}
		}
		t.ddl = true
		return t.put(viewKey(name), []byte(name+"\x00"+sql))
	})
}

// DropView drops a view. IfExists makes a missing view a no-op; otherwise
// it is TableNotFound.
func (t *Txn) DropView(name string, ifExists bool) error {
	return t.statement(func() error {
		if _, ok, err := t.get(viewKey(name)); err != nil {
			return err
		} else if !ok {
			if ifExists {
				return nil
			}
			return core.Errorf(core.KindTableNotFound, "view %q not found", name).With("table", name)
		}
		t.ddl = true
		t.del(viewKey(name))
		return nil
	})
}

// View returns a view's SQL text.
func (t *Txn) View(name string) (string, bool, error) {
	if t.done {
		return "", false, errTxnDone()
	}
	v, ok, err := t.get(viewKey(name))
	if err != nil || !ok {
		return "", false, err
	}
	_, sql, _ := strings.Cut(string(v), "\x00")
	return sql, true, nil
}
