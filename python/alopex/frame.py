"""DataFrame and Series: materialized data, held as Arrow memory.

A DataFrame wraps a pyarrow Table. Results of queries are Tables whose
buffers were allocated by the Go engine and exported through the Arrow C
stream interface: nothing is copied on the way out, and ``to_numpy()`` of a
primitive column without nulls is a view of that memory. Eager methods are
the lazy plan plus ``collect()``.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

import numpy as np
import pyarrow as pa

from . import _display, _equality, _ffi, _to_numpy
from ._convert import to_table
from ._validate import int_arg, name_arg
from .datatypes import DataType, Schema
from .datatypes import from_arrow as dtype_from_arrow
from .exceptions import ColumnNotFoundError, InvalidInputError, NotSupportedError
from .lazyframe import LazyFrame
from .series import Series  # noqa: F401  (Series is part of this module's API)


class DataFrame:
    """A table of named, typed columns.

    >>> import alopex as ax
    >>> df = ax.DataFrame({"id": [1, 2, 3], "v": [1.0, 2.0, 3.0]})
    >>> df.filter(ax.col("v") > 1.5).shape
    (2, 2)

    An (n, d) NumPy array in the dict is a vector column ``Array(Float32, shape=d)`` (one
    vector per row; see ``Expr.vec``): a C-contiguous float32 array is shared without a copy,
    a float64 (or float16) array is converted to float32 once.

    >>> import numpy as np
    >>> ax.DataFrame({"emb": np.zeros((2, 3))}).schema
    {'emb': Array(Float32, shape=3)}
    """

    __slots__ = ("_table", "_handle", "_vector_indexes", "__weakref__")

    def __init__(self, data: Any = None, schema: Any = None):
        if isinstance(data, DataFrame):
            self._table = data._table
            self._handle = data._handle
            return
        self._table = to_table(data, schema)
        self._handle: _ffi.TableHandle | None = None

    @classmethod
    def _from_arrow_table(cls, table: pa.Table) -> "DataFrame":
        df = cls.__new__(cls)
        df._table = table
        df._handle = None
        return df

    @classmethod
    def _from_handle(cls, handle: _ffi.TableHandle) -> "DataFrame":
        df = cls.__new__(cls)
        df._table = _ffi.export_table(handle, release_wide=True)
        # Keep the engine's table too: using this result in another query
        # then costs nothing. A wide table's was released (see export_table):
        # a later query imports the pyarrow table again, without copies.
        df._handle = handle if handle._finalizer.alive else None
        return df

    def _engine_handle(self) -> _ffi.TableHandle:
        if self._handle is None:
            table = self._table
            reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
            self._handle = _ffi.import_stream(reader._export_to_c)
        return self._handle

    # --- shape and schema --------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        return (self._table.num_rows, self._table.num_columns)

    @property
    def height(self) -> int:
        return self._table.num_rows

    @property
    def width(self) -> int:
        return self._table.num_columns

    def __len__(self) -> int:
        return self._table.num_rows

    @property
    def columns(self) -> list[str]:
        return list(self._table.column_names)

    @property
    def dtypes(self) -> list[DataType]:
        return [dtype_from_arrow(f.type) for f in self._table.schema]

    @property
    def schema(self) -> Schema:
        return Schema((f.name, dtype_from_arrow(f.type)) for f in self._table.schema)

    def collect_schema(self) -> Schema:
        return self.schema

    def is_empty(self) -> bool:
        return self._table.num_rows == 0

    # --- lazy and eager queries ---------------------------------------------
    def sql(self, query: str, params: Any = None) -> "DataFrame":
        """Run SQL over this frame, which the query calls ``self``; returns a DataFrame."""
        from .sql import SQLContext

        return SQLContext({"self": self}).execute(query, params=params, eager=True)

    def with_vector_index(self, column: str, index: Any) -> "DataFrame":
        """This frame with ``index`` (an :class:`~alopex.VectorIndex`) attached to the vector column ``column``.

        The index must hold row ``i`` of the column under id ``i`` (what
        ``index.add(df[column].to_numpy())`` on a fresh index does). Queries that sort by a
        distance to a constant vector and take the first ``k`` rows
        (``sort(ax.col(column).vec.cosine_distance(q)).head(k)``, ``bottom_k``, SQL
        ``ORDER BY VEC_COSINE_DISTANCE(emb, ?) LIMIT k``) are then answered by the index when
        its metric orders rows like the distance (``"l2"``: l2_distance, ``"cosine"``:
        cosine_distance, ``"ip"``: inner_product descending / negative_inner_product); filters
        below the sort become the search's allow-list (no filtered-out row is ever returned, and
        ``k`` rows come back whenever ``k`` rows pass). ``explain()`` shows
        ``VECTOR TOP-K ... INDEX hnsw``. With an HNSW index the result is approximate.

        >>> import alopex as ax, numpy as np
        >>> emb = np.eye(4, dtype=np.float32)
        >>> idx = ax.VectorIndex(dim=4, metric="l2", kind="flat"); idx.add(emb)
        >>> df = ax.DataFrame({"id": [0, 1, 2, 3], "emb": emb}).with_vector_index("emb", idx)
        >>> df.bottom_k(1, by=ax.col("emb").vec.l2_distance([0, 1, 0, 0]))["id"].to_list()
        [1]
        """
        from .vector import VectorIndex

        if not isinstance(index, VectorIndex):
            raise TypeError(f"with_vector_index takes an ax.VectorIndex, got {type(index).__name__}")
        if column not in self.columns:
            raise _missing(column, self.columns)
        if len(index) != self.height:
            raise InvalidInputError(
                f"the index holds {len(index)} vectors but the frame has {self.height} rows; "
                f"it must hold row i of {column!r} under id i")
        out = DataFrame.__new__(DataFrame)
        out._table, out._handle = self._table, self._handle
        out._vector_indexes = {**(getattr(self, "_vector_indexes", None) or {}), column: index}
        return out

    def lazy(self) -> LazyFrame:
        """Start a lazy query over this frame."""
        return LazyFrame._scan(self)

    def select(self, *exprs: Any, **named: Any) -> "DataFrame":
        frame, exprs, named, _ = self._series_as_columns(exprs, named)
        return frame.lazy().select(*exprs, **named).collect()

    def with_columns(self, *exprs: Any, **named: Any) -> "DataFrame":
        """The frame with columns added or replaced: expressions, or Series of the frame's height.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"a": [1, 2]})
        >>> df.with_columns(ax.Series("b", [10, 20]), c=ax.col("a") * 2).rows()
        [(1, 10, 2), (2, 20, 4)]
        """
        frame, exprs, named, hidden = self._series_as_columns(exprs, named)
        out = frame.lazy().with_columns(*exprs, **named)
        return (out.drop(hidden) if hidden else out).collect()

    def _series_as_columns(self, exprs: tuple[Any, ...], named: dict[str, Any]
                           ) -> tuple["DataFrame", list[Any], dict[str, Any], list[str]]:
        """Series arguments of select/with_columns become hidden columns of this frame, each
        referred to by an expression named as the Series (or as its keyword)."""
        from .expr import col

        flat: list[Any] = []
        for e in exprs:
            flat.extend(e if isinstance(e, (list, tuple)) else [e])
        hidden: dict[str, pa.ChunkedArray] = {}

        def placeholder(series: Series, name: str) -> Any:
            n, h = len(series), self.height
            data = series._series_arrow()
            if n != h:
                raise InvalidInputError(f"Series '{name}' has length {n}, the frame has height {h}; lengths must "
                                        "match (for one value on every row, pass it as a literal: ax.lit(v))")
            key = f"__alopex_series_{len(hidden)}"
            hidden[key] = data
            return col(key).alias(name)

        if not any(isinstance(e, Series) for e in flat) and not any(isinstance(v, Series) for v in named.values()):
            return self, flat, named, []
        flat = [placeholder(e, e.name) if isinstance(e, Series) else e for e in flat]
        named = {k: placeholder(v, k) if isinstance(v, Series) else v for k, v in named.items()}
        table = self._table
        for key, data in hidden.items():
            table = table.append_column(key, data)
        return DataFrame._from_arrow_table(table), flat, named, list(hidden)

    def hstack(self, columns: "list[Series] | DataFrame", *, in_place: bool = False) -> "DataFrame":
        """The frame with ``columns`` (Series, or a DataFrame's columns) added on the right.

        The columns must have the frame's height and new names (InvalidInputError otherwise).
        """
        series = list(columns) if not isinstance(columns, DataFrame) else list(columns)
        table = self._table
        for s in series:
            if not isinstance(s, Series):
                raise TypeError(f"hstack takes Series or a DataFrame, got {type(s).__name__}")
            if len(s) != self.height and self.width:
                raise InvalidInputError(f"hstack: Series '{s.name}' has length {len(s)}, the frame has height "
                                        f"{self.height}")
            if s.name in table.column_names:
                raise InvalidInputError(f"hstack: column '{s.name}' already exists; rename the Series first")
            table = table.append_column(s.name, s._series_arrow())
        if in_place:
            self._table, self._handle = table, None
            return self
        return DataFrame._from_arrow_table(table)

    def vstack(self, other: "DataFrame", *, in_place: bool = False) -> "DataFrame":
        """The rows of ``other`` below this frame's (same column names and types)."""
        if not isinstance(other, DataFrame):
            raise TypeError(f"vstack takes a DataFrame, got {type(other).__name__}")
        out = concat([self, other], how="vertical")
        if in_place:
            self._table, self._handle = out._table, None
            return self
        return out

    def extend(self, other: "DataFrame") -> "DataFrame":
        """Append ``other``'s rows to this frame in place (as ``vstack(other, in_place=True)``)."""
        return self.vstack(other, in_place=True)

    def clone(self) -> "DataFrame":
        """A new frame over the same (immutable) data."""
        return DataFrame._from_arrow_table(self._table)

    def transpose(self, *, include_header: bool = False, header_name: str = "column",
                  column_names: Any = None) -> "DataFrame":
        """Rows become columns. The values take the columns' common numeric type, or become
        text when the columns mix other types; ``include_header`` adds the old names as a first column.

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1, 2], "b": [3.5, 4.0]}).transpose().rows()
        [(1.0, 2.0), (3.5, 4.0)]
        """
        from .expr import col

        if isinstance(column_names, str):  # the column holding the new names
            names = self[column_names].cast("String").to_list()
            return self.drop(column_names).transpose(include_header=include_header, header_name=header_name,
                                                     column_names=names)
        height, width = self.height, self.width
        if column_names is None:
            names = [f"column_{i}" for i in range(height)]
        else:
            names = [str(n) for n in column_names]
            if len(names) != height:
                raise InvalidInputError(f"transpose: {len(names)} column names for {height} rows")
        if width == 0:
            return DataFrame({})
        dtypes = self.dtypes
        as_text = len(set(dtypes)) > 1 and not all(t.is_numeric() for t in dtypes)
        parts = [self.lazy().select((col(c).cast("String") if as_text else col(c)).alias("value"))
                 for c in self.columns]
        stacked = concat(parts, how="vertical_relaxed").collect()._table.column(0)
        columns: dict[str, Any] = {}
        if include_header:
            columns[header_name] = pa.array(self.columns, type=pa.string())
        # Row j of the result's column i is the old column j's value i: every height-th value.
        for i, name in enumerate(names):
            columns[name] = stacked.take(pa.array(np.arange(i, width * height, height, dtype=np.int64)))
        return DataFrame._from_arrow_table(pa.table(columns))

    def sample(self, n: int | None = None, *, fraction: float | None = None, with_replacement: bool = False,
               shuffle: bool = False, seed: int | None = None) -> "DataFrame":
        """``n`` rows (or ``fraction`` of them) drawn at random; ``seed`` makes the draw repeatable.

        Without ``shuffle`` the rows keep their order in the frame. The draw is alopex's own
        (NumPy's generator), so a seed picks other rows than in Polars.
        """
        if n is not None and fraction is not None:
            raise InvalidInputError("sample takes n or fraction, not both")
        if fraction is not None:
            if not isinstance(fraction, (int, float)) or fraction < 0:
                raise InvalidInputError(f"sample: fraction must be a number >= 0, got {fraction!r}")
            n = int(fraction * self.height)
        n = 1 if n is None else int_arg(n, "n")
        if n < 0:
            raise InvalidInputError(f"sample: n must be >= 0, got {n}")
        if n > self.height and not with_replacement:
            raise InvalidInputError(f"sample: cannot take {n} rows from {self.height} without replacement; "
                                    "pass with_replacement=True")
        rng = np.random.default_rng(seed)
        if with_replacement:
            positions = rng.integers(0, self.height, size=n) if self.height else np.zeros(0, dtype=np.int64)
        else:
            positions = rng.choice(self.height, size=n, replace=False)
        if not shuffle:
            positions = np.sort(positions)
        return self._take_rows(positions.astype(np.int64).tolist())

    def partition_by(self, by: Any, *more_by: Any, maintain_order: bool = True, include_key: bool = True,
                     as_dict: bool = False) -> Any:
        """One frame per distinct value of the ``by`` columns, in order of first appearance
        (a list, or a dict keyed by tuples of the key values with ``as_dict``)."""
        keys = ([by] if isinstance(by, str) else list(by)) + list(more_by)
        for k in keys:
            self._column_name(k)
        index = pa.array(np.arange(self.height, dtype=np.int64))
        groups = (self._table.select(keys).append_column("__alopex_i", index)
                  .group_by(keys, use_threads=False).aggregate([("__alopex_i", "list")]))
        keep = self._table if include_key else self._table.drop_columns(keys)
        rows = groups.column("__alopex_i_list").combine_chunks()
        parts = [DataFrame._from_arrow_table(keep.take(rows[i].values)) for i in range(len(rows))]
        if not as_dict:
            return parts
        key_rows = groups.select(keys).to_pylist()
        return {tuple(r[k] for k in keys): part for r, part in zip(key_rows, parts)}

    def to_dummies(self, columns: Any = None, *, separator: str = "_", drop_first: bool = False,
                   drop_nulls: bool = False) -> "DataFrame":
        """Each of ``columns`` (default: all) replaced by one UInt8 indicator column per distinct
        value, named ``{column}{separator}{value}`` (``…_null`` for nulls), sorted by name as in Polars."""
        from .expr import col, lit

        chosen = self.columns if columns is None else ([columns] if isinstance(columns, str) else list(columns))
        for c in chosen:
            self._column_name(c)
        exprs: list[Any] = []
        for c in self.columns:
            if c not in chosen:
                exprs.append(col(c))
                continue
            values = self[c].unique(maintain_order=True).to_list()
            if drop_first and values:
                values = values[1:]
            if drop_nulls:
                values = [v for v in values if v is not None]
            dummies = []
            for v in values:
                label = "null" if v is None else str(v)
                test = col(c).is_null() if v is None else (col(c) == lit(v)).fill_null(False)
                dummies.append((f"{c}{separator}{label}", test.cast("UInt8")))
            exprs.extend(e.alias(name) for name, e in sorted(dummies, key=lambda d: d[0]))
        return self.select(exprs)

    def glimpse(self, *, max_items_per_column: int = 10, max_colname_length: int = 50,
                return_type: str | None = None) -> Any:
        """One line per column: name, type and its first values. ``return_type``: None prints
        and returns None, ``"self"`` prints and returns the frame, ``"string"`` returns the text,
        ``"frame"`` returns a frame of column, dtype and values (as Polars)."""
        if return_type not in (None, "self", "string", "frame"):
            raise InvalidInputError(f"glimpse: return_type must be None, 'self', 'string' or 'frame'; "
                                    f"got {return_type!r}")
        width = min(max((len(c) for c in self.columns), default=0), max_colname_length)
        rows = []
        for name in self.columns:
            values = self[name].head(max_items_per_column).to_list()
            rows.append((name, _display._dtype_label(self._table.column(name).type), values))
        if return_type == "frame":
            return DataFrame({"column": [r[0] for r in rows], "dtype": [r[1] for r in rows],
                              "values": [[None if v is None else _glimpse_value(v) for v in r[2]] for r in rows]},
                             schema={"column": "String", "dtype": "String", "values": pa.list_(pa.string())})
        lines = [f"Rows: {self.height}", f"Columns: {self.width}"]
        for name, dtype, values in rows:
            shown = name if len(name) <= max_colname_length else name[: max_colname_length - 1] + "…"
            lines.append(f"$ {shown:<{width}} <{dtype}> " + ", ".join(_glimpse_value(v) for v in values))
        out = "\n".join(lines) + "\n"
        if return_type == "string":
            return out
        print(out, end="")
        return self if return_type == "self" else None

    def filter(self, *predicates: Any, **constraints: Any) -> "DataFrame":
        return self.lazy().filter(*predicates, **constraints).collect()

    def join(self, other: Any, on: Any = None, how: str = "inner", **kwargs: Any) -> "DataFrame":
        return self.lazy().join(other, on, how, **kwargs).collect()

    def sort(self, by: Any, *more_by: Any, descending: bool | list[bool] = False,
             nulls_last: bool | list[bool] = False, maintain_order: bool = False) -> "DataFrame":
        return self.lazy().sort(by, *more_by, descending=descending, nulls_last=nulls_last,
                                maintain_order=maintain_order).collect()

    def top_k(self, k: int, *, by: Any, reverse: bool | list[bool] = False) -> "DataFrame":
        return self.lazy().top_k(k, by=by, reverse=reverse).collect()

    def bottom_k(self, k: int, *, by: Any, reverse: bool | list[bool] = False) -> "DataFrame":
        return self.lazy().bottom_k(k, by=by, reverse=reverse).collect()

    def drop(self, *columns: Any, strict: bool = True) -> "DataFrame":
        return self.lazy().drop(*columns, strict=strict).collect()

    def rename(self, mapping: Any, *, strict: bool = True) -> "DataFrame":
        return self.lazy().rename(mapping, strict=strict).collect()

    def with_row_index(self, name: str = "index", offset: int = 0) -> "DataFrame":
        return self.lazy().with_row_index(name, offset).collect()

    def unique(self, subset: Any = None, *, keep: str = "any", maintain_order: bool = False) -> "DataFrame":
        return self.lazy().unique(subset, keep=keep, maintain_order=maintain_order).collect()

    def null_count(self) -> "DataFrame":
        return self.lazy().null_count().collect()

    # The same frame-wide methods as LazyFrame's, collected.
    def sum(self) -> "DataFrame":
        return self.lazy().sum().collect()

    def mean(self) -> "DataFrame":
        return self.lazy().mean().collect()

    def median(self) -> "DataFrame":
        return self.lazy().median().collect()

    def std(self, ddof: int = 1) -> "DataFrame":
        return self.lazy().std(ddof).collect()

    def var(self, ddof: int = 1) -> "DataFrame":
        return self.lazy().var(ddof).collect()

    def quantile(self, quantile: float, interpolation: str = "nearest") -> "DataFrame":
        return self.lazy().quantile(quantile, interpolation).collect()

    def max(self) -> "DataFrame":
        return self.lazy().max().collect()

    def min(self) -> "DataFrame":
        return self.lazy().min().collect()

    def count(self) -> "DataFrame":
        return self.lazy().count().collect()

    def cast(self, dtypes: Any, *, strict: bool = True) -> "DataFrame":
        return self.lazy().cast(dtypes, strict=strict).collect()

    def fill_null(self, value: Any = None, strategy: str | None = None, limit: int | None = None, *,
                  matches_supertype: bool = True) -> "DataFrame":
        """Fill the nulls of every column (see :meth:`LazyFrame.fill_null`).

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [None, 2, None]}).fill_null(strategy="backward")["a"].to_list()
        [2, 2, None]
        """
        return self.lazy().fill_null(value, strategy, limit, matches_supertype=matches_supertype).collect()

    def fill_nan(self, value: Any) -> "DataFrame":
        return self.lazy().fill_nan(value).collect()

    def drop_nulls(self, subset: Any = None) -> "DataFrame":
        return self.lazy().drop_nulls(subset).collect()

    def shift(self, n: int = 1, *, fill_value: Any = None) -> "DataFrame":
        return self.lazy().shift(n, fill_value=fill_value).collect()

    def reverse(self) -> "DataFrame":
        return self.lazy().reverse().collect()

    def interpolate(self) -> "DataFrame":
        """Every column's nulls between two values filled linearly (see :meth:`LazyFrame.interpolate`).

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1.0, None, 2.0]}).interpolate()["a"].to_list()
        [1.0, 1.5, 2.0]
        """
        return self.lazy().interpolate().collect()

    def explode(self, columns: Any, *more_columns: Any, empty_as_null: bool = False,
                keep_nulls: bool = True) -> "DataFrame":
        """One row per element of the List ``columns`` (exploded together: their lists must have
        the same lengths row by row), the other columns repeated, as Polars' ``explode``: an
        empty list gives no row (a null one with ``empty_as_null``), a null list a null row
        (none without ``keep_nulls``). Columns may be named or picked by a selector.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"k": [1, 2, 3], "v": [[10, 20], [], None]})
        >>> df.explode("v").to_dict(as_series=False)
        {'k': [1, 1, 3], 'v': [10, 20, None]}
        """
        from .selectors import Selector

        items = [c for x in (columns, *more_columns) for c in (x if isinstance(x, (list, tuple)) else [x])]
        names = [n for c in items for n in (c.names(self.schema) if isinstance(c, Selector) else [c])]
        if not names:
            return self
        for n in names:
            if not isinstance(n, str):
                raise TypeError(f"explode takes column names or selectors, got {type(n).__name__} {n!r}")
            if n not in self.schema:
                raise _missing(n, self.columns)
        return DataFrame._from_arrow_table(_explode_table(self._table, names, empty_as_null, keep_nulls))

    def clear(self, n: int = 0) -> "DataFrame":
        return self.lazy().clear(n).collect()

    def unpivot(self, on: Any = None, *, index: Any = None, variable_name: str | None = None,
                value_name: str | None = None) -> "DataFrame":
        return self.lazy().unpivot(on, index=index, variable_name=variable_name, value_name=value_name).collect()

    def gather_every(self, n: int, offset: int = 0) -> "DataFrame":
        return self.lazy().gather_every(n, offset).collect()

    def describe(self, percentiles: Sequence[float] = (0.25, 0.5, 0.75)) -> "DataFrame":
        """Summary statistics per column (count, null_count, mean, std, min,
        percentiles, max), computed by the engine in one query."""
        from .expr import col
        from .expr import len as _len

        stats = ["count", "null_count", "mean", "std", "min"] + [f"{p:.0%}" for p in percentiles] + ["max"]
        exprs = []
        slots: dict[tuple[str, str], str] = {}  # (column, statistic) -> result column

        def add(name: str, stat: str, e: Any) -> None:
            slots[(name, stat)] = f"s{len(slots)}"
            exprs.append(e.alias(slots[(name, stat)]))

        numeric = {}
        for name, dtype in self.schema.items():
            is_num = dtype.is_numeric()
            numeric[name] = is_num
            c = col(name)
            add(name, "count", c.count())
            add(name, "null_count", _len() - c.count())
            if is_num:
                add(name, "mean", c.mean())
                add(name, "std", c.std())
                for p in percentiles:
                    add(name, f"{p:.0%}", c.quantile(p, "nearest"))
            if is_num or dtype.name in ("String", "Date", "Boolean") or dtype.name.startswith("Datetime"):
                add(name, "min", c.min())
                add(name, "max", c.max())
        row = self.lazy().select(exprs).collect().to_dicts()[0] if exprs else {}
        out: dict[str, list[Any]] = {"statistic": stats}
        for name in self.columns:
            vals = [row.get(slots[(name, st)]) if (name, st) in slots else None for st in stats]
            if numeric[name]:
                vals = [None if v is None else float(v) for v in vals]
            else:
                vals = [None if v is None else str(v) for v in vals]
            out[name] = vals
        return DataFrame(out)

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as dicts (column name → value)."""
        return self._table.to_pylist()

    def rows(self, *, named: bool = False) -> list[Any]:
        """The rows as tuples (dicts with ``named=True``)."""
        if named:
            return self.to_dicts()
        cols = [c.to_pylist() for c in self._table.columns]
        return list(zip(*cols)) if cols else []

    def iter_rows(self, *, named: bool = False, buffer_size: int = 512) -> Iterator[Any]:
        """Iterate over rows, converting ``buffer_size`` rows at a time."""
        for start in range(0, self.height, buffer_size):
            part = DataFrame._from_arrow_table(self._table.slice(start, buffer_size))
            yield from part.rows(named=named)

    def row(self, index: int, *, named: bool = False) -> Any:
        n = self.height
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError(f"row {index} is out of bounds for a frame of {n} rows")
        part = DataFrame._from_arrow_table(self._table.slice(i, 1))
        return part.rows(named=named)[0]

    def item(self, row: int | None = None, column: int | str | None = None) -> Any:
        """The single value of a 1×1 frame, or the value at (row, column)."""
        if row is None and column is None:
            if self.shape != (1, 1):
                from .exceptions import InvalidInputError

                raise InvalidInputError(
                    f"item() without arguments needs a 1x1 frame, this one is {self.shape}; pass row and column")
            return self._table.column(0)[0].as_py()
        if row is None or column is None:
            raise ValueError("pass both row and column, or neither")
        name = self.columns[column] if isinstance(column, int) else column
        return self.get_column(name)[row]

    def group_by(self, *by: Any, maintain_order: bool = False, **named_by: Any) -> "GroupBy":
        """Group by columns or expressions; finish with ``.agg(...)``."""
        return GroupBy(self.lazy().group_by(*by, maintain_order=maintain_order, **named_by))

    def head(self, n: int = 5) -> "DataFrame":
        """The first ``n`` rows; a negative ``n`` keeps all but the last ``-n``."""
        n = int_arg(n, "n")
        if n < 0:
            n = max(self.height + n, 0)
        return self.lazy().head(n).collect()

    def tail(self, n: int = 5) -> "DataFrame":
        """The last ``n`` rows; a negative ``n`` keeps all but the first ``-n``."""
        n = int_arg(n, "n")
        if n < 0:
            return self.slice(-n)
        return self.slice(max(self.height - n, 0))

    def limit(self, n: int = 5) -> "DataFrame":
        return self.head(n)

    def slice(self, offset: int, length: int | None = None) -> "DataFrame":
        """Rows from ``offset`` (negative: from the end), ``length`` of them (None: to
        the end; negative: stop that many rows before the end), as in Polars."""
        offset, length = _resolve_slice(self.height, offset, length)
        return self.lazy().slice(offset, length).collect()

    def pipe(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return function(self, *args, **kwargs)

    def explain(self) -> str:
        return self.lazy().explain()

    # --- access --------------------------------------------------------------
    def get_column(self, name: str) -> "Series":
        name_arg(name)
        try:
            return Series._from_arrow(name, self._table.column(name))
        except KeyError:
            from .lazyframe import LazyFrame as _LF  # noqa: F401

            raise _missing(name, self.columns) from None

    def __getitem__(self, key: Any) -> Any:
        """Polars indexing: ``df["a"]`` a Series; ``df[["a", "b"]]`` columns; ``df[0]``, ``df[1:3]``,
        ``df[[0, 2]]`` rows (a DataFrame); ``df[i, "c"]`` / ``df[i, j]`` one value; ``df[rows, cols]``
        with rows an int, slice or list of positions and cols a name, position, slice or list of them.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
        >>> df[1, "b"], df[-1, 0], df[:, ["b"]].columns, df[[0, 2]].height
        ('y', 3, ['b'], 2)
        """
        if isinstance(key, tuple):
            if len(key) != 2:
                raise TypeError(f"a DataFrame is indexed by [rows, columns], got {len(key)} positions")
            rows, cols = key
            if _is_position(cols) or isinstance(cols, str):
                column = self.get_column(self._column_name(cols))
                return column[rows] if _is_position(rows) else column[_row_key(rows)]
            frame = self._select_columns(cols)
            if _is_position(rows):
                return frame._take_rows([_position(rows, self.height)])
            return frame._rows(rows)
        if isinstance(key, str):
            if key not in self._table.column_names:
                raise _missing(key, self.columns)
            return self.get_column(key)
        if _is_position(key):
            return self._take_rows([_position(key, self.height)])
        if isinstance(key, slice):
            return self._rows(key)
        if isinstance(key, (list, tuple, np.ndarray, range, Series)):
            values = key.to_list() if isinstance(key, Series) else list(key)
            if values and all(isinstance(k, str) for k in values):
                return self._select_columns(values)
            if values and all(isinstance(k, (bool, np.bool_)) for k in values):
                return self._select_columns(values)  # a Boolean mask picks columns, as in Polars
            return self._rows(values)
        raise TypeError(f"cannot index a DataFrame with {type(key).__name__}")

    def _column_name(self, key: Any) -> str:
        if isinstance(key, str):
            if key not in self._table.column_names:
                raise _missing(key, self.columns)
            return key
        i = _position(key, self.width, "column")
        return self.columns[i]

    def _select_columns(self, cols: Any) -> "DataFrame":
        names = self.columns
        if isinstance(cols, slice):
            picked = names[cols]
        else:
            values = cols.to_list() if isinstance(cols, Series) else list(cols)
            if values and all(isinstance(k, (bool, np.bool_)) for k in values):
                if len(values) != self.width:
                    raise InvalidInputError(f"a Boolean column mask has {len(values)} values; "
                                            f"the frame has {self.width} columns")
                picked = [n for n, keep in zip(names, values) if keep]
            else:
                picked = [self._column_name(k) for k in values]
        return DataFrame._from_arrow_table(self._table.select(picked))

    def _rows(self, rows: Any) -> "DataFrame":
        """Rows by a slice (any step) or a list of positions (negative from the end)."""
        if isinstance(rows, slice):
            start, stop, step = rows.indices(self.height)
            if step == 1:
                return DataFrame._from_arrow_table(self._table.slice(start, max(stop - start, 0)))
            return self._take_rows(range(start, stop, step))
        return self._take_rows([_position(i, self.height) for i in rows])

    def _take_rows(self, positions: Any) -> "DataFrame":
        idx = pa.array(list(positions), type=pa.int64())
        return DataFrame._from_arrow_table(self._table.take(idx))

    def __contains__(self, name: str) -> bool:
        return name in self._table.column_names

    def __iter__(self) -> Iterator["Series"]:
        return (self.get_column(n) for n in self.columns)

    def get_columns(self) -> list["Series"]:
        return list(self)

    # --- conversion ------------------------------------------------------------
    def to_arrow(self) -> pa.Table:
        """The data as a pyarrow Table (no copy)."""
        return self._table

    def to_polars(self) -> Any:
        """A Polars DataFrame over the same Arrow memory (Polars must be installed)."""
        try:
            import polars
        except ImportError:
            raise ImportError("to_polars needs Polars: pip install polars") from None
        return polars.from_arrow(self._table)

    def to_pandas(self, **kwargs: Any) -> Any:
        """A pandas DataFrame; Date columns become datetime64[ms], as Polars' ``to_pandas`` gives
        (pass ``date_as_object=True`` for datetime.date objects)."""
        return self._table.to_pandas(**{"date_as_object": False, **kwargs})

    def to_dict(self, *, as_series: bool = True) -> dict[str, Any]:
        if as_series:
            return {n: self.get_column(n) for n in self.columns}
        return {n: self._table.column(n).to_pylist() for n in self.columns}

    def to_numpy(self) -> np.ndarray:
        """A 2-D array (rows × columns) in one dtype, picked as Polars' ``to_numpy`` does
        (see ``_to_numpy``): Int64 + Float64 → float64, Int + String → object, ...

        A single primitive column without nulls, or columns that lie side by
        side in one block of memory (as from a Fortran-ordered array), come
        back as a view without copying; anything else is copied.
        """
        cols = [Series._from_arrow(n, self._table.column(n)).to_numpy() for n in self.columns]
        return _to_numpy.stack(cols, self.height, self._table)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(df)``: rows × columns, as ``to_numpy()`` (NumPy 2's ``copy=`` honoured)."""
        return _to_numpy.array_protocol(self.to_numpy(), self._table, dtype, copy)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule interface: pyarrow, Polars and DuckDB read this frame without copies."""
        return self._table.__arrow_c_stream__(requested_schema)

    def __dataframe__(self, nan_as_null: bool = False, allow_copy: bool = True) -> Any:
        return self._table.__dataframe__(nan_as_null, allow_copy)

    # --- writing ---------------------------------------------------------------
    def write_csv(self, file: Any = None, *, include_header: bool = True, separator: str = ",",
                  null_value: str = "", quote_char: str = '"', datetime_format: str | None = None,
                  date_format: str | None = None, time_format: str | None = None,
                  float_precision: int | None = None) -> str | None:
        """Write CSV to ``file`` (a path or a file object), or return it as a str when ``file`` is None.

        Values are written as Polars writes them, so Polars, pyarrow and
        :func:`alopex.read_csv` read them back unchanged: floats in their
        shortest exact form (``1.0``, ``1e-7``), dates and datetimes in ISO 8601
        (``2024-01-31T12:00:00.000000``, ``+0000`` for zone-aware values,
        in their zone's local time) unless ``datetime_format`` / ``date_format`` /
        ``time_format`` (chrono/strftime, e.g. ``"%Y-%m-%d %H:%M"``) say otherwise.
        Fields holding the separator, the quote character or a line break,
        and empty strings, are quoted. Binary, duration and nested columns
        cannot be written (NotSupportedError).

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1, None], "s": ["x,y", ""]}).write_csv()
        'a,s\\n1,"x,y"\\n,""\\n'
        """
        from .io import write_csv

        options = {"include_header": include_header, "separator": separator, "null_value": null_value,
                   "quote_char": quote_char, "datetime_format": datetime_format, "date_format": date_format,
                   "time_format": time_format, "float_precision": float_precision}
        return write_csv(self, file, options)

    def write_database(self, table_name: str, connection: Any, *, if_exists: str = "fail",
                       primary_key: str | Sequence[str] | None = None) -> int:
        """Write this frame to table ``table_name`` of ``connection``: an ``ax.connect`` database
        or one of its transactions (a bulk load in the engine), or a DB-API connection such as
        ``sqlite3`` or ``psycopg`` (rows inserted through the driver, then committed).

        ``if_exists`` is "fail" (the table must not exist), "append" or "replace".
        Returns the number of rows written.

        >>> import alopex as ax
        >>> db = ax.connect()
        >>> ax.DataFrame({"k": [1, 2]}).write_database("t", db, primary_key="k")
        2
        """
        modes = {"fail": "create", "append": "append", "replace": "replace"}
        if if_exists not in modes:
            raise ValueError(f"if_exists must be 'fail', 'append' or 'replace', got {if_exists!r}")
        keys = None if primary_key is None else [primary_key] if isinstance(primary_key, str) else list(primary_key)
        if not hasattr(connection, "_load"):
            if not hasattr(connection, "cursor"):
                raise TypeError("write_database needs a database from ax.connect() or a DB-API connection, got "
                                f"{type(connection).__name__}")
            from .io_database import write_dbapi

            return write_dbapi(self, table_name, connection, if_exists, keys)
        opts: dict[str, Any] = {}
        if keys is not None:
            opts["primary_key"] = keys
        return connection._load(table_name, self, modes[if_exists], **opts)

    def write_parquet(self, file: Any, *, compression: str = "zstd", compression_level: int | None = None,
                      statistics: bool = True, row_group_size: int | None = None) -> None:
        """Write a Parquet file (a path or a binary file object).

        ``compression`` is one of "zstd" (default, as Polars), "snappy",
        "gzip", "brotli" or "uncompressed"; ``row_group_size`` is rows per
        row group (default 1,048,576); ``statistics`` writes the min/max that
        let scans skip row groups. ``compression_level`` is not supported.
        """
        from .io import write_parquet

        if compression_level is not None:
            raise NotSupportedError("compression_level is not supported; the codec's default level is used")
        options = {"compression": compression, "statistics": bool(statistics), "row_group_size": row_group_size}
        write_parquet(self, file, options)

    def write_ipc(self, file: Any, *, compression: str = "uncompressed") -> Any:
        """Write an Arrow IPC (Feather v2) file: a path or binary file object (None: return a
        BytesIO). ``compression``: "uncompressed" (default, as Polars), "lz4" or "zstd"."""
        from .io_arrow import write_ipc

        return write_ipc(self, file, compression=compression)

    def write_ipc_stream(self, file: Any, *, compression: str = "uncompressed") -> Any:
        """Write an Arrow IPC stream (no footer); ``file`` None returns a BytesIO."""
        from .io_arrow import write_ipc

        return write_ipc(self, file, compression=compression, stream=True)

    def write_ndjson(self, file: Any = None) -> str | None:
        """Write newline-delimited JSON, one object a row (None: return the text)."""
        from .io_arrow import write_ndjson

        return write_ndjson(self, file)

    def write_json(self, file: Any = None) -> str | None:
        """Write a JSON array of row objects (None: return the text)."""
        from .io_arrow import write_json

        return write_json(self, file)

    # --- display ---------------------------------------------------------------
    def __repr__(self) -> str:
        return _display.render_text(self._table)

    def _repr_html_(self) -> str:
        return _display.render_html(self._table)

    def equals(self, other: "DataFrame", *, null_equal: bool = True) -> bool:
        """Whether both frames hold the same names and values, as Polars' ``equals``: NaN equals
        NaN, null equals null unless ``null_equal=False``, numbers compare across numeric types.

        >>> import alopex as ax
        >>> ax.DataFrame({"x": [float("nan"), None]}).equals(ax.DataFrame({"x": [float("nan"), None]}))
        True
        """
        if not isinstance(other, DataFrame):
            raise TypeError(f"expected `other` to be a DataFrame, got {type(other).__name__}")
        return _equality.tables_equal(self._table, other._table, null_equal)


def _explode_table(table: pa.Table, names: list[str], empty_as_null: bool, keep_nulls: bool) -> pa.Table:
    """``table`` with the List columns ``names`` exploded (see :meth:`DataFrame.explode`), by Arrow
    kernels: the lists' values flattened, nulls placed for the rows that keep one, and the other
    columns taken by each output row's parent row."""
    import pyarrow.compute as pc

    from .exceptions import ComputeError

    lists = {}
    lengths = None
    for n in names:
        col = table.column(n).combine_chunks() if table.num_rows else pa.array([], table.schema.field(n).type)
        if not (pa.types.is_list(col.type) or pa.types.is_large_list(col.type)):
            raise ComputeError(f"explode needs List columns; {n!r} is {dtype_from_arrow(col.type)}")
        ln = pc.list_value_length(col).to_numpy(zero_copy_only=False)
        ln = np.where(col.is_null().to_numpy(zero_copy_only=False), -1, np.nan_to_num(ln, nan=-1)).astype(np.int64)
        if lengths is not None and not np.array_equal(ln, lengths):
            raise ComputeError(f"exploded columns must have matching element counts ({names[0]!r} and {n!r} differ)")
        lengths = ln
        lists[n] = col
    assert lengths is not None
    count = np.where(lengths > 0, lengths, np.where(lengths == 0, int(empty_as_null), int(keep_nulls)))
    parents = np.repeat(np.arange(table.num_rows, dtype=np.int64), count)
    real = np.repeat(lengths > 0, count)
    take = np.full(parents.shape[0], -1, dtype=np.int64)
    take[real] = np.arange(int(real.sum()), dtype=np.int64)
    index = pa.array(take, mask=take < 0)
    cols = []
    for f in table.schema:
        if f.name in lists:
            cols.append(pc.list_flatten(lists[f.name]).take(index))
        else:
            cols.append(table.column(f.name).take(pa.array(parents)))
    fields = [pa.field(f.name, c.type) for f, c in zip(table.schema, cols)]
    return pa.Table.from_arrays(cols, schema=pa.schema(fields))


