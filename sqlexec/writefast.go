package sqlexec

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// The write fast path: a statement that writes rows by their values or by
// the full primary key,
//
//	INSERT [IGNORE] | REPLACE INTO t [(cols)] VALUES (v, …)[, (…)]
//	UPDATE t SET c = v | c = d + v | c = d - v | c = v + d [, …] WHERE pk = v [AND …]
//	DELETE FROM t WHERE pk = v [AND …]
//
// where each v is a ? or a constant and d a column of the row, is written
// by storage's value writers (InsertValues, UpdateValues, DeleteValues)
// straight from the parameters, without a plan, the executor or Arrow in
// between. Those writers are the
// general path's Insert, Update and Delete with the values read another
// way, so constraints, defaults, AUTO_INCREMENT, conflicts, secondary
// index entries, counts and errors are the same code.
//
// What the general path does before storage is a strict cast of each value
// to its column's type. The fast path takes a value only when that cast
// keeps it as it is: an integer within an integer column's range, a finite
// float for a DOUBLE, text for a text column, a bool for a BOOLEAN, NULL
// for any column; d ± v is summed exactly (integers in int64) or not at
// all. Any other value (text for a date, an int for a DOUBLE,
// 300 for a TINYINT), and any other shape, table or setting (a vector
// index, a columnar table, a table without a primary key for UPDATE and
// DELETE, a column named in another case than stored, DEFAULT, an
// expression), runs the general way, which converts or reports it. The
// shape is read from the syntax tree once per prepared statement; the
// plan (column positions, types) is made again whenever the table's
// descriptor changes, as the point plan is.

// writeKind is the statement a write shape is.
type writeKind int

const (
	writeInsert writeKind = iota + 1
	writeUpdate
	writeDelete
)

// writeShape is the table-independent part of a fast write.
type writeShape struct {
	kind       writeKind
	what       string // INSERT or REPLACE: the statement as errors name it
	table      string
	onConflict storage.OnConflict
	// columns are an INSERT's named columns (nil: every visible column)
	// or an UPDATE's SET columns, values their values: one list per
	// VALUES row for an INSERT, one for an UPDATE.
	columns []string
	values  [][]pointValue
	// key is an UPDATE's or DELETE's WHERE: one value per key column.
	key *pointShape
	// of names, per SET value of an UPDATE, the column its value is added
	// to (d + v) or from which it is subtracted (minus: d - v); "" for a
	// plain value.
	of    []string
	minus []bool
}

// writePlan is a write shape resolved against one descriptor of its table.
type writePlan struct {
	desc  *storage.TableDesc
	cols  []int            // table column position of each value
	types []arrow.DataType // and its type
	keys  []pointValue     // the key's values, in the table's key order
	keyTy []arrow.DataType
	// of is the position of writeShape.of's column per value (-1: none);
	// reads says whether any value needs the row.
	of    []int
	reads bool
}

// writeShapeOf recognizes the fast write shapes, or returns nil.
func writeShapeOf(stmt ast.StmtNode) *writeShape {
	switch st := stmt.(type) {
	case *ast.InsertStmt:
		return insertShape(st)
	case *ast.UpdateStmt:
		return updateShape(st)
	case *ast.DeleteStmt:
		return deleteShape(st)
	}
	return nil
}

func insertShape(st *ast.InsertStmt) *writeShape {
	if st.Select != nil || len(st.Lists) == 0 || len(st.OnDuplicate) > 0 || st.Setlist || len(st.PartitionNames) > 0 {
		return nil
	}
	sh := &writeShape{kind: writeInsert, what: "INSERT", onConflict: storage.ConflictError}
	if st.IsReplace {
		sh.what, sh.onConflict = "REPLACE", storage.ConflictReplace
	} else if st.IgnoreErr {
		sh.onConflict = storage.ConflictIgnore
	}
	tn, ok := singleTable(st.Table)
	if !ok {
		return nil
	}
	sh.table = tn.Name.O
	for _, c := range st.Columns {
		if c.Schema.O != "" || c.Table.O != "" {
			return nil
		}
		sh.columns = append(sh.columns, c.Name.O)
	}
	for _, row := range st.Lists {
		vals, ok := writeValues(row)
		if !ok {
			return nil
		}
		sh.values = append(sh.values, vals)
	}
	return sh
}

