"""A scan whose filter keeps most rows hands them on as a selection; a join's runtime filter that
runs inside the same scan after the scan's own filter must still drop the rows it rejects."""

from __future__ import annotations

import numpy as np
import pytest

import alopex as ax

pl = pytest.importorskip("polars")


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    rng = np.random.default_rng(7)
    n = 400_000
    path = tmp_path_factory.mktemp("rfsel") / "probe.parquet"
    keys = np.array([f"key{i}" for i in range(5000)])
    pl.DataFrame({
        "k": keys[rng.integers(0, len(keys), n)],
        "k2": rng.integers(0, 50, n),
        "d": rng.integers(0, 1000, n),
        "v": rng.integers(0, 1_000_000, n),
    }).write_parquet(path, row_group_size=50_000)
    return path


@pytest.mark.parametrize("keep", [0.5, 0.9, 1.0])
@pytest.mark.parametrize("on", [["k"], ["k", "k2"], ["k2"]])
def test_join_with_a_mostly_keeping_scan_filter(probe, keep, on):
    build = {"k": [f"key{i}" for i in range(0, 5000, 37)], "k2": [i % 50 for i in range(0, 5000, 37)]}
    build["w"] = list(range(len(build["k"])))
    cut = int(1000 * (1 - keep))
    a = (ax.scan_parquet(probe).filter(ax.col("d") >= cut)
         .join(ax.LazyFrame(build), on=on).select(ax.len(), ax.col("v").sum()).collect().rows())
    p = (pl.scan_parquet(probe).filter(pl.col("d") >= cut)
         .join(pl.LazyFrame(build), on=on).select(pl.len(), pl.col("v").sum()).collect().rows())
    assert a == p
