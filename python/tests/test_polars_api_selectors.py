"""alopex.selectors (``cs``) and the selector forms of ax.col / ax.all / ax.exclude against Polars'
polars.selectors: every selector, the set operations | & - ^ ~, and selectors in select,
with_columns, drop, group_by, agg (group keys left out) and sort, eager and lazy, including
selectors that pick nothing and a name the frame lacks (ColumnNotFoundError, as Polars)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

import alopex as ax
import alopex.selectors as acs

pl = pytest.importorskip("polars")
pcs = pytest.importorskip("polars.selectors")

from conftest import assert_frames_match, run_pair  # noqa: E402

DATA = pa.table({
    "id": pa.array([1, 2, 3, 4], pa.int64()),
    "grp": pa.array(["x", "y", "x", "y"], pa.string()),
    "u8": pa.array([1, 2, None, 4], pa.uint8()),
    "i32": pa.array([-1, 5, 7, None], pa.int32()),
    "price": pa.array([0.5, None, 2.5, 3.5], pa.float64()),
    "f32": pa.array([1.0, 2.0, 3.0, 4.0], pa.float32()),
    "flag": pa.array([True, False, None, True]),
    "day": pa.array([dt.date(2024, 1, d) for d in (1, 2, 3, 4)], pa.date32()),
    "ts": pa.array([dt.datetime(2024, 1, 1, h) for h in (1, 2, 3, 4)], pa.timestamp("us")),
    "name_x": pa.array(["a", "b", "c", None], pa.string()),
})


def check(build, *, lazy=False):
    a, p = run_pair(lambda m, d: build(m, acs if m is ax else pcs, d), ax.DataFrame(DATA),
                    pl.from_arrow(DATA), lazy=lazy)
    if isinstance(p, BaseException):
        assert isinstance(a, ax.AlopexError), f"polars raised {p!r}, alopex gave {a!r}"
        return a
    if isinstance(a, BaseException):
        raise AssertionError(f"alopex raised {type(a).__name__}: {a}") from a
    assert_frames_match(a, p.to_arrow())
    return a


SELECTS = {
    "numeric": lambda cs: cs.numeric(),
    "integer": lambda cs: cs.integer(),
    "signed": lambda cs: cs.signed_integer(),
    "unsigned": lambda cs: cs.unsigned_integer(),
    "float": lambda cs: cs.float(),
    "string": lambda cs: cs.string(),
    "boolean": lambda cs: cs.boolean(),
    "temporal": lambda cs: cs.temporal(),
    "date": lambda cs: cs.date(),
    "datetime": lambda cs: cs.datetime(),
    "datetime_unit": lambda cs: cs.datetime("us"),
    "datetime_other_unit": lambda cs: cs.datetime("ns"),
    "by_name_order": lambda cs: cs.by_name("price", "id"),
    "by_name_list": lambda cs: cs.by_name(["flag", "grp"]),
    "by_name_missing_ok": lambda cs: cs.by_name("nope", "id", require_all=False),
    "starts_with": lambda cs: cs.starts_with("i", "pr"),
    "ends_with": lambda cs: cs.ends_with("_x", "32"),
    "contains": lambda cs: cs.contains("r"),
    "matches": lambda cs: cs.matches("^[a-z]+$"),
    "first": lambda cs: cs.first(),
    "last": lambda cs: cs.last(),
    "all": lambda cs: cs.all(),
    "exclude": lambda cs: cs.exclude("id", "grp"),
    "exclude_selector": lambda cs: cs.exclude(cs.numeric()),
    "union": lambda cs: cs.string() | cs.boolean(),
    "intersection": lambda cs: cs.numeric() & cs.starts_with("i"),
    "difference": lambda cs: cs.numeric() - cs.float(),
    "complement": lambda cs: ~cs.numeric(),
    "xor": lambda cs: cs.integer() ^ cs.starts_with("i", "p"),
    "first_or_name": lambda cs: cs.first() | cs.by_name("flag"),
    "nothing": lambda cs: cs.duration(),
}


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("name", list(SELECTS))
def test_select(name, lazy):
    check(lambda m, cs, d: d.select(SELECTS[name](cs)), lazy=lazy)


@pytest.mark.parametrize("name", ["numeric", "string", "complement", "by_name_order", "nothing"])
def test_drop(name):
    check(lambda m, cs, d: d.drop(SELECTS[name](cs)))
    check(lambda m, cs, d: d.drop(SELECTS[name](cs)), lazy=True)


USES = {
    "arithmetic": lambda m, cs, d: d.select(cs.numeric() * 2),
    "two_selectors": lambda m, cs, d: d.select(cs.float().max(), cs.integer().min()),
    "with_columns": lambda m, cs, d: d.with_columns(cs.integer().cum_sum(), cs.float().fill_null(0)),
    "with_columns_over": lambda m, cs, d: d.with_columns(cs.float().sum().over("grp")),
    "agg_skips_keys": lambda m, cs, d: d.group_by("grp", maintain_order=True).agg(cs.numeric().sum()),
    "agg_all": lambda m, cs, d: d.group_by("grp", maintain_order=True).agg(m.all().first()),
    "group_by_selector": lambda m, cs, d: d.group_by(cs.string() - cs.ends_with("_x"), maintain_order=True)
    .agg(m.col("id").sum()),
    "sort": lambda m, cs, d: d.sort(cs.boolean() | cs.float(), descending=True, nulls_last=True),
    "ax_all": lambda m, cs, d: d.select(m.all().first()),
    "ax_exclude": lambda m, cs, d: d.select(m.exclude("id", "day")),
    "ax_exclude_dtype": lambda m, cs, d: d.select(m.exclude(m.Int64, m.String)),
    "col_names": lambda m, cs, d: d.select(m.col("id", "price").max()),
    "col_list": lambda m, cs, d: d.select(m.col(["i32", "id"]) + 1),
    "col_dtype": lambda m, cs, d: d.select(m.col(m.Int64) * 10),
    "col_dtypes": lambda m, cs, d: d.select(m.col(m.Float32, m.UInt8)),
    "col_regex": lambda m, cs, d: d.select(m.col("^[iu].*$")),
    "col_star": lambda m, cs, d: d.select(m.col("*").first()),
    "keyword": lambda m, cs, d: d.select(total=cs.by_name("price").sum()),
    "filter_then_select": lambda m, cs, d: d.filter(m.col("id") > 1).select(cs.temporal()),
}


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("name", list(USES))
def test_uses(name, lazy):
    check(USES[name], lazy=lazy)


ERRORS = {
    "missing_name": lambda m, cs, d: d.select(cs.by_name("nope")),
    "missing_col": lambda m, cs, d: d.select(m.col("id", "nope")),
    "duplicate_outputs": lambda m, cs, d: d.select(cs.float() + cs.integer()),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_where_polars_raises(name):
    check(ERRORS[name])


def test_missing_name_is_column_not_found():
    with pytest.raises(ax.ColumnNotFoundError):
        ax.DataFrame(DATA).select(acs.by_name("nope"))


def test_selector_in_unsupported_place_is_clear():
    with pytest.raises(ax.NotSupportedError, match="selector"):
        ax.DataFrame(DATA).filter(acs.boolean())


def test_expand_selector_and_repr():
    df = ax.DataFrame(DATA)
    assert acs.expand_selector(df, acs.numeric() - acs.float()) == ("id", "u8", "i32")
    assert acs.expand_selector(df.schema, acs.by_dtype(ax.Datetime)) == ("ts",)
    assert repr(acs.numeric() | acs.string()) == "(cs.numeric() | cs.string())"
    assert acs.is_selector(ax.col("a", "b")) and not acs.is_selector(ax.col("a"))
