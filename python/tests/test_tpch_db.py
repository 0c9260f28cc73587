"""TPC-H at scale factor 0.01 on stored tables: the eight tables loaded with ``db.create_table`` (keyed by
their TPC-H primary keys) into ``ax.connect(path)``, as row tables and as columnar tables, the 22 SQL
queries run by ``db.sql`` and compared with the same text run by ``ax.sql`` over the Parquet files
(bench/db_tpch_bench.py times them at SF 1)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_tpch import ORDER_BY, assert_same_result
from tpch import data, sql

import alopex as ax

# The TPC-H primary keys (specification, clause 1.4.2).
PRIMARY_KEYS = {
    "region": ["r_regionkey"], "nation": ["n_nationkey"], "part": ["p_partkey"], "supplier": ["s_suppkey"],
    "partsupp": ["ps_partkey", "ps_suppkey"], "customer": ["c_custkey"], "orders": ["o_orderkey"],
    "lineitem": ["l_orderkey", "l_linenumber"],
}


def _text(n: int) -> str:
    """Query n, Q11's fraction (0.0001 / SF; sql.py's is for SF 0.1) scaled to SF 0.01."""
    text = sql.QUERIES[n]
    if n == 11:
        text = text.replace("sum(ps_supplycost * ps_availqty) * 0.001", "sum(ps_supplycost * ps_availqty) * 0.01")
    return text


@pytest.fixture(scope="module")
def tpch_sf001() -> Path:
    out = Path(__file__).resolve().parents[2] / "build" / "tpch-sf0.01"
    if all((out / f"{name}.parquet").is_file() for name in data.TABLES):
        return out
    exe = data.tpchgen()
    if exe is None:
        pytest.skip("tpchgen-cli is not installed: pip install tpchgen-cli to run the TPC-H tests")
    data.generate(exe, "0.01", out, timeout=300)
    return out


@pytest.fixture(scope="module")
def parquet_ctx(tpch_sf001) -> ax.SQLContext:
    return ax.SQLContext({name: ax.scan_parquet(tpch_sf001 / f"{name}.parquet") for name in PRIMARY_KEYS})


def _load(tpch_sf001: Path, path: Path, storage: str) -> ax.Database:
    conn = ax.connect(path)
    for name, pk in PRIMARY_KEYS.items():
        table = pq.read_table(tpch_sf001 / f"{name}.parquet")
        # tpchgen-cli writes string_view columns; stored tables take string.
        table = table.cast(pa.schema([f.with_type(pa.string()) if f.type == pa.string_view() else f
                                      for f in table.schema]))
        assert conn.create_table(name, table, primary_key=pk, storage=storage) == table.num_rows
    return conn


@pytest.fixture(scope="module")
def db(tpch_sf001, tmp_path_factory):
    conn = _load(tpch_sf001, tmp_path_factory.mktemp("tpch-db") / "db", "row")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def columnar_db(tpch_sf001, tmp_path_factory):
    conn = _load(tpch_sf001, tmp_path_factory.mktemp("tpch-columnar") / "db", "columnar")
    yield conn
    conn.close()


@pytest.mark.parametrize("n", range(1, 23), ids=[f"q{n}" for n in range(1, 23)])
def test_tpch_stored_equals_parquet(n: int, db, parquet_ctx) -> None:
    want = parquet_ctx.execute(_text(n)).collect().to_arrow()
    got = db.sql(_text(n)).collect().to_arrow()
    assert want.num_rows > 0, f"Q{n} selects nothing at SF 0.01: the comparison would be empty"
    assert_same_result(got, want, ORDER_BY[n])


@pytest.mark.parametrize("n", range(1, 23), ids=[f"q{n}" for n in range(1, 23)])
def test_tpch_columnar_equals_parquet(n: int, columnar_db, parquet_ctx) -> None:
    """The same queries over columnar tables (issue 12)."""
    want = parquet_ctx.execute(_text(n)).collect().to_arrow()
    got = columnar_db.sql(_text(n)).collect().to_arrow()
    assert_same_result(got, want, ORDER_BY[n])


def test_tpch_columnar_scans_read_only_needed_columns(columnar_db) -> None:
    plan6 = columnar_db.sql("EXPLAIN " + _text(6))
    assert "COLUMNAR SCAN lineitem (1 SEGMENTS) PROJECT 4/16 COLUMNS" in plan6, plan6
    assert "ROW GROUPS 1/1" in plan6


def test_tpch_stored_scans_read_only_needed_columns(db) -> None:
    """Projection pushdown reaches the stored-table scan: Q6 decodes 4 of lineitem's 16 columns, Q14 4 of
    lineitem's and 2 of part's 9."""
    plan6 = db.sql("EXPLAIN " + _text(6))
    assert "TABLE SCAN lineitem PROJECT 4/16 COLUMNS [l_quantity, l_extendedprice, l_discount, l_shipdate]" in plan6
    plan14 = db.sql("EXPLAIN " + _text(14))
    assert "TABLE SCAN lineitem PROJECT 4/16 COLUMNS" in plan14
    assert "TABLE SCAN part PROJECT 2/9 COLUMNS [p_partkey, p_type]" in plan14
