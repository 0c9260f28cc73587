"""String expressions: the ``Expr.str`` namespace, as in Polars.

Every method returns a new :class:`~alopex.Expr`; nothing runs until the plan is collected.
Patterns are regular expressions in Rust's ``regex`` syntax (as in Polars, run by an RE2
engine: linear time, no look-around or back-references) unless ``literal=True``.
Lengths, offsets and positions count characters (Unicode code points), except
:meth:`~ExprStringNameSpace.len_bytes` and :meth:`~ExprStringNameSpace.find`, which count
bytes, as in Polars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .datatypes import dtype_name

if TYPE_CHECKING:
    from .expr import Expr


class ExprStringNameSpace:
    """String functions of an expression: ``ax.col("name").str.to_uppercase()``.

    >>> import alopex as ax
    >>> df = ax.DataFrame({"s": ["Alopex", "fox", None]})
    >>> df.select(ax.col("s").str.to_uppercase())["s"].to_list()
    ['ALOPEX', 'FOX', None]
    """

    __slots__ = ("_expr",)

    def __init__(self, expr: Expr):
        self._expr = expr

    def _call(self, name: str, *args: Any, **opts: Any) -> Expr:
        return self._expr._call("str." + name, *args, **opts)

    # --- matching -----------------------------------------------------------------------
    def contains(self, pattern: str | Expr, *, literal: bool = False, strict: bool = True) -> Expr:
        """Whether each string contains a match of ``pattern`` (Boolean).

        ``pattern`` is a regular expression unless ``literal=True``; it may be a column.
        An invalid regular expression raises :class:`~alopex.ComputeError`, or gives null
        with ``strict=False``.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["fox", "Fox", "cat"]})
        >>> df.select(ax.col("s").str.contains("(?i)^f"))["s"].to_list()
        [True, True, False]
        """
        return self._call("contains", pattern, literal=bool(literal), strict=bool(strict))

    def starts_with(self, prefix: str | Expr) -> Expr:
        """Whether each string starts with ``prefix`` (a literal string or a column)."""
        return self._call("starts_with", prefix)

    def ends_with(self, suffix: str | Expr) -> Expr:
        """Whether each string ends with ``suffix`` (a literal string or a column)."""
        return self._call("ends_with", suffix)

    def find(self, pattern: str | Expr, *, literal: bool = False, strict: bool = True) -> Expr:
        """The byte offset of the first match of ``pattern`` (UInt32), null when there is none.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["alopex", "fox"]})
        >>> df.select(ax.col("s").str.find("ex"))["s"].to_list()
        [4, None]
        """
        return self._call("find", pattern, literal=bool(literal), strict=bool(strict))

    def count_matches(self, pattern: str | Expr, *, literal: bool = False) -> Expr:
        """The number of non-overlapping matches of ``pattern`` in each string (UInt32)."""
        return self._call("count_matches", pattern, literal=bool(literal))

    def replace(self, pattern: str | Expr, value: str | Expr, *, literal: bool = False, n: int = 1) -> Expr:
        """Replace the first ``n`` matches of ``pattern`` by ``value``.

        With a regular expression, ``value`` may refer to groups (``$1``, ``${name}``; ``$$``
        for a dollar sign). ``pattern`` must be a literal string; ``value`` may be a column.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["2024-01-02"]})
        >>> df.select(ax.col("s").str.replace(r"(\\d+)-(\\d+)-(\\d+)", "$3/$2/$1"))["s"].to_list()
        ['02/01/2024']
        """
        return self._call("replace", pattern, value, literal=bool(literal), n=int(n))

    def replace_all(self, pattern: str | Expr, value: str | Expr, *, literal: bool = False) -> Expr:
        """Replace every match of ``pattern`` by ``value`` (see :meth:`replace`)."""
        return self._call("replace_all", pattern, value, literal=bool(literal))

    def split(self, by: str | Expr, *, inclusive: bool = False, literal: bool = True, strict: bool = True) -> Expr:
        """Split each string on the literal text ``by`` into a ``List(String)``, as Polars.

        A null string stays null; ``""`` splits to ``[""]``; an empty separator splits
        into characters; with ``inclusive=True`` each part keeps its separator.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["a,b", "", None]})
        >>> df.select(ax.col("s").str.split(","))["s"].to_list()
        [['a', 'b'], [''], None]
        """
        return self._call("split", by, inclusive=bool(inclusive), literal=bool(literal), strict=bool(strict))

    # --- case, length, order --------------------------------------------------------------
    def to_lowercase(self) -> Expr:
        """Lower-case each string (full Unicode mapping: ``"ΟΔΟΣ"`` → ``"οδος"``)."""
        return self._call("to_lowercase")

    def to_uppercase(self) -> Expr:
        """Upper-case each string (full Unicode mapping: ``"straße"`` → ``"STRASSE"``)."""
        return self._call("to_uppercase")

    def len_chars(self) -> Expr:
        """The number of characters (Unicode code points) of each string (UInt32)."""
        return self._call("len_chars")

    def len_bytes(self) -> Expr:
        """The length of each string in UTF-8 bytes (UInt32)."""
        return self._call("len_bytes")

    def reverse(self) -> Expr:
        """Reverse each string, keeping grapheme clusters (accents, emoji, flags) whole."""
        return self._call("reverse")

    # --- slicing, padding, stripping --------------------------------------------------------
    def slice(self, offset: int | Expr, length: int | Expr | None = None) -> Expr:
        """``length`` characters from character ``offset`` (from the end when negative).

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["alopex", "日本語"]})
        >>> df.select(ax.col("s").str.slice(-2))["s"].to_list()
        ['ex', '本語']
        """
        return self._call("slice", offset, length)

    def head(self, n: int | Expr) -> Expr:
        """The first ``n`` characters (all but the last ``-n`` when ``n`` is negative)."""
        return self._call("head", n)

    def tail(self, n: int | Expr) -> Expr:
        """The last ``n`` characters (all but the first ``-n`` when ``n`` is negative)."""
        return self._call("tail", n)

    def strip_chars(self, characters: str | Expr | None = None) -> Expr:
        """Remove the characters in ``characters`` (whitespace when None) from both ends."""
        return self._call("strip_chars", characters)

    def strip_chars_start(self, characters: str | Expr | None = None) -> Expr:
        """Remove the characters in ``characters`` (whitespace when None) from the start."""
        return self._call("strip_chars_start", characters)

    def strip_chars_end(self, characters: str | Expr | None = None) -> Expr:
        """Remove the characters in ``characters`` (whitespace when None) from the end."""
        return self._call("strip_chars_end", characters)

    def zfill(self, length: int | Expr) -> Expr:
        """Pad with zeros at the start to ``length`` characters, after a leading sign."""
        return self._call("zfill", length)

    def pad_start(self, length: int | Expr, fill_char: str = " ") -> Expr:
        """Pad at the start with ``fill_char`` to ``length`` characters."""
        return self._call("pad_start", length, fill_char=_one_char(fill_char))

    def pad_end(self, length: int | Expr, fill_char: str = " ") -> Expr:
        """Pad at the end with ``fill_char`` to ``length`` characters."""
        return self._call("pad_end", length, fill_char=_one_char(fill_char))

    # --- parsing --------------------------------------------------------------------------
    def to_integer(self, *, base: int | Expr = 10, dtype: Any = "Int64", strict: bool = True) -> Expr:
        """Parse each string as an integer in ``base`` (2 to 36; a literal) of type ``dtype``.

        Values that do not parse raise :class:`~alopex.ComputeError`, or give null with
        ``strict=False``.

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["ff", "-10", "x"]})
        >>> df.select(ax.col("s").str.to_integer(base=16, strict=False))["s"].to_list()
        [255, -16, None]
        """
        return self._call("to_integer", base, dtype=dtype_name(dtype), strict=bool(strict))

    def to_date(self, format: str | None = None, *, strict: bool = True, exact: bool = True,  # noqa: A002
                cache: bool = True) -> Expr:
        """Parse each string as a Date with a strftime ``format`` (ISO 8601 when None).

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["02/01/2024"]})
        >>> df.select(ax.col("s").str.to_date("%d/%m/%Y"))["s"].to_list()
        [datetime.date(2024, 1, 2)]
        """
        return self._call("to_date", **_temporal_opts(format, strict, exact))

    def to_datetime(self, format: str | None = None, *, time_unit: str | None = None,  # noqa: A002
                    time_zone: str | None = None, strict: bool = True, exact: bool = True,
                    cache: bool = True, ambiguous: str = "raise") -> Expr:
        """Parse each string as a Datetime with a strftime ``format`` (ISO 8601 when None).

        ``time_unit`` defaults as in Polars (``"ns"`` for ``%.9f`` formats, ``"ms"`` for
        ``%.3f``, else ``"us"``). A format with ``%z`` gives UTC datetimes; ``time_zone`` may
        only be ``"UTC"``.
        """
        opts = _temporal_opts(format, strict, exact)
        if time_unit is not None:
            opts["time_unit"] = str(time_unit)
        if time_zone is not None:
            opts["time_zone"] = str(time_zone)
        return self._call("to_datetime", **opts)


def _one_char(fill_char: str) -> str:
    if not isinstance(fill_char, str) or len(fill_char) != 1:
        raise ValueError(f"fill_char must be a single character, got {fill_char!r}")
    return fill_char


def _temporal_opts(format: str | None, strict: bool, exact: bool) -> dict[str, Any]:  # noqa: A002
    opts: dict[str, Any] = {"strict": bool(strict), "exact": bool(exact)}
    if format is not None:
        opts["format"] = str(format)
    return opts
