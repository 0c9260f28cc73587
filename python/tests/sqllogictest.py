"""A sqllogictest runner over ``ax.connect()`` (the format of SQLite's corpus; see
../shared/sqllogictest/README.md).

Each file runs on a fresh in-memory database. Records guarded by ``skipif mysql`` or by
``onlyif`` another engine are skipped (the corpus's expected results are MySQL 8's).
``run_file`` returns the counts and, for each failure, the line and what went wrong.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import alopex as ax

ENGINE = "mysql"


@dataclass
class Record:
    kind: str  # "statement" or "query"
    line: int
    sql: str
    expect_error: bool = False
    types: str = ""
    sort: str = "nosort"
    expected: list[str] = field(default_factory=list)
    hashed: tuple[int, str] | None = None
    skip: bool = False


@dataclass
class FileResult:
    name: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ran(self) -> int:
        return self.passed + self.failed


def parse(text: str) -> tuple[list[Record], int]:
    """The records of a file (up to ``halt``) and its hash threshold."""
    lines = text.split("\n")
    records: list[Record] = []
    threshold = 0
    i = 0
    skip = False
    while i < len(lines):
        line = lines[i].strip()
        words = line.split("#")[0].split()
        if not words:
            i += 1
            continue
        head = words[0]
        if head == "halt":
            if skip:  # "onlyif mssql / halt": the halt is for another engine
                skip = False
                i += 1
                continue
            break
        if head == "hash-threshold":
            threshold = int(words[1])
            i += 1
            continue
        if head == "skipif":
            skip = skip or words[1] == ENGINE
            i += 1
            continue
        if head == "onlyif":
            skip = skip or words[1] != ENGINE
            i += 1
            continue
        if head not in ("statement", "query"):
            i += 1
            continue
        start = i + 1
        rec = Record(kind=head, line=start, sql="", skip=skip)
        skip = False
        if head == "statement":
            rec.expect_error = len(words) > 1 and words[1] == "error"
        else:
            rec.types = words[1] if len(words) > 1 else ""
            rec.sort = words[2] if len(words) > 2 else "nosort"
        i += 1
        sql: list[str] = []
        while i < len(lines) and lines[i].strip() and lines[i].strip() != "----":
            sql.append(lines[i])
            i += 1
        rec.sql = "\n".join(sql)
        if i < len(lines) and lines[i].strip() == "----":
            i += 1
            while i < len(lines) and lines[i].strip():
                rec.expected.append(lines[i].strip())
                i += 1
            if len(rec.expected) == 1 and " values hashing to " in rec.expected[0]:
                n, _, h = rec.expected[0].partition(" values hashing to ")
                rec.hashed = (int(n), h.strip())
                rec.expected = []
        records.append(rec)
    return records, threshold


def _format(value: Any, t: str) -> str:
    if value is None:
        return "NULL"
    if t == "I":
        if isinstance(value, bool):
            return str(int(value))
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                return "NULL"
            return str(int(value))
        if isinstance(value, str):
            try:
                return str(int(float(value)))
            except ValueError:
                return "0"
        return str(int(value))
    if t == "R":
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                value = 0.0
        return f"{float(value):.3f}"
    s = str(value)
    if isinstance(value, float) and value == int(value):
        s = str(int(value))
    return s if s != "" else "(empty)"


def _values(df: ax.DataFrame, types: str, sort: str) -> list[str]:
    table = df.to_arrow()
    cols = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = [[_format(c[r], types[j] if j < len(types) else "T") for j, c in enumerate(cols)]
            for r in range(table.num_rows)]
    if sort == "rowsort":
        rows.sort()
    values = [v for row in rows for v in row]
    if sort == "valuesort":
        values.sort()
    return values


def _md5(values: list[str]) -> str:
    return hashlib.md5("".join(v + "\n" for v in values).encode()).hexdigest()


def run_file(path: Path) -> FileResult:
    records, threshold = parse(path.read_text())
    res = FileResult(path.name)
    with ax.connect() as db:
        for rec in records:
            if rec.skip:
                res.skipped += 1
                continue
            problem = _run(db, rec, threshold)
            if problem is None:
                res.passed += 1
            else:
                res.failed += 1
                res.failures.append(f"{path.name}:{rec.line}: {problem}\n    {rec.sql[:200]}")
    return res


def _run(db: ax.Database, rec: Record, threshold: int) -> str | None:
    if rec.kind == "statement":
        try:
            db.sql(rec.sql)
        except ax.AlopexError as e:
            return None if rec.expect_error else f"{type(e).__name__}: {e}"
        return "expected an error" if rec.expect_error else None
    try:
        df = db.sql(rec.sql, eager=True)
    except ax.AlopexError as e:
        return f"{type(e).__name__}: {str(e)[:300]}"
    values = _values(df, rec.types, rec.sort)
    if rec.hashed is not None:
        n, h = rec.hashed
        if len(values) != n or _md5(values) != h:
            return f"expected {n} values hashing to {h}, got {len(values)} hashing to {_md5(values)}"
        return None
    expected = rec.expected
    if len(expected) != len(values) and len(expected) * max(len(rec.types), 1) == len(values):
        # rows written on one line, values separated by spaces
        expected = [v for line in expected for v in line.split()]
    if rec.sort == "valuesort":
        expected = sorted(expected)
    elif rec.sort == "rowsort" and rec.types:
        w = len(rec.types)
        rows = [expected[k:k + w] for k in range(0, len(expected), w)]
        expected = [v for row in sorted(rows) for v in row]
    if threshold and len(values) > threshold and not expected:
        return None
    if values != expected:
        return f"expected {expected[:12]}, got {values[:12]}"
    return None