def _resolve_slice(height: int, offset: int, length: int | None) -> tuple[int, int | None]:
    """A Polars slice as a window [start, stop) clipped to the frame."""
    offset = int_arg(offset, "offset")
    length = None if length is None else int_arg(length, "length")
    start = int(offset) + height if offset < 0 else int(offset)
    if length is None:
        stop = height
    elif length < 0:
        stop = height + int(length)
    else:
        stop = start + int(length)
    start, stop = min(max(start, 0), height), min(max(stop, 0), height)
    return start, max(stop - start, 0)


def _glimpse_value(v: Any) -> str:
    return "null" if v is None else repr(v) if isinstance(v, str) else str(v)


def _is_position(key: Any) -> bool:
    return isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_))


def _position(key: Any, size: int, what: str = "row") -> int:
    """A position, negative from the end, checked against ``size``."""
    if not _is_position(key):
        raise TypeError(f"a {what} position must be an integer, got {type(key).__name__}")
    i = int(key) + size if key < 0 else int(key)
    if not 0 <= i < size:
        raise IndexError(f"{what} index {int(key)} is out of bounds for a frame with {size} {what}s")
    return i


def _row_key(rows: Any) -> Any:
    """A row selector a Series accepts: a slice, or a list of positions."""
    return rows if isinstance(rows, slice) else list(rows)


