"""The binding to libalopex: cffi in ABI mode, error mapping, handles.

Every call into Go goes through :func:`check`, which turns a failed status
into the exception of :mod:`alopex.exceptions`. cffi releases the GIL during
calls, so queries from several Python threads run in parallel in Go.
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import weakref
from pathlib import Path
from typing import Any, Callable

import cffi

from . import _progress, exceptions
from ._cdef import CDEF, TYPES

ffi = cffi.FFI()
ffi.cdef(TYPES)
ffi.cdef(CDEF)

_LIB_NAME = "libalopex.so"


def _library_path() -> str:
    override = os.environ.get("ALOPEX_LIBRARY")
    if override:
        return override
    path = Path(__file__).with_name(_LIB_NAME)
    if not path.exists():
        raise ImportError(
            f"alopex's engine library {_LIB_NAME} is missing from {path.parent}. "
            "Install the package with `pip install .` (which builds it with Go), "
            "or run `make dev` for an editable install."
        )
    return str(path)


lib = ffi.dlopen(_library_path())

_pid = os.getpid()
_forked = False


def _after_fork_in_child() -> None:
    global _forked
    _forked = True


os.register_at_fork(after_in_child=_after_fork_in_child)


def ensure_usable() -> None:
    """Raise instead of hanging when used in a child forked after loading."""
    if _forked or os.getpid() != _pid:
        raise exceptions.AlopexError(
            "alopex cannot be used in a process forked after alopex was imported: the Go "
            "runtime inside it does not survive fork(). Use multiprocessing with the "
            "'spawn' or 'forkserver' start method (multiprocessing.get_context('spawn')), "
            "or import alopex only inside the child process."
        )


def take_string(p: Any) -> str:
    """Read and free a malloc'd C string from Go."""
    try:
        return ffi.string(p).decode("utf-8", errors="replace")
    finally:
        lib.alopex_free(p)


def check(fn: Callable[..., int], *args: Any) -> None:
    """Call an export taking a trailing ``char** err``; raise on failure."""
    ensure_usable()
    err = ffi.new("char**")
    status = fn(*args, err)
    if status != 0:
        raise error_from(status, err)


def error_from(status: int, err: Any) -> Exception:
    if err[0] == ffi.NULL:
        return exceptions.InternalError(f"engine call failed with status {status} and no message")
    payload = take_string(err[0])
    try:
        data = json.loads(payload)
    except ValueError:
        data = {"kind": status, "message": payload}
    return exceptions.from_engine(int(data.get("kind", status)), data.get("message", ""), data.get("details"))


def engine_functions() -> list[dict[str, Any]]:
    """The engine's functions (capi/functions.go): name, Python methods, SQL names, and a
    ``window`` or ``aggregate`` flag."""
    out = ffi.new("char**")
    lib.alopex_functions(out)
    return json.loads(take_string(out[0]))


def engine_version() -> str:
    out = ffi.new("char**")
    lib.alopex_version(out)
    return take_string(out[0])


class TableHandle:
    """Owns one reference to a Go table; released when collected or closed."""

    __slots__ = ("value", "_finalizer", "__weakref__")

    def __init__(self, value: int):
        self.value = value
        self._finalizer = weakref.finalize(self, _release_table, value)

    def close(self) -> None:
        self._finalizer()

    def num_rows(self) -> int:
        out = ffi.new("int64_t*")
        check(lib.alopex_table_num_rows, self.value, out)
        return int(out[0])


def _release_table(value: int) -> None:
    if not _forked:
        lib.alopex_table_release(value)


def import_stream(stream_export: Callable[[int], None]) -> TableHandle:
    """Hand an Arrow stream to Go without copying its buffers.

    ``stream_export`` writes an ArrowArrayStream to the address it is given
    (for example ``RecordBatchReader._export_to_c``).
    """
    ensure_usable()
    stream = ffi.new("char[]", 64)  # sizeof(struct ArrowArrayStream) is 40
    stream_export(int(ffi.cast("uintptr_t", stream)))
    out = ffi.new("uint64_t*")
    check(lib.alopex_table_import, stream, out)
    return TableHandle(int(out[0]))


