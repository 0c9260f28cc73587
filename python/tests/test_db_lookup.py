"""Point reads and batched key lookups of the embedded database (issue 11): execute() with
``pk = ?`` / ``pk IN (?, …)`` reads rows by key (sorted keys, one forward walk of the store),
parameters and rows cross the boundary in packed forms (not JSON). Every answer must be the
general path's: the same rows, values, types and errors."""

from __future__ import annotations

import datetime as dt
import math
import random
import threading
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import alopex as ax
from alopex.exceptions import AlopexError


@pytest.fixture
def db():
    with ax.connect() as d:
        yield d


def general(db_or_tx, query, params):
    """The general path's rows (a query that is not a point get: `AND 1 = 1`)."""
    return db_or_tx.execute(query + " AND 1 = 1", params).fetchall()


def outcome(fn, *args):
    try:
        return ("rows", fn(*args))
    except AlopexError as e:
        return ("error", type(e).__name__)


def _tables(db, n=300):
    db.execute("CREATE TABLE ti (id BIGINT PRIMARY KEY, s TEXT, f DOUBLE)")
    db.execute("CREATE TABLE ts (k VARCHAR(30) PRIMARY KEY, v BIGINT)")
    db.execute("CREATE TABLE tc (a INT, b TEXT, v DOUBLE, PRIMARY KEY (a, b))")
    rng = random.Random(5)
    db.executemany("INSERT INTO ti VALUES (?, ?, ?)",
                   [(i, rng.choice(["x", "ü€", "", None, "a" * 300]), rng.choice([0.5, float("nan"), None, -0.0]))
                    for i in range(0, 2 * n, 2)])
    db.executemany("INSERT INTO ts VALUES (?, ?)", [(f"k{i:04d}", i) for i in range(0, n, 3)] + [("", -1), ("日本", 7)])
    db.executemany("INSERT INTO tc VALUES (?, ?, ?)", [(a, b, a / 4) for a in range(20) for b in ("p", "q", "ß")])


def _int_key(rng):
    return rng.choice([rng.randrange(-10, 620), None, rng.randrange(0, 600, 2), 2**63 - 1, -(2**63)])


def _str_key(rng):
    return rng.choice([f"k{rng.randrange(0, 320):04d}", "", "日本", None, "K0003", "k0003 "])


@pytest.mark.parametrize("in_txn", [False, True])
def test_point_and_in_lists_match_the_general_path(db, in_txn):
    _tables(db)
    rng = random.Random(17)
    session = db
    tx = None
    if in_txn:
        # the transaction's own writes (inserts, updates, deletes) must be seen by both paths
        tx = session = db.transaction()
        tx.execute("INSERT INTO ti VALUES (1, 'own', 1.0), (3, 'own3', NULL)")
        tx.execute("UPDATE ti SET s = 'upd' WHERE id IN (0, 2, 4)")
        tx.execute("DELETE FROM ti WHERE id IN (6, 8)")
        tx.execute("DELETE FROM ts WHERE k = ?", ["k0003"])
        tx.execute("INSERT INTO tc VALUES (1, 'new', 9.5)")
        db.execute("INSERT INTO ti VALUES (11, 'committed after the transaction began', 0)")
    for trial in range(120):
        kind = trial % 4
        if kind == 0:
            n = rng.choice([1, 1, 2, 5, 9, 40, 300])
            keys = [_int_key(rng) for _ in range(n)]
            q = "SELECT * FROM ti WHERE id " + ("= ?" if n == 1 else "IN (" + ", ".join("?" * n) + ")")
        elif kind == 1:
            n = rng.choice([1, 3, 12, 100])
            keys = [_str_key(rng) for _ in range(n)]
            q = "SELECT v, k FROM ts WHERE k " + ("= ?" if n == 1 else "IN (" + ", ".join("?" * n) + ")")
        elif kind == 2:
            n = rng.choice([1, 2, 10])
            keys = [rng.choice([rng.randrange(-2, 22), None])] + [rng.choice(["p", "q", "ß", "new", "x", None])
                                                                    for _ in range(n)]
            q = "SELECT * FROM tc WHERE a = ? AND b IN (" + ", ".join("?" * n) + ")"
        else:  # values of another type than the key column: the general path converts them
            keys = [rng.choice(["4", 4.0, 4.5, True, "x", 10**30 if rng.random() < 0.3 else 6])]
            q = "SELECT * FROM ti WHERE id = ?"
        fast = outcome(lambda q, p: session.execute(q, p).fetchall(), q, keys)
        slow = outcome(general, session, q, keys)
        if fast[0] == "rows" and slow[0] == "rows":
            # repr: NaN equals itself, -0.0 differs from 0.0, 1 from 1.0
            assert sorted(map(repr, fast[1])) == sorted(map(repr, slow[1])), (q, keys)
        else:
            assert fast == slow, (q, keys)
        if fast[0] == "rows" and kind in (0, 1):
            key_col = 0 if kind == 0 else 1
            got = [r[key_col] for r in fast[1]]
            assert got == sorted(set(got)), "rows in key order, each once"
    if tx is not None:
        assert tx.execute("SELECT s FROM ti WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [0, 1, 2, 3, 6, 8, 11, 4, 0, None]).fetchall() == [("upd",), ("own",), ("upd",), ("own3",),
                                                                            ("upd",)]
        tx.rollback()
        assert db.execute("SELECT s FROM ti WHERE id = ?", [11]).fetchone() == ("committed after the transaction began",)


