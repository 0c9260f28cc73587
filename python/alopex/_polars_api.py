"""What a missing attribute says: a Polars name alopex lacks is NotSupportedError, not a bare AttributeError.

A Polars user who reaches for ``lf.group_by_dynamic`` should learn that alopex
knows the name and does not have it yet, not that the object "has no
attribute". Each mirrored class's ``__getattr__`` (reached only when normal
lookup fails) calls :func:`missing`. The error is also an AttributeError, so
``hasattr`` and ``getattr(obj, name, default)`` keep working for libraries that
probe objects.
"""

from __future__ import annotations

from functools import cache

from ._polars_names import POLARS_NAMES
from ._suggest import suggest
from .exceptions import NotSupportedError


class NotSupportedAttributeError(NotSupportedError, AttributeError):
    """A Polars attribute alopex does not have yet (also an AttributeError)."""


@cache
def _polars(owner: str) -> frozenset[str]:
    return frozenset(POLARS_NAMES.get(owner, ()))


def missing(owner: str, obj: object, name: str) -> AttributeError:
    """The error for ``obj.name`` when lookup failed; ``owner`` is the Polars class's key in POLARS_NAMES."""
    shown = "alopex" if owner == "module" else owner
    if not name.startswith("_") and name in _polars(owner):
        return NotSupportedAttributeError(
            f"{shown}.{name} is a Polars name alopex does not have yet; "
            "see the API table in README.md for what alopex offers")
    message = f"'{shown}' object has no attribute '{name}'" if owner != "module" else \
        f"module 'alopex' has no attribute '{name}'"
    if not name.startswith("_"):
        names = [n for n in dir(obj) if not n.startswith("_")]
        close = suggest(name, names, limit=1)
        if close:
            message += f"; did you mean '{close[0]}'?"
    return AttributeError(message, name=name, obj=obj)


def _hook(owner: str):
    def __getattr__(self: object, name: str) -> object:
        raise missing(owner, self, name)
    return __getattr__


def install() -> None:
    """Give each class that mirrors a Polars class the ``__getattr__`` above.

    Set here rather than in the class bodies so that type checkers still reject
    unknown attributes (a class-level ``__getattr__`` would make any name valid).
    """
    from .expr import Expr
    from .expr_dt import ExprDateTimeNameSpace
    from .expr_list import ExprListNameSpace
    from .expr_str import ExprStringNameSpace
    from .frame import DataFrame, Series
    from .lazyframe import LazyFrame, LazyGroupBy

    for cls, owner in ((LazyFrame, "LazyFrame"), (DataFrame, "DataFrame"), (Series, "Series"), (Expr, "Expr"),
                       (LazyGroupBy, "LazyGroupBy"), (ExprStringNameSpace, "Expr.str"),
                       (ExprDateTimeNameSpace, "Expr.dt"), (ExprListNameSpace, "Expr.list")):
        if "__getattr__" not in cls.__dict__:
            cls.__getattr__ = _hook(owner)  # type: ignore[attr-defined]
