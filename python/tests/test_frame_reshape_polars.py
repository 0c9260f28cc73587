"""Reshaping frames against Polars: concat (diagonal, horizontal), hstack/vstack, Series in
with_columns/select, transpose, partition_by, to_dummies, sample, glimpse."""

from __future__ import annotations

import pytest

import alopex as ax
from alopex.exceptions import AlopexError

pl = pytest.importorskip("polars")

D = {"a": [1, 2, None, 1], "b": ["x", "y", "x", None], "c": [1.5, 2.0, 3.0, None]}


def frames(data=D):
    return ax.DataFrame(data), pl.DataFrame(data)


def same(a, p):
    assert a.columns == p.columns
    assert [str(t) for t in a.dtypes] == [str(t) for t in p.dtypes]
    assert str(a.rows()) == str(p.rows())


@pytest.mark.parametrize("how", ["diagonal", "diagonal_relaxed", "vertical", "vertical_relaxed"])
def test_concat_by_name(how):
    a, p = frames()
    other = {"d": [1], "a": [5]} if how.startswith("diagonal") else {"a": [5], "b": ["z"], "c": [0.5]}
    same(ax.concat([a, ax.DataFrame(other)], how=how), pl.concat([p, pl.DataFrame(other)], how=how))
    lazy = ax.concat([a.lazy(), ax.DataFrame(other).lazy()], how=how)
    assert isinstance(lazy, ax.LazyFrame)
    same(lazy.collect(), pl.concat([p, pl.DataFrame(other)], how=how))


def test_concat_diagonal_relaxed_casts_and_strict_raises():
    a, p = frames()
    same(ax.concat([a, ax.DataFrame({"a": [1.5]})], how="diagonal_relaxed"),
         pl.concat([p, pl.DataFrame({"a": [1.5]})], how="diagonal_relaxed"))
    with pytest.raises(ax.SchemaError, match="'a'"):
        ax.concat([a, ax.DataFrame({"a": ["s"]})], how="diagonal")


def test_concat_horizontal():
    a, p = frames()
    same(ax.concat([a, ax.DataFrame({"d": [1, 2, 3, 4]})], how="horizontal"),
         pl.concat([p, pl.DataFrame({"d": [1, 2, 3, 4]})], how="horizontal"))
    with pytest.raises(AlopexError, match="one height"):
        ax.concat([a, ax.DataFrame({"d": [1]})], how="horizontal")
    with pytest.raises(AlopexError, match="'a' is in more than one frame"):
        ax.concat([a, ax.DataFrame({"a": [1, 2, 3, 4]})], how="horizontal")
    with pytest.raises(ax.NotSupportedError, match="collect"):
        ax.concat([a.lazy(), a.lazy()], how="horizontal")
    with pytest.raises(AlopexError, match="how must be one of"):
        ax.concat([a], how="sideways")


def test_hstack_vstack_extend_clone():
    a, p = frames()
    same(a.hstack([ax.Series("z", [1, 2, 3, 4])]), p.hstack([pl.Series("z", [1, 2, 3, 4])]))
    same(a.hstack(ax.DataFrame({"z": [1, 2, 3, 4]})), p.hstack(pl.DataFrame({"z": [1, 2, 3, 4]})))
    same(a.vstack(a), p.vstack(p))
    with pytest.raises(AlopexError, match="height 4"):
        a.hstack([ax.Series("z", [1])])
    with pytest.raises(AlopexError, match="already exists"):
        a.hstack([ax.Series("a", [1, 2, 3, 4])])
    b, q = a.clone(), p.clone()
    b.extend(a)
    q.extend(p)
    same(b, q)
    assert a.height == 4  # the original is untouched
    c = a.clone()
    c.hstack([ax.Series("z", [0, 0, 0, 0])], in_place=True)
    assert c.columns == ["a", "b", "c", "z"]


