"""Every notebook under notebooks/ runs top to bottom without an error.

Run with ``pytest -m notebook python/tests/test_notebooks.py`` (``make test-notebooks``).
Each notebook runs in a fresh kernel started with the interpreter running the
tests (``sys.executable``), with the notebooks folder as working directory.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _kernel_manager():
    """A manager for the "python3" kernel, run by this very interpreter.

    The "python3" spec normally resolves to sys.executable already, but a
    kernel.json installed by the user (~/.local/share/jupyter/kernels/python3)
    could point at another Python, which would test another install of alopex.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    class ThisInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            spec = super().get_kernel_spec(kernel_name)
            spec.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
            return spec

    return KernelManager(kernel_name="python3", kernel_spec_manager=ThisInterpreter())


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[p.name for p in NOTEBOOK_PATHS])
def test_notebook_runs(path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")

    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        km=_kernel_manager(),
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        # The message holds the failing cell's source and its traceback.
        message = re.sub(r"\x1b\[[0-9;]*m", "", str(e))  # drop the traceback's terminal colours
        pytest.fail(f"{path.name} failed:\n{message}", pytrace=False)


def test_notebooks_exist() -> None:
    assert NOTEBOOK_PATHS, f"no notebooks found in {NOTEBOOKS}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[p.name for p in NOTEBOOK_PATHS])
def test_notebook_stored_without_outputs(path: Path) -> None:
    """Notebooks are committed clean: outputs belong to whoever runs them."""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: code cell {i} has stored outputs"
            assert cell.execution_count is None, f"{path.name}: code cell {i} has an execution count"