func updateShape(st *ast.UpdateStmt) *writeShape {
	if st.Order != nil || st.Limit != nil || st.With != nil || st.IgnoreErr || st.MultipleTable || st.Where == nil ||
		len(st.TableHints) > 0 || len(st.List) == 0 {
		return nil
	}
	key := keyShape(st.TableRefs, st.Where)
	if key == nil {
		return nil
	}
	sh := &writeShape{kind: writeUpdate, what: "UPDATE", table: key.table, key: key}
	exprs := make([]ast.ExprNode, len(st.List))
	for i, a := range st.List {
		if !key.ownColumn(a.Column) {
			return nil
		}
		sh.columns = append(sh.columns, a.Column.Name.O)
		of, minus, v, ok := columnPlusValue(key, a.Expr)
		if !ok {
			return nil
		}
		sh.of, sh.minus, exprs[i] = append(sh.of, of), append(sh.minus, minus), v
	}
	vals, ok := writeValues(exprs)
	if !ok {
		return nil
	}
	sh.values = [][]pointValue{vals}
	return sh
}

func deleteShape(st *ast.DeleteStmt) *writeShape {
	if st.IsMultiTable || st.Order != nil || st.Limit != nil || st.With != nil || st.IgnoreErr || st.Where == nil ||
		len(st.TableHints) > 0 {
		return nil
	}
	key := keyShape(st.TableRefs, st.Where)
	if key == nil {
		return nil
	}
	return &writeShape{kind: writeDelete, what: "DELETE", table: key.table, key: key}
}

// columnPlusValue reads d + v, v + d or d - v (d a column of the table,
// v a value), returning d's name and v; any other expression e is returned
// as v with no column, for writeValues to judge.
func columnPlusValue(key *pointShape, e ast.ExprNode) (of string, minus bool, v ast.ExprNode, ok bool) {
	b, isOp := e.(*ast.BinaryOperationExpr)
	if !isOp {
		return "", false, e, true
	}
	l, r := b.L, b.R
	switch b.Op {
	case opcode.Plus:
		if _, isCol := r.(*ast.ColumnNameExpr); isCol {
			l, r = r, l
		}
	case opcode.Minus:
		minus = true
	default:
		return "", false, nil, false
	}
	c, isCol := l.(*ast.ColumnNameExpr)
	if !isCol || !key.ownColumn(c.Name) {
		return "", false, nil, false
	}
	return c.Name.Name.O, minus, r, true
}

// singleTable is the one unqualified table of a DML target.
func singleTable(refs *ast.TableRefsClause) (*ast.TableName, bool) {
	if refs == nil || refs.TableRefs == nil || refs.TableRefs.Right != nil {
		return nil, false
	}
	ts, ok := refs.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return nil, false
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok || tn.Schema.O != "" || len(tn.PartitionNames) > 0 || len(tn.IndexHints) > 0 {
		return nil, false
	}
	return tn, true
}

// keyShape reads WHERE k1 = v AND … of an UPDATE or DELETE target: the
// point shape's key terms, each with one value.
func keyShape(refs *ast.TableRefsClause, where ast.ExprNode) *pointShape {
	tn, ok := singleTable(refs)
	if !ok {
		return nil
	}
	ts := refs.TableRefs.Left.(*ast.TableSource)
	sh := &pointShape{table: tn.Name.O, alias: strings.ToLower(ts.AsName.O)}
	if sh.alias == "" {
		sh.alias = strings.ToLower(tn.Name.O)
	}
	if !sh.addTerms(where) {
		return nil
	}
	for _, t := range sh.terms {
		if len(t.values) != 1 {
			return nil
		}
	}
	return sh
}

