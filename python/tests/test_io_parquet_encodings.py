"""The Parquet encodings matrix: every physical type alopex reads × the encodings
the spec allows for it (PLAIN, dictionary, RLE, DELTA_*, BYTE_STREAM_SPLIT) × data
page v1/v2 × with and without nulls × codecs, written by pyarrow and read back by
read_parquet and scan_parquet, cross-checked with pyarrow's own read."""

from __future__ import annotations

import decimal
import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alopex as ax

N = 1500  # several pages (data_page_size below) and two row groups

rng = np.random.default_rng(42)
_ints = rng.integers(-(2**31), 2**31, N)

# name -> (values, the encodings pyarrow writes for its physical type)
_DELTA_INT = ["DELTA_BINARY_PACKED", "BYTE_STREAM_SPLIT"]
COLUMNS = {
    "bool": (pa.array(rng.random(N) < 0.3), ["RLE"]),
    "int32": (pa.array(_ints.astype(np.int32)), _DELTA_INT),
    "int64": (pa.array(_ints * 1_000_003), _DELTA_INT),
    "small_int64": (pa.array(rng.integers(0, 5, N)), _DELTA_INT),  # short runs, narrow bit widths
    "float": (pa.array(rng.standard_normal(N).astype(np.float32)), ["BYTE_STREAM_SPLIT"]),
    "double": (pa.array(np.where(rng.random(N) < 0.05, np.nan, rng.standard_normal(N))), ["BYTE_STREAM_SPLIT"]),
    "string": (pa.array([f"v{i % 97}-é-{'x' * (i % 13)}" for i in range(N)]),
               ["DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY"]),
    "binary": (pa.array([bytes(rng.integers(0, 256, i % 9, dtype=np.uint8)) for i in range(N)]),
               ["DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY"]),
    "fixed": (pa.array([bytes([i % 256, (i * 7) % 256, 3]) for i in range(N)], pa.binary(3)),
              ["DELTA_BYTE_ARRAY", "BYTE_STREAM_SPLIT"]),
    "date": (pa.array(rng.integers(-30000, 30000, N).astype(np.int32), pa.date32()), _DELTA_INT),
    "timestamp": (pa.array(rng.integers(-(2**50), 2**50, N), pa.timestamp("us")), _DELTA_INT),
    "decimal": (pa.array([decimal.Decimal(int(x)).scaleb(-2) for x in _ints // 100], pa.decimal128(9, 2)),
                ["DELTA_BYTE_ARRAY", "DELTA_BINARY_PACKED"]),
}

# (case id, writer keywords for one column)
ENCODINGS = [("plain", {"use_dictionary": False}), ("dictionary", {"use_dictionary": True})]


def _cases():
    for name, (_, extra) in COLUMNS.items():
        for enc_id, kw in ENCODINGS:
            yield name, enc_id, kw
        for enc in extra:
            yield name, enc, {"use_dictionary": False, "column_encoding": {name: enc}}


def _with_nulls(arr: pa.Array) -> pa.Array:
    mask = pa.array(np.arange(len(arr)) % 7 == 3)
    return pa.compute.if_else(mask, pa.nulls(len(arr), arr.type), arr)


def _norm(values: list) -> list:
    return ["NaN" if isinstance(v, float) and math.isnan(v) else v for v in values]


@pytest.mark.parametrize("nulls", [False, True], ids=["required", "nulls"])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
@pytest.mark.parametrize("compression", ["none", "snappy", "zstd"])
@pytest.mark.parametrize("name,encoding,kw", list(_cases()), ids=[f"{n}-{e}" for n, e, _ in _cases()])
def test_encodings_matrix(tmp_path, name, encoding, kw, page_version, compression, nulls):
    arr = COLUMNS[name][0]
    if nulls:
        arr = _with_nulls(arr)
    table = pa.table({name: arr})
    if not nulls:
        table = table.cast(pa.schema([pa.field(name, arr.type, nullable=False)]))
    path = tmp_path / "m.parquet"
    pq.write_table(table, path, data_page_version=page_version, compression=compression,
                   data_page_size=1024, row_group_size=1000, write_statistics=True,
                   store_decimal_as_integer=encoding == "DELTA_BINARY_PACKED", **kw)
    want = _norm(pq.read_table(path)[name].to_pylist())
    assert _norm(ax.read_parquet(path)[name].to_list()) == want
    assert _norm(ax.scan_parquet(path).collect()[name].to_list()) == want
