"""Differential tests of pattern matching without the regex engine.

SQL LIKE (literal segments between % and _, with an escape character) and str.contains
with regexes of literals, '.', '.*', '.+' and anchors are matched segment by segment by a
substring search; these compare them with DuckDB (LIKE) and Polars (str.contains) over random
strings holding multi-byte characters, newlines and the wildcard characters themselves."""

from __future__ import annotations

import random
import re

import pyarrow as pa
import pytest

import alopex as ax

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")

ALPHABET = ["a", "b", "ab", "é", "日", "\n", "%", "_", "!", "x", "e\u0301", "😀"]


def _strings(seed: int, n: int) -> list[str | None]:
    rnd = random.Random(seed)
    out: list[str | None] = []
    for _ in range(n):
        if rnd.random() < 0.1:
            out.append(None)
        else:
            out.append("".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 7))))
    out += ["", "a", "ab", "日", "%", "_", "a\nb", "aé日b"]
    return out


def _like_pattern(rnd: random.Random) -> str:
    """A LIKE pattern whose escape character is '!'."""
    tokens = ["%", "%", "_", "a", "b", "é", "日", "\n", "!%", "!_", "!!", "x", "😀", "e\u0301"]
    return "".join(rnd.choice(tokens) for _ in range(rnd.randint(0, 5)))


def _sql_quote(s: str) -> str:
    # Backslashes are escapes in MySQL literals; none are generated.
    return "'" + s.replace("'", "''") + "'"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_like_matches_duckdb(seed):
    rnd = random.Random(seed)
    t = pa.table({"id": list(range(len(_strings(seed, 150)))), "s": _strings(seed, 150)})
    pats = [_like_pattern(rnd) for _ in range(40)]
    pats += ["%a%b%", "a%", "%b", "_", "__", "%日%_", "%!%%", "!_%", "", "%"]
    cols = ", ".join(
        f"s {'NOT ' if i % 3 == 0 else ''}LIKE {_sql_quote(p)} ESCAPE '!' AS c{i}" for i, p in enumerate(pats)
    )
    q = f"SELECT id, {cols} FROM t ORDER BY id"
    got = ax.SQLContext(t=t).execute(q, eager=True).to_arrow()
    want = duckdb.sql(q).to_arrow_table()
    for i, p in enumerate(pats):
        g, w = got.column(f"c{i}").to_pylist(), want.column(f"c{i}").to_pylist()
        bad = [(s, a, b) for s, a, b in zip(t.column("s").to_pylist(), g, w) if a != b]
        assert not bad, f"LIKE {p!r}: (value, alopex, duckdb) {bad[:5]}"


def test_like_default_escape_is_backslash():
    t = pa.table({"s": ["a%b", "axb", "a_b", "a\\b", None]})
    got = ax.SQLContext(t=t).execute(
        "SELECT s LIKE 'a\\\\%b' AS p, s LIKE 'a\\\\_b' AS u, s LIKE '%\\\\%%' AS q FROM t", eager=True
    ).to_arrow()
    assert got.column("p").to_pylist() == [True, False, False, False, None]
    assert got.column("u").to_pylist() == [False, False, True, False, None]
    assert got.column("q").to_pylist() == [True, False, False, False, None]


def _regex_pattern(rnd: random.Random) -> str:
    tokens = [".", ".*", ".*", ".+", ".{2}", "a", "b", "é", "日", "\n", r"\.", "x", "(ab)", "😀"]
    head = rnd.choice(["", "", "^", "(?s)", "(?s)^"])
    tail = rnd.choice(["", "", "$"])
    return head + "".join(rnd.choice(tokens) for _ in range(rnd.randint(1, 4))) + tail


@pytest.mark.parametrize("seed", [4, 5])
def test_contains_regex_matches_polars(seed):
    rnd = random.Random(seed)
    strings = _strings(seed, 150) + ["a.b", "a\n\nb", "\n"]
    pats = [_regex_pattern(rnd) for _ in range(40)]
    pats += ["special.*requests", "^a", "b$", "a.b", "(?s)a.b", "a.*$", "(?i)a.*b", "a|b.*x", "[ab]+日"]
    exprs = [(ax.col("s").str.contains(p).alias(f"c{i}"), pl.col("s").str.contains(p).alias(f"c{i}"))
             for i, p in enumerate(pats)]
    got = ax.DataFrame(pa.table({"s": strings})).select(*[a for a, _ in exprs]).to_arrow()
    want = pl.DataFrame({"s": strings}).select(*[b for _, b in exprs]).to_arrow()
    for i, p in enumerate(pats):
        g, w = got.column(f"c{i}").to_pylist(), want.column(f"c{i}").to_pylist()
        bad = [(s, a, b) for s, a, b in zip(strings, g, w) if a != b]
        assert not bad, f"str.contains({p!r}): (value, alopex, polars) {bad[:5]}"


def test_contains_dot_does_not_match_newline():
    df = ax.DataFrame(pa.table({"s": ["special\nrequests", "special requests", "specialrequests\n", None]}))
    got = df.select(ax.col("s").str.contains("special.*requests").alias("m"),
                    ax.col("s").str.contains("(?s)special.*requests").alias("s")).to_arrow()
    assert got.column("m").to_pylist() == [False, True, True, None]
    assert got.column("s").to_pylist() == [True, True, True, None]
    assert re.search("special.*requests", "special\nrequests") is None
