"""Dictionary-encoded (Categorical) columns, end to end, differential against Polars.

Frames come from pandas Categoricals, pyarrow dictionary arrays (several index widths, string
layouts, chunks with different dictionaries) and Polars Categoricals; each operation runs on
alopex and on Polars over the same data (``run_pair``) and the results must match, dtype
included. Where Polars refuses (joining a Categorical with a String, ``str`` functions on a
Categorical) alopex works through the values and is compared with Polars' explicit cast.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from conftest import assert_frames_match, run_pair

import alopex as ax

VALUES = ["b", "a", None, "b", "Zürich", "日本語", "a", "😀", None, "", "b", "café"]


def _tables() -> dict[str, pa.Table]:
    """The same categorical column in the layouts producers hand over."""
    v = list(range(len(VALUES)))
    plain = pa.array(VALUES, type=pa.string())
    half = len(VALUES) // 2
    chunked = pa.chunked_array([plain[:half].dictionary_encode(), plain[half:].dictionary_encode()])
    return {
        "pandas": pa.Table.from_pandas(pd.DataFrame({"c": pd.Categorical(VALUES), "v": v}), preserve_index=False),
        "int32": pa.table({"c": plain.dictionary_encode(), "v": v}),
        "int8_large": pa.table({"c": plain.cast(pa.large_string()).dictionary_encode().cast(
            pa.dictionary(pa.int8(), pa.large_string())), "v": v}),
        "chunks": pa.table({"c": chunked, "v": pa.chunked_array([v[:half], v[half:]])}),
        "polars": pl.DataFrame({"c": pl.Series(VALUES, dtype=pl.Categorical), "v": v}).to_arrow(),
    }


TABLES = _tables()


@pytest.fixture(params=sorted(TABLES))
def pair(request):
    t = TABLES[request.param]
    return ax.DataFrame(t), pl.from_arrow(t)


def _check(build, pair, *, sort_by=None):
    a, p = run_pair(build, *pair)
    if isinstance(p, Exception):
        raise AssertionError(f"polars raised {p!r}; the case is meant to work in both")
    if isinstance(a, Exception):
        raise AssertionError(f"alopex raised {type(a).__name__}: {a}") from a
    if sort_by:
        a, p = a.sort(sort_by), p.sort(sort_by)
    assert_frames_match(a, p)


def test_import_gives_categorical(pair):
    a, _ = pair
    assert a.schema["c"] == ax.Categorical
    assert ax.DataFrame({"x": pd.Categorical(["u", "v"])}).schema["x"] == ax.Categorical


CASES = {
    "eq": lambda m, df: df.filter(m.col("c") == "b"),
    "ne": lambda m, df: df.filter(m.col("c") != "b"),
    "lt_lexical": lambda m, df: df.filter(m.col("c") < "b"),
    "ge_lexical": lambda m, df: df.filter(m.col("c") >= "a"),
    "eq_unicode": lambda m, df: df.filter(m.col("c") == "日本語"),
    "eq_absent": lambda m, df: df.filter(m.col("c") == "nope"),
    "is_in": lambda m, df: df.filter(m.col("c").is_in(["a", "😀", "nope"])),
    "is_null": lambda m, df: df.filter(m.col("c").is_null()),
    "cmp_column": lambda m, df: df.select((m.col("c") == m.col("c")).alias("same")),
    "project": lambda m, df: df.select("c", "v"),
    "head": lambda m, df: df.head(3),
    "slice": lambda m, df: df.slice(4, 5),
    "with_columns": lambda m, df: df.with_columns((m.col("v") * 2).alias("w")),
    "sort": lambda m, df: df.sort("c", "v"),
    "sort_desc": lambda m, df: df.sort("c", "v", descending=True),
    "sort_nulls_last": lambda m, df: df.sort("c", "v", nulls_last=True),
    "to_string": lambda m, df: df.select(m.col("c").cast(m.String)),
    "roundtrip_cast": lambda m, df: df.select(m.col("c").cast(m.String).cast(m.Categorical)),
    "aggs": lambda m, df: df.select(
        m.col("c").min().alias("mn"), m.col("c").max().alias("mx"), m.col("c").first().alias("f"),
        m.col("c").last().alias("l"), m.col("c").n_unique().alias("nu"), m.col("c").count().alias("n"),
        m.len().alias("len")),
    "fill_null": lambda m, df: df.select(m.col("c").fill_null("zz")),
    "shift": lambda m, df: df.select(m.col("c").shift(1)),
    "concat_str": lambda m, df: df.select((m.col("c") + "-x").alias("s")),
    "over": lambda m, df: df.select(m.col("v").sum().over("c").alias("s"), m.col("c").first().over("v").alias("f")),
    "when": lambda m, df: df.select(m.when(m.col("v") > 3).then(m.col("c")).otherwise(m.col("c")).alias("w")),
    "filter_then_group": lambda m, df: df.filter(m.col("v") > 2).group_by("c").agg(m.len()).sort("c"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_polars(pair, case):
    _check(CASES[case], pair)


def test_group_by_keeps_categorical(pair):
    _check(lambda m, df: df.group_by("c").agg(m.len(), m.col("v").sum().alias("s")), pair, sort_by="c")
    _check(lambda m, df: df.group_by("c", "v").agg(m.len()), pair, sort_by=["c", "v"])
    _check(lambda m, df: df.group_by("c").agg(m.col("c").first().alias("f"), m.col("v").max()), pair, sort_by="c")


def test_join_categoricals(pair):
    other = {"c": ["a", "b", "😀", "zz"], "w": [1, 2, 3, 4]}

    def build(m, df):
        right = m.DataFrame(other).with_columns(m.col("c").cast(m.Categorical))
        return df.join(right, on="c", how="inner").sort("v")

    _check(build, pair)


def test_join_categorical_with_string(pair):
    # Polars refuses this join; alopex joins by value, as the same join on String does.
    a, p = pair
    right = {"c": ["a", "b", "😀", "zz"], "w": [1, 2, 3, 4]}
    got = a.join(ax.DataFrame(right), on="c").sort("v")
    want = p.with_columns(pl.col("c").cast(pl.String)).join(pl.DataFrame(right), on="c").sort("v")
    assert_frames_match(got.with_columns(ax.col("c").cast(ax.String)), want)


def test_str_functions_go_through_values(pair):
    a, p = pair
    got = a.select(ax.col("c").str.len_bytes().alias("n"), ax.col("c").str.to_uppercase().alias("u"))
    want = p.select(pl.col("c").cast(pl.String).str.len_bytes().alias("n"),
                    pl.col("c").cast(pl.String).str.to_uppercase().alias("u"))
    assert_frames_match(got, want)


def test_concat_frames_with_different_dictionaries():
    x = pa.table({"c": pa.array(["a", "b", "a"]).dictionary_encode(), "v": [1, 2, 3]})
    y = pa.table({"c": pa.array(["b", "c", None]).dictionary_encode(), "v": [4, 5, 6]})
    a = ax.concat([ax.DataFrame(x), ax.DataFrame(y)])
    p = pl.concat([pl.from_arrow(x), pl.from_arrow(y)])
    assert a.schema["c"] == ax.Categorical
    assert_frames_match(a, p)
    # codes of the two dictionaries differ ("b" is 1 in one, 0 in the other): groups by value
    assert_frames_match(a.group_by("c").agg(ax.len()).sort("c"), p.group_by("c").agg(pl.len()).sort("c"))
    assert_frames_match(a.filter(ax.col("c") == "b"), p.filter(pl.col("c") == "b"))
    assert_frames_match(a.sort("c", "v"), p.sort("c", "v"))


def test_string_to_categorical_cast_per_batch_groups_by_value():
    # Casting in the engine encodes batch by batch: each batch has its own dictionary.
    n = 300_000
    s = np.array(["x", "y", "z"])[np.arange(n) % 3]
    df = ax.DataFrame({"s": s, "v": np.ones(n, dtype=np.int64)})
    out = (df.lazy().with_columns(ax.col("s").cast(ax.Categorical)).group_by("s")
           .agg(ax.col("v").sum()).sort("s").collect())
    assert out.schema["s"] == ax.Categorical
    assert out.to_dict(as_series=False) == {"s": ["x", "y", "z"], "v": [100_000] * 3}


def test_unsupported_says_what_to_do():
    df = ax.DataFrame({"c": pd.Categorical(["a", "b"])})
    for agg in (ax.col("c").sum(), ax.col("c").mean()):
        with pytest.raises(ax.NotSupportedError, match=r"Categorical.*cast\(ax\.String\)"):
            df.select(agg)
    with pytest.raises(ax.ComputeError):
        df.select(ax.col("c") + 1)


def test_round_trip_keeps_dictionary():
    df = ax.DataFrame({"c": pd.Categorical(["b", "a", None, "ü"]), "v": [1, 2, 3, 4]})
    out = df.filter(ax.col("v") > 0)  # through the engine
    t = out.to_arrow()
    assert pa.types.is_dictionary(t.schema.field("c").type)
    assert t.column("c").to_pylist() == ["b", "a", None, "ü"]
    pdf = out.to_pandas()
    assert isinstance(pdf["c"].dtype, pd.CategoricalDtype)
    assert pdf["c"].tolist()[:2] == ["b", "a"] and pd.isna(pdf["c"][2])
    assert pl.from_arrow(t).schema["c"] == pl.Categorical
    assert pl.DataFrame(out).schema["c"] == pl.Categorical  # through __arrow_c_stream__


def test_empty_and_all_null():
    for values in ([], [None, None]):
        df = ax.DataFrame({"c": pd.Categorical(values, categories=["a"] if values else None)})
        assert df.schema["c"] == ax.Categorical
        out = df.group_by("c").agg(ax.len())
        assert out.schema["c"] == ax.Categorical
        assert out.height == (1 if values else 0)
        assert df.filter(ax.col("c") == "a").height == 0
        assert df.sort("c").height == len(values)


def test_empty_group_by_export_does_not_crash():
    # Used to abort the interpreter (nil dictionary while exporting): run it in a child.
    code = textwrap.dedent("""
        import alopex as ax, pandas as pd
        df = ax.DataFrame(pd.DataFrame({"c": pd.Categorical([])}))
        out = df.group_by("c").agg(ax.len())
        print(out.to_arrow().num_rows, out.to_pandas().shape)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split()[0] == "0"


