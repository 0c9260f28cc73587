"""Columns of Arrow's Null type (all values null, no buffers: pyarrow's
pa.null(), Polars' pl.Null) go through every operator (a query over one
raised InternalError when its pieces were rejoined)."""

from __future__ import annotations

import pyarrow as pa
import pytest

import alopex as ax


@pytest.fixture
def df():
    return ax.DataFrame(pa.table({"a": pa.array([None, None, None], pa.null()), "b": [1, 2, 3]}))


@pytest.mark.parametrize("op, want", [
    (lambda d: d.select("a"), {"a": [None, None, None]}),
    (lambda d: d.filter(ax.col("b") > 1), {"a": [None, None], "b": [2, 3]}),
    (lambda d: d.sort("b", descending=True), {"a": [None, None, None], "b": [3, 2, 1]}),
    (lambda d: d.with_columns(ax.col("b") + 1), {"a": [None, None, None], "b": [2, 3, 4]}),
    (lambda d: d.group_by("a").agg(ax.col("b").sum()), {"a": [None], "b": [6]}),
    (lambda d: d.head(1), {"a": [None], "b": [1]}),
    (lambda d: d.select(ax.col("a").is_null()), {"a": [True, True, True]}),
])
def test_null_typed_column_through_operators(df, op, want):
    out = op(df).to_arrow()
    assert out.to_pydict() == want
    assert out.schema.field("a").type in (pa.null(), pa.bool_())


def test_null_typed_column_in_sql(df):
    d = df  # noqa: F841 — found by name in the caller's scope
    out = ax.sql("SELECT a, b FROM d WHERE b > 1", eager=True).to_arrow()
    assert out.to_pydict() == {"a": [None, None], "b": [2, 3]}