def _missing(name: str, columns: list[str]) -> ColumnNotFoundError:
    from ._suggest import suggest

    sugg = suggest(name, columns)
    msg = f"column '{name}' not found"
    if sugg:
        msg += "; did you mean " + ", ".join(f"'{s}'" for s in sugg) + "?"
    msg += " Available columns: " + ", ".join(f"'{c}'" for c in columns[:20])
    return ColumnNotFoundError(msg, {"column": name, "suggestions": sugg})


def from_arrow(data: pa.Table | pa.RecordBatch | Any) -> DataFrame:
    return DataFrame(data)


def from_pandas(df: Any) -> DataFrame:
    import pandas as pd

    if not isinstance(df, (pd.DataFrame, pd.Series)):
        raise TypeError(f"from_pandas takes a pandas DataFrame, got {type(df).__name__}")
    if isinstance(df, pd.Series):
        df = df.to_frame()
    return DataFrame._from_arrow_table(pa.Table.from_pandas(df, preserve_index=False))


def from_numpy(data: np.ndarray, schema: Sequence[str] | None = None) -> DataFrame:
    """A frame from a 1- or 2-dimensional NumPy array: one column per array column, named by
    ``schema`` (default ``column_0``, ...); contiguous columns are shared, not copied.

    With a single name for an (n, d) array, the array is one vector column
    ``Array(Float32, shape=d)`` instead, as in ``ax.DataFrame({"emb": arr})``: float32 is
    shared, float64 is converted to float32 once.

    >>> import alopex as ax, numpy as np
    >>> ax.from_numpy(np.ones((4, 3)), schema=["emb"]).schema
    {'emb': Array(Float32, shape=3)}
    """
    from ._convert import from_numpy as _fn

    return DataFrame._from_arrow_table(_fn(data, schema))


