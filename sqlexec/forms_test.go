package sqlexec_test

import (
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/sqlexec"
)

// formCases run each query in a session and compare the compact result.
func runForms(t *testing.T, setup []string, cases []struct{ q, want string }) {
	t.Helper()
	s := openSession(t)
	for _, q := range setup {
		mustExecute(t, s, q)
	}
	for _, c := range cases {
		if got := compact(t, mustExecute(t, s, c.q)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
}

func TestSQLModes(t *testing.T) {
	runForms(t, []string{"CREATE TABLE t (a BIGINT, b TEXT)", "INSERT INTO t VALUES (1, 'x'), (2, NULL)"},
		[]struct{ q, want string }{
			// The default modes: IGNORE_SPACE and PIPES_AS_CONCAT.
			{"SELECT substring ('abcdef' from 2 for 3) AS s", "[[[s s String]] -1 [[bcd]] false]"},
			{"SELECT 'a' || 'b' AS s", "[[[s s String]] -1 [[ab]] false]"},
			{"SELECT a, b || '!' AS s FROM t ORDER BY a", "[[[a i Int64] [s s String]] -1 [[1 x!] [2 <nil>]] false]"},
			{`SELECT "a" AS s FROM t WHERE a = 1`, "[[[s s String]] -1 [[a]] false]"},
			// ANSI_QUOTES: "a" is the column.
			{sqlexec.WithSQLMode(`SELECT "a" AS s, "t"."b" FROM "t" WHERE a = 1`, []string{"ANSI_QUOTES"}),
				"[[[s i Int64] [b s String]] -1 [[1 x]] false]"},
			// No mode: MySQL's || is OR.
			{sqlexec.WithSQLMode("SELECT a FROM t WHERE a = 5 || a = 2", nil), "[[[a i Int64]] -1 [[2]] false]"},
		})
}

func TestDerivedColumnLists(t *testing.T) {
	runForms(t, []string{"CREATE TABLE c (k BIGINT, v DOUBLE)", "INSERT INTO c VALUES (1, 1.5), (1, NULL), (2, 3)"},
		[]struct{ q, want string }{
			{"SELECT x FROM (SELECT 1, 2) AS t (x, y)", "[[[x i Int32]] -1 [[1]] false]"},
			{"SELECT y, t.x FROM (SELECT 1, 2) t(x,y)", "[[[y i Int32] [x i Int32]] -1 [[2 1]] false]"},
			{"SELECT a + b AS s FROM (VALUES ROW(1,2), ROW(3,4)) AS t(a,b)", "[[[s i Int64]] -1 [[3] [7]] false]"},
			// Types unify over the rows (UNION ALL's rules); NULL takes the others' type.
			{"SELECT * FROM (VALUES ROW(1, NULL), ROW(2.5, 'x')) AS t (`a b`, c) ORDER BY 1",
				"[[[a b f Float64] [c s String]] -1 [[1 <nil>] [2.5 x]] false]"},
			// TPC-H Q13's shape, nested lists, a list beside a join.
			{"SELECT c_count, COUNT(*) AS n FROM (SELECT k, COUNT(v) FROM c GROUP BY k) AS c_orders (c_key, c_count) " +
				"GROUP BY c_count ORDER BY c_count", "[[[c_count i UInt32] [n i UInt32]] -1 [[1 2]] false]"},
			{"SELECT z FROM (SELECT y + 1 FROM (SELECT k FROM c WHERE k = 2) AS i (y)) AS o (z)", "[[[z i Int64]] -1 [[3]] false]"},
			{"SELECT c.k, w.n FROM c JOIN (SELECT 2, 'two') w (k, n) ON c.k = w.k", "[[[k i Int64] [n s String]] -1 [[2 two]] false]"},
			// A string that looks like a list is not touched.
			{"SELECT ') t (x)' AS s FROM (SELECT 1) AS t (x)", "[[[s s String]] -1 [[) t (x)]] false]"},
		})
}

func TestFormErrors(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE c (k BIGINT, v DOUBLE)")
	for _, c := range []struct {
		q    string
		kind core.Kind
		msg  string
	}{
		{"SELECT x FROM (SELECT 1, 2) AS t (x)", core.KindInvalidInput, "derived table t names 1 columns but its query gives 2"},
		{"SELECT x FROM (SELECT 1, 2) AS t (x, X)", core.KindInvalidInput, "names column 'X' twice"},
		{"SELECT * FROM (VALUES ROW(1), ROW(2, 3)) AS t (a)", core.KindInvalidInput, "VALUES row 2 has 2 values but row 1 has 1"},
		// Not a derived table: the original syntax error stays.
		{"SELECT * FROM c WHERE k IN (SELECT 1) x (k)", core.KindSQLSyntax, "near"},
		{"SELECT * FROM c t (x, y)", core.KindSQLSyntax, "line 1"},
		{sqlexec.WithSQLMode("SELECT 1", []string{"ANSI"}), core.KindInvalidInput, "unknown sql_mode \"ANSI\""},
		{sqlexec.WithSQLMode("SELECT substring ('abc' from 1 for 2)", nil), core.KindSQLSyntax, "line 1"},
		{"SELECT k, GROUPING(v) FROM c GROUP BY k WITH ROLLUP", core.KindInvalidInput, "must be GROUP BY keys"},
		{"SELECT k, GROUPING(k) FROM c GROUP BY k", core.KindInvalidInput, "GROUPING() needs GROUP BY … WITH ROLLUP"},
		{"SELECT k FROM c WHERE GROUPING(k) = 0", core.KindInvalidInput, "GROUPING() is not allowed in WHERE"},
	} {
		_, err := s.Execute(t.Context(), c.q, nil, nil)
		if err == nil || core.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want %v containing %q", c.q, err, c.kind, c.msg)
		}
	}
}

func TestRollup(t *testing.T) {
	runForms(t, []string{"CREATE TABLE t (a BIGINT, b TEXT, x BIGINT)",
		"INSERT INTO t VALUES (1,'x',10),(1,NULL,5),(2,'y',7),(NULL,'z',1),(1,'x',3)",
		"CREATE TABLE e (a BIGINT, x BIGINT)"},
		[]struct{ q, want string }{
			// The rows DuckDB gives for GROUP BY ROLLUP (a, b): a null of the data
			// and a rolled-up null told apart by GROUPING.
			{"SELECT a, b, SUM(x) AS s, COUNT(*) AS n, GROUPING(a, b) AS g, GROUPING(b) AS gb FROM t " +
				"GROUP BY a, b WITH ROLLUP ORDER BY a, b, g",
				"[[[a i Int64] [b s String] [s i Int64] [n i UInt32] [g i Int64] [gb i Int64]] -1 " +
					"[[<nil> <nil> 1 1 1 1] [<nil> <nil> 26 5 3 1] [<nil> z 1 1 0 0] [1 <nil> 5 1 0 0] [1 <nil> 18 3 1 1] " +
					"[1 x 13 2 0 0] [2 <nil> 7 1 1 1] [2 y 7 1 0 0]] false]"},
			// HAVING and expressions over the keys see the rolled-up nulls.
			{"SELECT IF(GROUPING(a), 'all', CAST(a AS CHAR)) AS k, SUM(x) AS s FROM t WHERE a IS NOT NULL " +
				"GROUP BY a WITH ROLLUP HAVING SUM(x) > 7 ORDER BY GROUPING(a), a",
				"[[[k s String] [s i Int64]] -1 [[1 18] [all 25]] false]"},
			// Over no rows: only the grand total, as an aggregate without GROUP BY.
			{"SELECT a, SUM(x) AS s, COUNT(*) AS n FROM e GROUP BY a WITH ROLLUP",
				"[[[a i Int64] [s i Int64] [n i UInt32]] -1 [[<nil> <nil> 0]] false]"},
		})
}

func TestNamedWindowsAndValueFunctions(t *testing.T) {
	runForms(t, []string{"CREATE TABLE w (id BIGINT, k BIGINT, x BIGINT)",
		"INSERT INTO w VALUES (1, 1, 10), (2, 1, NULL), (3, 1, 30), (4, 2, 40), (5, 1, 50)"},
		[]struct{ q, want string }{
			{"SELECT id, FIRST_VALUE(x) OVER w AS f, LAST_VALUE(x) OVER w AS l, NTH_VALUE(id, 2) OVER w AS n, " +
				"NTILE(2) OVER w AS t, CUME_DIST() OVER w AS c, PERCENT_RANK() OVER w AS p " +
				"FROM w WINDOW w AS (PARTITION BY k ORDER BY id) ORDER BY id",
				"[[[id i Int64] [f i Int64] [l i Int64] [n i Int64] [t i Int64] [c f Float64] [p f Float64]] -1 " +
					"[[1 10 10 <nil> 1 0.25 0] [2 10 <nil> 2 1 0.5 0.3333333333333333] " +
					"[3 10 30 2 2 0.75 0.6666666666666666] [4 40 40 <nil> 1 1 0] [5 10 50 2 2 1 1]] false]"},
		})
}

func TestWithRecursive(t *testing.T) {
	runForms(t, []string{"CREATE TABLE e (id BIGINT, boss BIGINT, name TEXT)",
		"INSERT INTO e VALUES (1, NULL, 'ceo'), (2, 1, 'vp'), (3, 2, 'dev'), (4, 2, 'ops'), (5, 9, 'orphan')",
		"CREATE TABLE g (a BIGINT, b BIGINT)", "INSERT INTO g VALUES (1, 2), (2, 3), (3, 1), (3, 4)"},
		[]struct{ q, want string }{
			{"WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT SUM(n) AS s, COUNT(*) AS c FROM r",
				"[[[s i Int64] [c i UInt32]] -1 [[15 5]] false]"},
			// A hierarchy, the path as text growing (the anchor's type is a string of any length).
			{"WITH RECURSIVE t AS (SELECT id, name AS path, 0 AS depth FROM e WHERE boss IS NULL " +
				"UNION ALL SELECT e.id, CONCAT(t.path, '/', e.name), t.depth + 1 FROM e JOIN t ON e.boss = t.id) " +
				"SELECT * FROM t ORDER BY id",
				"[[[id i Int64] [path s String] [depth i Int32]] -1 [[1 ceo 0] [2 ceo/vp 1] [3 ceo/vp/dev 2] [4 ceo/vp/ops 2]] false]"},
			// UNION drops repeated rows, so a cycle ends.
			{"WITH RECURSIVE reach (n) AS (SELECT 1 UNION SELECT g.b FROM g JOIN reach ON g.a = reach.n) SELECT n FROM reach ORDER BY n",
				"[[[n i Int32]] -1 [[1] [2] [3] [4]] false]"},
			// LIMIT stops a recursion that has no end.
			{"WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r LIMIT 4) SELECT n FROM r",
				"[[[n i Int32]] -1 [[1] [2] [3] [4]] false]"},
			// An anchor without rows: no rows.
			{"WITH RECURSIVE r AS (SELECT id FROM e WHERE id > 100 UNION ALL SELECT id + 1 FROM r) SELECT COUNT(*) AS c FROM r",
				"[[[c i UInt32]] -1 [[0]] false]"},
		})
}

func TestWithRecursiveErrors(t *testing.T) {
	s := openSession(t)
	for _, c := range []struct {
		q    string
		kind core.Kind
		msg  string
	}{
		{"WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT * FROM r", core.KindInvalidInput,
			"recursive CTE r is still adding rows after 1000 steps"},
		{"WITH RECURSIVE r AS (SELECT n + 1 AS n FROM r UNION ALL SELECT 1) SELECT * FROM r", core.KindInvalidInput,
			"must come before"},
		{"WITH RECURSIVE r AS (SELECT 1 AS n INTERSECT SELECT n FROM r) SELECT * FROM r", core.KindNotSupported,
			"use UNION or UNION ALL"},
		// The anchor's types hold: a value that does not fit is an error, not null.
		{"WITH RECURSIVE r AS (SELECT CAST(1 AS SIGNED) AS n UNION ALL SELECT n * 1000000000 FROM r WHERE n < 1e30) SELECT * FROM r",
			core.KindCompute, ""},
	} {
		_, err := s.Execute(t.Context(), c.q, nil, nil)
		if err == nil || core.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v (%v), want %v containing %q", c.q, err, core.KindOf(err), c.kind, c.msg)
		}
	}
}

