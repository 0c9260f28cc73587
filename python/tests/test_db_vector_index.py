"""Vector indexes inside stored tables: CREATE INDEX … USING HNSW / FLAT,
searched by ORDER BY VEC_*_DISTANCE(col, ?) LIMIT k in SQL and by bottom_k in
the DataFrame API, kept current in every transaction, checked against exact
search with numpy."""

from __future__ import annotations

import os
import struct

import numpy as np
import pytest

import alopex as ax
from alopex import _ffi

DIM = 16
DIST = {"l2": "VEC_L2_DISTANCE", "cosine": "VEC_COSINE_DISTANCE", "ip": "VEC_NEGATIVE_INNER_PRODUCT"}


def _exact(X: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int, metric: str) -> list[int]:
    if metric == "l2":
        d = ((X - q) ** 2).sum(axis=1)
    elif metric == "cosine":
        d = 1 - (X @ q) / (np.linalg.norm(X, axis=1) * np.linalg.norm(q))
    else:
        d = -(X @ q)
    order = np.lexsort((ids, d))  # ties by id
    return [int(i) for i in ids[order[:k]]]


def _stats(db, table: str, index: str) -> dict:
    """The in-memory state of a vector index: built, vectors, searches, fallbacks."""
    for t in _ffi.db_describe(db._db):
        if t["name"] == table:
            for ix in t["vector_indexes"]:
                if ix["name"] == index:
                    return ix
    raise AssertionError(f"no vector index {index} on {table}")


@pytest.fixture
def docs():
    rng = np.random.default_rng(7)
    n = 3000
    X = rng.standard_normal((n, DIM)).astype(np.float32)
    with ax.connect() as db:
        db.sql(f"CREATE TABLE docs (id BIGINT PRIMARY KEY, cat INT, title TEXT, emb VECTOR({DIM}))")
        db.insert("docs", ax.DataFrame({"id": np.arange(n), "cat": np.arange(n) % 10,
                                        "title": [f"doc {i}" for i in range(n)], "emb": X}))
        yield db, X, np.arange(n)


@pytest.mark.parametrize("metric", ["l2", "cosine", "ip"])
def test_flat_index_answers_exactly_in_sql_and_dataframe_api(docs, metric):
    db, X, ids = docs
    db.sql(f"CREATE INDEX by_emb ON docs USING FLAT (emb) WITH (metric='{metric}')")
    rng = np.random.default_rng(1)
    for _ in range(5):
        q = rng.standard_normal(DIM).astype(np.float32)
        sql = f"SELECT id FROM docs ORDER BY {DIST[metric]}(emb, ?) LIMIT 10"
        assert "INDEX flat by_emb" in db.sql(sql, [q]).explain()
        assert db.sql(sql, [q], eager=True)["id"].to_list() == _exact(X, ids, q, 10, metric)
        sql = f"SELECT id FROM docs WHERE cat IN (2, 3) AND id > 100 ORDER BY {DIST[metric]}(emb, ?) LIMIT 7"
        allowed = ((ids % 10 == 2) | (ids % 10 == 3)) & (ids > 100)
        assert db.sql(sql, [q], eager=True)["id"].to_list() == _exact(X[allowed], ids[allowed], q, 7, metric)
    if metric == "l2":
        dist = ax.col("emb").vec.l2_distance(q)
        lf = db.table("docs").filter(ax.col("cat") == 4).bottom_k(5, by=dist).select("id")
        assert "INDEX flat by_emb" in lf.explain()
        allowed = ids % 10 == 4
        assert lf.collect()["id"].to_list() == _exact(X[allowed], ids[allowed], q, 5, "l2")
    st = _stats(db, "docs", "by_emb")
    assert st["built"] and st["vectors"] == len(ids)
    assert st["searches"] >= 10 and st["fallbacks"] == 0  # the index answered every search


