"""Size on disk of a stored table with a vector index (issue 12): after close, the directory
holds the rows (their vectors once), the HNSW graph and little else — no preallocated or
recycled write-ahead logs, no second copy of the vectors in the index file — and the
index saved without its vectors loads back from the rows, also after commits made
before the first search."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import alopex as ax
from alopex import _ffi

N, DIM, M = 2000, 128, 16
SQL = "SELECT id FROM docs ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 10"


def _disk_bytes(path: Path) -> int:
    """Bytes allocated under path, as du counts them (preallocated blocks included)."""
    return sum(f.stat().st_blocks * 512 for f in path.rglob("*") if f.is_file())


def _from_disk(db) -> bool:
    for t in _ffi.db_describe(db._db):
        for ix in t["vector_indexes"] if t["name"] == "docs" else []:
            return bool(ix["from_disk"])
    raise AssertionError("no vector index")


def _make(path: Path) -> np.ndarray:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((N, DIM)).astype(np.float32)
    with ax.connect(str(path)) as db:
        db.sql(f"CREATE TABLE docs (id BIGINT PRIMARY KEY, cat INT NOT NULL, emb VECTOR({DIM}))")
        db.insert("docs", ax.DataFrame({"id": np.arange(N), "cat": np.arange(N) % 7, "emb": X}))
        db.sql(f"CREATE INDEX by_emb ON docs USING HNSW (emb) WITH (m={M}, ef_construction=64)")
        db.execute(SQL, [X[0]]).fetchall()  # built on the first search, saved by close
    return X


def test_size_on_disk_is_bounded_by_the_contents(tmp_path):
    path = tmp_path / "db"
    _make(path)
    vectors = N * DIM * 4
    graph = N * ((1 + 2 * M) * 4 + 8 + 1) + N * 2 * (1 + M) * 4  # level 0, ids, levels; upper levels (generous)
    per_row = 64  # key, id, cat, row header, the index's keys file
    slack = 160 << 10  # pebble's MANIFEST, OPTIONS, the marker, sstable footers; 4 KiB blocks
    size = _disk_bytes(path)
    bound = vectors + graph + N * per_row + slack
    assert size <= bound, (size, bound, sorted((str(f.relative_to(path)), f.stat().st_blocks * 512)
                                               for f in path.rglob("*") if f.is_file()))
    idx = [f for f in (path / "vector").iterdir() if f.suffix == ".idx"]
    assert len(idx) == 1 and idx[0].stat().st_size < vectors // 2  # the graph, not the vectors again


def test_bytes_per_vector(tmp_path):
    """Below the raw float32 vectors, all in: the rows' vectors packed (~0.85 of their
    float32 bytes for Gaussian data), the graph and the keys file compressed."""
    path = tmp_path / "db"
    _make(path)
    files = {f.name: f.stat().st_size for f in path.rglob("*") if f.is_file()}
    rows = sum(v for k, v in files.items() if k.endswith(".sst"))
    graph = sum(v for k, v in files.items() if k.endswith((".idx", ".keys")))
    raw = N * DIM * 4
    assert rows <= 0.88 * raw + N * 24, (rows, raw)  # vectors packed; key, id, cat, headers
    assert graph <= N * 32, (graph, N)  # links of m=16, ids, levels, row keys
    assert sum(files.values()) <= raw, files


def test_index_saved_without_vectors_loads_from_the_rows(tmp_path):
    path = tmp_path / "db"
    X = _make(path)
    queries = X[[3, 500, 1999]] + np.float32(0.01)
    with ax.connect(str(path)) as db:
        before = [[r[0] for r in db.execute(SQL, [q]).fetchall()] for q in queries]
    with ax.connect(str(path)) as db:
        # A commit before the first search: the index loads the rows as close left them
        # (from Open's snapshot), then applies the commit over them.
        new = (X[500] + np.float32(0.01)).reshape(1, DIM)
        db.executemany("UPDATE docs SET emb = ? WHERE id = ?", [(new[0], 42)])
        got = [[r[0] for r in db.execute(SQL, [q]).fetchall()] for q in queries]
        assert _from_disk(db)
        assert got[0] == before[0] and got[2] == before[2]
        assert got[1][0] in (42, 500) and set(got[1][:2]) == {42, 500}
        assert db.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == N
    with ax.connect(str(path)) as db:  # saved again after the update: the new vector is the row's
        assert set(r[0] for r in db.execute(SQL, [queries[1]]).fetchall()[:2]) == {42, 500}
