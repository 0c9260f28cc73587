"""TPC-H on alopex, Polars and DuckDB: the 22 queries on the same Parquet files, in one run.

    .venv/bin/python bench/tpch.py                  # SF 1; prints the report section, writes nothing
    .venv/bin/python bench/tpch.py --sf 0.1 -q 1,5  # a subset at another scale factor
    .venv/bin/python bench/run.py --tpch-only       # rewrites the TPC-H section of BENCHMARKS.md

Data: ``tpchgen-cli parquet -s SF`` (installed beside the Python interpreter) writes one
``<table>.parquet`` per table into ``bench/data/tpch-sf<SF>`` (git-ignored), reused when present.

The queries:
  * alopex: ``python/tests/tpch/queries.py`` (``qN(t).collect()`` over ``ax.scan_parquet``),
  * Polars: the same functions of queries.py run with Polars as ``ax`` (``collect()`` over ``pl.scan_parquet``),
    Q11, Q15 and Q22 in Polars' own way (below),
  * DuckDB: the reference SQL of ``python/tests/tpch/sql.py`` over views on ``read_parquet``.
Q11's fraction is scaled to the scale factor (0.0001 / SF) in all three.

Timing: one process, the engines interleaved per query (a warm-up call of each engine, then three
rounds of one timed call each), ``time.perf_counter`` around ``collect()`` / the SQL call to an
Arrow table in hand. We report the median and the best of the three. An alopex call running
longer than the time limit (60 s) is cancelled (the engine's Ctrl-C path) and reported.

Correctness: every alopex result (and every Polars result) is compared with DuckDB's, with
``assert_same_result`` of ``python/tests/test_tpch.py``: same shape, numbers within a relative
1e-6, other values exactly, ties of the ORDER BY compared as multisets.

Memory: one fresh subprocess per engine runs the query set once; we report its peak resident
set (``VmHWM``) and, where Linux lets us reset the high-water mark (``/proc/self/clear_refs``),
the query during which it was reached. Memory an engine keeps after a query (Go heap, allocator
caches, buffer pools) counts towards the next queries' peaks: that is what a user's process sees.
Then one fresh subprocess per query and engine gives the peak of each query on its own.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import gc
import importlib.util
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "python" / "tests"
DATA = REPO / "bench" / "data"
TABLES = ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem")
ENGINES = ("alopex", "Polars", "DuckDB")
TIMEOUT_S = 60.0


# --- the alopex queries, the SQL and the result check from python/tests ----------------------------------------------
def _load(name: str, path: Path, package_dir: Path | None = None) -> ModuleType:
    """Import a file as module ``name`` (bench/ has its own tpch.py, so ``import tpch`` is ambiguous)."""
    if name in sys.modules:
        return sys.modules[name]
    kw = {"submodule_search_locations": [str(package_dir)]} if package_dir else {}
    spec = importlib.util.spec_from_file_location(name, path, **kw)
    assert spec is not None and spec.loader is not None, path
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, mod)
    return mod


#: What the bench takes from python/tests/test_tpch.py: the result comparison and each query's ORDER BY.
CHECK_NAMES = ("RTOL", "ORDER_BY", "_rows", "_is_number", "_same", "_sort_key", "_tie_runs", "assert_same_result")


def _checks() -> ModuleType:
    """``assert_same_result`` and ``ORDER_BY`` of python/tests/test_tpch.py, one definition for tests and bench.

    Only those definitions (and the module's standard-library and pyarrow imports) are executed, so the bench
    needs neither pytest (not in the ``bench`` extra) nor the test fixtures.
    """
    name = "alopex_bench_tpch_checks"
    if name in sys.modules:
        return sys.modules[name]
    path = TESTS / "test_tpch.py"
    tree = ast.parse(path.read_text(), filename=str(path))
    third_party = {"pytest", "tpch", "alopex"}

    def wanted(node: ast.stmt) -> bool:
        if isinstance(node, ast.Import):
            return not any(a.name.split(".")[0] in third_party for a in node.names)
        if isinstance(node, ast.ImportFrom):
            return (node.module or "").split(".")[0] not in third_party
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            return node.name in CHECK_NAMES
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            return node.target.id in CHECK_NAMES
        if isinstance(node, ast.Assign):
            return any(isinstance(t, ast.Name) and t.id in CHECK_NAMES for t in node.targets)
        return False

    mod = ModuleType(name)
    mod.__file__ = str(path)
    code = compile(ast.Module(body=[n for n in tree.body if wanted(n)], type_ignores=[]), str(path), "exec")
    exec(code, mod.__dict__)  # noqa: S102 - our own test file
    missing = [n for n in CHECK_NAMES if n not in mod.__dict__]
    if missing:
        raise ImportError(f"{path} no longer defines {missing}: update bench/tpch.py")
    sys.modules[name] = mod
    return mod


def test_modules() -> tuple[ModuleType, ModuleType, ModuleType]:
    """(queries, sql, checks) from python/tests, with the package ``tpch`` resolving to python/tests/tpch."""
    pkg = sys.modules.get("tpch")
    if pkg is None or Path(getattr(pkg, "__file__", "") or "").resolve() != (TESTS / "tpch" / "__init__.py"):
        sys.modules.pop("tpch", None)
        _load("tpch", TESTS / "tpch" / "__init__.py", TESTS / "tpch")
    queries = _load("tpch.queries", TESTS / "tpch" / "queries.py")
    sql = _load("tpch.sql", TESTS / "tpch" / "sql.py")
    return queries, sql, _checks()


def fraction(sf: float) -> Decimal:
    """Q11's fraction, 0.0001 / SF (exact, for the SQL text)."""
    return Decimal("0.0001") / Decimal(str(sf))


def sql_text(sql: ModuleType, n: int, sf: float) -> str:
    text = sql.QUERIES[n]
    if n == 11:  # sql.py's fraction is for SF 0.1; scale it to this SF.
        old = "sum(ps_supplycost * ps_availqty) * 0.001"
        assert text.count(old) == 1, "sql.py's Q11 changed: update bench/tpch.py"
        text = text.replace(old, f"sum(ps_supplycost * ps_availqty) * {fraction(sf).normalize():f}")
    return text


# --- the 22 queries for Polars ----------------------------------------------------------------------------------------
# python/tests/tpch/queries.py, loaded a second time with its ``ax`` bound to Polars: its functions look ``ax`` up
# when they run, so 19 of the queries are the same plans built with Polars' API. Where that file works around
# something alopex lacks (an aggregate inside a filter: Q11, Q15, Q22), Polars uses its own way below.
def polars_queries(sf: float) -> dict[int, Callable[[Mapping[str, Any]], Any]]:
    import polars as pl

    shared = _load("alopex_bench_tpch_polars_queries", TESTS / "tpch" / "queries.py")
    shared.ax = pl
    col = pl.col

    def rev() -> pl.Expr:
        return col("l_extendedprice") * (1 - col("l_discount"))

    def q11(t):
        frac = float(fraction(sf))
        return (
            t["partsupp"]
            .join(t["supplier"], left_on="ps_suppkey", right_on="s_suppkey")
            .join(t["nation"], left_on="s_nationkey", right_on="n_nationkey")
            .filter(col("n_name") == "GERMANY")
            .group_by("ps_partkey")
            .agg((col("ps_supplycost") * col("ps_availqty")).sum().alias("value"))
            .filter(col("value") > col("value").sum() * frac)
            .sort("value", descending=True)
        )

    def q15(t):
        revenue = (
            t["lineitem"]
            .filter(col("l_shipdate").is_between(date(1996, 1, 1), date(1996, 4, 1), closed="left"))
            .group_by("l_suppkey")
            .agg(rev().sum().alias("total_revenue"))
            .select(col("l_suppkey").alias("supplier_no"), "total_revenue")
        )
        return (
            t["supplier"]
            .join(revenue, left_on="s_suppkey", right_on="supplier_no")
            .filter(col("total_revenue") == col("total_revenue").max())
            .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
            .sort("s_suppkey")
        )

    def q22(t):
        codes = ["13", "31", "23", "29", "30", "18", "17"]
        return (
            t["customer"]
            .with_columns(col("c_phone").str.slice(0, 2).alias("cntrycode"))
            .filter(col("cntrycode").is_in(codes))
            .select("c_acctbal", "c_custkey", "cntrycode")
            .filter(col("c_acctbal") > col("c_acctbal").filter(col("c_acctbal") > 0.0).mean())
            .join(t["orders"], left_on="c_custkey", right_on="o_custkey", how="anti")
            .group_by("cntrycode")
            .agg(col("c_acctbal").count().alias("numcust"), col("c_acctbal").sum().alias("totacctbal"))
            .sort("cntrycode")
        )

    queries = {n: getattr(shared, f"q{n}") for n in range(1, 23)}
    queries.update({11: q11, 15: q15, 22: q22})
    return queries


# --- data -------------------------------------------------------------------------------------------------------------
def sf_name(sf: float) -> str:
    return f"{sf:g}"


def ensure_data(sf: float, log: Callable[[str], None]) -> Path:
    """``bench/data/tpch-sf<SF>`` with one Parquet file per table, generated once."""
    out = DATA / f"tpch-sf{sf_name(sf)}"
    if all((out / f"{n}.parquet").is_file() for n in TABLES):
        log(f"TPC-H SF {sf_name(sf)}: reusing {out.relative_to(REPO)}")
        return out
    test_modules()
    data = _load("tpch.data", TESTS / "tpch" / "data.py")
    exe = data.tpchgen()
    if exe is None:
        raise SystemExit("tpchgen-cli is not installed (beside the Python interpreter or on PATH): "
                         "pip install tpchgen-cli")
    log(f"TPC-H SF {sf_name(sf)}: {exe} parquet -s {sf_name(sf)} into {out.relative_to(REPO)}")
    t0 = time.perf_counter()
    data.generate(exe, sf_name(sf), out, timeout=1800)
    log(f"  generated in {time.perf_counter() - t0:.0f} s")
    return out


# --- the engines ------------------------------------------------------------------------------------------------------
class QueryTimeout(KeyboardInterrupt):
    """Raised in the main thread by the alarm; a KeyboardInterrupt, so alopex cancels its Go work."""


class time_limit:
    """``with time_limit(s):`` raises QueryTimeout after ``s`` seconds (main thread, Unix only)."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds if seconds and hasattr(signal, "setitimer") else None

    def _fire(self, signum, frame):  # noqa: ARG002
        raise QueryTimeout()

    def __enter__(self):
        if self.seconds:
            self.old = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.old)
        return False


@dataclass
class Engine:
    name: str
    run: Callable[[int], Any]  # query number -> result in hand
    to_arrow: Callable[[Any], Any]
    timeout: float | None = None
    close: Callable[[], None] = lambda: None


def make_engines(data: Path, sf: float, names: tuple[str, ...] = ENGINES) -> dict[str, Engine]:
    queries, sql, _ = test_modules()
    queries.SCALE_FACTOR = sf  # Q11's fraction
    out: dict[str, Engine] = {}
    if "alopex" in names:
        import alopex as ax

        ta = {n: ax.scan_parquet(data / f"{n}.parquet") for n in TABLES}
        out["alopex"] = Engine("alopex", lambda n: queries.QUERIES[n](ta).collect(), lambda r: r.to_arrow(),
                               timeout=TIMEOUT_S)
    if "Polars" in names:
        import polars as pl

        pq = polars_queries(sf)
        tp = {n: pl.scan_parquet(data / f"{n}.parquet") for n in TABLES}
        out["Polars"] = Engine("Polars", lambda n: pq[n](tp).collect(), lambda r: r.to_arrow())
    if "DuckDB" in names:
        con = sql.connect(data)
        texts = {n: sql_text(sql, n, sf) for n in range(1, 23)}
        out["DuckDB"] = Engine("DuckDB", lambda n: con.sql(texts[n]).to_arrow_table(), lambda r: r, close=con.close)
    return out


def call(engine: Engine, n: int) -> tuple[float, Any]:
    """(seconds, result) of one run; raises QueryTimeout past the engine's limit."""
    with time_limit(engine.timeout):
        t0 = time.perf_counter()
        r = engine.run(n)
        t1 = time.perf_counter()
    return t1 - t0, r


# --- timing and checking ----------------------------------------------------------------------------------------------
@dataclass
class Cell:
    times: list[float] = field(default_factory=list)
    status: str = "ok"  # ok | timeout | error
    error: str = ""
    rows: int = -1
    peak_mib: float | None = None  # peak RSS during the query in the memory subprocess

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


@dataclass
class TpchResult:
    sf: float
    data: Path
    queries: list[int]
    reps: int
    cells: dict[tuple[int, str], Cell] = field(default_factory=dict)
    mismatches: dict[tuple[int, str], str] = field(default_factory=dict)  # (query, engine) -> message vs DuckDB
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)  # engine -> worker report
    elapsed: float = 0.0
    when: str = ""
    load: tuple[str, str] = ("?", "?")  # load average (1, 5, 15 min) at the start and at the end


