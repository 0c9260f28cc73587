"""SQL forms analysts write (issue 15): parser modes, derived-table column lists, VALUES,
GROUP BY … WITH ROLLUP and GROUPING(), against DuckDB where the dialects agree.

Rows are compared as sorted multisets (floats rounded) unless a test says otherwise."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest
from conftest import sorted_rows

import alopex as ax

duckdb = pytest.importorskip("duckdb")


def _table(seed: int, n: int) -> pa.Table:
    rnd = random.Random(seed)
    maybe = lambda v: None if rnd.random() < 0.15 else v  # noqa: E731
    return pa.table({
        "id": list(range(n)),
        "k": [maybe(rnd.randint(0, 4)) for _ in range(n)],
        "g": [maybe(rnd.choice(["a", "b", "c"])) for _ in range(n)],
        "x": [maybe(rnd.randint(-50, 50)) for _ in range(n)],
        "f": [maybe(round(rnd.uniform(-10, 10), 3)) for _ in range(n)],
    })


T = _table(1, 300)
U = _table(2, 40)
E = T.slice(0, 0)  # no rows, the same columns


def _duck(query: str) -> pa.Table:
    con = duckdb.connect()
    for name, t in (("T", T), ("U", U), ("E", E)):
        con.register(name, t)
    return con.sql(query).to_arrow_table()


def _ours(query: str, **kw) -> pa.Table:
    return ax.SQLContext(T=T, U=U, E=E).execute(query, eager=True, **kw).to_arrow()


def _same(query: str, duck_query: str | None = None) -> None:
    want = _duck(duck_query or query)
    got = _ours(query)
    assert got.column_names == want.column_names
    assert sorted_rows(got) == sorted_rows(want)


# --- parser modes ------------------------------------------------------------------

def test_default_modes_read_standard_sql():
    # IGNORE_SPACE and PIPES_AS_CONCAT are on by default.
    _same("SELECT id, substring (g from 1 for 1) AS s, g || '-' || CAST(k AS CHAR) AS c FROM T",
          "SELECT id, substring (g from 1 for 1) AS s, g || '-' || CAST(k AS VARCHAR) AS c FROM T")
    got = ax.sql("SELECT substring ('abcdef' from 2 for 3) AS s, 'a' || 'b' AS c", eager=True)
    assert got.to_dict(as_series=False) == {"s": ["bcd"], "c": ["ab"]}
    # "x" is a string, as in MySQL (ANSI_QUOTES is off).
    assert ax.sql('SELECT "x" AS s', eager=True)["s"].to_list() == ["x"]


def test_ansi_quotes_reads_double_quotes_as_names():
    t = ax.DataFrame({"Col A": [1, 2], "b": ["p", "q"]})  # noqa: F841
    got = ax.sql('SELECT "Col A" + 1 AS "n" FROM t WHERE b = \'q\'', eager=True, sql_mode="ANSI_QUOTES")
    assert got.to_dict(as_series=False) == {"n": [3]}
    ctx = ax.SQLContext(t=t, sql_mode=["ANSI_QUOTES", "PIPES_AS_CONCAT"])
    assert ctx.execute('SELECT "b" || \'!\' AS s FROM t', eager=True)["s"].to_list() == ["p!", "q!"]
    # A per-query mode replaces the context's: plain MySQL reads || as OR.
    got = ctx.execute("SELECT \"Col A\" AS s FROM t WHERE 1 = 0 || 2 = 2", eager=True, sql_mode="")
    assert got["s"].to_list() == ["Col A", "Col A"]


def test_modes_without_ignore_space_reject_the_space():
    with pytest.raises(ax.SQLSyntaxError) as e:
        ax.sql("SELECT substring ('abc' from 1 for 2)", sql_mode="PIPES_AS_CONCAT").collect()
    assert e.value.line == 1  # positions count from the query as written, not the mode prefix
    assert e.value.column > 0


def test_unknown_mode_is_a_value_error():
    with pytest.raises(ValueError, match="unknown sql_mode 'ANSI'"):
        ax.sql("SELECT 1", sql_mode="ANSI")
    with pytest.raises(ValueError, match="unknown sql_mode"):
        ax.SQLContext(sql_mode=["NO_SUCH"])


def test_db_sql_takes_modes(tmp_path):
    db = ax.connect()
    db.sql('CREATE TABLE "p" (a BIGINT, "b c" TEXT)', sql_mode="ANSI_QUOTES")
    db.sql("INSERT INTO p VALUES (1, 'x' || 'y')")
    assert db.sql('SELECT "b c" FROM p', eager=True, sql_mode="ANSI_QUOTES")["b c"].to_list() == ["xy"]
    assert db.sql('SELECT "b c" AS s FROM p', eager=True)["s"].to_list() == ["b c"]
    with db.transaction() as tx:
        assert tx.sql('SELECT "a" FROM "p"', eager=True, sql_mode="ANSI_QUOTES")["a"].to_list() == [1]
    db.close()


# --- derived-table column lists and VALUES -------------------------------------------

DERIVED = [
    "SELECT x FROM (SELECT 1, 2) AS t (x, y)",
    # MySQL's VALUES statement writes ROW(…); DuckDB does not
    ("SELECT a, b FROM (VALUES ROW(1, 'p'), ROW(3, NULL), ROW(NULL, 'r')) AS t (a, b)",
     "SELECT a, b FROM (VALUES (1, 'p'), (3, NULL), (NULL, 'r')) AS t (a, b)"),
    # TPC-H Q13's shape
    "SELECT c_count, COUNT(*) AS custdist FROM (SELECT k, COUNT(x) FROM T GROUP BY k) AS c_orders (c_key, c_count) "
    "GROUP BY c_count",
    "SELECT T.id, w.label FROM T JOIN (SELECT k, g FROM U WHERE x > 0) w (kk, label) ON T.k = w.kk AND T.g = w.label",
    "SELECT z FROM (SELECT y * 2 FROM (SELECT x FROM T) AS i (y)) AS o (z)",
    "SELECT n FROM (SELECT k FROM E) AS e (n)",
    "SELECT s FROM (SELECT x FROM T UNION ALL SELECT x FROM U) AS u (s)",
]


@pytest.mark.parametrize("query", DERIVED)
def test_derived_column_lists_against_duckdb(query):
    _same(*query) if isinstance(query, tuple) else _same(query)


def test_values_rows_with_aliases():
    got = ax.sql("SELECT a + b AS s FROM (VALUES ROW(1, 2), ROW(3, 4)) AS t(a, b) ORDER BY s", eager=True)
    assert got["s"].to_list() == [3, 7]
    got = ax.sql("VALUES ROW(1, 'a'), ROW(2.5, NULL)", eager=True)
    assert got.columns == ["column_0", "column_1"]  # MySQL's names
    assert got.to_dict(as_series=False) == {"column_0": [1.0, 2.5], "column_1": ["a", None]}


def test_derived_column_list_errors():
    with pytest.raises(ax.InvalidInputError, match="derived table t names 1 columns but its query gives 2"):
        ax.sql("SELECT * FROM (SELECT 1, 2) AS t (x)").collect()
    with pytest.raises(ax.InvalidInputError, match="row 2 has 1 values but row 1 has 2"):
        ax.sql("SELECT * FROM (VALUES ROW(1, 2), ROW(3)) AS t (a, b)").collect()
    # A list after a table name is not SQL: the syntax error stays.
    t = ax.DataFrame({"a": [1]})  # noqa: F841
    with pytest.raises(ax.SQLSyntaxError):
        ax.sql("SELECT * FROM t AS u (b)").collect()


# --- GROUP BY … WITH ROLLUP, GROUPING() -------------------------------------------

ROLLUP = [
    ("SELECT k, g, SUM(x) AS s, COUNT(*) AS n, COUNT(x) AS nx, GROUPING(k) AS gk, GROUPING(k, g) AS gkg "
     "FROM T GROUP BY k, g WITH ROLLUP",
     "SELECT k, g, SUM(x) AS s, COUNT(*) AS n, COUNT(x) AS nx, GROUPING(k) AS gk, GROUPING(k, g) AS gkg "
     "FROM T GROUP BY ROLLUP (k, g)"),
    ("SELECT g, AVG(f) AS a, MIN(x) AS lo FROM T WHERE k > 1 GROUP BY g WITH ROLLUP HAVING COUNT(*) > 3",
     "SELECT g, AVG(f) AS a, MIN(x) AS lo FROM T WHERE k > 1 GROUP BY ROLLUP (g) HAVING COUNT(*) > 3"),
    ("SELECT CASE WHEN GROUPING(g) = 1 THEN 'total' ELSE g END AS label, SUM(x) AS s FROM T GROUP BY g WITH ROLLUP",
     "SELECT CASE WHEN GROUPING(g) = 1 THEN 'total' ELSE g END AS label, SUM(x) AS s FROM T GROUP BY ROLLUP (g)"),
    ("SELECT k + 1 AS k1, SUM(x) AS s FROM T GROUP BY k + 1 WITH ROLLUP",
     "SELECT k + 1 AS k1, SUM(x) AS s FROM T GROUP BY ROLLUP (k + 1)"),
    # no rows: only the grand total
    ("SELECT k, SUM(x) AS s, COUNT(*) AS n FROM E GROUP BY k WITH ROLLUP",
     "SELECT k, SUM(x) AS s, COUNT(*) AS n FROM E GROUP BY ROLLUP (k)"),
]


@pytest.mark.parametrize("query, duck_query", ROLLUP)
def test_rollup_against_duckdb(query, duck_query):
    _same(query, duck_query)


def test_rollup_order_by_grouping():
    got = _ours("SELECT g, SUM(x) AS s FROM T WHERE g IS NOT NULL GROUP BY g WITH ROLLUP ORDER BY GROUPING(g), g")
    want = _duck("SELECT g, SUM(x) AS s FROM T WHERE g IS NOT NULL GROUP BY ROLLUP (g) ORDER BY GROUPING(g), g")
    assert got.to_pylist() == want.to_pylist()


def test_grouping_errors():
    with pytest.raises(ax.InvalidInputError, match="GROUPING\\(\\) needs GROUP BY … WITH ROLLUP"):
        _ours("SELECT k, GROUPING(k) FROM T GROUP BY k")
    with pytest.raises(ax.InvalidInputError, match="must be GROUP BY keys"):
        _ours("SELECT k, GROUPING(x) FROM T GROUP BY k WITH ROLLUP")


# --- named windows, value and distribution functions --------------------------------

WINDOWS = [
    "SELECT id, SUM(x) OVER w AS s, ROW_NUMBER() OVER w AS rn FROM T WINDOW w AS (PARTITION BY k ORDER BY id)",
    "SELECT id, SUM(x) OVER (w ORDER BY id) AS s, COUNT(*) OVER w AS n FROM T WINDOW w AS (PARTITION BY g)",
    "SELECT id, SUM(x) OVER w2 AS s FROM T WINDOW w1 AS (PARTITION BY k), w2 AS (w1 ORDER BY id)",
    "SELECT id, FIRST_VALUE(x) OVER (PARTITION BY k ORDER BY id) AS a, LAST_VALUE(x) OVER (PARTITION BY k ORDER BY id) AS b,"
    " NTH_VALUE(x, 3) OVER (PARTITION BY k ORDER BY id) AS c FROM T",
    "SELECT id, FIRST_VALUE(f) OVER w AS a, LAST_VALUE(f) OVER w AS b, NTH_VALUE(f, 2) OVER w AS c FROM T"
    " WINDOW w AS (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
    "SELECT id, LAST_VALUE(x) OVER w AS b, NTH_VALUE(x, 2) OVER w AS c FROM T"
    " WINDOW w AS (PARTITION BY k ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
    # peers: the default frame reaches the current row's last peer (MySQL sorts nulls first
    # ascending, last descending; DuckDB is told so)
    ("SELECT id, NTH_VALUE(id, 2) OVER (PARTITION BY g ORDER BY k) IS NULL AS c, CUME_DIST() OVER (PARTITION BY g ORDER BY k) AS cd,"
     " PERCENT_RANK() OVER (PARTITION BY g ORDER BY k) AS pr FROM T",
     "SELECT id, NTH_VALUE(id, 2) OVER (PARTITION BY g ORDER BY k NULLS FIRST) IS NULL AS c,"
     " CUME_DIST() OVER (PARTITION BY g ORDER BY k NULLS FIRST) AS cd,"
     " PERCENT_RANK() OVER (PARTITION BY g ORDER BY k NULLS FIRST) AS pr FROM T"),
    ("SELECT id, CUME_DIST() OVER (ORDER BY x) AS cd, PERCENT_RANK() OVER (ORDER BY x DESC) AS pr FROM T",
     "SELECT id, CUME_DIST() OVER (ORDER BY x NULLS FIRST) AS cd, PERCENT_RANK() OVER (ORDER BY x DESC NULLS LAST) AS pr FROM T"),
    "SELECT id, NTILE(4) OVER (PARTITION BY k ORDER BY id) AS q, NTILE(7) OVER (ORDER BY id) AS s,"
    " NTILE(500) OVER (PARTITION BY g ORDER BY id) AS t FROM T",
    "SELECT id, CUME_DIST() OVER (PARTITION BY k) AS cd, PERCENT_RANK() OVER (PARTITION BY k) AS pr FROM T",
    "SELECT id, NTILE(3) OVER (ORDER BY id) AS q FROM E",
]


@pytest.mark.parametrize("query", WINDOWS)
def test_windows_against_duckdb(query):
    _same(*query) if isinstance(query, tuple) else _same(query)


def test_named_window_errors():
    with pytest.raises(ax.InvalidInputError, match="window v is not defined"):
        _ours("SELECT SUM(x) OVER v FROM T WINDOW w AS (ORDER BY id)")
    with pytest.raises(ax.InvalidInputError, match="cannot have its own PARTITION BY"):
        _ours("SELECT SUM(x) OVER (w PARTITION BY g) FROM T WINDOW w AS (ORDER BY id)")
    with pytest.raises(ax.InvalidInputError, match="has an ORDER BY already"):
        _ours("SELECT SUM(x) OVER (w ORDER BY k) FROM T WINDOW w AS (ORDER BY id)")
    with pytest.raises(ax.NotSupportedError, match="frames must start at UNBOUNDED PRECEDING"):
        _ours("SELECT FIRST_VALUE(x) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM T")
    with pytest.raises(ax.InvalidInputError, match="NTILE takes a positive integer"):
        _ours("SELECT NTILE(0) OVER (ORDER BY id) FROM T")


# --- WITH RECURSIVE ------------------------------------------------------------------

RECURSIVE = [
    "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r",
    # every id's chain of ids: id -> id + 7 while in T (UNION ALL keeps repeats)
    "WITH RECURSIVE c AS (SELECT id, id AS start, 0 AS hops FROM T WHERE id < 5 "
    "UNION ALL SELECT T.id, c.start, c.hops + 1 FROM T JOIN c ON T.id = c.id + 7 WHERE c.hops < 6) "
    "SELECT start, COUNT(*) AS n, MAX(hops) AS h FROM c GROUP BY start",
    # UNION: the set of k reachable by k -> (k + 1) mod 5 through rows of U, a cycle
    "WITH RECURSIVE r AS (SELECT 0 AS k UNION SELECT (r.k + 1) % 5 FROM r JOIN U ON U.k = r.k) SELECT k FROM r",
    # the anchor gives nothing
    "WITH RECURSIVE r AS (SELECT x FROM E UNION ALL SELECT x + 1 FROM r WHERE x < 3) SELECT COUNT(*) AS c FROM r",
    # nulls and duplicates in the anchor
    "WITH RECURSIVE r AS (SELECT k, 0 AS d FROM U UNION ALL SELECT k, d + 1 FROM r WHERE d < 2) SELECT k, d FROM r",
    "WITH RECURSIVE r AS (SELECT k FROM U UNION SELECT k FROM r) SELECT k FROM r",
]


@pytest.mark.parametrize("query", RECURSIVE)
def test_recursive_ctes_against_duckdb(query):
    _same(query)


def test_runaway_recursion_stops_with_mysqls_limit():
    with pytest.raises(ax.InvalidInputError, match="still adding rows after 1000 steps"):
        _ours("WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT * FROM r")
    got = _ours("WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r LIMIT 3) SELECT n FROM r")
    assert got.column("n").to_pylist() == [1, 2, 3]


# --- ANY / SOME / ALL ------------------------------------------------------------------

QUANTIFIED = [
    "SELECT id, x > ANY (SELECT x FROM U WHERE k = 1) AS a, x <= ALL (SELECT x FROM U WHERE k = 1) AS b FROM T",
    "SELECT id, x = ALL (SELECT x FROM U WHERE id = 3) AS a, x <> ANY (SELECT x FROM U WHERE k = 2) AS b FROM T",
    "SELECT id, x < SOME (SELECT x FROM U) AS a, x >= ALL (SELECT x FROM U) AS b FROM T",  # U.x has nulls
    "SELECT id, f > ANY (SELECT f FROM E) AS a, f > ALL (SELECT f FROM E) AS b FROM T",  # no rows
    "SELECT id FROM T WHERE x = ANY (SELECT x FROM U)",
    "SELECT id FROM T WHERE x <> ALL (SELECT x FROM U WHERE x IS NOT NULL)",
    "SELECT id FROM T WHERE k <> ALL (SELECT k FROM U)",
    "SELECT id FROM T WHERE x > ALL (SELECT x FROM U WHERE x IS NOT NULL) OR x < ANY (SELECT -40)",
]


@pytest.mark.parametrize("query", QUANTIFIED)
def test_any_all_against_duckdb(query):
    _same(query)


def test_correlated_any_says_what_to_write():
    # A correlated ANY over plain rows runs (test_sql_quantified.py); over a subquery that
    # groups, the message says what to write.
    with pytest.raises(ax.NotSupportedError, match="EXISTS"):
        _ours("SELECT id FROM T WHERE x > ANY (SELECT MAX(x) FROM U WHERE U.k = T.k GROUP BY g)")


# --- row values, correlated NOT IN -------------------------------------------------------

ROWS_IN = [
    "SELECT id FROM T WHERE (k, g) IN (SELECT k, g FROM U)",
    "SELECT id FROM T WHERE (k, g) IN (SELECT k, g FROM U WHERE x > 0) AND x < 10",
    # correlated NOT IN, nulls on both sides
    "SELECT id FROM T WHERE x NOT IN (SELECT x FROM U WHERE U.g = T.g)",
    "SELECT id FROM T WHERE k NOT IN (SELECT k FROM U WHERE U.x > T.x)",
]


@pytest.mark.parametrize("query", ROWS_IN)
def test_row_values_and_correlated_not_in_against_duckdb(query):
    _same(query)


def test_row_value_not_in_over_nullable_columns_says_what_to_write():
    # Arrow columns are nullable unless the schema says not: NOT IN could be null there.
    with pytest.raises(ax.NotSupportedError, match="write NOT EXISTS"):
        _ours("SELECT id FROM T WHERE (id, k) NOT IN (SELECT id, k FROM U)")
    schema = pa.schema([pa.field("a", pa.int64(), nullable=False), pa.field("b", pa.string(), nullable=False)])
    p = pa.table({"a": [1, 2, 2], "b": ["x", "y", "z"]}, schema=schema)  # noqa: F841
    q = pa.table({"a": [2], "b": ["y"]}, schema=schema)  # noqa: F841
    got = ax.sql("SELECT a, b FROM p WHERE (a, b) NOT IN (SELECT a, b FROM q) ORDER BY b", eager=True)
    assert got.to_dict(as_series=False) == {"a": [1, 2], "b": ["x", "z"]}


# --- TPC-H Q13 as the specification writes it --------------------------------------------



def test_tpch_q13_published_text_matches_duckdb(tpch_sf01):
    from test_tpch import ORDER_BY, assert_same_result
    from tpch import sql as tpch_sql

    ctx = ax.SQLContext({name: ax.scan_parquet(tpch_sf01 / f"{name}.parquet") for name in tpch_sql.TABLES})
    con = tpch_sql.connect(tpch_sf01)
    try:
        want = con.sql(tpch_sql.Q13_PUBLISHED).to_arrow_table()
    finally:
        con.close()
    assert_same_result(ctx.execute(tpch_sql.Q13_PUBLISHED).collect().to_arrow(), want, ORDER_BY[13])


# --- windows over GROUP BY results -------------------------------------------------------

GROUPED_WINDOWS = [
    "SELECT g, SUM(x) AS s, SUM(SUM(x)) OVER () AS total, COUNT(*) OVER () AS n_groups FROM T GROUP BY g",
    "SELECT k, g, COUNT(*) AS n, ROW_NUMBER() OVER (PARTITION BY k ORDER BY COUNT(*) DESC, g) AS rn FROM T "
    "WHERE k IS NOT NULL AND g IS NOT NULL GROUP BY k, g",
    "SELECT k, AVG(f) AS a, AVG(f) - LAG(AVG(f)) OVER (ORDER BY k) AS d FROM T WHERE k IS NOT NULL GROUP BY k",
    "SELECT k, SUM(x) AS s, SUM(SUM(x)) OVER (ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run "
    "FROM T WHERE k IS NOT NULL GROUP BY k HAVING COUNT(*) > 10",
]


@pytest.mark.parametrize("query", GROUPED_WINDOWS)
def test_windows_over_group_by_against_duckdb(query):
    _same(query)
