"""List expressions: the ``Expr.list`` namespace, as in Polars.

A List column holds a variable number of values per row; ``str.split`` makes one
(``List(String)``). Every method returns a new :class:`~alopex.Expr`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .expr import Expr


class ExprListNameSpace:
    """List functions of an expression: ``ax.col("parts").list.len()``.

    >>> import alopex as ax
    >>> df = ax.DataFrame({"s": ["a,b", "", None]})
    >>> df.select(ax.col("s").str.split(",").list.len())["s"].to_list()
    [2, 1, None]
    """

    __slots__ = ("_expr",)

    def __init__(self, expr: Expr):
        self._expr = expr

    def _call(self, name: str, *args: Any, **opts: Any) -> Expr:
        return self._expr._call("list." + name, *args, **opts)

    def len(self) -> Expr:
        """The number of elements of each list (UInt32); null stays null.

        >>> import alopex as ax
        >>> ax.DataFrame({"s": ["a b c"]}).select(ax.col("s").str.split(" ").list.len()).item()
        3
        """
        return self._call("len")

    def get(self, index: int | Expr, *, null_on_oob: bool = True) -> Expr:
        """Element ``index`` of each list (negative counts from the end).

        Out of range gives null (``null_on_oob=False`` raises
        :class:`~alopex.ComputeError` instead, Polars' default).

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["a,b,c", "d", None]})
        >>> df.select(ax.col("s").str.split(",").list.get(-1))["s"].to_list()
        ['c', 'd', None]
        """
        return self._call("get", index, null_on_oob=bool(null_on_oob))

    def first(self) -> Expr:
        """The first element of each list (null for an empty list)."""
        return self.get(0)

    def last(self) -> Expr:
        """The last element of each list (null for an empty list)."""
        return self.get(-1)

    def join(self, separator: str | Expr, *, ignore_nulls: bool = True) -> Expr:
        """Join the strings of each list with ``separator`` (null elements are skipped
        unless ``ignore_nulls=False``, which makes the row null).

        >>> import alopex as ax
        >>> df = ax.DataFrame({"s": ["a,b,c"]})
        >>> df.select(ax.col("s").str.split(",").list.join("-")).item()
        'a-b-c'
        """
        return self._call("join", separator, ignore_nulls=bool(ignore_nulls))
