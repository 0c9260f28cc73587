"""COPY and BACKUP statements of ``db.sql``: data in and out of stored tables.

MySQL (and so the TiDB parser) has neither, so they are recognised here,
before the engine parses anything, with DuckDB's syntax:

    COPY t [(col, ...)] FROM 'file' [[WITH] (option value, ...)]
    COPY t TO 'file' [[WITH] (option value, ...)]
    COPY (SELECT ...) TO 'file' [[WITH] (option value, ...)]
    BACKUP [DATABASE] TO 'directory'

Options: FORMAT parquet|csv (default: from the file's extension), HEADER
[true|false], DELIMITER (or SEP) 'c', NULL 'text', COMPRESSION codec
(Parquet). COPY FROM matches the file's columns to the table's (or the
listed) columns by position, as DuckDB and PostgreSQL do, and appends
through the bulk path of ``db.insert``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from .exceptions import ColumnNotFoundError, InvalidInputError, NotSupportedError, SQLSyntaxError

_START = re.compile(r"\s*(copy|backup)\b", re.IGNORECASE)

_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "csv", ".txt": "csv"}
_OPTIONS = {"format", "header", "delimiter", "sep", "null", "compression"}


@dataclass
class CopyStatement:
    kind: str  # "from", "to" or "backup"
    path: str
    table: str | None = None
    query: str | None = None
    columns: list[str] | None = None
    options: dict[str, Any] = field(default_factory=dict)


def starts_copy(sql: str) -> bool:
    """A cheap first test: could ``sql`` be a COPY or BACKUP statement?"""
    head = sql[:64].lstrip()[:6].lower()
    return head.startswith("copy") or head.startswith("backup")


def parse(sql: str) -> CopyStatement | None:
    """The COPY or BACKUP statement ``sql`` is, or None for any other statement."""
    m = _START.match(sql)
    if m is None:
        return None
    p = _Parser(sql, m.end())
    if m.group(1).lower() == "backup":
        p.keyword("database", optional=True)
        p.keyword("to")
        st = CopyStatement("backup", p.string("a quoted directory path"))
    else:
        st = p.copy()
    p.end()
    return st


class _Parser:
    def __init__(self, sql: str, pos: int):
        self.sql, self.pos = sql, pos

    def error(self, what: str) -> SQLSyntaxError:
        near = self.sql[self.pos:self.pos + 30]
        return SQLSyntaxError(f"{what} at position {self.pos} near {near!r}"
                              if near else f"{what} at the end of the statement")

    def skip(self) -> None:
        while True:
            while self.pos < len(self.sql) and self.sql[self.pos].isspace():
                self.pos += 1
            if self.sql.startswith("--", self.pos) or self.sql.startswith("#", self.pos):
                nl = self.sql.find("\n", self.pos)
                self.pos = len(self.sql) if nl < 0 else nl + 1
            elif self.sql.startswith("/*", self.pos):
                close = self.sql.find("*/", self.pos + 2)
                if close < 0:
                    raise self.error("unterminated comment")
                self.pos = close + 2
            else:
                return

    def peek(self, text: str) -> bool:
        self.skip()
        return self.sql.startswith(text, self.pos)

    def word(self) -> str | None:
        self.skip()
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*").match(self.sql, self.pos)
        return m.group(0) if m else None

    def keyword(self, kw: str, optional: bool = False) -> bool:
        w = self.word()
        if w is not None and w.lower() == kw:
            self.pos += len(w)
            return True
        if optional:
            return False
        raise self.error(f"expected {kw.upper()}")

    def identifier(self) -> str:
        self.skip()
        if self.pos < len(self.sql) and self.sql[self.pos] in "`\"":
            q = self.sql[self.pos]
            end = self.sql.find(q, self.pos + 1)
            if end < 0:
                raise self.error("unterminated quoted name")
            name = self.sql[self.pos + 1:end]
            self.pos = end + 1
            return name
        w = self.word()
        if w is None:
            raise self.error("expected a table or column name")
        self.pos += len(w)
        return w

    def string(self, what: str) -> str:
        self.skip()
        if self.pos >= len(self.sql) or self.sql[self.pos] not in "'\"":
            if self.peek("?"):
                raise NotSupportedError("a ? placeholder cannot stand for a file path in COPY or BACKUP; "
                                        "write the path as a quoted string")
            raise self.error(f"expected {what}")
        q, i, out = self.sql[self.pos], self.pos + 1, []
        while True:
            if i >= len(self.sql):
                raise self.error("unterminated string")
            c = self.sql[i]
            if c == "\\" and i + 1 < len(self.sql):
                out.append(self.sql[i + 1])
                i += 2
            elif c == q and self.sql.startswith(q * 2, i):
                out.append(q)
                i += 2
            elif c == q:
                self.pos = i + 1
                return "".join(out)
            else:
                out.append(c)
                i += 1

    def parenthesized(self) -> str:
        """The text between a ( here and its matching ), quotes and comments respected."""
        self.skip()
        start, depth, i = self.pos, 0, self.pos
        while i < len(self.sql):
            c = self.sql[i]
            if c in "'\"`":
                end = i + 1
                while end < len(self.sql) and self.sql[end] != c:
                    end += 2 if self.sql[end] == "\\" else 1
                i = end + 1
                continue
            if self.sql.startswith("--", i) or c == "#":
                nl = self.sql.find("\n", i)
                i = len(self.sql) if nl < 0 else nl + 1
                continue
            if self.sql.startswith("/*", i):
                close = self.sql.find("*/", i + 2)
                i = len(self.sql) if close < 0 else close + 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    self.pos = i + 1
                    return self.sql[start + 1:i]
            i += 1
        raise self.error("unbalanced parentheses")

    def copy(self) -> CopyStatement:
        if self.peek("("):
            query = self.parenthesized().strip()
            if not query:
                raise self.error("expected a query in COPY ( … ) TO")
            self.keyword("to")
            return CopyStatement("to", self.string("a quoted file path"), query=query, options=self.options())
        table = self.identifier()
        columns = None
        if self.peek("("):
            self.pos += 1
            columns = [self.identifier()]
            while self.peek(","):
                self.pos += 1
                columns.append(self.identifier())
            if not self.peek(")"):
                raise self.error("expected ) after the column list")
            self.pos += 1
        w = (self.word() or "").lower()
        if w not in ("from", "to"):
            raise self.error("expected FROM or TO")
        self.pos += len(w)
        if w == "to" and columns is not None:
            raise NotSupportedError("COPY t (columns) TO: write COPY (SELECT columns FROM t) TO instead")
        return CopyStatement(w, self.string("a quoted file path"), table=table, columns=columns,
                             options=self.options())

    def options(self) -> dict[str, Any]:
        self.keyword("with", optional=True)
        if not self.peek("("):
            return {}
        self.pos += 1
        opts: dict[str, Any] = {}
        while True:
            name = self.identifier().lower()
            if name not in _OPTIONS:
                raise InvalidInputError(f"unknown COPY option {name.upper()}; the options are "
                                        f"{', '.join(sorted(o.upper() for o in _OPTIONS))}")
            if self.peek("="):
                self.pos += 1
            if self.peek(",") or self.peek(")"):
                value: Any = True  # HEADER alone
            elif self.peek("'") or self.peek('"'):
                value = self.string("a value")
            else:
                w = self.word()
                if w is None:
                    raise self.error(f"expected a value for {name.upper()}")
                self.pos += len(w)
                value = w
            opts["delimiter" if name == "sep" else name] = value
            if self.peek(","):
                self.pos += 1
                continue
            if not self.peek(")"):
                raise self.error("expected , or ) in the COPY options")
            self.pos += 1
            return opts

    def end(self) -> None:
        if self.peek(";"):
            self.pos += 1
        self.skip()
        if self.pos != len(self.sql):
            raise self.error("unexpected text after the statement")


def _bool(name: str, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).lower()
    if s in ("true", "1", "on", "yes"):
        return True
    if s in ("false", "0", "off", "no"):
        return False
    raise InvalidInputError(f"COPY option {name.upper()} takes true or false, got {v!r}")


def _format(st: CopyStatement) -> str:
    fmt = st.options.get("format")
    if fmt is None:
        ext = os.path.splitext(st.path)[1].lower()
        if ext not in _FORMATS:
            raise InvalidInputError(f"cannot tell the format of {st.path!r} from its extension; "
                                    "add (FORMAT parquet) or (FORMAT csv)")
        return _FORMATS[ext]
    fmt = str(fmt).lower()
    if fmt not in ("parquet", "csv"):
        raise NotSupportedError(f"COPY FORMAT {fmt!r} is not supported; use parquet or csv")
    return fmt


def _check_options(st: CopyStatement, fmt: str) -> None:
    allowed = {"format", "compression"} if fmt == "parquet" else {"format", "header", "delimiter", "null"}
    for name in st.options:
        if name not in allowed:
            raise InvalidInputError(f"COPY option {name.upper()} does not apply to {fmt} files")


def run(session: Any, st: CopyStatement, params: Any, caller: Any) -> Any:
    """Run a parsed COPY or BACKUP on ``session`` (a Database or Transaction);
    returns a DataFrame with ``rows_affected``."""
    from .frame import DataFrame

    if params:
        raise InvalidInputError("COPY and BACKUP take no ? parameters")
    if st.kind == "backup":
        rows = session._backup_statement(st.path)
    elif st.kind == "from":
        rows = _copy_from(session, st)
    else:
        rows = _copy_to(session, st, caller)
    return DataFrame({"rows_affected": [rows]})


def _copy_from(session: Any, st: CopyStatement) -> int:
    from . import io

    assert st.table is not None
    fmt = _format(st)
    _check_options(st, fmt)
    schema = session.schema(st.table)  # TableNotFoundError with suggestions
    targets = st.columns if st.columns is not None else list(schema)
    lower = {c.lower(): c for c in schema}
    for c in targets:
        if c.lower() not in lower:
            from ._suggest import suggest

            close = suggest(c, list(schema))
            hint = f"; did you mean {', '.join(close)}?" if close else f"; its columns are {', '.join(schema)}"
            raise ColumnNotFoundError(f"COPY {st.table} ({c}): table {st.table} has no column {c}{hint}")
    targets = [lower[c.lower()] for c in targets]
    if not os.path.exists(st.path):
        raise FileNotFoundError(f"COPY {st.table} FROM: no such file {st.path!r}")
    if fmt == "parquet":
        frame = io.read_parquet(st.path)
        _check_width(st, list(frame.columns), targets)
    else:
        delimiter = _delimiter(st)
        null = st.options.get("null")
        csv = dict(has_header=_bool("header", st.options.get("header", True)), separator=delimiter,
                   null_values=None if null is None else str(null))
        _check_width(st, list(io.scan_csv(st.path, **csv).collect_schema()), targets)
        # Parsed straight into the table's types (by position): decimals
        # exactly, dates and booleans as the column wants them.
        frame = io.read_csv(st.path, schema_overrides=[schema[c] for c in targets], **csv)
    frame = frame.rename(dict(zip(frame.columns, targets)))
    return session.insert(st.table, frame)


def _delimiter(st: CopyStatement) -> str:
    delimiter = st.options.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise InvalidInputError(f"COPY option DELIMITER must be one character, got {delimiter!r}")
    return delimiter


def _check_width(st: CopyStatement, columns: list[str], targets: list[str]) -> None:
    if len(columns) != len(targets):
        raise InvalidInputError(
            f"COPY {st.table} FROM {st.path!r}: the file has {len(columns)} column(s) "
            f"({', '.join(columns)}) but {len(targets)} are to be filled ({', '.join(targets)}); "
            "list the target columns, as in COPY t (a, b) FROM …")


def _copy_to(session: Any, st: CopyStatement, caller: Any) -> int:
    fmt = _format(st)
    _check_options(st, fmt)
    if st.query is not None:
        frame = session._caller_sql(st.query, None, True, caller)
        from .frame import DataFrame

        if not isinstance(frame, DataFrame):
            raise InvalidInputError("COPY ( … ) TO takes a query (SELECT, WITH, VALUES)")
    else:
        assert st.table is not None
        frame = session.table(st.table).collect()
    if fmt == "parquet":
        frame.write_parquet(st.path, compression=str(st.options.get("compression", "zstd")).lower())
    else:
        delimiter = _delimiter(st)
        kwargs: dict[str, Any] = {"include_header": _bool("header", st.options.get("header", True)),
                                  "separator": delimiter}
        if "null" in st.options:
            kwargs["null_value"] = str(st.options["null"])
        frame.write_csv(st.path, **kwargs)
    return frame.height
