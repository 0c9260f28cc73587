"""Peak memory and time of a large ``INSERT … SELECT`` (and a full scan + aggregate) on a stored table.

    .venv/bin/python bench/db_insert_select_bench.py [--n 2000000 10000000] [--txn-memory 32MiB]

For each ``n`` (default 2M and 10M: the peak should not grow with it), a child process creates
table ``t1`` (``id`` BIGINT primary key, ``x`` DOUBLE, a short string ``s``) with ``n`` rows;
then, each in a fresh child process so that ``ru_maxrss`` is its own:
``INSERT INTO t2 SELECT * FROM t1`` (t2 created empty, same schema), and
``SELECT s, COUNT(*), SUM(x) FROM t1 GROUP BY s``. It prints each one's peak RSS, wall and CPU
time (the child's, all threads) and the load average beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {python!r})
import alopex as ax
path, n, what, txn_memory = {path!r}, {n}, {what!r}, {txn_memory!r}
kw = {{"txn_memory": txn_memory}} if txn_memory else {{}}
t0, c0 = time.perf_counter(), time.process_time()
with ax.connect(path, **kw) as db:
    if what == "create":
        import numpy as np, pyarrow as pa
        rng = np.random.default_rng(42)
        words = np.array([f"item-{{i:05d}}" for i in range(50_000)], dtype=object)
        t = pa.table({{"id": pa.array(np.arange(n, dtype=np.int64)), "x": pa.array(rng.random(n)),
                       "s": pa.array(words[rng.integers(0, len(words), n)].tolist(), pa.string())}})
        db.create_table("t1", t, primary_key="id")
        out = None
    elif what == "insert_select":
        db.sql("CREATE TABLE t2 (id BIGINT PRIMARY KEY, x DOUBLE, s TEXT)")
        out = db.sql("INSERT INTO t2 SELECT * FROM t1")
        assert db.sql("SELECT COUNT(*) AS c FROM t2").collect()["c"].to_list() == [n]
    elif what == "scan_agg":
        out = db.sql("SELECT s, COUNT(*) AS c, SUM(x) AS sx FROM t1 GROUP BY s").collect().height
elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({{"rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "s": round(elapsed, 2),
                  "cpu": round(cpu, 2)}}))
"""


def child(path: str, n: int, what: str, txn_memory: str | None, python: str) -> dict:
    code = CHILD.format(python=python, path=path, n=n, what=what, txn_memory=txn_memory)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, nargs="+", default=[2_000_000, 10_000_000])
    p.add_argument("--txn-memory", default=None, help="ax.connect(txn_memory=...) (default: the engine's)")
    p.add_argument("--python", default=str(REPO / "python"),
                   help="the directory holding the alopex package to measure (another build, to compare)")
    a = p.parse_args(argv)
    for n in a.n:
        base = tempfile.mkdtemp(prefix="alopex-insel-")
        try:
            path = os.path.join(base, "db")
            child(path, n, "create", None, a.python)
            for what in ("insert_select", "scan_agg"):
                r = child(path, n, what, a.txn_memory, a.python)
                print(f"{what:14s} n={n:,} txn_memory={a.txn_memory or 'default'}: "
                      f"peak RSS {r['rss_mib']} MiB, {r['s']:.2f} s wall, {r['cpu']:.2f} s CPU "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)
        finally:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
