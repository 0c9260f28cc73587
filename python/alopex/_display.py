"""Bounded text and HTML rendering of frames, in Polars' style.

Only the rows and columns shown are converted to Python objects, so showing
a frame of a billion rows costs the same as one of ten.

The limits are module state that ``ax.Config`` sets (``tbl_rows``, ``tbl_cols``,
``fmt_str_lengths``) and the shell widens; they are read at each render. A
negative row or column limit shows every row or column, as in Polars.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pyarrow as pa

from .datatypes import SHORT, from_arrow

#: Rows shown (the first half and the last half, with a "…" row between); < 0: all.
MAX_ROWS = 10
#: Columns shown (the first half and the last half, with a "…" column between); < 0: all;
#: None: 8 in text and 75 in HTML (notebooks are wide), as Polars.
MAX_COLS: int | None = None
TEXT_COLS, HTML_COLS = 8, 75
#: Characters a cell shows before it is cut with "…".
MAX_WIDTH = 32

DEFAULTS = {"MAX_ROWS": MAX_ROWS, "MAX_COLS": MAX_COLS, "MAX_WIDTH": MAX_WIDTH}


def _cut(s: str) -> str:
    return s if len(s) <= MAX_WIDTH else s[: max(MAX_WIDTH - 1, 0)] + "…"


def _fmt(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        s = repr(v)
        return s if ("e" in s or "." in s) else s + ".0"
    if isinstance(v, str):
        return _cut(v.replace("\n", "\\n"))
    return _cut(str(v))


def _dtype_label(t: pa.DataType) -> str:
    name = from_arrow(t).name
    return SHORT.get(name, name)


def _is_number(t: pa.DataType) -> bool:
    """Columns whose cells are right-aligned in HTML (as spreadsheets and Polars' notebook view)."""
    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) or pa.types.is_duration(t)


def _split(n: int, limit: int) -> tuple[int, int, bool]:
    """How many of n items to show from the start and from the end, and whether some are
    left out (none when limit < 0 or n fits)."""
    if limit < 0 or n <= limit:
        return n, 0, False
    return (limit + 1) // 2, limit // 2, True


class _Layout:
    """The visible cells of a table: headers, dtype labels, formatted rows; "…" marks cuts.

    ``nulls[r][c]`` says whether a cell holds a null (so HTML can dim it); a cut's "…"
    row and column are neither null nor numbers.
    """

    def __init__(self, table: pa.Table, html: bool):
        n, m = table.num_rows, table.num_columns
        limit = (HTML_COLS if html else TEXT_COLS) if MAX_COLS is None else MAX_COLS
        c_top, c_end, c_cut = _split(m, limit)
        if html and c_cut:  # Polars' notebook view shows an even number: 3 → 1 + 1, where text shows 2 + 1
            c_top = c_end
        col_idx = list(range(c_top)) + list(range(m - c_end, m))
        r_top, r_end, r_cut = _split(n, MAX_ROWS)
        parts = [table.slice(0, r_top)] + ([table.slice(n - r_end, r_end)] if r_end else [])
        self.headers = [table.column_names[i] for i in col_idx]
        self.types = [_dtype_label(table.schema.field(i).type) for i in col_idx]
        self.numeric = [_is_number(table.schema.field(i).type) for i in col_idx]
        self.rows: list[list[str]] = []
        self.nulls: list[list[bool]] = []
        for part in parts:
            cols = [part.column(i).to_pylist() for i in col_idx]
            for r in range(part.num_rows):
                self.rows.append([_fmt(c[r]) for c in cols])
                self.nulls.append([c[r] is None for c in cols])
        #: index of the "…" column in headers (-1: every column is shown)
        self.gap_col = c_top if c_cut else -1
        if c_cut:
            for lst, gap in ((self.headers, "…"), (self.types, ""), (self.numeric, False)):
                lst.insert(c_top, gap)  # type: ignore[arg-type]
            for row, nul in zip(self.rows, self.nulls):
                row.insert(c_top, "…")
                nul.insert(c_top, False)
        #: index of the "…" row in rows (-1: every row is shown)
        self.gap_row = r_top if r_cut else -1
        if r_cut:
            self.rows.insert(r_top, ["…"] * len(self.headers))
            self.nulls.insert(r_top, [False] * len(self.headers))