def test_hnsw_index_recall_and_filters(docs):
    db, X, ids = docs
    db.sql("CREATE INDEX by_emb ON docs USING HNSW (emb) WITH (metric='cosine', m=16, ef_construction=100)")
    rng = np.random.default_rng(2)
    found = total = 0
    for _ in range(20):
        q = rng.standard_normal(DIM).astype(np.float32)
        got = db.sql("SELECT id, cat FROM docs WHERE cat = 3 ORDER BY VEC_COSINE_DISTANCE(emb, ?) LIMIT 10",
                     [q], eager=True)
        assert set(got["cat"].to_list()) == {3}  # never a row outside the filter
        assert got.height == 10
        allowed = ids % 10 == 3
        want = _exact(X[allowed], ids[allowed], q, 10, "cosine")
        found += len(set(got["id"].to_list()) & set(want))
        total += 10
    assert found / total >= 0.9
    assert _stats(db, "docs", "by_emb")["fallbacks"] == 0


def test_k_rows_whenever_k_rows_pass_the_filter(docs):
    db, X, ids = docs
    db.sql("CREATE INDEX by_emb ON docs USING HNSW (emb)")
    q = X[0]
    got = db.sql("SELECT id FROM docs WHERE id < 3 ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 10", [q], eager=True)
    assert sorted(got["id"].to_list()) == [0, 1, 2]
    got = db.sql("SELECT id FROM docs WHERE id < 0 ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 10", [q], eager=True)
    assert got.height == 0
    got = db.sql("SELECT id FROM docs ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 18446744073709551615", [q], eager=True)
    assert got.height == len(ids)


def test_index_follows_transactions_and_snapshots(tmp_path):
    with ax.connect(str(tmp_path / "db")) as db:
        db.sql("CREATE TABLE v (id INT PRIMARY KEY, emb VECTOR(2))")
        db.insert("v", {"id": list(range(20)), "emb": np.array([[i, 0] for i in range(20)], dtype=np.float32)})
        db.sql("CREATE INDEX by_emb ON v USING HNSW (emb)")
        q = np.array([3.2, 0], dtype=np.float32)
        sql = "SELECT id FROM v ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 3"
        assert db.sql(sql, [q], eager=True)["id"].to_list() == [3, 4, 2]
        old = db.transaction()
        old.__enter__()
        assert old.sql(sql, [q], eager=True)["id"].to_list() == [3, 4, 2]  # builds the snapshot
        db.sql("UPDATE v SET emb = ? WHERE id = 3", [np.array([1000, 0], dtype=np.float32)])
        db.sql("DELETE FROM v WHERE id = 4")
        db.sql("INSERT INTO v VALUES (50, ?)", [np.array([3.1, 0], dtype=np.float32)])
        assert db.sql(sql, [q], eager=True)["id"].to_list() == [50, 2, 5]
        assert old.sql(sql, [q], eager=True)["id"].to_list() == [3, 4, 2]  # its snapshot
        old.__exit__(None, None, None)
        with pytest.raises(RuntimeError):
            with db.transaction() as tx:
                tx.sql("INSERT INTO v VALUES (60, ?)", [q])
                assert tx.sql(sql, [q], eager=True)["id"].to_list() == [60, 50, 2]  # its own write
                raise RuntimeError("roll back")
        assert db.sql(sql, [q], eager=True)["id"].to_list() == [50, 2, 5]  # never the rolled-back row
        st = _stats(db, "v", "by_emb")
        assert st["searches"] >= 5 and st["fallbacks"] == 0
        db.sql("INSERT INTO v VALUES (70, NULL)")
        # A NULL distance sorts first: the answer still equals the exact one.
        assert db.sql(sql, [q], eager=True)["id"].to_list() == [70, 50, 2]
    with ax.connect(str(tmp_path / "db")) as db:  # the index is in the catalog, and saved beside the data
        assert "INDEX hnsw by_emb" in db.sql(sql, [q]).explain()
        assert db.sql(sql + " -- again", [q], eager=True)["id"].to_list() == [70, 50, 2]
        st = _stats(db, "v", "by_emb")
        assert st["from_disk"] and st["searches"] == 0 and st["fallbacks"] == 1  # NULL first: exact
        db.sql("DROP INDEX by_emb ON v")
        assert "INDEX none" in db.sql(sql, [q]).explain()


