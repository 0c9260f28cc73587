"""Arrow IPC and (ND)JSON reading and writing, against Polars."""

from __future__ import annotations

import datetime
import io

import pytest

import alopex as ax
from alopex.exceptions import AlopexError

pl = pytest.importorskip("polars")

D = {"a": [1, None, 3], "b": ["x", "é", None], "c": [1.5, None, -0.25], "d": [True, False, None],
     "e": [datetime.date(2020, 1, 2), None, datetime.date(1969, 12, 31)]}


def same(a, p):
    assert a.columns == p.columns
    assert [str(t) for t in a.dtypes] == [str(t) for t in p.dtypes]
    assert a.rows() == p.rows()


@pytest.mark.parametrize("compression", ["uncompressed", "lz4", "zstd"])
def test_ipc_round_trips_with_polars(tmp_path, compression):
    df, p = ax.DataFrame(D), pl.DataFrame(D)
    df.write_ipc(tmp_path / "a.arrow", compression=compression)
    assert pl.read_ipc(tmp_path / "a.arrow").equals(p)
    p.write_ipc(tmp_path / "p.arrow", compression=compression)
    same(ax.read_ipc(tmp_path / "p.arrow"), p)
    same(ax.read_ipc(str(tmp_path / "p.arrow"), memory_map=False), p)
    same(ax.scan_ipc(tmp_path / "p.arrow").filter(ax.col("a") > 1).collect(), p.filter(pl.col("a") > 1))


def test_ipc_options_and_sources(tmp_path):
    p = pl.DataFrame(D)
    buf = p.write_ipc(None)
    same(ax.read_ipc(buf.getvalue(), columns=["c", "a"], n_rows=2), p.select("c", "a").head(2))
    same(ax.read_ipc(io.BytesIO(buf.getvalue()), columns=[1]), p.select("b"))
    same(ax.read_ipc(buf.getvalue(), row_index_name="i", row_index_offset=5),
         pl.read_ipc(buf.getvalue(), row_index_name="i", row_index_offset=5))
    out = ax.DataFrame(D).write_ipc(None)
    assert pl.read_ipc(out).equals(p)
    ax.DataFrame(D).write_ipc_stream(tmp_path / "s.arrows")
    same(ax.read_ipc_stream(tmp_path / "s.arrows"), p)
    same(ax.read_ipc(tmp_path / "s.arrows"), p)  # a stream is recognised by read_ipc too, as in Polars
    with pytest.raises(ax.ColumnNotFoundError, match="'zz'"):
        ax.read_ipc(buf.getvalue(), columns=["zz"])
    with pytest.raises(FileNotFoundError):
        ax.read_ipc(tmp_path / "missing.arrow")
    (tmp_path / "bad.arrow").write_bytes(b"not arrow at all")
    with pytest.raises(AlopexError, match="not an Arrow IPC file"):
        ax.read_ipc(tmp_path / "bad.arrow")
    with pytest.raises(AlopexError, match="compression"):
        ax.DataFrame(D).write_ipc(None, compression="gzip")


def test_ipc_read_is_a_view_of_the_mapped_file(tmp_path):
    import numpy as np

    ax.DataFrame({"x": np.arange(1_000_000, dtype=np.float64)}).write_ipc(tmp_path / "big.arrow")
    s = ax.read_ipc(tmp_path / "big.arrow")["x"]
    assert s.to_numpy().base is not None and not s.to_numpy().flags.owndata


def test_ndjson_and_json_write_like_polars(tmp_path):
    df, p = ax.DataFrame(D), pl.DataFrame(D)
    assert df.write_ndjson() == p.write_ndjson()
    assert df.write_json() == p.write_json()
    df.write_ndjson(tmp_path / "a.ndjson")
    assert (tmp_path / "a.ndjson").read_text() == p.write_ndjson()
    nan = ax.DataFrame({"f": [float("nan"), float("inf"), 1.0]})
    assert nan.write_ndjson() == pl.DataFrame({"f": [float("nan"), float("inf"), 1.0]}).write_ndjson()


def test_ndjson_read_like_polars(tmp_path):
    p = pl.DataFrame(D)
    text = p.write_ndjson()
    same(ax.read_ndjson(io.StringIO(text)), pl.read_ndjson(io.StringIO(text)))
    same(ax.read_ndjson(text.encode()), pl.read_ndjson(text.encode()))
    (tmp_path / "a.ndjson").write_text(text)
    same(ax.read_ndjson(tmp_path / "a.ndjson", n_rows=2), pl.read_ndjson(tmp_path / "a.ndjson", n_rows=2))
    same(ax.scan_ndjson(tmp_path / "a.ndjson").select("b").collect(), p.select("b"))
    mixed = '{"a": 1, "t": "2020-01-01"}\n{"a": 2.5}\n{"z": null}\n'
    same(ax.read_ndjson(io.StringIO(mixed)), pl.read_ndjson(io.StringIO(mixed)))
    same(ax.read_ndjson(io.StringIO(mixed), schema_overrides={"a": ax.Float32}),
         pl.read_ndjson(io.StringIO(mixed), schema_overrides={"a": pl.Float32}))
    same(ax.read_ndjson(io.StringIO(mixed), schema={"a": ax.Float64, "t": ax.String}),
         pl.read_ndjson(io.StringIO(mixed), schema={"a": pl.Float64, "t": pl.String}))


def test_ndjson_errors_name_the_line():
    with pytest.raises(AlopexError, match="line 2 is not valid JSON"):
        ax.read_ndjson(io.StringIO('{"a": 1}\n{"a": \n'))
    late_float = "".join('{"a": 1}\n' for _ in range(3)) + '{"a": "text"}\n'
    with pytest.raises(AlopexError, match="infer_schema_length=None"):
        ax.read_ndjson(io.StringIO(late_float), infer_schema_length=2)
    got = ax.read_ndjson(io.StringIO(late_float), infer_schema_length=2, ignore_errors=True)
    assert got["a"].to_list() == [1, 1, 1, None]
    assert ax.read_ndjson(io.StringIO("")).shape == (0, 0)


def test_json_read_like_polars():
    p = pl.DataFrame(D)
    text = p.write_json()
    same(ax.read_json(io.StringIO(text)), pl.read_json(io.StringIO(text)))
    with pytest.raises(AlopexError, match="not valid JSON"):
        ax.read_json(io.StringIO("[{"))


def test_docstring_examples_run():
    import doctest

    import alopex.io_arrow

    assert doctest.testmod(alopex.io_arrow).failed == 0
