"""CSV reading and writing, differential against Polars (read_csv / write_csv) and pyarrow.csv.

Every reading case writes a file, reads it with ``polars.read_csv`` and with alopex, and compares
column names, dtype names and values (NaN == NaN). Writing compares the text of
``DataFrame.write_csv`` with Polars' and reads files back with Polars, pyarrow and alopex.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
import re

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import alopex as ax
from alopex.datatypes import from_arrow
from alopex.io import read_csv, scan_csv

DTYPES = {
    "Int32": (ax.Int32, pl.Int32), "Int64": (ax.Int64, pl.Int64), "UInt16": (ax.UInt16, pl.UInt16),
    "Float32": (ax.Float32, pl.Float32), "Float64": (ax.Float64, pl.Float64), "String": (ax.String, pl.String),
    "Boolean": (ax.Boolean, pl.Boolean), "Date": (ax.Date, pl.Date), "Datetime": (ax.Datetime, pl.Datetime),
    "Datetime(ms)": (ax.Datetime("ms"), pl.Datetime("ms")),
}


def _norm(values: list) -> list:
    return ["NaN" if isinstance(v, float) and math.isnan(v) else v for v in values]


def assert_same_frame(ours: ax.DataFrame, theirs: pl.DataFrame) -> None:
    a, p = ours.to_arrow(), theirs.to_arrow()
    assert a.column_names == p.column_names
    assert [str(t) for t in ours.dtypes] == [from_arrow(f.type).name for f in p.schema]
    assert a.num_rows == p.num_rows
    for name in a.column_names:
        assert _norm(a[name].to_pylist()) == _norm(p[name].to_pylist()), name
    # String columns are plain utf8, as Polars' exported String columns hold the same values.
    for f in a.schema:
        assert not pa.types.is_large_string(f.type) and not pa.types.is_string_view(f.type)


def _dtype_args(kwargs: dict) -> tuple[dict, dict]:
    """Split kwargs into alopex and Polars versions (dtype names → each library's dtypes)."""
    ours, theirs = dict(kwargs), dict(kwargs)
    for key in ("schema", "schema_overrides"):
        if key in kwargs:
            ours[key] = {n: DTYPES[t][0] for n, t in kwargs[key].items()}
            theirs[key] = {n: DTYPES[t][1] for n, t in kwargs[key].items()}
    return ours, theirs


def check_same(tmp_path, content: str | bytes, **kwargs) -> ax.DataFrame:
    path = tmp_path / "t.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    ours, theirs = _dtype_args(kwargs)
    expected = pl.read_csv(path, **theirs)
    got = read_csv(path, **ours)
    assert_same_frame(got, expected)
    return got


CASES = {
    "basic": ("a,b,c\n1,x,1.5\n2,y,-2e3\n", {}),
    "no final newline": ("a,b\n1,2", {}),
    "crlf": ("a,b\r\n1,x\r\n2,y\r\n", {}),
    "quoted separators newlines quotes": ('a,b,c\n1,"x,y","say ""hi""\nbye"\n2,"",\n3,"a\r\nb",z\n', {}),
    "quoted numbers": ('a,b\n"1","2.5"\n"3","4"\n', {}),
    "empty lines are null rows": ("a,b\n1,2\n\n3,4\n\n", {}),
    "single column empty lines": ("a\n1\n\n3\n", {}),
    "missing fields are null": ("a,b,c\n1\n2,3\n4,5,6\n", {}),
    "nulls": ("a,b,c\n,x,\n1,,2.5\n,,\n", {}),
    "null values str": ('a,b\n1,NA\nNA,"NA"\n', {"null_values": "NA"}),
    "null values list": ("a,b\n1,NA\n-,x\n3,-\n", {"null_values": ["NA", "-"]}),
    "unicode": ("名前,ville\nü,Zürich\n日本,\"🦊, alopex\"\n", {}),
    "header only": ("a,b\n", {}),
    "header without newline": ("a,b", {}),
    "bom": ("\ufeffa,b\n1,2\n", {}),
    "duplicate and empty names": ("a,a,,\n1,2,3,4\n", {}),
    "no header": ("1,x\n2,y\n", {"has_header": False}),
    "no header with text first": ("a,b\n1,2\n", {"has_header": False}),
    "semicolon": ("a;b\n1;2,5\n", {"separator": ";"}),
    "tab": ("a\tb\n1\tx y\n", {"separator": "\t"}),
    "quote char": ("a|b\n1|'x|y'\n2|'it''s'\n", {"separator": "|", "quote_char": "'"}),
    "no quoting": ('a,b\n1,"x""y"\n', {"quote_char": None}),
    "skip rows": ('"junk\nmore junk"\nx\na,b\n1,2\n3,4\n', {"skip_rows": 2}),
    "skip lines": ('junk "\nmore junk\na,b\n1,2\n3,4\n', {"skip_lines": 2}),
    "skip rows no header": ("a,b\n1,2\n3,4\n", {"skip_rows": 1, "has_header": False}),
    "n rows": ("a,b\n1,2\n3,4\n5,6\n", {"n_rows": 2}),
    "columns by name": ("a,b,c\n1,2,3\n", {"columns": ["c", "a"]}),
    "columns by index": ("a,b,c\n1,2,3\n", {"columns": [1]}),
    "infer nothing": ("a,b\n1,2.5\n", {"infer_schema_length": 0}),
    "infer everything": ("a,b\n" + "1,2\n" * 150 + "1.5,x\n", {"infer_schema_length": None}),
    "inference kinds": ("i,f,b,s,n,plus,mixed,big\n1,1,true,x,,+1,1,1\n-2,2.5,FALSE,,,2,true,99999999999999999\n", {}),
    "floats": ("a,b,c,d,e,f\ninf,NaN,1e3,-.5,1.,1E+05\n-inf,-NaN,2,+2.5,2,1.5e-3\n", {}),
    "quoted empty is a string": ('a\n1\n""\n', {}),
    "whitespace kept": ("a,b\n 1,x \n", {}),
    "dates": ("d,ts,tz\n2020-01-05,2020-01-05 10:00:00,2020-01-05T10:00:00+02:00\n"
              "2021-12-31,2021-02-03T04:05:06.123456789,2021-01-01T00:00:00Z\n", {"try_parse_dates": True}),
    "date formats": ("a,b,c\n2020/01/05,05/01/2020,2020-1-5\n", {"try_parse_dates": True}),
    "dates off": ("d\n2020-01-05\n", {}),
    "date and datetime mix": ("d\n2020-01-05\n2020-01-05 10:00\n", {"try_parse_dates": True}),
    "schema": ("a,b,c\n1,2,x\n-3,,y\n", {"schema": {"a": "Int32", "b": "UInt16", "c": "String"}}),
    "schema no header": ("1,2\n3,4\n", {"has_header": False, "schema": {"x": "Float32", "y": "String"}}),
    "schema temporal": ("d,t\n2020-01-05,2020-01-05\n2021-02-03,2021-02-03 04:05:06.5\n",
                        {"schema": {"d": "Date", "t": "Datetime(ms)"}}),
    "schema overrides": ("a,b,c\n1,2,true\n", {"schema_overrides": {"b": "String", "c": "String", "zzz": "Int32"}}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_read_matches_polars(tmp_path, name):
    content, kwargs = CASES[name]
    check_same(tmp_path, content, **kwargs)


def test_read_bytes_and_file_objects(tmp_path):
    data = b"a,b\n1,x\n2,y\n"
    expected = pl.read_csv(io.BytesIO(data))
    assert_same_frame(read_csv(data), expected)
    assert_same_frame(read_csv(io.BytesIO(data)), expected)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(pl.exceptions.NoDataError):
        pl.read_csv(path)
    with pytest.raises(ax.InvalidInputError, match="empty CSV"):
        read_csv(path)


@pytest.mark.parametrize("content, kwargs, match", [
    ("a,b\n1,2\n3,4,5\n", {}, r"line 3: found 3 fields, but the header has 2"),
    ('a,b\n1,2\n3,"unterminated\n', {}, r"line 3: a quoted field is not closed"),
    ('a,b\n1,ab"c\n', {}, r"line 2: a quote character"),
    ("a,b\n1,2\n3,x\n", {"infer_schema_length": 1}, r'line 3: could not parse "x" as Int64 in column "b"'),
    ("a,b\n1,x\n2147483648,y\n", {"schema": {"a": ax.Int32, "b": ax.String}}, r'line 3: could not parse "2147483648"'),
    (b"a,b\n1,x\n2,\xff\xfe\n", {}, r"line 3: invalid UTF-8"),
])
def test_malformed_raises_invalid_input_naming_file_and_line(tmp_path, content, kwargs, match):
    path = tmp_path / "bad.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(ax.InvalidInputError, match=match) as info:
        read_csv(path, **kwargs)
    assert str(path) in str(info.value)
    assert info.value.details.get("path") == str(path)


def test_truncated_large_file_names_line(tmp_path):
    n = 50_000
    df = pl.DataFrame({"i": np.arange(n), "s": [f"row {i}, with a comma" for i in range(n)]})
    text = df.write_csv()
    path = tmp_path / "trunc.csv"
    path.write_text(text[: len(text) * 2 // 3 - 5])  # cut inside a quoted field
    with pytest.raises(ax.InvalidInputError, match=r"trunc\.csv: line \d+: a quoted field is not closed"):
        read_csv(path)


def test_invalid_utf8_lossy(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("a,b\n1,café\n".encode("latin-1"))
    with pytest.raises(ax.InvalidInputError, match="invalid UTF-8"):
        read_csv(path)
    got = read_csv(path, encoding="utf8-lossy")
    assert got.rows() == [(1, "caf\ufffd")]
    assert pl.read_csv(path, encoding="utf8-lossy").rows() == got.rows()
    with pytest.raises(ax.NotSupportedError, match="encoding"):
        read_csv(path, encoding="latin1")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError):
        scan_csv(tmp_path / "nope.csv").collect()
    with pytest.raises(FileNotFoundError):
        read_csv(tmp_path / "*.csv")


def test_schema_mismatch(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ax.SchemaError, match='"b"'):
        read_csv(path, schema={"a": ax.Int64})
    with pytest.raises(pl.exceptions.SchemaError):
        pl.read_csv(path, schema={"a": pl.Int64})
    with pytest.raises(ax.SchemaError):
        read_csv(path, schema_overrides=[ax.String])


def test_glob_and_directory(tmp_path):
    rng = np.random.default_rng(1)
    frames = []
    for i in range(3):
        df = pl.DataFrame({"id": np.arange(i * 100, i * 100 + 100), "v": rng.random(100),
                           "s": rng.choice(["a", "b,c", 'q"q', None], 100)})
        df.write_csv(tmp_path / f"part-{i}.csv")
        frames.append(df)
    (tmp_path / "README.txt").write_text("not a csv")
    expected = pl.read_csv(tmp_path / "*.csv")
    assert_same_frame(read_csv(tmp_path / "*.csv"), expected)
    assert_same_frame(read_csv(tmp_path), expected)
    assert_same_frame(read_csv(str(tmp_path) + "/part-[01].csv"), pl.concat(frames[:2]))
    plan = scan_csv(tmp_path / "*.csv").explain()
    assert "SCAN CSV [part-0.csv +2 files]" in plan
    (tmp_path / "other.csv").write_text("x,y\n1,2\n")
    with pytest.raises(ax.SchemaError, match="share a header"):
        read_csv(tmp_path / "*.csv")


def _pieces(plan: str) -> tuple[int, int]:
    m = re.search(r"ROW GROUPS (\d+)/(\d+)", plan)
    assert m, plan
    return int(m.group(1)), int(m.group(2))


def test_large_file_read_in_pieces(tmp_path):
    n = 250_000
    rng = np.random.default_rng(2)
    words = np.array(["alpha", "beta, gamma", 'say "hi"', "multi\nline", "日本", ""])
    df = pl.DataFrame({
        "id": np.arange(n),
        "x": rng.standard_normal(n),
        "k": rng.integers(-1000, 1000, n),
        "w": words[rng.integers(0, len(words), n)],
        "b": rng.random(n) > 0.5,
    }).with_columns(pl.when(pl.col("id") % 7 == 0).then(None).otherwise(pl.col("x")).alias("x"))
    path = tmp_path / "big.csv"
    df.write_csv(path)
    assert path.stat().st_size > 5_000_000
    lf = scan_csv(path)
    read, total = _pieces(lf.explain())
    assert total > 1 and read == total
    got = lf.collect()
    assert_same_frame(got, pl.read_csv(path))
    # The same through a projection and a filter, against Polars' lazy scan.
    q = lf.filter(ax.col("k") > 990).select("id", "w")
    expected = pl.scan_csv(path).filter(pl.col("k") > 990).select("id", "w").collect()
    assert_same_frame(q.collect(), expected)


def test_pushdown_visible_in_explain(tmp_path):
    path = tmp_path / "t.csv"
    pl.DataFrame({"a": range(10), "b": [f"s{i}" for i in range(10)], "c": [i / 2 for i in range(10)],
                  "d": [True] * 10}).write_csv(path)
    lf = scan_csv(path).filter(ax.col("a") > 5).select("b")
    plan = lf.explain()
    assert re.search(r"SCAN CSV \[t\.csv\] PROJECT 2/4 COLUMNS \[a, b\] SELECTION \(col\(\"a\"\) > 5\)", plan), plan
    assert lf.collect()["b"].to_list() == ["s6", "s7", "s8", "s9"]
    head = scan_csv(path, n_rows=3)
    assert "LIMIT 3" in head.explain()
    assert head.collect().height == 3
    assert scan_csv(path).select(ax.len()).collect().item() == 10
    assert scan_csv(path).collect_schema() == {"a": ax.Int64, "b": ax.String, "c": ax.Float64, "d": ax.Boolean}


# --- writing ---------------------------------------------------------------------------------


def _typed_frame() -> pa.Table:
    utc = pa.timestamp("us", tz="UTC")
    return pa.table({
        "i": pa.array([1, -2, None, 2**62], pa.int64()),
        "i8": pa.array([-3, 0, None, 127], pa.int8()),
        "u64": pa.array([2**64 - 1, 0, None, 7], pa.uint64()),
        "f": pa.array([1.0, 1e-7, None, float("nan")]),
        "f_more": pa.array([0.1, 1e20, float("inf"), -0.0]),
        "f32": pa.array([1.0, 0.1, None, 1 / 3], pa.float32()),
        "s, name": pa.array(["plain", 'x,"y"', None, "line\nbreak"]),
        "empty": pa.array(["", " lead", None, "é日本"]),
        "b": pa.array([True, False, None, True]),
        "d": pa.array([dt.date(2020, 1, 2), dt.date(1969, 12, 31), None, dt.date(2100, 2, 28)]),
        "ts": pa.array([dt.datetime(2020, 1, 2, 3, 4, 5, 6000), dt.datetime(1960, 1, 1), None,
                        dt.datetime(2020, 1, 1, 0, 0, 0, 1)], pa.timestamp("us")),
        "ts_ms": pa.array([dt.datetime(2020, 1, 2, 3, 4, 5, 123000), None, None, None], pa.timestamp("ms")),
        "ts_ns": pa.array([1_577_934_245_006_000_123, None, -1, 0], pa.timestamp("ns")),
        "ts_utc": pa.array([dt.datetime(2020, 1, 2, 3, 4, 5), None, None, dt.datetime(2000, 6, 1)], utc),
        "dec": pa.array([decimal.Decimal("1.50"), decimal.Decimal("-0.05"), None, decimal.Decimal("12345.67")],
                        pa.decimal128(10, 2)),
    })


def test_write_csv_text_matches_polars():
    table = _typed_frame()
    ours = ax.DataFrame(table).write_csv()
    theirs = pl.from_arrow(table).write_csv()
    assert ours == theirs
    for kwargs in [
        {"separator": ";", "quote_char": "'", "null_value": "NA", "include_header": False},
        {"datetime_format": "%Y/%m/%d %H:%M:%S%.3f"},
        {"datetime_format": "%d.%m.%Y %Hh%M", "date_format": "%d/%m/%Y"},
        {"float_precision": 2},
    ]:
        assert ax.DataFrame(table).write_csv(**kwargs) == pl.from_arrow(table).write_csv(**kwargs), kwargs


def test_write_csv_zone_local_time():
    table = pa.table({"t": pa.array([dt.datetime(2020, 1, 2, 3, 4, 5), dt.datetime(2020, 7, 1, 12)],
                                    pa.timestamp("us", tz="Europe/Paris"))})
    assert ax.DataFrame(table).write_csv() == pl.from_arrow(table).write_csv()


def test_write_csv_round_trips(tmp_path):
    table = _typed_frame()
    df = ax.DataFrame(table)
    path = tmp_path / "out.csv"
    assert df.write_csv(path) is None
    assert path.read_text() == df.write_csv()
    # Polars reads back the same values (floats exactly), with the types it infers.
    back = pl.read_csv(path, try_parse_dates=True, schema_overrides={"dec": pl.Decimal(10, 2), "u64": pl.UInt64})
    expected = pl.from_arrow(table)
    for name in ["i", "u64", "f", "f_more", "s, name", "empty", "b", "d", "ts", "ts_utc", "dec"]:
        assert _norm(back[name].to_list()) == _norm(expected[name].to_list()), name
    # pyarrow reads it too (nulls are empty fields; quoted empty strings stay strings).
    pa_back = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False))
    for name in ["i", "f", "s, name", "empty", "b", "d"]:
        assert _norm(pa_back[name].to_pylist()) == _norm(table[name].to_pylist()), name
    # And alopex, with the original schema.
    schema = {"i": ax.Int64, "i8": ax.Int8, "u64": ax.UInt64, "f": ax.Float64, "f_more": ax.Float64,
              "f32": ax.Float32, "s, name": ax.String, "empty": ax.String, "b": ax.Boolean, "d": ax.Date,
              "ts": ax.Datetime, "ts_ms": ax.Datetime("ms"), "ts_ns": ax.Datetime("ns"),
              "ts_utc": ax.Datetime("us", "UTC"), "dec": pa.decimal128(10, 2)}
    ours = read_csv(path, schema=schema).to_arrow()
    for name in table.column_names:
        assert _norm(ours[name].to_pylist()) == _norm(table[name].to_pylist()), name


def test_write_csv_random_floats_round_trip(tmp_path):
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(2000) * 10.0 ** rng.integers(-30, 30, 2000),
                        rng.random(500), np.array([5e-324, 1.7976931348623157e308, 2.0**53, 0.1 + 0.2])])
    f32 = rng.standard_normal(x.size).astype(np.float32)
    df = ax.DataFrame({"x": x, "f32": f32})
    text = df.write_csv()
    assert text == pl.DataFrame({"x": x, "f32": f32}).write_csv()
    back = pl.read_csv(io.StringIO(text), schema_overrides={"f32": pl.Float32})
    assert np.array_equal(back["x"].to_numpy(), x)
    assert np.array_equal(back["f32"].to_numpy(), f32)
    ours = read_csv(io.BytesIO(text.encode()), schema_overrides={"f32": ax.Float32})
    assert np.array_equal(ours["x"].to_numpy(), x)
    assert np.array_equal(ours["f32"].to_numpy(), f32)


def test_write_csv_file_objects_and_sink(tmp_path):
    df = ax.DataFrame({"a": [1, 2], "s": ["x", None]})
    text = io.StringIO()
    df.write_csv(text)
    assert text.getvalue() == "a,s\n1,x\n2,\n"
    raw = io.BytesIO()
    df.write_csv(raw)
    assert raw.getvalue() == b"a,s\n1,x\n2,\n"
    path = tmp_path / "sink.csv"
    df.lazy().filter(ax.col("a") > 1).sink_csv(path, separator="|")
    assert path.read_text() == "a|s\n2|\n"
    assert ax.DataFrame({"a": []}).write_csv() == pl.DataFrame({"a": []}).write_csv()


def test_write_csv_errors(tmp_path):
    with pytest.raises(ax.NotSupportedError, match="Binary"):
        ax.DataFrame({"b": pa.array([b"x"])}).write_csv()
    with pytest.raises(ax.NotSupportedError):
        ax.DataFrame({"d": pa.array([dt.timedelta(seconds=1)])}).write_csv()
    with pytest.raises(FileNotFoundError):
        ax.DataFrame({"a": [1]}).write_csv(tmp_path / "no" / "such" / "dir.csv")
    with pytest.raises(ax.InvalidInputError):
        ax.DataFrame({"a": [1]}).write_csv(separator=",", quote_char=",")
    with pytest.raises(ax.InvalidInputError, match="directive"):
        ax.DataFrame({"t": [dt.datetime(2020, 1, 1)]}).write_csv(datetime_format="%Q")


def test_write_then_read_large(tmp_path):
    n = 220_000
    rng = np.random.default_rng(4)
    df = ax.DataFrame({"i": np.arange(n), "x": rng.random(n), "s": np.where(rng.random(n) > 0.5, "a,\"b\"\nc", "d")})
    path = tmp_path / "rt.csv"
    df.write_csv(path)
    back = read_csv(path)
    assert back.to_arrow().equals(df.to_arrow())
    assert _pieces(scan_csv(path).explain())[1] > 1
