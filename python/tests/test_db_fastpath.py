"""The OLTP statement path of the embedded database: db.execute / executemany (prepared
statements cached by text, the point-get fast path, the compact result encoding) give what
the general path (db.sql) gives, stay right after DDL, and keep their invariants under
threads."""

from __future__ import annotations

import datetime as dt
import random
import threading
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax
from alopex.exceptions import AlopexError, ConstraintError, InvalidInputError, TransactionConflictError


@pytest.fixture
def db():
    with ax.connect() as d:
        yield d


def rows(df) -> list[tuple]:
    t = df.to_arrow()
    return list(zip(*(t.column(i).to_pylist() for i in range(t.num_columns))))


def outcome(fn, *args):
    """The rows fn(*args) gives, or the class of the error it raises."""
    try:
        return ("rows", fn(*args))
    except AlopexError as e:
        return ("error", type(e).__name__)


# ---------------------------------------------------------------------------------------
# The fast path answers as the general path does.

def _fill(db):
    db.execute("CREATE TABLE ti (id BIGINT PRIMARY KEY, s TEXT, f DOUBLE, n INT)")
    db.execute("CREATE TABLE ts (k VARCHAR(20) PRIMARY KEY, v BIGINT)")
    db.execute("CREATE TABLE tc (a INT, b TEXT, v DOUBLE, PRIMARY KEY (a, b))")
    rng = random.Random(7)
    ints = [(i, rng.choice(["x", "ü€", "", None]), rng.choice([1.5, float("nan"), None, -0.0]),
             rng.choice([None, 3, -7])) for i in range(-20, 40, 2)]
    db.executemany("INSERT INTO ti VALUES (?, ?, ?, ?)", ints)
    strs = [("", 0), ("a", 1), ("A", 2), ("a ", 3), ("é", 4), ("日本", 5), ("10", 6)]
    db.executemany("INSERT INTO ts VALUES (?, ?)", strs)
    comp = [(a, b, a * 0.5) for a in range(5) for b in ["p", "q", "ß"]]
    db.executemany("INSERT INTO tc VALUES (?, ?, ?)", comp)


KEY_VALUES = [0, 2, 3, -20, 38, 39, 10**12, -(2**63), 2**63 - 1, 2**63 + 5, None, "2", "x", 2.0, 2.5, True,
              "", "a", "A", "a ", "é", "日本", "10", 10]


def _number_beside_string_key(q, params):
    """Whether a string key column is given a value that is not a string: MySQL then compares them as numbers
    ('a' = 0 and '' = 0 hold), so an equality on the whole key may match several rows."""
    if "FROM ts" in q:
        return any(not isinstance(p, str) for p in params)
    if "FROM tc" in q:
        return not isinstance(params[0] if "b = ? AND" in q else params[1], str)
    return False


def test_point_get_matches_general_path_randomized(db):
    _fill(db)
    rng = random.Random(11)
    queries = [
        ("SELECT * FROM ti WHERE id = ?", 1),
        ("SELECT s, id FROM ti WHERE id = ?", 1),
        ("SELECT f AS g FROM ti WHERE ti.id = ?", 1),
        ("SELECT * FROM ti WHERE id IN (?, ?, ?)", 3),
        ("SELECT * FROM ts WHERE k = ?", 1),
        ("SELECT v FROM ts WHERE k IN (?, ?)", 2),
        ("SELECT * FROM tc WHERE a = ? AND b = ?", 2),
        ("SELECT v, b FROM tc WHERE b = ? AND a = ?", 2),
        ("SELECT * FROM tc WHERE a = ? AND b IN (?, ?)", 3),
    ]
    for _ in range(300):
        q, n = rng.choice(queries)
        params = [rng.choice(KEY_VALUES) for _ in range(n)]
        fast = outcome(lambda q, p: db.execute(q, p).fetchall(), q, params)
        general = outcome(lambda q, p: rows(db.sql(q + " ORDER BY 1", p, eager=True)), q, params)
        # the general path's ORDER BY 1 sorts by the first output column: compare as sets
        if fast[0] == "rows" and general[0] == "rows":
            # repr: NaN equals itself, -0.0 differs from 0.0, 1 from 1.0
            assert sorted(map(repr, fast[1])) == sorted(map(repr, general[1])), (q, params)
            if "IN" not in q and not _number_beside_string_key(q, params):
                assert len(fast[1]) <= 1
        else:
            assert fast == general, (q, params)


