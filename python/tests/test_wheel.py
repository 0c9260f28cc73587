"""The wheel is platform-tagged, carries libalopex.so, and works without Go."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("go") is None, reason="building the wheel needs Go")
def test_wheel_installs_and_runs_without_go(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True, cwd=tmp_path,
    )
    wheels = list(dist.glob("alopex-*.whl"))
    assert len(wheels) == 1, wheels
    wheel = wheels[0]
    assert wheel.name.endswith("-py3-none-linux_x86_64.whl") or "-py3-none-" in wheel.name, wheel.name
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "alopex/libalopex.so" in names and "alopex/__init__.py" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True)

    go_dir = str(Path(shutil.which("go")).resolve().parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != Path(go_dir) and not (Path(p) / "go").exists())
    env = {"PATH": path, "HOME": str(tmp_path)}
    script = (
        "import shutil, alopex as ax\n"
        "assert shutil.which('go') is None, 'go is still on PATH'\n"
        "df = ax.DataFrame({'a': [1, 2, 3]})\n"
        "print(df.filter(ax.col('a') > 1).select((ax.col('a') * 10).alias('b'))['b'].to_list())\n"
        "print(ax.__file__)\n"
    )
    out = subprocess.run([str(py), "-c", script], check=True, capture_output=True, text=True, env=env, cwd=tmp_path)
    lines = out.stdout.splitlines()
    assert lines[0] == "[20, 30]"
    assert str(venv) in lines[1]