def test_point_reads_follow_ddl(db):
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"v{i}") for i in range(50)])
    q1, qn = "SELECT * FROM t WHERE id = ?", "SELECT * FROM t WHERE id IN (" + ", ".join("?" * 20) + ")"
    keys = list(range(0, 60, 3))[:20]
    assert db.execute(q1, [3]).fetchall() == [(3, "v3")]
    assert len(db.execute(qn, keys).fetchall()) == 17
    db.execute("ALTER TABLE t ADD COLUMN b INT DEFAULT 7")
    assert db.execute(q1, [3]).fetchall() == [(3, "v3", 7)]
    assert db.execute(qn, keys).fetchall()[0] == (0, "v0", 7)
    db.execute("DROP TABLE t")
    with pytest.raises(ax.exceptions.TableNotFoundError):
        db.execute(q1, [3])
    db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, z DOUBLE)")
    db.execute("INSERT INTO t VALUES ('3', 0.5)")
    assert db.execute(q1, ["3"]).fetchall() == [("3", 0.5)]
    # an int for a text key goes the general way (which decides what it means)
    assert outcome(lambda: db.execute(q1, [3]).fetchall()) == outcome(lambda: general(db, q1, [3]))


def test_point_reads_while_another_thread_changes_the_schema(db):
    # Autocommit point reads run without a snapshot: a row must never be decoded with the
    # descriptor of another schema, whatever DDL commits meanwhile.
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"v{i}") for i in range(100)])
    stop = threading.Event()
    errors: list[BaseException] = []

    def reader() -> None:
        rng = random.Random(1)
        try:
            while not stop.is_set():
                keys = [rng.randrange(100) for _ in range(rng.choice([1, 12]))]
                q = "SELECT * FROM t WHERE id " + ("= ?" if len(keys) == 1 else "IN (" + ", ".join("?" * 12) + ")")
                cur = db.execute(q, keys)
                width = len(cur.description)
                for row in cur.fetchall():
                    assert len(row) == width and row[1] == f"v{row[0]}"
                    if width == 3:
                        assert row[2] in (None, 5)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(15):
            db.execute("ALTER TABLE t ADD COLUMN b INT DEFAULT 5")
            db.execute("ALTER TABLE t DROP COLUMN b")
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[0]


PARAM_VALUES = [0, 1, -1, 2**31, -(2**31) - 1, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 1.5, -0.0, float("nan"),
                float("inf"), float("-inf"), "", "abc", "ü€日本", "a" * 300, "\ud800", True, False, None,
                dt.date(2024, 2, 29), dt.datetime(2024, 2, 29, 1, 2, 3, 4), np.int64(7), np.float32(0.5)]


@pytest.mark.parametrize("value", PARAM_VALUES, ids=repr)
def test_parameters_and_results_cross_as_the_general_path_reads_them(db, value):
    fast = outcome(lambda: db.execute("SELECT ? AS x", [value]).fetchall())
    slow = outcome(lambda: [tuple(r.values()) for r in db.sql("SELECT ? AS x", [value], eager=True).to_arrow()
                            .to_pylist()])
    assert repr(fast) == repr(slow)


