"""Bulk load into an embedded database: alopex beside sqlite3 and DuckDB, file-backed.

    .venv/bin/python bench/db_bulk_bench.py [--n 10000000] [--quick]   # prints the section
    .venv/bin/python bench/run.py                                      # a full run adds it to BENCHMARKS.md

The input is one Arrow table in memory: ``id`` BIGINT primary key (ascending), ``x`` DOUBLE,
``s`` a short string. Each engine loads it into a new table of a new database file with
the primary key declared, and the clock runs from ``connect`` to ``close`` (the data durable
on disk):

- alopex: ``db.create_table("t", table, primary_key="id")`` (a new table: sorted sstables
  ingested at commit);
- sqlite3: WAL mode (``synchronous`` left at its default, FULL), one transaction, ``executemany``
  over rows made from the Arrow columns 1M at a time (making the rows is part of the time:
  it is what loading Arrow data into sqlite3 costs);
- DuckDB: ``CREATE TABLE`` with the key, then ``INSERT INTO t SELECT * FROM`` the registered
  Arrow table, then ``CHECKPOINT``.

Each engine runs ``reps`` times (median reported) on a fresh directory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))

import alopex as ax  # noqa: E402

HEADING = "## Bulk load into an embedded database"


def make_table(n: int) -> pa.Table:
    rng = np.random.default_rng(42)
    words = np.array([f"item-{i:05d}" for i in range(50_000)], dtype=object)
    return pa.table({
        "id": pa.array(np.arange(n, dtype=np.int64)),
        "x": pa.array(rng.random(n)),
        "s": pa.array(words[rng.integers(0, len(words), n)].tolist(), pa.string()),
    })


def load_alopex(t: pa.Table, d: str) -> None:
    db = ax.connect(os.path.join(d, "alopex"))
    db.create_table("t", t, primary_key="id")
    db.close()


def load_sqlite(t: pa.Table, d: str) -> None:
    con = sqlite3.connect(os.path.join(d, "t.sqlite"))
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x REAL, s TEXT)")
    step = 1_000_000
    with con:
        for lo in range(0, t.num_rows, step):
            c = t.slice(lo, step)
            con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                            zip(c.column("id").to_pylist(), c.column("x").to_pylist(), c.column("s").to_pylist()))
    con.close()


def load_duckdb(t: pa.Table, d: str) -> None:
    import duckdb

    con = duckdb.connect(os.path.join(d, "t.duckdb"))
    con.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, x DOUBLE, s VARCHAR)")
    con.register("src", t)
    con.execute("INSERT INTO t SELECT * FROM src")
    con.execute("CHECKPOINT")
    con.close()


ENGINES: list[tuple[str, Callable[[pa.Table, str], None]]] = [
    ("alopex", load_alopex), ("sqlite3 (WAL)", load_sqlite), ("DuckDB", load_duckdb)]


def check(t: pa.Table, d: str) -> None:
    """The loaded tables hold the input (count and a sample of rows)."""
    import duckdb

    with ax.connect(os.path.join(d, "alopex"), read_only=True) as db:
        got = db.table("t").collect()
        assert got.height == t.num_rows
        assert got.to_arrow().slice(0, 1000).to_pydict() == t.slice(0, 1000).to_pydict()
    con = sqlite3.connect(os.path.join(d, "t.sqlite"))
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == t.num_rows
    con.close()
    con = duckdb.connect(os.path.join(d, "t.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == t.num_rows
    con.close()


def run(n: int, quick: bool, log: Callable[[str], None], machine: str = "", reps: int | None = None) -> str:
    reps = reps or (1 if quick else 3)
    t = make_table(n)
    times: dict[str, list[float]] = {name: [] for name, _ in ENGINES}
    base = tempfile.mkdtemp(prefix="alopex-bulk-")
    try:
        for r in range(reps):  # engines interleaved, so background load hits each alike
            d = os.path.join(base, str(r))
            os.makedirs(d)
            for name, fn in ENGINES:
                t0 = time.perf_counter()
                fn(t, d)
                times[name].append(time.perf_counter() - t0)
                log(f"  {name:14s} {n:,} rows: {times[name][-1]:.2f} s")
            if r == 0:
                check(t, d)
            shutil.rmtree(d)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return section(n, reps, {k: statistics.median(v) for k, v in times.items()}, machine)


def section(n: int, reps: int, med: dict[str, float], machine: str) -> str:
    a = med["alopex"]
    rows = "\n".join(f"| {name} | {s:.2f} s | {n / s / 1e6:.2f} M | {s / a:.1f}× |" for name, s in med.items())
    return f"""{HEADING}

{n:,} rows (BIGINT primary key, DOUBLE, short string) from one Arrow table in memory into a new
file-backed table, from `connect` to `close`; median of {reps} run(s), engines interleaved.
{machine}

| engine | time | rows/s | time / alopex |
| --- | --- | --- | --- |
{rows}

alopex writes a new table as sorted sstables (rows encoded on all cores, key uniqueness
checked by the sort) and ingests them atomically at commit, skipping the WAL and memtable
(docs/storage-format.md, "Bulk loads into a new table"); sqlite3 pays for building a Python
tuple per row; DuckDB builds its primary-key index (ART) while inserting.
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=None, help="rows (default 10,000,000; 200,000 with --quick)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--reps", type=int, default=None)
    args = p.parse_args(argv)
    n = args.n or (200_000 if args.quick else 10_000_000)
    print(run(n, args.quick, lambda m: print(m, file=sys.stderr, flush=True), reps=args.reps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
