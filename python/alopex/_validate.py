"""Checks of plain Python arguments (row counts, offsets, names) before they reach a plan.

A bad argument gets a TypeError or an InvalidInputError that names it, rather than a raw
``OverflowError`` / ``AttributeError`` from deep inside a conversion.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .exceptions import InvalidInputError

_I64 = 2**63


def int_arg(value: Any, what: str) -> int:
    """``value`` as an int that fits Int64: an int (or NumPy integer), or a float holding a
    whole number; anything else is a TypeError (not a number) or InvalidInputError."""
    if isinstance(value, numbers.Integral):
        v = int(value)
    elif isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f) or not f.is_integer():
            raise InvalidInputError(f"{what} must be a whole number, got {value!r}")
        v = int(f)
    else:
        raise TypeError(f"{what} must be an integer, got {type(value).__name__} {value!r}")
    if not -_I64 <= v < _I64:
        raise InvalidInputError(f"{what} = {v} is out of range: it must fit in 64 bits (|{what}| < 2**63)")
    return v


def rows_arg(value: Any, what: str) -> int:
    """A row count or offset: as :func:`int_arg`, but values past 2**63 - 1 mean "all
    rows" (no frame holds more) and are capped there, so ``head(2**64)`` is every row and
    ``slice(-2**70, 2)`` starts before the first row."""
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        f = float(value)
        if math.isfinite(f) and f.is_integer():
            value = int(f)
    if isinstance(value, numbers.Integral) and abs(int(value)) >= _I64:
        return (_I64 - 1) if int(value) > 0 else -(_I64 - 1)
    return int_arg(value, what)


def name_arg(value: Any, what: str = "a column name") -> str:
    """``value`` if it is a str, else a TypeError saying what was expected."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__} {value!r}")
    return value
