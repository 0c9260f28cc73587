"""SQL over DataFrames, LazyFrames, Arrow data and files, compiled to the same plan.

``ax.sql(query)`` parses the query in the engine (MySQL dialect, the TiDB parser), looks
up the tables it names — in a :class:`SQLContext`, then among the caller's local and
global variables, as DuckDB's replacement scans do — and returns a :class:`LazyFrame`
whose plan is the query: further DataFrame steps compose on top, and ``explain()`` shows
the same optimized plan as the equivalent DataFrame pipeline. Files are read with the
table functions ``read_parquet('path/or/glob')`` and ``read_csv('path')``.

>>> import alopex as ax
>>> sales = ax.DataFrame({"cat": ["a", "b", "a"], "v": [1.0, 2.0, 3.0]})
>>> ax.sql("SELECT cat, SUM(v) AS s FROM sales GROUP BY cat ORDER BY cat", eager=True).to_dict(as_series=False)
{'cat': ['a', 'b'], 's': [4.0, 2.0]}
"""

from __future__ import annotations

import inspect
from typing import Any, Mapping, Sequence

from . import _ffi
from ._suggest import suggest
from .exceptions import InvalidInputError, NotSupportedError, TableNotFoundError
from .expr import _lit_node
from .lazyframe import LazyFrame

__all__ = ["sql", "SQLContext"]


#: The parser modes a query gets when ``sql_mode`` is not given: ``IGNORE_SPACE``
#: (``substring (s from 1 for 2)``) and ``PIPES_AS_CONCAT`` (``a || b`` concatenates, as in
#: standard SQL and DuckDB). ``ANSI_QUOTES`` is off: MySQL reads ``"x"`` as a string.
DEFAULT_SQL_MODE = ("IGNORE_SPACE", "PIPES_AS_CONCAT")

_SQL_MODES = ("IGNORE_SPACE", "PIPES_AS_CONCAT", "ANSI_QUOTES")


def _with_sql_mode(query: str, sql_mode: str | Sequence[str] | None) -> str:
    """``query`` with the parser modes ``sql_mode`` chooses: None keeps the defaults,
    otherwise a comma-separated string or a sequence of MySQL mode names replaces
    them (``""`` or ``[]``: MySQL's own reading). The engine reads the modes from a
    prefix of the text (sqlexec/parse.go, splitMode)."""
    if sql_mode is None:
        return query
    names = sql_mode.split(",") if isinstance(sql_mode, str) else list(sql_mode)
    modes = []
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"sql_mode names are str, got {type(name).__name__}")
        name = name.strip().upper()
        if not name:
            continue
        if name not in _SQL_MODES:
            raise ValueError(f"unknown sql_mode {name!r}: the modes are {', '.join(_SQL_MODES)}")
        modes.append(name)
    return f"/*alopex sql_mode={','.join(modes)}*/{query}"


def sql(query: str, params: Sequence[Any] | None = None, *, eager: bool = False,
        sql_mode: str | Sequence[str] | None = None) -> Any:
    """Run a SQL query over the frames in the caller's scope.

    Table names resolve to alopex DataFrames and LazyFrames, pyarrow tables, pandas
    frames and anything with ``__arrow_c_stream__`` among the caller's local, then
    global variables. ``?`` placeholders take the values of ``params`` in order (never
    spliced into the text). Returns a LazyFrame (a DataFrame with ``eager=True``);
    ``EXPLAIN <query>`` returns the optimized plan as text. ``sql_mode`` chooses the
    parser modes (``"ANSI_QUOTES,PIPES_AS_CONCAT"`` or a list of names; default
    :data:`DEFAULT_SQL_MODE`; see docs/sql.md).
    """
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    try:
        return _run(_with_sql_mode(query, sql_mode) if isinstance(query, str) else query, params, eager, _NO_VIEWS,
                    caller)
    finally:
        del frame, caller