def test_result_values_round_trip(db):
    rows = [
        (-(2**63), 2**64 - 1, "a" * 70000, b"", Decimal("-12345678901234.5678"), dt.date(1, 1, 1),
         dt.datetime(1969, 12, 31, 23, 59, 59, 999999), np.array([1.5, -2], np.float32), True, -1.5),
        (2**63 - 1, 0, "é\x00\n\"'\\", b"\x00" * 5, Decimal("0.0001"), dt.date(9999, 12, 31),
         dt.datetime(2262, 4, 11), np.array([0, np.inf], np.float32), False, 3.25),
        (0, None, None, None, None, None, None, None, None, None),
    ]
    types = [pa.int64(), pa.uint64(), pa.string(), pa.binary(), pa.decimal128(20, 4), pa.date32(), pa.timestamp("us"),
             pa.list_(pa.float32(), 2), pa.bool_(), pa.float32()]
    names = ["id", "u", "s", "b", "d", "day", "ts", "e", "ok", "r"]
    cols = [pa.array([r[j] if j != 7 or r[j] is None else r[j].tolist() for r in rows], t) for j, t in enumerate(types)]
    db.create_table("v", pa.table(dict(zip(names, cols))), primary_key="id")
    for q, params in [("SELECT * FROM v WHERE id IN (?, ?, ?)", [r[0] for r in rows]),
                      ("SELECT * FROM v ORDER BY id", [])]:
        got = sorted(db.execute(q, params).fetchall(), key=lambda r: r[0])
        want = sorted(rows, key=lambda r: r[0])
        for g, w in zip(got, want):
            assert g[:7] == w[:7] and g[8:] == w[8:]
            assert type(g[1]) is type(w[1]) and type(g[4]) is type(w[4])
            if w[7] is None:
                assert g[7] is None
            else:
                assert g[7].dtype == np.float32 and np.array_equal(g[7], w[7]) and g[7].flags.writeable
    wide = ", ".join(f"{i} AS c{i}" for i in range(300))
    assert db.execute(f"SELECT {wide}").fetchone() == tuple(range(300))
    cur = db.execute("SELECT * FROM v WHERE id = ?", [0])
    assert [d[:2] for d in cur.description][:3] == [("id", "Int64"), ("u", "UInt64"), ("s", "String")]


def test_many_rows_from_the_general_path(db):
    db.create_table("big", pa.table({"id": np.arange(70_000), "x": np.arange(70_000) * 0.5}), primary_key="id")
    got = db.execute("SELECT id, x FROM big WHERE id >= ? ORDER BY id", [0]).fetchall()
    assert len(got) == 70_000 and got[-1] == (69_999, 34999.5) and got[1] == (1, 0.5)


def test_large_is_in_equals_a_merge(db):
    n = 200_000
    rng = np.random.default_rng(3)
    ids = rng.permutation(n * 2)[:n].astype(np.int64)
    vals = rng.random(n)
    db.create_table("t", pa.table({"id": ids, "v": vals, "s": [f"s{i}" for i in range(n)]}), primary_key="id")
    keys = rng.integers(-1000, 2 * n + 1000, 100_000)  # missing keys, duplicates, outside the range
    got = db.table("t").filter(ax.col("id").is_in(keys)).collect().to_pandas()
    want = pd.DataFrame({"id": ids, "v": vals}).merge(pd.DataFrame({"id": np.unique(keys)}), on="id")
    got = got.sort_values("id").reset_index(drop=True)
    want = want.sort_values("id").reset_index(drop=True)
    assert len(got) == len(want) > 0
    assert np.array_equal(got["id"].to_numpy(), want["id"].to_numpy())
    assert np.array_equal(got["v"].to_numpy(), want["v"].to_numpy())
    assert not math.isnan(got["v"].sum())
    # the same keys in SQL, 1,000 per statement, in key order
    chunk = keys[:1000].tolist()
    rows = db.execute("SELECT id, v FROM t WHERE id IN (" + ", ".join("?" * 1000) + ")", chunk).fetchall()
    assert [r[0] for r in rows] == sorted(set(chunk) & set(ids.tolist()))


def test_int_runs_pack_as_their_values(db):
    """An IN list of more than 8 exact ints crosses as one packed run ('I'); the rows are
    the general path's, and lists that cannot be a run (a bool, None, a float, an int past
    64 bits, a NumPy int) still give what they gave value by value."""
    from alopex.database import _pack_params

    db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"v{i}") for i in range(-50, 200, 3)])
    run = [7, -50, 1, 1, 2**62, -(2**63), 2**63 - 1, 199, 4, 13, 13, 100]
    assert _pack_params(run)[:1] == b"I"
    assert _pack_params([True] + run)[:1] != b"I"
    for keys in (run, run + [True], run + [None], run + [2.0], run + [2**64], run + [np.int64(4)],
                 list(range(-60, 220))):
        q = f"SELECT * FROM t WHERE id IN ({', '.join('?' * len(keys))})"
        assert outcome(lambda q=q, keys=keys: db.execute(q, keys).fetchall()) == outcome(general, db, q, keys)
    rows = db.execute("SELECT id FROM t WHERE id IN (" + ", ".join("?" * 12) + ")", run).fetchall()
    assert rows == [(-50,), (1,), (4,), (7,), (13,), (100,), (199,)]
