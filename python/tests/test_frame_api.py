"""DataFrame / LazyFrame / Series API, differentially against Polars (the reference).

Construction from every supported source, shape and schema accessors, indexing, conversion,
select / with_columns / filter / head / limit / slice (eager and lazy), chained lazy pipelines,
frames larger than 200,000 rows (several 65,536-row morsels of the parallel executor, with
filters whose output crosses morsel boundaries and slices across them), empty and one-row
frames, and the errors users meet.  Helpers live in conftest.py.

Known deviations are ``xfail(strict=True)`` with a short reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import (  # noqa: E402
    NUMERIC_TAGS,
    UNICODE_POOL,
    arrow_dtype_name,
    assert_arrays_match,
    assert_frames_match,
    frames,
    mixed_table,
    polars_dtype_name,
    random_array,
)

MORSEL = 65_536
LARGE = 4 * MORSEL + 3
SMALL = 300
ALL_COLS = [f"a_{t}" for t in NUMERIC_TAGS + ["str", "bool"]]


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=reason, strict=True)


def _p(*values, reason: str | None = None, id: str | None = None):  # noqa: A002
    return pytest.param(*values, marks=[_xfail(reason)] if reason else [], id=id)


# --------------------------------------------------------------------------------------------
# Construction: the same input given to alopex and to Polars gives the same frame
# --------------------------------------------------------------------------------------------

def _np_columns(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for t in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]:
        info = np.iinfo(t)
        out[t] = rng.integers(info.min, info.max, n, dtype=t, endpoint=True)
    out["float32"] = rng.standard_normal(n).astype(np.float32)
    out["float64"] = rng.standard_normal(n)
    if n:
        out["float64"][:: max(n // 7, 1)] = np.nan
        out["float64"][1:: max(n // 5, 1)] = np.inf
    out["bool"] = rng.random(n) < 0.5
    return out


PY_DICT = {
    "i": [1, None, -3, 2**62, -(2**63)],
    "f": [1.5, None, float("nan"), float("inf"), -0.0],
    "s": ["café", None, "", "日本語", "😀👍🏽"],
    "b": [True, None, False, True, False],
}


@pytest.mark.parametrize("n", [0, 1, 7, LARGE])
def test_from_numpy_columns(n):
    data = _np_columns(n)
    assert_frames_match(ax.DataFrame(data), pl.DataFrame(data))


def test_from_python_lists_with_nulls_and_unicode():
    assert_frames_match(ax.DataFrame(PY_DICT), pl.DataFrame(PY_DICT))
    assert_frames_match(ax.from_dict(PY_DICT), pl.from_dict(PY_DICT))


@pytest.mark.parametrize("schema", [None, "UInt64"])
def test_from_python_ints_beyond_int64(schema):
    data = {"x": [2**64 - 1, None, 2**63]}
    assert_frames_match(ax.DataFrame(data, schema=schema and {"x": ax.UInt64}),
                        pl.DataFrame(data, schema=schema and {"x": pl.UInt64}))


def test_from_dicts_rows_with_missing_keys():
    rows = [{"a": 1, "b": "x"}, {"a": None, "b": "é"}, {"a": 3}, {"b": "日本", "a": -4}]
    assert_frames_match(ax.DataFrame(rows), pl.DataFrame(rows))
    assert_frames_match(ax.from_dicts(rows), pl.from_dicts(rows))


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int64, np.float32, np.float64])
def test_from_numpy_2d(dtype):
    arr = (np.arange(24).reshape(6, 4) - 10).astype(dtype)
    assert_frames_match(ax.from_numpy(arr, schema=["w", "x", "y", "z"]),
                        pl.from_numpy(arr, schema=["w", "x", "y", "z"], orient="row"))
    assert_frames_match(ax.DataFrame(arr), pl.from_numpy(arr, orient="row"))  # column_0, column_1, ...


def test_from_pandas_and_pyarrow_and_polars_stream():
    pdf = pd.DataFrame({"i": np.arange(5, dtype=np.int32), "f": [1.0, np.nan, 3.0, None, 5.0],
                        "s": ["a", None, "é", "日本", ""], "b": [True, False, True, False, True]})
    assert_frames_match(ax.from_pandas(pdf), pl.from_pandas(pdf))
    assert_frames_match(ax.DataFrame(pdf), pl.from_pandas(pdf))
    t = mixed_table(SMALL)
    assert_frames_match(ax.from_arrow(t), pl.from_arrow(t))
    assert_frames_match(ax.DataFrame(t.to_batches()[0]), pl.from_arrow(t))
    assert_frames_match(ax.DataFrame(pl.from_arrow(t)), pl.from_arrow(t))  # via __arrow_c_stream__


def _rebuilt(t: pa.Table) -> pa.Table:
    """A copy of ``t`` whose arrays own their buffers (no offset into a shared buffer)."""
    return pa.Table.from_pylist(t.to_pylist(), schema=t.schema) if t.num_rows < 5000 else pa.table(
        {n: pa.array(c.to_numpy(zero_copy_only=False), type=c.type, mask=c.is_null().to_numpy(zero_copy_only=False))
         if not pa.types.is_string(c.type) else pa.array(c.to_pylist(), type=c.type) for n, c in zip(t.column_names, t.columns)})


CHUNK_SPLITS = [(1000, MORSEL, 3), (MORSEL - 1, 2), (5,)]


@pytest.mark.parametrize("sliced", [
    pytest.param(False, id="separate_buffers"),
    pytest.param(True, id="slices_of_one_buffer"),  # pa.concat_tables of t.slice(...): chunks share one buffer
])
@pytest.mark.parametrize("split", CHUNK_SPLITS, ids=lambda s: "-".join(map(str, s)))
def test_from_chunked_pyarrow_table_across_morsels(split, sliced):
    """Input chunks not aligned with morsels: results must not depend on chunking."""
    t = mixed_table(LARGE).select(["idx", "a_i32", "a_bool", "a_str", "a_f64", "a_u8"])
    bounds = [0]
    for k in split:
        bounds.append(bounds[-1] + k)
    bounds.append(t.num_rows)
    chunks = [t.slice(lo, hi - lo) for lo, hi in zip(bounds, bounds[1:])]
    if not sliced:
        chunks = [_rebuilt(c) for c in chunks]
    chunked = pa.concat_tables(chunks)
    assert chunked.column(0).num_chunks == len(split) + 1
    a = ax.DataFrame(chunked)
    p = pl.from_arrow(t)
    assert_frames_match(a.select("a_str", "a_i32"), p.select("a_str", "a_i32"))
    expr = lambda m: ((m.col("a_i32") > 0) & m.col("a_bool")) | (m.col("idx") % 1000 == 999)  # noqa: E731
    assert_frames_match(a.filter(expr(ax)).select("idx", "a_str", "a_f64"), p.filter(expr(pl)).select("idx", "a_str", "a_f64"))
    assert_frames_match(a.with_columns((ax.col("a_u8") * 2).alias("d")).slice(MORSEL - 10, 30),
                        p.with_columns((pl.col("a_u8") * 2).alias("d")).slice(MORSEL - 10, 30))
    assert_frames_match(a.head(1500), p.head(1500))


def test_chunks_slicing_one_buffer_minimal_repro():
    t = pa.table({"x": list(range(300))})
    t2 = pa.concat_tables([t.slice(0, 10), t.slice(10)])
    assert ax.DataFrame(t2).select("x").to_dict(as_series=False) == {"x": list(range(300))}


@pytest.mark.parametrize("dtype", ["Int8", "UInt32", "Float32", "String"])
def test_constructor_schema_casts(dtype):
    data = {"x": [1, 2, None]}
    assert_frames_match(ax.DataFrame(data, schema={"x": getattr(ax, dtype)}),
                        pl.DataFrame(data, schema={"x": getattr(pl, dtype)}, strict=False))


def test_constructor_schema_renames():
    assert_frames_match(ax.DataFrame({"a": [1], "b": [2.0]}, schema=["x", "y"]),
                        pl.DataFrame({"a": [1], "b": [2.0]}, schema=["x", "y"]))


def test_empty_frames():
    assert ax.DataFrame().shape == pl.DataFrame().shape == (0, 0)
    assert ax.DataFrame({}).shape == (0, 0)
    assert ax.DataFrame([]).shape == (0, 0)
    schema = {"i": ax.Int32, "s": ax.String, "f": ax.Float64}
    a = ax.DataFrame({}, schema=schema)
    p = pl.DataFrame(schema={"i": pl.Int32, "s": pl.String, "f": pl.Float64})
    assert_frames_match(a, p)
    assert a.is_empty()


@pytest.mark.parametrize(("data", "err"), [
    ({"a": [1, 2], "b": [1]}, ax.InvalidInputError),
    ({"a": [1, "x"]}, ax.InvalidInputError),
    ([1, 2, 3], ax.InvalidInputError),
    ("abc", ax.InvalidInputError),
    (42, ax.InvalidInputError),
    ({"a": np.zeros((2, 2, 2))}, ax.InvalidInputError),
])
def test_constructor_rejects_bad_input(data, err):
    with pytest.raises(err):
        ax.DataFrame(data)


def test_duplicate_column_names_in_input_are_schema_error():
    t = pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["a", "a"])
    with pytest.raises(ax.SchemaError):
        ax.DataFrame(t)


# --------------------------------------------------------------------------------------------
# Shape, schema, accessors
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, SMALL])
def test_shape_and_schema_accessors(n):
    a, p = frames(n)
    assert a.shape == p.shape
    assert (a.height, a.width, len(a)) == (p.height, p.width, len(p))
    assert a.columns == p.columns
    assert [str(d) for d in a.dtypes] == [polars_dtype_name(d) for d in p.dtypes]
    assert {k: str(v) for k, v in a.schema.items()} == {k: polars_dtype_name(v) for k, v in p.schema.items()}
    assert all(d == str(d) for d in a.dtypes)  # DataType compares equal to its name
    assert a.schema["a_i64"] == ax.Int64 == "Int64"
    assert a.is_empty() == p.is_empty()
    assert ("a_i8" in a) and ("zz" not in a)


def test_lazy_schema_matches_polars_collect_schema():
    a, p = frames(SMALL)

    def pipe(m, df):
        return (df.lazy()
                .with_columns((m.col("a_i8") * 2).alias("x"), (m.col("a_u16") / m.col("a_i32")).alias("q"))
                .filter(m.col("a_bool"))
                .select("x", "q", m.col("a_str"), (m.col("a_f32") > 0).alias("pos"), m.col("a_u64").cast(m.Float32)))

    la, lp = pipe(ax, a), pipe(pl, p)
    ps = lp.collect_schema()
    assert la.columns == list(ps.names())
    assert [str(d) for d in la.dtypes] == [polars_dtype_name(d) for d in ps.dtypes()]
    assert {k: str(v) for k, v in la.schema.items()} == {k: polars_dtype_name(v) for k, v in ps.items()}
    assert la.width == len(ps)
    # the schema promised is the schema delivered
    assert {k: str(v) for k, v in la.collect().schema.items()} == {k: str(v) for k, v in la.schema.items()}


@pytest.mark.parametrize("col", ALL_COLS)
def test_get_column_and_series(col):
    a, p = frames(SMALL)
    sa, sp = a[col], p[col]
    assert isinstance(sa, ax.Series)
    assert sa.name == sp.name == col
    assert str(sa.dtype) == polars_dtype_name(sp.dtype)
    assert len(sa) == sa.len() == sp.len()
    assert sa.null_count() == sp.null_count()
    assert_arrays_match(sa.to_arrow(), sp.to_arrow(), col)
    la, lp = sa.to_list(), sp.to_list()
    assert [x if x == x else "nan" for x in la] == [x if x == x else "nan" for x in lp]
    assert_arrays_match(a.get_column(col).to_arrow(), p.get_column(col).to_arrow(), col)
    norm = lambda xs: [x if x == x else "nan" for x in xs]  # noqa: E731
    assert norm(list(sa)) == norm(la) and norm([sa[0], sa[-1]]) == norm([la[0], la[-1]])


@pytest.mark.parametrize("col", ALL_COLS)
def test_series_to_numpy_matches_polars(col):
    """Integers with nulls become float32 (<= 16-bit) or float64 (wider), as in Polars."""
    a, p = frames(SMALL)
    na, np_ = a[col].to_numpy(), p[col].to_numpy()
    assert na.dtype == np_.dtype, (na.dtype, np_.dtype)
    if na.dtype.kind == "f":
        np.testing.assert_array_equal(na, np_)
    else:
        assert na.tolist() == np_.tolist()


@pytest.mark.parametrize("dtype", ["Int8", "UInt16", "Int32", "Int64", "UInt64"])
def test_series_to_numpy_big_int_with_null_minimal_repro(dtype):
    """Values beyond 2**53 round to the nearest float (no error), as in Polars."""
    vals, typ = {"Int8": ([-128, None], pa.int8()), "UInt16": ([65535, None], pa.uint16()),
                 "Int32": ([-(2**31), None], pa.int32()), "Int64": ([2**62 + 1, None], pa.int64()),
                 "UInt64": ([2**64 - 1, None], pa.uint64())}[dtype]
    t = pa.table({"x": pa.array(vals, typ)})
    sa, sp = ax.DataFrame(t)["x"].to_numpy(), pl.from_arrow(t)["x"].to_numpy()
    assert sa.dtype == sp.dtype
    np.testing.assert_array_equal(sa, sp)


@pytest.mark.parametrize("col", ["a_i32", "a_u32", "a_f32", "a_f64", "a_bool", "a_str"])
@pytest.mark.parametrize("n", [0, 1])
def test_series_to_numpy_tiny(col, n):
    a, p = frames(n)
    na, np_ = a[col].to_numpy(), p[col].to_numpy()
    assert na.shape == np_.shape and na.tolist() == np_.tolist() or (na.dtype.kind == "f" and np.array_equal(na, np_, equal_nan=True))


def test_getitem_list_and_slices():
    a, p = frames(SMALL)
    cols = ["a_str", "a_i8", "a_f64"]
    assert_frames_match(a[cols], p[cols])
    for sl in [slice(0, 10), slice(5, None), slice(None, 3), slice(-7, None), slice(-7, -2), slice(290, 400),
               slice(400, 500), slice(10, 5), slice(None, None)]:
        assert_frames_match(a[sl], p[sl])


def test_getitem_slice_with_step():
    a, p = frames(SMALL)
    assert_frames_match(a[::2], p[::2])
    assert_frames_match(a[::-3], p[::-3])


@pytest.mark.parametrize("key", ["nope", "a_i88", "A_I8"])
def test_getitem_unknown_column(key):
    a, p = frames(SMALL)
    with pytest.raises(ax.ColumnNotFoundError) as ei:
        a[key]
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        p[key]
    assert ei.value.column == key
    if key == "a_i88":
        assert ei.value.suggestions[0] == "a_i8"
        assert "did you mean 'a_i8'" in str(ei.value)
    with pytest.raises(ax.ColumnNotFoundError):
        a[["a_i8", key]]
    with pytest.raises(ax.ColumnNotFoundError):
        a.get_column(key)
    with pytest.raises(KeyError):  # ColumnNotFoundError is a KeyError too, as users expect
        a[key]


# --------------------------------------------------------------------------------------------
# Conversion out
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, SMALL])
def test_to_dict_matches_polars(n):
    a, p = frames(n)
    da, dp = a.to_dict(as_series=False), p.to_dict(as_series=False)
    assert list(da) == list(dp)
    for k in da:
        assert [x if x == x else "nan" for x in da[k]] == [x if x == x else "nan" for x in dp[k]], k
    series = a.to_dict()
    assert list(series) == a.columns and all(isinstance(s, ax.Series) for s in series.values())


def test_to_arrow_and_arrow_stream_roundtrip():
    a, p = frames(SMALL)
    t = a.to_arrow()
    assert isinstance(t, pa.Table)
    assert t.schema == mixed_table(SMALL).schema
    assert_frames_match(t, mixed_table(SMALL))
    assert_frames_match(pl.DataFrame(a), p)  # Polars reads alopex through __arrow_c_stream__
    assert_frames_match(pa.table(a), t)


@pytest.mark.parametrize("cols", [["a_i32"], ["a_f64", "a_f32"], ["a_i64", "a_u8"],
                                  ["a_i32", "a_u32"], ["a_i8", "a_str", "a_bool"]])
def test_to_numpy_2d_matches_polars(cols):
    a, p = frames(SMALL)
    na, np_ = a.select(cols).to_numpy(), p.select(cols).to_numpy()
    assert na.shape == np_.shape
    if na.dtype.kind == "f" and np_.dtype.kind == "f":
        np.testing.assert_array_equal(na.astype(np.float64), np_.astype(np.float64))
    else:
        assert [[x if x == x else "nan" for x in r] for r in na.tolist()] == \
               [[x if x == x else "nan" for x in r] for r in np_.tolist()]


def test_to_pandas_matches_polars_values():
    a, p = frames(SMALL)
    cols = ["a_i32", "a_f64", "a_str"]
    pa_ = a.select(cols).to_pandas()
    pp = p.select(cols).to_pandas()
    assert list(pa_.columns) == list(pp.columns) and len(pa_) == len(pp)
    pd.testing.assert_frame_equal(pa_.astype(object).where(pa_.notna(), None),
                                  pp.astype(object).where(pp.notna(), None), check_dtype=False)


# --------------------------------------------------------------------------------------------
# select / with_columns
# --------------------------------------------------------------------------------------------

SELECTS = {
    "names": lambda m: ["a_str", "a_i8"],
    "one_list_of_names_and_exprs": lambda m: [["a_u8", "a_f32", m.col("a_i16") + 1]],
    "multi_col": lambda m: [m.col("a_i64", "a_bool")],
    "multi_col_iterable": lambda m: [m.col(["a_u32", "a_str"])],
    "reorder": lambda m: ["a_bool", "a_str", "a_i8"],
    "computed_and_alias": lambda m: [(m.col("a_i32") * m.col("b_i32")).alias("prod"), m.col("a_f64").alias("f")],
    "literal_alongside": lambda m: ["a_i8", m.lit(2.5), m.lit("é").alias("e")],
    "same_col_twice_aliased": lambda m: ["a_i8", m.col("a_i8").alias("again")],
    "no_columns": lambda m: [],
}


@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
@pytest.mark.parametrize("case", list(SELECTS))
def test_select(case, n):
    a, p = frames(n)
    exprs = SELECTS[case]
    ra, rp = a.select(*exprs(ax)), p.select(*exprs(pl))
    if case == "no_columns":
        assert ra.width == rp.width == 0
        return
    assert_frames_match(ra, rp)


def test_select_keyword_expressions():
    a, p = frames(SMALL)
    assert_frames_match(a.select("a_i8", z=ax.col("a_f64") * 2, w=3.5),
                        p.select("a_i8", z=pl.col("a_f64") * 2, w=3.5))


def test_select_keyword_string_is_column_name():
    a, p = frames(SMALL)
    assert_frames_match(a.select(x="a_i8"), p.select(x="a_i8"))
    assert_frames_match(a.with_columns(x="a_str"), p.with_columns(x="a_str"))


WITH_COLUMNS = {
    "replace_in_place": lambda m: [(m.col("a_i8") * 2)],
    "replace_changes_dtype": lambda m: [m.col("a_i16").cast(m.Float32), m.col("a_str").is_null()],
    "append": lambda m: [(m.col("a_f64") + m.col("b_f64")).alias("sum"), (m.col("a_u8") > 3).alias("big")],
    "replace_and_append": lambda m: [m.col("b_i32").alias("a_i32"), (-m.col("a_i32")).alias("neg")],
    "literal": lambda m: [m.lit(7).alias("seven"), m.lit(None).alias("nothing"), m.lit("s").alias("a_str")],
    "swap_via_alias": lambda m: [m.col("a_i8").alias("b_i8"), m.col("b_i8").alias("a_i8")],
}


@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
@pytest.mark.parametrize("case", list(WITH_COLUMNS))
def test_with_columns(case, n):
    a, p = frames(n)
    exprs = WITH_COLUMNS[case]
    ra, rp = a.with_columns(*exprs(ax)), p.with_columns(*exprs(pl))
    assert_frames_match(ra, rp)


def test_with_columns_keywords():
    a, p = frames(SMALL)
    assert_frames_match(a.with_columns(z=ax.col("a_i8") + 1, a_f64=ax.col("a_f64") * 0.5, w=2.5),
                        p.with_columns(z=pl.col("a_i8") + 1, a_f64=pl.col("a_f64") * 0.5, w=2.5))


def test_with_columns_sees_input_not_siblings():
    """Expressions in one with_columns all read the input frame (not each other's output)."""
    a, p = frames(SMALL)
    assert_frames_match(a.with_columns((ax.col("a_i64") + 1).alias("a_i64"), (ax.col("a_i64") * 2).alias("x")),
                        p.with_columns((pl.col("a_i64") + 1).alias("a_i64"), (pl.col("a_i64") * 2).alias("x")))


@pytest.mark.parametrize("how", ["select", "with_columns"])
@pytest.mark.parametrize("exprs", [
    lambda m: [m.col("a_i8"), m.col("a_i8")],
    lambda m: [m.col("a_i8"), m.col("a_i16").alias("a_i8")],
    lambda m: [m.col("a_i8") + 1, m.col("a_i8") * 2],
    lambda m: [m.lit(1), m.lit(2)],
], ids=["same_col", "alias_clash", "leftmost_name_clash", "two_literals"])
def test_duplicate_output_names_are_schema_error(how, exprs):
    a, p = frames(SMALL)
    with pytest.raises(ax.SchemaError) as ei:
        getattr(a, how)(*exprs(ax))
    assert "alias" in str(ei.value)
    with pytest.raises(pl.exceptions.PolarsError):  # Polars rejects these too
        getattr(p, how)(*exprs(pl))


# Suggestions rank by optimal-string-alignment distance (a transposition costs 1) in the engine
# and on the Python side (df["..."]) alike.
@pytest.mark.parametrize("typo", ["a_f6", "a_f644", "a-f64", "A_F64", "a_f46"])
@pytest.mark.parametrize("how", ["select", "with_columns", "filter", "filter_kw", "lazy_select"])
def test_unknown_column_suggests(how, typo):
    a, _ = frames(SMALL)
    with pytest.raises(ax.ColumnNotFoundError) as ei:
        if how == "filter_kw":
            a.filter(**{typo: 1})
        elif how == "filter":
            a.filter(ax.col(typo) > 1)
        elif how == "lazy_select":
            a.lazy().filter(ax.col("a_bool")).select(ax.col(typo) * 2).collect()
        else:
            getattr(a, how)(ax.col(typo) + 1)
    assert ei.value.suggestions[0] == "a_f64", ei.value.suggestions
    assert typo in str(ei.value) and "a_f64" in str(ei.value)
    assert ei.value.column == typo


@pytest.mark.parametrize("typo", ["a_f6", "a_f644", "a-f64", "A_F64", "a_f46"])
def test_unknown_column_suggests_getitem(typo):
    a, _ = frames(SMALL)
    with pytest.raises(ax.ColumnNotFoundError) as ei:
        a[typo]
    assert ei.value.suggestions[0] == "a_f64", ei.value.suggestions


def test_string_plus_int_is_compute_error_in_pipeline():
    a, p = frames(SMALL)
    with pytest.raises(ax.ComputeError) as ei:
        a.lazy().filter(ax.col("a_bool")).with_columns(ax.col("a_str") + ax.col("a_i64")).collect()
    assert "a_str" in str(ei.value)
    with pytest.raises(pl.exceptions.PolarsError):
        p.lazy().filter(pl.col("a_bool")).with_columns(pl.col("a_str") + pl.col("a_i64")).collect()


# --------------------------------------------------------------------------------------------
# filter
# --------------------------------------------------------------------------------------------

PREDICATES = {
    "simple": lambda m: [m.col("a_i32") > 0],
    "and_or_not": lambda m: [((m.col("a_i8") > 0) & ~m.col("a_bool")) | (m.col("a_f64") < -50)],
    "null_bool_column": lambda m: [m.col("a_bool")],
    "string_eq": lambda m: [m.col("a_str") == "café"],
    "string_range": lambda m: [(m.col("a_str") >= "a") & (m.col("a_str") < "日")],
    "several_positional": lambda m: [m.col("a_u8") > 3, m.col("b_bool"), m.col("a_f32").is_not_null()],
    "list_of_predicates": lambda m: [[m.col("a_i16") < 0, m.col("a_u16") % 2 == 0]],
    "nan_compare": lambda m: [m.col("a_f64") >= m.col("b_f64")],
    "is_null": lambda m: [m.col("a_i64").is_null() | m.col("b_str").is_null()],
    "keeps_all": lambda m: [m.lit(True)],
    "keeps_none": lambda m: [m.col("a_i32") != m.col("a_i32")],
    "xor": lambda m: [m.col("a_bool") ^ m.col("b_bool")],
    "mixed_types": lambda m: [m.col("a_u64") > m.col("a_i64"), m.col("a_i8") < m.col("a_f32")],
}


@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
@pytest.mark.parametrize("case", list(PREDICATES))
def test_filter(case, n):
    a, p = frames(n)
    preds = PREDICATES[case]
    assert_frames_match(a.filter(*preds(ax)), p.filter(*preds(pl)))


@pytest.mark.parametrize("constraints", [
    {"a_i8": 1}, {"a_str": "café"}, {"a_bool": True}, {"a_u8": 3, "b_bool": False}, {"a_f64": 0.0},
    {"a_i64": -(2**63)}, {"a_u64": 2**64 - 1}, {"a_str": "日本語"},
], ids=lambda c: ",".join(f"{k}={v!r}" for k, v in c.items()))
@pytest.mark.parametrize("n", [SMALL, LARGE])
def test_filter_keyword_constraints(constraints, n):
    a, p = frames(n)
    ra, rp = a.filter(**constraints), p.filter(**constraints)
    assert_frames_match(ra, rp)


def test_filter_keyword_combined_with_predicate():
    a, p = frames(SMALL)
    assert_frames_match(a.filter(ax.col("a_i32") > 0, a_bool=True), p.filter(pl.col("a_i32") > 0, a_bool=True))


def test_filter_by_column_name_string():
    a, p = frames(SMALL)
    assert_frames_match(a.filter("a_bool"), p.filter("a_bool"))


@pytest.mark.parametrize("pred", [lambda m: m.col("a_i32"), lambda m: m.col("a_str"), lambda m: m.col("a_f64") + 1],
                         ids=["int", "str", "float_expr"])
def test_filter_non_boolean_is_compute_error(pred):
    a, p = frames(SMALL)
    with pytest.raises(ax.ComputeError):
        a.filter(pred(ax))
    with pytest.raises(pl.exceptions.PolarsError):
        p.filter(pred(pl))


def test_filter_null_literal_predicate():
    a, p = frames(SMALL)
    with pytest.raises(pl.exceptions.PolarsError):
        p.filter(pl.lit(None))
    with pytest.raises(ax.AlopexError):
        a.filter(ax.lit(None))


def test_filter_without_predicate_is_type_error():
    a, _ = frames(SMALL)
    with pytest.raises(TypeError):
        a.filter()
    with pytest.raises(TypeError):
        a.lazy().filter(3)


# Windows of rows around the morsel boundaries; the kept rows of one filter span several morsels.
BOUNDARY_WINDOWS = [(MORSEL - 3, MORSEL + 3), (2 * MORSEL - 1, 2 * MORSEL + 1), (3 * MORSEL - 5, 3 * MORSEL),
                    (4 * MORSEL, LARGE), (0, 2)]


@pytest.mark.parametrize("extra", [None, "a_bool", "a_f64_pos"])
def test_filter_output_spans_morsel_boundaries(extra):
    a, p = frames(LARGE)

    def pred(m):
        e = None
        for lo, hi in BOUNDARY_WINDOWS:
            w = (m.col("idx") >= lo) & (m.col("idx") < hi)
            e = w if e is None else e | w
        if extra == "a_bool":
            e = e & m.col("a_bool")
        elif extra == "a_f64_pos":
            e = e | (m.col("a_f64") > 250)
        return e

    ra, rp = a.filter(pred(ax)), p.filter(pred(pl))
    assert_frames_match(ra, rp)
    assert ra.height > 0


def test_filter_every_kth_row_large_then_slice():
    a, p = frames(LARGE)
    ra = a.lazy().filter(ax.col("idx") % 3 == 1).slice(MORSEL // 3 - 5, MORSEL).collect()
    rp = p.lazy().filter(pl.col("idx") % 3 == 1).slice(MORSEL // 3 - 5, MORSEL).collect()
    assert_frames_match(ra, rp)


# --------------------------------------------------------------------------------------------
# head / limit / slice
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [0, 1, 5, MORSEL - 1, MORSEL, MORSEL + 1, 200_000, LARGE, LARGE + 10])
def test_head_and_limit_large(k):
    a, p = frames(LARGE)
    assert_frames_match(a.head(k), p.head(k))
    assert_frames_match(a.limit(k), p.limit(k))
    assert_frames_match(a.lazy().head(k).collect(), p.lazy().head(k).collect())


def test_head_default_is_five():
    a, p = frames(SMALL)
    assert_frames_match(a.head(), p.head())
    assert_frames_match(a.limit(), p.limit())


@pytest.mark.parametrize(("offset", "length"), [
    (0, None), (0, 0), (10, 5), (MORSEL - 10, 20), (MORSEL, MORSEL), (MORSEL - 1, 2 * MORSEL + 2),
    (2 * MORSEL + 7, None), (LARGE - 5, 10), (LARGE, 5), (LARGE + 100, None), (123_456, 1),
])
def test_slice_large(offset, length):
    a, p = frames(LARGE)
    assert_frames_match(a.slice(offset, length), p.slice(offset, length))
    assert_frames_match(a.lazy().slice(offset, length).collect(), p.lazy().slice(offset, length).collect())


@pytest.mark.parametrize("n", [0, 1])
@pytest.mark.parametrize(("offset", "length"), [(0, None), (0, 1), (1, None), (0, 10), (5, 5)])
def test_slice_tiny(n, offset, length):
    a, p = frames(n)
    assert_frames_match(a.slice(offset, length), p.slice(offset, length))


@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
@pytest.mark.parametrize("k", [-1, -3, -SMALL, -(SMALL + 1), -(MORSEL + 1), 3, SMALL + 1])
def test_head_tail_negative(n, k):
    """head(-k) keeps all but the last k rows, tail(-k) all but the first k (none when k >= height)."""
    a, p = frames(n)
    assert_frames_match(a.head(k), p.head(k))
    assert_frames_match(a.limit(k), p.limit(k))
    assert_frames_match(a.tail(k), p.tail(k))


NEG_START_REASON = ("slice(-k, length) with k > height: Polars starts the window k rows before the end, i.e. before "
                    "row 0, and clips it (slice(-400, 50) of 300 rows is empty, slice(-400, 150) is rows 0..49); "
                    "alopex clamps the offset to 0 first and returns `length` rows from row 0")
NEG_BOTH_REASON = ("slice(-k, -j): Polars' DataFrame.slice computes length = height - offset + length with the raw "
                   "negative offset (slice(-5, -2) of 300 rows keeps 5 rows, slice(-2, -5) keeps 2); alopex stops "
                   "j rows before the end (3 rows, 0 rows)")
NEG_LEN_OVERFLOW_REASON = ("slice(offset, -j) whose stop lies before offset: Polars raises OverflowError (negative "
                           "computed length); alopex returns no rows")


@pytest.mark.parametrize(("n", "offset", "length"), [
    pytest.param(n, o, ln, id=f"{n}-{o}-{ln}") for n, o, ln in [
        (0, -1, None), (1, -1, None), (1, -1, 5), (1, -2, None),
        (SMALL, -5, None), (SMALL, -5, 3), (SMALL, -5, 0), (SMALL, -5, 10), (SMALL, -1, 1), (SMALL, -SMALL, None),
        (SMALL, -SMALL, 10), (SMALL, -400, None), (SMALL, 10, -5), (SMALL, 0, -1), (SMALL, 0, -SMALL),
        (SMALL, 295, -5),
        (LARGE, -MORSEL - 3, MORSEL + 1), (LARGE, -(LARGE - 5), None), (LARGE, -2 * MORSEL, 10),
        (LARGE, 10, -MORSEL), (LARGE, MORSEL - 1, -2 * MORSEL), (LARGE, 0, -(LARGE - 1)),
    ]
] + [
    _p(SMALL, -400, 50, id="300--400-50"),
    _p(SMALL, -400, 150, id="300--400-150"),
    _p(LARGE, -(LARGE + MORSEL), 2 * MORSEL, id="large-before-start"),
    _p(SMALL, -5, -2, reason=NEG_BOTH_REASON, id="300--5--2"),
    _p(SMALL, -2, -5, reason=NEG_BOTH_REASON, id="300--2--5"),
    _p(SMALL, 296, -5, reason=NEG_LEN_OVERFLOW_REASON, id="300-296--5"),
    _p(SMALL, 0, -400, reason=NEG_LEN_OVERFLOW_REASON, id="300-0--400"),
    _p(SMALL, 400, -1, reason=NEG_LEN_OVERFLOW_REASON, id="300-400--1"),
])
def test_slice_negative(assert_matches_polars, n, offset, length):
    """A negative offset counts from the end; a negative length stops that many rows before the end."""
    assert_matches_polars(lambda m, df: df.slice(offset, length), n)


def test_getitem_negative_slices():
    a, p = frames(SMALL)
    for sl in [slice(-5, None), slice(-400, 3), slice(-5, -2), slice(3, -290), slice(None, -1)]:
        assert_frames_match(a[sl], p[sl])


@pytest.mark.parametrize(("n", "offset", "length"), [
    pytest.param(n, o, ln, id=f"{n}-{o}-{ln}") for n, o, ln in [
        (0, -1, None), (1, -1, None), (1, -1, 5), (1, -2, None), (1, -2, 1), (1, -2, 2),
        (SMALL, -5, None), (SMALL, -5, 3), (SMALL, -5, 0), (SMALL, -5, 10), (SMALL, -1, 1), (SMALL, -SMALL, None),
        (SMALL, -SMALL, 10), (SMALL, -400, None), (SMALL, -400, 50), (SMALL, -400, 150), (SMALL, -400, 100),
        (LARGE, -MORSEL - 3, MORSEL + 1), (LARGE, -(LARGE - 5), None), (LARGE, -2 * MORSEL, 10),
        (LARGE, -(LARGE + MORSEL), 2 * MORSEL),
    ]
])
def test_lazy_slice_negative_offset(assert_matches_polars, n, offset, length):
    """A negative offset counts from the end in a LazyFrame too, with Polars' clamping when it lies
    before the first row."""
    assert_matches_polars(lambda m, df: df.lazy().filter(m.col("a_i64").is_not_null() | True)
                          .slice(offset, length).collect(), n)


@pytest.mark.parametrize("call", [
    lambda lf: lf.slice(10, -5), lambda lf: lf.head(-3), lambda lf: lf.limit(-1),
], ids=["slice_neg_length", "head_neg", "limit_neg"])
def test_lazy_negative_length_is_not_supported(call):
    """A LazyFrame does not know its height before collect(): a negative length raises instead of guessing."""
    a, _ = frames(SMALL)
    with pytest.raises(ax.NotSupportedError):
        call(a.lazy()).collect()


# --------------------------------------------------------------------------------------------
# Chained lazy pipelines
# --------------------------------------------------------------------------------------------

def _pipeline_1(m, df):
    return (df.lazy()
            .filter(m.col("a_i32").is_not_null())
            .with_columns((m.col("a_i32") // 7).alias("bucket"), (m.col("a_f64") * 2).alias("a_f64"))
            .filter((m.col("bucket") % 2 == 0) | m.col("a_bool"))
            .select("idx", "bucket", "a_f64", m.col("a_str").alias("name"), (m.col("a_u8") + m.col("b_i8")).alias("mix"))
            .slice(3, 100_000))


def _pipeline_2(m, df):  # (/ 1e9: Polars multiplies by the reciprocal, compared to 1 ulp)
    return (df.lazy()
            .select("idx", "a_i64", "a_str", "a_f32", "b_bool")
            .with_columns(m.col("a_i64").cast(m.Float64, strict=False).alias("as_f"),
                          m.col("a_str").is_null().alias("missing"))
            .filter(~m.col("missing"), m.col("a_f32") > -30)
            .with_columns((m.col("as_f") / 1e9).alias("scaled"))
            .filter(m.col("b_bool") | m.col("b_bool").is_null())
            .head(50_000))


def _pipeline_3(m, df):
    return (df.lazy()
            .filter(m.col("idx") >= MORSEL - 100)
            .head(3 * MORSEL)
            .filter(m.col("idx") % 5 != 0)
            .with_columns(m.lit(1).cast(m.Int64).alias("one"), (m.col("idx") - MORSEL).alias("rel"))
            .slice(MORSEL - 50, MORSEL)
            .select("rel", "one", "a_u64", m.col("a_i16") < m.col("b_i16")))


def _pipeline_4(m, df):
    """A projection that drops a column used only by a later-removed filter; a select of a select."""
    return (df.lazy()
            .with_columns((m.col("a_u32") % 10).alias("d"))
            .filter(m.col("d") < 5)
            .select("idx", "d", "a_str")
            .select(m.col("idx").alias("i"), "a_str")
            .filter(m.col("a_str") != ""))


@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
@pytest.mark.parametrize("pipe", [
    pytest.param(_pipeline_1, id="filter_with_filter_select_slice"),
    pytest.param(_pipeline_2, id="cast_null_div_head"),
    pytest.param(_pipeline_3, id="head_slice_morsels"),
    pytest.param(_pipeline_4, id="select_of_select"),
])
def test_lazy_pipeline(pipe, n):
    a, p = frames(n)
    la = pipe(ax, a)
    assert isinstance(la, ax.LazyFrame)
    ra, rp = la.collect(), pipe(pl, p).collect()
    assert_frames_match(ra, rp, rtol=5e-16)
    assert isinstance(la.explain(), str) and la.explain()
    assert_frames_match(la.collect(), rp, rtol=5e-16)  # a LazyFrame can be collected again


def test_eager_matches_lazy_and_results_feed_new_queries():
    a, p = frames(LARGE)
    step1 = a.filter(ax.col("a_i8") > 0)
    step2 = step1.with_columns((ax.col("a_i8") * 3).alias("t"))
    step3 = step2.select("idx", "t").slice(1000, 70_000)
    lazy = (a.lazy().filter(ax.col("a_i8") > 0).with_columns((ax.col("a_i8") * 3).alias("t"))
            .select("idx", "t").slice(1000, 70_000).collect())
    expected = (p.filter(pl.col("a_i8") > 0).with_columns((pl.col("a_i8") * 3).alias("t"))
                .select("idx", "t").slice(1000, 70_000))
    assert_frames_match(step3, expected)
    assert_frames_match(lazy, expected)


def test_one_frame_used_twice_in_pipeline_sources():
    a, p = frames(SMALL)
    lf = a.lazy().filter(ax.col("a_bool"))
    r1 = lf.select("idx").collect()
    r2 = lf.select(ax.col("idx") + 1).collect()
    assert_frames_match(r1, p.filter(pl.col("a_bool")).select("idx"))
    assert_frames_match(r2, p.filter(pl.col("a_bool")).select(pl.col("idx") + 1))


def test_pipe_method():
    a, p = frames(SMALL)
    assert_frames_match(a.pipe(lambda d, k: d.head(k), 3), p.pipe(lambda d, k: d.head(k), 3))
    assert_frames_match(a.lazy().pipe(lambda d: d.head(2)).collect(), p.lazy().pipe(lambda d: d.head(2)).collect())


# --------------------------------------------------------------------------------------------
# Unicode strings survive every operation
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, SMALL, LARGE])
def test_unicode_strings_roundtrip(n):
    rng = np.random.default_rng(7)
    table = pa.table({"s": random_array(rng, "str", n), "k": pa.array(np.arange(n))})
    a, p = ax.DataFrame(table), pl.from_arrow(table)
    assert_frames_match(a.select("s"), p.select("s"))
    assert_frames_match(a.filter(ax.col("s") > "Z").slice(1, None), p.filter(pl.col("s") > "Z").slice(1, None))
    for word in ["日本語", "😀👍🏽", "", "e\u0301"]:
        assert_frames_match(a.filter(s=word), p.filter(s=word))
    assert set(a["s"].to_list()) - {None} <= set(UNICODE_POOL)


def test_dtype_names_of_every_type():
    a, p = frames(1)
    assert [str(d) for d in a.dtypes] == [polars_dtype_name(d) for d in p.dtypes]
    assert [arrow_dtype_name(t) for t in a.to_arrow().schema.types] == [str(d) for d in a.dtypes]


@pytest.mark.parametrize("lazy", [False, True])
def test_zero_column_frames_keep_polars_heights(lazy):
    """select() of nothing is an empty frame; drop of every column keeps the height, and with_columns
    over it broadcasts a literal to that height (it gave one row before)."""
    data = {"a": [1, 2, 3], "b": ["x", None, "é"]}

    def run(mod):
        df = mod.DataFrame(data)
        f = df.lazy() if lazy else df

        def done(x):
            return x.collect() if lazy else x

        return [
            done(f.select()).shape,
            done(f.select([])).shape,
            done(f.drop("a", "b")).shape,
            done(f.drop("a", "b").with_columns(mod.lit(1).alias("x"))).shape,
            done(f.select([]).with_columns(mod.lit(1).alias("x"))).shape,
            done(f.drop("a", "b").select(mod.len())).rows(),
            done(f.head(0).with_columns(mod.lit(1).alias("x"))).shape,
        ]

    assert run(ax) == run(pl)
