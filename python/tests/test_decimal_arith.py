"""Exact Decimal arithmetic: the DataFrame API against Polars 2.1 (values and dtypes), SQL against
Python's decimal module under MySQL's rules.

Decimal columns were computed as Float64 (1.25 * 0.1 gave 0.125 as a Float64, sums drifted in
the last digit); now they stay Decimal in scaled 128-bit integers (lazy/coerce_decimal.go has the
table of rules, lazy/fn_sqldecimal.go SQL's)."""

from __future__ import annotations

import decimal
from decimal import Decimal as D

import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

A = ["1.25", "-1.25", "1.35", "-1.35", "0.05", "-0.05", "0", None, "99999999.99", "0.25"]
B = ["0.1", "0.1", "0.1", "0.1", "0.5", "-0.3", "2", "1", "-7.5", "2"]
I = [3, -3, 7, 1, 2, -1, 5, 1, 9, 2]  # noqa: E741


def _table():
    return pa.table({
        "a": pa.array([None if v is None else D(v) for v in A], pa.decimal128(10, 2)),
        "b": pa.array([D(v) for v in B], pa.decimal128(5, 1)),
        "i": pa.array(I, pa.int32()),
        "f": pa.array([float(k) + 0.5 for k in range(len(A))], pa.float64()),
    })


EXPRS = {
    "a+b": lambda m: m.col("a") + m.col("b"),
    "a-b": lambda m: m.col("a") - m.col("b"),
    "a*b": lambda m: m.col("a") * m.col("b"),
    "a/b": lambda m: m.col("a") / m.col("b"),
    "b/(a+100)": lambda m: m.col("b") / (m.col("a") + 100),
    "a*b*a": lambda m: m.col("a") * m.col("b") * m.col("a"),
    "a+i": lambda m: m.col("a") + m.col("i"),
    "a*i": lambda m: m.col("a") * m.col("i"),
    "a/i": lambda m: m.col("a") / m.col("i"),
    "i-a": lambda m: m.col("i") - m.col("a"),
    "a+1": lambda m: m.col("a") + 1,
    "a*3": lambda m: m.col("a") * 3,
    "a/3": lambda m: m.col("a") / 3,
    "7/b": lambda m: 7 / m.col("b"),
    "a+f": lambda m: m.col("a") + m.col("f"),
    "a*1.5": lambda m: m.col("a") * 1.5,
    "-a": lambda m: -m.col("a"),
    "abs": lambda m: m.col("a").abs(),
    "round0": lambda m: m.col("a").round(0),
    "round1": lambda m: m.col("a").round(1),
    "round3": lambda m: m.col("a").round(3),
    "a==b": lambda m: m.col("a") == m.col("b"),
    "a<b": lambda m: m.col("a") < m.col("b"),
    "a>=i": lambda m: m.col("a") >= m.col("i"),
    "a>1": lambda m: m.col("a") > 1,
    "a<=0.05": lambda m: m.col("a") <= 0.05,
    "a+lit": lambda m: m.col("a") + m.lit(D("0.125")),
    "a+None": lambda m: m.col("a") + None,
    "fill_null": lambda m: m.col("a").fill_null(0),
    "cast1": lambda m: m.col("a").cast(_decimal(m, 12, 1)),
    "cast4": lambda m: m.col("a").cast(_decimal(m, 20, 4)),
    "i_cast": lambda m: m.col("i").cast(_decimal(m, 12, 3)),
    "to_int": lambda m: m.col("a").cast(m.Int64),
    "to_u8": lambda m: m.col("a").cast(m.UInt8, strict=False),
}


def _decimal(m, p, s):
    return pl.Decimal(p, s) if m is pl else pa.decimal128(p, s)


@pytest.mark.parametrize("name", list(EXPRS))
def test_expression_matches_polars(name):
    make = EXPRS[name]
    want = pl.DataFrame(_table()).select(make(pl).alias("x"))
    got = ax.DataFrame(_table()).select(make(ax).alias("x"))
    assert str(got.dtypes[0]) == str(want.dtypes[0])
    assert got["x"].to_list() == want["x"].to_list()


