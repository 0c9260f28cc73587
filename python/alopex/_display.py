"""Bounded text and HTML rendering of frames, in Polars' style.

Only the rows and columns shown are converted to Python objects, so showing
a frame of a billion rows costs the same as one of ten.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pyarrow as pa

from .datatypes import SHORT, from_arrow

MAX_ROWS = 10
MAX_COLS = 8
MAX_WIDTH = 32


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
        s = v.replace("\n", "\\n")
        return s if len(s) <= MAX_WIDTH else s[: MAX_WIDTH - 1] + "…"
    s = str(v)
    return s if len(s) <= MAX_WIDTH else s[: MAX_WIDTH - 1] + "…"


def _dtype_label(t: pa.DataType) -> str:
    name = from_arrow(t).name
    return SHORT.get(name, name)


def _visible(table: pa.Table) -> tuple[list[int], list[list[str]], bool, bool]:
    n, m = table.num_rows, table.num_columns
    col_idx = list(range(m)) if m <= MAX_COLS else list(range(MAX_COLS // 2)) + list(range(m - MAX_COLS // 2, m))
    cut_cols = m > MAX_COLS
    if n <= MAX_ROWS:
        parts = [table.slice(0, n)]
    else:
        half = MAX_ROWS // 2
        parts = [table.slice(0, half), table.slice(n - half, half)]
    cut_rows = n > MAX_ROWS
    rows: list[list[str]] = []
    for part in parts:
        cols = [part.column(i).to_pylist() for i in col_idx]
        for r in range(part.num_rows):
            rows.append([_fmt(c[r]) for c in cols])
    return col_idx, rows, cut_rows, cut_cols


def render_text(table: pa.Table) -> str:
    n, m = table.num_rows, table.num_columns
    col_idx, rows, cut_rows, cut_cols = _visible(table)
    headers = [table.column_names[i] for i in col_idx]
    types = [_dtype_label(table.schema.field(i).type) for i in col_idx]
    if cut_cols:
        half = MAX_COLS // 2
        headers.insert(half, "…")
        types.insert(half, "")
        for r in rows:
            r.insert(half, "…")
    if cut_rows:
        rows.insert(MAX_ROWS // 2, ["…"] * len(headers))
    widths = [max([len(h), len(t), 3] + [len(r[i]) for r in rows]) for i, (h, t) in enumerate(zip(headers, types))]

    def line(left: str, fill: str, sep: str, right: str) -> str:
        return left + sep.join(fill * (w + 2) for w in widths) + right

    def row(cells: list[str]) -> str:
        return "│" + "┆".join(" " + c.ljust(w) + " " for c, w in zip(cells, widths)) + "│"

    out = [f"shape: ({n:_}, {m:_})", line("┌", "─", "┬", "┐"), row(headers), row(["---"] * len(headers)), row(types)]
    if not headers:
        return f"shape: ({n:_}, {m:_})\n(no columns)"
    out.append(line("╞", "═", "╪", "╡"))
    out.extend(row(r) for r in rows)
    out.append(line("└", "─", "┴", "┘"))
    return "\n".join(out)


def render_html(table: pa.Table) -> str:
    n, m = table.num_rows, table.num_columns
    col_idx, rows, cut_rows, cut_cols = _visible(table)
    headers = [table.column_names[i] for i in col_idx]
    types = [_dtype_label(table.schema.field(i).type) for i in col_idx]
    if cut_cols:
        half = MAX_COLS // 2
        headers.insert(half, "…")
        types.insert(half, "")
        for r in rows:
            r.insert(half, "…")
    if cut_rows:
        rows.insert(MAX_ROWS // 2, ["…"] * len(headers))
    esc = html.escape
    parts = [f"<div><small>shape: ({n:_}, {m:_})</small>", '<table class="dataframe" border="1">', "<thead><tr>"]
    parts += [f"<th>{esc(h)}</th>" for h in headers]
    parts.append("</tr><tr>")
    parts += [f"<td><i>{esc(t)}</i></td>" for t in types]
    parts.append("</tr></thead><tbody>")
    for r in rows:
        parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def render_series(name: str, data: pa.ChunkedArray) -> str:
    text = render_text(pa.table({name or " ": data}))
    _, body = text.split("\n", 1)
    return f"shape: ({len(data):_},)\n{body}"
