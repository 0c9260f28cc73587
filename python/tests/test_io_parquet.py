"""Parquet writing and scanning: write_parquet read back by alopex, pyarrow and Polars;
scan_parquet over globs and directories; pushdown and row-group pruning in explain(); errors."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
import re

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alopex as ax


def _norm(values: list) -> list:
    return ["NaN" if isinstance(v, float) and math.isnan(v) else v for v in values]


def assert_same_values(got: pa.Table, want: pa.Table) -> None:
    assert got.column_names == want.column_names
    assert got.num_rows == want.num_rows
    for name in want.column_names:
        assert _norm(got[name].to_pylist()) == _norm(want[name].to_pylist()), name


def _all_types() -> pa.Table:
    n = 1000
    rng = np.random.default_rng(0)
    mask = rng.random(n) < 0.2

    def arr(values, t=None):
        return pa.array(values, type=t, mask=mask)

    days = rng.integers(-30000, 30000, n)
    micros = rng.integers(-(2**50), 2**50, n)
    return pa.table({
        "b": arr(rng.random(n) > 0.5),
        "i8": arr(rng.integers(-128, 128, n).astype(np.int8)),
        "i16": arr(rng.integers(-(2**15), 2**15, n).astype(np.int16)),
        "i32": arr(rng.integers(-(2**31), 2**31, n).astype(np.int32)),
        "i64": arr(rng.integers(-(2**63), 2**63 - 1, n, dtype=np.int64)),
        "u8": arr(rng.integers(0, 256, n).astype(np.uint8)),
        "u32": arr(rng.integers(0, 2**32, n).astype(np.uint32)),
        "u64": arr(rng.integers(0, 2**64 - 1, n, dtype=np.uint64)),
        "f32": arr(rng.standard_normal(n).astype(np.float32)),
        "f64": arr(np.where(rng.random(n) < 0.05, np.nan, rng.standard_normal(n))),
        "s": arr([f"s{i % 37}é" for i in range(n)]),
        "s_unique": arr([f"{i:08d}-{rng.integers(1e9)}" for i in range(n)]),
        "d": arr(days.astype("datetime64[D]")),
        "ts_us": arr(micros.astype("datetime64[us]")),
        "ts_ms_utc": pa.array((micros // 1000).astype("datetime64[ms]"), pa.timestamp("ms", tz="UTC"), mask=mask),
        "ts_ns": arr(micros.astype("datetime64[ns]")),
        "dec9": arr([decimal.Decimal(int(x)).scaleb(-2) for x in rng.integers(-(10**8), 10**8, n)], pa.decimal128(9, 2)),
        "dec18": arr([decimal.Decimal(int(x)).scaleb(-4) for x in rng.integers(-(10**17), 10**17, n)],
                     pa.decimal128(18, 4)),
        "dec38": arr([decimal.Decimal(int(x) * 10**20 + 7).scaleb(-10) for x in rng.integers(-(10**17), 10**17, n)],
                     pa.decimal128(38, 10)),
        "bin": arr([bytes([i % 256]) * (i % 5) for i in range(n)]),
        "all_null": pa.nulls(n, pa.int64()),
    })


@pytest.mark.parametrize("compression", ["zstd", "snappy", "gzip", "brotli", "uncompressed"])
def test_write_parquet_read_back_everywhere(tmp_path, compression):
    table = _all_types()
    path = tmp_path / "all.parquet"
    ax.DataFrame(table).write_parquet(path, compression=compression, row_group_size=300)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 4
    assert meta.row_group(0).column(0).compression == compression.upper()
    assert_same_values(ax.read_parquet(path).to_arrow(), table)
    assert_same_values(pq.read_table(path), table)
    theirs = pl.read_parquet(path)
    assert_same_values(theirs.to_arrow(), pl.from_arrow(table).to_arrow())
    # Types survive (large and view strings aside, which Parquet does not keep).
    assert pq.read_schema(path).types == table.schema.types


def test_write_parquet_statistics_and_defaults(tmp_path):
    df = ax.DataFrame({"a": np.arange(10), "s": [str(i) for i in range(10)]})
    df.write_parquet(tmp_path / "stats.parquet")
    col = pq.ParquetFile(tmp_path / "stats.parquet").metadata.row_group(0).column(0)
    assert col.compression == "ZSTD"  # as Polars
    assert col.statistics.has_min_max and (col.statistics.min, col.statistics.max) == (0, 9)
    df.write_parquet(tmp_path / "nostats.parquet", statistics=False)
    col = pq.ParquetFile(tmp_path / "nostats.parquet").metadata.row_group(0).column(0)
    assert col.statistics is None or not col.statistics.has_min_max


def test_write_parquet_file_object_and_sink(tmp_path):
    df = ax.DataFrame({"a": [1, 2, 3], "s": ["x", None, "z"]})
    buf = io.BytesIO()
    df.write_parquet(buf)
    assert pq.read_table(io.BytesIO(buf.getvalue())).to_pylist() == df.to_arrow().to_pylist()
    path = tmp_path / "sink.parquet"
    df.lazy().filter(ax.col("a") >= 2).sink_parquet(path, row_group_size=1)
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    assert ax.read_parquet(path).rows() == [(2, None), (3, "z")]


def test_write_parquet_errors(tmp_path):
    df = ax.DataFrame({"a": [1]})
    with pytest.raises(ax.NotSupportedError, match="lz4"):
        df.write_parquet(tmp_path / "x.parquet", compression="lz4")
    with pytest.raises(ax.InvalidInputError, match="compression"):
        df.write_parquet(tmp_path / "x.parquet", compression="zip")
    with pytest.raises(ax.NotSupportedError):
        df.write_parquet(tmp_path / "x.parquet", compression_level=3)
    with pytest.raises(FileNotFoundError):
        df.write_parquet(tmp_path / "missing" / "x.parquet")
    with pytest.raises(ax.NotSupportedError):
        ax.DataFrame({"l": pa.array([[1, 2]])}).write_parquet(tmp_path / "nested.parquet")
    assert not (tmp_path / "nested.parquet").exists()


def _parts(tmp_path, n_files=3, rows=2000):
    rng = np.random.default_rng(5)
    frames = []
    for i in range(n_files):
        t = pa.table({"id": np.arange(i * rows, (i + 1) * rows), "v": rng.random(rows),
                      "cat": rng.choice(["a", "b", "c"], rows)})
        (tmp_path / "sub").mkdir(exist_ok=True)
        target = tmp_path / ("sub" if i == n_files - 1 else ".") / f"part-{i}.parquet"
        ax.DataFrame(t).write_parquet(target, row_group_size=500)
        frames.append(t)
    return frames


def test_scan_parquet_glob_and_directory(tmp_path):
    frames = _parts(tmp_path)
    (tmp_path / "notes.txt").write_text("ignored")
    glob = ax.scan_parquet(tmp_path / "*.parquet")
    assert_same_values(glob.collect().to_arrow(), pa.concat_tables(frames[:2]))
    assert "PARQUET [part-0.parquet +1 files]" in glob.explain()
    everything = ax.read_parquet(tmp_path)  # recursive: sub/part-2 too
    assert_same_values(everything.to_arrow(), pa.concat_tables(frames))
    expected = pl.read_parquet(tmp_path / "**/*.parquet").sort("id")
    assert_same_values(everything.sort("id").to_arrow(), expected.to_arrow().cast(everything.to_arrow().schema))


def test_pushdown_and_row_group_pruning(tmp_path):
    frames = _parts(tmp_path, n_files=1, rows=10_000)
    path = tmp_path / "part-0.parquet"
    ax.DataFrame(frames[0]).write_parquet(path, row_group_size=1000)
    lf = ax.scan_parquet(path).filter(ax.col("id") >= 8500).select("v")
    plan = lf.explain()
    m = re.search(r"SCAN PARQUET \[part-0\.parquet\] PROJECT 2/3 COLUMNS \[id, v\] SELECTION .* ROW GROUPS (\d+)/(\d+)", plan)
    assert m, plan
    assert (int(m.group(1)), int(m.group(2))) == (2, 10)
    expected = pl.scan_parquet(path).filter(pl.col("id") >= 8500).select("v").collect()
    assert lf.collect()["v"].to_list() == expected["v"].to_list()
    none = ax.scan_parquet(path).filter(ax.col("id") < 0)
    assert "ROW GROUPS 0/10" in none.explain()
    assert none.collect().height == 0
    # Without statistics nothing can be pruned, and results are the same.
    ax.DataFrame(frames[0]).write_parquet(tmp_path / "nostats.parquet", row_group_size=1000, statistics=False)
    lf2 = ax.scan_parquet(tmp_path / "nostats.parquet").filter(ax.col("id") >= 8500).select("v")
    assert "ROW GROUPS 10/10" in lf2.explain()
    assert lf2.collect()["v"].to_list() == expected["v"].to_list()
    assert ax.read_parquet(path, columns=["cat"], n_rows=5).shape == (5, 1)


def test_corrupt_and_truncated_parquet(tmp_path):
    path = tmp_path / "good.parquet"
    ax.DataFrame(_all_types()).write_parquet(path, row_group_size=250)
    data = path.read_bytes()
    cases = {
        "garbage.parquet": b"this is not parquet at all",
        "truncated.parquet": data[: len(data) // 2],
        "no-footer.parquet": data[:-1],
        "empty.parquet": b"",
    }
    for name, content in cases.items():
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(ax.InvalidInputError) as info:
            ax.read_parquet(bad)
        assert str(bad) in str(info.value), name
    # Corrupt bytes in the middle of column data: an error naming the file, never a crash.
    rng = np.random.default_rng(9)
    for _ in range(10):
        corrupt = bytearray(data)
        at = int(rng.integers(4, len(data) // 2))
        corrupt[at: at + 16] = rng.integers(0, 256, 16, dtype=np.uint8).tobytes()
        bad = tmp_path / "corrupt.parquet"
        bad.write_bytes(bytes(corrupt))
        try:
            ax.read_parquet(bad)
        except (ax.InvalidInputError, ax.NotSupportedError) as e:
            assert str(bad) in str(e)


def test_missing_parquet(tmp_path):
    with pytest.raises(FileNotFoundError):
        ax.read_parquet(tmp_path / "nope.parquet")
    with pytest.raises(FileNotFoundError):
        ax.scan_parquet(tmp_path / "*.parquet").collect()
    (tmp_path / "dir").mkdir()
    with pytest.raises(FileNotFoundError):
        ax.read_parquet(tmp_path / "dir")


def test_round_trip_through_polars_writer(tmp_path):
    df = pl.DataFrame({"a": [1, None, 3], "s": ["x", "y", None], "d": [dt.date(2020, 1, 1), None, dt.date(2021, 2, 3)],
                       "dec": [decimal.Decimal("1.5"), None, decimal.Decimal("-2.25")]})
    df.write_parquet(tmp_path / "pl.parquet")
    ours = ax.read_parquet(tmp_path / "pl.parquet")
    ours.write_parquet(tmp_path / "ax.parquet")
    assert pl.read_parquet(tmp_path / "ax.parquet").equals(df)