def test_point_get_same_rows_as_general_path_in_key_order(db):
    _fill(db)
    q = "SELECT * FROM ti WHERE id IN (?, ?, ?, ?)"
    got = db.execute(q, [30, -4, 30, 7]).fetchall()
    assert [r[0] for r in got] == [-4, 30]  # key order, no duplicate, missing key skipped
    general = db.execute(q + " AND 1 = 1", [30, -4, 30, 7]).fetchall()  # not a point shape
    assert repr(got) == repr(general)


def test_value_types_round_trip(db):
    db.execute("CREATE TABLE v (id INT PRIMARY KEY, d DECIMAL(10, 3), day DATE, ts TIMESTAMP, "
               "b BLOB, ok BOOLEAN, e VECTOR(3), u BIGINT UNSIGNED, r FLOAT)")
    db.execute("INSERT INTO v VALUES (1, 12.345, '2024-02-29', '2024-02-29 12:34:56.123456', NULL, TRUE, "
               "?, 18446744073709551615, 0.1)", [np.array([1, 2.5, -3], dtype=np.float32)])
    db.execute("INSERT INTO v (id) VALUES (2)")
    want = [(1, Decimal("12.345"), dt.date(2024, 2, 29), dt.datetime(2024, 2, 29, 12, 34, 56, 123456),
             None, True, None, 18446744073709551615, None),
            (2, None, None, None, None, None, None, None, None)]
    for q in ["SELECT * FROM v WHERE id = ?", "SELECT * FROM v WHERE id = ? OR id = ?"]:
        got = db.execute(q, [1] if q.count("?") == 1 else [1, 2]).fetchall()
        for g, w in zip(got, want):
            assert g[:6] == w[:6] and g[7] == w[7]
        assert np.array_equal(got[0][6], np.array([1, 2.5, -3], dtype=np.float32))
        assert got[0][6].dtype == np.float32
        assert got[0][8] == pytest.approx(0.1)
    general = rows(db.sql("SELECT * FROM v WHERE id = 1", eager=True))[0]
    fast = db.execute("SELECT * FROM v WHERE id = ?", [1]).fetchone()
    assert fast[8] == general[8] and fast[1] == general[1] and fast[3] == general[3]
    db.create_table("bl", pa.table({"id": [1, 2], "b": pa.array([b"ab\x00c", None], pa.binary())}), primary_key="id")
    assert db.execute("SELECT * FROM bl WHERE id IN (?, ?)", [2, 1]).fetchall() == [(1, b"ab\x00c"), (2, None)]
    assert db.execute("SELECT b FROM bl ORDER BY id").fetchall() == [(b"ab\x00c",), (None,)]


# ---------------------------------------------------------------------------------------
# The statement cache never serves a plan made for another schema.

