"""Value equality of frames and columns, as Polars' ``equals`` defines it.

Arrow's own ``equals`` says NaN != NaN; Polars (and so alopex) say a frame equals a copy of
itself: NaN equals NaN (at any depth, inside lists and vectors too), -0.0 equals 0.0, and
null equals null unless ``null_equal=False``. Numeric columns of different types compare by
value (Int32 1 equals Float64 1.0); other type differences make frames unequal.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def tables_equal(a: pa.Table, b: pa.Table, null_equal: bool) -> bool:
    if a.column_names != b.column_names or a.num_rows != b.num_rows:
        return False
    return all(columns_equal(x, y, null_equal) for x, y in zip(a.columns, b.columns))


def columns_equal(a: pa.ChunkedArray, b: pa.ChunkedArray, null_equal: bool) -> bool:
    if len(a) != len(b):
        return False
    if not null_equal and (a.null_count or b.null_count):
        return False  # null == null is false, so any null makes the columns unequal
    if a.type != b.type:
        if not (_numeric(a.type) and _numeric(b.type)):
            return False
        a, b = _common_numeric(a, b)
        if a is None:
            return False
    return _arrays_equal(_one(a), _one(b))


def _numeric(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t)


def _common_numeric(a: pa.ChunkedArray, b: pa.ChunkedArray):
    """Both columns in one type, converting without loss (or (None, None) when impossible:
    then some value of one has no equal in the other's type, e.g. 1.5 against integers)."""
    for x, y in ((a, b), (b, a)):
        try:
            return x, y.cast(x.type)  # safe cast: refuses truncation and overflow
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return None, None


def _one(c: pa.ChunkedArray) -> pa.Array:
    return c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c


def _arrays_equal(a: pa.Array, b: pa.Array) -> bool:
    t = a.type
    if pa.types.is_floating(t):
        an, bn = pc.is_nan(a), pc.is_nan(b)
        if not an.equals(bn):  # NaN in the same places (null stays null in both masks)
            return False
        zero = pa.scalar(0, t)
        return pc.if_else(an, zero, a).equals(pc.if_else(bn, zero, b))
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        if not (a.is_null().equals(b.is_null()) and pc.list_value_length(a).equals(pc.list_value_length(b))):
            return False
        return _arrays_equal(pc.list_flatten(a), pc.list_flatten(b))
    if pa.types.is_struct(t):
        if not a.is_null().equals(b.is_null()):
            return False
        return all(_arrays_equal(x, y) for x, y in zip(a.flatten(), b.flatten()))  # nulls of the parent applied
    return a.equals(b)
