"""Expressions, differentially against Polars (Polars defines the right answer).

Every test builds the same frame in alopex and in Polars (from one pyarrow table generated with
a seeded NumPy RNG), evaluates the same expression in both and compares the results column by
column: names and order, dtype names, null positions and values (NaN == NaN). See conftest.py
for the helpers (``assert_matches_polars``, ``frames``, ``mixed_table``).

Known deviations are marked ``xfail(strict=True)`` with a short reason; they flip to XPASS
(and so fail the run) when the engine is fixed, and the mark should then be removed.
"""

from __future__ import annotations

import operator

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import (  # noqa: E402
    INT_TAGS,
    NUMERIC_TAGS,
    SHORT,
    frames,
    mixed_table,
    run_both,
)

SMALL = 300
LARGE = 4 * 65_536 + 3  # > 200,000 rows: four full morsels and a ragged fifth

def _exact_where_polars_is_not(x: np.ndarray, y: np.ndarray, r: np.ndarray, f32: bool) -> np.ndarray:
    """Polars' float remainders r, except where its formula x - y*floor(x/y)
    loses every digit (the quotient beyond 2^53, 2^24 in Float32: Polars
    gives 1e17 % 0.3 = -16.0): there the exact remainder in the divisor's
    sign, which alopex computes (issue 10; lazy/kernels/arith.go)."""
    ft = np.float32 if f32 else np.float64
    x, y = x.astype(ft), y.astype(ft)
    with np.errstate(all="ignore"):
        q = np.floor(x / y)
        large = ~(np.abs(q) < (2.0**24 if f32 else 2.0**53)) & np.isfinite(x) & (y != 0) & ~np.isinf(y) & ~np.isnan(y)
        exact = np.fmod(x.astype(np.float64), y.astype(np.float64))
        move = (exact != 0) & ((exact < 0) != (y < 0))
        exact = np.where(move, exact + y, exact)
        exact = np.where(exact == 0, 0.0, exact)
    return np.where(large, exact.astype(ft), r)


def _mod(a, b):
    """a % b; with Polars operands, float remainders exact where Polars' are not."""
    if not (isinstance(a, pl.Expr) or isinstance(b, pl.Expr)):
        return a % b
    ea = a if isinstance(a, pl.Expr) else pl.lit(a)
    eb = b if isinstance(b, pl.Expr) else pl.lit(b)

    def fix(s: pl.Series) -> pl.Series:
        r = s.struct.field("r")
        if r.dtype not in (pl.Float32, pl.Float64):
            return r
        x = s.struct.field("x").cast(pl.Float64).to_numpy()
        y = s.struct.field("y").cast(pl.Float64).to_numpy()
        fixed = _exact_where_polars_is_not(x, y, r.to_numpy(), r.dtype == pl.Float32)
        return pl.Series(r.name, fixed, dtype=r.dtype).set(r.is_null(), None) if r.null_count() else \
            pl.Series(r.name, fixed, dtype=r.dtype)

    r = a % b
    return pl.struct(r.alias("r"), ea.alias("x"), eb.alias("y")).map_batches(fix).alias(r.meta.output_name())


ARITH = {
    "+": operator.add, "-": operator.sub, "*": operator.mul,
    "/": operator.truediv, "//": operator.floordiv, "%": operator.mod,
}
# ARITH where an operand is a float: float % compared with exact remainders
# where Polars' lose their digits.
FLOAT_ARITH = {**ARITH, "%": _mod}
COMPARE = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
SIGNED = {"i8", "i16", "i32", "i64"}


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=reason, strict=True)


def _p(*values, reason: str | None = None, id: str | None = None):  # noqa: A002
    marks = [_xfail(reason)] if reason else []
    return pytest.param(*values, marks=marks, id=id)


# Polars widens a signed integer op UInt64 to Int128, which alopex does not have: alopex raises
# NotSupportedError ("needs a 128-bit integer result", cast one side first) instead of guessing.
INT128_OPS = {"+", "-", "*", "//", "%"}
# Polars' vectorized kernel evaluates col % float_literal as x - y * floor(x * (1 / y)), which
# loses every digit where |x / y| > 2**53; FLOAT_ARITH compares those rows with the exact
# remainder alopex computes instead (issue 10).
# Polars evaluates col / literal as col * (1 / literal), so quotients differ by one ulp from an
# exactly rounded division; that is not considered a bug, the comparison allows that ulp.
F64_ULP = 5e-16
F32_ULP = 3e-7


def _int128_pair(lt: str, rt: str) -> bool:
    return (lt in SIGNED and rt == "u64") or (lt == "u64" and rt in SIGNED)


def _assert_needs_int128(build, n: int = SMALL, *, table: pa.Table | None = None) -> None:
    """Polars answers in Int128; alopex raises NotSupportedError asking for an explicit cast."""
    a_res, p_res = run_both(build, n, table=table)
    assert not isinstance(p_res, Exception), p_res
    assert [str(t) for t in p_res.dtypes] == ["Int128"] * p_res.width, p_res.dtypes
    assert isinstance(a_res, ax.NotSupportedError), a_res
    assert "128-bit" in str(a_res) and "cast" in str(a_res)


# --------------------------------------------------------------------------------------------
# Arithmetic: every operator on every pair of numeric column types
# --------------------------------------------------------------------------------------------

def _arith_pairs():
    for op in ARITH:
        for lt in NUMERIC_TAGS:
            for rt in NUMERIC_TAGS:
                yield _p(op, lt, rt, id=f"{lt}{op}{rt}")


