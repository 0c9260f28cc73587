package sqlexec

import (
	"strings"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// insertOnDuplicate runs INSERT … ON DUPLICATE KEY UPDATE as MySQL does,
// one row after the other (a row may meet one an earlier row inserted):
// a row whose primary key or some unique index's values no stored row has
// is inserted (1 affected row); otherwise the assignments run over the
// stored row it duplicates, where VALUES(c) is the value the row tried to
// insert (2 affected rows, 0 when nothing changed). An assignment that
// violates a constraint fails the statement.
func (x *stmtExec) insertOnDuplicate(table string, desc *storage.TableDesc, p lazy.Plan, st *ast.InsertStmt, cols []arrow.Field) (int64, error) {
	schema := desc.Schema()
	for _, a := range st.OnDuplicate {
		if _, err := fieldOf(schema, table, a.Column.Name.O); err != nil {
			return 0, err
		}
	}
	rb, err := x.runPlan(p)
	if err != nil {
		if st.Select == nil {
			return 0, x.locateRowError("INSERT", table, cols, st.Lists, err)
		}
		return 0, err
	}
	if rb == nil {
		return 0, nil
	}
	defer rb.Release()
	// Each row is a storage statement of its own: when one fails, the
	// rows before it are undone, newest first, so that the statement has
	// no effect inside an open transaction too.
	var n int64
	var undo []func() error
	for i := 0; i < int(rb.NumRows()); i++ {
		row := rb.NewSlice(int64(i), int64(i+1))
		u, affected, err := x.upsertRow(desc, row, st.OnDuplicate)
		row.Release()
		if err != nil {
			for j := len(undo) - 1; j >= 0; j-- {
				if uerr := undo[j](); uerr != nil {
					return 0, core.Errorf(core.KindOf(err), "%s (row %d; the statement's earlier rows could not all be undone: %v; "+
						"roll the transaction back)", err.Error(), i+1, uerr).With("row", i+1)
				}
			}
			return 0, withRow(err, i+1)
		}
		n += affected
		if u != nil {
			undo = append(undo, u)
		}
	}
	return n, nil
}

// upsertRow inserts or updates one row and returns how to undo it.
func (x *stmtExec) upsertRow(desc *storage.TableDesc, row arrow.RecordBatch, set []*ast.Assignment) (func() error, int64, error) {
	key, found, err := x.duplicateOf(desc, row)
	if err != nil {
		return nil, 0, err
	}
	if found {
		changed, undo, err := x.updateDuplicate(desc, key, row, set)
		if !changed || err != nil {
			return nil, 0, err
		}
		return undo, 2, nil
	}
	if _, err := x.txn.Insert(desc.Name, row, storage.ConflictError); err != nil {
		return nil, 0, rowNumbered(err, "INSERT", desc.Name, false)
	}
	// The new row's key: its values, or found by a unique index when the
	// key was generated.
	key, found, err = x.duplicateOf(desc, row)
	if err != nil {
		return nil, 0, err
	}
	if !found {
		return func() error {
			return core.Errorf(core.KindNotSupported, "a row inserted with a generated key and no unique value cannot be found again")
		}, 1, nil
	}
	return func() error {
		rel, keys, err := x.storedRow(desc, key)
		if err != nil {
			return err
		}
		exprs := make([]lazy.Expr, len(keys))
		for i, k := range keys {
			exprs[i] = col(rel.cols[rel.findPhys(k)].phys)
		}
		p, err := lazy.NewProject(rel.plan, exprs)
		if err != nil {
			return err
		}
		rb, err := x.runPlan(p)
		if err != nil || rb == nil {
			return err
		}
		defer rb.Release()
		_, err = x.txn.Delete(desc.Name, rb)
		return err
	}, 1, nil
}

// withRow adds the VALUES row number to an error's details.
func withRow(err error, row int) error {
	if e, ok := err.(*core.Error); ok {
		if _, has := e.Details["row"]; !has {
			return e.With("row", row)
		}
	}
	return err
}

// duplicateOf finds the stored row that row (one row of target columns)
// duplicates on the primary key or on a unique index, and returns its key
// values. Omitted columns take their default; an omitted or NULL
// AUTO_INCREMENT value gets a new id, and NULLs never duplicate.
func (x *stmtExec) duplicateOf(desc *storage.TableDesc, row arrow.RecordBatch) ([]any, bool, error) {
	value := func(name string) (any, bool, error) {
		if idx := row.Schema().FieldIndices(name); len(idx) > 0 {
			v, err := goValue(row.Column(idx[0]), 0)
			return v, v != nil, err
		}
		c, err := desc.Column(name)
		if err != nil || c.AutoIncrement {
			return nil, false, err
		}
		return c.Default, c.Default != nil, nil
	}
	values := func(names []string) ([]any, bool, error) {
		out := make([]any, len(names))
		for i, name := range names {
			v, ok, err := value(name)
			if err != nil || !ok {
				return nil, false, err
			}
			out[i] = v
		}
		return out, true, nil
	}
	if !desc.HasHiddenRowID() {
		key, ok, err := values(desc.PrimaryKey)
		if err != nil {
			return nil, false, err
		}
		if ok {
			_, found, err := x.txn.Get(desc.Name, key)
			if err != nil || found {
				return key, found, err
			}
		}
	}
	for _, ix := range desc.Indexes {
		if !ix.Unique {
			continue
		}
		vals, ok, err := values(ix.Columns)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			continue
		}
		key, found, err := x.keyByIndex(desc, ix.Name, vals)
		if err != nil || found {
			return key, found, err
		}
	}
	return nil, false, nil
}

