"""Hive-partitioned Parquet directories: ``key=value`` path levels as columns.

Each file is its own scan with the partition values as literal columns (after
the files' columns, or in place of a file column of the same name), and the
scans are stacked. The optimizer pushes a filter into every scan of the
stack and folds it where it reads only partition columns, so no row of
another partition's files is read.
"""

from __future__ import annotations

import datetime as _dt
import os
import urllib.parse
from typing import Any, Mapping

from .exceptions import InvalidInputError
from .lazyframe import LazyFrame

# The value Hive writes for a null partition key.
_NULL = "__HIVE_DEFAULT_PARTITION__"


def _files(root: str) -> list[str]:
    """The Parquet files below root, as the engine lists a directory (sorted, no hidden files)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(os.path.join(dirpath, f) for f in filenames if f.endswith(".parquet") and not f.startswith("."))
    return sorted(out)


def _partitions(root: str, path: str) -> list[tuple[str, str]]:
    parts = os.path.relpath(os.path.dirname(path), root).split(os.sep)
    return [tuple(p.split("=", 1)) for p in parts if "=" in p]  # type: ignore[misc]


def _infer(values: list[str | None], parse_dates: bool) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return "String"

    def all_parse(f: Any) -> bool:
        try:
            for v in present:
                f(v)
        except ValueError:
            return False
        return True

    if all_parse(int):
        return "Int64"
    if all_parse(float):
        return "Float64"
    if parse_dates and all_parse(_dt.date.fromisoformat):
        return "Date"
    return "String"


def _value(v: str | None, dtype: str) -> Any:
    if v is None:
        return None
    if dtype.startswith("Int") or dtype.startswith("UInt"):
        return int(v)
    if dtype.startswith("Float"):
        return float(v)
    if dtype == "Date":
        return _dt.date.fromisoformat(v)
    if dtype == "Boolean":
        return v.lower() == "true"
    return v


def scan_hive(root: str, hive_schema: Mapping[str, Any] | None, parse_dates: bool,
              required: bool) -> LazyFrame | None:
    """A stack of per-file scans with partition columns; None when root has no partition levels
    (and they were not required)."""
    from .datatypes import dtype_name
    from .expr import lit
    from .frame import concat

    files = _files(root)
    if not files:
        raise FileNotFoundError(f"no Parquet files under {root}")
    levels = [_partitions(root, f) for f in files]
    if not any(levels):
        if required:
            raise InvalidInputError(f"hive_partitioning=True but no key=value directories under {root}")
        return None
    keys = [k for k, _ in levels[0]]
    for f, lv in zip(files, levels):
        if [k for k, _ in lv] != keys:
            raise InvalidInputError(f"hive partitions differ: {f} has levels {[k for k, _ in lv]}, "
                                    f"{files[0]} has {keys}")
    raw = [[None if v == _NULL else urllib.parse.unquote(v) for _, v in lv] for lv in levels]
    types = {}
    for i, k in enumerate(keys):
        given = (hive_schema or {}).get(k)
        types[k] = dtype_name(given) if given is not None else _infer([r[i] for r in raw], parse_dates)
    # A key the files also hold (Polars writes them so) keeps the files' position and type; its
    # value is the partition's, which lets filters on it skip files too.
    first = LazyFrame._of({"kind": "scan_parquet", "path": files[0], "options": {}}).collect_schema()
    for k in keys:
        if k in first and (hive_schema or {}).get(k) is None:
            types[k] = dtype_name(first[k])
    scans = []
    for f, values in zip(files, raw):
        scan = LazyFrame._of({"kind": "scan_parquet", "path": f, "options": {}})
        consts = []
        for k, v in zip(keys, values):
            try:
                consts.append(lit(_value(v, types[k])).cast(types[k]).alias(k))
            except ValueError:
                raise InvalidInputError(f"hive partition {k}={v!r} in {f} is not a {types[k]}") from None
        scans.append(scan.with_columns(consts))
    return scans[0] if len(scans) == 1 else concat(scans, how="vertical")