# From this many columns a table is wide (capi/tables.go's wideTable): the
# engine's objects for its columns cost more than keeping them saves.
WIDE_COLUMNS = 10_000


def export_table(handle: TableHandle, release_wide: bool = False):
    """Read a Go table into a pyarrow Table sharing Go's buffers.

    With ``release_wide``, the handle of a wide table is closed once pyarrow
    has its schema and before it imports the columns: the exported buffers
    stay alive, and the Go objects of its columns are freed before pyarrow
    builds its own (they would add up in a frame of 100k columns).
    """
    import pyarrow as pa

    stream = ffi.new("char[]", 64)
    check(lib.alopex_table_export, handle.value, stream)
    reader = pa.RecordBatchReader._import_from_c(int(ffi.cast("uintptr_t", stream)))
    if release_wide and len(reader.schema) >= WIDE_COLUMNS:
        handle.close()
    return reader.read_all()


_WAIT_MS = 50

#: A wait shows the engine's long tasks (building a stored vector index on
#: its first search) as a tqdm bar once it has waited this long, when tqdm
#: is installed.
PROGRESS_AFTER_S = 1.0


def progress() -> list[dict[str, Any]]:
    """The engine's running long tasks: what, done, total (an estimate), seconds."""
    out = ffi.new("char**")
    check(lib.alopex_progress, out)
    return [] if out[0] == ffi.NULL else json.loads(take_string(out[0]))


class _TaskBar:
    """tqdm bars over the engine's running tasks, while a call waits.

    ``own`` names the waiting query's own task (``query#<job>``, its rows
    scanned): shown when ``show_own`` once the query has run
    ``_progress.PROGRESS_AFTER_S``. Other long tasks (building a stored
    vector index) show after :data:`PROGRESS_AFTER_S` unless ``show_others``
    is False (default: unless ``ax.set_progress(False)``); other queries'
    tasks never show here.
    """

    def __init__(self, own: str | None = None, show_own: bool = False, show_others: bool | None = None,
                 asked: bool = False) -> None:
        import time

        if show_others is None:  # unless ax.set_progress(False) turned bars off
            show_others = _progress.progress_enabled() is not False

        self._clock = time.monotonic
        self._since = self._clock()
        self._own, self._show_own, self._show_others, self._asked = own, show_own, show_others, asked
        self._bar: Any = None
        self._what = ""

    def poll(self) -> None:
        waited = self._clock() - self._since
        own_due = self._show_own and waited >= _progress.PROGRESS_AFTER_S
        others_due = self._show_others and waited >= PROGRESS_AFTER_S
        if not (own_due or others_due):
            return
        tasks = progress()
        t = None
        if own_due:
            t = next((x for x in tasks if x["what"] == self._own), None)
        if t is None and others_due:
            t = next((x for x in tasks if not x["what"].startswith("query#")), None)
        if t is None:
            if self._what != self._own:  # a finished index build: its bar goes
                self.close()
            return
        if self._bar is None or t["what"] != self._what:
            self.close()
            tqdm = _progress.tqdm_class(self._asked)
            if tqdm is None:
                self._show_own = self._show_others = False  # no bar: stop asking
                return
            self._what = t["what"]
            own = t["what"] == self._own
            self._bar = tqdm(total=t["total"] or None, desc="query" if own else t["what"], unit="row",
                             leave=False, unit_scale=own)
        if t["total"]:
            self._bar.total = max(self._bar.total or 0, t["total"])
        self._bar.update(t["done"] - self._bar.n)

    def finish(self) -> None:
        """The waiting query ended well: its bar shows all rows read, then goes."""
        if self._bar is not None and self._what == self._own:
            if self._bar.total:
                self._bar.update(self._bar.total - self._bar.n)
            self._bar.refresh()
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._what = ""


#: Flags of alopex_query_start_flags (capi/query.go).
QUERY_PROFILE, QUERY_PROGRESS, QUERY_NOTES = 1, 2, 4

_log = logging.getLogger("alopex")


