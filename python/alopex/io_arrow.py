"""Arrow IPC (Feather v2) and JSON files, through pyarrow.

IPC files hold Arrow memory as it is: ``read_ipc`` maps the file and the
frame's columns point into the mapping (nothing is copied or decoded), and
``scan_ipc`` is a LazyFrame over that mapping, so a query reads only the pages
of the columns it touches. NDJSON (one JSON object a line) is parsed by
pyarrow's multithreaded reader with the column types inferred, as Polars
does, from the first ``infer_schema_length`` lines; JSON (one array of
objects) is parsed with Python's ``json``.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import pyarrow as pa

from .exceptions import ComputeError, InvalidInputError

if TYPE_CHECKING:
    from .frame import DataFrame
    from .lazyframe import LazyFrame

_IPC_COMPRESSION = {"uncompressed": None, "lz4": "lz4", "zstd": "zstd"}


def _frame(table: pa.Table) -> "DataFrame":
    from .frame import DataFrame

    return DataFrame._from_arrow_table(table)


def _source_path(source: Any) -> str | None:
    if isinstance(source, (str, Path, os.PathLike)):
        return os.path.expanduser(os.fspath(source))
    return None


def _check_target(file: Any, what: str) -> None:
    """A write target is None, a path, or an object with ``write``."""
    if file is not None and _source_path(file) is None and not callable(getattr(file, "write", None)):
        raise TypeError(f"{what} writes to a path or a file object (or returns the data for None), "
                        f"got {type(file).__name__}")


def _check_source(source: Any, what: str) -> None:
    """A read source is a path, bytes, or an object with ``read``."""
    if (_source_path(source) is None and not isinstance(source, (bytes, bytearray, memoryview))
            and not callable(getattr(source, "read", None))):
        raise TypeError(f"{what} reads a path, bytes or a file object, got {type(source).__name__}")


def _finish(table: pa.Table, columns: Sequence[Any] | None, n_rows: int | None, row_index_name: str | None,
            row_index_offset: int) -> "DataFrame":
    if columns is not None:
        names = [table.column_names[c] if isinstance(c, int) else c for c in columns]
        missing = [c for c in names if c not in table.column_names]
        if missing:
            from .frame import _missing

            raise _missing(missing[0], table.column_names)
        table = table.select(names)
    if n_rows is not None:
        table = table.slice(0, n_rows)
    df = _frame(table)
    return df.with_row_index(row_index_name, row_index_offset) if row_index_name else df


def read_ipc(source: Any, *, columns: Sequence[Any] | None = None, n_rows: int | None = None,
             memory_map: bool = True, row_index_name: str | None = None, row_index_offset: int = 0) -> "DataFrame":
    """Read an Arrow IPC (Feather v2) file: a path, a binary file object or bytes.

    A path is memory-mapped (``memory_map=False`` reads it into memory): the frame's
    columns are views of the file, so reading costs no time until values are used.

    >>> import alopex as ax, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "t.arrow")
    >>> ax.DataFrame({"a": [1, 2]}).write_ipc(path)
    >>> ax.read_ipc(path)["a"].to_list()
    [1, 2]
    """
    _check_source(source, "read_ipc")
    path = _source_path(source)
    try:
        if path is not None:
            if not os.path.exists(path):
                raise FileNotFoundError(f"no such file: {path!r}")
            stream: Any = pa.memory_map(path, "r") if memory_map else pa.OSFile(path, "rb")
        elif isinstance(source, (bytes, bytearray, memoryview)):
            stream = pa.BufferReader(source)
        else:
            stream = source
        reader = pa.ipc.open_file(stream)
        table = reader.read_all()
    except pa.ArrowInvalid as e:
        # A stream-format file (no footer) is read as a stream, as Polars does.
        try:
            if path is not None:
                with pa.OSFile(path, "rb") as f:
                    table = pa.ipc.open_stream(f).read_all()
            elif isinstance(source, (bytes, bytearray, memoryview)):
                table = pa.ipc.open_stream(pa.BufferReader(source)).read_all()
            else:
                raise e
        except pa.ArrowInvalid:
            raise ComputeError(f"not an Arrow IPC file: {path or type(source).__name__} ({e})") from None
    return _finish(table, columns, n_rows, row_index_name, row_index_offset)


def read_ipc_stream(source: Any, *, columns: Sequence[Any] | None = None, n_rows: int | None = None,
                    row_index_name: str | None = None, row_index_offset: int = 0) -> "DataFrame":
    """Read an Arrow IPC stream (no footer; what ``write_ipc_stream`` writes)."""
    _check_source(source, "read_ipc_stream")
    path = _source_path(source)
    if path is not None:
        with pa.OSFile(path, "rb") as f:
            table = pa.ipc.open_stream(f).read_all()
    else:
        data = pa.BufferReader(source) if isinstance(source, (bytes, bytearray, memoryview)) else source
        table = pa.ipc.open_stream(data).read_all()
    return _finish(table, columns, n_rows, row_index_name, row_index_offset)


def scan_ipc(source: Any, *, n_rows: int | None = None, row_index_name: str | None = None,
             row_index_offset: int = 0) -> "LazyFrame":
    """A LazyFrame over an Arrow IPC file, memory-mapped: a query reads only the columns it uses."""
    lf = read_ipc(source, row_index_name=row_index_name, row_index_offset=row_index_offset).lazy()
    return lf.head(n_rows) if n_rows is not None else lf


def write_ipc(frame: "DataFrame", file: Any, *, compression: str = "uncompressed", stream: bool = False) -> Any:
    """Write ``frame`` as an Arrow IPC file (or stream); ``file`` None returns a BytesIO."""
    _check_target(file, "write_ipc")
    if compression not in _IPC_COMPRESSION:
        raise InvalidInputError(f"compression must be one of {sorted(_IPC_COMPRESSION)}, got {compression!r}")
    options = pa.ipc.IpcWriteOptions(compression=_IPC_COMPRESSION[compression])
    table = frame.to_arrow()
    out = io.BytesIO() if file is None else file
    path = _source_path(out)
    sink: Any = pa.OSFile(path, "wb") if path is not None else out
    try:
        opener = pa.ipc.new_stream if stream else pa.ipc.new_file
        with opener(sink, table.schema, options=options) as writer:
            writer.write_table(table)
    finally:
        if path is not None:
            sink.close()
    if file is None:
        out.seek(0)
        return out
    return None


def _text(source: Any) -> str:
    _check_source(source, "reading JSON")
    path = _source_path(source)
    if path is not None:
        with open(path, encoding="utf-8") as f:
            return f.read()
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source).decode("utf-8")
    data = source.read()
    return data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data


def _schema_arg(schema: Any) -> pa.Schema | None:
    if schema is None:
        return None
    from ._arrow_types import to_arrow
    from .datatypes import dtype_name

    items = schema.items() if hasattr(schema, "items") else schema
    return pa.schema([(str(k), to_arrow(dtype_name(t))) for k, t in items])


def read_ndjson(source: Any, *, schema: Any = None, schema_overrides: Any = None,
                infer_schema_length: int | None = 100, n_rows: int | None = None, ignore_errors: bool = False,
                row_index_name: str | None = None, row_index_offset: int = 0) -> "DataFrame":
    """Read newline-delimited JSON (one object a line): a path, a file object, bytes or text.

    Column types come from ``schema`` or are inferred from the first ``infer_schema_length``
    lines (None: all) as for ``ax.DataFrame`` of dicts; ``schema_overrides`` sets some of them.

    >>> import alopex as ax, io
    >>> ax.read_ndjson(io.StringIO('{"a": 1, "b": "x"}\\n{"a": 2.5}\\n')).rows()
    [(1.0, 'x'), (2.5, None)]
    """
    text = _text(source)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if n_rows is not None:
        lines = lines[:n_rows]
    explicit = _schema_arg(schema)
    if explicit is None:
        sample = lines if infer_schema_length is None else lines[:infer_schema_length]
        rows = []
        for i, ln in enumerate(sample):
            try:
                rows.append(json.loads(ln))
            except json.JSONDecodeError as e:
                if ignore_errors:
                    continue
                raise ComputeError(f"NDJSON line {i + 1} is not valid JSON: {e.msg} (column {e.colno})") from None
        explicit = _frame_of_dicts(rows).to_arrow().schema
    if schema_overrides is not None:
        for field in _schema_arg(schema_overrides):
            i = explicit.get_field_index(field.name)
            explicit = explicit.set(i, field) if i >= 0 else explicit.append(field)
    if not lines:
        return _finish(explicit.empty_table(), None, None, row_index_name, row_index_offset)
    import pyarrow.json as pj

    data = ("\n".join(lines) + "\n").encode("utf-8")
    parse = pj.ParseOptions(explicit_schema=explicit, unexpected_field_behavior="ignore")
    try:
        table = pj.read_json(pa.BufferReader(data), parse_options=parse)
    except pa.ArrowInvalid as e:
        if ignore_errors:
            rows = []
            for ln in lines:
                try:
                    rows.append(json.loads(ln))
                except json.JSONDecodeError:
                    rows.append({})
            table = _cast_rows(rows, explicit)
        else:
            raise ComputeError(f"NDJSON does not fit the inferred types ({e}); pass infer_schema_length=None to "
                               "infer from every line, or schema_overrides={'column': type}") from None
    return _finish(table.select(explicit.names), None, None, row_index_name, row_index_offset)


def _frame_of_dicts(rows: list[Any]) -> "DataFrame":
    from .frame import DataFrame

    if any(not isinstance(r, dict) for r in rows):
        raise ComputeError("NDJSON lines must each hold one JSON object")
    names: dict[str, None] = {}
    for r in rows:
        names.update(dict.fromkeys(r))
    return DataFrame({n: [r.get(n) for r in rows] for n in names}) if names else DataFrame({})


def _cast_rows(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    columns = {}
    for field in schema:
        values = []
        for r in rows:
            v = r.get(field.name)
            try:
                values.append(pa.scalar(v).cast(field.type).as_py() if v is not None else None)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                values.append(None)
        columns[field.name] = pa.array(values, type=field.type)
    return pa.table(columns, schema=schema)


def scan_ndjson(source: Any, **kwargs: Any) -> "LazyFrame":
    """A LazyFrame over NDJSON: the file is parsed when this is called (options as ``read_ndjson``)."""
    return read_ndjson(source, **kwargs).lazy()


def read_json(source: Any, *, schema: Any = None, schema_overrides: Any = None,
              infer_schema_length: int | None = 100) -> "DataFrame":
    """Read a JSON array of objects (what ``write_json`` writes)."""
    try:
        rows = json.loads(_text(source))
    except json.JSONDecodeError as e:
        raise ComputeError(f"not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list):
        raise ComputeError(f"read_json expects an array of objects, got {type(rows).__name__}")
    text = "\n".join(json.dumps(r) for r in rows)
    return read_ndjson(io.StringIO(text), schema=schema, schema_overrides=schema_overrides,
                       infer_schema_length=infer_schema_length)


def _json_rows(frame: "DataFrame") -> list[str]:
    import datetime as dt
    import decimal
    import math

    def value(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, (dt.date, dt.datetime, dt.time)):
            return v.isoformat()
        if isinstance(v, dt.timedelta):
            return v.total_seconds() * 1_000_000
        if isinstance(v, decimal.Decimal):
            return float(v)
        if isinstance(v, bytes):
            return v.decode("utf-8", "replace")
        if isinstance(v, list):
            return [value(x) for x in v]
        if isinstance(v, dict):
            return {k: value(x) for k, x in v.items()}
        return v

    names = frame.columns
    return [json.dumps({n: value(v) for n, v in zip(names, row)}, ensure_ascii=False, separators=(",", ":"))
            for row in frame.iter_rows()]


def _write_text(text: str, file: Any) -> str | None:
    _check_target(file, "writing JSON")
    if file is None:
        return text
    path = _source_path(file)
    if path is not None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return None
    try:
        file.write(text)
    except TypeError:
        file.write(text.encode("utf-8"))
    return None


def write_ndjson(frame: "DataFrame", file: Any = None) -> str | None:
    """Write one JSON object a line (NaN and infinities as null); ``file`` None returns the text."""
    rows = _json_rows(frame)
    return _write_text("".join(r + "\n" for r in rows), file)


def write_json(frame: "DataFrame", file: Any = None) -> str | None:
    """Write a JSON array of row objects; ``file`` None returns the text."""
    return _write_text("[" + ",".join(_json_rows(frame)) + "]", file)
