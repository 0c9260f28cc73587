"""decimal.Decimal values as literals and SQL parameters: exact, typed as Polars types them.

They raised TypeError ("use a bool, int, float, str or None"), so a Decimal fetched from a DECIMAL
column could not be passed back as a parameter."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

import alopex as ax

pl = pytest.importorskip("polars")


@pytest.mark.parametrize("value", [D("2.35"), D("-0.05"), D("1E+3"), D("100"), D("0.001"),
                                   D("-12345678901234567890.123456789")])
def test_lit_of_a_decimal_matches_polars(value):
    got = ax.DataFrame({"a": [1, 2]}).select(ax.lit(value).alias("d"))
    want = pl.DataFrame({"a": [1, 2]}).select(pl.lit(value).alias("d"))
    assert got.rows() == want.rows()
    assert str(got.dtypes[0]) == str(want.dtypes[0])


def test_decimal_literals_in_expressions():
    df = ax.DataFrame({"x": [D("1.10"), D("2.20"), None]})
    assert df.filter(ax.col("x") > D("1.5")).rows() == [(D("2.20"),)]
    with pytest.raises(ax.InvalidInputError, match="finite"):
        ax.lit(D("NaN"))
    with pytest.raises(ax.InvalidInputError, match="38"):
        ax.lit(D("1" * 40))


def test_decimal_parameters_store_exactly():
    db = ax.connect()
    db.sql("CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(10, 2))")
    db.sql("INSERT INTO t VALUES (?, ?)", params=[1, D("2.35")])
    db.execute("INSERT INTO t VALUES (?, ?)", (2, D("3.45")))
    db.executemany("INSERT INTO t VALUES (?, ?)", [(3, D("0.125")), (4, D("-99999999.99"))])
    assert db.sql("SELECT * FROM t ORDER BY id").collect().rows() == [
        (1, D("2.35")), (2, D("3.45")), (3, D("0.13")), (4, D("-99999999.99"))]
    # A value read back is a parameter again.
    (d,) = db.execute("SELECT d FROM t WHERE id = ?", (2,)).fetchone()
    assert db.execute("SELECT id FROM t WHERE d = ?", (d,)).fetchall() == [(2,)]
    assert db.sql("SELECT id FROM t WHERE d > ? ORDER BY id", params=[D("2.5")]).collect().rows() == [(2,)]
    with pytest.raises(ax.AlopexError, match=r"column d .*row 1: cannot store 123456789\.123 \(parameter 2\)"):
        db.execute("INSERT INTO t VALUES (?, ?)", (5, D("123456789.123")))
    assert db.sql("SELECT COUNT(*) FROM t").collect().item() == 4