class SQLContext:
    """Named tables for SQL queries.

    >>> import alopex as ax
    >>> ctx = ax.SQLContext(t=ax.DataFrame({"a": [1, 2, 3]}))
    >>> ctx.execute("SELECT a FROM t WHERE a > ?", params=[1], eager=True).to_dict(as_series=False)
    {'a': [2, 3]}
    """

    def __init__(self, frames: Mapping[str, Any] | None = None, *,
                 sql_mode: str | Sequence[str] | None = None, **named: Any):
        """``sql_mode``: the parser modes of every query (as :func:`sql`'s)."""
        _with_sql_mode("", sql_mode)  # a bad mode fails here, not at the first query
        self._sql_mode = sql_mode
        self._tables: dict[str, Any] = {}
        for name, value in {**dict(frames or {}), **named}.items():
            self.register(name, value)

    def register(self, name: str, frame: Any) -> "SQLContext":
        """Make ``frame`` (a DataFrame, LazyFrame or Arrow-compatible data) known as ``name``."""
        if not isinstance(name, str) or not name:
            raise TypeError("a table name must be a non-empty string")
        self._tables[name] = _as_lazy(frame, name, strict=True)
        return self

    def register_many(self, frames: Mapping[str, Any] | None = None, **named: Any) -> "SQLContext":
        for name, value in {**dict(frames or {}), **named}.items():
            self.register(name, value)
        return self

    def unregister(self, names: str | Sequence[str]) -> "SQLContext":
        """Forget one or several tables (unknown names are ignored)."""
        for name in [names] if isinstance(names, str) else list(names):
            self._tables.pop(name, None)
        return self

    def tables(self) -> list[str]:
        """The registered table names, sorted."""
        return sorted(self._tables)

    def execute(self, query: str, params: Sequence[Any] | None = None, *, eager: bool = False,
                sql_mode: str | Sequence[str] | None = None) -> Any:
        """Run ``query``; registered tables first, then the caller's scope (as :func:`sql`).
        ``sql_mode`` overrides the context's parser modes for this query."""
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        mode = self._sql_mode if sql_mode is None else sql_mode
        try:
            return _run(_with_sql_mode(query, mode) if isinstance(query, str) else query, params, eager,
                        self._tables, caller)
        finally:
            del frame, caller

    def __repr__(self) -> str:
        return f"<SQLContext tables={self.tables()}>"


def _as_lazy(obj: Any, name: str, *, strict: bool) -> LazyFrame | None:
    from .frame import DataFrame

    if isinstance(obj, LazyFrame):
        return obj
    if isinstance(obj, DataFrame):
        return obj.lazy()
    if _is_table_like(obj):
        return DataFrame(obj).lazy()
    if strict:
        raise TypeError(f"cannot use {type(obj).__name__} as SQL table {name!r}; "
                        "pass a DataFrame, LazyFrame, pyarrow table, pandas frame or Arrow stream")
    return None


def _is_table_like(obj: Any) -> bool:
    if hasattr(obj, "__arrow_c_stream__"):
        return True
    mod = type(obj).__module__
    return (mod.startswith("pyarrow") and type(obj).__name__ in ("Table", "RecordBatch", "RecordBatchReader")) or (
        mod.startswith("pandas") and type(obj).__name__ == "DataFrame")


def _view_statement(view: dict[str, Any], params: Sequence[Any] | None, registry: Mapping[str, LazyFrame],
                    caller: Any) -> None:
    """CREATE [OR REPLACE] VIEW / DROP VIEW [IF EXISTS] in a SQLContext: a view is the
    LazyFrame of its query (as the engine writes it back, the view's column list applied),
    registered under its name; its tables are looked up now, as the context's tables are."""
    if not isinstance(registry, dict) or registry is _NO_VIEWS:
        raise NotSupportedError("CREATE VIEW and DROP VIEW need a SQLContext, which keeps the views: "
                                "ctx = ax.SQLContext(...); ctx.execute('CREATE VIEW …')")
    if view["drop"]:
        missing = [n for n in view["names"] if n not in registry]
        if missing and not view.get("if_exists"):
            raise TableNotFoundError(f"view '{missing[0]}' not found; the context has: "
                                     + (", ".join(f"'{n}'" for n in sorted(registry)) or "no tables"),
                                     {"table": missing[0], "suggestions": suggest(missing[0], list(registry))})
        for n in view["names"]:
            registry.pop(n, None)
        return None
    name = view["names"][0]
    if name in registry and not view.get("or_replace"):
        raise InvalidInputError(f"a table or view '{name}' exists already; write CREATE OR REPLACE VIEW "
                                "or DROP VIEW first")
    registry[name] = _run(view["query"], params, False, registry, caller)
    return None


