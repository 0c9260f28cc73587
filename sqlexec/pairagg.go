package sqlexec

import (
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// MySQL has no CORR or COVAR_SAMP / COVAR_POP; the TiDB parser reads them
// as plain function calls. They are the aggregates analysts bring from
// DuckDB and Postgres, so they become aggregate calls right after parsing:
// then every rule about aggregates (grouping, scalar subqueries of one row,
// where aggregates may appear) holds for them as for SUM.

// pairAggregate reports whether name (lower case) is the SQL name of an
// aggregate of two inputs (X and Y): the registry's corr and cov.
func pairAggregate(name string) bool {
	a, _, ok := fn.LookupSQLAggregate(name)
	return ok && a.MaxArgs == 2
}

// pairAggRewriter turns calls of pair aggregates into AggregateFuncExprs.
type pairAggRewriter struct{}

func (pairAggRewriter) Enter(n ast.Node) (ast.Node, bool) { return n, false }

func (pairAggRewriter) Leave(n ast.Node) (ast.Node, bool) {
	if f, ok := n.(*ast.FuncCallExpr); ok && pairAggregate(f.FnName.L) {
		return &ast.AggregateFuncExpr{F: f.FnName.L, Args: f.Args}, true
	}
	return n, true
}

// rewritePairAggregates applies pairAggRewriter to stmt.
func rewritePairAggregates(stmt ast.StmtNode) ast.StmtNode {
	out, _ := stmt.Accept(pairAggRewriter{})
	return out.(ast.StmtNode)
}
