"""Series: one named column, held as Arrow memory.

Computations on a Series run through the engine: each method is the
expression of the same name over a one-column frame, so a Series method and
the Expr method agree by construction (one definition of each function).
Only what is pure data movement (slicing, taking positions) is done on the
Arrow array directly.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, Iterator

import numpy as np
import pyarrow as pa

from . import _display, _equality, _to_numpy
from ._convert import to_table
from ._validate import int_arg
from .datatypes import DataType
from .datatypes import from_arrow as dtype_from_arrow

if TYPE_CHECKING:
    from .expr import Expr
    from .frame import DataFrame
    from .lazyframe import LazyFrame

# The column a Series without a name is computed under (the engine needs one).
_UNNAMED = "__alopex_series"
# The right operand's column in a binary operation between two Series.
_RIGHT = "__alopex_right"


class Series:
    """One named column.

    >>> import alopex as ax
    >>> s = ax.Series("x", [3, 1, None, 2])
    >>> (s * 10).to_list()
    [30, 10, None, 20]
    >>> s.sum(), s.max(), s.arg_min()
    (6, 3, 1)
    >>> s.sort().to_list()
    [None, 1, 2, 3]
    >>> ax.DataFrame({"x": [1.0, 2.0]})["x"].to_numpy()
    array([1., 2.])
    """

    __slots__ = ("_name", "_data")
    # ``s == t`` is elementwise (a Series), so a Series cannot be hashed, as in Polars.
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, name: Any = "", values: Any = None, dtype: Any = None):
        if isinstance(name, (list, tuple, np.ndarray, pa.Array, pa.ChunkedArray, Series)) and values is None:
            name, values = "", name
        if not isinstance(name, str):
            raise TypeError(f"a Series name must be a string, got {type(name).__name__}")
        if isinstance(values, Series):
            values = values._data
        table = to_table({name: values if values is not None else []})
        data = table.column(0)
        if dtype is not None:
            from ._arrow_types import to_arrow
            from .datatypes import dtype_name

            data = data.cast(to_arrow(dtype_name(dtype)))
        self._name = name
        self._data = data

    @classmethod
    def _from_arrow(cls, name: str, data: pa.ChunkedArray | pa.Array) -> "Series":
        if isinstance(data, pa.Array):
            data = pa.chunked_array([data], type=data.type)
        s = cls.__new__(cls)
        s._name = name
        s._data = data
        return s

    def _series_arrow(self) -> pa.ChunkedArray:
        return self._data

    # --- evaluation through the engine --------------------------------------------------
    def _column(self) -> str:
        return self._name or _UNNAMED

    def _lazy(self, other: "Series | None" = None) -> "LazyFrame":
        columns = {self._column(): self._data}
        if other is not None:
            columns[_RIGHT] = other._data
        from .frame import DataFrame

        return DataFrame._from_arrow_table(pa.table(columns)).lazy()

    def _series_of(self, lf: "LazyFrame") -> "Series":
        return Series._from_arrow(self._name, lf.collect().to_arrow().column(0))

    def _map(self, fn: Callable[["Expr"], "Expr"]) -> "Series":
        """fn applied to this column as an expression; the result keeps this name."""
        from .expr import col

        return self._series_of(self._lazy().select(fn(col(self._column()))))

    def _scalar(self, fn: Callable[["Expr"], "Expr"]) -> Any:
        """The single value of fn applied to this column (an aggregation)."""
        from .expr import col

        return self._lazy().select(fn(col(self._column()))).collect().to_arrow().column(0)[0].as_py()

    def _binary(self, other: Any, op: Callable[[Any, Any], "Expr"]) -> "Series":
        from .expr import col, lit

        if isinstance(other, Series):
            n, m = len(self), len(other)
            if n != m and m != 1 and n != 1:
                from .exceptions import InvalidInputError

                raise InvalidInputError(
                    f"cannot combine Series '{self._name}' of length {n} with Series '{other._name}' of length {m}; "
                    "lengths must match (or one be 1)")
            if m == 1 and n != 1:
                return self._binary(other[0], op)
            if n == 1 and m != 1:
                left = Series._from_arrow(self._name, pa.chunked_array(
                    [pa.nulls(m, self._data.type) if self._data.null_count else
                     pa.repeat(self._data[0], m)], type=self._data.type))
                return left._binary(other, op)
            return self._series_of(self._lazy(other).select(op(col(self._column()), col(_RIGHT))))
        if isinstance(other, (np.ndarray, list, tuple, pa.Array, pa.ChunkedArray)):
            return self._binary(Series("", other), op)
        return self._map(lambda c: op(c, lit(other) if other is None else other))

    # --- properties ---------------------------------------------------------------------
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
        """The number of values, nulls included."""
        return len(self._data)

    def is_empty(self) -> bool:
        return len(self._data) == 0

    def null_count(self) -> int:
        return self._data.null_count

    def has_nulls(self) -> bool:
        return self._data.null_count > 0

    def alias(self, name: str) -> "Series":
        if not isinstance(name, str):
            raise TypeError(f"a Series name must be a string, got {type(name).__name__}")
        return Series._from_arrow(name, self._data)

    def rename(self, name: str) -> "Series":
        return self.alias(name)

    def clone(self) -> "Series":
        return Series._from_arrow(self._name, self._data)

    def __bool__(self) -> bool:
        raise TypeError("the truth value of a Series is ambiguous; use s.any(), s.all(), "
                        "s.is_empty(), or `&`/`|` between Series instead of and/or")

    # --- operators (elementwise, through the engine's kernels) ----------------------------
    def __add__(self, other: Any) -> "Series":
        return self._binary(other, operator.add)

    def __radd__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b + a)

    def __sub__(self, other: Any) -> "Series":
        return self._binary(other, operator.sub)

    def __rsub__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b - a)

    def __mul__(self, other: Any) -> "Series":
        return self._binary(other, operator.mul)

    def __rmul__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b * a)

    def __truediv__(self, other: Any) -> "Series":
        return self._binary(other, operator.truediv)

    def __rtruediv__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b / a)

    def __floordiv__(self, other: Any) -> "Series":
        return self._binary(other, operator.floordiv)

    def __rfloordiv__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b // a)

    def __mod__(self, other: Any) -> "Series":
        return self._binary(other, operator.mod)

    def __rmod__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b % a)

    def __pow__(self, other: Any) -> "Series":
        return self._binary(other, operator.pow)

    def __rpow__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b ** a)

    def __and__(self, other: Any) -> "Series":
        return self._binary(other, operator.and_)

    def __rand__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b & a)

    def __or__(self, other: Any) -> "Series":
        return self._binary(other, operator.or_)

    def __ror__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b | a)

    def __xor__(self, other: Any) -> "Series":
        return self._binary(other, operator.xor)

    def __rxor__(self, other: Any) -> "Series":
        return self._binary(other, lambda a, b: b ^ a)

    def __eq__(self, other: Any) -> "Series":  # type: ignore[override]
        return self._binary(other, operator.eq)

    def __ne__(self, other: Any) -> "Series":  # type: ignore[override]
        return self._binary(other, operator.ne)

    def __lt__(self, other: Any) -> "Series":
        return self._binary(other, operator.lt)

    def __le__(self, other: Any) -> "Series":
        return self._binary(other, operator.le)

    def __gt__(self, other: Any) -> "Series":
        return self._binary(other, operator.gt)

    def __ge__(self, other: Any) -> "Series":
        return self._binary(other, operator.ge)

    def __neg__(self) -> "Series":
        return self._map(operator.neg)

    def __pos__(self) -> "Series":
        return self

    def __abs__(self) -> "Series":
        return self._map(abs)

    def __invert__(self) -> "Series":
        return self._map(operator.invert)

    def __contains__(self, value: Any) -> bool:
        if value is None:
            return self._data.null_count > 0
        return bool(self._scalar(lambda c: (c == value).any()))

    # --- aggregations (a Python scalar) ---------------------------------------------------
    def sum(self) -> Any:
        """The sum of the values (0 for an empty or all-null Series; NaN if any is NaN)."""
        return self._scalar(lambda c: c.sum())

    def mean(self) -> Any:
        return self._scalar(lambda c: c.mean())

    def median(self) -> Any:
        return self._scalar(lambda c: c.median())

    def min(self) -> Any:
        """The smallest value, nulls and NaN skipped (None if none is left)."""
        return self._scalar(lambda c: c.min())

    def max(self) -> Any:
        """The largest value, nulls and NaN skipped (None if none is left)."""
        return self._scalar(lambda c: c.max())

    def std(self, ddof: int = 1) -> Any:
        return self._scalar(lambda c: c.std(ddof))

    def var(self, ddof: int = 1) -> Any:
        return self._scalar(lambda c: c.var(ddof))

    def quantile(self, quantile: float, interpolation: str = "nearest") -> Any:
        return self._scalar(lambda c: c.quantile(quantile, interpolation))

    def n_unique(self) -> int:
        """The number of distinct values, null counting as one."""
        return int(self._scalar(lambda c: c.n_unique()))

    def count(self) -> int:
        """The number of non-null values."""
        return int(self._scalar(lambda c: c.count()))

    def any(self, *, ignore_nulls: bool = True) -> bool | None:
        """Whether any value is true; with ``ignore_nulls=False`` a null makes a False answer None (Kleene)."""
        out = self._scalar(lambda c: c.any())
        return None if not out and not ignore_nulls and self._data.null_count else out

    def all(self, *, ignore_nulls: bool = True) -> bool | None:
        """Whether every value is true; with ``ignore_nulls=False`` a null makes a True answer None (Kleene)."""
        out = self._scalar(lambda c: c.all())
        return None if out and not ignore_nulls and self._data.null_count else out

    def first(self) -> Any:
        return self._data[0].as_py() if len(self._data) else None

    def last(self) -> Any:
        return self._data[len(self._data) - 1].as_py() if len(self._data) else None

    def item(self, index: int | None = None) -> Any:
        """The one value of a Series of length 1, or the value at ``index``."""
        if index is None:
            if len(self._data) != 1:
                from .exceptions import InvalidInputError

                raise InvalidInputError(
                    f"can only call .item() on a Series of length 1, this one has length {len(self._data)}; "
                    "pass an index")
            index = 0
        return self[index]

    def _arg_extreme(self, descending: bool) -> int | None:
        from .expr import col

        c = col(self._column())
        keep = c.is_not_null()
        if self.dtype.is_float():
            keep = keep & ~c.is_nan()
        extreme = c.max() if descending else c.min()
        out = (self._lazy().with_row_index("__alopex_i").filter(keep & (c == extreme))
               .select(col("__alopex_i").min()).collect().to_arrow().column(0)[0].as_py())
        return None if out is None else int(out)

    def arg_max(self) -> int | None:
        """The position of the first largest value (nulls and NaN skipped; None if none is left)."""
        return self._arg_extreme(True)

    def arg_min(self) -> int | None:
        """The position of the first smallest value (nulls and NaN skipped; None if none is left)."""
        return self._arg_extreme(False)

    # --- elementwise and reshaping (a Series) ----------------------------------------------
    def is_null(self) -> "Series":
        return self._map(lambda c: c.is_null())

    def is_not_null(self) -> "Series":
        return self._map(lambda c: c.is_not_null())

    def is_nan(self) -> "Series":
        return self._map(lambda c: c.is_nan())

    def is_not_nan(self) -> "Series":
        return self._map(lambda c: c.is_not_nan())

    def is_in(self, other: Any) -> "Series":
        if isinstance(other, Series):
            other = other.to_list()
        return self._map(lambda c: c.is_in(other))

    def cast(self, dtype: Any, *, strict: bool = True) -> "Series":
        return self._map(lambda c: c.cast(dtype, strict=strict))

    def abs(self) -> "Series":
        return self._map(lambda c: c.abs())

    def round(self, decimals: int = 0) -> "Series":
        return self._map(lambda c: c.round(decimals))

    def fill_null(self, value: Any = None, strategy: str | None = None) -> "Series":
        return self._map(lambda c: c.fill_null(value, strategy))

    def fill_nan(self, value: Any) -> "Series":
        return self._map(lambda c: c.fill_nan(value))

    def cum_sum(self, *, reverse: bool = False) -> "Series":
        return self._map(lambda c: c.cum_sum(reverse=reverse))

    def diff(self, n: int = 1) -> "Series":
        return self._map(lambda c: c.diff(n))

    def shift(self, n: int = 1, *, fill_value: Any = None) -> "Series":
        return self._map(lambda c: c.shift(n, fill_value=fill_value))

    def clip(self, lower_bound: Any = None, upper_bound: Any = None) -> "Series":
        return self._map(lambda c: c.clip(lower_bound, upper_bound))

    def rank(self, method: str = "average", *, descending: bool = False) -> "Series":
        return self._map(lambda c: c.rank(method, descending=descending))

    def sort(self, *, descending: bool = False, nulls_last: bool = False) -> "Series":
        """The values in order; nulls first unless ``nulls_last``, NaN above every number."""
        lf = self._lazy().sort(self._column(), descending=descending, nulls_last=nulls_last, maintain_order=True)
        return self._series_of(lf)

    def unique(self, *, maintain_order: bool = False) -> "Series":
        """The distinct values (in order of first appearance with ``maintain_order``)."""
        lf = self._lazy().unique(maintain_order=maintain_order)
        if not maintain_order:
            lf = lf.sort(self._column(), maintain_order=True)
        return self._series_of(lf)

    def drop_nulls(self) -> "Series":
        return self._series_of(self._lazy().drop_nulls())

    def value_counts(self, *, sort: bool = False, parallel: bool = False, name: str | None = None,
                     normalize: bool = False) -> "DataFrame":
        """A frame of each distinct value and how often it occurs (``count``, or ``proportion``
        with ``normalize``); most frequent first with ``sort``, else in order of first appearance."""
        from .expr import len as count_rows

        if name is None:
            name = "proportion" if normalize else "count"
        c = self._column()
        if c == name:
            from .exceptions import InvalidInputError

            raise InvalidInputError(f"value_counts: the count column '{name}' has the Series' name; pass name=")
        counted = count_rows()
        if normalize:
            counted = counted / len(self._data) if len(self._data) else counted.cast("Float64")
        lf = self._lazy().group_by(c, maintain_order=True).agg(counted.alias(name))
        if sort:
            lf = lf.sort(name, descending=True, maintain_order=True)
        out = lf.collect()
        if c != self._name:
            out = out.rename({c: self._name}) if self._name else out
        return out

    def head(self, n: int = 10) -> "Series":
        """The first ``n`` values (all but the last ``-n`` for a negative ``n``)."""
        n = int_arg(n, "n")
        size = len(self._data)
        stop = min(n, size) if n >= 0 else max(size + n, 0)
        return Series._from_arrow(self._name, self._data.slice(0, stop))

    def tail(self, n: int = 10) -> "Series":
        """The last ``n`` values (all but the first ``-n`` for a negative ``n``)."""
        n = int_arg(n, "n")
        size = len(self._data)
        start = max(size - n, 0) if n >= 0 else min(-n, size)
        return Series._from_arrow(self._name, self._data.slice(start))

    def slice(self, offset: int, length: int | None = None) -> "Series":
        from .frame import _resolve_slice

        start, count = _resolve_slice(len(self._data), offset, length)
        return Series._from_arrow(self._name, self._data.slice(start, count))

    def gather(self, indices: Any) -> "Series":
        """The values at ``indices`` (negative counts from the end)."""
        idx = np.asarray(indices.to_list() if isinstance(indices, Series) else indices)
        if idx.size == 0:
            return Series._from_arrow(self._name, self._data.slice(0, 0))
        if idx.dtype.kind not in "iu":
            raise TypeError(f"gather takes integer positions, got {idx.dtype}")
        n = len(self._data)
        idx = np.where(idx < 0, idx + n, idx)
        bad = (idx < 0) | (idx >= n)
        if bad.any():
            raise IndexError(f"index {int(np.asarray(indices)[np.argmax(bad)])} is out of bounds "
                             f"for a Series of length {n}")
        return Series._from_arrow(self._name, self._data.take(pa.array(idx, type=pa.int64())))

    def filter(self, predicate: Any) -> "Series":
        """The values where ``predicate`` (a Boolean Series, list or array of the same length) is true."""
        mask = predicate if isinstance(predicate, Series) else Series("", predicate)
        if len(mask) != len(self):
            from .exceptions import InvalidInputError

            raise InvalidInputError(f"filter mask has length {len(mask)}, the Series has {len(self)}")
        if not pa.types.is_boolean(mask._data.type):
            raise TypeError(f"filter takes a Boolean mask, got {mask.dtype}")
        from .expr import col

        return self._series_of(self._lazy(mask).filter(col(_RIGHT)).select(self._column()))

    def reverse(self) -> "Series":
        n = len(self._data)
        return self.gather(np.arange(n - 1, -1, -1, dtype=np.int64)) if n else self.clone()

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
                return _to_numpy.vectors(arr)
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

    def to_polars(self) -> Any:
        """A Polars Series over the same Arrow memory (Polars must be installed)."""
        try:
            import polars
        except ImportError:
            raise ImportError("to_polars needs Polars: pip install polars") from None
        return polars.from_arrow(self._data).alias(self._name)

    def to_pandas(self) -> Any:
        return self._data.to_pandas(date_as_object=False).rename(self._name)

    def to_frame(self, name: str | None = None) -> "DataFrame":
        from .frame import DataFrame

        return DataFrame._from_arrow_table(pa.table({self._name if name is None else name: self._data}))

    def __getitem__(self, key: Any) -> Any:
        """``s[i]`` a value; ``s[a:b:c]`` a Series; ``s[[i, j]]`` / an integer array the values there;
        a Boolean mask (Series, list or array) the values where it is true."""
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            n = len(self._data)
            i = int(key) + n if key < 0 else int(key)
            if not 0 <= i < n:
                raise IndexError(f"index {int(key)} is out of bounds for a Series of length {n}")
            return self._data[i].as_py()
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self._data))
            if step == 1:
                return Series._from_arrow(self._name, self._data.slice(start, max(stop - start, 0)))
            return self.gather(np.arange(start, stop, step, dtype=np.int64))
        if isinstance(key, Series):
            return self.filter(key) if pa.types.is_boolean(key._data.type) else self.gather(key)
        if isinstance(key, (list, tuple, np.ndarray, range)):
            arr = np.asarray(key)
            if arr.dtype == bool:
                return self.filter(arr)
            if arr.size and arr.dtype.kind not in "iu":
                raise TypeError(f"cannot index a Series with a sequence of {arr.dtype}")
            return self.gather(arr.astype(np.int64))
        raise TypeError(f"cannot index a Series with {type(key).__name__}")

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data.to_pylist())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.to_numpy()
        return arr if dtype is None else arr.astype(dtype)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._data.__arrow_c_stream__(requested_schema)

    def __repr__(self) -> str:
        return _display.render_series(self._name, self._data)

    def _repr_html_(self) -> str:
        return _display.render_series_html(self._name, self._data)

    def equals(self, other: "Series", *, null_equal: bool = True) -> bool:
        """Same name and values (NaN equals NaN; null equals null unless ``null_equal=False``)."""
        if not isinstance(other, Series):
            raise TypeError(f"expected `other` to be a Series, got {type(other).__name__}")
        return self._name == other._name and _equality.columns_equal(self._data, other._data, null_equal)
