"""is_in / SQL IN compare numbers exactly in the column's type (issue 10).

The probe set used to key every number as a float64, so 2**53 + 1 matched
2**53 and UInt64 values near 2**64 matched their neighbours. Differential
against Polars (DataFrame API) and DuckDB (SQL, with NULL semantics).
"""

import math

import duckdb
import polars as pl
import pyarrow as pa
import pytest

import alopex as ax

I64 = [2**53, 2**53 + 1, 2**53 - 1, 2**63 - 1, 2**63 - 2, -(2**63), -(2**63) + 1, 0, 3, None]
U64 = [2**64 - 1, 2**64 - 2, 2**63, 2**53 + 1, 2**53, 0, None]
F64 = [float("nan"), -0.0, 0.0, 1.5, float("inf"), float("-inf"), 2.0**53, None]


def _ax_is_in(values, dtype, probe):
    df = ax.DataFrame(pa.table({"x": pa.array(values, dtype)}))
    return df.select(ax.col("x").is_in(probe)).to_arrow().column(0).to_pylist()


def _pl_is_in(values, dtype, probe):
    s = pl.Series("x", values, dtype=dtype)
    return s.is_in(pl.Series(probe, dtype=dtype).implode()).to_list()


@pytest.mark.parametrize("probe", [
    [2**53 + 1], [2**53], [2**63 - 1], [-(2**63)], [2**53 - 1, 3, -(2**63) + 1], [],
])
def test_int64_is_in_matches_polars(probe):
    assert _ax_is_in(I64, pa.int64(), probe) == _pl_is_in(I64, pl.Int64, probe)


@pytest.mark.parametrize("probe", [[2**64 - 1], [2**64 - 2], [2**63], [2**53 + 1, 0]])
def test_uint64_is_in_matches_polars(probe):
    assert _ax_is_in(U64, pa.uint64(), probe) == _pl_is_in(U64, pl.UInt64, probe)


@pytest.mark.parametrize("probe", [
    [float("nan")], [0.0], [-0.0], [float("inf")], [float("-inf"), 1.5], [2.0**53 + 2],
])
def test_float64_nan_and_signed_zero_match_polars(probe):
    assert _ax_is_in(F64, pa.float64(), probe) == _pl_is_in(F64, pl.Float64, probe)


def test_int_column_with_float_values_never_matches_fractions():
    # Polars 2 refuses to mix; alopex compares exactly, as DuckDB does.
    assert _ax_is_in([2, 3, None], pa.int64(), [2.5, 3.0]) == [False, True, None]


@pytest.mark.parametrize("items", [
    "9007199254740993", "9007199254740992", "9223372036854775807", "-9223372036854775808",
    "9007199254740993, NULL", "3, 2.5", "NULL", "2.5",
])
def test_sql_in_and_not_in_match_duckdb(items):
    t = pa.table({"x": pa.array(I64, pa.int64())})
    query = f"SELECT x, x IN ({items}) AS a, x NOT IN ({items}) AS b FROM t ORDER BY x IS NULL, x"
    got = ax.sql(query).collect().to_arrow().to_pylist()
    want = duckdb.sql(query).to_arrow_table().to_pylist()
    assert got == want, (t.num_rows, items)


@pytest.mark.parametrize("items", ["18446744073709551615", "18446744073709551614, NULL", "9223372036854775808"])
def test_sql_uint64_in_matches_duckdb(items):
    u = pa.table({"u": pa.array(U64, pa.uint64())})
    query = f"SELECT u, u IN ({items}) AS a, u NOT IN ({items}) AS b FROM u ORDER BY u IS NULL, u"
    got = ax.sql(query).collect().to_arrow().to_pylist()
    want = duckdb.sql(query).to_arrow_table().to_pylist()
    assert got == want, (u.num_rows, items)


def test_nan_in_list_is_sent_to_the_engine():
    got = _ax_is_in([math.nan, 1.0], pa.float64(), [math.nan])
    assert got == [True, False]
