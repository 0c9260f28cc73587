"""The row cache in front of point reads (database._RowCache) and prepared statements
(db.prepare): a read never answers from a row that a committed write, DDL or an open
transaction has made stale, and a prepared statement gives what execute() gives."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import alopex as ax
from alopex.exceptions import AlopexError

Q = "SELECT * FROM t WHERE id = ?"


@pytest.fixture
def db():
    with ax.connect() as d:
        d.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT, s TEXT)")
        d.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, i * 10, f"s{i}") for i in range(10)])
        yield d


def read(d, k):
    """The row of key k, read twice: a key is kept on its second read (_RowCache), so
    the reads after this one may be answered from the cache, and must be exact."""
    first = d.execute(Q, (k,)).fetchone()
    assert d.execute(Q, (k,)).fetchone() == first
    return first


def test_repeated_reads_are_served_from_the_cache_and_stay_equal(db):
    assert read(db, 3) == (3, 30, "s3")
    assert len(db._rows._map) == 1
    assert read(db, 3) == (3, 30, "s3")
    assert read(db, 99) is None  # a missing key is kept too
    assert read(db, 99) is None
    assert db.execute(Q, (3,)).description == db.execute("SELECT * FROM t WHERE id = 3").description


def test_writes_of_every_kind_are_seen_by_the_next_read(db):
    assert read(db, 1) == (1, 10, "s1") and read(db, 42) is None
    db.execute("UPDATE t SET v = 11 WHERE id = 1")
    assert read(db, 1) == (1, 11, "s1")
    db.execute("INSERT INTO t VALUES (42, 420, 'x')")
    assert read(db, 42) == (42, 420, "x")
    db.execute("DELETE FROM t WHERE id = 42")
    assert read(db, 42) is None
    db.executemany("UPDATE t SET s = ? WHERE id = ?", [("one", 1)])
    assert read(db, 1) == (1, 11, "one")
    db.sql("UPDATE t SET v = 12 WHERE id = 1")
    assert read(db, 1) == (1, 12, "one")
    db.insert("t", {"id": [43], "v": [430], "s": ["y"]})  # the bulk path
    assert read(db, 43) == (43, 430, "y")


def test_a_commit_of_another_session_is_seen(db):
    assert read(db, 2) == (2, 20, "s2")
    with db.transaction() as tx:
        tx.execute("UPDATE t SET v = -2 WHERE id = 2")
        assert read(db, 2) == (2, 20, "s2")  # not committed yet
        assert tx.execute(Q, (2,)).fetchone() == (2, -2, "s2")  # the transaction's own write
    assert read(db, 2) == (2, -2, "s2")
    tx = db.transaction()
    tx.execute("DELETE FROM t WHERE id = 2")
    tx.rollback()
    assert read(db, 2) == (2, -2, "s2")


def test_begin_on_the_connection_reads_its_pending_writes(db):
    assert read(db, 4) == (4, 40, "s4")
    db.execute("BEGIN")
    db.execute("UPDATE t SET v = 0 WHERE id = 4")
    assert read(db, 4) == (4, 0, "s4")  # pending, seen by its own transaction
    db.execute("ROLLBACK")
    assert read(db, 4) == (4, 40, "s4")
    db.sql("BEGIN")
    db.execute("DELETE FROM t WHERE id = 4")
    assert read(db, 4) is None
    db.sql("COMMIT")
    assert read(db, 4) is None


def test_ddl_is_seen(db):
    assert read(db, 5) == (5, 50, "s5")
    db.execute("ALTER TABLE t ADD COLUMN w DOUBLE")
    assert read(db, 5) == (5, 50, "s5", None)
    db.execute("DROP TABLE t")
    with pytest.raises(AlopexError):
        read(db, 5)
    db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")
    assert read(db, 5) is None
    db.execute("INSERT INTO t VALUES (5, 'new')")
    assert read(db, 5) == (5, "new")


def test_keys_equal_across_types_do_not_share_an_entry(db):
    db.execute("CREATE TABLE k (id BIGINT PRIMARY KEY, b BOOLEAN)")
    db.execute("INSERT INTO k VALUES (1, true)")
    q = "SELECT * FROM k WHERE id = ?"
    def outcome(fn):
        try:
            return ("rows", fn())
        except AlopexError as e:
            return ("error", type(e).__name__)

    keys = (1, True, 1.0, "1", 1.5)
    general = [outcome(lambda p=p: db.sql(q, [p], eager=True).rows()) for p in keys]
    for _ in range(2):  # the second round could be answered from the cache
        assert [outcome(lambda p=p: db.execute(q, (p,)).fetchall()) for p in keys] == general


def test_vectors_from_the_cache_are_fresh_arrays(db):
    db.execute("CREATE TABLE e (id BIGINT PRIMARY KEY, emb VECTOR(2))")
    db.execute("INSERT INTO e VALUES (1, '[1, 2]')")
    a = db.execute("SELECT emb FROM e WHERE id = ?", (1,)).fetchone()[0]
    a[0] = 99
    b = db.execute("SELECT emb FROM e WHERE id = ?", (1,)).fetchone()[0]
    assert b.tolist() == [1.0, 2.0]


def test_writes_from_another_thread_are_never_read_stale(db):
    """After a writer's commit returns, no read that starts later sees an older value."""
    done = threading.Event()
    committed = [0]
    errors: list[str] = []

    def writer() -> None:
        try:
            for i in range(1001, 1201):  # never the original value, 70
                db.execute("UPDATE t SET v = ? WHERE id = 7", (i,))
                committed[0] = i
        finally:
            done.set()

    def reader() -> None:
        while not done.is_set():
            floor = committed[0]
            v = db.execute(Q, (7,)).fetchone()[1]
            if v < floor and v != 70:
                errors.append(f"read {v} after {floor} committed")
            elif v == 70 and floor > 0:
                errors.append(f"read the original row after {floor} committed")

    ts = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert read(db, 7) == (7, 1200, "s7")


