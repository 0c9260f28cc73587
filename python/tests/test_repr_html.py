"""DataFrame._repr_html_ and Series._repr_html_: escaping, truncation, nulls, alignment, the
dtype row, and the same table shape as Polars' notebook view."""

from __future__ import annotations

from html.parser import HTMLParser

import pyarrow as pa
import pytest

import alopex as ax


class _Cells(HTMLParser):
    """The table as rows of (tag, classes, text), and the <small> shape line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, str, str]]] = []
        self.small = ""
        self._cell: list | None = None
        self._in_small = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = [tag, dict(attrs).get("class", ""), ""]
        elif tag == "small":
            self._in_small = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(tuple(self._cell))
            self._cell = None
        elif tag == "small":
            self._in_small = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data
        elif self._in_small:
            self.small += data


def cells(html: str) -> _Cells:
    p = _Cells()
    p.feed(html)
    return p


def texts(html: str) -> list[list[str]]:
    return [[c[2] for c in row] for row in cells(html).rows]


def test_values_and_names_are_escaped():
    df = ax.DataFrame({"<b>&x": ["<script>alert('x')</script>", "a & b", '"q" > 1']})
    h = df._repr_html_()
    assert "<script>" not in h and "<b>" not in h
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in h and "a &amp; b" in h and "&quot;q&quot; &gt; 1" in h
    assert "&lt;b&gt;&amp;x" in h
    # and a parser reads back exactly the values
    assert texts(h) == [["<b>&x"], ["str"], ["<script>alert('x')</script>"], ["a & b"], ['"q" > 1']]
    s = df["<b>&x"]._repr_html_()
    assert "<script>" not in s and texts(s)[2] == ["<script>alert('x')</script>"]


def test_long_strings_are_cut_with_an_ellipsis():
    long = "x" * 100
    h = ax.DataFrame({"s": [long, "short"]})._repr_html_()
    t = texts(h)
    assert t[2] == ["x" * 31 + "…"] and t[3] == ["short"]
    with ax.Config(fmt_str_lengths=10):
        assert texts(ax.DataFrame({"s": [long]})._repr_html_())[2] == ["x" * 9 + "…"]


def test_nulls_are_marked_and_differ_from_the_string_null():
    df = ax.DataFrame({"a": [1, None], "s": [None, "null"]})
    c = cells(df._repr_html_())
    body = c.rows[2:]
    assert [x[2] for x in body[0]] == ["1", "null"] and "null" in body[0][1][1]
    assert [x[2] for x in body[1]] == ["null", "null"]
    assert "null" in body[1][0][1] and "null" not in body[1][1][1]  # the text "null" is a value


def test_numbers_are_right_aligned_and_the_dtype_row_is_there():
    df = ax.DataFrame({"i": [1, 22], "f": [1.5, None], "s": ["a", "b"], "b": [True, False]})
    c = cells(df._repr_html_())
    assert c.small == "shape: (2, 4)"
    assert [x[2] for x in c.rows[0]] == ["i", "f", "s", "b"]
    assert [x[2] for x in c.rows[1]] == ["i64", "f64", "str", "bool"]
    for row in c.rows:
        assert ["num" in x[1].split() for x in row] == [True, True, False, False]
    h = df._repr_html_()
    assert ".alopex-frame .num { text-align: right; }" in h and '<tr class="dtype">' in h


def test_rows_and_columns_are_cut_as_configured():
    df = ax.DataFrame({f"c{i}": list(range(25)) for i in range(12)})
    assert len(texts(df._repr_html_())[0]) == 12  # notebooks show 75 columns by default, as Polars
    assert len(texts(ax.DataFrame({f"c{i}": [i] for i in range(80)})._repr_html_())[0]) == 37 + 1 + 37
    with ax.Config(tbl_cols=8):
        t = texts(df._repr_html_())
    assert t[0] == ["c0", "c1", "c2", "c3", "…", "c8", "c9", "c10", "c11"]
    assert [r[0] for r in t[2:]] == ["0", "1", "2", "3", "4", "…", "20", "21", "22", "23", "24"]
    c = cells(df._repr_html_())
    assert not any("num" in x[1] for x in c.rows[2 + 5])  # the "…" row is not a number
    with ax.Config(tbl_rows=3, tbl_cols=-1):
        t = texts(df._repr_html_())
        assert len(t[0]) == 12 and [r[0] for r in t[2:]] == ["0", "1", "…", "24"]


def test_series_html():
    c = cells(ax.Series("a", [1, None, 3])._repr_html_())
    assert c.small == "shape: (3,)"
    assert [[x[2] for x in r] for r in c.rows] == [["a"], ["i64"], ["1"], ["null"], ["3"]]
    with ax.Config(tbl_rows=2):
        assert [r[0] for r in texts(ax.Series("a", list(range(9)))._repr_html_())[2:]] == ["0", "…", "8"]


def test_empty_frames():
    assert "(no columns)" in ax.DataFrame({})._repr_html_()
    t = texts(ax.DataFrame({"a": pa.array([], pa.int64())})._repr_html_())
    assert t == [["a"], ["i64"]]


def test_same_shape_as_polars():
    pl = pytest.importorskip("polars")
    data = {"a": list(range(30)), "f": [0.5 * i for i in range(30)], "b": [i % 2 == 0 for i in range(30)]}
    for i in range(9):
        data[f"x{i}"] = list(range(30))
    data80 = {f"y{i}": [i] for i in range(80)}
    with pl.Config(tbl_cols=None):
        assert texts(ax.DataFrame(data80)._repr_html_()) == texts(pl.DataFrame(data80)._repr_html_())
    for rows, cols in [(None, None), (5, 4), (-1, 3), (4, 5)]:
        with ax.Config(tbl_rows=rows, tbl_cols=cols), pl.Config(tbl_rows=rows, tbl_cols=cols):
            ours = cells(ax.DataFrame(data)._repr_html_())
            theirs = cells(pl.DataFrame(data)._repr_html_())
        assert ours.small == theirs.small
        assert [[x[2] for x in r] for r in ours.rows] == [[x[2] for x in r] for r in theirs.rows], (rows, cols)
