package sqlexec

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// explainFormats are the EXPLAIN FORMAT values alopex answers, all with the
// plan as an indented text tree (lazy.Explain; with ANALYZE, each node's
// rows and time): MySQL's TRADITIONAL and TREE and TiDB's ROW (the default)
// and BRIEF are all tables or trees of text. JSON and DOT are refused
// rather than answered with text their readers cannot parse;
// LazyFrame.profile() gives the counters as a DataFrame.
var explainFormats = map[string]bool{"row": true, "brief": true, "traditional": true, "tree": true}

func checkExplainFormat(ex *ast.ExplainStmt) error {
	if ex.Explore || ex.SQLDigest != "" || ex.PlanDigest != "" {
		return notSupported("EXPLAIN of a digest or EXPLAIN EXPLORE is not supported; explain the query itself")
	}
	if !explainFormats[strings.ToLower(ex.Format)] {
		return core.Errorf(core.KindNotSupported,
			"EXPLAIN FORMAT=%s is not supported: the plan is printed as text (FORMAT=ROW, BRIEF, TRADITIONAL or 'TREE'); "+
				"LazyFrame.profile() gives the counters of EXPLAIN ANALYZE as a DataFrame", ex.Format)
	}
	return nil
}
