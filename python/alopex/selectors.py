"""Column selectors, as Polars' ``polars.selectors``: import as ``cs``.

A selector picks columns by name or type from the schema of the frame it meets. It is an
:class:`~alopex.Expr` standing for each column it picks: ``cs.numeric().sum()`` is one sum per
numeric column, each named after its column. Selectors combine with ``|`` (union), ``&``
(intersection), ``-`` (difference) and ``~`` (complement), and are accepted wherever columns or
expressions are (``select``, ``with_columns``, ``drop``, ``group_by``, ``agg``, ``sort``).
Inside ``group_by().agg`` the group keys are not selected, as in Polars.

>>> import alopex as ax
>>> import alopex.selectors as cs
>>> df = ax.DataFrame({"id": [1, 2], "x": [0.5, 1.5], "name": ["a", "b"]})
>>> df.select(cs.numeric() - cs.by_name("id")).columns
['x']
>>> df.select(cs.float() * 2).to_dict(as_series=False)
{'x': [1.0, 3.0]}
>>> df.drop(cs.string()).columns
['id', 'x']
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from .datatypes import DataType, dtype_name
from .exceptions import ColumnNotFoundError, InvalidInputError
from .expr import Expr

Schema = Mapping[str, DataType]

__all__ = [
    "Selector", "all", "alpha", "boolean", "by_dtype", "by_index", "by_name", "contains", "date", "datetime",
    "duration", "ends_with", "exclude", "expand_selector", "first", "float", "integer", "is_selector", "last",
    "matches", "numeric", "signed_integer", "starts_with", "string", "temporal", "unsigned_integer",
]


class Selector(Expr):
    """A set of columns chosen from a schema (see the module's documentation)."""

    __slots__ = ("_pick", "_text")

    def __init__(self, pick: Callable[[Schema], list[str]], text: str):
        # The node stands in for the columns until a frame method expands it against its schema.
        super().__init__({"kind": "selector", "selector": self})
        self._pick = pick
        self._text = text

    def __repr__(self) -> str:
        return self._text

    def names(self, schema: Schema) -> list[str]:
        """The columns of ``schema`` this selector picks, in schema order (``by_name``: its order)."""
        return self._pick(schema)

    # Set operations when both sides are selectors; arithmetic and logic otherwise, as in Polars.
    def __or__(self, other: Any) -> Any:
        if isinstance(other, Selector):
            return _combine(self, other, "|", lambda a, b: a | b)
        return super().__or__(other)

    def __and__(self, other: Any) -> Any:
        if isinstance(other, Selector):
            return _combine(self, other, "&", lambda a, b: a & b)
        return super().__and__(other)

    def __sub__(self, other: Any) -> Any:
        if isinstance(other, Selector):
            return _combine(self, other, "-", lambda a, b: a - b)
        return super().__sub__(other)

    def __xor__(self, other: Any) -> Any:
        if isinstance(other, Selector):
            return _combine(self, other, "^", lambda a, b: a ^ b)
        return super().__xor__(other)

    def __invert__(self) -> Any:
        inner = self

        def pick(schema: Schema) -> list[str]:
            taken = set(inner.names(schema))
            return [c for c in schema if c not in taken]

        return Selector(pick, f"~{self._text}")

    def exclude(self, *names: Any) -> "Selector":
        """This selector without the named columns (or those of another selector)."""
        return self - _as_selector(names)


def _combine(a: Selector, b: Selector, op: str, how: Callable[[set, set], set]) -> Selector:
    def pick(schema: Schema) -> list[str]:
        keep = how(set(a.names(schema)), set(b.names(schema)))
        return [c for c in schema if c in keep]

    return Selector(pick, f"({a._text} {op} {b._text})")


def _by_type(test: Callable[[DataType], bool], text: str) -> Selector:
    return Selector(lambda schema: [c for c, t in schema.items() if test(t)], text)


def _name(t: DataType) -> str:
    return t.name if isinstance(t, DataType) else str(t)


def _is_integer(t: DataType) -> bool:
    return t.is_integer()


def _is_float(t: DataType) -> bool:
    return t.is_float()


def _is_decimal(t: DataType) -> bool:
    return _name(t).startswith("Decimal")


def _is_datetime(t: DataType) -> bool:
    return _name(t).startswith("Datetime")


def _is_duration(t: DataType) -> bool:
    return _name(t).startswith("Duration")


def _is_temporal(t: DataType) -> bool:
    return _name(t) in ("Date", "Time") or _is_datetime(t) or _is_duration(t)


def all() -> Selector:  # noqa: A001 - Polars' name
    """Every column."""
    return Selector(lambda schema: list(schema), "cs.all()")


def numeric() -> Selector:
    """Integer, float and decimal columns."""
    return _by_type(lambda t: t.is_numeric() or _is_decimal(t), "cs.numeric()")


def integer() -> Selector:
    """Integer columns (signed and unsigned)."""
    return _by_type(_is_integer, "cs.integer()")


def signed_integer() -> Selector:
    """Signed integer columns."""
    return _by_type(lambda t: t.is_integer() and not _name(t).startswith("U"), "cs.signed_integer()")


def unsigned_integer() -> Selector:
    """Unsigned integer columns."""
    return _by_type(lambda t: t.is_integer() and _name(t).startswith("U"), "cs.unsigned_integer()")


def float() -> Selector:  # noqa: A001 - Polars' name
    """Float32 and Float64 columns."""
    return _by_type(_is_float, "cs.float()")


def string(*, include_categorical: bool = False) -> Selector:
    """String columns (and Categorical ones with ``include_categorical``)."""
    names = ("String", "Categorical") if include_categorical else ("String",)
    return _by_type(lambda t: _name(t) in names, "cs.string()")


def boolean() -> Selector:
    """Boolean columns."""
    return _by_type(lambda t: _name(t) == "Boolean", "cs.boolean()")


def temporal() -> Selector:
    """Date, Datetime, Duration and Time columns."""
    return _by_type(_is_temporal, "cs.temporal()")


def date() -> Selector:
    """Date columns."""
    return _by_type(lambda t: _name(t) == "Date", "cs.date()")


def datetime(time_unit: Any = None, time_zone: Any = ("*", None)) -> Selector:
    """Datetime columns (of any unit and zone unless ``time_unit``/``time_zone`` narrow them)."""
    units = None if time_unit is None else ({time_unit} if isinstance(time_unit, str) else set(time_unit))
    zones = time_zone if isinstance(time_zone, (list, tuple, set)) else [time_zone]

    def test(t: DataType) -> bool:
        if not _is_datetime(t):
            return False
        m = re.match(r"Datetime\(time_unit='(\w+)'(?:, time_zone='([^']*)')?\)", _name(t))
        unit, zone = (m.group(1), m.group(2)) if m else (None, None)
        if units is not None and unit not in units:
            return False
        return "*" in zones or zone in zones

    return _by_type(test, "cs.datetime()")


def duration() -> Selector:
    """Duration columns."""
    return _by_type(_is_duration, "cs.duration()")


def by_dtype(*dtypes: Any) -> Selector:
    """Columns of these types (``ax.Datetime`` or ``ax.Duration`` alone match every unit and zone)."""
    flat = [d for x in dtypes for d in (x if isinstance(x, (list, tuple, set)) else [x])]
    families = {d._family for d in flat if hasattr(d, "_family")}
    wanted = {dtype_name(d) for d in flat}

    def test(t: DataType) -> bool:
        name = _name(t)
        return name in wanted or any(name.startswith(f + "(") for f in families)

    return _by_type(test, f"cs.by_dtype({', '.join(sorted(wanted))})")


def by_name(*names: Any, require_all: bool = True) -> Selector:
    """The named columns, in the order given; a name the frame lacks raises ``ColumnNotFoundError``
    unless ``require_all=False``."""
    flat = [n for x in names for n in (x if isinstance(x, (list, tuple)) else [x])]
    for n in flat:
        if not isinstance(n, str):
            raise TypeError(f"cs.by_name takes column names, got {type(n).__name__} {n!r}")

    def pick(schema: Schema) -> list[str]:
        missing = [n for n in flat if n not in schema]
        if missing and require_all:
            from .frame import _missing

            raise _missing(missing[0], list(schema))
        return [n for n in dict.fromkeys(flat) if n in schema]

    return Selector(pick, f"cs.by_name({', '.join(map(repr, flat))})")


def by_index(*indices: int) -> Selector:
    """The columns at these positions (negative count from the end)."""
    flat = [i for x in indices for i in (x if isinstance(x, (list, tuple, range)) else [x])]

    def pick(schema: Schema) -> list[str]:
        cols = list(schema)
        out = []
        for i in flat:
            if not -len(cols) <= i < len(cols):
                raise ColumnNotFoundError(f"column index {i} is out of range for {len(cols)} columns")
            out.append(cols[i])
        return out

    return Selector(pick, f"cs.by_index({', '.join(map(str, flat))})")


def _texts(what: str, items: tuple[Any, ...]) -> list[str]:
    flat = [s for x in items for s in (x if isinstance(x, (list, tuple)) else [x])]
    for s in flat:
        if not isinstance(s, str):
            raise TypeError(f"cs.{what} takes strings, got {type(s).__name__} {s!r}")
    return flat


def starts_with(*prefix: str) -> Selector:
    """Columns whose name starts with any of the prefixes."""
    ps = tuple(_texts("starts_with", prefix))
    return Selector(lambda schema: [c for c in schema if c.startswith(ps)], f"cs.starts_with({ps})")


def ends_with(*suffix: str) -> Selector:
    """Columns whose name ends with any of the suffixes."""
    ss = tuple(_texts("ends_with", suffix))
    return Selector(lambda schema: [c for c in schema if c.endswith(ss)], f"cs.ends_with({ss})")


def contains(*substring: str) -> Selector:
    """Columns whose name contains any of the substrings."""
    subs = _texts("contains", substring)
    return Selector(lambda schema: [c for c in schema if any(s in c for s in subs)], f"cs.contains({subs})")


def matches(pattern: str) -> Selector:
    """Columns whose name the regular expression matches (anywhere, as ``re.search``)."""
    if not isinstance(pattern, str):
        raise TypeError(f"cs.matches takes a pattern string, got {type(pattern).__name__}")
    try:
        rx = re.compile(pattern)
    except re.error as e:
        raise InvalidInputError(f"cs.matches: invalid regular expression {pattern!r}: {e}") from None
    return Selector(lambda schema: [c for c in schema if rx.search(c)], f"cs.matches({pattern!r})")


def alpha() -> Selector:
    """Columns whose name is letters only."""
    return Selector(lambda schema: [c for c in schema if c.isalpha()], "cs.alpha()")


def first() -> Selector:
    """The first column."""
    return Selector(lambda schema: list(schema)[:1], "cs.first()")


def last() -> Selector:
    """The last column."""
    return Selector(lambda schema: list(schema)[-1:], "cs.last()")


def exclude(*columns: Any) -> Selector:
    """Every column but these (names, types or selectors)."""
    return ~_as_selector(columns)


def _as_selector(items: tuple[Any, ...]) -> Selector:
    """Names, data types and selectors as one selector (their union)."""
    flat = [x for item in items for x in (item if isinstance(item, (list, tuple)) else [item])]
    names = [x for x in flat if isinstance(x, str)]
    sels = [x for x in flat if isinstance(x, Selector)]
    types = [x for x in flat if not isinstance(x, (str, Selector))]
    out: Selector = by_name(*names, require_all=False)
    if types:
        out = out | by_dtype(*types)
    for s in sels:
        out = out | s
    return out


def is_selector(obj: Any) -> bool:
    """Whether ``obj`` is a selector."""
    return isinstance(obj, Selector)


def expand_selector(target: Any, selector: Selector) -> tuple[str, ...]:
    """The column names ``selector`` picks from a frame (or a schema dict)."""
    schema = target if isinstance(target, Mapping) else target.schema
    return tuple(selector.names(schema))
