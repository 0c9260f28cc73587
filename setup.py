"""Builds the Go core into libalopex.so as part of `pip install`.

The engine is a Go c-shared library loaded with cffi in ABI mode, so the
wheel holds no Python extension module: it is tagged py3-none-<platform>
and installs on any CPython >= 3.10 of that platform without Go. The tag
setuptools writes (linux_x86_64) is one PyPI refuses: `make wheel` runs
`auditwheel repair`, which retags it manylinux_2_xx by the glibc symbols the
library uses (docs/building.md).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

ROOT = Path(__file__).resolve().parent
LIB = "libalopex.so"
HEADER = "libalopex.h"


def build_library(out_dir: Path) -> None:
    """Compile ./capi with go build -buildmode=c-shared into out_dir."""
    # The Makefile builds the library itself (so its progress shows) and hands it over here.
    prebuilt = os.environ.get("ALOPEX_PREBUILT_LIB")
    out_dir.mkdir(parents=True, exist_ok=True)
    if prebuilt:
        src = Path(prebuilt).resolve()
        if src != (out_dir / LIB).resolve():  # an editable install builds in place
            shutil.copy(src, out_dir / LIB)
            shutil.copy(src.with_suffix(".h"), out_dir / HEADER)
        return
    go = shutil.which("go")
    if go is None:
        sys.exit("building alopex from source needs Go (https://go.dev/dl); or install a prebuilt wheel")
    env = dict(os.environ, CGO_ENABLED="1")
    # Stripped (-s -w: no symbol table or DWARF; Go's stack traces still work), as the
    # Makefile's GO_LIB_FLAGS, so either build reuses the other's Go build cache.
    cmd = [go, "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w", "-o", str(out_dir / LIB), "./capi"]
    print("building the engine:", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


class BuildPyWithGo(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            build_library(ROOT / "python" / "alopex")
        else:
            build_library(Path(self.build_lib) / "alopex")


class BinaryDistribution(Distribution):
    """Marks the wheel as platform specific (it carries a native library)."""

    def has_ext_modules(self):
        return True


cmdclass = {"build_py": BuildPyWithGo}

try:
    # setuptools >= 70.1 carries bdist_wheel (pyproject.toml requires 77); the wheel package's
    # copy is deprecated.
    from setuptools.command.bdist_wheel import bdist_wheel

    class BdistWheel(bdist_wheel):
        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            _, _, plat = super().get_tag()
            return "py3", "none", plat

    cmdclass["bdist_wheel"] = BdistWheel
except ImportError:  # an older setuptools: sdist/install still work
    pass

setup(cmdclass=cmdclass, distclass=BinaryDistribution)
