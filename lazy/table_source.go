package lazy

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Catalog is an embedded database as a plan sees it: plan nodes of kind
// "table" name its stored tables and views. It is implemented above lazy
// (package sqlexec, over package storage) and handed to Decode inside a
// CatalogSource.
type Catalog interface {
	// TablePlan returns the plan that reads a stored table (a Scan of a
	// KeyedSource) or a view (its query, compiled).
	TablePlan(name string) (Plan, error)
}

// CatalogSource carries a Catalog handed to a plan beside its frames, as
// VectorIndexSource carries an index. It is never scanned.
type CatalogSource struct{ Catalog Catalog }

func (s *CatalogSource) Name() string          { return "database" }
func (s *CatalogSource) Schema() *arrow.Schema { return arrow.NewSchema(nil, nil) }
func (s *CatalogSource) NumRows() int64        { return 0 }

// KeyedSource is a Source read through an access path chosen from the scan
// predicate: a stored table turns comparisons of its primary key with
// constants into key ranges, and selective ones on indexed columns into an
// index scan. The executor still applies the whole predicate to what Read
// returns, so an access path only has to cover the matching rows.
type KeyedSource interface {
	Source
	// Access describes how a scan with predicate pred (nil: none) reads,
	// for explain: "TABLE SCAN t", "TABLE SCAN t KEY RANGE …",
	// "INDEX SCAN t USING idx …".
	Access(pred Expr) string
	// Read streams the named columns (in this order) of at least the rows
	// pred selects. The reader is released by the caller.
	Read(ctx context.Context, columns []string, pred Expr) (array.RecordReader, error)
}

// table decodes {"kind": "table", "source": i, "name": t}: a stored table
// or view of the database that source i (a CatalogSource) carries.
func (d *decoder) table(n *jsonNode) (Plan, error) {
	if n.Source == nil || *n.Source < 0 || *n.Source >= len(d.sources) {
		return nil, malformed("table node without a valid database source")
	}
	cs, ok := d.sources[*n.Source].(*CatalogSource)
	if !ok {
		return nil, malformed("table node source %d is not a database", *n.Source)
	}
	return cs.Catalog.TablePlan(n.Name)
}

// DecodeSQL decodes a plan whose root is a "sql" node without compiling
// it: the statement text, the plans of the tables named beside it and the
// values of its ? placeholders. Statements that are not queries (DDL and
// DML on an embedded database) are executed from these.
func DecodeSQL(data []byte, sources []Source, env Env) (string, map[string]Plan, []Expr, error) {
	n, err := decodeRoot(data)
	if err != nil {
		return "", nil, nil, err
	}
	if n == nil || n.Kind != "sql" {
		return "", nil, nil, malformed("the plan is not a SQL statement")
	}
	d := decoder{sources: sources, opener: env.Opener, compileSQL: env.SQL}
	tables := make(map[string]Plan, len(n.Tables))
	for name, t := range n.Tables {
		p, err := d.node(t)
		if err != nil {
			return "", nil, nil, err
		}
		tables[name] = p
	}
	params, err := d.exprs(n.Params)
	if err != nil {
		return "", nil, nil, err
	}
	return n.Query, tables, params, nil
}

// Conjuncts returns the operands of a chain of ANDs (e itself otherwise;
// none for nil), for sources that turn predicates into access paths.
func Conjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	return splitConjunction(e)
}

// ColumnComparison recognizes col op literal and literal op col (flipped
// to put the column first), looking through order-preserving casts of the
// column.
func ColumnComparison(b *Binary) (column string, lit *Literal, op BinaryOp, ok bool) {
	if !b.Op.IsComparison() {
		return "", nil, "", false
	}
	return columnVsLiteral(b)
}
