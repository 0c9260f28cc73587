"""LIKE / NOT LIKE with a pattern computed per row (a column, an expression, a number read
as text, ESCAPE), against DuckDB (both compare characters exactly) and MySQL 8's documented
escape rules."""

from __future__ import annotations

import pyarrow as pa
import pytest
from conftest import sorted_rows

import alopex as ax

duckdb = pytest.importorskip("duckdb")

T = pa.table({
    "id": list(range(12)),
    "s": ["abc", "abd", "xabcx", "a%c", "a_c", "ABC", "", None, "10%", "100", "aéc", "a\nc"],
    "p": ["a%", "%bd", "%abc%", "a|%c", "a|_c", "abc", "%", "a%", None, "10|%", "a_c", "a_c"],
    "pre": ["a", "ab", "x", "a", "a", "A", "", "z", "1", "1", "a", "a"],
})


def _both(query: str):
    got = ax.SQLContext(t=T).execute(query, eager=True).to_arrow()
    con = duckdb.connect()
    con.register("t", T)
    want = con.sql(query).to_arrow_table()
    assert sorted_rows(got) == sorted_rows(want), query
    return got


@pytest.mark.parametrize("query", [
    "SELECT id, s LIKE p ESCAPE '|' AS m FROM t",
    "SELECT id, s NOT LIKE p ESCAPE '|' AS m FROM t",
    "SELECT id FROM t WHERE s LIKE p ESCAPE '|'",
    "SELECT id FROM t WHERE s NOT LIKE p ESCAPE '|'",
    "SELECT id FROM t WHERE s LIKE CONCAT(pre, '%')",
    "SELECT id FROM t WHERE s LIKE CONCAT('%', pre, '%') AND id > 2",
    "SELECT id, s LIKE CONCAT(pre, '_') AS m FROM t",
    "SELECT a.id, b.id AS bid FROM t a JOIN t b ON a.s LIKE b.p ESCAPE '|'",
])
def test_like_computed_pattern_matches_duckdb(query):
    _both(query)


def test_like_default_escape_is_backslash_as_mysql():
    # MySQL's default ESCAPE is '\\' (DuckDB has none): '10\\%' matches only '10%'.
    u = pa.table({"s": ["10%", "100", "10\\x"], "p": ["10\\%", "10\\%", "10\\"]})
    got = ax.SQLContext(u=u).execute("SELECT s, s LIKE p AS m FROM u", eager=True).to_dict(as_series=False)
    assert got == {"s": ["10%", "100", "10\\x"], "m": [True, False, False]}


def test_like_number_pattern_and_ilike():
    u = pa.table({"n": [3, 13, 31], "s": ["aB", "Ab", "x"], "p": ["a%", "A%", "X"]})
    ctx = ax.SQLContext(u=u)
    # A number pattern is its text (MySQL): 3 LIKE n.
    assert ctx.execute("SELECT n FROM u WHERE CAST(n AS CHAR) LIKE CONCAT('%', 3)", eager=True)["n"].to_list() == [3, 13]
    assert ctx.execute("SELECT s FROM u WHERE s ILIKE p", eager=True)["s"].to_list() == ["aB", "Ab", "x"]


def test_like_escape_must_be_one_character():
    u = pa.table({"s": ["a"], "p": ["a"]})
    with pytest.raises(ax.SQLSyntaxError):
        ax.SQLContext(u=u).execute("SELECT s LIKE p ESCAPE 'ab' FROM u", eager=True)