def test_series_in_with_columns_and_select():
    a, p = frames()
    s, t = ax.Series("n", [10, 20, 30, 40]), pl.Series("n", [10, 20, 30, 40])
    same(a.with_columns(s), p.with_columns(t))
    same(a.with_columns(s, m=ax.col("a") * 2), p.with_columns(t, m=pl.col("a") * 2))
    same(a.with_columns(a=s), p.with_columns(a=t))
    same(a.with_columns([s, ax.Series("k", [1, 1, 1, 1])]), p.with_columns([t, pl.Series("k", [1, 1, 1, 1])]))
    same(a.select(s, "b"), p.select(t, "b"))
    with pytest.raises(AlopexError, match="length 2, the frame has height 4"):
        a.with_columns(ax.Series("n", [1, 2]))


@pytest.mark.parametrize("cols", [["a", "c"], ["a"], ["a", "b", "c"], ["b"]])
@pytest.mark.parametrize("header", [False, True])
def test_transpose(cols, header):
    a, p = frames()
    same(a.select(cols).transpose(include_header=header), p.select(cols).transpose(include_header=header))


def test_transpose_names():
    a, p = frames({"k": ["r1", "r2"], "v": [1, 2], "w": [3, 4]})
    same(a.transpose(column_names="k"), p.transpose(column_names="k"))
    same(a.head(1).transpose(column_names="k"), p.head(1).transpose(column_names="k"))  # one row: named by its value
    same(a.drop("k").transpose(column_names=["x", "y"], include_header=True, header_name="h"),
         p.drop("k").transpose(column_names=["x", "y"], include_header=True, header_name="h"))
    with pytest.raises(AlopexError, match="3 column names for 2 rows"):
        a.drop("k").transpose(column_names=["x", "y", "z"])


@pytest.mark.parametrize("by", ["b", ["a", "b"], "a"])
@pytest.mark.parametrize("include_key", [True, False])
def test_partition_by(by, include_key):
    a, p = frames()
    pa_, pp = a.partition_by(by, include_key=include_key), p.partition_by(by, include_key=include_key)
    assert len(pa_) == len(pp)
    for x, y in zip(pa_, pp):
        same(x, y)
    da, dp = a.partition_by(by, as_dict=True), p.partition_by(by, as_dict=True)
    assert list(da) == list(dp)
    with pytest.raises(ax.ColumnNotFoundError):
        a.partition_by("nope")


def test_partition_by_empty():
    a = ax.DataFrame({"a": []}, schema={"a": ax.Int64})
    assert a.partition_by("a") == []


@pytest.mark.parametrize("kwargs", [{}, {"columns": ["b"]}, {"columns": "a", "drop_first": True},
                                    {"separator": ":"}, {"drop_first": True}, {"drop_nulls": True}])
def test_to_dummies(kwargs):
    a, p = frames()
    same(a.to_dummies(**kwargs), p.to_dummies(**kwargs))


def test_sample():
    a = ax.DataFrame({"i": list(range(100))})
    s = a.sample(10, seed=7)
    assert s.height == 10 and len(set(s["i"].to_list())) == 10
    assert s["i"].to_list() == sorted(s["i"].to_list())  # without shuffle, in frame order
    assert a.sample(10, seed=7).rows() == s.rows()
    assert a.sample(fraction=0.25, seed=1).height == 25
    r = a.sample(150, with_replacement=True, seed=2)
    assert r.height == 150 and set(r["i"].to_list()) <= set(range(100))
    assert sorted(a.sample(fraction=1.0, shuffle=True, seed=3)["i"].to_list()) == list(range(100))
    with pytest.raises(AlopexError, match="without replacement"):
        a.sample(101)
    with pytest.raises(AlopexError, match="n or fraction"):
        a.sample(1, fraction=0.5)


def test_glimpse_matches_polars():
    a, p = frames()
    assert a.glimpse(return_type="string") == p.glimpse(return_type="string")
    assert a.glimpse(max_items_per_column=2, return_type="string") == p.glimpse(max_items_per_column=2,
                                                                                return_type="string")
    assert a.glimpse(return_type="frame").rows() == p.glimpse(return_type="frame").rows()
