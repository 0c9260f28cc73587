"""SQLite's sqllogictest corpus (MySQL-flavoured mirror, ../shared/sqllogictest) run on
``ax.connect()``, one fresh in-memory database per file.

KNOWN_FAILURES pins, per file, how many non-skipped records fail today: the test fails when
a number gets worse (and asks for the pin to be lowered when it gets better). Run this file
with ``-s`` to print the per-file counts and the first failures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqllogictest import run_file

# ../shared beside the project root (as in CI)
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "sqllogictest"

FILES = sorted(p.name for p in CORPUS.glob("*.test")) if CORPUS.is_dir() else []

# file -> records that fail today (0 means every non-skipped record passes)
# The failures left in in1.test compare a string or a hex literal (x'303132') with integers,
# which MySQL converts to numbers and Alopex refuses (SchemaError / NotSupportedError);
# none is a wrong answer.
KNOWN_FAILURES: dict[str, int] = {
    "in1.test": 4,
    "in2.test": 0,
    "select1.test": 0,
    "select2.test": 0,
    "select3.test": 0,
}

SLOW = {"select2.test", "select3.test"}


@pytest.mark.skipif(not FILES, reason="the sqllogictest corpus is not present")
@pytest.mark.parametrize("name", [pytest.param(f, marks=pytest.mark.slow) if f in SLOW else f for f in FILES])
def test_sqllogictest(name: str) -> None:
    res = run_file(CORPUS / name)
    print(f"\n{name}: {res.passed}/{res.ran} passed, {res.skipped} skipped")
    for f in res.failures[:10]:
        print("  " + f)
    known = KNOWN_FAILURES.get(name, 0)
    assert res.failed <= known, f"{name}: {res.failed} failures (pinned at {known}); first: {res.failures[:3]}"
    if res.failed < known:
        pytest.fail(f"{name}: only {res.failed} failures now; lower KNOWN_FAILURES[{name!r}] from {known}")
