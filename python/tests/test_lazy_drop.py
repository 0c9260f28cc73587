"""LazyFrame.drop against Polars: it built its select from Expr objects instead of plan nodes, so every
lazy drop failed with "Object of type Expr is not JSON serializable" (found loading TPC-H columns)."""

import polars as pl
import pytest

import alopex as ax

DATA = {"a": [1, 2, 3], "b": ["x", "y", None], "c": [1.5, None, 3.0]}


@pytest.mark.parametrize("args", [("a",), ("a", "c"), (["b"],), (["a", "b", "c"],), ()])
def test_lazy_drop_matches_polars(args):
    got = ax.LazyFrame(DATA).drop(*args).collect()
    want = pl.LazyFrame(DATA).drop(*args).collect()
    assert got.columns == want.columns
    assert got.shape == want.shape
    assert got.to_dicts() == want.to_dicts()


def test_lazy_drop_over_a_scan(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame(DATA).write_parquet(path)
    got = ax.scan_parquet(path).drop("b").filter(ax.col("a") > 1).collect()
    assert got.to_dicts() == [{"a": 2, "c": None}, {"a": 3, "c": 3.0}]


def test_lazy_drop_of_a_missing_column():
    with pytest.raises(ax.ColumnNotFoundError, match="nope"):
        ax.LazyFrame(DATA).drop("nope")
    assert ax.LazyFrame(DATA).drop("nope", strict=False).collect().columns == ["a", "b", "c"]


def test_dataframe_drop_goes_through_the_lazy_drop():
    got = ax.DataFrame(DATA).drop("b")
    want = pl.DataFrame(DATA).drop("b")
    assert got.columns == want.columns and got.to_dicts() == want.to_dicts()
