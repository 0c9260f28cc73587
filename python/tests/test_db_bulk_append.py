"""Large appends to existing stored tables (db.insert, write_database's append,
INSERT … SELECT) outside a transaction are written as sorted files the commit
ingests (storage.Txn.LoadAppend). Each result is compared with the same data
loaded through the insert path, which a transaction forces (its later
statements must read the rows), and the fast path is told apart by the write-ahead
log: ingested rows do not pass through it."""

from __future__ import annotations

import pathlib

import pyarrow as pa
import pytest

import alopex as ax

N = 60_000  # above the 50,000-row threshold of the sorted-file path


def _frame(n: int, start: int = 0, step: int = 1) -> pa.Table:
    ks = list(range(start, start + n * step, step))[::-1]  # unordered input: merged
    return pa.table({
        "k": pa.array(ks, pa.int64()),
        "x": pa.array([k * 0.5 if k % 7 else None for k in ks], pa.float64()),
        "s": pa.array([f"row {k}" if k % 5 else None for k in ks], pa.string()),
    })


def _wal_bytes(path: pathlib.Path) -> int:
    return sum(f.stat().st_size for f in path.glob("*.log"))


def _setup(db) -> None:
    db.sql("CREATE TABLE t (k BIGINT PRIMARY KEY, x DOUBLE, s TEXT)")
    db.insert("t", _frame(1000, start=1, step=2))  # odd keys: the load's are even


def _rows(db, table: str = "t") -> dict:
    return db.sql(f"SELECT * FROM {table} ORDER BY k", eager=True).to_arrow().to_pydict()


@pytest.mark.parametrize("how", ["insert", "write_database", "insert_select"])
def test_large_append_equals_insert_path(tmp_path, how):
    data = _frame(N, step=2)
    results = []
    for fast in (True, False):
        path = tmp_path / f"db-{how}-{fast}"
        with ax.connect(path) as db:
            _setup(db)
            if how == "insert_select":
                db.create_table("src", data, primary_key="k")
            wal = _wal_bytes(path)
            if fast:
                if how == "insert":
                    assert db.insert("t", data) == N
                elif how == "write_database":
                    assert ax.DataFrame(data).write_database("t", db, if_exists="append") == N
                else:
                    assert db.sql("INSERT INTO t SELECT k, x, s FROM src").item() == N
                # The rows skipped the write-ahead log (the insert path logs them).
                assert _wal_bytes(path) - wal < 256 << 10
            else:
                with db.transaction() as tx:
                    if how == "insert":
                        assert tx.insert("t", data) == N
                    elif how == "write_database":
                        assert ax.DataFrame(data).write_database("t", tx, if_exists="append") == N
                    else:
                        assert tx.sql("INSERT INTO t SELECT k, x, s FROM src").item() == N
                assert _wal_bytes(path) - wal > 1 << 20
            results.append(_rows(db))
        with ax.connect(path) as db:  # and after reopening
            assert _rows(db) == results[-1]
    assert results[0] == results[1]
    assert len(results[0]["k"]) == N + 1000


@pytest.mark.parametrize("how", ["insert", "insert_select"])
def test_duplicate_against_stored_rows_leaves_nothing(tmp_path, how):
    with ax.connect(tmp_path / "db") as db:
        _setup(db)
        before = _rows(db)
        bad = pa.concat_tables([_frame(N, step=2), _frame(1, start=1001)])
        if how == "insert_select":
            db.create_table("src", bad)
        with pytest.raises(ax.ConstraintError, match=r"\(k\)=\(1001\)"):
            if how == "insert":
                db.insert("t", bad)
            else:
                db.sql("INSERT INTO t SELECT k, x, s FROM src")
        dup_in_load = pa.concat_tables([_frame(N, step=2), _frame(1, start=40_000)])
        with pytest.raises(ax.ConstraintError, match=r"\(k\)=\(40000\)"):
            db.insert("t", dup_in_load)
        assert _rows(db) == before
        assert not list((tmp_path / "db" / "alopex-tmp").glob("*"))


def test_generated_values_and_defaults_continue(tmp_path):
    with ax.connect(tmp_path / "db") as db:
        db.sql("CREATE TABLE a (id BIGINT AUTO_INCREMENT PRIMARY KEY, v BIGINT NOT NULL, d BIGINT DEFAULT 7)")
        db.sql("CREATE TABLE h (v BIGINT)")  # a hidden row id
        for table in ("a", "h"):
            db.insert(table, pa.table({"v": pa.array(range(10), pa.int64())}))
            assert db.insert(table, pa.table({"v": pa.array(range(10, N), pa.int64())})) == N - 10
            db.sql(f"INSERT INTO {table} (v) VALUES ({N})")
        got = db.sql("SELECT id, v, d FROM a ORDER BY id", eager=True).to_arrow().to_pydict()
        assert got == {"id": list(range(1, N + 2)), "v": list(range(N + 1)), "d": [7] * (N + 1)}
        assert db.sql("SELECT count(*) AS n, count(DISTINCT v) AS d FROM h", eager=True).row(0) == (N + 1, N + 1)
        with pytest.raises(ax.ConstraintError, match="NOT NULL"):
            db.insert("a", pa.table({"v": pa.array([1] * N + [None], pa.int64())}))
        assert db.sql("SELECT count(*) AS n FROM a", eager=True).item() == N + 1


def test_open_transaction_does_not_see_the_load(tmp_path):
    with ax.connect(tmp_path / "db") as db:
        _setup(db)
        tx = db.transaction()
        assert tx.sql("SELECT count(*) AS n FROM t", eager=True).item() == 1000
        db.insert("t", _frame(N, step=2))
        assert tx.sql("SELECT count(*) AS n FROM t", eager=True).item() == 1000
        tx.rollback()
        assert db.sql("SELECT count(*) AS n FROM t", eager=True).item() == N + 1000


def test_create_table_as_select_skips_the_log(tmp_path):
    """An autocommit CREATE TABLE … AS SELECT of a large result is written as sorted files
    (storage.Txn.LoadCreated): its rows skip the write-ahead log, which the same statement in a
    transaction writes them through; both tables hold the same rows, after reopening too."""
    data = _frame(N, step=3)
    results = []
    for fast in (True, False):
        path = tmp_path / f"db-ctas-{fast}"
        with ax.connect(path) as db:
            db.create_table("src", data, primary_key="k")
            wal = _wal_bytes(path)
            q = "CREATE TABLE c AS SELECT k, x, s, k * 2 AS d FROM src WHERE x IS NOT NULL OR s IS NULL"
            if fast:
                db.execute(q)
                assert _wal_bytes(path) - wal < 256 << 10
            else:
                with db.transaction() as tx:
                    tx.execute(q)
                assert _wal_bytes(path) - wal > 1 << 20
            db.execute("INSERT INTO c VALUES (-1, NULL, 'after', -2)")  # hidden row ids continue
            results.append(_rows(db, "c"))
        with ax.connect(path) as db:
            assert _rows(db, "c") == results[-1]
    assert results[0] == results[1]
    assert len(results[0]["k"]) > 50_000