def run_query(plan: bytes, sources: list[TableHandle], *, progress: bool | None = None) -> TableHandle:
    """Run a serialized plan; Ctrl-C cancels the Go work and re-raises.

    The query runs on a Go goroutine; this thread waits for it in short
    slices (the GIL released) so that KeyboardInterrupt is delivered between
    them, and shows a progress bar when the query runs long (see
    :mod:`alopex._progress`; ``progress`` decides for this query).
    """
    return run_query_report(plan, sources, progress=progress)[0]


def run_query_report(plan: bytes, sources: list[TableHandle], *, profile: bool = False,
                     progress: bool | None = None) -> tuple[TableHandle, dict[str, Any]]:
    """:func:`run_query` that also returns the engine's report: with
    ``profile``, ``nodes`` (counters per plan node) and ``text`` (EXPLAIN
    ANALYZE); ``notes`` when the "alopex" logger takes DEBUG (they are logged
    here too)."""
    ensure_usable()
    show = _progress.show_progress(progress)
    notes = _log.isEnabledFor(logging.DEBUG)
    flags = (QUERY_PROFILE if profile else 0) | (QUERY_PROGRESS if show else 0) | (QUERY_NOTES if notes else 0)
    handles = ffi.new("uint64_t[]", [s.value for s in sources] or [0])
    job = ffi.new("uint64_t*")
    check(lib.alopex_query_start_flags, plan, len(plan), handles, len(sources), flags, job)
    job_id = int(job[0])
    bar = _TaskBar(own=f"query#{job_id}", show_own=show, show_others=None if progress is None else progress,
                   asked=progress is True or _progress.progress_enabled() is True)
    report: dict[str, Any] = {}

    def take_report() -> None:
        if flags:
            out = ffi.new("char**")
            check(lib.alopex_job_report, job_id, out)
            report.update(json.loads(take_string(out[0])))

    table = wait_job(job_id, bar=bar, on_done=take_report)
    for note in report.get("notes", []):
        _log.debug("%s", note)
    return table, report


def wait_job(job_id: int, *, bar: _TaskBar | None = None, on_done: Callable[[], None] | None = None) -> TableHandle:
    """Wait for a started job's table; Ctrl-C cancels the Go work and re-raises.

    This thread waits in short slices so that KeyboardInterrupt is delivered
    between them. ``on_done`` runs once the job has succeeded, before its
    handle is released.
    """
    done = ffi.new("int*")
    table = ffi.new("uint64_t*")
    err = ffi.new("char**")
    if bar is None:
        bar = _TaskBar()
    try:
        while True:
            status = lib.alopex_job_wait(job_id, _WAIT_MS, done, table, err)
            if status != 0:
                raise error_from(status, err)
            if done[0]:
                result = TableHandle(int(table[0]))
                if on_done is not None:
                    on_done()
                bar.finish()
                return result
            bar.poll()
    except KeyboardInterrupt:
        lib.alopex_job_cancel(job_id)
        # The engine checks for cancellation between morsels; wait for it to
        # stop so that no work outlives the interrupt.
        while True:
            status = lib.alopex_job_wait(job_id, _WAIT_MS, done, table, err)
            if status != 0:
                if err[0] != ffi.NULL:
                    lib.alopex_free(err[0])
                break
            if done[0]:
                lib.alopex_table_release(int(table[0]))
                break
        raise
    finally:
        bar.close()
        lib.alopex_job_release(job_id)


def describe_plan(plan: bytes, sources: list[TableHandle], what: int) -> str:
    handles = ffi.new("uint64_t[]", [s.value for s in sources] or [0])
    out = ffi.new("char**")
    check(lib.alopex_plan_describe, plan, len(plan), handles, len(sources), what, out)
    return take_string(out[0])


def sql_inspect(query: str) -> dict[str, Any]:
    """Parse SQL in the engine: the base tables it reads and whether it is an EXPLAIN."""
    data = query.encode("utf-8")
    out = ffi.new("char**")
    check(lib.alopex_sql_inspect, data, len(data), out)
    return json.loads(take_string(out[0]))


def debug_panic(where: int) -> None:
    """Ask the engine to panic (0: in the call, 1: on a worker goroutine)."""
    check(lib.alopex_debug_panic, where)