def test_closed_database_raises_not_a_cached_row(db):
    read(db, 1)
    db.close()
    with pytest.raises(AlopexError):
        read(db, 1)


def test_prepared_statement_gives_what_execute_gives(db):
    cases = [
        (Q, [(1,), (99,), (1.5,), (None,)]),
        ("SELECT s, id FROM t WHERE id IN (?, ?, ?)", [(3, 1, 3), (7, 8, 100)]),
        ("SELECT count(*) FROM t WHERE v > ?", [(20,), (-1,)]),
    ]
    for sql, params in cases:
        st = db.prepare(sql)
        for p in params:
            got = st.execute(p)
            want = db.execute(sql, p)
            assert (got.fetchall(), got.description, got.rowcount) == (want.fetchall(), want.description, want.rowcount)
    st = db.prepare("UPDATE t SET v = ? WHERE id = ?")
    assert st.execute((5, 1)).rowcount == 1
    assert db.prepare(Q).execute((1,)).fetchone() == (1, 5, "s1")
    with pytest.raises(AlopexError) as prepared_err:
        db.prepare(Q).execute((1, 2))
    with pytest.raises(AlopexError) as execute_err:
        db.execute(Q, (1, 2))
    assert type(prepared_err.value) is type(execute_err.value)
    assert str(prepared_err.value) == str(execute_err.value)
    # a string for an integer key reads as a number, as in MySQL: the same row on every path
    assert db.prepare(Q).execute(("1",)).fetchall() == db.execute(Q, ("1",)).fetchall() == [(1, 5, "s1")]
    with pytest.raises(TypeError):
        db.prepare(b"SELECT 1")  # type: ignore[arg-type]


def test_prepared_statement_in_a_transaction_sees_its_writes(db):
    with db.transaction() as tx:
        st = tx.prepare(Q)
        assert st.execute((1,)).fetchone() == (1, 10, "s1")
        tx.execute("UPDATE t SET v = 0 WHERE id = 1")
        assert st.execute((1,)).fetchone() == (1, 0, "s1")
    assert db.prepare(Q).execute([1]).fetchone() == (1, 0, "s1")


def test_numpy_keys_take_the_general_value_path(db):
    # NumPy integers are not exact ints: not cached, but the same rows
    assert db.execute(Q, (np.int64(3),)).fetchone() == read(db, 3)


def test_composite_keys_and_in_lists_with_duplicates(db):
    db.execute("CREATE TABLE c (a BIGINT, b TEXT, v BIGINT, PRIMARY KEY (a, b))")
    db.executemany("INSERT INTO c VALUES (?, ?, ?)", [(1, "x", 10), (1, "y", 11), (2, "x", 20)])
    q = "SELECT v FROM c WHERE a = ? AND b = ?"
    inq = "SELECT a, b, v FROM c WHERE a IN (?, ?, ?) AND b = ?"
    for _ in range(2):
        assert db.execute(q, (1, "y")).fetchall() == [(11,)]
        assert db.execute(q, ("1", "y")).fetchall() == [(11,)]  # '1' reads as 1 beside an integer, as in MySQL
        assert db.execute(inq, (2, 1, 2, "x")).fetchall() == [(1, "x", 10), (2, "x", 20)]
    db.execute("UPDATE c SET v = 0 WHERE a = 1")
    assert db.execute(q, (1, "y")).fetchall() == [(0,)]
    assert db.execute(inq, (2, 1, 2, "x")).fetchall() == [(1, "x", 0), (2, "x", 20)]
    db.execute("DELETE FROM c WHERE a = 2")
    assert db.execute(inq, (2, 1, 2, "x")).fetchall() == [(1, "x", 0)]


def test_large_rows_are_not_kept(db):
    db.execute("INSERT INTO t VALUES (100, 1, ?)", ("x" * 5000,))
    assert read(db, 100)[2] == "x" * 5000
    assert read(db, 1) == (1, 10, "s1")
    assert [k[1] for k in db._rows._map] == [1]


