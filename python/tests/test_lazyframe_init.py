"""``ax.LazyFrame(data)`` builds a lazy query over data, as ``pl.LazyFrame(data)`` does
(it used to take an internal plan and fail at collect, or with a bare TypeError)."""

import polars as pl
import pyarrow as pa
import pytest

import alopex as ax

DATA = {"a": [3, 1, 2], "s": ["x", None, "z"]}


@pytest.mark.parametrize("make", [
    lambda: DATA,
    lambda: ax.DataFrame(DATA),
    lambda: pa.table(DATA),
    lambda: pl.DataFrame(DATA),
], ids=["dict", "alopex", "arrow", "polars"])
def test_lazyframe_of_data_matches_polars(make):
    got = ax.LazyFrame(make()).filter(ax.col("a") > 1).sort("a").collect().to_dict(as_series=False)
    want = pl.LazyFrame(DATA).filter(pl.col("a") > 1).sort("a").collect().to_dict(as_series=False)
    assert got == want


def test_lazyframe_with_schema_and_empty():
    lf = ax.LazyFrame({"a": [1, 2]}, schema={"a": ax.Float64})
    assert lf.collect_schema()["a"] == ax.Float64
    assert ax.LazyFrame().collect().shape == pl.LazyFrame().collect().shape == (0, 0)


def test_lazyframe_of_bad_data_is_a_clear_error():
    with pytest.raises(ax.InvalidInputError, match="from int"):
        ax.LazyFrame(5)