// keyByIndex returns the key values of the row whose index columns equal vals.
func (x *stmtExec) keyByIndex(desc *storage.TableDesc, index string, vals []any) ([]any, bool, error) {
	rd, err := x.txn.Scan(desc.Name, storage.ScanOptions{
		Columns: desc.PrimaryKey, Index: index, Ranges: []storage.KeyRange{{Lower: vals, Upper: vals}}})
	if err != nil {
		return nil, false, err
	}
	defer rd.Release()
	for rd.Next() {
		rec := rd.RecordBatch()
		if rec.NumRows() == 0 {
			continue
		}
		key := make([]any, len(desc.PrimaryKey))
		for i := range key {
			if key[i], err = goValue(rec.Column(i), 0); err != nil {
				return nil, false, err
			}
		}
		return key, true, nil
	}
	return nil, false, rd.Err()
}

// storedRow is the stored row with key values key, as a relation.
func (x *stmtExec) storedRow(desc *storage.TableDesc, key []any) (*relation, []string, error) {
	rel, keys, err := x.tableRelation(desc.Name, desc.Name)
	if err != nil {
		return nil, nil, err
	}
	var pred lazy.Expr
	for i, k := range keys {
		c, err := desc.Column(k)
		if err != nil {
			return nil, nil, err
		}
		eq := bin(lazy.OpEq, col(rel.cols[rel.findPhys(k)].phys), goLiteral(key[i], c.Type))
		if pred == nil {
			pred = eq
		} else {
			pred = bin(lazy.OpAnd, pred, eq)
		}
	}
	f, err := lazy.NewFilter(rel.plan, pred)
	if err != nil {
		return nil, nil, err
	}
	return &relation{plan: f, cols: rel.cols}, keys, nil
}

