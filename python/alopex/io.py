"""Reading and writing files: Parquet and CSV.

``scan_*`` functions return a LazyFrame whose scan the optimizer pushes
projections, predicates and limits into: only the needed columns are read
(Parquet) or converted (CSV), and Parquet row groups whose min/max
statistics rule the filter out are skipped. Files are read in pieces (row
groups; byte ranges of CSV files) on all cores. ``read_*`` functions are the
scans collected.

Writing (``DataFrame.write_csv`` / ``write_parquet``) happens in the engine.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .datatypes import dtype_name
from .exceptions import NotSupportedError
from .lazyframe import LazyFrame

if TYPE_CHECKING:
    from .frame import DataFrame


def _path(source: Any) -> str:
    if isinstance(source, (list, tuple)):
        raise NotSupportedError("a list of paths is not supported yet; use a glob or a directory")
    path = os.fspath(source) if isinstance(source, (str, Path, os.PathLike)) else str(source)
    return os.path.expanduser(path)


def scan_parquet(source: str | Path, *, n_rows: int | None = None, hive_partitioning: bool | None = None,
                 hive_schema: Mapping[str, Any] | None = None, try_parse_hive_dates: bool = True) -> LazyFrame:
    """Lazily read Parquet: one file, a glob (``"data/*.parquet"``) or a directory.

    A directory laid out in hive partitions (``year=2024/month=1/part.parquet``)
    gives each ``key=value`` level as a column after the files' own columns,
    as in Polars (``hive_partitioning=None`` detects the layout; ``False`` turns
    it off). Values that are all integers become Int64, all numbers Float64,
    all dates Date (with ``try_parse_hive_dates``), otherwise String;
    ``hive_schema`` sets the types. A filter on a partition column reads no rows
    of the other partitions' files.
    """
    path = _path(source)
    if hive_partitioning is not False and os.path.isdir(path):
        from ._hive import scan_hive

        lf = scan_hive(path, hive_schema, try_parse_hive_dates, required=bool(hive_partitioning))
        if lf is not None:
            return lf.head(n_rows) if n_rows is not None else lf
    lf = LazyFrame._of({"kind": "scan_parquet", "path": path, "options": {}})
    return lf.head(n_rows) if n_rows is not None else lf


def read_parquet(source: str | Path, *, columns: Sequence[str] | None = None,
                 n_rows: int | None = None, hive_partitioning: bool | None = None) -> Any:
    """Read Parquet into a DataFrame (only ``columns``, only ``n_rows`` when given)."""
    lf = scan_parquet(source, n_rows=n_rows, hive_partitioning=hive_partitioning)
    if columns is not None:
        lf = lf.select(list(columns))
    return lf.collect()


def _pairs(name: str, mapping: Any) -> list[list[str]]:
    if isinstance(mapping, Mapping):
        items = list(mapping.items())
    else:
        items = list(mapping)
    try:
        return [[str(k), dtype_name(t)] for k, t in items]
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name} must map column names to data types, e.g. {{'a': ax.Int64}}: {e}") from None


def scan_csv(
    source: str | Path,
    *,
    has_header: bool = True,
    separator: str = ",",
    quote_char: str | None = '"',
    null_values: str | Sequence[str] | None = None,
    schema: Mapping[str, Any] | None = None,
    schema_overrides: Mapping[str, Any] | Sequence[Any] | None = None,
    infer_schema_length: int | None = 100,
    skip_rows: int = 0,
    skip_lines: int = 0,
    n_rows: int | None = None,
    try_parse_dates: bool = False,
    encoding: str = "utf8",
) -> LazyFrame:
    """Lazily read CSV: one file, a glob (``"data/*.csv"``) or a directory (its ``.csv`` files).

    Types are inferred from the first ``infer_schema_length`` records of the
    first file (``None``: all of them; ``0``: every column is String) as
    Polars infers them: Int64, Float64, Boolean, String, and with
    ``try_parse_dates`` Date and Datetime. An empty unquoted field and any of
    ``null_values`` are null; a quoted empty field (``""``) is the empty
    string. ``schema`` gives every column's type (no inference);
    ``schema_overrides`` changes some (by name, or all by position).
    ``skip_rows`` skips records before the header (quotes respected),
    ``skip_lines`` raw lines (before those). Files of a glob or
    directory must share the header.

    Large files are split into byte ranges read on all cores (exactly, even
    when quoted fields span lines). A malformed file (a record with too many
    fields, an unclosed quote, a value that does not parse as its column's
    type, invalid UTF-8) raises InvalidInputError naming the file and line.

    >>> import alopex as ax, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(path, "w").write("a,b\\n1,x\\n2,y\\n")
    >>> ax.scan_csv(path).filter(ax.col("a") > 1).collect().rows()
    [(2, 'y')]
    """
    options: dict[str, Any] = {
        "has_header": bool(has_header),
        "separator": separator,
        "quote_char": quote_char,
        "infer_schema_length": infer_schema_length,
        "skip_rows": int(skip_rows),
        "skip_lines": int(skip_lines),
        "try_parse_dates": bool(try_parse_dates),
        "encoding": encoding,
    }
    if null_values is not None:
        if isinstance(null_values, str):
            null_values = [null_values]
        elif isinstance(null_values, Mapping):
            raise NotSupportedError("null_values per column (a dict) is not supported yet; pass a string or a list")
        options["null_values"] = [str(v) for v in null_values]
    if schema is not None:
        options["schema"] = _pairs("schema", schema)
    if schema_overrides is not None:
        if isinstance(schema_overrides, Mapping):
            options["schema_overrides"] = _pairs("schema_overrides", schema_overrides)
        else:
            options["schema_overrides_list"] = [dtype_name(t) for t in schema_overrides]
    lf = LazyFrame._of({"kind": "scan_csv", "path": _path(source), "options": options})
    return lf.head(n_rows) if n_rows is not None else lf


def read_csv(
    source: Any,
    *,
    columns: Sequence[str] | Sequence[int] | None = None,
    has_header: bool = True,
    separator: str = ",",
    quote_char: str | None = '"',
    null_values: str | Sequence[str] | None = None,
    schema: Mapping[str, Any] | None = None,
    schema_overrides: Mapping[str, Any] | Sequence[Any] | None = None,
    infer_schema_length: int | None = 100,
    skip_rows: int = 0,
    skip_lines: int = 0,
    n_rows: int | None = None,
    try_parse_dates: bool = False,
    encoding: str = "utf8",
) -> DataFrame:
    """Read CSV into a DataFrame: :func:`scan_csv` collected, keeping only
    ``columns`` (names or positions) when given. ``source`` may also be
    ``bytes`` or a binary file object (read through a temporary file)."""
    kwargs = dict(has_header=has_header, separator=separator, quote_char=quote_char,
                  null_values=null_values, schema=schema, schema_overrides=schema_overrides,
                  infer_schema_length=infer_schema_length, skip_rows=skip_rows, skip_lines=skip_lines,
                  n_rows=n_rows,
                  try_parse_dates=try_parse_dates, encoding=encoding)
    if isinstance(source, (bytes, bytearray, memoryview)) or hasattr(source, "read"):
        data = source.read() if hasattr(source, "read") else bytes(source)
        if isinstance(data, str):
            data = data.encode()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "data.csv")
            with open(path, "wb") as f:
                f.write(data)
            return read_csv(path, columns=columns, **kwargs)  # type: ignore[arg-type]
    lf = scan_csv(source, **kwargs)  # type: ignore[arg-type]
    if columns is not None:
        cols = list(columns)
        if cols and all(isinstance(c, int) and not isinstance(c, bool) for c in cols):
            names = lf.collect_schema()
            all_names = list(names)
            cols = [all_names[i] for i in cols]
        lf = lf.select(cols)
    return lf.collect()


# --- writing -------------------------------------------------------------------


def _write_table(frame: DataFrame, kind: str, path: str, options: dict[str, Any]) -> bytes | None:
    """Write ``frame`` with the engine; with an empty path (CSV) return the bytes."""
    from . import _ffi

    handle = frame._engine_handle()
    data = _ffi.ffi.new("void**")
    size = _ffi.ffi.new("size_t*")
    _ffi.check(_ffi.lib.alopex_table_write, handle.value, kind.encode(), path.encode(),
               json.dumps(options, allow_nan=False).encode(), data, size)
    if path:
        return None
    if data[0] == _ffi.ffi.NULL:
        return b""
    try:
        return bytes(_ffi.ffi.buffer(data[0], size[0]))
    finally:
        _ffi.lib.alopex_free(data[0])


def write_csv(frame: DataFrame, file: Any, options: dict[str, Any]) -> str | None:
    """DataFrame.write_csv: to a path, to a file object, or (file None) as text."""
    if file is None or hasattr(file, "write"):
        data = _write_table(frame, "csv", "", options) or b""
        if file is None:
            return data.decode("utf-8")
        try:
            file.write(data)
        except TypeError:  # a text file
            file.write(data.decode("utf-8"))
        return None
    _write_table(frame, "csv", _path(file), options)
    return None


def write_parquet(frame: DataFrame, file: Any, options: dict[str, Any]) -> None:
    """DataFrame.write_parquet: to a path, or to a binary file object."""
    if hasattr(file, "write"):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "data.parquet")
            _write_table(frame, "parquet", path, options)
            with open(path, "rb") as f:
                shutil.copyfileobj(f, file)
        return
    _write_table(frame, "parquet", _path(file), options)
