"""The embedded database: durable tables, SQL DDL/DML and transactions.

``ax.connect(path)`` opens (or creates) a database in a directory; ``ax.connect()`` opens
one in memory. Stored tables are read by the same plan as frames and files: ``db.table("t")``
is a LazyFrame whose filters on the primary key become key ranges, and ``db.sql`` queries
join stored tables with the frames in the caller's scope.

>>> import alopex as ax
>>> db = ax.connect()
>>> db.sql("CREATE TABLE docs (id BIGINT PRIMARY KEY, title TEXT NOT NULL)").item()
0
>>> db.sql("INSERT INTO docs VALUES (1, 'alpha'), (2, 'beta')").item()
2
>>> db.sql("SELECT title FROM docs WHERE id = ?", [2], eager=True).to_dict(as_series=False)
{'title': ['beta']}
>>> with db.transaction() as tx:
...     _ = tx.sql("UPDATE docs SET title = 'gamma' WHERE id = 1")
>>> db.table("docs").sort("id").collect().to_dict(as_series=False)
{'id': [1, 2], 'title': ['gamma', 'beta']}
>>> db.close()

Statements other than queries (DDL, DML, BEGIN/COMMIT/ROLLBACK) run at once and return a
one-row DataFrame with the column ``rows_affected``, as DuckDB's ``Count``. A statement
outside a transaction commits on its own (autocommit). Transactions run under snapshot
isolation: each reads one consistent snapshot, readers never block writers, and of two
transactions writing the same row the second to commit raises TransactionConflictError.
"""

from __future__ import annotations

import functools
import inspect
import json
import marshal
import os
import struct
import sys
import threading
import weakref
from array import array as _array
from datetime import date as _date
from datetime import datetime as _datetime
from datetime import timedelta as _timedelta
from datetime import timezone as _timezone
from typing import Any, Sequence

from . import _copy, _ffi
from ._size import parse_size
from .exceptions import InvalidInputError
from .expr import _lit_node, _vector_array
from .lazyframe import LazyFrame

__all__ = ["connect", "Database", "Transaction", "Cursor", "Statement"]

_EPOCH = _datetime(1970, 1, 1)
_EPOCH_UTC = _datetime(1970, 1, 1, tzinfo=_timezone.utc)
_EPOCH_ORDINAL = _date(1970, 1, 1).toordinal()


def connect(path: str | os.PathLike[str] | None = None, *, read_only: bool = False, sync: bool = True,
            cache_size: int | str | None = None, memtable_size: int | str | None = None,
            txn_memory: int | str | None = None) -> "Database":
    """Open the database in directory ``path`` (created when missing), or in memory.

    ``read_only`` opens for reading only (writes raise). ``sync=False`` skips the
    fsync of each commit: faster, but the last commits before a power loss or
    OS crash may be lost (a crash of the process alone loses nothing).
    Sizes are bytes or strings like "512MiB", "1GiB" or "2GB" (as DuckDB reads them:
    KB, MB, GB, TB are powers of 1000, KiB, MiB, GiB, TiB powers of 1024):

    - ``cache_size``: the block cache (default a sixteenth of the machine's
      memory, between 64 MiB and 256 MiB, and at most a quarter of
      ``ax.set_memory_limit``; it fills only as blocks are read);
    - ``memtable_size``: one write buffer (default 64 MiB; bulk loads fill
      several while they are flushed);
    - ``txn_memory``: the memory a transaction's pending writes take (their
      bytes and the structures holding them) before it spills them to a
      temporary store in the database directory (default 64 MiB), so a
      transaction larger than memory (a 10M-row INSERT … SELECT) runs in
      bounded memory: the Go heap peaks near twice this, whatever the row
      count. In-memory databases never spill.

    Unset sizes are capped by :func:`alopex.set_memory_limit` when a limit is set
    before ``connect``: the cache at a quarter of it, a write buffer at a
    sixteenth, and (for each new transaction) the pending writes at an eighth.

    A directory in use by another process raises DatabaseLockedError; a
    non-empty directory that is not an alopex database raises
    InvalidInputError and is left untouched. A full disk raises
    StorageIOError (``reason == "disk_full"``); committed data stays intact.

    >>> import alopex as ax
    >>> with ax.connect() as db:
    ...     _ = db.sql("CREATE TABLE t (k INT PRIMARY KEY, v DOUBLE)")
    ...     db.tables()
    ['t']
    """
    return Database(path, read_only=read_only, sync=sync, cache_size=cache_size, memtable_size=memtable_size,
                    txn_memory=txn_memory)


def _parse_size(size: int | str | None, name: str = "cache_size") -> int:
    """Bytes from an int or a string like "1GiB" (None: 0, the default); see ``_size``."""
    return 0 if size is None else parse_size(size, name)


