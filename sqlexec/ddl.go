package sqlexec

import (
	"context"
	"strings"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// stmtExec runs one DDL or DML statement inside txn (which the caller
// commits or rolls back).
type stmtExec struct {
	ctx   context.Context
	txn   *storage.Txn
	req   Request
	funcs map[string]tableFunc
	// tables are the stored tables and views the statement names, then
	// the frames in scope.
	tables map[string]lazy.Plan
	// own: the statement runs in a transaction of its own that commits
	// right after it (autocommit), so its writes need not be readable
	// before the commit (insertPlan).
	own bool
}

// catalog resolves stored tables in the statement's transaction (already
// held by this goroutine).
func (x *stmtExec) catalog() catalog {
	return catalog{use: func(fn func(*storage.Txn) error) error { return fn(x.txn) }}
}

func (x *stmtExec) run(stmt ast.StmtNode) (int64, error) {
	switch st := stmt.(type) {
	case *ast.InsertStmt, *ast.UpdateStmt, *ast.DeleteStmt, *ast.CreateTableStmt:
		if ct, ok := st.(*ast.CreateTableStmt); ok && ct.Select == nil {
			break
		}
		var err error
		if x.tables, err = x.catalog().tablesIn(stmt, x.funcs, x.req.Tables); err != nil {
			return 0, err
		}
	}
	switch st := stmt.(type) {
	case *ast.CreateTableStmt:
		return x.createTable(st)
	case *ast.DropTableStmt:
		return 0, x.dropTable(st)
	case *ast.RenameTableStmt:
		for _, tt := range st.TableToTables {
			if err := x.txn.RenameTable(tt.OldTable.Name.O, tt.NewTable.Name.O); err != nil {
				return 0, err
			}
		}
		return 0, nil
	case *ast.TruncateTableStmt:
		return 0, x.txn.TruncateTable(st.Table.Name.O)
	case *ast.AlterTableStmt:
		return 0, x.alterTable(st)
	case *ast.CreateViewStmt:
		return 0, x.createView(st)
	case *ast.CreateIndexStmt:
		return 0, x.createIndex(st)
	case *ast.OptimizeTableStmt:
		return 0, x.optimize(st)
	case *ast.DropIndexStmt:
		err := x.txn.DropIndex(st.Table.Name.O, st.IndexName)
		if err != nil && st.IfExists && core.KindOf(err) != core.KindTableNotFound {
			return 0, nil
		}
		return 0, err
	case *ast.InsertStmt:
		return x.insert(st)
	case *ast.UpdateStmt:
		return x.update(st)
	case *ast.DeleteStmt:
		return x.delete(st)
	}
	return 0, notSupported("%s statements are not supported", stmtKind(stmt))
}

// createTable runs CREATE TABLE [IF NOT EXISTS] t (columns, constraints)
// and CREATE TABLE t AS SELECT.
func (x *stmtExec) createTable(st *ast.CreateTableStmt) (int64, error) {
	name := st.Table.Name.O
	if st.ReferTable != nil {
		return 0, notSupported("CREATE TABLE … LIKE is not supported; list the columns")
	}
	if hasTable(x.txn, name) || hasView(x.txn, name) {
		if st.IfNotExists {
			return 0, nil
		}
		return 0, core.Errorf(core.KindInvalidInput, "table %s already exists; use CREATE TABLE IF NOT EXISTS, or DROP TABLE first", name).
			With("table", name)
	}
	def := storage.TableDef{Name: name}
	var err error
	if def.Storage, err = tableStorage(st); err != nil {
		return 0, err
	}
	for _, c := range st.Cols {
		cd, pk, unique, err := x.columnDef(c)
		if err != nil {
			return 0, err
		}
		def.Columns = append(def.Columns, cd)
		if pk {
			if len(def.PrimaryKey) > 0 {
				return 0, core.Errorf(core.KindInvalidInput, "table %s has more than one PRIMARY KEY; declare a composite key as PRIMARY KEY (a, b)", name)
			}
			def.PrimaryKey = []string{cd.Name}
		}
		if unique {
			def.Indexes = append(def.Indexes, storage.IndexDef{Name: cd.Name, Table: name, Columns: []string{cd.Name}, Unique: true})
		}
	}
	for _, con := range st.Constraints {
		cols := make([]string, len(con.Keys))
		for i, k := range con.Keys {
			if k.Column == nil {
				return 0, notSupported("index on an expression (in table %s) is not supported; index columns", name)
			}
			cols[i] = k.Column.Name.O
		}
		switch con.Tp {
		case ast.ConstraintPrimaryKey:
			if len(def.PrimaryKey) > 0 {
				return 0, core.Errorf(core.KindInvalidInput, "table %s has more than one PRIMARY KEY", name)
			}
			def.PrimaryKey = cols
		case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
			def.Indexes = append(def.Indexes, storage.IndexDef{Name: indexName(con.Name, cols), Table: name, Columns: cols, Unique: true})
		case ast.ConstraintIndex, ast.ConstraintKey:
			def.Indexes = append(def.Indexes, storage.IndexDef{Name: indexName(con.Name, cols), Table: name, Columns: cols})
		default:
			return 0, notSupported("constraint %s in CREATE TABLE %s is not supported", restore(con), name)
		}
	}
	if st.Select == nil {
		if len(def.Columns) == 0 {
			return 0, core.Errorf(core.KindInvalidInput, "CREATE TABLE %s needs at least one column", name)
		}
		return 0, x.txn.CreateTable(def)
	}
	// CREATE TABLE t AS SELECT: the columns are the query's.
	if len(def.Columns) > 0 {
		return 0, notSupported("CREATE TABLE %s (columns) AS SELECT is not supported; let the query define the columns", name)
	}
	plan, dup, err := x.positionalPlan(st.Select)
	if err != nil {
		return 0, err
	}
	if dup != "" {
		return 0, core.Errorf(core.KindInvalidInput,
			"CREATE TABLE %s AS SELECT: duplicate column name '%s'; give one of the columns another name with AS", name, dup).With("column", dup)
	}
	for _, f := range plan.Schema().Fields() {
		def.Columns = append(def.Columns, storage.ColumnDef{Name: f.Name, Type: f.Type})
	}
	// One statement: a failing insert leaves no table behind, inside an
	// open transaction too.
	var n int64
	err = x.txn.Statement(func() error {
		if err := x.txn.CreateTable(def); err != nil {
			return err
		}
		var err error
		n, err = x.insertPlan("INSERT", name, plan, storage.ConflictError, true)
		return err
	})
	return n, err
}

func indexName(name string, cols []string) string {
	if name != "" {
		return name
	}
	return strings.Join(cols, "_")
}

// columnDef reads one column definition; pk and unique report the PRIMARY
// KEY and UNIQUE column options.
func (x *stmtExec) columnDef(c *ast.ColumnDef) (storage.ColumnDef, bool, bool, error) {
	name := c.Name.Name.O
	t, err := columnType(name, c.Tp)
	if err != nil {
		return storage.ColumnDef{}, false, false, err
	}
	cd := storage.ColumnDef{Name: name, Type: t}
	var pk, unique bool
	for _, o := range c.Options {
		switch o.Tp {
		case ast.ColumnOptionPrimaryKey:
			pk, cd.NotNull = true, true
		case ast.ColumnOptionNotNull:
			cd.NotNull = true
		case ast.ColumnOptionNull:
			cd.NotNull = false
		case ast.ColumnOptionAutoIncrement:
			cd.AutoIncrement = true
		case ast.ColumnOptionUniqKey:
			unique = true
		case ast.ColumnOptionDefaultValue:
			v, err := constantValue(o.Expr)
			if err == nil {
				v, err = defaultFor(v, t)
			}
			if err != nil {
				return cd, false, false, core.Errorf(core.KindOf(err), "column %s: DEFAULT %s: %s", name, restore(o.Expr), err.Error()).
					With("column", name)
			}
			cd.Default = v
		case ast.ColumnOptionComment, ast.ColumnOptionCollate:
		default:
			return cd, false, false, notSupported("column option %s (column %s) is not supported", restore(o), name)
		}
	}
	return cd, pk, unique, nil
}

// constantValue is the Go value of a constant expression (a DEFAULT).
func constantValue(e ast.ExprNode) (any, error) {
	switch v := stripParens(e).(type) {
	case *test_driver.ValueExpr:
		lit, err := literal(v)
		if err != nil {
			return nil, err
		}
		return lit.(*lazy.Literal).Value, nil
	case *ast.UnaryOperationExpr:
		inner, err := constantValue(v.V)
		if err != nil {
			return nil, err
		}
		if v.Op.String() == "minus" {
			switch n := inner.(type) {
			case int64:
				return -n, nil
			case float64:
				return -n, nil
			}
		}
	}
	return nil, notSupported("only constants are supported as defaults")
}

// defaultFor converts a constant DEFAULT to the Go value storage takes for
// a column of type t: an exact decimal128.Num of the column's scale (SQL
// reads 1.5 as a decimal), a time.Time for a date or datetime written as
// text.
func defaultFor(v any, t arrow.DataType) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch tt := t.(type) {
	case *arrow.Decimal128Type:
		if d, ok := decimalLit(&lazy.Literal{Value: v}, tt); ok {
			return d.(*lazy.Literal).Value, nil
		}
	case *arrow.Date32Type, *arrow.TimestampType:
		s, ok := v.(string)
		if !ok {
			break
		}
		for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02 15:04:05.999999", time.RFC3339Nano} {
			if d, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				return d, nil
			}
		}
		return nil, core.Errorf(core.KindInvalidInput, "invalid %s literal '%s': use YYYY-MM-DD [HH:MM:SS]", core.DTypeName(t), s)
	}
	return v, nil
}

