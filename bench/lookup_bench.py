"""Batched lookups by primary key: alopex beside SQLite's best batched ways, in one process.

    .venv/bin/python bench/lookup_bench.py [--data DIR] [--n 1000000] [--keys 100000] [--rounds 3]

The stores (alopex, and SQLite in WAL mode) hold ``t(id BIGINT PRIMARY KEY, f0 TEXT, f1 TEXT,
f2 BIGINT)`` with n rows, built once into DIR and reused. Each round looks up the same random keys
(out of [0, n): most exist, in random order, a few repeated) with every way, interleaved so that
the machine's load falls alike on all of them; the report is the best round's wall and process CPU
time (``time.process_time``: every thread of the process) of each, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import time
from typing import Any, Callable

import numpy as np
import pyarrow as pa

import alopex as ax


def build(root: str, n: int) -> None:
    """Create the stores in root unless they are there."""
    done = os.path.join(root, "ready")
    if os.path.exists(done):
        return
    os.makedirs(root, exist_ok=True)
    rng = np.random.default_rng(1)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype="S1")
    strs = np.array(["".join(x.decode() for x in rng.choice(letters, 24)) for _ in range(256)], dtype=object)
    f0, f1, f2 = strs[rng.integers(0, 256, n)], strs[rng.integers(0, 256, n)], rng.integers(0, 1 << 40, n)
    db = ax.connect(os.path.join(root, "alopex"))
    db.create_table("t", pa.table({"id": np.arange(n, dtype=np.int64), "f0": f0.tolist(), "f1": f1.tolist(), "f2": f2}),
                    primary_key="id")
    db.close()
    con = sqlite3.connect(os.path.join(root, "sqlite.db"), isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, f0 TEXT, f1 TEXT, f2 INTEGER)")
    con.execute("BEGIN")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", zip(range(n), f0.tolist(), f1.tolist(), f2.tolist()))
    con.execute("COMMIT")
    con.close()
    open(done, "w").close()


def timed(fn: Callable[[], Any]) -> tuple[float, float, int]:
    t0, c0 = time.perf_counter(), time.process_time()
    rows = fn()
    return time.perf_counter() - t0, time.process_time() - c0, rows


def ways(root: str, keys: np.ndarray, cache: str | None) -> dict[str, Callable[[], int]]:
    db = ax.connect(os.path.join(root, "alopex"), **({"cache_size": cache} if cache else {}))
    con = sqlite3.connect(os.path.join(root, "sqlite.db"), isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    klist = keys.tolist()
    chunks = [klist[i:i + 999] for i in range(0, len(klist), 999)]
    ids = ax.col("id")

    def in_sql(execute: Callable[[str, list[int]], list[Any]]) -> int:
        n = 0
        for c in chunks:
            n += len(execute("SELECT * FROM t WHERE id IN (" + ", ".join("?" * len(c)) + ")", c))
        return n

    def sqlite_temp() -> int:
        con.execute("CREATE TEMP TABLE IF NOT EXISTS k (id INTEGER PRIMARY KEY)")
        con.execute("DELETE FROM k")
        con.executemany("INSERT OR IGNORE INTO k VALUES (?)", ((k,) for k in klist))
        return len(con.execute("SELECT t.* FROM t JOIN k USING (id)").fetchall())

    return {
        "alopex filter(is_in(numpy)) → Arrow": lambda: db.table("t").filter(ids.is_in(keys)).collect().height,
        "alopex execute(IN ?×999)": lambda: in_sql(lambda q, c: db.execute(q, c).fetchall()),
        "sqlite3 JOIN json_each(?)": lambda: len(con.execute(
            "SELECT t.* FROM t JOIN json_each(?) ON t.id = value", (json.dumps(klist),)).fetchall()),
        "sqlite3 temp-table join": sqlite_temp,
        "sqlite3 IN (?×999)": lambda: in_sql(lambda q, c: con.execute(q, c).fetchall()),
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/tmp/wt-multiget-data")
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--keys", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--only", default="", help="run only the ways whose name contains this")
    p.add_argument("--cache", default=None, help="alopex's block cache size (e.g. 256MB; default: the engine's)")
    a = p.parse_args()
    build(a.data, a.n)
    keys = np.random.default_rng(2).integers(0, a.n, a.keys)
    fns = {k: v for k, v in ways(a.data, keys, a.cache).items() if a.only in k}
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(a.rounds):
        for name, fn in fns.items():
            w, c, rows = timed(fn)
            if name not in best or c < best[name][1]:
                best[name] = (w, c, rows)
    print(f"{a.keys:,} keys out of {a.n:,} rows; best of {a.rounds} rounds; load {os.getloadavg()[0]:.2f}"
          + (f"; alopex cache_size={a.cache}" if a.cache else ""))
    for name, (w, c, rows) in best.items():
        print(f"  {name:40s} wall {w * 1e3:8.1f} ms  CPU {c * 1e3:8.1f} ms  rows {rows:,}")


if __name__ == "__main__":
    main()