// writeValues reads values that are each a ? or a constant: an integer,
// text or NULL (other constants, such as 2.5, which the parser reads as a
// decimal, are converted by the general path).
func writeValues(es []ast.ExprNode) ([]pointValue, bool) {
	out := make([]pointValue, len(es))
	for i, e := range es {
		if v, ok := e.(*test_driver.ValueExpr); ok && v.GetValue() == nil {
			out[i] = pointValue{param: -1}
			continue
		}
		v, ok := keyValueOf(e)
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// plan resolves the shape against desc, or returns nil when the table is
// one the fast path leaves to the general one.
func (sh *writeShape) plan(desc *storage.TableDesc) *writePlan {
	if desc.IsColumnar() || len(desc.VectorIndexes) > 0 {
		return nil
	}
	schema := desc.Schema()
	wp := &writePlan{desc: desc}
	// Schema fields are the table's visible columns in order, which come
	// first among its columns: a field's index is its column position.
	addColumn := func(name string) bool {
		idx := schema.FieldIndices(name)
		if len(idx) != 1 {
			return false // not there, or named in another case: the general path resolves it
		}
		for _, p := range wp.cols {
			if p == idx[0] {
				return false // named twice
			}
		}
		wp.cols = append(wp.cols, idx[0])
		wp.types = append(wp.types, schema.Field(idx[0]).Type)
		return true
	}
	switch sh.kind {
	case writeInsert:
		if sh.columns == nil {
			for i, f := range schema.Fields() {
				wp.cols, wp.types = append(wp.cols, i), append(wp.types, f.Type)
			}
		}
		for _, c := range sh.columns {
			if !addColumn(c) {
				return nil
			}
		}
		for _, row := range sh.values {
			if len(row) != len(wp.cols) {
				return nil // the general path reports it
			}
		}
		return wp
	case writeUpdate:
		for _, c := range sh.columns {
			if !addColumn(c) {
				return nil
			}
		}
		for i, c := range sh.of {
			wp.of = append(wp.of, -1)
			if c == "" {
				continue
			}
			idx := schema.FieldIndices(c)
			// Sums the fast path computes as the general path does:
			// integers of an integer column, doubles of a double one.
			if len(idx) != 1 || !sameArithmetic(schema.Field(idx[0]).Type, wp.types[i]) {
				return nil
			}
			wp.of[i], wp.reads = idx[0], true
		}
	}
	if desc.HasHiddenRowID() || len(sh.key.terms) != len(desc.PrimaryKey) {
		return nil
	}
	for _, k := range desc.PrimaryKey {
		idx := schema.FieldIndices(k)
		if len(idx) != 1 {
			return nil
		}
		for _, p := range wp.cols {
			if p == idx[0] {
				return nil // SET of a key column moves the row: the general path
			}
		}
		found := false
		for _, t := range sh.key.terms {
			if t.column == k {
				if found {
					return nil
				}
				found = true
				wp.keys = append(wp.keys, t.values[0])
			}
		}
		if !found {
			return nil
		}
		wp.keyTy = append(wp.keyTy, schema.Field(idx[0]).Type)
	}
	return wp
}

// fastValue is v's value for a column of type t when the general path's
// strict cast to t would keep it as it is; ok false otherwise (the general
// path then converts it, or reports why it cannot).
func fastValue(v pointValue, params []lazy.Expr, t arrow.DataType) (_ any, ok bool) {
	x, xt, ok := v.value(params)
	if !ok || x == nil {
		return nil, ok
	}
	if xt != nil && !arrow.TypeEqual(xt, naturalType(x)) {
		return nil, false // a typed literal (a timestamp's int64): the general path casts it
	}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		n, ok := x.(int64)
		if !ok {
			return nil, false
		}
		lo, hi := intRange(t)
		return n, lo <= n && n <= hi
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		switch n := x.(type) {
		case int64:
			return n, n >= 0 && uint64(n) <= maxUnsigned(t)
		case uint64:
			return n, n <= maxUnsigned(t)
		}
	case arrow.FLOAT64:
		f, ok := x.(float64)
		return f, ok && !math.IsNaN(f) && !math.IsInf(f, 0)
	case arrow.STRING, arrow.LARGE_STRING:
		s, ok := x.(string)
		return s, ok && utf8.ValidString(s)
	case arrow.BOOL:
		b, ok := x.(bool)
		return b, ok
	}
	return nil, false
}

// sameArithmetic reports whether d + v for a column d of type from, stored
// in a column of type to, is a sum the fast path makes (exactly, or not at
// all): integer to integer, or double to double.
func sameArithmetic(from, to arrow.DataType) bool {
	if from.ID() == arrow.FLOAT64 || to.ID() == arrow.FLOAT64 {
		return from.ID() == to.ID()
	}
	return arrow.IsInteger(from.ID()) && arrow.IsInteger(to.ID())
}

// plus is d + v (d - v when minus) for the row's value d, as a value for
// fastValue, or ok false when the general path should compute it: a sum
// past 64 bits, a value of another kind. NULL on either side is NULL.
func plus(d, v any, minus bool) (_ any, ok bool) {
	if d == nil || v == nil {
		return nil, true
	}
	switch y := v.(type) {
	case float64:
		x, ok := d.(float64)
		if !ok {
			return nil, false
		}
		if minus {
			return x - y, true
		}
		return x + y, true
	case int64:
		var x int64
		switch dv := d.(type) {
		case int64:
			x = dv
		case uint64:
			if dv > math.MaxInt64 {
				return nil, false
			}
			x = int64(dv)
		default:
			return nil, false
		}
		if minus {
			if y == math.MinInt64 {
				return nil, false
			}
			y = -y
		}
		r := x + y
		if (y > 0 && r < x) || (y < 0 && r > x) {
			return nil, false // past int64: the general path reports it
		}
		return r, true
	}
	return nil, false
}

// addend is v's value in d + v for a column of type t (sameArithmetic):
// an int64 for an integer column, a float64 for a double one, or NULL.
func addend(v pointValue, params []lazy.Expr, t arrow.DataType) (_ any, ok bool) {
	x, xt, ok := v.value(params)
	if !ok || x == nil {
		return nil, ok
	}
	if xt != nil && !arrow.TypeEqual(xt, naturalType(x)) {
		return nil, false
	}
	switch x.(type) {
	case int64:
		return x, t.ID() != arrow.FLOAT64
	case float64:
		return x, t.ID() == arrow.FLOAT64
	}
	return nil, false
}

// naturalType is the type of a literal that holds x and says no other.
func naturalType(x any) arrow.DataType {
	if t := dynamicType(x); t != nil {
		return t
	}
	return arrow.Null
}

func intRange(t arrow.DataType) (int64, int64) {
	switch t.ID() {
	case arrow.INT8:
		return math.MinInt8, math.MaxInt8
	case arrow.INT16:
		return math.MinInt16, math.MaxInt16
	case arrow.INT32:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// writePlanFor returns the statement's fast write plan on desc (nil: run
// it the general way). The shape is read from the tree once; the plan is
// made again when the table's descriptor is another.
func (ps *prepared) writePlanFor(x *stmtExec) (*writeShape, *writePlan) {
	ps.mu.Lock()
	sh, read := ps.wshape, ps.wshapeRead
	ps.mu.Unlock()
	if !read {
		ps.planMu.Lock() // the general path's walks store into the tree
		sh = writeShapeOf(ps.p.stmt)
		ps.planMu.Unlock()
		ps.mu.Lock()
		ps.wshape, ps.wshapeRead = sh, true
		ps.mu.Unlock()
	}
	if sh == nil {
		return nil, nil
	}
	desc, err := x.txn.Table(sh.table)
	if err != nil {
		return nil, nil // a view, or no such table: the general path says which
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.writeDesc != desc {
		ps.write, ps.writeDesc = sh.plan(desc), desc
	}
	return sh, ps.write
}

// fastWrite is x.fastWrite when ps is given and the session has the fast
// path on.
func (s *Session) fastWrite(x *stmtExec, ps *prepared) (int64, bool, error) {
	if ps == nil || !s.fastWrites() {
		return 0, false, nil
	}
	return x.fastWrite(ps)
}

// fastWrite runs the statement of ps on the fast path; ok false when it
// does not apply (nothing was written: run it the general way).
func (x *stmtExec) fastWrite(ps *prepared) (n int64, ok bool, err error) {
	sh, wp := ps.writePlanFor(x)
	if wp == nil {
		return 0, false, nil
	}
	params := x.req.Params
	switch sh.kind {
	case writeInsert:
		vals := make([]any, len(sh.values)*len(wp.cols))
		rows := make([][]any, len(sh.values))
		for r, row := range sh.values {
			rows[r] = vals[r*len(wp.cols) : (r+1)*len(wp.cols)]
			for j, v := range row {
				if rows[r][j], ok = fastValue(v, params, wp.types[j]); !ok {
					return 0, false, nil
				}
			}
		}
		n, err = x.txn.InsertValues(sh.table, wp.cols, rows, sh.onConflict)
		return n, true, rowNumbered(err, sh.what, sh.table, true, 0)
	}
	key := make([]any, len(wp.keys))
	for i, v := range wp.keys {
		if key[i], ok = fastValue(v, params, wp.keyTy[i]); !ok {
			return 0, false, nil
		}
	}
	if sh.kind == writeDelete {
		n, err = x.txn.DeleteValues(sh.table, key)
		return n, true, err
	}
	vals := make([]any, len(wp.cols))
	for j, v := range sh.values[0] {
		if wp.of[j] >= 0 {
			if vals[j], ok = addend(v, params, wp.types[j]); !ok {
				return 0, false, nil
			}
		} else if vals[j], ok = fastValue(v, params, wp.types[j]); !ok {
			return 0, false, nil
		}
	}
	if wp.reads {
		row, found, err := x.txn.Get(sh.table, key)
		if err != nil {
			return 0, false, nil // the general path reports it
		}
		if !found {
			return 0, true, nil
		}
		for j, d := range wp.of {
			if d < 0 {
				continue
			}
			sum, ok := plus(row[d], vals[j], sh.minus[j])
			if ok {
				vals[j], ok = fastValue(pointValue{param: -1, lit: sum}, nil, wp.types[j])
			}
			if !ok {
				return 0, false, nil
			}
		}
	}
	n, err = x.txn.UpdateValues(sh.table, key, wp.cols, vals)
	return n, true, rowNumbered(err, "UPDATE", sh.table, false, 0)
}
