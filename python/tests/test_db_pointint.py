"""The thin call for a statement given one int parameter (``db.execute(q, (k,))``,
``stmt.execute([k])``: _ffi.session_execute_int, capi/db_execute_int.go): its results,
errors and row-cache behaviour are those of the packed call it replaces
(_ffi.session_execute), for every column type, NULLs, missing keys, keys of another type,
after ALTER TABLE and DROP TABLE, results larger than the call buffer, and under
concurrent writes."""

from __future__ import annotations

import threading
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax
from alopex import _ffi
from alopex.database import _pack_params
from alopex.exceptions import AlopexError


@pytest.fixture
def db():
    with ax.connect() as d:
        yield d


def both(db, query: str, v: int):
    """The thin call's raw result (or error) and the packed call's."""
    def run(fn):
        try:
            return fn()
        except AlopexError as e:
            return (type(e).__name__, str(e))
    thin = run(lambda: _ffi.session_execute_int(db._session, query.encode(), v))
    packed = run(lambda: _ffi.session_execute(db._session, query.encode(), _pack_params([v])))
    return thin, packed


def test_every_column_type_null_and_missing_key_match_the_packed_call(db):
    db.execute("CREATE TABLE v (id BIGINT PRIMARY KEY, d DECIMAL(10, 3), day DATE, ts TIMESTAMP, "
               "ok BOOLEAN, e VECTOR(3), u BIGINT UNSIGNED, r DOUBLE, f FLOAT, s TEXT)")
    db.execute("INSERT INTO v VALUES (1, 12.345, '2024-02-29', '2024-02-29 12:34:56.123456', TRUE, ?, "
               "18446744073709551615, 0.1, 1.5, 'ünïcode ✓ \U0001f600')", [np.array([1, 2.5, -3], dtype=np.float32)])
    db.execute("INSERT INTO v (id) VALUES (2)")
    db.create_table("bl", pa.table({"id": [1, 2], "b": pa.array([b"ab\x00c", None], pa.binary())}), primary_key="id")
    queries = ["SELECT * FROM v WHERE id = ?", "SELECT s, id AS k FROM v WHERE id = ?", "SELECT * FROM bl WHERE id = ?",
               "SELECT * FROM v WHERE id > ?", "SELECT * FROM v WHERE id IN (?, 2)"]
    for q in queries:
        for k in [1, 2, 3, -1, 2**63 - 1, -(2**63)]:
            # The first run parses the text (the thin call's point read needs it
            # parsed) and, after DDL, may read in a transaction (no generation).
            for i in range(3):
                thin, packed = both(db, q, k)
                assert i == 0 or thin == packed, (q, k)
    cur = db.execute("SELECT * FROM v WHERE id = ?", (1,))
    row = cur.fetchone()
    assert row[:5] == (1, Decimal("12.345"), __import__("datetime").date(2024, 2, 29),
                       __import__("datetime").datetime(2024, 2, 29, 12, 34, 56, 123456), True)
    assert row[5].dtype == np.float32 and row[5].tolist() == [1, 2.5, -3]
    assert row[6:] == (18446744073709551615, 0.1, 1.5, "ünïcode ✓ \U0001f600")
    assert [d[0] for d in cur.description] == ["id", "d", "day", "ts", "ok", "e", "u", "r", "f", "s"]
    assert db.execute("SELECT * FROM v WHERE id = ?", [2]).fetchall() == [(2,) + (None,) * 9]
    assert db.execute("SELECT * FROM v WHERE id = ?", [3]).fetchone() is None
    assert db.execute("SELECT * FROM bl WHERE id = ?", [1]).fetchone() == (1, b"ab\x00c")


def test_keys_of_other_types_and_ranges_give_what_they_gave(db):
    db.execute("CREATE TABLE small (id TINYINT PRIMARY KEY, a TEXT)")
    db.execute("INSERT INTO small VALUES (1, 'a'), (127, 'b')")
    db.execute("CREATE TABLE tk (k TEXT PRIMARY KEY, a INT)")
    db.execute("INSERT INTO tk VALUES ('5', 5)")
    db.execute("CREATE TABLE un (id INT UNSIGNED PRIMARY KEY, a TEXT)")
    db.execute("INSERT INTO un VALUES (0, 'zero')")
    for q, ks in [("SELECT * FROM small WHERE id = ?", [1, 127, 128, 1000, -129]),
                  ("SELECT * FROM tk WHERE k = ?", [5, 6]), ("SELECT * FROM un WHERE id = ?", [0, -1, 2**40])]:
        for k in ks:
            for i in range(3):
                thin, packed = both(db, q, k)
                assert i == 0 or thin == packed, (q, k)
    # A key past the column's range matches no row (as in MySQL and SQLite), on both calls.
    assert db.execute("SELECT a FROM small WHERE id = ?", [1000]).fetchall() == []
    # a number beside a text key: compared as numbers, as in MySQL ('5' = 5)
    assert db.execute("SELECT a FROM tk WHERE k = ?", [5]).fetchall() == [(5,)]
    # Not exact 64-bit ints: the packed call, as before.
    assert db.execute("SELECT a FROM small WHERE id = ?", [True]).fetchall() == [("a",)]
    assert db.execute("SELECT a FROM small WHERE id = ?", [np.int64(127)]).fetchall() == [("b",)]


