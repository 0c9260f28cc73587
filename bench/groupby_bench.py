"""Group-by suite (issue 13): alopex beside Polars and DuckDB on the same in-memory Arrow data.

    .venv/bin/python bench/groupby_bench.py               # 10M rows, median of 3
    .venv/bin/python bench/groupby_bench.py --rows 1e6    # while iterating on a loaded machine
    .venv/bin/python bench/groupby_bench.py --only q8,q9  # some questions

The data (seeded NumPy, no nulls) is generated once per row count and cached as Parquet under
bench/data/ (gitignored); each engine reads it into memory before the clock starts, so the times
are of the group-by alone. Key columns: strings of 100, 10K/100 and N/10 distinct values
(``s100``, ``s100b``, ``s1m``), integers of 100 and N/10 distinct values (``i100``, ``i100b``,
``i1m``); values ``v1`` (1..5), ``v2`` (1..15), ``v3`` (float, 0..100). The six key columns
together are almost unique per row (the "10M groups" case).

Every question runs on alopex (lazy API), Polars (lazy) and DuckDB (SQL over the Arrow table),
interleaved in rounds, so background load hits all alike; the cell is the median wall time of
the rounds, with process CPU time beside it. Results are checked equal (rows sorted, lists
exploded, floats within a relative 1e-9). A question alopex cannot run is shown as such and left
out of the geomean.

``--memory`` runs each question once per engine in a child process instead and reports the peak
resident memory of the query above the loaded data (VmHWM, reset after the load through
/proc/self/clear_refs) and that peak per result group.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from _timing import fmt, timed  # bench/_timing.py (run from bench/ or with it on sys.path)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))
import alopex as ax  # noqa: E402

DATA = REPO / "bench" / "data"


def make_table(rows: int) -> pa.Table:
    """The suite's data for ``rows`` rows, from a fixed seed."""
    path = DATA / f"groupby_{rows}.parquet"
    if path.exists():
        return pq.read_table(path)
    rng = np.random.default_rng(13)
    big = max(1, rows // 10)

    def strings(n_distinct: int, width: int) -> pa.Array:
        codes = rng.integers(0, n_distinct, rows)
        dictionary = pa.array([f"id{i:0{width}d}" for i in range(n_distinct)])
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary).cast(pa.string())

    table = pa.table({
        "s100": strings(100, 3),
        "s100b": strings(100, 3),
        "s1m": strings(big, 10),
        "i100": rng.integers(1, 101, rows),
        "i100b": rng.integers(1, 101, rows),
        "i1m": rng.integers(1, big + 1, rows),
        "v1": rng.integers(1, 6, rows),
        "v2": rng.integers(1, 16, rows),
        "v3": np.round(rng.uniform(0, 100, rows), 6),
    })
    DATA.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return table


# A question: a title, and the query for each engine; ``None`` when an engine cannot run it.
Question = tuple[str, Callable[[Any], Any], Callable[[Any], Any], str]

SIX = ["s100", "s100b", "s1m", "i100", "i100b", "i1m"]