def test_sql_over_categorical():
    df = ax.DataFrame({"c": pd.Categorical(["a", "b", "a", None, "ü"]), "v": [1, 2, 3, 4, 5]})
    ctx = ax.SQLContext(t=df)
    out = ctx.execute("SELECT c, SUM(v) AS s FROM t WHERE c <> 'b' GROUP BY c ORDER BY c", eager=True)
    assert out.schema["c"] == ax.Categorical
    assert out.to_dict(as_series=False) == {"c": ["a", "ü"], "s": [4, 5]}
    out = ctx.execute("SELECT v FROM t WHERE c = 'a' OR c IN ('ü') ORDER BY v", eager=True)
    assert out["v"].to_list() == [1, 3, 5]
    out = ctx.execute("SELECT c, v FROM t ORDER BY c DESC, v LIMIT 2", eager=True)
    assert out.to_dict(as_series=False) == {"c": ["ü", "b"], "v": [5, 2]}
    # window ORDER BY a Categorical: lexical, by the dictionary's ranks
    out = ctx.execute("SELECT v, RANK() OVER (ORDER BY c) AS r FROM t WHERE c IS NOT NULL ORDER BY v", eager=True)
    assert out["r"].to_list() == [1, 3, 1, 4]


def test_write_csv_and_parquet(tmp_path):
    import pyarrow.parquet as pq

    df = ax.DataFrame({"c": pd.Categorical(["b", "a", None]), "v": [1, 2, 3]}).filter(ax.col("v") > 0)
    assert df.write_csv() == "c,v\nb,1\na,2\n,3\n"
    path = tmp_path / "cat.parquet"
    df.write_parquet(path)
    back = pq.read_table(path)
    assert back.column("c").to_pylist() == ["b", "a", None]
    assert ax.read_parquet(path)["c"].to_list() == ["b", "a", None]


def test_read_parquet_dictionary_column(tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "dict.parquet"
    pq.write_table(pa.table({"c": pa.array(["x", "y", None, "x"]).dictionary_encode()}), path)
    got = ax.read_parquet(path)
    assert got["c"].to_list() == ["x", "y", None, "x"]
    assert got.filter(ax.col("c") == "x").height == 2
