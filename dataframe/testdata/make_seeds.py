"""Writes the seed corpora of FuzzParquetRead and FuzzCSVRead (Go's corpus
file format) from small real files: Parquet written by pyarrow with each
encoding, page version and codec the reader meets, and everyday CSV shapes.

Run from this folder (dataframe/testdata): python make_seeds.py (needs pyarrow);
the corpora land in ../parquet/testdata/fuzz and ../csv/testdata/fuzz.
"""

import io
import os

import pyarrow as pa
import pyarrow.parquet as pq


def go_bytes(b: bytes) -> str:
    out = []
    for c in b:
        ch = chr(c)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{c:02x}")
    return '[]byte("' + "".join(out) + '")'


def write(target: str, name: str, *values: str) -> None:
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, name), "w") as f:
        f.write("go test fuzz v1\n" + "\n".join(values) + "\n")


def parquet_bytes(table: pa.Table, **kw) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, **kw)
    return buf.getvalue()


def parquet_seeds() -> None:
    n = 40
    base = pa.table({
        "b": pa.array([None if i % 7 == 0 else i % 3 == 0 for i in range(n)]),
        "i": pa.array([None if i % 5 == 0 else i * 3 - 20 for i in range(n)], pa.int32()),
        "l": pa.array([i * 1_000_003 for i in range(n)], pa.int64()),
        "d": pa.array([float("nan") if i % 9 == 0 else i / 4 for i in range(n)]),
        "s": pa.array([None if i % 6 == 0 else "ab" * (i % 4) + "é" for i in range(n)]),
    })
    extra = pa.table({
        "f": pa.array([i / 2 for i in range(n)], pa.float32()),
        "fx": pa.array([bytes([i, i + 1, i + 2]) for i in range(n)], pa.binary(3)),
        "dt": pa.array(list(range(n)), pa.date32()),
        "ts": pa.array(list(range(n)), pa.timestamp("us")),
        "dec": pa.array([i * 7 for i in range(n)], pa.decimal128(9, 2)),
    })
    seeds = {
        "plain_v1": (base, dict(use_dictionary=False, compression="none")),
        "plain_v2": (base, dict(use_dictionary=False, compression="none", data_page_version="2.0")),
        "dict_v1_snappy": (base, dict(compression="snappy")),
        "dict_v2_zstd": (base, dict(compression="zstd", data_page_version="2.0")),
        "rle_bool_v2": (base.select(["b"]), dict(use_dictionary=False, compression="none", data_page_version="2.0")),
        "delta_v2": (base.select(["i", "l", "s"]), dict(
            use_dictionary=False, compression="none", data_page_version="2.0",
            column_encoding={"i": "DELTA_BINARY_PACKED", "l": "DELTA_BINARY_PACKED", "s": "DELTA_BYTE_ARRAY"})),
        "delta_length": (base.select(["s"]), dict(use_dictionary=False, compression="none",
                                                  column_encoding={"s": "DELTA_LENGTH_BYTE_ARRAY"})),
        "byte_stream_split": (extra.select(["f"]).append_column("d", base["d"]), dict(
            use_dictionary=False, compression="none", column_encoding={"f": "BYTE_STREAM_SPLIT", "d": "BYTE_STREAM_SPLIT"})),
        "types_small_groups": (extra, dict(compression="none", row_group_size=15)),
        "empty": (base.slice(0, 0), dict(compression="none")),
    }
    for name, (table, kw) in seeds.items():
        write("../parquet/testdata/fuzz/FuzzParquetRead", name, go_bytes(parquet_bytes(table, **kw)))


def csv_seeds() -> None:
    seeds = {
        "simple": ("a,b,c\n1,x,2.5\n2,y,\n3,,1e3\n", True, False),
        "quoted": ('name,note\n"Smith, J","said ""hi"""\n"multi\nline",ok\n', True, False),
        "no_header": ("1;2\n3;4\n", False, False),
        "dates": ("d,t\n2024-01-31,2024-01-31 12:00:00\n,2020-02-29T00:00:01\n", True, True),
        "ragged": ("a,b\n1\n2,3,4\n", True, False),
        "unicode_crlf": ("k,v\r\nü,1\r\n日本,2\r\n", True, True),
        "unterminated": ('a,b\n1,"open\n2,3\n', True, False),
        "empty": ("", True, False),
    }
    for name, (text, header, infer_all) in seeds.items():
        write("../csv/testdata/fuzz/FuzzCSVRead", name, go_bytes(text.encode()), f"bool({str(header).lower()})", f"bool({str(infer_all).lower()})")


if __name__ == "__main__":
    parquet_seeds()
    csv_seeds()
