"""DataFrame indexing, Schema and to_polars against Polars."""

from __future__ import annotations

import numpy as np
import pytest

import alopex as ax
from alopex.exceptions import ColumnNotFoundError

pl = pytest.importorskip("polars")

DATA = {"a": [1, 2, 3, None], "b": ["x", "y", None, "é"], "c": [1.0, float("nan"), 3.0, -1.5]}

KEYS = [0, -1, 3, (1, "b"), (1, 1), (-1, "c"), (slice(None), ["a", "b"]), [0, 2], [3, 0, 0], (slice(0, 2), "a"),
        (0, slice(None)), (slice(1, None), slice(0, 2)), "a", ["a", "c"], slice(1, 2), slice(None, None, -1),
        slice(0, 4, 2), slice(10, 20), (slice(None), [0, 2]), ([0, 2], "a"), (0, ["a", "b"]), ([1, -1], [2, 0]),
        np.array([2, 1])]


def _same(r, q):
    if isinstance(q, pl.DataFrame):
        assert isinstance(r, ax.DataFrame)
        assert r.columns == q.columns
        assert str(r.rows()) == str(q.rows())
    elif isinstance(q, pl.Series):
        assert isinstance(r, ax.Series)
        assert r.name == q.name and str(r.to_list()) == str(q.to_list())
    else:
        assert str(r) == str(q)


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_indexing_matches_polars(key):
    _same(ax.DataFrame(DATA)[key], pl.DataFrame(DATA)[key])


def test_boolean_mask_picks_columns_as_polars():
    mask = [True, False, True]
    _same(ax.DataFrame(DATA)[mask], pl.DataFrame(DATA)[pl.Series(mask)])
    _same(ax.DataFrame(DATA)[ax.Series(mask)], pl.DataFrame(DATA)[pl.Series(mask)])


@pytest.mark.parametrize("key,error,match", [
    (4, IndexError, "row index 4 is out of bounds"),
    (-5, IndexError, "row index -5"),
    ((0, "zz"), ColumnNotFoundError, "'zz' not found"),
    ((0, 3), IndexError, "column index 3"),
    ((1, 2, 3), TypeError, "rows, columns"),
    (1.5, TypeError, "float"),
    ([True, False], ax.InvalidInputError, "2 values; the frame has 3 columns"),
])
def test_bad_keys_raise_clearly(key, error, match):
    with pytest.raises(error, match=match):
        ax.DataFrame(DATA)[key]


def test_empty_frame_and_selections():
    df = ax.DataFrame({"a": []}, schema={"a": ax.Int64})
    assert df[0:5].height == 0 and df[[]].height == 0
    with pytest.raises(IndexError):
        df[0]


def test_schema_has_polars_methods():
    lf = ax.LazyFrame(DATA)
    for schema in (lf.collect_schema(), lf.collect().schema, lf.collect().collect_schema(), lf.schema):
        assert isinstance(schema, ax.Schema) and isinstance(schema, dict)
        assert schema.names() == pl.DataFrame(DATA).schema.names()
        assert [str(t) for t in schema.dtypes()] == [str(t) for t in pl.DataFrame(DATA).schema.dtypes()]
        assert schema.len() == 3 and schema["a"] == ax.Int64


def test_to_polars_round_trip():
    df = ax.DataFrame(DATA)
    assert df.to_polars().equals(pl.DataFrame(DATA))
    assert df["b"].to_polars().to_list() == DATA["b"] and df["b"].to_polars().name == "b"