class _Session:
    """What a connection and a transaction share: statements run on a Go session."""

    _session: _ffi.SessionHandle
    # Point reads by key kept by (statement, parameters): see _RowCache.
    # None for a transaction (its reads see its own pending writes).
    _rows: "_RowCache | None" = None
    # Set once the connection is closed (or the transaction over): execute()
    # tests this attribute and only then calls _check_usable for the error,
    # instead of a chain of calls per statement.
    _unusable = False

    def _engine_handle(self) -> _ffi.SessionHandle:
        return self._session

    def _check_usable(self) -> None:
        """Raise when the connection is closed (or the transaction over)."""
        raise NotImplementedError

    def _caller_sql(self, query: str, params: Sequence[Any] | None, eager: bool, caller: Any,
                    sql_mode: str | Sequence[str] | None = None) -> Any:
        from .frame import DataFrame
        from .sql import _lookup, _with_sql_mode

        if not isinstance(query, str):
            raise TypeError(f"the SQL statement must be a str, got {type(query).__name__}")
        if params is not None and (isinstance(params, (str, bytes)) or not isinstance(params, Sequence)):
            raise TypeError("params must be a list or tuple of values, one per ? placeholder")
        copy = _copy.parse(query)
        if copy is not None:  # COPY / BACKUP: not MySQL, so not for the engine's parser
            return _copy.run(self, copy, params, caller)
        query = _with_sql_mode(query, sql_mode)
        info = _inspect(query)
        cat = _ffi.session_catalog(self._session)
        stored = {n.lower() for n in cat["tables"] + cat["views"]}
        is_query = info.get("query", True)
        tables: dict[str, Any] = {}
        for name in info["tables"]:
            if name.lower() in stored:
                if is_query:  # other statements read stored tables in their own transaction, in Go
                    tables[name] = {"kind": "table", "source": self, "name": name}
                continue
            lf = _lookup(name, {}, caller)
            if lf is not None:
                tables[name] = lf._plan
            elif is_query:
                raise _table_not_found(name, cat["tables"] + cat["views"])
        node = {"kind": "sql", "query": query, "params": [_lit_node(p) for p in (params or [])], "tables": tables}
        if is_query:
            lf = LazyFrame._of(node)
            lf.collect_schema()  # compile now: unknown tables and columns raise here
            if info["explain"]:
                return lf.explain(analyze=info.get("analyze", False))
            return lf.collect() if eager else lf
        if not tables:  # reads only stored tables: the prepared-statement path (see execute())
            rows = Cursor(self, _ffi.session_execute(self._session, query.encode(), _pack_params(params))).rowcount
            return DataFrame({"rows_affected": [rows]})
        plan, sources = LazyFrame._of(node)._serialize()
        rows = _ffi.session_exec(self._session, plan, [s._engine_handle() for s in sources])
        return DataFrame({"rows_affected": [rows]})

    def execute(self, query: str, params: Sequence[Any] | None = None) -> "Cursor":
        """Run one statement and return a :class:`Cursor` over its result (DB-API style).

        The fast way to run many small statements: the statement is parsed
        once per text and cached (a cache that DDL cannot make stale), a
        SELECT of rows by their full primary key (``WHERE pk = ?``,
        ``pk IN (?, ?)``, each key column of a composite key with ``=``) reads
        them directly from storage, and rows come back as tuples without
        pyarrow. Only stored tables and views can be named (not frames in
        scope: use ``sql()`` for those). ``?`` placeholders take ``params``
        in order. A statement that is not a query gives a cursor without rows
        whose ``rowcount`` is the number of rows it inserted, updated or
        deleted; a query's ``rowcount`` is -1, as in sqlite3.

        >>> import alopex as ax
        >>> db = ax.connect()
        >>> db.execute("CREATE TABLE kv (k INT PRIMARY KEY, v TEXT)").rowcount
        0
        >>> db.executemany("INSERT INTO kv VALUES (?, ?)", [(1, "a"), (2, "b")]).rowcount
        2
        >>> db.execute("SELECT v FROM kv WHERE k = ?", [2]).fetchone()
        ('b',)
        >>> [r for r in db.execute("SELECT * FROM kv ORDER BY k")]
        [(1, 'a'), (2, 'b')]
        """
        if self._unusable:
            self._check_usable()
        if type(query) is not str:
            raise TypeError(f"the SQL statement must be a str, got {type(query).__name__}")
        text = _TEXTS.get(query)
        if text is None:
            text = _statement_text(query)
        t = type(params)
        if ((t is tuple or t is list) and len(params) == 1 and type(v := params[0]) is int
                and _I64_MIN <= v <= _I64_MAX and text is not _COPY_TEXT):
            return _execute_int(self, query, text, v)  # WHERE pk = ? with an int
        rows = self._rows
        key = None
        if rows is not None:  # a point read answered again (see _RowCache)
            key = _cache_key(query, params)
            if key is not None:
                hit = rows._map.get(key)
                if hit is not None and hit[4] == rows._word[0] and not _ffi._forked:
                    return Cursor(self, hit)
        if text is _COPY_TEXT:  # COPY / BACKUP: not MySQL, so not for the engine's parser
            copy = _copy.parse(query)
            if copy is not None:
                return Cursor(self, None, rowcount=_copy.run(self, copy, params, None).item())
            text = query.encode()
        data = _ffi.session_execute(self._session, text, _pack_params(params))
        if key is not None and data[4] >= 0:
            rows.put(key, data)  # type: ignore[union-attr]
        return Cursor(self, data)

    def prepare(self, query: str) -> "Statement":
        """A :class:`Statement` of ``query`` to run many times with new ``?`` values
        (``stmt.execute(params)``): what :meth:`execute` gives, with the text's
        checks done once.

        >>> import alopex as ax
        >>> db = ax.connect()
        >>> _ = db.execute("CREATE TABLE kv (k INT PRIMARY KEY, v TEXT)")
        >>> _ = db.execute("INSERT INTO kv VALUES (1, 'a'), (2, 'b')")
        >>> get = db.prepare("SELECT v FROM kv WHERE k = ?")
        >>> get.execute((2,)).fetchone(), get.execute([1]).fetchone()
        (('b',), ('a',))
        """
        self._check_usable()
        if type(query) is not str:
            raise TypeError(f"the SQL statement must be a str, got {type(query).__name__}")
        return Statement(self, query)

    def executemany(self, query: str, seq_of_params: Any) -> "Cursor":
        """Run one statement that changes data once per parameter row, all in one
        transaction (the fast way to insert many single rows).

        Outside a transaction the rows commit together, or, when one fails,
        none of them does; the error names the parameter row (counted from
        0) that failed. Inside a transaction the rows before a failing one
        stay in it (roll the transaction back to undo them). The cursor's
        ``rowcount`` is the total of rows changed.
        """
        self._check_usable()
        if type(query) is not str:
            raise TypeError(f"the SQL statement must be a str, got {type(query).__name__}")
        if isinstance(seq_of_params, (str, bytes)):
            raise TypeError("executemany() takes a sequence of parameter rows (lists or tuples)")
        rows = [_check_params(r) for r in seq_of_params]
        width = len(rows[0]) if rows else 0
        flat: list[Any] = []
        for i, r in enumerate(rows):
            if len(r) != width:
                from .exceptions import InvalidInputError

                raise InvalidInputError(f"executemany() parameter row {i} has {len(r)} value(s) but row 0 has {width}",
                                        {"row": i})
            flat.extend(r)
        if not rows:
            return Cursor(self, None, rowcount=0)
        n = _ffi.session_executemany(self._session, query.encode(), _pack_params(flat), len(rows), width)
        return Cursor(self, None, rowcount=n)

    def table(self, name: str) -> LazyFrame:
        """A LazyFrame over stored table (or view) ``name``, read in this session.

        Filters on the primary key become key ranges of the scan, and only the
        columns the query needs are decoded (see ``explain()``).
        """
        if not isinstance(name, str):
            raise TypeError(f"a table name must be a str, got {type(name).__name__}")
        lf = LazyFrame._of({"kind": "table", "source": self, "name": name})
        lf.collect_schema()  # an unknown table raises TableNotFoundError here
        return lf

    def tables(self) -> list[str]:
        """The stored tables' names, sorted."""
        return sorted(_ffi.session_catalog(self._session)["tables"])

    def views(self) -> list[str]:
        """The views' names, sorted."""
        return sorted(_ffi.session_catalog(self._session)["views"])

    def schema(self, name: str) -> dict[str, Any]:
        """Column names and data types of a stored table or view."""
        return self.table(name).collect_schema()

    def insert(self, name: str, data: Any) -> int:
        """Append rows in bulk (anything ``ax.DataFrame`` accepts, or a LazyFrame) to table ``name``.

        Columns are matched by name; missing ones take their default (or NULL,
        or the next AUTO_INCREMENT value). Returns the number of rows written.
        """
        return self._load(name, data, "append")

    def create_table(self, name: str, data_or_schema: Any, primary_key: str | Sequence[str] | None = None,
                     if_not_exists: bool = False, *, storage: str = "row") -> int:
        """Create table ``name`` from data (written in bulk) or from a schema.

        ``data_or_schema`` is anything ``ax.DataFrame`` accepts, a LazyFrame (such as
        ``ax.scan_parquet(path)``: its rows stream into the table batch by batch as the
        query makes them, so a columnar table is encoded while the file is read, in
        bounded memory), or a schema: a
        pyarrow Schema or a dict of column name to alopex (or pyarrow) data type.
        ``primary_key`` names the key column(s); without one rows get a hidden row
        id. Returns the number of rows written. A duplicate key raises
        ConstraintError naming the value, and nothing is created.

        Outside a transaction a large load (50,000 rows or more) is written as
        sorted files that the commit ingests at once, skipping the write-ahead log:
        several times faster than inserting, and atomic (all rows or none).

        ``storage="columnar"`` stores the rows as compressed column chunks with
        zone maps (the SQL form is ``CREATE TABLE … WITH (storage='columnar')``):
        analytical scans read only the columns they need and skip chunks the
        filter rules out. The data given here is written straight into chunks;
        later inserts go to a row-format delta until :meth:`optimize`.
        """
        if isinstance(primary_key, str):
            primary_key = [primary_key]
        if not isinstance(storage, str):
            raise TypeError(f"storage must be 'row' or 'columnar', got {type(storage).__name__}")
        return self._load(name, data_or_schema, "create", primary_key=list(primary_key or []),
                          if_not_exists=bool(if_not_exists), storage=storage)

    def optimize(self, table: str) -> None:
        """Rewrite columnar table ``table`` into fresh column chunks (``OPTIMIZE TABLE``).

        Rows inserted since the last load or optimize, and rows updated or deleted
        in chunks, are merged into new chunks in key order; queries then read only
        chunks. A snapshot taken before still sees the table as it was. For a row
        table this does nothing.

        >>> db = ax.connect()
        >>> db.create_table("t", {"id": [1, 2, 3]}, primary_key="id", storage="columnar")
        3
        >>> db.execute("DELETE FROM t WHERE id = 2").rowcount
        1
        >>> db.optimize("t")
        """
        import re

        if not isinstance(table, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", table):
            raise InvalidInputError(f"table {table!r} must be a plain SQL name (letters, digits, _)")
        self._caller_sql(f"OPTIMIZE TABLE {table}", None, True, None)

    def search(self, table: str, queries: Any, k: int = 10, *, filter: Any = None, column: str | None = None,
               columns: Sequence[str] | None = None, metric: str | None = None, ef: int | None = None) -> Any:
        """The ``k`` nearest rows of stored table ``table`` to each query vector, in one call.

        ``queries`` is one vector or a 2-D array of them (NumPy or anything
        convertible, float32). Returns a DataFrame with ``query`` (the query's
        position), the table's columns (or ``columns``) and ``_distance``,
        query after query, nearest first: what ``SELECT …, VEC_*_DISTANCE(col,
        q) AS _distance FROM table WHERE filter ORDER BY _distance LIMIT k``
        gives for each query, except that rows with a NULL vector are never
        returned. All queries read one snapshot.

        ``filter`` keeps the rows that pass it: a SQL condition (``"cat = 3
        AND year > 2020"``) or an expression (``ax.col("cat") == 3``); it is
        evaluated once for the whole batch and becomes the vector index's
        allow-list. ``column`` is the VECTOR column (default: the table's
        only one); ``metric`` ("l2", "cosine", "ip") defaults to the column's
        vector index's (l2 without one); ``ef`` widens HNSW searches (the
        session's ``SET hnsw_ef_search`` otherwise). With no vector index on
        the column, or when the index cannot answer a query exactly for this
        snapshot, that query is answered by exact search.

        >>> import alopex as ax, numpy as np
        >>> db = ax.connect()
        >>> _ = db.sql("CREATE TABLE docs (id INT PRIMARY KEY, cat INT, emb VECTOR(2))")
        >>> _ = db.insert("docs", ax.DataFrame({"id": [1, 2, 3], "cat": [1, 1, 2],
        ...                                     "emb": np.array([[0, 0], [1, 1], [2, 2]], np.float32)}))
        >>> db.search("docs", [[0.9, 0.9], [3, 3]], k=1, filter="cat = 1", columns=["id"]).rows()
        [(0, 2, 0.1414213925600052), (1, 2, 2.8284270763397217)]
        """
        import numpy as np

        from .expr import Expr
        from .frame import DataFrame
        from .lazyframe import _encode_plan

        self._check_usable()
        if not isinstance(table, str):
            raise TypeError(f"a table name must be a str, got {type(table).__name__}")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
            raise InvalidInputError(f"k must be a positive integer, got {k!r}")
        if ef is not None and (isinstance(ef, bool) or not isinstance(ef, (int, np.integer)) or ef <= 0):
            raise InvalidInputError(f"ef must be a positive integer, got {ef!r}")
        try:
            q = np.asarray(queries, dtype=np.float32)
        except (TypeError, ValueError) as e:
            raise InvalidInputError(f"queries must be a vector or a 2-D array of numbers: {e}") from None
        if q.ndim == 1:
            q = q.reshape(1, -1)
        if q.ndim != 2 or q.shape[1] == 0:
            raise InvalidInputError(f"queries must be a vector or a 2-D array (one query per row), got shape {q.shape}")
        bad = ~np.isfinite(q)
        if bad.any():
            row, pos = (int(i) for i in np.argwhere(bad)[0])
            raise InvalidInputError(f"query {row} has {q[row, pos]} at position {pos}: query vectors must be finite")
        spec: dict[str, Any] = {"table": table, "k": min(int(k), 2**62), "ef": min(int(ef or 0), 2**62),
                                "dim": int(q.shape[1])}
        if column is not None:
            spec["column"] = column
        if metric is not None:
            spec["metric"] = metric
        if columns is not None:
            if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
                raise TypeError("columns must be a list of column names")
            spec["columns"] = list(columns)
        body = json.dumps(spec)
        if isinstance(filter, str):
            body = body[:-1] + ", " + json.dumps({"filter_sql": filter})[1:]
        elif isinstance(filter, Expr):
            def no_frames(node: dict[str, Any]) -> Any:
                if node["kind"] == "array":  # a long is_in list: inline, as JSON values
                    return node["source"]._table.column(0).to_pylist()
                raise InvalidInputError("a search filter cannot read another frame")
            body = body[:-1] + ', "filter": ' + _encode_plan(filter._node, no_frames) + "}"
        elif filter is not None:
            raise TypeError(f"filter must be a SQL condition (str) or an expression, got {type(filter).__name__}")
        handle = _ffi.session_search(self._session, body.encode(), np.ascontiguousarray(q))
        return DataFrame._from_handle(handle)

    def create_vector_index(self, table: str, column: str, *, kind: str = "hnsw", metric: str = "l2",
                            m: int | None = None, ef_construction: int | None = None,
                            name: str | None = None, if_not_exists: bool = False) -> None:
        """Create a vector index on VECTOR column ``column`` of stored table ``table``.

        ``kind`` is "hnsw" (approximate, fast) or "flat" (exact); ``metric`` is
        "l2", "cosine" or "ip" and must match the distance queries order by
        (``VEC_L2_DISTANCE`` / ``VEC_COSINE_DISTANCE`` /
        ``VEC_NEGATIVE_INNER_PRODUCT``, or ``col.vec.l2_distance`` … with
        ``bottom_k``); ``m`` and ``ef_construction`` tune HNSW (16 and 200).
        The index is built on its first search, kept current by every commit,
        and answers each transaction as of its snapshot. The SQL form is
        ``CREATE INDEX name ON table USING HNSW (column) WITH (metric='cosine')``.
        """
        import re

        for what, v in (("table", table), ("column", column), ("name", name or "x")):
            if not isinstance(v, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", v):
                raise InvalidInputError(f"vector index {what} {v!r} must be a plain SQL name (letters, digits, _)")
        if kind.lower() not in ("hnsw", "flat"):
            raise InvalidInputError(f"unknown vector index kind {kind!r}: use 'hnsw' or 'flat'")
        opts = [f"metric='{metric}'"] if isinstance(metric, str) and metric.isidentifier() else []
        if not opts:
            raise InvalidInputError(f"unknown metric {metric!r}: use 'l2', 'cosine' or 'ip'")
        for key, v in (("m", m), ("ef_construction", ef_construction)):
            if v is not None:
                if isinstance(v, bool) or not isinstance(v, int):
                    raise TypeError(f"{key} must be an int, got {type(v).__name__}")
                opts.append(f"{key}={v}")
        name = name or f"{table}_{column}_{kind.lower()}"
        exists = "IF NOT EXISTS " if if_not_exists else ""
        self._caller_sql(f"CREATE INDEX {exists}{name} ON {table} USING {kind.upper()} ({column}) "
                         f"WITH ({', '.join(opts)})", None, True, None)

    def _load(self, name: str, data: Any, mode: str, **opts: Any) -> int:
        from .frame import DataFrame

        if not isinstance(name, str) or not name:
            raise TypeError("a table name must be a non-empty str")
        body = json.dumps({"mode": mode, **opts}).encode()
        if isinstance(data, LazyFrame):
            # Streamed: the plan's batches (a Parquet scan's row groups) go into the table as they are read,
            # never the whole frame in memory at once.
            plan, sources = data._serialize()
            return _ffi.session_load_plan(self._session, name, plan, [s._engine_handle() for s in sources], body)
        frame = data if isinstance(data, DataFrame) else DataFrame(_schema_table(data))
        return _ffi.session_load(self._session, name, frame._engine_handle(), body)


@functools.lru_cache(maxsize=256)
def _inspect(query: str) -> dict[str, Any]:
    """The tables a statement names (its text alone decides them): parsed once per text.
    The dict is shared; callers only read it."""
    return _ffi.sql_inspect(query)


def _check_params(params: Any) -> Sequence[Any]:
    if isinstance(params, (str, bytes)) or not isinstance(params, Sequence):
        raise TypeError("params must be a list or tuple of values, one per ? placeholder")
    return params


# The first characters a COPY or BACKUP statement can start with ("" too:
# starts_copy decides).
_COPY_HEADS = "cCbB \t\r\n\f\v"

# execute()'s statements by text: the UTF-8 bytes given to the engine, or
# _COPY_TEXT for COPY / BACKUP (run in Python). One dict lookup per call
# instead of an encode and a COPY test; bounded (cleared when full, and
# long texts, such as INSERTs with their values inline, are not kept).
_TEXTS: dict[str, bytes] = {}
_COPY_TEXT = b"COPY"
_MAX_TEXTS = 1024
_MAX_TEXT_LEN = 4096


def _statement_text(query: str) -> bytes:
    text = _COPY_TEXT if query[:1] in _COPY_HEADS and _copy.starts_copy(query) else query.encode()
    if len(query) <= _MAX_TEXT_LEN:
        if len(_TEXTS) >= _MAX_TEXTS:
            _TEXTS.clear()
        _TEXTS[query] = text
    return text


class Statement:
    """A statement prepared by :meth:`Database.prepare` (or :meth:`Transaction.prepare`):
    ``execute(params)`` runs it as ``connection.execute(query, params)`` does, with
    the same results and errors, skipping the per-call checks of its text."""

    __slots__ = ("connection", "query", "_text", "_copy")

    def __init__(self, owner: "_Session", query: str):
        self.connection = owner
        self.query = query
        self._text = query.encode()
        # COPY / BACKUP go through execute() (not the engine's parser)
        self._copy = query[:1] in _COPY_HEADS and _copy.starts_copy(query)

    def execute(self, params: Sequence[Any] | None = None) -> "Cursor":
        """Run the statement with ``params`` for its ``?`` placeholders; see :meth:`Database.execute`."""
        owner = self.connection
        if self._copy:
            return owner.execute(self.query, params)
        if owner._unusable:
            owner._check_usable()
        t = type(params)
        if (t is tuple or t is list) and len(params) == 1 and type(v := params[0]) is int and _I64_MIN <= v <= _I64_MAX:
            return _execute_int(owner, self.query, self._text, v)
        rows = owner._rows
        key = None
        if rows is not None:
            key = _cache_key(self.query, params)
            if key is not None:
                hit = rows._map.get(key)
                if hit is not None and hit[4] == rows._word[0] and not _ffi._forked:
                    return Cursor(owner, hit)
        data = _ffi.session_execute(owner._session, self._text, _pack_params(params))
        if key is not None and data[4] >= 0:
            rows.put(key, data)  # type: ignore[union-attr]
        return Cursor(owner, data)

    def __repr__(self) -> str:
        return f"<alopex.Statement {self.query!r}>"


def _execute_int(owner: "_Session", query: str, text: bytes, v: int) -> "Cursor":
    """execute() of a statement (not COPY / BACKUP) given one int parameter within
    64 bits, the shape of a point read by key: the row cache probed and fed as
    _RowCache.get and put do (its key is _cache_key's), the statement run by
    the thin call _ffi.session_execute_int. One function for execute() and
    Statement.execute(), with the cache's steps inline: they are most of a cold
    read's Python time."""
    rows = owner._rows
    if rows is None:  # a transaction: no cache
        return Cursor(owner, _ffi.session_execute_int(owner._session, text, v))
    key = (query, v)
    hit = rows._map.get(key)
    if hit is not None and hit[4] == rows._word[0] and not _ffi._forked:
        return Cursor(owner, hit)
    data = _ffi.session_execute_int(owner._session, text, v)
    if data[4] >= 0:
        if hit is not None:  # a stale entry: replaced at once
            rows.put(key, data)
        else:  # admitted on the second read of its key (_RowCache.put, inline)
            seen = rows._seen
            n = len(seen)
            seen.add(hash(key))
            if len(seen) == n:
                rows.put(key, data)
            elif n >= _RowCache.MAX_SEEN:
                seen.clear()
                seen.add(hash(key))
    return Cursor(owner, data)


def _cache_key(query: str, params: Any) -> tuple[Any, ...] | None:
    """The row cache's key of a statement and its parameters, or None when they
    are not cached. Only exact ints and strs: values equal across types (1, 1.0,
    True) would share a key, and they can give different results."""
    t = type(params)
    if t is tuple or t is list:
        if len(params) == 1:
            v = params[0]
            tv = type(v)
            return (query, v) if tv is int or tv is str else None
        if len(params) > 8:
            return None
        for v in params:
            tv = type(v)
            if tv is not int and tv is not str:
                return None
        return (query, *params)
    return (query,) if params is None else None


class _RowCache:
    """Results of point reads by key (sqlexec/compact.go: those that carry a read
    generation), kept by (statement, parameters) in front of the engine.

    A result is answered again only while the database's read generation, a
    word Go keeps current (storage/latest.go, readGen) and Python reads without
    a call, is the one the read was made at. Every commit of any connection
    or transaction of the database, DDL included, and every BEGIN advances it
    before it returns, so a read that starts after a write committed never
    sees the row before the write; a connection with a transaction open
    (BEGIN) does not answer from it, since its BEGIN advanced the generation
    and its reads inside the transaction carry none. Rows are shared
    immutable tuples; values that need converting (dates, decimals, vectors)
    are converted per cursor, so each gets its own NumPy arrays. Go offers
    only results of at most 2 KiB of rows, so the cache stays within tens of
    MiB at worst.

    Admission: a result is kept only when its key was read before (since the
    set of keys seen was last cleared). Reads of distinct keys ("cold" reads)
    then keep nothing alive: keeping every one made Python's cyclic collector
    run every few hundred reads and scan the whole cache (7% of a cold read's
    CPU), for entries that were never read again. ``_seen`` holds only the
    keys' hashes (ints, which the collector does not track); a collision only
    admits a key one read early.
    """

    __slots__ = ("_word", "_map", "_seen")

    # Bounds: entries (cleared when full), rows per entry (point reads) and
    # hashes of keys read once (cleared when full).
    MAX_ENTRIES = 16384
    MAX_ROWS = 4
    MAX_SEEN = 16384

    def __init__(self, word: Any):
        self._word = word
        self._map: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._seen: set[int] = set()

    def get(self, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
        hit = self._map.get(key)
        if hit is None or hit[4] != self._word[0] or _ffi._forked:
            return None
        return hit

    def put(self, key: tuple[Any, ...], data: tuple[Any, ...]) -> None:
        # _execute_int (a read by one int key) does the first-read test of
        # this method inline and calls it only to keep a result.
        if len(data[2]) > self.MAX_ROWS:
            return
        m = self._map
        if key not in m:  # not a stale entry read again: admitted on its second read
            seen = self._seen
            n = len(seen)
            seen.add(hash(key))  # one probe of the set, not a test and an add
            if len(seen) != n:  # first read
                if n >= self.MAX_SEEN:
                    seen.clear()
                    seen.add(hash(key))
                return
            if len(m) >= self.MAX_ENTRIES:
                m.clear()
        m[key] = data


# The range of an int parameter passed as one 64-bit integer.
_I64_MIN = -(2**63)
_I64_MAX = 2**63 - 1
_pack_int = struct.Struct("<cq").pack
_pack_float = struct.Struct("<cd").pack
_JUST_INT = {int}
_BIG_ENDIAN = sys.byteorder == "big"
_pack_len = struct.Struct("<cI").pack


def _pack_params(params: Sequence[Any] | None) -> bytes:
    """The values of ? placeholders packed for Go (capi/db_params.go): ints,
    floats, str, bool, None and vectors (1-D NumPy arrays, lists of numbers)
    directly, other values as their JSON literal node."""
    t = type(params)
    if t is not tuple and t is not list:  # the common kinds skip the slower ABC test
        if params is None:
            return b""
        _check_params(params)
    if not params:
        return b""
    if len(params) == 1 and type(params[0]) is int and -(2**63) <= params[0] < 2**63:
        return _pack_int(b"i", params[0])  # WHERE pk = ?
    if len(params) > 8 and set(map(type, params)) == _JUST_INT:  # an IN list of ints: one run
        try:
            run = _array("q", params)
        except OverflowError:  # past 64 bits: as JSON, one by one below
            pass
        else:
            if _BIG_ENDIAN:
                run.byteswap()
            return _pack_len(b"I", len(run)) + run.tobytes()
    parts = []
    for v in params:
        t = type(v)
        if t is int and -(2**63) <= v < 2**63:
            parts.append(_pack_int(b"i", v))
        elif t is str:
            try:
                data = v.encode()
            except UnicodeEncodeError:  # lone surrogates: as JSON escapes, as before
                parts.append(_pack_json(v))
                continue
            parts.append(_pack_len(b"s", len(data)))
            parts.append(data)
        elif v is None:
            parts.append(b"n")
        elif t is float:
            parts.append(_pack_float(b"d", v))
        elif t is bool:
            parts.append(b"t" if v else b"f")
        elif (t.__name__ == "ndarray" and getattr(v, "ndim", 0) == 1) or (t is list and _is_number_list(v)):
            parts.append(_pack_vector(v))
        else:
            parts.append(_pack_json(v))
    return b"".join(parts)


def _is_number_list(v: list[Any]) -> bool:
    """Whether a list parameter is a vector: a non-empty list of ints and floats."""
    return bool(v) and all((type(x) is float or type(x) is int) for x in v)


def _pack_vector(v: Any) -> bytes:
    """A vector parameter as its raw little-endian float32s (no JSON): the same
    literal, and the same checks, as the JSON form gave."""
    arr = _vector_array(v)
    return _pack_len(b"v", arr.size) + arr.astype("<f4", copy=False).tobytes()


def _pack_json(v: Any) -> bytes:
    node = json.dumps(_lit_node(v)).encode()
    return _pack_len(b"j", len(node)) + node


def _to_date(days: int) -> Any:
    return _date.fromordinal(_EPOCH_ORDINAL + days)


def _to_datetime(us: int) -> Any:
    return _EPOCH + _timedelta(microseconds=us)


def _to_datetime_utc(us: int) -> Any:
    return _EPOCH_UTC + _timedelta(microseconds=us)


def _to_vector(v: bytes) -> Any:
    import numpy as np

    return np.frombuffer(v, dtype="<f4").astype(np.float32)


def _to_decimal(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


# Per column code of the compact result encoding (sqlexec/compact.go), the
# conversion of a value as marshal.loads reads it to its Python value; codes
# absent here ("i", "f", "s", "b", "y", "n") need none.
_CONVERTERS = {
    "d": _to_decimal,
    "D": _to_date,
    "t": _to_datetime,
    "T": _to_datetime_utc,
    "v": _to_vector,
}


def _convert_rows(cols: tuple[tuple[str, str, str], ...], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    conv = [(j, f) for j, c in enumerate(cols) if (f := _CONVERTERS.get(c[1])) is not None]
    if not conv:
        return rows
    out = []
    for r in rows:
        vals = list(r)
        for j, f in conv:
            if vals[j] is not None:
                vals[j] = f(vals[j])
        out.append(tuple(vals))
    return out


# The columns of execute() results by their encoded bytes: a statement run
# again decodes them once (bounded: cleared when it grows past many shapes).
_COLUMNS: dict[bytes, tuple[tuple[str, str, str], ...]] = {}


def _columns(packed: bytes) -> tuple[tuple[str, str, str], ...]:
    cols = _COLUMNS.get(packed)
    if cols is not None:
        return cols
    cols = marshal.loads(packed)
    if len(_COLUMNS) >= 4096:
        _COLUMNS.clear()
    _COLUMNS[packed] = cols
    return cols


class Cursor:
    """The result of :meth:`Database.execute` (and :meth:`Transaction.execute`), in
    the manner of a DB-API 2.0 cursor: ``fetchone()``, ``fetchmany(n)``,
    ``fetchall()``, iteration, ``description`` and ``rowcount``.

    Rows are tuples of Python values (int, float, str, bool, bytes,
    Decimal, date, datetime, NumPy float32 arrays for vectors, None for
    NULL). The rows were read when the statement ran; fetching after the
    last row gives None (fetchone) or [] (fetchmany, fetchall).
    ``description`` is None for a statement that is not a query, otherwise a
    7-tuple per column whose first two items are its name and its alopex
    data type name.
    """

    __slots__ = ("connection", "arraysize", "rowcount", "_rows", "_pos", "_columns")

    def __init__(self, owner: Any, data: tuple[Any, ...] | None, *, rowcount: int = -1):
        self.connection = owner
        self.arraysize = 1
        self._pos = 0
        if data is None:
            self._columns: bytes | None = None
            self.rowcount = rowcount
            self._rows: list[tuple[Any, ...]] = []
            return
        # (columns, rowcount, rows, whether values need converting, read
        # generation): sqlexec/compact.go. The columns stay encoded until
        # description asks for them (a point read seldom does).
        packed, self.rowcount, rows, convert, _ = data
        self._rows = _convert_rows(_columns(packed), rows) if convert and rows else rows
        self._columns = packed if self.rowcount < 0 else None

    @property
    def description(self) -> tuple[tuple[Any, ...], ...] | None:
        """Per column of a query's result, (name, data type name, None, None, None, None,
        None); None for a statement that is not a query."""
        if self._columns is None:
            return None
        return tuple((c[0], c[2], None, None, None, None, None) for c in _columns(self._columns))

    def fetchone(self) -> tuple[Any, ...] | None:
        """The next row, or None after the last."""
        pos = self._pos
        rows = self._rows
        if pos >= len(rows):
            return None
        self._pos = pos + 1
        return rows[pos]

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        """The next ``size`` rows (``arraysize`` by default); fewer at the end."""
        n = self.arraysize if size is None else size
        if n < 0:
            raise ValueError("fetchmany() size must not be negative")
        out = self._rows[self._pos:self._pos + n]
        self._pos += len(out)
        return out

    def fetchall(self) -> list[tuple[Any, ...]]:
        """The remaining rows."""
        out = self._rows[self._pos:]
        self._pos = len(self._rows)
        return out

    def close(self) -> None:
        """Drop the remaining rows."""
        self._rows = []
        self._pos = 0

    def __iter__(self) -> "Cursor":
        return self

    def __next__(self) -> tuple[Any, ...]:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def __repr__(self) -> str:
        return f"<alopex.Cursor ({len(self._rows) - self._pos} row(s) left, rowcount {self.rowcount})>"


def _schema_table(data: Any) -> Any:
    """An empty pyarrow table for a schema, or data unchanged."""
    import pyarrow as pa

    from ._arrow_types import to_arrow
    from .datatypes import DataType, dtype_name

    if isinstance(data, pa.Schema):
        return data.empty_table()
    if isinstance(data, dict) and data and all(isinstance(v, (DataType, pa.DataType)) or
                                               (isinstance(v, type) and issubclass(v, DataType))
                                               for v in data.values()):
        fields = [pa.field(k, v if isinstance(v, pa.DataType) else to_arrow(dtype_name(v))) for k, v in data.items()]
        return pa.schema(fields).empty_table()
    return data


class Database(_Session):
    """A connection to an embedded database; see :func:`connect`.

    Safe to use from many threads: calls release the GIL, and statements on the
    connection run each in its own transaction unless a SQL ``BEGIN`` opened one.
    Autocommit INSERT, UPDATE and DELETE that read no frame in scope run side by side
    (their commits share fsyncs; one that loses a write conflict to another is
    run again, as running them one after the other would give); other
    statements run one at a time. Give each thread its own :meth:`transaction`
    to run transactions side by side.
    """

    def __init__(self, path: Any = None, *, read_only: bool = False, sync: bool = True,
                 cache_size: int | str | None = None, memtable_size: int | str | None = None,
                 txn_memory: int | str | None = None):
        opts = json.dumps({"read_only": bool(read_only), "sync": bool(sync), "cache_size": _parse_size(cache_size),
                           "memtable_size": _parse_size(memtable_size, "memtable_size"),
                           "txn_memory": _parse_size(txn_memory, "txn_memory")})
        self.path = None if path is None else os.fspath(path)
        if self.path is not None and not isinstance(self.path, str):
            raise TypeError("the database path must be a str or os.PathLike")
        self.read_only = bool(read_only)
        self._db = _ffi.db_open(self.path or "", opts.encode())
        self._session = _ffi.SessionHandle(_ffi.session_new(self._db.value, begin=False))
        self._rows = _RowCache(_ffi.db_generation(self._db))
        self._transactions: "weakref.WeakSet[Transaction]" = weakref.WeakSet()
        self._lock = threading.Lock()

    def sql(self, query: str, params: Sequence[Any] | None = None, *, eager: bool = False,
            sql_mode: str | Sequence[str] | None = None) -> Any:
        """Run one SQL statement.

        Queries return what ``ax.sql`` returns (a LazyFrame, a DataFrame with
        ``eager=True``, text for EXPLAIN); their table names resolve to stored
        tables and views first, then to frames in the caller's scope. Other
        statements run now and return a DataFrame with ``rows_affected``.
        ``?`` placeholders take ``params`` in order (NumPy arrays for VECTOR columns).
        ``sql_mode`` chooses the parser modes, as :func:`alopex.sql`'s.
        """
        self._check_open()
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        try:
            return self._caller_sql(query, params, eager, caller, sql_mode)
        finally:
            del frame, caller

    def backup(self, dest: str | os.PathLike[str]) -> None:
        """Write a consistent copy of the database into directory ``dest`` (new
        or empty), while other threads keep writing: it holds exactly the
        transactions committed before the backup began. The copy opens with
        ``ax.connect(dest)`` (also ``read_only=True``); an in-memory database is
        copied to disk. SQL: ``BACKUP TO 'dest'``."""
        self._check_open()
        data = os.fspath(dest)
        if not isinstance(data, str):
            raise TypeError("the backup destination must be a str path")
        _ffi.db_backup(self._db, data)

    def _backup_statement(self, dest: str) -> int:
        self.backup(dest)
        return 0

    def transaction(self) -> "Transaction":
        """A new transaction: ``with db.transaction() as tx:`` commits on success
        and rolls back on an exception. ``tx.sql`` and ``tx.table`` run in it."""
        self._check_open()
        tx = Transaction(self)
        self._transactions.add(tx)
        return tx

    @property
    def in_transaction(self) -> bool:
        """Whether a SQL BEGIN opened a transaction on the connection."""
        self._check_open()
        return _ffi.session_in_transaction(self._session)

    def _check_open(self) -> None:
        if self._db.closed:
            raise _closed_error()

    _check_usable = _check_open

    def close(self) -> None:
        """Roll back open transactions and close the database (idempotent)."""
        with self._lock:
            if self._db.closed:
                return
            for tx in list(self._transactions):
                tx._release()
            self._unusable = True
            self._session.close()
            self._db.close()

    @property
    def closed(self) -> bool:
        return self._db.closed

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        where = "memory" if self.path is None else repr(self.path)
        state = "closed" if self._db.closed else "open"
        return f"<alopex.Database {where} ({state})>"


class Transaction(_Session):
    """A transaction on a database; see :meth:`Database.transaction`."""

    def __init__(self, db: Database):
        self._db = db
        self._session = _ffi.SessionHandle(_ffi.session_new(db._db.value, begin=True))
        _ffi.session_inherit(self._session, db._session)  # SET hnsw_ef_search … carries over
        self._done = False

    def sql(self, query: str, params: Sequence[Any] | None = None, *, eager: bool = False,
            sql_mode: str | Sequence[str] | None = None) -> Any:
        """Run one statement in this transaction (as :meth:`Database.sql`)."""
        self._check_active()
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        try:
            return self._caller_sql(query, params, eager, caller, sql_mode)
        finally:
            del frame, caller

    def _backup_statement(self, dest: str) -> int:
        raise InvalidInputError("BACKUP inside a transaction: a backup copies what is committed; "
                                "run it on the connection (db.sql or db.backup) after the transaction")

    def _check_usable(self) -> None:
        self._check_active()

    def _check_active(self) -> None:
        if self._done:
            from .exceptions import InvalidInputError

            raise InvalidInputError("this transaction has already been committed or rolled back; start a new one")
        self._db._check_open()

    def commit(self) -> None:
        """Commit: a TransactionConflictError means another transaction wrote the
        same rows first, and nothing of this one was applied."""
        self._check_active()
        self._done = self._unusable = True
        try:
            _ffi.session_end(self._session, commit=True)
        finally:
            self._session.close()

    def rollback(self) -> None:
        """Discard this transaction's writes."""
        self._check_active()
        self._release()

    def _release(self) -> None:
        self._done = self._unusable = True
        self._session.close()

    def __enter__(self) -> "Transaction":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._done:
            return
        if exc_type is None:
            self.commit()
        else:
            self._release()

    def __repr__(self) -> str:
        return f"<alopex.Transaction ({'done' if self._done else 'active'})>"


def _table_not_found(name: str, stored: list[str]) -> Exception:
    from ._suggest import suggest
    from .exceptions import TableNotFoundError

    sugg = suggest(name, stored)
    msg = f"table '{name}' not found among the stored tables or the frames in scope"
    if sugg:
        msg += "; did you mean " + ", ".join(f"'{s}'" for s in sugg) + "?"
    if stored:
        msg += " Stored tables and views: " + ", ".join(f"'{s}'" for s in sorted(stored))
    return TableNotFoundError(msg, {"table": name, "suggestions": sugg})


def _closed_error() -> Exception:
    from .exceptions import InvalidInputError

    return InvalidInputError("the database is closed; open it again with ax.connect(path)")
