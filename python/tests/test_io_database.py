"""read_database / write_database over alopex's own database and DB-API connections (sqlite3, DuckDB)."""

from __future__ import annotations

import datetime
import sqlite3

import pytest

import alopex as ax
from alopex.exceptions import AlopexError

pl = pytest.importorskip("polars")

D = {"id": [1, 2, 3], "name": ["x", "é", None], "score": [1.5, None, -2.0], "ok": [True, False, None]}


@pytest.fixture
def con():
    c = sqlite3.connect(":memory:")
    yield c
    c.close()


def test_read_sqlite_like_polars(con):
    con.execute("CREATE TABLE t (id INTEGER, name TEXT, score REAL)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(1, "x", 1.5), (2, "é", None), (3, None, -2.0)])
    q = "SELECT * FROM t ORDER BY id"
    a, p = ax.read_database(q, con), pl.read_database(q, con)
    assert a.columns == p.columns and a.rows() == p.rows()
    assert [str(t) for t in a.dtypes] == [str(t) for t in p.dtypes]
    got = ax.read_database("SELECT id FROM t WHERE score > ?", con, execute_options={"parameters": [0]})
    assert got.rows() == [(1,)]
    assert ax.read_database(q, con, schema_overrides={"id": ax.Int32}).schema["id"] == ax.Int32


def test_write_sqlite_then_read_back(con):
    df = ax.DataFrame(D)
    assert df.write_database("t", con) == 3
    assert con.execute("SELECT * FROM t ORDER BY id").fetchall() == [(1, "x", 1.5, 1), (2, "é", None, 0),
                                                                      (3, None, -2.0, None)]
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        df.write_database("t", con)
    assert df.write_database("t", con, if_exists="append") == 3
    assert con.execute("SELECT count(*) FROM t").fetchone() == (6,)
    df.write_database("t", con, if_exists="replace", primary_key="id")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (3,)
    with pytest.raises(sqlite3.IntegrityError):
        df.write_database("t", con, if_exists="append")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (3,)  # the failed append was rolled back


def test_dates_and_decimals_reach_sqlite_as_text(con):
    df = ax.DataFrame({"d": [datetime.date(2020, 1, 2)], "ts": [datetime.datetime(2020, 1, 2, 3, 4, 5)]})
    df.write_database("t", con)
    assert con.execute("SELECT * FROM t").fetchall() == [("2020-01-02", "2020-01-02 03:04:05")]


def test_duckdb_connection():
    duckdb = pytest.importorskip("duckdb")
    c = duckdb.connect()
    ax.DataFrame(D).write_database("t", c)
    assert ax.read_database("SELECT * FROM t ORDER BY id", c).rows() == ax.DataFrame(D).rows()


def test_alopex_database():
    db = ax.connect()
    ax.DataFrame(D).write_database("t", db, primary_key="id")
    assert ax.read_database("SELECT id, name FROM t ORDER BY id", db).rows() == [(1, "x"), (2, "é"), (3, None)]


def test_errors(con):
    with pytest.raises(TypeError, match="DB-API"):
        ax.read_database("SELECT 1", object())
    with pytest.raises(TypeError, match="DB-API"):
        ax.DataFrame(D).write_database("t", object())
    with pytest.raises(AlopexError, match="returned no rows"):
        ax.read_database("CREATE TABLE u (a)", con)
    with pytest.raises(AlopexError, match="'a' twice"):
        ax.read_database("SELECT 1 AS a, 2 AS a", con)
    with pytest.raises(sqlite3.OperationalError):
        ax.read_database("SELEC 1", con)


def test_docstring_examples_run():
    import doctest

    import alopex.io_database

    assert doctest.testmod(alopex.io_database).failed == 0


def test_collect_all_and_cache():
    lf = ax.LazyFrame(D)
    a = ax.collect_all([lf, lf.filter(ax.col("id") > 1).cache()])
    p = pl.collect_all([pl.LazyFrame(D), pl.LazyFrame(D).filter(pl.col("id") > 1).cache()])
    assert [x.rows() for x in a] == [x.rows() for x in p]
    with pytest.raises(TypeError, match="item 1"):
        ax.collect_all([lf, lf.collect()])
