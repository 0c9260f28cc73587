"""Loads from a LazyFrame (``db.create_table(name, ax.scan_parquet(path), …)``, ``db.insert``): the scan's
batches stream into the table as they are read (issue 12: a columnar table's segments are encoded while
the file is read on). A load from a scan must equal the load of the same file read first
(``ax.read_parquet``), for row and columnar tables, and fail the same way, leaving nothing behind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alopex as ax

N = 300_000  # more than two columnar segments (128K rows), and past the row store's bulk threshold


def _table(keys: list[int]) -> pa.Table:
    n = len(keys)
    return pa.table({
        "k": pa.array(keys, pa.int64()),
        "s": pa.array([None if i % 7 == 0 else f"s{i % 1000}" for i in keys], pa.string()),
        "m": pa.array([None if i % 11 == 0 else Decimal(i % 100000) / 100 for i in keys], pa.decimal128(12, 2)),
        "d": pa.array([dt.date(1992, 1, 1) + dt.timedelta(days=i % 2500) for i in keys], pa.date32()),
        "x": pa.array([None if i % 5 == 0 else i * 0.5 for i in range(n)], pa.float64()),
    })


def _write(path, table: pa.Table, row_group_size: int = 50_000) -> str:
    pq.write_table(table, path, row_group_size=row_group_size)
    return str(path)


def _rows(db, name: str) -> list[tuple]:
    return db.execute(f"SELECT * FROM {name} ORDER BY k").fetchall()


@pytest.mark.parametrize("storage", ["row", "columnar"])
@pytest.mark.parametrize("order", ["sorted", "unsorted"])
def test_load_from_scan_equals_load_from_frame(tmp_path, storage, order):
    keys = list(range(N))
    if order == "unsorted":  # row groups out of order, and rows inside some of them too
        keys = keys[200_000:] + keys[:100_000][::-1] + keys[100_000:200_000]
    path = _write(tmp_path / "t.parquet", _table(keys))
    with ax.connect(tmp_path / "db") as db:
        assert db.create_table("f", ax.read_parquet(path), primary_key="k", storage=storage) == N
        assert db.create_table("s", ax.scan_parquet(path), primary_key="k", storage=storage) == N
        assert db.schema("s") == db.schema("f")
        want = _rows(db, "f")
        assert len(want) == N and want[0][0] == 0 and want[-1][0] == N - 1
        assert _rows(db, "s") == want
        # Point reads find rows in every segment.
        got = db.execute("SELECT k, s FROM s WHERE k IN (?, ?, ?)", [0, 150_001, N - 2]).fetchall()
        assert got == [(0, None), (150_001, "s1"), (N - 2, f"s{(N - 2) % 1000}")]
        if storage == "columnar":
            assert "COLUMNAR SCAN s" in db.sql("EXPLAIN SELECT * FROM s")
    with ax.connect(tmp_path / "db") as db:  # and after reopening
        assert _rows(db, "s") == want


@pytest.mark.parametrize("storage", ["row", "columnar"])
def test_load_from_scan_of_a_query_and_an_empty_file(tmp_path, storage):
    path = _write(tmp_path / "t.parquet", _table(list(range(1000))))
    empty = _write(tmp_path / "e.parquet", _table([]))
    with ax.connect(tmp_path / "db") as db:
        lf = ax.scan_parquet(path).filter(ax.col("k") % 3 == 0).select("k", "s")
        assert db.create_table("q", lf, primary_key="k", storage=storage) == 334
        assert db.execute("SELECT count(*), min(k), max(k) FROM q").fetchall() == [(334, 0, 999)]
        assert db.create_table("e", ax.scan_parquet(empty), primary_key="k", storage=storage) == 0
        assert db.execute("SELECT count(*) FROM e").fetchall() == [(0,)]
        assert list(db.schema("e")) == ["k", "s", "m", "d", "x"]
        # insert takes a LazyFrame too (into a table that has rows: by Insert).
        assert db.insert("e", ax.scan_parquet(path).filter(ax.col("k") < 10)) == 10
        assert db.execute("SELECT count(*) FROM e").fetchall() == [(10,)]


@pytest.mark.parametrize("storage", ["row", "columnar"])
def test_duplicate_key_in_a_scan_creates_nothing(tmp_path, storage):
    keys = list(range(N))
    keys[250_000] = 17  # in a late row group: segments before it are already written
    path = _write(tmp_path / "t.parquet", _table(keys))
    with ax.connect(tmp_path / "db") as db:
        with pytest.raises(ax.ConstraintError, match="17"):
            db.create_table("s", ax.scan_parquet(path), primary_key="k", storage=storage)
        assert "s" not in db.tables()
    assert not list((tmp_path / "db").rglob("load-*.sst"))


@pytest.mark.parametrize("storage", ["row", "columnar"])
def test_failure_mid_stream_leaves_no_table(tmp_path, storage):
    t = _table(list(range(N)))
    keys = t.column("k").to_pylist()
    keys[N - 5] = None  # a NULL primary key in the last row group
    path = _write(tmp_path / "t.parquet", t.set_column(0, "k", pa.array(keys, pa.int64())))
    with ax.connect(tmp_path / "db") as db:
        with pytest.raises(ax.AlopexError):
            db.create_table("s", ax.scan_parquet(path), primary_key="k", storage=storage)
        assert "s" not in db.tables()
        # The database goes on: the same name loads from a good scan.
        good = _write(tmp_path / "g.parquet", _table(list(range(1000))))
        assert db.create_table("s", ax.scan_parquet(good), primary_key="k", storage=storage) == 1000
    assert not list((tmp_path / "db").rglob("load-*.sst"))


def test_load_from_scan_inside_a_transaction(tmp_path):
    path = _write(tmp_path / "t.parquet", _table(list(range(5000))), row_group_size=1000)
    with ax.connect(tmp_path / "db") as db:
        with db.transaction() as tx:
            assert tx.create_table("c", ax.scan_parquet(path), primary_key="k", storage="columnar") == 5000
            assert tx.execute("SELECT count(*) FROM c").fetchall() == [(5000,)]
        assert db.execute("SELECT count(*), sum(k) FROM c").fetchall() == [(5000, sum(range(5000)))]
        with pytest.raises(ax.ConstraintError):
            with db.transaction() as tx:
                tx.create_table("d", ax.scan_parquet(path), primary_key="k", storage="columnar")
                tx.insert("d", ax.scan_parquet(path).filter(ax.col("k") == 4999))
        assert "d" not in db.tables()


def test_create_table_as_select_from_a_scan_streams_into_segments(tmp_path):
    path = _write(tmp_path / "t.parquet", _table(list(range(N))))
    t = ax.scan_parquet(path)  # noqa: F841 - the SQL below reads it by name
    with ax.connect(tmp_path / "db") as db:
        db.create_table("f", ax.read_parquet(path), primary_key="k", storage="columnar")
        db.sql("CREATE TABLE c WITH (storage='columnar') AS SELECT * FROM t")
        assert "COLUMNAR SCAN c (3 SEGMENTS)" in db.sql("EXPLAIN SELECT * FROM c")  # all rows in segments
        assert _rows(db, "c") == _rows(db, "f")
        # A duplicate key in the last row group, after segments were written, creates nothing.
        with pytest.raises(ax.ConstraintError, match="5"):
            db.sql("CREATE TABLE bad (PRIMARY KEY (k)) WITH (storage='columnar') AS "
                   "SELECT CASE WHEN k = ? THEN 5 ELSE k END AS k, s FROM t", [N - 3])
        assert "bad" not in db.tables()
    assert not list((tmp_path / "db").rglob("load-*.sst"))
