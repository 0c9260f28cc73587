"""Runtime filters: a hash join's build keys filter its probe side (issue 13).

The probe side is a Parquet file of many small row groups, sorted by key, so that the filter
skips whole row groups by their statistics as well as rows. Every join is compared with Polars
on the same files (row order aside) and, in one child process with ``ALOPEX_RUNTIME_FILTERS=0``,
with alopex's own result without runtime filters. Data: null and duplicate keys, an empty build
side, a build side no probe row matches, two keys of different integer types (the join casts
them), string keys with unicode, semi joins and left joins that stream their right input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

PROBE_ROWS = 20_000


def _probe_table() -> pa.Table:
    rng = np.random.default_rng(7)
    k = np.arange(PROBE_ROWS) // 4  # sorted: row groups hold key ranges
    null = rng.random(PROBE_ROWS) < 0.05
    return pa.table({
        "pk": pa.array(k, pa.int64(), mask=null),
        "pk2": pa.array(rng.integers(0, 3, PROBE_ROWS), pa.int32()),
        "ps": pa.array([f"ключ{x}" for x in rng.integers(0, 300, PROBE_ROWS)]),
        "pv": pa.array(np.arange(PROBE_ROWS), pa.int64()),
    })


def _build_table(case: str) -> pa.Table:
    rng = np.random.default_rng(11)
    n = {"empty": 0, "string": 40, "multi": 60}.get(case, 50)
    bk = {
        "range": rng.integers(1000, 1100, n),
        "nulls": rng.integers(0, 5000, n),
        "empty": np.zeros(0, np.int64),
        "nomatch": rng.integers(10**9, 10**9 + 100, n),
        "multi": rng.integers(2000, 2100, n),
        "string": rng.integers(0, 5000, n),
    }[case]
    null = np.arange(n) % 3 == 0 if case == "nulls" else np.zeros(n, bool)
    return pa.table({
        "bk": pa.array(bk, pa.int64(), mask=null),
        "bk2": pa.array(rng.integers(0, 3, n), pa.int64()),
        "bs": pa.array([f"ключ{x}" for x in rng.integers(0, 40, n)]),
        "bv": pa.array(np.arange(n), pa.int64()),
    })


CASES = {
    # name: (build data, how, probe keys, build keys, build input on the left)
    "inner": ("range", "inner", ["pk"], ["bk"], False),
    "inner_nulls": ("nulls", "inner", ["pk"], ["bk"], False),
    "empty_build": ("empty", "inner", ["pk"], ["bk"], False),
    "no_match": ("nomatch", "inner", ["pk"], ["bk"], False),
    "multi_key_cast": ("multi", "inner", ["pk", "pk2"], ["bk", "bk2"], False),
    "string_key": ("string", "inner", ["ps"], ["bs"], False),
    "semi": ("range", "semi", ["pk"], ["bk"], False),
    "left_streaming_right": ("range", "left", ["bk"], ["pk"], True),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("rf")
    pq.write_table(_probe_table(), d / "probe.parquet", row_group_size=500)
    for data in {c[0] for c in CASES.values()}:
        pq.write_table(_build_table(data), d / f"build_{data}.parquet")
    return d


def _join(lib, d: Path, case: str):
    data, how, pkeys, bkeys, build_left = CASES[case]
    probe, build = lib.scan_parquet(str(d / "probe.parquet")), lib.scan_parquet(str(d / f"build_{data}.parquet"))
    if build_left:
        return build.join(probe, left_on=pkeys, right_on=bkeys, how=how)
    return probe.join(build, left_on=pkeys, right_on=bkeys, how=how)


def _sorted(t: pa.Table) -> pa.Table:
    return t.sort_by([(c, "ascending") for c in t.column_names])


@pytest.mark.parametrize("case", list(CASES))
def test_runtime_filter_matches_polars(files: Path, case: str) -> None:
    lf = _join(ax, files, case)
    assert "RUNTIME FILTER #1 [" in lf.explain()
    got = _sorted(lf.collect().to_arrow())
    want = _sorted(_join(pl, files, case).collect().to_arrow())
    assert got.column_names == want.column_names
    assert got.num_rows == want.num_rows
    for name in got.column_names:
        assert got[name].to_pylist() == want[name].to_pylist(), name


def test_same_rows_without_runtime_filters(files: Path) -> None:
    # The process reads ALOPEX_RUNTIME_FILTERS when the library loads: a child runs the joins
    # without filters.
    child = (
        "import json, sys; sys.path.insert(0, sys.argv[2]); import test_join_runtime_filter as m;"
        "from pathlib import Path; import alopex as ax; d = Path(sys.argv[1]);"
        "print(json.dumps({c: [m._join(ax, d, c).explain(), m._sorted(m._join(ax, d, c).collect().to_arrow()).to_pydict()]"
        " for c in m.CASES}, default=str))"
    )
    env = dict(os.environ, ALOPEX_RUNTIME_FILTERS="0")
    out = subprocess.run([sys.executable, "-c", child, str(files), str(Path(__file__).parent)], env=env,
                         capture_output=True, text=True, check=True)
    without = json.loads(out.stdout)
    for case, (plan, rows) in without.items():
        assert "RUNTIME FILTER" not in plan
        got = _sorted(_join(ax, files, case).collect().to_arrow()).to_pydict()
        assert json.loads(json.dumps(got, default=str)) == rows, case
