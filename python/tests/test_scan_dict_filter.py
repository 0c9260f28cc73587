"""String filters on dictionary-encoded Parquet columns, which the scan tests once per
dictionary value and selects rows by code: results must match Polars (DataFrame API) and
DuckDB (SQL) on files written by pyarrow (data page v1/v2, a dictionary overflowing to PLAIN
pages mid-chunk, several row groups with their own dictionaries, an all-null column) and by
Polars."""

from __future__ import annotations

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alopex as ax

N = 4000
_MODES = ["MAIL", "SHIP", "", None, "é😀", "AIR", "AIR REG", "TRUCK", "ü"]


def _table() -> pa.Table:
    return pa.table({
        "k": pa.array(range(N), pa.int64()),
        # few values, nulls, an empty string, non-ASCII text; row groups see other mixes
        "s": pa.array([_MODES[(i * 7 + i // 500) % len(_MODES)] for i in range(N)], pa.string()),
        # a value per row: the dictionary overflows and the chunk falls back to PLAIN pages
        "g": pa.array([None if i % 13 == 5 else f"g{i * 7919 % N:05d}" for i in range(N)], pa.string()),
        "z": pa.nulls(N, pa.string()),
    })


@pytest.fixture(scope="module", params=["pyarrow-v1", "pyarrow-v2", "polars"])
def path(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("dict") / f"{request.param}.parquet"
    tbl = _table()
    if request.param == "polars":
        pl.from_arrow(tbl).write_parquet(out, row_group_size=1000)
    else:
        pq.write_table(tbl, out, row_group_size=1500, data_page_size=512, dictionary_pagesize_limit=2048,
                       data_page_version="2.0" if request.param.endswith("v2") else "1.0")
    meta = pq.ParquetFile(out).metadata
    assert meta.num_row_groups > 1
    s_encodings = meta.row_group(0).column(1).encodings
    assert any("DICTIONARY" in e for e in s_encodings), s_encodings
    return out


PREDICATES = {
    "eq": lambda c: c("s") == "MAIL",
    "eq_empty": lambda c: c("s") == "",
    "eq_unicode": lambda c: c("s") == "é😀",
    "ne": lambda c: c("s") != "MAIL",
    "in": lambda c: c("s").is_in(["MAIL", "SHIP", "ü"]),
    "not_in": lambda c: ~c("s").is_in(["MAIL", "", "TRUCK"]),
    "is_null": lambda c: c("s").is_null(),
    "lt": lambda c: c("s") < "N",
    "starts_with": lambda c: c("s").str.starts_with("AIR"),
    "with_int": lambda c: c("s").is_in(["AIR", "AIR REG"]) & (c("k") > 1000),
    "two_columns": lambda c: (c("s") != "SHIP") & (c("g") < "g01"),
    "plain_fallback": lambda c: c("g").str.starts_with("g00"),
    "all_null": lambda c: c("z") == "x",
    "all_null_is_null": lambda c: c("z").is_null() & (c("s") == "AIR"),
}


@pytest.mark.parametrize("name", list(PREDICATES))
def test_filter_matches_polars(path, name):
    pred = PREDICATES[name]
    got = ax.scan_parquet(path).filter(pred(ax.col)).select("k", "s", "g").collect().to_arrow()
    want = pl.scan_parquet(path).filter(pred(pl.col)).select("k", "s", "g").collect().to_arrow()
    assert got.num_rows == want.num_rows
    assert got.to_pydict() == want.to_pydict()


SQL = {
    "in": "s IN ('MAIL', 'SHIP')",
    "not_in": "s NOT IN ('MAIL', '')",
    # SQL three-valued logic: NOT IN a list holding NULL is never true
    "not_in_null": "s NOT IN ('MAIL', NULL)",
    "in_null": "s IN ('MAIL', NULL)",
    "ne": "s <> 'AIR'",
    "like": "s LIKE 'AIR%'",
    "mixed": "s = 'TRUCK' AND k % 3 = 1",
}


@pytest.mark.parametrize("name", list(SQL))
def test_sql_filter_matches_duckdb(path, name):
    query = f"SELECT k, s FROM read_parquet('{path.as_posix()}') WHERE {SQL[name]} ORDER BY k"
    got = ax.sql(query, eager=True).to_arrow().to_pydict()
    want = duckdb.sql(query).to_arrow_table().to_pydict()
    assert got == want