// defaultLit is the value DEFAULT stands for in column c as a literal: its
// declared default, else NULL (which storage turns into the next
// AUTO_INCREMENT value on insert).
func defaultLit(c *storage.ColumnDesc) lazy.Expr {
	switch v := c.Default.(type) {
	case int32: // a date's days since the epoch
		return dateLit(int64(v))
	case decimal128.Num:
		return &lazy.Literal{Value: v, Type: c.Type}
	case time.Time:
		return &lazy.Literal{Value: v.UnixMicro(), Type: c.Type}
	}
	return &lazy.Literal{Value: c.Default}
}

func (x *stmtExec) dropTable(st *ast.DropTableStmt) error {
	for _, t := range st.Tables {
		name := t.Name.O
		if st.IsView {
			if !hasView(x.txn, name) {
				if st.IfExists {
					continue
				}
				return tableNotFound(name, listViews(x.txn), "view")
			}
			if err := x.txn.DropView(name, false); err != nil {
				return err
			}
			continue
		}
		if err := x.txn.DropTable(name, st.IfExists); err != nil {
			return err
		}
	}
	return nil
}

func (x *stmtExec) alterTable(st *ast.AlterTableStmt) error {
	table := st.Table.Name.O
	for _, sp := range st.Specs {
		var err error
		switch sp.Tp {
		case ast.AlterTableAddColumns:
			for _, c := range sp.NewColumns {
				cd, pk, unique, cerr := x.columnDef(c)
				if cerr != nil {
					return cerr
				}
				if pk || unique {
					return notSupported("ALTER TABLE %s ADD COLUMN %s: a new column cannot be a PRIMARY KEY or UNIQUE; add it, then CREATE UNIQUE INDEX", table, cd.Name)
				}
				if err = x.txn.AddColumn(table, cd); err != nil {
					return err
				}
			}
		case ast.AlterTableDropColumn:
			err = x.txn.DropColumn(table, sp.OldColumnName.Name.O)
		case ast.AlterTableRenameColumn:
			err = x.txn.RenameColumn(table, sp.OldColumnName.Name.O, sp.NewColumnName.Name.O)
		case ast.AlterTableRenameTable:
			err = x.txn.RenameTable(table, sp.NewTable.Name.O)
			table = sp.NewTable.Name.O
		case ast.AlterTableDropIndex:
			err = x.txn.DropIndex(table, sp.Name)
		default:
			return notSupported("ALTER TABLE %s: %s is not supported (ADD/DROP/RENAME COLUMN and RENAME TO are)", table, restore(sp))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (x *stmtExec) createView(st *ast.CreateViewStmt) error {
	name := st.ViewName.Name.O
	if len(st.Cols) > 0 {
		return notSupported("CREATE VIEW %s (columns) is not supported; name the columns with AS in the query", name)
	}
	text := restore(st.Select)
	// The view must compile now, so that a broken view fails where it is made.
	if _, err := x.compile(text); err != nil {
		return core.Errorf(core.KindOf(err), "CREATE VIEW %s: %s", name, err.Error())
	}
	if hasTable(x.txn, name) {
		return core.Errorf(core.KindInvalidInput, "a table named %s already exists", name).With("table", name)
	}
	if hasView(x.txn, name) && !st.OrReplace {
		return core.Errorf(core.KindInvalidInput, "view %s already exists; use CREATE OR REPLACE VIEW", name).With("table", name)
	}
	return x.txn.CreateView(name, text, st.OrReplace)
}

func (x *stmtExec) createIndex(st *ast.CreateIndexStmt) error {
	if isVectorIndex(st) {
		return x.createVectorIndex(st)
	}
	cols := make([]string, len(st.IndexPartSpecifications))
	for i, k := range st.IndexPartSpecifications {
		if k.Column == nil {
			return notSupported("index %s on an expression is not supported; index columns", st.IndexName)
		}
		cols[i] = k.Column.Name.O
	}
	switch st.KeyType {
	case ast.IndexKeyTypeNone, ast.IndexKeyTypeUnique:
	default:
		return notSupported("%s indexes are not supported", restore(st))
	}
	err := x.txn.CreateIndex(storage.IndexDef{Name: st.IndexName, Table: st.Table.Name.O, Columns: cols,
		Unique: st.KeyType == ast.IndexKeyTypeUnique})
	if err != nil && st.IfNotExists && core.KindOf(err) == core.KindInvalidInput && strings.Contains(err.Error(), "exists") {
		return nil
	}
	return err
}

// compile compiles a view's query over the stored tables.
func (x *stmtExec) compile(query string) (lazy.Plan, error) {
	tables, err := x.catalog().tablesOf(query, nil)
	if err != nil {
		return nil, err
	}
	return Compile(query, tables, nil, nil)
}

// builder compiles parts of the statement over the tables it names.
func (x *stmtExec) builder() *builder {
	return newBuilder(x.tables, x.req.Params, x.req.Opener, x.funcs)
}
