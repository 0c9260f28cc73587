"""Order-dependent fills and reorderings against Polars: Expr.reverse, forward_fill / backward_fill
(with limit), fill_null(strategy=...), interpolate (linear and nearest), pct_change, cumulative
functions with reverse=True, and LazyFrame/DataFrame.interpolate; over the whole column and per
group inside over(...), eager and lazy, over nulls, NaN, strings, booleans, dates, Float32, small
and unsigned integers, empty frames and a seeded random frame. Errors where Polars raises.

Known limits (asserted, not hidden): window functions inside group_by().agg() raise
NotSupportedError (Polars gives a list per group); Expr.gather_every raises NotSupportedError (it
changes the number of rows); pct_change of strings raises ComputeError (Polars casts them to
Float64, nulls where they do not parse).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import assert_frames_match, run_pair  # noqa: E402

DATA = pa.table({
    "g": pa.array([1, 1, 2, 1, 2, 2, 1, 2], pa.int64()),
    "i": pa.array([1, None, 3, None, None, 6, 10, None], pa.int64()),
    "f": pa.array([1.0, None, float("nan"), None, 2.0, None, -0.5, 4.0], pa.float64()),
    "f32": pa.array([1.5, None, None, 3.0, None, -1.0, None, 2.0], pa.float32()),
    "u8": pa.array([1, None, 4, None, 200, None, None, 7], pa.uint8()),
    "i8": pa.array([None, -3, None, 5, None, -128, 127, None], pa.int8()),
    "s": pa.array(["a", None, "b", None, "c", None, None, "é"], pa.string()),
    "b": pa.array([True, None, False, None, True, None, None, False], pa.bool_()),
    "d": pa.array([dt.date(2020, 1, 1), None, dt.date(2020, 1, 4), None, None, dt.date(2021, 3, 1), None,
                   dt.date(1969, 12, 30)], pa.date32()),
})
ALL = DATA.column_names
NUMERIC = ["i", "f", "f32", "u8", "i8"]


def _random_table(n: int = 2000) -> pa.Table:
    rng = np.random.default_rng(20261207)
    mask = rng.random(n) < 0.4
    vals = rng.normal(size=n) * 100
    vals[rng.random(n) < 0.02] = np.nan
    ints = rng.integers(-1000, 1000, n)
    return pa.table({
        "g": pa.array(rng.integers(0, 7, n)),
        "o": pa.array(rng.permutation(n)),
        "f": pa.array(vals, mask=mask),
        "i": pa.array(ints, mask=rng.random(n) < 0.4),
    })


RANDOM = _random_table()


def check(build, table=DATA, *, lazy=False):
    a, p = run_pair(build, ax.DataFrame(table), pl.from_arrow(table), lazy=lazy)
    if isinstance(p, BaseException):
        assert isinstance(a, ax.AlopexError), f"polars raised {p!r}, alopex gave {a!r}"
        return a
    if isinstance(a, BaseException):
        raise AssertionError(f"alopex raised {type(a).__name__}: {a}") from a
    assert_frames_match(a, p.to_arrow())
    return a


CASES = {
    "reverse": lambda m, d: d.select(*[m.col(c).reverse() for c in ALL]),
    "reverse_beside_agg": lambda m, d: d.select(m.col("i").reverse(), m.col("f").sum().alias("total")),
    "forward_fill": lambda m, d: d.select(*[m.col(c).forward_fill() for c in ALL]),
    "forward_fill_limit1": lambda m, d: d.select(*[m.col(c).forward_fill(limit=1) for c in ALL]),
    "forward_fill_limit0": lambda m, d: d.select(m.col("i").forward_fill(limit=0)),
    "backward_fill": lambda m, d: d.select(*[m.col(c).backward_fill() for c in ALL]),
    "backward_fill_limit2": lambda m, d: d.select(*[m.col(c).backward_fill(2) for c in ALL]),
    "strategy_forward": lambda m, d: d.select(*[m.col(c).fill_null(strategy="forward", limit=1) for c in ALL]),
    "strategy_backward": lambda m, d: d.select(*[m.col(c).fill_null(strategy="backward") for c in ALL]),
    "strategy_min": lambda m, d: d.select(*[m.col(c).fill_null(strategy="min") for c in ALL]),
    "strategy_max": lambda m, d: d.select(*[m.col(c).fill_null(strategy="max") for c in ALL]),
    "strategy_mean": lambda m, d: d.select(*[m.col(c).fill_null(strategy="mean") for c in NUMERIC]),
    "strategy_zero_one": lambda m, d: d.select(m.col("i").fill_null(strategy="zero"),
                                               m.col("f32").fill_null(strategy="one")),
    "interpolate": lambda m, d: d.select(*[m.col(c).interpolate() for c in ALL]),
    "interpolate_nearest": lambda m, d: d.select(*[m.col(c).interpolate(method="nearest")
                                                  for c in NUMERIC + ["d"]]),
    "pct_change": lambda m, d: d.select(*[m.col(c).pct_change() for c in NUMERIC + ["b"]]),
    "pct_change_2": lambda m, d: d.select(*[m.col(c).pct_change(2) for c in NUMERIC]),
    "pct_change_back": lambda m, d: d.select(*[m.col(c).pct_change(-1) for c in NUMERIC]),
    "pct_change_0": lambda m, d: d.select(*[m.col(c).pct_change(0) for c in NUMERIC]),
    "cum_reverse": lambda m, d: d.select(m.col("i").cum_sum(reverse=True), m.col("f").cum_max(reverse=True),
                                         m.col("u8").cum_min(reverse=True), m.col("s").cum_count(reverse=True),
                                         m.col("i8").cum_prod(reverse=True)),
    "frame_interpolate": lambda m, d: d.interpolate(),
    "over": lambda m, d: d.with_columns(
        m.col("i").forward_fill().over("g").alias("ff"),
        m.col("s").backward_fill(limit=1).over("g").alias("bf"),
        m.col("f").reverse().over("g").alias("rev"),
        m.col("i").interpolate().over("g").alias("ip"),
        m.col("u8").interpolate(method="nearest").over("g").alias("near"),
        m.col("f").pct_change().over("g").alias("pct"),
        m.col("i").fill_null(strategy="mean").over("g").alias("mean"),
        m.col("s").fill_null(strategy="max").over("g").alias("max"),
        m.col("d").fill_null(strategy="min").over("g").alias("min"),
        m.col("i").cum_sum(reverse=True).over("g").alias("rcum")),
    "over_order_by": lambda m, d: d.with_columns(
        m.col("i").forward_fill().over("g", order_by="f").alias("ff"),
        m.col("f").interpolate().over("g", order_by="i").alias("ip"),
        m.col("i").reverse().over("g", order_by="u8").alias("rev")),
    "nested": lambda m, d: d.select((m.col("i").forward_fill() * 2 + m.col("i").backward_fill()).alias("x"),
                                    m.col("f").interpolate().pct_change().alias("y")),
    "empty": lambda m, d: d.head(0).select(m.col("i").interpolate(), m.col("f").pct_change(),
                                           m.col("s").reverse(), m.col("u8").forward_fill(),
                                           m.col("f32").fill_null(strategy="mean")),
}


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("name", list(CASES))
def test_matches_polars(name, lazy):
    check(CASES[name], lazy=lazy)


RANDOM_CASES = {
    "fills": lambda m, d: d.select(m.col("f").forward_fill(3), m.col("i").backward_fill(),
                                   m.col("f").interpolate().alias("ip"), m.col("i").pct_change(3).alias("p"),
                                   m.col("i").fill_null(strategy="mean").alias("m"),
                                   m.col("f").fill_null(strategy="max").alias("mx")),
    "over": lambda m, d: d.select(m.col("f").forward_fill(2).over("g", order_by="o").alias("ff"),
                                  m.col("i").interpolate().over("g").alias("ip"),
                                  m.col("i").interpolate(method="nearest").over("g", order_by="o").alias("n"),
                                  m.col("f").pct_change().over("g", order_by="o").alias("p"),
                                  m.col("f").reverse().over("g").alias("r"),
                                  m.col("f").fill_null(strategy="min").over("g").alias("mn")),
}


@pytest.mark.parametrize("name", list(RANDOM_CASES))
def test_random_frame_matches_polars(name):
    check(RANDOM_CASES[name], RANDOM)


ERRORS = {
    "bad_strategy": lambda m, d: d.select(m.col("i").fill_null(strategy="bogus")),
    "value_and_strategy": lambda m, d: d.select(m.col("i").fill_null(1, strategy="forward")),
    "limit_without_fill": lambda m, d: d.select(m.col("i").fill_null(strategy="zero", limit=1)),
    "mean_of_strings": lambda m, d: d.select(m.col("s").fill_null(strategy="mean")),
    "mean_of_booleans": lambda m, d: d.select(m.col("b").fill_null(strategy="mean")),
    "negative_limit": lambda m, d: d.select(m.col("i").forward_fill(limit=-1)),
    "interpolate_method": lambda m, d: d.select(m.col("i").interpolate(method="cubic")),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_where_polars_raises(name):
    err = check(ERRORS[name])
    assert isinstance(err, ax.AlopexError)


def test_nearest_of_strings_raises_where_polars_panics():
    with pytest.raises(ax.ComputeError, match="nearest"):
        ax.DataFrame(DATA).select(ax.col("s").interpolate(method="nearest"))


def test_known_limits_raise_clearly():
    df = ax.DataFrame(DATA)
    with pytest.raises(ax.NotSupportedError, match="gather_every"):
        df.select(ax.col("i").gather_every(2))
    with pytest.raises(ax.NotSupportedError, match="agg"):
        df.group_by("g").agg(ax.col("i").forward_fill())
    with pytest.raises(ax.ComputeError, match="pct_change"):
        df.select(ax.col("s").pct_change())


def test_interpolate_values_by_hand():
    # Independent of Polars: the line through (0, 1) and (3, 4); a NaN end makes the gap NaN.
    df = ax.DataFrame({"a": [1, None, None, 4, None], "f": [1.0, None, float("nan"), None, 2.0]})
    out = df.select(ax.col("a").interpolate(), ax.col("f").interpolate()).to_dict(as_series=False)
    assert out["a"] == [1.0, 2.0, 3.0, 4.0, None]
    assert out["f"][0] == 1.0 and all(np.isnan(out["f"][1:4])) and out["f"][4] == 2.0


FRAME_FILLS = [
    ((0,), {}), ((2.5,), {}), (("z",), {}), ((True,), {}), ((-1,), {}), ((0,), {"matches_supertype": False}),
    ((2.5,), {"matches_supertype": False}), ((dt.date(2021, 1, 1),), {}), ((), {"strategy": "forward"}),
    ((), {"strategy": "backward", "limit": 1}), ((), {"strategy": "max"}),
]


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("args,kw", FRAME_FILLS, ids=[f"{a}{k}" for a, k in FRAME_FILLS])
def test_frame_fill_null_matches_polars(args, kw, lazy):
    check(lambda m, d: d.fill_null(*args, **kw), lazy=lazy)
