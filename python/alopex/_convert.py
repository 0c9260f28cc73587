"""Turning what users hand us into a pyarrow Table, copying as little as possible.

NumPy arrays of numbers and booleans without masks become Arrow arrays that
share their memory; pyarrow tables and batches are used as they are; objects
with ``__arrow_c_stream__`` (Polars, DuckDB results, ...) are read through the
Arrow PyCapsule interface.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pyarrow as pa

from . import _schema_arg
from .exceptions import InvalidInputError


def _column_array(name: str, values: Any) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    if hasattr(values, "_series_arrow"):  # ax.Series
        return values._series_arrow()
    if isinstance(values, np.ndarray):
        if values.ndim == 2:
            return _vector_column(name, values)
        if values.ndim != 1:
            raise InvalidInputError(
                f"column '{name}' has shape {values.shape}; columns must be 1-dimensional, "
                "or 2-dimensional (n, d) floats for a vector column"
            )
        if values.dtype.kind in "US":
            return pa.array(values.astype(object) if values.dtype.kind == "S" else values, type=pa.string())
        try:
            return pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise InvalidInputError(f"column '{name}': {e}") from e
    if hasattr(values, "__arrow_c_array__") or hasattr(values, "__arrow_c_stream__"):
        return pa.chunked_array(values) if hasattr(values, "__arrow_c_stream__") else pa.array(values)
    try:
        import pandas as pd

        # A Categorical (bare or in a Series) stays dictionary-encoded.
        if isinstance(values, (pd.Series, pd.Categorical)):
            return pa.Array.from_pandas(values)
    except ImportError:
        pass
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise InvalidInputError(
            f"column '{name}' must be a sequence of values, got {type(values).__name__}"
        )
    items = list(values) if not isinstance(values, list) else values
    try:
        return pa.array(items)
    except OverflowError:
        # Python ints beyond Int64: UInt64 when they all fit, as Polars does.
        try:
            return pa.array(items, type=pa.uint64())
        except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise InvalidInputError(
                f"column '{name}' holds integers that fit neither Int64 nor UInt64 ({e})"
            ) from e
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise InvalidInputError(
            f"column '{name}' mixes values that do not share a type ({e}); "
            "convert them to one type first"
        ) from e


def _vector_column(name: str, values: np.ndarray) -> pa.FixedSizeListArray:
    """An (n, d) float array as a vector column: Array(Float32, shape=d), one row per vector.

    A C-contiguous float32 array is shared, not copied. Other float arrays (float64, float16)
    are converted to float32 once, as every vector is Float32 in the engine; other dtypes
    are refused rather than guessed at.
    """
    if values.dtype.kind != "f":
        raise InvalidInputError(
            f"column '{name}' is a 2-dimensional {values.dtype} array; vector columns hold floats: "
            "pass float32 (shared) or float64 (converted once), e.g. arr.astype(np.float32)"
        )
    if values.shape[1] == 0:
        raise InvalidInputError(f"column '{name}' has shape {values.shape}; a vector needs at least one dimension")
    arr = np.ascontiguousarray(values, dtype=np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(arr.reshape(-1)), values.shape[1])


def from_mapping(data: Mapping[str, Any]) -> pa.Table:
    names = list(data.keys())
    for n in names:
        if not isinstance(n, str):
            raise InvalidInputError(f"column names must be str, got {n!r}")
    arrays = [_column_array(n, data[n]) for n in names]
    lengths = {n: len(a) for n, a in zip(names, arrays)}
    if len(set(lengths.values())) > 1:
        raise InvalidInputError(
            "columns have different lengths: "
            + ", ".join(f"'{n}': {ln}" for n, ln in lengths.items())
        )
    return pa.Table.from_arrays(arrays, names=names)


def from_dicts(rows: Sequence[Mapping[str, Any]], names: Sequence[str] | None = None) -> pa.Table:
    """Rows as a frame: the union of their keys in first-seen order (or ``names``), nulls
    where a row lacks a key, each column's type inferred over all rows, as Polars does."""
    if names is None:
        keys: dict[Any, None] = {}
        for r in rows:
            keys.update(dict.fromkeys(r))
        names = list(keys)
    return from_mapping({k: [r.get(k) for r in rows] for k in names})


def from_numpy(arr: np.ndarray, columns: Sequence[str] | None = None) -> pa.Table:
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"from_numpy takes a NumPy array, got {type(arr).__name__}")
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise InvalidInputError(f"expected a 1- or 2-dimensional array, got shape {arr.shape}")
    ncols = arr.shape[1]
    names = list(columns) if columns is not None else [f"column_{i}" for i in range(ncols)]
    if len(names) == 1 and ncols > 1:  # one name for a matrix: a vector column
        return pa.Table.from_arrays([_vector_column(names[0], arr)], names=names)
    if len(names) != ncols:
        raise InvalidInputError(f"{len(names)} column names given for {ncols} columns")
    # Columns of a Fortran-ordered array are contiguous and stay shared.
    return pa.Table.from_arrays([pa.array(arr[:, i]) for i in range(ncols)], names=names)


def to_table(data: Any, schema: Any = None) -> pa.Table:
    """Convert anything frame-like into a pyarrow Table, shaped by ``schema`` (see _schema_arg)."""
    pairs = _schema_arg.parse(schema) if schema is not None else None
    by_name = strict_names = False
    if data is None:
        table = pa.table({})
    elif isinstance(data, pa.Table):
        table = data
    elif isinstance(data, pa.RecordBatch):
        table = pa.Table.from_batches([data])
    elif isinstance(data, pa.RecordBatchReader):
        table = data.read_all()
    elif isinstance(data, Mapping):
        table = from_mapping(data)
        by_name, strict_names = True, isinstance(schema, Mapping)
    elif isinstance(data, np.ndarray):
        table = from_numpy(data, [n for n, _ in pairs] if pairs else None)
    elif _is_pandas(data):
        table = pa.Table.from_pandas(data, preserve_index=False)
        by_name, strict_names = True, isinstance(schema, Mapping)
    elif hasattr(data, "__arrow_c_stream__"):
        table = pa.table(data)
    elif isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        if len(data) == 0:
            table = pa.table({})
        elif all(isinstance(r, Mapping) for r in data):
            # A schema picks the rows' keys by name.
            table = from_dicts(data, [n for n, _ in pairs] if pairs else None)
            by_name = True
        else:
            raise InvalidInputError(
                "a list passed to DataFrame must hold dicts (one per row); "
                "for columns pass a dict of lists"
            )
    else:
        raise InvalidInputError(
            f"cannot build a DataFrame from {type(data).__name__}; pass a dict of columns, a list "
            "of dicts, a NumPy array, a pandas or pyarrow table, or an object with __arrow_c_stream__"
        )
    if pairs is not None:
        table = _schema_arg.apply(table, pairs, by_name=by_name, strict_names=strict_names)
    _check_names(table)
    return table


def _check_names(table: pa.Table) -> None:
    seen: set[str] = set()
    for n in table.column_names:
        if n in seen:
            from .exceptions import SchemaError

            raise SchemaError(f"column name '{n}' appears more than once; column names must be unique")
        seen.add(n)


def _is_pandas(x: Any) -> bool:
    mod = type(x).__module__
    return mod.startswith("pandas") and type(x).__name__ == "DataFrame"
