"""Byte sizes written as numbers or strings ("512MiB", "2GB"): one parser for every option.

Units follow DuckDB's ``memory_limit`` (and the SI/IEC standards): ``KB``, ``MB``, ``GB``,
``TB`` (and ``K``, ``M``, ``G``, ``T``) are powers of 1000; ``KiB``, ``MiB``, ``GiB``, ``TiB``
powers of 1024; ``B`` (or no unit) is bytes. Case and spaces do not matter.

>>> parse_size("2GB"), parse_size("2 GiB"), parse_size("1.5k"), parse_size(4096)
(2000000000, 2147483648, 1500, 4096)
"""

from __future__ import annotations

import math
import re
from typing import Any

from .exceptions import InvalidInputError

_UNITS = {"": 1, "B": 1, "BYTE": 1, "BYTES": 1,
          "K": 1000, "KB": 1000, "M": 1000**2, "MB": 1000**2, "G": 1000**3, "GB": 1000**3, "T": 1000**4, "TB": 1000**4,
          "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}

_SIZE_RE = re.compile(r"([0-9]*\.?[0-9]+(?:E[+-]?[0-9]+)?)([A-Z]*)")


def parse_size(size: Any, what: str = "the size") -> int:
    """Bytes from an int or a size string.

    ``what`` names the option in errors. A string that is not a number with a known unit,
    and a size that is negative or not below 2**63, raise InvalidInputError; another type
    raises TypeError.
    """
    if isinstance(size, bool) or not isinstance(size, (int, str)):
        raise TypeError(f"{what} must be a number of bytes or a string like '512MiB', got {type(size).__name__}")
    if isinstance(size, str):
        m = _SIZE_RE.fullmatch(size.strip().upper().replace(" ", ""))
        if m is None or m.group(2) not in _UNITS:
            raise InvalidInputError(
                f"cannot read {what} {size!r}: use bytes or a number with a unit: KB, MB, GB, TB "
                "(powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), like '512MiB' or '2GB'",
                {"option": what, "value": size})
        number, mult = m.group(1), _UNITS[m.group(2)]
        value: float | int = int(number) * mult if number.isdigit() else float(number) * mult
    else:
        value = size
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(f"{what} must be a finite number of bytes, got {size!r}",
                                    {"option": what, "value": str(size)})
        value = int(value)
    if value < 0 or value >= 1 << 63:
        raise InvalidInputError(f"{what} must be between 0 and 2**63 - 1 bytes, got {size!r}",
                                {"option": what, "value": str(size)})
    return int(value)
