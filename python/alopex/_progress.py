"""Whether long queries show a progress bar.

A query still running after :data:`PROGRESS_AFTER_S` seconds shows a tqdm bar
of the rows its scans have read out of the rows their sources announce
(Parquet metadata, in-memory frames), like DuckDB's progress bar. The bar is
on, automatically, when stderr is a terminal or the code runs in a Jupyter
notebook, and off otherwise (scripts whose output is redirected, tests).
``set_progress(False)`` turns it off everywhere, ``set_progress(True)`` on
everywhere, ``set_progress(None)`` back to automatic; ``collect(progress=…)``
decides for one query. ``ax.Config(progress=…)`` is built on these functions.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

#: A query shows its bar once it has run this long (seconds).
PROGRESS_AFTER_S = 2.0

_progress: bool | None = None
_warned_no_tqdm = False


def set_progress(value: bool | None) -> None:
    """Show progress bars always (True), never (False) or automatically (None):
    when stderr is a terminal or in a notebook."""
    global _progress
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"set_progress takes True, False or None, not {value!r}")
    _progress = value


def progress_enabled() -> bool | None:
    """The switch :func:`set_progress` sets: True, False, or None (automatic)."""
    return _progress


def _interactive() -> bool:
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return True
    except (AttributeError, ValueError):  # a replaced or closed stream
        pass
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except AttributeError:
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def show_progress(arg: bool | None = None) -> bool:
    """Whether a query shows its bar: the call's ``progress=`` argument, else
    the switch, else whether the session is interactive."""
    if arg is not None:
        if not isinstance(arg, bool):
            raise TypeError(f"progress must be True, False or None, not {arg!r}")
        return arg
    if _progress is not None:
        return _progress
    return _interactive()


def tqdm_class(asked: bool) -> Any:
    """tqdm's auto bar class, or None when tqdm is missing (a warning, once,
    when the bar was asked for explicitly)."""
    global _warned_no_tqdm
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if asked and not _warned_no_tqdm:
            _warned_no_tqdm = True
            warnings.warn("progress bars need tqdm: pip install tqdm", stacklevel=3)
        return None
    return tqdm
