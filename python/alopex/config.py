"""The knobs: threads, memory limit, display sizes and progress bars, in the style of ``pl.Config``.

Each knob has a plain function (``ax.set_threads``, ``ax.set_memory_limit``) and a
``Config`` setter; ``Config`` also works as a context manager (or decorator) that puts
every setting back as it found it:

>>> import alopex as ax
>>> with ax.Config(tbl_rows=4, threads=1):
...     ax.thread_pool_size()
1
>>> ax.Config.state()["tbl_rows"]
10

The engine reads two environment variables of the Go runtime when it loads: ``GOMAXPROCS``
(the thread count until ``set_threads`` changes it) and ``GOMEMLIMIT`` (a soft bound on the Go
heap only; ``set_memory_limit`` also narrows how much work scans keep in flight).
"""

from __future__ import annotations

import contextlib
from typing import Any

from . import _display, _ffi, _progress
from ._size import parse_size
from ._validate import int_arg
from .exceptions import InvalidInputError

#: More threads than this is a typo, not a machine: Go allocates per-thread state for each.
MAX_THREADS = 1024

# The memory limit last set through set_memory_limit (None: no bound). The engine's own
# setting only changes through alopex_set_memory_limit, which only this module calls.
_memory_limit: int | None = None


def set_threads(n: int | None) -> None:
    """Use ``n`` threads (cores) for queries, scans and index builds; ``None`` or 0: all cores.

    This is the Go runtime's GOMAXPROCS, which every parallel operator sizes its workers
    by; it applies to queries started afterwards. The ``GOMAXPROCS`` environment variable
    sets it when the engine loads.

    Parameters
    ----------
    n : int or None
        Threads to use, from 1 to 1024; ``None`` or 0 for every core of the machine.

    Examples
    --------
    >>> import alopex as ax
    >>> ax.set_threads(1); ax.thread_pool_size()
    1
    >>> ax.set_threads(None)
    """
    if n is None:
        n = 0
    elif isinstance(n, bool):
        raise TypeError(f"threads must be a whole number or None, got bool {n!r}")
    n = int_arg(n, "threads")
    if not 0 <= n <= MAX_THREADS:
        raise InvalidInputError(f"threads must be between 1 and {MAX_THREADS} (or 0 / None: all cores), got {n}",
                                {"option": "threads", "value": str(n)})
    prev = _ffi.ffi.new("int64_t*")
    _ffi.check(_ffi.lib.alopex_set_threads, n, prev)


def thread_pool_size() -> int:
    """How many threads the engine uses (GOMAXPROCS), as ``pl.thread_pool_size()``.

    >>> import alopex as ax
    >>> ax.thread_pool_size() >= 1
    True
    """
    out = _ffi.ffi.new("int64_t*")
    _ffi.check(_ffi.lib.alopex_threads, out)
    return int(out[0])


def set_memory_limit(limit: int | str | None) -> None:
    """Bound the memory queries use: bytes, or a string like "2GB" or "2GiB" (None: no bound).

    Units are read as DuckDB's ``memory_limit`` reads them (and as ``ax.connect``'s sizes):
    KB, MB, GB, TB (or K, M, G, T) are powers of 1000, KiB, MiB, GiB, TiB powers of 1024;
    fractions ("1.5GB") are fine.

    The engine's working data stays under it (the Go heap's soft limit) and
    scans stream with one morsel per core in flight, so a scan → filter →
    aggregate over files larger than the limit completes within it. Results
    handed to Python are not counted. Embedded databases opened (``ax.connect``)
    after it is set cap the sizes left at their defaults by it: block cache at a
    quarter, each write buffer at a sixteenth, and each transaction's in-memory
    pending writes at an eighth (beyond that a transaction spills to disk).

    >>> import alopex as ax
    >>> ax.set_memory_limit("2GiB"); ax.memory_limit()
    2147483648
    >>> ax.set_memory_limit(None)
    """
    global _memory_limit
    if limit is None:
        _ffi.set_memory_limit(0)
        _memory_limit = None
        return
    if not isinstance(limit, str):
        limit = int_arg(limit, "the memory limit")  # a whole float or NumPy integer, else an error
    size = parse_size(limit, "the memory limit")
    _ffi.set_memory_limit(size)
    _memory_limit = size or None  # 0 means no bound to the engine too


def memory_limit() -> int | None:
    """The memory limit in bytes set by :func:`set_memory_limit` (None: no bound)."""
    return _memory_limit


def _display_count(n: Any, what: str, *, minimum: int | None) -> int | None:
    if n is None:
        return None
    if isinstance(n, bool):
        raise TypeError(f"{what} must be an integer or None, got bool {n!r}")
    n = int_arg(n, what)
    if minimum is not None and n < minimum:
        raise InvalidInputError(f"{what} must be at least {minimum}, got {n}", {"option": what, "value": str(n)})
    return n


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Any = _Unset()


