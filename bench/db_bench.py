"""The embedded database's OLTP path beside SQLite (and DuckDB for reads), from Python.

    .venv/bin/python bench/db_bench.py            # full: YCSB over 1M records
    .venv/bin/python bench/db_bench.py --quick    # smoke check: 50k records, few operations
    .venv/bin/python bench/run.py --db-only       # the same, as section 6 of BENCHMARKS.md

What is measured (every store on disk, in a temporary directory; durable commits: alopex with
sync on, SQLite in WAL mode with synchronous=FULL, and NORMAL beside it)
  1. Point reads: ``SELECT * FROM t WHERE id = ?`` for random existing keys, one call each
     (alopex ``db.execute(...).fetchone()``, and ``db.sql(..., eager=True)`` for reference).
  2. Batched lookups of 100k random keys (10k with --quick): in SQL as ``id IN (?, …)`` with
     1,000 keys per statement, and (alopex) ``db.table("t").filter(col("id").is_in(keys))``
     in one call; DuckDB joins the keys as an Arrow table.
  3. Single-row autocommit inserts, one commit each, and the same rows by ``executemany`` in
     one transaction.
  4. YCSB workloads A (50% read / 50% update), B (95/5), C (read only) and F (read-modify-
     write) over N records of one key and three fields, keys drawn from a scrambled Zipfian
     distribution (θ=0.99) as YCSB does, with 1 and 8 Python threads. Each thread has its own
     SQLite connection; alopex threads share one connection (its autocommit statements run
     side by side and their commits share fsyncs; F's read-modify-write runs in
     ``db.transaction()``, retried on a conflict). An update writes a value the row never
     held: SQLite skips the write and the sync of an UPDATE that leaves the row as it was.

Timings are ``time.perf_counter`` around whole loops; latencies are means per call. Point reads,
batched lookups, autocommit inserts and YCSB operations also show the process's CPU time per call (``time.process_time``: every
thread of the process, so alopex's Go threads count too), which moves much less than wall time
when the machine is busy with other work.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sqlite3
import sys
import tempfile
import threading
import time
from typing import Any, Callable, Iterator

import numpy as np

import alopex as ax

HEADING = "## 6. Embedded database (OLTP)"
FIELDS = 3


# --- data -------------------------------------------------------------------------------------------------------------
def zipf_keys(n: int, count: int, rng: np.random.Generator, theta: float = 0.99) -> np.ndarray:
    """``count`` keys in [0, n) from a scrambled Zipfian distribution (YCSB's default)."""
    ranks = np.arange(1, n + 1, dtype=np.float64)
    cdf = np.cumsum(ranks ** -theta)
    cdf /= cdf[-1]
    r = np.searchsorted(cdf, rng.random(count))
    return (r * 2654435761) % n  # scatter the hot keys over the key space


def field_values(n: int, rng: np.random.Generator) -> list[np.ndarray]:
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype="S1")
    strs = ["".join(x.decode() for x in rng.choice(letters, 24)) for _ in range(256)]
    return [np.array(strs, dtype=object)[rng.integers(0, 256, n)], np.array(strs, dtype=object)[rng.integers(0, 256, n)],
            rng.integers(0, 1 << 40, n)]


class Stores:
    """The stores under test, loaded with the same n rows."""

    def __init__(self, n: int, root: str, log: Callable[[str], None]):
        import pyarrow as pa

        rng = np.random.default_rng(1)
        f0, f1, f2 = field_values(n, rng)
        self.n = n
        self.root = root
        t0 = time.perf_counter()
        self.db = ax.connect(os.path.join(root, "alopex"))
        src = pa.table({"id": np.arange(n, dtype=np.int64), "f0": f0.tolist(), "f1": f1.tolist(), "f2": f2})
        self.db.create_table("t", src, primary_key="id")
        log(f"  loaded alopex with {n:,} rows in {time.perf_counter() - t0:.1f} s")
        self.sqlite_paths: dict[str, str] = {}
        for sync in ("FULL", "NORMAL"):
            t0 = time.perf_counter()
            path = os.path.join(root, f"sqlite_{sync}.db")
            con = self.sqlite(path, sync)
            con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, f0 TEXT, f1 TEXT, f2 INTEGER)")
            con.execute("BEGIN")
            con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                            zip(range(n), f0.tolist(), f1.tolist(), f2.tolist()))
            con.execute("COMMIT")
            con.close()
            self.sqlite_paths[sync] = path
            log(f"  loaded sqlite ({sync}) in {time.perf_counter() - t0:.1f} s")
        import duckdb

        t0 = time.perf_counter()
        self.duck = duckdb.connect(os.path.join(root, "duck.db"))
        self.duck.register("src", src)
        self.duck.execute("CREATE TABLE t AS SELECT * FROM src")
        self.duck.unregister("src")
        self.duck.execute("ALTER TABLE t ADD PRIMARY KEY (id)")
        log(f"  loaded duckdb in {time.perf_counter() - t0:.1f} s")

    @staticmethod
    def sqlite(path: str, sync: str) -> sqlite3.Connection:
        con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(f"PRAGMA synchronous={sync}")
        return con

    def close(self) -> None:
        self.db.close()
        self.duck.close()


