"""Autocommit writes by key, the write fast path against the general path (``SET
write_fast_path = 0``), interleaved in one process, with sync on and off, beside sqlite3
(WAL, synchronous=FULL); then eight threads of autocommit updates with sync on.

    .venv/bin/python bench/write_bench.py [statements per run, default 300]

Prints wall and process CPU µs per statement (min–max over 3 runs). Every UPDATE writes a value
no row holds (sqlite3 skips an UPDATE that leaves the row as it was: no write, no sync). To compare
two builds, run it once per build with ALOPEX_LIBRARY pointing at each, alternately.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import threading
import time

import numpy as np
import pyarrow as pa

import alopex as ax

N = 50_000
INS = "INSERT INTO t VALUES (?, ?, ?, ?)"
UPD = "UPDATE t SET f2 = ? WHERE id = ?"
DEL = "DELETE FROM t WHERE id = ?"


def timed(fn, items) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    for it in items:
        fn(it)
    return (time.perf_counter() - t0) / len(items) * 1e6, (time.process_time() - c0) / len(items) * 1e6


def main(k: int) -> None:
    root = tempfile.mkdtemp(prefix="write_bench_")
    tbl = pa.table({"id": np.arange(N, dtype=np.int64), "f0": ["x" * 24] * N, "f1": ["y" * 24] * N,
                    "f2": np.arange(N, dtype=np.int64)})
    dbs = {}
    for sync in (True, False):
        dbs[sync] = ax.connect(os.path.join(root, f"alopex_{sync}"), sync=sync)
        dbs[sync].create_table("t", tbl, primary_key="id")
    lite = os.path.join(root, "lite.db")
    con = sqlite3.connect(lite, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, f0 TEXT, f1 TEXT, f2 INTEGER)")
    con.execute("BEGIN")
    con.executemany(INS, zip(range(N), ["x" * 24] * N, ["y" * 24] * N, range(N)))
    con.execute("COMMIT")

    res: dict[tuple[str, str], list[tuple[float, float]]] = {}
    new_values = iter(range(-1, -10**9, -1))  # values no row holds
    base = N + 10
    for rnd in range(3):
        rows = [(base + i, "x" * 24, "y" * 24, i) for i in range(k)]
        keys = np.random.default_rng(rnd).integers(0, N, k).tolist()
        runs = [(f"{'fast' if fast else 'general'} sync={'on' if sync else 'off'}", db, fast)
                for sync, db in dbs.items() for fast in (0, 1)]
        runs.append(("sqlite3 FULL", con, None))
        for name, db, fast in runs:
            if fast is not None:
                db.execute(f"SET write_fast_path = {fast}")
            res.setdefault(("insert", name), []).append(timed(lambda r, db=db: db.execute(INS, r), rows))
            res.setdefault(("update", name), []).append(timed(lambda x, db=db: db.execute(UPD, (next(new_values), x)), keys))
            res.setdefault(("delete", name), []).append(timed(lambda r, db=db: db.execute(DEL, (r[0],)), rows))
    print(f"load {os.getloadavg()[0]:.1f}, {k} statements per run, 3 runs: wall / CPU µs per statement (min–max)")
    for (what, who), v in sorted(res.items()):
        w, c = [x[0] for x in v], [x[1] for x in v]
        print(f"{what:7s} {who:24s} wall {min(w):8.1f}–{max(w):8.1f}   CPU {min(c):7.1f}–{max(c):7.1f}")

    db = dbs[True]
    plans = [np.random.default_rng(10 + t).integers(0, N, k).tolist() for t in range(8)]

    def alopex_work(keys: list[int]) -> None:
        for x in keys:
            db.execute(UPD, (next(new_values), x))

    def sqlite_work(keys: list[int]) -> None:
        c = sqlite3.connect(lite, isolation_level=None, timeout=60)
        c.execute("PRAGMA synchronous=FULL")
        for x in keys:
            c.execute(UPD, (next(new_values), x))
        c.close()

    for name, fast, work in [("general", 0, alopex_work), ("fast", 1, alopex_work), ("sqlite3 FULL", None, sqlite_work)]:
        if fast is not None:
            db.execute(f"SET write_fast_path = {fast}")
        ts = [threading.Thread(target=work, args=(p,)) for p in plans]
        t0, c0 = time.perf_counter(), time.process_time()
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        el, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"8 threads update, sync on, {name:12s}: {8 * k / el:8.0f} ops/s, CPU {cpu / (8 * k) * 1e6:.1f} µs/op")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
