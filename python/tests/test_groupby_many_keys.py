"""Group-bys with many groups and many key columns, differentially against Polars.

These reach the paths for high-cardinality keys: string and row-encoded keys held in the hash
table's slots up to 16 bytes and in its arena beyond, groups' stored hashes reused by the merge,
keys put in output order before their columns are built. (Rows partitioned instead of
pre-aggregated, which takes more rows than a fast test has, are checked against pre-aggregation
in lazy/exec's TestRadixAggregateMatchesPreAggregation.) Keys mix types
(strings with unicode, empty strings and embedded NULs, integers, Booleans, dates, floats with
NaN and -0.0) with nulls in every key column. Groups are compared in order of first appearance
(Polars with ``maintain_order=True``).
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import UNICODE_POOL, assert_arrays_match  # noqa: E402

ROWS = 100_000


@functools.lru_cache(maxsize=None)
def table(n: int, distinct: int) -> pa.Table:
    """Six key columns whose combination has about ``distinct`` values, and value columns."""
    rng = np.random.default_rng(13_000 + n + distinct)

    def mask(frac: float = 0.05) -> np.ndarray:
        return rng.random(n) < frac

    ids = rng.integers(0, distinct, n)
    # Strings of 0 to 40 bytes around the 16 bytes a hash slot holds, with NULs and unicode.
    pool = UNICODE_POOL + ["", "a\x00", "a\x00\x00", "x" * 15, "x" * 16, "x" * 17, "é" * 8, "é" * 9]
    pool_ix = rng.integers(0, len(pool), n)
    widths = ids % 41
    strs = [f"{pool[p]}{i:0{w}d}" if w else pool[p] for p, i, w in zip(pool_ix, ids, widths)]
    return pa.table({
        "s": pa.array(strs, pa.string(), mask=mask()),
        "i": pa.array(ids // 3, pa.int64(), mask=mask()),
        "b": pa.array(ids % 2 == 0, mask=mask()),
        "d": pa.array((ids % 97).astype(np.int32), mask=mask()).cast(pa.date32()),
        "f": pa.array(rng.choice(np.array([0.0, -0.0, np.nan, 1.5, -2.25]), n), mask=mask()),
        "t": pa.array((ids % 7).astype(np.int8), mask=mask()),
        "v": pa.array(rng.integers(-50, 50, n), mask=mask(0.1)),
        "x": pa.array(rng.uniform(-1, 1, n), mask=mask(0.1)),
    })


def aggs(m):
    return [
        m.len(),
        m.col("v").sum().alias("sum"),
        m.col("v").count().alias("count"),
        m.col("x").mean().alias("mean"),
        m.col("x").min().alias("min"),
        m.col("x").max().alias("max"),
        m.col("v").n_unique().alias("n_unique"),
    ]


def check(keys: list[str], n: int, distinct: int) -> None:
    t = table(n, distinct)
    a = ax.DataFrame(t).group_by(*keys).agg(*aggs(ax)).to_arrow()
    p = pl.from_arrow(t).group_by(*keys, maintain_order=True).agg(*aggs(pl)).to_arrow()
    assert a.column_names == p.column_names
    assert a.num_rows == p.num_rows, f"groups: alopex {a.num_rows} polars {p.num_rows}"
    for name in a.column_names:
        assert_arrays_match(a.column(name), p.column(name), name, rtol=1e-9)


SIX = ["s", "i", "b", "d", "f", "t"]


@pytest.mark.parametrize(("n", "distinct"), [(ROWS, 10 * ROWS), (ROWS, ROWS // 3), (ROWS, 1), (1, 1), (0, 1)],
                         ids=["nearly-unique", "n-over-3", "one-group", "one-row", "empty"])
def test_six_keys_of_mixed_types(n, distinct):
    check(SIX, n, distinct)


@pytest.mark.parametrize(("n", "distinct"), [(ROWS, 10 * ROWS), (ROWS, 1000)], ids=["nearly-unique", "1000"])
def test_string_key_short_and_long(n, distinct):
    check(["s"], n, distinct)


def test_three_keys_string_bool_float():
    check(["s", "b", "f"], ROWS, 10 * ROWS)


def test_six_keys_in_sql():
    t = table(ROWS, 10 * ROWS)  # noqa: F841 (the SQL's table)
    keys = ", ".join(SIX)
    a = ax.sql(f"SELECT {keys}, count(*) AS n, sum(v) AS sv FROM t GROUP BY {keys}", eager=True).to_arrow()
    p = pl.from_arrow(table(ROWS, 10 * ROWS)).group_by(*SIX, maintain_order=True).agg(
        pl.len().alias("n"), pl.when(pl.col("v").count() > 0).then(pl.col("v").sum()).alias("sv"))  # SQL: SUM of no values is NULL
    assert a.num_rows == p.height
    assert a.column("n").to_pylist() == p["n"].cast(pl.Int64).to_list()
    assert a.column("sv").to_pylist() == p["sv"].to_list()


@pytest.mark.parametrize(("n", "distinct"), [(ROWS, 1000), (ROWS, 30), (0, 1)], ids=["1000", "30", "empty"])
def test_two_keys_packed_with_short_and_long_strings(n, distinct):
    """Two-column keys take per-column codes; strings of up to 7 bytes get theirs from a packed
    integer key ("a", "a\\x00" and "" stay apart), longer ones from the byte table."""
    check(["s", "i"], n, distinct)


def test_six_keys_of_more_groups_than_two_to_the_sixteen():
    """300,000 nearly unique six-column keys: every worker's table passes 2^16 groups, so rows
    are partitioned and each partition's table keeps the keys where the partitioning encoded
    them; the output decodes them column by column in order of first appearance."""
    check(SIX, 3 * ROWS, 30 * ROWS)


def test_time_decimal_and_float32_keys():
    """Key columns of types the row-by-row key decoder had no builder for (Time64, Time32) beside
    Decimal128 and Float32 keys with nulls and NaN, grouped together with an integer key."""
    import datetime as dt
    from decimal import Decimal

    n = 5_000
    rng = np.random.default_rng(21)
    ids = rng.integers(0, 300, n)
    mask = rng.random(n) < 0.05
    t = pa.table({
        "t": pa.array([dt.time(int(i) % 24, int(i) % 60) for i in ids], pa.time64("us"), mask=mask),
        "t32": pa.array((ids % 50 * 1000).astype(np.int32), pa.int32()).cast(pa.time32("ms")),
        "d": pa.array([Decimal(int(i) % 40) / 4 for i in ids], pa.decimal128(10, 2), mask=rng.random(n) < 0.05),
        "f": pa.array(np.where(ids % 9 == 0, np.nan, ids % 11 / 2).astype(np.float32), mask=rng.random(n) < 0.05),
        "k": pa.array(ids // 7),
        "v": pa.array(rng.integers(0, 100, n)),
    })
    keys = ["t", "t32", "d", "f", "k"]
    a = ax.DataFrame(t).group_by(*keys).agg(ax.col("v").sum().alias("s"), ax.len()).to_arrow()
    p = pl.from_arrow(t).group_by(*keys, maintain_order=True).agg(pl.col("v").sum().alias("s"), pl.len()).to_arrow()
    assert a.num_rows == p.num_rows
    for name in keys + ["s", "len"]:
        assert_arrays_match(a.column(name), p.column(name), name)


def test_many_group_tables_reused_across_queries():
    """Hash tables of many groups take their slots from a pool of blocks that queries free and
    reuse (lazy/exec/tablemem.go): group-bys one after another over different keys, integer and
    row-encoded, must each start from an empty table."""
    n = 200_000
    for seed in range(3):
        rng = np.random.default_rng(seed)
        ids = rng.integers(0, 150_000, n) * (seed + 1) - seed
        t = pa.table({"k": ids, "s": pa.array([f"k{i % 1000}" for i in ids]), "v": rng.integers(0, 10, n)})
        for keys in (["k"], ["s", "k"]):
            a = ax.DataFrame(t).group_by(*keys).agg(ax.col("v").sum().alias("sum"), ax.len()).to_arrow()
            p = pl.from_arrow(t).group_by(*keys, maintain_order=True).agg(pl.col("v").sum().alias("sum"), pl.len()).to_arrow()
            assert a.num_rows == p.num_rows, f"seed {seed}, keys {keys}"
            for name in keys + ["sum", "len"]:
                assert_arrays_match(a.column(name), p.column(name), name)
