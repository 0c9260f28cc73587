"""Alopex beside its peers, in one run, on this machine; writes BENCHMARKS.md.

    .venv/bin/python bench/run.py            # full run (10M and 100M values), rewrites BENCHMARKS.md
    .venv/bin/python bench/run.py --quick    # smoke check with small sizes; prints, writes nothing
    .venv/bin/python bench/run.py --tpch-only [--sf 1]   # only TPC-H; replaces its section in BENCHMARKS.md
    .venv/bin/python bench/run.py --vector-only          # only vector search; replaces its section
    .venv/bin/python bench/run.py --tpch-sql-only [--sf 1]   # only TPC-H in SQL; replaces its section
    .venv/bin/python bench/run.py --db-only              # only the embedded database; replaces its section
    .venv/bin/python bench/run.py --vector-store-only    # only stored vector search vs LanceDB; replaces its section

What is measured
  1. The round trip of a trivial query, from Python call to a result in hand:
     alopex (plan -> Go -> Arrow result), DuckDB, Polars and plain pyarrow calls,
     interleaved in rounds so that background load hits every library alike.
  2. ``to_numpy()`` of one float64 column without nulls, 10M and 100M values,
     for a column computed by the engine and for a column handed in from NumPy.
  3. TPC-H (bench/tpch.py): the 22 queries on alopex, Polars and DuckDB over the same Parquet
     files at scale factor ``--sf`` (default 1; 0.1 with --quick), results checked against DuckDB,
     peak memory per engine.
  4. Vector search (bench/vector_bench.py).
  5. TPC-H in SQL (bench/tpch_sql.py): the same 22 SQL texts on alopex, DuckDB and Polars
     (``pl.SQLContext``), results checked against DuckDB, and alopex's SQL planning time per query
     (``go test -bench PlanTPCH ./sqlexec``).
  6. The embedded database's OLTP path (bench/db_bench.py): point reads, batched lookups,
     single-row durable inserts and YCSB A/B/C/F with 1 and 8 threads, beside sqlite3 (WAL,
     synchronous=FULL and NORMAL) and DuckDB for reads.
  7. Stored vector search (bench/vector_store_bench.py): a table with an HNSW index on disk beside
     LanceDB (embedded) on the clustered set: ingest, size on disk, top-10 QPS at recall >= 0.95
     with and without a filter (one query per call), update throughput, peak memory.

Every timing is ``time.perf_counter`` around one call, after warm-up calls; we
report the median (and the 95th percentile for round trips).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

REPO = Path(__file__).resolve().parents[1]


# --- timing ---------------------------------------------------------------------------------------------------------
def sample(fn: Callable[[], Any], reps: int) -> list[float]:
    """Seconds taken by each of ``reps`` calls of ``fn``; results are dropped at once."""
    out = []
    clock = time.perf_counter
    for _ in range(reps):
        t0 = clock()
        r = fn()
        t1 = clock()
        del r
        out.append(t1 - t0)
    return out


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def fmt_time(seconds: float) -> str:
    us = seconds * 1e6
    if us < 10:
        return f"{us:.2f} µs"
    if us < 1000:
        return f"{us:.1f} µs"
    if us < 1e6:
        return f"{us / 1000:.1f} ms" if us < 1e5 else f"{us / 1000:.0f} ms"
    return f"{us / 1e6:.2f} s"


def fmt_us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:.1f}" if us < 100 else f"{us:.0f}"


# --- 1. round trip of a trivial query -------------------------------------------------------------------------------
@dataclass
class Case:
    engine: str
    call: str
    fn: Callable[[], Any]
    samples: list[float] = field(default_factory=list)


def roundtrip_cases(tiny_rows: int, filter_rows: int) -> tuple[list[Case], list[Case], dict[str, Any]]:
    import duckdb
    import polars as pl

    import alopex as ax

    x_tiny = np.arange(tiny_rows, dtype=np.float64)
    x_1k = np.arange(filter_rows, dtype=np.float64)
    tbl_tiny = pa.table({"x": x_tiny})
    tbl_1k = pa.table({"x": x_1k})

    df_tiny = ax.DataFrame({"x": x_tiny})
    df_1k = ax.DataFrame({"x": x_1k})
    lf_tiny = pl.DataFrame({"x": x_tiny}).lazy()
    lf_1k = pl.DataFrame({"x": x_1k}).lazy()
    con = duckdb.connect()
    con.register("t", tbl_tiny)
    con.register("t1k", tbl_1k)

    # DuckDB 2.x returns a lazy RecordBatchReader from .arrow(); read it so every row is in hand, as elsewhere.
    lazy_arrow = isinstance(con.sql("select x from t limit 1").arrow(), pa.RecordBatchReader)

    def duck_arrow(q: str) -> Callable[[], Any]:
        if lazy_arrow:
            return lambda: con.sql(q).arrow().read_all()
        return lambda: con.sql(q).arrow()

    arrow_call = ".arrow().read_all()" if lazy_arrow else ".arrow()"
    q1 = "select x from t limit 1"
    q2 = "select x from t1k where x < 10"
    trivial = [
        Case("alopex", 'df.lazy().select(ax.col("x")).head(1).collect()',
             lambda: df_tiny.lazy().select(ax.col("x")).head(1).collect()),
        Case("DuckDB", f'con.sql("{q1}"){arrow_call}', duck_arrow(q1)),
        Case("DuckDB", f'con.sql("{q1}").fetchall()', lambda: con.sql(q1).fetchall()),
        Case("Polars", 'lf.select("x").head(1).collect()', lambda: lf_tiny.select("x").head(1).collect()),
        Case("pyarrow", 'table.select(["x"]).slice(0, 1)', lambda: tbl_tiny.select(["x"]).slice(0, 1)),
    ]
    filtered = [
        Case("alopex", 'df.lazy().filter(ax.col("x") < 10).collect()',
             lambda: df_1k.lazy().filter(ax.col("x") < 10).collect()),
        Case("DuckDB", f'con.sql("{q2}"){arrow_call}', duck_arrow(q2)),
        Case("DuckDB", f'con.sql("{q2}").fetchall()', lambda: con.sql(q2).fetchall()),
        Case("Polars", 'lf.filter(pl.col("x") < 10).collect()', lambda: lf_1k.filter(pl.col("x") < 10).collect()),
        Case("pyarrow", 'pc.filter(table, pc.less(table["x"], 10))',
             lambda: pc.filter(tbl_1k, pc.less(tbl_1k["x"], 10))),
    ]
    # Same answers everywhere, or the comparison means nothing.
    for c in trivial:
        assert _rows(c.fn()) == 1, c.call
    for c in filtered:
        assert _rows(c.fn()) == 10, c.call
    return trivial, filtered, {"con": con}


def _rows(result: Any) -> int:
    if isinstance(result, list):
        return len(result)
    if hasattr(result, "num_rows"):
        return result.num_rows
    return len(result)


def run_roundtrips(cases: list[Case], reps: int, warmup: int, rounds: int) -> None:
    for c in cases:
        sample(c.fn, warmup)
    per_round = max(reps // rounds, 1)
    for _ in range(rounds):
        gc.collect()
        for c in cases:
            c.samples.extend(sample(c.fn, per_round))


# --- 2. to_numpy ------------------------------------------------------------------------------------------------------
@dataclass
class NumpyCase:
    engine: str
    source: str
    call: str
    times: dict[int, float] = field(default_factory=dict)  # n -> median seconds
    reps: dict[int, int] = field(default_factory=dict)
    copies: dict[int, bool] = field(default_factory=dict)
    key: str = ""


def _measure(fn: Callable[[], Any], budget_s: float, max_reps: int, min_reps: int = 5) -> tuple[float, int]:
    """Median seconds of ``fn`` after one warm-up call, with as many calls as fit in the budget."""
    t0 = time.perf_counter()
    r = fn()
    first = time.perf_counter() - t0
    del r
    gc.collect()
    reps = int(min(max_reps, max(min_reps, budget_s / max(first, 1e-7))))
    xs = sample(fn, reps)
    return float(np.median(xs)), reps


def _addr(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def run_to_numpy(sizes: list[int], budget_s: float, log: Callable[[str], None]) -> list[NumpyCase]:
    import duckdb
    import polars as pl

    import alopex as ax

    cases = {
        "ax-engine": NumpyCase("alopex", 'engine result: `df.select(ax.col("x") * 1.0)`', 'res["x"].to_numpy()'),
        "ax-series": NumpyCase("alopex", "engine result, Series taken once: `s = res[\"x\"]`", "s.to_numpy()"),
        "ax-numpy": NumpyCase("alopex", "`ax.DataFrame({\"x\": arr})`", 'df["x"].to_numpy()'),
        "pyarrow": NumpyCase("pyarrow", "`pa.table({\"x\": arr})`, one chunk",
                             "chunked_array.to_numpy()"),
        "polars": NumpyCase("Polars", "`pl.Series(\"x\", arr)`", "s.to_numpy()"),
        "duckdb": NumpyCase("DuckDB", "native table (`create table t as …`)",
                            'con.execute("select x from t").fetchnumpy()["x"]'),
    }

    def record(key: str, n: int, fn: Callable[[], Any], copies: bool) -> None:
        med, reps = _measure(fn, budget_s, max_reps=2000)
        c = cases[key]
        c.times[n], c.reps[n], c.copies[n] = med, reps, copies
        log(f"  {key:10s} n={n:>11,}  median {fmt_time(med):>10s}  ({reps} calls, {'copy' if copies else 'zero-copy'})")

    for n in sizes:
        log(f"to_numpy, {n:,} float64 values ({n * 8 / 2**20:,.0f} MiB)")
        arr = np.random.default_rng(n).random(n)

        # alopex, a column the engine computed: its buffer was allocated in Go and exported over the C stream.
        df = ax.DataFrame({"x": arr})
        res = df.select((ax.col("x") * 1.0).alias("x"))
        chunk = res.to_arrow().column("x")
        assert chunk.num_chunks == 1
        a = res["x"].to_numpy()
        assert not np.shares_memory(a, arr) and np.array_equal(a[:1000], arr[:1000])
        record("ax-engine", n, lambda res=res: res["x"].to_numpy(),
               copies=_addr(a) != chunk.chunk(0).buffers()[1].address)
        series = res["x"]
        record("ax-series", n, series.to_numpy, copies=_addr(series.to_numpy()) != chunk.chunk(0).buffers()[1].address)
        del a, chunk, res, series
        gc.collect()

        # alopex, a column handed in from NumPy.
        b = df["x"].to_numpy()
        record("ax-numpy", n, lambda df=df: df["x"].to_numpy(), copies=not np.shares_memory(b, arr))
        del b, df
        gc.collect()

        # pyarrow, single-chunk column.
        table = pa.table({"x": arr})
        col = table.column("x")
        assert col.num_chunks == 1
        record("pyarrow", n, lambda col=col: col.to_numpy(), copies=not np.shares_memory(col.to_numpy(), arr))
        del col, table
        gc.collect()

        # Polars.
        s = pl.Series("x", arr)
        s1, s2 = s.to_numpy(), s.to_numpy()
        record("polars", n, lambda s=s: s.to_numpy(), copies=not np.shares_memory(s1, s2))
        del s, s1, s2
        gc.collect()

        # DuckDB: execute() returns at once and the query runs inside fetchnumpy(), so the time is scan + copy.
        con = duckdb.connect()
        src = pa.table({"x": arr})
        con.register("src", src)
        con.execute("create table t as select x from src")
        con.unregister("src")
        del src
        d1 = con.execute("select x from t").fetchnumpy()["x"]
        assert np.array_equal(np.sort(d1[:1000]), np.sort(d1[:1000])) and len(d1) == n
        del d1
        record("duckdb", n, lambda con=con: con.execute("select x from t").fetchnumpy()["x"], copies=True)
        con.close()
        del con, arr
        gc.collect()
    for key, c in cases.items():
        c.key = key
    return list(cases.values())


# --- machine ----------------------------------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    import duckdb
    import polars as pl

    import alopex as ax

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    os_name = platform.system()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical CPUs ({usable} usable)",
        "ram": ram,
        "os": f"{os_name}, Linux {platform.release()}" if platform.system() == "Linux" else os_name,
        "python": platform.python_version(),
        "alopex": f"{ax.__version__} (engine {ax.__engine_version__}{', git ' + commit if commit else ''})",
        "polars": pl.__version__,
        "duckdb": duckdb.__version__,
        "pyarrow": pa.__version__,
        "numpy": np.__version__,
        "load": load,
    }


# --- report -----------------------------------------------------------------------------------------------------------
def _by(cases: list[Case], engine: str) -> Case:
    return next(c for c in cases if c.engine == engine)


def _ratio(a: float, b: float) -> str:
    r = a / b
    return f"{r:.2f}×" if r < 2 else f"{r:.1f}×" if r < 10 else f"{r:.0f}×"


def roundtrip_table(cases: list[Case]) -> str:
    rows = ["| library | call | median µs | p95 µs |", "| --- | --- | ---: | ---: |"]
    for c in cases:
        rows.append(f"| {c.engine} | `{c.call}` | {fmt_us(pct(c.samples, 50))} | {fmt_us(pct(c.samples, 95))} |")
    return "\n".join(rows)


def roundtrip_sentence(cases: list[Case]) -> str:
    med = {c.call: pct(c.samples, 50) for c in cases}
    ax_c, pl_c, pa_c = _by(cases, "alopex"), _by(cases, "Polars"), _by(cases, "pyarrow")
    duck = [c for c in cases if c.engine == "DuckDB"]
    best_duck = min(duck, key=lambda c: med[c.call])
    a = med[ax_c.call]
    peers = {"Polars": med[pl_c.call], "DuckDB": med[best_duck.call]}
    faster = [k for k, v in peers.items() if a < v]
    slower = [k for k, v in peers.items() if a >= v]
    parts = []
    for k, v in peers.items():
        if abs(a / v - 1) < 0.1:
            parts.append(f"on par with {k}, {fmt_us(v)} µs")
        elif a < v:
            parts.append(f"{_ratio(v, a)} faster than {k}")
        else:
            parts.append(f"{_ratio(a, v)} slower than {k}")
    verdict = "ahead of both query engines" if not slower else ("behind both query engines" if not faster else
                                                             "between the two query engines")
    if any(abs(a / v - 1) < 0.1 for v in peers.values()):
        verdict = "level with the faster query engine" if a <= min(peers.values()) * 1.1 else verdict
    return (f"alopex's round trip (median {fmt_us(a)} µs: plan serialized to JSON, one C call, result imported "
            f"through the Arrow C stream) is {verdict} ({' and '.join(parts)}), while the same operation as one "
            f"bare pyarrow call ({fmt_us(med[pa_c.call])} µs) shows what it costs with no query layer at all.")


def numpy_table(cases: list[NumpyCase], sizes: list[int]) -> str:
    head = "| library | column made by | call | " + " | ".join(f"{_size(n)} values" for n in sizes) + " | copies? |"
    rows = [head, "| --- | --- | --- | " + " | ".join("---:" for _ in sizes) + " | --- |"]
    for c in cases:
        copies = {c.copies.get(n) for n in sizes}
        copy_txt = "yes" if copies == {True} else "no (view)" if copies == {False} else "varies"
        cells = " | ".join(fmt_time(c.times[n]) if n in c.times else "–" for n in sizes)
        rows.append(f"| {c.engine} | {c.source} | `{c.call}` | {cells} | {copy_txt} |")
    return "\n".join(rows)


def numpy_sentence(cases: list[NumpyCase], sizes: list[int]) -> str:
    big = sizes[-1]
    views = [c for c in cases if not any(c.copies.values())]
    copying = [c for c in cases if any(c.copies.values())]
    worst_view = max(c.times[big] for c in views) if views else float("nan")
    s = (f"The zero-copy conversions ({', '.join(sorted({c.engine for c in views}))}) cost the same few "
         f"microseconds at every size (at most {fmt_time(worst_view)} for {_size(big)} values) because they only "
         f"wrap the existing buffer")
    if copying:
        parts = []
        for c in copying:
            gbps = big * 8 / c.times[big] / 1e9
            parts.append(f"{c.engine} {fmt_time(c.times[big])} ≈ {gbps:.1f} GB/s")
        s += f", while copying ones grow with the data ({'; '.join(parts)} at {_size(big)})"
    by_key = {c.key: c for c in cases}
    if "ax-engine" in by_key and "ax-series" in by_key:
        full, bare = by_key["ax-engine"].times[big], by_key["ax-series"].times[big]
        s += (f"; of alopex's {fmt_time(full)}, {fmt_time(bare)} is `Series.to_numpy()` itself and the rest "
              f"is the `res[\"x\"]` column lookup")
    return s + "."


def _size(n: int) -> str:
    for unit, div in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= div and n % div == 0:
            return f"{n // div}{unit}"
    return f"{n:,}"


def report(m: dict[str, str], when: str, args: argparse.Namespace, trivial: list[Case], filtered: list[Case],
           numpy_cases: list[NumpyCase], sizes: list[int], elapsed: float, tpch: str = "") -> str:
    reps = len(trivial[0].samples)
    return f"""# Benchmarks

