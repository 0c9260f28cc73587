"""DataFrame/LazyFrame.explode of List columns against Polars: one or several columns together,
empty and null lists (empty_as_null, keep_nulls), strings, floats with NaN, sliced frames, empty
frames, selectors; errors where Polars raises (a non-List column, mismatched lengths). Expr.explode
and Expr.implode raise NotSupportedError (length-changing / no list aggregate yet)."""

from __future__ import annotations

import pyarrow as pa
import pytest

import alopex as ax
import alopex.selectors as acs

pl = pytest.importorskip("polars")
pcs = pytest.importorskip("polars.selectors")

import polars.testing  # noqa: E402,F401
from conftest import run_pair  # noqa: E402

DATA = pa.table({
    "k": pa.array([1, 2, 3, 4, 5, 6]),
    "a": pa.array([[1, 2], [], None, [3], [None, 4, 5], [6]], pa.list_(pa.int64())),
    "s": pa.array([["x", "y"], [], None, ["z"], ["é", None, ""], ["w"]], pa.list_(pa.string())),
    "f": pa.array([[1.5], [float("nan")], [], None, [2.0, None], []], pa.list_(pa.float64())),
    "t": pa.array(["p", None, "q", "r", "s", "t"]),
})


def check(build, table=DATA, *, lazy=False):
    a, p = run_pair(lambda m, d: build(m, acs if m is ax else pcs, d), ax.DataFrame(table),
                    pl.from_arrow(table), lazy=lazy)
    if isinstance(p, BaseException):
        assert isinstance(a, ax.AlopexError), f"polars raised {p!r}, alopex gave {a!r}"
        return a
    if isinstance(a, BaseException):
        raise AssertionError(f"alopex raised {type(a).__name__}: {a}") from a
    # Polars' own comparison: its List types are large lists in Arrow, alopex's plain ones.
    pl.testing.assert_frame_equal(pl.from_arrow(a.to_arrow()), p)
    return a


CASES = {
    "one": lambda m, cs, d: d.explode("a"),
    "two_together": lambda m, cs, d: d.explode("a", "s"),
    "list_arg": lambda m, cs, d: d.explode(["s", "a"]),
    "floats": lambda m, cs, d: d.explode("f"),
    "empty_as_null": lambda m, cs, d: d.explode("a", empty_as_null=True),
    "drop_nulls": lambda m, cs, d: d.explode("s", keep_nulls=False),
    "both_flags": lambda m, cs, d: d.explode("f", empty_as_null=True, keep_nulls=False),
    "selector": lambda m, cs, d: d.explode(cs.by_name("a", "s")),
    "after_filter": lambda m, cs, d: d.filter(m.col("k") > 2).explode("a"),
    "then_compute": lambda m, cs, d: d.explode("a").with_columns((m.col("a") * 2).alias("a2")),
    "empty_frame": lambda m, cs, d: d.head(0).explode("a"),
    "mismatch": lambda m, cs, d: d.explode("a", "f"),
    "not_a_list": lambda m, cs, d: d.explode("t"),
    "missing": lambda m, cs, d: d.explode("nope"),
}


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("name", list(CASES))
def test_matches_polars(name, lazy):
    check(CASES[name], lazy=lazy)


def test_sliced_input():
    check(lambda m, cs, d: d.explode("a"), DATA.slice(2, 3))


def test_expr_forms_are_not_supported():
    df = ax.DataFrame(DATA)
    with pytest.raises(ax.NotSupportedError, match="explode"):
        df.select(ax.col("a").explode())
    with pytest.raises(ax.NotSupportedError, match="implode"):
        df.select(ax.col("k").implode())
