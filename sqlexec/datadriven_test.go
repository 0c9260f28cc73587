package sqlexec_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	// The executor registers the constant evaluator the optimizer folds with.
	_ "github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/datadriven"
)

// namedSource is a table with a name and a schema but no rows: enough to
// compile, optimize and explain.
type namedSource struct {
	name   string
	schema *arrow.Schema
}

func (s namedSource) Name() string          { return s.name }
func (s namedSource) Schema() *arrow.Schema { return s.schema }
func (s namedSource) NumRows() int64        { return 0 }

// ddSources are the tables of the data-driven files, in the order a
// dataframe case's "source" index names them:
//
//	0 t (a Int64, b String nullable, c Float64 nullable, d Date32, k Int64 nullable)
//	1 u (a Int64, c Float64 nullable, k Int64 nullable, s String)
//	2… the TPC-H tables (every column required), by their names
//	10 v (id Int64, n Int64, emb Array(Float32, shape=4)) for vector.txt
func ddSources() ([]lazy.Source, map[string]lazy.Plan) {
	i64, f64, str := arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String
	srcs := []lazy.Source{
		namedSource{"t", arrow.NewSchema([]arrow.Field{{Name: "a", Type: i64}, {Name: "b", Type: str, Nullable: true},
			{Name: "c", Type: f64, Nullable: true}, {Name: "d", Type: arrow.FixedWidthTypes.Date32},
			{Name: "k", Type: i64, Nullable: true}}, nil)},
		namedSource{"u", arrow.NewSchema([]arrow.Field{{Name: "a", Type: i64}, {Name: "c", Type: f64, Nullable: true},
			{Name: "k", Type: i64, Nullable: true}, {Name: "s", Type: str}}, nil)},
	}
	tables := map[string]lazy.Plan{}
	for _, name := range tpchTableNames {
		srcs = append(srcs, namedSource{name, tpchSchema(name)})
	}
	srcs = append(srcs, namedSource{"v", arrow.NewSchema([]arrow.Field{{Name: "id", Type: i64}, {Name: "n", Type: i64},
		{Name: "emb", Type: core.VectorType(4)}}, nil)})
	for _, s := range srcs {
		tables[s.Name()] = lazy.NewScan(s)
	}
	return srcs, tables
}

// TestDataDriven runs testdata/*.txt: SQL in, the plan (or the error) out.
//
//	sql [raw]          the SQL text's optimized plan (raw: as translated,
//	                   before the optimizer), or "error: Kind: message"
//	dataframe [same]   a plan in the JSON format of docs/plan-format.md
//	                   (a node, without the envelope), optimized; with same
//	                   it must print exactly what the sql case before it did:
//	                   SQL's EXPLAIN and the DataFrame API's explain() agree
//
// Regenerate the expected outputs with: go test ./sqlexec -run TestDataDriven -rewrite
func TestDataDriven(t *testing.T) {
	srcs, tables := ddSources()
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		if strings.HasPrefix(path, filepath.Join("testdata", "fuzz")) {
			t.Skip("fuzz seed corpus, not a data-driven file")
		}
		var lastSQL string
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "sql":
				p, err := sqlexec.Compile(d.Input, tables, nil, nil)
				if err != nil {
					lastSQL = ""
					return fmt.Sprintf("error: %s: %v\n", core.KindOf(err), err)
				}
				if !d.HasArg("raw") {
					p = exec.Optimize(p)
				}
				lastSQL = lazy.Explain(p)
				return lastSQL
			case "dataframe":
				p, err := lazy.Decode([]byte(`{"version": 1, "plan": `+d.Input+`}`), srcs, lazy.Env{SQL: sqlexec.Compile})
				if err != nil {
					return fmt.Sprintf("error: %s: %v\n", core.KindOf(err), err)
				}
				out := lazy.Explain(exec.Optimize(p))
				if d.HasArg("same") && out != lastSQL {
					t.Errorf("%s: the DataFrame plan differs from the SQL case's before it:\n%s\nSQL:\n%s", d.Pos, out, lastSQL)
				}
				return out
			}
			d.Fatalf(t, "unknown command %q", d.Cmd)
			return ""
		})
	})
}
