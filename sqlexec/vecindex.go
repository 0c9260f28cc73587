package sqlexec

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/storage"
	"github.com/alopexdb/alopex/vector"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Vector indexes in SQL. Three spellings create one:
//
//	CREATE INDEX idx ON docs USING HNSW (emb) WITH (metric='cosine', m=16, ef_construction=200)
//	CREATE INDEX idx ON docs USING HNSW (emb) WITH (quantization='sq8')          -- int8 codes, re-ranked
//	CREATE INDEX idx ON docs USING FLAT (emb)
//	CREATE VECTOR INDEX idx ON docs ((VEC_COSINE_DISTANCE(emb))) USING HNSW   -- TiDB's
//	CREATE INDEX idx ON docs (emb) USING HNSW                                 -- MySQL's placement, l2
//
// MySQL's grammar has no USING before the column list nor WITH options, so
// the first form is rewritten before parsing into the last, with the kind
// and options in the index comment (vectorIndexComment).

var vectorIndexRe = regexp.MustCompile(`(?is)^\s*CREATE\s+INDEX\s+(IF\s+NOT\s+EXISTS\s+)?([^\s(]+)\s+ON\s+([^\s(]+)\s+USING\s+(HNSW|FLAT)\s*\(\s*([^()\s]+)\s*\)\s*(?:WITH\s*\(([^()]*)\))?\s*;?\s*$`)

// vectorIndexComment marks the comment of a rewritten statement.
const vectorIndexComment = "alopex-vector-index:"

// rewriteVectorIndex rewrites the pgvector-style CREATE INDEX … USING
// HNSW|FLAT (col) WITH (…) into text the parser reads; other text is
// returned as is.
func rewriteVectorIndex(text string) (string, error) {
	m := vectorIndexRe.FindStringSubmatch(text)
	if m == nil {
		return text, nil
	}
	opts := "kind=" + strings.ToLower(m[4])
	if strings.TrimSpace(m[6]) != "" {
		for _, part := range strings.Split(m[6], ",") {
			k, v, ok := strings.Cut(part, "=")
			k = strings.ToLower(strings.TrimSpace(k))
			v = strings.Trim(strings.TrimSpace(v), `'"`)
			if !ok || k == "" || v == "" || strings.ContainsAny(v, ";'\\") {
				return "", core.Errorf(core.KindSQLSyntax, "vector index option %q: write name=value, as in WITH (metric='cosine', m=16, ef_construction=200)", strings.TrimSpace(part))
			}
			opts += ";" + k + "=" + v
		}
	}
	return "CREATE INDEX " + m[1] + m[2] + " ON " + m[3] + " (" + m[5] + ") USING HNSW COMMENT '" + vectorIndexComment + opts + "'", nil
}

// isVectorIndex reports whether a CREATE INDEX creates a vector index.
func isVectorIndex(st *ast.CreateIndexStmt) bool {
	if st.KeyType == ast.IndexKeyTypeVector {
		return true
	}
	o := st.IndexOption
	return o != nil && (o.Tp == ast.IndexTypeHNSW || o.Tp == ast.IndexTypeVector)
}

// indexMetrics maps the distance functions and metric names a vector
// index can be declared with to its metric.
var indexMetrics = map[string]string{
	"l2": "l2", "euclidean": "l2", "vec_l2_distance": "l2", "l2_distance": "l2",
	"cosine": "cosine", "vec_cosine_distance": "cosine", "cosine_distance": "cosine",
	"ip": "ip", "inner_product": "ip", "dot": "ip", "vec_negative_inner_product": "ip",
}

// createVectorIndex runs a CREATE INDEX that isVectorIndex.
func (x *stmtExec) createVectorIndex(st *ast.CreateIndexStmt) error {
	if len(st.IndexPartSpecifications) != 1 {
		return core.Errorf(core.KindInvalidInput, "vector index %s must be on one VECTOR column", st.IndexName)
	}
	def := storage.VectorIndexDef{Name: st.IndexName, Table: st.Table.Name.O, Kind: "hnsw", Metric: "l2"}
	part := st.IndexPartSpecifications[0]
	switch {
	case part.Column != nil:
		def.Column = part.Column.Name.O
	case part.Expr != nil:
		call, ok := part.Expr.(*ast.FuncCallExpr)
		var col *ast.ColumnNameExpr
		if ok && len(call.Args) == 1 {
			col, ok = call.Args[0].(*ast.ColumnNameExpr)
		}
		metric, known := "", false
		if ok {
			metric, known = indexMetrics[call.FnName.L]
		}
		if !ok || !known {
			return core.Errorf(core.KindInvalidInput, "vector index %s: index a column, or a distance of one as TiDB does: ((VEC_COSINE_DISTANCE(col)))", st.IndexName)
		}
		def.Column, def.Metric = col.Name.Name.O, metric
	}
	if o := st.IndexOption; o != nil && strings.HasPrefix(o.Comment, vectorIndexComment) {
		for _, kv := range strings.Split(strings.TrimPrefix(o.Comment, vectorIndexComment), ";") {
			k, v, _ := strings.Cut(kv, "=")
			if err := setVectorIndexOption(&def, k, v); err != nil {
				return err
			}
		}
	}
	err := x.txn.CreateVectorIndex(def)
	if err != nil && st.IfNotExists && core.KindOf(err) == core.KindInvalidInput && strings.Contains(err.Error(), "already has an index") {
		return nil
	}
	return err
}

func setVectorIndexOption(def *storage.VectorIndexDef, k, v string) error {
	num := func() (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, core.Errorf(core.KindInvalidInput, "vector index %s: %s must be a positive integer, got %q", def.Name, k, v)
		}
		return n, nil
	}
	var err error
	switch k {
	case "kind":
		def.Kind = v
	case "metric", "distance":
		m, ok := indexMetrics[strings.ToLower(v)]
		if !ok {
			return core.Errorf(core.KindInvalidInput, "vector index %s: unknown metric %q: use 'l2', 'cosine' or 'ip'", def.Name, v)
		}
		def.Metric = m
	case "m":
		def.M, err = num()
	case "ef_construction":
		def.EfConstruction, err = num()
	case "quantization":
		def.Quantization = strings.ToLower(v)
		if def.Quantization == "none" {
			def.Quantization = ""
		}
		if vector.CheckQuantization(def.Quantization) != nil {
			return core.Errorf(core.KindInvalidInput, "vector index %s: unknown quantization %q: use 'sq8' or 'none'", def.Name, v).With("value", v)
		}
	default:
		return core.Errorf(core.KindInvalidInput, "vector index %s: unknown option %q; the options are metric, m, ef_construction and quantization", def.Name, k)
	}
	return err
}