# The registry ax.sql passes: a query outside a SQLContext has nowhere to keep a view.
_NO_VIEWS: dict[str, LazyFrame] = {}


def _scope_tables(registry: Mapping[str, LazyFrame], caller: Any) -> list[str]:
    """The names a query could read as tables: the registered ones, then the
    caller's variables that hold frames (checked by type, not converted)."""
    from .frame import DataFrame

    names = list(registry)
    if caller is not None:
        for scope in (caller.f_locals, caller.f_globals):
            for k, v in list(scope.items()):
                if (isinstance(k, str) and not k.startswith("_") and k not in names
                        and (isinstance(v, (DataFrame, LazyFrame)) or _is_table_like(v))):
                    names.append(k)
    return names


def _table_not_found(e: TableNotFoundError, registry: Mapping[str, LazyFrame], caller: Any) -> TableNotFoundError:
    """The engine's TableNotFoundError, which knows only the tables the query
    named that were found (and its CTEs and views), told again with every table
    in scope and the closest names among them."""
    available = list(e.details.get("available") or [])
    for name in _scope_tables(registry, caller):
        if name.lower() not in {a.lower() for a in available}:
            available.append(name)
    if not available:
        return e
    sugg = suggest(e.table, available)
    msg = f"table '{e.table}' not found"
    if sugg:
        msg += "; did you mean " + ", ".join(f"'{s}'" for s in sugg) + "?"
    shown = sorted(available, key=str.lower)
    more = len(shown) - 20
    msg += " Tables in scope: " + ", ".join(f"'{s}'" for s in shown[:20]) + (f", … ({more} more)" if more > 0 else "")
    return TableNotFoundError(msg, {**e.details, "suggestions": sugg, "available": shown})


def _lookup(name: str, registry: Mapping[str, LazyFrame], caller: Any) -> LazyFrame | None:
    scopes: list[Mapping[str, Any]] = [registry]
    if caller is not None:
        scopes += [caller.f_locals, caller.f_globals]
    for i, scope in enumerate(scopes):
        found = scope.get(name)
        if found is None:
            lower = name.lower()
            found = next((v for k, v in scope.items() if isinstance(k, str) and k.lower() == lower), None)
        if found is not None:
            lf = found if i == 0 else _as_lazy(found, name, strict=False)
            if lf is not None:
                return lf
    return None


def _run(query: str, params: Sequence[Any] | None, eager: bool, registry: Mapping[str, LazyFrame],
         caller: Any) -> Any:
    if not isinstance(query, str):
        raise TypeError(f"the SQL query must be a str, got {type(query).__name__}")
    info = _ffi.sql_inspect(query)
    if info.get("view"):
        return _view_statement(info["view"], params, registry, caller)
    tables: dict[str, Any] = {}
    for name in info["tables"]:
        lf = _lookup(name, registry, caller)
        if lf is not None:
            tables[name] = lf._plan
    if params is not None and (isinstance(params, (str, bytes)) or not isinstance(params, Sequence)):
        raise TypeError("params must be a list or tuple of values, one per ? placeholder")
    node = {"kind": "sql", "query": query, "params": [_lit_node(p) for p in (params or [])], "tables": tables}
    lf = LazyFrame._of(node)
    try:
        lf.collect_schema()  # compile now: unknown tables and columns, type errors raise here
    except TableNotFoundError as e:
        unresolved = {n.lower() for n in info["tables"] if n not in tables}
        if not isinstance(e.table, str) or e.table.lower() not in unresolved:
            raise
        raise _table_not_found(e, registry, caller) from None
    if info["explain"]:
        return lf.explain(analyze=info.get("analyze", False))
    return lf.collect() if eager else lf
