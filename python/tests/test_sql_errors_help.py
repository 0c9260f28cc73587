"""Errors that help (issue 15): the mistakes an analyst makes in SQL, each with the
exception class and the parts of the message that say where and what to write instead.

The survey behind it: each query below was typed as a user would, and its message read;
a message that only the engine's author could read (internal expressions such as
col("x"), parser text such as _UTF8MB4'…', a column listed twice) is a failure here."""

from __future__ import annotations

import datetime

import pytest

import alopex as ax

employees = ax.DataFrame({
    "id": [1, 2, 3],
    "name": ["ann", "bob", "cy"],
    "dept": ["x", "y", "x"],
    "salary": [10.0, 20.0, 30.0],
    "hired": [datetime.date(2020, 1, 1), datetime.date(2021, 6, 1), datetime.date(2022, 3, 4)],
})
depts = ax.DataFrame({"id": [1, 2], "dname": ["x", "y"]})

CASES = [
    # Tables: what is in scope, and the closest name.
    ("SELECT * FROM employee", ax.TableNotFoundError,
     ["table 'employee' not found", "did you mean 'employees'?", "Tables in scope: 'depts', 'employees'"]),
    ("SELECT * FROM emploees", ax.TableNotFoundError, ["did you mean 'employees'?"]),
    ("SELECT * FROM nosuch", ax.TableNotFoundError, ["table 'nosuch' not found", "'depts', 'employees'"]),
    ("SELECT * FROM employees e JOIN depts d ON e.id = x.id", ax.TableNotFoundError,
     ["table or alias 'x' not found", "Available: 'e', 'd'"]),
    # Columns: listed once each, qualified only where two tables share a name.
    ("SELECT nme FROM employees", ax.ColumnNotFoundError,
     ["column 'nme' not found; did you mean 'name'?",
      "Available columns: 'id', 'name', 'dept', 'salary', 'hired'\n", "line 1, column 8",
      "\n  SELECT nme FROM employees\n         ^"]),
    ("SELECT e.nme FROM employees e", ax.ColumnNotFoundError, ["did you mean 'e.name'?"]),
    ("SELECT employees.nam FROM employees JOIN depts ON employees.id = depts.id", ax.ColumnNotFoundError,
     ["did you mean 'employees.name'", "'employees.id', 'name', 'dept', 'salary', 'hired', 'depts.id', 'dname'"]),
    ("SELECT id FROM employees JOIN depts ON employees.id = depts.id", ax.InvalidInputError,
     ["'id' is ambiguous", "employees.id or depts.id", "line 1, column 8"]),
    # Types: the SQL text, its line and column, and what to write.
    ("SELECT * FROM employees WHERE hired > 20200101", ax.ComputeError,
     ["cannot compare Date and Int64 in `hired`>20200101 (line 1, column 31)",
      "\n  SELECT * FROM employees WHERE hired > 20200101\n                                ^",
      "compare with DATE '2020-01-01'"]),
    ("SELECT *\nFROM employees\nWHERE salary > 1\n  AND hired < 3", ax.ComputeError,
     ["(line 4, column 7)", "\n    AND hired < 3\n        ^", "compare with DATE"]),
    ("SELECT name + 1 FROM employees", ax.ComputeError,
     ["`name`+1 (line 1, column 8)", "CAST(… AS DOUBLE)", "CONCAT(a, b)"]),
    ("SELECT SUM(name) FROM employees", ax.ComputeError,
     ["SUM(`name`) (line 1, column 8)", "SUM takes numbers"]),
    ("SELECT AVG(dept) AS a FROM employees GROUP BY id", ax.ComputeError, ["AVG(`dept`)", "AVG takes numbers"]),
    ("SELECT * FROM employees WHERE hired > 'soon'", ax.InvalidInputError,
     ["cannot read 'soon' as a DATE", "write DATE 'YYYY-MM-DD'", "line 1, column 31"]),
    ("SELECT * FROM employees WHERE hired BETWEEN 1 AND 'x'", ax.InvalidInputError, ["cannot read 'x' as a DATE"]),
    # Syntax: a caret under the place and what the parser wanted.
    ("SELECT * FROM employees WHERE", ax.SQLSyntaxError,
     ["at the end of the query", "expected an expression after WHERE"]),
    ("SELECT * FORM employees", ax.SQLSyntaxError,
     ['near "FORM employees"', "\n  SELECT * FORM employees\n           ^", "did you mean FROM?"]),
    ("SELEC * FROM employees", ax.SQLSyntaxError, ["did you mean SELECT?"]),
    ("SELECT name, FROM employees", ax.SQLSyntaxError, ["remove the comma before FROM"]),
    ("SELECT * FROM employees WHERE salary > ", ax.SQLSyntaxError, ["expected an expression after >"]),
    ("SELECT * FROM employees\nWHERE salary > 3 AND (", ax.SQLSyntaxError,
     ["line 2", "\n  WHERE salary > 3 AND (\n", "not closed: add ')'"]),
    ("SELECT order FROM employees", ax.SQLSyntaxError,
     ["ORDER is a reserved word", "quote it with backticks: `order`"]),
    ("SELECT * FROM order", ax.SQLSyntaxError, ["quote it with backticks: `order`"]),
    ("SELECT name AS select FROM employees", ax.SQLSyntaxError, ["quote it with backticks: `select`"]),
    ("SELECT * FROM employees WHERE name = 'a' AND dept = 'x", ax.SQLSyntaxError,
     ["the string that starts here is not closed"]),
    ("SELECT * FROM employees LIMIT -1", ax.SQLSyntaxError, ["LIMIT takes a count of rows"]),
    ("SELECT DATE_ADD(hired, INTERVAL 1 FORTNIGHT) FROM employees", ax.SQLSyntaxError,
     ["an INTERVAL unit is one of", "INTERVAL 14 DAY"]),
    ("SELECT ROW_NUMBER() FROM employees", ax.SQLSyntaxError,
     ["ROW_NUMBER is a window function: add OVER (…)"]),
    ("SELECT * FROM employees WHERE id = ANY (1,2)", ax.SQLSyntaxError, ["ANY and ALL take a subquery", "IN (…)"]),
    ("SELECT * FROM employees WHERE name IS 'a'", ax.SQLSyntaxError, ["IS takes NULL"]),
    # Other mistakes keep their clear messages, now with the place.
    ("SELECT dept, name FROM employees GROUP BY dept", ax.InvalidInputError,
     ["'name' must appear in GROUP BY"]),
    ("SELECT COUNT(*) FROM employees WHERE COUNT(*) > 1", ax.InvalidInputError, ["not allowed in WHERE"]),
    ("SELECT nosuchfn(name, 'abc') FROM employees", ax.NotSupportedError,
     ["NOSUCHFN is not supported", "NOSUCHFN(`name`, 'abc')", "line 1, column 8"]),
    ("SELECT UPPER(name, 'x') FROM employees", ax.InvalidInputError, ["UPPER takes 1 argument(s), got 2"]),
    ("SELECT * FROM employees ORDER BY 9", ax.InvalidInputError, ["position 9 is not in the SELECT list"]),
    ("SELECT id FROM employees UNION SELECT id, dname FROM depts", ax.InvalidInputError,
     ["give 1 and 2 columns"]),
    ("SELECT * FROM employees WHERE id IN (SELECT id, dname FROM depts)", ax.InvalidInputError,
     ["must return one column"]),
    ("SELECT * FROM employees WHERE hired > DATE '2020-13-01'", ax.InvalidInputError,
     ["invalid date literal '2020-13-01'"]),
]