def set_memory_limit(limit: int) -> None:
    check(lib.alopex_set_memory_limit, int(limit))


# --- the embedded database -------------------------------------------------
class DatabaseHandle:
    """Owns an open Go database; closed when collected or by close()."""

    __slots__ = ("value", "_finalizer", "__weakref__")

    def __init__(self, value: int):
        self.value = value
        self._finalizer = weakref.finalize(self, _close_db, value)

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def close(self) -> None:
        if self._finalizer.alive:
            self._finalizer.detach()
            check(lib.alopex_db_close, self.value)


def _close_db(value: int) -> None:
    if not _forked:
        err = ffi.new("char**")
        if lib.alopex_db_close(value, err) != 0 and err[0] != ffi.NULL:
            lib.alopex_free(err[0])


class SessionHandle:
    """Owns a Go session (a connection or a transaction); released (rolling back
    what it has not committed) when collected or closed."""

    __slots__ = ("value", "_finalizer", "__weakref__")

    def __init__(self, value: int):
        self.value = value
        self._finalizer = weakref.finalize(self, _release_session, value)

    def close(self) -> None:
        self._finalizer()


def _release_session(value: int) -> None:
    if not _forked:
        lib.alopex_session_release(value)


def db_open(path: str, opts: bytes) -> DatabaseHandle:
    ensure_usable()
    data = path.encode("utf-8")
    out = ffi.new("uint64_t*")
    check(lib.alopex_db_open, data, len(data), opts, out)
    return DatabaseHandle(int(out[0]))


def db_generation(db: DatabaseHandle) -> Any:
    """The database's read generation word (capi/db.go alopex_db_generation):
    a ``uint64_t*`` valid while the database is open, read with ``word[0]``."""
    out = ffi.new("uintptr_t*")
    check(lib.alopex_db_generation, db.value, out)
    return ffi.cast("uint64_t*", out[0])


def session_new(db: int, *, begin: bool) -> int:
    out = ffi.new("uint64_t*")
    check(lib.alopex_session_new, db, 1 if begin else 0, out)
    return int(out[0])


def session_inherit(dst: SessionHandle, src: SessionHandle) -> None:
    check(lib.alopex_session_inherit, dst.value, src.value)


def session_search(session: SessionHandle, spec: bytes, queries: Any) -> TableHandle:
    """Start a batch vector search (db.search) and wait for its table.
    ``queries`` is a C-contiguous float32 NumPy array (Go copies it)."""
    job = ffi.new("uint64_t*")
    ptr = ffi.from_buffer("float[]", queries) if queries.size else ffi.NULL
    check(lib.alopex_session_search_start, session.value, spec, len(spec), ptr, queries.size, job)
    return wait_job(int(job[0]))


def session_end(session: SessionHandle, *, commit: bool) -> None:
    check(lib.alopex_session_end, session.value, 1 if commit else 0)


def session_exec(session: SessionHandle, plan: bytes, sources: list[Any]) -> int:
    handles = ffi.new("uint64_t[]", [s.value for s in sources] or [0])
    rows = ffi.new("int64_t*")
    check(lib.alopex_session_exec, session.value, plan, len(plan), handles, len(sources), rows)
    return int(rows[0])


def session_load(session: SessionHandle, name: str, table: TableHandle, opts: bytes) -> int:
    rows = ffi.new("int64_t*")
    check(lib.alopex_session_load, session.value, name.encode("utf-8"), table.value, opts, rows)
    return int(rows[0])


def session_load_plan(session: SessionHandle, name: str, plan: bytes, sources: list[Any], opts: bytes) -> int:
    handles = ffi.new("uint64_t[]", [s.value for s in sources] or [0])
    rows = ffi.new("int64_t*")
    check(lib.alopex_session_load_plan, session.value, name.encode("utf-8"), plan, len(plan), handles, len(sources),
          opts, rows)
    return int(rows[0])


