"""Filters at the Parquet scan: a Decimal column compared with numbers (compared on the unscaled
integers, the same rows as casting to Float64), equality and is_in with a few strings (compared by
length and bytes), and a filter whose columns are not returned; nulls, every row kept, none kept,
row groups without survivors, unicode and empty strings."""

from __future__ import annotations

import operator
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alopex as ax

_QTY = [Decimal("1.00"), Decimal("23.99"), Decimal("24.00"), None, Decimal("24.01"), Decimal("0.05"),
        Decimal("-0.05"), Decimal("0.06"), Decimal("0.04"), None, Decimal("50.00"), Decimal("0.00")]
_MODE = ["AIR", "AIR REG", "MAIL", None, "", "SHIP", "é", "AIR", "MAIL ", "SHIP", "ü", "AI"]


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    table = pa.table({
        "qty": pa.array(_QTY, pa.decimal128(15, 2)),
        "mode": pa.array(_MODE, pa.string()),
        "n": pa.array(range(len(_QTY)), pa.int64()),
    })
    p = tmp_path_factory.mktemp("scan_filter") / "t.parquet"
    pq.write_table(table, p, row_group_size=3)  # four row groups; some keep no row
    return str(p)


def _kept(pred) -> list[int]:
    return [i for i in range(len(_QTY)) if pred(i)]


_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}


@pytest.mark.parametrize("op", sorted(_OPS))
@pytest.mark.parametrize("value", [24, 0.05, 0.055, -1, 100, 0, float("inf")])
def test_decimal_compared_with_number(path, op, value):
    expr = _OPS[op](ax.col("qty"), value)
    got = ax.scan_parquet(path).filter(expr).select("n").collect()["n"].to_list()
    want = _kept(lambda i: _QTY[i] is not None and _OPS[op](float(_QTY[i]), value))
    assert got == want


def test_decimal_between_and_several_columns(path):
    lf = ax.scan_parquet(path).filter(ax.col("qty").is_between(0.05, 0.07) & (ax.col("mode") != "AIR"))
    got = lf.select("n").collect()["n"].to_list()
    want = _kept(lambda i: _QTY[i] is not None and 0.05 <= float(_QTY[i]) <= 0.07 and _MODE[i] not in (None, "AIR"))
    assert got == want


@pytest.mark.parametrize("values", [["AIR", "AIR REG"], ["MAIL", "SHIP"], [""], ["é", "ü"], [], ["nothing"]])
def test_string_is_in_few(path, values):
    got = ax.scan_parquet(path).filter(ax.col("mode").is_in(values)).select("n").collect()["n"].to_list()
    assert got == _kept(lambda i: _MODE[i] is not None and _MODE[i] in values)


@pytest.mark.parametrize("value", ["AIR", "", "é", "MAIL", "none such"])
def test_string_equality(path, value):
    lf = ax.scan_parquet(path)
    eq = lf.filter(ax.col("mode") == value).select("n").collect()["n"].to_list()
    ne = lf.filter(ax.col("mode") != value).select("n").collect()["n"].to_list()
    assert eq == _kept(lambda i: _MODE[i] == value)
    assert ne == _kept(lambda i: _MODE[i] is not None and _MODE[i] != value)


def test_filter_keeps_all_and_none(path):
    lf = ax.scan_parquet(path)
    assert lf.filter(ax.col("n") >= 0).select("mode").collect()["mode"].to_list() == _MODE
    assert lf.filter(ax.col("n") < 0).select("mode").collect()["mode"].to_list() == []
