"""Differential tests: alopex SQL against Python's sqlite3 on the generated tables of
test_sql_duckdb (nulls in every column), for the features whose meaning SQLite shares with
MySQL: projections and arithmetic without division, WHERE with BETWEEN / IN / IS NULL, CASE,
COALESCE / IFNULL / NULLIF, joins (inner, left, comma joins with WHERE), GROUP BY / HAVING with
COUNT / COUNT(DISTINCT) / SUM / MIN / MAX / AVG, DISTINCT, ORDER BY with LIMIT / OFFSET,
IN / NOT IN / EXISTS / NOT EXISTS subqueries (correlated too), scalar subqueries, CTEs,
UNION [ALL] / INTERSECT / EXCEPT, string functions, ABS / ROUND, window functions.

Left out on purpose (SQLite differs from MySQL, so the other engine would be wrong, not alopex):
integer `/` (SQLite truncates), LIKE (SQLite ignores ASCII case by default), CONCAT, date
functions, RIGHT JOIN (SQLite ≥ 3.39 only)."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import sorted_rows
from test_sql_duckdb import T, U

import alopex as ax

QUERIES = [
    "SELECT id, x + 1, x * 2, -x, x - k FROM T",
    "SELECT id, COALESCE(x, k, 0), IFNULL(s, 'none'), NULLIF(k, 3) FROM T",
    "SELECT id FROM T WHERE x BETWEEN -10 AND 10 AND k IN (1, 2, 3)",
    "SELECT id FROM T WHERE s IS NULL OR x NOT IN (1, 2, 3)",
    "SELECT id, CASE WHEN x > 0 THEN 'pos' WHEN x < 0 THEN 'neg' ELSE 'zero' END FROM T",
    "SELECT id, CASE k WHEN 1 THEN 'one' WHEN 2 THEN 'two' END FROM T",
    "SELECT k, COUNT(*), COUNT(x), SUM(x), MIN(s), MAX(x) FROM T GROUP BY k",
    "SELECT k, AVG(f), AVG(x) FROM T GROUP BY k",
    "SELECT k, COUNT(DISTINCT s) FROM T GROUP BY k",
    "SELECT k, SUM(x) FROM T GROUP BY k HAVING SUM(x) > 0 AND COUNT(*) > 5",
    "SELECT DISTINCT k, s FROM T",
    "SELECT id, x FROM T WHERE x IS NOT NULL ORDER BY x DESC, id LIMIT 7 OFFSET 3",
    "SELECT T.id, U.id AS uid FROM T JOIN U ON T.k = U.k AND T.s = U.s",
    "SELECT T.id, U.x FROM T LEFT JOIN U ON T.x = U.x",
    "SELECT T.id, U.id AS uid FROM T, U WHERE T.k = U.k AND T.x > U.x",
    "SELECT T.id, U.id AS uid FROM T JOIN U USING (k) WHERE T.x < 0",
    "SELECT id FROM T WHERE x IN (SELECT x FROM U)",
    "SELECT id FROM T WHERE x NOT IN (SELECT x FROM U WHERE x IS NOT NULL)",
    "SELECT id FROM T WHERE k NOT IN (SELECT k FROM U)",
    "SELECT id FROM T WHERE EXISTS (SELECT 1 FROM U WHERE U.k = T.k AND U.x > T.x)",
    "SELECT id FROM T WHERE NOT EXISTS (SELECT 1 FROM U WHERE U.s = T.s)",
    "SELECT id FROM T WHERE EXISTS (SELECT * FROM U WHERE U.k = T.k AND U.x <> T.x)",
    "SELECT id, (SELECT MAX(x) FROM U) FROM T",
    "SELECT id FROM T WHERE f > (SELECT AVG(f) FROM U WHERE U.k = T.k)",
    "SELECT id, (SELECT COUNT(*) FROM U WHERE U.k = T.k) FROM T",
    "WITH a AS (SELECT k, SUM(x) AS sx FROM T GROUP BY k) SELECT a.k, sx, U.id FROM a JOIN U ON a.k = U.k",
    "SELECT x FROM T UNION SELECT x FROM U",
    "SELECT x FROM T UNION ALL SELECT x FROM U",
    "SELECT k, s FROM T INTERSECT SELECT k, s FROM U",
    "SELECT k, s FROM T EXCEPT SELECT k, s FROM U",
    "SELECT id, UPPER(s), LOWER(s), LENGTH(s), SUBSTRING(s, 2, 3), REPLACE(s, 'a', 'A') FROM T",
    "SELECT id, TRIM(s), LENGTH(TRIM(s)) FROM T WHERE s IS NOT NULL",
    "SELECT id, ABS(x), ROUND(f, 1) FROM T",
    "SELECT id, ROW_NUMBER() OVER (PARTITION BY k ORDER BY id) FROM T",
    "SELECT id, RANK() OVER (PARTITION BY k ORDER BY x), DENSE_RANK() OVER (ORDER BY k) FROM T",
    "SELECT id, LAG(x) OVER (PARTITION BY k ORDER BY id), LEAD(x, 2) OVER (ORDER BY id) FROM T",
    "SELECT id, SUM(x) OVER (PARTITION BY k), COUNT(*) OVER (PARTITION BY k) FROM T",
    "SELECT id, SUM(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM T",
    "SELECT id, MAX(x) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM T",
]


def _sqlite() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    for name, table in (("T", T), ("U", U)):
        con.execute(f"CREATE TABLE {name} (id INTEGER, k INTEGER, x INTEGER, f REAL, s TEXT)")
        rows = list(zip(*(table.column(c).to_pylist() for c in ("id", "k", "x", "f", "s"))))
        con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?, ?, ?)", rows)
    return con


class _Rows:
    """sqlite3 rows shaped like a pyarrow table for test_sql_duckdb._rows."""

    def __init__(self, rows: list[tuple], ncols: int):
        self._cols = [[r[i] for r in rows] for i in range(ncols)]
        self.num_columns = ncols

    def column(self, i: int):
        values = self._cols[i]

        class _C:
            def to_pylist(self):
                return values

        return _C()


@pytest.mark.parametrize("query", QUERIES)
def test_against_sqlite(query):
    cur = _sqlite().execute(query)
    want = _Rows(cur.fetchall(), len(cur.description))
    got = ax.SQLContext(T=T, U=U).execute(query, eager=True).to_arrow()
    assert got.num_columns == want.num_columns
    assert sorted_rows(got) == sorted_rows(want)
