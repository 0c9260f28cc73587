"""Reading and writing files: Parquet (and, next, CSV).

``scan_*`` functions return a LazyFrame whose scan the optimizer pushes
projections, predicates and limits into: only the needed columns are read,
and Parquet row groups whose min/max statistics rule the filter out are
skipped. ``read_*`` functions are the scans collected.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from .lazyframe import LazyFrame


def _path(source: Any) -> str:
    if isinstance(source, (list, tuple)):
        from .exceptions import NotSupportedError

        raise NotSupportedError("a list of paths is not supported yet; use a glob or a directory")
    return os.fspath(source) if isinstance(source, (str, Path, os.PathLike)) else str(source)


def scan_parquet(source: str | Path, *, n_rows: int | None = None) -> LazyFrame:
    """Lazily read Parquet: one file, a glob (``"data/*.parquet"``) or a directory."""
    lf = LazyFrame({"kind": "scan_parquet", "path": _path(source), "options": {}})
    return lf.head(n_rows) if n_rows is not None else lf


def read_parquet(source: str | Path, *, columns: Sequence[str] | None = None,
                 n_rows: int | None = None) -> Any:
    """Read Parquet into a DataFrame (only ``columns``, only ``n_rows`` when given)."""
    lf = scan_parquet(source, n_rows=n_rows)
    if columns is not None:
        lf = lf.select(list(columns))
    return lf.collect()