def from_dict(data: dict[str, Any], schema: Any = None) -> DataFrame:
    return DataFrame(data, schema)


def from_dicts(data: Sequence[dict[str, Any]], schema: Any = None) -> DataFrame:
    return DataFrame(list(data), schema)


class GroupBy:
    """Eager group-by: the lazy one, collected."""

    def __init__(self, lazy_group_by: Any):
        self._g = lazy_group_by

    def agg(self, *aggs: Any, **named: Any) -> DataFrame:
        return self._g.agg(*aggs, **named).collect()

    def __getattr__(self, name: str) -> Any:
        # Each LazyGroupBy method, collected; anything else is missing from GroupBy itself.
        if name.startswith("_") or not hasattr(self._g, name):
            from ._polars_api import missing

            raise missing("GroupBy", self, name)
        method = getattr(self._g, name)
        return lambda *a, **k: method(*a, **k).collect()


def concat(items: Sequence[Any], *, how: str = "vertical", rechunk: bool = False) -> Any:
    """Combine frames (all DataFrames → DataFrame, else LazyFrame), as Polars' ``concat``.

    ``how``: ``"vertical"`` stacks rows (same names and types); ``"vertical_relaxed"`` casts
    columns to a common type; ``"diagonal"`` stacks by column name, filling columns a frame
    lacks with nulls (``"diagonal_relaxed"`` also casts); ``"horizontal"`` puts DataFrames of
    equal height side by side.

    >>> import alopex as ax
    >>> ax.concat([ax.DataFrame({"a": [1]}), ax.DataFrame({"b": ["x"]})], how="diagonal").rows()
    [(1, None), (None, 'x')]
    """
    items = list(items)
    if not items:
        raise ValueError("concat needs at least one frame")
    hows = ("vertical", "vertical_relaxed", "diagonal", "diagonal_relaxed", "horizontal")
    if how not in hows:
        if how == "align":
            raise NotSupportedError("concat(how='align') is not supported yet; join the frames on their common "
                                    "columns with how='full' and sort")
        raise InvalidInputError(f"concat: how must be one of {', '.join(map(repr, hows))}; got {how!r}")
    for i, x in enumerate(items):
        if not isinstance(x, (DataFrame, LazyFrame)):
            raise TypeError(f"concat takes a list of DataFrames or LazyFrames; item {i} is a {type(x).__name__}")
    eager = all(isinstance(x, DataFrame) for x in items)
    if how == "horizontal":
        return _concat_horizontal(items)
    lazy = [x.lazy() for x in items]
    if how.startswith("diagonal"):
        lazy, how = _aligned_by_name(lazy), how.replace("diagonal", "vertical")
    lf = LazyFrame._of({"kind": "concat", "inputs": [x._plan for x in lazy], "concat": how})
    return lf.collect() if eager else lf


