"""TPC-H in SQL on alopex, DuckDB and Polars: the 22 reference queries on the same Parquet files, in one run.

    .venv/bin/python bench/tpch_sql.py                  # SF 1; prints the report section, writes nothing
    .venv/bin/python bench/tpch_sql.py --sf 0.1 -q 1,5  # a subset at another scale factor
    .venv/bin/python bench/run.py --tpch-sql-only       # rewrites the TPC-H SQL section of BENCHMARKS.md

Every engine runs the same text, ``python/tests/tpch/sql.py`` (Q11's fraction scaled to the scale
factor), over the same files (``bench/data/tpch-sf<SF>``, made by bench/tpch.py):
  * alopex: ``ax.SQLContext`` with one ``ax.scan_parquet`` per table, ``ctx.execute(text).collect()``,
  * DuckDB: views on ``read_parquet``, ``con.sql(text).to_arrow_table()``,
  * Polars: ``pl.SQLContext`` with one ``pl.scan_parquet`` per table, ``ctx.execute(text).collect()``.
Polars' SQL dialect is not MySQL's: a query it rejects is reported "n/a" with its error.

Timing, time limit and the result check are bench/tpch.py's: a warm-up call of each engine per
query, then three interleaved rounds of one timed call each; the median and the best; every alopex
and Polars result compared with DuckDB's by ``assert_same_result`` of python/tests/test_tpch.py.

Planning: ``go test -bench PlanTPCH ./sqlexec`` (sqlexec/tpch_test.go) times parse, translation
and optimization of each query against the tables' schemas only, no data read; it runs when Go
and the sources are at hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
ENGINES = ("alopex", "DuckDB", "Polars")
HEADING = "## 5. TPC-H in SQL"


def _tpch() -> ModuleType:
    """bench/tpch.py (data, timing, checks and formatting are shared with the DataFrame benchmark)."""
    name = "alopex_bench_tpch"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / "tpch.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@dataclass
class SqlResult:
    sf: float
    data: Path
    queries: list[int]
    reps: int
    cells: dict[tuple[int, str], Any] = field(default_factory=dict)  # (query, engine) -> tpch.Cell
    mismatches: dict[tuple[int, str], str] = field(default_factory=dict)
    planning_us: dict[int, float] = field(default_factory=dict)  # query -> µs per plan (Go benchmark)
    planning_note: str = ""
    elapsed: float = 0.0
    when: str = ""
    load: tuple[str, str] = ("?", "?")


def make_engines(data: Path, sf: float) -> dict[str, Any]:
    tpch = _tpch()
    _, sql, _ = tpch.test_modules()
    texts = {n: tpch.sql_text(sql, n, sf) for n in range(1, 23)}
    files = {n: data / f"{n}.parquet" for n in tpch.TABLES}
    out: dict[str, Any] = {}

    import alopex as ax

    actx = ax.SQLContext({n: ax.scan_parquet(p) for n, p in files.items()})
    out["alopex"] = tpch.Engine("alopex", lambda n: actx.execute(texts[n]).collect(), lambda r: r.to_arrow(),
                                timeout=tpch.TIMEOUT_S)
    con = sql.connect(data)
    out["DuckDB"] = tpch.Engine("DuckDB", lambda n: con.sql(texts[n]).to_arrow_table(), lambda r: r,
                                close=con.close)
    import polars as pl

    pctx = pl.SQLContext(frames={n: pl.scan_parquet(p) for n, p in files.items()})
    out["Polars"] = tpch.Engine("Polars", lambda n: pctx.execute(texts[n], eager=False).collect(),
                                lambda r: r.to_arrow(), timeout=tpch.TIMEOUT_S)
    return out


def run_timings(res: SqlResult, log: Callable[[str], None]) -> None:
    tpch = _tpch()
    _, _, checks = tpch.test_modules()
    engines = make_engines(res.data, res.sf)
    try:
        for n in res.queries:
            tpch.time_query(res, engines, n, checks)
            parts = [f"{name} {tpch.fmt_s(c.median) if c.ok else c.status.upper()}"
                     for name in engines for c in [res.cells[(n, name)]]]
            bad = [name for name in ("alopex", "Polars") if (n, name) in res.mismatches]
            log(f"  SQL Q{n:<2d} " + "  ".join(parts) + (f"  MISMATCH: {', '.join(bad)}" if bad else ""))
    finally:
        for eng in engines.values():
            eng.close()


_BENCH_LINE = re.compile(r"^BenchmarkPlanTPCH/Q(\d+)\S*\s+\d+\s+([\d.]+) ns/op")


def run_planning(res: SqlResult, log: Callable[[str], None]) -> None:
    """µs per plan of each query from ``go test -bench PlanTPCH ./sqlexec`` (skipped without Go)."""
    go = shutil.which(os.environ.get("GO", "go"))
    if go is None or not (REPO / "sqlexec" / "tpch_test.go").is_file():
        res.planning_note = "not measured: Go or the sources are not at hand"
        return
    cmd = [go, "test", "-run", "^$", "-bench", "PlanTPCH", "-benchtime", "300x", "-count", "3", "./sqlexec"]
    log("SQL planning: " + " ".join(cmd[1:]))
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "GOFLAGS": os.environ.get("GOFLAGS", "-mod=mod")})
    if done.returncode != 0:
        res.planning_note = f"not measured: go test failed ({done.stderr.strip()[-200:]})"
        return
    runs: dict[int, list[float]] = {}
    for line in done.stdout.splitlines():
        m = _BENCH_LINE.match(line)
        if m:
            runs.setdefault(int(m.group(1)), []).append(float(m.group(2)) / 1000)
    res.planning_us = {n: min(v) for n, v in runs.items()}  # the best of 3: the least disturbed by load


def run(sf: float = 1.0, queries: list[int] | None = None, reps: int = 3, planning: bool = True,
        log: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)) -> SqlResult:
    tpch = _tpch()
    started = time.perf_counter()
    load_start = tpch._load_avg()
    data = tpch.ensure_data(sf, log)
    res = SqlResult(sf=sf, data=data, queries=queries or list(range(1, 23)), reps=reps,
                    when=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    log(f"TPC-H in SQL, SF {tpch.sf_name(sf)}: {len(res.queries)} queries x {', '.join(ENGINES)}; "
        f"1 warm-up + {reps} timed runs")
    run_timings(res, log)
    if planning:
        run_planning(res, log)
    res.elapsed = time.perf_counter() - started
    res.load = (load_start, tpch._load_avg())
    return res


def _na_reason(c: Any) -> str:
    return c.error.replace("|", "\\|").replace("`", "'")[:160]


def _time(c: dict[str, Any], e: str) -> str:
    tpch = _tpch()
    x = c[e]
    if x is not None and x.status == "error":
        return "n/a"
    return tpch._cell_text(x, tpch.TIMEOUT_S if e != "DuckDB" else None)


def _ratio(c: dict[str, Any], peer: str) -> str:
    a, p = c["alopex"], c[peer]
    return _tpch().fmt_ratio(a.median / p.median) if a is not None and a.ok and p is not None and p.ok else "–"


def _check(res: SqlResult, n: int, c: dict[str, Any], e: str) -> str:
    x = c[e]
    if x is None or not x.ok:
        return "–" if x is None else ("n/a" if x.status == "error" else x.status)
    if (n, e) in res.mismatches:
        return "**mismatch**"
    if c["DuckDB"] is None or not c["DuckDB"].ok:
        return "not checked"
    return f"yes ({x.rows:,} row{'' if x.rows == 1 else 's'})"


def section(res: SqlResult, machine: dict[str, str] | None = None) -> str:
    tpch = _tpch()
    fmt_s, fmt_ratio, geomean, Cell = tpch.fmt_s, tpch.fmt_ratio, tpch.geomean, tpch.Cell
    qs = res.queries
    ok = {e: [n for n in qs if res.cells.get((n, e), Cell(status="x")).ok] for e in ENGINES}
    where = f" on {machine['cpu']}, {machine['cores']}, {machine['ram']} RAM" if machine else ""
    lines = [
        f"{HEADING}, scale factor {tpch.sf_name(res.sf)}",
        "",
        f"The same SQL text in every engine: the reference queries of `python/tests/tpch/sql.py` (standard TPC-H "
        f"text that parses as MySQL; Q11's fraction scaled to the scale factor) over the Parquet files of section 3, "
        f"run by alopex (`ax.SQLContext` over `ax.scan_parquet`, `ctx.execute(q).collect()`), DuckDB (views on "
        f"`read_parquet`, `con.sql(q).to_arrow_table()`) and Polars (`pl.SQLContext` over `pl.scan_parquet`, "
        f"`ctx.execute(q).collect()`), by `bench/tpch_sql.py`. Measured {res.when}{where}; this section took "
        f"{res.elapsed:.0f} s (load average {res.load[0]} at its start, {res.load[1]} at its end: the machine's two "
        f"cores are shared with other work, so read small differences as noise).",
        "",
        f"Method as in section 3: per query a warm-up call of each engine, then {res.reps} interleaved round{'s' if res.reps != 1 else ''} of "
        f"one timed call each; the median, the best in parentheses; alopex and Polars calls are cancelled after "
        f"{tpch.TIMEOUT_S:.0f} s; every alopex and Polars result is checked against DuckDB's. *Planning* is SQL "
        f"planning in alopex alone: parse, translate to the lazy plan and optimize, against the tables' schemas "
        f"(no data read), from `go test -bench PlanTPCH ./sqlexec` (the best of 3 runs of 300 plans).",
        "",
        "| query | alopex SQL | DuckDB | Polars SQL | alopex / DuckDB | alopex / Polars | alopex = DuckDB? "
        "| Polars = DuckDB? | alopex planning |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for n in qs:
        c = {e: res.cells.get((n, e)) for e in ENGINES}
        plan = f"{res.planning_us[n]:,.0f} µs" if n in res.planning_us else "–"
        lines.append(f"| Q{n} | {_time(c, 'alopex')} | {_time(c, 'DuckDB')} | {_time(c, 'Polars')} "
                     f"| {_ratio(c, 'DuckDB')} | {_ratio(c, 'Polars')} | {_check(res, n, c, 'alopex')} "
                     f"| {_check(res, n, c, 'Polars')} | {plan} |")
    both_d = [n for n in qs if n in ok["alopex"] and n in ok["DuckDB"]]
    both_p = [n for n in qs if n in ok["alopex"] and n in ok["Polars"]]

    def geo(e: str, ns: list[int]) -> float:
        return geomean([res.cells[(n, e)].median for n in ns])

    plan_geo = geomean([res.planning_us[n] for n in qs if n in res.planning_us]) if res.planning_us else None
    lines.append(
        f"| **geomean** | **{fmt_s(geo('alopex', ok['alopex']))}** ({len(ok['alopex'])}) "
        f"| **{fmt_s(geo('DuckDB', ok['DuckDB']))}** ({len(ok['DuckDB'])}) "
        f"| **{fmt_s(geo('Polars', ok['Polars']))}** ({len(ok['Polars'])}) "
        f"| **{fmt_ratio(geo('alopex', both_d) / geo('DuckDB', both_d))}** ({len(both_d)}) "
        f"| **{fmt_ratio(geo('alopex', both_p) / geo('Polars', both_p))}** ({len(both_p)}) | | "
        f"| {f'**{plan_geo:,.0f} µs**' if plan_geo else '–'} |" if ok["alopex"] and both_d and both_p else "")
    lines += ["", "The geomean row gives in parentheses how many queries each figure covers: a ratio is taken over "
              "the queries both engines ran.", ""]

    a_bad = sorted(n for (n, e) in res.mismatches if e == "alopex")
    p_bad = sorted(n for (n, e) in res.mismatches if e == "Polars")
    checked = [n for n in qs if n in ok["alopex"] and n in ok["DuckDB"]]
    if not a_bad:
        lines.append(f"Results: all {len(checked)} alopex SQL results equal DuckDB's.")
    else:
        lines.append(f"Results: **alopex SQL differs from DuckDB on {', '.join(f'Q{n}' for n in a_bad)}**:")
        lines += [""] + [f"- Q{n}: {res.mismatches[(n, 'alopex')]}" for n in a_bad] + [""]
    if p_bad:
        lines[-1] += f" Polars SQL differs from DuckDB on {', '.join(f'Q{n}' for n in p_bad)}:"
        lines += [""] + [f"- Q{n}: {res.mismatches[(n, 'Polars')]}" for n in p_bad]
    lines.append("")
    errors = [(n, e, res.cells[(n, e)]) for n in qs for e in ENGINES if res.cells.get((n, e), Cell()).status != "ok"]
    if errors:
        lines += ["Queries an engine did not run (n/a: the engine rejected the query; the error as it gave it):", ""]
        for n, e, c in errors:
            lines.append(f"- Q{n}, {e}: " + (f"cancelled after {tpch.TIMEOUT_S:.0f} s" if c.status == "timeout"
                                              else f"`{_na_reason(c)}`"))
        lines.append("")
    if res.planning_us:
        worst = max(res.planning_us, key=res.planning_us.get)
        under = sum(1 for v in res.planning_us.values() if v < 1000)
        lines += [f"Planning: geomean {plan_geo:,.0f} µs per query, {under} of {len(res.planning_us)} queries under "
                  f"1 ms, the slowest Q{worst} ({res.planning_us[worst]:,.0f} µs).", ""]
    elif res.planning_note:
        lines += [f"Planning: {res.planning_note}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sf", type=float, default=1.0, help="TPC-H scale factor (default 1)")
    p.add_argument("-q", "--queries", default=None, help="comma-separated query numbers (default all 22)")
    p.add_argument("--reps", type=int, default=3, help="timed runs per query and engine (default 3)")
    p.add_argument("--no-planning", action="store_true", help="skip the Go planning benchmark")
    args = p.parse_args(argv)
    res = run(args.sf, _tpch().parse_queries(args.queries), args.reps, planning=not args.no_planning)
    print(section(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
