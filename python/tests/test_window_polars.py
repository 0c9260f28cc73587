"""Window functions, differentially against Polars.

``expr.over(partition_by..., order_by=..., descending=, nulls_last=)``; the order-dependent
functions cum_sum, cum_prod, cum_min, cum_max, cum_count, shift, diff and rank, with and without
``over`` (without: the whole frame is one partition); aggregates inside ``over`` (broadcast per
partition) and beside row-wise columns in ``select``/``with_columns``/``filter`` (broadcast over
the whole frame); windows in lazy pipelines after filters, joins and sorts.

Every test builds the same frame in alopex and in Polars (one pyarrow table from a seeded NumPy
RNG: partition keys of several types with nulls, order keys with many ties and nulls, integers of
several widths (full range: sums and products wrap), floats with NaN, ±inf, ±0.0 and nulls,
unicode strings, booleans, dates; 0, 1, 1000 and 300,000 rows), runs the same pipeline in both
and compares the results column by column: names and order, dtype names, row count, null
positions, values (NaN == NaN; floats with a relative tolerance of 1e-9).

Rows tied on the order_by keys keep their input order (Polars does too: the tie tests pin it).

Known bugs and deviations are ``xfail(strict=True)`` with the reason and a minimal repro: they
turn into failures (XPASS) when the engine is fixed, and the mark should then go.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import UNICODE_POOL, arrow_dtype_name, assert_arrays_match, random_array, run_pair  # noqa: E402

BIG = 300_000
SMALL_SIZES = [0, 1, 1000]


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=reason, strict=True)




# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def win_table(n: int) -> pa.Table:
    """Partition keys ``k_*``, order keys ``t*``, a unique ``row`` and value columns ``v_*``."""
    rng = np.random.default_rng(20_261_122 + n)

    def mask(frac: float = 0.1) -> np.ndarray:
        return rng.random(n) < frac

    cols: dict[str, pa.Array] = {}
    cols["row"] = pa.array(np.arange(n, dtype=np.int64))
    cols["k_int"] = pa.array(rng.integers(0, 7, n), mask=mask())
    cols["k_str"] = pa.array([UNICODE_POOL[i] for i in rng.integers(0, 6, n)], pa.string(), mask=mask())
    cols["k_bool"] = pa.array(rng.random(n) < 0.4, mask=mask(0.05))
    cols["k_f64"] = pa.array(rng.choice(np.array([0.0, -0.0, 1.5, np.nan, np.inf]), n), mask=mask())
    # Order keys: t has many ties (about 4 rows per value) and nulls; t_f is a float with NaN.
    cols["t"] = pa.array(rng.integers(0, max(n // 4, 1), n), mask=mask(0.05))
    cols["t_f"] = pa.array(rng.choice(np.array([-1.5, 0.0, 2.25, np.nan, np.inf, 7.0]), n), mask=mask(0.05))
    cols["t_date"] = pa.array(rng.integers(-3, 4, n).astype(np.int32) * 1000, mask=mask()).cast(pa.date32())
    for tag in ("i8", "i32", "i64", "u8", "u32", "f32", "f64", "str", "bool"):
        cols[f"v_{tag}"] = random_array(rng, tag, n, null_frac=0.1)
    # Finite floats without NaN (cum_min/cum_max: see test_cum_min_max_skip_nan), with ±0.0 and ±inf.
    fin = np.round(rng.standard_normal(n) * 100, 2)
    fin[rng.random(n) < 0.03] = np.inf
    fin[rng.random(n) < 0.03] = -np.inf
    fin[rng.random(n) < 0.03] = -0.0
    cols["v_fnn"] = pa.array(fin, mask=mask())
    # Small values: exact sums, means and medians whatever the order; small UInt64.
    cols["v_small"] = pa.array(rng.integers(-50, 51, n), mask=mask())
    cols["v_u64"] = pa.array(rng.integers(0, 1000, n).astype(np.uint64), mask=mask())
    cols["v_date"] = pa.array(rng.integers(-20_000, 20_000, n).astype(np.int32), mask=mask()).cast(pa.date32())
    return pa.table(cols)


def _frames(table: pa.Table) -> tuple[Any, Any]:
    return ax.DataFrame(table), pl.from_arrow(table)


@functools.lru_cache(maxsize=None)
def frames(n: int) -> tuple[Any, Any]:
    return _frames(win_table(n))


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------

def assert_same(a_res: Any, p_res: Any, *, rtol: float = 1e-9, rtol_for: dict[str, float] | None = None) -> None:
    """Compare an alopex result with Polars': names and order, dtypes, rows, nulls, values."""
    at, pt = a_res.to_arrow(), p_res.to_arrow()
    assert at.column_names == pt.column_names, f"names: alopex {at.column_names} polars {pt.column_names}"
    adt = [arrow_dtype_name(t) for t in at.schema.types]
    pdt = [arrow_dtype_name(t) for t in pt.schema.types]
    assert adt == pdt, f"dtypes: alopex {adt} polars {pdt}"
    assert at.num_rows == pt.num_rows, f"rows: alopex {at.num_rows} polars {pt.num_rows}"
    for name, typ in zip(at.column_names, at.schema.types):
        a, p = at.column(name), pt.column(name)
        if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
            a, p = a.cast(pa.large_string()), p.cast(pa.large_string())
            if a.equals(p):  # fast path for long string columns
                continue
        tol = (rtol_for or {}).get(name, rtol)
        if pa.types.is_float32(typ):  # Polars accumulates Float32 sums in Float32, alopex in Float64
            tol = max(tol, 1e-5)
        assert_arrays_match(a, p, name, rtol=tol)


