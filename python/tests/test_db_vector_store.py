"""Stored vectors are exact (issue 12): rows keep their vectors packed (the exponent coded
against the vector's scale, the sign and mantissa bits as they are), and every float32
comes back bit for bit — after a reopen, after updates and deletes, through the vector
index loaded from its file — whatever the values: signed zeros, subnormals, the extremes."""

from __future__ import annotations

import numpy as np

import alopex as ax

DIM = 32
SQL = "SELECT id FROM docs ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 3"


def _bits(db, table: str) -> dict[int, bytes]:
    t = db.sql(f"SELECT id, emb FROM {table} ORDER BY id").collect().to_arrow()
    embs = t.column("emb").to_pylist()
    return {i: (None if e is None else np.asarray(e, np.float32).tobytes())
            for i, e in zip(t.column("id").to_pylist(), embs)}


def _odd_vectors(n: int) -> np.ndarray:
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((n, DIM)) * 10.0 ** rng.integers(-30, 30, (n, 1))).astype(np.float32)
    special = np.array([0.0, -0.0, 1e-45, -1e-45, 1.2e-38, 3.4e38, -3.4e38, 1.0, -1.0, 2.0 ** -126],
                       np.float32)
    x[:, :len(special)] = special
    x[1] = 0.0  # all zero
    x[2, ::2] = 1e-45  # half subnormal
    return x


def test_vectors_are_bit_identical_after_reopen_updates_and_deletes(tmp_path):
    path = str(tmp_path / "db")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((600, DIM)).astype(np.float32)
    odd = _odd_vectors(50)
    with ax.connect(path) as db:
        db.sql(f"CREATE TABLE docs (id BIGINT PRIMARY KEY, emb VECTOR({DIM}))")
        db.insert("docs", ax.DataFrame({"id": np.arange(len(X)), "emb": X}))
        db.sql("CREATE INDEX by_emb ON docs USING HNSW (emb) WITH (m=8, ef_construction=40)")
        db.sql(f"CREATE TABLE plain (id BIGINT PRIMARY KEY, emb VECTOR({DIM}))")
        db.insert("plain", ax.DataFrame({"id": np.arange(len(odd)), "emb": odd}))
        db.sql("INSERT INTO plain (id, emb) VALUES (1000, NULL)")
        assert db.execute(SQL, [X[7]]).fetchall()[0][0] == 7  # built, saved by close
    want = {i: X[i].tobytes() for i in range(len(X))}
    want_odd = {i: odd[i].tobytes() for i in range(len(odd))} | {1000: None}
    with ax.connect(path) as db:
        assert _bits(db, "docs") == want
        assert _bits(db, "plain") == want_odd
        new = rng.standard_normal((3, DIM)).astype(np.float32)
        db.executemany("UPDATE docs SET emb = ? WHERE id = ?", [(new[j], 10 + j) for j in range(3)])
        db.executemany("UPDATE plain SET emb = ? WHERE id = ?", [(odd[5], 0)])
        db.sql("DELETE FROM docs WHERE id >= 590")
        db.sql("DELETE FROM plain WHERE id = 3")
        for j in range(3):
            want[10 + j] = new[j].tobytes()
        for i in range(590, 600):
            del want[i]
        want_odd[0] = odd[5].tobytes()
        del want_odd[3]
        assert _bits(db, "docs") == want
        assert db.execute(SQL, [new[1]]).fetchall()[0][0] == 11
    with ax.connect(path) as db:  # the index loads from its file and the packed rows
        assert _bits(db, "docs") == want
        assert _bits(db, "plain") == want_odd
        for i in (0, 11, 300, 589):
            assert db.execute(SQL, [np.frombuffer(want[i], np.float32)]).fetchall()[0][0] == i
        assert 595 not in [r[0] for r in db.execute(SQL, [X[595]]).fetchall()]
