"""A frame as one 2-D NumPy array (rows × columns), as Polars' ``DataFrame.to_numpy`` builds it.

The columns, each already converted as ``Series.to_numpy`` does (integers with nulls become
floats), share one dtype: NumPy's promotion of the columns' types when all are numbers or
booleans (Int32 + Int64 → int64, Int64 + Float32 → float64, UInt64 + Int64 → float64, as
Polars' supertypes), the columns' own dtype when they all have the same one (strings →
object, dates → datetime64[D]), object otherwise (Polars would cast Date + Int64 to
int64; we keep the values). The result is Fortran-ordered like Polars'. Columns that lie
side by side in one buffer come back as a view; ``__array__`` follows NumPy 2's ``copy=``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa


def stack(cols: list[np.ndarray], height: int, owner: Any) -> np.ndarray:
    """The columns (1-D, or (n, d) for vector columns) as one (height, len(cols)) array."""
    if not cols:
        return np.empty((height, 0))
    cols = [_rows_as_objects(c) if c.ndim == 2 else c for c in cols]
    dtype = _common_dtype([c.dtype for c in cols])
    if len(cols) == 1:
        return cols[0].astype(dtype, copy=False).reshape(-1, 1)
    if all(c.dtype == dtype for c in cols):
        view = _adjacent_columns_view(cols, owner)
        if view is not None:
            return view
    out = np.empty((height, len(cols)), dtype=dtype, order="F")
    for i, c in enumerate(cols):
        out[:, i] = c
    return out


def array_protocol(arr: np.ndarray, table: pa.Table, dtype: Any, copy: bool | None) -> np.ndarray:
    """``arr`` (this frame's ``to_numpy()``) under NumPy 2's ``__array__(dtype, copy)`` rules:
    copy=True always copies, copy=False raises ValueError when a copy cannot be avoided."""
    shared = _points_into(arr, table)
    if copy is False:
        if not shared or (dtype is not None and np.dtype(dtype) != arr.dtype):
            raise ValueError(
                "this frame cannot be viewed as a NumPy array without a copy (its columns are not "
                "one primitive block, or a dtype conversion was asked for); use np.asarray(df) or copy=None")
        return arr
    if dtype is not None:
        converted = arr.astype(dtype, copy=False)
        if converted is not arr:
            return converted
    return arr.copy(order="K") if copy and shared else arr


def _common_dtype(dtypes: list[np.dtype]) -> np.dtype:
    if all(d.kind in "biuf" for d in dtypes):
        return np.result_type(*dtypes)
    if all(d == dtypes[0] for d in dtypes):
        return dtypes[0]
    return np.dtype(object)


def _rows_as_objects(matrix: np.ndarray) -> np.ndarray:
    """An (n, d) vector column as n objects, each the row's 1-D array."""
    out = np.empty(matrix.shape[0], dtype=object)
    for i in range(matrix.shape[0]):
        out[i] = matrix[i]
    return out


def _points_into(arr: np.ndarray, table: pa.Table) -> bool:
    """Whether ``arr``'s memory is one of the table's Arrow buffers (so it was not copied)."""
    if arr.dtype == object or arr.size == 0:
        return False
    addr = arr.__array_interface__["data"][0]
    for col in table.columns:
        for chunk in col.chunks:
            for buf in chunk.buffers():
                if buf is not None and buf.address <= addr < buf.address + buf.size:
                    return True
    return False


def _adjacent_columns_view(cols: list[np.ndarray], owner: Any) -> np.ndarray | None:
    """A Fortran-ordered 2-D view when the columns are consecutive in one buffer."""
    first = cols[0]
    if first.dtype == object or any(c.dtype != first.dtype or c.shape != first.shape for c in cols):
        return None
    n, size = first.shape[0], first.dtype.itemsize
    base = first.__array_interface__["data"][0]
    for i, c in enumerate(cols):
        if c.__array_interface__["data"][0] != base + i * n * size or c.strides != (size,):
            return None
    holder = _Holder(owner, {
        "shape": (n, len(cols)), "typestr": first.dtype.str, "data": (base, True),
        "strides": (size, n * size), "version": 3,
    })
    return np.asarray(holder)


class _Holder:
    """Exposes memory through __array_interface__ while keeping its owner alive."""

    def __init__(self, owner: Any, interface: dict[str, Any]):
        self._owner = owner
        self.__array_interface__ = interface


def vectors(arr: pa.FixedSizeListArray) -> np.ndarray:
    """An Array(T, d) column as an (n, d) array: a view of the child values when
    there are no null vectors, else a float copy with NaN rows."""
    d = arr.type.list_size
    if arr.null_count == 0:
        values = arr.values.slice(arr.offset * d, len(arr) * d)
        if values.null_count == 0:
            return values.to_numpy(zero_copy_only=True).reshape(len(arr), d)
    return np.array([np.full(d, np.nan) if v is None else v for v in arr.to_pylist()], dtype=np.float64).reshape(len(arr), d)
