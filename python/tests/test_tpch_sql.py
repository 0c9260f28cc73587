"""TPC-H at scale factor 0.1 in SQL: the 22 reference queries (tpch/sql.py, standard text that
parses as MySQL) run by ``ax.sql`` and compared with DuckDB on the same Parquet files, as
test_tpch.py compares the DataFrame versions."""

from __future__ import annotations

import pytest
from test_tpch import ORDER_BY, assert_same_result
from tpch import sql

import alopex as ax

# Queries whose SQL alopex does not run yet, with the reason (strict: they must pass once fixed).
XFAIL: dict[int, str] = {}


def _params() -> list:
    return [pytest.param(n, id=f"q{n}", marks=[pytest.mark.xfail(strict=True, reason=XFAIL[n])] if n in XFAIL else [])
            for n in range(1, 23)]


@pytest.mark.parametrize("n", _params())
def test_tpch_sql_query(n: int, tpch_sql_ctx: ax.SQLContext, tpch_duck) -> None:
    ctx, duck = tpch_sql_ctx, tpch_duck
    got = ctx.execute(sql.QUERIES[n]).collect().to_arrow()
    want = duck.sql(sql.QUERIES[n]).to_arrow_table()
    assert_same_result(got, want, ORDER_BY[n])