@pytest.mark.parametrize(("op", "lt", "rt"), list(_arith_pairs()))
def test_arith_column_pairs(assert_matches_polars, op, lt, rt):
    f = FLOAT_ARITH[op] if "f" in lt + rt else ARITH[op]

    def build(m, df):
        return df.select(f(m.col(f"a_{lt}"), m.col(f"b_{rt}")))

    if op in INT128_OPS and _int128_pair(lt, rt):
        _assert_needs_int128(build)
    else:
        assert_matches_polars(build, SMALL)


@pytest.mark.parametrize(("op", "tag"), [
    pytest.param(op, tag, id=f"{tag}{op}{tag}") for op in ARITH for tag in NUMERIC_TAGS])
def test_arith_same_type_large(assert_matches_polars, op, tag):
    """> 200,000 rows: every morsel of the parallel executor computes its part."""
    f = ARITH[op]
    assert_matches_polars(lambda m, df: df.select(f(m.col(f"a_{tag}"), m.col(f"b_{tag}"))), LARGE)


@pytest.mark.parametrize(("op", "tag", "n"), [
    # the seeded single row holds 0.0 % inf for f64
    pytest.param(op, tag, n, id=f"{tag}{op}{tag}-n{n}")
    for op in ARITH for tag in ["i8", "i64", "u16", "u64", "f32", "f64"] for n in (0, 1)])
def test_arith_empty_and_single_row(assert_matches_polars, op, tag, n):
    f = ARITH[op]
    assert_matches_polars(
        lambda m, df: df.select(f(m.col(f"a_{tag}"), m.col(f"b_{tag}")), (f(m.col(f"a_{tag}"), 2)).alias("lit")), n)


# Literals on either side.  Polars types an untyped int/float literal by the column it meets:
# an int that fits the column's type keeps it (i8 + 3 -> Int8), one that does not widens it.
LITERALS = [3, -3, 0, 300, 70_000, 2**40, 2.5]


def _np_type(tag: str) -> type:
    return {"i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64, "u8": np.uint8, "u16": np.uint16,
            "u32": np.uint32, "u64": np.uint64, "f32": np.float32, "f64": np.float64}[tag]


def _arith_literal_cases():
    for op in ARITH:
        for tag in NUMERIC_TAGS:
            for value in LITERALS:
                for side in ("right", "left"):
                    yield _p(op, tag, value, side, id=f"{tag}{op}{value}-{side}")


@pytest.mark.parametrize(("op", "tag", "value", "side"), list(_arith_literal_cases()))
def test_arith_literal(assert_matches_polars, op, tag, value, side):
    f = FLOAT_ARITH[op] if tag.startswith("f") or isinstance(value, float) else ARITH[op]

    def build(m, df):
        c = m.col(f"a_{tag}")
        e = f(c, value) if side == "right" else f(value, c)
        return df.select(e.alias("out"))  # naming of literal-first expressions: see test_naming_*

    ulp = F32_ULP if tag == "f32" else F64_ULP
    assert_matches_polars(build, SMALL, rtol=ulp if op in ("/", "//") and side == "right" else 0.0)


@pytest.mark.parametrize("op", list(ARITH))
@pytest.mark.parametrize("tag", ["i8", "u8", "i64", "f32"])
def test_arith_typed_literal(assert_matches_polars, op, tag):
    dtypes = {"i8": "Int8", "u8": "UInt8", "i64": "Int64", "f32": "Float32"}
    d = dtypes[tag]
    assert_matches_polars(
        lambda m, df: df.select(ARITH[op](m.col(f"a_{tag}"), m.lit(5, dtype=getattr(m, d))).alias("out")),
        SMALL, rtol=(F32_ULP if tag == "f32" else F64_ULP) if op in ("/", "//") else 0.0)


