"""The exceptions alopex raises.

Every error from the engine arrives as a subclass of :class:`AlopexError`
carrying the engine's message; structured facts (the missing column, the
suggested names, the failing expression) are in ``details`` and, for the
common ones, in attributes.
"""

from __future__ import annotations

from typing import Any


class AlopexError(Exception):
    """Base class of every alopex error."""

    def __init__(self, message: str = "", details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})


class InternalError(AlopexError):
    """A bug in alopex (including a recovered panic in the Go core)."""


class InvalidInputError(AlopexError, ValueError):
    """Input that alopex cannot use: wrong shape, bad value, corrupt file."""


class ColumnNotFoundError(AlopexError, KeyError):
    """A column name that does not exist; ``suggestions`` lists close names."""

    def __init__(self, message: str = "", details: dict[str, Any] | None = None):
        super().__init__(message, details)
        self.column = self.details.get("column")
        self.suggestions = list(self.details.get("suggestions") or [])

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.message


class TableNotFoundError(AlopexError, KeyError):
    """A table name that does not exist; ``suggestions`` lists close names."""

    def __init__(self, message: str = "", details: dict[str, Any] | None = None):
        super().__init__(message, details)
        self.table = self.details.get("table")
        self.suggestions = list(self.details.get("suggestions") or [])

    def __str__(self) -> str:
        return self.message


class SchemaError(AlopexError):
    """Schemas that do not fit: duplicate names, mismatched columns."""


class ComputeError(AlopexError):
    """An expression that cannot be computed: type mismatch, failed cast."""

    def __init__(self, message: str = "", details: dict[str, Any] | None = None):
        super().__init__(message, details)
        self.expression = self.details.get("expression")


class NotSupportedError(AlopexError):
    """A construct alopex does not support (yet); it is named in the message."""


class SQLSyntaxError(AlopexError):
    """SQL text that does not parse; ``line``, ``column`` and ``near`` locate it."""

    def __init__(self, message: str = "", details: dict[str, Any] | None = None):
        super().__init__(message, details)
        self.line = self.details.get("line")
        self.column = self.details.get("column")
        self.near = self.details.get("near")


class TransactionConflictError(AlopexError):
    """A transaction lost a write conflict; retry it."""


class ConstraintError(AlopexError):
    """A write that breaks a constraint (NOT NULL, PRIMARY KEY, UNIQUE); the message
    names the table, the column(s) and the value, and the statement had no effect."""

    def __init__(self, message: str = "", details: dict[str, Any] | None = None):
        super().__init__(message, details)
        self.table = self.details.get("table")
        self.column = self.details.get("column")


class DatabaseLockedError(AlopexError):
    """The database directory is in use by another process; close it there first."""


class StorageIOError(AlopexError, OSError):
    """A read or write of the database's files failed (``details["reason"]`` is
    ``"disk_full"`` for a full disk or quota); the statement or commit had no
    effect and committed data is intact. Free space (or fix the device) and retry."""

    def __init__(self, message: str = "", details: dict[str, Any] | None = None):
        AlopexError.__init__(self, message, details)
        self.reason = self.details.get("reason")


# Kind numbers from core/errors.go.
_BY_KIND: dict[int, type[Exception]] = {
    1: InternalError,
    2: InvalidInputError,
    3: ColumnNotFoundError,
    4: TableNotFoundError,
    5: SchemaError,
    6: ComputeError,
    7: NotSupportedError,
    8: SQLSyntaxError,
    9: TransactionConflictError,
    12: ConstraintError,
    13: DatabaseLockedError,
    14: StorageIOError,
}

KIND_FILE_NOT_FOUND = 10
KIND_CANCELLED = 11


def from_engine(kind: int, message: str, details: dict[str, Any] | None) -> Exception:
    """Build the Python exception for an engine error."""
    if kind == KIND_FILE_NOT_FOUND:
        return FileNotFoundError(message)
    cls = _BY_KIND.get(kind, InternalError)
    return cls(message, details)


__all__ = [
    "AlopexError",
    "InternalError",
    "InvalidInputError",
    "ColumnNotFoundError",
    "TableNotFoundError",
    "SchemaError",
    "ComputeError",
    "NotSupportedError",
    "SQLSyntaxError",
    "TransactionConflictError",
    "ConstraintError",
    "DatabaseLockedError",
    "StorageIOError",
]
