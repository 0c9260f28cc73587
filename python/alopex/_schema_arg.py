"""The ``schema=`` argument of the DataFrame constructor, read as Polars reads it.

A schema is a dict ``{name: dtype}``, a list of ``(name, dtype)`` pairs, a list of names,
or a mix of names and pairs; a dtype of None keeps the inferred type (Null for a frame
with no data). With no data it makes empty typed columns. With data, names that match the
data's columns select them by name (reordering); other names rename the columns by
position, as Polars does, except that a dict schema must name the columns of dict data.
"""

from __future__ import annotations

from typing import Any, Mapping

import pyarrow as pa

from .exceptions import InvalidInputError, NotSupportedError

#: (column name, arrow type or None for "as inferred")
Pair = tuple[str, "pa.DataType | None"]


def parse(schema: Any) -> list[Pair]:
    """The schema as (name, arrow type) pairs, with a clear error for anything else."""
    if isinstance(schema, pa.Schema):
        return [(f.name, f.type) for f in schema]
    if isinstance(schema, Mapping):
        items = list(schema.items())
    elif isinstance(schema, (list, tuple)):
        items = [(x, None) if isinstance(x, str) else _pair(x) for x in schema]
    else:
        raise InvalidInputError(
            f"schema must be a dict of name: dtype, a list of (name, dtype) pairs or a list of "
            f"names, got {type(schema).__name__}")
    pairs = []
    for name, dtype in items:
        if not isinstance(name, str):
            raise InvalidInputError(f"schema column names must be str, got {name!r}")
        pairs.append((name, None if dtype is None else _arrow_type(name, dtype)))
    return pairs


def _pair(x: Any) -> tuple[Any, Any]:
    if isinstance(x, (list, tuple)) and len(x) == 2:
        return x[0], x[1]
    raise InvalidInputError(f"schema entries must be names or (name, dtype) pairs, got {x!r}")


def _arrow_type(name: str, dtype: Any) -> pa.DataType:
    from ._arrow_types import to_arrow
    from .datatypes import dtype_name

    try:
        return to_arrow(dtype_name(dtype))
    except TypeError as e:
        raise InvalidInputError(f"schema: column '{name}': {e}") from None
    except NotSupportedError as e:
        raise NotSupportedError(f"schema: column '{name}': {e.message}") from None


def empty_table(pairs: list[Pair]) -> pa.Table:
    """A frame with no rows and the schema's columns (Null where no dtype is given)."""
    return pa.table({n: pa.array([], type=t or pa.null()) for n, t in _unique(pairs)})


def apply(table: pa.Table, pairs: list[Pair], *, by_name: bool = False, strict_names: bool = False) -> pa.Table:
    """``table`` renamed or reordered to the schema's names and cast to its dtypes.

    ``by_name``: names that match the data's select its columns (dict or pandas data; Arrow
    and NumPy data are renamed by position, as Polars does). ``strict_names``: the schema's
    names must be the table's (a dict schema over dict data).
    """
    if table.num_columns == 0 and table.num_rows == 0:
        return empty_table(pairs)
    names = [n for n, _ in _unique(pairs)]
    if by_name and set(names) == set(table.column_names) and len(names) == table.num_columns:
        table = table.select(names)
    elif strict_names:
        raise InvalidInputError(
            f"the schema names {names} but the data has the columns {table.column_names}; "
            "name the same columns (a list of names or (name, dtype) pairs renames by position)")
    elif len(names) != table.num_columns:
        raise InvalidInputError(f"{len(names)} column names given for {table.num_columns} columns")
    else:
        table = table.rename_columns(names)
    cols = [_cast(name, table.column(i), t) for i, (name, t) in enumerate(pairs)]
    return pa.Table.from_arrays(cols, names=names)


def _cast(name: str, col: pa.ChunkedArray, target: pa.DataType | None) -> pa.ChunkedArray:
    if target is None or col.type == target:
        return col
    try:
        return col.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as e:
        from .datatypes import from_arrow

        raise InvalidInputError(
            f"column '{name}' cannot be converted from {from_arrow(col.type)} to {from_arrow(target)} "
            f"as the schema asks ({e}); fix the values or give the column another dtype") from None


def _unique(pairs: list[Pair]) -> list[Pair]:
    seen: set[str] = set()
    for n, _ in pairs:
        if n in seen:
            from .exceptions import SchemaError

            raise SchemaError(f"column name '{n}' appears more than once in the schema; column names must be unique")
        seen.add(n)
    return pairs
