"""Horizontal reductions against Polars: ax.sum_horizontal (ignore_nulls), mean_horizontal,
min_horizontal, max_horizontal, any_horizontal, all_horizontal over nulls, NaN, mixed integer
widths (the supertype), Float32, booleans, literals, one argument and empty frames, eager and
lazy; errors where Polars raises."""

from __future__ import annotations

import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import assert_frames_match, run_pair  # noqa: E402

DATA = pa.table({
    "a": pa.array([1.0, None, None, 4.0, float("nan"), 3.0, float("nan")]),
    "b": pa.array([1.5, None, 2.0, float("nan"), 1.0, None, float("nan")]),
    "i": pa.array([1, 2, None, None, 5, -6, 7], pa.int64()),
    "i8": pa.array([1, -2, None, 4, 127, None, -128], pa.int8()),
    "u8": pa.array([250, 10, None, 4, 255, 0, 1], pa.uint8()),
    "f32": pa.array([1, 2, None, 4, 5, 6.5, None], pa.float32()),
    "t": pa.array([True, None, False, None, True, False, None]),
    "f": pa.array([False, None, False, True, None, False, True]),
})


def check(build, *, lazy=False):
    a, p = run_pair(build, ax.DataFrame(DATA), pl.from_arrow(DATA), lazy=lazy)
    if isinstance(p, BaseException):
        assert isinstance(a, ax.AlopexError), f"polars raised {p!r}, alopex gave {a!r}"
        return a
    if isinstance(a, BaseException):
        raise AssertionError(f"alopex raised {type(a).__name__}: {a}") from a
    assert_frames_match(a, p.to_arrow(), rtol=1e-12)
    return a


CASES = {
    "sum": lambda m, d: d.select(m.sum_horizontal("a", "b").alias("fl"), m.sum_horizontal("i8", "u8").alias("small"),
                                 m.sum_horizontal("f32", "i").alias("mixed"), m.sum_horizontal("t", "f").alias("bools"),
                                 m.sum_horizontal("i8").alias("one")),
    "sum_keep_nulls": lambda m, d: d.select(m.sum_horizontal("a", "b", ignore_nulls=False),
                                            m.sum_horizontal(["i", "u8"], ignore_nulls=False).alias("x")),
    "sum_literal": lambda m, d: d.select(m.sum_horizontal(m.col("i"), 2).alias("x"),
                                         m.sum_horizontal(m.col("i") * 2, m.col("i8")).alias("y")),
    "mean": lambda m, d: d.select(m.mean_horizontal("a", "b").alias("fl"), m.mean_horizontal("f32", "u8").alias("f32"),
                                  m.mean_horizontal("i", "u8").alias("ints"),
                                  m.mean_horizontal("i", "i8", ignore_nulls=False).alias("strict")),
    "min_max": lambda m, d: d.select(m.min_horizontal("a", "b").alias("mn"), m.max_horizontal("a", "b").alias("mx"),
                                     m.min_horizontal("u8", "i8").alias("mn8"), m.max_horizontal("u8", "i").alias("mxi"),
                                     m.max_horizontal(m.lit(None), m.col("i")).alias("lit")),
    "any_all": lambda m, d: d.select(m.any_horizontal("t", "f").alias("any"), m.all_horizontal("t", "f").alias("all"),
                                     m.any_horizontal("t").alias("one"), m.all_horizontal("t", m.col("i") > 1).alias("c")),
    "with_columns": lambda m, d: d.with_columns(m.sum_horizontal("i", "i8").alias("s")),
    "empty": lambda m, d: d.head(0).select(m.sum_horizontal("i", "u8"), m.max_horizontal("a", "b").alias("m"),
                                           m.any_horizontal("t", "f").alias("any")),
    "filter": lambda m, d: d.filter(m.any_horizontal(m.col("i") > 4, m.col("a") < 2)).select("i", "a"),
}


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("name", list(CASES))
def test_matches_polars(name, lazy):
    check(CASES[name], lazy=lazy)


def test_strings_and_selectors_raise():
    df = ax.DataFrame({"s": ["a"], "n": [1]})
    with pytest.raises(ax.ComputeError):
        df.select(ax.min_horizontal("s", "n"))
    with pytest.raises(ax.NotSupportedError, match="selector"):
        import alopex.selectors as cs

        ax.sum_horizontal(cs.numeric())
    with pytest.raises(TypeError):
        ax.sum_horizontal()