class Config(contextlib.ContextDecorator):
    """Settings for threads, memory, display and progress; restored when a ``with`` block ends.

    As ``pl.Config``: options given to the constructor apply at once; used as a context
    manager (or a decorator) every setting — also ones changed inside the block with the
    setters — goes back to what it was when the block began. The setters are class
    methods that change the setting for the whole process and return the class, so they
    chain: ``ax.Config.set_tbl_rows(20).set_tbl_cols(12)``.

    Parameters
    ----------
    restore_defaults : bool
        Start from the defaults (all cores, no memory limit, 10 rows, 8 columns (75 in
        notebooks), 32 characters, automatic progress) before applying the options.
    threads : int or None
        As :func:`set_threads`.
    memory_limit : int, str or None
        As :func:`set_memory_limit` ("2GB", "512MiB", bytes; None: no bound).
    tbl_rows : int or None
        Rows a DataFrame or Series shows (text and notebooks); negative: all; None: 10.
    tbl_cols : int or None
        Columns a DataFrame shows; negative: all; None: 8 in text, 75 in notebooks (as Polars).
    fmt_str_lengths : int or None
        Characters a cell shows before it is cut with "…"; None: 32.
    progress : bool or None
        Progress bars for long work: on, off, or None (automatic: terminals and notebooks).
    apply_on_context_enter : bool
        Apply the options when a ``with`` block (or a decorated call) begins rather than at
        once: what a decorator wants, since a decorator's Config is made when the function is
        defined.

    Examples
    --------
    >>> import alopex as ax
    >>> df = ax.DataFrame({"a": list(range(100))})
    >>> with ax.Config(tbl_rows=2):
    ...     print(df)
    shape: (100, 1)
    ┌─────┐
    │ a   │
    │ --- │
    │ i64 │
    ╞═════╡
    │ 0   │
    │ …   │
    │ 99  │
    └─────┘
    """

    def __init__(self, *, restore_defaults: bool = False, apply_on_context_enter: bool = False, threads: Any = _UNSET, memory_limit: Any = _UNSET,
                 tbl_rows: Any = _UNSET, tbl_cols: Any = _UNSET, fmt_str_lengths: Any = _UNSET,
                 progress: Any = _UNSET) -> None:
        self._restore_defaults = bool(restore_defaults)
        self._options = {k: v for k, v in (("threads", threads), ("memory_limit", memory_limit),
                                           ("tbl_rows", tbl_rows), ("tbl_cols", tbl_cols),
                                           ("fmt_str_lengths", fmt_str_lengths), ("progress", progress))
                         if v is not _UNSET}
        self._saved: dict[str, Any] | None = None
        if not apply_on_context_enter:
            self._apply()

    def _apply(self) -> None:
        saved = Config.state()
        try:
            if self._restore_defaults:
                Config.restore_defaults()
            for name, value in self._options.items():
                getattr(Config, f"set_{name}")(value)
        except BaseException:
            Config._load(saved)  # a bad option leaves every setting as it was
            raise
        self._saved = saved

    def __enter__(self) -> Config:
        if self._saved is None:  # applied on enter, or a second `with` / decorated call
            self._apply()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            Config._load(self._saved)
            self._saved = None

    # --- the whole state ------------------------------------------------------------------
    @classmethod
    def state(cls) -> dict[str, Any]:
        """Every setting now, by option name (the constructor's keywords)."""
        return {
            "threads": thread_pool_size(),
            "memory_limit": memory_limit(),
            "tbl_rows": _display.MAX_ROWS,
            "tbl_cols": _display.MAX_COLS,
            "fmt_str_lengths": _display.MAX_WIDTH,
            "progress": _progress.progress_enabled(),
        }

    @classmethod
    def _load(cls, state: dict[str, Any]) -> None:
        for name, value in state.items():
            getattr(cls, f"set_{name}")(value)

    @classmethod
    def restore_defaults(cls) -> type[Config]:
        """All cores, no memory limit, 10 rows, 8 columns (75 in notebooks), 32 characters, automatic progress."""
        cls.set_threads(None)
        cls.set_memory_limit(None)
        cls.set_tbl_rows(None)
        cls.set_tbl_cols(None)
        cls.set_fmt_str_lengths(None)
        cls.set_progress(None)
        return cls

    # --- one setter per option ---------------------------------------------------------------
    @classmethod
    def set_threads(cls, n: int | None) -> type[Config]:
        """Threads for queries (:func:`set_threads`); None: all cores."""
        set_threads(n)
        return cls

    @classmethod
    def set_memory_limit(cls, limit: int | str | None) -> type[Config]:
        """The memory limit (:func:`set_memory_limit`): bytes or "2GB"; None: no bound."""
        set_memory_limit(limit)
        return cls

    @classmethod
    def set_tbl_rows(cls, n: int | None) -> type[Config]:
        """Rows a DataFrame or Series shows (half from the start, half from the end); negative: all; None: 10."""
        n = _display_count(n, "tbl_rows", minimum=None)
        _display.MAX_ROWS = _display.DEFAULTS["MAX_ROWS"] if n is None else n
        return cls

    @classmethod
    def set_tbl_cols(cls, n: int | None) -> type[Config]:
        """Columns a DataFrame shows (half from the start, half from the end); negative: all;
        None: 8 in text, 75 in notebooks."""
        _display.MAX_COLS = _display_count(n, "tbl_cols", minimum=None)
        return cls

    @classmethod
    def set_fmt_str_lengths(cls, n: int | None) -> type[Config]:
        """Characters a cell shows before it is cut with "…" (at least 1); None: 32."""
        n = _display_count(n, "fmt_str_lengths", minimum=1)
        _display.MAX_WIDTH = _display.DEFAULTS["MAX_WIDTH"] if n is None else n
        return cls

    @classmethod
    def set_progress(cls, value: bool | None) -> type[Config]:
        """Progress bars on (True), off (False) or automatic (None: in terminals and notebooks)."""
        _progress.set_progress(value)
        return cls