def test_create_vector_index_from_python(docs):
    db, X, ids = docs
    db.create_vector_index("docs", "emb", metric="cosine", m=8, ef_construction=64)
    db.create_vector_index("docs", "emb", metric="cosine", if_not_exists=True)
    q = X[11]
    lf = db.table("docs").bottom_k(3, by=ax.col("emb").vec.cosine_distance(q)).select("id")
    assert "INDEX hnsw docs_emb_hnsw" in lf.explain()
    assert lf.collect()["id"].to_list()[0] == 11
    with pytest.raises(ax.InvalidInputError, match="kind"):
        db.create_vector_index("docs", "emb", kind="ivf")
    with pytest.raises(ax.InvalidInputError, match="plain SQL name"):
        db.create_vector_index("docs; DROP TABLE docs", "emb")


def test_tidb_and_mysql_spellings(docs):
    db, X, ids = docs
    db.sql("CREATE VECTOR INDEX c ON docs ((VEC_COSINE_DISTANCE(emb))) USING HNSW")
    db.sql("CREATE INDEX l ON docs (emb) USING HNSW")
    q = X[9]
    assert "INDEX hnsw c" in db.sql("SELECT id FROM docs ORDER BY VEC_COSINE_DISTANCE(emb, ?) LIMIT 3", [q]).explain()
    assert "INDEX hnsw l" in db.sql("SELECT id FROM docs ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 3", [q]).explain()
    db.sql("CREATE INDEX IF NOT EXISTS l ON docs USING HNSW (emb)")


@pytest.mark.parametrize("stmt, match", [
    ("CREATE INDEX x ON docs USING HNSW (title)", "needs a VECTOR column"),
    ("CREATE INDEX x ON docs USING HNSW (emb) WITH (metric='hamming')", "unknown metric"),
    ("CREATE INDEX x ON docs USING HNSW (emb) WITH (m=0)", "positive integer"),
    ("CREATE INDEX x ON docs USING HNSW (emb) WITH (color='red')", "unknown option"),
    ("CREATE INDEX x ON docs USING FLAT (emb) WITH (m=8)", "apply to HNSW"),
    ("CREATE INDEX x ON docs USING HNSW (nope)", "nope"),
])
def test_bad_vector_index_definitions(docs, stmt, match):
    db, _, _ = docs
    with pytest.raises(ax.AlopexError, match=match):
        db.sql(stmt)


def test_dropping_the_indexed_column_is_refused(docs):
    db, _, _ = docs
    db.sql("CREATE INDEX by_emb ON docs USING HNSW (emb)")
    with pytest.raises(ax.NotSupportedError, match="vector index"):
        db.sql("ALTER TABLE docs DROP COLUMN emb")


def _fvecs(path: str) -> np.ndarray:
    raw = np.fromfile(path, dtype=np.int32)
    d = int(raw[0])
    return raw.reshape(-1, d + 1)[:, 1:].copy().view(np.float32)


BIGANN = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "bigann10k")


