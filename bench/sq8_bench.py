"""sq8 beside float32 HNSW in a stored table: recall@10 and bytes per vector.

    .venv/bin/python bench/sq8_bench.py [--n 50000]

The clustered n × 128 set and 1,000 queries of vector_bench.py go into two tables, one with
``USING HNSW (emb)``, one with ``WITH (quantization='sq8')`` (m=16, ef_construction=200 both);
db.search answers every query in one call (the sq8 index re-ranks max(4k, ef) candidates with
the rows' vectors). CPU time per query is the process's (all threads), steadier than q/s on a
loaded machine. Ground truth: exact L2 in NumPy. Bytes per vector: the index file the
database saves on close (vectors + graph + ids) divided by n, as vector_bench.py measures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))
sys.path.insert(0, str(REPO / "bench"))

from vector_bench import clustered  # noqa: E402

import alopex as ax  # noqa: E402

K = 10


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=50_000)
    p.add_argument("--queries", type=int, default=1000)
    args = p.parse_args(argv)
    n = args.n
    x = clustered(n, 128)
    q = clustered(args.queries, 128, seed=1)
    xn = (x.astype(np.float64) ** 2).sum(axis=1)
    gt = np.stack([np.argsort(xn - 2 * x @ qi, kind="stable")[:K] for qi in q])
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "db")
        lines = []
        with ax.connect(path) as db:
            # Every table and index first: a catalog change drops the built indexes.
            for name, opts in (("f32", ""), ("sq8", " WITH (quantization='sq8')")):
                db.sql(f"CREATE TABLE {name} (id BIGINT PRIMARY KEY, emb VECTOR(128))")
                db.insert(name, ax.DataFrame({"id": np.arange(n), "emb": x}))
                db.sql(f"CREATE INDEX h_{name} ON {name} USING HNSW (emb){opts}")
            for name in ("f32", "sq8"):
                t = time.perf_counter()
                db.search(name, q[:1], k=K, columns=["id"])  # builds the index
                build = time.perf_counter() - t
                for ef in (16, 32, 64):
                    t, c = time.perf_counter(), time.process_time()
                    res = db.search(name, q, k=K, columns=["id"], ef=ef)
                    dt, cpu = time.perf_counter() - t, time.process_time() - c
                    got = np.array(res["id"].to_list()).reshape(len(q), K)
                    rc = np.mean([len(set(g) & set(w)) / K for g, w in zip(got, gt)])
                    lines.append((name, build, ef, rc, len(q) / dt, cpu / len(q)))
        sizes = {("sq8" if "h_sq8" in f.name else "f32"): f.stat().st_size for f in Path(path).rglob("*.idx")}
        for name in ("f32", "sq8"):
            print(f"{name}: {sizes.get(name, 0) / n:.0f} bytes/vector (saved index)")
            for nm, build, ef, rc, qps, cpu in lines:
                if nm == name:
                    print(f"  ef {ef}: recall@10 {rc:.3f}, {qps:,.0f} q/s (all threads, batch), "
                          f"{cpu * 1e3:.3f} ms CPU/query; build {build:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
