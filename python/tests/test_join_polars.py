"""DataFrame.join / LazyFrame.join, differentially against Polars.

The same pyarrow tables are loaded into alopex and Polars, the same join runs in both, and the
results are compared column by column: names and order, dtype names (via a mapping, so that
large_string / string_view are all "String"), row count, null positions, values (NaN == NaN).

Row order: inner, full and cross joins may hash either side, so both results are sorted by all
columns first. Left, semi and anti joins are compared in order (alopex keeps the left input's
order, Polars runs with ``maintain_order="left"``); right joins against Polars'
``maintain_order="right_left"``.

Key data: each side draws keys from a pool of about n/2 distinct values (so keys repeat on both
sides: many-to-many) with 10% nulls, which never match (Polars' default ``nulls_equal=False``).
Float keys include NaN, -0.0, 0.0 and inf; string keys unicode and the empty string.

Known deviations are ``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import UNICODE_POOL, assert_arrays_match, random_array  # noqa: E402

HOWS = ["inner", "left", "right", "full", "semi", "anti"]
UNORDERED = {"inner", "full", "cross"}
POLARS_ORDER = {"left": "left", "right": "right_left", "semi": "left", "anti": "left"}
KEY_TAGS = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "str", "date", "bool"]
BIG = 200_000


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

_INT_NP = {"i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
           "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64}


def key_array(tag: str, codes: np.ndarray, mask: np.ndarray) -> pa.Array:
    """Map integer codes (0..d) to key values of type ``tag``; equal codes give equal keys."""
    if tag in ("i8", "u8"):
        base = (codes % 256) - 128 if tag == "i8" else 255 - (codes % 256)
        return pa.array(base.astype(_INT_NP[tag]), mask=mask)
    if tag == "u64":
        return pa.array(np.uint64(2**64 - 1) - codes.astype(np.uint64), mask=mask)
    if tag.startswith("u"):
        return pa.array(codes.astype(_INT_NP[tag]), mask=mask)
    if tag in _INT_NP:
        return pa.array((codes - codes.max(initial=0) // 2).astype(_INT_NP[tag]), mask=mask)
    if tag in ("f32", "f64"):
        v = (codes - 2) * 0.25
        v = np.where(codes == 0, np.nan, v)
        v = np.where(codes == 1, -0.0, v)  # code 2 gives +0.0: joins -0.0 == 0.0
        v = np.where(codes == 5, np.inf, v)
        return pa.array(v.astype(np.float32 if tag == "f32" else np.float64), mask=mask)
    if tag == "str":
        n_pool = len(UNICODE_POOL)
        vals = [UNICODE_POOL[c % n_pool] + (str(c // n_pool) if c >= n_pool else "") for c in codes.tolist()]
        return pa.array(vals, type=pa.string(), mask=mask)
    if tag == "bool":
        return pa.array(codes % 2 == 0, mask=mask)
    if tag == "date":
        return pa.array(((codes - 40) * 37).astype(np.int32), mask=mask).cast(pa.date32())
    raise ValueError(tag)


@functools.lru_cache(maxsize=None)
def side(tag: str, n: int, seed: int, right: bool = False) -> pa.Table:
    """Left: k, k2, v, s.  Right: k, k2, v, w  (``v`` clashes -> suffix)."""
    rng = np.random.default_rng(seed * 7919 + n)
    distinct = 2 if tag == "bool" else max(1, n // 2)
    codes = rng.integers(0, distinct, n)
    if n == 1 and tag in ("f32", "f64"):
        codes[:] = 1  # -0.0, not NaN: see test_nan_key_single_row for Polars' 1-row NaN quirk
    cols: dict[str, pa.Array] = {
        "k": key_array(tag, codes, rng.random(n) < 0.1),
        "k2": pa.array(rng.integers(0, 3, n).astype(np.int32), mask=rng.random(n) < 0.05),
        "v": pa.array(np.arange(n, dtype=np.int64) * (10 if right else 1)),
    }
    if right:
        cols["w"] = random_array(rng, "f64", n, null_frac=0.1)
    else:
        cols["s"] = random_array(rng, "str", n, null_frac=0.1)
    return pa.table(cols)


def pair(tag: str, n_left: int, n_right: int | None = None) -> tuple[pa.Table, pa.Table]:
    return side(tag, n_left, 1), side(tag, n_left if n_right is None else n_right, 2, right=True)


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------

def type_name(t: pa.DataType) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "String"
    if pa.types.is_date32(t):
        return "Date"
    return {pa.int8(): "Int8", pa.int16(): "Int16", pa.int32(): "Int32", pa.int64(): "Int64",
            pa.uint8(): "UInt8", pa.uint16(): "UInt16", pa.uint32(): "UInt32", pa.uint64(): "UInt64",
            pa.float32(): "Float32", pa.float64(): "Float64", pa.bool_(): "Boolean",
            pa.null(): "Null"}.get(t, str(t))


def to_table(df: Any) -> pa.Table:
    if hasattr(df, "collect") and not hasattr(df, "to_arrow"):
        df = df.collect()
    t = df.to_arrow()
    t = t if isinstance(t, pa.Table) else pa.table(t)
    cols = []
    for c in t.columns:
        c = c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
        if type_name(c.type) == "String":
            c = c.cast(pa.large_string())
        cols.append(c)
    return pa.table(cols, names=t.column_names)


def sort_all(t: pa.Table) -> pa.Table:
    if t.num_columns == 0 or t.num_rows == 0:
        return t
    return t.take(pc.sort_indices(t, sort_keys=[(c, "ascending") for c in t.column_names]))


def assert_same(a_res: Any, p_res: Any, *, ordered: bool) -> None:
    at, pt = to_table(a_res), to_table(p_res)
    assert at.column_names == pt.column_names, f"columns: alopex {at.column_names} polars {pt.column_names}"
    an, pn = [type_name(t) for t in at.schema.types], [type_name(t) for t in pt.schema.types]
    assert an == pn, f"dtypes: alopex {an} polars {pn}"
    assert at.num_rows == pt.num_rows, f"rows: alopex {at.num_rows} polars {pt.num_rows}"
    if not ordered:
        at, pt = sort_all(at), sort_all(pt)
    for name in at.column_names:
        assert_arrays_match(at.column(name), pt.column(name), name)


def J(m: Any, left: Any, right: Any, how: str = "inner", **kw: Any) -> Any:
    """``left.join(right, how=how, **kw)``; Polars gets the matching ``maintain_order``."""
    if m is pl and how in POLARS_ORDER:
        kw["maintain_order"] = POLARS_ORDER[how]
    return left.join(right, how=how, **kw)


def check(build: Callable[[Any, Any, Any], Any], lt: pa.Table, rt: pa.Table, *, ordered: bool,
          lazy: bool = False) -> None:
    out = []
    for m in (ax, pl):
        L, R = m.DataFrame(lt), m.DataFrame(rt)
        if lazy:
            L, R = L.lazy(), R.lazy()
        out.append(build(m, L, R))
    assert_same(out[0], out[1], ordered=ordered)


def check_join(how: str, lt: pa.Table, rt: pa.Table, *, lazy: bool = False, **kw: Any) -> None:
    """``kw`` values may be callables of the module (for expression keys)."""
    def resolve(m: Any, v: Any) -> Any:
        if isinstance(v, list):
            return [resolve(m, x) for x in v]
        return v(m) if callable(v) else v

    def build(m: Any, L: Any, R: Any) -> Any:
        return J(m, L, R, how, **{k: resolve(m, v) for k, v in kw.items()})

    check(build, lt, rt, ordered=how not in UNORDERED, lazy=lazy)


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=reason, strict=True)


# --------------------------------------------------------------------------------------------
# Key types x join kinds x sizes
# --------------------------------------------------------------------------------------------

def _size(tag: str, n: int) -> int:
    return 40 if tag == "bool" and n > 40 else n  # two distinct keys: keep many-to-many small


@pytest.mark.parametrize("n", [0, 1, 1000])
@pytest.mark.parametrize("tag", KEY_TAGS)
@pytest.mark.parametrize("how", HOWS)
def test_key_types(how: str, tag: str, n: int) -> None:
    lt, rt = pair(tag, _size(tag, n))
    check_join(how, lt, rt, on="k")


@pytest.mark.parametrize("tag", ["i64", "str", "f64"])
@pytest.mark.parametrize("how", HOWS)
def test_big(how: str, tag: str) -> None:
    lt, rt = pair(tag, BIG)
    check_join(how, lt, rt, on="k")


@pytest.mark.parametrize("how", HOWS)
def test_lazy_join(how: str) -> None:
    lt, rt = pair("i32", 1000)
    check_join(how, lt, rt, on="k", lazy=True)


@pytest.mark.parametrize("sizes", [(0, 1000), (1000, 0), (0, 0), (1, 1000), (1000, 1)])
@pytest.mark.parametrize("how", HOWS + ["cross"])
def test_empty_and_lopsided(how: str, sizes: tuple[int, int]) -> None:
    if how == "cross" and min(sizes) > 0:
        sizes = (min(sizes), 30)
    lt, rt = pair("i64", *sizes)
    check_join(how, lt, rt, **({} if how == "cross" else {"on": "k"}))


@pytest.mark.parametrize("n", [0, 1, 30])
def test_cross(n: int) -> None:
    lt, rt = pair("str", n, n + 3)
    check_join("cross", lt, rt)
    check_join("cross", lt, rt, suffix="_x", lazy=True)


def test_nulls_never_match() -> None:
    lt = pa.table({"k": pa.array([None, 1, None], pa.int64()), "a": [1, 2, 3]})
    rt = pa.table({"k": pa.array([None, 1], pa.int64()), "b": [10, 20]})
    for how in HOWS:
        check_join(how, lt, rt, on="k")
    res = ax.DataFrame(lt).join(ax.DataFrame(rt), on="k")
    assert res.to_arrow().column("a").to_pylist() == [2]


def test_float_specials() -> None:
    lt = pa.table({"k": [0.0, -0.0, float("nan"), None, 1.5, float("inf")], "a": [1, 2, 3, 4, 5, 6]})
    rt = pa.table({"k": [0.0, float("nan"), None, -0.0, float("-inf")], "b": [10, 20, 30, 40, 50]})
    for how in HOWS:
        check_join(how, lt, rt, on="k")


def test_nan_key_single_row() -> None:
    """NaN keys match NaN keys (Polars does so for any size >= 2, alopex for every size).

    Polars 2.1 has a 1-row quirk: ``pl.DataFrame({"k": [nan]}).join(pl.DataFrame({"k": [nan]}),
    on="k")`` gives 0 rows (inner/left do not match, semi does), while the same frames with two
    rows give the full NaN x NaN product. alopex is consistent: NaN matches NaN at every size.
    """
    for n in (1, 2, 3):
        lt = pa.table({"k": [float("nan")] * n})
        rt = pa.table({"k": [float("nan")] * n, "w": list(range(n))})
        assert ax.DataFrame(lt).join(ax.DataFrame(rt), on="k").height == n * n
        assert ax.DataFrame(lt).join(ax.DataFrame(rt), on="k", how="semi").height == n
        if n > 1:
            check_join("inner", lt, rt, on="k")
            check_join("left", lt, rt, on="k")


def test_unicode_and_empty_strings() -> None:
    lt = pa.table({"k": ["", "é", "e\u0301", "😀", None, "日本", ""], "a": list(range(7))})
    rt = pa.table({"k": ["\u00e9", "", None, "日本語", "😀"], "b": list(range(5))})
    for how in HOWS:
        check_join(how, lt, rt, on="k")


# --------------------------------------------------------------------------------------------
# Keys: multiple, different names, expressions; suffixes and output columns
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 1000])
@pytest.mark.parametrize("how", HOWS)
def test_multi_key(how: str, n: int) -> None:
    lt, rt = pair("str", n)
    check_join(how, lt, rt, on=["k", "k2"])
    check_join(how, lt, rt, left_on=["k2", "k"], right_on=["k2", "k"], lazy=True)


@pytest.mark.parametrize("how", HOWS)
def test_left_on_right_on_different_names(how: str) -> None:
    lt, rt = pair("i64", 1000)
    rt = rt.rename_columns(["rk", "rk2", "v", "w"])
    check_join(how, lt, rt, left_on="k", right_on="rk")
    check_join(how, lt, rt, left_on=["k", "k2"], right_on=["rk", "rk2"])
    # A left key joined to a differently named right column whose name clashes with a left column.
    check_join(how, lt, rt, left_on="k2", right_on="rk2")


@pytest.mark.parametrize("how", HOWS)
def test_right_key_name_clashes_with_left_column(how: str) -> None:
    """left_on="k", right_on="rk" where the right side also has a non-key column "k"."""
    lt, rt = pair("i64", 300)
    rt = rt.rename_columns(["rk", "k2", "v", "w"]).append_column("k", pa.array(np.arange(300) % 5))
    check_join(how, lt, rt, left_on="k", right_on="rk")


@pytest.mark.parametrize("how", HOWS)
def test_one_key_many_to_many(how: str) -> None:
    """Every row has the same key on both sides: the full 300 x 250 product."""
    lt = pa.table({"k": pa.array(["same"] * 300), "a": np.arange(300)})
    rt = pa.table({"k": pa.array(["same"] * 250), "b": np.arange(250)})
    check_join(how, lt, rt, on="k")


@pytest.mark.parametrize("how", HOWS)
def test_string_expression_keys(how: str) -> None:
    lt, rt = pair("str", 300)
    check_join(how, lt, rt, left_on=lambda m: m.col("k").str.to_lowercase(),
               right_on=lambda m: m.col("k").str.to_lowercase())


@pytest.mark.parametrize("how", HOWS)
def test_expression_keys(how: str) -> None:
    lt, rt = pair("i64", 1000)
    check_join(how, lt, rt, left_on=lambda m: m.col("k") % 3, right_on=lambda m: m.col("k") % 3)
    check_join(how, lt, rt, left_on=[lambda m: m.col("k2"), "k"], right_on=["k2", "k"])


@pytest.mark.parametrize("how", HOWS)
def test_expression_key_vs_column(how: str) -> None:
    lt, rt = pair("i64", 1000)
    check_join(how, lt, rt, left_on=lambda m: m.col("k") + 1, right_on="k")


@pytest.mark.parametrize("suffix", ["_right", "_r", ""])
@pytest.mark.parametrize("how", HOWS + ["cross"])
def test_suffix(how: str, suffix: str) -> None:
    lt, rt = pair("i16", 20)
    kw: dict[str, Any] = {} if how == "cross" else {"on": "k"}
    if suffix == "":
        if how in ("semi", "anti"):
            check_join(how, lt, rt, suffix=suffix, **kw)
        else:  # clashing names: both must raise
            assert_both_raise(lambda m, L, R: J(m, L, R, how, suffix=suffix, **kw), lt, rt)
        return
    if suffix == "_right":
        check_join(how, lt, rt, **kw)
    check_join(how, lt, rt, suffix=suffix, **kw)


def test_suffix_collision_with_existing_column() -> None:
    lt = pa.table({"k": [1, 2], "v": [1, 2], "v_right": [3, 4]})
    rt = pa.table({"k": [1, 2], "v": [5, 6]})
    assert_both_raise(lambda m, L, R: J(m, L, R, "inner", on="k"), lt, rt)


def test_output_columns() -> None:
    lt, rt = pair("i64", 5)
    L, R = ax.DataFrame(lt), ax.DataFrame(rt)
    assert L.join(R, on="k").columns == ["k", "k2", "v", "s", "k2_right", "v_right", "w"]
    assert L.join(R, on="k", how="left").columns == ["k", "k2", "v", "s", "k2_right", "v_right", "w"]
    assert L.join(R, on="k", how="right").columns == ["k2", "v", "s", "k", "k2_right", "v_right", "w"]
    assert L.join(R, on="k", how="full").columns == ["k", "k2", "v", "s", "k_right", "k2_right", "v_right", "w"]
    assert L.join(R, on="k", how="semi").columns == ["k", "k2", "v", "s"]
    assert L.join(R, how="cross", suffix="_x").columns == ["k", "k2", "v", "s", "k_x", "k2_x", "v_x", "w"]


@pytest.mark.parametrize("tags", [("i32", "i64"), ("i8", "u8"), ("u64", "i64"), ("f32", "f64"), ("i64", "f64"),
                                  ("date", "i32"), ("bool", "i8")])
@pytest.mark.parametrize("how", ["inner", "left", "full"])
def test_mixed_key_types(how: str, tags: tuple[str, str]) -> None:
    """Keys of different types: Polars either casts to a supertype or raises; alopex must agree."""
    lt = side(tags[0], 40, 1)
    rt = side(tags[1], 40, 2, right=True)
    compare_or_both_raise(lambda m, L, R: J(m, L, R, how, on="k"), lt, rt, ordered=how not in UNORDERED)


# --------------------------------------------------------------------------------------------
# Lazy pipelines
# --------------------------------------------------------------------------------------------

def _three(n: int) -> tuple[pa.Table, pa.Table, pa.Table]:
    lt, rt = pair("i64", n)
    third = pa.table({"k2": pa.array([0, 1, 2, None], pa.int32()), "label": ["zero", "one", "two", "none"]})
    return lt, rt, third


@pytest.mark.parametrize("n", [1000, BIG])
def test_chained_lazy_with_filters(n: int) -> None:
    lt, rt, third = _three(n)

    def build(m: Any, L: Any, R: Any) -> Any:
        T = m.DataFrame(third).lazy()
        return (L.filter(m.col("v") % 3 != 0)
                .join(R.filter(m.col("w") > -50), on="k", how="inner")
                .filter((m.col("k2") >= 1) & (m.col("v_right") % 7 != 1))
                .join(T, on="k2", how="left")
                .filter(m.col("label").is_not_null() & (m.col("k") > 0)))

    check(build, lt, rt, ordered=False, lazy=True)


@pytest.mark.parametrize("how", HOWS)
def test_filter_on_right_columns_after_join(how: str) -> None:
    """Filters after a join that only touch one side may be pushed down; results must not change."""
    lt, rt = pair("i64", 1000)

    def build(m: Any, L: Any, R: Any) -> Any:
        out = J(m, L, R, how, on="k")
        names = list(out.collect_schema())
        pred = m.col("k").is_null() | (m.col("k") % 2 == 0)
        if "w" in names:
            pred = pred & (m.col("w").is_null() | (m.col("w") > 0))
        return out.filter(pred)

    check(build, lt, rt, ordered=how not in UNORDERED, lazy=True)


@pytest.mark.parametrize("how", ["inner", "left", "full"])
def test_join_then_group_by(how: str) -> None:
    lt, rt = pair("str", 1000)

    def build(m: Any, L: Any, R: Any) -> Any:
        return (J(m, L, R, how, on="k")
                .group_by("k2")
                .agg(m.len().alias("n"), m.col("v_right").sum().alias("sv"), m.col("w").count().alias("cw"),
                     m.col("s").n_unique().alias("us")))

    check(build, lt, rt, ordered=False, lazy=True)


@pytest.mark.parametrize("how", HOWS)
def test_join_filtered_to_empty(how: str) -> None:
    lt, rt = pair("i64", 1000)
    check(lambda m, L, R: J(m, L.filter(m.col("v") < 0), R, how, on="k"), lt, rt,
          ordered=how not in UNORDERED, lazy=True)
    check(lambda m, L, R: J(m, L, R.filter(m.col("v") < 0), how, on="k"), lt, rt,
          ordered=how not in UNORDERED, lazy=True)


def test_self_join_lazy() -> None:
    lt, _ = pair("i64", 500)

    def build(m: Any, L: Any, R: Any) -> Any:
        return L.join(L.filter(m.col("v") < 250), on="k", how="inner").select("k", "v", "v_right")

    check(build, lt, lt, ordered=False, lazy=True)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

def _run(build: Callable[[Any, Any, Any], Any], lt: pa.Table, rt: pa.Table, m: Any) -> Any:
    res = build(m, m.DataFrame(lt).lazy(), m.DataFrame(rt).lazy())
    return res.collect() if hasattr(res, "collect") else res


def assert_both_raise(build: Callable[[Any, Any, Any], Any], lt: pa.Table, rt: pa.Table,
                      expected: type[BaseException] | tuple[type[BaseException], ...] = Exception) -> BaseException:
    with pytest.raises((pl.exceptions.PolarsError, ValueError, TypeError)):
        _run(build, lt, rt, pl)
    with pytest.raises(expected) as info:
        _run(build, lt, rt, ax)
    return info.value


def compare_or_both_raise(build: Callable[[Any, Any, Any], Any], lt: pa.Table, rt: pa.Table, *,
                          ordered: bool) -> None:
    try:
        p_res = _run(build, lt, rt, pl)
    except Exception:  # noqa: BLE001
        with pytest.raises(ax.AlopexError):
            _run(build, lt, rt, ax)
        return
    assert_same(_run(build, lt, rt, ax), p_res, ordered=ordered)


@pytest.mark.parametrize("how", HOWS)
def test_unknown_key_column(how: str) -> None:
    lt, rt = pair("i64", 5)
    assert_both_raise(lambda m, L, R: J(m, L, R, how, on="nope"), lt, rt, ax.ColumnNotFoundError)
    assert_both_raise(lambda m, L, R: J(m, L, R, how, left_on="k", right_on="s"), lt, rt, ax.ColumnNotFoundError)
    assert_both_raise(lambda m, L, R: J(m, L, R, how, left_on="w", right_on="k"), lt, rt, ax.ColumnNotFoundError)


@pytest.mark.parametrize("how", HOWS)
def test_incompatible_key_types(how: str) -> None:
    lt = side("str", 10, 1)
    rt = side("i64", 10, 2, right=True)
    err = assert_both_raise(lambda m, L, R: J(m, L, R, how, on="k"), lt, rt, ax.AlopexError)
    assert isinstance(err, (ax.SchemaError, ax.ComputeError)), type(err)


def test_cross_join_with_keys() -> None:
    lt, rt = pair("i64", 5)
    assert_both_raise(lambda m, L, R: J(m, L, R, "cross", on="k"), lt, rt, (ValueError, ax.AlopexError))
    assert_both_raise(lambda m, L, R: J(m, L, R, "cross", left_on="k", right_on="k"), lt, rt,
                      (ValueError, ax.AlopexError))


def test_mismatched_key_counts() -> None:
    lt, rt = pair("i64", 5)
    assert_both_raise(lambda m, L, R: J(m, L, R, "inner", left_on=["k", "k2"], right_on=["k"]), lt, rt,
                      (ValueError, ax.AlopexError))
