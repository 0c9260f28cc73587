package sqlexec_test

import (
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/apache/arrow-go/v18/arrow"
)

func testTables() map[string]lazy.Plan {
	t := core.NewTable(arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32},
	}, nil), nil)
	u := core.NewTable(arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "c", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil), nil)
	return map[string]lazy.Plan{"t": lazy.NewScan(t), "u": lazy.NewScan(u)}
}

func TestCompileExplain(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{"SELECT a FROM t WHERE b LIKE 'x%'",
			"SELECT [col(\"a\")]\n  FILTER col(\"b\").str.starts_with(\"x\")\n    SCAN memory"},
		{"SELECT a, SUM(c) AS s FROM u GROUP BY a",
			"when"}, // SUM over a nullable column is null when every value is
		{"SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)", "SEMI JOIN ON col(\"a\") = col(\"a\")"},
		{"SELECT * FROM t WHERE d < DATE '2020-01-31' + INTERVAL 1 MONTH", "Date(2020-02-29)"},
		{"SELECT a FROM t WHERE a IN (SELECT a FROM u) ORDER BY a DESC LIMIT 3", "SLICE offset=0 len=3"},
	} {
		p, err := sqlexec.Compile(tc.query, testTables(), nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if got := lazy.Explain(p); !strings.Contains(got, strings.SplitN(tc.want, "\n", 2)[0]) {
			t.Errorf("%s:\n%s\nwant it to contain %q", tc.query, got, tc.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		query string
		kind  core.Kind
		msg   string
	}{
		{"SELEC a FROM t", core.KindSQLSyntax, "line 1"},
		{"SELECT a FROM tt", core.KindTableNotFound, "did you mean 't'"},
		{"SELECT aa FROM t", core.KindColumnNotFound, "did you mean 'a'"},
		{"SELECT c FROM u JOIN u AS v ON u.a = v.a", core.KindInvalidInput, "ambiguous"},
		{"SELECT b FROM t GROUP BY a", core.KindInvalidInput, "GROUP BY"},
		{"SELECT a FROM t NATURAL JOIN u", core.KindNotSupported, "NATURAL JOIN"},
		{"SELECT a FROM t WHERE a = ?", core.KindInvalidInput, "placeholder"},
	} {
		_, err := sqlexec.Compile(tc.query, testTables(), nil, nil)
		if err == nil || core.KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v (%v), want %v containing %q", tc.query, err, core.KindOf(err), tc.kind, tc.msg)
		}
	}
}

func TestInspect(t *testing.T) {
	info, err := sqlexec.Inspect("EXPLAIN WITH x AS (SELECT * FROM t) SELECT * FROM x JOIN u USING (a), read_parquet('p.parquet')")
	if err != nil {
		t.Fatal(err)
	}
	if !info.Explain || strings.Join(info.Tables, ",") != "t,u" {
		t.Errorf("got %+v", info)
	}
}

// BenchmarkPlanTPCHQ5 measures planning (parse and translate, not
// optimize) of a six-table join.
func BenchmarkPlanQ5(b *testing.B) {
	tables := testTables()
	q := "SELECT t.b, SUM(u.c) AS revenue FROM t, u WHERE t.a = u.a AND t.d >= DATE '1994-01-01' " +
		"AND t.d < DATE '1994-01-01' + INTERVAL 1 YEAR GROUP BY t.b ORDER BY revenue DESC"
	for i := 0; i < b.N; i++ {
		if _, err := sqlexec.Compile(q, tables, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}
