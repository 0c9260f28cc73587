package sqlexec

import "github.com/pingcap/tidb/pkg/parser/ast"

// MySQL has no CORR or COVAR_SAMP / COVAR_POP; the TiDB parser reads them
// as plain function calls. They are the aggregates analysts bring from
// DuckDB and Postgres, so they become aggregate calls right after parsing:
// then every rule about aggregates (grouping, scalar subqueries of one row,
// where aggregates may appear) holds for them as for SUM.

// pairAggregates are the two-argument aggregates read from function calls.
var pairAggregates = map[string]bool{"corr": true, "covar_samp": true, "covar_pop": true}

// pairAggRewriter turns calls of pairAggregates into AggregateFuncExprs.
type pairAggRewriter struct{}

func (pairAggRewriter) Enter(n ast.Node) (ast.Node, bool) { return n, false }

func (pairAggRewriter) Leave(n ast.Node) (ast.Node, bool) {
	if f, ok := n.(*ast.FuncCallExpr); ok && pairAggregates[f.FnName.L] {
		return &ast.AggregateFuncExpr{F: f.FnName.L, Args: f.Args}, true
	}
	return n, true
}

// rewritePairAggregates applies pairAggRewriter to stmt.
func rewritePairAggregates(stmt ast.StmtNode) ast.StmtNode {
	out, _ := stmt.Accept(pairAggRewriter{})
	return out.(ast.StmtNode)
}