def questions() -> dict[str, Question]:
    c, p = ax.col, pl.col
    return {
        "q1": ("sum v1 by s100 (1 string key, 100 groups)",
               lambda f: f.group_by("s100").agg(c("v1").sum()),
               lambda f: f.group_by("s100").agg(p("v1").sum()),
               "SELECT s100, sum(v1) AS v1 FROM t GROUP BY s100"),
        "q2": ("sum v1 by s100, s100b (2 string keys, 10K groups)",
               lambda f: f.group_by("s100", "s100b").agg(c("v1").sum()),
               lambda f: f.group_by("s100", "s100b").agg(p("v1").sum()),
               "SELECT s100, s100b, sum(v1) AS v1 FROM t GROUP BY s100, s100b"),
        "q3": ("sum v1, mean v3 by s1m (1 string key, N/10 groups)",
               lambda f: f.group_by("s1m").agg(c("v1").sum(), c("v3").mean()),
               lambda f: f.group_by("s1m").agg(p("v1").sum(), p("v3").mean()),
               "SELECT s1m, sum(v1) AS v1, avg(v3) AS v3 FROM t GROUP BY s1m"),
        "q4": ("mean v1, v2, v3 by i100 (1 int key, 100 groups)",
               lambda f: f.group_by("i100").agg(c("v1").mean(), c("v2").mean(), c("v3").mean()),
               lambda f: f.group_by("i100").agg(p("v1").mean(), p("v2").mean(), p("v3").mean()),
               "SELECT i100, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM t GROUP BY i100"),
        "q5": ("sum v1, v2, v3 by i1m (1 int key, N/10 groups)",
               lambda f: f.group_by("i1m").agg(c("v1").sum(), c("v2").sum(), c("v3").sum()),
               lambda f: f.group_by("i1m").agg(p("v1").sum(), p("v2").sum(), p("v3").sum()),
               "SELECT i1m, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM t GROUP BY i1m"),
        "q6": ("median, std v3 by i100, i100b (2 int keys, 10K groups)",
               lambda f: f.group_by("i100", "i100b").agg(c("v3").median().alias("m"), c("v3").std().alias("s")),
               lambda f: f.group_by("i100", "i100b").agg(p("v3").median().alias("m"), p("v3").std().alias("s")),
               "SELECT i100, i100b, median(v3) AS m, stddev_samp(v3) AS s FROM t GROUP BY i100, i100b"),
        "q7": ("count, n_unique v2 by s100, i100 (string + int key, 10K groups)",
               lambda f: f.group_by("s100", "i100").agg(ax.len().alias("n"), c("v2").n_unique().alias("u")),
               lambda f: f.group_by("s100", "i100").agg(pl.len().alias("n"), p("v2").n_unique().alias("u")),
               "SELECT s100, i100, count(*) AS n, count(DISTINCT v2) AS u FROM t GROUP BY s100, i100"),
        "q8": ("top 2 v3 by i1m (1 int key, N/10 groups)",
               lambda f: f.group_by("i1m").agg(c("v3").top_k(2).alias("top2")),
               lambda f: f.group_by("i1m").agg(p("v3").top_k(2).alias("top2")),
               "SELECT i1m, max(v3, 2) AS top2 FROM t GROUP BY i1m"),
        "q9": ("corr(v1, v2) by s100, s100b (2 string keys, 10K groups)",
               lambda f: f.group_by("s100", "s100b").agg(ax.corr("v1", "v2").alias("r")),
               lambda f: f.group_by("s100", "s100b").agg(pl.corr("v1", "v2").alias("r")),
               "SELECT s100, s100b, corr(v1, v2) AS r FROM t GROUP BY s100, s100b"),
        "q10": ("sum v3, count by 6 keys (3 string + 3 int, ~N groups)",
                lambda f: f.group_by(*SIX).agg(c("v3").sum(), ax.len().alias("n")),
                lambda f: f.group_by(*SIX).agg(p("v3").sum(), pl.len().alias("n")),
                f"SELECT {', '.join(SIX)}, sum(v3) AS v3, count(*) AS n FROM t GROUP BY {', '.join(SIX)}"),
    }


def canonical(t: pa.Table) -> list[tuple]:
    """Rows of a result as sorted tuples: list columns exploded (top-k), uint/int alike."""
    cols = t.column_names
    rows = [tuple(r[c] for c in cols) for r in t.to_pylist()]
    out = []
    for r in rows:
        lists = [i for i, v in enumerate(r) if isinstance(v, list)]
        if lists:
            i = lists[0]
            for x in r[i]:
                out.append(r[:i] + (x,) + r[i + 1:])
        else:
            out.append(r)
    return sorted(out, key=lambda r: tuple((v is None, v) for v in r))


def same(a: list[tuple], b: list[tuple]) -> bool:
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b):
        for x, y in zip(ra, rb):
            if isinstance(x, float) or isinstance(y, float):
                if x is None or y is None:
                    if x is not y:
                        return False
                elif not (math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) or (x != x and y != y)):
                    return False
            elif x != y:
                return False
    return True


