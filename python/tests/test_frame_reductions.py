"""Frame-wide methods of LazyFrame and DataFrame against Polars: the reductions (sum, mean, median, std,
var, quantile, max, min, count), cast, fill_nan, drop_nulls, shift, reverse, gather_every, first, last,
select_seq and with_columns_seq, over nulls, NaN, strings, booleans and empty frames."""

import math

import polars as pl
import pytest

import alopex as ax

DATA = {
    "i": [3, None, 1, 2, 7],
    "f": [1.5, float("nan"), None, -2.0, 4.25],
    "s": ["x", "y", None, "x", "é"],
    "b": [True, False, None, True, True],
}
EMPTY = {"i": pl.Series([], dtype=pl.Int64), "f": pl.Series([], dtype=pl.Float64)}


def _same(got, want):
    assert got.columns == want.columns
    assert got.shape == want.shape
    for g, w in zip(got.to_dicts(), want.to_dicts()):
        for k in w:
            a, b = g[k], w[k]
            if isinstance(b, float) and isinstance(a, float):
                assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12), (k, a, b)
            else:
                assert a == b, (k, a, b)


def _both(data, build, *, lazy=True):
    if lazy:
        return build(ax.LazyFrame(data)).collect(), build(pl.LazyFrame(data)).collect()
    return build(ax.DataFrame(data)), build(pl.DataFrame(data))


CASES = {
    "sum": lambda f: f.sum(),
    "mean": lambda f: f.mean(),
    "median": lambda f: f.select("i", "f").median(),
    "std": lambda f: f.select("i", "f").std(),
    "std0": lambda f: f.select("i", "f").std(0),
    "var": lambda f: f.select("i", "f").var(),
    "quantile": lambda f: f.select("i", "f").quantile(0.5),
    "max": lambda f: f.select("i", "s", "b").max(),
    "min": lambda f: f.select("i", "s", "b").min(),
    "count": lambda f: f.count(),
    "cast": lambda f: f.cast({"i": ax.Float64 if isinstance(f, (ax.LazyFrame, ax.DataFrame)) else pl.Float64}),
    "fill_nan": lambda f: f.fill_nan(0.0),
    "drop_nulls": lambda f: f.drop_nulls(),
    "drop_nulls_subset": lambda f: f.drop_nulls("i"),
    "drop_nulls_list": lambda f: f.drop_nulls(["s", "b"]),
    "shift": lambda f: f.shift(2),
    "shift_back": lambda f: f.shift(-1),
    "reverse": lambda f: f.reverse(),
    "gather_every": lambda f: f.gather_every(2),
    "gather_every_offset": lambda f: f.gather_every(2, offset=1),
}


@pytest.mark.parametrize("lazy", [True, False])
@pytest.mark.parametrize("name", list(CASES))
def test_matches_polars(name, lazy):
    _same(*_both(DATA, CASES[name], lazy=lazy))


@pytest.mark.parametrize("name", ["sum", "count", "max", "min", "drop_nulls", "shift", "reverse", "gather_every",
                                  "fill_nan"])
def test_empty_frame_matches_polars(name):
    build = CASES[name]
    if name in ("max", "min"):
        def build(f, op=name):
            return getattr(f, op)()
    _same(*_both(EMPTY, build))


def test_first_last_and_seq_forms():
    lf, pf = ax.LazyFrame(DATA), pl.LazyFrame(DATA)
    _same(lf.first().collect(), pf.first().collect())
    _same(lf.last().collect(), pf.last().collect())
    _same(lf.select_seq("i", x=ax.col("i") * 2).collect(), pf.select_seq("i", x=pl.col("i") * 2).collect())
    _same(lf.with_columns_seq(x=ax.col("i") + 1).collect(), pf.with_columns_seq(x=pl.col("i") + 1).collect())


def test_cast_every_column_and_bad_names():
    _same(ax.LazyFrame({"a": [1, 2]}).cast(ax.Float32).collect(), pl.LazyFrame({"a": [1, 2]}).cast(pl.Float32).collect())
    with pytest.raises(ax.ColumnNotFoundError, match="nope"):
        ax.LazyFrame(DATA).cast({"nope": ax.Int8})
    with pytest.raises(ax.ColumnNotFoundError, match="nope"):
        ax.LazyFrame(DATA).drop_nulls("nope")


def test_reverse_keeps_a_column_named_like_the_row_number():
    data = {"__alopex_row": [1, 2, 3], "x": ["a", "b", "c"]}
    _same(ax.LazyFrame(data).reverse().collect(), pl.LazyFrame(data).reverse().collect())


def test_gather_every_rejects_bad_steps():
    with pytest.raises(ValueError, match="n >= 1"):
        ax.LazyFrame(DATA).gather_every(0)
    with pytest.raises(ValueError, match="offset >= 0"):
        ax.LazyFrame(DATA).gather_every(2, offset=-1)


WIDE = {"k": ["a", "b", "c"], "x": [1, 2, None], "y": [1.5, None, -1.0], "s": ["p", "q", None]}


@pytest.mark.parametrize("kw", [
    dict(on=["x", "y"], index="k"), dict(on="x", index="k"), dict(on=["x", "y"]),
    dict(index=["k", "s"], variable_name="v", value_name="w"), dict(index="k"), dict(), dict(on=[], index="k"),
    dict(on="s"),
])
def test_unpivot_matches_polars(kw):
    # Polars' eager (in-memory) result: one block of rows per column; its streaming engine interleaves blocks.
    want = pl.DataFrame(WIDE).unpivot(**kw)
    for got in (ax.LazyFrame(WIDE).unpivot(**kw).collect(), ax.DataFrame(WIDE).unpivot(**kw)):
        assert [str(t) for t in got.schema.values()] == [str(t) for t in want.schema.values()]
        _same(got, want)


def test_unpivot_names_a_missing_column():
    with pytest.raises(ax.ColumnNotFoundError, match="nope"):
        ax.LazyFrame(WIDE).unpivot(on="nope")


@pytest.mark.parametrize("n", [0, 1, 3])
def test_clear_matches_polars(n):
    got, want = ax.LazyFrame(WIDE).clear(n).collect(), pl.LazyFrame(WIDE).clear(n).collect()
    _same(got, want)
    assert [str(t) for t in got.schema.values()] == ["String", "Int64", "Float64", "String"]
    assert ax.DataFrame(WIDE).clear(n).shape == (n, 4)


def test_clear_of_more_rows_than_memory_holds_is_a_clear_error():
    with pytest.raises(ax.ComputeError, match="smaller n"):
        ax.LazyFrame(WIDE).clear(10**15)
