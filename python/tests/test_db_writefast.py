"""The write fast path (sqlexec/writefast.go): single-row and VALUES inserts, updates and
deletes by primary key give what the general path gives (``SET write_fast_path = 0``) —
rowcounts, errors (duplicate key, NOT NULL, unique index, out of range, wrong type), rows
and secondary index contents — from Python's parameter kinds, in and outside transactions,
with rollback, through executemany, and from several threads at once."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest

import alopex as ax
from alopex.exceptions import AlopexError

TABLE = ("CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT NOT NULL, b INT, c DOUBLE, d BOOLEAN, "
         "e TINYINT DEFAULT 7, u INT UNIQUE, v INT, day DATE, m DECIMAL(8, 2), INDEX iv (v))")


class Pair:
    """Two databases with the same statements: one with the fast path, one without."""

    def __init__(self, *setup: str):
        self.fast = ax.connect()
        self.general = ax.connect()
        self.general.execute("SET write_fast_path = 0")
        for q in setup:
            self.fast.execute(q)
            self.general.execute(q)

    def close(self):
        self.fast.close()
        self.general.close()

    @staticmethod
    def outcome(db, q, params=None, many=False):
        try:
            cur = db.executemany(q, params) if many else db.execute(q, params)
        except AlopexError as e:
            return ("error", type(e).__name__, str(e))
        return ("rows", cur.fetchall()) if cur.description else ("count", cur.rowcount)

    def run(self, q, params=None, many=False):
        f = self.outcome(self.fast, q, params, many)
        g = self.outcome(self.general, q, params, many)
        assert repr(f) == repr(g), (q, params)  # repr: NaN equals itself
        return f

    def same_rows(self):
        self.run("SELECT * FROM t ORDER BY id")
        for db in (self.fast, self.general):
            for c in ("u", "v"):
                by_index = db.execute(f"SELECT id, {c} FROM t WHERE {c} >= ? ORDER BY id", (-(2**31),)).fetchall()
                by_table = db.execute(f"SELECT id, {c} FROM t WHERE {c} IS NOT NULL ORDER BY id").fetchall()
                assert by_index == by_table, c


@pytest.fixture
def pair():
    p = Pair(TABLE)
    yield p
    p.close()


INS = "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def test_inserts_match_the_general_path(pair):
    assert pair.run(INS, (1, "one", 10, 1.5, True, 1, 100, 5, None, None)) == ("count", 1)
    assert pair.run(INS, (2, "two", None, None, False, -128, 200, 5, "2024-02-29", Decimal("1.25"))) == ("count", 1)
    assert pair.run("INSERT INTO t (id, a) VALUES (?, ?)", (3, "defaults")) == ("count", 1)
    assert pair.run("INSERT INTO t (a, id, u) VALUES (?, ?, ?)", ("reordered", 4, 400)) == ("count", 1)
    for params in [
        (1, "duplicate key", 0, 0.0, True, 0, 999, 0, None, None),
        (5, None, 0, 0.0, True, 0, 500, 0, None, None),          # NOT NULL
        (5, "unique", 0, 0.0, True, 0, 100, 0, None, None),       # unique index
        (6, "out of range", 2**40, 0.0, True, 0, 600, 0, None, None),
        (6, "tinyint", 0, 0.0, True, 300, 600, 0, None, None),
        (6, "text for int", "x", 0.0, True, 0, 600, 0, None, None),
        (6, "bad date", 0, 0.0, True, 0, 600, 0, "2024-02-30", None),
    ]:
        assert pair.run(INS, params)[0] == "error", params
    # Converted by the general path (the fast one leaves them to it).
    for params in [
        (6, 6, 0, 0.0, True, 0, 600, 0, None, None),  # int for text
        (7, "float for int", 2.0, 0.0, True, 0, 700, 0, None, None),
        (8, "int for double", 1, 3, True, 0, 800, 0, None, None),
        (9, "bool for int", True, 0.0, 1, 0, 900, 0, None, None),
        (10, "nan", 1, float("nan"), True, 0, 1000, 0, None, None),
        ("11", "text key", 1, 0.0, True, 0, 1100, 0, None, None),
        (2**63, "key out of range", 1, 0.0, True, 0, 1200, 0, None, None),
    ]:
        pair.run(INS, params)
    assert pair.run("INSERT IGNORE INTO t (id, a) VALUES (?, ?)", (1, "ignored")) == ("count", 0)
    assert pair.run("REPLACE INTO t (id, a, u) VALUES (?, ?, ?)", (1, "replaced", 200)) == ("count", 3)
    assert pair.run("INSERT INTO t (id, a, v) VALUES (20, 'lit', 1), (21, 'lit2', NULL)") == ("count", 2)
    assert pair.run("INSERT INTO t (id, a) VALUES (?, ?), (?, ?)", (22, "x", 20, "dup"))[0] == "error"
    pair.same_rows()


def test_updates_and_deletes_match_the_general_path(pair):
    pair.run("INSERT INTO t (id, a, b, u, v) VALUES (1, 'a', 1, 1, 1), (2, 'b', 2, 2, 2), (3, 'c', 3, 3, 3)")
    upd = "UPDATE t SET b = ?, a = ? WHERE id = ?"
    assert pair.run(upd, (42, "updated", 1)) == ("count", 1)
    assert pair.run(upd, (42, "missing", 99)) == ("count", 0)
    assert pair.run(upd, (42, "null key", None)) == ("count", 0)
    assert pair.run(upd, (1, None, 1))[0] == "error"
    assert pair.run("UPDATE t SET u = ? WHERE id = ?", (2, 1))[0] == "error"
    assert pair.run("UPDATE t SET u = ?, v = ? WHERE id = ?", (30, 9, 3)) == ("count", 1)
    assert pair.run("INSERT INTO t (id, a, u) VALUES (?, ?, ?)", (4, "took 3", 3)) == ("count", 1)
    pair.run(upd, (1, "x", "2"))
    pair.run(upd, (2**40, "x", 2))
    pair.run(upd, (1.0, "x", 2))
    assert pair.run("UPDATE t SET c = ?, d = ?, day = ?, m = ? WHERE id = ?",
                    (2.5, False, datetime.date(2020, 1, 2), Decimal("3.5"), 2)) == ("count", 1)
    assert pair.run("UPDATE t SET b = b + ? WHERE id = ?", (1, 2)) == ("count", 1)
    assert pair.run("UPDATE t SET b = b - ?, c = c + ?, v = ? + b WHERE id = ?", (3, 0.25, 7, 2)) == ("count", 1)
    assert pair.run("UPDATE t SET b = b + ? WHERE id = ?", (None, 3)) == ("count", 1)
    for params in [(2**31, 2), (2**63 - 1, 2), ("x", 2), (1.5, 2), ("x", 99)]:
        pair.run("UPDATE t SET b = b + ? WHERE id = ?", params)  # computed or refused by the general path
    pair.run("UPDATE t SET c = c + ? WHERE id = ?", (1, 2))
    assert pair.run("UPDATE t SET id = ? WHERE id = ?", (10, 4)) == ("count", 1)
    pair.same_rows()
    assert pair.run("DELETE FROM t WHERE id = ?", (10,)) == ("count", 1)
    assert pair.run("DELETE FROM t WHERE id = ?", (10,)) == ("count", 0)
    assert pair.run("DELETE FROM t WHERE id = ?", (None,)) == ("count", 0)
    pair.run("DELETE FROM t WHERE id = ?", ("99",))  # a string key reads as a number (MySQL)
    assert pair.run("INSERT INTO t (id, a, u) VALUES (?, ?, ?)", (11, "took 3 again", 3)) == ("count", 1)
    assert pair.run("UPDATE t SET v = ? WHERE id = ?", [(7, 1), (7, 2), (7, 99)], many=True) == ("count", 2)
    assert pair.run("DELETE FROM t WHERE id = ?", [(1,), (99,)], many=True) == ("count", 1)
    assert pair.run("UPDATE t SET u = ? WHERE id = ?", [(50, 2), (50, 11)], many=True)[0] == "error"
    pair.same_rows()


def test_transactions_and_rollback(pair):
    pair.run("INSERT INTO t (id, a, u) VALUES (1, 'a', 1), (2, 'b', 2)")
    pair.run("BEGIN")
    assert pair.run("INSERT INTO t (id, a, u) VALUES (?, ?, ?)", (3, "c", 3)) == ("count", 1)
    assert pair.run("UPDATE t SET a = ? WHERE id = ?", ("c2", 3)) == ("count", 1)
    assert pair.run("DELETE FROM t WHERE id = ?", (1,)) == ("count", 1)
    assert pair.run("INSERT INTO t (id, a, u) VALUES (?, ?, ?)", (4, "d", 3))[0] == "error"
    pair.same_rows()
    pair.run("ROLLBACK")
    assert pair.run("SELECT id, a, u FROM t ORDER BY id") == ("rows", [(1, "a", 1), (2, "b", 2)])
    pair.same_rows()
    for db in (pair.fast, pair.general):
        with pytest.raises(RuntimeError):
            with db.transaction() as tx:
                tx.execute("UPDATE t SET u = ? WHERE id = ?", (20, 2))
                tx.execute("INSERT INTO t (id, a, u) VALUES (?, ?, ?)", (5, "took 2", 2))
                raise RuntimeError("undo")
        with db.transaction() as tx:
            tx.execute("UPDATE t SET u = ? WHERE id = ?", (20, 2))
            tx.execute("INSERT INTO t (id, a, u) VALUES (?, ?, ?)", (5, "took 2", 2))
    assert pair.run("SELECT id, a, u FROM t ORDER BY id") == ("rows", [(1, "a", 1), (2, "b", 20), (5, "took 2", 2)])
    pair.same_rows()


def test_setting_is_checked():
    with ax.connect() as db:
        db.execute("SET write_fast_path = 0")
        db.execute("SET write_fast_path = DEFAULT")
        with pytest.raises(AlopexError, match="write_fast_path"):
            db.execute("SET write_fast_path = 5")


def test_threads_writing_at_once_keep_rows_and_indexes(tmp_path):
    """Eight threads insert, update and delete their own keys with autocommit writes that
    commit side by side; every row and index entry is as one thread at a time gives."""
    with ax.connect(str(tmp_path / "db")) as db:
        db.execute(TABLE)
        errors = []

        def work(w: int) -> None:
            try:
                for i in range(60):
                    k = w * 1000 + i
                    db.execute("INSERT INTO t (id, a, u, v) VALUES (?, ?, ?, ?)", (k, f"r{k}", k, w))
                    db.execute("UPDATE t SET u = ?, b = ? WHERE id = ?", (k + 500, i, k))
                    if i % 3 == 0:
                        db.execute("DELETE FROM t WHERE id = ?", (k,))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        rows = db.execute("SELECT id, b, u, v FROM t ORDER BY id").fetchall()
        want = [(w * 1000 + i, i, w * 1000 + i + 500, w) for w in range(8) for i in range(60) if i % 3]
        assert rows == want
        assert db.execute("SELECT id, u FROM t WHERE u >= ? ORDER BY id", (0,)).fetchall() == [(r[0], r[2]) for r in want]
        assert db.execute("SELECT id, v FROM t WHERE v >= ? ORDER BY id", (0,)).fetchall() == [(r[0], r[3]) for r in want]
