"""Window functions in SQL against DuckDB: ranks over several or nullable keys, the default
RANGE frame (running aggregates that include the current row's peers), running aggregates over
nullable columns. DuckDB is set to MySQL's null order (nulls first ascending, last descending),
which decides ranks and running values."""

from __future__ import annotations

import pytest
from conftest import sorted_rows
from test_sql_duckdb import T, U

import alopex as ax

duckdb = pytest.importorskip("duckdb")

QUERIES = [
    "SELECT id, RANK() OVER (PARTITION BY k ORDER BY x) FROM T",
    "SELECT id, DENSE_RANK() OVER (PARTITION BY k ORDER BY x DESC) FROM T",
    "SELECT id, RANK() OVER (ORDER BY k, s), DENSE_RANK() OVER (ORDER BY k DESC, s) FROM T",
    "SELECT id, RANK() OVER (PARTITION BY k ORDER BY s DESC, x), ROW_NUMBER() OVER (PARTITION BY k ORDER BY id) FROM T",
    "SELECT id, RANK() OVER (PARTITION BY k), DENSE_RANK() OVER () FROM T",
    "SELECT id, RANK() OVER (ORDER BY id), DENSE_RANK() OVER (PARTITION BY s ORDER BY id DESC) FROM T",
    "SELECT id, SUM(x) OVER (PARTITION BY k ORDER BY s) FROM T",
    "SELECT id, COUNT(x) OVER (ORDER BY k), COUNT(*) OVER (ORDER BY k DESC) FROM T",
    "SELECT id, AVG(f) OVER (PARTITION BY s ORDER BY k RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM T",
    "SELECT id, SUM(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM T",
    "SELECT id, AVG(x) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM T",
    "SELECT id, MIN(x) OVER (PARTITION BY s ORDER BY k), MAX(f) OVER (ORDER BY k) FROM T",
    "SELECT id, MIN(f) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM T",
    "SELECT id, SUM(id) OVER (ORDER BY k) FROM T WHERE x > 0",
    "SELECT id, SUM(x) OVER (PARTITION BY k ORDER BY s, x) - x AS before_me FROM T",
    # sliding ROWS frames (frame_agg)
    "SELECT id, SUM(x) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM T",
    "SELECT id, AVG(f) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) FROM T",
    "SELECT id, MIN(x) OVER (PARTITION BY s ORDER BY id ROWS BETWEEN CURRENT ROW AND 3 FOLLOWING),"
    " MAX(f) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) FROM T",
    "SELECT id, COUNT(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),"
    " COUNT(*) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) FROM T",
    "SELECT id, SUM(f) OVER (PARTITION BY k ORDER BY x, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING) FROM T",
    "SELECT id, MAX(x) OVER (ORDER BY id DESC ROWS BETWEEN 0 PRECEDING AND 0 FOLLOWING) FROM T",
]


@pytest.mark.parametrize("query", QUERIES)
def test_window_against_duckdb(query):
    con = duckdb.connect()
    con.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")  # MySQL's
    con.register("T", T)
    con.register("U", U)
    want = con.sql(query).to_arrow_table()
    got = ax.SQLContext(T=T, U=U).execute(query, eager=True).to_arrow()
    assert got.num_columns == want.num_columns
    assert sorted_rows(got) == sorted_rows(want)


def test_window_not_supported():
    ctx = ax.SQLContext(T=T)
    with pytest.raises(ax.NotSupportedError, match="frame"):
        ctx.execute("SELECT SUM(x) OVER (ORDER BY id RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM T")
    # A window over a GROUP BY's result runs (test_sql_forms.py); a subquery in its aggregate does not.
    with pytest.raises(ax.NotSupportedError, match="a subquery inside an aggregate inside a window function"):
        ctx.execute("SELECT k, RANK() OVER (ORDER BY SUM((SELECT 1))) FROM T GROUP BY k")