def test_aggregates_match_polars():
    def aggs(m):
        c = m.col("a")
        return [c.sum().alias("s"), c.mean().alias("m"), c.min().alias("lo"), c.max().alias("hi"),
                (c * m.col("b")).sum().alias("sp")]

    want = pl.DataFrame(_table()).select(aggs(pl))
    got = ax.DataFrame(_table()).select(aggs(ax))
    assert [str(t) for t in got.dtypes] == [str(t) for t in want.dtypes]
    assert got.rows() == want.rows()
    key = (pl.col("i") > 0).alias("k")
    want = pl.DataFrame(_table()).group_by(key).agg(aggs(pl)).sort("k")
    got = ax.DataFrame(_table()).group_by((ax.col("i") > 0).alias("k")).agg(aggs(ax)).sort("k")
    assert [str(t) for t in got.dtypes] == [str(t) for t in want.dtypes]
    assert got.rows() == want.rows()


def test_sum_of_no_values_is_zero_as_polars():
    t = pa.table({"a": pa.array([None, None], pa.decimal128(10, 2))})
    assert ax.DataFrame(t).select(ax.col("a").sum()).rows() == pl.DataFrame(t).select(pl.col("a").sum()).rows()


def test_sum_is_exact_where_float64_is_not():
    # 0.1 added a thousand times: Float64 gives 100.00000000000007.
    t = pa.table({"a": pa.array([D("0.10")] * 1000 + [D("12345678901234.57")], pa.decimal128(18, 2))})
    assert ax.DataFrame(t).select(ax.col("a").sum()).item() == D("12345678901334.57")


def test_overflow_and_division_by_zero_are_errors():
    nines = D("9" * 38)
    t = pa.table({"x": pa.array([nines, D(1)], pa.decimal128(38, 0)), "z": pa.array([D(0), D(0)], pa.decimal128(38, 0))})
    df = ax.DataFrame(t)
    with pytest.raises(ax.ComputeError, match=r"overflow in decimal addition: 9{38} \+ 1 does not fit Decimal\(precision=38, scale=0\)"):
        df.select(ax.col("x") + 1)
    with pytest.raises(ax.ComputeError, match="overflow in decimal multiplication"):
        df.select(ax.col("x") * ax.col("x"))
    with pytest.raises(ax.ComputeError, match="overflow in decimal addition in sum"):
        df.select(ax.col("x").sum())
    with pytest.raises(ax.ComputeError, match="division by zero"):
        df.select(ax.col("x") / ax.col("z"))
    # Polars agrees that each is an error.
    for e in [pl.col("x") + 1, pl.col("x") * pl.col("x"), pl.col("x").sum(), pl.col("x") / pl.col("z")]:
        with pytest.raises(pl.exceptions.ComputeError):
            pl.DataFrame(t).select(e)


def test_big_values_use_the_wide_path():
    # Operands beyond 64 bits and a product beyond 128 bits before rounding.
    vals = [D("123456789012345678901234.5678"), D("-98765432109876543210.1234"), D("0.0001")]
    t = pa.table({"a": pa.array(vals, pa.decimal128(38, 4)), "b": pa.array([D("0.5"), D("3"), D("-2")], pa.decimal128(10, 1))})
    for make in [lambda m: m.col("a") * m.col("b"), lambda m: m.col("a") / m.col("b"), lambda m: m.col("a") - m.col("b")]:
        assert ax.DataFrame(t).select(make(ax).alias("x")).rows() == pl.DataFrame(t).select(make(pl).alias("x")).rows()


# SQL: MySQL's scales, halves away from zero (decimal.ROUND_HALF_UP is away from zero).

