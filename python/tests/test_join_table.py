"""The hash join's key indexes (lazy/exec/join_table.go), differentially against Polars.

Each index the join picks by its build keys gets data that lands in it, for every join type:
dense integer keys (a direct array), sparse ones (an open-addressing table) over many rows,
several integer columns packed into one key (dense and sparse), string keys of at most 7 bytes
packed into an int64 (unicode, the empty string, NUL bytes, probe strings longer than any build
string that share its first 7 bytes) and string keys that are not (the byte-keyed table).
Keys repeat on both sides, with nulls, which never match; empty sides too. Comparison and row
order rules are test_join_polars.py's.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from test_join_polars import HOWS, check_join

# Enough rows that tables grow past the small sizes.
MANY = 40_000
SPARSE = 1_000_003  # a key stride that keeps integer keys out of the direct index


def int_side(n: int, distinct: int, seed: int, *, stride: int = 1, cols: int = 1) -> pa.Table:
    rng = np.random.default_rng(seed)
    t = {}
    for c in range(cols):
        codes = rng.integers(0, max(1, distinct), n).astype(np.int64) * stride - stride * (c == 1)
        t[f"k{c}"] = pa.array(codes, mask=rng.random(n) < 0.05)
    t["v"] = pa.array(np.arange(n, dtype=np.int64) + seed * 1_000_000)
    return pa.table(t)


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("stride", [1, SPARSE])
def test_int_keys_many(how: str, stride: int) -> None:
    lt = int_side(MANY, MANY // 2, 1, stride=stride)
    rt = int_side(MANY, MANY // 2, 2, stride=stride)
    check_join(how, lt, rt, on="k0")


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("sizes", [(0, 50), (50, 0), (1, 1), (3000, 20)])
def test_int_keys_small_and_empty(how: str, sizes: tuple[int, int]) -> None:
    lt = int_side(sizes[0], 40, 3, stride=SPARSE)
    rt = int_side(sizes[1], 40, 4, stride=SPARSE)
    check_join(how, lt, rt, on="k0")


def test_int_keys_extremes() -> None:
    lo, hi = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    lt = pa.table({"k": pa.array([lo, hi, 0, None, hi, -1], pa.int64()), "v": range(6)})
    rt = pa.table({"k": pa.array([hi, lo, None, 1, hi], pa.int64()), "w": range(5)})
    for how in HOWS:
        check_join(how, lt, rt, on="k")


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("cols", [2, 3])
@pytest.mark.parametrize("stride", [1, SPARSE])
def test_multi_int_keys(how: str, cols: int, stride: int) -> None:
    lt = int_side(20_000, 60, 5, stride=stride, cols=cols)
    rt = int_side(20_000, 60, 6, stride=stride, cols=cols)
    on = [f"k{c}" for c in range(cols)]
    check_join(how, lt, rt, on=on)


def test_multi_int_keys_too_wide_to_pack() -> None:
    big = np.iinfo(np.int64).max
    lt = pa.table({"a": pa.array([big, -big, 0, big], pa.int64()), "b": pa.array([-big, big, 0, -big], pa.int64()),
                   "v": range(4)})
    rt = pa.table({"a": pa.array([big, 0, -big], pa.int64()), "b": pa.array([-big, 0, 0], pa.int64()),
                   "w": range(3)})
    for how in HOWS:
        check_join(how, lt, rt, on=["a", "b"])


SHORT = ["", "a", "a\x00", "\x00", "é", "日本", "naïve", "abcdefg", "z" * 7, "🦊", "Ab"]
LONG = ["abcdefgh", "abcdefg\x00", "日本語です", "zzzzzzzz", "a" * 40]


def str_side(pool: list[str], n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, len(pool), n)
    return pa.table({"k": pa.array([pool[c] for c in codes], pa.string(), mask=rng.random(n) < 0.1),
                     "v": pa.array(np.arange(n, dtype=np.int64))})


@pytest.mark.parametrize("how", HOWS)
def test_short_string_keys(how: str) -> None:
    # Build values all short (packed); the probe side also has long ones that share a prefix.
    lt = str_side(SHORT + LONG, 3000, 7)
    rt = str_side(SHORT, 300, 8)
    check_join(how, lt, rt, on="k")
    check_join(how, rt, lt, on="k")


@pytest.mark.parametrize("how", HOWS)
def test_long_string_keys(how: str) -> None:
    lt = str_side(SHORT + LONG, 3000, 9)
    rt = str_side(SHORT + LONG[:1], 300, 10)
    check_join(how, lt, rt, on="k")


@pytest.mark.parametrize("how", ["inner", "left", "semi", "anti"])
def test_short_string_keys_many(how: str) -> None:
    pool = [f"{i:x}" for i in range(0, 30_000_000, 997)]  # ~30K distinct keys of at most 7 bytes

    def side(n: int, seed: int) -> pa.Table:
        r = np.random.default_rng(seed)
        return pa.table({"k": pa.array([pool[c] for c in r.integers(0, len(pool), n)], pa.string()),
                         "v": pa.array(np.arange(n, dtype=np.int64))})

    check_join(how, side(MANY, 12), side(MANY, 13), on="k")
