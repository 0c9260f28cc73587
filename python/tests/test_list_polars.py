"""List columns (``str.split`` and the ``list`` namespace) against Polars.

Every operator must carry a List(String) column through: select, filter, sort and
join as payload, slices, concat; keys that are lists raise NotSupportedError.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

WORDS = ["a,b", "", None, ",a,", "abc", "ü,ß", ",,", "no separator", "🦊,🐺,", " , ", "a,,b"]


@functools.lru_cache(maxsize=None)
def _table(n: int = 0, seed: int = 0) -> pa.Table:
    if not n:
        return pa.table({"s": WORDS, "sep": [",", ",", ",", None, "b", "ß", ",", " ", ",", " ", ",,"],
                         "i": list(range(len(WORDS)))})
    rng = np.random.default_rng(seed)
    alphabet = np.array(list("ab,,c é"))
    lens = rng.integers(0, 12, n)
    s = ["".join(rng.choice(alphabet, k)) for k in lens]
    s = [None if rng.random() < 0.05 else x for x in s]
    return pa.table({"s": s, "sep": [","] * n, "i": np.arange(n)})


SPLITS = {
    "comma": lambda m: m.col("s").str.split(","),
    "multi-char": lambda m: m.col("s").str.split(",,"),
    "absent": lambda m: m.col("s").str.split("|"),
    "empty separator": lambda m: m.col("s").str.split(""),
    "inclusive": lambda m: m.col("s").str.split(",", inclusive=True),
    "column separator": lambda m: m.col("s").str.split(m.col("sep")),
    "len": lambda m: m.col("s").str.split(",").list.len(),
    "get 0": lambda m: m.col("s").str.split(",").list.get(0, null_on_oob=True),
    "get -1": lambda m: m.col("s").str.split(",").list.get(-1, null_on_oob=True),
    "get 2": lambda m: m.col("s").str.split(",").list.get(2, null_on_oob=True),
    "get column": lambda m: m.col("s").str.split(",").list.get(m.col("i") % 3 - 1, null_on_oob=True),
    "join": lambda m: m.col("s").str.split(",").list.join("+"),
    "join empty": lambda m: m.col("s").str.split(",").list.join(""),
    "split join roundtrip": lambda m: m.col("s").str.split(",").list.join(","),
}


@pytest.mark.parametrize("n", [0, 100_000], ids=["edge", "big"])
@pytest.mark.parametrize("name", list(SPLITS))
def test_split_and_list_functions(assert_matches_polars, name, n):
    table = _table(n)
    out = assert_matches_polars(lambda m, df: df.select(SPLITS[name](m).alias("x")), table=table, check_dtypes=False)
    want = pl.from_arrow(table).select(SPLITS[name](pl).alias("x")).schema["x"]
    assert str(out.schema["x"]) == str(want)


def _with_list(m, df):
    return df.with_columns(m.col("s").str.split(",").alias("l"))


OPERATORS = {
    "filter": lambda m, df: _with_list(m, df).filter(m.col("i") % 3 == 1),
    "filter on list len": lambda m, df: _with_list(m, df).filter(m.col("l").list.len() > 1),
    "sort payload": lambda m, df: _with_list(m, df).sort("s", "i", descending=True, nulls_last=True),
    "head": lambda m, df: _with_list(m, df).head(4),
    "tail": lambda m, df: _with_list(m, df).tail(4),
    "slice": lambda m, df: _with_list(m, df).slice(2, 5),
    "select list only": lambda m, df: _with_list(m, df).select("l"),
    "concat": lambda m, df: m.concat([_with_list(m, df), _with_list(m, df).head(3)]),
    "join payload both sides": lambda m, df: _with_list(m, df).join(
        _with_list(m, df).select("i", m.col("l").alias("r")), on="i", how="left").sort("i"),
    "inner join payload": lambda m, df: _with_list(m, df).join(
        _with_list(m, df).select((m.col("i") * 2).alias("i"), m.col("l").alias("r")), on="i").sort("i"),
    "unique by key keeps list": lambda m, df: _with_list(m, df).group_by("i").agg(m.col("s").first()).sort("i"),
}


@pytest.mark.parametrize("n", [0, 70_000], ids=["edge", "big"])
@pytest.mark.parametrize("name", list(OPERATORS))
def test_list_column_survives_operators(assert_matches_polars, name, n):
    assert_matches_polars(OPERATORS[name], table=_table(n), check_dtypes=False)


def test_list_to_python_and_arrow():
    df = ax.DataFrame({"s": ["a,b", None, ""]}).select(ax.col("s").str.split(","))
    assert df.to_dicts() == [{"s": ["a", "b"]}, {"s": None}, {"s": [""]}]
    assert df.rows() == [(["a", "b"],), (None,), ([""],)]
    assert df["s"].to_list() == [["a", "b"], None, [""]]
    t = df.to_arrow().schema.field("s").type
    assert pa.types.is_list(t) or pa.types.is_large_list(t)
    assert pa.types.is_string(t.value_type) or pa.types.is_large_string(t.value_type)
    assert "List(String)" in repr(df) and "['a', 'b']" in repr(df)
    assert df.schema == {"s": "List(String)"}


def test_list_from_pyarrow_round_trips():
    t = pa.table({"l": pa.array([["x", None], [], None], type=pa.list_(pa.string())), "i": [1, 2, 3]})
    out = ax.DataFrame(t).filter(ax.col("i") > 0).sort("i", descending=True)
    assert out["l"].to_list() == [None, [], ["x", None]]
    assert out.select(ax.col("l").list.len())["l"].to_list() == [None, 0, 2]


@pytest.mark.parametrize("op", ["sort", "group_by", "join", "unique"])
def test_list_keys_are_not_supported(op):
    df = ax.DataFrame({"s": ["a,b", "c"]}).with_columns(ax.col("s").str.split(",").alias("l"))
    with pytest.raises(ax.NotSupportedError, match='col\\("l"\\)'):
        if op == "sort":
            df.sort("l")
        elif op == "group_by":
            df.group_by("l").agg(ax.len())
        elif op == "join":
            df.join(df, on="l")
        else:
            df.unique(subset="l")


def test_list_get_out_of_bounds_can_raise():
    df = ax.DataFrame({"s": ["a"]})
    with pytest.raises(ax.ComputeError, match="out of bounds"):
        df.select(ax.col("s").str.split(",").list.get(3, null_on_oob=False))
    assert df.select(ax.col("s").str.split(",").list.get(3)).item() is None


def test_list_functions_check_their_input():
    df = ax.DataFrame({"s": ["a"], "i": [1]})
    with pytest.raises(ax.ComputeError, match="List input"):
        df.select(ax.col("i").list.len())
    with pytest.raises(ax.ComputeError, match="String input"):
        df.select(ax.col("i").str.split(","))
    with pytest.raises(ax.NotSupportedError, match="literal=False"):
        df.select(ax.col("s").str.split(",", literal=False))
