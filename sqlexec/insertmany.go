package sqlexec

import (
	"fmt"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// insertMany runs INSERT INTO t [(cols)] VALUES (?, …, ?) once for every
// parameter row of executemany() as one columnar insert: the values of a
// column become one Arrow array, converted to the column's type by the same
// casts (assign) the row-at-a-time statement applies to each literal, and
// stored by one Insert, which has no effect when any row fails.
//
// ok is false when the statement or the values are not of that simple
// shape (another VALUES form, ON DUPLICATE KEY, a vector column, values of
// one column with different types); the caller then runs the rows one at a
// time, which also names the row of an error.
func (x *stmtExec) insertMany(st *ast.InsertStmt, rows [][]lazy.Expr) (n int64, ok bool, err error) {
	if st.Select != nil || len(st.Lists) != 1 || len(st.OnDuplicate) > 0 || st.Setlist || len(st.PartitionNames) > 0 ||
		len(rows) == 0 {
		return 0, false, nil
	}
	onConflict := storage.ConflictError
	if st.IsReplace {
		onConflict = storage.ConflictReplace
	} else if st.IgnoreErr {
		onConflict = storage.ConflictIgnore
	}
	what := "INSERT"
	if st.IsReplace {
		what = "REPLACE"
	}
	table, _, err := targetTable(st.Table, what)
	if err != nil {
		return 0, false, nil
	}
	desc, err := x.txn.Table(table)
	if err != nil {
		return 0, false, nil
	}
	schema := desc.Schema()
	cols := schema.Fields()
	if len(st.Columns) > 0 {
		cols = nil
		for _, c := range st.Columns {
			f, err := fieldOf(schema, table, c.Name.O)
			if err != nil {
				return 0, false, nil
			}
			cols = append(cols, f)
		}
	}
	marks := st.Lists[0]
	if len(marks) != len(cols) {
		return 0, false, nil
	}
	fields := make([]arrow.Field, len(cols))
	arrays := make([]arrow.Array, len(cols))
	defer func() {
		for _, a := range arrays {
			if a != nil {
				a.Release()
			}
		}
	}()
	exprs := make([]lazy.Expr, len(cols))
	for j, c := range cols {
		m, isMark := marks[j].(*test_driver.ParamMarkerExpr)
		if !isMark || c.Type.ID() == arrow.FIXED_SIZE_LIST {
			return 0, false, nil
		}
		a, ok := columnOf(rows, m.Order, c.Type)
		if !ok {
			return 0, false, nil
		}
		arrays[j] = a
		name := fmt.Sprintf("__v%d", j)
		fields[j] = arrow.Field{Name: name, Type: a.DataType(), Nullable: true}
		e := lazy.Expr(col(name))
		if !arrow.TypeEqual(a.DataType(), c.Type) {
			e = &lazy.Cast{X: e, To: c.Type, Strict: true}
		}
		exprs[j] = &lazy.Alias{X: e, Name: c.Name}
	}
	in := arrow.NewSchema(fields, nil)
	rb := array.NewRecordBatch(in, arrays, int64(len(rows)))
	src := core.NewTable(in, []arrow.RecordBatch{rb})
	defer src.Release()
	p, err := lazy.NewProject(lazy.NewScan(src), exprs)
	if err != nil {
		return 0, false, nil
	}
	out, err := x.runPlan(p)
	if err != nil {
		return 0, true, err
	}
	if out == nil {
		return 0, true, nil
	}
	defer out.Release()
	n, err = x.txn.Insert(table, out, onConflict)
	return n, true, err
}

// columnOf builds the array of parameter order of every row, as the values
// assign would cast to type to: literals whose conversion assign makes
// itself (decimals, dates from text) are converted first. ok is false when a
// value is not a literal, needs another conversion, or the values differ in
// type.
func columnOf(rows [][]lazy.Expr, order int, to arrow.DataType) (out arrow.Array, ok bool) {
	defer func() {
		if recover() != nil { // a literal whose value does not match its type: the row path decides
			out, ok = nil, false
		}
	}()
	vals := make([]*lazy.Literal, len(rows))
	var typ arrow.DataType
	for i, r := range rows {
		if order < 0 || order >= len(r) {
			return nil, false
		}
		lit, ok := r[order].(*lazy.Literal)
		if !ok {
			return nil, false
		}
		switch a := assign(lit, to).(type) {
		case *lazy.Literal:
			lit = a
		case *lazy.Cast:
			if a.X != lazy.Expr(lit) {
				return nil, false
			}
		default:
			return nil, false
		}
		vals[i] = lit
		if lit.Value == nil {
			continue
		}
		t := lit.Type
		if t == nil { // an untyped (dynamic) literal: the type of its Go value
			if t = dynamicType(lit.Value); t == nil {
				return nil, false
			}
		}
		if typ == nil {
			typ = t
		} else if !arrow.TypeEqual(typ, t) {
			return nil, false
		}
	}
	if typ == nil {
		typ = to // every value is NULL
	}
	parts := make([]arrow.Array, 0, len(vals))
	defer func() {
		for _, a := range parts {
			a.Release()
		}
	}()
	for _, lit := range vals {
		one, err := kernels.Broadcast(memory.DefaultAllocator, lit.Value, typ, 1)
		if err != nil {
			return nil, false
		}
		parts = append(parts, one)
	}
	whole, err := array.Concatenate(parts, memory.DefaultAllocator)
	if err != nil {
		return nil, false
	}
	return whole, true
}

// dynamicType is the Arrow type of an untyped literal's Go value, or nil.
func dynamicType(v any) arrow.DataType {
	switch v.(type) {
	case int64:
		return arrow.PrimitiveTypes.Int64
	case uint64:
		return arrow.PrimitiveTypes.Uint64
	case float64:
		return arrow.PrimitiveTypes.Float64
	case string:
		return arrow.BinaryTypes.String
	case bool:
		return arrow.FixedWidthTypes.Boolean
	}
	return nil
}
