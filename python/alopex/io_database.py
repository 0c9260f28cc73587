"""Reading from and writing to databases: alopex's own, or any DB-API 2.0 connection.

With a database from ``ax.connect`` the work stays in the engine (a query, a bulk
load). With another DB-API connection (``sqlite3``, ``psycopg``, ``duckdb``…)
rows travel through the driver: a query's rows are fetched and typed as
``ax.DataFrame`` types Python values; a write creates the table when asked
and inserts with ``executemany`` in the driver's parameter style.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import sys
from typing import TYPE_CHECKING, Any, Sequence

from .exceptions import InvalidInputError, NotSupportedError

if TYPE_CHECKING:
    from .frame import DataFrame


def _is_alopex(connection: Any) -> bool:
    return hasattr(connection, "_load") and hasattr(connection, "sql")


def read_database(query: str, connection: Any, *, execute_options: dict[str, Any] | None = None,
                  schema_overrides: Any = None) -> "DataFrame":
    """The result of ``query`` on ``connection``: an ``ax.connect`` database, or a DB-API connection.

    ``execute_options={"parameters": …}`` passes query parameters.

    >>> import alopex as ax, sqlite3
    >>> con = sqlite3.connect(":memory:")
    >>> _ = con.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    >>> _ = con.executemany("INSERT INTO t VALUES (?, ?)", [(1, "x"), (2, None)])
    >>> ax.read_database("SELECT * FROM t ORDER BY a", con).rows()
    [(1, 'x'), (2, None)]
    """
    from .frame import DataFrame

    if not isinstance(query, str):
        raise TypeError(f"read_database takes the query as a string, got {type(query).__name__}")
    params = (execute_options or {}).get("parameters")
    if _is_alopex(connection):
        out = connection.sql(query, params)
        df = out.collect() if hasattr(out, "collect") else out
    else:
        if not hasattr(connection, "cursor"):
            raise TypeError("read_database needs a DB-API connection (with .cursor()) or an ax.connect database, "
                            f"got {type(connection).__name__}")
        cursor = connection.cursor()
        try:
            cursor.execute(query, params) if params is not None else cursor.execute(query)
            if cursor.description is None:
                raise InvalidInputError("read_database: the statement returned no rows (use the connection to run "
                                        "statements that do not query)")
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise InvalidInputError(f"read_database: the query returns column '{dup}' twice; alias one of them")
        columns = {n: [r[i] for r in rows] for i, n in enumerate(names)}
        df = DataFrame(columns)
    if schema_overrides:
        df = df.cast(dict(schema_overrides))
    return df


_SQL_TYPES = {"Boolean": "BOOLEAN", "Int8": "SMALLINT", "Int16": "SMALLINT", "Int32": "INTEGER", "Int64": "BIGINT",
              "UInt8": "SMALLINT", "UInt16": "INTEGER", "UInt32": "BIGINT", "UInt64": "BIGINT",
              "Float32": "REAL", "Float64": "DOUBLE PRECISION", "String": "TEXT", "Binary": "BLOB",
              "Date": "DATE", "Datetime": "TIMESTAMP", "Time": "TIME", "Decimal": "DECIMAL"}


def _placeholders(connection: Any, n: int) -> str:
    module = sys.modules.get(type(connection).__module__.split(".")[0])
    style = getattr(module, "paramstyle", "qmark")
    if style == "qmark":
        return ", ".join("?" * n)
    if style in ("format", "pyformat"):
        return ", ".join(["%s"] * n)
    if style == "numeric":
        return ", ".join(f":{i + 1}" for i in range(n))
    if style == "named":
        return ", ".join(f":p{i}" for i in range(n))
    raise NotSupportedError(f"write_database: the driver's parameter style {style!r} is not supported")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_value(v: Any) -> Any:
    """A value sqlite3 stores without its deprecated default adapters (dates as ISO text)."""
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return v


def write_dbapi(frame: "DataFrame", table_name: str, connection: Any, if_exists: str,
                primary_key: Sequence[str] | None) -> int:
    """DataFrame.write_database over a DB-API connection; returns the rows written."""
    if not isinstance(table_name, str) or not table_name:
        raise InvalidInputError(f"write_database: table_name must be a non-empty string, got {table_name!r}")
    cursor = connection.cursor()
    try:
        if if_exists == "replace":
            cursor.execute(f"DROP TABLE IF EXISTS {_quote(table_name)}")
        if if_exists in ("fail", "replace"):
            cols = []
            for name, dtype in frame.schema.items():
                sql_type = _SQL_TYPES.get(dtype.name.split("(")[0].split("[")[0])
                if sql_type is None:
                    raise NotSupportedError(f"write_database: column '{name}' of type {dtype} has no SQL type here; "
                                            "cast it first")
                cols.append(f"{_quote(name)} {sql_type}")
            if primary_key:
                cols.append("PRIMARY KEY (" + ", ".join(_quote(k) for k in primary_key) + ")")
            cursor.execute(f"CREATE TABLE {_quote(table_name)} ({', '.join(cols)})")
        names = ", ".join(_quote(n) for n in frame.columns)
        sql = f"INSERT INTO {_quote(table_name)} ({names}) VALUES ({_placeholders(connection, frame.width)})"
        sqlite = type(connection).__module__.startswith("sqlite3")
        rows = frame.iter_rows()
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(_sqlite_value(v) for v in row) if sqlite else row)
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        connection.commit()
    except Exception:
        rollback = getattr(connection, "rollback", None)
        if rollback is not None:
            rollback()
        raise
    finally:
        cursor.close()
    return frame.height