def session_catalog(session: SessionHandle) -> dict[str, list[str]]:
    out = ffi.new("char**")
    check(lib.alopex_session_catalog, session.value, out)
    data = json.loads(take_string(out[0]))
    return {"tables": list(data.get("tables") or []), "views": list(data.get("views") or [])}


# Calls of session_execute reuse these: a result buffer, the out/err
# pointers and the length (list.pop and list.append are atomic under the
# GIL, so each thread takes a set of its own).
_EXECUTE_BUF = 1 << 16
_execute_frames: list[Any] = []


def _execute_frame() -> tuple[Any, ...]:
    """A new call frame of session_execute: (buffer, its cdata, out pointers, length, error pointer)."""
    data = bytearray(_EXECUTE_BUF)
    ptrs = ffi.new("char*[2]")
    return (data, ffi.from_buffer(data), ptrs, ffi.new("size_t*"), ptrs + 1)


def session_execute(session: SessionHandle, query: bytes, params: bytes) -> Any:
    """Run one statement; its result read from the compact encoding (sqlexec/compact.go)."""
    if _forked:
        ensure_usable()
    try:
        frame = _execute_frames.pop()
    except IndexError:
        frame = _execute_frame()
    data, buf, ptrs, n, err = frame
    ptrs[1] = ffi.NULL
    status = lib.alopex_session_execute(session.value, query, len(query), params, len(params), buf, _EXECUTE_BUF,
                                        ptrs, n, err)
    try:
        if status != 0:
            raise error_from(status, err)
        if ptrs[0] == ffi.NULL:
            return marshal.loads(data)  # reads one value: the bytes after it are ignored
        try:
            return marshal.loads(ffi.buffer(ptrs[0], n[0]))
        finally:
            lib.alopex_free(ptrs[0])
    finally:
        _execute_frames.append(frame)


# Calls of session_execute_int reuse these: (result buffer, its cdata,
# alopex_frame*), taken and given back as _execute_frames are.
_int_frames: list[Any] = []
_execute_int = lib.alopex_session_execute_int


def _int_frame() -> tuple[Any, ...]:
    data = bytearray(_EXECUTE_BUF)
    buf = ffi.from_buffer(data)
    return (data, buf, ffi.new("alopex_frame*", {"buf": buf, "cap": _EXECUTE_BUF}))


def session_execute_int(session: SessionHandle, query: bytes, v: int) -> Any:
    """session_execute of a statement with one parameter, the int ``v`` (within
    64 bits): the same result through a call with fewer arguments to convert,
    and a point read by an integer primary key (``WHERE pk = ?``) without a Go
    allocation. Status 0 means the result is in the frame's buffer."""
    if _forked:
        ensure_usable()
    try:
        frame = _int_frames.pop()
    except IndexError:
        frame = _int_frame()
    status = _execute_int(session.value, query, len(query), v, frame[2])
    if status == 0:
        data = marshal.loads(frame[0])  # reads one value: the bytes after it are ignored
        _int_frames.append(frame)
        return data
    f = frame[2]
    try:
        if status == -1:  # the result did not fit: malloc'd by Go
            try:
                return marshal.loads(ffi.buffer(f.out, f.len))
            finally:
                lib.alopex_free(f.out)
        raise error_from(status, ffi.addressof(f, "err"))
    finally:
        f.err = ffi.NULL
        _int_frames.append(frame)


def session_executemany(session: SessionHandle, query: bytes, params: bytes, n_rows: int, width: int) -> int:
    rows = ffi.new("int64_t*")
    check(lib.alopex_session_executemany, session.value, query, len(query), params, len(params), n_rows, width, rows)
    return int(rows[0])


def session_in_transaction(session: SessionHandle) -> bool:
    out = ffi.new("int*")
    check(lib.alopex_session_in_transaction, session.value, out)
    return bool(out[0])


def db_backup(db: DatabaseHandle, dest: str) -> None:
    data = dest.encode("utf-8")
    check(lib.alopex_db_backup, db.value, data, len(data))


def db_describe(db: DatabaseHandle) -> list[dict[str, Any]]:
    out = ffi.new("char**")
    check(lib.alopex_db_describe, db.value, out)
    return json.loads(take_string(out[0])) or []