Alopex beside Polars, DuckDB and pyarrow, measured in one run of `bench/run.py` (`make bench`;
`bench/run.py --quick` is a smoke check with small sizes; `bench/run.py --tpch-only` reruns section 3 alone). Numbers are from one machine on one day: read them as
orders of magnitude and as relative positions, not as absolutes.

**Machine:** {m['cpu']}, {m['cores']}, {m['ram']} RAM, {m['os']}; Python {m['python']};
alopex {m['alopex']}, polars {m['polars']}, duckdb {m['duckdb']}, pyarrow {m['pyarrow']}, numpy {m['numpy']}.
Load average at start: {m['load']}.

**Date:** {when}. Whole run: {elapsed:.0f} s.

Method: `time.perf_counter()` around each single call after warm-up calls; the round trips run
{reps:,} times each, interleaved across libraries in {args.rounds} rounds so background load affects them alike.

## 1. Round trip of a trivial query

A query whose work is negligible, so what is measured is the fixed cost of one call from Python to a result in hand:
building the query, crossing into the engine, planning, executing and handing back an Arrow (or Python) result.

### `select x … limit 1` on a {args.tiny_rows}-row float64 frame

{roundtrip_table(trivial)}

{roundtrip_sentence(trivial)}

### `filter x < 10` on a {args.filter_rows:,}-row float64 frame (10 rows out)

