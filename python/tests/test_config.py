"""The knobs: ax.set_threads / thread_pool_size, ax.set_memory_limit with sizes, ax.Config
(setters, context manager, decorator, restoring), display sizes and the progress switch."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import alopex as ax
from alopex import _display, _progress
from alopex._size import parse_size


@pytest.fixture(autouse=True)
def _restore_settings():
    saved = ax.Config.state()
    yield
    ax.Config._load(saved)


# --- threads ---------------------------------------------------------------------------------
def test_set_threads_and_thread_pool_size():
    before = ax.thread_pool_size()
    assert before >= 1
    ax.set_threads(1)
    assert ax.thread_pool_size() == 1
    # queries still run (and give the same answer) on one thread
    df = ax.DataFrame({"g": [i % 3 for i in range(200_000)], "v": list(range(200_000))})
    one = df.group_by("g").agg(ax.col("v").sum()).sort("g").rows()
    ax.set_threads(3)
    assert ax.thread_pool_size() == 3
    assert df.group_by("g").agg(ax.col("v").sum()).sort("g").rows() == one
    ax.set_threads(None)
    assert ax.thread_pool_size() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("bad, exc", [(-1, ax.InvalidInputError), (100_000, ax.InvalidInputError),
                                      (1.5, ax.InvalidInputError), ("4", TypeError), (True, TypeError)])
def test_set_threads_rejects_bad_counts(bad, exc):
    before = ax.thread_pool_size()
    with pytest.raises(exc, match="threads"):
        ax.set_threads(bad)
    assert ax.thread_pool_size() == before


def test_gomaxprocs_environment_sets_threads_at_load():
    env = dict(os.environ, GOMAXPROCS="1")
    out = subprocess.run([sys.executable, "-c", "import alopex as ax; print(ax.thread_pool_size())"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


# --- sizes -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, size", [
    ("2GB", 2_000_000_000), ("2GiB", 2 << 30), ("512M", 512_000_000), ("512MiB", 512 << 20),
    ("1.5GB", 1_500_000_000), ("1.5 gib", 3 << 29), ("100", 100), (" 7 kb ", 7000), ("0", 0),
    (4096, 4096),
])
def test_parse_size(text, size):
    assert parse_size(text, "the memory limit") == size


@pytest.mark.parametrize("bad", ["2XB", "GB", "", "1..5GB", "-2GB", "2 G B B", "nanGB", "1e30TB"])
def test_parse_size_bad_input_names_the_value(bad):
    with pytest.raises(ax.InvalidInputError) as e:
        parse_size(bad, "the memory limit")
    assert repr(bad) in str(e.value) and "the memory limit" in str(e.value)


def test_memory_limit_round_trip_and_errors():
    ax.set_memory_limit("1.5GB")
    assert ax.memory_limit() == 1_500_000_000
    ax.set_memory_limit(512 << 20)
    assert ax.memory_limit() == 512 << 20
    with pytest.raises(ax.InvalidInputError, match="'12 parsecs'"):
        ax.set_memory_limit("12 parsecs")
    assert ax.memory_limit() == 512 << 20  # a bad value changes nothing
    with pytest.raises(TypeError):
        ax.set_memory_limit([1])
    ax.set_memory_limit(None)
    assert ax.memory_limit() is None


# --- Config ----------------------------------------------------------------------------------
def test_config_context_manager_sets_and_restores_everything():
    before = ax.Config.state()
    with ax.Config(threads=1, memory_limit="2GiB", tbl_rows=3, tbl_cols=2, fmt_str_lengths=5, progress=False) as cfg:
        assert ax.Config.state() == {"threads": 1, "memory_limit": 2 << 30, "tbl_rows": 3, "tbl_cols": 2,
                                     "fmt_str_lengths": 5, "progress": False}
        assert ax.thread_pool_size() == 1 and _progress.progress_enabled() is False
        cfg.set_tbl_rows(7)  # a setter inside the block is undone too
        assert _display.MAX_ROWS == 7
    assert ax.Config.state() == before


def test_config_restores_after_an_exception():
    before = ax.Config.state()
    with pytest.raises(ZeroDivisionError):
        with ax.Config(threads=1, tbl_rows=1):
            raise ZeroDivisionError
    assert ax.Config.state() == before


def test_config_bad_option_changes_nothing():
    before = ax.Config.state()
    with pytest.raises(ax.InvalidInputError, match="'lots'"):
        ax.Config(threads=1, tbl_rows=4, memory_limit="lots")
    assert ax.Config.state() == before
    with pytest.raises(TypeError):
        ax.Config(nonsense=1)


def test_config_as_decorator_applies_on_each_call():
    before = ax.Config.state()

    @ax.Config(apply_on_context_enter=True, threads=1, tbl_cols=3)
    def inside():
        return ax.thread_pool_size(), _display.MAX_COLS

    assert ax.Config.state() == before  # nothing applied until a call
    assert inside() == (1, 3)
    assert ax.Config.state() == before
    assert inside() == (1, 3)
    assert ax.Config.state() == before


def test_config_setters_chain_and_restore_defaults():
    assert ax.Config.set_tbl_rows(20).set_tbl_cols(12) is ax.Config
    assert (_display.MAX_ROWS, _display.MAX_COLS) == (20, 12)
    ax.Config.restore_defaults()
    assert ax.Config.state() == {"threads": len(os.sched_getaffinity(0)), "memory_limit": None, "tbl_rows": 10, "tbl_cols": None,
                                 "fmt_str_lengths": 32, "progress": None}


def test_config_progress_switch():
    with ax.Config(progress=True):
        assert _progress.progress_enabled() is True
    assert _progress.progress_enabled() is None
    with pytest.raises(TypeError, match="progress"):
        ax.Config(progress="yes")


# --- display sizes ---------------------------------------------------------------------------
def _data_rows(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("╞"))
    return [x.strip("│ ").split("┆")[0].strip() for x in lines[start + 1:-1]]


def test_display_rows_cols_and_string_lengths():
    df = ax.DataFrame({f"c{i}": list(range(30)) for i in range(10)} | {"s": ["abcdefghij" * 5] * 30})
    assert _data_rows(repr(df)) == ["0", "1", "2", "3", "4", "…", "25", "26", "27", "28", "29"]
    with ax.Config(tbl_rows=5):
        assert _data_rows(repr(df)) == ["0", "1", "2", "…", "28", "29"]  # as Polars: 3 then 2
        assert _data_rows(repr(df["c0"])) == ["0", "1", "2", "…", "28", "29"]
    with ax.Config(tbl_rows=-1):
        assert _data_rows(repr(df)) == [str(i) for i in range(30)]
    with ax.Config(tbl_rows=0):
        assert _data_rows(repr(df)) == ["…"]
    header = repr(df).splitlines()[2]
    assert "c3" in header and "c4" not in header and "c8" in header and "s" in header  # 8 of 11 columns
    with ax.Config(tbl_cols=2):
        header = repr(df).splitlines()[2]
        assert [h.strip() for h in header.strip("│").split("┆")] == ["c0", "…", "s"]
    with ax.Config(tbl_cols=-1):
        assert all(f"c{i}" in repr(df) for i in range(10))
    with ax.Config(fmt_str_lengths=6):
        assert "abcde…" in repr(df) and "abcdef" not in repr(df)
        assert "abcde…" in df._repr_html_()
    assert "abcdefghij" * 3 + "a…" in repr(df)  # the default: 32 characters


@pytest.mark.parametrize("option, bad, exc", [("tbl_rows", "ten", TypeError), ("tbl_cols", 2.5, ax.InvalidInputError),
                                              ("fmt_str_lengths", 0, ax.InvalidInputError),
                                              ("tbl_rows", True, TypeError)])
def test_display_options_reject_bad_values(option, bad, exc):
    with pytest.raises(exc, match=option):
        ax.Config(**{option: bad})