def _vm(field: str) -> int:
    """A /proc/self/status field in bytes (VmRSS, VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def child(qid: str, engine: str, rows: int) -> None:
    """One question on one engine: prints its peak memory above the loaded data, groups, seconds."""
    table = make_table(rows)
    q = questions()[qid]
    if engine == "alopex":
        frame = ax.from_arrow(table).lazy()
        run = lambda: q[1](frame).collect().to_arrow()  # noqa: E731
    elif engine == "Polars":
        frame = pl.from_arrow(table).lazy()
        run = lambda: q[2](frame).collect().to_arrow()  # noqa: E731
    else:
        con = duckdb.connect()
        con.register("t", table)
        run = lambda: con.sql(q[3]).to_arrow_table()  # noqa: E731
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS
    base = _vm("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    out = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(_vm("VmHWM") - base, out.num_rows, wall, cpu)


def memory(qids: list[str], rows: int) -> None:
    """Peak memory of each question per engine, each run alone in a child process."""
    make_table(rows)  # generate the data once, outside the children
    print(f"rows={rows:,}; load {os.getloadavg()}", flush=True)
    print("| question | engine | groups | peak above data | bytes/group | wall | CPU |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for qid in qids:
        for engine in ("alopex", "Polars", "DuckDB"):
            r = subprocess.run([sys.executable, __file__, "--rows", str(rows), "--child", f"{qid}:{engine}"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f"| {qid} | {engine} | fails: {r.stderr.strip().splitlines()[-1][:80]} | | | | |", flush=True)
                continue
            peak, groups, wall, cpu = r.stdout.split()
            peak, groups = int(peak), int(groups)
            print(f"| {qid} | {engine} | {groups:,} | {peak / 2**20:.0f} MiB | {peak / max(groups, 1):.0f} "
                  f"| {fmt(float(wall))} | {fmt(float(cpu))} |", flush=True)
    print(f"load {os.getloadavg()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=float, default=10e6)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated question ids (q1,q2,...)")
    ap.add_argument("--memory", action="store_true", help="peak memory per question, a child process each")
    ap.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    rows = int(args.rows)
    if args.child:
        child(*args.child.split(":"), rows)
        return
    if args.memory:
        memory([q for q in args.only.split(",") if q] or list(questions()), rows)
        return
    table = make_table(rows)
    af = ax.from_arrow(table).lazy()
    pf = pl.from_arrow(table).lazy()
    con = duckdb.connect()
    con.register("t", table)
    engines: dict[str, Callable[[Any], Callable[[], pa.Table]]] = {
        "alopex": lambda q: lambda: q[1](af).collect().to_arrow(),
        "Polars": lambda q: lambda: q[2](pf).collect().to_arrow(),
        "DuckDB": lambda q: lambda: con.sql(q[3]).to_arrow_table(),
    }
    qs = questions()
    only = [q for q in args.only.split(",") if q]
    print(f"rows={rows:,} reps={args.reps} threads: Go {os.cpu_count()} cpus; load {os.getloadavg()}", flush=True)
    print("| question | alopex | Polars | DuckDB | alopex / best | CPU alopex / Polars / DuckDB | equal? |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    ratios = []
    for qid, q in qs.items():
        if only and qid not in only:
            continue
        walls: dict[str, list[float]] = {e: [] for e in engines}
        cpus: dict[str, list[float]] = {e: [] for e in engines}
        results: dict[str, Any] = {}
        failed: dict[str, str] = {}
        for r in range(args.reps + 1):  # round 0 warms up and keeps the results
            for name, make in engines.items():
                if name in failed:
                    continue
                try:
                    w, c, out = timed(make(q))
                except Exception as e:  # an engine that cannot run the question
                    failed[name] = f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"
                    continue
                if r == 0:
                    results[name] = canonical(out)
                else:
                    walls[name].append(w)
                    cpus[name].append(c)
        med = {e: statistics.median(v) if v else None for e, v in walls.items()}
        cpu = {e: statistics.median(v) if v else None for e, v in cpus.items()}
        peers = [med[e] for e in ("Polars", "DuckDB") if med[e] is not None]
        best = min(peers) if peers else None
        ok = "—"
        if "alopex" in results and "DuckDB" in results:
            ok = "yes" if same(results["alopex"], results["DuckDB"]) else "**NO**"
        if "Polars" in results and "DuckDB" in results and not same(results["Polars"], results["DuckDB"]):
            ok += " (Polars ≠ DuckDB)"
        ratio = "n/a"
        if med["alopex"] is not None and best:
            ratios.append(med["alopex"] / best)
            ratio = f"{med['alopex'] / best:.2f}×"
        elif "alopex" in failed:
            ratio = f"fails: {failed['alopex']}"
        print(f"| {qid}: {q[0]} | {fmt(med['alopex'])} | {fmt(med['Polars'])} | {fmt(med['DuckDB'])} | {ratio} "
              f"| {fmt(cpu['alopex'])} / {fmt(cpu['Polars'])} / {fmt(cpu['DuckDB'])} | {ok} |", flush=True)
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"\ngeomean alopex / best peer over {len(ratios)} questions: {geo:.2f}×; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
