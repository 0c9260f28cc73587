"""Expressions: what to compute, described in Python and evaluated in Go.

An :class:`Expr` is a small tree serialized into the plan (see
docs/plan-format.md); Python never evaluates one itself.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import decimal as _decimal
import math
from typing import Any, Callable, Iterable

from ._validate import int_arg
from .datatypes import dtype_name
from .exceptions import InvalidInputError, NotSupportedError


def _node(kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, **fields}


_EPOCH_DATE = _dt.date(1970, 1, 1)
_EPOCH = _dt.datetime(1970, 1, 1)


def _temporal_node(value: Any) -> dict[str, Any] | None:
    """Literal nodes for Python dates, datetimes and timedeltas (microseconds)."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        delta = value - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return _node("lit", value=micros, dtype="Datetime(time_unit='us')")
    if isinstance(value, _dt.date):
        return _node("lit", value=(value - _EPOCH_DATE).days, dtype="Date")
    if isinstance(value, _dt.timedelta):
        micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
        return _node("lit", value=micros, dtype="Duration(time_unit='us')")
    return None


def _decimal_node(value: _decimal.Decimal) -> dict[str, Any]:
    """An exact Decimal literal: its digits as text, typed Decimal(38, its scale) as Polars
    types ``pl.lit(Decimal("1.25"))``, so stored DECIMAL columns get it exactly."""
    if not value.is_finite():
        raise InvalidInputError(f"a Decimal literal must be finite, got {value!r}; use a float for NaN or infinity")
    _, digits, exponent = value.as_tuple()
    scale = builtins.max(0, -int(exponent))
    if builtins.max(builtins.len(digits) + builtins.max(0, int(exponent)), scale) > 38:
        raise InvalidInputError(f"Decimal literal {value} has more than 38 digits, the most a Decimal holds")
    return _node("lit", value=format(value, "f"), dtype=f"Decimal(precision=38, scale={scale})")


def _lit_node(value: Any, dtype: Any = None) -> dict[str, Any]:
    try:
        import numpy as np

        if isinstance(value, np.datetime64):
            value = value.astype("datetime64[us]").item()
        elif isinstance(value, np.timedelta64):
            value = value.astype("timedelta64[us]").item()
        elif isinstance(value, np.generic):
            value = value.item()
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    if type(value).__name__ == "ndarray" and getattr(value, "ndim", 0) == 1 and dtype is None:
        return _vector_node(value)
    temporal = _temporal_node(value)
    if temporal is not None:
        if dtype is not None:
            return _node("cast", dtype=dtype_name(dtype), strict=True, expr=temporal)
        return temporal
    if dtype is not None:
        name = dtype_name(dtype)
        if isinstance(value, float) and not math.isfinite(value):
            value = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return _node("lit", value=value, dtype=name)
    if value is None or isinstance(value, (bool, str)):
        return _node("lit", value=value)
    if isinstance(value, int):
        if -(2**63) <= value < 2**63:
            return _node("lit", value=value)
        if 0 <= value < 2**64:
            return _node("lit", value=value, dtype="UInt64")
        raise InvalidInputError(f"integer literal {value} does not fit in 64 bits (Int64 or UInt64); "
                                "use a float, or a string, for such a value")
    if isinstance(value, float):
        if math.isfinite(value):
            return _node("lit", value=value, dtype="Float64")
        return _node("lit", value="nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"), dtype="Float64")
    if isinstance(value, _decimal.Decimal):
        return _decimal_node(value)
    raise TypeError(
        f"cannot use {type(value).__name__} value {value!r} as a literal; "
        "use a bool, int, float, str or None"
    )


def _to_node(x: Any, *, str_as_col: bool = False) -> dict[str, Any]:
    if isinstance(x, Expr):
        return x._node
    if str_as_col and isinstance(x, str):
        return _node("col", name=x)
    return _lit_node(x)


def _vector_node(q: Any) -> dict[str, Any]:
    """A vector literal (Array(Float32, d)) from a 1-D NumPy array or a list of numbers."""
    arr = _vector_array(q)
    return _node("lit", value=[float(v) for v in arr], dtype=f"Array(Float32, shape={arr.size})")


def _vector_array(q: Any) -> Any:
    """The float32 NumPy array of a vector value (a 1-D NumPy array or a list of
    numbers), checked as a vector literal must be."""
    import numpy as np

    from .exceptions import InvalidInputError

    arr = np.asarray(q, dtype=np.float32)
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidInputError(f"a query vector must be 1-dimensional and non-empty, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise InvalidInputError("the query vector holds NaN or infinity; vectors must hold finite numbers")
    return arr


# is_in lists longer than this travel beside the plan as an Arrow array (a
# frame the plan names as a source) rather than as JSON values: building and
# encoding a Python list of 100k numbers costs more than the lookup itself.
_PACK_IS_IN_OVER = 64

# The Arrow types of packed is_in values; other values (dates, decimals,
# mixed lists) go as JSON, one by one, as before.
_PACKABLE = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
             "float", "double", "bool", "string", "large_string")


def _packed_values(other: Any) -> tuple[dict[str, Any], list[str]] | None:
    """The values node of a long is_in list as an Arrow array (and its NaN and
    infinities by name, as the JSON form has them), or None to send the values
    as JSON."""
    import numpy as np
    import pyarrow as pa

    from .frame import DataFrame, Series

    if isinstance(other, (str, bytes, dict)):
        return None
    if isinstance(other, _polars_series()):
        other = other.to_arrow()
    if isinstance(other, Series):
        other = other._data
    try:
        n = builtins.len(other)
    except TypeError:
        return None
    if n <= _PACK_IS_IN_OVER:
        return None
    try:
        if isinstance(other, (pa.Array, pa.ChunkedArray)):
            arr = other
        elif isinstance(other, np.ndarray):
            if other.ndim != 1 or other.dtype.kind not in "iufbU":
                return None
            arr = pa.array(other)
        elif hasattr(other, "to_numpy") and not isinstance(other, (list, tuple, set, frozenset)):
            return _packed_values(other.to_numpy())  # pandas
        elif isinstance(other, (list, tuple, set, frozenset)):
            values = list(other)
            arr = pa.array(values)
            if pa.types.is_floating(arr.type) and any(type(v) is int for v in values):
                return None  # ints beside floats: keep each int exact
        else:
            return None
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None
    if str(arr.type) not in _PACKABLE:
        return None
    non_finite: list[str] = []
    if pa.types.is_floating(arr.type):
        import pyarrow.compute as pc

        finite = pc.fill_null(pc.is_finite(arr), True)
        if not pc.all(finite).as_py():
            bad = pc.unique(pc.filter(arr, pc.invert(finite))).to_pylist()
            non_finite = ["nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") for v in bad]
            arr = pc.filter(arr, finite)
    table = pa.table({"values": arr})
    return _node("array", source=DataFrame._from_arrow_table(table)), non_finite


