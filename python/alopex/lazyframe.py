"""LazyFrame: a query plan built in Python and run by the Go engine.

Each method returns a new LazyFrame wrapping a bigger plan; nothing runs
until :meth:`LazyFrame.collect`. The plan is serialized (docs/plan-format.md)
and sent to Go once per collect, where it is resolved, optimized and
executed in parallel.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any, Callable

from . import _ffi
from ._validate import int_arg, name_arg, rows_arg
from .datatypes import DataType, Schema, from_name
from .expr import Expr, to_exprs

if TYPE_CHECKING:
    from .frame import DataFrame

PLAN_VERSION = 1


class LazyFrame:
    """A lazy query. Build it with :meth:`DataFrame.lazy` and run it with :meth:`collect`.

    >>> import alopex as ax
    >>> df = ax.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
    >>> df.lazy().filter(ax.col("a") > 1).select("b").collect().to_dict(as_series=False)
    {'b': [1.5, 2.5]}
    """

    __slots__ = ("_plan",)

    def __init__(self, data: Any = None, schema: Any = None):
        """A lazy query over ``data``: anything ``ax.DataFrame`` accepts (a dict of columns,
        a DataFrame, a pyarrow Table, a Polars or pandas frame), as ``pl.LazyFrame(data)``."""
        from .frame import DataFrame

        frame = data if isinstance(data, DataFrame) and schema is None else DataFrame(data, schema)
        self._plan: dict[str, Any] = {"kind": "scan", "source": frame}

    @classmethod
    def _of(cls, plan: dict[str, Any]) -> "LazyFrame":
        """The LazyFrame of a plan node (the engine's JSON form, docs/plan-format.md)."""
        lf = object.__new__(cls)
        lf._plan = plan
        return lf

    @classmethod
    def _scan(cls, frame: "DataFrame") -> "LazyFrame":
        return cls._of({"kind": "scan", "source": frame})

    def _with(self, kind: str, **fields: Any) -> "LazyFrame":
        return LazyFrame._of({"kind": kind, "input": self._plan, **fields})

    # --- building ------------------------------------------------------------
    def filter(self, *predicates: Any, **constraints: Any) -> "LazyFrame":
        """Keep the rows where every predicate is true (null counts as false)."""
        preds: list[Any] = []
        for p in predicates:
            preds.extend(p if isinstance(p, (list, tuple)) else [p])
        from .expr import col, lit

        for name, value in constraints.items():
            preds.append(col(name) == lit(value))
        if not preds:
            raise TypeError("filter() needs at least one predicate")
        combined = None
        for p in preds:
            if isinstance(p, str):
                from .expr import col as _col

                p = _col(p)
            if not isinstance(p, Expr):
                raise TypeError(f"filter predicates must be expressions, got {type(p).__name__}")
            combined = p if combined is None else (combined & p)
        return self._with("filter", predicate=combined._node)

    def select(self, *exprs: Any, **named: Any) -> "LazyFrame":
        """Compute these columns (strs name columns).

        No expressions give an empty frame (no columns, no rows), as in Polars;
        ``drop`` of every column keeps the height.
        """
        es = to_exprs(exprs, named, schema=self.collect_schema)
        if not es:
            return self._with("select", exprs=[]).head(0)
        return self._with("select", exprs=es)

    def with_columns(self, *exprs: Any, **named: Any) -> "LazyFrame":
        """Add columns, replacing those with the same name."""
        return self._with("with_columns", exprs=to_exprs(exprs, named, schema=self.collect_schema))

    def group_by(self, *by: Any, maintain_order: bool = False, **named_by: Any) -> "LazyGroupBy":
        """Group by columns or expressions; finish with ``.agg(...)``.

        Groups come out in order of first appearance whether or not
        ``maintain_order`` is set (Polars leaves the order undefined without it).
        """
        keys = to_exprs(by, named_by, schema=self.collect_schema)
        if not keys:
            raise TypeError("group_by() needs at least one key")
        return LazyGroupBy(self, keys, maintain_order)

    def join(self, other: Any, on: Any = None, how: str = "inner", *, left_on: Any = None,
             right_on: Any = None, suffix: str = "_right", validate: str = "m:m",
             coalesce: bool | None = None, maintain_order: str | None = None) -> "LazyFrame":
        """Join with another frame on equal keys (null keys never match).

        ``how`` is inner, left, right, full, semi, anti or cross. Columns and
        names follow Polars: the right join keys are dropped for inner and left
        joins, kept (suffixed on a clash) for full joins; other clashing right
        columns get ``suffix``.

        ``validate`` checks the join's cardinality as Polars does: "1:m" needs the left keys
        unique, "m:1" the right ones, "1:1" both ("m:m", the default, checks nothing); a
        duplicate key (nulls aside) fails the query with a ComputeError. Semi and anti joins
        refuse a validation.

        >>> import alopex as ax
        >>> left = ax.LazyFrame({"k": [1, 1], "a": [1, 2]})
        >>> right = ax.LazyFrame({"k": [1], "b": [3]})
        >>> left.join(right, on="k", validate="m:1").collect().height
        2
        >>> try:
        ...     left.join(right, on="k", validate="1:1").collect()
        ... except ax.ComputeError as e:
        ...     print(str(e).split(" (")[0])
        join keys did not fulfill 1:1 validation
        """
        if validate not in ("m:m", "m:1", "1:m", "1:1"):
            from .exceptions import InvalidInputError

            raise InvalidInputError(f"validate must be one of 'm:m', 'm:1', '1:m', '1:1', got {validate!r}")
        other_lf = other.lazy() if hasattr(other, "lazy") else other
        if not isinstance(other_lf, LazyFrame):
            raise TypeError(f"join needs a DataFrame or LazyFrame, got {type(other).__name__}")
        if how == "outer":
            how = "full"
        if coalesce:
            from .exceptions import NotSupportedError

            raise NotSupportedError("join(coalesce=True) is not supported yet; select the key you want after the join")
        if how == "cross":
            if on is not None or left_on is not None or right_on is not None:
                raise ValueError("a cross join takes no join keys")
            lk, rk = [], []
        else:
            if on is not None:
                if left_on is not None or right_on is not None:
                    raise ValueError("pass either on= or left_on= and right_on=, not both")
                left_on = right_on = on
            if left_on is None or right_on is None:
                raise ValueError(f"a {how} join needs on= or both left_on= and right_on=")
            lk = to_exprs(left_on if isinstance(left_on, (list, tuple)) else [left_on])
            rk = to_exprs(right_on if isinstance(right_on, (list, tuple)) else [right_on])
        node = {"kind": "join", "input": self._plan, "right": other_lf._plan, "how": how,
                "left_on": lk, "right_on": rk, "suffix": suffix}
        if validate != "m:m":
            node["validate"] = validate
        return LazyFrame._of(node)

    def sort(self, by: Any, *more_by: Any, descending: bool | list[bool] = False,
             nulls_last: bool | list[bool] = False, maintain_order: bool = False) -> "LazyFrame":
        """Sort by columns or expressions. The sort is always stable; nulls come
        first unless ``nulls_last``; NaN sorts above every number."""
        items = list(by) if isinstance(by, (list, tuple)) else [by]
        items += list(more_by)
        exprs = to_exprs(items, schema=self.collect_schema)
        desc = _per_key(descending, len(exprs), "descending")
        nl = _per_key(nulls_last, len(exprs), "nulls_last")
        keys = [{"expr": e, "descending": d, "nulls_last": n} for e, d, n in zip(exprs, desc, nl)]
        return self._with("sort", by=keys)

    def top_k(self, k: int, *, by: Any, reverse: bool | list[bool] = False) -> "LazyFrame":
        """The ``k`` rows with the largest ``by`` values (smallest with ``reverse``)."""
        n = len(by) if isinstance(by, (list, tuple)) else 1
        rev = _per_key(reverse, n, "reverse")
        return self.sort(by, descending=[not r for r in rev], nulls_last=True).head(k)

    def bottom_k(self, k: int, *, by: Any, reverse: bool | list[bool] = False) -> "LazyFrame":
        """The ``k`` rows with the smallest ``by`` values (largest with ``reverse``)."""
        n = len(by) if isinstance(by, (list, tuple)) else 1
        rev = _per_key(reverse, n, "reverse")
        return self.sort(by, descending=list(rev), nulls_last=True).head(k)

    def drop(self, *columns: Any, strict: bool = True) -> "LazyFrame":
        """All columns but these."""
        from .selectors import Selector

        schema = self.collect_schema()
        names = [n for x in columns for c in (x if isinstance(x, (list, tuple)) else [x])
                 for n in (c.names(schema) if isinstance(c, Selector) else [name_arg(c)])]
        if strict:
            from .frame import _missing

            for n in names:
                if n not in schema:
                    raise _missing(n, list(schema))
        dropped = set(names)
        # Plan nodes, as select() makes them: the height stays even when every column goes.
        return self._with("select", exprs=to_exprs([c for c in schema if c not in dropped]))

    def rename(self, mapping: dict[str, str] | Any, *, strict: bool = True) -> "LazyFrame":
        """Rename columns: a dict old → new, or a function of the old name."""
        schema = self.collect_schema()
        if callable(mapping):
            mapping = {c: mapping(c) for c in schema}
        if not isinstance(mapping, dict):
            raise TypeError(f"rename takes a dict of old → new names or a function, got {type(mapping).__name__}")
        for old, new in mapping.items():
            name_arg(old, "an old column name")
            name_arg(new, "a new column name")
        if strict:
            from .frame import _missing

            for old in mapping:
                if old not in schema:
                    raise _missing(old, list(schema))
        from .expr import col

        return self.select([col(c).alias(mapping.get(c, c)) for c in schema])

    def with_row_index(self, name: str = "index", offset: int = 0) -> "LazyFrame":
        """Prepend a UInt32 column numbering the rows from ``offset``."""
        return self._with("with_row_index", name=name_arg(name, "the index column's name"),
                          offset=int_arg(offset, "offset"))

    def unique(self, subset: Any = None, *, keep: str = "any", maintain_order: bool = False) -> "LazyFrame":
        """Drop duplicate rows (considering ``subset`` columns when given).

        ``keep`` is "first", "last", "any" (as first) or "none" (drop every
        duplicated row). Rows come out in order of first appearance.
        """
        from .expr import col
        from .expr import len as _len

        schema = list(self.collect_schema())
        keys = schema if subset is None else ([subset] if isinstance(subset, str) else list(subset))
        rest = [c for c in schema if c not in set(keys)]
        if keep in ("any", "first"):
            aggs = [col(c).first() for c in rest]
        elif keep == "last":
            # Kept rows come in the order of their (last) positions, as Polars does.
            idx = "__unique_row"
            return (self.with_row_index(idx).group_by(keys, maintain_order=True)
                    .agg(*[col(c).last() for c in rest], col(idx).max())
                    .sort(idx).select(schema))
        elif keep == "none":
            aggs = [col(c).first() for c in rest] + [_len().alias("__unique_count")]
        else:
            raise ValueError("keep must be 'first', 'last', 'any' or 'none'")
        out = self.group_by(keys, maintain_order=True).agg(*aggs)
        if keep == "none":
            out = out.filter(col("__unique_count") == 1)
        return out.select(schema)

    def tail(self, n: int = 5) -> "LazyFrame":
        """The last ``n`` rows."""
        n = rows_arg(n, "n")
        if n < 0:
            from .exceptions import NotSupportedError

            raise NotSupportedError("LazyFrame.tail with a negative n is not supported yet; use DataFrame.tail")
        return self._with("tail", n=n)

    # Frame-wide reductions and conveniences, each a select over every column as Polars defines them.

    def _reduce(self, how: Callable[[Expr], Expr], *, numeric_only: bool) -> "LazyFrame":
        """One row: ``how`` of each column; with ``numeric_only``, columns of other kinds (strings,
        categoricals, binary) give a null of their own type, as Polars' frame-wide sum/mean/std do."""
        from .expr import col, lit

        out = []
        for name, dtype in self.collect_schema().items():
            if numeric_only and not (dtype.is_numeric() or dtype == from_name("Boolean")) \
                    and dtype.name in ("String", "Categorical", "Binary", "Null"):
                out.append(lit(None).cast(dtype).alias(name))
            else:
                out.append(how(col(name)).alias(name))
        return self.select(out)

    def sum(self) -> "LazyFrame":
        """One row: each column's sum (null for string columns, as in Polars)."""
        return self._reduce(lambda c: c.sum(), numeric_only=True)

    def mean(self) -> "LazyFrame":
        """One row: each column's mean (null for string columns)."""
        return self._reduce(lambda c: c.mean(), numeric_only=True)

    def median(self) -> "LazyFrame":
        """One row: each column's median (null for string columns)."""
        return self._reduce(lambda c: c.median(), numeric_only=True)

    def std(self, ddof: int = 1) -> "LazyFrame":
        """One row: each column's standard deviation (null for string columns)."""
        ddof = int_arg(ddof, "ddof")
        return self._reduce(lambda c: c.std(ddof), numeric_only=True)

    def var(self, ddof: int = 1) -> "LazyFrame":
        """One row: each column's variance (null for string columns)."""
        ddof = int_arg(ddof, "ddof")
        return self._reduce(lambda c: c.var(ddof), numeric_only=True)

    def quantile(self, quantile: float, interpolation: str = "nearest") -> "LazyFrame":
        """One row: each column's ``quantile`` (null for string columns)."""
        return self._reduce(lambda c: c.quantile(quantile, interpolation), numeric_only=True)

    def max(self) -> "LazyFrame":
        """One row: each column's maximum."""
        return self._reduce(lambda c: c.max(), numeric_only=False)

    def min(self) -> "LazyFrame":
        """One row: each column's minimum."""
        return self._reduce(lambda c: c.min(), numeric_only=False)

    def count(self) -> "LazyFrame":
        """One row: the number of non-null values in each column (UInt32)."""
        return self._reduce(lambda c: c.count(), numeric_only=False)

    def first(self) -> "LazyFrame":
        """The first row."""
        return self.slice(0, 1)

    def last(self) -> "LazyFrame":
        """The last row."""
        return self.tail(1)

    def select_seq(self, *exprs: Any, **named: Any) -> "LazyFrame":
        """``select`` (alopex plans every expression of a select together either way)."""
        return self.select(*exprs, **named)

    def with_columns_seq(self, *exprs: Any, **named: Any) -> "LazyFrame":
        """``with_columns`` (alopex plans every expression of it together either way)."""
        return self.with_columns(*exprs, **named)

    def cast(self, dtypes: Any, *, strict: bool = True) -> "LazyFrame":
        """Cast columns: a dict of column name → type, or one type for every column."""
        from .expr import col

        schema = self.collect_schema()
        if isinstance(dtypes, dict):
            for name in dtypes:
                name_arg(name, "a column name")
                if name not in schema:
                    from .frame import _missing

                    raise _missing(name, list(schema))
            return self.with_columns([col(n).cast(t, strict=strict) for n, t in dtypes.items()])
        return self.select([col(n).cast(dtypes, strict=strict) for n in schema])

    def fill_null(self, value: Any = None, strategy: str | None = None, limit: int | None = None, *,
                  matches_supertype: bool = True) -> "LazyFrame":
        """Fill the nulls of every column with ``strategy`` (see :meth:`Expr.fill_null`), or with
        ``value`` in the columns of its kind, as Polars: a number fills the numeric columns (their
        type widened to hold it: 2.5 makes an integer column Float64), a string the String
        columns, a bool the Boolean ones, a date the Date ones; with ``matches_supertype=False``
        only the columns of the value's own type (Int64, Float64, String, Boolean).

        >>> import alopex as ax
        >>> lf = ax.LazyFrame({"i": [1, None], "s": ["a", None]})
        >>> lf.fill_null(0).collect().to_dict(as_series=False)
        {'i': [1, 0], 's': ['a', None]}
        """
        import datetime as _dt

        from .expr import Expr, col

        schema = self.collect_schema()
        if strategy is not None or isinstance(value, Expr):
            return self.with_columns([col(n).fill_null(value, strategy=strategy, limit=limit) for n in schema])
        if value is None:
            from .exceptions import InvalidInputError

            raise InvalidInputError("fill_null needs a value or a strategy")
        if isinstance(value, bool):
            own, kinds = "Boolean", lambda t: t.name == "Boolean"
        elif isinstance(value, int):
            own, kinds = "Int64", lambda t: t.is_numeric()
        elif isinstance(value, float):
            own, kinds = "Float64", lambda t: t.is_numeric()
        elif isinstance(value, str):
            own, kinds = "String", lambda t: t.name == "String"
        elif isinstance(value, _dt.datetime):
            own, kinds = "Datetime", lambda t: t.name.startswith("Datetime")
        elif isinstance(value, _dt.date):
            own, kinds = "Date", lambda t: t.name == "Date"
        else:
            return self.with_columns([col(n).fill_null(value) for n in schema])
        if matches_supertype:
            names = [n for n, t in schema.items() if kinds(t)]
        else:
            names = [n for n, t in schema.items() if t.name == own or (own == "Datetime" and kinds(t))]
        if isinstance(value, float) and matches_supertype:
            # An integer column takes a float as Polars' supertype does: as Float64.
            return self.with_columns([col(n).cast(from_name("Float64")).fill_null(value)
                                      if schema[n].is_integer() else col(n).fill_null(value) for n in names])
        return self.with_columns([col(n).fill_null(value) for n in names]) if names else self

    def fill_nan(self, value: Any) -> "LazyFrame":
        """Replace NaN in the floating-point columns by ``value`` (other columns are kept)."""
        from .expr import col

        floats = [n for n, t in self.collect_schema().items() if t.name in ("Float32", "Float64")]
        return self.with_columns([col(n).fill_nan(value) for n in floats]) if floats else self

    def drop_nulls(self, subset: Any = None) -> "LazyFrame":
        """Rows without a null in ``subset`` (a name or names; every column when None)."""
        from .expr import col

        schema = self.collect_schema()
        names = list(schema) if subset is None else ([subset] if isinstance(subset, str) else list(subset))
        for n in names:
            name_arg(n, "a column name")
            if n not in schema:
                from .frame import _missing

                raise _missing(n, list(schema))
        if not names:
            return self
        keep = col(names[0]).is_not_null()
        for n in names[1:]:
            keep = keep & col(n).is_not_null()
        return self.filter(keep)

    def shift(self, n: int = 1, *, fill_value: Any = None) -> "LazyFrame":
        """Every column shifted by ``n`` rows (down when positive), the gap filled with ``fill_value``."""
        from .expr import col

        n = int_arg(n, "n")
        return self.select([col(c).shift(n, fill_value=fill_value) for c in self.collect_schema()])

    def interpolate(self) -> "LazyFrame":
        """Every column with its nulls between two values filled linearly (``Expr.interpolate``:
        integers become Float64; strings and booleans are unchanged), as Polars' ``interpolate``.

        >>> import alopex as ax
        >>> ax.LazyFrame({"a": [1, None, 3], "s": ["x", None, "z"]}).interpolate().collect().to_dict(as_series=False)
        {'a': [1.0, 2.0, 3.0], 's': ['x', None, 'z']}
        """
        from .expr import col

        return self.select([col(c).interpolate() for c in self.collect_schema()])

    def explode(self, columns: Any, *more_columns: Any, empty_as_null: bool = False,
                keep_nulls: bool = True) -> "LazyFrame":
        """One row per element of the List ``columns`` (see :meth:`DataFrame.explode`).

        The engine has no explode step yet: this runs the plan so far and explodes its result
        (the returned LazyFrame scans it), so the work up to here happens at this call.

        >>> import alopex as ax
        >>> ax.LazyFrame({"v": [[1, 2], [3]]}).explode("v").collect()["v"].to_list()
        [1, 2, 3]
        """
        return self.collect().explode(columns, *more_columns, empty_as_null=empty_as_null,
                                      keep_nulls=keep_nulls).lazy()

    def _row_numbered(self) -> tuple["LazyFrame", str]:
        """This frame with a row number column under a name no column has."""
        schema = self.collect_schema()
        name = "__alopex_row"
        while name in schema:
            name += "_"
        return self.with_row_index(name), name

    def reverse(self) -> "LazyFrame":
        """The rows in reverse order."""
        numbered, idx = self._row_numbered()
        return numbered.sort(idx, descending=True).drop(idx)

    def gather_every(self, n: int, offset: int = 0) -> "LazyFrame":
        """Every ``n``-th row, starting at row ``offset``."""
        from .expr import col

        n, offset = int_arg(n, "n"), int_arg(offset, "offset")
        if n < 1:
            raise ValueError(f"gather_every needs n >= 1, got {n}")
        if offset < 0:
            raise ValueError(f"gather_every needs offset >= 0, got {offset}")
        numbered, idx = self._row_numbered()
        i = col(idx).cast(from_name("Int64"))
        return numbered.filter((i >= offset) & ((i - offset) % n == 0)).drop(idx)

    def clear(self, n: int = 0) -> "LazyFrame":
        """A frame of the same schema with ``n`` rows of nulls (none by default)."""
        n = rows_arg(n, "n")
        if n == 0:
            return self.head(0)
        import pyarrow as pa

        from .frame import DataFrame

        empty = self.head(0).collect().to_arrow()
        # n rows of nulls take memory (a value slot and a validity bit per row and column): refuse what this
        # machine cannot hold instead of letting the allocation fail or the process be killed.
        per_row = 0.0
        for f in empty.schema:
            try:
                per_row += max(f.type.bit_width, 1) / 8 + 1 / 8
            except ValueError:  # variable width: an offset per row
                per_row += 8 + 1 / 8
        import os

        have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        if n * per_row > have:
            from .exceptions import ComputeError

            raise ComputeError(f"clear(n={n}) would need about {n * per_row / 2**30:,.0f} GiB of nulls, more than "
                               f"this machine's {have / 2**30:,.0f} GiB of memory; pass a smaller n")
        return DataFrame(pa.table({f.name: pa.nulls(n, f.type) for f in empty.schema})).lazy()

    def unpivot(self, on: Any = None, *, index: Any = None, variable_name: str | None = None,
                value_name: str | None = None) -> "LazyFrame":
        """Wide to long: for each column of ``on`` (every column not in ``index`` when None), the
        ``index`` columns, the column's name in ``variable_name`` ("variable") and its values in
        ``value_name`` ("value", of the columns' common supertype), one block of rows per column."""
        from .expr import col, lit

        def names(x: Any, what: str) -> list[str]:
            out = [] if x is None else ([x] if isinstance(x, str) else list(x))
            for n in out:
                name_arg(n, what)
                if n not in schema:
                    from .frame import _missing

                    raise _missing(n, list(schema))
            return out

        schema = self.collect_schema()
        idx = names(index, "an index column name")
        cols = names(on, "a column name to unpivot") if on is not None else [c for c in schema if c not in set(idx)]
        var = "variable" if variable_name is None else name_arg(variable_name, "variable_name")
        val = "value" if value_name is None else name_arg(value_name, "value_name")
        if not cols:  # no column to unpivot: no rows, and a value column of type Null (as Polars)
            return self.select([col(i) for i in idx] + [lit(None).cast(from_name("String")).alias(var),
                                                        lit(None).alias(val)]).head(0)
        # The values' common type: strings when any column is a string (Polars casts numbers to text),
        # otherwise the supertype concat's vertical_relaxed finds.
        text = any(schema[c] == from_name("String") for c in cols)
        blocks = [self.select([col(i) for i in idx] + [
            lit(c).alias(var), (col(c).cast(from_name("String")) if text else col(c)).alias(val)]) for c in cols]
        from .frame import concat

        # One block of rows per column, in the order of ``on`` (Polars' in-memory engine does the same;
        # its streaming engine interleaves blocks by morsel, which is not an order to copy).
        return blocks[0] if len(blocks) == 1 else concat(blocks, how="vertical_relaxed")

    def null_count(self) -> "LazyFrame":
        """One row: the number of nulls in each column (UInt32)."""
        from .expr import col
        from .expr import len as _len

        return self.select([(_len() - col(c).count()).alias(c) for c in self.collect_schema()])

    def slice(self, offset: int, length: int | None = None) -> "LazyFrame":
        """Rows from ``offset``, ``length`` of them (None: to the end)."""
        offset = rows_arg(offset, "offset")
        length = None if length is None else rows_arg(length, "length")
        if length is not None and length < 0:
            from .exceptions import NotSupportedError

            raise NotSupportedError(
                "LazyFrame.slice with a negative length is not supported yet; "
                "collect() first and use DataFrame.slice, which supports it"
            )
        if offset < 0:
            # Counted from the end: a window of -offset rows ending at the last row.
            return self._with("tail", n=min(-offset, 2**63 - 1), length=length)
        return self._with("slice", offset=offset, length=length)

    def head(self, n: int = 5) -> "LazyFrame":
        """The first ``n`` rows."""
        n = rows_arg(n, "n")
        if n < 0:
            from .exceptions import NotSupportedError

            raise NotSupportedError("LazyFrame.head with a negative n is not supported yet; use DataFrame.head")
        return self.slice(0, n)

    def limit(self, n: int = 5) -> "LazyFrame":
        return self.head(n)

    def pipe(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return function(self, *args, **kwargs)

    def sql(self, query: str, params: Any = None) -> "LazyFrame":
        """Run SQL over this frame, which the query calls ``self``."""
        from .sql import SQLContext

        return SQLContext({"self": self}).execute(query, params=params)

    def lazy(self) -> "LazyFrame":
        return self

    # --- running -------------------------------------------------------------
    def _serialize(self) -> tuple[bytes, list[Any]]:
        sources: list[Any] = []
        index: dict[int, int] = {}

        def scan(node: dict[str, Any]) -> dict[str, Any]:
            frame = node["source"]
            i = index.setdefault(id(frame), len(sources))
            if i == len(sources):
                sources.append(frame)
            if node["kind"] == "table":  # a stored table: the database session travels as the source
                return {"kind": "table", "source": i, "name": node["name"]}
            if node["kind"] == "array":  # a long is_in list, a one-column frame
                return {"kind": "array", "source": i}
            attached = getattr(frame, "_vector_indexes", None)
            if attached:  # DataFrame.with_vector_index: the indexes travel as sources too
                refs = []
                for column, vi in attached.items():
                    j = index.setdefault(id(vi), len(sources))
                    if j == len(sources):
                        sources.append(vi)
                    refs.append({"column": column, "source": j})
                return {"kind": "scan", "source": i, "vector_indexes": refs}
            return {"kind": "scan", "source": i}

        body = '{"version": %d, "plan": %s}' % (PLAN_VERSION, _encode_plan(self._plan, scan))
        return body.encode(), sources

    def cache(self) -> "LazyFrame":
        """This frame, for code written for Polars: alopex's optimizer already computes a subplan
        that occurs more than once in a query only once, so there is nothing to mark."""
        return self

    def collect(self, *, progress: bool | None = None) -> "DataFrame":
        """Run the plan and return the result as a DataFrame.

        Ctrl-C (KeyboardInterrupt) cancels the query promptly. A query still
        running after two seconds shows a progress bar (rows read out of
        the rows the sources hold) when stderr is a terminal or in a
        notebook; ``progress=False`` hides it and ``progress=True`` shows it
        whatever the output (``ax.set_progress`` sets the default).

        >>> import alopex as ax
        >>> ax.LazyFrame({"a": [1, 2]}).collect(progress=False).height
        2
        """
        from .frame import DataFrame

        plan, sources = self._serialize()
        handle = _ffi.run_query(plan, [s._engine_handle() for s in sources], progress=progress)
        return DataFrame._from_handle(handle)

    def _run_profiled(self, progress: bool | None) -> tuple["DataFrame", dict[str, Any]]:
        from .frame import DataFrame

        plan, sources = self._serialize()
        handle, report = _ffi.run_query_report(plan, [s._engine_handle() for s in sources],
                                               profile=True, progress=progress)
        return DataFrame._from_handle(handle), report

    def profile(self, *, show_plot: bool = False, truncate_nodes: int = 0,
                figsize: tuple[int, int] = (18, 8), progress: bool | None = None
                ) -> tuple["DataFrame", "DataFrame"]:
        """Run the query and return ``(result, profile)``, as Polars' ``profile()``.

        ``profile`` has a row per plan node, in the order the nodes finished
        (inputs before the nodes reading them), after a first row for the
        optimization: ``node`` (the node as :meth:`explain` prints it),
        ``start`` and ``end`` (UInt64 microseconds since the query started:
        when the node first and last worked), and alopex's ``rows`` (rows the
        node produced), ``time`` (microseconds spent in the node and its
        inputs) and ``self_time`` (in the node alone). Steps that run on all
        cores (scans, filters, projections, a join's probe) add up the time
        of every worker, so an input's ``time`` can pass the wall time of
        the node reading it. ``explain(analyze=True)`` prints the same
        counters on the plan tree. ``show_plot`` draws a Gantt chart with
        matplotlib (labels cut to ``truncate_nodes`` characters when > 0).

        >>> import alopex as ax
        >>> lf = ax.LazyFrame({"k": [1, 1, 2], "v": [1, 2, 3]})
        >>> out, prof = lf.filter(ax.col("v") > 1).group_by("k").agg(ax.col("v").sum()).profile()
        >>> prof.columns
        ['node', 'start', 'end', 'rows', 'time', 'self_time']
        >>> prof.filter(ax.col("node").str.starts_with("AGGREGATE"))["rows"].to_list()
        [2]
        """
        import pyarrow as pa

        from .frame import DataFrame

        int_arg(truncate_nodes, "truncate_nodes")
        result, report = self._run_profiled(progress)
        nodes = sorted((n for n in report.get("nodes", []) if n["measured"]), key=lambda n: (n["end"], -n["depth"]))
        optimization = report.get("planning_us", 0)
        rows = [("optimization", 0, optimization, None, optimization, optimization)]
        rows += [(n["node"], n["start"], n["end"], n["rows"], n["time_us"], n["self_us"]) for n in nodes]
        u64 = pa.uint64()
        table = pa.table({
            "node": pa.array([r[0] for r in rows], pa.string()),
            "start": pa.array([r[1] for r in rows], u64),
            "end": pa.array([r[2] for r in rows], u64),
            "rows": pa.array([r[3] for r in rows], u64),
            "time": pa.array([r[4] for r in rows], u64),
            "self_time": pa.array([r[5] for r in rows], u64),
        })
        prof = DataFrame(table)
        if show_plot:
            _plot_profile(rows, truncate_nodes, figsize)
        return result, prof

    def sink_parquet(self, path: Any, **kwargs: Any) -> None:
        """Run the query and write the result to a Parquet file (options as
        :meth:`DataFrame.write_parquet`).

        Not streaming yet: the whole result is collected in memory first.
        """
        self.collect().write_parquet(path, **kwargs)

    def sink_csv(self, path: Any, **kwargs: Any) -> None:
        """Run the query and write the result to a CSV file (options as
        :meth:`DataFrame.write_csv`).

        Not streaming yet: the whole result is collected in memory first.
        """
        self.collect().write_csv(path, **kwargs)

    def explain(self, *, optimized: bool = True, analyze: bool = False, progress: bool | None = None) -> str:
        """The plan as text, after optimization unless ``optimized=False``.

        ``analyze=True`` runs the query (as SQL's ``EXPLAIN ANALYZE``) and
        prints each node with ``actual rows``, ``batches``, ``time`` (the node
        and its inputs) and ``self`` (the node alone); see :meth:`profile`.

        >>> import alopex as ax
        >>> print(ax.LazyFrame({"a": [1, 2, 3]}).filter(ax.col("a") > 1).explain(analyze=True))  # doctest: +ELLIPSIS
        SCAN DF [a] PROJECT */1 COLUMNS SELECTION (col("a") > 1)  (actual rows=2 batches=1 time=...
        """
        if not isinstance(analyze, bool):
            raise TypeError(f"analyze must be True or False, not {analyze!r}")
        if analyze:
            if not optimized:
                raise ValueError("explain(analyze=True) runs the optimized plan; optimized=False cannot be analyzed")
            return self._run_profiled(progress)[1]["text"]
        plan, sources = self._serialize()
        return _ffi.describe_plan(plan, [s._engine_handle() for s in sources], 0 if optimized else 1)

    def collect_schema(self) -> Schema:
        """The result's column names and types, without running the query."""
        plan, sources = self._serialize()
        fields = json.loads(_ffi.describe_plan(plan, [s._engine_handle() for s in sources], 2))
        return Schema((name, from_name(t)) for name, t in fields)

    @property
    def schema(self) -> Schema:
        return self.collect_schema()

    @property
    def columns(self) -> list[str]:
        return list(self.collect_schema().keys())

    @property
    def dtypes(self) -> list[DataType]:
        return list(self.collect_schema().values())

    @property
    def width(self) -> int:
        return len(self.collect_schema())

    def __repr__(self) -> str:
        return "<LazyFrame>\n" + self.explain(optimized=False)

    def _repr_html_(self) -> str:
        import html

        return "<i>LazyFrame</i> (call .collect() to run)<pre>" + html.escape(self.explain(optimized=False)) + "</pre>"


def _plot_profile(rows: list[tuple[Any, ...]], truncate_nodes: int, figsize: tuple[int, int]) -> None:
    """A Gantt chart of the profile's nodes (Polars' show_plot)."""
    import matplotlib.pyplot as plt

    labels = [r[0] if truncate_nodes <= 0 or len(r[0]) <= truncate_nodes else r[0][:truncate_nodes] + "…"
              for r in rows]
    fig, ax = plt.subplots(figsize=figsize)
    ax.barh(labels, [r[2] - r[1] for r in rows], left=[r[1] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel("time (µs since the query started)")
    plt.show()


def _per_key(value: bool | list[bool], n: int, name: str) -> list[bool]:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} has {len(value)} entries for {n} sort keys")
        return [bool(v) for v in value]
    return [bool(value)] * n


class LazyGroupBy:
    """The result of :meth:`LazyFrame.group_by`; call :meth:`agg`."""

    def __init__(self, lf: LazyFrame, keys: list[dict[str, Any]], maintain_order: bool):
        self._lf = lf
        self._keys = keys
        self._maintain_order = maintain_order

    def agg(self, *aggs: Any, **named: Any) -> LazyFrame:
        """One row per group: the keys, then each aggregate."""
        key_names = [k["name"] for k in self._keys if k.get("kind") == "col"]
        return self._lf._with("group_by", keys=self._keys,
                              aggs=to_exprs(aggs, named, schema=self._lf.collect_schema, skip=key_names))

    def len(self, name: str = "len") -> LazyFrame:
        from .expr import len as _len

        return self.agg(_len().alias(name))

    def _all(self, func: str) -> LazyFrame:
        from .expr import col

        key_names = {k.get("name") for k in self._keys if k.get("kind") == "col"}
        cols = [c for c in self._lf.collect_schema() if c not in key_names]
        return self.agg(*[getattr(col(c), func)() for c in cols])

    def sum(self) -> LazyFrame: return self._all("sum")
    def mean(self) -> LazyFrame: return self._all("mean")
    def min(self) -> LazyFrame: return self._all("min")
    def max(self) -> LazyFrame: return self._all("max")
    def count(self) -> LazyFrame: return self._all("count")
    def first(self) -> LazyFrame: return self._all("first")
    def last(self) -> LazyFrame: return self._all("last")
    def median(self) -> LazyFrame: return self._all("median")
    def n_unique(self) -> LazyFrame: return self._all("n_unique")


_dumps = functools.partial(json.dumps, allow_nan=False)


def _is_container(x: Any) -> bool:
    return isinstance(x, (dict, list))


def _encode_plan(root: Any, scan: Callable[[dict[str, Any]], dict[str, Any]]) -> str:
    """The JSON text of a plan tree, scan nodes of frames, table nodes of
    stored tables and array nodes (long ``is_in`` lists) replaced by
    scan(node).

    Iterative, with an explicit stack: a plan of thousands of chained steps
    or an expression thousands of operators deep is as deep a tree, which
    recursion (and ``json.dumps``, recursive in C) cannot walk within
    Python's recursion limit. The engine rejects plans beyond its documented
    depth limits (docs/plan-format.md) with an InvalidInputError. Leaves and
    lists of scalars (an ``is_in`` list of a million values) go to
    ``json.dumps`` whole.
    """
    out: list[str] = []
    # Items are (True, text to emit) or (False, value to encode).
    stack: list[tuple[bool, Any]] = [(False, root)]
    while stack:
        is_text, x = stack.pop()
        if is_text:
            out.append(x)
            continue
        if isinstance(x, dict):
            if x.get("kind") == "selector":
                from .exceptions import NotSupportedError

                raise NotSupportedError(f"a selector ({x['selector']!r}) is not supported in this place; "
                                        "use it in select, with_columns, group_by, agg, sort or drop")
            if x.get("kind") in ("scan", "table", "array") and not isinstance(x.get("source"), int):
                x = scan(x)
                if not isinstance(x, dict):  # an array node written inline, as a list
                    stack.append((False, x))
                    continue
            if not any(_is_container(v) for v in x.values()):
                out.append(_dumps(x))
                continue
            out.append("{")
            stack.append((True, "}"))
            items = list(x.items())
            for i in range(len(items) - 1, -1, -1):
                k, v = items[i]
                stack.append((False, v))
                stack.append((True, ("," if i else "") + _dumps(str(k)) + ":"))
        elif isinstance(x, list):
            if not any(_is_container(v) for v in x):
                out.append(_dumps(x))
                continue
            out.append("[")
            stack.append((True, "]"))
            for i in range(len(x) - 1, -1, -1):
                stack.append((False, x[i]))
                if i:
                    stack.append((True, ","))
        else:
            out.append(_dumps(x))
    return "".join(out)


def collect_all(lazy_frames: Any) -> list[Any]:
    """Collect each LazyFrame, in order (as Polars' ``collect_all``).

    >>> import alopex as ax
    >>> lf = ax.LazyFrame({"a": [1, 2]})
    >>> [df.height for df in ax.collect_all([lf, lf.filter(ax.col("a") > 1)])]
    [2, 1]
    """
    frames = list(lazy_frames)
    for i, lf in enumerate(frames):
        if not isinstance(lf, LazyFrame):
            raise TypeError(f"collect_all takes LazyFrames; item {i} is a {type(lf).__name__}")
    return [lf.collect() for lf in frames]
