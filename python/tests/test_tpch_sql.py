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


@pytest.fixture(scope="module")
def ctx(tpch_sf01) -> ax.SQLContext:
    return ax.SQLContext({name: ax.scan_parquet(tpch_sf01 / f"{name}.parquet") for name in sql.TABLES})


@pytest.fixture(scope="module")
def duck(tpch_sf01):
    pytest.importorskip("duckdb")
    con = sql.connect(tpch_sf01)
    yield con
    con.close()


def _params() -> list:
    return [pytest.param(n, id=f"q{n}", marks=[pytest.mark.xfail(strict=True, reason=XFAIL[n])] if n in XFAIL else [])
            for n in range(1, 23)]


@pytest.mark.parametrize("n", _params())
def test_tpch_sql_query(n: int, ctx: ax.SQLContext, duck) -> None:
    got = ctx.execute(sql.QUERIES[n]).collect().to_arrow()
    want = duck.sql(sql.QUERIES[n]).to_arrow_table()
    assert_same_result(got, want, ORDER_BY[n])