def _short(e: BaseException) -> str:
    msg = str(e).strip().splitlines()
    return f"{type(e).__name__}: {msg[0][:200] if msg else ''}"


def time_query(res: Any, engines: Mapping[str, Engine], n: int, checks: ModuleType) -> None:
    """Query n on every engine: a warm-up call, whose result is checked against DuckDB's, then ``res.reps``
    timed rounds with the engines interleaved. Fills ``res.cells[(n, engine)]`` and ``res.mismatches``
    (the DataFrame and the SQL benchmark share it)."""
    results: dict[str, Any] = {}
    for name, eng in engines.items():  # warm-up; its result is the one checked
        cell = res.cells[(n, name)] = Cell()
        gc.collect()
        try:
            dt_, r = call(eng, n)
            results[name] = eng.to_arrow(r)
            cell.rows = results[name].num_rows
            if dt_ > (eng.timeout or math.inf):
                cell.status = "timeout"
            del r
        except QueryTimeout:
            cell.status = "timeout"
        except Exception as e:  # noqa: BLE001 - reported
            cell.status, cell.error = "error", _short(e)
    for _ in range(res.reps):
        for name, eng in engines.items():
            cell = res.cells[(n, name)]
            if cell.status != "ok":
                continue
            gc.collect()
            try:
                dt_, r = call(eng, n)
                del r
                cell.times.append(dt_)
            except QueryTimeout:
                cell.status = "timeout"
            except Exception as e:  # noqa: BLE001
                cell.status, cell.error = "error", _short(e)
    want = results.get("DuckDB")
    for name in ("alopex", "Polars"):
        got = results.get(name)
        if got is None or want is None:
            continue
        try:
            checks.assert_same_result(got, want, checks.ORDER_BY[n])
        except AssertionError as e:
            msg = str(e).strip().splitlines()[0][:300]
            res.mismatches[(n, name)] = msg.replace("alopex", name) if name != "alopex" else msg


