"""Correlated `x op ANY/ALL (subquery)` (issue 15), against DuckDB: every operator, nulls on
both sides, empty subqueries, in WHERE and as a value."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest
from conftest import sorted_rows

import alopex as ax

duckdb = pytest.importorskip("duckdb")


def _table(seed: int, n: int) -> pa.Table:
    rnd = random.Random(seed)
    maybe = lambda v: None if rnd.random() < 0.2 else v  # noqa: E731
    return pa.table({
        "k": [maybe(rnd.randint(0, 5)) for _ in range(n)],
        "x": [maybe(rnd.randint(-5, 5)) for _ in range(n)],
    })


T = _table(11, 60)
U = _table(12, 40)


def _both(query: str):
    got = ax.SQLContext(t=T, u=U).execute(query, eager=True).to_arrow()
    con = duckdb.connect()
    con.register("t", T)
    con.register("u", U)
    want = con.sql(query).to_arrow_table()
    assert sorted_rows(got) == sorted_rows(want), query


OPS = ["=", "<>", "<", "<=", ">", ">="]


@pytest.mark.parametrize("quant", ["ANY", "ALL"])
@pytest.mark.parametrize("op", OPS)
def test_correlated_quantified_where(op, quant):
    _both(f"SELECT k, x FROM t WHERE x {op} {quant} (SELECT u.x FROM u WHERE u.k = t.k)")


@pytest.mark.parametrize("quant", ["ANY", "ALL"])
@pytest.mark.parametrize("op", ["=", "<", ">="])
def test_correlated_quantified_value(op, quant):
    # As a value: true, false or null (a null in the subquery leaves an undecided answer null).
    _both(f"SELECT k, x, x {op} {quant} (SELECT u.x FROM u WHERE u.k = t.k AND u.x > -3) AS q FROM t")


def test_correlated_quantified_distinct_and_names():
    # The subquery's own x shadows the outer one; DISTINCT and ORDER BY change nothing.
    _both("SELECT k, x FROM t WHERE x > ALL (SELECT DISTINCT x FROM u WHERE u.k = t.k ORDER BY x)")
    _both("SELECT k, x FROM t WHERE NOT (x < ANY (SELECT x + 1 FROM u WHERE u.k = t.k))")


def test_correlated_quantified_with_group_by_is_named():
    with pytest.raises(ax.NotSupportedError, match="ALL over a correlated subquery with GROUP BY"):
        ax.SQLContext(t=T, u=U).execute(
            "SELECT k FROM t WHERE x > ALL (SELECT MAX(x) FROM u WHERE u.k = t.k GROUP BY x)")