def timed_calls(fn: Callable[[Any], Any], keys: list[Any], warmup: bool = True) -> tuple[float, float]:
    """Mean wall and process CPU seconds per call of fn over keys (after a short warm-up)."""
    for k in keys[: max(len(keys) // 10, 5)] if warmup else []:
        fn(k)
    t0, c0 = time.perf_counter(), time.process_time()
    for k in keys:
        fn(k)
    return (time.perf_counter() - t0) / len(keys), (time.process_time() - c0) / len(keys)


# --- 1. point reads and 2. batched lookups ------------------------------------------------------------------------------
def run_reads(s: Stores, n_reads: int, n_batch: int, log: Callable[[str], None]) -> list[tuple[str, str, float, float]]:
    """(what, who, wall seconds, CPU seconds): per call for point reads, per batch for lookups."""
    rng = np.random.default_rng(2)
    keys = rng.integers(0, s.n, n_reads).tolist()
    out: list[tuple[str, str, float, float]] = []
    q = "SELECT * FROM t WHERE id = ?"
    db = s.db
    out.append(("point read", "alopex db.execute().fetchone()",
                *timed_calls(lambda k: db.execute(q, (k,)).fetchone(), keys)))
    out.append(("point read", "alopex db.sql(eager=True)", *timed_calls(lambda k: db.sql(q, [k], eager=True), keys[:200])))
    for sync, path in s.sqlite_paths.items():
        con = s.sqlite(path, sync)
        out.append(("point read", f"sqlite3 (WAL, {sync})",
                    *timed_calls(lambda k, con=con: con.execute(q, (k,)).fetchone(), keys)))
        con.close()
    duck = s.duck
    out.append(("point read", "duckdb", *timed_calls(lambda k: duck.execute(q, [k]).fetchall(), keys[:500])))

    batch = rng.integers(0, s.n, n_batch)
    chunks = [batch[i:i + 1000].tolist() for i in range(0, n_batch, 1000)]
    inq = "SELECT * FROM t WHERE id IN (" + ", ".join("?" * 1000) + ")"

    def whole(fn: Callable[[], Any]) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - t0, time.process_time() - c0

    def in_sql(run: Callable[[str, list[int]], int]) -> tuple[float, float]:
        def go() -> None:
            for c in chunks:
                text = inq if len(c) == 1000 else "SELECT * FROM t WHERE id IN (" + ", ".join("?" * len(c)) + ")"
                run(text, c)
        return whole(go)

    out.append(("batched lookup", "alopex execute(id IN (?×1000))",
                *in_sql(lambda t, c: len(db.execute(t, c).fetchall()))))
    ids = ax.col("id")
    out.append(("batched lookup", "alopex db.table().filter(is_in) (one call)",
                *whole(lambda: db.table("t").filter(ids.is_in(batch)).collect())))
    for sync, path in s.sqlite_paths.items():
        con = s.sqlite(path, sync)
        out.append(("batched lookup", f"sqlite3 (WAL, {sync}) id IN (?×1000)",
                    *in_sql(lambda t, c, con=con: len(con.execute(t, c).fetchall()))))
        con.close()
    import pyarrow as pa

    s.duck.register("keys_tbl", pa.table({"k": batch}))
    out.append(("batched lookup", "duckdb join with Arrow keys (one call)",
                *whole(lambda: s.duck.execute("SELECT t.* FROM t JOIN keys_tbl ON t.id = keys_tbl.k").fetchall())))
    for what, who, secs, cpu in out:
        log(f"  {what:15s} {who:45s} {secs * 1e6:12.1f} µs  (CPU {cpu * 1e6:.1f} µs)")
    return out


# --- 3. inserts ---------------------------------------------------------------------------------------------------------
def run_inserts(s: Stores, n_ins: int, log: Callable[[str], None]) -> list[tuple[str, float]]:
    out = []
    base = s.n + 10
    rows = [(base + i, "x" * 24, "y" * 24, i) for i in range(n_ins)]
    ins = "INSERT INTO t VALUES (?, ?, ?, ?)"
    db = s.db
    cpu: dict[str, float] = {}

    def autocommit(who: str, fn: Callable[[Any], Any]) -> None:
        wall, cpu[who] = timed_calls(fn, rows, warmup=False)
        out.append((who, wall))

    autocommit("alopex autocommit db.execute (sync on)", lambda r: db.execute(ins, r))
    db.execute("DELETE FROM t WHERE id >= ?", (base,))
    t0 = time.perf_counter()
    db.executemany(ins, rows)
    out.append(("alopex executemany, one transaction", (time.perf_counter() - t0) / n_ins))
    for sync, path in s.sqlite_paths.items():
        con = s.sqlite(path, sync)
        autocommit(f"sqlite3 (WAL, {sync}) autocommit", lambda r, con=con: con.execute(ins, r))
        con.execute("DELETE FROM t WHERE id >= ?", (base,))
        t0 = time.perf_counter()
        con.execute("BEGIN")
        con.executemany(ins, rows)
        con.execute("COMMIT")
        out.append((f"sqlite3 (WAL, {sync}) executemany, one transaction", (time.perf_counter() - t0) / n_ins))
        con.execute("DELETE FROM t WHERE id >= ?", (base,))
        con.close()
    db.execute("DELETE FROM t WHERE id >= ?", (base,))
    for who, secs in out:
        log(f"  insert {who:50s} {secs * 1e6:10.1f} µs/row" + (f"  ({cpu[who] * 1e6:.1f} µs CPU)" if who in cpu else ""))
    return out


# --- 4. YCSB ------------------------------------------------------------------------------------------------------------
WORKLOADS = {"A": (0.5, "update"), "B": (0.95, "update"), "C": (1.0, "update"), "F": (0.5, "rmw")}


def ycsb(s: Stores, ops: int, threads: int, log: Callable[[str], None]) -> dict[tuple[str, str], float]:
    res: dict[tuple[str, str], float] = {}
    rng = np.random.default_rng(3)
    read = "SELECT * FROM t WHERE id = ?"
    upd = "UPDATE t SET f2 = ? WHERE id = ?"
    for wl, (read_frac, write_kind) in WORKLOADS.items():
        plans = []
        for _ in range(threads):
            keys = zipf_keys(s.n, ops // threads, rng).tolist()
            is_read = (rng.random(len(keys)) < read_frac).tolist()
            plans.append(list(zip(keys, is_read)))

        # An update writes a value the row never held: sqlite3 skips writing (and syncing)
        # a row that an UPDATE leaves as it was, which would make its writes free.
        new_values = itertools.count(s.n + 1)

        def alopex_worker(plan: list[tuple[int, bool]], write_kind: str = write_kind,
                          new_values: Iterator[int] = new_values) -> None:
            db = s.db
            for k, r in plan:
                if r:
                    db.execute(read, (k,)).fetchone()
                elif write_kind == "update":
                    db.execute(upd, (next(new_values), k))
                else:  # read-modify-write in one transaction, retried on a conflict
                    while True:
                        tx = db.transaction()
                        try:
                            row = tx.execute(read, (k,)).fetchone()
                            tx.execute(upd, (row[3] + 1, k))
                            tx.commit()
                            break
                        except ax.exceptions.TransactionConflictError:
                            continue

        def sqlite_worker(sync: str, write_kind: str = write_kind,
                          new_values: Iterator[int] = new_values) -> Callable[[list[tuple[int, bool]]], None]:
            def work(plan: list[tuple[int, bool]]) -> None:
                con = s.sqlite(s.sqlite_paths[sync], sync)
                con.execute("PRAGMA busy_timeout=60000")
                for k, r in plan:
                    if r:
                        con.execute(read, (k,)).fetchone()
                    elif write_kind == "update":
                        con.execute(upd, (next(new_values), k))
                    else:
                        con.execute("BEGIN IMMEDIATE")
                        row = con.execute(read, (k,)).fetchone()
                        con.execute(upd, (row[3] + 1, k))
                        con.execute("COMMIT")
                con.close()
            return work

        runners: list[tuple[str, Callable[[list[tuple[int, bool]]], None]]] = [("alopex", alopex_worker)]
        runners += [(f"sqlite3 {sync}", sqlite_worker(sync)) for sync in s.sqlite_paths]
        for who, fn in runners:
            ts = [threading.Thread(target=fn, args=(p,)) for p in plans]
            t0, c0 = time.perf_counter(), time.process_time()
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            n_ops = sum(len(p) for p in plans)
            res[(wl, who)] = n_ops / (time.perf_counter() - t0)
            cpu_op = (time.process_time() - c0) / n_ops  # the whole process: alopex's threads or sqlite3's
            log(f"  YCSB {wl} {threads} thread(s) {who:16s} {res[(wl, who)]:10,.0f} ops/s  ({cpu_op * 1e6:.1f} µs CPU/op)")
    return res


# --- report -------------------------------------------------------------------------------------------------------------
def section(n: int, reads: list[tuple[str, str, float, float]], inserts: list[tuple[str, float]],
            y: dict[int, dict[tuple[str, str], float]], n_batch: int, ops: int, machine: str) -> str:
    lines = [HEADING, "",
             "`bench/db_bench.py` (`bench/run.py --db-only` reruns this section alone). Every store on disk; "
             "alopex commits with sync on, SQLite in WAL mode with synchronous=FULL (durable as alopex) and "
             "NORMAL. Latencies are means per call from Python; CPU is the process's CPU time (all its "
             "threads), steadier than wall time on a busy machine.", ""]
    if machine:
        lines += [f"**Machine:** {machine}", ""]
    lines += ["| operation | engine, call | µs per call | CPU µs per call |", "|---|---|---:|---:|"]
    for what, who, secs, cpu in reads:
        if what == "point read":
            lines.append(f"| point read | {who} | {secs * 1e6:,.1f} | {cpu * 1e6:,.1f} |")
    lines += ["", f"Batched lookups of {n_batch:,} random keys (whole batch):", "",
              "| engine, form | ms | keys/s | keys per CPU second |", "|---|---:|---:|---:|"]
    for what, who, secs, cpu in reads:
        if what == "batched lookup":
            lines.append(f"| {who} | {secs * 1e3:,.1f} | {n_batch / secs:,.0f} | {n_batch / max(cpu, 1e-9):,.0f} |")
    lines += ["", "| insert | µs per row | rows/s |", "|---|---:|---:|"]
    for who, secs in inserts:
        lines.append(f"| {who} | {secs * 1e6:,.1f} | {1 / secs:,.0f} |")
    lines += ["", f"YCSB over {n:,} records, {ops:,} operations per run (ops/s):", "",
              "| workload | threads | " + " | ".join(who for who in ("alopex", "sqlite3 FULL", "sqlite3 NORMAL")) + " |",
              "|---|---:|---:|---:|---:|"]
    for threads, res in y.items():
        for wl in WORKLOADS:
            cells = [f"{res.get((wl, who), 0):,.0f}" for who in ("alopex", "sqlite3 FULL", "sqlite3 NORMAL")]
            lines.append(f"| {wl} | {threads} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def run(quick: bool, log: Callable[[str], None], machine: str = "", n: int | None = None) -> str:
    n = n or (50_000 if quick else 1_000_000)
    n_reads = 2_000 if quick else 20_000
    n_batch = 10_000 if quick else 100_000
    n_ins = 200 if quick else 2_000
    ops = 4_000 if quick else 40_000
    with tempfile.TemporaryDirectory(prefix="alopex_db_bench_") as root:
        log(f"database benchmark: {n:,} records in {root}")
        s = Stores(n, root, log)
        try:
            reads = run_reads(s, n_reads, n_batch, log)
            inserts = run_inserts(s, n_ins, log)
            y = {threads: ycsb(s, ops, threads, log) for threads in (1, 8)}
        finally:
            s.close()
    return section(n, reads, inserts, y, n_batch, ops, machine)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="50k records and few operations")
    p.add_argument("--records", type=int, default=None, help="YCSB records (default 1M; 50k with --quick)")
    args = p.parse_args(argv)
    print(run(args.quick, lambda m: print(m, file=sys.stderr, flush=True), n=args.records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