def _mysql(x, y, op):
    ctx = decimal.Context(prec=80)
    sx, sy = -x.as_tuple().exponent, -y.as_tuple().exponent
    if op == "/":
        if y == 0:
            return None
        exact, scale = ctx.divide(x, y), sx + 4
    else:
        exact = {"+": ctx.add, "-": ctx.subtract, "*": ctx.multiply}[op](x, y)
        scale = max(sx, sy) if op in "+-" else sx + sy
    return exact.quantize(D(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP, context=ctx)


def _sql(query, table):
    return ax.SQLContext(t=ax.DataFrame(table)).execute(query).collect()


SQL_A = ["1.25", "-1.25", "0.05", "-0.05", "12345.67", "0.00", "-0.01", "2.50"]
SQL_B = ["0.003", "0.003", "-0.300", "3.000", "7.000", "1.000", "0.000", "-0.007"]


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_sql_arithmetic_follows_mysql(op):
    t = pa.table({"a": pa.array([D(v) for v in SQL_A], pa.decimal128(10, 2)),
                  "b": pa.array([D(v) for v in SQL_B], pa.decimal128(8, 3))})
    got = _sql(f"SELECT a {op} b AS x FROM t", t)
    want = [_mysql(D(x), D(y), op) for x, y in zip(SQL_A, SQL_B)]
    assert got["x"].to_list() == want
    scale = {"+": 3, "-": 3, "*": 5, "/": 6}[op]
    assert got.to_arrow().schema.field(0).type.scale == scale


def test_sql_integer_operands_avg_sum_and_types():
    t = pa.table({"a": pa.array([D("1.25"), D("-0.35"), None, D("2.00")], pa.decimal128(15, 2)),
                  "n": pa.array([3, 0, 1, 7], pa.int64())})
    got = _sql("SELECT 1 - a AS d, a * n AS m, a / n AS q FROM t", t)
    assert got.rows() == [(D("-0.25"), D("3.75"), D("0.416667")), (D("1.35"), D("0.00"), None),
                          (None, None, None), (D("-1.00"), D("14.00"), D("0.285714"))]
    assert [str(t) for t in got.dtypes] == ["Decimal(precision=16, scale=2)", "Decimal(precision=34, scale=2)",
                                           "Decimal(precision=19, scale=6)"]
    got = _sql("SELECT SUM(a) AS s, AVG(a) AS m, MIN(a) AS lo, SUM(a * a) AS sq FROM t", t)
    # AVG at scale s + 4, halves away from zero: 2.90 / 3 = 0.966666… → 0.966667.
    assert got.rows() == [(D("2.90"), D("0.966667"), D("-0.35"), D("5.6850"))]
    assert str(got.dtypes[0]) == "Decimal(precision=38, scale=2)"
    empty = _sql("SELECT SUM(a) AS s, AVG(a) AS m FROM t WHERE n > 100", t)
    assert empty.rows() == [(None, None)]
    # Beside a DOUBLE the arithmetic is DOUBLE, as MySQL.
    assert _sql("SELECT a + 1.5 AS x FROM t", t).dtypes[0] == ax.Float64


def test_sql_decimal_out_of_range_is_an_error():
    t = pa.table({"a": pa.array([D("9" * 20)], pa.decimal128(38, 0))})
    with pytest.raises(ax.ComputeError, match="overflow in decimal multiplication"):
        _sql("SELECT a * a AS x FROM t", t)


def test_stored_decimal_columns_through_sql():
    db = ax.connect()
    db.sql("CREATE TABLE p (id INT PRIMARY KEY, price DECIMAL(12, 2), rate DECIMAL(5, 4), qty INT)")
    db.executemany("INSERT INTO p VALUES (?, ?, ?, ?)", [
        (1, D("19.99"), D("0.0825"), 3), (2, D("0.10"), D("0.0500"), 10), (3, D("1000000.01"), D("0.0001"), 1),
        (4, None, D("0.5"), 2)])
    got = db.sql("SELECT id, price * qty * (1 + rate) AS total FROM p ORDER BY id").collect()
    # DECIMAL(12, 2) * INT is scale 2, times DECIMAL(6, 4) (1 + rate) scale 6: exact.
    assert got.rows() == [(1, D("64.917525")), (2, D("1.050000")), (3, D("1000100.010001")), (4, None)]
    assert got.to_arrow().schema.field(1).type.scale == 6
    assert db.sql("SELECT SUM(price * qty) AS s FROM p").collect().item() == D("1000060.98")
    assert db.sql("SELECT id FROM p WHERE price * qty > 59.97 ORDER BY id").collect().rows() == [(3,)]
    assert db.sql("SELECT id FROM p WHERE price >= 19.99 AND qty < 5 ORDER BY id").collect().rows() == [(1,), (3,)]