def _aligned_by_name(frames: list[LazyFrame]) -> list[LazyFrame]:
    """Each frame with every column of all of them, in order of first appearance (nulls where absent)."""
    from .expr import col, lit

    schemas = [f.collect_schema() for f in frames]
    union: dict[str, Any] = {}
    for schema in schemas:
        for name, dtype in schema.items():
            if union.get(name, "Null") == "Null":  # a column of nulls takes the others' type
                union[name] = dtype

    def column(name: str, dtype: Any, schema: dict[str, Any]) -> Any:
        if name not in schema or schema[name] == "Null":
            return (col(name) if name in schema else lit(None)).cast(dtype).alias(name)
        return col(name)

    return [f.select([column(n, t, schema) for n, t in union.items()]) for f, schema in zip(frames, schemas)]


def _concat_horizontal(items: list[Any]) -> DataFrame:
    if not all(isinstance(x, DataFrame) for x in items):
        raise NotSupportedError("concat(how='horizontal') of LazyFrames is not supported yet; collect them first")
    heights = [x.height for x in items]
    if len(set(heights)) > 1:
        raise InvalidInputError(f"concat(how='horizontal') needs frames of one height; got heights {heights}")
    table = items[0]._table
    for x in items[1:]:
        for name, data in zip(x._table.column_names, x._table.columns):
            if name in table.column_names:
                raise InvalidInputError(f"concat(how='horizontal'): column '{name}' is in more than one frame; "
                                        "rename it first")
            table = table.append_column(name, data)
    return DataFrame._from_arrow_table(table)
