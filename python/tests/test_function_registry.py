"""Each function is one registry entry (lazy/fn), aggregates included: every Python method that builds a
call, every SQL name of an entry and the SQL docs map to the engine's functions."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import alopex as ax
from alopex import _ffi

PKG = Path(ax.__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "sql.md"

FUNCTIONS = _ffi.engine_functions()
ENTRIES = FUNCTIONS  # every function is an entry of the registry (scalar or window)
KNOWN = {f["name"] for f in FUNCTIONS}
AGGREGATES = {f["name"]: f for f in FUNCTIONS if f.get("aggregate")}
GROUP_BY = ax.DataFrame({"x": [1]}).lazy().group_by("x")

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
        assert path[0] in ("Expr", "ax", "GroupBy")
        obj = {"Expr": ax.col("x"), "ax": ax, "GroupBy": GROUP_BY}[path[0]]
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


# Aggregates: every Python method that builds an aggregate node names an
# Aggregate entry (lazy/fn/aggregate.go), and the entry lists the method.


def _agg_builders() -> set[tuple[str, str]]:
    """(Python method, aggregate it builds) for every Expr method, ax function and GroupBy
    shortcut that builds an aggregate node, read from their source."""
    import alopex.expr as expr_mod
    from alopex.lazyframe import LazyGroupBy

    pattern = r'(?:\._agg|_pair_agg|_all)\("([a-z_]+)"|_node\("agg", func="([a-z_]+)"'
    out = set()

    def scan(owner: str, name: str, f: Any) -> None:
        if getattr(f, "__closure__", None) and "func" in inspect.getclosurevars(f).nonlocals:
            out.add((f"{owner}.{name}", inspect.getclosurevars(f).nonlocals["func"]))  # ax.sum = _agg_fn("sum")
            return
        try:
            src = inspect.getsource(f)
        except (TypeError, OSError):
            return
        for a, b in re.findall(pattern, src):
            out.add((f"{owner}.{name}", a or b))

    for name, f in vars(ax.Expr).items():
        if callable(f) and not name.startswith("_"):
            scan("Expr", name, f)
    for name, f in vars(expr_mod).items():
        if callable(f) and not name.startswith("_") and getattr(f, "__module__", "") == expr_mod.__name__ \
                and not isinstance(f, type) and getattr(ax, name, None) is f:
            scan("ax", name, f)
    for name, f in vars(LazyGroupBy).items():
        if callable(f) and not name.startswith("_"):
            scan("GroupBy", name, f)
    out |= {("GroupBy.len", "len")}  # builds ax.len() (checked below)
    return out


AGG_BUILDERS = sorted(_agg_builders())


def test_aggregates_are_listed():
    assert {"sum", "mean", "len", "n_unique", "quantile", "corr", "cov", "top_k", "bottom_k"} <= set(AGGREGATES)
    assert not set(AGGREGATES) & {f["name"] for f in FUNCTIONS if not f.get("aggregate")}
    assert len(AGG_BUILDERS) > 40  # the scan found the methods


@pytest.mark.parametrize("method,func", AGG_BUILDERS)
def test_python_aggregate_methods_map_to_entries(method, func):
    assert func in AGGREGATES, f"{method} builds aggregate {func!r}, which the engine does not define"
    assert method in AGGREGATES[func]["python"], f"{method} builds {func}, but the entry does not list it"


def test_group_by_len_builds_len():
    df = ax.DataFrame({"k": [1, 1, 2], "v": [None, 2, 3]})
    assert df.group_by("k", maintain_order=True).len().to_dict(as_series=False) == {"k": [1, 2], "len": [2, 1]}


def test_unknown_aggregate_is_a_clear_error():
    from alopex.expr import Expr, _node

    bogus = Expr(_node("agg", func="mode", expr=ax.col("v")._node))
    with pytest.raises(ax.NotSupportedError, match='aggregate "mode" is not supported'):
        ax.DataFrame({"v": [1, 2]}).select(bogus)


def _documented_sql_aggregates() -> list[str]:
    """The aggregates docs/sql.md's Supported section lists (COUNT … before "window functions")."""
    text = DOCS.read_text()
    m = re.search(r"; (COUNT, .*?); window functions", text, re.S)
    assert m, "docs/sql.md no longer lists the SQL aggregates as this test reads them"
    names = []
    for part in re.split(r"[,/]", m.group(1)):
        part = part.strip()
        if part and "(" not in part:  # COUNT(DISTINCT) is a translation of COUNT
            names.append(part.lower())
    return names


@pytest.mark.parametrize("name", _documented_sql_aggregates())
def test_documented_sql_aggregates_are_entries(name):
    assert any(name in f.get("sql", []) for f in AGGREGATES.values()), \
        f"docs/sql.md lists the aggregate {name.upper()}, which no aggregate entry calls"


def _readme_aggregates() -> list[str]:
    readme = DOCS.parents[1] / "README.md"
    row = next(line for line in readme.read_text().splitlines() if line.startswith("| aggregates |"))
    # Every code name of the row is an aggregate but `agg`, the method they go in.
    return [n for n in re.findall(r"`(?:ax\.)?([a-z_]+)(?:\([^`]*\))?`", row) if n != "agg"]


@pytest.mark.parametrize("name", _readme_aggregates())
def test_readme_aggregates_are_entries(name):
    assert name in AGGREGATES, f"README lists the aggregate {name}, which is no aggregate entry"


@pytest.mark.parametrize("sql,py", [
    ("STDDEV_SAMP(v)", ax.col("v").std(ddof=1)), ("STD(v)", ax.col("v").std(ddof=0)),
    ("VAR_SAMP(v)", ax.col("v").var(ddof=1)), ("VARIANCE(v)", ax.col("v").var(ddof=0)),
    ("MIN(v)", ax.col("v").min()), ("COUNT(v)", ax.col("v").count()), ("AVG(v)", ax.col("v").mean()),
])
def test_sql_aggregate_names_give_the_entry(sql, py):
    """A SQL name of an aggregate is the entry with its parameter (STDDEV_SAMP is std, ddof 1)."""
    df = ax.DataFrame({"k": [1, 1, 1, 2, 2], "v": [1.0, 4.0, 6.5, 2.0, 3.0]})
    got = ax.sql(f"SELECT k, {sql} AS r FROM df GROUP BY k ORDER BY k", eager=True)["r"].to_list()
    want = df.group_by("k", maintain_order=True).agg(py.alias("r"))["r"].to_list()
    assert got == pytest.approx(want)