@pytest.mark.skipif(not os.path.isdir(BIGANN), reason="needs ../shared/data/bigann10k")
def test_bigann10k_recall_after_deletes_and_reinserts():
    base = _fvecs(os.path.join(BIGANN, "bigann10k_base.fvecs"))
    queries = _fvecs(os.path.join(BIGANN, "bigann10k_query.fvecs"))[:100]
    n, d = base.shape
    with ax.connect() as db:
        db.sql(f"CREATE TABLE b (id INT PRIMARY KEY, emb VECTOR({d}))")
        db.insert("b", ax.DataFrame({"id": np.arange(n), "emb": base}))
        db.sql("CREATE INDEX h ON b USING HNSW (emb) WITH (m=16, ef_construction=200)")
        db.sql("SELECT id FROM b ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 1", [queries[0]], eager=True)  # builds
        # 20% of the rows deleted and re-inserted with new vectors (another row's, shifted).
        rng = np.random.default_rng(3)
        moved = rng.choice(n, n // 5, replace=False)
        new = base[rng.permutation(moved)] + rng.normal(0, 1, (len(moved), d)).astype(np.float32)
        with db.transaction() as tx:
            tx.sql("DELETE FROM b WHERE id IN (" + ",".join(map(str, moved)) + ")")
        db.insert("b", ax.DataFrame({"id": moved, "emb": new}))
        current = base.copy()
        current[moved] = new
        found = 0
        for q in queries:
            got = db.sql("SELECT id FROM b ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 10", [q], eager=True)["id"]
            want = _exact(current, np.arange(n), q, 10, "l2")
            found += len(set(got.to_list()) & set(want))
        assert found / (10 * len(queries)) >= 0.95
        st = _stats(db, "b", "h")
        assert st["searches"] == len(queries) + 1 and st["fallbacks"] == 0


def test_fvecs_reader_roundtrip(tmp_path):
    p = tmp_path / "x.fvecs"
    with open(p, "wb") as f:
        for row in ([1.0, 2.0], [3.0, 4.5]):
            f.write(struct.pack("<i", 2) + struct.pack("<2f", *row))
    assert _fvecs(str(p)).tolist() == [[1.0, 2.0], [3.0, 4.5]]


@pytest.mark.parametrize("percent", [50, 10, 1, 0.1])
def test_filtered_search_at_every_selectivity(percent):
    # 10k rows; the filter keeps `percent`% of them (by a bucket column).
    rng = np.random.default_rng(int(percent * 10))
    n = 10_000
    X = rng.standard_normal((n, DIM)).astype(np.float32)
    bucket = rng.permutation(n) % 1000  # 0..999, each 10 rows
    keep = bucket < int(percent * 10)
    with ax.connect() as db:
        db.sql(f"CREATE TABLE f (id INT PRIMARY KEY, bucket INT, emb VECTOR({DIM}))")
        db.insert("f", ax.DataFrame({"id": np.arange(n), "bucket": bucket, "emb": X}))
        db.sql("CREATE INDEX h ON f USING HNSW (emb) WITH (metric='l2')")
        found = total = 0
        for _ in range(10):
            q = rng.standard_normal(DIM).astype(np.float32)
            got = db.sql("SELECT id, bucket FROM f WHERE bucket < ? ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 10",
                         [int(percent * 10), q], eager=True)
            assert got.height == min(10, int(keep.sum()))  # k rows whenever k rows pass
            assert all(b < percent * 10 for b in got["bucket"].to_list())  # never outside the filter
            want = _exact(X[keep], np.arange(n)[keep], q, 10, "l2")
            found += len(set(got["id"].to_list()) & set(want))
            total += len(want)
        assert found / total >= 0.9
        st = _stats(db, "f", "h")
        assert st["searches"] + st["fallbacks"] == 10


def _recall_at(db, X, ids, queries, k=10) -> float:
    hits = 0
    for q in queries:
        got = db.sql(f"SELECT id FROM hard ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT {k}", [q], eager=True)
        hits += len(set(got["id"].to_list()) & set(_exact(X, ids, q, k, "l2")))
    return hits / (k * len(queries))


def test_hnsw_ef_search_session_variable():
    """SET hnsw_ef_search widens stored HNSW searches (DuckDB vss's name):
    a sparse graph misses neighbours at the smallest breadth and finds them
    all at a large one; DEFAULT goes back; transactions take the
    connection's value; bad values are refused by name."""
    rng = np.random.default_rng(11)
    n, dim = 3000, 48
    X = rng.standard_normal((n, dim)).astype(np.float32)
    ids = np.arange(n)
    queries = rng.standard_normal((20, dim)).astype(np.float32)
    with ax.connect() as db:
        db.sql(f"CREATE TABLE hard (id BIGINT PRIMARY KEY, emb VECTOR({dim}))")
        db.insert("hard", ax.DataFrame({"id": ids, "emb": X}))
        db.sql("CREATE INDEX h ON hard USING HNSW (emb) WITH (m=4, ef_construction=16)")
        db.sql("SET hnsw_ef_search = 1")  # at least k is used
        narrow = _recall_at(db, X, ids, queries)
        db.execute("SET @@session.hnsw_ef_search = 2000")
        wide = _recall_at(db, X, ids, queries)
        assert wide >= 0.99 and narrow < wide - 0.05, (narrow, wide)
        with db.transaction() as tx:
            got = tx.sql("SELECT id FROM hard ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 10", [queries[0]], eager=True)
            assert len(set(got["id"].to_list()) & set(_exact(X, ids, queries[0], 10, "l2"))) >= 9
        db.sql("SET hnsw_ef_search = DEFAULT")
        assert _recall_at(db, X, ids, queries) < wide
        assert _stats(db, "hard", "h")["fallbacks"] == 0
        for stmt, exc, match in [
            ("SET hnsw_ef_search = 0", ax.InvalidInputError, "between 1 and"),
            ("SET hnsw_ef_search = -5", ax.InvalidInputError, "between 1 and"),
            ("SET hnsw_ef_search = 'wide'", ax.InvalidInputError, "integer"),
            ("SET GLOBAL hnsw_ef_search = 10", ax.NotSupportedError, "GLOBAL"),
            ("SET @ef = 10", ax.NotSupportedError, "user variables"),
            ("SET hnsw_ef = 10", ax.NotSupportedError, "hnsw_ef_search"),
        ]:
            with pytest.raises(exc, match=match):
                db.sql(stmt)


def _search_sql(db, q, k, metric, where=""):
    fn = DIST[metric]
    return db.sql(f"SELECT id, {fn}(emb, ?) AS d FROM docs {where} ORDER BY d, id LIMIT {k}", [q], eager=True)


@pytest.mark.parametrize("metric", ["l2", "cosine", "ip"])
@pytest.mark.parametrize("indexed", [True, False])
def test_batch_search_equals_sql_per_query(docs, metric, indexed):
    """db.search answers many queries in one call exactly as SQL's ORDER BY
    VEC_*_DISTANCE … LIMIT k answers each (FLAT index, or none: exact), with
    the filter as SQL text or as an expression."""
    db, X, ids = docs
    if indexed:
        db.create_vector_index("docs", "emb", kind="flat", metric=metric)
    rng = np.random.default_rng(3)
    Q = rng.standard_normal((7, DIM)).astype(np.float32)
    for filt, where in [(None, ""), ("cat IN (2, 5) AND id > 100", "WHERE cat IN (2, 5) AND id > 100"),
                        ((ax.col("cat") == 4) & (ax.col("id") < 2500), "WHERE cat = 4 AND id < 2500")]:
        got = db.search("docs", Q, k=6, filter=filt, metric=None if indexed else metric)
        assert got.columns == ["query", "id", "cat", "title", "emb", "_distance"]
        assert got["query"].to_list() == [i for i in range(7) for _ in range(6)]
        for i, q in enumerate(Q):
            want = _search_sql(db, q, 6, metric, where)
            part = got.filter(ax.col("query") == i)
            assert part["id"].to_list() == want["id"].to_list()
            np.testing.assert_allclose(part["_distance"].to_numpy(), want["d"].to_numpy(), rtol=1e-4, atol=1e-4)
            row = X[part["id"].to_list()[0]]
            assert part["title"].to_list()[0] == f"doc {part['id'].to_list()[0]}"
            np.testing.assert_array_equal(part["emb"].to_numpy()[0], row)


def test_batch_search_with_hnsw_recall_and_filter(docs):
    db, X, ids = docs
    db.sql("CREATE INDEX h ON docs USING HNSW (emb) WITH (metric='l2')")
    rng = np.random.default_rng(4)
    Q = rng.standard_normal((40, DIM)).astype(np.float32)
    before = _stats(db, "docs", "h")["searches"]
    got = db.search("docs", Q, k=10, filter="cat = 7", columns=["id", "cat"], ef=100)
    assert set(got["cat"].to_list()) == {7}
    allowed = ids[ids % 10 == 7]
    hits = sum(len(set(got.filter(ax.col("query") == i)["id"].to_list()) & set(_exact(X[allowed], allowed, q, 10, "l2")))
               for i, q in enumerate(Q))
    assert hits / 400 >= 0.9
    st = _stats(db, "docs", "h")
    assert st["searches"] - before == 40 and st["fallbacks"] == 0
    one = db.search("docs", Q[0], k=3, columns=["id"])  # one vector: one query
    assert one["query"].to_list() == [0, 0, 0]


def test_batch_search_snapshot_own_writes_and_nulls(tmp_path):
    with ax.connect(str(tmp_path / "db")) as db:
        db.sql("CREATE TABLE t (id INT PRIMARY KEY, emb VECTOR(2))")
        db.sql("INSERT INTO t VALUES (1, '[0,0]'), (2, '[5,5]'), (3, NULL)")
        db.sql("CREATE INDEX h ON t USING HNSW (emb)")
        assert db.search("t", [0, 0], k=10)["id"].to_list() == [1, 2]  # NULL vectors never come back
        with db.transaction() as tx:
            tx.sql("INSERT INTO t VALUES (4, '[0.1,0.1]')")
            tx.sql("DELETE FROM t WHERE id = 1")
            assert tx.search("t", [0, 0], k=2)["id"].to_list() == [4, 2]  # its own writes (exact)
            assert db.search("t", [0, 0], k=2)["id"].to_list() == [1, 2]  # others: the committed state
        assert db.search("t", [0, 0], k=2)["id"].to_list() == [4, 2]
        empty = db.search("t", [[0, 0], [1, 1]], k=2, filter="id > 100")
        assert empty.shape == (0, 4) and empty.columns == ["query", "id", "emb", "_distance"]


def test_batch_search_bad_input(docs):
    db, X, ids = docs
    q = np.zeros(DIM, np.float32)
    cases = [
        (dict(queries=np.zeros((2, DIM + 1))), ax.InvalidInputError, "dimension 17"),
        (dict(queries=[np.nan] * DIM), ax.InvalidInputError, "position 0"),
        (dict(queries=q, k=0), ax.InvalidInputError, "k must be"),
        (dict(queries=q, filter=3), TypeError, "filter"),
        (dict(queries=q, filter="nosuch = 1"), ax.ColumnNotFoundError, "nosuch"),
        (dict(queries=q, columns=["titel"]), ax.ColumnNotFoundError, "did you mean 'title'"),
        (dict(queries=q, column="title"), ax.InvalidInputError, "not a VECTOR column"),
        (dict(queries=q, metric="hamming"), ax.InvalidInputError, "unknown metric"),
        (dict(queries=[[]]), ax.InvalidInputError, "shape"),
    ]
    for kwargs, exc, match in cases:
        with pytest.raises(exc, match=match):
            db.search("docs", **kwargs)
    with pytest.raises(ax.TableNotFoundError):
        db.search("nodocs", q)
    db.sql("CREATE TABLE two (id INT PRIMARY KEY, a VECTOR(2), b VECTOR(2), query INT)")
    with pytest.raises(ax.InvalidInputError, match="several VECTOR columns"):
        db.search("two", [0, 0])
    with pytest.raises(ax.InvalidInputError, match="columns="):
        db.search("two", [0, 0], column="a")
    assert db.search("two", [0, 0], column="a", columns=["id"]).shape == (0, 3)


def test_index_build_shows_progress(monkeypatch):
    """Building a stored index at its first search reports progress, which
    the waiting call shows as a tqdm bar."""
    import sys
    import types

    bars = []

    class FakeBar:
        def __init__(self, total, desc, **kw):
            self.total, self.desc, self.n, self.closed = total, desc, 0, False
            bars.append(self)

        def update(self, k):
            self.n += k

        def close(self):
            self.closed = True

    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    monkeypatch.setattr(_ffi, "PROGRESS_AFTER_S", 0.0)
    rng = np.random.default_rng(5)
    n, dim = 20_000, 16
    with ax.connect() as db:
        db.sql(f"CREATE TABLE big (id BIGINT PRIMARY KEY, emb VECTOR({dim}))")
        db.insert("big", ax.DataFrame({"id": np.arange(n), "emb": rng.standard_normal((n, dim)).astype(np.float32)}))
        db.sql("CREATE INDEX h ON big USING HNSW (emb)")
        assert _ffi.progress() == []
        db.sql("SELECT id FROM big ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 3", [np.zeros(dim, np.float32)], eager=True)
        assert _ffi.progress() == []
    assert bars, "no progress bar while the index was built"
    b = bars[0]
    assert b.desc == "building vector index h on big" and b.closed
    assert 0 < b.n <= n and b.total >= 0.5 * n
