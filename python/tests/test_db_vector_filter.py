"""Filtered searches of a stored vector index (`WHERE … ORDER BY
VEC_L2_DISTANCE(emb, ?) LIMIT k`): the rows are exactly those of the
snapshot that pass the filter, at every selectivity, with and without a
secondary index on the filtered column; the filter's allow-list is made once
per version of the table and reused by the next searches, never across a
commit to the table nor by a transaction with its own writes."""

from __future__ import annotations

import numpy as np
import pytest

import alopex as ax
from alopex import _ffi

DIM = 16
K = 10
SQL = f"SELECT id, bucket FROM f WHERE bucket < ? ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT {K}"


def _stats(db) -> dict:
    for t in _ffi.db_describe(db._db):
        if t["name"] == "f":
            return t["vector_indexes"][0]
    raise AssertionError("no table f")


def _exact(rows: dict[int, tuple[int, np.ndarray]], q: np.ndarray, limit: int) -> list[int]:
    """The ids of the K rows with bucket < limit nearest to q (rows: id -> (bucket, vector))."""
    ids = np.array([i for i, (b, _) in rows.items() if b < limit], dtype=np.int64)
    if len(ids) == 0:
        return []
    X = np.stack([rows[i][1] for i in ids])
    d = ((X.astype(np.float64) - q) ** 2).sum(axis=1)
    return [int(i) for i in ids[np.lexsort((ids, d))[:K]]]


def _check(conn, rows, q, limit, kind) -> None:
    got = conn.sql(SQL, [limit, q], eager=True)
    want = _exact(rows, q, limit)
    assert got.height == len(want)  # k rows whenever k rows pass
    assert all(b < limit for b in got["bucket"].to_list())  # never a row outside the filter
    assert set(got["id"].to_list()) <= set(rows)  # never a row outside the snapshot
    if kind == "flat":
        assert got["id"].to_list() == want
    else:
        assert len(set(got["id"].to_list()) & set(want)) >= 0.8 * len(want)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
@pytest.mark.parametrize("secondary", [False, True])
@pytest.mark.parametrize("percent", [50, 10, 1, 0.1])
def test_filtered_search_equals_exact_and_reuses_the_allow_list(kind, secondary, percent):
    rng = np.random.default_rng(int(percent * 10) + 7 * secondary)
    n = 4000
    X = rng.standard_normal((n, DIM)).astype(np.float32)
    bucket = rng.permutation(n) % 1000  # 0..999, 4 rows each
    limit = int(percent * 10)  # bucket < limit: percent% of the rows
    rows = {i: (int(bucket[i]), X[i]) for i in range(n)}
    queries = rng.standard_normal((4, DIM)).astype(np.float32)
    with ax.connect() as db:
        db.sql(f"CREATE TABLE f (id INT PRIMARY KEY, bucket INT, emb VECTOR({DIM}))")
        db.insert("f", ax.DataFrame({"id": np.arange(n), "bucket": bucket, "emb": X}))
        db.sql(f"CREATE INDEX h ON f USING {kind.upper()} (emb)")
        if secondary:
            db.sql("CREATE INDEX by_bucket ON f (bucket)")
        db.sql("SET hnsw_ef_search = 64")
        for q in queries:
            _check(db, rows, q, limit, kind)
        st = _stats(db)
        # One allow-list for the four searches of the unchanged table.
        assert (st["filter_masks"], st["filter_masks_reused"]) == (1, 3)
        assert st["fallbacks"] == 0

        old = db.transaction()
        old.__enter__()
        _check(old, rows, queries[0], limit, kind)
        # A commit moves rows in and out of the filter, deletes and inserts.
        out_ids = [i for i in range(n) if bucket[i] < limit][:3]
        in_ids = [i for i in range(n) if bucket[i] >= limit][:3]
        new = rng.standard_normal((3, DIM)).astype(np.float32)
        old_rows = dict(rows)
        with db.transaction() as tx:
            tx.sql(f"UPDATE f SET bucket = 999 WHERE id IN ({', '.join(map(str, out_ids))})")
            tx.sql(f"UPDATE f SET bucket = 0 WHERE id IN ({', '.join(map(str, in_ids))})")
            tx.sql("DELETE FROM f WHERE id = ?", [in_ids[0]])
            for j, v in enumerate(new):
                tx.sql("INSERT INTO f VALUES (?, 0, ?)", [n + j, v])
        for i in out_ids:
            rows[i] = (999, rows[i][1])
        for i in in_ids:
            rows[i] = (0, rows[i][1])
        del rows[in_ids[0]]
        for j, v in enumerate(new):
            rows[n + j] = (0, v)
        made = _stats(db)["filter_masks"]
        for q in (queries[0], new[1]):
            _check(db, rows, q, limit, kind)
        assert _stats(db)["filter_masks"] == made + 1  # the commit made the cached list stale
        _check(old, old_rows, queries[0], limit, kind)  # the old snapshot: its own list
        old.__exit__(None, None, None)

        # A transaction with its own writes to the filter's rows sees them.
        with pytest.raises(RuntimeError):
            with db.transaction() as tx:
                mine = dict(rows)
                tx.sql("INSERT INTO f VALUES (?, 0, ?)", [n + 10, queries[1]])
                mine[n + 10] = (0, queries[1])
                gone = _exact(rows, queries[1], limit)[0]
                tx.sql("DELETE FROM f WHERE id = ?", [gone])
                del mine[gone]
                _check(tx, mine, queries[1], limit, kind)
                raise RuntimeError("roll back")
        _check(db, rows, queries[1], limit, kind)  # the rolled-back rows are gone


