"""join(validate=...) against Polars: "1:m" needs unique left keys, "m:1" unique right keys, "1:1"
both, "m:m" nothing. A violation raises ComputeError (before, alopex ignored validate and returned
the duplicated rows: a silent wrong answer); null keys do not count as duplicates; semi and anti
joins refuse a validation; cross joins ignore it; a bad value is an InvalidInputError."""

from __future__ import annotations

import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import assert_frames_match, run_pair  # noqa: E402

UNIQUE = {"k": [1, 2, 3], "a": [10, 20, 30]}
DUPS = {"k": [1, 1, 2, None, None], "b": [1, 2, 3, 4, 5]}
NULL_DUPS = {"k": [1, None, None, 4], "c": [1, 2, 3, 4]}
MULTI = {"k": [1, 1, 2], "j": ["x", "y", "x"], "d": [1.5, 2.5, 3.5]}


def check(left, right, *, lazy, **kw):
    build = lambda m, d: d.join(m.DataFrame(right).lazy() if lazy else m.DataFrame(right), **kw)  # noqa: E731
    a, p = run_pair(build, ax.DataFrame(left), pl.DataFrame(left), lazy=lazy)
    if isinstance(p, BaseException):
        assert isinstance(a, ax.AlopexError), f"polars raised {p!r}, alopex gave {a!r}"
        if isinstance(p, pl.exceptions.ComputeError):
            assert isinstance(a, ax.ComputeError), a
        return a
    if isinstance(a, BaseException):
        raise AssertionError(f"alopex raised {type(a).__name__}: {a}") from a
    sort = [c for c in p.columns]
    assert_frames_match(a.sort(sort, nulls_last=True), p.sort(sort, nulls_last=True).to_arrow())
    return a


CASES = [
    (UNIQUE, DUPS, "k"), (DUPS, UNIQUE, "k"), (UNIQUE, UNIQUE, "k"), (DUPS, DUPS, "k"),
    (NULL_DUPS, UNIQUE, "k"), (UNIQUE, NULL_DUPS, "k"), (MULTI, MULTI, ["k", "j"]), (MULTI, MULTI, "k"),
]


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("how", ["inner", "left", "right", "full", "semi", "anti"])
@pytest.mark.parametrize("validate", ["m:m", "1:m", "m:1", "1:1"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_validate_matches_polars(case, validate, how, lazy):
    left, right, on = CASES[case]
    check(left, right, on=on, how=how, validate=validate, lazy=lazy)


def test_violation_is_an_error_not_duplicated_rows():
    left, right = ax.DataFrame(UNIQUE), ax.DataFrame(DUPS)
    assert left.join(right, on="k").height == 3  # m:m: key 1 matches twice
    with pytest.raises(ax.ComputeError, match="1:1 validation"):
        left.join(right, on="k", validate="1:1")
    with pytest.raises(ax.ComputeError, match="m:1 validation"):
        left.join(right, on="k", validate="m:1")
    assert left.join(right, on="k", validate="1:m").height == 3


def test_left_on_right_on_expressions_and_empty():
    left, right = ax.DataFrame({"x": [1, 2]}), ax.DataFrame({"y": [2, 4]})
    assert left.join(right, left_on=ax.col("x") * 2, right_on="y", validate="1:1").height == 2
    with pytest.raises(ax.ComputeError):
        left.join(right, left_on=ax.col("x") * 0, right_on="y", validate="1:m")
    assert left.head(0).join(right.head(0), left_on="x", right_on="y", validate="1:1").height == 0


def test_cross_and_bad_value():
    left, right = ax.DataFrame(DUPS), ax.DataFrame(DUPS)
    assert left.join(right, how="cross", validate="1:1").height == 25
    with pytest.raises(ax.InvalidInputError, match="validate"):
        left.join(right, on="k", validate="one-to-one")
