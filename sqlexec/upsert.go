package sqlexec

import (
	"errors"
	"strings"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
	// One storage statement: when a row fails, the rows before it (in
	// earlier batches too) are undone, inside an open transaction too.
	if st.Select != nil {
		return x.writeStream(p, func(rb arrow.RecordBatch, base int) (int64, error) {
			return x.upsertRows(desc, rb, base, st.OnDuplicate, st.IgnoreErr)
		})
	}
	rb, err := x.runPlan(p)
	if err != nil {
		return 0, x.locateRowError("INSERT", table, cols, st.Lists, err)
	}
	if rb == nil {
		return 0, nil
	}
	defer rb.Release()
	var n int64
	err = x.txn.Statement(func() error {
		var err error
		n, err = x.upsertRows(desc, rb, 0, st.OnDuplicate, st.IgnoreErr)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// upsertRows inserts or updates the rows of rb one after the other (base
// rows came before them). With ignore (INSERT IGNORE … ON DUPLICATE KEY
// UPDATE), a row whose insert or update would break a unique key is
// skipped, as MySQL turns that error into a warning.
func (x *stmtExec) upsertRows(desc *storage.TableDesc, rb arrow.RecordBatch, base int, set []*ast.Assignment, ignore bool) (int64, error) {
	if !ignore {
		mark := x.txn.Savepoint()
		n, ok, err := x.upsertBatch(desc, rb, set)
		if ok && err == nil {
			return n, nil
		}
		if err != nil {
			// The row-by-row path below fails the same way and names the row.
			if err := x.txn.RollbackTo(mark); err != nil {
				return 0, err
			}
		}
	}
	var n int64
	for i := 0; i < int(rb.NumRows()); i++ {
		row := rb.NewSlice(int64(i), int64(i+1))
		var mark storage.Savepoint
		if ignore {
			mark = x.txn.Savepoint()
		}
		affected, err := x.upsertRow(desc, row, set, ignore)
		row.Release()
		if err != nil && ignore && isDuplicateKey(err) {
			if err = x.txn.RollbackTo(mark); err == nil {
				continue
			}
		}
		if err != nil {
			return 0, withRow(err, base+i+1)
		}
		n += affected
	}
	return n, nil
}

// isDuplicateKey reports whether err is a primary-key or unique-index
// violation (storage's uniqueError, which names the values).
func isDuplicateKey(err error) bool {
	var e *core.Error
	if !errors.As(err, &e) || e.Kind != core.KindConstraint {
		return false
	}
	_, ok := e.Details["values"]
	return ok
}

// upsertRow inserts or updates one row; ignore inserts with
// ConflictIgnore.
func (x *stmtExec) upsertRow(desc *storage.TableDesc, row arrow.RecordBatch, set []*ast.Assignment, ignore bool) (int64, error) {
	key, found, err := x.duplicateOf(desc, row)
	if err != nil {
		return 0, err
	}
	if found {
		changed, err := x.updateDuplicate(desc, key, row, set)
		if !changed || err != nil {
			return 0, err
		}
		return 2, nil
	}
	onConflict := storage.ConflictError
	if ignore {
		onConflict = storage.ConflictIgnore
	}
	n, err := x.txn.Insert(desc.Name, row, onConflict)
	if err != nil {
		return 0, rowNumbered(err, "INSERT", desc.Name, false, 0)
	}
	return n, nil
}

// withRow adds the row number to an error's details.
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
// differs from the stored row.
func (x *stmtExec) updateDuplicate(desc *storage.TableDesc, key []any, row arrow.RecordBatch, set []*ast.Assignment) (bool, error) {
	table := desc.Name
	rel, keys, err := x.storedRow(desc, key)
	if err != nil {
		return false, err
	}
	b := x.builder()
	vrel, values, _, release := insertedRelation(b, row, desc, false)
	defer release()
	if rel, err = b.join(rel, vrel, lazy.JoinCross, nil, nil); err != nil {
		return false, err
	}
	up, err := x.assignments(b, desc, rel, keys, values, set)
	if err != nil {
		return false, err
	}
	out, err := x.runPlan(up.plan)
	if err != nil || out == nil {
		return false, err
	}
	defer out.Release()
	old, err := x.runPlan(up.old)
	if err != nil || old == nil {
		return false, err
	}
	defer old.Release()
	// MySQL counts an update that leaves the row as it was as no change.
	changed := false
	for _, i := range up.changed {
		changed = changed || !array.Equal(out.Column(i), old.Column(i))
	}
	if !changed {
		return false, nil
	}
	if _, err = x.writeUpdated(table, keys, out, up.moves); err != nil {
		return false, err
	}
	return true, nil
}

// insertedRelation is the rows an INSERT … ON DUPLICATE KEY UPDATE tries
// to insert as a relation of hidden columns under fresh names, and the map
// VALUES(c) reads (c's column, or its default when the insert omits it).
// With pos, the relation ends with the row positions (named posName).
func insertedRelation(b *builder, rows arrow.RecordBatch, desc *storage.TableDesc, pos bool) (rel *relation, values map[string]lazy.Expr, posName string, release func()) {
	values = map[string]lazy.Expr{}
	fields := make([]arrow.Field, 0, rows.NumCols()+1)
	cols := append([]arrow.Array(nil), rows.Columns()...)
	rel = &relation{}
	for _, fd := range rows.Schema().Fields() {
		name := b.fresh("values")
		fields = append(fields, arrow.Field{Name: name, Type: fd.Type, Nullable: true})
		rel.cols = append(rel.cols, column{name: name, phys: name, hidden: true})
		values[strings.ToLower(fd.Name)] = col(name)
	}
	for _, c := range desc.Columns {
		if _, ok := values[strings.ToLower(c.Name)]; !ok && !c.Hidden {
			values[strings.ToLower(c.Name)] = assign(defaultLit(&c), c.Type)
		}
	}
	var posArr arrow.Array
	if pos {
		posName = b.fresh("pos")
		pb := array.NewInt64Builder(memory.DefaultAllocator)
		for i := range rows.NumRows() {
			pb.Append(i)
		}
		posArr = pb.NewArray()
		pb.Release()
		fields = append(fields, arrow.Field{Name: posName, Type: arrow.PrimitiveTypes.Int64})
		cols = append(cols, posArr)
		rel.cols = append(rel.cols, column{name: posName, phys: posName, hidden: true})
	}
	rb := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rows.NumRows())
	if posArr != nil {
		posArr.Release()
	}
	rel.plan = lazy.NewScan(core.NewTable(rb.Schema(), []arrow.RecordBatch{rb}))
	return rel, values, posName, rb.Release
}

// assignment is the plan of ON DUPLICATE KEY UPDATE's assignments over
// stored rows beside the rows tried (rel).
type assignment struct {
	plan    lazy.Plan // the new rows (then the old keys, when moves)
	old     lazy.Plan // the stored rows, the same columns
	changed []int     // the columns assigned
	moves   bool      // an assignment changes a key column
	rel     *relation // rel after the assignments' subqueries
	// exprs and olds are the projections of plan and old.
	exprs, olds []lazy.Expr
}

func (x *stmtExec) assignments(b *builder, desc *storage.TableDesc, rel *relation, keys []string, values map[string]lazy.Expr, set []*ast.Assignment) (*assignment, error) {
	table := desc.Name
	assigned := map[string]ast.ExprNode{}
	schema := desc.Schema()
	for _, a := range set {
		fd, _ := fieldOf(schema, table, a.Column.Name.O)
		assigned[fd.Name] = a.Expr
	}
	t := &translator{b: b, rel: rel, clause: "ON DUPLICATE KEY UPDATE", values: values}
	var exprs, olds []lazy.Expr
	up := &assignment{}
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
				return nil, err
			}
			if e, err = x.storable(v, rel, fd, "INSERT", table, 1, n, false); err != nil {
				return nil, err
			}
			up.changed = append(up.changed, len(exprs))
		}
		exprs = append(exprs, &lazy.Alias{X: e, Name: c.name})
	}
	var err error
	if len(t.pending) > 0 {
		if rel, err = b.flush(rel, t.pending); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		_, set := assigned[k]
		up.moves = up.moves || set
	}
	if up.moves {
		for _, k := range keys {
			exprs = append(exprs, &lazy.Alias{X: col(rel.cols[rel.findPhys(k)].phys), Name: oldKeyPrefix + k})
		}
	}
	up.rel, up.exprs, up.olds = rel, exprs, olds
	// The stored row is read by a plan of its own: the two projections
	// share names.
	if up.plan, err = lazy.NewProject(rel.plan, exprs); err != nil {
		return nil, err
	}
	if up.old, err = lazy.NewProject(rel.plan, olds); err != nil {
		return nil, err
	}
	return up, nil
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
