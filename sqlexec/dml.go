package sqlexec

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// DML computes the rows it writes with the plan and the executor that run
// queries: INSERT … VALUES is a union of one-row projections, INSERT …
// SELECT the query, UPDATE a scan, filter and projection of the new rows,
// DELETE a scan and filter of the keys. Storage then writes them in bulk.

// targetTable returns the single table a DML statement writes.
func targetTable(refs *ast.TableRefsClause, what string) (string, string, error) {
	if refs == nil || refs.TableRefs == nil {
		return "", "", core.Errorf(core.KindInvalidInput, "%s needs a table", what)
	}
	j := refs.TableRefs
	if j.Right != nil {
		return "", "", notSupported("%s of several tables (a join) is not supported; write one table at a time", what)
	}
	ts, ok := j.Left.(*ast.TableSource)
	if !ok {
		return "", "", notSupported("%s target %s is not supported", what, restore(j.Left))
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok {
		return "", "", notSupported("%s target %s is not supported", what, restore(ts))
	}
	alias := ts.AsName.O
	if alias == "" {
		alias = tn.Name.O
	}
	return tn.Name.O, alias, nil
}

// run executes a plan and returns its rows as one batch (nil for none).
func (x *stmtExec) runPlan(p lazy.Plan) (arrow.RecordBatch, error) {
	t, err := exec.Run(x.ctx, memory.DefaultAllocator, exec.Optimize(p))
	if err != nil {
		return nil, err
	}
	defer t.Release()
	bs := t.Batches()
	if len(bs) == 0 || t.NumRows() == 0 {
		return nil, nil
	}
	bs[0].Retain()
	return bs[0], nil
}

// writeStream runs p and hands its batches, one at a time as the executor
// makes them, to write (with the number of rows before the batch), as one
// storage statement: the statement holds a bounded part of the query's
// rows, its writes spill past the transaction's memory, and when a batch
// fails every batch before it is undone too. The plan's stored tables are
// read as they were before the statement's first write (exec.Stream opens
// them first), so a statement never reads its own writes.
func (x *stmtExec) writeStream(p lazy.Plan, write func(rb arrow.RecordBatch, base int) (int64, error)) (int64, error) {
	var n int64
	err := x.txn.Statement(func() error {
		base := 0
		return exec.Stream(x.ctx, exec.Optimize(p), func(rb arrow.RecordBatch) error {
			k, err := write(rb, base)
			n += k
			base += int(rb.NumRows())
			return err
		})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// insertPlan inserts the rows of p, streamed. A plain INSERT … SELECT
// that commits on its own (autocommit) first collects the query's batches,
// up to loadBufferBytes of them: when they are all of its rows, they go to
// storage.Txn.LoadAppend, which writes a large load as sstables the commit
// ingests. Past the bound, or when LoadAppend declines, the collected
// batches and the rest are inserted as they come. created: the statement
// created table (CREATE TABLE … AS SELECT), which is empty, and the held
// batches go to storage.Txn.LoadCreated instead.
func (x *stmtExec) insertPlan(what, table string, p lazy.Plan, onConflict storage.OnConflict, created bool) (int64, error) {
	if created && x.own && onConflict == storage.ConflictError {
		if d, err := x.txn.Table(table); err == nil && d.IsColumnar() {
			return x.loadStream(table, p)
		}
	}
	collect := x.own && onConflict == storage.ConflictError
	if collect {
		// Only tables LoadAppend may take: the others stream.
		d, err := x.txn.Table(table)
		collect = err == nil && !d.IsColumnar() && len(d.Indexes) == 0 && len(d.VectorIndexes) == 0
	}
	var held []arrow.RecordBatch
	heldBytes := 0
	defer func() {
		for _, rb := range held {
			rb.Release()
		}
	}()
	insert := func(rb arrow.RecordBatch, base int) (int64, error) {
		n, err := x.txn.Insert(table, rb, onConflict)
		return n, rowNumbered(err, what, table, true, base)
	}
	// flush inserts the held batches, which began at row 0.
	flush := func() (int64, error) {
		var n int64
		base := 0
		for _, rb := range held {
			m, err := insert(rb, base)
			n += m
			if err != nil {
				return n, err
			}
			base += int(rb.NumRows())
		}
		for _, rb := range held {
			rb.Release()
		}
		held, collect = nil, false
		return n, nil
	}
	n, err := x.writeStream(p, func(rb arrow.RecordBatch, base int) (int64, error) {
		if !collect {
			return insert(rb, base)
		}
		rb.Retain()
		held = append(held, rb)
		heldBytes += batchBytes(rb)
		if heldBytes <= loadBufferBytes {
			return 0, nil
		}
		return flush()
	})
	if err != nil || !collect {
		return n, err
	}
	err = x.txn.Statement(func() error {
		load := x.txn.LoadAppend
		if created {
			load = x.txn.LoadCreated
		}
		m, ok, err := load(table, held)
		if !ok && err == nil {
			m, err = flush()
		}
		n = m
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// loadStream writes the rows of p into columnar table, which the statement
// created (CREATE TABLE … WITH (storage='columnar') AS SELECT, in a
// transaction of its own): they stream into segments batch by batch as
// the query makes them (storage.Txn.LoadStream), in bounded memory.
func (x *stmtExec) loadStream(table string, p lazy.Plan) (int64, error) {
	ld, err := x.txn.LoadStream(table)
	if err != nil {
		return 0, err
	}
	_, err = x.writeStream(p, func(rb arrow.RecordBatch, _ int) (int64, error) { return 0, ld.Add(rb) })
	if err != nil {
		ld.Abort()
		return 0, err
	}
	return ld.Finish()
}

// loadBufferBytes bounds the rows an autocommit INSERT … SELECT holds to
// load them as sstables (insertPlan): larger ones stream through Insert.
const loadBufferBytes = 512 << 20

// batchBytes is the size of a batch's buffers.
func batchBytes(rb arrow.RecordBatch) int {
	n := 0
	for _, c := range rb.Columns() {
		n += dataBytes(c.Data())
	}
	return n
}

// dataBytes is the size of an array's buffers, its children's included
// (a vector column keeps its floats in its child).
func dataBytes(d arrow.ArrayData) int {
	n := 0
	for _, b := range d.Buffers() {
		if b != nil {
			n += b.Len()
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	return n
}

func (x *stmtExec) insert(st *ast.InsertStmt) (int64, error) {
	what := "INSERT"
	onConflict := storage.ConflictError
	if st.IsReplace {
		what, onConflict = "REPLACE", storage.ConflictReplace
	} else if st.IgnoreErr {
		onConflict = storage.ConflictIgnore
	}
	table, _, err := targetTable(st.Table, what)
	if err != nil {
		return 0, err
	}
	desc, err := x.txn.Table(table)
	if err != nil {
		return 0, err
	}
	schema := desc.Schema()
	var cols []arrow.Field
	if len(st.Columns) == 0 {
		cols = schema.Fields()
	}
	for _, c := range st.Columns {
		f, err := fieldOf(schema, table, c.Name.O)
		if err != nil {
			return 0, err
		}
		cols = append(cols, f)
	}
	var p lazy.Plan
	if st.Select != nil {
		// By position: the query may repeat a name (SELECT id, id).
		if p, _, err = x.positionalPlan(st.Select); err != nil {
			return 0, err
		}
		if n := p.Schema().NumFields(); n != len(cols) {
			return 0, core.Errorf(core.KindInvalidInput, "%s INTO %s: the query gives %d column(s) for %d target column(s)",
				what, table, n, len(cols))
		}
		exprs := make([]lazy.Expr, len(cols))
		for i, f := range cols {
			exprs[i] = &lazy.Alias{X: assign(col(p.Schema().Field(i).Name), f.Type), Name: f.Name}
		}
		if p, err = lazy.NewProject(p, exprs); err != nil {
			return 0, err
		}
	} else if p, err = x.valuesPlan(what, table, cols, st.Lists); err != nil {
		return 0, err
	}
	if len(st.OnDuplicate) > 0 {
		return x.insertOnDuplicate(table, desc, p, st, cols)
	}
	if st.Select != nil {
		return x.insertPlan(what, table, p, onConflict, false)
	}
	// VALUES are few: run as one batch, an error is located in them.
	rb, err := x.runPlan(p)
	if err != nil {
		return 0, x.locateRowError(what, table, cols, st.Lists, err)
	}
	if rb == nil {
		return 0, nil
	}
	defer rb.Release()
	n, err := x.txn.Insert(table, rb, onConflict)
	return n, rowNumbered(err, what, table, true, 0)
}

// rowNumbered words a storage error about one row of a statement's batch
// for SQL: storage counts the batch's rows from 0, VALUES rows (and the
// rows of an INSERT's query, of which base came in earlier batches) count
// from 1; the rows an UPDATE writes have no number the user wrote, so the
// number is dropped.
func rowNumbered(err error, what, table string, rows bool, base int) error {
	var e *core.Error
	if !errors.As(err, &e) || e.Details == nil {
		return err
	}
	row, ok := e.Details["row"].(int)
	if !ok {
		return err
	}
	msg := strings.TrimSuffix(e.Message, fmt.Sprintf(" (row %d)", row))
	out := core.Errorf(e.Kind, "%s %s: %s", what, table, msg)
	if rows {
		out = core.Errorf(e.Kind, "%s INTO %s, row %d: %s", what, table, base+row+1, msg)
	}
	for k, v := range e.Details {
		out = out.With(k, v)
	}
	if rows {
		return out.With("row", base+row+1)
	}
	delete(out.Details, "row")
	return out
}

func fieldOf(schema *arrow.Schema, table, name string) (arrow.Field, error) {
	for _, f := range schema.Fields() {
		if strings.EqualFold(f.Name, name) {
			return f, nil
		}
	}
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	return arrow.Field{}, core.ColumnNotFound(name, names).With("table", table)
}

// valuesPlan is the union of one projection per row of VALUES, each value
// converted to its column's type.
func (x *stmtExec) valuesPlan(what, table string, cols []arrow.Field, rows [][]ast.ExprNode) (lazy.Plan, error) {
	inputs := make([]lazy.Plan, 0, len(rows))
	for i, row := range rows {
		p, err := x.rowPlan(what, table, cols, row, i)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, p)
	}
	if len(inputs) == 1 {
		return inputs[0], nil
	}
	return lazy.NewUnion(inputs, false)
}

func (x *stmtExec) rowPlan(what, table string, cols []arrow.Field, row []ast.ExprNode, i int) (lazy.Plan, error) {
	if len(row) != len(cols) {
		return nil, core.Errorf(core.KindInvalidInput, "%s INTO %s: row %d has %d value(s) for %d column(s)",
			what, table, i+1, len(row), len(cols)).With("row", i+1)
	}
	b := x.builder()
	rel := dual()
	t := &translator{b: b, rel: rel, clause: "VALUES"}
	exprs := make([]lazy.Expr, len(row))
	for j, v := range row {
		e, err := x.valueOrDefault(t, table, cols[j], v)
		if err != nil {
			return nil, err
		}
		if e, err = x.storable(e, rel, cols[j], what, table, i+1, v, len(t.pending) == 0); err != nil {
			return nil, err
		}
		exprs[j] = &lazy.Alias{X: e, Name: cols[j].Name}
	}
	if len(t.pending) > 0 {
		var err error
		if rel, err = b.flush(rel, t.pending); err != nil {
			return nil, err
		}
	}
	return lazy.NewProject(rel.plan, exprs)
}

// storable converts e, the value row gives column f, to the column's type
// (assign): vector text becomes a vector, whose dimension must be the
// column's. With check, a conversion that cannot be planned is reported
// here, naming the column, the row and the value (conversions that fail
// on the data are located by locateRowError).
func (x *stmtExec) storable(e lazy.Expr, rel *relation, f arrow.Field, what, table string, row int, v ast.ExprNode, check bool) (lazy.Expr, error) {
	if core.IsVector(f.Type) {
		var err error
		if e, err = vectorText(e); err != nil {
			return nil, x.cellError(what, table, f, row, v, err)
		}
	}
	if err := checkVectorDim(e, rel.plan.Schema(), f, table, row); err != nil {
		return nil, err
	}
	a := assign(e, f.Type)
	if check {
		if _, err := lazy.Resolve(a, rel.plan.Schema()); err != nil {
			return nil, x.cellError(what, table, f, row, v, err)
		}
	}
	return a, nil
}

// cellError is err, met storing value v in column f at a 1-based row,
// reworded to name the table, column, row and value.
func (x *stmtExec) cellError(what, table string, f arrow.Field, row int, v ast.ExprNode, err error) error {
	return core.Errorf(core.KindOf(err), "%s INTO %s: column %s (%s), row %d: cannot store %s: %s",
		what, table, f.Name, core.DTypeName(f.Type), row, x.valueText(v), err.Error()).
		With("table", table).With("column", f.Name).With("row", row)
}

// valueText shows a written value in messages: a parameter's value, a
// string constant quoted without the parser's charset prefix.
func (x *stmtExec) valueText(v ast.ExprNode) string {
	switch n := stripParens(v).(type) {
	case *test_driver.ParamMarkerExpr:
		if p := x.req.Params; n.Order >= 0 && n.Order < len(p) {
			if l, ok := p[n.Order].(*lazy.Literal); ok {
				if s, ok := l.Value.(string); ok {
					return "'" + s + "'"
				}
				return fmt.Sprintf("%s (parameter %d)", l, n.Order+1)
			}
		}
		return fmt.Sprintf("parameter %d", n.Order+1)
	}
	return exprText(v)
}

// valueOrDefault translates a value written to column f of table: DEFAULT
// and DEFAULT(c) give the column's default (defaultLit; outside VALUES,
// 0 for an AUTO_INCREMENT column), anything else goes through t.
func (x *stmtExec) valueOrDefault(t *translator, table string, f arrow.Field, v ast.ExprNode) (lazy.Expr, error) {
	d, ok := stripParens(v).(*ast.DefaultExpr)
	if !ok {
		return t.expr(v)
	}
	desc, err := x.txn.Table(table)
	if err != nil {
		return nil, err
	}
	name := f.Name
	if d.Name != nil {
		of, err := fieldOf(desc.Schema(), table, d.Name.Name.O)
		if err != nil {
			return nil, err
		}
		name = of.Name
	}
	c, err := desc.Column(name)
	if err != nil {
		return nil, err
	}
	if c.AutoIncrement && t.clause != "VALUES" {
		// As MySQL 8: an AUTO_INCREMENT column's DEFAULT is its implicit
		// default, 0; only an INSERT generates a new id for it (an UPDATE
		// never does).
		return &lazy.Literal{Value: int64(0)}, nil
	}
	return defaultLit(c), nil
}

// checkVectorDim names the column and row of a vector of the wrong
// dimension.
func checkVectorDim(e lazy.Expr, in *arrow.Schema, f arrow.Field, table string, row int) error {
	want, ok := f.Type.(*arrow.FixedSizeListType)
	if !ok {
		return nil
	}
	r, err := lazy.Resolve(e, in)
	if err != nil {
		return nil
	}
	if got, ok := r.DataType().(*arrow.FixedSizeListType); ok && got.Len() != want.Len() {
		return core.Errorf(core.KindInvalidInput,
			"column %s of table %s is VECTOR(%d), but row %d gives a vector of dimension %d",
			f.Name, table, want.Len(), row, got.Len()).With("column", f.Name).With("row", row).With("table", table)
	}
	return nil
}

// assign converts a value to a column's type: dates and datetimes from
// their text, anything else by a strict cast (an impossible conversion
// is an error, not a null).
func assign(e lazy.Expr, to arrow.DataType) lazy.Expr {
	if dt, ok := to.(*arrow.Decimal128Type); ok {
		if d, ok := decimalLit(e, dt); ok {
			return d
		}
	}
	if s, ok := strLit(e); ok {
		switch to.ID() {
		case arrow.DATE32:
			if days, err := parseDate(s); err == nil {
				return dateLit(days)
			}
		case arrow.TIMESTAMP:
			return &lazy.Cast{X: call("str.to_datetime", map[string]any{"strict": true}, e), To: to, Strict: true}
		}
	}
	return &lazy.Cast{X: e, To: to, Strict: true}
}

// locateRowError reruns the rows of VALUES one at a time to name the row
// (and, when one value alone fails, the column) that err came from.
func (x *stmtExec) locateRowError(what, table string, cols []arrow.Field, rows [][]ast.ExprNode, err error) error {
	if len(rows) == 0 {
		return err
	}
	for i, row := range rows {
		p, perr := x.rowPlan(what, table, cols, row, i)
		if perr != nil {
			return perr
		}
		if _, rerr := x.runPlan(p); rerr == nil {
			continue
		}
		for j := range row {
			p, perr := x.rowPlan(what, table, cols[j:j+1], row[j:j+1], i)
			if perr != nil {
				continue
			}
			if _, cerr := x.runPlan(p); cerr != nil {
				return x.cellError(what, table, cols[j], i+1, row[j], cerr)
			}
		}
		return core.Errorf(core.KindOf(err), "%s INTO %s, row %d: %s", what, table, i+1, err.Error()).
			With("table", table).With("row", i+1)
	}
	return err
}

// tableRelation is a stored table as a relation, with its hidden row id
// (for UPDATE and DELETE of a table without a primary key).
func (x *stmtExec) tableRelation(table, alias string) (*relation, []string, error) {
	p, err := x.catalog().tablePlan(table, true)
	if err != nil {
		return nil, nil, err
	}
	scan, ok := p.(*lazy.Scan)
	if !ok {
		return nil, nil, core.Errorf(core.KindInvalidInput, "%s is a view; views cannot be updated, write to their tables", table)
	}
	src := tableSourceOf(scan.Source)
	rel := newRelation(p, alias)
	for i := range rel.cols {
		if rel.cols[i].name == RowIDColumn && src.pk[0] == RowIDColumn {
			rel.cols[i].hidden = true
		}
	}
	return rel, src.pk, nil
}

func (x *stmtExec) update(st *ast.UpdateStmt) (int64, error) {
	if st.Order != nil || st.Limit != nil {
		return 0, notSupported("UPDATE … ORDER BY / LIMIT is not supported")
	}
	if st.With != nil {
		return 0, notSupported("WITH … UPDATE is not supported")
	}
	table, alias, err := targetTable(st.TableRefs, "UPDATE")
	if err != nil {
		return 0, err
	}
	rel, keys, err := x.tableRelation(table, alias)
	if err != nil {
		return 0, err
	}
	b := x.builder()
	if st.Where != nil {
		if rel, err = b.filter(rel, splitAnd(st.Where), "WHERE"); err != nil {
			return 0, err
		}
	}
	set := map[string]ast.ExprNode{}
	schema := rel.plan.Schema()
	for _, a := range st.List {
		f, err := fieldOf(schema, table, a.Column.Name.O)
		if err != nil || f.Name == RowIDColumn {
			if err == nil {
				err = core.ColumnNotFound(a.Column.Name.O, nil)
			}
			return 0, err
		}
		set[f.Name] = a.Expr
	}
	t := &translator{b: b, rel: rel, clause: "SET"}
	exprs := make([]lazy.Expr, 0, schema.NumFields())
	for _, c := range rel.cols {
		f := schema.Field(schema.FieldIndices(c.phys)[0])
		e := col(c.phys)
		if n, ok := set[c.name]; ok {
			v, err := x.valueOrDefault(t, table, f, n)
			if err != nil {
				return 0, err
			}
			if core.IsVector(f.Type) {
				if v, err = vectorText(v); err != nil {
					return 0, err
				}
			}
			if err := checkVectorDim(v, schema, f, table, 1); err != nil {
				return 0, err
			}
			e = assign(v, f.Type)
		}
		exprs = append(exprs, &lazy.Alias{X: e, Name: c.name})
	}
	if len(t.pending) > 0 {
		if rel, err = b.flush(rel, t.pending); err != nil {
			return 0, err
		}
	}
	// A SET of a key column moves the row: storage then needs the old key
	// beside the new row.
	moves := false
	for _, k := range keys {
		_, set := set[k]
		moves = moves || set
	}
	if moves {
		for _, k := range keys {
			exprs = append(exprs, &lazy.Alias{X: col(rel.cols[rel.find("", k)[0]].phys), Name: oldKeyPrefix + k})
		}
	}
	p, err := lazy.NewProject(rel.plan, exprs)
	if err != nil {
		return 0, err
	}
	return x.writeStream(p, func(rb arrow.RecordBatch, _ int) (int64, error) {
		return x.writeUpdated(table, keys, rb, moves)
	})
}

// writeUpdated stores the new rows rb of an UPDATE; when moves, rb ends
// with the old key columns (oldKeyPrefix), one per key.
func (x *stmtExec) writeUpdated(table string, keys []string, rb arrow.RecordBatch, moves bool) (int64, error) {
	if !moves {
		n, err := x.txn.Update(table, rb)
		return n, rowNumbered(err, "UPDATE", table, false, 0)
	}
	n := int(rb.NumCols()) - len(keys)
	rowCols, keyCols := rb.Columns()[:n], rb.Columns()[n:]
	keyFields := make([]arrow.Field, len(keys))
	for i, k := range keys {
		keyFields[i] = arrow.Field{Name: k, Type: keyCols[i].DataType(), Nullable: true}
	}
	rowsRB := array.NewRecordBatch(arrow.NewSchema(rb.Schema().Fields()[:n], nil), rowCols, rb.NumRows())
	defer rowsRB.Release()
	keysRB := array.NewRecordBatch(arrow.NewSchema(keyFields, nil), keyCols, rb.NumRows())
	defer keysRB.Release()
	count, err := x.txn.UpdateKeys(table, keysRB, rowsRB)
	return count, rowNumbered(err, "UPDATE", table, false, 0)
}

// oldKeyPrefix names the old key columns an UPDATE that moves rows reads.
const oldKeyPrefix = "__old_key_"

func (x *stmtExec) delete(st *ast.DeleteStmt) (int64, error) {
	if st.IsMultiTable {
		return 0, notSupported("DELETE from several tables is not supported")
	}
	if st.Order != nil || st.Limit != nil {
		return 0, notSupported("DELETE … ORDER BY / LIMIT is not supported")
	}
	if st.With != nil {
		return 0, notSupported("WITH … DELETE is not supported")
	}
	table, alias, err := targetTable(st.TableRefs, "DELETE")
	if err != nil {
		return 0, err
	}
	rel, keys, err := x.tableRelation(table, alias)
	if err != nil {
		return 0, err
	}
	if st.Where != nil {
		if rel, err = x.builder().filter(rel, splitAnd(st.Where), "WHERE"); err != nil {
			return 0, err
		}
	}
	exprs := make([]lazy.Expr, len(keys))
	for i, k := range keys {
		exprs[i] = col(k)
	}
	p, err := lazy.NewProject(rel.plan, exprs)
	if err != nil {
		return 0, err
	}
	return x.writeStream(p, func(rb arrow.RecordBatch, _ int) (int64, error) {
		return x.txn.Delete(table, rb)
	})
}

// decimalLit is a numeric constant as an exact DECIMAL(p, s) value: SQL
// reads 12.34 as a decimal, so the float the parser made of it is spelled
// back in its shortest form and scaled exactly (rounded half away from
// zero past the column's scale, as MySQL stores it).
func decimalLit(e lazy.Expr, t *arrow.Decimal128Type) (lazy.Expr, bool) {
	neg := false
	if u, ok := e.(*lazy.Unary); ok && u.Op == lazy.OpNeg {
		neg, e = true, u.X
	}
	l, ok := e.(*lazy.Literal)
	if !ok {
		return nil, false
	}
	var r *big.Rat
	switch v := l.Value.(type) {
	case int64:
		r = new(big.Rat).SetInt64(v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
		r, _ = new(big.Rat).SetString(strconv.FormatFloat(v, 'g', -1, 64))
	case decimal128.Num: // an exact decimal parameter (Python's decimal.Decimal)
		if dt, ok := l.Type.(*arrow.Decimal128Type); ok {
			r = new(big.Rat).SetFrac(v.BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dt.Scale)), nil))
		}
	}
	if r == nil {
		return nil, false
	}
	if neg {
		r.Neg(r)
	}
	n, ok := kernels.RatToDecimal(r, t, true)
	if !ok {
		return nil, false
	}
	return &lazy.Literal{Value: n, Type: t}, true
}
