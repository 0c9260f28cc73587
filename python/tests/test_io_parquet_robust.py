"""Parquet reading under hostile and everyday inputs: row-group pruning with NaN,
corrupt lengths in footers and page headers (a clear InvalidInputError naming the
file, never a crash or a huge allocation)."""

from __future__ import annotations

import math
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alopex as ax


def _sorted_values(df) -> list:
    def key(v):
        if v is None:
            return (2, 0.0)
        return (1, 0.0) if math.isnan(v) else (0, v)
    return sorted(key(v) for v in df["b"].to_list())


@pytest.mark.parametrize("pred", [
    lambda c: c > 6.0,
    lambda c: c >= 6.0,
    lambda c: c != 2.0,
    lambda c: c == float("nan"),
    lambda c: c < 6.0,
    lambda c: c <= 1.0,
    lambda c: c == 7.0,
    lambda c: (c > 100.0) | (c < 0.5),
])
def test_scan_prunes_row_groups_only_when_no_nan_can_match(tmp_path, pred):
    # Parquet min/max leave NaN out, while alopex orders NaN above every
    # number: scan (with pruning) and read-then-filter must agree.
    nan = float("nan")
    values = [1.0, 2.0, nan, 3.0, 7.0, nan, 2.0, 2.0, 2.0, nan, nan, nan, 0.0, -1.0, None]
    for dtype in (pa.float64(), pa.float32()):
        path = tmp_path / f"nan_{dtype}.parquet"
        pq.write_table(pa.table({"b": pa.array(values, dtype)}), path, row_group_size=3)
        scanned = ax.scan_parquet(path).filter(pred(ax.col("b"))).collect()
        filtered = ax.read_parquet(path).filter(pred(ax.col("b")))
        assert _sorted_values(scanned) == _sorted_values(filtered), dtype


def _good_file(tmp_path, **kw) -> bytes:
    path = tmp_path / "good.parquet"
    pq.write_table(pa.table({"a": np.arange(100, dtype=np.int64), "s": [f"v{i}" for i in range(100)]}), path, **kw)
    return path.read_bytes()


def test_footer_length_beyond_file_is_invalid_input(tmp_path):
    data = bytearray(_good_file(tmp_path))
    for length in (0xFFFFFFFF, 0x7FFFFFFF, len(data), len(data) - 11):
        data[-8:-4] = struct.pack("<I", length)
        path = tmp_path / "bad.parquet"
        path.write_bytes(bytes(data))
        with pytest.raises(ax.InvalidInputError, match="bad.parquet.*footer"):
            ax.read_parquet(path)


def test_invalid_utf8_in_string_column_is_invalid_input(tmp_path):
    # Parquet writers do not check UTF-8: bytes that are not UTF-8 in a STRING
    # column must not reach Python as undecodable strings.
    data = b"ok" + b"\xff\xfe" + b"fine"
    offsets = np.array([0, 2, 4, 8], dtype=np.int32)
    bad = pa.Array.from_buffers(pa.string(), 3, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)])
    for use_dictionary in (False, True):
        path = tmp_path / f"utf8_{use_dictionary}.parquet"
        pq.write_table(pa.table({"s": bad}), path, use_dictionary=use_dictionary)
        with pytest.raises(ax.InvalidInputError, match=r'column "s".*row 1 of the STRING column holds invalid UTF-8'):
            ax.read_parquet(path)


_HOSTILE = Path(__file__).resolve().parents[2] / "dataframe" / "parquet" / "testdata"


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
@pytest.mark.parametrize("name, what", [
    # A data page v1 (snappy, as pyarrow writes) whose definition levels are
    # one run of 2^30 levels: 2.2 GiB allocated, and no error, before.
    ("hostile_v1_snappy_levels.parquet", "definition levels"),
    # A zstd frame header claiming 8 GiB in a 499-byte file.
    ("hostile_zstd_content_size.parquet", "zstd frames claim"),
    # The 2^30-level run inside data pages v1 of the streaming codecs: each allocated 1 to
    # 2.3 GiB before (only the levels' prefix of the page is decompressed to check them).
    ("hostile_v1_gzip_levels.parquet", "definition levels"),
    ("hostile_v1_brotli_levels.parquet", "definition levels"),
    ("hostile_v1_zstd_levels.parquet", "definition levels"),
    # An honest zstd frame followed by one claiming 8 GiB (8 GiB allocated before).
    ("hostile_v1_zstd_second_frame.parquet", "zstd frames claim"),
    ("hostile_v2_zstd_second_frame.parquet", "zstd frames claim"),
])
def test_lengths_inside_pages_are_checked_before_allocating(name, what):
    # Made by dataframe/parquet/hostile_test.go (TestParquetHostilePageBodies).
    path = _HOSTILE / name
    code = textwrap.dedent(f"""
        import resource, alopex as ax
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            ax.read_parquet({str(path)!r})
        except ax.InvalidInputError as e:
            print(type(e).__name__, str(e))
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    lines = out.strip().splitlines()
    assert lines[0].startswith("InvalidInputError") and name in lines[0] and what in lines[0], out
    assert int(lines[-1]) < 200, f"reading a {path.stat().st_size}-byte file grew RSS by {lines[-1]} MB"


@pytest.mark.parametrize("compression", ["NONE", "SNAPPY", "GZIP", "BROTLI", "ZSTD"])
@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_valid_compressed_pages_read_as_pyarrow_reads_them(tmp_path, compression, version):
    # The page checks decompress the start of every page v1: files of every codec the
    # reader takes, in both page versions, with nulls and several pages a column, read
    # exactly as pyarrow reads them.
    n = 6_000
    rng = np.random.default_rng(3)
    nulls = rng.random(n) < 0.2
    table = pa.table({
        "i": pa.array(rng.integers(-1000, 1000, n), mask=nulls),
        "f": pa.array(rng.normal(size=n), mask=np.roll(nulls, 1)),
        "s": pa.array([f"v{v}é" for v in rng.integers(0, 500, n)], mask=np.roll(nulls, 2)),
        "b": pa.array(rng.random(n) < 0.5, mask=np.roll(nulls, 3)),
        "r": np.arange(n),  # required, no levels
    })
    path = tmp_path / f"{compression}_{version}.parquet"
    pq.write_table(table, path, compression=compression, data_page_version=version,
                   data_page_size=4096, row_group_size=2_500)
    got = ax.read_parquet(path).to_arrow()
    assert got.equals(pq.read_table(path)), (compression, version)
