"""DataFrame construction, equality and export, pinned to Polars' semantics.

Ragged rows (a list of dicts with different keys), ``schema=`` with and without data,
``equals`` over NaN and nulls, ``to_pandas`` of dates and ``np.asarray(df)`` (rows × columns,
one dtype as Polars' ``to_numpy`` picks it).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from conftest import assert_frames_match

import alopex as ax

# --- ragged list of dicts -----------------------------------------------------------------------

RAGGED = {
    "later_key": [{"a": 1}, {"a": 2, "b": "y"}],
    "first_seen_order": [{"b": 1}, {"a": 2, "b": 3, "c": None}],
    "int_then_float": [{"a": 1}, {"a": 2.5}],
    "null_first": [{"a": None}, {"a": 1}],
    "all_null": [{"a": None}, {"a": None}],
    "unicode_keys": [{"é": "日本"}, {"😀": 1, "é": ""}],
    "nested": [{"a": [1, 2]}, {"a": None, "b": {"x": 1}}],
}


@pytest.mark.parametrize("rows", RAGGED.values(), ids=RAGGED.keys())
def test_ragged_dicts_use_the_union_of_keys(rows):
    flat = rows is not RAGGED["nested"]  # conftest names flat dtypes only
    assert_frames_match(ax.DataFrame(rows), pl.DataFrame(rows), check_dtypes=flat)
    assert_frames_match(ax.from_dicts(rows), pl.from_dicts(rows), check_dtypes=flat)
    if not flat:
        assert ax.DataFrame(rows).schema == {"a": "List(Int64)", "b": "struct<x: int64>"}


def test_ragged_dicts_infer_types_over_all_rows():
    rows = [{"a": 1}] * 150 + [{"a": 2.5, "b": "late"}]
    df = ax.DataFrame(rows)
    assert df.schema == {"a": ax.Float64, "b": ax.String}
    assert df["b"].to_list()[-2:] == [None, "late"]


def test_dicts_with_non_string_keys_are_refused():
    with pytest.raises(ax.InvalidInputError, match="column names must be str"):
        ax.DataFrame([{"a": 1}, {2: 3}])


# --- schema= ------------------------------------------------------------------------------------

SCHEMAS = {
    "dict": ({"a": ax.Int64, "s": ax.String}, {"a": pl.Int64, "s": pl.String}),
    "pairs": ([("a", ax.Int64), ("s", ax.String)], [("a", pl.Int64), ("s", pl.String)]),
    "names": (["a", "b"], ["a", "b"]),
    "none_dtype": ({"a": None, "d": ax.Date}, {"a": None, "d": pl.Date}),
}


@pytest.mark.parametrize("data", [None, [], {}], ids=["none", "empty_list", "empty_dict"])
@pytest.mark.parametrize("schemas", SCHEMAS.values(), ids=SCHEMAS.keys())
def test_schema_without_data_gives_empty_columns(schemas, data):
    ours, theirs = schemas
    df = ax.DataFrame(data, schema=ours)
    assert_frames_match(df, pl.DataFrame(data, schema=theirs), check_dtypes=False)
    assert [str(t) for t in df.dtypes] == [str(t) for t in pl.DataFrame(data, schema=theirs).dtypes]
    assert df.shape == (0, len(ours))
    assert df.filter(ax.col(df.columns[0]).is_null()).shape == (0, len(ours))  # usable by the engine


WITH_DATA = {
    "dict_same_names_reordered": ({"a": [1], "b": ["s"]}, {"b": "String", "a": "Float64"}),
    "dict_pairs_rename": ({"a": [1], "b": [2]}, [("x", "Float64"), ("y", None)]),
    "dict_names_and_pairs": ({"a": [1], "b": [2]}, ["x", ("y", "Float64")]),
    "dicts_select_by_key": ([{"a": 1, "b": 2}], {"b": "Int64"}),
    "dicts_extra_key_null": ([{"a": 1, "b": 2}], {"b": "Int64", "z": "String"}),
    "dicts_names_reorder": ([{"a": 1, "b": 2}], ["b", "a"]),
    "dicts_pairs_cast": ([{"a": 1, "b": 2}], [("b", "Float64"), ("a", None)]),
    "arrow_dict_rename": (pa.table({"a": [1], "b": [2]}), {"x": "Float64", "y": "Int8"}),
    "arrow_dict_same": (pa.table({"a": [1], "b": [2]}), {"b": "Float64", "a": "Int8"}),
    "numpy_dict": (np.ones((2, 2)), {"x": "Int64", "y": "Float32"}),
}


def _typed(schema, module):
    if isinstance(schema, dict):
        return {k: v and getattr(module, v) for k, v in schema.items()}
    return [x if isinstance(x, str) else (x[0], x[1] and getattr(module, x[1])) for x in schema]


@pytest.mark.parametrize(("data", "schema"), WITH_DATA.values(), ids=WITH_DATA.keys())
def test_schema_with_data_renames_and_casts_as_polars(data, schema):
    assert_frames_match(ax.DataFrame(data, schema=_typed(schema, ax)), pl.DataFrame(data, schema=_typed(schema, pl)))


@pytest.mark.parametrize(("data", "schema", "match"), [
    ({"a": [1], "b": [2]}, {"x": ax.Int64, "y": ax.Int64}, "schema names"),
    ({"a": [1], "b": [2]}, ["x"], "1 column names? given for 2 columns"),
    ({"a": ["x"]}, {"a": ax.Int64}, "column 'a'.*Int64"),
    ({"a": [300]}, {"a": ax.Int8}, "column 'a'.*Int8"),
    (None, {"a": "nonsense"}, "column 'a'.*nonsense"),
    (None, [("a", ax.Int64, 3)], "schema"),
    (None, 42, "schema"),
    (None, [1], "schema"),
])
def test_bad_schema_is_a_clear_error(data, schema, match):
    with pytest.raises(ax.AlopexError, match=match) as info:
        ax.DataFrame(data, schema=schema)
    assert not isinstance(info.value, ax.InternalError)


def test_schema_with_duplicate_names_is_a_schema_error():
    with pytest.raises(ax.SchemaError, match="'a'"):
        ax.DataFrame(schema=[("a", ax.Int64), ("a", ax.String)])


# --- equals -------------------------------------------------------------------------------------

EQUALS = {
    "nan_and_null": ({"x": [1.0, float("nan"), None]}, {"x": [1.0, float("nan"), None]}),
    "nan_f32": ({"x": np.array([np.nan, 1], dtype=np.float32)}, {"x": np.array([np.nan, 1], dtype=np.float32)}),
    "signed_zero": ({"x": [0.0]}, {"x": [-0.0]}),
    "nan_vs_null": ({"x": [float("nan")]}, {"x": pa.array([None], pa.float64())}),
    "nan_vs_number": ({"x": [float("nan")]}, {"x": [1.0]}),
    "int_vs_float": ({"a": [1]}, {"a": [1.0]}),
    "int_vs_fraction": ({"a": [1]}, {"a": [1.5]}),
    "i32_vs_i64": ({"a": pa.array([1], pa.int32())}, {"a": [1]}),
    "str_vs_int": ({"a": ["1"]}, {"a": [1]}),
    "names": ({"a": [1]}, {"b": [1]}),
    "shape": ({"a": [1]}, {"a": [1, 2]}),
    "list_with_nan": ({"a": [[1.0, float("nan")], None]}, {"a": [[1.0, float("nan")], None]}),
    "list_differs": ({"a": [[1.0, float("nan")]]}, {"a": [[1.0, 2.0]]}),
    "strings_unicode": ({"s": ["é", None, ""]}, {"s": ["é", None, ""]}),
    "empty": ({}, {}),
}


@pytest.mark.parametrize(("left", "right"), EQUALS.values(), ids=EQUALS.keys())
@pytest.mark.parametrize("null_equal", [True, False])
def test_equals_matches_polars(left, right, null_equal):
    want = pl.DataFrame(left).equals(pl.DataFrame(right), null_equal=null_equal)
    assert ax.DataFrame(left).equals(ax.DataFrame(right), null_equal=null_equal) is want
    assert ax.DataFrame(left).equals(ax.DataFrame(left), null_equal=null_equal) is \
        pl.DataFrame(left).equals(pl.DataFrame(left), null_equal=null_equal)


def test_equals_vector_columns_with_nan():
    emb = np.array([[1, np.nan], [0, 2]], dtype=np.float32)
    assert ax.DataFrame({"e": emb}).equals(ax.DataFrame({"e": emb.copy()}))
    assert not ax.DataFrame({"e": emb}).equals(ax.DataFrame({"e": np.nan_to_num(emb)}))


def test_series_equals_with_nan():
    s = ax.Series("x", [1.0, float("nan"), None])
    assert s.equals(ax.Series("x", [1.0, float("nan"), None]))
    assert not s.equals(ax.Series("x", [1.0, float("nan"), None]), null_equal=False)


def test_equals_with_a_non_frame_is_a_type_error():
    with pytest.raises(TypeError, match="DataFrame"):
        ax.DataFrame({"a": [1]}).equals([1])


# --- to_pandas ----------------------------------------------------------------------------------

def test_to_pandas_dates_are_datetime64_as_polars():
    data = {"d": [dt.date(2020, 1, 1), None, dt.date(1969, 12, 31)],
            "t": [dt.datetime(2020, 1, 1, 5, tzinfo=dt.timezone.utc), None, None]}
    ours, theirs = ax.DataFrame(data).to_pandas(), pl.DataFrame(data).to_pandas()
    assert ours.dtypes.to_dict() == theirs.dtypes.to_dict()
    assert str(ours["t"].dtype) == "datetime64[us, UTC]"
    assert ours.equals(theirs)
    assert ax.DataFrame(data)["d"].to_pandas().dtype == pl.DataFrame(data)["d"].to_pandas().dtype
    assert ax.DataFrame(data).to_pandas(date_as_object=True)["d"].dtype == object  # still overridable


# --- NumPy --------------------------------------------------------------------------------------

TO_NUMPY = {
    "int_float": {"a": [1, 2], "b": [1.5, 2.5]},
    "i32_i64": {"a": pa.array([1, 2], pa.int32()), "b": [3, 4]},
    "int_null": {"a": [1, None], "b": [3, 4]},
    "int_str": {"a": [1, 2], "b": ["x", "y"]},
    "bool_int": {"a": [True, False], "b": [3, 4]},
    "bool_bool": {"a": [True, False], "b": [True, True]},
    "bool_null": {"a": [True, None], "b": [True, True]},
    "f32_f32": {"a": np.array([1, 2], np.float32), "b": np.array([1, np.nan], np.float32)},
    "f32_i64": {"a": np.array([1, 2], np.float32), "b": [1, 2]},
    "u8_i8": {"a": np.array([1, 2], np.uint8), "b": np.array([1, 2], np.int8)},
    "u64_i64": {"a": np.array([1, 2], np.uint64), "b": [1, 2]},
    "str_str": {"a": ["x", None], "b": ["日本", ""]},
    "date_date": {"a": [dt.date(2020, 1, 1)], "b": [dt.date(2020, 1, 2)]},
    "datetime": {"a": [dt.datetime(2020, 1, 1)], "b": [dt.datetime(2020, 1, 2)]},
    "i16_null": {"a": np.array([1, 2], np.int16), "b": pa.array([1, None], pa.int16())},
    "one_col": {"a": [1.0, 2.0, 3.0]},
    "empty_rows": {"a": pa.array([], pa.int64()), "b": pa.array([], pa.float64())},
}


def _same_array(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert [[x if x == x else "nan" for x in r] for r in ours.tolist()] == \
           [[x if x == x else "nan" for x in r] for r in theirs.tolist()]


@pytest.mark.parametrize("data", TO_NUMPY.values(), ids=TO_NUMPY.keys())
def test_asarray_is_rows_by_columns_with_polars_dtype(data):
    theirs = pl.DataFrame(data).to_numpy()
    _same_array(np.asarray(ax.DataFrame(data)), theirs)
    _same_array(ax.DataFrame(data).to_numpy(), theirs)


def test_asarray_dtype_and_copy_keywords():
    df = ax.DataFrame({"a": [1, 2], "b": [1.5, 2.5]})
    assert np.asarray(df, dtype=np.float32).dtype == np.float32
    assert np.array(df, copy=True).flags.owndata
    with pytest.raises(ValueError, match="copy"):
        np.asarray(df, copy=False)  # two columns from separate buffers: a copy is needed
    one = ax.DataFrame({"a": np.arange(5.0)})
    view = np.asarray(one, copy=False)  # one primitive column: shared, no copy
    assert view.shape == (5, 1) and np.shares_memory(view, one["a"].to_numpy())


def test_asarray_of_a_vector_column_holds_one_vector_per_row():
    emb = np.arange(6, dtype=np.float32).reshape(3, 2)
    out = np.asarray(ax.DataFrame({"id": [1, 2, 3], "e": emb}))
    assert out.shape == (3, 2) and out.dtype == object
    np.testing.assert_array_equal(out[2, 1], emb[2])


def test_frame_docstring_examples_run():
    import doctest

    import alopex.frame

    assert doctest.testmod(alopex.frame).failed == 0