{roundtrip_table(filtered)}

{roundtrip_sentence(filtered)}

## 2. `to_numpy()` of a float64 column without nulls

Median time of the conversion alone (building the frame or running the query is not timed, except for DuckDB where
it cannot be separated: `con.execute()` returns at once and the scan runs inside `fetchnumpy()`, which then copies
into a new array). "copies?" is checked in the run: a view shares memory with the source buffer (or, for Polars,
two conversions share memory with each other).

{numpy_table(numpy_cases, sizes)}

{numpy_sentence(numpy_cases, sizes)}
""" + (f"\n{tpch}" if tpch else "")


# --- 3. TPC-H (bench/tpch.py) ----------------------------------------------------------------------------------------
TPCH_HEADING = "## 3. TPC-H"


def load_tpch():
    """bench/tpch.py as a module (imported by path: python/tests has a package named ``tpch``)."""
    import importlib.util

    name = "alopex_bench_tpch"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / "tpch.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def run_tpch(args: argparse.Namespace, m: dict[str, str], log: Callable[[str], None]) -> str:
    tpch = load_tpch()
    res = tpch.run(args.sf, tpch.parse_queries(args.tpch_queries), log=log)
    return tpch.section(res, number="3", machine=m)


VECTOR_HEADING = "## 4. Vector search"


def run_vector(args: argparse.Namespace, m: dict[str, str], log: Callable[[str], None]) -> str:
    import importlib.util

    spec = importlib.util.spec_from_file_location("alopex_bench_vector", Path(__file__).resolve().parent / "vector_bench.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    desc = f"{m['cpu']}, {m['cores']}, {m['ram']}; load average at start {m['load']}"
    return mod.run(args.vector_n, args.quick, log, machine=desc)


def run_tpch_sql(args: argparse.Namespace, m: dict[str, str], log: Callable[[str], None]) -> str:
    import importlib.util

    name = "alopex_bench_tpch_sql"
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / "tpch_sql.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    res = mod.run(args.sf, load_tpch().parse_queries(args.tpch_queries), log=log)
    return mod.section(res, machine=m)


TPCH_SQL_HEADING = "## 5. TPC-H in SQL"


def _bench_module(name: str) -> Any:
    """bench/<name>.py, loaded as a module (bench/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"alopex_bench_{name}", Path(__file__).resolve().parent / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _machine(m: dict[str, str]) -> str:
    return f"{m['cpu']}, {m['cores']}, {m['ram']}; load average at start {m['load']}"


def run_db(args: argparse.Namespace, m: dict[str, str], log: Callable[[str], None]) -> str:
    return _bench_module("db_bench").run(args.quick, log, machine=_machine(m), n=args.db_records)


DB_HEADING = "## 6. Embedded database (OLTP)"


def run_db_bulk(args: argparse.Namespace, m: dict[str, str], log: Callable[[str], None]) -> tuple[str, str]:
    """(heading, section) of bench/db_bulk_bench.py: bulk load vs sqlite3 and DuckDB."""
    mod = _bench_module("db_bulk_bench")
    return mod.HEADING, mod.run(200_000 if args.quick else 10_000_000, args.quick, log, machine=_machine(m))


def run_vector_store(args: argparse.Namespace, m: dict[str, str], log: Callable[[str], None]) -> tuple[str, str]:
    """(heading, section) of bench/vector_store_bench.py: stored tables with a vector index beside LanceDB."""
    mod = _bench_module("vector_store_bench")
    return mod.HEADING, mod.run(args.vector_n, args.quick, log, machine=_machine(m))


def replace_section(old: str, heading: str, section: str) -> str:
    """``old`` (a BENCHMARKS.md) with the section under ``heading`` replaced (appended if absent)."""
    start = old.find(heading)
    if start < 0:
        return old.rstrip("\n") + "\n\n" + section
    end = old.find("\n## ", start + len(heading))
    return old[:start] + section + (old[end + 1:] if end >= 0 else "")


def replace_tpch_section(old: str, section: str) -> str:
    """``old`` (a BENCHMARKS.md) with its TPC-H section replaced by ``section`` (appended if absent)."""
    start = old.find(TPCH_HEADING)
    if start < 0:
        return old.rstrip("\n") + "\n\n" + section
    end = old.find("\n## ", start + len(TPCH_HEADING))
    return old[:start] + section + (old[end + 1:] if end >= 0 else "")


# --- main -------------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes and few repetitions; write nothing by default")
    p.add_argument("--output", type=Path, default=None,
                   help="where to write the report (default: BENCHMARKS.md, or nowhere with --quick)")
    p.add_argument("--reps", type=int, default=None, help="round-trip repetitions per call (default 2000)")
    p.add_argument("--rounds", type=int, default=4, help="interleaved rounds the repetitions are split into")
    p.add_argument("--tiny-rows", type=int, default=10)
    p.add_argument("--filter-rows", type=int, default=1000)
    p.add_argument("--sizes", type=str, default=None, help="comma-separated to_numpy sizes (default 10M,100M)")
    p.add_argument("--tpch-only", action="store_true",
                   help="run only TPC-H and replace its section of the existing report")
    p.add_argument("--no-tpch", action="store_true", help="skip TPC-H")
    p.add_argument("--sf", type=float, default=None, help="TPC-H scale factor (default 1; 0.1 with --quick)")
    p.add_argument("--tpch-queries", type=str, default=None, help="comma-separated TPC-H queries (default all 22)")
    p.add_argument("--vector-only", action="store_true",
                   help="run only the vector search benchmark and replace its section of the existing report")
    p.add_argument("--no-vector", action="store_true", help="skip the vector search benchmark")
    p.add_argument("--tpch-sql-only", action="store_true",
                   help="run only TPC-H in SQL and replace its section of the existing report")
    p.add_argument("--no-tpch-sql", action="store_true", help="skip TPC-H in SQL")
    p.add_argument("--vector-store-only", action="store_true",
                   help="run only the stored vector search benchmark (beside LanceDB) and replace its section")
    p.add_argument("--no-vector-store", action="store_true", help="skip the stored vector search benchmark")
    p.add_argument("--db-only", action="store_true",
                   help="run only the embedded database benchmark and replace its section of the existing report")
    p.add_argument("--no-db", action="store_true", help="skip the embedded database benchmark")
    p.add_argument("--db-records", type=int, default=None, help="YCSB records (default 1M; 50k with --quick)")
    p.add_argument("--vector-n", type=int, default=200_000, help="size of the synthetic vector set (default 200,000)")
    args = p.parse_args(argv)
    if args.sf is None:
        args.sf = 0.1 if args.quick else 1.0

    reps = args.reps or (200 if args.quick else 2000)
    warmup = max(reps // 10, 10)
    sizes = [int(float(s)) for s in args.sizes.split(",")] if args.sizes else (
        [100_000, 1_000_000] if args.quick else [10_000_000, 100_000_000])
    budget = 0.3 if args.quick else 4.0
    out = args.output if args.output is not None else (None if args.quick else REPO / "BENCHMARKS.md")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    m = machine()
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    log(f"{m['cpu']} | {m['cores']} | {m['ram']} | load {m['load']}")

    if args.tpch_only:
        section = run_tpch(args, m, log)
        if out is None:
            print(section)
        else:
            old = out.read_text() if out.exists() else ""
            out.write_text(replace_tpch_section(old, section) if old else section)
            log(f"wrote the TPC-H section of {out} ({time.perf_counter() - started:.0f} s)")
        return 0

    if args.vector_only:
        section = run_vector(args, m, log)
        if out is None:
            print(section)
        else:
            old = out.read_text() if out.exists() else ""
            out.write_text(replace_section(old, VECTOR_HEADING, section + "\n") if old else section)
            log(f"wrote the vector section of {out} ({time.perf_counter() - started:.0f} s)")
        return 0

    if args.tpch_sql_only:
        section = run_tpch_sql(args, m, log)
        if out is None:
            print(section)
        else:
            old = out.read_text() if out.exists() else ""
            out.write_text(replace_section(old, TPCH_SQL_HEADING, section + "\n") if old else section)
            log(f"wrote the TPC-H SQL section of {out} ({time.perf_counter() - started:.0f} s)")
        return 0

    if args.vector_store_only:
        heading, section = run_vector_store(args, m, log)
        if out is None:
            print(section)
        else:
            old = out.read_text() if out.exists() else ""
            out.write_text(replace_section(old, heading, section + "\n") if old else section)
            log(f"wrote the stored vector search section of {out} ({time.perf_counter() - started:.0f} s)")
        return 0

    if args.db_only:
        section = run_db(args, m, log)
        if out is None:
            print(section)
        else:
            old = out.read_text() if out.exists() else ""
            out.write_text(replace_section(old, DB_HEADING, section + "\n") if old else section)
            log(f"wrote the database section of {out} ({time.perf_counter() - started:.0f} s)")
        return 0

    log(f"round trips: {reps} calls each, {args.rounds} rounds, {warmup} warm-up calls")
    trivial, filtered, keep = roundtrip_cases(args.tiny_rows, args.filter_rows)
    run_roundtrips(trivial + filtered, reps, warmup, args.rounds)
    for c in trivial + filtered:
        log(f"  {c.engine:8s} {c.call:60s} median {fmt_us(pct(c.samples, 50)):>7s} µs  p95 {fmt_us(pct(c.samples, 95)):>7s} µs")
    keep["con"].close()
    del keep
    gc.collect()

    numpy_cases = run_to_numpy(sizes, budget, log)
    gc.collect()
    tpch = "" if args.no_tpch else run_tpch(args, m, log)
    vector = "" if args.no_vector else run_vector(args, m, log)
    tpch_sql = "" if args.no_tpch or args.no_tpch_sql else run_tpch_sql(args, m, log)
    db_section = "" if args.no_db else run_db(args, m, log)
    elapsed = time.perf_counter() - started
    text = report(m, when, args, trivial, filtered, numpy_cases, sizes, elapsed, tpch)
    if vector:
        text = replace_section(text, VECTOR_HEADING, vector + "\n")
    if tpch_sql:
        text = replace_section(text, TPCH_SQL_HEADING, tpch_sql + "\n")
    if db_section:
        text = replace_section(text, DB_HEADING, db_section + "\n")
    text = replace_section(text, *run_db_bulk(args, m, log))
    if not args.no_vector_store:
        heading, section = run_vector_store(args, m, log)
        text = replace_section(text, heading, section + "\n")
    if out is None:
        print(text)
    else:
        out.write_text(text)
        log(f"wrote {out} ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
