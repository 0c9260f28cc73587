"""Hive-partitioned Parquet directories against Polars: partition columns, types, pruning."""

from __future__ import annotations

import datetime

import pytest

import alopex as ax
from alopex.exceptions import AlopexError

pl = pytest.importorskip("polars")


@pytest.fixture
def written(tmp_path):
    df = pl.DataFrame({"year": [2020, 2020, 2021, 2022, 2022], "m": ["a", "b", "a", "c", "c"],
                       "v": [1, 2, 3, 4, 5]})
    df.write_parquet(tmp_path / "h", partition_by=["year", "m"])
    return tmp_path / "h"


def same(a, p):
    assert a.columns == p.columns
    assert [str(t) for t in a.dtypes] == [str(t) for t in p.dtypes]
    assert sorted(a.rows(), key=str) == sorted(p.rows(), key=str)


@pytest.mark.parametrize("flt", [None, ("year", 2020), ("m", "c"), ("v", 3)])
def test_polars_written_partitions(written, flt):
    a, p = ax.scan_parquet(written), pl.scan_parquet(written)
    if flt:
        a, p = a.filter(ax.col(flt[0]) == flt[1]), p.filter(pl.col(flt[0]) == flt[1])
    same(a.collect(), p.collect())


def test_a_filter_on_a_partition_reads_no_rows_of_other_partitions(written):
    plan = ax.scan_parquet(written).filter(ax.col("year") == 2021).explain()
    assert plan.count("LIMIT 0") == 3, plan  # four files, one kept


def _layout(root, rows):
    for path, data in rows.items():
        (root / path).mkdir(parents=True, exist_ok=True)
        pl.DataFrame(data).write_parquet(root / path / "part.parquet")


def test_partition_types_like_polars(tmp_path):
    _layout(tmp_path, {"k=1/d=2020-01-02/s=x": {"v": [1]}, "k=2/d=2021-03-04/s=y%20z": {"v": [2]},
                       "k=__HIVE_DEFAULT_PARTITION__/d=2022-05-06/s=w": {"v": [3]}})
    same(ax.read_parquet(tmp_path), pl.read_parquet(tmp_path))
    a = ax.scan_parquet(tmp_path, try_parse_hive_dates=False).collect()
    assert a.schema["d"] == ax.String
    b = ax.scan_parquet(tmp_path, hive_schema={"k": ax.Int32}).collect()
    assert b.schema["k"] == ax.Int32
    assert ax.scan_parquet(tmp_path).filter(ax.col("k").is_null()).collect()["v"].to_list() == [3]
    assert ax.scan_parquet(tmp_path).filter(ax.col("d") > datetime.date(2021, 1, 1)).collect().height == 2


def test_off_and_errors(tmp_path, written):
    assert ax.scan_parquet(written, hive_partitioning=False).collect().columns == ["year", "m", "v"]
    _layout(tmp_path / "plain", {"": {"v": [1]}})
    with pytest.raises(AlopexError, match="no key=value"):
        ax.scan_parquet(tmp_path / "plain", hive_partitioning=True)
    assert ax.scan_parquet(tmp_path / "plain").collect()["v"].to_list() == [1]
    _layout(tmp_path / "odd", {"a=1": {"v": [1]}, "b=2": {"v": [2]}})
    with pytest.raises(AlopexError, match="hive partitions differ"):
        ax.scan_parquet(tmp_path / "odd")
    _layout(tmp_path / "bad", {"a=1": {"v": [1]}, "a=x": {"v": [2]}})
    with pytest.raises(AlopexError, match="not a Int32"):
        ax.scan_parquet(tmp_path / "bad", hive_schema={"a": ax.Int32})
    assert ax.scan_parquet(written, n_rows=2).collect().height == 2
