"""Timing and formatting shared by the generated-data suites (groupby_bench.py, join_bench.py)."""

from __future__ import annotations

import time
from typing import Any, Callable


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and process CPU seconds of one call, and its result."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def fmt(s: float | None) -> str:
    """Seconds as ms below 10 s, else as s; n/a for None."""
    if s is None:
        return "n/a"
    return f"{s * 1e3:.0f} ms" if s < 10 else f"{s:.1f} s"