def both(build: Callable[[Any, Any], Any], n: int | None = None, *, table: pa.Table | None = None,
         lazy: bool = False) -> tuple[Any, Any]:
    """``build(module, frame)`` in alopex and in Polars (exceptions returned, not raised)."""
    fa, fp = _frames(table) if table is not None else frames(n)
    return run_pair(build, fa, fp, lazy=lazy)


def check(build: Callable[[Any, Any], Any], n: int | None = None, *, table: pa.Table | None = None,
          lazy: bool = False, **kw: Any) -> Any:
    a_res, p_res = both(build, n, table=table, lazy=lazy)
    if isinstance(p_res, Exception):
        raise AssertionError(f"polars raised {type(p_res).__name__}: {p_res}")
    if isinstance(a_res, Exception):
        raise AssertionError(f"alopex raised {type(a_res).__name__}: {a_res}") from a_res
    assert_same(a_res, p_res, **kw)
    return a_res


def check_error(build: Callable[[Any, Any], Any], error: type[BaseException], *, n: int | None = None,
                table: pa.Table | None = None, polars_raises: bool = True) -> None:
    """alopex raises ``error``; Polars raises too (``polars_raises``) or returns a result."""
    a_res, p_res = both(build, n, table=table)
    assert isinstance(a_res, error), f"alopex gave {a_res!r}, want {error.__name__}"
    assert isinstance(p_res, Exception) == polars_raises, f"polars gave {p_res!r}"


# --------------------------------------------------------------------------------------------
# Windows: partitions and orders
# --------------------------------------------------------------------------------------------

# Partition keys (None: no over() at all, the whole frame).
PARTS: dict[str, Callable[[Any], Any]] = {
    "none": lambda m: None,
    "int": lambda m: ["k_int"],
    "str": lambda m: ["k_str"],
    "int,bool": lambda m: ["k_int", "k_bool"],
    "expr": lambda m: [m.col("t") % 3],  # t has nulls: a null partition
}
# Orders: (keys, descending, nulls_last); None: input order.
ORDERS: dict[str, Any] = {
    "input": None,
    "t": (["t"], False, False),
    "t-desc": (["t"], True, False),
    "t-desc-nl": (["t"], True, True),
    # Polars orders rows tied on several order_by keys arbitrarily (unstable): "row" breaks the ties.
    "str,t_f,row-nl": (["k_str", "t_f", "row"], False, True),
}


def windowed(m: Any, e: Any, part: str, order: str) -> Any:
    """``e`` over the partition and order named (no over() for "none" without an order)."""
    keys = PARTS[part](m)
    o = ORDERS[order]
    if keys is None and o is None:
        return e
    if o is None:
        return e.over(keys)
    by, desc, nl = o
    return e.over(keys, order_by=by, descending=desc, nulls_last=nl)


# Order-dependent functions: (function of an expression, the value columns it applies to).
FUNCS: dict[str, tuple[Callable[[Any], Any], list[str]]] = {
    "cum_sum": (lambda e: e.cum_sum(), ["v_i8", "v_i32", "v_i64", "v_u8", "v_u32", "v_u64", "v_f32", "v_f64", "v_bool"]),
    "cum_prod": (lambda e: e.cum_prod(), ["v_i8", "v_i64", "v_u8", "v_u32", "v_f64", "v_bool"]),
    "cum_min": (lambda e: e.cum_min(), ["v_i8", "v_i64", "v_u8", "v_u64", "v_fnn", "v_small"]),
    "cum_max": (lambda e: e.cum_max(), ["v_i32", "v_u32", "v_u64", "v_fnn", "v_small"]),
    "cum_count": (lambda e: e.cum_count(), ["v_i64", "v_str", "v_bool", "v_date"]),
    "shift": (lambda e: e.shift(), ["v_i64", "v_f64", "v_str", "v_bool", "v_date"]),
    "shift-2": (lambda e: e.shift(-2), ["v_i32", "v_f64", "v_str"]),
    "shift3-fill": (lambda e: e.shift(3, fill_value=0), ["v_i32", "v_i64", "v_f64"]),
    "shift-fill-str": (lambda e: e.shift(1, fill_value="∅"), ["v_str"]),
    "diff": (lambda e: e.diff(), ["v_i8", "v_i32", "v_i64", "v_u32", "v_f32", "v_f64"]),
    "diff-2": (lambda e: e.diff(-2), ["v_i64", "v_f64"]),
    "diff3": (lambda e: e.diff(3), ["v_i32", "v_fnn"]),
}
for _method in ("average", "min", "max", "dense", "ordinal"):
    for _desc in (False, True):
        FUNCS[f"rank-{_method}{'-desc' if _desc else ''}"] = (
            lambda e, _m=_method, _d=_desc: e.rank(_m, descending=_d), ["v_i64", "v_f64", "v_str", "v_u8", "v_date"])


