"""Join suite (issue 13): alopex beside Polars and DuckDB on the same in-memory Arrow data.

    .venv/bin/python bench/join_bench.py               # 10M-row left side, median of 3
    .venv/bin/python bench/join_bench.py --rows 1e6    # while iterating on a loaded machine
    .venv/bin/python bench/join_bench.py --only j5,j6  # some cases

The data (seeded NumPy, no nulls) is generated once per row count and cached as Parquet under
bench/data/ (gitignored); each engine reads it into memory before the clock starts. The left side
has N rows; the right sides have 100, 100K and N rows with unique keys (a primary key), and the
left keys are drawn uniformly from a range 25% wider than the right's, so about 80% of left rows
find a partner (the rest show what a left join keeps). Key columns: ``k100``, ``k100k``, ``kn``
(int64), ``s100k`` (the string "id" + the 100K key) and ``a``, ``b`` (the 100K key split into
two int32 columns: a 2-column key).

Every case but one aggregates the join (row count and a sum of a right-side column) so that the
join, not the output's materialization, is timed; ``j10`` returns the joined rows. Engines run
interleaved in rounds, so background load hits all alike; the cell is the median wall time, and
the process CPU time of each engine's call follows (less distorted by other processes' load than
wall time; the ratio is of wall times). Results are checked equal.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
from pathlib import Path
from typing import Any, Callable

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from _timing import fmt, timed  # bench/_timing.py (run from bench/ or with it on sys.path)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"


def _ids(keys: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise("id", pa.array(keys).cast(pa.string()), "")


def make_tables(rows: int) -> dict[str, pa.Table]:
    """The suite's tables (left side of ``rows`` rows, three right sides), from a fixed seed."""
    paths = {name: DATA / f"join_{rows}_{name}.parquet" for name in ("left", "r100", "r100k", "rn")}
    if all(p.exists() for p in paths.values()):
        return {name: pq.read_table(p) for name, p in paths.items()}
    rng = np.random.default_rng(13)

    def right(m: int) -> pa.Table:
        k = rng.permutation(m).astype(np.int64)
        return pa.table({"k": k, "w": rng.integers(1, 1000, m)})

    def draw(m: int) -> np.ndarray:
        return rng.integers(0, m + m // 4, rows).astype(np.int64)

    k100k = draw(100_000)
    left = pa.table({
        "k100": draw(100),
        "k100k": k100k,
        "kn": draw(rows),
        "s100k": _ids(k100k),
        "a": (k100k // 100).astype(np.int32),
        "b": (k100k % 100).astype(np.int32),
        "v": rng.integers(1, 100, rows),
    })
    r100k = right(100_000)
    rk = r100k.column("k").to_numpy()
    r100k = r100k.append_column("s", _ids(rk))
    r100k = r100k.append_column("a", pa.array((rk // 100).astype(np.int32)))
    r100k = r100k.append_column("b", pa.array((rk % 100).astype(np.int32)))
    tables = {"left": left, "r100": right(100), "r100k": r100k, "rn": right(rows)}
    DATA.mkdir(parents=True, exist_ok=True)
    for name, t in tables.items():
        pq.write_table(t, paths[name])
    return tables


# A case: a title, the right table, how, left keys, right keys, and whether it aggregates.
Case = tuple[str, str, str, list[str], list[str], bool]


def cases() -> dict[str, Case]:
    return {
        "j1": ("inner, int key, 100-row right", "r100", "inner", ["k100"], ["k"], True),
        "j2": ("left, int key, 100-row right", "r100", "left", ["k100"], ["k"], True),
        "j3": ("inner, int key, 100K-row right", "r100k", "inner", ["k100k"], ["k"], True),
        "j4": ("left, int key, 100K-row right", "r100k", "left", ["k100k"], ["k"], True),
        "j5": ("inner, int key, N-row right", "rn", "inner", ["kn"], ["k"], True),
        "j6": ("left, int key, N-row right", "rn", "left", ["kn"], ["k"], True),
        "j7": ("inner, string key, 100K-row right", "r100k", "inner", ["s100k"], ["s"], True),
        "j8": ("left, string key, 100K-row right", "r100k", "left", ["s100k"], ["s"], True),
        "j9": ("inner, 2-column int key, 100K-row right", "r100k", "inner", ["a", "b"], ["a", "b"], True),
        "j10": ("inner, int key, 100K-row right, rows returned", "r100k", "inner", ["k100k"], ["k"], False),
    }


def alopex_query(ax: Any, frames: dict[str, Any], c: Case) -> Any:
    _, rname, how, lk, rk, agg = c
    q = frames["left"].select(*lk, "v").join(frames[rname].select(*rk, "w"), left_on=lk, right_on=rk, how=how)
    if agg:
        return q.select(ax.len().alias("n"), ax.col("w").sum().alias("w"))
    return q


def polars_query(frames: dict[str, Any], c: Case) -> Any:
    _, rname, how, lk, rk, agg = c
    q = frames["left"].select(*lk, "v").join(frames[rname].select(*rk, "w"), left_on=lk, right_on=rk, how=how)
    if agg:
        return q.select(pl.len().alias("n"), pl.col("w").sum().alias("w"))
    return q


def duckdb_query(c: Case) -> str:
    _, rname, how, lk, rk, agg = c
    on = " AND ".join(f"l.{a} = r.{b}" for a, b in zip(lk, rk))
    cols = "count(*) AS n, sum(r.w) AS w" if agg else ", ".join([f"l.{a}" for a in lk] + ["l.v", "r.w"])
    return f"SELECT {cols} FROM left_t l {how.upper()} JOIN {rname} r ON {on}"


def canonical(t: pa.Table) -> Any:
    """A result as comparable values: aggregates as one tuple, rows as sorted columns."""
    if t.num_rows == 1 and t.column_names == ["n", "w"]:
        return tuple(int(v) if v is not None else None for v in t.to_pylist()[0].values())
    t = t.rename_columns([f"c{i}" for i in range(t.num_columns)])
    t = t.sort_by([(name, "ascending") for name in t.column_names])
    return [col.to_numpy().astype(np.int64).tolist() for col in t.columns]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=float, default=10e6)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated case ids (j1,j2,...)")
    ap.add_argument("--python", default=str(REPO / "python"), help="folder to import alopex from (a baseline build)")
    args = ap.parse_args()
    sys.path.insert(0, args.python)
    import alopex as ax

    rows = int(args.rows)
    tables = make_tables(rows)
    af = {name: ax.from_arrow(t).lazy() for name, t in tables.items()}
    pf = {name: pl.from_arrow(t).lazy() for name, t in tables.items()}
    con = duckdb.connect()
    for name, t in tables.items():
        con.register("left_t" if name == "left" else name, t)
    engines: dict[str, Callable[[Case], Callable[[], pa.Table]]] = {
        "alopex": lambda c: lambda: alopex_query(ax, af, c).collect().to_arrow(),
        "Polars": lambda c: lambda: polars_query(pf, c).collect().to_arrow(),
        "DuckDB": lambda c: lambda: con.sql(duckdb_query(c)).to_arrow_table(),
    }
    only = [q for q in args.only.split(",") if q]
    print(f"left rows={rows:,} reps={args.reps} cpus={os.cpu_count()} load {os.getloadavg()}", flush=True)
    print("| case | alopex | Polars | DuckDB | alopex / best | CPU alopex / Polars / DuckDB | equal? |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    ratios, cpu_ratios = [], []
    for cid, c in cases().items():
        if only and cid not in only:
            continue
        walls: dict[str, list[float]] = {e: [] for e in engines}
        cpus: dict[str, list[float]] = {e: [] for e in engines}
        results: dict[str, Any] = {}
        for r in range(args.reps + 1):  # round 0 warms up and keeps the results
            for name, make in engines.items():
                w, cpu, out = timed(make(c))
                if r == 0:
                    results[name] = canonical(out)
                else:
                    walls[name].append(w)
                    cpus[name].append(cpu)
                del out
        med = {e: statistics.median(v) for e, v in walls.items()}
        cpu_med = {e: statistics.median(v) for e, v in cpus.items()}
        best = min(med["Polars"], med["DuckDB"])
        ok = "yes" if results["alopex"] == results["DuckDB"] else "**NO**"
        if results["Polars"] != results["DuckDB"]:
            ok += " (Polars ≠ DuckDB)"
        ratios.append(med["alopex"] / best)
        cpu_ratios.append(cpu_med["alopex"] / min(cpu_med["Polars"], cpu_med["DuckDB"]))
        print(f"| {cid}: {c[0]} | {fmt(med['alopex'])} | {fmt(med['Polars'])} | {fmt(med['DuckDB'])} "
              f"| {med['alopex'] / best:.2f}× | {' / '.join(fmt(cpu_med[e]) for e in engines)} | {ok} |", flush=True)
    if ratios:
        def geo(rs: list[float]) -> float:
            return math.exp(sum(math.log(r) for r in rs) / len(rs))

        print(f"\ngeomean alopex / best peer over {len(ratios)} cases: {geo(ratios):.2f}× wall, "
              f"{geo(cpu_ratios):.2f}× CPU; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
