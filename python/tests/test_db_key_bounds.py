"""A primary-key predicate with a value past the key column's range selects what the comparison
says (no row, or every row), as in SQLite and MySQL; ``WHERE id = 256`` on a TINYINT UNSIGNED
key used to raise "key range bound … out of range"."""

import sqlite3

import pytest

import alopex as ax

ROWS = [(0, -32768, 1), (1, 5, 2), (1, 32767, 3), (255, 0, 4)]

QUERIES = [
    "SELECT * FROM t WHERE a = 256",
    "SELECT * FROM t WHERE a = -1",
    "SELECT * FROM t WHERE a > 300",
    "SELECT * FROM t WHERE a < 1000",
    "SELECT * FROM t WHERE a BETWEEN 200 AND 70000",
    "SELECT * FROM t WHERE a >= -5 AND a <= 18446744073709551615",
    "SELECT * FROM t WHERE a = 1 AND b > 40000",
    "SELECT * FROM t WHERE a = 1 AND b < 40000",
    "SELECT * FROM t WHERE a = 1 AND b >= -99999 AND b <= 6",
    "SELECT * FROM t WHERE a IN (1, 300, -7)",
]


@pytest.fixture(scope="module")
def dbs():
    db = ax.connect()
    db.execute("CREATE TABLE t (a TINYINT UNSIGNED, b SMALLINT, v INT, PRIMARY KEY (a, b))")
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE t (a INT, b INT, v INT, PRIMARY KEY (a, b))")
    lite.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    yield db, lite
    db.close()


@pytest.mark.parametrize("query", QUERIES)
def test_out_of_range_key_bounds_match_sqlite(dbs, query):
    db, lite = dbs
    assert sorted(db.execute(query).fetchall()) == sorted(lite.execute(query).fetchall())


@pytest.mark.parametrize("stmt", ["UPDATE t SET v = v + 1 WHERE a = 256", "DELETE FROM t WHERE a = 256 AND b = 0",
                                  "UPDATE t SET v = 0 WHERE a > 300", "DELETE FROM t WHERE a = 1 AND b = 40000"])
def test_writes_with_out_of_range_keys_touch_nothing(stmt):
    db = ax.connect()
    db.execute("CREATE TABLE t (a TINYINT UNSIGNED, b SMALLINT, v INT, PRIMARY KEY (a, b))")
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    for fast in (1, 0):
        db.execute(f"SET write_fast_path = {fast}")
        assert db.execute(stmt).rowcount == 0
    assert sorted(db.execute("SELECT * FROM t").fetchall()) == ROWS
