"""Each function is one registry entry (lazy/fn): every Python method that builds a
call, every SQL name of an entry and the SQL docs map to the engine's functions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import alopex as ax
from alopex import _ffi

PKG = Path(ax.__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "sql.md"

FUNCTIONS = _ffi.engine_functions()
ENTRIES = FUNCTIONS  # every function is an entry of the registry (scalar or window)
KNOWN = {f["name"] for f in FUNCTIONS}

# The namespaces whose _call prefixes the method's name (expr_str.py: "str.").
PREFIXES = {"expr_str.py": "str.", "expr_list.py": "list.", "expr_dt.py": "dt."}


def python_call_names() -> set[tuple[str, str]]:
    """(file, engine function name) of every literal ``_call("name", …)`` in the package."""
    out = set()
    for path in PKG.glob("*.py"):
        prefix = PREFIXES.get(path.name, "")
        for name in re.findall(r'\b_(?:call|call_nodes|part)\("([a-z_0-9.]*[a-z_0-9])"', path.read_text()):
            full = name if "." in name or not prefix else prefix + name
            out.add((path.name, full))
    return out


def test_registry_is_not_empty():
    assert {"str.contains", "str.to_uppercase", "list.join", "sql.number_prefix", "dt.year", "temporal_add",
            "is_in", "cum_sum", "rank", "frame_agg"} <= {f["name"] for f in ENTRIES}
    assert {f["name"] for f in ENTRIES if f.get("window")} >= {"cum_sum", "shift", "diff", "rank"}


@pytest.mark.parametrize("where,name", sorted(python_call_names()))
def test_python_calls_name_engine_functions(where, name):
    prefix = PREFIXES.get(where, "")
    candidates = {name, name.removeprefix(prefix), prefix + name}
    assert candidates & KNOWN, f"{where} calls {name!r}, which the engine does not define"


@pytest.mark.parametrize("entry", [f for f in ENTRIES if f.get("python")], ids=lambda f: f["name"])
def test_entry_python_methods_exist(entry):
    for method in entry["python"]:
        path = method.split(".")
        assert path[0] in ("Expr", "ax")
        obj = ax.col("x") if path[0] == "Expr" else ax
        for attr in path[1:]:
            assert hasattr(obj, attr), f"{entry['name']}: no Python method {method}"
            obj = getattr(obj, attr)
        assert callable(obj)


@pytest.mark.parametrize("entry", [f for f in ENTRIES if f.get("sql")], ids=lambda f: f["name"])
def test_entry_sql_names_are_documented(entry):
    text = DOCS.read_text().upper()
    for alias in entry["sql"]:
        assert re.search(rf"\b{alias.upper()}\b", text), f"{alias} ({entry['name']}) is not in docs/sql.md"


ONE_ARG_STRINGS = [f for f in ENTRIES if f.get("sql") and f["name"].startswith("str.")]


@pytest.mark.parametrize("entry", ONE_ARG_STRINGS, ids=lambda f: f["name"])
def test_sql_name_gives_the_python_method(entry):
    """A SQL name of an entry is the same function: its result equals the Python method's."""
    df = ax.DataFrame({"s": ["Alopex", "fox", None, "", "Ünïcode ß"]})
    method = getattr(ax.col("s").str, entry["python"][0].split(".")[-1])
    want = df.select(method().alias("r"))["r"].to_list()
    for alias in entry["sql"]:
        got = ax.sql(f"SELECT {alias}(s) AS r FROM df", eager=True)["r"].to_list()
        assert got == want, (alias, got, want)
        with pytest.raises(ax.InvalidInputError, match=alias.upper()):
            ax.sql(f"SELECT {alias}(s, s) AS r FROM df", eager=True)


ONE_ARG_MATH = [f for f in ENTRIES if f.get("sql") and f["name"] in
                {"abs", "exp", "sin", "cos", "tan", "floor", "ceil"}]


@pytest.mark.parametrize("entry", ONE_ARG_MATH, ids=lambda f: f["name"])
def test_sql_math_name_gives_the_python_method(entry):
    df = ax.DataFrame({"x": [-2.5, 0.0, None, 1.25, float("nan"), 3.0]})
    method = getattr(ax.col("x"), entry["python"][0].split(".")[-1])
    want = df.select(method().alias("r"))["r"].to_list()
    for alias in entry["sql"]:
        got = ax.sql(f"SELECT {alias}(x) AS r FROM df", eager=True)["r"].to_list()
        assert repr(got) == repr(want), (alias, got, want)


def test_sql_pow_is_double_and_coalesce_is_the_python_function():
    df = ax.DataFrame({"a": [2, None, -3, 4], "b": [3, 2, None, -1]})
    for alias in ("pow", "power"):  # MySQL: always DOUBLE
        got = ax.sql(f"SELECT {alias}(a, b) AS r FROM df", eager=True)["r"].to_list()
        assert repr(got) == repr([8.0, None, None, 0.25])
    got = ax.sql("SELECT coalesce(a, b, 0) AS r FROM df", eager=True)["r"].to_list()
    assert got == df.select(ax.coalesce("a", "b", 0).alias("r"))["r"].to_list() == [2, 2, -3, 4]
    with pytest.raises(ax.InvalidInputError, match="COALESCE"):
        ax.sql("SELECT coalesce() AS r FROM df", eager=True)