@pytest.mark.parametrize("flt", ["bucket < 100", ax.col("bucket") < 100])
def test_batch_search_reuses_the_allow_list_until_a_commit(flt):
    rng = np.random.default_rng(11)
    n = 3000
    X = rng.standard_normal((n, DIM)).astype(np.float32)
    bucket = rng.permutation(n) % 1000
    rows = {i: (int(bucket[i]), X[i]) for i in range(n)}
    Q = rng.standard_normal((3, DIM)).astype(np.float32)
    with ax.connect() as db:
        db.sql(f"CREATE TABLE f (id INT PRIMARY KEY, bucket INT, emb VECTOR({DIM}))")
        db.insert("f", ax.DataFrame({"id": np.arange(n), "bucket": bucket, "emb": X}))
        db.sql("CREATE INDEX h ON f USING FLAT (emb)")

        def check():
            got = db.search("f", Q, k=K, filter=flt, columns=["id"])
            for i, q in enumerate(Q):
                assert got.filter(ax.col("query") == i)["id"].to_list() == _exact(rows, q, 100)

        check()
        check()
        st = _stats(db)
        assert (st["filter_masks"], st["filter_masks_reused"]) == (1, 1)
        near = _exact(rows, Q[0], 100)[0]
        db.sql("UPDATE f SET bucket = 500 WHERE id = ?", [near])  # leaves the filter
        rows[near] = (500, rows[near][1])
        check()
        assert _stats(db)["filter_masks"] == 2
        # A different literal is a different filter.
        got = db.search("f", Q[0], k=K, filter="bucket < 101" if isinstance(flt, str) else ax.col("bucket") < 101,
                        columns=["id"])
        assert got["id"].to_list() == _exact(rows, Q[0], 101)
        assert _stats(db)["filter_masks"] == 3


def test_batch_search_filter_reading_another_table_is_not_cached():
    # The allow-list of a filter with a subquery depends on the other table, whose commits do not
    # make a cached list of f stale: it is made again for every call.
    X = np.array([[i, 0] for i in range(10)], dtype=np.float32)
    with ax.connect() as db:
        db.sql("CREATE TABLE f (id INT PRIMARY KEY, bucket INT, emb VECTOR(2))")
        db.insert("f", ax.DataFrame({"id": np.arange(10), "bucket": np.zeros(10, np.int32), "emb": X}))
        db.sql("CREATE INDEX h ON f USING FLAT (emb)")
        db.sql("CREATE TABLE picked (id INT PRIMARY KEY)")
        db.sql("INSERT INTO picked VALUES (2), (7)")
        flt = "id IN (SELECT id FROM picked)"
        assert db.search("f", [0, 0], k=3, filter=flt, columns=["id"])["id"].to_list() == [2, 7]
        db.sql("INSERT INTO picked VALUES (1)")
        assert db.search("f", [0, 0], k=3, filter=flt, columns=["id"])["id"].to_list() == [1, 2, 7]
        assert _stats(db)["filter_masks_reused"] == 0
