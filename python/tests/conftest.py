"""Shared test helpers.

Differential testing against Polars (used by test_expr_polars.py and test_frame_api.py):
the same pyarrow table is loaded into alopex and into Polars, the same pipeline runs in both,
and the fixture ``assert_matches_polars`` compares the results column by column
(names and order, dtype names, row count, null positions, values with NaN == NaN).
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

# --- Polars differential helpers ------------------------------------------------------------

#: Arrow type → the dtype name alopex and Polars both use.
ARROW_TO_NAME = {
    pa.int8(): "Int8", pa.int16(): "Int16", pa.int32(): "Int32", pa.int64(): "Int64",
    pa.uint8(): "UInt8", pa.uint16(): "UInt16", pa.uint32(): "UInt32", pa.uint64(): "UInt64",
    pa.float32(): "Float32", pa.float64(): "Float64",
    pa.string(): "String", pa.large_string(): "String", pa.string_view(): "String",
    pa.bool_(): "Boolean", pa.null(): "Null",
}

#: short column-name tag → dtype name, for the generated test tables.
SHORT = {
    "i8": "Int8", "i16": "Int16", "i32": "Int32", "i64": "Int64",
    "u8": "UInt8", "u16": "UInt16", "u32": "UInt32", "u64": "UInt64",
    "f32": "Float32", "f64": "Float64",
}
INT_TAGS = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"]
FLOAT_TAGS = ["f32", "f64"]
NUMERIC_TAGS = INT_TAGS + FLOAT_TAGS

_NP = {
    "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
    "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
    "f32": np.float32, "f64": np.float64,
}

UNICODE_POOL = [
    "", "a", "A", "abc", "ab", "Zürich", "café", "cafe", "naïve", "ÅÄÖ", "日本語", "日本", "中文",
    "한국어", "😀", "😀👍🏽", "🦊 alopex", "x y", " lead", "trail ", "0", "12", "-7", "3.5", "1e3",
    "ß", "ﬁ", "Ω", "\u00e9", "e\u0301", "tab\tin", "NULL",
]


def arrow_dtype_name(t: pa.DataType) -> str:
    if pa.types.is_dictionary(t) and arrow_dtype_name(t.value_type) == "String":
        return "Categorical"
    return ARROW_TO_NAME.get(t, str(t))


def polars_dtype_name(t: Any) -> str:
    return str(t)  # pl.Int64 -> "Int64", pl.String -> "String", ...


def random_array(rng: np.random.Generator, tag: str, n: int, *, null_frac: float = 0.1,
                 special: bool = True) -> pa.Array:
    """A column of ``n`` values of type ``tag`` ('i8'..'f64', 'str', 'bool') with nulls.

    Integers mix small values (so that division and modulo meet 0 and negatives) with
    values from the whole range (so that arithmetic overflows and wraps) and the extremes.
    Floats mix finite values with NaN, +inf, -inf, 0.0 and -0.0.
    """
    mask = rng.random(n) < null_frac if null_frac else None
    if tag == "str":
        idx = rng.integers(0, len(UNICODE_POOL), n)
        vals = [UNICODE_POOL[i] for i in idx]
        return pa.array(vals, type=pa.string(), mask=mask)
    if tag == "bool":
        return pa.array(rng.random(n) < 0.5, mask=mask)
    dt = _NP[tag]
    if tag in INT_TAGS:
        info = np.iinfo(dt)
        full = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
        lo = max(int(info.min), -10)
        small = rng.integers(lo, 11, n).astype(dt)
        vals = np.where(rng.random(n) < 0.6, small, full).astype(dt)
        if special and n >= 4:
            pos = rng.choice(n, size=min(n, 6), replace=False)
            vals[pos[: len(pos) // 2]] = info.min
            vals[pos[len(pos) // 2:]] = info.max
    else:
        vals = (rng.standard_normal(n) * 100).astype(dt)
        integral = rng.random(n) < 0.2
        vals[integral] = np.round(vals[integral])
        if special:
            kinds = rng.random(n)
            vals[kinds < 0.04] = np.nan
            vals[(kinds >= 0.04) & (kinds < 0.08)] = np.inf
            vals[(kinds >= 0.08) & (kinds < 0.12)] = -np.inf
            vals[(kinds >= 0.12) & (kinds < 0.15)] = 0.0
            vals[(kinds >= 0.15) & (kinds < 0.17)] = -0.0
    return pa.array(vals, mask=mask)


@functools.lru_cache(maxsize=None)
def mixed_table(n: int, seed: int = 0, null_frac: float = 0.1) -> pa.Table:
    """Two columns of every numeric type (``a_<tag>``, ``b_<tag>``) plus strings and booleans."""
    rng = np.random.default_rng(seed)
    cols: dict[str, pa.Array] = {}
    for prefix in ("a", "b"):
        for tag in NUMERIC_TAGS + ["str", "bool"]:
            cols[f"{prefix}_{tag}"] = random_array(rng, tag, n, null_frac=null_frac)
    cols["idx"] = pa.array(np.arange(n, dtype=np.int64))
    return pa.table(cols)


@functools.lru_cache(maxsize=None)
def frames(n: int, seed: int = 0, null_frac: float = 0.1) -> tuple[Any, Any]:
    """(alopex DataFrame, Polars DataFrame) over the same ``mixed_table``; cached."""
    import polars as pl

    import alopex as ax

    t = mixed_table(n, seed, null_frac)
    return ax.DataFrame(t), pl.from_arrow(t)


def _to_table(df: Any) -> pa.Table:
    if isinstance(df, pa.Table):
        return df
    t = df.to_arrow()
    return t if isinstance(t, pa.Table) else pa.table(t)


def _normalize(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    if pa.types.is_dictionary(arr.type):  # compared by value: chunks may hold different dictionaries
        arr = arr.cast(arr.type.value_type)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if pa.types.is_string(arr.type) or pa.types.is_string_view(arr.type):
        arr = arr.cast(pa.large_string())
    return arr


def _diff_rows(a: pa.Array, p: pa.Array, bad: np.ndarray, limit: int = 5) -> str:
    rows = np.flatnonzero(bad)[:limit]
    return "; ".join(f"row {int(i)}: alopex={a[int(i)].as_py()!r} polars={p[int(i)].as_py()!r}" for i in rows) + (
        f" ({int(bad.sum())} rows differ)")


def assert_arrays_match(a: Any, p: Any, name: str = "", *, rtol: float = 0.0) -> None:
    """Compare two Arrow arrays: length, null positions and values (NaN == NaN, ±inf exact)."""
    a, p = _normalize(a), _normalize(p)
    assert len(a) == len(p), f"column {name!r}: alopex has {len(a)} rows, polars {len(p)}"
    an = a.is_null().to_numpy(zero_copy_only=False)
    pn = p.is_null().to_numpy(zero_copy_only=False)
    if not np.array_equal(an, pn):
        raise AssertionError(f"column {name!r}: null positions differ: {_diff_rows(a, p, an != pn)}")
    if len(a) == 0 or pa.types.is_null(a.type) or pa.types.is_null(p.type):
        return
    if pa.types.is_floating(a.type) or pa.types.is_floating(p.type):
        av = pc.fill_null(a.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
        pv = pc.fill_null(p.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
        if rtol:
            bad = ~np.isclose(av, pv, rtol=rtol, atol=0.0, equal_nan=True)
            bad &= ~((av == pv) | (np.isnan(av) & np.isnan(pv)))
        else:
            bad = ~((av == pv) | (np.isnan(av) & np.isnan(pv)))
        if bad.any():
            raise AssertionError(f"column {name!r}: values differ: {_diff_rows(a, p, bad)}")
        return
    if a.type == p.type and (pa.types.is_integer(a.type) or pa.types.is_boolean(a.type)):
        zero = False if pa.types.is_boolean(a.type) else 0
        av = pc.fill_null(a, zero).to_numpy(zero_copy_only=False)
        pv = pc.fill_null(p, zero).to_numpy(zero_copy_only=False)
        bad = av != pv
        if bad.any():
            raise AssertionError(f"column {name!r}: values differ: {_diff_rows(a, p, bad)}")
        return
    al, pl_ = a.to_pylist(), p.to_pylist()
    if al != pl_:
        bad = np.array([x != y for x, y in zip(al, pl_)])
        raise AssertionError(f"column {name!r}: values differ: {_diff_rows(a, p, bad)}")


def assert_frames_match(ax_df: Any, pl_df: Any, *, check_dtypes: bool = True, rtol: float = 0.0) -> None:
    """Compare an alopex result with the Polars result: names, order, dtypes, rows, values."""
    at = _to_table(ax_df)
    if isinstance(pl_df, pa.Table):
        pnames, pdt = pl_df.column_names, [arrow_dtype_name(t) for t in pl_df.schema.types]
    else:
        pnames, pdt = list(pl_df.columns), [polars_dtype_name(t) for t in pl_df.schema.values()]
    assert at.column_names == pnames, f"column names differ: alopex {at.column_names} polars {pnames}"
    if check_dtypes:
        adt = [arrow_dtype_name(t) for t in at.schema.types]
        assert adt == pdt, f"dtypes differ: alopex {adt} polars {pdt}"
    pt = _to_table(pl_df)
    assert at.num_rows == pt.num_rows, f"row counts differ: alopex {at.num_rows} polars {pt.num_rows}"
    for name in at.column_names:
        assert_arrays_match(at.column(name), pt.column(name), name, rtol=rtol)


def run_both(build: Callable[[Any, Any], Any], n: int = 0, *, table: pa.Table | None = None) -> tuple[Any, Any]:
    """Run ``build(module, frame)`` with (alopex, frame) and (polars, frame); return both results.

    An exception is returned in place of a result, so callers can compare failures too.
    """
    import polars as pl

    import alopex as ax

    return run_pair(build, *((ax.DataFrame(table), pl.from_arrow(table)) if table is not None else frames(n)))


def run_pair(build: Callable[[Any, Any], Any], a_df: Any, p_df: Any, *, lazy: bool = False) -> tuple[Any, Any]:
    """``build(module, frame)`` on an alopex and a Polars frame (``.lazy()`` ones with ``lazy``), a lazy
    result collected; an exception is returned in place of a result."""
    import polars as pl

    import alopex as ax

    out = []
    for mod, df in ((ax, a_df), (pl, p_df)):
        try:
            res = build(mod, df.lazy() if lazy else df)
            if hasattr(res, "collect") and not hasattr(res, "to_arrow"):
                res = res.collect()
            out.append(res)
        except Exception as e:  # noqa: BLE001 - compared by the caller
            out.append(e)
    return out[0], out[1]


@pytest.fixture
def assert_matches_polars():
    """``check(build, n=..., table=..., check_dtypes=True, expect_error=None)``.

    Runs ``build`` in both libraries. When Polars raises, alopex must raise too (if
    ``expect_error`` is an alopex exception class, alopex must raise that one); otherwise the
    results must match.
    """

    def check(build: Callable[[Any, Any], Any], n: int = 0, *, table: pa.Table | None = None,
              check_dtypes: bool = True, expect_error: type[BaseException] | None = None,
              rtol: float = 0.0) -> Any:
        a_res, p_res = run_both(build, n, table=table)
        if isinstance(p_res, Exception):
            if not isinstance(a_res, Exception):
                raise AssertionError(
                    f"polars raised {type(p_res).__name__}: {str(p_res).splitlines()[0]} "
                    f"but alopex returned {a_res!r}")
            if expect_error is not None and not isinstance(a_res, expect_error):
                raise AssertionError(f"alopex raised {type(a_res).__name__}: {a_res}; expected {expect_error.__name__}")
            return a_res
        if isinstance(a_res, Exception):
            raise AssertionError(f"alopex raised {type(a_res).__name__}: {a_res}") from a_res
        assert_frames_match(a_res, p_res, check_dtypes=check_dtypes, rtol=rtol)
        return a_res

    return check


# --- TPC-H data (test_tpch.py) ----------------------------------------------------------------


@pytest.fixture(scope="session")
def tpch_sf01():
    """The directory of TPC-H scale factor 0.1 as Parquet, one ``<table>.parquet`` per table.

    Generated once with ``tpchgen-cli`` (installed beside the Python interpreter) into
    ``<repo>/build/tpch-sf0.1``, which is kept between runs and ignored by git.
    """
    from pathlib import Path

    from tpch import data

    out = Path(__file__).resolve().parents[2] / "build" / "tpch-sf0.1"
    if all((out / f"{name}.parquet").is_file() for name in data.TABLES):
        return out
    exe = data.tpchgen()
    if exe is None:
        pytest.skip("tpchgen-cli is not installed: pip install tpchgen-cli to run the TPC-H tests")
    data.generate(exe, "0.1", out, timeout=300)
    return out


@pytest.fixture(scope="module")
def tpch_sql_ctx(tpch_sf01):
    """An ``ax.SQLContext`` with the SF 0.1 tables, scanned from their Parquet files."""
    from tpch import sql

    import alopex as ax

    return ax.SQLContext({name: ax.scan_parquet(tpch_sf01 / f"{name}.parquet") for name in sql.TABLES})


@pytest.fixture(scope="module")
def tpch_duck(tpch_sf01):
    """A DuckDB connection with views over the SF 0.1 tables (the reference answers)."""
    pytest.importorskip("duckdb")
    from tpch import sql

    con = sql.connect(tpch_sf01)
    yield con
    con.close()


def _round_number(v: Any) -> Any:
    """Floats and Decimals rounded to 6 places, so engines that sum in another order compare equal."""
    if isinstance(v, float):
        return round(v, 6) if math.isfinite(v) else v
    if hasattr(v, "__float__") and not isinstance(v, (int, bool)):
        return round(float(v), 6)
    return v


def sorted_rows(table: pa.Table) -> list[tuple]:
    """The rows of ``table`` as tuples, numbers rounded, in a canonical order (nulls and types sort apart),
    for comparing results whose row order SQL leaves open."""
    cols = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = [tuple(_round_number(v) for v in r) for r in zip(*cols)]
    return sorted(rows, key=lambda r: tuple((v is None, str(type(v)), v if v is not None else 0) for v in r))