def test_errors_are_the_packed_calls(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    for q in ["SELECT * FROM nosuch WHERE id = ?", "SELECT nosuch FROM t WHERE id = ?", "SELECT * FROM t WHERE id = ? AND",
              "SELECT * FROM t WHERE id = ? AND a = ?"]:
        thin, packed = both(db, q, 1)
        assert thin == packed and isinstance(thin[0], str), (q, thin)
    with pytest.raises(ax.exceptions.TableNotFoundError):
        db.execute("SELECT * FROM nosuch WHERE id = ?", (1,))
    stmt = db.prepare("SELECT a FROM t WHERE id = ?")
    db.close()
    with pytest.raises(AlopexError, match="closed"):
        db.execute("SELECT * FROM t WHERE id = ?", (1,))
    with pytest.raises(AlopexError, match="closed"):
        stmt.execute((1,))


def test_alter_and_drop_are_seen(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    db.execute("INSERT INTO t VALUES (1, 'x')")
    q = "SELECT * FROM t WHERE id = ?"
    stmt = db.prepare(q)
    for _ in range(2):
        assert db.execute(q, (1,)).fetchall() == [(1, "x")] == stmt.execute([1]).fetchall()
    db.execute("ALTER TABLE t ADD COLUMN b DOUBLE")
    cur = db.execute(q, (1,))
    assert [d[0] for d in cur.description] == ["id", "a", "b"] and cur.fetchall() == [(1, "x", None)]
    db.execute("ALTER TABLE t DROP COLUMN a")
    assert stmt.execute((1,)).fetchall() == [(1, None)]
    db.execute("DROP TABLE t")
    with pytest.raises(ax.exceptions.TableNotFoundError):
        db.execute(q, (1,))
    db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, z TEXT)")
    db.execute("INSERT INTO t VALUES (1, 'new')")
    assert db.execute(q, (1,)).fetchall() == [(1, "new")] == stmt.execute((1,)).fetchall()


def test_a_result_larger_than_the_call_buffer(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    big = "é" * (_ffi._EXECUTE_BUF)  # twice the buffer in UTF-8
    db.execute("INSERT INTO t VALUES (1, ?)", [big])
    for _ in range(3):
        assert db.execute("SELECT a FROM t WHERE id = ?", (1,)).fetchone() == (big,)
        assert db.execute("SELECT a FROM t WHERE id >= ?", (1,)).fetchone() == (big,)
    thin, packed = both(db, "SELECT a FROM t WHERE id = ?", 1)
    assert thin == packed and thin[4] == -1  # too large for the row cache


def test_non_queries_and_transactions(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, n INT)")
    assert db.execute("INSERT INTO t VALUES (?, 0)", (1,)).rowcount == 1
    assert db.execute("UPDATE t SET n = n + 1 WHERE id = ?", (1,)).rowcount == 1
    db.execute("BEGIN")
    db.execute("UPDATE t SET n = 10 WHERE id = ?", [1])
    assert db.execute("SELECT n FROM t WHERE id = ?", (1,)).fetchone() == (10,)
    db.execute("ROLLBACK")
    assert db.execute("SELECT n FROM t WHERE id = ?", (1,)).fetchone() == (1,)
    with db.transaction() as tx:
        tx.execute("UPDATE t SET n = 20 WHERE id = ?", (1,))
        assert tx.execute("SELECT n FROM t WHERE id = ?", (1,)).fetchone() == (20,)
        assert tx.prepare("SELECT n FROM t WHERE id = ?").execute((1,)).fetchone() == (20,)
    assert db.execute("SELECT n FROM t WHERE id = ?", (1,)).fetchone() == (20,)


def test_reads_under_concurrent_writes_are_never_stale(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, n INT)")
    db.executemany("INSERT INTO t VALUES (?, 0)", [(i,) for i in range(20)])
    q = "SELECT n FROM t WHERE id = ?"
    stmt = db.prepare(q)
    stop = threading.Event()
    written = [0]
    errors: list[str] = []

    def reader():
        while not stop.is_set():
            for k in range(20):
                floor = written[0]  # committed before this read began
                n = (stmt.execute((k,)) if k % 2 else db.execute(q, (k,))).fetchone()[0]
                if n < floor:
                    errors.append(f"key {k}: read {n} after {floor} was committed")

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for i in range(1, 40):
        db.execute("UPDATE t SET n = ?", (i,))
        written[0] = i
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert [db.execute(q, (k,)).fetchone() for k in range(20)] == [(39,)] * 20
