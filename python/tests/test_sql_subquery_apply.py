"""Subqueries the planner applies over row pairs (sqlexec/apply.go): EXISTS and IN (subquery)
inside expressions (SELECT list, CASE, OR, NOT) and correlations that are not equalities,
checked against SQLite on data with NULLs (where SQLite and MySQL agree)."""

from __future__ import annotations

import sqlite3

import pytest

import alopex as ax

ROWS = [(1, 10, 5), (2, None, 7), (3, 30, None), (4, 10, 1), (None, 20, 3)]
S_ROWS = [(10, 1), (None, 2), (30, 3), (40, None)]

QUERIES = [
    # IN / NOT IN (subquery) as a value, three-valued
    "SELECT a, b IN (SELECT x FROM s) FROM t",
    "SELECT a, b NOT IN (SELECT x FROM s) FROM t",
    "SELECT a, b IN (SELECT x FROM s WHERE x IS NOT NULL) FROM t",
    "SELECT a, b NOT IN (SELECT x FROM s WHERE x > 100) FROM t",
    "SELECT a, NULL IN (SELECT x FROM s) FROM t",
    "SELECT a, c IN (SELECT y + 0.0 FROM s) FROM t",
    # EXISTS as a value, under OR / NOT / CASE
    "SELECT a, EXISTS (SELECT 1 FROM s WHERE s.x = t.b) FROM t",
    "SELECT a, NOT EXISTS (SELECT 1 FROM s WHERE s.y < t.c) FROM t",
    "SELECT a FROM t WHERE a > 3 OR EXISTS (SELECT 1 FROM s WHERE s.x > t.b)",
    "SELECT a, CASE WHEN b IN (SELECT x FROM s) THEN 'in' ELSE 'out' END FROM t",
    "SELECT a FROM t WHERE NOT (b IN (SELECT x FROM s)) OR a = 1",
    # correlated IN, with and without an equality
    "SELECT a, b IN (SELECT x FROM s WHERE s.y < t.c) FROM t",
    "SELECT a, b NOT IN (SELECT x FROM s WHERE s.y = t.a) FROM t",
    "SELECT a FROM t WHERE b IN (SELECT x FROM s WHERE s.y <= t.a)",
    # correlated NOT IN over nullable values, as a WHERE condition
    "SELECT a FROM t WHERE b NOT IN (SELECT x FROM s WHERE s.y < t.c)",
    "SELECT a FROM t WHERE c NOT IN (SELECT y FROM s WHERE s.x = t.b)",
    # correlated scalar aggregates whose correlation is not an equality
    "SELECT a, (SELECT count(*) FROM t AS u WHERE u.b < t.b) FROM t",
    "SELECT a, (SELECT max(u.c) FROM t AS u WHERE u.a > t.a AND u.b = t.b) FROM t",
    "SELECT a, (SELECT sum(y) FROM s WHERE s.x <> t.b) FROM t",
    # the subquery's own columns win over the outer query's of the same name
    "SELECT a, (SELECT count(*) FROM t AS u WHERE a < t.a) FROM t",
    "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM t AS u WHERE u.c > t.c)",
]


@pytest.fixture(scope="module")
def dbs():
    lite = sqlite3.connect(":memory:")
    db = ax.connect()
    for conn in (lite, db):
        run = conn.execute if conn is lite else conn.sql
        run("CREATE TABLE t (a INT, b INT, c INT)")
        run("CREATE TABLE s (x INT, y INT)")
    lite.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    lite.executemany("INSERT INTO s VALUES (?, ?)", S_ROWS)
    for r in ROWS:
        db.sql("INSERT INTO t VALUES (?, ?, ?)", params=list(r))
    for r in S_ROWS:
        db.sql("INSERT INTO s VALUES (?, ?)", params=list(r))
    yield lite, db
    db.close()


def _norm(rows):
    out = [tuple(None if v is None else (int(v) if isinstance(v, (bool, int)) else v) for v in r) for r in rows]
    return sorted(out, key=repr)


@pytest.mark.parametrize("q", QUERIES)
def test_matches_sqlite(dbs, q):
    lite, db = dbs
    want = _norm(lite.execute(q).fetchall())
    got = _norm(tuple(r.values()) for r in db.sql(q, eager=True).to_arrow().to_pylist())
    assert got == want, q


def test_in_subquery_of_another_type(dbs):
    _, db = dbs
    # an integer meets a float as SQL compares them
    assert db.sql("SELECT 10.0 IN (SELECT x FROM s) AS a, 10.5 IN (SELECT x FROM s WHERE x IS NOT NULL) AS b",
                  eager=True).to_dicts() == [{"a": True, "b": False}]
    with pytest.raises(ax.SchemaError, match=r"IN compares 'a' \(String\) with a subquery of Int32 values"):
        db.sql("SELECT 'a' IN (SELECT x FROM s) AS a", eager=True)
