package sqlexec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/apache/arrow-go/v18/arrow"
)

// TestLargeExpressionsPlan plans queries that used to take from seconds to
// minutes (text and keys of every subtree rebuilt at every level): they
// must plan, and the optimizer must keep their meaning.
func TestLargeExpressionsPlan(t *testing.T) {
	wide := make([]arrow.Field, 1000)
	names := make([]string, len(wide))
	for i := range wide {
		names[i] = fmt.Sprintf("c%d", i)
		wide[i] = arrow.Field{Name: names[i], Type: arrow.PrimitiveTypes.Int64}
	}
	tables := testTables()
	tables["w"] = lazy.NewScan(core.NewTable(arrow.NewSchema(wide, nil), nil))
	caseExpr := "a"
	for i := 0; i < 1000; i++ {
		caseExpr = fmt.Sprintf("CASE WHEN a > %d THEN %s ELSE %d END", i, caseExpr, i)
	}
	for name, q := range map[string]string{
		"4000-term sum":   "SELECT " + strings.Repeat("a + ", 3999) + "a AS s FROM t",
		"1000-column sum": "SELECT " + strings.Join(names, " + ") + " AS s FROM w",
		"CASE 1000 deep":  "SELECT " + caseExpr + " AS s FROM t",
		"ABS 4000 deep":   "SELECT " + strings.Repeat("ABS(", 4000) + "a" + strings.Repeat(")", 4000) + " AS s FROM t",
	} {
		p, err := sqlexec.Compile(q, tables, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := exec.Optimize(p).Schema().Field(0).Name; got != "s" {
			t.Errorf("%s: optimized plan outputs %q", name, got)
		}
	}
}

// TestTooDeepRejected: nesting beyond lazy.MaxExprDepth is an
// InvalidInputError saying the limit, found before anything recurses that
// deep (10,000 nested ABS( hung; a million NOTs would exhaust the stack).
func TestTooDeepRejected(t *testing.T) {
	caseExpr := "a"
	for i := 0; i < lazy.MaxExprDepth+1; i++ {
		caseExpr = "CASE WHEN a > 0 THEN " + caseExpr + " END"
	}
	for name, q := range map[string]string{
		"ABS 10000 deep":     "SELECT " + strings.Repeat("ABS(", 10000) + "a" + strings.Repeat(")", 10000) + " FROM t",
		"100k parentheses":   "SELECT " + strings.Repeat("(", 100000) + "a" + strings.Repeat(")", 100000) + " FROM t",
		"NOT 20000 deep":     "SELECT " + strings.Repeat("NOT ", 20000) + "a FROM t",
		"sum of 20000 terms": "SELECT " + strings.Repeat("a + ", 20000) + "a FROM t",
		"CASE beyond limit":  "SELECT " + caseExpr + " FROM t",
	} {
		_, err := sqlexec.Compile(q, testTables(), nil, nil)
		if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), fmt.Sprint(lazy.MaxExprDepth)) {
			t.Errorf("%s: got %v (%v), want InvalidInputError naming the limit", name, err, core.KindOf(err))
		}
	}
	// Parentheses in strings, quoted names and comments do not nest.
	q := "SELECT '" + strings.Repeat("(", 6000) + "' AS `" + strings.Repeat("(", 6000) + "` FROM t /* " + strings.Repeat("(", 6000) + " */"
	if _, err := sqlexec.Compile(q, testTables(), nil, nil); err != nil {
		t.Errorf("parentheses in literals counted: %v", err)
	}
}

// TestParserPanicIsSyntaxError: the TiDB parser panics on an integer
// literal beyond its decimal type (found by FuzzSQLPlan); that is a
// SQLSyntaxError, and the parser pool stays usable.
func TestParserPanicIsSyntaxError(t *testing.T) {
	for i := 0; i < 3; i++ {
		_, err := sqlexec.Compile("SELECT "+strings.Repeat("1", 90), testTables(), nil, nil)
		if core.KindOf(err) != core.KindSQLSyntax || !strings.Contains(err.Error(), "65 digits") {
			t.Fatalf("got %v (%v), want a SQLSyntaxError", err, core.KindOf(err))
		}
		if _, err := sqlexec.Compile("SELECT a FROM t", testTables(), nil, nil); err != nil {
			t.Fatal(err)
		}
	}
}