@pytest.mark.parametrize("query,exc,parts", CASES, ids=[c[0][:50] for c in CASES])
def test_error_helps(query, exc, parts):
    ctx = ax.SQLContext(employees=employees, depts=depts)
    with pytest.raises(exc) as info:
        ctx.execute(query)
    msg = str(info.value)
    for part in parts:
        assert part in msg, f"{part!r} not in:\n{msg}"
    # Never the engine's own words for the query's parts.
    for internal in ("_UTF8MB4", "_utf8mb4", 'col("', "employees.id', 'id'"):
        assert internal not in msg, msg


def test_table_suggestion_from_caller_scope():
    orders = ax.DataFrame({"o": [1]})  # noqa: F841 - found by name in this scope
    with pytest.raises(ax.TableNotFoundError) as info:
        ax.sql("SELECT * FROM order_s")
    assert info.value.suggestions[0] == "orders"
    assert "did you mean 'orders'" in str(info.value)


def test_syntax_error_details():
    with pytest.raises(ax.SQLSyntaxError) as info:
        ax.SQLContext(employees=employees).execute("SELECT *\nFORM employees")
    e = info.value
    assert (e.line, e.near) == (2, "FORM employees")
    assert e.details["hint"] == "did you mean FROM?"
    assert str(e).splitlines()[1:3] == ["  FORM employees", "  ^"]


def test_type_error_details():
    with pytest.raises(ax.ComputeError) as info:
        ax.SQLContext(employees=employees).execute("SELECT id\nFROM employees WHERE hired = 20200101")
    e = info.value
    assert (e.details["line"], e.details["column"]) == (2, 22)
    assert e.details["sql"] == "`hired`=20200101"
    assert "compare with DATE '2020-01-01'" in str(e)
