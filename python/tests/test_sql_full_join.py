"""FULL [OUTER] JOIN: the TiDB grammar has none, so alopex rewrites it before parsing
(sqlexec/fulljoin.go). Differential tests against DuckDB and SQLite (>= 3.39) on tables with
null keys, duplicate keys and keys on one side only; positions of syntax errors; refusals."""

from __future__ import annotations

import sqlite3

import pyarrow as pa
import pytest
from conftest import sorted_rows
from test_sql_duckdb import T, U

import alopex as ax

duckdb = pytest.importorskip("duckdb")

V = pa.table({"k": [0, 1, None, 5, 5, 9], "z": [10, 11, None, 15, 16, 19]})

QUERIES = [
    "SELECT T.id, U.id AS uid FROM T FULL OUTER JOIN U ON T.k = U.k",
    "SELECT T.id, U.id AS uid, T.x, U.x AS ux FROM T FULL JOIN U ON T.k = U.k AND T.s = U.s",
    "SELECT T.id, U.id AS uid FROM T FULL JOIN U ON T.x = U.x",
    "SELECT k, T.id, U.id AS uid FROM T FULL JOIN U USING (k)",
    "SELECT k, s, T.id, U.id AS uid FROM T FULL JOIN U USING (k, s)",
    "SELECT k, COUNT(*), COUNT(T.id), COUNT(U.id) FROM T FULL JOIN U USING (k) GROUP BY k",
    "SELECT COALESCE(T.k, U.k) AS kk, SUM(T.x), SUM(U.x) FROM T FULL JOIN U ON T.k = U.k GROUP BY COALESCE(T.k, U.k)",
    "SELECT T.id, U.id AS uid, V.z FROM T FULL JOIN U ON T.x = U.x FULL JOIN V ON V.k = T.k",
    "SELECT T.id, V.z FROM T FULL JOIN V ON T.k = V.k WHERE V.z IS NULL OR T.id IS NULL",
    "SELECT T.id, U.id AS uid, V.z FROM T FULL JOIN U ON T.x = U.x LEFT JOIN V ON V.k = U.k",
    "SELECT a.id, b.z FROM (SELECT id, k FROM T WHERE x > 0) a FULL JOIN (SELECT k, z FROM V) b ON a.k = b.k",
    "SELECT T.* FROM T FULL JOIN V USING (k)",
]


def _sqlite(query: str) -> list[tuple]:
    con = sqlite3.connect(":memory:")
    for name, t in (("T", T), ("U", U), ("V", V)):
        cols = t.column_names
        con.execute(f"CREATE TABLE {name} ({', '.join(cols)})")
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(cols))})",
                        list(zip(*(t.column(c).to_pylist() for c in cols))))
    cur = con.execute(query)
    rows = cur.fetchall()
    return sorted_rows(pa.table({str(i): [r[i] for r in rows] for i in range(len(cur.description))}))


@pytest.mark.parametrize("query", QUERIES)
def test_full_join_against_duckdb(query):
    con = duckdb.connect()
    for name, t in (("T", T), ("U", U), ("V", V)):
        con.register(name, t)
    want = con.sql(query).to_arrow_table()
    got = ax.SQLContext(T=T, U=U, V=V).execute(query, eager=True).to_arrow()
    assert got.num_columns == want.num_columns
    assert sorted_rows(got) == sorted_rows(want)


@pytest.mark.skipif(sqlite3.sqlite_version_info < (3, 39), reason="SQLite has FULL JOIN from 3.39")
@pytest.mark.parametrize("query", [q for q in QUERIES if "T.*" not in q])
def test_full_join_against_sqlite(query):
    got = ax.SQLContext(T=T, U=U, V=V).execute(query, eager=True).to_arrow()
    assert sorted_rows(got) == _sqlite(query)


def test_full_join_using_columns():
    ctx = ax.SQLContext(T=pa.table({"k": [1, 2, None], "a": ["x", "y", "z"]}),
                        U=pa.table({"k": [2, 3, None], "b": ["p", "q", "r"]}))
    out = ctx.execute("SELECT * FROM T FULL JOIN U USING (k)", eager=True)
    assert out.columns == ["k", "a", "b"]
    rows = sorted(out.to_arrow().to_pylist(), key=lambda r: (r["a"] or "~", r["b"] or "~"))
    assert rows == [{"k": 1, "a": "x", "b": None}, {"k": 2, "a": "y", "b": "p"}, {"k": None, "a": "z", "b": None},
                    {"k": 3, "a": None, "b": "q"}, {"k": None, "a": None, "b": "r"}]
    plan = ctx.execute("EXPLAIN SELECT T.k, U.k AS uk FROM T FULL OUTER JOIN U ON T.k = U.k")
    assert "FULL JOIN ON" in plan


def test_full_join_errors():
    ctx = ax.SQLContext(T=T, U=U)
    with pytest.raises(ax.NotSupportedError, match="STRAIGHT_JOIN"):
        ctx.execute("SELECT * FROM T STRAIGHT_JOIN U ON T.k = U.k")
    with pytest.raises(ax.NotSupportedError, match="FULL JOIN"):
        ctx.execute("SELECT T.id FROM T FULL JOIN U ON T.k = U.k AND T.x > 0")
    with pytest.raises(ax.InvalidInputError, match="ON or USING"):
        ctx.execute("SELECT T.id FROM T FULL JOIN U")
    # Positions are those of the text as written, though FULL JOIN (9 characters) became STRAIGHT_JOIN (13).
    query = "SELECT T.id\nFROM T FULL JOIN U ON T.k = U.k FULL JOIN U AS W ON W.k = T.k WHRE T.id > 1"
    with pytest.raises(ax.SQLSyntaxError) as e:
        ctx.execute(query)
    same_length = query.replace("FULL JOIN", "LEFT JOIN")
    with pytest.raises(ax.SQLSyntaxError) as ref:
        ctx.execute(same_length)
    assert (e.value.line, e.value.column, e.value.near) == (ref.value.line, ref.value.column, ref.value.near)
    assert e.value.near.startswith("WHRE")
    # FULL is a keyword only before [OUTER] JOIN: an alias, a column, a string are left alone.
    out = ctx.execute("SELECT 'full join' AS s, full.id FROM T AS full JOIN U ON full.k = U.k LIMIT 1", eager=True)
    assert out["s"].to_list() == ["full join"]