// updateDuplicate runs the assignments over the stored row with key
// values key, with VALUES(c) reading row, and writes the result when it
// differs from the stored row. undo writes the stored row back.
func (x *stmtExec) updateDuplicate(desc *storage.TableDesc, key []any, row arrow.RecordBatch, set []*ast.Assignment) (bool, func() error, error) {
	table := desc.Name
	rel, keys, err := x.storedRow(desc, key)
	if err != nil {
		return false, nil, err
	}
	// The inserted row beside the stored one, under fresh names.
	b := x.builder()
	values := map[string]lazy.Expr{}
	fields := make([]arrow.Field, row.NumCols())
	vcols := make([]column, row.NumCols())
	for i, fd := range row.Schema().Fields() {
		name := b.fresh("values")
		fields[i] = arrow.Field{Name: name, Type: fd.Type, Nullable: true}
		vcols[i] = column{name: name, phys: name, hidden: true}
		values[strings.ToLower(fd.Name)] = col(name)
	}
	for _, c := range desc.Columns {
		if _, ok := values[strings.ToLower(c.Name)]; !ok && !c.Hidden {
			values[strings.ToLower(c.Name)] = assign(defaultLit(&c), c.Type)
		}
	}
	vrb := array.NewRecordBatch(arrow.NewSchema(fields, nil), row.Columns(), 1)
	defer vrb.Release()
	vrel := &relation{plan: lazy.NewScan(core.NewTable(vrb.Schema(), []arrow.RecordBatch{vrb})), cols: vcols}
	if rel, err = b.join(rel, vrel, lazy.JoinCross, nil, nil); err != nil {
		return false, nil, err
	}
	assigned := map[string]ast.ExprNode{}
	schema := desc.Schema()
	for _, a := range set {
		fd, _ := fieldOf(schema, table, a.Column.Name.O)
		assigned[fd.Name] = a.Expr
	}
	t := &translator{b: b, rel: rel, clause: "ON DUPLICATE KEY UPDATE", values: values}
	var exprs, olds []lazy.Expr
	var changedCols []int // positions in exprs and olds
	for _, c := range rel.cols {
		if c.qual == "" { // the inserted row's columns
			continue
		}
		e := col(c.phys)
		olds = append(olds, &lazy.Alias{X: col(c.phys), Name: c.name})
		if n, ok := assigned[c.name]; ok {
			fd, _ := fieldOf(schema, table, c.name)
			v, err := x.valueOrDefault(t, table, fd, n)
			if err != nil {
				return false, nil, err
			}
			if e, err = x.storable(v, rel, fd, "INSERT", table, 1, n, false); err != nil {
				return false, nil, err
			}
			changedCols = append(changedCols, len(exprs))
		}
		exprs = append(exprs, &lazy.Alias{X: e, Name: c.name})
	}
	if len(t.pending) > 0 {
		if rel, err = b.flush(rel, t.pending); err != nil {
			return false, nil, err
		}
	}
	moves := false
	for _, k := range keys {
		_, set := assigned[k]
		moves = moves || set
	}
	if moves {
		for _, k := range keys {
			exprs = append(exprs, &lazy.Alias{X: col(rel.cols[rel.findPhys(k)].phys), Name: oldKeyPrefix + k})
		}
	}
	// The stored row is read by a plan of its own: the two projections
	// share names.
	p, err := lazy.NewProject(rel.plan, exprs)
	if err != nil {
		return false, nil, err
	}
	op, err := lazy.NewProject(rel.plan, olds)
	if err != nil {
		return false, nil, err
	}
	out, err := x.runPlan(p)
	if err != nil || out == nil {
		return false, nil, err
	}
	defer out.Release()
	old, err := x.runPlan(op)
	if err != nil || old == nil {
		return false, nil, err
	}
	// MySQL counts an update that leaves the row as it was as no change.
	changed := false
	for _, i := range changedCols {
		changed = changed || !array.Equal(out.Column(i), old.Column(i))
	}
	if !changed {
		old.Release()
		return false, nil, nil
	}
	if _, err = x.writeUpdated(table, keys, out, moves); err != nil {
		old.Release()
		return false, nil, err
	}
	n := len(olds)
	newRow := array.NewRecordBatch(arrow.NewSchema(out.Schema().Fields()[:n], nil), out.Columns()[:n], 1)
	undo := func() error {
		defer old.Release()
		defer newRow.Release()
		_, err := x.txn.UpdateKeys(table, newRow, old)
		return err
	}
	return true, undo, nil
}

// findPhys is the index of the column whose SQL name is name, hidden or not.
func (r *relation) findPhys(name string) int {
	for i, c := range r.cols {
		if strings.EqualFold(c.name, name) {
			return i
		}
	}
	return -1
}

// goValue is the value at row i of a, as the Go value storage takes for
// keys (see storage.ColumnDef.Default), nil for null.
func goValue(a arrow.Array, i int) (any, error) {
	if a.IsNull(i) {
		return nil, nil
	}
	switch v := a.(type) {
	case *array.Int8:
		return int64(v.Value(i)), nil
	case *array.Int16:
		return int64(v.Value(i)), nil
	case *array.Int32:
		return int64(v.Value(i)), nil
	case *array.Int64:
		return v.Value(i), nil
	case *array.Uint8:
		return uint64(v.Value(i)), nil
	case *array.Uint16:
		return uint64(v.Value(i)), nil
	case *array.Uint32:
		return uint64(v.Value(i)), nil
	case *array.Uint64:
		return v.Value(i), nil
	case *array.Float32:
		return float64(v.Value(i)), nil
	case *array.Float64:
		return v.Value(i), nil
	case *array.String:
		return v.Value(i), nil
	case *array.LargeString:
		return v.Value(i), nil
	case *array.Binary:
		return append([]byte(nil), v.Value(i)...), nil
	case *array.Boolean:
		return v.Value(i), nil
	case *array.Decimal128:
		return v.Value(i), nil
	case *array.Date32:
		return v.Value(i).ToTime(), nil
	case *array.Timestamp:
		return time.UnixMicro(int64(v.Value(i))).UTC(), nil
	}
	return nil, notSupported("ON DUPLICATE KEY UPDATE on a key or unique column of type %s is not supported", core.DTypeName(a.DataType()))
}

// goLiteral is a key value from goValue as a literal of type t, to
// compare the key column with.
func goLiteral(v any, t arrow.DataType) lazy.Expr {
	switch x := v.(type) {
	case time.Time:
		if t.ID() == arrow.DATE32 {
			return dateLit(int64(x.Sub(epoch).Hours() / 24))
		}
		return &lazy.Literal{Value: x.UnixMicro(), Type: t}
	case []byte:
		return &lazy.Literal{Value: string(x)}
	case decimal128.Num:
		return &lazy.Literal{Value: x, Type: t}
	}
	return &lazy.Literal{Value: v}
}
