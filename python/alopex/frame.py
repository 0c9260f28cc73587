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
from .datatypes import DataType
from .datatypes import from_arrow as dtype_from_arrow
from .exceptions import ColumnNotFoundError, InvalidInputError, NotSupportedError
from .lazyframe import LazyFrame


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
    def schema(self) -> dict[str, DataType]:
        return {f.name: dtype_from_arrow(f.type) for f in self._table.schema}

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
        return self.lazy().select(*exprs, **named).collect()

    def with_columns(self, *exprs: Any, **named: Any) -> "DataFrame":
        return self.lazy().with_columns(*exprs, **named).collect()

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
        if isinstance(key, str):
            if key not in self._table.column_names:
                raise _missing(key, self.columns)
            return self.get_column(key)
        if isinstance(key, (list, tuple)) and all(isinstance(k, str) for k in key):
            for k in key:
                if k not in self._table.column_names:
                    raise _missing(k, self.columns)
            return DataFrame._from_arrow_table(self._table.select(list(key)))
        if isinstance(key, slice):
            start, stop, step = key.indices(self.height)
            if step != 1:
                raise NotSupportedError("slicing a DataFrame with a step is not supported yet; use filter or gather")
            return self.slice(start, max(stop - start, 0))
        raise TypeError(f"cannot index a DataFrame with {type(key).__name__}")

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
        """Write this frame to a stored table of ``connection`` (an ``ax.connect``
        database or one of its transactions), in bulk.

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
        if not hasattr(connection, "_load"):
            raise TypeError(f"write_database needs a database from ax.connect(), got {type(connection).__name__}")
        opts: dict[str, Any] = {}
        if primary_key is not None:
            opts["primary_key"] = [primary_key] if isinstance(primary_key, str) else list(primary_key)
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


def _vectors_to_numpy(arr: pa.FixedSizeListArray) -> np.ndarray:
    """An Array(T, d) column as an (n, d) array: a view of the child values when
    there are no null vectors, else a float copy with NaN rows."""
    d = arr.type.list_size
    if arr.null_count == 0:
        values = arr.values.slice(arr.offset * d, len(arr) * d)
        if values.null_count == 0:
            return values.to_numpy(zero_copy_only=True).reshape(len(arr), d)
    return np.array([np.full(d, np.nan) if v is None else v for v in arr.to_pylist()], dtype=np.float64).reshape(len(arr), d)


def _missing(name: str, columns: list[str]) -> ColumnNotFoundError:
    from ._suggest import suggest

    sugg = suggest(name, columns)
    msg = f"column '{name}' not found"
    if sugg:
        msg += "; did you mean " + ", ".join(f"'{s}'" for s in sugg) + "?"
    msg += " Available columns: " + ", ".join(f"'{c}'" for c in columns[:20])
    return ColumnNotFoundError(msg, {"column": name, "suggestions": sugg})


class Series:
    """One named column.

    >>> import alopex as ax
    >>> ax.DataFrame({"x": [1.0, 2.0]})["x"].to_numpy()
    array([1., 2.])
    """

    __slots__ = ("_name", "_data")

    def __init__(self, name: str = "", values: Any = None, dtype: Any = None):
        if isinstance(name, (list, tuple, np.ndarray)) and values is None:
            name, values = "", name
        table = to_table({name: values if values is not None else []})
        data = table.column(0)
        if dtype is not None:
            from ._arrow_types import to_arrow
            from .datatypes import dtype_name

            data = data.cast(to_arrow(dtype_name(dtype)))
        self._name = name
        self._data = data

    @classmethod
    def _from_arrow(cls, name: str, data: pa.ChunkedArray) -> "Series":
        s = cls.__new__(cls)
        s._name = name
        s._data = data
        return s

    def _series_arrow(self) -> pa.ChunkedArray:
        return self._data

    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> DataType:
        return dtype_from_arrow(self._data.type)

    @property
    def shape(self) -> tuple[int]:
        return (len(self._data),)

    def __len__(self) -> int:
        return len(self._data)

    def len(self) -> int:
        return len(self._data)

    def null_count(self) -> int:
        return self._data.null_count

    def alias(self, name: str) -> "Series":
        return Series._from_arrow(name, self._data)

    def rename(self, name: str) -> "Series":
        return self.alias(name)

    def to_arrow(self) -> pa.Array:
        if self._data.num_chunks == 1:
            return self._data.chunk(0)
        return self._data.combine_chunks()

    def to_list(self) -> list[Any]:
        return self._data.to_pylist()

    def to_numpy(self) -> np.ndarray:
        """The values as a NumPy array.

        A primitive column without nulls held in one piece is returned as a
        view of the engine's memory, whatever its size; nulls become NaN for
        floats (and force a float copy for integers), as in Polars.
        """
        data = self._data
        if data.num_chunks == 1:
            arr = data.chunk(0)
            t = arr.type
            if pa.types.is_fixed_size_list(t):
                return _vectors_to_numpy(arr)
            primitive = pa.types.is_integer(t) or pa.types.is_floating(t)
            if primitive and arr.null_count == 0:
                return arr.to_numpy(zero_copy_only=True)
            if pa.types.is_integer(t) and arr.null_count > 0:
                # As Polars: nulls become NaN, in float32 for integers of up to 16 bits.
                target = pa.float32() if t.bit_width <= 16 else pa.float64()
                return arr.cast(target, safe=False).to_numpy(zero_copy_only=False)
            return arr.to_numpy(zero_copy_only=False)
        if data.num_chunks == 0:
            return np.array([], dtype=data.type.to_pandas_dtype())
        return Series._from_arrow(self._name, pa.chunked_array([data.combine_chunks()])).to_numpy()

    def to_pandas(self) -> Any:
        return self._data.to_pandas(date_as_object=False).rename(self._name)

    def to_frame(self) -> DataFrame:
        return DataFrame._from_arrow_table(pa.table({self._name: self._data}))

    def __getitem__(self, i: int) -> Any:
        if isinstance(i, int):
            n = len(self._data)
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError(f"index {i} is out of bounds for a Series of length {n}")
            return self._data[i].as_py()
        raise TypeError(f"cannot index a Series with {type(i).__name__}")

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data.to_pylist())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.to_numpy()
        return arr if dtype is None else arr.astype(dtype)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._data.__arrow_c_stream__(requested_schema)

    def __repr__(self) -> str:
        return _display.render_series(self._name, self._data)

    def equals(self, other: "Series", *, null_equal: bool = True) -> bool:
        """Same name and values (NaN equals NaN; null equals null unless ``null_equal=False``)."""
        if not isinstance(other, Series):
            raise TypeError(f"expected `other` to be a Series, got {type(other).__name__}")
        return self._name == other._name and _equality.columns_equal(self._data, other._data, null_equal)


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
        method = getattr(self._g, name)
        return lambda *a, **k: method(*a, **k).collect()


def concat(items: Sequence[Any], *, how: str = "vertical", rechunk: bool = False) -> Any:
    """Stack frames vertically (all DataFrames → DataFrame, else LazyFrame).

    ``how="vertical_relaxed"`` casts columns to a common type. ``how="diagonal"`` stacks frames
    with different columns: the result has every column (in order of first appearance), null
    where a frame lacks it; ``"diagonal_relaxed"`` also casts to a common type, as Polars.

    >>> import alopex as ax
    >>> ax.concat([ax.DataFrame({"a": [1]}), ax.DataFrame({"b": ["x"], "a": [2]})],
    ...           how="diagonal").to_dict(as_series=False)
    {'a': [1, 2], 'b': [None, 'x']}
    """
    items = list(items)
    if not items:
        raise ValueError("concat needs at least one frame")
    if how not in ("vertical", "vertical_relaxed", "diagonal", "diagonal_relaxed"):
        raise NotSupportedError(f"concat(how={how!r}) is not supported yet; use 'vertical', 'vertical_relaxed', "
                                "'diagonal' or 'diagonal_relaxed'")
    for i, x in enumerate(items):
        if not isinstance(x, (DataFrame, LazyFrame)):
            raise TypeError(f"concat takes a list of DataFrames or LazyFrames; item {i} is a {type(x).__name__}")
    lazy = [x.lazy() for x in items]
    if how.startswith("diagonal"):
        from .expr import col, lit

        schemas = [x.collect_schema() for x in lazy]
        every: dict[str, DataType] = {}
        for schema in schemas:
            for name, dtype in schema.items():
                if every.get(name, "Null") == "Null":  # a column of nulls takes the others' type
                    every[name] = dtype

        def column(name: str, dtype: DataType, schema: dict[str, DataType]) -> Any:
            if name not in schema or schema[name] == "Null":
                return (col(name) if name in schema else lit(None)).cast(dtype).alias(name)
            return col(name)

        lazy = [x.select([column(n, t, schema) for n, t in every.items()]) for x, schema in zip(lazy, schemas)]
        how = how.replace("diagonal", "vertical")
    lf = LazyFrame._of({"kind": "concat", "inputs": [x._plan for x in lazy], "concat": how})
    if all(isinstance(x, DataFrame) for x in items):
        return lf.collect()
    return lf
