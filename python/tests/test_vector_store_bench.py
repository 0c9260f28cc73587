"""bench/vector_store_bench.py at a tiny size, so that the benchmark cannot rot: every system's
child process runs end to end (ingest, sweeps without a filter and with two, updates) and the
section reports what it measured, with the recall each search reached."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "vector_store_bench.py"


def _bench():
    spec = importlib.util.spec_from_file_location("alopex_bench_vector_store", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_quick_smoke_run_reports_every_system():
    mod = _bench()
    systems = ["alopex"]
    if importlib.util.find_spec("lancedb") is not None:  # the bench extra; the test extra goes without
        systems.append("lancedb:IVF_PQ")
    logs: list[str] = []
    text = mod.run(1000, True, logs.append, nq=10, systems=systems)
    assert text.startswith(mod.HEADING)
    assert not any("failed" in line for line in logs), logs
    rows = [line for line in text.splitlines() if line.startswith(("| alopex", "| LanceDB"))]
    assert len(rows) == len(systems), text
    for row in rows:
        # Every search reached the target recall (a tiny set: every row is near), after the updates too.
        recalls = [float(r) for r in re.findall(r"R (\d\.\d{3})", row)]
        assert len(recalls) == 4 and min(recalls) >= 0.95, row
    assert "alopex (cat = 3)" in text and "alopex (sub = 7)" in text


def test_recall_counts_the_overlap_with_the_true_top_k():
    np = pytest.importorskip("numpy")
    mod = _bench()
    want = np.array([list(range(10)), list(range(10, 20))])
    assert mod.recall([list(range(10)), list(range(10, 15)) + [99] * 5], want) == 0.75