def render_text(table: pa.Table) -> str:
    n, m = table.num_rows, table.num_columns
    if m == 0:
        return f"shape: ({n:_}, {m:_})\n(no columns)"
    lay = _Layout(table, html=False)
    headers, types, rows = lay.headers, lay.types, lay.rows
    widths = [max([len(h), len(t), 3] + [len(r[i]) for r in rows]) for i, (h, t) in enumerate(zip(headers, types))]

    def line(left: str, fill: str, sep: str, right: str) -> str:
        return left + sep.join(fill * (w + 2) for w in widths) + right

    def row(cells: list[str]) -> str:
        return "│" + "┆".join(" " + c.ljust(w) + " " for c, w in zip(cells, widths)) + "│"

    out = [f"shape: ({n:_}, {m:_})", line("┌", "─", "┬", "┐"), row(headers), row(["---"] * len(headers)), row(types)]
    out.append(line("╞", "═", "╪", "╡"))
    out.extend(row(r) for r in rows)
    out.append(line("└", "─", "┴", "┘"))
    return "\n".join(out)


# Scoped to the frame's own class so that a notebook's other tables keep their style.
# Numbers are right-aligned in tabular figures; text keeps its spaces (pre) on one line;
# the dtype row and nulls are dimmed.
_STYLE = """<style>
.alopex-frame table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.alopex-frame th, .alopex-frame td { padding: 2px 8px; text-align: left; white-space: pre; vertical-align: top; }
.alopex-frame thead tr.dtype td { font-style: italic; opacity: 0.65; border-bottom: 1px solid currentColor; }
.alopex-frame .num { text-align: right; }
.alopex-frame td.null { opacity: 0.5; font-style: italic; }
</style>"""


def _html(table: pa.Table, shape: str) -> str:
    esc = html.escape  # quote=True: < > & " ' all escaped, in names, dtypes and values
    parts = [f'<div class="alopex-frame">{_STYLE}<small>shape: {esc(shape)}</small>',
             '<table class="dataframe" border="1">']
    if table.num_columns == 0:
        parts.append("<tbody><tr><td>(no columns)</td></tr></tbody></table></div>")
        return "".join(parts)
    lay = _Layout(table, html=True)

    def cls(*names: str) -> str:
        names = tuple(x for x in names if x)
        return f' class="{" ".join(names)}"' if names else ""

    parts.append("<thead><tr>")
    parts += [f"<th{cls('num' if num else '')}>{esc(h)}</th>" for h, num in zip(lay.headers, lay.numeric)]
    parts.append('</tr><tr class="dtype">')
    # the gap column's dtype cell is "…" in HTML (blank in text), as Polars draws them
    types = ["…" if i == lay.gap_col else t for i, t in enumerate(lay.types)]
    parts += [f"<td{cls('num' if num else '')}>{esc(t)}</td>" for t, num in zip(types, lay.numeric)]
    parts.append("</tr></thead><tbody>")
    for r, (row, nul) in enumerate(zip(lay.rows, lay.nulls)):
        gap = r == lay.gap_row
        cells = (f"<td{cls('num' if num and not gap else '', 'null' if isnull else '')}>{esc(c)}</td>"
                 for c, num, isnull in zip(row, lay.numeric, nul))
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def render_html(table: pa.Table) -> str:
    return _html(table, f"({table.num_rows:_}, {table.num_columns:_})")


def render_series(name: str, data: pa.ChunkedArray) -> str:
    text = render_text(pa.table({name or " ": data}))
    _, body = text.split("\n", 1)
    return f"shape: ({len(data):_},)\n{body}"


def render_series_html(name: str, data: pa.ChunkedArray) -> str:
    return _html(pa.table({name or " ": data}), f"({len(data):_},)")
