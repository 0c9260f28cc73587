"""A saved vector index reopens to the same answers (issue 12): the reopen reads the rows'
vectors in key order beside the index's labels (which updates leave out of key order) and
in parallel parts; the loaded index then takes new rows in the room it keeps for them."""

from __future__ import annotations

import numpy as np

import alopex as ax

DIM = 16
N = 3000
TOPK = "SELECT id FROM docs ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 10"
TOPK_CAT = "SELECT id FROM docs WHERE cat = 2 ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 10"


def _answers(db, queries: np.ndarray) -> list[list[int]]:
    return [[r[0] for r in db.execute(sql, [q]).fetchall()] for sql in (TOPK, TOPK_CAT) for q in queries]


def test_reopened_index_answers_as_before_and_takes_new_rows(tmp_path):
    path = str(tmp_path / "db")
    rng = np.random.default_rng(5)
    x = rng.standard_normal((N, DIM)).astype(np.float32)
    queries = rng.standard_normal((40, DIM)).astype(np.float32)
    with ax.connect(path) as db:
        db.sql(f"CREATE TABLE docs (id BIGINT PRIMARY KEY, cat INT, emb VECTOR({DIM}))")
        db.insert("docs", ax.DataFrame({"id": np.arange(N), "cat": np.arange(N, dtype=np.int32) % 5, "emb": x}))
        db.sql("CREATE INDEX by_cat ON docs (cat)")
        db.sql("CREATE INDEX by_emb ON docs USING HNSW (emb) WITH (m=8, ef_construction=64)")
        db.execute("SET hnsw_ef_search = 200")
        db.execute(TOPK, [queries[0]]).fetchall()  # built
        # New versions of every 7th row (labels after all others), a NULL, a deleted row.
        upd = np.arange(0, N, 7)
        new = rng.standard_normal((len(upd), DIM)).astype(np.float32)
        db.executemany("UPDATE docs SET emb = ? WHERE id = ?", [(v, int(i)) for v, i in zip(new, upd)])
        db.sql("UPDATE docs SET emb = NULL WHERE id = 11")
        db.sql("DELETE FROM docs WHERE id = 12")
        before = _answers(db, queries)
    with ax.connect(path) as db:
        db.execute("SET hnsw_ef_search = 200")
        assert _answers(db, queries) == before
        # Rows added after the reopen are found (they go into the room the loaded slab keeps).
        far = np.full((50, DIM), 40.0, np.float32) + rng.standard_normal((50, DIM)).astype(np.float32)
        db.insert("docs", ax.DataFrame({"id": np.arange(N, N + 50), "cat": np.full(50, 2, np.int32), "emb": far}))
        got = [r[0] for r in db.execute(TOPK_CAT, [far[7]]).fetchall()]
        assert got[0] == N + 7 and all(i >= N for i in got)
    with ax.connect(path) as db:
        assert _answers(db, queries) == before