def test_a_result_is_kept_on_the_second_read_of_its_key(db):
    first = db.execute(Q, (3,)).fetchone()
    assert db._rows._map == {}  # read once: nothing kept
    second = db.execute(Q, (3,)).fetchone()
    assert first == second == (3, 30, "s3") and len(db._rows._map) == 1
    third = db.execute(Q, (3,)).fetchone()
    assert third is second  # the kept row itself: answered from the cache
    st = db.prepare(Q)  # the prepared path admits the same way
    assert st.execute((5,)).fetchone() == (5, 50, "s5") and len(db._rows._map) == 1
    assert st.execute((5,)).fetchone() == (5, 50, "s5") and len(db._rows._map) == 2


def test_cold_reads_keep_nothing_for_the_collector(db):
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, i, "x") for i in range(10, 2000)])
    rows = [db.execute(Q, (k,)).fetchone() for k in range(2000)]
    assert rows[1500] == (1500, 1500, "x")
    assert db._rows._map == {}
    assert all(type(h) is int for h in db._rows._seen)  # hashes only: nothing the collector scans


def test_seen_keys_are_bounded_and_a_stale_entry_is_replaced_at_once(db, monkeypatch):
    monkeypatch.setattr(type(db._rows), "MAX_SEEN", 4)
    for k in range(10):
        db.execute(Q, (k,)).fetchone()
        assert len(db._rows._seen) <= 4
    assert read(db, 1) == (1, 10, "s1")
    db.execute("UPDATE t SET v = 7 WHERE id = 1")
    # the kept entry is stale: one read goes into the engine and replaces it
    assert db.execute(Q, (1,)).fetchone() == (1, 7, "s1")
    assert db._rows._map[(Q, 1)][2] == [(1, 7, "s1")]
    assert db.execute(Q, (1,)).fetchone() == (1, 7, "s1")


def test_admission_is_exact_under_writes_of_other_threads(db):
    """Keys read by two readers while another thread updates them: every read returns a
    value at least as new as the last commit that returned before the read began."""
    stop = threading.Event()
    committed = {k: k * 10 for k in range(10)}
    errors: list[str] = []

    def writer() -> None:
        try:
            for i in range(1, 301):
                k = i % 10
                db.execute("UPDATE t SET v = ? WHERE id = ?", (10_000 + i, k))
                committed[k] = 10_000 + i
        finally:
            stop.set()

    def reader(step: int) -> None:
        k = 0
        while not stop.is_set():
            k = (k + step) % 10
            floor = committed[k]
            v = db.execute(Q, (k,)).fetchone()[1]
            if v < floor:
                errors.append(f"key {k}: read {v} after {floor} committed")

    ts = [threading.Thread(target=writer), threading.Thread(target=reader, args=(1,)),
          threading.Thread(target=reader, args=(3,))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert [read(db, k)[1] for k in range(10)] == [committed[k] for k in range(10)]


def test_closed_connection_and_finished_transaction_raise_on_every_path(db):
    st = db.prepare(Q)
    tx = db.transaction()
    assert tx.execute(Q, (1,)).fetchone() == (1, 10, "s1")
    tx.commit()
    with pytest.raises(ax.InvalidInputError, match="already been committed"):
        tx.execute(Q, (1,))
    tx2 = db.transaction()
    tx2.rollback()
    with pytest.raises(ax.InvalidInputError, match="already been committed"):
        tx2.execute(Q, (1,))
    tx3 = db.transaction()
    st3 = tx3.prepare(Q)
    read(db, 2)
    db.close()  # rolls tx3 back
    for call in (lambda: db.execute(Q, (2,)), lambda: st.execute((2,)), lambda: db.execute(Q, (3,)),
                 lambda: tx3.execute(Q, (2,)), lambda: st3.execute((2,))):
        with pytest.raises(AlopexError):
            call()


def test_statement_text_checks(db, tmp_path):
    with pytest.raises(TypeError, match="must be a str"):
        db.execute(b"SELECT 1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a str"):
        db.execute(["SELECT 1"])  # type: ignore[arg-type]
    f = tmp_path / "t.csv"
    for _ in range(2):  # the second time the text's kind comes from the memo
        assert db.execute(f"COPY t TO '{f}'").rowcount == 10
        assert db.execute(" select count(*) from t").fetchone() == (10,)
    long_insert = "INSERT INTO t VALUES " + ", ".join(f"({i}, {i}, 'x')" for i in range(1000, 1400))
    assert db.execute(long_insert).rowcount == 400
    assert long_insert not in ax.database._TEXTS  # long texts are not kept
    assert db.execute(Q, (1,)).description[0][:2] == ("id", "Int64")
    assert db.execute("UPDATE t SET v = 1 WHERE id = 1").description is None