def test_cache_invalidated_by_add_and_drop_column(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    db.execute("INSERT INTO t VALUES (1, 'x')")
    q = "SELECT * FROM t WHERE id = ?"
    assert db.execute(q, [1]).fetchall() == [(1, "x")]
    db.execute("ALTER TABLE t ADD COLUMN b DOUBLE")
    cur = db.execute(q, [1])
    assert [d[0] for d in cur.description] == ["id", "a", "b"]
    assert cur.fetchall() == [(1, "x", None)]
    db.execute("UPDATE t SET b = 2.5 WHERE id = 1")
    assert db.execute(q, [1]).fetchall() == [(1, "x", 2.5)]
    db.execute("ALTER TABLE t DROP COLUMN a")
    assert db.execute(q, [1]).fetchall() == [(1, 2.5)]
    with pytest.raises(ax.exceptions.ColumnNotFoundError):
        db.execute("SELECT a FROM t WHERE id = ?", [1])


def test_cache_invalidated_by_drop_and_create_with_another_schema(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    db.execute("INSERT INTO t VALUES (1, 'x')")
    q = "SELECT * FROM t WHERE id = ?"
    assert db.execute(q, [1]).fetchall() == [(1, "x")]
    db.execute("DROP TABLE t")
    with pytest.raises(ax.exceptions.TableNotFoundError):
        db.execute(q, [1])
    db.execute("CREATE TABLE t (k TEXT, id INT, z DOUBLE, PRIMARY KEY (k, id))")
    db.execute("INSERT INTO t VALUES ('p', 1, 0.5)")
    assert db.execute(q, [1]).fetchall() == [("p", 1, 0.5)]  # not a point get any more: a scan
    db.execute("DROP TABLE t")
    db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, a INT)")
    db.execute("INSERT INTO t VALUES ('1', 9)")
    assert db.execute(q, ["1"]).fetchall() == [("1", 9)]


def test_cache_after_create_index_and_in_transaction_ddl(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"v{i}") for i in range(10)])
    q = "SELECT a FROM t WHERE id = ?"
    assert db.execute(q, [3]).fetchall() == [("v3",)]
    db.execute("CREATE INDEX ia ON t (a)")
    assert db.execute(q, [3]).fetchall() == [("v3",)]
    assert db.execute("SELECT id FROM t WHERE a = ?", ["v4"]).fetchall() == [(4,)]
    with db.transaction() as tx:
        assert tx.execute(q, [3]).fetchall() == [("v3",)]
        tx.execute("ALTER TABLE t ADD COLUMN c INT DEFAULT 5")
        assert tx.execute("SELECT * FROM t WHERE id = ?", [3]).fetchall() == [(3, "v3", 5)]
        assert db.execute("SELECT * FROM t WHERE id = ?", [3]).fetchall() == [(3, "v3")]  # not committed yet
    assert db.execute("SELECT * FROM t WHERE id = ?", [3]).fetchall() == [(3, "v3", 5)]


# ---------------------------------------------------------------------------------------
# Cursor semantics