def _func_build(fname: str, part: str, order: str, ncols: int | None = None) -> Callable[[Any, Any], Any]:
    f, cols = FUNCS[fname]
    cols = cols[:ncols]
    return lambda m, df: df.with_columns(*[windowed(m, f(m.col(c)), part, order).alias(f"r_{c}") for c in cols]).select(
        "row", *[f"r_{c}" for c in cols])


# 300,000 rows: a subset (runtime).
BIG_FUNCS = ("cum_sum", "cum_max", "cum_count", "shift-2", "diff", "rank-average", "rank-ordinal")


def _func_cases():
    for fname in FUNCS:
        # The order matters to rank only through ordinal's ties: other methods run in two orders (runtime).
        orders = ["input", "t-desc"] if fname.startswith("rank") and "ordinal" not in fname else ORDERS
        for part in PARTS:
            for order in orders:
                yield pytest.param(fname, part, order, 1000, id=f"{fname}-{part}-{order}-n1000")
        for part, order in (("int", "t"), ("none", "input")):
            for n in (0, 1):
                marks = []
                yield pytest.param(fname, part, order, n, id=f"{fname}-{part}-{order}-n{n}", marks=marks)
        if fname in BIG_FUNCS:
            yield pytest.param(fname, "str", "t-desc", BIG, id=f"{fname}-str-t-desc-n{BIG}")


@pytest.mark.parametrize(("fname", "part", "order", "n"), list(_func_cases()))
def test_order_function(fname, part, order, n):
    """Every order-dependent function × partition keys × orders; several value types at once
    (300,000 rows: two of them, for runtime: each window partitions and sorts on its own)."""
    check(_func_build(fname, part, order, 2 if n == BIG else None), n)


@pytest.mark.parametrize("n", [1000, BIG])
def test_many_functions_one_with_columns(n):
    """Many windows with different partitions and orders, and broadcasts, in one with_columns."""
    def build(m, df):
        return df.with_columns(
            m.col("v_i64").cum_sum().over("k_int", order_by="t").alias("a"),
            m.col("v_f64").rank("dense").over("k_str").alias("b"),
            m.col("v_i32").shift(2).over(["k_int", "k_bool"], order_by="t_f", descending=True).alias("c"),
            m.col("v_small").diff().alias("d"),
            (m.col("v_small") - m.col("v_small").mean()).alias("e"),
            m.col("v_small").max().over("k_str").alias("f"),
            m.col("v_i64").cum_count().over("k_int", order_by="row", descending=True).alias("g"),
            m.col("v_small").sum().alias("h"),
        )
    check(build, n)


# --------------------------------------------------------------------------------------------
# Ties in the order keys keep input order
# --------------------------------------------------------------------------------------------

TIES = pa.table({
    "k": pa.array([1, 1, 1, 1, 2, 2, 2, 1]),
    "t": pa.array([5, 5, 1, 5, None, 3, 3, None]),
    "v": pa.array([10, 20, 30, 40, 50, 60, 70, 80]),
})