func TestAnyAll(t *testing.T) {
	runForms(t, []string{"CREATE TABLE a (x BIGINT)", "INSERT INTO a VALUES (1), (5), (NULL), (10)",
		"CREATE TABLE s (v BIGINT)", "INSERT INTO s VALUES (3), (5)",
		"CREATE TABLE sn (v BIGINT)", "INSERT INTO sn VALUES (3), (NULL)", "CREATE TABLE z (v BIGINT)"},
		[]struct{ q, want string }{
			{"SELECT x, x > ANY (SELECT v FROM s) AS a, x > ALL (SELECT v FROM s) AS b, x = ALL (SELECT v FROM s) AS c, " +
				"x <> ANY (SELECT v FROM s) AS d, x <= SOME (SELECT v FROM s) AS e FROM a ORDER BY x",
				"[[[x i Int64] [a b Boolean] [b b Boolean] [c b Boolean] [d b Boolean] [e b Boolean]] -1 " +
					"[[<nil> <nil> <nil> <nil> <nil> <nil>] [1 false false false true true] [5 true false false true true] " +
					"[10 true true false true false]] false]"},
			// A null in the subquery: what no value settles is unknown.
			{"SELECT x, x > ANY (SELECT v FROM sn) AS a, x > ALL (SELECT v FROM sn) AS b, x < ALL (SELECT v FROM sn) AS c " +
				"FROM a ORDER BY x",
				"[[[x i Int64] [a b Boolean] [b b Boolean] [c b Boolean]] -1 " +
					"[[<nil> <nil> <nil> <nil>] [1 <nil> false <nil>] [5 true <nil> false] [10 true <nil> false]] false]"},
			// No rows: ANY is false, ALL true, even for a null x.
			{"SELECT x, x > ANY (SELECT v FROM z) AS a, x > ALL (SELECT v FROM z) AS b FROM a ORDER BY x",
				"[[[x i Int64] [a b Boolean] [b b Boolean]] -1 [[<nil> false true] [1 false true] [5 false true] [10 false true]] false]"},
			{"SELECT x FROM a WHERE x = ANY (SELECT v FROM s)", "[[[x i Int64]] -1 [[5]] false]"},
			{"SELECT x FROM a WHERE x <> ALL (SELECT v FROM s) ORDER BY x", "[[[x i Int64]] -1 [[1] [10]] false]"},
			{"SELECT x FROM a WHERE x >= ALL (SELECT v FROM s)", "[[[x i Int64]] -1 [[5] [10]] false]"},
		})
}

