"""is_in with dates, datetimes, durations and Decimals, differential against Polars.

A list of Python dates used to fail with a bare ``TypeError`` (not JSON serializable); the
values now travel as their ticks with their dtype, and match only a column of the same kind,
in its own unit, as in Polars. Mixed or unsupported values raise clear errors.
"""

import datetime as dt
import decimal

import numpy as np
import polars as pl
import pyarrow as pa
import pytest

import alopex as ax

D = [dt.date(2020, 1, 1), dt.date(2020, 1, 2), None, dt.date(1969, 12, 31)]
T = [dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 1, 5, 0, 0, 1), None, dt.datetime(1960, 6, 1, 12)]
U = [dt.timedelta(seconds=1), dt.timedelta(0), None, dt.timedelta(days=-2, microseconds=7)]

CASES = [
    ("d", D, pl.Date, [dt.date(2020, 1, 1)]),
    ("d", D, pl.Date, [dt.date(1969, 12, 31), None]),
    ("d", D, pl.Date, []),
    ("t", T, pl.Datetime("us"), [dt.datetime(2020, 1, 1, 5, 0, 0, 1), dt.datetime(1960, 6, 1, 12)]),
    ("t", T, pl.Datetime("ms"), [dt.datetime(2020, 1, 1)]),
    ("t", T, pl.Datetime("ns"), [dt.datetime(2020, 1, 1, 5, 0, 0, 1)]),
    ("u", U, pl.Duration("us"), [dt.timedelta(0), dt.timedelta(days=-2, microseconds=7)]),
    ("u", U, pl.Duration("ms"), [dt.timedelta(seconds=1)]),
]


@pytest.mark.parametrize("name,values,dtype,probe", CASES)
def test_temporal_is_in_matches_polars(name, values, dtype, probe):
    s = pl.Series(name, values, dtype=dtype)
    want = s.to_frame().select(pl.col(name).is_in(probe))[name].to_list()
    df = ax.DataFrame(s.to_frame().to_arrow())
    got = df.select(ax.col(name).is_in(probe))[name].to_list()
    assert got == want
    # The same in a filter, through the lazy engine.
    assert ax.LazyFrame(df).filter(ax.col(name).is_in(probe)).collect().height == sum(bool(x) for x in want)


def test_numpy_datetimes_keep_their_kind():
    df = ax.DataFrame({"d": D, "t": T})
    days = np.array(["2020-01-02", "1969-12-31"], dtype="datetime64[D]")
    assert df.select(ax.col("d").is_in(days))["d"].to_list() == [False, True, None, True]
    ns = np.array(["2020-01-01T05:00:00.000001"], dtype="datetime64[ns]")
    assert df.select(ax.col("t").is_in(ns))["t"].to_list() == [False, True, None, False]
    assert df.select(ax.col("t").is_in([np.datetime64("2020-01-01T00:00")]))["t"].to_list() == [True, False, None, False]


def test_a_long_list_of_dates():
    days = [dt.date(2000, 1, 1) + dt.timedelta(days=i) for i in range(500)]
    df = ax.DataFrame({"d": days + [None]})
    got = df.select(ax.col("d").is_in(days[::7]))["d"].to_list()
    assert got == [i % 7 == 0 for i in range(500)] + [None]


def test_zone_aware_datetimes_compare_as_instants():
    utc = dt.datetime(2020, 1, 1, 5, tzinfo=dt.timezone.utc)
    plus2 = dt.datetime(2020, 1, 1, 7, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    df = ax.DataFrame(pa.table({"t": pa.array([utc, None], pa.timestamp("us", tz="UTC"))}))
    assert df.select(ax.col("t").is_in([plus2]))["t"].to_list() == [True, None]


def test_decimals_compare_by_value():
    df = ax.DataFrame({"i": [1, 2, None], "x": [decimal.Decimal("1.50"), decimal.Decimal("2.25"), None]})
    assert df.select(ax.col("i").is_in([decimal.Decimal("2")]))["i"].to_list() == [False, True, None]
    assert df.select(ax.col("x").is_in([decimal.Decimal("1.5")]))["x"].to_list() == [True, False, None]


@pytest.mark.parametrize("col,probe,match", [
    ("d", [dt.datetime(2020, 1, 1)], "cannot check Date values against a list of Datetime"),
    ("t", [dt.date(2020, 1, 1)], "cannot check Datetime.* against a list of Date values"),
    ("i", [dt.date(2020, 1, 1)], "cannot check Int64 values against a list of Date values"),
    ("u", [dt.datetime(2020, 1, 1)], "cannot check Duration"),
])
def test_kinds_that_polars_rejects_are_errors(col, probe, match):
    df = ax.DataFrame({"d": D, "t": T, "u": U, "i": [1, 2, None, 4]})
    with pytest.raises(ax.ComputeError, match=match):
        df.select(ax.col(col).is_in(probe))
    plf = pl.DataFrame({"d": D, "t": T, "u": U, "i": [1, 2, None, 4]})
    with pytest.raises(pl.exceptions.InvalidOperationError):
        plf.select(pl.col(col).is_in(probe))


@pytest.mark.parametrize("probe,error,match", [
    ([dt.date(2020, 1, 1), 5], ax.InvalidInputError, "must be of one kind"),
    ([5, dt.date(2020, 1, 1)], ax.InvalidInputError, "must be of one kind"),
    ([dt.date(2020, 1, 1), dt.datetime(2020, 1, 1)], ax.InvalidInputError, "must be of one kind"),
    ([b"x"], ax.NotSupportedError, "bytes"),
    ([dt.time(1)], ax.NotSupportedError, "time"),
    ([object()], ax.InvalidInputError, "cannot compare with object"),
    (5, ax.InvalidInputError, "needs a collection"),
    ("abc", ax.InvalidInputError, "needs a collection"),
])
def test_bad_lists_raise_clear_errors(probe, error, match):
    with pytest.raises(error, match=match):
        ax.col("d").is_in(probe)