@pytest.mark.parametrize("desc", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("nulls_last", [False, True], ids=["nulls-first", "nulls-last"])
def test_ties_keep_input_order(desc, nulls_last):
    def build(m, df):
        kw = dict(order_by="t", descending=desc, nulls_last=nulls_last)
        return df.with_columns(
            m.col("v").cum_sum().over("k", **kw).alias("cs"),
            m.col("v").shift().over("k", **kw).alias("sh"),
            m.col("v").cum_count().over("k", **kw).alias("cc"),
            m.col("t").rank("ordinal", descending=desc).over("k", **kw).alias("ro"),
        )
    res = check(build, table=TIES)
    # The tied rows of partition 1 (t == 5: v 10, 20, 40) stay in input order in either direction.
    cs = res["cs"].to_list()
    assert cs[1] - cs[0] == 20 and cs[3] - cs[1] == 40


def test_ties_on_several_keys_keep_input_order():
    """alopex keeps input order for rows tied on several order_by keys. Polars does not (it sorts
    them unstably), so alopex's over(order_by=[a, b]) is compared with Polars' [a, b, row]."""
    t = win_table(1000)
    fa, fp = ax.DataFrame(t), pl.from_arrow(t)
    for nl in (False, True):
        for desc in (False, True):
            a = fa.with_columns(ax.col("row").shift().over(order_by=["k_str", "t_f"], descending=desc,
                                                           nulls_last=nl).alias("prev"))
            p = fp.with_columns(pl.col("row").shift().over(order_by=["k_str", "t_f", pl.col("row") * (-1 if desc else 1)],
                                                           descending=desc, nulls_last=nl).alias("prev"))
            assert_same(a, p)


def test_ties_without_order_by_rank_ordinal_in_input_order():
    check(lambda m, df: df.with_columns(
        m.col("t").rank("ordinal").over("k").alias("a"),
        m.col("t").rank("ordinal", descending=True).alias("b"),
    ), table=TIES)


# --------------------------------------------------------------------------------------------
# Aggregates inside over() and broadcast
# --------------------------------------------------------------------------------------------

ALL = ["v_i64", "v_f64", "v_str", "v_bool", "v_date", "v_u8"]
NUM = ["v_i8", "v_i64", "v_u32", "v_f32", "v_f64", "v_bool", "v_small"]
FIN = ["v_small", "v_u8"]  # no ±inf: see the median-of-infinity deviation of test_groupby_polars
AGGS: dict[str, tuple[Callable[[Any], Any], list[str], float]] = {
    "sum": (lambda e: e.sum(), NUM, 1e-9),
    "mean": (lambda e: e.mean(), NUM, 1e-9),
    "min": (lambda e: e.min(), ALL + ["v_fnn"], 0.0),
    "max": (lambda e: e.max(), ALL + ["v_fnn"], 0.0),
    "count": (lambda e: e.count(), ALL, 0.0),
    "len": (lambda e: e.len(), ALL, 0.0),
    "n_unique": (lambda e: e.n_unique(), ALL, 0.0),
    "std": (lambda e: e.std(), ["v_small", "v_i32", "v_fnn"], 1e-9),
    "var0": (lambda e: e.var(ddof=0), ["v_small", "v_i32", "v_fnn"], 1e-9),
    "median": (lambda e: e.median(), FIN, 1e-9),
    "q_lower": (lambda e: e.quantile(0.3, "lower"), FIN + ["v_f64"], 0.0),
    "q_higher": (lambda e: e.quantile(0.9, "higher"), FIN + ["v_f64"], 0.0),
    "q_linear": (lambda e: e.quantile(0.7, "linear"), FIN, 1e-9),
    "q_midpoint": (lambda e: e.quantile(0.25, "midpoint"), FIN, 1e-9),
    "first": (lambda e: e.first(), ALL, 0.0),
    "last": (lambda e: e.last(), ALL, 0.0),
    "any": (lambda e: e.any(), ["v_bool"], 0.0),
    "all": (lambda e: e.all(), ["v_bool"], 0.0),
}
AGG_PARTS: dict[str, Callable[[Any], Any]] = {
    "broadcast": lambda m: None,  # no over(): the whole frame
    "int": lambda m: ["k_int"],
    "str": lambda m: ["k_str"],
    "int,bool": lambda m: ["k_int", "k_bool"],
    "f64": lambda m: ["k_f64"],  # NaN, ±0.0, inf and null keys
    "expr": lambda m: [(m.col("v_small") % 4).alias("m")],
    "str-expr,int": lambda m: [m.col("k_str").str.to_uppercase(), "k_int"],
}


BIG_AGGS = ("sum", "mean", "max", "n_unique", "std", "median", "first")  # 300,000 rows: a subset (runtime)


def _agg_build(agg: str, part: str, ncols: int | None = None) -> Callable[[Any, Any], Any]:
    f, cols, _ = AGGS[agg]
    cols = cols[:ncols]

    def build(m, df):
        keys = AGG_PARTS[part](m)
        exprs = [f(m.col(c)) if keys is None else f(m.col(c)).over(keys) for c in cols]
        return df.with_columns(*[e.alias(f"a_{c}") for e, c in zip(exprs, cols)]).select(
            "row", *[f"a_{c}" for c in cols])
    return build


def _agg_cases():
    for agg in AGGS:
        for part in AGG_PARTS:
            for n in SMALL_SIZES:
                if n == 1000 or part in ("broadcast", "int,bool"):  # 0 and 1 rows: two partitionings (runtime)
                    yield pytest.param(agg, part, n, id=f"{agg}-{part}-n{n}")
        if agg in BIG_AGGS:
            yield pytest.param(agg, "int,bool", BIG, id=f"{agg}-int,bool-n{BIG}")


@pytest.mark.parametrize(("agg", "part", "n"), list(_agg_cases()))
def test_aggregate_over(agg, part, n):
    """Every aggregate, inside over() per partition and broadcast over the frame."""
    check(_agg_build(agg, part, 3 if n == BIG else None), n, rtol=AGGS[agg][2])


def test_len_over():
    check(lambda m, df: df.with_columns(m.len().over("k_str").alias("n"), m.len().over("k_int", "k_bool").alias("n2")),
          1000)


@pytest.mark.parametrize("agg", ["sum", "min", "count", "n_unique", "mean"])
def test_order_independent_aggregate_with_order_by(agg):
    """order_by does not change an order-independent aggregate."""
    f, cols, tol = AGGS[agg]
    check(lambda m, df: df.with_columns(
        *[f(m.col(c)).over("k_int", order_by="t", descending=True).alias(c) for c in cols]), 1000, rtol=tol)


@pytest.mark.parametrize("n", [0, 1, 1000])
def test_arithmetic_with_windowed_aggregates(n):
    """Columns and aggregates mixed inside over(): demeaning, shares, z-scores, ranges."""
    def build(m, df):
        x = m.col("v_small")
        return df.with_columns(
            (x - x.mean()).over("k_int").alias("demean"),
            (x / x.sum()).over("k_str").alias("share"),
            ((x - x.mean()) / x.std()).over("k_int", "k_bool").alias("z"),
            (x.max() - x.min()).over("k_str").alias("range"),
            (x - x.mean().over("k_int")).alias("demean2"),
            (x.sum() / x.count()).over("k_int").alias("mean2"),
            (x * 2 + 1).over("k_int").alias("rowwise"),
            (x.cum_sum() / x.cum_count()).over("k_int", order_by="t").alias("running_mean"),
        )
    check(build, n)


# --------------------------------------------------------------------------------------------
# Broadcasts in select / with_columns / filter
# --------------------------------------------------------------------------------------------

BROADCASTS: dict[str, Callable[[Any, Any], Any]] = {
    "select-key-sum": lambda m, df: df.select("k_int", m.col("v_small").sum()),
    "select-sum-beside-cum": lambda m, df: df.select(m.col("v_small").sum().alias("s"),
                                                     m.col("v_small").cum_sum().alias("c")),
    "select-aggs-only": lambda m, df: df.select(m.col("v_small").sum(), m.col("v_f64").max(), m.len()),
    "select-mixed": lambda m, df: df.select("row", m.col("v_small").mean().alias("mean"),
                                            m.col("v_small").max().over("k_int").alias("max_k")),
    "select-window-only": lambda m, df: df.select(m.col("v_i64").cum_sum().over("k_int")),
    "share": lambda m, df: df.with_columns((m.col("v_small") / m.col("v_small").sum()).alias("share")),
    "replace-column": lambda m, df: df.with_columns(m.col("v_small").cum_sum().over("k_str"),
                                                    m.col("v_i64").rank("min")),
    "centered": lambda m, df: df.with_columns((m.col("v_fnn") - m.col("v_fnn").median()).alias("c"),
                                              m.col("v_str").n_unique().alias("nu")),
    "filter-above-mean": lambda m, df: df.filter(m.col("v_small") > m.col("v_small").mean()),
    "filter-max-per-group": lambda m, df: df.filter(m.col("v_small") == m.col("v_small").max().over("k_int")),
    "filter-top2-per-group": lambda m, df: df.filter(
        m.col("v_small").rank("ordinal", descending=True).over("k_str", order_by="row") <= 2),
    "filter-cum": lambda m, df: df.filter(m.col("v_u8").cum_sum().over("k_int") < 500),
    "filter-and": lambda m, df: df.filter((m.col("v_small").shift().over("k_int") > 0)
                                          & (m.col("v_f64") < m.col("v_f64").max())),
    "filter-count": lambda m, df: df.filter(m.col("v_small").count().over("k_str", "k_int") > 5),
    "filter-first-row": lambda m, df: df.filter(m.col("row") == m.col("row").min().over("k_int")),
}


BIG_BROADCASTS = ("select-key-sum", "filter-above-mean", "filter-top2-per-group")


@pytest.mark.parametrize(("case", "n"), [pytest.param(c, n, id=f"{c}-n{n}") for c in BROADCASTS
                                         for n in SMALL_SIZES + [BIG] if n != BIG or c in BIG_BROADCASTS])
def test_broadcast(case, n):
    check(BROADCASTS[case], n)


# --------------------------------------------------------------------------------------------
# Lazy pipelines: windows after filters, joins and sorts, and before everything else
# --------------------------------------------------------------------------------------------

DIM = pa.table({"k_int": pa.array([0, 1, 2, 3, 4, 5], pa.int64()),
                "name": pa.array(["zero", "one", "two", "three", "four", "five"]),
                "w": pa.array([1.0, 0.5, None, 2.0, -1.0, 3.0])})


def _dim(m: Any) -> Any:
    return (ax.DataFrame(DIM) if m is ax else pl.from_arrow(DIM)).lazy()


PIPELINES: dict[str, Callable[[Any, Any], Any]] = {
    "filter-then-window": lambda m, lf: lf.filter(m.col("v_small") > 0).with_columns(
        m.col("v_small").cum_sum().over("k_int", order_by="t").alias("r")),
    "window-then-filter-value": lambda m, lf: lf.with_columns(
        m.col("v_small").sum().over("k_int").alias("r")).filter(m.col("v_small") > 0),
    "window-then-filter-key": lambda m, lf: lf.with_columns(
        m.col("v_small").rank().over("k_int").alias("r")).filter(m.col("k_int") == 2),
    "window-then-head": lambda m, lf: lf.with_columns(m.col("v_small").cum_sum().alias("r")).head(7),
    "window-then-slice": lambda m, lf: lf.with_columns(m.col("v_small").sum().over("k_str").alias("r")).slice(3, 5),
    "window-then-tail": lambda m, lf: lf.with_columns(m.col("v_i64").shift().over("k_int").alias("r")).tail(4),
    "head-then-window": lambda m, lf: lf.head(10).with_columns(m.col("v_small").mean().alias("r")),
    "window-then-select": lambda m, lf: lf.with_columns(
        m.col("v_small").sum().over("k_int").alias("a"), m.col("v_f64").cum_sum().alias("b")).select("row", "a"),
    "window-then-sort": lambda m, lf: lf.with_columns(
        m.col("v_small").cum_sum().over("k_int", order_by="t").alias("r")).sort("row", descending=True),
    "sort-then-window": lambda m, lf: lf.sort("t", "row", nulls_last=True).with_columns(
        m.col("v_small").cum_sum().over("k_str").alias("r")),
    "window-then-group-by": lambda m, lf: lf.with_columns(
        m.col("v_small").cum_sum().over("k_int").alias("r")).group_by("k_int", maintain_order=True).agg(
        m.col("r").max(), m.col("r").last().alias("l")),
    "group-by-then-window": lambda m, lf: lf.group_by("k_str", maintain_order=True).agg(
        m.col("v_small").sum()).with_columns(m.col("v_small").rank("ordinal").alias("r")),
    "renamed-key": lambda m, lf: lf.select(m.col("k_int").alias("kk"), "v_small", "t").with_columns(
        m.col("v_small").cum_max().over("kk", order_by="t").alias("r")),
    "chained-with-columns": lambda m, lf: lf.with_columns(
        m.col("v_small").cum_sum().over("k_int", order_by="row").alias("a")).with_columns(
        (m.col("a") - m.col("a").mean()).over("k_int").alias("b")).filter(m.col("b") > 0),
    "two-broadcast-filters": lambda m, lf: lf.filter(m.col("v_small") > m.col("v_small").min()).filter(
        m.col("v_small") < m.col("v_small").max()),
    "row-index-then-window": lambda m, lf: lf.with_row_index().with_columns(
        m.col("index").cum_sum().over("k_int").alias("r")),
    # Joins: row order after a join is the join's business; sort by row to compare windows only.
    "join-then-window": lambda m, lf: lf.join(_dim(m), on="k_int", how="inner").with_columns(
        m.col("v_small").rank("dense").over("name", order_by="t").alias("r"),
        (m.col("v_small") * m.col("w")).sum().over("name").alias("ws")).sort("row"),
    "left-join-then-broadcast-filter": lambda m, lf: lf.join(_dim(m), on="k_int", how="left").filter(
        m.col("v_small") >= m.col("v_small").mean().over("name")).sort("row"),
    "window-then-join": lambda m, lf: lf.with_columns(
        m.col("v_small").cum_sum().over("k_int").alias("r")).join(_dim(m), on="k_int", how="left").filter(
        m.col("r") > 0).sort("row"),
    "filter-join-window-filter": lambda m, lf: lf.filter(m.col("v_small").is_not_null()).join(
        _dim(m), on="k_int").with_columns(m.col("v_small").diff().over("name", order_by="row").alias("d")).filter(
        m.col("d").abs() < 20).select("row", "name", "d").sort("row"),
}


BIG_PIPELINES = ("window-then-head", "chained-with-columns", "filter-join-window-filter")
def _pipeline_cases():
    for c in PIPELINES:
        for n in (0, 1000, BIG):
            if n == BIG and c not in BIG_PIPELINES:
                continue
            yield pytest.param(c, n, id=f"{c}-n{n}", marks=[])


@pytest.mark.parametrize(("case", "n"), list(_pipeline_cases()))
def test_lazy_pipeline(case, n):
    check(PIPELINES[case], n, lazy=True)


def test_concat_then_window():
    check(lambda m, df: m.concat([df, df]).with_columns(m.col("v_small").cum_sum().over("k_int").alias("r")), 1000)


def test_explain_shows_the_window():
    lf = ax.DataFrame(win_table(1)).lazy().with_columns(ax.col("v_small").cum_sum().over("k_int").alias("r"))
    text = lf.explain()
    assert "WINDOW" in text and "cum_sum" in text and "over" in text


# --------------------------------------------------------------------------------------------
# Types: result dtypes of every function over every value type
# --------------------------------------------------------------------------------------------

TYPES_TABLE = pa.table({
    "k": pa.array([1, 1, 2, 2, 1, 2, 1]),
    **{tag: pa.array(np.array([3, 1, 2, 5, 2, 3, 4], dtype=dt), mask=np.array([0, 0, 1, 0, 0, 0, 0], bool))
       for tag, dt in (("i8", np.int8), ("i16", np.int16), ("i32", np.int32), ("i64", np.int64), ("u8", np.uint8),
                       ("u16", np.uint16), ("u32", np.uint32), ("u64", np.uint64), ("f32", np.float32),
                       ("f64", np.float64))},
    "b": pa.array([True, False, None, True, True, False, True]),
    "s": pa.array(["x", "y", None, "z", "a", "a", "b"]),
})
TYPE_FUNCS = {
    "cum_sum": lambda e: e.cum_sum(), "cum_prod": lambda e: e.cum_prod(), "cum_min": lambda e: e.cum_min(),
    "cum_max": lambda e: e.cum_max(), "cum_count": lambda e: e.cum_count(), "shift": lambda e: e.shift(),
    "diff": lambda e: e.diff(), "rank": lambda e: e.rank(), "rank_min": lambda e: e.rank("min"),
}
TYPE_DEVIATIONS = {
    ("cum_prod", "u64"): "cum_prod of UInt64 is Int64 in alopex, UInt64 in Polars",
    ("cum_min", "b"): "cum_min of Boolean: alopex NotSupportedError; Polars gives Boolean",
    ("cum_max", "b"): "cum_max of Boolean: alopex NotSupportedError; Polars gives Boolean",
    ("cum_min", "s"): "cum_min of String: alopex ComputeError 'needs numbers'; Polars supports it",
    ("cum_max", "s"): "cum_max of String: alopex ComputeError 'needs numbers'; Polars supports it",
    ("diff", "u8"): "diff of UInt8 is Int64 in alopex, Int16 in Polars",
    ("diff", "u16"): "diff of UInt16 is Int64 in alopex, Int32 in Polars",
    ("diff", "b"): "diff of Boolean: Polars raises, alopex returns Int64 differences",
}


def _type_cases():
    for fname in TYPE_FUNCS:
        for c in TYPES_TABLE.column_names[1:]:
            if fname in ("cum_sum", "cum_prod", "diff") and c == "s":
                continue  # both raise: test_errors_agree
            marks = [_xfail(TYPE_DEVIATIONS[(fname, c)])] if (fname, c) in TYPE_DEVIATIONS else []
            yield pytest.param(fname, c, marks=marks, id=f"{fname}-{c}")


@pytest.mark.parametrize(("fname", "c"), list(_type_cases()))
def test_result_types(fname, c):
    f = TYPE_FUNCS[fname]
    check(lambda m, df: df.select(f(m.col(c)).over("k").alias("over"), f(m.col(c)).alias("frame")), table=TYPES_TABLE)


def test_overflow_wraps_as_in_polars():
    t = pa.table({"i64": pa.array([2**63 - 1, 1, 5], pa.int64()), "i32": pa.array([2**31 - 1, 2, 5], pa.int32()),
                  "i8": pa.array([-128, 127, -128], pa.int8())})
    check(lambda m, df: df.select(m.col("i64").cum_sum().alias("a"), m.col("i32").cum_prod().alias("b"),
                                  m.col("i8").diff().alias("c"), m.col("i32").cum_sum().alias("d")), table=t)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

SMALL = pa.table({"k": [1, 1, 2], "x": [1, 2, 3], "s": ["a", "b", "c"]})


@pytest.mark.parametrize("what", ["cum_sum", "rank", "shift", "diff", "cum_count", "over", "over-cum", "nested-arith"])
def test_window_inside_agg_is_not_supported(what):
    def build(m, df):
        x = m.col("x")
        e = {"cum_sum": x.cum_sum(), "rank": x.rank(), "shift": x.shift(), "diff": x.diff(),
             "cum_count": x.cum_count(), "over": x.sum().over("k"), "over-cum": x.cum_sum().over("k"),
             "nested-arith": (x.cum_sum() + 1).max()}[what]
        return df.group_by("k").agg(e.alias("r"))
    a_res, _ = both(build, table=SMALL)
    assert isinstance(a_res, ax.NotSupportedError), a_res
    assert "window" in str(a_res)


def test_window_inside_a_window_is_not_supported():
    """Polars evaluates the inner window first; alopex refuses clearly (no wrong answer)."""
    check_error(lambda m, df: df.with_columns(m.col("x").sum().over("k").over("s").alias("r")),
                ax.NotSupportedError, table=SMALL, polars_raises=False)


@pytest.mark.parametrize("f", ["cum_sum", "cum_prod", "cum_min", "cum_max", "cum_count"])
def test_reverse_matches_polars(f):
    # reverse=True runs from the last row up (Expr.reverse around the running function), per
    # partition inside over().
    check(lambda m, df: df.select(getattr(m.col("x"), f)(reverse=True).alias("r"),
                                  getattr(m.col("x"), f)(reverse=True).over("k").alias("rk")), table=SMALL)


@pytest.mark.parametrize("what", ["cum_sum-str", "cum_prod-str", "diff-str", "rank-bad-method"])
def test_errors_agree(what):
    def build(m, df):
        e = {"cum_sum-str": m.col("s").cum_sum(), "cum_prod-str": m.col("s").cum_prod(),
             "diff-str": m.col("s").diff(), "rank-bad-method": m.col("x").rank("foo")}[what]
        return df.with_columns(e.over("k").alias("r"))
    err = ax.InvalidInputError if what == "rank-bad-method" else ax.ComputeError
    check_error(build, err, table=SMALL)


def test_partition_key_cannot_aggregate():
    with pytest.raises(ax.ComputeError):
        ax.DataFrame(SMALL).with_columns(ax.col("x").sum().over(ax.col("k").max()).alias("r"))


def test_sort_by_window_is_refused_clearly():
    check_error(lambda m, df: df.sort(m.col("x").rank("ordinal").over("k")), ax.NotSupportedError, table=SMALL,
                polars_raises=False)


# --------------------------------------------------------------------------------------------
# Known bugs and deviations (minimal repros)
# --------------------------------------------------------------------------------------------

NAN_TABLE = pa.table({"k": [1, 1, 2, 2, 1], "x": [1.0, float("nan"), float("nan"), 5.0, -1.0]})


@pytest.mark.parametrize("f", ["cum_min", "cum_max"])
def test_cum_min_max_skip_nan(f):
    check(lambda m, df: df.with_columns(getattr(m.col("x"), f)().alias("frame"),
                                        getattr(m.col("x"), f)().over("k").alias("over")), table=NAN_TABLE)


def test_cum_count_of_floats():
    check(lambda m, df: df.with_columns(m.col("x").cum_count().alias("a"), m.col("x").cum_count().over("k").alias("b")),
          table=NAN_TABLE)


@pytest.mark.parametrize("f", ["cum_min", "cum_max"])
def test_cum_min_max_uint64_beyond_int64(f):
    t = pa.table({"u": pa.array([2**63, 1, 2**64 - 1, 5], pa.uint64())})
    check(lambda m, df: df.select(getattr(m.col("u"), f)()), table=t)


@pytest.mark.parametrize("f", ["first", "last"])
def test_first_last_follow_order_by(f):
    t = pa.table({"k": [1, 1, 1, 2, 2], "t": [2, 1, 3, 9, 8], "x": [10, 20, 30, 40, 50]})
    check(lambda m, df: df.with_columns(getattr(m.col("x"), f)().over("k", order_by="t").alias("r")), table=t)


NESTED = {
    "cum_sum-of-demeaned": lambda m: (m.col("x") - m.col("x").mean()).cum_sum().over("k"),
    "sum-of-cum_sum": lambda m: m.col("x").cum_sum().sum().over("k"),
    "shift-of-diff": lambda m: m.col("x").diff().shift().over("k"),
    "rank-of-cum_sum": lambda m: m.col("x").cum_sum().rank().over("k"),
    "select-sum-of-cum_sum": None,
}


@pytest.mark.parametrize("case", list(NESTED))
def test_nested_window_functions(case):
    t = pa.table({"k": [1, 1, 2, 2, 1], "x": [1, 2, 3, 4, 5]})
    if case == "select-sum-of-cum_sum":
        check(lambda m, df: df.select(m.col("x").cum_sum().sum()), table=t)
    else:
        check(lambda m, df: df.with_columns(NESTED[case](m).alias("r")), table=t)


@_xfail("an order-dependent function over a windowed aggregate is refused (NotSupportedError "
        "'col(\"__window0\").over(...) cannot be executed'); Polars computes it: "
        "col('x').sum().over('k').cum_sum()")
@pytest.mark.parametrize("f", ["cum_sum", "rank"])
def test_function_of_a_window(f):
    t = pa.table({"k": [1, 1, 2, 2, 1], "x": [1, 2, 3, 4, 5]})
    check(lambda m, df: df.with_columns(getattr(m.col("x").sum().over("k"), f)().alias("r")), table=t)


@_xfail("shift(fill_value=) casts the fill to the column's type instead of taking the supertype: "
        "Int64.shift(1, fill_value=1.5) is Int64 with fill 1 (Polars Float64 1.5); "
        "Int8.shift(1, fill_value=1000) is Int8 with a null fill (Polars Int16 1000)")
@pytest.mark.parametrize("fill", [1.5, 1000])
def test_shift_fill_value_supertype(fill):
    t = pa.table({"x": pa.array([1, 2, 3], pa.int8()), "y": pa.array([1, 2, 3], pa.int64())})
    check(lambda m, df: df.select(m.col("x").shift(1, fill_value=fill), m.col("y").shift(1, fill_value=fill)), table=t)


@pytest.mark.parametrize("names", [("__w0",), ("__window0", "__window1")], ids=["__w0", "__windowN"])
def test_temporary_name_clash(names):
    t = pa.table({**{nm: [7, 8, 9] for nm in names}, "k": [1, 1, 2], "x": [1, 2, 3]})
    check(lambda m, df: df.with_columns(m.col("x").cum_sum().alias("a"), m.col("x").sum().alias("b"),
                                        (m.col("x") - m.col("x").mean()).over("k").alias("c")), table=t)


@pytest.mark.parametrize("where", ["group_by", "join"])
def test_window_in_keys_is_refused_clearly(where):
    df = ax.DataFrame(SMALL)
    with pytest.raises(ax.NotSupportedError):
        if where == "group_by":
            df.group_by(ax.col("x").rank("dense").alias("g")).agg(ax.col("k").sum())
        else:
            df.join(df, left_on=ax.col("x").rank("ordinal").cast(ax.Int64), right_on="k")


@_xfail("rank(method='random') is not supported (InvalidInputError); Polars supports it")
def test_rank_random():
    got = ax.DataFrame(SMALL).select(ax.col("x").rank("random"))
    assert sorted(got["x"].to_list()) == [1, 2, 3]


@_xfail("lit(1).over('k') is Int64 in alopex, Int32 in Polars (the dynamic literal is not settled inside over)")
def test_literal_over():
    check(lambda m, df: df.with_columns(m.lit(1).over("k").alias("r")), table=SMALL)


def test_shift_of_empty_boolean():
    check(lambda m, df: df.select(m.col("b").shift(), m.col("b").shift().over("k").alias("o")),
          table=pa.table({"b": pa.array([], pa.bool_()), "k": pa.array([], pa.int64())}))


def test_shift_of_empty_other_types():
    t = pa.table({"i": pa.array([], pa.int64()), "f": pa.array([], pa.float64()), "s": pa.array([], pa.string()),
                  "d": pa.array([], pa.date32()), "k": pa.array([], pa.int64())})
    check(lambda m, df: df.select(*[m.col(c).shift().over("k").alias(c) for c in "ifsd"]), table=t)


def test_cum_count_of_null_column():
    t = pa.table({"n": pa.array([None, None, None], pa.null()), "k": [1, 1, 2]})
    check(lambda m, df: df.select(m.col("n").cum_count().alias("a"), m.col("n").cum_count().over("k").alias("b")),
          table=t)


@_xfail("cum_min/cum_max/diff of Date: alopex raises ComputeError 'needs numbers'; Polars gives Date (cum_*) "
        "and Duration (diff)")
@pytest.mark.parametrize("f", ["cum_min", "cum_max", "diff"])
def test_temporal_order_functions(f):
    check(lambda m, df: df.select(getattr(m.col("v_date"), f)().over("k_int").alias("r")), 1000)