@pytest.mark.parametrize("tag", NUMERIC_TAGS)
def test_integer_division_and_modulo_by_zero_is_null(assert_matches_polars, tag):
    t = mixed_table(SMALL)
    zero = pa.array(np.zeros(SMALL, dtype=t.column(f"a_{tag}").type.to_pandas_dtype()))
    table = t.append_column("zero", zero)
    assert_matches_polars(
        lambda m, df: df.select(
            (m.col(f"a_{tag}") // m.col("zero")).alias("fd"),
            (m.col(f"a_{tag}") % m.col("zero")).alias("md"),
            (m.col(f"a_{tag}") / m.col("zero")).alias("td"),
            (m.col(f"a_{tag}") // 0).alias("fd_lit"),
            (m.col(f"a_{tag}") % 0).alias("md_lit"),
        ),
        table=table,
    )


@pytest.mark.parametrize("tag", INT_TAGS)
def test_integer_overflow_wraps(assert_matches_polars, tag):
    np_t = _np_type(tag)
    info = np.iinfo(np_t)
    vals = np.array([info.max, info.min, info.max - 1, info.min + 1, 0, 1], dtype=np_t)
    table = pa.table({"x": vals, "y": vals[::-1].copy()})
    assert_matches_polars(
        lambda m, df: df.select(
            (m.col("x") + m.col("y")).alias("add"),
            (m.col("x") - m.col("y")).alias("sub"),
            (m.col("x") * m.col("y")).alias("mul"),
            (m.col("x") + 1).alias("add1"),
            (m.col("x") * 2).alias("mul2"),
        ),
        table=table,
    )


@pytest.mark.parametrize("tag", sorted(SIGNED))
def test_signed_min_floordiv_mod_minus_one(assert_matches_polars, tag):
    np_t = _np_type(tag)
    info = np.iinfo(np_t)
    table = pa.table({"x": np.array([info.min, info.max, -7, 7], dtype=np_t),
                      "y": np.array([-1, -1, -1, -1], dtype=np_t)})
    assert_matches_polars(
        lambda m, df: df.select((m.col("x") // m.col("y")).alias("fd"), (m.col("x") % m.col("y")).alias("md"),
                                (m.col("x") * m.col("y")).alias("mul")),
        table=table,
    )


def test_floor_division_and_modulo_signs(assert_matches_polars):
    table = pa.table({
        "x": pa.array([7, -7, 7, -7, 0, 1, -1], pa.int32()),
        "y": pa.array([2, 2, -2, -2, 3, -3, 3], pa.int32()),
        "fx": pa.array([7.5, -7.5, 7.5, -7.5, 0.0, -0.0, 5.0]),
        "fy": pa.array([2.0, 2.0, -2.0, -2.0, -3.0, 3.0, 0.5]),
    })
    assert_matches_polars(
        lambda m, df: df.select(
            (m.col("x") // m.col("y")).alias("ifd"), (m.col("x") % m.col("y")).alias("imd"),
            (m.col("fx") // m.col("fy")).alias("ffd"), (m.col("fx") % m.col("fy")).alias("fmd"),
            (m.col("x") / m.col("y")).alias("itd"), (m.col("fx") / m.col("fy")).alias("ftd"),
        ),
        table=table,
    )


SPECIAL_FLOATS = [float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1.0, -1.0, 2.5, -7.0, 1e300, -1e-300, 5e-324]


@pytest.mark.parametrize("op", list(ARITH))
@pytest.mark.parametrize("dtype", ["f32", "f64"])
def test_float_special_values_cross_product(assert_matches_polars, op, dtype):
    """Every pair of NaN, ±inf, ±0, tiny and huge values (IEEE semantics, no nulls from NaN)."""
    xs = [x for x in SPECIAL_FLOATS for _ in SPECIAL_FLOATS]
    ys = [y for _ in SPECIAL_FLOATS for y in SPECIAL_FLOATS]
    t = pa.float32() if dtype == "f32" else pa.float64()
    table = pa.table({"x": pa.array(xs, t), "y": pa.array(ys, t)})
    f = FLOAT_ARITH[op]
    assert_matches_polars(lambda m, df: df.select(f(m.col("x"), m.col("y"))), table=table)


@pytest.mark.parametrize("n", [SMALL, LARGE])
def test_float_mod_finite_operands_agree_within_rounding(n):
    """Where float % is well conditioned (finite, moderate operands) both agree up to rounding."""
    a_df, p_df = frames(n)
    a = a_df.select((ax.col("a_f64") % ax.col("b_f64")).alias("m"), ax.col("a_f64"), ax.col("b_f64")).to_arrow()
    p = p_df.select((pl.col("a_f64") % pl.col("b_f64")).alias("m")).to_arrow()
    x = a.column("a_f64").to_numpy(zero_copy_only=False)
    y = a.column("b_f64").to_numpy(zero_copy_only=False)
    ok = np.isfinite(x) & np.isfinite(y) & (np.abs(y) > 1e-3)
    am = a.column("m").to_numpy(zero_copy_only=False)[ok]
    pm = p.column("m").to_numpy(zero_copy_only=False)[ok]
    np.testing.assert_allclose(am, pm, rtol=1e-9, atol=1e-9)
    assert a.column("m").null_count == p.column("m").null_count


def test_float_mod_by_infinity(assert_matches_polars):
    """x % ±inf is NaN: a - b * floor(a / b), as in Polars."""
    table = pa.table({"x": [5.0, -5.0, 0.0], "y": [float("inf"), float("inf"), -float("inf")]})
    assert_matches_polars(lambda m, df: df.select(m.col("x") % m.col("y")), table=table)


@pytest.mark.parametrize("tag", NUMERIC_TAGS)
def test_unary_negation(assert_matches_polars, tag):
    """Unsigned columns: Polars raises InvalidOperationError, alopex ComputeError."""
    assert_matches_polars(lambda m, df: df.select(-m.col(f"a_{tag}")), SMALL, expect_error=ax.ComputeError)


# --------------------------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------------------------

def _compare_pairs():
    for op in COMPARE:
        for lt in NUMERIC_TAGS:
            for rt in NUMERIC_TAGS:
                yield pytest.param(op, lt, rt, id=f"{lt}{op}{rt}")


@pytest.mark.parametrize(("op", "lt", "rt"), list(_compare_pairs()))
def test_compare_column_pairs(assert_matches_polars, op, lt, rt):
    f = COMPARE[op]
    assert_matches_polars(lambda m, df: df.select(f(m.col(f"a_{lt}"), m.col(f"b_{rt}"))), SMALL)


COMPARE_LITERALS = [0, 5, -1, 300, 2.5, float("nan"), float("inf"), -float("inf")]


def _compare_literal_cases():
    for value in COMPARE_LITERALS:
        for tag in NUMERIC_TAGS:
            yield _p(value, tag, id=f"{value!r}-{tag}")


@pytest.mark.parametrize("op", list(COMPARE))
@pytest.mark.parametrize(("value", "tag"), list(_compare_literal_cases()))
def test_compare_literal(assert_matches_polars, op, tag, value):
    f = COMPARE[op]
    assert_matches_polars(
        lambda m, df: df.select(f(m.col(f"a_{tag}"), value).alias("r"), f(value, m.col(f"a_{tag}")).alias("l")),
        SMALL)


@pytest.mark.parametrize("op", list(COMPARE))
def test_compare_nan_semantics(assert_matches_polars, op):
    """Polars orders NaN above +inf and NaN == NaN is true (total order)."""
    nan, inf = float("nan"), float("inf")
    xs = [nan, nan, nan, 1.0, inf, -inf, None, nan, 0.0, -0.0]
    ys = [nan, 1.0, inf, nan, nan, nan, nan, None, -0.0, 0.0]
    table = pa.table({"x": pa.array(xs, pa.float64()), "y": pa.array(ys, pa.float64()),
                      "x32": pa.array(xs, pa.float32())})
    f = COMPARE[op]
    assert_matches_polars(
        lambda m, df: df.select(f(m.col("x"), m.col("y")).alias("ff"), f(m.col("x32"), m.col("y")).alias("f32_64"),
                                f(m.col("x"), nan).alias("lit_nan")),
        table=table)


@pytest.mark.parametrize("op", list(COMPARE))
@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
def test_compare_strings(assert_matches_polars, op, n):
    f = COMPARE[op]
    assert_matches_polars(
        lambda m, df: df.select(f(m.col("a_str"), m.col("b_str")).alias("cc"), f(m.col("a_str"), "café").alias("cl"),
                                f(m.col("a_str"), "").alias("empty"), f("日本", m.col("a_str")).alias("lc")),
        n)


@pytest.mark.parametrize("op", list(COMPARE))
def test_compare_booleans(assert_matches_polars, op):
    f = COMPARE[op]
    assert_matches_polars(
        lambda m, df: df.select(f(m.col("a_bool"), m.col("b_bool")).alias("cc"), f(m.col("a_bool"), True).alias("cl")),
        SMALL)


@pytest.mark.parametrize("op", list(COMPARE))
@pytest.mark.parametrize("tag", ["i32", "f64", "str", "bool"])
def test_compare_with_null_literal_is_null(assert_matches_polars, op, tag):
    f = COMPARE[op]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_matches_polars(lambda m, df: df.select(f(m.col(f"a_{tag}"), m.lit(None)).alias("r")), SMALL)


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "le", "gt", "ge", "add", "sub", "mul", "truediv", "floordiv", "mod"])
def test_named_methods_match_polars(assert_matches_polars, name):
    assert_matches_polars(
        lambda m, df: df.select(getattr(m.col("a_i32"), name)(m.col("b_i16")).alias("cc"),
                                getattr(m.col("a_i16"), name)(7).alias("cl"),
                                getattr(m.col("a_f64"), name)(m.col("b_f32") if name != "mod" else 3.0).alias("ff")),
        SMALL, rtol=F64_ULP)


@pytest.mark.parametrize(("ax_name", "pl_name"), [("and_", "and_"), ("or_", "or_"), ("xor", "xor"), ("not_", "not_")])
def test_named_logical_methods(assert_matches_polars, ax_name, pl_name):
    def build(m, df):
        meth = getattr(m.col("a_bool"), ax_name if m is ax else pl_name)
        return df.select((meth() if ax_name == "not_" else meth(m.col("b_bool"))).alias("r"))

    assert_matches_polars(build, SMALL)


def test_neg_method(assert_matches_polars):
    assert_matches_polars(lambda m, df: df.select(m.col("a_i64").neg(), m.col("a_f32").neg()), SMALL)


# --------------------------------------------------------------------------------------------
# Boolean logic: Kleene three-valued & | ^ ~
# --------------------------------------------------------------------------------------------

KLEENE = pa.table({
    "p": pa.array([True, True, True, False, False, False, None, None, None]),
    "q": pa.array([True, False, None, True, False, None, True, False, None]),
})


@pytest.mark.parametrize("op", ["&", "|", "^"])
def test_kleene_truth_tables(assert_matches_polars, op):
    f = {"&": operator.and_, "|": operator.or_, "^": operator.xor}[op]
    assert_matches_polars(
        lambda m, df: df.select(
            f(m.col("p"), m.col("q")).alias("pq"),
            f(m.col("p"), True).alias("pT"), f(m.col("p"), False).alias("pF"),
            f(True, m.col("q")).alias("Tq"), f(False, m.col("q")).alias("Fq"),
            f(m.col("p"), m.lit(None, dtype=m.Boolean)).alias("pN"),
        ),
        table=KLEENE)


def test_kleene_not_and_compound(assert_matches_polars):
    assert_matches_polars(
        lambda m, df: df.select(
            (~m.col("p")).alias("not_p"),
            (~(m.col("p") & m.col("q"))).alias("nand"),
            ((m.col("p") | m.col("q")) & ~(m.col("p") & m.col("q"))).alias("xor_via_and_or"),
            (m.col("p") ^ m.col("q") ^ m.col("p")).alias("xx"),
        ),
        table=KLEENE)


@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
def test_logic_on_generated_booleans(assert_matches_polars, n):
    assert_matches_polars(
        lambda m, df: df.select(
            (m.col("a_bool") & m.col("b_bool")).alias("and"), (m.col("a_bool") | m.col("b_bool")).alias("or"),
            (m.col("a_bool") ^ m.col("b_bool")).alias("xor"), (~m.col("a_bool")).alias("not"),
            ((m.col("a_i32") > 0) & (m.col("a_f64") < 0) | m.col("b_bool")).alias("mixed"),
        ),
        n)


BITWISE = {"&": operator.and_, "|": operator.or_, "^": operator.xor}


@pytest.mark.parametrize("op", list(BITWISE))
def test_integer_bitwise_binary(assert_matches_polars, op):
    f = BITWISE[op]
    assert_matches_polars(lambda m, df: df.select(f(m.col("a_i32"), m.col("b_i32"))), SMALL)


@pytest.mark.parametrize("op", list(BITWISE))
@pytest.mark.parametrize(("lt", "rt"), [(lt, rt) for lt in INT_TAGS for rt in INT_TAGS], ids=lambda t: t)
def test_integer_bitwise_column_pairs(assert_matches_polars, op, lt, rt):
    f = BITWISE[op]

    def build(m, df):
        return df.select(f(m.col(f"a_{lt}"), m.col(f"b_{rt}")), f(m.col(f"a_{lt}"), 6).alias("lit"))

    if _int128_pair(lt, rt):
        _assert_needs_int128(lambda m, df: df.select(f(m.col(f"a_{lt}"), m.col(f"b_{rt}"))))
        assert_matches_polars(lambda m, df: df.select(f(m.col(f"a_{lt}"), 6).alias("lit")), SMALL)
    else:
        assert_matches_polars(build, SMALL)


@pytest.mark.parametrize("tag", INT_TAGS)
def test_integer_bitwise_not(assert_matches_polars, tag):
    assert_matches_polars(lambda m, df: df.select(~m.col(f"a_{tag}")), SMALL)


# --------------------------------------------------------------------------------------------
# is_null / is_not_null
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
def test_is_null_every_type(assert_matches_polars, n):
    cols = [f"a_{t}" for t in NUMERIC_TAGS + ["str", "bool"]]
    assert_matches_polars(
        lambda m, df: df.select(
            *[m.col(c).is_null().alias(f"{c}_null") for c in cols],
            *[m.col(c).is_not_null().alias(f"{c}_nn") for c in cols],
        ),
        n)


def test_nan_is_not_null(assert_matches_polars):
    table = pa.table({"f": pa.array([float("nan"), None, 1.0, float("inf")])})
    assert_matches_polars(lambda m, df: df.select(m.col("f").is_null().alias("n"), m.col("f").is_not_null().alias("nn"),
                                                  (m.col("f") + 1).is_null().alias("n1")), table=table)


# --------------------------------------------------------------------------------------------
# cast
# --------------------------------------------------------------------------------------------

CAST_TARGETS = ["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64"]


def _cast_cases():
    for src in NUMERIC_TAGS:
        for dst in CAST_TARGETS:
            yield pytest.param(src, dst, id=f"{src}->{dst}")


@pytest.mark.parametrize(("src", "dst"), list(_cast_cases()))
def test_cast_numeric_non_strict(assert_matches_polars, src, dst):
    assert_matches_polars(
        lambda m, df: df.select(m.col(f"a_{src}").cast(getattr(m, dst), strict=False)), SMALL)


@pytest.mark.parametrize(("src", "dst"), list(_cast_cases()))
def test_cast_numeric_strict(assert_matches_polars, src, dst):
    """Where Polars fails a strict cast, alopex raises ComputeError; elsewhere the values match."""
    assert_matches_polars(
        lambda m, df: df.select(m.col(f"a_{src}").cast(getattr(m, dst))), SMALL, expect_error=ax.ComputeError)


@pytest.mark.parametrize("dst", CAST_TARGETS)
def test_cast_strict_succeeds_when_values_fit(assert_matches_polars, dst):
    table = pa.table({"x": pa.array([0, 1, 2, 100, None], pa.int64()),
                      "f": pa.array([0.0, 1.0, 2.0, 100.0, None])})
    assert_matches_polars(lambda m, df: df.select(m.col("x").cast(getattr(m, dst)), m.col("f").cast(getattr(m, dst))),
                          table=table)


@pytest.mark.parametrize("tag", NUMERIC_TAGS + ["bool"])
def test_cast_to_string(assert_matches_polars, tag):
    assert_matches_polars(lambda m, df: df.select(m.col(f"a_{tag}").cast(m.String)), SMALL)


def test_cast_ordinary_floats_to_string(assert_matches_polars):
    vals = [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, 12345.678, 0.0001, 0.001, 65536.5, -2.75, 1e-4,
            float("nan"), float("inf"), -float("inf"), None]
    table = pa.table({"f64": pa.array(vals, pa.float64()), "f32": pa.array(vals, pa.float32())})
    assert_matches_polars(lambda m, df: df.select(m.col("f64").cast(m.String), m.col("f32").cast(m.String)),
                          table=table)


@pytest.mark.parametrize("value", [1e20, 1e-7, 1e-5, 123456789.125, 2.0**53, 1e15, 1e15 + 0.5, 1e16, 1e21, 5e-324],
                         ids=repr)
def test_cast_large_small_floats_to_string(assert_matches_polars, value):
    table = pa.table({"f64": pa.array([value], pa.float64())})
    assert_matches_polars(lambda m, df: df.select(m.col("f64").cast(m.String)), table=table)


# strings on which both engines agree for every numeric target type
STRING_NUMBERS = ["0", "12", "-7", "3.5", "-0.0", "1e3", "abc", "", "255", "256", "-129", "0012", "-0",
                  "9223372036854775807", "9223372036854775808", "18446744073709551615", "nan", "NaN", "inf",
                  "-inf", "0x10", "١٢", ".5", "5.", "1E3", "1.0", "true", None]


@pytest.mark.parametrize("dst", CAST_TARGETS)
def test_cast_from_string_non_strict(assert_matches_polars, dst):
    table = pa.table({"s": pa.array(STRING_NUMBERS, pa.string())})
    assert_matches_polars(lambda m, df: df.select(m.col("s").cast(getattr(m, dst), strict=False)), table=table)


@pytest.mark.parametrize(("text", "dst"), [
    # surrounding whitespace and '_' are rejected (null), a leading '+' is accepted for every numeric type
    (" 4", "Int32"), ("4 ", "Int64"), (" 4", "UInt8"), (" 4.5", "Float64"), ("4.5 ", "Float32"),
    ("1_000", "Float64"), ("1_000", "Int64"), ("+5", "UInt8"), ("+5", "UInt64"), ("+5", "Int64"), ("+5", "Float32"),
    ("+-5", "Int64"), ("-5", "UInt8"),
])
def test_cast_from_string_edge_cases(assert_matches_polars, text, dst):
    table = pa.table({"s": pa.array([text, "7"], pa.string())})
    assert_matches_polars(lambda m, df: df.select(m.col("s").cast(getattr(m, dst), strict=False)), table=table)


@pytest.mark.parametrize("strict", [False, True])
def test_cast_string_to_boolean_is_error(assert_matches_polars, strict):
    """Polars raises InvalidOperationError; alopex raises ComputeError when the plan is built."""
    table = pa.table({"s": pa.array(["true", "false", "x", None])})
    assert_matches_polars(lambda m, df: df.select(m.col("s").cast(m.Boolean, strict=strict)), table=table,
                          expect_error=ax.ComputeError)
    lf = ax.DataFrame(table).lazy().select(ax.col("s").cast(ax.Boolean, strict=strict))
    with pytest.raises(ax.ComputeError):
        lf.schema  # noqa: B018 - resolving the plan is enough, no rows are read
    with pytest.raises(ax.ComputeError):
        ax.DataFrame({"s": []}, schema={"s": ax.String}).select(ax.col("s").cast(ax.Boolean, strict=strict))


@pytest.mark.parametrize("dst", ["Int8", "Int64", "UInt64", "Float64"])
def test_cast_from_string_strict(assert_matches_polars, dst):
    ok = pa.table({"s": pa.array(["1", "-2", None, "100"] if not dst.startswith("U") else ["1", "2", None, "100"])})
    assert_matches_polars(lambda m, df: df.select(m.col("s").cast(getattr(m, dst))), table=ok)
    bad = pa.table({"s": pa.array(["1", "x", None])})
    assert_matches_polars(lambda m, df: df.select(m.col("s").cast(getattr(m, dst))), table=bad,
                          expect_error=ax.ComputeError)


@pytest.mark.parametrize("tag", NUMERIC_TAGS)
def test_cast_numeric_bool_roundtrip(assert_matches_polars, tag):
    dst = SHORT[tag]
    assert_matches_polars(
        lambda m, df: df.select(m.col(f"a_{tag}").cast(m.Boolean).alias("to_bool"),
                                m.col("a_bool").cast(getattr(m, dst)).alias("from_bool")),
        SMALL)


@pytest.mark.parametrize(("value", "dst"), [
    (-0.5, "UInt8"), (-0.99, "UInt64"), (-128.9, "Int8"), (-32768.5, "Int16"), (255.9, "UInt8"), (127.9, "Int8"),
    (-0.0, "UInt8"), (-1.0, "UInt8"), (4294967295.5, "UInt32"), (4294967296.0, "UInt32"),
])
@pytest.mark.parametrize("strict", [False, True])
def test_cast_float_truncation_at_bounds(assert_matches_polars, value, dst, strict):
    table = pa.table({"f": pa.array([value, 1.0])})
    assert_matches_polars(lambda m, df: df.select(m.col("f").cast(getattr(m, dst), strict=strict)), table=table,
                          expect_error=ax.ComputeError)


def test_cast_accepts_names_and_python_types():
    df = ax.DataFrame({"x": [1, 2, None]})
    out = df.select(ax.col("x").cast("Float32").alias("a"), ax.col("x").cast(float).alias("b"),
                    ax.col("x").cast(str).alias("c"), ax.col("x").cast(pa.int8()).alias("d"))
    t = out.to_arrow()
    assert [str(x) for x in t.schema.types] == ["float", "double", "string", "int8"]
    assert out.to_dict(as_series=False)["c"] == ["1", "2", None]


# --------------------------------------------------------------------------------------------
# Output naming and alias
# --------------------------------------------------------------------------------------------

def test_naming_leftmost_column(assert_matches_polars):
    assert_matches_polars(
        lambda m, df: df.select(
            m.col("a_i32") + m.col("b_i64"),
            (m.col("b_f64") * 2 - m.col("a_f64")),
            (m.col("a_str") == m.col("b_str")),
            m.col("a_u8").cast(m.Int64).is_null(),
            -m.col("a_i16"),
            ~m.col("a_bool"),
        ),
        SMALL)


def test_naming_alias_and_realias(assert_matches_polars):
    assert_matches_polars(
        lambda m, df: df.select(
            (m.col("a_i32") + 1).alias("x").alias("y"),
            m.col("a_i32").alias("a_f64"),  # alias to the name of another input column
            m.col("a_f64").alias("日本 😀"),
            m.col("a_i8").alias(""),
        ),
        SMALL)


@pytest.mark.parametrize("build", [
    pytest.param(lambda m: 1 - m.col("a_u8"), id="int"),
    pytest.param(lambda m: "x" + m.col("a_str"), id="str"),
    pytest.param(lambda m: m.lit(2.5) * m.col("a_f64"), id="lit_expr"),
    pytest.param(lambda m: (2 * m.col("a_i32")) + m.col("b_i64"), id="nested"),
])
def test_naming_literal_first(assert_matches_polars, build):
    assert_matches_polars(lambda m, df: df.select(build(m)), SMALL)


@pytest.mark.parametrize("value", [1, -5, 2**31 - 1, -(2**31), 2**31, 2**40, 2.5, "x", True, -0.0], ids=repr)
def test_bare_literal_alongside_column(assert_matches_polars, value):
    """A bare literal is named 'literal' and broadcast to the frame's height."""
    assert_matches_polars(lambda m, df: df.select(m.col("a_i64"), m.lit(value)), SMALL)


@pytest.mark.parametrize("n", [0, 1, SMALL])
def test_select_only_literals_has_one_row(assert_matches_polars, n):
    assert_matches_polars(lambda m, df: df.select(m.lit(2.5).alias("x"), m.lit("s").alias("y"), m.lit(3).alias("z")), n)


CAST_LIT_REASON = ("lit(v).cast(T): alopex folds the cast into an untyped literal, so the result is not T "
                   "(lit(1).cast(Int64) alone is Int32, col(Int8) + lit(1).cast(Int64) is Int8, "
                   "col(Int8) + lit(1).cast(Float32) is Float64); Polars gives T / the supertype with T")


@pytest.mark.parametrize("build", [
    _p(lambda m: m.lit(1).cast(m.Int64), id="bare_int64"),
    _p(lambda m: m.lit(1).cast(m.Int16), id="bare_int16"),
    pytest.param(lambda m: m.lit(1).cast(m.UInt8), id="bare_uint8"),
    pytest.param(lambda m: m.lit(1).cast(m.Float64), id="bare_float64"),
    _p(lambda m: m.col("a_i8") + m.lit(1).cast(m.Int64), id="i8+int64"),
    _p(lambda m: m.col("a_i8") + m.lit(1).cast(m.Float32), id="i8+float32"),
    pytest.param(lambda m: m.col("a_i8") + m.lit(1, dtype=m.Int64), id="i8+typed_int64"),
])
def test_cast_literal_has_the_cast_type(assert_matches_polars, build):
    assert_matches_polars(lambda m, df: df.select(m.col("a_u8"), build(m).alias("c")), SMALL)


@pytest.mark.parametrize("dtype", ["Int8", "UInt16", "Float32", "String", "Boolean"])
def test_typed_literal(assert_matches_polars, dtype):
    value = {"String": "7", "Boolean": True}.get(dtype, 7)
    assert_matches_polars(lambda m, df: df.select(m.col("a_i8"), m.lit(value, dtype=getattr(m, dtype))), SMALL)


def test_null_literal_in_arithmetic(assert_matches_polars):
    assert_matches_polars(
        lambda m, df: df.select((m.col("a_i32") + m.lit(None)).alias("a"), (m.col("a_f64") * m.lit(None)).alias("b")),
        SMALL)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("op", list(ARITH))
def test_string_arith_with_int_is_compute_error(op):
    df = ax.DataFrame(mixed_table(SMALL))
    with pytest.raises(pl.exceptions.PolarsError):  # Polars rejects it too
        pl.from_arrow(mixed_table(SMALL)).select(ARITH[op](pl.col("a_str"), pl.col("a_i64")))
    with pytest.raises(ax.ComputeError) as ei:
        df.select(ARITH[op](ax.col("a_str"), ax.col("a_i64")))
    assert "String" in str(ei.value)


@pytest.mark.parametrize("other", ["a_i64", "a_f64", _p("a_bool", id="a_bool", reason=(
    "String vs Boolean comparison: Polars casts the Boolean to String and compares, alopex raises ComputeError"))])
def test_compare_string_with_number_is_compute_error(assert_matches_polars, other):
    assert_matches_polars(lambda m, df: df.select(m.col("a_str") < m.col(other)), SMALL, expect_error=ax.ComputeError)
    assert_matches_polars(lambda m, df: df.select(m.col(other) == "7"), SMALL, expect_error=ax.ComputeError)


def test_cast_to_null_is_error(assert_matches_polars):
    assert_matches_polars(lambda m, df: df.select(m.col("a_i8").cast(m.Null)), SMALL, expect_error=ax.ComputeError)


@pytest.mark.parametrize(("value", "dtype"), [(300, "Int8"), (-1, "UInt8"), (70_000, "UInt16")])
def test_typed_literal_out_of_range_is_error(value, dtype):
    df = pl.from_arrow(mixed_table(SMALL))
    with pytest.raises(pl.exceptions.PolarsError):
        df.select(pl.lit(value, dtype=getattr(pl, dtype)))
    with pytest.raises(ax.AlopexError):  # InvalidInputError when the expression is built
        ax.DataFrame(mixed_table(SMALL)).select(ax.lit(value, dtype=getattr(ax, dtype)))


BOOL_ARITH_REASON = "arithmetic on Boolean: Polars treats booleans as 0/1 integers (b + 1 -> Int32), alopex raises ComputeError"


@pytest.mark.parametrize("build", [
    _p(lambda m: m.col("a_bool") + 1, reason=BOOL_ARITH_REASON, id="bool+1"),
    _p(lambda m: m.col("a_bool") + m.col("a_i8"), reason=BOOL_ARITH_REASON, id="bool+i8"),
    _p(lambda m: m.col("a_bool") * 2.5, reason=BOOL_ARITH_REASON, id="bool*2.5"),
])
def test_boolean_arithmetic(assert_matches_polars, build):
    assert_matches_polars(lambda m, df: df.select(build(m).alias("out")), SMALL)


def test_negate_boolean_is_error(assert_matches_polars):
    assert_matches_polars(lambda m, df: df.select(-m.col("a_bool")), SMALL, expect_error=ax.ComputeError)


@pytest.mark.parametrize("n", [0, 1, SMALL, LARGE])
def test_string_concatenation(assert_matches_polars, n):
    assert_matches_polars(
        lambda m, df: df.select((m.col("a_str") + m.col("b_str")).alias("cc"), (m.col("a_str") + "·é").alias("cl"),
                                ("日本" + m.col("a_str")).alias("lc")),
        n)


EXTREMES = pa.table({
    "i": pa.array([2**53, 2**53 + 1, 2**63 - 1, -(2**63), -1, 0], pa.int64()),
    "u": pa.array([2**53, 2**53, 2**63, 2**64 - 1, 0, 2**63 - 1], pa.uint64()),
    "f": pa.array([2.0**53, 2.0**53, 2.0**63, -(2.0**63), -1.0, float("nan")]),
})


def test_extreme_integer_float_comparisons(assert_matches_polars):
    """Int/float comparisons right at the 2**53 and 64-bit limits (compared as Float64 in both)."""
    assert_matches_polars(
        lambda m, df: df.select(
            (m.col("i") == m.col("f")).alias("i_eq_f"), (m.col("i") > m.col("f")).alias("i_gt_f"),
            (m.col("u") >= m.col("f")).alias("u_ge_f"),  # (u > -1: see test_extreme_int64_uint64_comparisons)
            (m.col("i") <= 2**63 - 1).alias("i_le_max"), (m.col("u") == 2**64 - 1).alias("u_eq_max"),
            (m.col("u") == 2**53).alias("u_eq_2_53"), (m.col("i") != 2**53 + 1).alias("i_ne"),
        ),
        table=EXTREMES)


@pytest.mark.parametrize("build", [
    pytest.param(lambda m: m.col("i") < m.col("u"), id="i<u"),
    pytest.param(lambda m: m.col("i") == m.col("u"), id="i==u"),
    pytest.param(lambda m: m.col("u") > m.col("i"), id="u>i"),
    pytest.param(lambda m: m.col("u") >= m.col("i"), id="u>=i"),
    pytest.param(lambda m: m.col("i") != m.col("u"), id="i!=u"),
    pytest.param(lambda m: m.col("i") < 2**63, id="i<2**63"),
    pytest.param(lambda m: m.col("u") > 2**63 - 1, id="u>2**63-1"),
    _p(lambda m: m.col("u") > -1, id="u>-1"),
    _p(lambda m: m.col("u") == -(2**63), id="u==-2**63"),
])
def test_extreme_int64_uint64_comparisons(assert_matches_polars, build):
    assert_matches_polars(lambda m, df: df.select(build(m).alias("r")), table=EXTREMES)


@pytest.mark.parametrize("tag", NUMERIC_TAGS)
def test_compare_same_type_large(assert_matches_polars, tag):
    assert_matches_polars(
        lambda m, df: df.select(*[f(m.col(f"a_{tag}"), m.col(f"b_{tag}")).alias(name) for name, f in COMPARE.items()]),
        LARGE)


@pytest.mark.parametrize("tag", NUMERIC_TAGS)
def test_cast_large(assert_matches_polars, tag):
    assert_matches_polars(
        lambda m, df: df.select(m.col(f"a_{tag}").cast(m.Int16, strict=False).alias("i16"),
                                m.col(f"a_{tag}").cast(m.Float64).alias("f64"),
                                m.col(f"a_{tag}").cast(m.UInt32, strict=False).alias("u32")),
        LARGE)


def test_unknown_column_in_expression_suggests_close_name():
    df = ax.DataFrame({"price": [1.0], "quantity": [2]})
    with pytest.raises(ax.ColumnNotFoundError) as ei:
        df.select(ax.col("prise") * ax.col("quantity"))
    assert "price" in ei.value.suggestions
    assert "prise" in str(ei.value) and "price" in str(ei.value)
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        pl.DataFrame({"price": [1.0], "quantity": [2]}).select(pl.col("prise") * pl.col("quantity"))


def test_logic_on_non_boolean_is_error(assert_matches_polars):
    assert_matches_polars(lambda m, df: df.select(m.col("a_f64") & m.col("a_bool")), SMALL,
                          expect_error=ax.ComputeError)


def test_abs_of_negative_zero_is_positive_zero():
    """abs(-0.0) is 0.0 in Polars (Rust's f64::abs clears the sign); alopex kept -0.0."""
    import math

    pl = pytest.importorskip("polars")
    data = {"f": [-0.0, 0.0, -1.5, None], "g": pl.Series([-0.0, 2.0, -0.0, 1.0], dtype=pl.Float32).to_list()}
    got = ax.DataFrame(data).select(ax.col("f").abs(), ax.col("g").cast(ax.Float32).abs())
    want = pl.DataFrame(data).select(pl.col("f").abs(), pl.col("g").cast(pl.Float32).abs())
    sign = lambda rows: [[None if v is None else math.copysign(1, v) for v in r] for r in rows]  # noqa: E731
    assert sign(got.rows()) == sign(want.rows()) and got.rows() == want.rows()
