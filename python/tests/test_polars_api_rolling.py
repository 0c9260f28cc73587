"""Fixed-window rolling functions against Polars: rolling_sum, rolling_mean, rolling_min,
rolling_max, rolling_std, rolling_var with window_size, min_samples, center and ddof; over nulls,
NaN, small and unsigned integers, Float32, booleans, empty frames, a seeded random frame, per
group inside over(...), eager and lazy; errors where Polars raises. Floats compare with a relative
tolerance of 1e-9 (Polars slides its sums; alopex sums each window afresh)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import assert_frames_match, run_pair  # noqa: E402

DATA = pa.table({
    "g": pa.array([1, 2, 1, 1, 2, 2, 1, 2, 1]),
    "i": pa.array([1, None, 3, 4, None, 6, 7, -2, 9], pa.int64()),
    "f": pa.array([1.0, 2.0, float("nan"), 4.0, None, 6.0, 7.0, -1.5, 0.25]),
    "u8": pa.array([1, 2, 3, 255, 5, None, 7, 8, 9], pa.uint8()),
    "i16": pa.array([-300, 2, None, 4, 5, 6, 7, 8, 32000], pa.int16()),
    "f32": pa.array([1, 2, 3, None, 5, 6, 7, 8, 9], pa.float32()),
    "b": pa.array([True, False, True, None, True, True, False, True, None]),
})
NUM = ["i", "f", "u8", "i16", "f32"]
FUNCS = ["rolling_sum", "rolling_mean", "rolling_min", "rolling_max", "rolling_std", "rolling_var"]


def _random_table(n: int = 3000) -> pa.Table:
    rng = np.random.default_rng(7)
    f = rng.normal(size=n) * 1e3
    f[rng.random(n) < 0.01] = np.nan
    return pa.table({"g": pa.array(rng.integers(0, 5, n)), "o": pa.array(rng.permutation(n)),
                     "f": pa.array(f, mask=rng.random(n) < 0.2),
                     "i": pa.array(rng.integers(-10**6, 10**6, n), mask=rng.random(n) < 0.2)})


RANDOM = _random_table()


def check(build, table=DATA, *, lazy=False):
    a, p = run_pair(build, ax.DataFrame(table), pl.from_arrow(table), lazy=lazy)
    if isinstance(p, BaseException):
        assert isinstance(a, ax.AlopexError), f"polars raised {p!r}, alopex gave {a!r}"
        return a
    if isinstance(a, BaseException):
        raise AssertionError(f"alopex raised {type(a).__name__}: {a}") from a
    assert_frames_match(a, p.to_arrow(), rtol=1e-9)
    return a


OPTIONS = {
    "w1": dict(window_size=1),
    "w3": dict(window_size=3),
    "w3_min1": dict(window_size=3, min_samples=1),
    "w4_center_min2": dict(window_size=4, center=True, min_samples=2),
    "w3_center": dict(window_size=3, center=True),
    "w20_min1": dict(window_size=20, min_samples=1),
    "w2_min0": dict(window_size=2, min_samples=0),
}


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("opts", list(OPTIONS))
@pytest.mark.parametrize("func", FUNCS)
def test_matches_polars(func, opts, lazy):
    kw = OPTIONS[opts]
    check(lambda m, d: d.select(*[getattr(m.col(c), func)(**kw) for c in NUM]), lazy=lazy)


@pytest.mark.parametrize("func", FUNCS)
def test_over_and_random(func):
    check(lambda m, d: d.select(getattr(m.col("i"), func)(2, min_samples=1).over("g").alias("x"),
                                getattr(m.col("f"), func)(3, min_samples=2).over("g").alias("y")))
    check(lambda m, d: d.select(getattr(m.col("f"), func)(5, min_samples=3).over("g", order_by="o").alias("x"),
                                getattr(m.col("i"), func)(4, center=True, min_samples=1).alias("y")), RANDOM)


def test_bool_sum_and_ddof_and_empty():
    check(lambda m, d: d.select(m.col("b").rolling_sum(2), m.col("b").rolling_mean(3, min_samples=1).alias("m")))
    check(lambda m, d: d.select(m.col("f").rolling_std(3, ddof=0), m.col("i").rolling_var(4, ddof=2)))
    check(lambda m, d: d.head(0).select(*[getattr(m.col("i"), f)(2) for f in FUNCS[:1]]))


ERRORS = {
    "min_above_window": lambda m, d: d.select(m.col("i").rolling_sum(2, min_samples=3)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_where_polars_raises(name):
    check(ERRORS[name])


def test_deviations_raise_clearly():
    # Polars gives a column of zeros for window_size=0, and casts strings to Float64 (null where
    # they do not parse); alopex refuses both rather than guess.
    with pytest.raises(ax.ComputeError, match="needs numbers"):
        ax.DataFrame(DATA).select(ax.col("i").cast(ax.String).rolling_mean(2))
    with pytest.raises(ax.InvalidInputError, match="window_size"):
        ax.DataFrame(DATA).select(ax.col("i").rolling_sum(0))
    with pytest.raises(ax.NotSupportedError, match="weights"):
        ax.col("i").rolling_mean(2, weights=[0.5, 0.5])
