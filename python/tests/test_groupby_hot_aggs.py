"""The group-by hot path and its aggregates (issue 13), differentially against Polars.

corr, cov, top_k and bottom_k inside ``group_by().agg()`` (new), and sum, mean, median, std,
count, len and n_unique over the key shapes the partitioned hash aggregate handles: one integer
key, one string key (unicode, empty strings, nulls), several columns mixing both (six), keys
where every row is its own group, one group, an empty frame. Data comes from a seeded NumPy RNG
with nulls, NaN and ±inf in the values; groups are compared in order of first appearance
(Polars with ``maintain_order=True``). top_k/bottom_k lists are compared as multisets: Polars
does not promise an order inside them (alopex gives the best first, which is checked apart).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import UNICODE_POOL, assert_frames_match  # noqa: E402

SIX = ["k_int", "k_str", "k_i8", "k_u32", "k_s2", "k_bool"]

KEYSETS = {
    "int": ["k_int"],
    "str": ["k_str"],
    "int_str": ["k_int", "k_str"],
    "six": SIX,
    "distinct": ["k_id"],
    "one": ["k_one"],
}


def _table(n: int, seed: int = 7, groups: int = 40) -> pa.Table:
    rng = np.random.default_rng(seed)

    def nulls(frac: float = 0.1) -> np.ndarray:
        return rng.random(n) < frac

    def floats() -> pa.Array:
        v = rng.standard_normal(n) * 50
        kind = rng.random(n)
        v[kind < 0.03] = np.nan
        v[(kind >= 0.03) & (kind < 0.05)] = np.inf
        v[(kind >= 0.05) & (kind < 0.06)] = -np.inf
        v[(kind >= 0.06) & (kind < 0.1)] = np.round(v[(kind >= 0.06) & (kind < 0.1)])
        return pa.array(v, mask=nulls())

    pool = UNICODE_POOL
    return pa.table({
        "k_int": pa.array(rng.integers(-groups, groups, n), mask=nulls(0.05)),
        "k_str": pa.array([pool[i] for i in rng.integers(0, len(pool), n)], type=pa.string(), mask=nulls(0.05)),
        "k_i8": pa.array(rng.integers(-3, 3, n).astype(np.int8)),
        "k_u32": pa.array(rng.integers(0, 4, n).astype(np.uint32), mask=nulls(0.05)),
        "k_s2": pa.array([["", "x", "é"][i] for i in rng.integers(0, 3, n)], type=pa.string()),
        "k_bool": pa.array(rng.random(n) < 0.5, mask=nulls(0.05)),
        "k_id": pa.array(np.arange(n, dtype=np.int64)),
        "k_one": pa.array(np.zeros(n, dtype=np.int32)),
        "f": floats(),
        "g": floats(),
        "fin": pa.array(rng.standard_normal(n), mask=nulls()),  # no NaN: correlations stay finite
        "fin2": pa.array(rng.standard_normal(n) + np.arange(n) % 5, mask=nulls()),
        "i": pa.array(rng.integers(-1000, 1000, n), mask=nulls()),
        "i32": pa.array(rng.integers(-5, 5, n).astype(np.int32), mask=nulls()),
        "u8": pa.array(rng.integers(0, 255, n).astype(np.uint8), mask=nulls()),
        "f32": pa.array((rng.standard_normal(n) * 10).astype(np.float32), mask=nulls()),
        "s": pa.array([pool[i] for i in rng.integers(0, len(pool), n)], type=pa.string(), mask=nulls()),
        "d": pa.array(rng.integers(0, 20000, n).astype(np.int32), type=pa.int32(), mask=nulls()).cast(pa.date32()),
    })


@functools.lru_cache(maxsize=None)
def table(n: int) -> pa.Table:
    return _table(n)


SIZES = [0, 1, 2000]


def _both(n: int, keys: list[str], aggs, *, t: pa.Table | None = None):
    t = table(n) if t is None else t
    a = ax.DataFrame(t).group_by(*keys).agg(*aggs(ax))
    p = pl.from_arrow(t).group_by(*keys, maintain_order=True).agg(*aggs(pl))
    return a, p


def _sorted_lists(df, name: str) -> pa.Array:
    """A list column with each list sorted (nulls last, NaN after numbers)."""
    def key(v):
        if v is None:
            return (2, 0)
        if isinstance(v, float) and math.isnan(v):
            return (1, 0)
        return (0, v)
    col = df.to_arrow().column(name)
    return pa.array([None if x is None else sorted(x, key=key) for x in col.to_pylist()], type=col.type)


def _lists_match(a, p, names: list[str], keys: list[str]) -> None:
    at, pt = a.to_arrow(), p.to_arrow()
    assert at.column_names == pt.column_names
    assert at.num_rows == pt.num_rows
    for k in keys:
        assert at.column(k).to_pylist() == pt.column(k).to_pylist()
    for name in names:
        assert str(a.schema[name]) == str(p.schema[name]), f"column {name!r}: dtypes differ"
        av, pv = _sorted_lists(a, name).to_pylist(), _sorted_lists(p, name).to_pylist()
        for row, (x, y) in enumerate(zip(av, pv)):
            same = len(x) == len(y) and all(
                u == v or (u is not None and v is not None and u != u and v != v) for u, v in zip(x, y))
            assert same, f"column {name!r} row {row}: alopex {x} polars {y}"


# --- corr and cov ----------------------------------------------------------------------------

@pytest.mark.parametrize("keys", list(KEYSETS))
@pytest.mark.parametrize("n", SIZES)
def test_corr_cov_match_polars(n, keys):
    def aggs(m):
        return [
            m.corr("fin", "fin2").alias("r"),
            m.corr("f", "g").alias("r_nan"),      # NaN and ±inf propagate
            m.corr("i", "u8").alias("r_int"),
            m.cov("fin", "fin2").alias("c"),
            m.cov("i", "i32", ddof=0).alias("c0"),
            m.cov("f32", "fin").alias("c32"),
        ]
    a, p = _both(n, KEYSETS[keys], aggs)
    assert_frames_match(a, p, rtol=1e-9)


def test_corr_edge_groups():
    # Groups of 0, 1 and 2 complete pairs, a constant column, pairs broken by nulls.
    t = pa.table({
        "k": [1, 1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 5],
        "x": [1.0, 2.0, None, 4.0, 3.0, 1.0, None, 2.0, 2.0, 2.0, 1.0, 2.0],
        "y": [2, 4, 5, 8, 1, None, 3, 1, 2, 3, 7, None],
    })

    def aggs(m):
        return [m.corr("x", "y").alias("r"), m.cov("x", "y").alias("c"), m.cov("x", "y", ddof=0).alias("c0"),
                m.corr("y", "y").alias("ryy")]
    a, p = _both(0, ["k"], aggs, t=t)
    assert_frames_match(a, p, rtol=1e-12)


def test_corr_global_and_window():
    t = table(2000)
    a = ax.DataFrame(t).select(ax.corr("fin", "fin2").alias("r"), ax.cov("i", "u8").alias("c"))
    p = pl.from_arrow(t).select(pl.corr("fin", "fin2").alias("r"), pl.cov("i", "u8").alias("c"))
    assert_frames_match(a, p, rtol=1e-9)
    a = ax.DataFrame(t).select(ax.corr("fin", "fin2").over("k_str").alias("w"))
    p = pl.from_arrow(t).select(pl.corr("fin", "fin2").over("k_str").alias("w"))
    assert_frames_match(a, p, rtol=1e-9)


def test_corr_bad_input():
    df = ax.DataFrame(table(10))
    with pytest.raises(ax.ComputeError, match="corr of String"):
        df.group_by("k_int").agg(ax.corr("fin", "s"))
    with pytest.raises(ax.NotSupportedError, match="spearman"):
        ax.corr("fin", "fin2", method="spearman")
    with pytest.raises(ax.InvalidInputError, match="ddof"):
        ax.cov("fin", "fin2", ddof=-1)
    with pytest.raises(TypeError):
        ax.corr("fin", 3)


# --- top_k and bottom_k ------------------------------------------------------------------------

@pytest.mark.parametrize("keys", list(KEYSETS))
@pytest.mark.parametrize("n", SIZES)
def test_top_bottom_k_match_polars(n, keys):
    def aggs(m):
        return [
            m.col("f").top_k(2).alias("f_top"),
            m.col("f").bottom_k(3).alias("f_bot"),
            m.col("i").top_k(1).alias("i_top"),
            m.col("u8").bottom_k(2).alias("u8_bot"),
            m.col("f32").top_k(12).alias("f32_top12"),   # past the fixed slots: collected and sorted
            m.col("s").top_k(2).alias("s_top"),
            m.col("s").bottom_k(20).alias("s_bot20"),
            m.col("d").top_k(2).alias("d_top"),
            m.col("i32").top_k(0).alias("none"),
        ]
    a, p = _both(n, KEYSETS[keys], aggs)
    names = ["f_top", "f_bot", "i_top", "u8_bot", "f32_top12", "s_top", "s_bot20", "d_top", "none"]
    _lists_match(a, p, names, KEYSETS[keys])


def test_top_k_order_nulls_nan():
    t = pa.table({
        "k": [1, 1, 1, 1, 2, 2, 3, 3, 3, 4],
        "v": [3.0, None, float("nan"), 1.0, None, None, 2.0, 2.0, 1.0, 5.0],
    })
    out = ax.DataFrame(t).group_by("k").agg(
        ax.col("v").top_k(2).alias("t"), ax.col("v").bottom_k(2).alias("b"), ax.col("v").top_k(9).alias("all"))
    rows = out.to_arrow().to_pylist()
    nan = [x for x in rows[0]["t"] if x is not None and x != x]
    assert len(nan) == 1 and rows[0]["t"][1] == 3.0  # NaN ranks first in top_k
    assert rows[0]["b"] == [1.0, 3.0]                  # smallest first; NaN and null not needed
    assert rows[0]["all"][1:] == [3.0, 1.0, None]      # nulls only fill
    assert rows[1]["t"] == [None, None]
    assert rows[2]["t"] == [2.0, 2.0] and rows[2]["b"] == [1.0, 2.0]
    assert rows[3]["t"] == [5.0]


def test_top_k_refused_outside_group_by():
    df = ax.DataFrame(table(10))
    with pytest.raises(ax.NotSupportedError, match="outside group_by"):
        df.select(ax.col("f").top_k(2))
    with pytest.raises(ax.NotSupportedError, match="window"):
        df.select(ax.col("f").top_k(2).over("k_int"))
    with pytest.raises(ax.InvalidInputError, match="non-negative"):
        df.group_by("k_int").agg(ax.col("f").top_k(-1))
    with pytest.raises(ax.ComputeError, match="List"):
        df.group_by("k_int").agg(ax.col("f").top_k(2) + 1)


# --- the hot aggregates over every key shape -----------------------------------------------------

@pytest.mark.parametrize("keys", list(KEYSETS))
@pytest.mark.parametrize("n", SIZES)
def test_hot_aggregates_match_polars(n, keys):
    def aggs(m):
        return [
            m.col("f").sum().alias("f_sum"),
            m.col("i").sum().alias("i_sum"),
            m.col("fin").mean().alias("mean"),
            m.col("f").median().alias("f_med"),
            m.col("i").median().alias("i_med"),
            m.col("fin").std().alias("std"),
            m.col("f").count().alias("cnt"),
            m.len().alias("n"),
            m.col("i32").n_unique().alias("nu_i"),
            m.col("s").n_unique().alias("nu_s"),
            m.col("f").quantile(0.3, "linear").alias("q30"),
        ]
    a, p = _both(n, KEYSETS[keys], aggs)
    assert_frames_match(a, p, rtol=1e-9)


def test_many_groups_big():
    # More groups than the partitioned table's first size, rows of each group spread out.
    n = 200_000
    rng = np.random.default_rng(3)
    t = pa.table({
        "a": rng.integers(0, 50_000, n), "b": pa.array([UNICODE_POOL[i] for i in rng.integers(0, 4, n)]),
        "v": rng.standard_normal(n), "w": rng.integers(0, 9, n),
    })

    def aggs(m):
        return [m.col("v").sum().alias("s"), m.col("v").median().alias("m"), m.col("w").n_unique().alias("u"),
                m.corr("v", "w").alias("r"), m.len().alias("n")]
    for keys in (["a"], ["a", "b"], ["b", "a", "w"]):
        a, p = _both(0, keys, aggs, t=t)
        assert_frames_match(a, p, rtol=1e-9)
    a, p = _both(0, ["a"], lambda m: [m.col("v").top_k(2).alias("t")], t=t)
    _lists_match(a, p, ["t"], ["a"])
