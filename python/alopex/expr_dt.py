"""The ``dt`` namespace of expressions: parts and arithmetic of dates and datetimes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .expr import Expr


class ExprDateTimeNameSpace:
    """``ax.col("when").dt.year()`` and friends (Polars' names and result types)."""

    def __init__(self, expr: "Expr"):
        self._expr = expr

    def _part(self, name: str, **opts: Any) -> "Expr":
        return self._expr._call("dt." + name, **opts)

    def year(self) -> "Expr": return self._part("year")
    def month(self) -> "Expr": return self._part("month")
    def day(self) -> "Expr": return self._part("day")
    def quarter(self) -> "Expr": return self._part("quarter")
    def week(self) -> "Expr": return self._part("week")
    def ordinal_day(self) -> "Expr": return self._part("ordinal_day")
    def hour(self) -> "Expr": return self._part("hour")
    def minute(self) -> "Expr": return self._part("minute")
    def second(self) -> "Expr": return self._part("second")
    def millisecond(self) -> "Expr": return self._part("millisecond")
    def microsecond(self) -> "Expr": return self._part("microsecond")

    def weekday(self) -> "Expr":
        """Monday is 1, Sunday 7 (ISO)."""
        return self._part("weekday")

    def date(self) -> "Expr":
        """The calendar date of a datetime."""
        return self._part("date")

    def truncate(self, every: str) -> "Expr":
        """Round down to a multiple of ``every`` ("1d", "1mo", "1y", "1w", "2h", ...)."""
        return self._part("truncate", every=every)

    def offset_by(self, by: str) -> "Expr":
        """Shift by a calendar interval ("1mo" keeps the day, clamped to the month's end)."""
        return self._part("offset_by", by=by)

    def total_days(self) -> "Expr": return self._part("total", unit="days")
    def total_hours(self) -> "Expr": return self._part("total", unit="hours")
    def total_minutes(self) -> "Expr": return self._part("total", unit="minutes")
    def total_seconds(self) -> "Expr": return self._part("total", unit="seconds")
    def total_milliseconds(self) -> "Expr": return self._part("total", unit="milliseconds")
    def total_microseconds(self) -> "Expr": return self._part("total", unit="microseconds")
