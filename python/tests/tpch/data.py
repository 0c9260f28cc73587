"""TPC-H data as Parquet, written by ``tpchgen-cli`` (for the tests and bench/tpch.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .sql import TABLES


def tpchgen() -> Path | None:
    """``tpchgen-cli`` beside the Python interpreter, else on PATH; None when it is not installed."""
    exe = Path(sys.executable).parent / "tpchgen-cli"
    if exe.is_file():
        return exe
    found = shutil.which("tpchgen-cli")
    return Path(found) if found else None


def generate(exe: Path, sf: str, out: Path, timeout: float) -> None:
    """Write scale factor ``sf`` into ``out``, one ``<table>.parquet`` per table (replacing ``out``).

    The files are generated beside ``out`` and renamed, so an interrupted run never leaves half a data set.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"tpch-sf{sf}-", dir=out.parent))
    try:
        cmd = [os.fspath(exe), "parquet", "-s", sf, f"--output-dir={tmp}"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
        missing = [n for n in TABLES if not (tmp / f"{n}.parquet").is_file()]
        if missing:
            raise RuntimeError(f"tpchgen-cli wrote no file for {missing} in {tmp}: {sorted(os.listdir(tmp))}")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
