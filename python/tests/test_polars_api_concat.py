"""concat(how="diagonal" | "diagonal_relaxed") against Polars: frames with different columns
stacked with nulls where a frame lacks a column, column order of first appearance, eager and lazy,
empty frames; a type clash is an error under "diagonal" and a common type under
"diagonal_relaxed", as Polars."""

from __future__ import annotations

import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import assert_frames_match  # noqa: E402

FRAMES = [
    {"a": [1, 2], "b": ["x", None]},
    {"c": [1.5], "a": [3]},
    {"b": ["z"], "d": [True]},
]
CLASH = [{"a": [1, 2]}, {"a": [0.5], "b": [1]}]


def run(mod, frames, how, lazy):
    fs = [mod.DataFrame(f) for f in frames]
    if lazy:
        fs = [f.lazy() for f in fs]
    try:
        out = mod.concat(fs, how=how)
        return out.collect() if lazy else out
    except Exception as e:  # noqa: BLE001 - compared below
        return e


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("frames", [FRAMES, FRAMES[:1], [FRAMES[0], {"a": []}], CLASH], ids=["three", "one", "empty", "clash"])
@pytest.mark.parametrize("how", ["diagonal", "diagonal_relaxed"])
def test_diagonal_matches_polars(how, frames, lazy):
    a, p = run(ax, frames, how, lazy), run(pl, frames, how, lazy)
    if isinstance(p, Exception):
        assert isinstance(a, ax.AlopexError), (p, a)
        return
    assert not isinstance(a, Exception), a
    assert_frames_match(a, p)


def test_unknown_how_is_not_supported():
    with pytest.raises(ax.NotSupportedError, match="align"):
        ax.concat([ax.DataFrame({"a": [1]})], how="align")
