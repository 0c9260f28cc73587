"""Whether long-running work shows a progress bar: on, off, or automatic.

``None`` (the default) is automatic: a bar in terminals and notebooks for work that
runs long. ``ax.Config(progress=…)`` sets it through these two functions.
"""

from __future__ import annotations

_setting: bool | None = None


def set_progress(value: bool | None) -> None:
    """Progress bars on (True), off (False) or automatic (None)."""
    global _setting
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"progress must be True, False or None (automatic), got {type(value).__name__} {value!r}")
    _setting = value


def progress_enabled() -> bool | None:
    """The setting: True, False, or None (automatic)."""
    return _setting