func TestRowValueIn(t *testing.T) {
	runForms(t, []string{"CREATE TABLE p (a BIGINT, b TEXT)", "INSERT INTO p VALUES (1, 'x'), (2, 'y'), (NULL, 'x'), (1, NULL), (1, 'x')",
		"CREATE TABLE q (c BIGINT NOT NULL, d TEXT NOT NULL)", "INSERT INTO q VALUES (1, 'x'), (2, 'z')",
		"CREATE TABLE r (c BIGINT NOT NULL, d TEXT NOT NULL)", "INSERT INTO r VALUES (1, 'x'), (2, 'y')"},
		[]struct{ q, want string }{
			// Duplicates on the left stay, nulls match nothing.
			{"SELECT a, b FROM p WHERE (a, b) IN (SELECT c, d FROM q) ORDER BY a", "[[[a i Int64] [b s String]] -1 [[1 x] [1 x]] false]"},
			{"SELECT c FROM r WHERE (c, d) NOT IN (SELECT c, d FROM q)", "[[[c i Int64]] -1 [[2]] false]"},
		})
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE p (a BIGINT, b TEXT)")
	mustExecute(t, s, "CREATE TABLE q (c BIGINT, d TEXT)")
	for _, c := range []struct{ q, msg string }{
		{"SELECT a FROM p WHERE (a, b) NOT IN (SELECT c, d FROM q)", "write NOT EXISTS"},
		{"SELECT a FROM p WHERE (a, b) IN (SELECT c, d FROM q WHERE q.c = p.a)", "write EXISTS"},
		{"SELECT a FROM p WHERE (a, b) IN (SELECT c FROM q)", "has 2 values but the subquery of IN returns 1 columns"},
	} {
		if _, err := s.Execute(t.Context(), c.q, nil, nil); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want %q", c.q, err, c.msg)
		}
	}
}

func TestWindowsOverGroupBy(t *testing.T) {
	runForms(t, []string{"CREATE TABLE s (k TEXT, x BIGINT)",
		"INSERT INTO s VALUES ('a', 1), ('a', 2), ('b', 10), ('c', NULL), ('c', 4), ('d', 3)"},
		[]struct{ q, want string }{
			{"SELECT k, SUM(x) AS s, RANK() OVER (ORDER BY SUM(x) DESC) AS r, SUM(SUM(x)) OVER () AS t, " +
				"SUM(x) - LAG(SUM(x)) OVER (ORDER BY k) AS d FROM s GROUP BY k ORDER BY k",
				"[[[k s String] [s i Int64] [r i UInt32] [t i Int64] [d i Int64]] -1 " +
					"[[a 3 3 20 <nil>] [b 10 1 20 7] [c 4 2 20 -6] [d 3 3 20 -1]] false]"},
			{"SELECT COUNT(*) AS n, ROW_NUMBER() OVER () AS rn FROM s", "[[[n i UInt32] [rn i UInt32]] -1 [[6 1]] false]"},
		})
}