def run_timings(res: TpchResult, log: Callable[[str], None]) -> None:
    engines = make_engines(res.data, res.sf)
    _, _, checks = test_modules()
    try:
        for n in res.queries:
            time_query(res, engines, n, checks)
            parts = []
            for name in engines:
                c = res.cells[(n, name)]
                parts.append(f"{name} {fmt_s(c.median) if c.ok else c.status.upper()}")
            bad = [name for name in ("alopex", "Polars") if (n, name) in res.mismatches]
            log(f"  q{n:<2d} " + "  ".join(f"{p:18s}" for p in parts) + (f"  MISMATCH {bad}" if bad else ""))
            for name in engines:
                c = res.cells[(n, name)]
                if c.status == "error":
                    log(f"      {name}: {c.error}")
                if (n, name) in res.mismatches:
                    log(f"      {name} vs DuckDB: {res.mismatches[(n, name)]}")
    finally:
        for eng in engines.values():
            eng.close()


# --- memory: one subprocess per engine ---------------------------------------------------------------------------------
def _status_kib(key: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def worker(engine: str, data: Path, sf: float, qs: list[int]) -> dict[str, Any]:
    """Run the queries once on one engine in this (fresh) process; report peak memory in KiB."""
    import duckdb  # noqa: F401
    import polars  # noqa: F401

    import alopex  # noqa: F401 - every worker loads the same libraries, so baselines compare

    eng = make_engines(data, sf, (engine,))[engine]
    base = _status_kib("VmRSS")
    per_query: dict[str, Any] = {}
    can_reset = _reset_peak()
    for n in qs:
        if can_reset:
            _reset_peak()
        before = _status_kib("VmRSS")
        try:
            _, r = call(eng, n)
            del r
            status = "ok"
        except QueryTimeout:
            status = "timeout"
        except Exception as e:  # noqa: BLE001
            status = _short(e)
        per_query[str(n)] = {"status": status, "before": before,
                             "peak": _status_kib("VmHWM") if can_reset else None}
        gc.collect()
    eng.close()
    # With resets, VmHWM only covers the time since the last one: the run's peak is the largest of the parts.
    hwm = max([_status_kib("VmHWM") or 0] + [q["peak"] or 0 for q in per_query.values()])
    return {"engine": engine, "baseline": base, "hwm": hwm, "per_query": per_query,
            "reset": can_reset, "end_rss": _status_kib("VmRSS")}


def _worker(res: TpchResult, name: str, qs: list[int]) -> dict[str, Any]:
    cmd = [sys.executable, os.fspath(Path(__file__).resolve()), "--worker", name, "--data", os.fspath(res.data),
           "--sf", sf_name(res.sf), "-q", ",".join(map(str, qs))]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_memory(res: TpchResult, log: Callable[[str], None]) -> None:
    """Peak RSS: one process per engine over the query set, then one fresh process per query and engine."""
    runnable = {name: [n for n in res.queries if res.cells.get((n, name), Cell()).status != "timeout"]
                for name in ENGINES}
    for name in ENGINES:
        t0 = time.perf_counter()
        rep = res.memory[name] = _worker(res, name, runnable[name])
        if "error" in rep:
            log(f"  memory worker {name} failed: {rep['error']}")
            continue
        log(f"  {name:7s} query set in one process: peak RSS {rep['hwm'] / 1024:,.0f} MiB "
            f"(baseline {rep['baseline'] / 1024:,.0f} MiB, {rep['end_rss'] / 1024:,.0f} MiB at the end) "
            f"in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    for n in res.queries:
        for name in ENGINES:
            if n not in runnable[name] or (n, name) not in res.cells:
                continue
            rep = _worker(res, name, [n])
            if "error" not in rep and rep["per_query"][str(n)]["status"] == "ok":
                res.cells[(n, name)].peak_mib = rep["hwm"] / 1024
    log(f"  one fresh process per query and engine: {time.perf_counter() - t0:.0f} s")


def _load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def run(sf: float = 1.0, queries: list[int] | None = None, reps: int = 3, memory: bool = True,
        log: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)) -> TpchResult:
    started = time.perf_counter()
    load_start = _load_avg()
    data = ensure_data(sf, log)
    res = TpchResult(sf=sf, data=data, queries=queries or list(range(1, 23)), reps=reps,
                     when=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    log(f"TPC-H SF {sf_name(sf)}: {len(res.queries)} queries x {', '.join(ENGINES)}; 1 warm-up + {reps} timed runs")
    run_timings(res, log)
    if memory:
        log("TPC-H peak memory, one subprocess per engine")
        run_memory(res, log)
    res.elapsed = time.perf_counter() - started
    res.load = (load_start, _load_avg())
    return res


# --- report -----------------------------------------------------------------------------------------------------------
def fmt_s(s: float) -> str:
    if s < 0.01:
        return f"{s * 1000:.1f} ms"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    return f"{s:.2f} s"


def fmt_ratio(r: float) -> str:
    return f"{r:.2f}×" if r < 10 else f"{r:.0f}×"


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def _cell_text(c: Cell | None, timeout: float | None) -> str:
    if c is None:
        return "–"
    if c.status == "timeout":
        return f"> {timeout:.0f} s (timeout)" if timeout else "timeout"
    if c.status == "error":
        return "error"
    return f"{fmt_s(c.median)} ({fmt_s(c.best)})"


def slowest(res: TpchResult, k: int = 5) -> list[tuple[int, float, str]]:
    """(query, alopex / best peer, best peer) for the k queries where alopex is furthest behind."""
    rows = []
    for n in res.queries:
        a = res.cells.get((n, "alopex"))
        peers = [(res.cells[(n, e)].median, e) for e in ("Polars", "DuckDB") if res.cells.get((n, e), Cell()).ok]
        if not peers or a is None:
            continue
        best, who = min(peers)
        if a.status == "timeout":
            rows.append((n, math.inf, who))
        elif a.ok:
            rows.append((n, a.median / best, who))
    rows.sort(key=lambda r: -r[1])
    return rows[:k]


def _poss(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def section(res: TpchResult, number: str = "3", machine: dict[str, str] | None = None) -> str:
    qs = res.queries
    ok_all = [n for n in qs if all(res.cells.get((n, e), Cell(status="x")).ok for e in ENGINES)]
    geo = {e: geomean([res.cells[(n, e)].median for n in ok_all]) for e in ENGINES}
    geo_best = {e: geomean([res.cells[(n, e)].best for n in ok_all]) for e in ENGINES}

    lines = [f"## {number}. TPC-H, scale factor {sf_name(res.sf)}", ""]
    where = ""
    if machine:
        where = f" on {machine['cpu']}, {machine['cores']}, {machine['ram']} RAM"
    lines += [
        f"{'The 22' if len(qs) == 22 else f'{len(qs)} of the 22'} TPC-H queries on the same Parquet files (`tpchgen-cli parquet -s {sf_name(res.sf)}`, one file per "
        f"table, {_data_size(res.data)}), run by alopex (`qN(t).collect()` over `ax.scan_parquet`, the queries of "
        f"`python/tests/tpch/queries.py`), Polars (the same query functions run with Polars, Q11, Q15 and Q22 "
        f"in Polars' own way in `bench/tpch.py`; `collect()` over `pl.scan_parquet`) and DuckDB (the reference SQL of `python/tests/tpch/sql.py` over "
        f"views on `read_parquet`, result fetched as an Arrow table). Measured {res.when}{where}; this section took "
        f"{res.elapsed:.0f} s (load average {res.load[0]} at its start, {res.load[1]} at its end).",
        "",
        f"Method: one process; per query, a warm-up call of each engine, then {res.reps} rounds of one timed call per "
        f"engine (interleaved, so background load hits all alike); every engine uses its default thread count. "
        f"Cells are the median, with the best in parentheses. An alopex call is cancelled after {TIMEOUT_S:.0f} s. "
        f"Every alopex and Polars result is checked against DuckDB's (same shape, numbers within a relative 1e-6, "
        f"ties of the ORDER BY as multisets)."
        + (f" *Peak RSS* is the high-water mark (`VmHWM`) of a fresh Python process that imports the three "
           f"libraries and runs that one query once on that engine, the ~{_baseline_mib(res)} MiB of the "
           f"interpreter and libraries included." if res.memory else ""),
        "",
        "| query | alopex | Polars | DuckDB | alopex / Polars | alopex / DuckDB | alopex peak RSS | Polars peak RSS "
        "| DuckDB peak RSS | alopex = DuckDB? |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for n in qs:
        c = {e: res.cells.get((n, e)) for e in ENGINES}
        timeouts = {"alopex": TIMEOUT_S}
        cells = [_cell_text(c[e], timeouts.get(e)) for e in ENGINES]
        ratios = []
        for peer in ("Polars", "DuckDB"):
            if c["alopex"] is not None and c["alopex"].ok and c[peer] is not None and c[peer].ok:
                ratios.append(fmt_ratio(c["alopex"].median / c[peer].median))
            elif c["alopex"] is not None and c["alopex"].status == "timeout" and c[peer] is not None and c[peer].ok:
                ratios.append(f"> {fmt_ratio(TIMEOUT_S / c[peer].median)}")
            else:
                ratios.append("–")
        mems = [f"{c[e].peak_mib:,.0f} MiB" if c[e] is not None and c[e].peak_mib is not None else "–"
                for e in ENGINES]
        a = c["alopex"]
        if a is None or a.status != "ok" and not a.times:
            check = a.status if a is not None else "–"
        elif (n, "alopex") in res.mismatches:
            check = "**mismatch**"
        elif c["DuckDB"] is None or not c["DuckDB"].ok:
            check = "not checked"
        else:
            check = f"yes ({a.rows:,} row{'' if a.rows == 1 else 's'})"
        lines.append(f"| Q{n} | " + " | ".join(cells + ratios + mems) + f" | {check} |")
    if ok_all:
        lines.append(
            f"| **geomean** ({len(ok_all)} queries) | **{fmt_s(geo['alopex'])}** ({fmt_s(geo_best['alopex'])}) "
            f"| **{fmt_s(geo['Polars'])}** ({fmt_s(geo_best['Polars'])}) "
            f"| **{fmt_s(geo['DuckDB'])}** ({fmt_s(geo_best['DuckDB'])}) "
            f"| **{fmt_ratio(geo['alopex'] / geo['Polars'])}** | **{fmt_ratio(geo['alopex'] / geo['DuckDB'])}** "
            f"| | | | |")
    lines.append("")

    # Summary sentences.
    excluded = [n for n in qs if n not in ok_all]
    if ok_all:
        s = (f"Geometric mean of the medians over the {len(ok_all)} queries that all three engines ran: alopex "
             f"{fmt_s(geo['alopex'])}, Polars {fmt_s(geo['Polars'])}, DuckDB {fmt_s(geo['DuckDB'])}; alopex takes "
             f"{fmt_ratio(geo['alopex'] / geo['Polars'])} Polars' time and {fmt_ratio(geo['alopex'] / geo['DuckDB'])} "
             f"DuckDB's.")
        if excluded:
            s += f" Left out of the geomean: {', '.join(f'Q{n}' for n in excluded)} (see the table)."
        lines += [s, ""]

    slow = slowest(res)
    if slow:
        lines.append("Where alopex is furthest behind the faster of Polars and DuckDB (median against median):")
        lines.append("")
        for n, r, who in slow:
            c = res.cells[(n, "alopex")]
            t = f"> {TIMEOUT_S:.0f} s, cancelled" if c.status == "timeout" else fmt_s(c.median)
            rr = f"> {fmt_ratio(TIMEOUT_S / res.cells[(n, who)].median)}" if math.isinf(r) else fmt_ratio(r)
            lines.append(f"- Q{n}: {rr} {_poss(who)} time (alopex {t}, {who} {fmt_s(res.cells[(n, who)].median)})")
        lines.append("")

    # Correctness.
    a_bad = sorted(n for (n, e) in res.mismatches if e == "alopex")
    p_bad = sorted(n for (n, e) in res.mismatches if e == "Polars")
    errors = [(n, e, res.cells[(n, e)]) for n in qs for e in ENGINES if res.cells.get((n, e), Cell()).status != "ok"]
    checked = [n for n in qs if res.cells.get((n, "alopex"), Cell()).rows >= 0 and res.cells.get((n, "DuckDB"), Cell()).rows >= 0]
    if not a_bad:
        lines.append(f"Results: all {len(checked)} alopex results that could be checked equal DuckDB's.")
    else:
        lines.append(f"Results: **alopex differs from DuckDB on {', '.join(f'Q{n}' for n in a_bad)}**:")
        lines.append("")
        lines += [f"- Q{n}: {res.mismatches[(n, 'alopex')]}" for n in a_bad]
    lines[-1] += (" Polars' results equal DuckDB's too." if not p_bad else
                  f" Polars differs from DuckDB on {', '.join(f'Q{n}' for n in p_bad)}.")
    lines.append("")
    if errors:
        lines.append("Errors and timeouts:")
        lines.append("")
        for n, e, c in errors:
            lines.append(f"- Q{n}, {e}: " + (f"cancelled after {TIMEOUT_S:.0f} s" if c.status == "timeout"
                                              else f"`{c.error}`"))
        lines.append("")

    # Memory.
    if res.memory:
        lines += [
            "Peak memory of the whole query set: each engine in its own fresh Python process (the same imports in "
            "each) running the queries above once, in order. *Baseline* is the resident set after imports and "
            "setup, *peak* the process's high-water mark over the whole set (`VmHWM`), *largest in the set* the "
            "query during which it was reached (the mark is reset before each query through "
            "`/proc/self/clear_refs`), *at the end* the resident set after the last query and a `gc.collect()`. "
            "Memory an engine keeps between queries (Go heap not yet returned to the system, allocator caches, "
            "DuckDB's buffer pool) counts in the later queries' peaks, as it does in a user's process; the last "
            "column, from the per-query processes of the table above, shows what one query needs on its own.",
            "",
            "| engine | baseline RSS | peak RSS over the set | largest in the set | RSS at the end "
            "| largest peak of one query alone |",
            "| --- | ---: | ---: | --- | ---: | --- |",
        ]
        for e in ENGINES:
            m = res.memory.get(e, {})
            alone = [(res.cells[(n, e)].peak_mib, n) for n in qs
                     if res.cells.get((n, e)) is not None and res.cells[(n, e)].peak_mib is not None]
            alone_txt = f"Q{max(alone)[1]}: {max(alone)[0]:,.0f} MiB" if alone else "–"
            if "error" in m or not m:
                lines.append(f"| {e} | – | – | worker failed: {m.get('error', '')[:80]} | – | {alone_txt} |")
                continue
            peaks = [(v["peak"], k) for k, v in m["per_query"].items() if v.get("peak") is not None]
            top = f"Q{max(peaks)[1]} ({max(peaks)[0] / 1024:,.0f} MiB)" if peaks else "–"
            lines.append(f"| {e} | {m['baseline'] / 1024:,.0f} MiB | {m['hwm'] / 1024:,.0f} MiB | {top} "
                         f"| {m['end_rss'] / 1024:,.0f} MiB | {alone_txt} |")
        lines.append("")
    return "\n".join(lines)


def _baseline_mib(res: TpchResult) -> str:
    bases = [m["baseline"] / 1024 for m in res.memory.values() if "baseline" in m]
    if not bases:
        return "?"
    lo, hi = min(bases), max(bases)
    return f"{lo:,.0f}" if hi - lo < 5 else f"{lo:,.0f}–{hi:,.0f}"


def _data_size(data: Path) -> str:
    total = sum((data / f"{n}.parquet").stat().st_size for n in TABLES)
    rows = ""
    try:
        import pyarrow.parquet as pq

        li = pq.ParquetFile(data / "lineitem.parquet").metadata
        rows = f", lineitem {li.num_rows:,} rows in {li.num_row_groups} row groups"
    except Exception:  # noqa: BLE001
        pass
    return f"{total / 2**20:,.0f} MiB{rows}"


# --- main -------------------------------------------------------------------------------------------------------------
def parse_queries(s: str | None) -> list[int] | None:
    if not s:
        return None
    out = [int(x.lstrip("qQ")) for x in s.split(",") if x.strip()]
    bad = [n for n in out if not 1 <= n <= 22]
    if bad:
        raise SystemExit(f"no such TPC-H query: {bad}")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sf", type=float, default=1.0, help="TPC-H scale factor (default 1)")
    p.add_argument("-q", "--queries", default=None, help="comma-separated query numbers (default all 22)")
    p.add_argument("--reps", type=int, default=3, help="timed runs per query and engine (default 3)")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    p.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    qs = parse_queries(args.queries)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.sf, qs or list(range(1, 23)))))
        return 0
    res = run(args.sf, qs, args.reps, memory=not args.no_memory)
    print(section(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
