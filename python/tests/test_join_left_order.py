"""Left joins that hash their left input (the right one is much larger) give Polars' row order.

The executor streams the right input through a table of the left one and then puts the rows
back in left order (a counting sort on the left row number, issue 13): left rows in order, the
matches of one left row in right order, left rows without a match (null keys among them) in
their place with nulls on the right. Compared row for row with Polars' ``maintain_order=
"left_right"``; an empty right input, and one no row of which matches, too.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")


def _frames(case: str) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(13)
    left_keys = [None if i % 7 == 0 else int(k) for i, k in enumerate(rng.integers(0, 40, 60))]
    left = pa.table({"k": pa.array(left_keys, pa.int64()), "lv": list(range(60)),
                     "ls": [f"ряд{i}" for i in range(60)]})
    n = {"empty": 0}.get(case, 6000)
    lo = 10**6 if case == "nomatch" else 0
    right_keys = [None if i % 11 == 0 else int(k) for i, k in enumerate(rng.integers(lo, lo + 50, n))]
    right = pa.table({"k": pa.array(right_keys, pa.int64()), "rv": pa.array(range(n), pa.int64())})
    return left, right


@pytest.mark.parametrize("case", ["dups", "empty", "nomatch"])
def test_left_join_hashing_left_keeps_left_order(case: str) -> None:
    left, right = _frames(case)
    want = pl.from_arrow(left).join(pl.from_arrow(right), on="k", how="left", maintain_order="left_right")
    got = ax.DataFrame(left).lazy().join(ax.DataFrame(right).lazy(), on="k", how="left").collect()
    assert got.to_arrow().to_pylist() == want.to_arrow().to_pylist()
    assert len(got) >= left.num_rows
