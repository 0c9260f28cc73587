"""sq8 (int8 scalar-quantized) HNSW indexes of stored tables: one byte per
dimension in memory, candidates re-ranked with the rows' full vectors, so
distances are exact and recall close to the float32 index's."""

from __future__ import annotations

import numpy as np
import pytest

import alopex as ax
from alopex import InvalidInputError, _ffi

DIM = 32


def _exact(X, ids, q, k):
    d = ((X - q) ** 2).sum(axis=1)
    return [int(i) for i in ids[np.lexsort((ids, d))[:k]]]


def _info(db, table, index):
    for t in _ffi.db_describe(db._db):
        for ix in t["vector_indexes"] if t["name"] == table else []:
            if ix["name"] == index:
                return ix
    raise AssertionError(index)


@pytest.fixture
def docs(tmp_path):
    rng = np.random.default_rng(11)
    n = 4000
    centres = rng.standard_normal((20, DIM)) * 3
    X = (centres[rng.integers(0, 20, n)] + rng.standard_normal((n, DIM))).astype(np.float32)
    with ax.connect(str(tmp_path / "db")) as db:
        db.sql(f"CREATE TABLE docs (id BIGINT PRIMARY KEY, cat INT, emb VECTOR({DIM}))")
        db.insert("docs", ax.DataFrame({"id": np.arange(n), "cat": np.arange(n) % 5, "emb": X}))
        db.sql("CREATE INDEX q ON docs USING HNSW (emb) WITH (quantization='sq8', m=12, ef_construction=64)")
        yield db, X, np.arange(n), rng


def test_sq8_index_recall_exact_distances_and_filter(docs):
    db, X, ids, rng = docs
    found = total = 0
    for i in range(20):
        q = (X[rng.integers(len(X))] + 0.5 * rng.standard_normal(DIM)).astype(np.float32)
        where = "WHERE cat = 2 " if i % 2 else ""
        sql = f"SELECT id, cat, VEC_L2_DISTANCE(emb, ?) AS d FROM docs {where}ORDER BY d LIMIT 10"
        got = db.sql(sql, [q], eager=True)
        allowed = ids % 5 == 2 if i % 2 else np.ones(len(ids), bool)
        if i % 2:
            assert set(got["cat"].to_list()) == {2}  # never a row outside the filter
        want = _exact(X[allowed], ids[allowed], q, 10)
        found += len(set(got["id"].to_list()) & set(want))
        total += 10
        # Distances are the exact ones of the returned rows (re-ranked).
        rows = np.array(got["id"].to_list())
        exact = np.sqrt(((X[rows] - q) ** 2).sum(axis=1))
        np.testing.assert_allclose(got["d"].to_numpy(), exact, rtol=1e-4)
    assert found / total >= 0.9
    info = _info(db, "docs", "q")
    assert info["quantization"] == "sq8" and info["built"] and info["fallbacks"] == 0
    assert "INDEX hnsw q" in db.sql(sql, [q]).explain()
    # The batch API goes through the same re-ranking.
    res = db.search("docs", X[:3], k=5, filter="cat = 1", columns=["id", "cat"])
    assert set(res["cat"].to_list()) == {1}


def test_sq8_index_survives_reopen(docs, tmp_path):
    db, X, ids, rng = docs
    q = X[5]
    sql = "SELECT id FROM docs ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 5"
    before = db.sql(sql, [q], eager=True)["id"].to_list()
    assert before[0] == 5
    db.close()
    with ax.connect(str(tmp_path / "db")) as db2:
        assert db2.sql(sql, [q], eager=True)["id"].to_list() == before
        info = _info(db2, "docs", "q")
        assert info["quantization"] == "sq8" and info["from_disk"]


def test_unknown_quantization_is_invalid_input():
    with ax.connect() as db:
        db.sql("CREATE TABLE t (id INT PRIMARY KEY, emb VECTOR(2))")
        with pytest.raises(InvalidInputError, match="sq8"):
            db.sql("CREATE INDEX h ON t USING HNSW (emb) WITH (quantization='pq4')")
        with pytest.raises(InvalidInputError, match="FLAT"):
            db.sql("CREATE INDEX h ON t USING FLAT (emb) WITH (quantization='sq8')")
        db.sql("CREATE INDEX h ON t USING HNSW (emb) WITH (quantization='none')")
        assert "quantization" not in _info(db, "t", "h")


def test_cli_info_and_indexes_show_quantization(tmp_path):
    import os
    import subprocess
    import sys

    path = str(tmp_path / "db")
    with ax.connect(path) as db:
        db.sql("CREATE TABLE t (id INT PRIMARY KEY, emb VECTOR(2))")
        db.sql("CREATE INDEX h ON t USING HNSW (emb) WITH (quantization='sq8')")

    def cli(*args, stdin=None):
        return subprocess.run([sys.executable, "-m", "alopex.cli", *args], input=stdin, capture_output=True,
                              text=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})

    r = cli("info", path)
    assert r.returncode == 0, r.stderr
    assert "HNSW h(emb, l2, sq8)" in r.stdout
    r = cli("shell", path, stdin=".indexes t\n")
    assert r.returncode == 0, r.stderr
    assert "INDEX h ON t USING HNSW (emb) WITH (metric='l2', quantization='sq8')" in r.stdout
