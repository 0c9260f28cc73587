"""TPC-H on stored tables: the 22 SQL queries through ``db.sql`` over ``ax.connect(path)`` tables, beside
the same text through ``ax.sql`` over the Parquet files (issue 11: stored within 1.5x of Parquet).

    .venv/bin/python bench/db_tpch_bench.py             # SF 1
    .venv/bin/python bench/db_tpch_bench.py --quick     # SF 0.1
    .venv/bin/python bench/db_tpch_bench.py --sf 0.1 -q 1,6 --reps 1 --db /tmp/tpch.db
    .venv/bin/python bench/db_tpch_bench.py --storage columnar   # columnar tables (issue 12)

The data is bench/tpch.py's (``bench/data/tpch-sf<SF>``, made by tpchgen-cli). Each table is loaded once
with ``db.create_table`` from its Parquet file (streamed by ``ax.scan_parquet``; with ``--storage columnar``
the load from ``ax.read_parquet`` is timed too), keyed by its TPC-H primary key, into a database directory
(``--db``, else a temporary one, removed at the end); a database that already holds all eight tables is
reused. ``--storage columnar`` creates columnar tables instead (``create_table(…, storage="columnar")``)
and also reports the load time beside DuckDB's ``CREATE TABLE … AS SELECT * FROM read_parquet(…)`` into
a database file, and the size on disk beside the Parquet files (tpchgen-cli writes them Snappy-compressed). Both sides run the text of ``python/tests/tpch/sql.py`` (Q11's fraction scaled to the SF). Per
query: one warm-up call of each side, whose results must be equal (``assert_same_result`` of
python/tests/test_tpch.py, the Parquet run as the reference), then ``--reps`` interleaved timed calls; the
median wall time of each, stored / Parquet, and the same for the process's CPU time (all threads; steadier
than wall time when other work shares the cores) are printed.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

# The TPC-H primary keys (TPC-H specification, clause 1.4.2).
PRIMARY_KEYS: dict[str, list[str]] = {
    "region": ["r_regionkey"],
    "nation": ["n_nationkey"],
    "part": ["p_partkey"],
    "supplier": ["s_suppkey"],
    "partsupp": ["ps_partkey", "ps_suppkey"],
    "customer": ["c_custkey"],
    "orders": ["o_orderkey"],
    "lineitem": ["l_orderkey", "l_linenumber"],
}


def _tpch() -> ModuleType:
    """bench/tpch.py (data, query text, timing helpers and the result check are shared)."""
    name = "alopex_bench_tpch"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / "tpch.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _cpu_s() -> float:
    """CPU seconds of this process, every thread (the engine's Go threads too): steadier than wall time
    on a shared machine."""
    return time.process_time()


def load_tables(db: Any, data: Path, log, storage: str = "row", eager: bool = False, prefix: str = "") -> float:
    """Create the eight tables of ``data`` in ``db`` unless it holds them already; the seconds it took
    (reading the Parquet file included, with alopex's own reader, as DuckDB's CTAS reads it with its own).
    By default each file streams in (``ax.scan_parquet``: row group by row group, encoded as it is read);
    ``eager`` reads it whole first (``ax.read_parquet``)."""
    import alopex as ax

    have = set(db.tables())
    total = 0.0
    for name, pk in PRIMARY_KEYS.items():
        if prefix + name in have:
            continue
        t0 = time.perf_counter()
        # The frame stays in the engine: no round trip through pyarrow (whose string_view columns a
        # stored table would not take).
        path = data / f"{name}.parquet"
        frame = ax.read_parquet(path) if eager else ax.scan_parquet(path)
        rows = db.create_table(prefix + name, frame, primary_key=pk, storage=storage)
        dt = time.perf_counter() - t0
        total += dt
        log(f"  loaded {prefix + name}{' (eager)' if eager else ''}: {rows:,} rows in {dt:.1f} s")
    return total


def duckdb_load_s(data: Path, tmpdir: str) -> tuple[float, float]:
    """Seconds (wall, process CPU) DuckDB takes to CREATE TABLE … AS SELECT * FROM read_parquet(…) the eight
    tables into a file."""
    import duckdb

    path = Path(tmpdir) / "duck.db"
    con = duckdb.connect(str(path))
    try:
        t0, c0 = time.perf_counter(), _cpu_s()
        for name in PRIMARY_KEYS:
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{data / f'{name}.parquet'}')")
        con.execute("CHECKPOINT")
        return time.perf_counter() - t0, _cpu_s() - c0
    finally:
        con.close()
        path.unlink(missing_ok=True)


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sf", type=float, default=1.0)
    ap.add_argument("--quick", action="store_true", help="SF 0.1")
    ap.add_argument("-q", "--queries", default="", help="comma-separated query numbers (default: all 22)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--db", default="", help="database directory to load into or reuse (default: a temporary one)")
    ap.add_argument("--storage", choices=("row", "columnar"), default="row",
                    help="the stored tables' storage (default: row)")
    ap.add_argument("--load-only", action="store_true",
                    help="stop after the load (with --storage columnar: beside DuckDB's CTAS) and its size")
    ap.add_argument("--cache-size", default=None, help="block cache of the database, as ax.connect takes it "
                    "(default: its default, 64 MiB)")
    args = ap.parse_args(argv)
    sf = 0.1 if args.quick else args.sf
    queries = [int(q) for q in args.queries.split(",") if q] or list(range(1, 23))

    def log(m: str) -> None:
        print(m, file=sys.stderr, flush=True)

    tpch = _tpch()
    _, sql, checks = tpch.test_modules()
    data = tpch.ensure_data(sf, log)
    texts = {n: tpch.sql_text(sql, n, sf) for n in queries}

    import alopex as ax

    tmp = None if args.db else tempfile.mkdtemp(prefix="alopex-tpch-db-")
    db = ax.connect(args.db or tmp, cache_size=args.cache_size)
    try:
        log(f"TPC-H SF {tpch.sf_name(sf)} into stored {args.storage} tables ({args.db or tmp}, cache {args.cache_size or 'default'})")
        c0 = _cpu_s()
        load_s = load_tables(db, data, log, args.storage)
        load_cpu = _cpu_s() - c0
        if args.storage == "columnar" and load_s > 0:
            parquet_bytes = sum((data / f"{n}.parquet").stat().st_size for n in PRIMARY_KEYS)
            db_bytes = dir_bytes(Path(args.db or tmp))
            duck_s, duck_cpu = duckdb_load_s(data, tempfile.mkdtemp(prefix="alopex-duck-"))
            # The eager form (the whole file read first), into tables of another name, measured too.
            c1 = _cpu_s()
            eager_s = load_tables(db, data, log, args.storage, eager=True, prefix="eager_")
            eager_cpu = _cpu_s() - c1
            for name in PRIMARY_KEYS:
                db.execute(f"DROP TABLE eager_{name}")
            print(f"load: alopex columnar from scan_parquet {load_s:.1f} s ({load_cpu:.1f} s CPU), from read_parquet "
                  f"{eager_s:.1f} s ({eager_cpu:.1f} s CPU), DuckDB CTAS from read_parquet "
                  f"{duck_s:.1f} s ({duck_cpu:.1f} s CPU); size on disk "
                  f"{db_bytes / 2**20:.0f} MiB vs Parquet files {parquet_bytes / 2**20:.0f} MiB "
                  f"({db_bytes / parquet_bytes:.2f}x)", flush=True)
        if args.load_only:
            return 0
        actx = ax.SQLContext({n: ax.scan_parquet(data / f"{n}.parquet") for n in PRIMARY_KEYS})
        engines = {
            "parquet": tpch.Engine("parquet", lambda n: actx.execute(texts[n]).collect(), lambda r: r.to_arrow(),
                                   timeout=tpch.TIMEOUT_S),
            "stored": tpch.Engine("stored", lambda n: db.sql(texts[n]).collect(), lambda r: r.to_arrow(),
                                  timeout=tpch.TIMEOUT_S),
        }
        print(f"TPC-H SF {tpch.sf_name(sf)}: median of {args.reps} (seconds)")
        print(f"{'query':>5}  {'parquet':>9}  {'stored':>9}  {'ratio':>6}  {'cpu p':>7}  {'cpu s':>7}  {'ratio':>6}  check")
        ratios, cpu_ratios, bad = [], [], 0
        for n in queries:
            cells = {name: tpch.Cell() for name in engines}
            results = {}
            for name, eng in engines.items():
                gc.collect()
                try:
                    _, r = tpch.call(eng, n)
                    results[name] = eng.to_arrow(r)
                except Exception as e:  # noqa: BLE001 - reported in the table
                    cells[name].status, cells[name].error = "error", tpch._short(e)
            cpu: dict[str, list[float]] = {name: [] for name in engines}
            for _ in range(args.reps):
                for name, eng in engines.items():
                    if cells[name].status == "ok":
                        gc.collect()
                        try:
                            c0 = _cpu_s()
                            dt_, _ = tpch.call(eng, n)
                            cpu[name].append(_cpu_s() - c0)
                            cells[name].times.append(dt_)
                        except Exception as e:  # noqa: BLE001
                            cells[name].status, cells[name].error = "error", tpch._short(e)
            check = "ok"
            if len(results) == 2:
                try:
                    checks.assert_same_result(results["stored"], results["parquet"], checks.ORDER_BY[n])
                except AssertionError as e:
                    check = "MISMATCH " + str(e).strip().splitlines()[0][:200]
            else:
                check = "; ".join(f"{k}: {c.error}" for k, c in cells.items() if c.status != "ok")
            bad += check != "ok"
            p, s = cells["parquet"], cells["stored"]
            ratio = s.median / p.median if p.ok and s.ok else float("nan")
            cp = statistics.median(cpu["parquet"]) if cpu["parquet"] else float("nan")
            cs = statistics.median(cpu["stored"]) if cpu["stored"] else float("nan")
            if p.ok and s.ok:
                ratios.append(ratio)
                cpu_ratios.append(cs / max(cp, 1e-3))
            fmt = lambda c: f"{c.median:9.3f}" if c.ok else f"{c.status:>9}"  # noqa: E731
            print(f"{'Q' + str(n):>5}  {fmt(p)}  {fmt(s)}  {ratio:6.2f}  {cp:7.3f}  {cs:7.3f}  {cs / max(cp, 1e-3):6.2f}  "
                  f"{check}", flush=True)
        if ratios:
            print(f"geometric mean of stored / parquet: wall {statistics.geometric_mean(ratios):.2f} "
                  f"(worst {max(ratios):.2f}), CPU {statistics.geometric_mean(cpu_ratios):.2f} "
                  f"(worst {max(cpu_ratios):.2f})")
        return 1 if bad else 0
    finally:
        db.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
