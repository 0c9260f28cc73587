"""The Expr.dt namespace and temporal + / - against Polars (lazy/fn/datetime.go,
lazy/kernels/temporal.go): dates and datetimes with nulls, before and after 1970,
leap days, month ends."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import alopex as ax

DATES = [dt.date(2024, 2, 29), dt.date(1969, 12, 31), None, dt.date(2000, 1, 1), dt.date(2023, 1, 31),
         dt.date(1900, 3, 1), dt.date(2021, 1, 3)]
TIMES = [dt.datetime(2024, 2, 29, 23, 59, 58, 123456), dt.datetime(1969, 12, 31, 0, 0, 1), None,
         dt.datetime(2000, 1, 1, 12, 30, 0, 999), dt.datetime(2023, 1, 31, 6, 7, 8), dt.datetime(1965, 6, 15, 18, 0, 0, 5),
         dt.datetime(2021, 1, 3, 0, 0, 0)]


def frames():
    data = {"d": DATES, "t": TIMES}
    return ax.DataFrame(data), pl.DataFrame(data)


def same(expr_of, col):
    a, p = frames()
    got = a.select(expr_of(ax.col(col)).alias("r"))["r"].to_list()
    want = p.select(expr_of(pl.col(col)).alias("r"))["r"].to_list()
    assert got == want, (got, want)


DATE_PARTS = ["year", "month", "day", "weekday", "quarter", "ordinal_day", "week"]
TIME_PARTS = ["hour", "minute", "second", "millisecond", "microsecond"]


@pytest.mark.parametrize("part", DATE_PARTS)
@pytest.mark.parametrize("col", ["d", "t"])
def test_date_parts(part, col):
    same(lambda c: getattr(c.dt, part)(), col)


@pytest.mark.parametrize("part", TIME_PARTS)
def test_time_parts(part):
    same(lambda c: getattr(c.dt, part)(), "t")


def test_date_of_datetime():
    same(lambda c: c.dt.date(), "t")


def test_time_part_of_a_date_is_an_error():
    a, _ = frames()
    with pytest.raises(ax.ComputeError, match="dt.hour needs a Datetime"):
        a.select(ax.col("d").dt.hour())


@pytest.mark.parametrize("every", ["1mo", "3mo", "1y", "1w", "1d", "2d"])
@pytest.mark.parametrize("col", ["d", "t"])
def test_truncate(every, col):
    same(lambda c: c.dt.truncate(every), col)


@pytest.mark.parametrize("every", ["1h", "15m", "1s"])
def test_truncate_time(every):
    same(lambda c: c.dt.truncate(every), "t")


@pytest.mark.parametrize("by", ["1mo", "-1mo", "1y", "-2y", "3d", "-1w", "1q"])
@pytest.mark.parametrize("col", ["d", "t"])
def test_offset_by(by, col):
    same(lambda c: c.dt.offset_by(by), col)


def test_offset_by_time():
    same(lambda c: c.dt.offset_by("2h30m"), "t")


def test_bad_interval():
    a, _ = frames()
    with pytest.raises(ax.InvalidInputError, match="unknown unit"):
        a.select(ax.col("d").dt.truncate("1fortnight"))


@pytest.mark.parametrize("unit", ["days", "hours", "minutes", "seconds", "milliseconds", "microseconds"])
def test_durations(unit):
    a, p = frames()
    got = a.select((ax.col("t") - ax.col("t").shift(1)).alias("r"))
    want = p.select((pl.col("t") - pl.col("t").shift(1)).alias("r"))
    assert got["r"].to_list() == want["r"].to_list()
    got = a.select(getattr((ax.col("t") - ax.col("t").shift(1)).dt, f"total_{unit}")().alias("r"))["r"].to_list()
    want = p.select(getattr((pl.col("t") - pl.col("t").shift(1)).dt, f"total_{unit}")().alias("r"))["r"].to_list()
    assert got == want


def test_date_arithmetic():
    a, p = frames()
    for e in [lambda m, c: c + dt.timedelta(days=3), lambda m, c: c - dt.timedelta(days=40),
              lambda m, c: c - c.shift(1), lambda m, c: c + dt.timedelta(hours=30)]:
        for col in ("d", "t"):
            got = a.select(e(ax, ax.col(col)).alias("r"))["r"].to_list()
            want = p.select(e(pl, pl.col(col)).alias("r"))["r"].to_list()
            assert got == want, (col, got, want)