def _polars_series() -> tuple[type, ...]:
    """Polars' Series class, when polars is loaded (it converts to Arrow)."""
    import sys

    pl = sys.modules.get("polars")
    return (pl.Series,) if pl is not None else ()


class Expr:
    """A column expression. Build one with :func:`col` or :func:`lit`.

    >>> import alopex as ax
    >>> e = (ax.col("price") * ax.col("qty")).alias("total")
    """

    __slots__ = ("_node",)

    def __init__(self, node: dict[str, Any]):
        self._node = node

    def __repr__(self) -> str:
        return f"<Expr {_render(self._node)}>"

    def __bool__(self) -> bool:
        raise TypeError(
            "the truth value of an Expr is ambiguous; use & and | instead of 'and' and 'or', "
            "and ~ instead of 'not'"
        )

    __hash__ = None  # type: ignore[assignment]  # == builds an expression

    # --- operators -------------------------------------------------------
    def _bin(self, op: str, other: Any, reverse: bool = False) -> Expr:
        a, b = self._node, _to_node(other)
        if reverse:
            a, b = b, a
        return Expr(_node("binary", op=op, left=a, right=b))

    def __add__(self, o: Any) -> Expr: return self._bin("add", o)
    def __radd__(self, o: Any) -> Expr: return self._bin("add", o, True)
    def __sub__(self, o: Any) -> Expr: return self._bin("sub", o)
    def __rsub__(self, o: Any) -> Expr: return self._bin("sub", o, True)
    def __mul__(self, o: Any) -> Expr: return self._bin("mul", o)
    def __rmul__(self, o: Any) -> Expr: return self._bin("mul", o, True)
    def __truediv__(self, o: Any) -> Expr: return self._bin("truediv", o)
    def __rtruediv__(self, o: Any) -> Expr: return self._bin("truediv", o, True)
    def __floordiv__(self, o: Any) -> Expr: return self._bin("floordiv", o)
    def __rfloordiv__(self, o: Any) -> Expr: return self._bin("floordiv", o, True)
    def __mod__(self, o: Any) -> Expr: return self._bin("mod", o)
    def __rmod__(self, o: Any) -> Expr: return self._bin("mod", o, True)
    def __eq__(self, o: Any) -> Expr: return self._bin("eq", o)  # type: ignore[override]
    def __ne__(self, o: Any) -> Expr: return self._bin("neq", o)  # type: ignore[override]
    def __lt__(self, o: Any) -> Expr: return self._bin("lt", o)
    def __le__(self, o: Any) -> Expr: return self._bin("le", o)
    def __gt__(self, o: Any) -> Expr: return self._bin("gt", o)
    def __ge__(self, o: Any) -> Expr: return self._bin("ge", o)
    def __and__(self, o: Any) -> Expr: return self._bin("and", o)
    def __rand__(self, o: Any) -> Expr: return self._bin("and", o, True)
    def __or__(self, o: Any) -> Expr: return self._bin("or", o)
    def __ror__(self, o: Any) -> Expr: return self._bin("or", o, True)
    def __xor__(self, o: Any) -> Expr: return self._bin("xor", o)
    def __rxor__(self, o: Any) -> Expr: return self._bin("xor", o, True)
    def __invert__(self) -> Expr: return Expr(_node("unary", op="not", expr=self._node))
    def __neg__(self) -> Expr: return Expr(_node("unary", op="neg", expr=self._node))
    def __pos__(self) -> Expr: return self

    # --- named methods (Polars names) -------------------------------------
    def eq(self, other: Any) -> Expr: return self._bin("eq", other)
    def ne(self, other: Any) -> Expr: return self._bin("neq", other)
    def lt(self, other: Any) -> Expr: return self._bin("lt", other)
    def le(self, other: Any) -> Expr: return self._bin("le", other)
    def gt(self, other: Any) -> Expr: return self._bin("gt", other)
    def ge(self, other: Any) -> Expr: return self._bin("ge", other)
    def add(self, other: Any) -> Expr: return self._bin("add", other)
    def sub(self, other: Any) -> Expr: return self._bin("sub", other)
    def mul(self, other: Any) -> Expr: return self._bin("mul", other)
    def truediv(self, other: Any) -> Expr: return self._bin("truediv", other)
    def floordiv(self, other: Any) -> Expr: return self._bin("floordiv", other)
    def mod(self, other: Any) -> Expr: return self._bin("mod", other)
    def and_(self, *others: Any) -> Expr:
        out = self
        for o in others:
            out = out._bin("and", o)
        return out
    def or_(self, *others: Any) -> Expr:
        out = self
        for o in others:
            out = out._bin("or", o)
        return out
    def xor(self, other: Any) -> Expr: return self._bin("xor", other)
    def not_(self) -> Expr: return ~self

    def neg(self) -> Expr:
        return -self

    def alias(self, name: str) -> Expr:
        """Name the output column."""
        if not isinstance(name, str):
            raise TypeError(f"alias takes a str, got {type(name).__name__}")
        return Expr(_node("alias", name=name, expr=self._node))

    def cast(self, dtype: Any, *, strict: bool = True) -> Expr:
        """Convert to ``dtype``; with ``strict=False`` values that do not fit become null."""
        return Expr(_node("cast", dtype=dtype_name(dtype), strict=bool(strict), expr=self._node))

    # --- functions -----------------------------------------------------------------
    def _call(self, name: str, *args: Any, **opts: Any) -> Expr:
        """Apply the engine function ``name`` with this expression as the first argument."""
        return Expr(_node("call", name=name, args=[self._node] + [_to_node(a) for a in args], opts=opts))

    def _call_nodes(self, name: str, *nodes: dict[str, Any], **opts: Any) -> Expr:
        return Expr(_node("call", name=name, args=[self._node, *nodes], opts=opts))

    # math
    def abs(self) -> Expr: return self._call("abs")
    def __abs__(self) -> Expr: return self._call("abs")
    def sign(self) -> Expr: return self._call("sign")
    def sqrt(self) -> Expr: return self._call("sqrt")
    def exp(self) -> Expr: return self._call("exp")
    def log10(self) -> Expr: return self._call("log10")
    def log1p(self) -> Expr: return self._call("log1p")
    def sin(self) -> Expr: return self._call("sin")
    def cos(self) -> Expr: return self._call("cos")
    def tan(self) -> Expr: return self._call("tan")
    def floor(self) -> Expr: return self._call("floor")
    def ceil(self) -> Expr: return self._call("ceil")

    def log(self, base: float = math.e) -> Expr:
        out = self._call("log")
        return out if base == math.e else out / math.log(base)

    def pow(self, exponent: Any) -> Expr: return self._call("pow", exponent)
    def __pow__(self, exponent: Any) -> Expr: return self._call("pow", exponent)
    def __rpow__(self, base: Any) -> Expr: return Expr(_lit_node(base))._call("pow", self)

    def round(self, decimals: int = 0, mode: str = "half_to_even") -> Expr:
        """Round to ``decimals`` places; halves go to the even neighbour unless
        ``mode="half_away_from_zero"`` (Polars' default and option)."""
        return self._call("round", decimals=int_arg(decimals, "decimals"), mode=mode)

    def clip(self, lower_bound: Any = None, upper_bound: Any = None) -> Expr:
        """Limit values to [lower_bound, upper_bound] (None: no bound)."""
        return self._call("clip", lower_bound, upper_bound)

    def is_nan(self) -> Expr: return self._call("is_nan")
    def is_not_nan(self) -> Expr: return self._call("is_not_nan")
    def is_finite(self) -> Expr: return self._call("is_finite")
    def is_infinite(self) -> Expr: return self._call("is_infinite")

    def fill_null(self, value: Any = None, strategy: str | None = None, limit: int | None = None) -> Expr:
        """Replace nulls with ``value`` (an expression or a literal), or by a ``strategy``:
        "forward" / "backward" (the last value before / the next after, at most ``limit`` rows
        away), "min", "max", "mean" (of the column, or of the group inside ``over``; the mean is
        truncated into an integer column), "zero" or "one", as Polars does.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"a": [1, None, 4, None]})
        >>> df.select(ax.col("a").fill_null(strategy="forward"))["a"].to_list()
        [1, 1, 4, 4]
        >>> df.select(ax.col("a").fill_null(strategy="mean"))["a"].to_list()
        [1, 2, 4, 2]
        """
        if strategy is None:
            if limit is not None:
                raise InvalidInputError("fill_null(limit=...) needs strategy='forward' or 'backward'")
            return self._call("fill_null", value)
        if value is not None:
            raise InvalidInputError("fill_null takes a value or a strategy, not both")
        if limit is not None and strategy not in ("forward", "backward"):
            raise InvalidInputError("fill_null(limit=...) needs strategy='forward' or 'backward'")
        if strategy == "forward":
            return self.forward_fill(limit)
        if strategy == "backward":
            return self.backward_fill(limit)
        if strategy in ("zero", "one"):
            return self._call("fill_null", 0 if strategy == "zero" else 1)
        if strategy in ("min", "max", "mean"):
            return self._call("fill_null_strategy", strategy=strategy)
        raise InvalidInputError(
            "fill_null strategy must be one of 'forward', 'backward', 'min', 'max', 'mean', 'zero', 'one', "
            f"got {strategy!r}")

    def forward_fill(self, limit: int | None = None) -> Expr:
        """Fill each null with the last non-null value before it (at most ``limit`` rows back);
        per group inside ``over``.

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1, None, None, 2]}).select(ax.col("a").forward_fill(limit=1))["a"].to_list()
        [1, 1, None, 2]
        """
        return self._call("forward_fill", limit=_fill_limit(limit))

    def backward_fill(self, limit: int | None = None) -> Expr:
        """Fill each null with the next non-null value after it (at most ``limit`` rows ahead).

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [None, None, 2]}).select(ax.col("a").backward_fill())["a"].to_list()
        [2, 2, 2]
        """
        return self._call("backward_fill", limit=_fill_limit(limit))

    def interpolate(self, method: str = "linear") -> Expr:
        """Fill the nulls between two values: ``"linear"`` on the line between them (integers
        give Float64; floats and temporal values keep their type; other types are unchanged), or
        ``"nearest"`` (the nearer value, the later on a tie). Leading and trailing nulls stay.

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1, None, None, 4]}).select(ax.col("a").interpolate())["a"].to_list()
        [1.0, 2.0, 3.0, 4.0]
        """
        if method not in ("linear", "nearest"):
            raise InvalidInputError(f"interpolate method must be 'linear' or 'nearest', got {method!r}")
        return self._call("interpolate", method=method)

    def pct_change(self, n: int = 1) -> Expr:
        """Relative change from the value ``n`` rows before: ``(x - prev) / prev`` as Float64
        (Float32 stays Float32); null where either is null or there is no such row.

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [10, 11, 22]}).select(ax.col("a").pct_change())["a"].to_list()
        [None, 0.1, 1.0]
        """
        return self._call("pct_change", n=int_arg(n, "n"))

    def _rolling(self, name: str, window_size: int, min_samples: int | None, center: bool,
                 **more: Any) -> Expr:
        w = int_arg(window_size, "window_size")
        m = -1 if min_samples is None else int_arg(min_samples, "min_samples")
        return self._call_nodes(name, window_size=w, min_samples=m, center=bool(center), **more)

    def rolling_sum(self, window_size: int, weights: Any = None, *, min_samples: int | None = None,
                    center: bool = False) -> Expr:
        """Sum over a window of ``window_size`` rows ending at each row (centred with ``center``);
        nulls are skipped and a window with fewer than ``min_samples`` values (``window_size`` by
        default) gives null; per group inside ``over``. Small integers sum as Int64, as Polars.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"a": [1, 2, None, 4]})
        >>> df.select(ax.col("a").rolling_sum(2, min_samples=1))["a"].to_list()
        [1, 3, 2, 4]
        """
        _no_weights(weights)
        return self._rolling("rolling_sum", window_size, min_samples, center)

    def rolling_mean(self, window_size: int, weights: Any = None, *, min_samples: int | None = None,
                     center: bool = False) -> Expr:
        """Mean over a rolling window (see :meth:`rolling_sum`), as Float64 (Float32 stays).

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1, 2, 3]}).select(ax.col("a").rolling_mean(2))["a"].to_list()
        [None, 1.5, 2.5]
        """
        _no_weights(weights)
        return self._rolling("rolling_mean", window_size, min_samples, center)

    def rolling_min(self, window_size: int, weights: Any = None, *, min_samples: int | None = None,
                    center: bool = False) -> Expr:
        """Smallest value of a rolling window (see :meth:`rolling_sum`); NaN propagates, as Polars.

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [3, 1, 2]}).select(ax.col("a").rolling_min(2))["a"].to_list()
        [None, 1, 1]
        """
        _no_weights(weights)
        return self._rolling("rolling_min", window_size, min_samples, center)

    def rolling_max(self, window_size: int, weights: Any = None, *, min_samples: int | None = None,
                    center: bool = False) -> Expr:
        """Largest value of a rolling window (see :meth:`rolling_sum`); NaN propagates, as Polars.

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [3, 1, 2]}).select(ax.col("a").rolling_max(2))["a"].to_list()
        [None, 3, 2]
        """
        _no_weights(weights)
        return self._rolling("rolling_max", window_size, min_samples, center)

    def rolling_std(self, window_size: int, weights: Any = None, *, min_samples: int | None = None,
                    center: bool = False, ddof: int = 1) -> Expr:
        """Standard deviation of a rolling window (see :meth:`rolling_sum`), as Float64.

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1, 3, 5]}).select(ax.col("a").rolling_std(2))["a"].to_list()
        [None, 1.4142135623730951, 1.4142135623730951]
        """
        _no_weights(weights)
        return self._rolling("rolling_std", window_size, min_samples, center, ddof=int_arg(ddof, "ddof"))

    def rolling_var(self, window_size: int, weights: Any = None, *, min_samples: int | None = None,
                    center: bool = False, ddof: int = 1) -> Expr:
        """Variance of a rolling window (see :meth:`rolling_sum`), as Float64.

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1, 3, 5]}).select(ax.col("a").rolling_var(2))["a"].to_list()
        [None, 2.0, 2.0]
        """
        _no_weights(weights)
        return self._rolling("rolling_var", window_size, min_samples, center, ddof=int_arg(ddof, "ddof"))

    def gather_every(self, n: int, offset: int = 0) -> Expr:
        """Not supported: the result would have fewer rows than the frame, which alopex's
        expressions never do; use ``DataFrame.gather_every`` / ``LazyFrame.gather_every``."""
        raise NotSupportedError(
            "Expr.gather_every is not supported (it changes the number of rows); "
            "use DataFrame.gather_every or LazyFrame.gather_every on the frame")

    def explode(self, *, empty_as_null: bool = False, keep_nulls: bool = True) -> Expr:
        """Not supported: an exploded column has more rows than the frame; use
        ``DataFrame.explode`` / ``LazyFrame.explode``."""
        raise NotSupportedError("Expr.explode is not supported (it changes the number of rows); "
                                "use DataFrame.explode or LazyFrame.explode")

    def implode(self) -> Expr:
        """Not supported yet: gathering a column (or a group's values) into one list needs a list
        aggregate the engine does not have; ``top_k``/``bottom_k`` give lists per group."""
        raise NotSupportedError("Expr.implode is not supported yet (no list aggregate in the engine)")

    def reverse(self) -> Expr:
        """The values in reverse order (per group inside ``over``).

        >>> import alopex as ax
        >>> ax.DataFrame({"a": [1, 2, 3]}).select(ax.col("a").reverse())["a"].to_list()
        [3, 2, 1]
        """
        return self._call("reverse")

    def fill_nan(self, value: Any) -> Expr:
        """Replace NaN with ``value`` (nulls stay null)."""
        return self._call("fill_nan", value)

    def is_in(self, other: Any) -> Expr:
        """Whether each value is in ``other`` (a list, set, tuple, NumPy array or Series)."""
        if isinstance(other, Expr):
            raise NotSupportedError("is_in with an expression is not supported yet; pass a list of values")
        packed = _packed_values(other)
        if packed is not None:
            # Many values travel beside the plan as an Arrow array, not as JSON numbers.
            values, non_finite = packed
            opts: dict[str, Any] = {"values": values}
            if non_finite:
                opts["non_finite"] = non_finite
            return self._call("is_in", **opts)
        kind = getattr(getattr(other, "dtype", None), "kind", "")
        if kind in ("M", "m") and other.dtype.str[4:5] != "D":
            # NumPy datetimes and durations as microseconds, so that tolist() gives Python objects
            # (dates for a unit of days), not integers of the array's unit.
            other = other.astype(f"{other.dtype.str[1:3]}[us]")
        if hasattr(other, "to_list"):
            other = other.to_list()
        elif hasattr(other, "tolist"):
            other = other.tolist()
        elif isinstance(other, (str, bytes)) or not hasattr(other, "__iter__"):
            raise InvalidInputError(f"is_in needs a collection of values (a list, set, tuple, NumPy array or "
                                    f"Series), got {type(other).__name__}")
        values = []
        non_finite = []  # JSON numbers cannot carry NaN and the infinities
        kinds = set()  # the dtype of dates, datetimes and durations (sent as their ticks); None for others
        for v in other:
            if type(v).__name__ in ("datetime64", "timedelta64") and v.dtype.str[4:5] != "D":
                v = v.astype(f"{v.dtype.str[1:3]}[us]").item()
            elif type(v).__module__ == "numpy":
                v = v.item()
            if v is None:
                values.append(None)
                continue
            temporal = _temporal_node(v)
            kinds.add(temporal["dtype"] if temporal is not None else None)
            if builtins.len(kinds) > 1:
                raise InvalidInputError(f"is_in values must be of one kind: {v!r} is among "
                                        f"{'other' if temporal is not None else 'temporal'} values")
            if temporal is not None:
                v = temporal["value"]
            elif isinstance(v, _decimal.Decimal):
                v = float(v)  # is_in compares Decimal columns as Float64
            elif isinstance(v, float) and not math.isfinite(v):
                non_finite.append("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
                continue
            elif isinstance(v, (bytes, bytearray, _dt.time)):
                raise NotSupportedError(f"is_in with {type(v).__name__} values is not supported yet")
            elif not isinstance(v, (bool, int, float, str)):
                raise InvalidInputError(f"is_in cannot compare with {type(v).__name__} value {v!r}; "
                                        "use bools, numbers, strings, dates, datetimes or durations")
            values.append(v)
        dtype = next(iter(kinds)) if kinds else None
        opts: dict[str, Any] = {"values": values}
        if non_finite:
            opts["non_finite"] = non_finite
        if dtype is not None:
            opts["dtype"] = dtype
        return self._call("is_in", **opts)

    def is_between(self, lower_bound: Any, upper_bound: Any, closed: str = "both") -> Expr:
        """``lower_bound <= x <= upper_bound``; ``closed`` is both, left, right or none."""
        if closed not in ("both", "left", "right", "none"):
            raise ValueError("closed must be 'both', 'left', 'right' or 'none'")
        lo = self >= lower_bound if closed in ("both", "left") else self > lower_bound
        hi = self <= upper_bound if closed in ("both", "right") else self < upper_bound
        return lo & hi

    @property
    def str(self) -> Any:
        """String functions: ``ax.col("name").str.to_uppercase()``."""
        from .expr_str import ExprStringNameSpace

        return ExprStringNameSpace(self)

    @property
    def list(self) -> Any:
        """List functions: ``ax.col("s").str.split(",").list.len()``."""
        from .expr_list import ExprListNameSpace

        return ExprListNameSpace(self)

    @property
    def vec(self) -> Any:
        """Vector functions over an ``Array(Float32, d)`` column: ``ax.col("emb").vec.l2_distance(q)``."""
        from .expr_vec import ExprVectorNameSpace

        return ExprVectorNameSpace(self)

    @property
    def dt(self) -> Any:
        """Date and time functions: ``ax.col("when").dt.year()``."""
        from .expr_dt import ExprDateTimeNameSpace

        return ExprDateTimeNameSpace(self)

    # --- windows -------------------------------------------------------------------
    def over(self, partition_by: Any = None, *more_by: Any, order_by: Any = None,
             descending: bool = False, nulls_last: bool = False) -> Expr:
        """Evaluate over groups of rows: aggregates give each row its group's
        value, cum_sum/shift/diff/rank run along each group (in ``order_by``
        order when given). Rows keep their order."""
        parts: list[Any] = []
        if partition_by is not None:
            parts = list(partition_by) if isinstance(partition_by, (list, tuple)) else [partition_by]
        parts += list(more_by)
        node: dict[str, Any] = {"kind": "over", "expr": self._node,
                                "args": [_to_node(p, str_as_col=True) for p in parts]}
        if order_by is not None:
            keys = list(order_by) if isinstance(order_by, (list, tuple)) else [order_by]
            node["order_by"] = [{"expr": _to_node(k, str_as_col=True), "descending": descending,
                                 "nulls_last": nulls_last} for k in keys]
        return Expr(node)

    def cum_sum(self, *, reverse: bool = False) -> Expr:
        """Running sum (over the whole column, or per group with ``.over``)."""
        return _cumulative(self, "cum_sum", reverse)

    def cum_prod(self, *, reverse: bool = False) -> Expr:
        return _cumulative(self, "cum_prod", reverse)

    def cum_min(self, *, reverse: bool = False) -> Expr:
        return _cumulative(self, "cum_min", reverse)

    def cum_max(self, *, reverse: bool = False) -> Expr:
        return _cumulative(self, "cum_max", reverse)

    def cum_count(self, *, reverse: bool = False) -> Expr:
        return _cumulative(self, "cum_count", reverse)

    def shift(self, n: int = 1, *, fill_value: Any = None) -> Expr:
        """Move values down by ``n`` rows (up when negative), filling with ``fill_value``."""
        return self._call("shift", fill_value, n=int_arg(n, "n"))

    def diff(self, n: int = 1) -> Expr:
        """Difference with the value ``n`` rows before."""
        return self._call("diff", n=int_arg(n, "n"))

    def rank(self, method: str = "average", *, descending: bool = False) -> Expr:
        """Rank of each value (average, min, max, dense or ordinal); nulls get null."""
        return self._call("rank", method=method, descending=bool(descending))

    # --- aggregates ---------------------------------------------------------------
    def _agg(self, func: str, **fields: Any) -> Expr:
        return Expr(_node("agg", func=func, expr=self._node, **fields))

    def sum(self) -> Expr:
        """Sum of non-null values (0 for none); small integers sum as Int64, booleans count trues."""
        return self._agg("sum")

    def mean(self) -> Expr:
        return self._agg("mean")

    def min(self) -> Expr:
        """Smallest non-null value (NaN is skipped unless there is nothing else)."""
        return self._agg("min")

    def max(self) -> Expr:
        return self._agg("max")

    def count(self) -> Expr:
        """Number of non-null values."""
        return self._agg("count")

    def len(self) -> Expr:
        """Number of values, nulls included."""
        return self._agg("len")

    def n_unique(self) -> Expr:
        """Number of distinct values (null counts as one)."""
        return self._agg("n_unique")

    def std(self, ddof: int = 1) -> Expr:
        return self._agg("std", param=float(ddof))

    def var(self, ddof: int = 1) -> Expr:
        return self._agg("var", param=float(ddof))

    def median(self) -> Expr:
        return self._agg("median")

    def quantile(self, quantile: float, interpolation: str = "nearest") -> Expr:
        return self._agg("quantile", param=float(quantile), interp=interpolation)

    def top_k(self, k: int = 5) -> Expr:
        """The ``k`` largest values, as a list per group inside ``group_by().agg()`` (largest
        first; NaN ranks above every number; nulls only fill a group with fewer than ``k``
        values), as Polars gives them."""
        return self._agg("top_k", param=float(int_arg(k, "k")))

    def bottom_k(self, k: int = 5) -> Expr:
        """The ``k`` smallest values, as a list per group inside ``group_by().agg()`` (smallest
        first; nulls only fill a group with fewer than ``k`` values)."""
        return self._agg("bottom_k", param=float(int_arg(k, "k")))

    def first(self) -> Expr:
        return self._agg("first")

    def last(self) -> Expr:
        return self._agg("last")

    def any(self) -> Expr:
        return self._agg("any")

    def all(self) -> Expr:
        return self._agg("all")

    def is_null(self) -> Expr:
        return Expr(_node("unary", op="is_null", expr=self._node))

    def is_not_null(self) -> Expr:
        return Expr(_node("unary", op="is_not_null", expr=self._node))


def col(name: Any, *more: Any) -> Expr:
    """Refer to a column by name: ``ax.col("a")``. As in Polars, several names
    (``ax.col("a", "b")``, ``ax.col(["a", "b"])``), a regular expression between ``^`` and ``$``
    (``ax.col("^x_.*$")``), ``"*"`` or data types (``ax.col(ax.Int64)``) stand for each column they
    pick: ``ax.col("a", "b").max()`` is one max per column (see :mod:`alopex.selectors`).

    >>> import alopex as ax
    >>> df = ax.DataFrame({"a": [1, 5], "b": [7, 2], "s": ["x", "y"]})
    >>> df.select(ax.col("a", "b").max()).to_dict(as_series=False)
    {'a': [5], 'b': [7]}
    >>> df.select(ax.col(ax.Int64) * 10).columns
    ['a', 'b']
    """
    from . import selectors as cs
    from .datatypes import DataType

    if isinstance(name, str) and not more:
        if name == "*":
            return cs.all()
        if builtins.len(name) > 1 and name.startswith("^") and name.endswith("$"):
            return cs.matches(name)
        return Expr(_node("col", name=name))
    items = [name] if isinstance(name, (str, DataType)) or not isinstance(name, Iterable) else list(name)
    items += list(more)
    if items and builtins.all(not isinstance(x, str) for x in items):
        return cs.by_dtype(*items)
    for x in items:
        if not isinstance(x, str):
            raise TypeError(f"ax.col takes column names or data types, not both; got {type(x).__name__} {x!r}")
    if builtins.any(n == "*" or (n.startswith("^") and n.endswith("$")) for n in items):
        out = cs.by_name(*[n for n in items if n != "*" and not (n.startswith("^") and n.endswith("$"))])
        for n in items:
            if n == "*" or (n.startswith("^") and n.endswith("$")):
                out = out | (cs.all() if n == "*" else cs.matches(n))
        return out
    return cs.by_name(*items)


def all() -> Expr:  # noqa: A001 - Polars' name
    """Every column (``ax.all().sum()``: the sum of each), as ``pl.all()``."""
    from . import selectors as cs

    return cs.all()


def exclude(*columns: Any) -> Expr:
    """Every column but these (names, data types or selectors), as ``pl.exclude``.

    >>> import alopex as ax
    >>> ax.DataFrame({"a": [1], "b": [2], "c": [3]}).select(ax.exclude("b")).columns
    ['a', 'c']
    """
    from . import selectors as cs

    return cs.exclude(*columns)


def lit(value: Any, dtype: Any = None) -> Expr:
    """A constant. Untyped ints and floats adapt to the column they meet, as in Polars."""
    return Expr(_lit_node(value, dtype))


def len() -> Expr:  # noqa: A001 - Polars' name
    """Number of rows (of the group, in an aggregation): ``ax.len()``."""
    return Expr(_node("agg", func="len", expr=None))


def _cumulative(e: Expr, name: str, reverse: bool) -> Expr:
    """A running function; ``reverse`` runs it from the last row up, as Polars defines it."""
    if reverse:
        return e.reverse()._call(name).reverse()
    return e._call(name)


def _no_weights(weights: Any) -> None:
    if weights is not None:
        raise NotSupportedError("rolling functions with weights= are not supported yet")


def _fill_limit(limit: int | None) -> int:
    """A forward/backward fill's limit as the engine takes it (-1: none)."""
    if limit is None:
        return -1
    n = int_arg(limit, "limit")
    if n < 0:
        raise InvalidInputError(f"the fill limit must be non-negative, got {limit!r}")
    return n


class When:
    """``ax.when(cond).then(value)``: continue with ``.when`` or ``.otherwise``."""

    def __init__(self, branches: list[tuple[dict[str, Any], dict[str, Any]]], cond: dict[str, Any]):
        self._branches = branches
        self._cond = cond

    def then(self, value: Any) -> "Then":
        return Then(self._branches + [(self._cond, _to_node(value, str_as_col=True))])


class Then(Expr):
    """A when/then chain; it is an expression (null where no branch applies)."""

    __slots__ = ("_branches",)

    def __init__(self, branches: list[tuple[dict[str, Any], dict[str, Any]]]):
        self._branches = branches
        super().__init__(self._build(_node("lit", value=None)))

    def _build(self, otherwise: dict[str, Any]) -> dict[str, Any]:
        args = [x for pair in self._branches for x in pair] + [otherwise]
        return _node("call", name="when", args=args, opts={})

    def when(self, *predicates: Any) -> When:
        return When(self._branches, _combine(predicates))

    def otherwise(self, value: Any) -> Expr:
        return Expr(self._build(_to_node(value, str_as_col=True)))


def _combine(predicates: tuple[Any, ...]) -> dict[str, Any]:
    out = None
    for p in [x for q in predicates for x in (q if isinstance(q, (list, tuple)) else [q])]:
        # A str is a column, a bool (or other value) a literal condition, as in Polars.
        e = col(p) if isinstance(p, str) else p if isinstance(p, Expr) else Expr(_lit_node(p))
        out = e if out is None else out & e
    if out is None:
        raise TypeError("when() needs a condition")
    return out._node


def when(*predicates: Any) -> When:
    """Start a conditional: ``ax.when(c1).then(v1).when(c2).then(v2).otherwise(v3)``."""
    return When([], _combine(predicates))


def coalesce(*exprs: Any) -> Expr:
    """The first non-null of the expressions (strs are column names)."""
    items = [x for e in exprs for x in (e if isinstance(e, (list, tuple)) else [e])]
    nodes = [_to_node(e, str_as_col=True) for e in items]
    return Expr(_node("call", name="coalesce", args=nodes, opts={}))


def _agg_fn(func: str):
    def fn(*names: str | Expr) -> Expr | list[Expr]:
        for n in names:
            if not isinstance(n, (str, Expr)):
                raise TypeError(f"ax.{func}() takes column names or expressions, got {type(n).__name__} {n!r}")
        if not names:
            raise TypeError(f"ax.{func}() needs a column name or an expression")
        cols = [col(n) if isinstance(n, str) else n for n in names]
        out = [getattr(c, func)() for c in cols]
        return out[0] if builtins.len(out) == 1 else out

    fn.__name__ = func
    fn.__doc__ = f"``ax.{func}('a')`` is ``ax.col('a').{func}()``."
    return fn


sum = _agg_fn("sum")  # noqa: A001
mean = _agg_fn("mean")
min = _agg_fn("min")  # noqa: A001
max = _agg_fn("max")  # noqa: A001
count = _agg_fn("count")
median = _agg_fn("median")
n_unique = _agg_fn("n_unique")
first = _agg_fn("first")
last = _agg_fn("last")
std = _agg_fn("std")
var = _agg_fn("var")


def _horizontal(name: str, exprs: tuple[Any, ...], **opts: Any) -> Expr:
    """The call of a horizontal reduction over expressions, column names (strs) and literals."""
    from .selectors import Selector

    items = [x for e in exprs for x in (e if isinstance(e, (list, tuple)) else [e])]
    if not items:
        raise TypeError(f"ax.{name}() needs at least one expression or column name")
    for x in items:
        if isinstance(x, Selector):
            raise NotSupportedError(f"ax.{name} over a selector ({x!r}) is not supported yet; "
                                    "pass the columns, e.g. ax.col(\"a\"), ax.col(\"b\")")
    nodes = [_to_node(x, str_as_col=True) for x in items]
    return Expr(_node("call", name=name, args=nodes, opts=opts))


def sum_horizontal(*exprs: Any, ignore_nulls: bool = True) -> Expr:
    """Row-wise sum of the columns (nulls count as 0 unless ``ignore_nulls=False``), in their
    supertype (booleans count trues), named after the first, as ``pl.sum_horizontal``.

    >>> import alopex as ax
    >>> df = ax.DataFrame({"a": [1, None], "b": [10, 20]})
    >>> df.select(ax.sum_horizontal("a", "b"))["a"].to_list()
    [11, 20]
    """
    return _horizontal("sum_horizontal", exprs, ignore_nulls=bool(ignore_nulls))


def mean_horizontal(*exprs: Any, ignore_nulls: bool = True) -> Expr:
    """Row-wise mean of the non-null values (Float64; Float32 stays), as ``pl.mean_horizontal``.

    >>> import alopex as ax
    >>> ax.DataFrame({"a": [1, None], "b": [2, 4]}).select(ax.mean_horizontal("a", "b"))["a"].to_list()
    [1.5, 4.0]
    """
    return _horizontal("mean_horizontal", exprs, ignore_nulls=bool(ignore_nulls))


def min_horizontal(*exprs: Any) -> Expr:
    """Row-wise smallest non-null value (NaN only when nothing else), as ``pl.min_horizontal``.

    >>> import alopex as ax
    >>> ax.DataFrame({"a": [1, None], "b": [0, 4]}).select(ax.min_horizontal("a", "b"))["a"].to_list()
    [0, 4]
    """
    return _horizontal("min_horizontal", exprs)


def max_horizontal(*exprs: Any) -> Expr:
    """Row-wise largest non-null value (NaN only when nothing else), as ``pl.max_horizontal``.

    >>> import alopex as ax
    >>> ax.DataFrame({"a": [1, None], "b": [0, 4]}).select(ax.max_horizontal("a", "b"))["a"].to_list()
    [1, 4]
    """
    return _horizontal("max_horizontal", exprs)


def any_horizontal(*exprs: Any) -> Expr:
    """Row-wise OR in three-valued logic (true if any is true, else null if any is null).

    >>> import alopex as ax
    >>> df = ax.DataFrame({"a": [True, False, None], "b": [False, False, False]})
    >>> df.select(ax.any_horizontal("a", "b"))["a"].to_list()
    [True, False, None]
    """
    return _horizontal("any_horizontal", exprs)


def all_horizontal(*exprs: Any) -> Expr:
    """Row-wise AND in three-valued logic (false if any is false, else null if any is null).

    >>> import alopex as ax
    >>> df = ax.DataFrame({"a": [True, False, None], "b": [True, True, True]})
    >>> df.select(ax.all_horizontal("a", "b"))["a"].to_list()
    [True, False, None]
    """
    return _horizontal("all_horizontal", exprs)


def _pair_agg(func: str, a: str | Expr, b: str | Expr, **fields: Any) -> Expr:
    for x in (a, b):
        if not isinstance(x, (str, Expr)):
            raise TypeError(f"ax.{func}() takes column names or expressions, got {type(x).__name__} {x!r}")
    x, y = (col(v) if isinstance(v, str) else v for v in (a, b))
    return Expr(_node("agg", func=func, expr=x._node, right=y._node, **fields))


def corr(a: str | Expr, b: str | Expr, *, method: str = "pearson") -> Expr:
    """Pearson correlation of two columns (per group inside ``agg``), as ``pl.corr``: rows
    with a null in either are skipped, NaN propagates, fewer than two rows or a constant
    column give NaN. The result is named after ``a``."""
    if method != "pearson":
        raise NotSupportedError(f"corr(method={method!r}) is not supported; only method='pearson' is")
    return _pair_agg("corr", a, b)


def cov(a: str | Expr, b: str | Expr, *, ddof: int = 1) -> Expr:
    """Covariance of two columns (per group inside ``agg``), as ``pl.cov``: rows with a null in
    either are skipped, NaN propagates, ``n <= ddof`` rows give null."""
    d = int_arg(ddof, "ddof")
    if d < 0:
        raise InvalidInputError(f"ddof must be non-negative, got {ddof!r}")
    return _pair_agg("cov", a, b, param=float(d))


_SYMBOLS = {
    "add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
    "eq": "==", "neq": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
    "and": "&", "or": "|", "xor": "^",
}


# An expression's text longer than this keeps its head and tail around "…":
# a chain of thousands of operations prints readably and in bounded space.
_RENDER_LIMIT = 2000


def _render(n: dict[str, Any]) -> str:
    """The Polars-like text of an expression node.

    Iterative (an explicit stack of pending nodes and text), so that an
    expression nested deeper than Python's recursion limit (thousands of
    chained ``+ 1``) still prints; long text has its middle elided.
    """
    out: list[str] = []
    stack: list[Any] = [n]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        # Parts are pushed last first: strings are text, dicts are nodes.
        stack.extend(reversed(_render_parts(item)))
    text = "".join(out)
    if builtins.len(text) > _RENDER_LIMIT:
        half = _RENDER_LIMIT // 2
        text = f"{text[:half]} … {text[-half:]}"
    return text


def _render_parts(n: dict[str, Any]) -> list[Any]:
    """One node's text as pieces: strings, and child nodes to print in place."""
    k = n.get("kind")
    if k == "col":
        return [f'col("{n["name"]}")']
    if k == "lit":
        return [repr(n.get("value"))]
    if k == "binary":
        return ["(", n["left"], f" {_SYMBOLS.get(n['op'], n['op'])} ", n["right"], ")"]
    if k == "unary":
        op = n["op"]
        if op in ("not", "neg"):
            return [{"not": "~", "neg": "-"}[op], n["expr"]]
        return [n["expr"], f".{op}()"]
    if k == "alias":
        return [n["expr"], f'.alias("{n["name"]}")']
    if k == "cast":
        return [n["expr"], f".cast({n['dtype']})"]
    if k == "call":
        args = n.get("args") or []
        head: list[Any] = [args[0], "."] if args else []
        return [*head, f"{n['name']}(", *_joined(args[1:]), ")"]
    if k == "over":
        return [n["expr"], ".over(", *_joined(n.get("args", [])), ")"]
    if k == "agg":
        if n.get("right"):
            return [f"{n['func']}(", n["expr"], ", ", n["right"], ")"]
        inner: list[Any] = [n["expr"], "."] if n.get("expr") else []
        if n["func"] in ("top_k", "bottom_k"):
            return [*inner, f"{n['func']}({int(n['param'])})"]
        return [*inner, f"{n['func']}()"]
    # Not a kind printed above: its kind only (the dict's own repr would
    # recurse into children without bound).
    return [f"<{k}>"]


def _joined(nodes: list[Any]) -> list[Any]:
    parts: list[Any] = []
    for i, a in enumerate(nodes):
        if i:
            parts.append(", ")
        parts.append(a)
    return parts


def to_exprs(items: Iterable[Any], named: dict[str, Any] | None = None, *,
             schema: Callable[[], Any] | None = None, skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Normalize select/with_columns arguments: strs are columns, lists are flattened, and an
    expression over a selector becomes one expression per column it picks from ``schema()`` (the
    columns in ``skip`` left out: group keys inside ``agg``)."""
    out: list[dict[str, Any]] = []
    for x in items:
        if isinstance(x, (list, tuple)):
            out.extend(to_exprs(x, schema=schema, skip=skip))
        else:
            out.extend(_expand(_to_node(x, str_as_col=True), schema, skip))
    for name, x in (named or {}).items():
        out.extend(_expand(_node("alias", name=name, expr=_to_node(x, str_as_col=True)), schema, skip))
    return out


def _selector_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The selector nodes in an expression tree, each once (iterative: trees can be deep)."""
    found: dict[int, dict[str, Any]] = {}
    stack: list[Any] = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if x.get("kind") == "selector":
                found[id(x)] = x
                continue
            stack.extend(v for k, v in x.items() if k != "source" and isinstance(v, (dict, list)))
        elif isinstance(x, list):
            stack.extend(v for v in x if isinstance(v, (dict, list)))
    return list(found.values())


def _expand(node: dict[str, Any], schema: Callable[[], Any] | None, skip: Iterable[str]) -> list[dict[str, Any]]:
    """``node`` once per column its selector picks (itself when it has none)."""
    sels = _selector_nodes(node)
    if not sels:
        return [node]
    if schema is None:
        raise NotSupportedError(f"a selector ({sels[0]['selector']!r}) is not supported here; "
                                "name the columns instead")
    if builtins.len(sels) > 1:
        raise NotSupportedError(
            f"an expression with several selectors ({', '.join(repr(s['selector']) for s in sels)}) is not "
            "supported; combine them with | or & into one")
    target = sels[0]
    leave = set(skip)
    return [_substitute(node, target, name) for name in target["selector"].names(schema()) if name not in leave]


def _substitute(node: Any, target: dict[str, Any], name: str) -> Any:
    """A copy of ``node`` with the selector node ``target`` replaced by column ``name``."""
    if node is target:
        return _node("col", name=name)
    if isinstance(node, dict):
        return {k: _substitute(v, target, name) if k != "source" and isinstance(v, (dict, list)) else v
                for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, target, name) for v in node]
    return node