def test_cursor_fetch_semantics(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    cur = db.executemany("INSERT INTO t VALUES (?, ?)", [(i, str(i)) for i in range(5)])
    assert cur.rowcount == 5 and cur.description is None and cur.fetchall() == [] and cur.fetchone() is None
    cur = db.execute("SELECT * FROM t ORDER BY id")
    assert cur.rowcount == -1
    assert cur.description[0][:2] == ("id", "Int32") and cur.description[1][:2] == ("a", "String")
    assert len(cur.description[0]) == 7
    assert cur.fetchone() == (0, "0")
    assert cur.fetchmany(2) == [(1, "1"), (2, "2")]
    assert cur.fetchmany() == [(3, "3")]  # arraysize 1
    assert list(cur) == [(4, "4")]
    assert cur.fetchone() is None and cur.fetchall() == [] and cur.fetchmany(3) == []
    assert db.execute("UPDATE t SET a = 'u' WHERE id >= ?", [3]).rowcount == 2
    assert db.execute("DELETE FROM t WHERE id = ?", [4]).rowcount == 1
    assert db.execute("DELETE FROM t WHERE id = ?", [4]).rowcount == 0
    assert db.execute("SELECT * FROM t WHERE id = ?", [42]).fetchall() == []
    empty = db.execute("SELECT * FROM t WHERE id = ?", [42])
    assert [d[0] for d in empty.description] == ["id", "a"]


def test_execute_bad_input(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY)")
    with pytest.raises(TypeError):
        db.execute("SELECT * FROM t WHERE id = ?", 5)
    with pytest.raises(TypeError):
        db.execute("SELECT * FROM t WHERE id = ?", "5")
    with pytest.raises(InvalidInputError, match="placeholder"):
        db.execute("SELECT * FROM t WHERE id = ?", [])
    with pytest.raises(InvalidInputError, match="placeholder"):
        db.execute("SELECT * FROM t WHERE id = ?", [1, 2])
    with pytest.raises(ax.exceptions.SQLSyntaxError):
        db.execute("SELEC * FROM t")
    with pytest.raises(InvalidInputError, match="executemany"):
        db.executemany("SELECT * FROM t WHERE id = ?", [[1]])
    with pytest.raises(InvalidInputError, match="row 1"):
        db.executemany("INSERT INTO t VALUES (?)", [[1], [2, 3]])
    assert db.executemany("INSERT INTO t VALUES (?)", []).rowcount == 0
    db.close()
    with pytest.raises(InvalidInputError, match="closed"):
        db.execute("SELECT 1")


# ---------------------------------------------------------------------------------------
# executemany

def test_executemany_failing_row_has_no_effect(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT NOT NULL)")
    db.execute("INSERT INTO t VALUES (1, 'one')")
    with pytest.raises(ConstraintError, match="row 2") as e:
        db.executemany("INSERT INTO t VALUES (?, ?)", [(10, "a"), (11, "b"), (1, "dup"), (12, "c")])
    assert e.value.details.get("param_row") == 2
    assert db.execute("SELECT * FROM t ORDER BY id").fetchall() == [(1, "one")]
    with pytest.raises(AlopexError, match="row 1"):
        db.executemany("INSERT INTO t VALUES (?, ?)", [(20, "a"), (21, None)])
    assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (1,)
    assert db.executemany("UPDATE t SET a = ? WHERE id = ?", [("x", 1), ("y", 99)]).rowcount == 1
    assert db.execute("SELECT a FROM t WHERE id = ?", [1]).fetchone() == ("x",)


def test_executemany_in_transaction(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    with db.transaction() as tx:
        assert tx.executemany("INSERT INTO t VALUES (?, ?)", [(i, "v") for i in range(100)]).rowcount == 100
        assert tx.execute("SELECT COUNT(*) FROM t").fetchone() == (100,)
        assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)
    assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (100,)
    tx = db.transaction()
    with pytest.raises(ConstraintError, match="row 1"):
        tx.executemany("INSERT INTO t VALUES (?, ?)", [(500, "a"), (5, "dup")])
    tx.rollback()
    assert db.execute("SELECT COUNT(*) FROM t WHERE id = ?", [500]).fetchone() == (0,)
    with pytest.raises(InvalidInputError, match="already been committed"):
        tx.execute("SELECT 1")


# ---------------------------------------------------------------------------------------
# Threads

def test_threads_keep_invariants(db):
    db.execute("CREATE TABLE acct (id INT PRIMARY KEY, bal BIGINT)")
    db.executemany("INSERT INTO acct VALUES (?, ?)", [(i, 100) for i in range(16)])
    db.execute("CREATE TABLE log (id BIGINT PRIMARY KEY, who INT)")
    errors: list[BaseException] = []

    def worker(w: int) -> None:
        rng = random.Random(w)
        try:
            for i in range(60):
                a, b = rng.sample(range(16), 2)
                while True:
                    tx = db.transaction()
                    try:
                        (bal_a,) = tx.execute("SELECT bal FROM acct WHERE id = ?", [a]).fetchone()
                        tx.execute("UPDATE acct SET bal = ? WHERE id = ?", [bal_a - 1, a])
                        tx.execute("UPDATE acct SET bal = bal + 1 WHERE id = ?", [b])
                        tx.commit()
                        break
                    except TransactionConflictError:
                        continue
                db.execute("INSERT INTO log VALUES (?, ?)", [w * 1000 + i, w])
                (total,) = db.execute("SELECT SUM(bal) FROM acct").fetchone()
                assert total == 1600
                assert db.execute("SELECT who FROM log WHERE id = ?", [w * 1000 + i]).fetchone() == (w,)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert db.execute("SELECT SUM(bal), COUNT(*) FROM acct").fetchone() == (1600, 16)
    assert db.execute("SELECT COUNT(*) FROM log").fetchone() == (480,)


def test_autocommit_statements_from_threads_lose_no_update(db):
    # Autocommit statements of one connection run side by side; one that loses a write
    # conflict runs again, so that no increment is lost and no conflict reaches the caller.
    db.execute("CREATE TABLE c (id INT PRIMARY KEY, n BIGINT)")
    db.execute("INSERT INTO c VALUES (1, 0), (2, 0)")
    errors: list[BaseException] = []

    def worker(w: int) -> None:
        try:
            for i in range(40):
                db.execute("UPDATE c SET n = n + 1 WHERE id = ?", [1 + (i % 2)])
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert db.execute("SELECT id, n FROM c ORDER BY id").fetchall() == [(1, 160), (2, 160)]


def test_executemany_columnar_insert_matches_row_inserts(db):
    # executemany of INSERT … VALUES (?, …) stores the rows as one columnar insert: the values
    # must convert exactly as statement-at-a-time inserts convert them.
    ddl = "(id INT PRIMARY KEY, d DECIMAL(8, 2), day DATE, ts TIMESTAMP, s TEXT, f FLOAT, u SMALLINT)"
    db.execute("CREATE TABLE many " + ddl)
    db.execute("CREATE TABLE one " + ddl)
    rows = [
        (1, 1.005, "2024-01-31", dt.datetime(2024, 1, 31, 8, 0, 1, 5), "a", 1, 7),
        (2, None, None, None, None, None, None),
        (3, 12, dt.date(1999, 12, 31), "2000-01-01 00:00:00", "ü€", 2.5, -3),
        (4, -0.5, "2024-02-29", dt.datetime(1969, 12, 31, 23, 59, 59, 999999), "", float("inf"), 32767),
    ]
    for r in rows:
        db.execute("INSERT INTO one VALUES (?, ?, ?, ?, ?, ?, ?)", r)
    assert db.executemany("INSERT INTO many VALUES (?, ?, ?, ?, ?, ?, ?)", rows).rowcount == 4
    want = db.execute("SELECT * FROM one ORDER BY id").fetchall()
    assert repr(db.execute("SELECT * FROM many ORDER BY id").fetchall()) == repr(want)
    # a value that does not fit its column fails the whole batch and names the row
    with pytest.raises(AlopexError, match="row 1"):
        db.executemany("INSERT INTO many (id, u) VALUES (?, ?)", [(10, 1), (11, 40000)])
    assert db.execute("SELECT COUNT(*) FROM many").fetchone() == (4,)
    # columns named, the others take their default; REPLACE and INSERT IGNORE
    assert db.executemany("INSERT INTO many (u, id) VALUES (?, ?)", [(5, 20), (6, 21)]).rowcount == 2
    assert db.execute("SELECT id, u, s FROM many WHERE id IN (?, ?)", [20, 21]).fetchall() == [(20, 5, None), (21, 6, None)]
    assert db.executemany("REPLACE INTO many (id, s) VALUES (?, ?)", [(20, "r"), (22, "n")]).rowcount == 3
    assert db.executemany("INSERT IGNORE INTO many (id, s) VALUES (?, ?)", [(22, "x"), (23, "y")]).rowcount == 1
    assert db.execute("SELECT id, s FROM many WHERE id >= ? ORDER BY id", [20]).fetchall() == [
        (20, "r"), (21, None), (22, "n"), (23, "y")]
